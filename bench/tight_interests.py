"""The tight networks under the interest-first objective, the default of the app and the CLI.

    .venv/bin/python bench/tight_interests.py                        # 700, 900, 1,100 companies, seeds 1-10
    .venv/bin/python bench/tight_interests.py --companies 900 --seeds 2 3

The networks of ``bench/bench_tight.py`` (``generate(1700, companies, seed)``, the same cached pairs),
with each pair's place in its student's interests as ``stu-match assign`` computes it
(``placement_service.planning.interest_ranks``), solved by ``optimizer.solve_placement`` with
``count-interest-score`` and the default 60 s limit, one fresh process per network; then, in the same
process, HiGHS's three-stage MILP on the same pairs (``bench.methods.exact.solve_milp_interests``: the
most placed, then the most within interests, then the total score; ``--highs-limit``, by default the
same limit). Reported for each: the number placed, placed within interests and the total score, with
the optimizer's proven bounds, the status and the wall time; a Markdown table on stdout, the raw rows in
``bench/.out/tight/interests.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_tight import CACHE, COMPANIES, SEEDS, pairs_file  # noqa: E402

TIME_LIMIT = 60.0


def interest_file(companies: int, seed: int) -> Path:
    """Each pair's place in its student's interests (0: outside them), built once and cached."""
    import numpy as np

    path = CACHE / f"interests_1700_{companies}_{seed}.npy"
    if not path.exists():
        from bench.problem import read_pair_table
        from features.loading import network_from_tables
        from features.synthetic import generate
        from matching.context import scoring_context
        from placement_service.planning import interest_ranks

        context = scoring_context(network_from_tables(generate(1700, companies, seed=seed).tables))
        np.save(path, interest_ranks(context, read_pair_table(pairs_file(companies, seed))))
    return path


def measure(companies: int, seed: int, time_limit: float, highs_limit: float | None = None) -> dict[str, Any]:
    """One network under ``count-interest-score``, the optimizer then HiGHS (called in a fresh process)."""
    from bench.methods.exact import solve_milp_interests
    from bench.methods.stable import usable_pairs
    from bench.problem import BenchProblem
    from bench.tight_revisions import network_problem, timed_solve

    problem = network_problem(companies, seed, "count-interest-score")
    pairs, rank = problem.pairs, problem.interest_rank
    load_before = os.getloadavg()[0]
    result, seconds = timed_solve(problem, "count-interest-score", time_limit)
    bench = BenchProblem.from_pairs(pairs)
    usable = usable_pairs(bench)
    highs_started = time.perf_counter()
    picked, optimal, status, highs_bound = solve_milp_interests(
        bench,
        usable,
        bench.mentor_can_bind(),
        rank[usable] > 0,
        time_limit if highs_limit is None else highs_limit,
    )
    chosen = usable[picked]
    highs = {
        "placed": int(picked.sum()),
        "in_interest": int((rank[chosen] > 0).sum()),
        "score": int(bench.weight[chosen].sum()) / 100,
        "bound": list(highs_bound),
        "status": "OPTIMAL" if optimal else status,
        "seconds": time.perf_counter() - highs_started,
    }
    return {
        "companies": companies,
        "seed": seed,
        "pairs": pairs.n_pairs,
        "placed": result.placed,
        "placed_bound": result.placed_bound,
        "in_interest": result.in_interest,
        "interest_bound": result.interest_bound,
        "score": result.objective_score,
        "score_bound": result.score_bound,
        "status": result.status,
        "seconds": seconds,
        "count_proven_seconds": result.stats.get("count_proven_seconds"),
        "highs": highs,
        "highs_limit": time_limit if highs_limit is None else highs_limit,
        "load": [load_before, os.getloadavg()[0]],
    }


def markdown(rows: list[dict[str, Any]], time_limit: float) -> str:
    highs_limits = sorted({row.get("highs_limit", time_limit) for row in rows})
    lines = [
        f"Interest-first (`count-interest-score`), time limit {time_limit:g} s for the optimizer and "
        f"{', '.join(f'{limit:g}' for limit in highs_limits)} s for HiGHS's three stages, one worker each; "
        "load = the 1-minute load average before and after the row (2 cores, shared).",
        "",
        "| companies | seed | placed / bound | within interests / bound | total score / bound | status | s "
        "| count proven at (s) | HiGHS placed, within, score | s | status | optimizer against HiGHS | load |",
        "|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---|---|",
    ]
    for row in rows:
        interest_bound = "-" if row["interest_bound"] is None else f"{row['interest_bound']:,}"
        score_bound = "-" if row["score_bound"] is None else f"{row['score_bound']:,.2f}"
        proven_at = row["count_proven_seconds"]
        highs = row["highs"]
        cells = [
            f"{row['companies']:,}",
            str(row["seed"]),
            f"{row['placed']:,} / {row['placed_bound']:,}",
            f"{row['in_interest']:,} / {interest_bound}",
            f"{row['score']:,.2f} / {score_bound}",
            row["status"],
            f"{row['seconds']:.1f}",
            "-" if proven_at is None else f"{proven_at:.1f}",
            f"{highs['placed']:,}, {highs['in_interest']:,}, {highs['score']:,.2f}",
            f"{highs['seconds']:.1f}",
            highs["status"] if highs["status"] == "OPTIMAL" else highs["status"].split(":")[0],
            _against(row),
            f"{row['load'][0]:.1f}-{row['load'][1]:.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    better = sum(_against(row).startswith("better") for row in rows)
    same = sum(_against(row).startswith("same") for row in rows)
    lines += [
        "",
        f"The optimizer's plan is better than HiGHS's (most placed, then most within interests, then the "
        f"larger total score) on {better} and the same on {same} of {len(rows)} networks. Where both proved "
        "the optimum: HiGHS's seconds over the optimizer's. A HiGHS status 'stage N' is the stage its time "
        "ran out in; its plan is the best that stage found, or the stage before's where it found none.",
    ]
    return "\n".join(lines) + "\n"


def _against(row: dict[str, Any]) -> str:
    """The optimizer's plan against HiGHS's, lexicographically; with the time ratio where both proved."""
    highs = row["highs"]
    mine = (row["placed"], row["in_interest"], round(row["score"], 2))
    theirs = (highs["placed"], highs["in_interest"], round(highs["score"], 2))
    verdict = "better" if mine > theirs else "same" if mine == theirs else "worse"
    if row["status"] == "OPTIMAL" and highs["status"] == "OPTIMAL":
        verdict += f", HiGHS {highs['seconds'] / row['seconds']:.1f} times as long"
    return verdict


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench/tight_interests.py")
    parser.add_argument("--companies", type=int, nargs="+", default=list(COMPANIES))
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT)
    parser.add_argument("--highs-limit", type=float, help="HiGHS's limit (default: the optimizer's)")
    parser.add_argument("--one", type=int, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        row = measure(args.one[0], args.one[1], args.time_limit, args.highs_limit)
        sys.stdout.write(json.dumps(row) + "\n")
        return
    log = CACHE / "interests.jsonl"
    rows = []
    for companies in args.companies:
        for seed in args.seeds:
            interest_file(companies, seed)  # built before the timed process
            command = [sys.executable, __file__, "--one", str(companies), str(seed)]
            if args.highs_limit is not None:
                command += ["--highs-limit", str(args.highs_limit)]
            done = subprocess.run(
                [*command, "--time-limit", str(args.time_limit)], capture_output=True, text=True, check=True
            )
            row = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append(row)
            with open(log, "a", encoding="utf-8") as out:
                out.write(json.dumps(row) + "\n")
            print(json.dumps(row), file=sys.stderr, flush=True)
    sys.stdout.write(markdown(rows, args.time_limit))


if __name__ == "__main__":
    main()
