"""Tight networks proven by the optimizer and by HiGHS at its own pace, side by side.

    .venv/bin/python bench/tight_vs_highs.py --companies 700 --seeds 1 2 3 4 5 --highs-limit 300

For each network (the cached pairs of ``bench/bench_tight.py``): ``solve_placement`` with its own
limit, then HiGHS's two-stage MILP (``bench.methods.exact.solve_milp``) with a limit long enough to
prove it, in one process, one after the other. One JSON line per network: placed, total weight,
status and seconds of each, and the load average before and after (docs/optimizer-measurements.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv: list[str] | None = None) -> None:

    from bench.bench_tight import pairs_file
    from bench.methods.exact import solve_milp
    from bench.methods.stable import usable_pairs
    from bench.problem import BenchProblem, read_pair_table
    from optimizer import PlacementProblem, SolveParams, solve_placement
    from optimizer.solvers import load_solvers

    parser = argparse.ArgumentParser(prog="bench/tight_vs_highs.py")
    parser.add_argument("--companies", type=int, default=700)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--time-limit", type=float, default=30.0, help="the optimizer's")
    parser.add_argument("--highs-limit", type=float, default=300.0)
    args = parser.parse_args(argv)
    load_solvers()  # loading: the times are the solves' own
    for seed in args.seeds:
        pairs = read_pair_table(pairs_file(args.companies, seed))
        problem = PlacementProblem.build(pairs)
        bench = BenchProblem.from_pairs(pairs)
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        result = solve_placement(problem, SolveParams(time_limit_seconds=args.time_limit))
        optimizer_seconds = time.perf_counter() - started
        usable = usable_pairs(bench)
        started = time.perf_counter()
        picked, optimal, status, _ = solve_milp(bench, usable, bench.mentor_can_bind(), args.highs_limit)
        highs_seconds = time.perf_counter() - started
        row = {
            "companies": args.companies,
            "seed": seed,
            "optimizer": [
                result.placed,
                round(result.objective_score * 100),
                result.status,
                optimizer_seconds,
            ],
            "highs": [
                int(picked.sum()),
                int(bench.weight[usable[picked]].sum()),
                "OPTIMAL" if optimal else status,
                highs_seconds,
            ],
            "load": [load_before, os.getloadavg()[0]],
        }
        sys.stdout.write(json.dumps(row) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
