"""Two revisions' optimizer side by side on the tight networks, under any objective, without HiGHS.

    .venv/bin/python bench/tight_revisions.py --old REV --objective count-then-score --companies 900 --seeds 1 2 3
    .venv/bin/python bench/tight_revisions.py --old REV --objective count-interest-score --companies 900 --seeds 6

The networks of ``bench/bench_tight.py`` (``generate(1700, companies, seed)``, the same cached pairs;
under ``count-interest-score`` each pair's place in its student's interests, as in
``bench/tight_interests.py``), each solved by ``optimizer.solve_placement`` in a fresh process, first with
``--old REV``'s optimizer (a ``git worktree`` in ``bench/.out/``), right after with this one's, so that
load on the shared machine falls on both alike. No HiGHS: its columns are in ``bench/bench_tight.py`` and
``bench/tight_interests.py``, which take an hour a table; this script answers "did the change help, and
did it change any plan?" in the time the two optimizers take. The rows go to
``bench/.out/tight/revisions.jsonl``, the Markdown table to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_tight import CACHE, COMPANIES, pairs_file  # noqa: E402
from bench.compare_revisions import worktree  # noqa: E402

if TYPE_CHECKING:
    from optimizer import PlacementProblem, PlacementResult

OBJECTIVES = ("count-then-score", "count-interest-score", "fairness")
SEEDS = (1, 2, 3, 4, 5, 11, 12, 13, 14, 15)  # 11-15: held out (not the seeds the changes were traced on)
TIME_LIMIT = 60.0


def network_problem(companies: int, seed: int, objective: str) -> PlacementProblem:
    """One tight network's problem from the cached pairs; under ``count-interest-score`` with each
    pair's place in its student's interests (``bench/tight_interests.py``)."""
    import numpy as np

    from bench.problem import read_pair_table
    from bench.tight_interests import interest_file
    from optimizer import PlacementProblem

    pairs = read_pair_table(pairs_file(companies, seed))
    if objective == "count-interest-score":
        return PlacementProblem.build(pairs, interest_rank=np.load(interest_file(companies, seed)))
    return PlacementProblem.build(pairs)


def timed_solve(
    problem: PlacementProblem, objective: str, time_limit: float
) -> tuple[PlacementResult, float]:
    """``solve_placement`` and its seconds, counted from the solver libraries loaded (as the CLI's limit
    counts them: loading, as reading the pairs, is not the solve's)."""
    from optimizer import SolveParams, solve_placement
    from optimizer.solvers import load_solvers

    load_solvers()
    started = time.perf_counter()
    result = solve_placement(problem, SolveParams(objective=objective, time_limit_seconds=time_limit))
    return result, time.perf_counter() - started


def measure(companies: int, seed: int, objective: str, time_limit: float) -> dict[str, Any]:
    """One network under ``objective`` (called in a fresh process, with the optimizer of ``sys.path``)."""
    problem = network_problem(companies, seed, objective)
    load_before = os.getloadavg()[0]
    result, seconds = timed_solve(problem, objective, time_limit)
    return {
        "companies": companies,
        "seed": seed,
        "objective": objective,
        "pairs": problem.pairs.n_pairs,
        "placed": result.placed,
        "placed_bound": result.placed_bound,
        # (A result under the other objectives counts 0 within interests: it was given no interests.)
        "in_interest": result.in_interest if objective == "count-interest-score" else None,
        "interest_bound": result.interest_bound if objective == "count-interest-score" else None,
        "lowest": getattr(result, "min_score", None),
        "lowest_bound": getattr(result, "min_score_bound", None),
        "score": result.objective_score,
        "score_bound": result.score_bound,
        "status": result.status,
        "seconds": seconds,
        "load": [load_before, os.getloadavg()[0]],
    }


def solve_side_by_side(
    networks: Iterable[tuple[int, int]],
    solve: Callable[[Path, int, int], dict[str, Any]],
    old: str | None,
    log: Path,
) -> list[dict[str, Any]]:
    """Each network solved by ``old``'s optimizer (if given) and right after by this one's; each row
    tagged with its revision, appended to ``log`` and echoed to stderr as it comes."""
    roots = ([(old, _worktree(old))] if old else []) + [("this", ROOT)]
    rows = []
    for companies, seed in networks:
        pairs_file(companies, seed)  # built before the timed processes
        for revision, root in roots:
            row = solve(root, companies, seed) | {"revision": revision}
            rows.append(row)
            log.parent.mkdir(parents=True, exist_ok=True)
            with open(log, "a", encoding="utf-8") as out:
                out.write(json.dumps(row) + "\n")
            print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def in_fresh_process(module: str, *arguments: str) -> Callable[[Path, int, int], dict[str, Any]]:
    """A solver for ``solve_side_by_side``: ``module.measure(companies, seed, *arguments)`` in a fresh
    process whose optimizer is imported from the revision's root (the script's own from this one)."""

    def solve(root: Path, companies: int, seed: int) -> dict[str, Any]:
        command = [sys.executable, "-c", _RUN, str(root), module, str(companies), str(seed), *arguments]
        done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
        row: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return row

    return solve


def plan_value(row: dict[str, Any]) -> tuple[Any, ...]:
    """What the objectives compare, to tell whether two revisions found the same plan value."""
    score = None if row["score"] is None else round(row["score"], 2)
    lowest = None if row.get("lowest") is None else round(row["lowest"], 2)
    return (row["placed"], row.get("in_interest"), lowest, score)


def markdown(rows: list[dict[str, Any]], objective: str, time_limit: float, old: str | None) -> str:
    """One row per network and revision, the time ratio on this revision's rows, then what held."""
    lines = [
        f"`{objective}`, time limit {time_limit:g} s, each network in a fresh process"
        + ("" if old is None else f", {old}'s optimizer right before this one's")
        + "; load = the 1-minute load average before and after the row (2 cores, shared).",
        "",
        "| companies | seed | revision | placed / bound | within interests / bound | lowest score / bound "
        "| total score / bound | status | s | this / old |",
        "|---:|---:|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    before: dict[tuple[int, int], dict[str, Any]] = {}
    ratios, differ = [], []
    for row in rows:
        key = (row["companies"], row["seed"])
        ratio = ""
        if row["revision"] != "this":
            before[key] = row
        elif key in before:
            ratio = f"{row['seconds'] / before[key]['seconds']:.2f}"
            ratios.append(row["seconds"] / before[key]["seconds"])
            if plan_value(row) != plan_value(before[key]):
                differ.append(key)
        lines.append(
            f"| {row['companies']:,} | {row['seed']} | {row['revision']} "
            f"| {row['placed']:,} / {row['placed_bound']:,} "
            f"| {number(row.get('in_interest'), 0)} / {number(row.get('interest_bound'), 0)} "
            f"| {number(row.get('lowest'))} / {number(row.get('lowest_bound'))} "
            f"| {number(row['score'])} / {number(row['score_bound'])} | {row['status']} "
            f"| {row['seconds']:.1f} | {ratio} |"
        )
    lines.append("")
    for revision in dict.fromkeys(row["revision"] for row in rows):
        mine = [row for row in rows if row["revision"] == revision]
        proven = [row for row in mine if row["status"] == "OPTIMAL"]
        within = sum(row["seconds"] <= 5.0 for row in proven)
        seconds = sum(row["seconds"] for row in mine)
        lines.append(
            f"- {revision}: {len(proven)} of {len(mine)} proven OPTIMAL, {within} of them within 5 s; "
            f"{seconds:,.1f} s in all."
        )
    if ratios:
        lines.append(
            f"- This revision's time over {old}'s: median {statistics.median(ratios):.2f} "
            f"({min(ratios):.2f}-{max(ratios):.2f}) over {len(ratios)} network{'s' * (len(ratios) != 1)}; plan values "
            + ("the same on every network." if not differ else f"differ on {_networks(differ)}.")
        )
    return "\n".join(lines) + "\n"


def number(value: float | None, decimals: int = 2) -> str:
    return "-" if value is None else f"{value:,.{decimals}f}"


def _networks(keys: list[tuple[int, int]]) -> str:
    return ", ".join(f"{companies:,} seed {seed}" for companies, seed in keys)


def _worktree(revision: str) -> Path:
    """A checkout of ``revision`` to run its optimizer from (made once)."""
    path = ROOT / "bench" / ".out" / f"worktree-{revision}"
    return path if path.exists() else worktree(revision, path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench/tight_revisions.py")
    parser.add_argument("--objective", choices=OBJECTIVES, default="count-then-score")
    parser.add_argument("--companies", type=int, nargs="+", default=list(COMPANIES))
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT)
    parser.add_argument("--old", help="a revision to solve each network with too, right before")
    args = parser.parse_args(argv)
    networks = [(companies, seed) for companies in args.companies for seed in args.seeds]
    if args.objective == "count-interest-score":
        from bench.tight_interests import interest_file

        for companies, seed in networks:
            interest_file(companies, seed)  # built before the timed processes
    solve = in_fresh_process("bench.tight_revisions", args.objective, str(args.time_limit))
    rows = solve_side_by_side(networks, solve, args.old, CACHE / "revisions.jsonl")
    sys.stdout.write(markdown(rows, args.objective, args.time_limit, args.old))


# Run in a fresh process: argv = root, module, companies, seed, then ``module.measure``'s other arguments
# (strings; a number where it parses as one).
_RUN = f"""
import importlib, json, sys
root, module, companies, seed, rest = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
sys.path.insert(0, root)
import optimizer.exact, optimizer.solve  # that revision's optimizer (and what it imports); the script this one's
sys.path.remove(root)
sys.path.insert(0, {str(ROOT)!r})

def parsed(text):
    try:
        return float(text)
    except ValueError:
        return text

measure = importlib.import_module(module).measure
print(json.dumps(measure(companies, seed, *map(parsed, rest))))
"""

if __name__ == "__main__":
    main()
