"""``solve_placement``: the cohort's placement plan, proven optimal or with its bound.

Objectives (lexicographic, see ``SolveParams``):

- ``count-interest-score``: place as many students as possible; among those plans,
  the most placed within their own interests; among those, the highest total score.
  Solved exactly by the same solver on tiered weights (``PlacementProblem.interest_tier``).
- ``count-then-score``: place as many students as possible; among those plans,
  the highest total score (scores at 0.01-point resolution).
- ``fairness``: place as many students as possible; among those plans, raise the
  lowest score of a student the optimizer places (max-min; locked placements are
  the consultants' own and do not count); among those, the highest total score.
  Found by bisection on the lowest score allowed: each step asks the exact solver
  whether the maximum number can still be placed using only pairs at or above it.

Locked students are placed first and their places and mentor capacity taken off
their companies; forbidden pairs are never used. Never prints.
"""

from __future__ import annotations

import math
from time import perf_counter

import numpy as np

from optimizer.exact import solve_exact
from optimizer.instance import Instance, best_per_student
from optimizer.plan_value import ExactSolution
from optimizer.problem import SCORE_SCALE, PlacementProblem, SolveParams, TablePairs
from optimizer.result import PlacementResult
from optimizer.solvers import load_solvers

FAIRNESS_FINAL_SHARE = 0.4
"""The share of the time limit fairness's bisection leaves to its last solve (the most placed, then the
highest total score, at the lowest score it found): the probes before it share the rest, each at most
its part of it, so that one probe the solver cannot decide (1,700 x 900 seed 8: its count search stalls
one short of the LP's bound, and the proof after it would run to the limit) does not take the time of
the others and of the plan."""


def solve_placement(problem: PlacementProblem, params: SolveParams | None = None) -> PlacementResult:
    """The best plan for ``problem`` under ``params`` (objective, time limit)."""
    params = SolveParams() if params is None else params
    load_solvers()  # loading, not solving: before the clock (``optimizer.solvers``)
    started = perf_counter()
    if params.objective == "count-interest-score":
        tiered, base = problem.interest_tier(problem.weight)
        inst, index = problem.free_instance(tiered)
        solution = solve_exact(inst, time_limit=_time_left(params, started), tier_base=base)
        return result_from(problem, index, solution, params.objective, started, interest_base=base)
    inst, index = problem.free_instance()
    fairness = params.objective == "fairness"
    # Fairness needs only the count here: its plan is solved again at the lowest score it finds.
    solution = solve_exact(inst, time_limit=_time_left(params, started), count_only=fairness)
    if fairness:
        return _fairness(problem, inst, index, solution, params, started)
    return result_from(problem, index, solution, "count-then-score", started)


def _time_left(params: SolveParams, started: float) -> float:
    """The time limit less what preparing the instance took (seconds on millions of pairs)."""
    return max(params.time_limit_seconds - (perf_counter() - started), 0.0)


def result_from(
    problem: PlacementProblem,
    index: TablePairs,
    solution: ExactSolution,
    objective: str,
    started: float,
    *,
    min_score_bound: float | None = None,
    proven: bool | None = None,
    bound_in_weights: bool = True,
    interest_base: int | None = None,
) -> PlacementResult:
    """A ``PlacementResult`` from an exact solution on ``problem.free_instance()`` (pairs ``index``).

    ``bound_in_weights``: False when the solution's bound is not in the pairs' weights
    (re-planning adds a bonus per kept placement; its score bound is then not known here).
    ``interest_base``: the solution is in tiered weights (``interest_tier``); its bound is
    decoded into a bound on the number within interests and, when that tier is closed, on the score.
    """
    pair_of_student = problem.lock_pair.copy()
    chosen = index.of(solution.chosen)
    pair_of_student[problem.pairs.student[chosen]] = chosen
    locked = problem.lock_pair[problem.lock_pair >= 0]
    n_locked = int(locked.size)
    locked_weight = int(problem.weight[locked].sum())
    placed_bound = solution.bound.placed + n_locked
    score_bound = None
    interest_bound = None
    count_closed = solution.bound.placed == solution.value.placed
    if interest_base is not None:
        locked_interest = int(problem.in_interest[locked].sum())
        free_interest, free_score = divmod(int(solution.value.weight), interest_base)
        interest_limit, score_limit = divmod(int(solution.bound.weight), interest_base)
        if count_closed:
            interest_bound = interest_limit + locked_interest
            # A weight part of ``interest_base - 1`` is only the tier's cap (``knapsack_proof._tier_cap``:
            # every student's best weight added up): the score is then not bounded, not 26 % open (1,700 x
            # 700 seed 1 cut short at 2 s: 142,702.40 over a plan of 105,252.28, the optimum 105,383.52),
            # unless the plan itself reaches it (every weight 0, or each student at their best).
            bounded = score_limit < interest_base - 1 or score_limit <= free_score
            if interest_limit == free_interest and bounded and bound_in_weights:
                score_bound = (score_limit + locked_weight) / SCORE_SCALE
    elif count_closed and bound_in_weights:
        score_bound = (solution.bound.weight + locked_weight) / SCORE_SCALE
    optimal = solution.optimal if proven is None else proven
    return PlacementResult(
        problem=problem,
        status="OPTIMAL" if optimal else "FEASIBLE",
        objective=objective,
        pair_of_student=pair_of_student,
        placed_bound=placed_bound,
        score_bound=score_bound,
        min_score_bound=min_score_bound,
        interest_bound=interest_bound,
        solve_seconds=perf_counter() - started,
        stats=dict(solution.stats),
    )


def _fairness(
    problem: PlacementProblem,
    inst: Instance,
    index: TablePairs,
    base: ExactSolution,
    params: SolveParams,
    started: float,
) -> PlacementResult:
    """Bisection on the lowest score allowed, keeping the maximum number placed, every other probe a
    check of the best plan's lowest score.

    ``base`` settles the count (``solve_exact(count_only=True)``). Each probe may take its part of
    what the time limit leaves before ``FAIRNESS_FINAL_SHARE`` (what is left, over the bisection's
    steps left), and starts only if that is at least the least a solve of the whole instance took
    (``first_flow_seconds``). A probe it does not decide closes the search above it until a plan's
    lowest score reaches it; if none does, the result is not proven. The last solve starts only if one
    like the last probe can still finish. Cut short, the plan comes back FEASIBLE with the bounds of
    ``base``, a solve on every pair (a probe's own bound holds only on the pairs it kept).
    """
    deadline = started + params.time_limit_seconds
    probes_end = deadline - FAIRNESS_FINAL_SHARE * params.time_limit_seconds
    least = last = float(base.stats.get("first_flow_seconds", 0.0))
    target = base.value.placed
    proven = base.optimal or base.bound.placed == base.value.placed
    if target == 0:
        return result_from(problem, index, base, "fairness", started, min_score_bound=None, proven=proven)
    best, best_threshold = base, int(inst.weight[base.chosen].min())
    candidates = np.unique(inst.weight[inst.weight > best_threshold])
    failed = candidates.size  # the least threshold proven out of reach (and all above it), an index
    undecided: list[int] = []  # thresholds whose probe was not decided in its time
    left = 0  # the least threshold above the best plan's lowest score
    # Bisection, every other probe a check: it asks for just above the best plan's lowest score,
    # which is often the answer (1,700 x 900 seeds 2-5: the first or second plan's), and a check that
    # fails ends the search where halving takes up to a dozen probes more (seed 3: 5 probes instead of
    # 14). At most every other probe is a check, so at most about twice halving's probes. The first
    # probe checks the first plan: where the plans placing the most cannot raise its lowest score (a
    # worst-off student with one company), it is the only one (1,700 x 5,000 seeds 1-3).
    check, first = True, True
    retried: set[int] = set()
    while True:
        # Open: below the least threshold out of reach and below any not decided, until a plan's
        # lowest score reaches it (held-out 900 seed 13: a probe at 37.43 not decided, a plan with
        # 37.43 found by a later one).
        right = min([failed, *(u for u in undecided if u >= left)]) - 1
        probe_started = perf_counter()
        if left <= right:
            middle = left if check else (left + right) // 2
            steps_left = math.ceil(math.log2(right - left + 2)) + check
        else:
            # Only thresholds not decided are left open: the least of them once more, with all the
            # time the probes have left (held-out 1,700 x 700 seed 12: 53.74, not decided in 2.1 s, kept
            # the count in 0.7 s from a better plan, and the search went on to 54.72, proven).
            again = [u for u in undecided if left <= u < failed and u not in retried]
            if not again:
                break
            middle, steps_left = min(again), 1
            retried.add(middle)
        probe_limit = (probes_end - probe_started) / steps_left
        if probe_limit < least:
            proven = False
            break
        threshold = int(candidates[middle])
        # From the best plan's placements at or above the threshold: a check's is one or two short of
        # the count, which the count's search may take dozens of rounds to find again (held-out 1,700
        # x 900 seed 14: its first probe 5.1 s without, 1.3 s with, past its share and undecided).
        probe = _at_least(inst, threshold, target, probe_limit, start=best.chosen)
        kept, decided = probe.value.placed >= target, probe.bound.placed < target
        if kept:
            best, best_threshold = probe, int(inst.weight[probe.chosen].min())
            left = int(np.searchsorted(candidates, best_threshold, side="right"))
        elif decided:
            failed = min(failed, middle)
        else:
            undecided.append(middle)
        if kept or decided:  # (a probe not decided ran to its limit: no forecast of the last solve)
            last = perf_counter() - probe_started
            undecided = [u for u in undecided if u != middle]
        check, first = first or not check, False
    lowest_proven = proven and not any(left <= u < failed for u in undecided)
    lowest_failed = int(candidates[failed]) if failed < candidates.size else None
    # The final plan: most placed at the best threshold, then the highest total score.
    final_started = perf_counter()
    final_kept = False
    if final_started + last < deadline and not best.optimal:
        final = _at_least(
            inst,
            best_threshold,
            None,
            deadline - final_started,
            start=best.chosen,
            placed_at_most=base.bound.placed,
        )
        if final.value.placed >= target:
            best, final_kept = final, True
    proven = lowest_proven and best.optimal
    if lowest_proven:
        bound = best_threshold
    else:
        # A plan placing ``target`` students has a lowest weight no higher than the ``target``-th highest
        # of the students' best weights. With nothing settled that is the bound (1,700 x 900 seed 1 cut
        # short at 2 s: 64.72, where the highest pair's 99.91 told a consultant the plan might be 66 %
        # from the best; the optimum's lowest score is 48.85).
        bound = int(np.sort(best_per_student(inst.student, inst.weight, inst.n_students))[-target])
        if lowest_failed is not None:  # and it is a weight below the first threshold out of reach
            below = inst.weight[inst.weight < lowest_failed]
            bound = min(bound, int(below.max()) if below.size else best_threshold)
    if not proven and not (lowest_proven and final_kept):
        # The count and score bounds of the solve on every pair: a probe's hold only on its pairs. With
        # the lowest score proven, the last solve's pairs are those of every plan the objective still
        # compares, and its own bounds hold (held-out 1,700 x 900 seed 13: 130,907.70 instead of
        # 131,672.66 over a plan of 130,845.11).
        best = ExactSolution(best.chosen, best.value, base.bound, best.stats)
    return result_from(
        problem, index, best, "fairness", started, min_score_bound=bound / SCORE_SCALE, proven=proven
    )


def _at_least(
    inst: Instance,
    threshold: int,
    target: int | None,
    time_limit: float,
    start: np.ndarray | None = None,
    placed_at_most: int | None = None,
) -> ExactSolution:
    """The exact solver on the pairs scoring at least ``threshold`` (from ``start``'s placements on
    them, if given, ``start`` a plan on ``inst``; ``placed_at_most``: a bound on the number placed,
    ``solve_exact``'s); mapped back to ``inst``'s pairs."""
    keep = np.flatnonzero(inst.weight >= threshold)
    solution = solve_exact(
        inst.subset(keep),
        time_limit=time_limit,
        enough_placed=target,
        start=None if start is None else start[keep],
        placed_at_most=placed_at_most,
    )
    chosen = np.zeros(inst.n_pairs, dtype=bool)
    chosen[keep[solution.chosen]] = True
    return ExactSolution(chosen, solution.value, solution.bound, solution.stats)
