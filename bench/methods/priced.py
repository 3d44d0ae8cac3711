"""Exact optimum of a problem too large for one MILP: HiGHS on a priced subset, proven by LP duals.

For each stage (most placed; then most weight at that count):

1. **Column generation.** Start from each student's best pairs; solve the LP
   relaxation over the subset (HiGHS), price every pair with its duals, add the
   pairs with a positive reduced cost, repeat until none is left. The duals then
   give an upper bound ``UB`` on every plan over *all* pairs (weak duality).
2. **Reduced-cost proof.** Solve the MILP over the subset: value ``V``. Every
   plan ``x`` over all pairs has ``value(x) <= UB - sum(|rc_e| for its pairs with
   rc_e < 0)``, so a plan worth ``V + 1`` or more (objectives are integers) uses
   only pairs with ``rc_e >= -(UB - V - 1)``. If the subset holds all of them, ``V``
   is optimal over all pairs; otherwise they are added and the MILP solved again.
   When the LP bound is loose (mentor limits make the LP fractional), nearly every
   pair passes that test; if they are more than ``max_subset``, the stage stops
   with its plan and the LP bound, unproven.

This shares no code with ``optimizer/``: different solver (HiGHS), different
relaxation (the full LP with mentor rows, not a penalised flow).
"""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter

import numpy as np

from bench.methods.milp_model import dual_bound, lp_duals, reduced_costs, solve_stage
from bench.problem import BenchProblem

START_PER_STUDENT = 10
"""Each student's best pairs in the first subset."""
PRICE_TOLERANCE = 1e-6
"""A left-out pair joins the subset when its reduced cost is above this (LP duals are floating point)."""
PROOF_SLACK = 1e-6
"""Pairs this close to the reduced-cost threshold are kept as well, against rounding in the duals."""
MAX_PRICING_ROUNDS = 50
ADD_PER_STUDENT = 5
"""At most this many of a student's left-out pairs join the subset per pricing round (the most positive)."""


@dataclass(frozen=True, eq=False)
class PricedStage:
    chosen: np.ndarray  # (n_usable,) bool
    subset: np.ndarray  # (n_usable,) bool: the pairs the last MILP had
    value: int
    optimal: bool
    bound: int
    subset_size: int
    rounds: int
    message: str


def best_per_student(problem: BenchProblem, usable: np.ndarray, k: int) -> np.ndarray:
    """Mask over ``usable``: each student's ``k`` highest-weight pairs."""
    student = problem.student[usable]
    order = np.lexsort((-problem.weight[usable], student))
    counts = np.bincount(student, minlength=problem.n_students)
    rank = np.arange(order.size) - (np.cumsum(counts) - counts)[student[order]]
    keep = np.zeros(usable.size, dtype=bool)
    keep[order[rank < k]] = True
    return keep


def _best_per_group(group: np.ndarray, value: np.ndarray, items: np.ndarray) -> np.ndarray:
    """The ``ADD_PER_STUDENT`` items of highest value in each group."""
    order = np.lexsort((-value, group))
    sorted_group = group[order]
    first = np.searchsorted(sorted_group, sorted_group, side="left")
    rank = np.arange(order.size) - first
    return items[order[rank < ADD_PER_STUDENT]]


def priced_stage(
    problem: BenchProblem,
    usable: np.ndarray,
    binding: np.ndarray,
    objective: np.ndarray,
    subset: np.ndarray,
    min_count: int | None,
    deadline: float,
    max_subset: int,
) -> PricedStage:
    """One stage: maximise ``objective`` (per usable pair) over all usable pairs, starting from ``subset``."""
    subset = subset.copy()
    rounds = 0
    for rounds in range(1, MAX_PRICING_ROUNDS + 1):
        if rounds > 1 and perf_counter() >= deadline:
            break
        duals = lp_duals(
            problem, usable[subset], binding, objective[subset], min_count, deadline - perf_counter()
        )
        reduced = reduced_costs(problem, usable, objective, duals)
        candidates = np.flatnonzero(~subset & (reduced > PRICE_TOLERANCE))
        if candidates.size == 0:
            break
        subset[_best_per_group(problem.student[usable[candidates]], reduced[candidates], candidates)] = True
    bound = int(np.floor(dual_bound(problem, duals, reduced, min_count) + 1e-6))
    while True:
        stage = solve_stage(
            problem, usable[subset], binding, objective[subset], min_count, deadline - perf_counter()
        )
        chosen = np.zeros(usable.size, dtype=bool)
        chosen[np.flatnonzero(subset)[stage.chosen]] = True
        if not stage.optimal:
            return PricedStage(
                chosen, subset, stage.value, False, bound, int(subset.sum()), rounds, stage.message
            )
        # A plan worth value + 1 or more over all pairs can only use these pairs.
        needed = reduced >= -(bound - (stage.value + 1)) - PROOF_SLACK
        missing = needed & ~subset
        if not missing.any():
            return PricedStage(
                chosen, subset, stage.value, True, stage.value, int(subset.sum()), rounds, "OPTIMAL"
            )
        subset |= needed


def solve_priced(
    problem: BenchProblem,
    usable: np.ndarray,
    binding: np.ndarray,
    time_limit: float,
    max_subset: int,
    start: np.ndarray | None = None,
) -> tuple[np.ndarray, bool, str, tuple[int, int], dict[str, int]]:
    """Both stages over ``usable`` pairs: (mask over usable, proven optimal, status, bound, subset sizes).

    ``start``: pairs (mask over ``usable``) to begin with, besides each student's best ones.
    """
    deadline = perf_counter() + time_limit
    subset = best_per_student(problem, usable, START_PER_STUDENT)
    if start is not None:
        subset |= start
    first = priced_stage(problem, usable, binding, np.ones(usable.size), subset, None, deadline, max_subset)
    sizes = {"subset_count_stage": first.subset_size, "pricing_rounds_count_stage": first.rounds}
    if not first.optimal:
        weight_bound = int(problem.weight[usable].clip(0).sum())
        return first.chosen, False, f"stage 1: {first.message}", (first.bound, weight_bound), sizes
    weight = problem.weight[usable].astype(np.float64)
    second = priced_stage(problem, usable, binding, weight, first.subset, first.value, deadline, max_subset)
    sizes.update({"subset_weight_stage": second.subset_size, "pricing_rounds_weight_stage": second.rounds})
    status = "OPTIMAL" if second.optimal else f"stage 2: {second.message}"
    return second.chosen, second.optimal, status, (first.value, second.bound), sizes
