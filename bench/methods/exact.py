"""An independent exact optimum: HiGHS (through ``scipy.optimize``) or OR-Tools' min-cost flow.

Independent of ``optimizer/``: its own models, and HiGHS where mentor limits matter.

- **Min-cost flow** when no mentor limit can bind (for every company, its
  ``capacity`` heaviest eligible loads fit its mentor capacity): the problem is
  then a transportation problem, whose flow optimum is the exact optimum. The
  count-then-score order is written as costs: leaving a student unplaced costs
  more than any difference in weight.
- **MILP** (HiGHS) otherwise, in two stages: first the most students placed,
  then, with that many placed, the largest total weight. Two stages keep the
  objective coefficients small, so HiGHS's tolerances cannot blur one unit of
  weight against one placement.
- **Priced MILP** (``bench.methods.priced``) above ``milp_max_pairs`` pairs: the
  min-cost flow without mentor limits first (exact if its plan keeps them; else
  an upper bound, and its plan repaired is a first feasible plan), then the same
  two MILP stages over a subset of pairs chosen by LP pricing, starting from the
  flow's pairs, with a reduced-cost proof that the pairs left out cannot improve
  the plan. If that cannot finish, the best plan and bound found are reported.
- Above ``PRICED_MAX_PAIRS`` pairs, or when the priced MILP fails: only the flow's
  upper bound, no plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from time import perf_counter

import numpy as np
from ortools.graph.python import min_cost_flow

from bench.evaluate import plan_stats
from bench.methods.milp_model import solve_stage
from bench.methods.priced import solve_priced
from bench.problem import BenchProblem

MILP_MAX_PAIRS = 3_000_000
"""Largest instance (usable pairs) given to HiGHS whole; beyond it, the priced MILP."""
PRICED_MAX_PAIRS = 10_000_000
"""Largest instance for the priced MILP. On 40 million pairs its LP rounds alone (about a million columns
and 73,000 rows each) took over 25 minutes without converging; above this, the flow bound is all we report."""


@dataclass(frozen=True, eq=False)
class ExactOutcome:
    """A plan from the exact method and what is proven about it."""

    chosen: np.ndarray  # (n_pairs,) bool
    method: str  # "min-cost flow", "MILP (HiGHS)" or "priced MILP (HiGHS)"
    optimal: bool  # proven optimal for the full problem, mentor limits included
    bound_placed: int  # no plan places more ...
    bound_weight: int  # ... or, with as many placed, has more weight
    status: str
    details: dict[str, int] = field(default_factory=dict)
    has_plan: bool = True  # False: only the bound is known (``chosen`` is empty)


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
        return ExactOutcome(chosen, "MILP (HiGHS)", optimal, bound[0], bound[1], status)
    return _solve_large(problem, usable, binding, time_limit, milp_max_pairs)


def _solve_large(
    problem: BenchProblem, usable: np.ndarray, binding: np.ndarray, time_limit: float, milp_max_pairs: int
) -> ExactOutcome:
    """Flow relaxation first, then the priced MILP; the best plan and the tightest bound found."""
    deadline = perf_counter() + time_limit
    relaxed = np.zeros(problem.n_pairs, dtype=bool)
    relaxed[usable[solve_flow(problem, usable)]] = True
    relaxed_stats = plan_stats(problem, relaxed)
    if relaxed_stats.feasible:
        return ExactOutcome(
            relaxed, "min-cost flow", True, relaxed_stats.placed, relaxed_stats.weight, "OPTIMAL"
        )
    flow_bound = (relaxed_stats.placed, relaxed_stats.weight)
    no_plan = np.zeros(problem.n_pairs, dtype=bool)
    if usable.size > PRICED_MAX_PAIRS:
        status = f"bound only: {usable.size:,} pairs is more than the priced MILP's {PRICED_MAX_PAIRS:,}"
        return ExactOutcome(no_plan, "min-cost flow relaxation", False, *flow_bound, status, has_plan=False)
    try:
        picked, optimal, status, bound, details = solve_priced(
            problem, usable, binding, deadline - perf_counter(), milp_max_pairs, relaxed[usable]
        )
    except RuntimeError as error:  # an LP HiGHS could not solve in time: keep the flow's bound
        status = f"bound only; the priced MILP failed: {error}"
        return ExactOutcome(no_plan, "min-cost flow relaxation", False, *flow_bound, status, has_plan=False)
    chosen = np.zeros(problem.n_pairs, dtype=bool)
    chosen[usable[picked]] = True
    bound = min(bound, flow_bound)
    return ExactOutcome(chosen, "priced MILP (HiGHS)", optimal, bound[0], bound[1], status, details)


def solve_flow(problem: BenchProblem, pairs: np.ndarray) -> np.ndarray:
    """Most placed, then most weight, over ``pairs`` (indices), ignoring mentor limits; a mask over ``pairs``.

    Nodes: students, companies, sink. Each student's unit of supply goes to a
    company (cost ``top - weight``) or straight to the sink (cost ``skip``, more than
    any placement could save), so the minimum cost places as many as possible first.
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
) -> tuple[np.ndarray, bool, str, tuple[int, ...]]:
    """Two-stage MILP over ``pairs``: the most students placed, then, with that many placed, the
    largest total weight (``solve_stages``; its bound is (placed, weight))."""
    return solve_stages(
        problem, pairs, binding, [np.ones(pairs.size, dtype=np.int64), problem.weight[pairs]], time_limit
    )


def solve_milp_interests(
    problem: BenchProblem, pairs: np.ndarray, binding: np.ndarray, in_interest: np.ndarray, time_limit: float
) -> tuple[np.ndarray, bool, str, tuple[int, ...]]:
    """The interest-first objective as a three-stage MILP over ``pairs``: the most placed; at that
    count, the most placed within interests (``in_interest``, a mask over ``pairs``); at both, the
    largest total weight (``solve_stages``; its bound is (placed, within interests, weight))."""
    objectives = [np.ones(pairs.size, dtype=np.int64), in_interest.astype(np.int64), problem.weight[pairs]]
    return solve_stages(problem, pairs, binding, objectives, time_limit)


def solve_stages(
    problem: BenchProblem,
    pairs: np.ndarray,
    binding: np.ndarray,
    objectives: list[np.ndarray],
    time_limit: float,
) -> tuple[np.ndarray, bool, str, tuple[int, ...]]:
    """Lexicographic MILP over ``pairs``: the largest ``objectives[0] . x``, then at that value the
    largest ``objectives[1] . x``, and so on, one HiGHS MILP per stage (small coefficients in each,
    so that HiGHS's tolerances cannot blur one unit of a later stage against one of an earlier).

    Returns (mask over ``pairs``, proven optimal, status, bound per stage). A stage cut short by the
    time leaves its plan (the stage before's where it found none), its bound, and for the stages
    after it the most they could be (their positive coefficients' sum); its status names it.
    """
    deadline = perf_counter() + time_limit
    chosen = np.zeros(pairs.size, dtype=bool)
    kept: list[tuple[np.ndarray, int]] = []  # the stages solved: (objective, its optimum)
    for number, objective in enumerate(objectives, start=1):
        stage = solve_stage(problem, pairs, binding, objective, None, deadline - perf_counter(), kept)
        if not stage.optimal:
            if stage.chosen.any():
                chosen = stage.chosen
            rest = tuple(int(later.clip(0).sum()) for later in objectives[number:])
            bound = (*(value for _, value in kept), stage.bound, *rest)
            return chosen, False, f"stage {number}: {stage.message}", bound
        chosen = stage.chosen
        kept.append((objective, stage.value))
    return chosen, True, "OPTIMAL", tuple(value for _, value in kept)
