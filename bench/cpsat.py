"""The whole placement problem as one plain CP-SAT model: the baseline of ``bench/bench_optimizer.py``.

Only the benchmark uses it: the optimizer never solves a whole network with CP-SAT
(see ``optimizer.exact``); its proof builds small CP-SAT models of its own in
``optimizer.decompose``. It works on the optimizer's ``Instance``, so it sees
exactly the pairs, weights and limits the optimizer sees.

The objective is lexicographic through one weighted sum: every placement is worth
``M + weight`` with ``M`` the optimizer's own ``Instance.big_m`` (larger than the
total weight any plan can reach), so one more student placed always outweighs any
gain in weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter

import numpy as np
from ortools.sat.python import cp_model

from optimizer.instance import Instance


@dataclass(frozen=True, eq=False)
class CpSatOutcome:
    """What CP-SAT returned for one model, in the model's own objective units (``big_m`` per placement)."""

    chosen: np.ndarray  # (n_pairs,) bool: the best plan found (the hint if none was found)
    status: str  # CP-SAT's status name: OPTIMAL, FEASIBLE, UNKNOWN, ...
    found: bool  # CP-SAT found a plan (else ``chosen`` is the hint or empty)
    bound: int  # proven upper bound on sum((big_m + weight) * x)
    big_m: int
    seconds: float


def solve_cpsat(
    inst: Instance,
    *,
    time_limit: float,
    workers: int = 1,
    hint: np.ndarray | None = None,
    mentor_companies: np.ndarray | None = None,
    linearization_level: int | None = 2,
) -> CpSatOutcome:
    """Solve the placement problem on ``inst`` with CP-SAT.

    ``hint``: a feasible plan (mask over pairs) to start from. ``mentor_companies``: companies whose mentor limit is
    modelled (default: all); the caller leaves out only limits proven redundant.
    ``linearization_level``: CP-SAT's (2, the full LP with cuts, proves mentor limits
    fastest here); None keeps CP-SAT's default, as a plain baseline.
    """
    started = perf_counter()
    if (inst.weight < 0).any():
        raise ValueError("CP-SAT weights must be non-negative")
    big_m = inst.big_m()
    n_pairs = inst.n_pairs
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{k}") for k in range(n_pairs)]

    by_student = _groups(inst.student, inst.n_students)
    by_company = _groups(inst.company, inst.n_companies)
    for pairs in by_student:
        if len(pairs) < 2:
            continue
        # Each student takes at most one internship.
        model.add_at_most_one(x[k] for k in pairs)
    for j, pairs in enumerate(by_company):
        if len(pairs) == 0:
            continue
        if len(pairs) > inst.capacity[j]:
            # A company takes at most `capacity` students.
            model.add(cp_model.LinearExpr.sum([x[k] for k in pairs]) <= int(inst.capacity[j]))
        if mentor_companies is None or mentor_companies[j]:
            # The students at a company use at most its mentor capacity.
            model.add(
                cp_model.LinearExpr.weighted_sum([x[k] for k in pairs], inst.load[pairs].tolist())
                <= int(inst.mentor_capacity[j])
            )
    # Most students placed first, then the largest total weight.
    model.maximize(cp_model.LinearExpr.weighted_sum(x, (inst.weight + big_m).tolist()))
    if hint is not None:
        for k in range(n_pairs):
            model.add_hint(x[k], bool(hint[k]))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(float(time_limit), 0.001)
    solver.parameters.num_workers = int(workers)
    if linearization_level is not None:
        # The full LP relaxation with cuts: it proves the knapsack-like mentor limits quickly.
        solver.parameters.linearization_level = linearization_level
    status = solver.solve(model)
    name = solver.status_name(status)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if found:
        chosen = np.array(solver.boolean_values(x), dtype=bool) if n_pairs else np.zeros(0, dtype=bool)
        value = int(chosen.sum()) * big_m + sum(inst.weight[chosen].tolist())  # exact, unlike the float
        bound = (
            value if status == cp_model.OPTIMAL else max(value, int(np.floor(solver.best_objective_bound)))
        )
    else:
        chosen = np.zeros(n_pairs, dtype=bool) if hint is None else hint.copy()
        bound = _trivial_bound(inst, big_m)
        if status == cp_model.UNKNOWN and np.isfinite(solver.best_objective_bound):
            bound = min(bound, int(np.floor(solver.best_objective_bound)))
    return CpSatOutcome(chosen, name, found, bound, big_m, perf_counter() - started)


def _groups(index: np.ndarray, n: int) -> list[np.ndarray]:
    """Pair positions grouped by ``index`` value (student or company)."""
    order = np.argsort(index, kind="stable")
    counts = np.bincount(index, minlength=n)
    return np.split(order, np.cumsum(counts)[:-1])


def _trivial_bound(inst: Instance, big_m: int) -> int:
    """Every student with a pair placed at their best weight: an upper bound on any plan."""
    return int(np.unique(inst.student).size) * big_m + inst.best_weight_total()
