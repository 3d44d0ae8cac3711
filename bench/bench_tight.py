"""Tight networks: 1,700 students and few companies, mentor limits binding at many of them.

Run on its own to refresh the "tight" section of docs/benchmarks.md::

    .venv/bin/python bench/bench_tight.py                          # 700, 900, 1,100 companies, seeds 1-10
    .venv/bin/python bench/bench_tight.py --companies 900 --seeds 1 2 --time-limit 20

or the "sizes" section, networks across the range issue 16 names (500 to 5,000 companies; with
``--tighten`` slots cut as in the national-tight instance, ``bench.instances.tighten``)::

    .venv/bin/python bench/bench_tight.py --section sizes --companies 500 --seeds 1 2 3 4 5 --no-cpsat
    .venv/bin/python bench/bench_tight.py --section sizes --tighten --companies 2000 3000 5000 \
        --seeds 1 2 3 4 5 --no-cpsat

or the "held-out" section, seeds no constant of the optimizer was tuned on (it keeps its rows apart)::

    .venv/bin/python bench/bench_tight.py --section held-out --seeds 11 12 13 14 15 --no-cpsat \
        --time-limit 45 --highs-limit 60 --json bench/.out/tight/held_out.jsonl

Each network is ``features.synthetic.generate(1700, companies, seed)`` scored with the
defaults (``matching.pairs.pair_table``), exactly as ``stu-match assign`` sees it; with
so few companies, places and mentor hours are short and mentor limits bind at about a
third of the companies. Per network, in one process and one after the other on the
same pairs and integer scores, with the same time limit each:

- **optimizer**: ``optimizer.solve_placement`` (count-then-score);
- **HiGHS**: the independent two-stage MILP of ``bench.methods.exact.solve_milp``
  (most placed, then most weight), the limit shared by its two stages;
- **CP-SAT**: the whole problem as one model (``bench.cpsat.solve_cpsat``), one worker.

Reported per method: students placed, total score, the proven bound on the number
placed, the status and the wall time. The solver libraries are loaded first, as the pairs
are (``optimizer.solvers.load_solvers``), so that no method's time counts first imports.
The machine's load average is noted with the table: the machine is shared, so ratios
within a row matter more than the seconds.
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

CACHE = ROOT / "bench" / ".out" / "tight"
COMPANIES = (700, 900, 1100)
SEEDS = tuple(range(1, 11))
"""The optimizer's constants were tuned on seeds 1-5; seeds 6-10 are the held-out ones."""
TIME_LIMIT = 30.0


def pairs_file(companies: int, seed: int, tightened: bool = False) -> Path:
    """The scored pairs of one network, built once and cached (generation and scoring take ~10-40 s);
    ``tightened``: slots and mentor hours cut by ``bench.instances.tighten`` first."""
    from bench.problem import write_pair_table

    path = CACHE / f"pairs_{'tight_' if tightened else ''}1700_{companies}_{seed}.npz"
    if not path.exists():
        from bench.instances import tighten
        from features.loading import network_from_tables
        from features.synthetic import generate
        from matching.context import scoring_context
        from matching.pairs import pair_table

        tables = generate(1700, companies, seed=seed).tables
        if tightened:
            tables, _ = tighten(tables)
        CACHE.mkdir(parents=True, exist_ok=True)
        write_pair_table(pair_table(scoring_context(network_from_tables(tables))), path)
    return path


def measure(
    companies: int,
    seed: int,
    time_limit: float,
    highs_limit: float | None = None,
    tightened: bool = False,
    cpsat: bool = True,
) -> dict[str, Any]:
    """The three methods on one network, side by side (called in a fresh process); HiGHS may be given a
    longer limit (``highs_limit``) so that its proof time, or how far it is from a proof, can be told;
    CP-SAT is left out with ``cpsat=False`` (it finds no plan from 900 companies up)."""
    highs_limit = time_limit if highs_limit is None else highs_limit

    from bench.cpsat import solve_cpsat
    from bench.methods.exact import solve_milp
    from bench.methods.stable import usable_pairs
    from bench.problem import BenchProblem, read_pair_table
    from optimizer import PlacementProblem, SolveParams, solve_placement
    from optimizer.solvers import load_solvers

    pairs = read_pair_table(pairs_file(companies, seed, tightened))
    problem = PlacementProblem.build(pairs)
    bench = BenchProblem.from_pairs(pairs)
    load_solvers()  # loading, as the pairs are: no method's time counts first imports
    out: dict[str, Any] = {
        "companies": companies,
        "seed": seed,
        "tightened": tightened,
        "pairs": pairs.n_pairs,
    }
    out["time_limit"], out["highs_limit"] = time_limit, highs_limit
    out["load_before"] = os.getloadavg()[0]

    started = time.perf_counter()
    result = solve_placement(problem, SolveParams(time_limit_seconds=time_limit))
    out["optimizer"] = {
        "placed": result.placed,
        "score": result.objective_score,
        "placed_bound": result.placed_bound,
        "status": result.status,
        "seconds": time.perf_counter() - started,
        "count_proven_seconds": result.stats.get("count_proven_seconds"),
    }

    usable = usable_pairs(bench)
    binding = bench.mentor_can_bind()
    out["mentor_limits_that_can_bind"] = int(binding.sum())
    started = time.perf_counter()
    picked, optimal, status, bound = solve_milp(bench, usable, binding, highs_limit)
    chosen = usable[picked]
    out["highs"] = {
        "placed": int(picked.sum()),
        "score": int(bench.weight[chosen].sum()) / 100,
        "placed_bound": int(bound[0]),
        "status": "OPTIMAL" if optimal else status,
        "seconds": time.perf_counter() - started,
    }

    if cpsat:
        inst, _ = problem.free_instance()
        started = time.perf_counter()
        found = solve_cpsat(inst, time_limit=time_limit, linearization_level=None)
        out["cpsat"] = {
            "placed": int(found.chosen.sum()) if found.found else 0,
            "score": int(inst.weight[found.chosen].sum()) / 100 if found.found else 0.0,
            "placed_bound": int(found.bound // found.big_m),
            "status": found.status,
            "seconds": time.perf_counter() - started,
        }
    out["load_after"] = os.getloadavg()[0]
    return out


TITLES = {
    "tight": "## Tight networks (1,700 students, 700 to 1,100 companies)",
    "sizes": "## From 500 to 5,000 companies (1,700 students, plain and tightened networks)",
    "held-out": "## Tight networks on held-out seeds (1,700 students, 700 to 1,100 companies, seeds 11-15)",
}


def markdown(rows: list[dict[str, Any]], time_limit: float, section: str = "tight") -> str:
    """The section's text; ``time_limit`` is the one said above the table unless the rows all record
    another (a table rendered again from ``--json`` says the limit its rows were measured with)."""
    recorded = {row["time_limit"] for row in rows if "time_limit" in row}
    if len(recorded) == 1:
        time_limit = recorded.pop()
    highs_limits = sorted({row.get("highs_limit", time_limit) for row in rows})
    highs_note = (
        f"; HiGHS {', '.join(f'{limit:g}' for limit in highs_limits)} s"
        if highs_limits != [time_limit]
        else ""
    )
    with_kind = any(row.get("tightened") for row in rows)
    methods = (
        ("optimizer", "highs", "cpsat") if any("cpsat" in row for row in rows) else ("optimizer", "highs")
    )
    header = (
        "| companies | "
        + ("network | " if with_kind else "")
        + (
            "seed | pairs | binding | optimizer placed / bound | s | count proven at (s) | status "
            "| HiGHS placed / bound | s | status | HiGHS / optimizer | "
        )
    )
    header += "CP-SAT placed / bound | s | status | load |" if "cpsat" in methods else "load |"
    align = "|---:|" + ("---|" if with_kind else "") + "---:|---:|---:|---:|---:|---:|---|---:|---:|---|---:|"
    align += "---:|---:|---|---|" if "cpsat" in methods else "---|"
    lines = [
        TITLES[section],
        "",
        f"Generated by `bench/bench_tight.py`; time limit {time_limit:g} s per method{highs_note}; one worker "
        "each; load = the 1-minute load average before and after the row (2 cores, shared)."
        + (
            " *Tightened*: slots and mentor hours cut to a third in the most wanted industries and the most "
            "populous municipalities, as in the national-tight instance (`bench.instances.tighten`)."
            if with_kind
            else ""
        ),
        "",
        header,
        align,
    ]
    for row in rows:
        cells = [f"{row['companies']:,}"]
        if with_kind:
            cells.append("tightened" if row.get("tightened") else "plain")
        cells += [str(row["seed"]), f"{row['pairs']:,}", f"{row['mentor_limits_that_can_bind']:,}"]
        for name in methods:
            method = row.get(name)
            if method is None:  # CP-SAT not run on this network
                cells += ["not run", "", ""]
                continue
            no_plan = method["status"] == "UNKNOWN"  # CP-SAT found no plan and no bound
            no_bound = no_plan or method["placed_bound"] >= row["pairs"]  # HiGHS without a root bound
            placed = "-" if no_plan else f"{method['placed']:,}"
            bound = "-" if no_bound else f"{method['placed_bound']:,}"
            cells += [f"{placed} / {bound}", f"{method['seconds']:.1f}"]
            if name == "optimizer":
                proven_at = method.get("count_proven_seconds")
                cells.append("-" if proven_at is None else f"{proven_at:.1f}")
            cells.append(_short_status(method["status"]))
            if name == "highs":
                cells.append(_ratio(row))
        cells.append(f"{row['load_before']:.1f}-{row['load_after']:.1f}")
        lines.append("| " + " | ".join(cells) + " |")
    proven = sum(row["optimizer"]["status"] == "OPTIMAL" for row in rows)
    closed = sum(row["optimizer"]["placed"] == row["optimizer"]["placed_bound"] for row in rows)
    by_highs = sum(row["highs"]["status"] == "OPTIMAL" for row in rows)
    at_least_five = sum(_times_as_long(row) >= 5 for row in rows if row["optimizer"]["status"] == "OPTIMAL")
    within_five_seconds = sum(
        row["optimizer"]["status"] == "OPTIMAL" and row["optimizer"]["seconds"] <= 5 for row in rows
    )
    lines += [
        "",
        f"The optimizer proved {proven} of {len(rows)} plans optimal, the total score included (the companies' "
        f"knapsacks, docs/optimizer.md step 2c); on {closed} the number placed equals its bound. *Count proven "
        "at*: seconds into the solve when its plan placed as many as its bound on the count (the relaxation's, "
        "the count's LP or the search over load limits: docs/optimizer.md, steps 2-2b); '-' where none did. "
        f"HiGHS proved {by_highs} within its limit. *HiGHS / optimizer*: HiGHS's seconds over the "
        "optimizer's where both proved the optimum; '>' where only the optimizer did (HiGHS stopped at its "
        "limit, so its proof would take longer still); '-' where the optimizer did not prove its plan. "
        f"At least 5 times as fast as HiGHS, proven: {at_least_five} of {len(rows)}; proven within 5 s: "
        f"{within_five_seconds} of {len(rows)}."
        + (
            " CP-SAT, given the whole problem, found no plan where its status is UNKNOWN."
            if "cpsat" in methods
            else ""
        )
        + " Times above a limit are "
        + ("model building (CP-SAT), " if "cpsat" in methods else "")
        + "a stage finishing its node (HiGHS), or the optimizer's last step.",
    ]
    return "\n".join(lines) + "\n"


def _times_as_long(row: dict[str, Any]) -> float:
    """HiGHS's seconds over the optimizer's (a lower bound on the ratio of proof times when HiGHS
    did not prove: it stopped at its limit)."""
    return float(row["highs"]["seconds"]) / max(float(row["optimizer"]["seconds"]), 1e-9)


def _ratio(row: dict[str, Any]) -> str:
    if row["optimizer"]["status"] != "OPTIMAL":
        return "-"
    ratio = _times_as_long(row)
    return f"{ratio:.1f}" if row["highs"]["status"] == "OPTIMAL" else f"> {ratio:.1f}"


def _short_status(status: str) -> str:
    """'stage 1: Time limit reached. (HiGHS Status 13: ...)' as 'time limit (stage 1)'."""
    if "Time limit" in status and status.startswith("stage"):
        return f"time limit ({status.split(':')[0]})"
    return status[:30]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench/bench_tight.py")
    parser.add_argument("--companies", type=int, nargs="+", default=list(COMPANIES))
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT)
    parser.add_argument(
        "--highs-limit", type=float, help="HiGHS's own limit (default: --time-limit), to tell its proof time"
    )
    parser.add_argument("--tighten", action="store_true", help="slots cut as in national-tight first")
    parser.add_argument(
        "--no-cpsat", action="store_true", help="leave CP-SAT out (no plan from 900 companies up)"
    )
    parser.add_argument(
        "--section", choices=sorted(TITLES), default="tight", help="the section of docs/benchmarks.md"
    )
    parser.add_argument("--one", type=int, nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--json", default=str(CACHE / "results.jsonl"))
    parser.add_argument("--from-json", action="store_true", help="only render the rows already in --json")
    args = parser.parse_args(argv)
    if args.from_json:
        _render(args)
        return
    if args.one:
        row = measure(
            args.one[0], args.one[1], args.time_limit, args.highs_limit, args.tighten, cpsat=not args.no_cpsat
        )
        sys.stdout.write(json.dumps(row) + "\n")
        return
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    for companies in args.companies:
        for seed in args.seeds:
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--one",
                    str(companies),
                    str(seed),
                    "--time-limit",
                    str(args.time_limit),
                    *([] if args.highs_limit is None else ["--highs-limit", str(args.highs_limit)]),
                    *(["--tighten"] if args.tighten else []),
                    *(["--no-cpsat"] if args.no_cpsat else []),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            row = json.loads(done.stdout.strip().splitlines()[-1])
            with open(args.json, "a", encoding="utf-8") as log:
                log.write(json.dumps(row) + "\n")
            print(json.dumps(row), flush=True)
    _render(args)


def _render(args: argparse.Namespace) -> None:
    """Write the section from the rows in ``--json``, the last row of each network: for "tight", the
    networks asked for in the order asked for; for "sizes", every network there, by size (so that runs
    of plain and tightened networks into one file make one table)."""
    from bench.sections import replace_section

    with open(args.json, encoding="utf-8") as log:
        stored = [json.loads(line) for line in log if line.strip()]
    latest = {(row["companies"], row.get("tightened", False), row["seed"]): row for row in stored}
    if args.section == "sizes":
        rows = [latest[key] for key in sorted(latest)]
    else:
        wanted = [(companies, args.tighten, seed) for companies in args.companies for seed in args.seeds]
        rows = [latest[key] for key in wanted if key in latest]
    replace_section(args.section, markdown(rows, args.time_limit, args.section))


if __name__ == "__main__":
    main()
