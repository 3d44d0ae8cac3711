"""A decision on the plan, then the plan again: carried over against solved again, side by side.

Run: ``.venv/bin/python bench/bench_decisions.py [--seeds 1 2 3] [--approvals 3]``. For the pilot
network (``data/synthetic``) and national networks (1,700 x 5,000, one per seed, the network
``stu-match generate`` writes), the decided plan is solved once with the app's defaults (interests first,
60 s) into an empty results folder; then a consultant approves the plan's proposals one at a time
(each approval added to the ones before) and rejects one. After each decision the decided plan is
made as the app makes it (``plan_with_decisions`` with the results folder: carried over when the
last proven plan keeps the decisions and they only narrow its problem) and, right after, without a
results folder (solved again), on the same decisions. Both times include building the problem from
the scores (the same in both). Writes the "Decisions" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path
from statistics import median
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import machine_lines  # noqa: E402
from bench.sections import replace_section  # noqa: E402
from features.loading import network_from_tables  # noqa: E402
from features.network import Network  # noqa: E402
from features.synthetic import generate  # noqa: E402
from placement_service import DecisionSet, eligible_pairs, load_data, plan_with_decisions  # noqa: E402
from placement_service.decisions import Decision  # noqa: E402
from placement_service.planning import prepare_scoring  # noqa: E402
from placement_service.result_cache import ResultCache  # noqa: E402


def decided(decisions: list[tuple[str, str, str]]) -> DecisionSet:
    return DecisionSet.of(
        [
            Decision(id=n, student_id=s, company_id=c, kind=kind, user="bench", at="2026-12-06")  # type: ignore[arg-type]
            for n, (kind, s, c) in enumerate(decisions, start=1)
        ]
    )


def timed(context, decisions, results):  # type: ignore[no-untyped-def]
    started = perf_counter()
    plan = plan_with_decisions(context, decided(decisions), results=results)
    return plan.result, perf_counter() - started


def value(result) -> tuple[int, int, float]:  # type: ignore[no-untyped-def]
    return result.placed, result.in_interest, round(result.objective_score, 2)


def network_rows(name: str, network: Network, approvals: int, scratch: Path) -> tuple[list[str], list[float]]:
    context = prepare_scoring(network)
    eligible_pairs(context)  # scored once, as in the app before any plan
    cache = ResultCache(scratch / f"results-{name.replace(' ', '-')}")
    first, first_seconds = timed(context, [], cache)
    rows = [
        f"| {name} | none (the first plan) | {first_seconds:.2f} s ({first.status}) | | "
        f"{first.placed:,} placed, {first.in_interest:,} within interests |"
    ]
    proposals = first.assignments()
    decisions: list[tuple[str, str, str]] = []
    ratios = []
    steps = [("approve", proposals[n]) for n in range(approvals)] + [("reject", proposals[approvals])]
    for kind, proposal in steps:
        decisions = [*decisions, (kind, proposal.student_id, proposal.company_id)]
        kept, kept_seconds = timed(context, decisions, cache)
        fresh, fresh_seconds = timed(context, decisions, None)
        same = value(kept) == value(fresh) and kept.status == fresh.status == "OPTIMAL"
        how = "carried over" if kept.carried_over else "solved"
        label = f"approve proposal {len(decisions)}" if kind == "approve" else "reject a proposal"
        rows.append(
            f"| {name} | {label} | {kept_seconds:.2f} s ({how}, {kept.status}) | "
            f"{fresh_seconds:.2f} s ({fresh.status}) | {'the same' if same else 'DIFFERENT'} |"
        )
        if kind == "approve":
            ratios.append(fresh_seconds / kept_seconds)
        print(rows[-1], flush=True)
    return rows, ratios


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", nargs="*", type=int, default=[1, 2, 3])
    parser.add_argument("--approvals", type=int, default=3)
    args = parser.parse_args()
    lines: list[str] = []
    ratios: list[float] = []
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        networks = {"pilot (data/synthetic)": load_data(ROOT / "data" / "synthetic")}
        for seed in args.seeds:
            networks[f"national seed {seed}"] = network_from_tables(generate(1700, 5000, seed=seed).tables)
        for name, network in networks.items():
            rows, found = network_rows(name, network, args.approvals, scratch)
            lines += rows
            if name.startswith("national"):
                ratios += found
    machine = "\n".join(machine_lines())
    markdown = f"""## Decisions: the plan again after approving a proposal

After each decision the Placeringsplan page shows the decided plan again. When the last plan proven
for the same data and objective keeps every decision made since and those decisions only add to
its own (approving or locking a proposed placement, forbidding a pair the plan does not use), the
plan is still optimal and is carried over instead of solved again (docs/architecture.md,
*Decisions and versions*). Each row: one more decision on the plan (approvals add up; the last row
rejects one more proposal, which the plan breaks), then the decided plan made as the app makes it
(with its results folder) and, right after, solved again without one, on the same decisions. Both
include building the problem from the scores; objective interests first, 60 s, as in the app. *Plan
value*: placed, within interests and total score of the two, and both proven. Reproduce:
`.venv/bin/python bench/bench_decisions.py`. Measured {date.today().isoformat()} on:

{machine}

| network | decision | with the results folder | solved again | plan value |
|---|---|---:|---:|---|
{chr(10).join(lines)}

On the national networks an approval's plan came {median(ratios):.0f} times as fast as solving it
again (median over {len(ratios)} approvals; {min(ratios):.0f}-{max(ratios):.0f} times).
"""
    replace_section("decisions", markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
