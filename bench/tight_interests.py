"""The tight networks under the interest-first objective, the default of the app and the CLI.

    .venv/bin/python bench/tight_interests.py                        # 700, 900, 1,100 companies, seeds 1-5
    .venv/bin/python bench/tight_interests.py --companies 900 --seeds 2 3

The networks of ``bench/bench_tight.py`` (``generate(1700, companies, seed)``, the same cached pairs),
with each pair's place in its student's interests as ``stu-match assign`` computes it
(``placement_service.planning.interest_ranks``), solved by ``optimizer.solve_placement`` with
``count-interest-score`` and the default 60 s limit, one fresh process per network. Reported: the
number placed, placed within interests and the total score, each with its proven bound, the status
and the wall time; a Markdown table on stdout, the raw rows in ``bench/.out/tight/interests.jsonl``.
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


def measure(companies: int, seed: int, time_limit: float) -> dict[str, Any]:
    """One network under ``count-interest-score`` (called in a fresh process)."""
    import numpy as np

    from bench.problem import read_pair_table
    from optimizer import PlacementProblem, SolveParams, solve_placement

    pairs = read_pair_table(pairs_file(companies, seed))
    problem = PlacementProblem.build(pairs, interest_rank=np.load(interest_file(companies, seed)))
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    result = solve_placement(
        problem, SolveParams(objective="count-interest-score", time_limit_seconds=time_limit)
    )
    seconds = time.perf_counter() - started
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
        "load": [load_before, os.getloadavg()[0]],
    }


def markdown(rows: list[dict[str, Any]], time_limit: float) -> str:
    lines = [
        f"Interest-first (`count-interest-score`), time limit {time_limit:g} s, one worker; load = the 1-minute "
        "load average before and after the row (2 cores, shared).",
        "",
        "| companies | seed | placed / bound | within interests / bound | total score / bound | status | s "
        "| count proven at (s) | load |",
        "|---:|---:|---:|---:|---:|---|---:|---:|---|",
    ]
    for row in rows:
        interest_bound = "-" if row["interest_bound"] is None else f"{row['interest_bound']:,}"
        score_bound = "-" if row["score_bound"] is None else f"{row['score_bound']:,.2f}"
        proven_at = row["count_proven_seconds"]
        cells = [
            f"{row['companies']:,}",
            str(row["seed"]),
            f"{row['placed']:,} / {row['placed_bound']:,}",
            f"{row['in_interest']:,} / {interest_bound}",
            f"{row['score']:,.2f} / {score_bound}",
            row["status"],
            f"{row['seconds']:.1f}",
            "-" if proven_at is None else f"{proven_at:.1f}",
            f"{row['load'][0]:.1f}-{row['load'][1]:.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench/tight_interests.py")
    parser.add_argument("--companies", type=int, nargs="+", default=list(COMPANIES))
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT)
    parser.add_argument("--one", type=int, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        sys.stdout.write(json.dumps(measure(args.one[0], args.one[1], args.time_limit)) + "\n")
        return
    log = CACHE / "interests.jsonl"
    rows = []
    for companies in args.companies:
        for seed in args.seeds:
            interest_file(companies, seed)  # built before the timed process
            command = [sys.executable, __file__, "--one", str(companies), str(seed)]
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
