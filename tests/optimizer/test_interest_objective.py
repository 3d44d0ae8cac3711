"""count-interest-score: most placed, then most within their interests, then the highest score, proven.

Checked against an independent lexicographic MILP (tests/optimizer/util.reference) on small random
instances, tight mentor limits included, with locks and forbids.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from features.errors import InputError
from optimizer import PlacementProblem, SolveParams, solve_placement
from optimizer.replan import replan
from tests.optimizer.test_solve import decisions
from tests.optimizer.util import assert_feasible, integer_weight, pair_tables, random_table, reference

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
INTEREST = SolveParams(objective="count-interest-score", time_limit_seconds=30)


def build(table, locks, forbids, rank) -> PlacementProblem:  # type: ignore[no-untyped-def]
    as_ids = lambda pairs: [(str(table.student_ids[s]), str(table.company_ids[c])) for s, c in pairs]  # noqa: E731
    return PlacementProblem.build(table, as_ids(locks), as_ids(forbids), interest_rank=rank)


def interest_ranks(data: st.DataObject, table) -> np.ndarray:  # type: ignore[no-untyped-def]
    """A random interest rank per pair (0: outside the student's interests)."""
    return np.array(
        data.draw(st.lists(st.integers(0, 3), min_size=table.n_pairs, max_size=table.n_pairs)), dtype=np.int8
    )


def random_problem(data: st.DataObject, table):  # type: ignore[no-untyped-def]
    """A random problem on ``table``: ``(problem, rank, locks, forbids)``; conflicting decisions are
    rejected (``assume``)."""
    rank = interest_ranks(data, table)
    locks, forbids = decisions(data, table)
    try:
        problem = build(table, locks, forbids, rank)
    except InputError:
        assume(False)
    return problem, rank, locks, forbids


@FAST
@given(table=pair_tables(), data=st.data())
def test_same_count_interest_and_score_as_an_independent_milp(table, data) -> None:  # type: ignore[no-untyped-def]
    problem, rank, locks, forbids = random_problem(data, table)
    result = solve_placement(problem, INTEREST)
    in_interest = (rank > 0).astype(float)
    expected = reference(
        table, locks, forbids, stages=[in_interest, integer_weight(table.score).astype(float)]
    )
    assert result.status == "OPTIMAL"
    assert result.placed == expected.placed
    assert result.in_interest == int(in_interest[expected.chosen].sum())
    assert round(result.objective_score * 100) == expected.weight
    assert result.interest_bound == result.in_interest and result.placed_bound == result.placed
    assert result.score_bound == pytest.approx(result.objective_score)
    assert_feasible(table, result.pair_of_student, locks, forbids)


@pytest.mark.parametrize("seed", range(6))
def test_tight_mentor_limits_are_proven_for_the_interest_objective(seed: int) -> None:
    rng = np.random.default_rng(seed)
    table = random_table(rng, 60, 25, density=0.25)
    rank = rng.integers(0, 4, table.n_pairs).astype(np.int8)
    result = solve_placement(PlacementProblem.build(table, interest_rank=rank), INTEREST)
    expected = reference(table, stages=[(rank > 0).astype(float), integer_weight(table.score).astype(float)])
    assert result.status == "OPTIMAL"
    assert (result.placed, result.in_interest, round(result.objective_score * 100)) == (
        expected.placed,
        int((rank > 0)[expected.chosen].sum()),
        expected.weight,
    )
    assert_feasible(table, result.pair_of_student)


@pytest.mark.parametrize("seed", range(4))
def test_interests_first_never_places_fewer_or_fewer_within_interests(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    table = random_table(rng, 40, 15, density=0.3)
    rank = rng.integers(0, 3, table.n_pairs).astype(np.int8)
    problem = PlacementProblem.build(table, interest_rank=rank)
    plain = solve_placement(problem, SolveParams(time_limit_seconds=30))
    first = solve_placement(problem, INTEREST)
    assert first.placed == plain.placed
    assert first.in_interest >= plain.in_interest
    assert first.total_score <= plain.total_score + 1e-6


def test_replanning_with_interests_first_keeps_the_count_and_is_feasible() -> None:
    rng = np.random.default_rng(7)
    table = random_table(rng, 40, 15, density=0.3)
    rank = rng.integers(0, 3, table.n_pairs).astype(np.int8)
    problem = PlacementProblem.build(table, interest_rank=rank)
    first = solve_placement(problem, INTEREST)
    previous = {a.student_id: a.company_id for a in first.assignments()}
    again = replan(problem, previous, INTEREST)
    assert again.result.placed == first.placed and again.moves == ()
    assert_feasible(table, again.result.pair_of_student)


def test_interest_rank_must_match_the_pairs() -> None:
    table = random_table(np.random.default_rng(1), 5, 3, density=0.5)
    with pytest.raises(InputError, match="one entry per pair"):
        PlacementProblem.build(table, interest_rank=np.zeros(table.n_pairs + 1, dtype=np.int8))


@pytest.mark.parametrize("locked", [False, True])
def test_a_bound_at_the_tiers_cap_leaves_the_score_open(locked: bool) -> None:
    """Cut short with the number within interests proven and the weight bounded only by the tier's cap
    (``interest_base - 1``: below the next tier, every student's best weight added up), the result
    says the score is open rather than a bound far above any plan; a bound below the cap is kept."""
    from optimizer.plan_value import ExactSolution, Lex, value_of
    from optimizer.solve import result_from
    from placement_service.plan_status import bound_da

    rng = np.random.default_rng(3)
    table = random_table(rng, 30, 12, density=0.3)
    rank = rng.integers(0, 3, table.n_pairs).astype(np.int8)
    locks = [(int(table.student[0]), int(table.company[0]))] if locked else []  # a lock's weight is added
    problem = build(table, locks, [], rank)
    tiered, base = problem.interest_tier(problem.weight)
    inst, index = problem.free_instance(tiered)
    plan = solve_placement(problem, INTEREST)
    assert plan.status == "OPTIMAL"
    table_pair = index.gather(np.arange(table.n_pairs))  # each free pair's table pair
    chosen = plan.pair_of_student[table.student[table_pair]] == table_pair
    value = value_of(inst, chosen)
    free_interest = int(value.weight) // base
    at_cap = ExactSolution(chosen, value, Lex(value.placed, (free_interest + 1) * base - 1))
    result = result_from(
        problem, index, at_cap, "count-interest-score", 0.0, proven=False, interest_base=base
    )
    assert result.interest_bound == plan.in_interest and result.score_bound is None
    assert bound_da(result.summary()).endswith("den samlede score er ikke afgjort.")
    below = ExactSolution(chosen, value, Lex(value.placed, free_interest * base + base - 2))
    result = result_from(problem, index, below, "count-interest-score", 0.0, proven=False, interest_base=base)
    locked_weight = int(problem.weight[problem.lock_pair[problem.lock_pair >= 0]].sum())
    assert result.score_bound == pytest.approx((base - 2 + locked_weight) / 100)


@pytest.mark.parametrize("density", [0.0, 0.3])
def test_a_plan_that_reaches_the_tiers_cap_keeps_its_score_bound(density: float) -> None:
    """Where the plan's own weight reaches ``interest_base - 1`` (no pairs at all: every weight 0), the
    bound there is the plan's and exact: the score is proven, not open (a clean-clone CI run found
    ``None`` on a network of one student and no pairs)."""
    rng = np.random.default_rng(5)
    table = random_table(rng, 4, 3, density=density)
    rank = np.ones(table.n_pairs, dtype=np.int8)
    result = solve_placement(PlacementProblem.build(table, interest_rank=rank), INTEREST)
    assert result.status == "OPTIMAL"
    assert result.score_bound == pytest.approx(result.objective_score)
