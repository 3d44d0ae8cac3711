"""Whole-process times of the ``stu-match`` commands against the bare import of pandas and pydantic.

Run: ``.venv/bin/python bench/bench_cli.py [--repeats 5] [--before REV]``. Each command runs as a
user starts it, in a fresh process, on the pilot network (``data/synthetic``), timed from start
to exit; runs go round-robin (baseline, then each command, then again), so that load from other
work on the machine falls on all of them alike. Reported: the median of the runs, the range, and
the ratio of the median to the median of the baseline, ``python -c "import pandas, pydantic"``,
measured in the same run. ``shortlist`` runs warm (the outcome model fitted by an earlier run is
stored in the cache folder) and cold (an empty cache folder: it fits the model). With
``--before REV``, the same commands of revision REV (a git worktree) run in the same rounds.
Writes the "Command line" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.compare_revisions import worktree  # noqa: E402
from bench.machine import machine_lines  # noqa: E402
from bench.sections import replace_section  # noqa: E402

DATA = ROOT / "data" / "synthetic"
BASELINE = "import pandas, pydantic"
RUN_CLI = "import sys; from stu_match.cli import main; sys.exit(main())"
TARGETS = {"validate": 2.0, "shortlist (warm)": 3.0}
"""Issue 17: the whole process at most this many times the bare import of pandas and pydantic."""


@dataclass(frozen=True)
class Command:
    name: str
    argv: tuple[str, ...]  # after ``stu-match``; {out} and {student} are filled in
    cold: bool = False  # an empty model cache for every run


def commands(student: str) -> list[Command]:
    data = str(DATA)
    return [
        Command("validate", ("validate", "--data", data)),
        Command("shortlist (warm)", ("shortlist", "--data", data, "--student", student, "--json")),
        Command("shortlist (cold)", ("shortlist", "--data", data, "--student", student, "--json"), cold=True),
        Command("pairs --rule-only", ("pairs", "--data", data, "--rule-only", "--out", "{out}/pairs.csv")),
        Command("assign", ("assign", "--data", data, "--json")),
    ]


def first_student() -> str:
    with (DATA / "students.csv").open(encoding="utf-8-sig", newline="") as file:
        return next(csv.DictReader(file))["student_id"]


def timed(argv: Sequence[str], cwd: Path, env: dict[str, str]) -> float:
    """Seconds from the start of a fresh process to its exit; a failure stops the benchmark."""
    started = time.perf_counter()
    done = subprocess.run(list(argv), cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return seconds


def measure(trees: dict[str, Path], repeats: int, scratch: Path) -> dict[str, dict[str, list[float]]]:
    """{tree label: {command: seconds of each run}}, plus the baseline under the label "baseline"."""
    student = first_student()
    times: dict[str, dict[str, list[float]]] = {"baseline": {"baseline": []}}
    times.update({label: {c.name: [] for c in commands(student)} for label in trees})
    base_env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH",)}
    for label, tree in trees.items():  # warm each tree's model cache once, and the file system cache
        env = {
            **base_env,
            "STU_MATCH_CACHE": str(scratch / label / "cache"),
            "STU_MATCH_DB": str(scratch / label / "db.sqlite3"),
        }
        for command in commands(student):
            argv = [a.format(out=scratch, student=student) for a in command.argv]
            timed([sys.executable, "-c", RUN_CLI, *argv], tree, env)
    for round_ in range(repeats):
        times["baseline"]["baseline"].append(timed([sys.executable, "-c", BASELINE], ROOT, base_env))
        for label, tree in trees.items():
            env = {
                **base_env,
                "STU_MATCH_CACHE": str(scratch / label / "cache"),
                "STU_MATCH_DB": str(scratch / label / "db.sqlite3"),
            }
            for command in commands(student):
                if command.cold:
                    env = {**env, "STU_MATCH_CACHE": str(scratch / label / f"cold-{round_}")}
                argv = [a.format(out=scratch, student=student) for a in command.argv]
                times[label][command.name].append(timed([sys.executable, "-c", RUN_CLI, *argv], tree, env))
    return times


def markdown(
    times: dict[str, dict[str, list[float]]], repeats: int, before: str | None, load: float = float("nan")
) -> str:
    base_runs = times["baseline"]["baseline"]
    baseline = statistics.median(base_runs)
    labels = [label for label in times if label != "baseline"]
    now = labels[-1]
    columns = [f"{label}: median | {label}: × baseline" for label in labels[:-1]]
    columns.append(f"{now}: median | {now}: range | {now}: × baseline")
    rows = [
        "| command | " + " | ".join(columns) + " | target |",
        "|---|" + "---:|---:|" * (len(labels) - 1) + "---:|---:|---:|---|",
    ]
    for name in times[now]:
        cells = [
            f"{statistics.median(times[label][name]):.2f} s | "
            f"{statistics.median(times[label][name]) / baseline:.1f}"
            for label in labels[:-1]
        ]
        runs = times[now][name]
        cells.append(
            f"{statistics.median(runs):.2f} s | {min(runs):.2f}–{max(runs):.2f} s | "
            f"{statistics.median(runs) / baseline:.1f}"
        )
        target = f"at most {TARGETS[name]:g}×" if name in TARGETS else ""
        rows.append(f"| `{name}` | " + " | ".join(cells) + f" | {target} |")
    verdicts = []
    for name, limit in TARGETS.items():
        ratio = statistics.median(times[now][name]) / baseline
        verdicts.append(
            f"`{name}` {ratio:.1f}× ({'met' if ratio <= limit else 'NOT met'}: at most {limit:g}×)"
        )
    before_note = (
        f" The `{before}` columns are revision {before}'s commands (a git worktree) in the same rounds."
        if before
        else ""
    )
    machine = "\n".join([*machine_lines(), f"- Load average when the run started: {load:.1f}"])
    command = "`.venv/bin/python bench/bench_cli.py" + (f" --before {before}" if before else "") + "`"
    return f"""## Command line

Whole-process times of `stu-match` commands on the pilot network (`data/synthetic`, 140 students,
220 companies): each command in a fresh process, as a user starts it
(`python -c "from stu_match.cli import main; ..."` with the arguments of the command), timed from
start to exit, {repeats} runs each, round-robin with the baseline, the bare import
`python -c "import pandas, pydantic"`, so that load from other work falls on all alike. The ratio is
the median against the baseline's median in the same run. `shortlist (warm)` finds the outcome
model stored by an earlier run in the cache folder (`STU_MATCH_CACHE`); `shortlist (cold)` starts
with an empty one and fits it. `assign` includes solving the plan.{before_note}

Reproduce: {command}. Measured on:

{machine}

Baseline, `python -c "import pandas, pydantic"`: median {baseline:.2f} s ({min(base_runs):.2f}–{max(base_runs):.2f} s).

{chr(10).join(rows)}

Targets (issue 17, against the baseline): {"; ".join(verdicts)}.

Before issue 17 every command imported scikit-learn (1.4–1.7 s here), OR-Tools' CP-SAT and min-cost
flow, scipy.sparse and openpyxl, and refitted the outcome model; building the parser imported every
command's module. Now the CLI imports only the command it runs, the service's package root imports
each name on first use, OR-Tools and scipy.sparse are imported when a plan is solved, openpyxl when
a workbook is read or written, and the fitted model is stored in the cache folder and read back
without scikit-learn (`tests/cli/test_lazy_imports.py` checks `sys.modules` after `validate`,
`generate`, `pairs --rule-only` and a second `shortlist`). What remains above the baseline is
mostly reading and validating the rows (about 0.25 s for the pilot, pydantic row by row: item 3 of
the issue) and, for `shortlist (cold)` and the first `assign` or `pairs` after the data changed,
fitting the model once (importing scikit-learn).
"""


def markdown_section(quick: bool = False, before: str | None = None) -> str:
    repeats = 3 if quick else 5
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        trees: dict[str, Path] = {}
        if before:
            trees[before] = worktree(before, scratch / "before")
        trees["now"] = ROOT
        load = os.getloadavg()[0]
        try:
            times = measure(trees, repeats, scratch)
        finally:
            if before:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(scratch / "before")],
                    check=False,
                    capture_output=True,
                )
    return markdown(times, repeats, before, load)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs of each command instead of 5")
    parser.add_argument("--before", metavar="REV", help="also time the commands of this git revision")
    args = parser.parse_args(argv)
    section = markdown_section(quick=args.quick, before=args.before)
    replace_section("cli", section)
    print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
