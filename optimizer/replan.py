"""Re-planning with few changes: a new plan as close as possible to an approved one.

After a change (a company withdraws, capacities change, a student is added or a
profile changes) the plan is solved again with a lexicographic objective:

1. place as many students as possible (never fewer than a fresh plan would);
2. among those plans, move as few students of the approved plan as possible. A
   *move* is a student who was placed in the approved plan, is still in the data,
   and is now at another company or unplaced. New students and students who were
   unplaced before never count as moves;
3. among those plans, the highest total score.

Technically each pair that keeps a student at their approved company gets a bonus
worth more than any total score, so the exact solver's "most placed, then most
weight" order is exactly this order. Locks and forbids still hold (a lock can
force a move).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from time import perf_counter

import numpy as np

from features.errors import InputError
from optimizer.exact import solve_exact
from optimizer.problem import SCORE_SCALE, PlacementProblem, SolveParams
from optimizer.result import Move, ReplanResult
from optimizer.solve import result_from
from optimizer.solvers import load_solvers


def replan(
    problem: PlacementProblem, previous: Mapping[str, str], params: SolveParams | None = None
) -> ReplanResult:
    """The best plan that moves the fewest students of ``previous`` (student_id -> company_id).

    Companies in ``previous`` that are gone from the data are fine (their students
    must move); students that are gone are reported in ``departed``.
    """
    params = SolveParams() if params is None else params
    if params.objective == "fairness":
        raise InputError(
            "re-planning keeps the order placed, then fewest moves, then the objective's own order; "
            f"objective {params.objective!r} cannot be combined with a previous plan",
            "genplanlægning bruger rækkefølgen antal placerede, færrest flytninger og derefter målets egen "
            f"rækkefølge; målet {params.objective!r} kan ikke kombineres med en tidligere plan",
        )
    load_solvers()  # loading, not solving: before the clock (``optimizer.solvers``)
    started = perf_counter()
    pairs = problem.pairs
    student_at = {str(s): i for i, s in enumerate(pairs.student_ids.tolist())}
    company_at = {str(c): j for j, c in enumerate(pairs.company_ids.tolist())}
    previous_company = np.full(pairs.n_students, -1, dtype=np.int64)
    had_place = np.zeros(pairs.n_students, dtype=bool)
    departed = []
    for student_id, company_id in previous.items():
        i = student_at.get(str(student_id))
        if i is None:
            departed.append(str(student_id))
            continue
        had_place[i] = True
        previous_company[i] = company_at.get(str(company_id), -1)  # -1: the company is gone

    # With interests first, the objective's own weights are tiered: within interests, then score.
    tiered = params.objective == "count-interest-score"
    objective_weight = problem.interest_tier(problem.weight)[0] if tiered else problem.weight
    keeps = previous_company[pairs.student] == pairs.company
    inst, index = problem.free_instance(objective_weight)
    free_keep = index.gather(keeps)
    bonus = inst.big_m()  # one more kept placement outweighs any score
    with_bonus = dataclasses.replace(inst, weight=inst.weight + bonus * free_keep.astype(np.int64))
    solution = solve_exact(with_bonus, time_limit=params.time_limit_seconds)
    result = result_from(problem, index, solution, params.objective, started, bound_in_weights=False)

    # Locked students keep or move as their lock says; the solver decides the others.
    locked = problem.locked
    kept_free = int(free_keep[solution.chosen].sum())
    locked_keeps = np.zeros(pairs.n_students, dtype=bool)
    locked_keeps[locked] = keeps[problem.lock_pair[locked]]
    kept_locked = int((locked_keeps & had_place).sum())
    count_tier_closed = solution.bound.placed == solution.value.placed
    free_movers = int((had_place & ~locked).sum())
    if count_tier_closed:
        kept_bound = min(solution.bound.weight // bonus, free_movers)
        moves_lower_bound = int(had_place.sum()) - kept_locked - kept_bound
        if kept_bound == kept_free and not tiered:
            weight_bound = solution.bound.weight - bonus * kept_free
            locked_weight = int(problem.weight[problem.lock_pair[locked]].sum())
            result = dataclasses.replace(result, score_bound=(weight_bound + locked_weight) / SCORE_SCALE)
    else:
        moves_lower_bound = 0

    moves = []
    now = result.company_of_student
    for i in np.flatnonzero(had_place).tolist():
        if previous_company[i] >= 0 and now[i] == previous_company[i]:
            continue
        moves.append(
            Move(
                student_id=str(pairs.student_ids[i]),
                from_company_id=str(previous[str(pairs.student_ids[i])]),
                to_company_id=None if now[i] < 0 else str(pairs.company_ids[now[i]]),
            )
        )
    return ReplanResult(
        result=result,
        moves=tuple(moves),
        moves_lower_bound=max(0, min(moves_lower_bound, len(moves))),
        departed=tuple(departed),
        kept=int(had_place.sum()) - len(moves),
    )
