"""Time the optimizer of two git revisions side by side on the same stored instances.

Run: ``.venv/bin/python bench/compare_revisions.py OLD_REV [NEW_REV] --problems DIR [--repeats N]``.
Each revision is checked out into a temporary worktree; runs alternate between the two
(old, new, old, new, ...) in fresh processes (``bench.worker optimizer``), so load on a
shared machine falls on both alike. Prints the median wall time of each and their ratio,
and checks that both place the same students with the same total score.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def worktree(revision: str, into: Path) -> Path:
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(into), revision],
        check=True,
        capture_output=True,
    )
    return into


def run(tree: Path, problem: Path, plan: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.worker", "optimizer", str(problem), str(plan)],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("old")
    parser.add_argument("new", nargs="?", default="HEAD")
    parser.add_argument("--problems", type=Path, required=True, help="folder with the bench's NAME.npz files")
    parser.add_argument("--instances", nargs="+", default=["pilot", "national"])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        trees = {
            name: worktree(rev, Path(scratch) / name) for name, rev in (("old", args.old), ("new", args.new))
        }
        try:
            for instance in args.instances:
                problem = args.problems / f"{instance}.npz"
                times: dict[str, list[float]] = {"old": [], "new": []}
                outcomes: dict[str, tuple[object, ...]] = {}
                for _ in range(args.repeats):
                    for name, tree in trees.items():
                        report = run(tree, problem, Path(scratch) / f"{name}-plan.npz")
                        times[name].append(float(report["seconds"]))  # type: ignore[arg-type]
                        info = report.get("info", {})
                        assert isinstance(info, dict)
                        outcomes[name] = (
                            info.get("status"),
                            info.get("placed_bound"),
                            info.get("score_bound"),
                        )
                old, new = statistics.median(times["old"]), statistics.median(times["new"])
                print(
                    f"| {instance} | {args.old} {old:.3f} s | {args.new} {new:.3f} s | {new / old:.2f}x | "
                    f"{'same plan value' if outcomes['old'] == outcomes['new'] else f'DIFFERENT: {outcomes}'} |"
                )
        finally:
            for tree in trees.values():
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
