"""Generated networks under each objective, two revisions of the optimizer side by side.

    .venv/bin/python bench/objectives_vs_revision.py --old c84e442            # 340 x 180 and 700 x 360, seeds 1-5
    .venv/bin/python bench/objectives_vs_revision.py --old HEAD~3 --sizes 340x180 --seeds 3

Each network is ``stu-match generate --students S --companies C --seed N`` (cached in
``bench/.out/objectives``), solved by ``stu-match assign --json`` with the default time limit
under ``count-interest-score`` (the CLI's default) and ``count-then-score``. The old revision
runs from a temporary git worktree; the two alternate (old, new) in fresh processes, so load
on the shared machine falls on both alike. Reported per network and objective: status,
placed, placed within interests, total score and the solver's own seconds (``solve_seconds``,
without loading and scoring) for each revision, the median of ``--repeats`` runs (the count's
search and the knapsack rounds stop on the clock, so one run can take twice another), and their
ratio; a Markdown table on stdout, the raw rows in ``bench/.out/objectives/results.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.child import cli_json_in  # noqa: E402
from bench.compare_revisions import worktree  # noqa: E402

CACHE = ROOT / "bench" / ".out" / "objectives"
SIZES = ("340x180", "700x360")
SEEDS = (1, 2, 3, 4, 5)
OBJECTIVES = ("count-interest-score", "count-then-score")


def network(size: str, seed: int) -> Path:
    """The generated network's folder, written once."""
    students, companies = size.split("x")
    folder = CACHE / f"net_{size}_{seed}"
    if not (folder / "students.csv").exists():
        command = ["generate", "--students", students, "--companies", companies, "--seed", str(seed)]
        subprocess.run(
            [sys.executable, "-m", "stu_match.cli", *command, "--out", str(folder), "--force"],
            check=True,
            capture_output=True,
        )
    return folder


def solve(tree: Path, data: Path, objective: str) -> dict[str, Any]:
    """``stu-match assign --json`` of the revision in ``tree``: the plan's headline figures."""
    report = cli_json_in(tree, ["assign", "--data", str(data), "--objective", objective, "--json"])
    keys = ("status", "placed", "in_interest", "objective_score", "solve_seconds")
    return {key: report[key] for key in keys}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--old", required=True, help="the git revision to compare with (the working tree is new)"
    )
    parser.add_argument("--sizes", nargs="+", default=list(SIZES))
    parser.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS))
    parser.add_argument("--objectives", nargs="+", default=list(OBJECTIVES), choices=OBJECTIVES)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each revision (median seconds)")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        old_tree = worktree(args.old, Path(scratch) / "old")
        try:
            for size in args.sizes:
                for seed in args.seeds:
                    data = network(size, seed)
                    for objective in args.objectives:
                        runs: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
                        for _ in range(args.repeats):
                            runs["old"].append(solve(old_tree, data, objective))
                            runs["new"].append(solve(ROOT, data, objective))
                        row = {"size": size, "seed": seed, "objective": objective}
                        row.update({name: _median_run(found) for name, found in runs.items()})
                        rows.append(row)
                        with open(CACHE / "results.jsonl", "a", encoding="utf-8") as log:
                            log.write(json.dumps({**row, "old_revision": args.old}) + "\n")
                        print(_line(row), flush=True)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old_tree)], check=False
            )
    print()
    print(_table(rows, args.old))
    return 0


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median seconds, with every run's seconds and statuses."""
    ordered = sorted(runs, key=lambda run: run["solve_seconds"])
    middle = dict(ordered[(len(ordered) - 1) // 2])
    middle["solve_seconds"] = statistics.median(run["solve_seconds"] for run in runs)
    middle["all_seconds"] = [run["solve_seconds"] for run in runs]
    middle["statuses"] = sorted({run["status"] for run in runs})
    return middle


def _line(row: dict[str, Any]) -> str:
    old, new = row["old"], row["new"]
    return (
        f"{row['size']} seed {row['seed']} {row['objective']}: "
        f"old {old['statuses']} {old['placed']}/{old['in_interest']} {old['all_seconds']} s, "
        f"new {new['statuses']} {new['placed']}/{new['in_interest']} {new['all_seconds']} s"
    )


def _objective_value(objective: str, run: dict[str, Any]) -> tuple[Any, ...]:
    """What the objective ranks plans by: under count-then-score the number within interests is not
    part of it, and two optimal plans may differ there (700 x 360 seed 3: 424 and 423, same score)."""
    if objective == "count-then-score":
        return run["placed"], run["objective_score"]
    return run["placed"], run["in_interest"], run["objective_score"]


def _table(rows: list[dict[str, Any]], old_revision: str) -> str:
    lines = [
        f"| network | objective | {old_revision}: status, placed (in interests), median s | new: status, "
        "placed (in interests), median s | new / old | same objective value |",
        "|---|---|---|---|---:|---|",
    ]
    for row in rows:
        old, new = row["old"], row["new"]
        same = _objective_value(row["objective"], old) == _objective_value(row["objective"], new)
        lines.append(
            f"| {row['size'].replace('x', ' x ')} seed {row['seed']} | {row['objective']} | "
            f"{'/'.join(old['statuses'])} {old['placed']} ({old['in_interest']}), {old['solve_seconds']:.1f} | "
            f"{'/'.join(new['statuses'])} {new['placed']} ({new['in_interest']}), {new['solve_seconds']:.1f} | "
            f"{new['solve_seconds'] / old['solve_seconds']:.2f} | {'yes' if same else 'no'} |"
        )
    for objective in sorted({row["objective"] for row in rows}):
        ratios = [
            r["new"]["solve_seconds"] / r["old"]["solve_seconds"] for r in rows if r["objective"] == objective
        ]
        lines.append(
            f"\nMedian new / old under {objective}: {statistics.median(ratios):.2f} ({len(ratios)} networks)."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
