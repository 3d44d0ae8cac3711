"""Run one method once on one stored problem, in a process of its own, and report time and memory.

Usage: ``python -m bench.worker METHOD PROBLEM.npz PLAN.npz [--time-limit S]``
(default: the optimizer's own default time limit, 600 s for the exact method).
The optimizer reads the pair table exactly as ``eligible_pairs`` returned it; the
other methods read the ``BenchProblem`` (the same pairs with integer weights).
Prints one JSON line: the method's wall time (loading the input excluded),
the process's peak resident memory (and that of any child process, such as
the ``matching`` virtualenv), and what the method reports about itself.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
from time import perf_counter
from typing import Any

import numpy as np

from bench.problem import BenchProblem, pairs_path, read_pair_table
from matching.pair_table import PairTable

METHODS = ("optimizer", "greedy", "stable", "exact")


def load_input(name: str, problem_path: str) -> BenchProblem | PairTable:
    """What method ``name`` reads: the optimizer its own input (the pair table), the others the problem."""
    if name == "optimizer":
        return read_pair_table(pairs_path(problem_path))
    return BenchProblem.read(problem_path)


def run_method(
    name: str, given: BenchProblem | PairTable, time_limit: float | None
) -> tuple[np.ndarray, dict[str, Any]]:
    """The plan of method ``name`` and its own report."""
    if isinstance(given, PairTable):
        if name != "optimizer":
            raise ValueError(f"{name} reads a BenchProblem, not a PairTable")
        from bench.methods.project import solve_project

        return solve_project(given, time_limit=time_limit)
    problem = given
    if name == "greedy":
        from bench.methods.greedy import solve_greedy

        return solve_greedy(problem), {}
    if name == "stable":
        from bench.methods.stable import solve_stable

        outcome = solve_stable(problem)
        info: dict[str, Any] = {
            "raw_placed": int(outcome.raw.sum()),
            "companies_over_mentor": outcome.companies_over_mentor,
            "students_dropped": outcome.students_dropped,
            **outcome.timings,
        }
        return outcome.repaired, info
    if name == "exact":
        from bench.methods.exact import solve_exact

        exact = solve_exact(problem, time_limit=600.0 if time_limit is None else time_limit)
        report: dict[str, Any] = {
            "method": exact.method,
            "status": exact.status,
            "optimal": exact.optimal,
            "bound_placed": exact.bound_placed,
            "bound_weight": exact.bound_weight,
            "has_plan": exact.has_plan,
            **exact.details,
        }
        return exact.chosen, report
    raise ValueError(f"The 'method' parameter must be one of {', '.join(METHODS)}. Got {name!r} instead.")


def _megabytes(usage: resource.struct_rusage) -> float:
    return usage.ru_maxrss / 1024  # Linux reports kilobytes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("method", choices=METHODS)
    parser.add_argument("problem")
    parser.add_argument("plan")
    parser.add_argument("--time-limit", type=float, default=None)
    args = parser.parse_args(argv)
    given = load_input(args.method, args.problem)
    baseline = _megabytes(resource.getrusage(resource.RUSAGE_SELF))
    started = perf_counter()
    chosen, info = run_method(args.method, given, args.time_limit)
    seconds = perf_counter() - started
    np.save(args.plan, np.asarray(chosen, dtype=bool))
    children_peak_mb = _megabytes(resource.getrusage(resource.RUSAGE_CHILDREN))
    if info.get("package_peak_mb") is not None:
        # The `matching` process measures itself: a child's ru_maxrss starts from this process's size at
        # the fork, which would count the loaded problem twice.
        children_peak_mb = float(info["package_peak_mb"])
    report = {
        "seconds": seconds,
        "peak_mb": _megabytes(resource.getrusage(resource.RUSAGE_SELF)),
        "children_peak_mb": children_peak_mb,
        "baseline_mb": baseline,
        "info": info,
    }
    sys.stdout.write(json.dumps(report) + "\n")


if __name__ == "__main__":
    main()
