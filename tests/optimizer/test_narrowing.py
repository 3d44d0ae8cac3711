"""A proven plan stays proven after decisions that only narrow its problem (``PlacementProblem.narrows``).

Approving or locking a proposed placement, or forbidding a pair the plan does not use, allows no
plan that was not allowed before and still allows the plan. Under the objectives that add up over
the placements (``SUMMED_OBJECTIVES``) the plan is then the optimum of the narrower problem too,
which an independent MILP on that problem confirms here on small random networks.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from features.errors import InputError
from optimizer import PlacementProblem, SolveParams, solve_placement
from optimizer.problem import SUMMED_OBJECTIVES
from tests.optimizer.test_interest_objective import build, random_problem
from tests.optimizer.test_solve import decisions
from tests.optimizer.util import integer_weight, make_table, pair_tables, random_table, reference

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def narrower(data: st.DataObject, table, pair_of_student, locks, forbids):  # type: ignore[no-untyped-def]
    """More decisions the plan keeps: some of its free placements locked, some unused pairs forbidden."""
    locked = {s for s, _ in locks}
    placed = [
        (int(i), int(table.company[pair_of_student[i]]))
        for i in np.flatnonzero(pair_of_student >= 0)
        if int(i) not in locked
    ]
    used = set(pair_of_student[pair_of_student >= 0].tolist())
    unused = [(int(table.student[k]), int(table.company[k])) for k in range(table.n_pairs) if k not in used]
    more_locks = data.draw(st.lists(st.sampled_from(placed), unique=True)) if placed else []
    more_forbids = data.draw(st.lists(st.sampled_from(unused), unique=True)) if unused else []
    return locks + more_locks, list(dict.fromkeys(forbids + more_forbids))


@FAST
@given(table=pair_tables(), data=st.data(), objective=st.sampled_from(SUMMED_OBJECTIVES))
def test_a_proven_plan_is_the_optimum_of_every_problem_that_narrows_its_own(table, data, objective) -> None:  # type: ignore[no-untyped-def]
    earlier, rank, locks, forbids = random_problem(data, table)
    result = solve_placement(earlier, SolveParams(objective=objective, time_limit_seconds=30))
    assert result.status == "OPTIMAL"
    more_locks, more_forbids = narrower(data, table, result.pair_of_student, locks, forbids)
    problem = build(table, more_locks, more_forbids, rank)
    assert problem.narrows(earlier.lock_pair, earlier.forbidden)
    assert problem.allows(result.pair_of_student)

    weight = integer_weight(table.score).astype(float)
    stages = [(rank > 0).astype(float), weight] if objective == "count-interest-score" else [weight]
    expected = reference(table, more_locks, more_forbids, stages=stages)
    chosen = result.pair_of_student[result.pair_of_student >= 0]
    assert chosen.size == expected.placed
    if objective == "count-interest-score":
        assert int((rank[chosen] > 0).sum()) == int((rank[expected.chosen] > 0).sum())
    assert int(integer_weight(table.score)[chosen].sum()) == expected.weight


@FAST
@given(table=pair_tables(), data=st.data())
def test_a_problem_that_drops_a_decision_does_not_narrow(table, data) -> None:  # type: ignore[no-untyped-def]
    locks, forbids = decisions(data, table)
    assume(locks or forbids)
    try:
        earlier = PlacementProblem.build(
            table,
            [(str(table.student_ids[s]), str(table.company_ids[c])) for s, c in locks],
            [(str(table.student_ids[s]), str(table.company_ids[c])) for s, c in forbids],
        )
    except InputError:
        assume(False)
    rank = np.zeros(table.n_pairs, dtype=np.int8)
    assert build(table, locks, forbids, rank).narrows(earlier.lock_pair, earlier.forbidden)
    dropped = data.draw(st.integers(0, len(locks) + len(forbids) - 1))
    fewer_locks = [d for n, d in enumerate(locks) if n != dropped]
    fewer_forbids = [d for n, d in enumerate(forbids) if n != dropped - len(locks)]
    wider = build(table, fewer_locks, fewer_forbids, rank)
    assert not wider.narrows(earlier.lock_pair, earlier.forbidden)


def test_a_plan_that_breaks_a_decision_is_not_allowed() -> None:
    # Two students, two companies, every pair eligible: pair k is (k // 2, k % 2).
    table = make_table(
        2, 2, [0, 0, 1, 1], [0, 1, 0, 1], [50.0, 60.0, 70.0, 80.0], [1, 1, 1, 1], [1, 1], [2, 2]
    )
    problem = PlacementProblem.build(table)
    unplaced = np.full(2, -1, dtype=np.int64)
    first_at_second = np.array([1, -1])  # student S001 at company C002
    assert problem.allows(unplaced) and problem.allows(first_at_second)
    assert not problem.allows(np.array([2, -1]))  # pair 2 is the other student's
    assert not problem.allows(np.array([1, -1, -1]))  # not one entry per student
    assert not problem.allows(np.array([-2, -1]))
    assert not problem.allows(np.array([4, -1]))  # no such pair

    forbidding = PlacementProblem.build(table, forbids=[("S001", "C002")])
    assert not forbidding.allows(first_at_second)
    assert forbidding.narrows(problem.lock_pair, problem.forbidden)
    assert not problem.narrows(forbidding.lock_pair, forbidding.forbidden)

    locking = PlacementProblem.build(table, locks=[("S001", "C002")])
    assert locking.allows(first_at_second)
    assert not locking.allows(unplaced) and not locking.allows(np.array([0, -1]))
    assert locking.narrows(problem.lock_pair, problem.forbidden)
    other_lock = PlacementProblem.build(table, locks=[("S001", "C001")])
    assert not other_lock.narrows(locking.lock_pair, locking.forbidden)
    assert not locking.narrows(np.full(3, -1), problem.forbidden)  # another table's decisions


@pytest.mark.parametrize("objective", SUMMED_OBJECTIVES)
def test_a_plan_cut_short_is_never_worse_than_a_plan_known_before(objective: str) -> None:
    table = random_table(np.random.default_rng(5), 30, 12, density=0.3)
    rank = np.random.default_rng(6).integers(0, 4, table.n_pairs).astype(np.int8)
    problem = PlacementProblem.build(table, interest_rank=rank)
    best = solve_placement(problem, SolveParams(objective=objective, time_limit_seconds=30))
    assert best.status == "OPTIMAL" and best.placed > 0
    fewer = best.pair_of_student.copy()
    fewer[np.flatnonzero(fewer >= 0)[0]] = -1
    cut_short = dataclasses.replace(best, pair_of_student=fewer, status="FEASIBLE")
    assert cut_short.summed_value() < best.summed_value()

    assert cut_short.at_least(fewer) is cut_short  # not worth more: kept as it is
    kept = cut_short.at_least(best.pair_of_student)  # worth more, and meets the bounds: proven
    assert kept.status == "OPTIMAL" and np.array_equal(kept.pair_of_student, best.pair_of_student)
    assert (kept.placed_bound, kept.interest_bound, kept.score_bound) == (
        best.placed_bound,
        best.interest_bound,
        best.score_bound,
    )
    looser = dataclasses.replace(
        cut_short, placed_bound=best.placed + 1, score_bound=None, interest_bound=None
    )
    kept = looser.at_least(best.pair_of_student)  # worth more, bounds not met: still cut short
    assert kept.status == "FEASIBLE" and kept.placed == best.placed and kept.placed_bound == best.placed + 1
