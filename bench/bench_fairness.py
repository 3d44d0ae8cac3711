"""Fairness by group: the plan of ``count-then-score`` against the ``fairness`` objective, side by side.

Run: ``.venv/bin/python bench/bench_fairness.py [--seeds 1 2 3] [--time-limit 120]``. For the pilot
network (``data/synthetic``) and national networks (``stu-match generate --students 1700
--companies 5000 --seed S``), the plan is solved once per objective on the same scoring (the
default weights and the learned outcome model, as ``stu-match assign``), and
``placement_service.fairness.placement_by_group`` counts per group (STU site, gender, age band,
impairment group, transport mode): placed, placed within the student's interests, mean score.
National figures pool the seeds (counts summed, rates of the sums). Writes the "Fairness by
group" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import machine_lines  # noqa: E402
from bench.sections import replace_section  # noqa: E402
from placement_service import eligible_pairs, load_data, plan_cohort, prepare_scoring  # noqa: E402
from placement_service.fairness import (  # noqa: E402
    GROUP_LABELS_DA,
    GroupPlacement,
    placement_by_group,
    value_label,
)

OBJECTIVES = ("count-then-score", "fairness")

Counts = dict[tuple[str, str], dict[str, float]]
"""(group, value) -> students, placed, in_interest, score_sum."""


def generate(folder: Path, seed: int) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "stu_match.cli",
            "generate",
            "--out",
            str(folder),
            "--students",
            "1700",
            "--companies",
            "5000",
            "--seed",
            str(seed),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return folder


def solve(data: Path, time_limit: float) -> dict[str, tuple[Counts, dict[str, object]]]:
    """Per objective: the counts by group and the plan's totals (placed, lowest score, status, seconds)."""
    network = load_data(data)
    context = prepare_scoring(network)
    pairs = eligible_pairs(context)
    out = {}
    for objective in OBJECTIVES:
        started = time.perf_counter()
        plan = plan_cohort(context, objective=objective, time_limit=time_limit, pairs=pairs)
        seconds = time.perf_counter() - started
        counts: Counts = {}
        for rows in placement_by_group(plan).values():
            for row in rows:
                counts[(row.group, row.value)] = _counts(row)
        totals = {
            "students": plan.result.students,
            "placed": plan.result.placed,
            "in_interest": plan.result.in_interest,
            "lowest": plan.lowest_score,
            "status": plan.result.status,
            "seconds": seconds,
        }
        out[objective] = (counts, totals)
        print(f"{data.name} {objective}: {totals}", flush=True)
    return out


def _counts(row: GroupPlacement) -> dict[str, float]:
    return {
        "students": row.students,
        "placed": row.placed,
        "in_interest": row.in_interest,
        "score_sum": (row.mean_score or 0.0) * row.placed,
    }


def pooled(runs: list[Counts]) -> Counts:
    total: Counts = {}
    for run in runs:
        for key, counts in run.items():
            into = total.setdefault(key, {"students": 0, "placed": 0, "in_interest": 0, "score_sum": 0.0})
            for name, value in counts.items():
                into[name] += value
    return total


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "–"


def table(by_objective: dict[str, Counts]) -> str:
    first = by_objective[OBJECTIVES[0]]
    order = list(first)
    lines = [
        "| group | students | placed: count-then-score | placed: fairness | within interests: count-then-score "
        "| within interests: fairness | mean score: count-then-score | mean score: fairness |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key in order:
        group, value = key
        a, b = (by_objective[o][key] for o in OBJECTIVES)
        label = f"{GROUP_LABELS_DA[group]}: {value_label(group, value)}"
        mean = [f"{c['score_sum'] / c['placed']:.1f}" if c["placed"] else "–" for c in (a, b)]
        lines.append(
            f"| {label} | {a['students']:.0f} | {_pct(a['placed'], a['students'])} | {_pct(b['placed'], b['students'])} "
            f"| {_pct(a['in_interest'], a['placed'])} | {_pct(b['in_interest'], b['placed'])} | {mean[0]} | {mean[1]} |"
        )
    return "\n".join(lines)


def totals_line(name: str, results: dict[str, tuple[Counts, dict[str, object]]]) -> str:
    cells = []
    for objective in OBJECTIVES:
        t = results[objective][1]
        lowest = t["lowest"]
        cells.append(
            f"{t['placed']} of {t['students']}, {t['in_interest']} within interests, lowest score "
            f"{lowest:.1f}, {t['status']} in {t['seconds']:.0f} s"
            if isinstance(lowest, float)
            else f"{t['placed']} of {t['students']}, {t['status']}"
        )
    return f"| {name} | {cells[0]} | {cells[1]} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", nargs="*", type=int, default=[1, 2, 3])
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument(
        "--national",
        type=Path,
        nargs="*",
        default=None,
        help="national folders already generated (in seed order)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        pilot = solve(ROOT / "data" / "synthetic", args.time_limit)
        national: dict[int, dict[str, tuple[Counts, dict[str, object]]]] = {}
        for index, seed in enumerate(args.seeds):
            folder = (
                args.national[index]
                if args.national and index < len(args.national)
                else generate(scratch / f"national-{seed}", seed)
            )
            national[seed] = solve(folder, args.time_limit)
    totals = [totals_line("pilot", pilot)] + [
        totals_line(f"national seed {s}", r) for s, r in national.items()
    ]
    pilot_table = table({o: pilot[o][0] for o in OBJECTIVES})
    national_table = table({o: pooled([r[o][0] for r in national.values()]) for o in OBJECTIVES})
    seeds = ", ".join(str(s) for s in national)
    runs = {"pilot": pilot, **{f"national seed {s}": r for s, r in national.items()}}
    same = [name for name, r in runs.items() if r[OBJECTIVES[0]][0] == r[OBJECTIVES[1]][0]]
    reading = (
        f"Placements by group were identical under both objectives on {len(same)} of {len(runs)} networks"
        + (f" ({', '.join(same)})" if same else "")
        + ". The lowest score of a plan is set by its worst-off placed student; when that student has one "
        "eligible company (the pilot's one student who walks), `fairness` cannot raise it and then, like "
        "`count-then-score`, maximises the total. A national plan that is FEASIBLE, not OPTIMAL, stopped at "
        "the time limit."
    )
    machine = "\n".join(machine_lines())
    markdown = f"""## Fairness by group

The plan of `count-then-score` (most placed, then the highest total score) against `fairness` (most
placed, then the highest lowest score, then the total), per group of students, on the pilot network
(`data/synthetic`) and national networks (`stu-match generate --students 1700 --companies 5000 --seed S`,
seeds {seeds}; counts pooled over the seeds). Both plans use the same scoring (default weights and the
learned outcome model) and no decisions; the groups are those of `stu-match fairness`
(docs/outcome-model.md, "Calibration by group"). *Within interests* is a share of the placed. Reproduce:
`.venv/bin/python bench/bench_fairness.py`. Measured {date.today().isoformat()} on:

{machine}

| network | count-then-score | fairness |
|---|---|---|
{chr(10).join(totals)}

{reading}

### Pilot network (140 students)

{pilot_table}

### National networks (1,700 students each, seeds {seeds} pooled)

{national_table}
"""
    replace_section("fairness", markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
