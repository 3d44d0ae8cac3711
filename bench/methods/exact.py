"""An independent exact optimum: HiGHS (through ``scipy.optimize.milp``) or OR-Tools' min-cost flow.

Independent of ``optimizer/``: its own model, its own solver where it fits.

- **Min-cost flow** when no mentor limit can bind (for every company, its
  ``capacity`` heaviest eligible loads fit its mentor capacity): the problem is
  then a transportation problem, whose flow optimum is the exact optimum. The
  count-then-score order is written as costs: leaving a student unplaced costs
  more than any difference in weight.
- **MILP** (HiGHS) otherwise, in two stages: first the most students placed,
  then, with that many placed, the largest total weight. Two stages keep the
  objective coefficients small, so HiGHS's tolerances cannot blur one unit of
  weight against one placement.
- Too large for the MILP (more than ``milp_max_pairs``): the flow without
  mentor limits is solved anyway; it is an upper bound for every plan, and an
  exact optimum when it happens to keep every mentor limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from bench.evaluate import plan_stats
from bench.problem import BenchProblem

MILP_MAX_PAIRS = 3_000_000
"""Largest instance (usable pairs) given to HiGHS; beyond it, memory and time grow past the benchmark's budget."""


@dataclass(frozen=True, eq=False)
class ExactOutcome:
    """A plan from the exact method and what is proven about it."""

    chosen: np.ndarray  # (n_pairs,) bool
    method: str  # "min-cost flow", "MILP (HiGHS)" or "flow relaxation (bound only)"
    optimal: bool  # proven optimal for the full problem, mentor limits included
    bound_placed: int  # no plan places more ...
    bound_weight: int  # ... or, with as many placed, has more weight
    status: str


def solve_exact(
    problem: BenchProblem, *, time_limit: float = 600.0, milp_max_pairs: int = MILP_MAX_PAIRS
) -> ExactOutcome:
    """The lexicographic optimum (most placed, then most weight) with capacity and mentor limits."""
    usable = np.flatnonzero(
        (problem.capacity[problem.company] > 0) & (problem.load <= problem.mentor_capacity[problem.company])
    )
    binding = problem.mentor_can_bind()
    chosen = np.zeros(problem.n_pairs, dtype=bool)
    if not binding.any():
        chosen[usable[solve_flow(problem, usable)]] = True
        stats = plan_stats(problem, chosen)
        return ExactOutcome(chosen, "min-cost flow", True, stats.placed, stats.weight, "OPTIMAL")
    if usable.size <= milp_max_pairs:
        picked, optimal, status, bound = solve_milp(problem, usable, binding, time_limit)
        chosen[usable[picked]] = True
        stats = plan_stats(problem, chosen)
        bound_placed, bound_weight = (stats.placed, stats.weight) if optimal else bound
        return ExactOutcome(chosen, "MILP (HiGHS)", optimal, bound_placed, bound_weight, status)
    chosen[usable[solve_flow(problem, usable)]] = True
    stats = plan_stats(problem, chosen)
    optimal = stats.feasible
    if not optimal:
        chosen[:] = False  # the relaxation breaks a mentor limit: no plan, only the bound
    return ExactOutcome(
        chosen,
        "min-cost flow" if optimal else "flow relaxation (bound only)",
        optimal,
        stats.placed,
        stats.weight,
        "OPTIMAL" if optimal else "BOUND",
    )


def solve_flow(problem: BenchProblem, pairs: np.ndarray) -> np.ndarray:
    """Most placed, then most weight, over ``pairs`` (indices), ignoring mentor limits; a mask over ``pairs``.

    Nodes: source, students, companies, sink. Each student's unit of supply goes to a
    company (cost ``top - weight``) or straight to the sink (cost ``skip``, more than any
    placement could save), so the minimum cost places as many as possible first.
    """
    n_s, n_c = problem.n_students, problem.n_companies
    if pairs.size == 0:
        return np.zeros(0, dtype=bool)
    weight = problem.weight[pairs]
    top = int(weight.max())
    skip = (top - int(weight.min())) * n_s + top + 1  # above any total saving from better pairs
    sink = n_s + n_c
    student_nodes = np.arange(n_s, dtype=np.int64)
    tails = np.concatenate([problem.student[pairs], n_s + np.arange(n_c, dtype=np.int64), student_nodes])
    heads = np.concatenate(
        [n_s + problem.company[pairs], np.full(n_c, sink, dtype=np.int64), np.full(n_s, sink, dtype=np.int64)]
    )
    capacities = np.concatenate(
        [np.ones(pairs.size, dtype=np.int64), problem.capacity, np.ones(n_s, dtype=np.int64)]
    )
    costs = np.concatenate([top - weight, np.zeros(n_c, dtype=np.int64), np.full(n_s, skip, dtype=np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.zeros(n_s + n_c + 1, dtype=np.int64)
    supplies[:n_s] = 1
    supplies[sink] = -n_s
    flow.set_nodes_supplies(np.arange(n_s + n_c + 1, dtype=np.int64), supplies)
    status = flow.solve()
    if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    return flow.flows(np.arange(pairs.size, dtype=np.int64)) > 0


def solve_milp(
    problem: BenchProblem, pairs: np.ndarray, binding: np.ndarray, time_limit: float
) -> tuple[np.ndarray, bool, str, tuple[int, int]]:
    """Two-stage MILP over ``pairs``: (mask over ``pairs``, proven optimal, status, (placed, weight) bound)."""
    started = perf_counter()
    n = pairs.size
    student, company = problem.student[pairs], problem.company[pairs]
    columns = np.arange(n)
    ones = np.ones(n)
    per_student = csr_matrix((ones, (student, columns)), shape=(problem.n_students, n))
    per_company = csr_matrix((ones, (company, columns)), shape=(problem.n_companies, n))
    mentor_rows = np.flatnonzero(binding)
    row_of = np.full(problem.n_companies, -1)
    row_of[mentor_rows] = np.arange(mentor_rows.size)
    in_binding = binding[company]
    mentor = csr_matrix(
        (problem.load[pairs][in_binding].astype(float), (row_of[company[in_binding]], columns[in_binding])),
        shape=(mentor_rows.size, n),
    )
    limits = [
        # Each student takes at most one internship.
        LinearConstraint(per_student, -np.inf, 1),
        # A company takes at most `capacity` students.
        LinearConstraint(per_company, -np.inf, problem.capacity.astype(float)),
    ]
    if mentor_rows.size:
        # The students at a company use at most its mentor capacity (only where the limit can bind).
        limits.append(LinearConstraint(mentor, -np.inf, problem.mentor_capacity[mentor_rows].astype(float)))
    integrality = np.ones(n)
    bounds = Bounds(0, 1)

    def options() -> dict[str, float | bool]:
        return {
            "time_limit": max(time_limit - (perf_counter() - started), 1.0),
            "mip_rel_gap": 0.0,
            "presolve": False,
        }

    # Stage 1: the most students placed.
    first = milp(-ones, integrality=integrality, bounds=bounds, constraints=limits, options=options())
    if first.x is None:
        return np.zeros(n, dtype=bool), False, f"stage 1: {first.message}", (n, 0)
    placed = round(-first.fun)
    placed_bound = int(np.floor(-first.mip_dual_bound + 1e-6)) if first.status != 0 else placed
    if first.status != 0:
        return first.x > 0.5, False, f"stage 1: {first.message}", (placed_bound, 0)
    # Stage 2: with that many placed, the largest total weight.
    weight = problem.weight[pairs].astype(float)
    keep_count = LinearConstraint(csr_matrix(ones), placed, np.inf)
    second = milp(
        -weight,
        integrality=integrality,
        bounds=bounds,
        constraints=[*limits, keep_count],
        options=options(),
    )
    if second.x is None:
        return first.x > 0.5, False, f"stage 2: {second.message}", (placed, int(weight.sum()))
    optimal = second.status == 0
    weight_bound = round(-second.fun) if optimal else int(np.floor(-second.mip_dual_bound + 1e-6))
    return (
        second.x > 0.5,
        optimal,
        "OPTIMAL" if optimal else f"stage 2: {second.message}",
        (placed, weight_bound),
    )
