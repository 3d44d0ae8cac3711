"""Plans cut short: the optimizer, HiGHS and CP-SAT with the same short time limit on the tight networks.

    .venv/bin/python bench/tight_short_limits.py                 # 700, 900, 1,100 x seeds 1-5; 2, 5 and 10 s
    .venv/bin/python bench/tight_short_limits.py --companies 900 --seeds 8 --limits 5 --stdout
    .venv/bin/python bench/tight_short_limits.py --objective count-interest-score --stdout
    .venv/bin/python bench/tight_short_limits.py --objective fairness --companies 900 --stdout

Issue 16, item 2: the solve returns within its limit; a plan cut short is FEASIBLE with its true bound;
and it is never worse than what plain HiGHS or CP-SAT finds in the same time. For each network of
``bench/bench_tight.py`` (the same cached pairs) and each limit, in one fresh process: the optimizer
(``solve_placement``), then HiGHS's lexicographic MILP on the same pairs (``bench.methods.exact``: two
stages, or three under ``count-interest-score``) and, under ``count-then-score``, CP-SAT on the whole
problem (``bench.cpsat.solve_cpsat``, its default parameters), each with that limit; under ``fairness``
the optimizer alone (no lexicographic MILP says anything of the lowest score in seconds). Each plan's bound
is checked against the network's optimum, which the optimizer proves with the default 60 s once per
network and objective (cached in ``bench/.out/tight/optima.jsonl``). The rows go to
``bench/.out/tight/short_limits.jsonl`` and the section "short_limits" of docs/benchmarks.md
("short_limits_interests" under ``count-interest-score``; with ``--stdout``, the table to stdout instead).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_tight import CACHE, COMPANIES, pairs_file  # noqa: E402
from bench.tight_revisions import network_problem, number, timed_solve  # noqa: E402

if TYPE_CHECKING:
    from optimizer import PlacementProblem

SEEDS = (1, 2, 3, 4, 5)
LIMITS = (2.0, 5.0, 10.0)
SECTIONS = {
    "count-then-score": "short_limits",
    "count-interest-score": "short_limits_interests",
    "fairness": "short_limits_fairness",
}
OBJECTIVES = tuple(SECTIONS)
# Each objective's second part and its bound, from a ``PlacementResult`` (None under count-then-score).
MIDDLE: dict[str, Callable[[Any], tuple[float | None, float | None]]] = {
    "count-then-score": lambda result: (None, None),
    "count-interest-score": lambda result: (result.in_interest, result.interest_bound),
    "fairness": lambda result: (result.min_score, result.min_score_bound),
}
WRITTEN = {
    "count-then-score": "placed / total score",
    "count-interest-score": "placed / within interests / total score",
    "fairness": "placed / lowest score / total score",
}
NAMES = {"highs": "HiGHS", "cpsat": "CP-SAT"}
OPTIMUM_LIMIT = 60.0
# The solve may end this much past its limit: the step running when the limit falls finishes what it
# holds (a flow, HiGHS's node) and the result is built.
OVERRUN_ALLOWED = 1.0


def _plan(placed: int, middle: float | None, score: float) -> tuple[Any, ...]:
    """A plan's value as the objective compares it: the number placed, the objective's second part
    (``middle``: placed within interests, the lowest score under fairness, None under
    count-then-score), then the total score; scores to the hundredth."""
    return (placed, None if middle is None else round(middle, 2), round(score, 2))


def optimum(companies: int, seed: int, objective: str) -> dict[str, Any]:
    """The optimizer's proven optimum of one network (called in a fresh process)."""
    result = _optimizer(network_problem(companies, seed, objective), objective, OPTIMUM_LIMIT)
    if result["status"] != "OPTIMAL":
        raise RuntimeError(f"no proven optimum of 1,700 x {companies} seed {seed} within {OPTIMUM_LIMIT:g} s")
    return {"companies": companies, "seed": seed, "objective": objective} | result


def measure(companies: int, seed: int, objective: str, limit: float) -> dict[str, Any]:
    """The optimizer, HiGHS and (under count-then-score) CP-SAT with ``limit`` on one network; under
    fairness the optimizer alone (HiGHS's count alone does not finish in 60 s on the 900 and 1,100
    networks, so a lexicographic MILP can say nothing of the lowest score in a few seconds)."""
    from bench.cpsat import solve_cpsat
    from bench.methods.exact import solve_milp, solve_milp_interests
    from bench.methods.stable import usable_pairs
    from bench.problem import BenchProblem

    problem = network_problem(companies, seed, objective)
    row: dict[str, Any] = {"companies": companies, "seed": seed, "objective": objective, "limit": limit}
    row["load_before"] = os.getloadavg()[0]
    row["optimizer"] = _optimizer(problem, objective, limit)
    if objective == "fairness":
        row["load_after"] = os.getloadavg()[0]
        return row

    bench = BenchProblem.from_pairs(problem.pairs)
    usable = usable_pairs(bench)
    rank = problem.interest_rank if objective == "count-interest-score" else None
    started = time.perf_counter()
    if rank is None:
        picked, optimal, status, _ = solve_milp(bench, usable, bench.mentor_can_bind(), limit)
    else:
        picked, optimal, status, _ = solve_milp_interests(
            bench, usable, bench.mentor_can_bind(), rank[usable] > 0, limit
        )
    chosen = usable[picked]
    row["highs"] = {
        "placed": int(picked.sum()),
        "middle": None if rank is None else int((rank[chosen] > 0).sum()),
        "score": int(bench.weight[chosen].sum()) / 100,
        "status": "OPTIMAL" if optimal else status.split(":")[0],
        "seconds": time.perf_counter() - started,
    }
    if rank is None:
        inst, _ = problem.free_instance()
        found = solve_cpsat(inst, time_limit=limit, linearization_level=None)
        row["cpsat"] = {
            "placed": int(found.chosen.sum()) if found.found else 0,
            "middle": None,
            "score": int(inst.weight[found.chosen].sum()) / 100 if found.found else 0.0,
            "status": found.status,
            "seconds": found.seconds,
        }
    row["load_after"] = os.getloadavg()[0]
    return row


def _optimizer(problem: PlacementProblem, objective: str, limit: float) -> dict[str, Any]:
    """``solve_placement`` on one network, timed from its libraries loaded (as the CLI's limit counts)."""
    result, seconds = timed_solve(problem, objective, limit)
    return {
        "placed": result.placed,
        "placed_bound": result.placed_bound,
        "middle": MIDDLE[objective](result)[0],
        "middle_bound": MIDDLE[objective](result)[1],
        "score": result.objective_score,
        "score_bound": result.score_bound,
        "status": result.status,
        "seconds": seconds,
    }


def checks(row: dict[str, Any], best: dict[str, Any]) -> dict[str, bool]:
    """What item 2 asks of one cut-short solve, against the network's proven optimum ``best``:
    returned within its limit, its bound at or above the optimum, its plan no worse than HiGHS's
    or CP-SAT's in the same time (and, if OPTIMAL, the optimum itself)."""
    mine = row["optimizer"]
    plan = _plan(mine["placed"], mine["middle"], mine["score"])
    optimum_value = _plan(best["placed"], best["middle"], best["score"])
    middle_bound = None if mine["middle_bound"] is None else round(mine["middle_bound"], 2)
    best_middle = None if best["middle"] is None else round(best["middle"], 2)
    bound_holds = mine["placed_bound"] >= best["placed"]
    if mine["placed_bound"] == best["placed"] and best_middle is not None and middle_bound is not None:
        bound_holds &= middle_bound >= best_middle  # None: not bounded below the most it could be
    tiers_at_optimum = mine["placed_bound"] == best["placed"] and middle_bound == best_middle
    if tiers_at_optimum and mine["score_bound"] is not None:
        bound_holds &= round(mine["score_bound"], 2) >= round(best["score"], 2)
    others = [row[name] for name in ("highs", "cpsat") if name in row]
    return {
        "in_time": mine["seconds"] <= row["limit"] + OVERRUN_ALLOWED,
        "bound_holds": bool(bound_holds) and plan <= optimum_value,
        "optimal_is_optimum": mine["status"] != "OPTIMAL" or plan == optimum_value,
        "not_worse": all(plan >= _plan(other["placed"], other["middle"], other["score"]) for other in others),
    }


def markdown(rows: list[dict[str, Any]], optima: dict[tuple[int, int], dict[str, Any]]) -> str:
    """The section: one row per network and limit, the plans side by side, then what held."""
    objective = rows[0]["objective"] if rows else "count-then-score"
    others = [name for name in ("highs", "cpsat") if any(name in row for row in rows)]
    described = {
        "highs": "HiGHS's lexicographic MILP on the same pairs",
        "cpsat": "CP-SAT on the whole problem",
    }
    lines = [
        f"{'##' if objective == 'count-then-score' else '###'} Plans cut short: `{objective}` with a short "
        "time limit (1,700 students)",
        "",
        f"Generated by `bench/tight_short_limits.py`; `{objective}`; each network and limit in a fresh "
        "process: the optimizer"
        + "".join(f", then {described[name]}" for name in others)
        + (", each with the limit (one worker each)" if others else " with the limit")
        + "; load = the 1-minute load average before and after the "
        "row (2 cores, shared). *Optimum*: the optimizer's proven plan with 60 s. A plan is written "
        + WRITTEN[objective]
        + "; the optimizer's bound the same way ('-' where a part is not bounded below the most it could be).",
        "",
        "| companies | seed | limit (s) | optimum | optimizer plan | bound | status | s | "
        + "".join(f"{NAMES[name]} plan | s | " for name in others)
        + ("in time, bound holds, not worse | load |" if others else "in time, bound holds | load |"),
        "|---:|---:|---:|---:|---:|---:|---|---:|" + "---:|---:|" * len(others) + "---|---|",
    ]
    held = {"in_time": 0, "bound_holds": 0, "optimal_is_optimum": 0, "not_worse": 0}
    late = []
    for row in rows:
        best = optima[(row["companies"], row["seed"])]
        mine = row["optimizer"]
        verdict = checks(row, best)
        for name, ok in verdict.items():
            held[name] += ok
        late.append(mine["seconds"] - row["limit"])
        cells = [
            f"{row['companies']:,}",
            str(row["seed"]),
            f"{row['limit']:g}",
            _value(best["placed"], best["middle"], best["score"], objective),
            _value(mine["placed"], mine["middle"], mine["score"], objective),
            _value(mine["placed_bound"], mine["middle_bound"], mine["score_bound"], objective),
            mine["status"],
            f"{mine['seconds']:.1f}",
        ]
        for name in others:
            other = row.get(name)
            if other is None:
                cells += ["not run", ""]
                continue
            found = other["placed"] > 0
            cells += [
                _value(other["placed"], other["middle"], other["score"], objective) if found else "none",
                f"{other['seconds']:.1f}",
            ]
        checked = ("in_time", "bound_holds", "not_worse") if others else ("in_time", "bound_holds")
        cells.append(", ".join("yes" if verdict[name] else "**no**" for name in checked))
        cells.append(f"{row['load_before']:.1f}-{row['load_after']:.1f}")
        lines.append("| " + " | ".join(cells) + " |")
    n = len(rows)
    compared = (
        f" The plan no worse than {' and '.join(NAMES[name] + chr(39) + 's' for name in others)} in the same "
        f"time: {held['not_worse']} of {n}."
        if others
        else ""
    )
    lines += [
        "",
        f"Returned within the limit plus {OVERRUN_ALLOWED:g} s: {held['in_time']} of {n} (the most past it: "
        f"{max(late, default=0.0):+.2f} s). The bound at or above the optimum: {held['bound_holds']} of {n}. "
        f"Every OPTIMAL plan the optimum: {held['optimal_is_optimum']} of {n}.{compared}",
    ]
    return "\n".join(lines) + "\n"


def _value(placed: int, middle: float | None, score: float | None, objective: str) -> str:
    """A plan or bound as the table writes it; '-' for a part not bounded below the most it could be."""
    parts = [f"{placed:,}"]
    if objective == "count-interest-score":
        parts.append("-" if middle is None else f"{middle:,.0f}")
    elif objective == "fairness":
        parts.append(number(middle))
    return " / ".join([*parts, number(score)])


def _fresh(function: str, *arguments: str) -> dict[str, Any]:
    """``function(*arguments)`` of this module in a fresh process (numbers parsed), its JSON row."""
    code = (
        f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); import bench.tight_short_limits as m; "
        f"print(json.dumps(m.{function}(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], *map(float, sys.argv[4:]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *arguments], capture_output=True, text=True, check=True
    )
    row: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return row


def _optima(networks: list[tuple[int, int]], objective: str) -> dict[tuple[int, int], dict[str, Any]]:
    """Each network's proven optimum, solved once and cached."""
    path = CACHE / "optima.jsonl"
    stored = []
    if path.exists():
        stored = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    known = {(row["companies"], row["seed"]): row for row in stored if row["objective"] == objective}
    for companies, seed in networks:
        if (companies, seed) not in known:
            known[(companies, seed)] = _fresh("optimum", str(companies), str(seed), objective)
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "a", encoding="utf-8") as out:
                out.write(json.dumps(known[(companies, seed)]) + "\n")
    return known


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench/tight_short_limits.py")
    parser.add_argument("--objective", choices=OBJECTIVES, default="count-then-score")
    parser.add_argument("--companies", type=int, nargs="+", default=list(COMPANIES))
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--limits", type=float, nargs="+", default=list(LIMITS))
    parser.add_argument(
        "--stdout", action="store_true", help="print the table instead of replacing the section"
    )
    args = parser.parse_args(argv)
    if any(limit <= 0 for limit in args.limits):
        parser.error(f"--limits must be positive seconds, not {args.limits}")
    networks = [(companies, seed) for companies in args.companies for seed in args.seeds]
    for companies, seed in networks:
        pairs_file(companies, seed)  # built before the timed processes
        if args.objective == "count-interest-score":
            from bench.tight_interests import interest_file

            interest_file(companies, seed)
    optima = _optima(networks, args.objective)
    rows = []
    for companies, seed in networks:
        for limit in args.limits:
            row = _fresh("measure", str(companies), str(seed), args.objective, str(limit))
            rows.append(row)
            with open(CACHE / "short_limits.jsonl", "a", encoding="utf-8") as out:
                out.write(json.dumps(row) + "\n")
            print(json.dumps(row), file=sys.stderr, flush=True)
    table = markdown(rows, optima)
    if args.stdout:
        sys.stdout.write(table)
        return
    from bench.sections import replace_section

    replace_section(SECTIONS[args.objective], table)


if __name__ == "__main__":
    main()
