"""Paths of the exact solver that the end-to-end tests do not reach on their own.

Each test drives one branch of ``optimizer.exact``, ``optimizer.flow`` or
``optimizer.decompose`` directly and checks what must hold there: a feasible plan,
a valid bound, the same optimum as an independent MILP when proven.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from time import perf_counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import optimizer.decompose
import optimizer.exact
import optimizer.knapsack_proof
import optimizer.lagrange
import optimizer.load_limits
from features.loading import network_from_tables
from features.synthetic import generate
from matching.context import scoring_context
from matching.pair_table import PairTable
from matching.pairs import pair_table
from optimizer import PlacementProblem, SolveParams, solve_placement
from optimizer.decompose import Certificate, prove_optimal
from optimizer.exact import _usable, solve_exact
from optimizer.flow import PricedFlow, rank_per_student, solve_transport
from optimizer.instance import Instance
from optimizer.load_limits import restrict_and_reflow
from optimizer.pace import Pace
from optimizer.plan_value import ExactSolution
from tests.optimizer.util import (
    integer_weight,
    make_table,
    pair_tables,
    random_table,
    reference,
    without_knapsacks,
)


def test_a_relaxation_cut_short_on_a_small_network_is_repaired_into_a_feasible_plan() -> None:
    # Twelve students who all prefer the same companies, one place each: the first active set
    # (each student's eight best pairs) reaches eight companies only, so at time limit 0 the
    # relaxation is not certified and its flow is repaired (within the active pairs).
    n = 12
    student = [i for i in range(n) for _ in range(n)]
    company = [j for _ in range(n) for j in range(n)]
    score = [90.0 - 5 * j + 0.1 * i for i in range(n) for j in range(n)]
    table = make_table(n, n, student, company, score, [1] * n * n, [1] * n, [1] * n)
    inst, _ = PlacementProblem.build(table).free_instance()
    solution = solve_exact(inst, time_limit=0)
    expected = reference(table)
    assert inst.is_feasible(solution.chosen)
    assert not solution.optimal
    assert solution.value.placed <= expected.placed == n
    assert (expected.placed, expected.weight) <= (solution.bound.placed, solution.bound.weight)


def test_the_priced_flow_adds_at_most_add_per_round_pairs_and_still_ends_optimal() -> None:
    table = random_table(np.random.default_rng(3), 40, 15, density=0.5)
    inst, _ = PlacementProblem.build(table).free_instance()
    lex_weight = inst.big_m() + inst.weight
    oracle = PricedFlow(
        inst.n_students,
        inst.n_companies,
        inst.student,
        inst.company,
        inst.capacity,
        rank_per_student(inst.student, inst.weight) < 1,
    )
    oracle.add_per_round = 3  # far fewer than the pairs missing after the first round
    flow = oracle.solve(lex_weight, optional=False)
    best = solve_transport(
        inst.n_students, inst.n_companies, inst.student, inst.company, lex_weight, inst.capacity
    )
    assert flow.optimal
    assert flow.bound == int(lex_weight[flow.chosen].sum()) == int(lex_weight[best].sum())
    assert oracle.solves > 2


def test_a_flow_over_no_pairs_chooses_nothing() -> None:
    none = np.zeros(0, dtype=np.int64)
    chosen = solve_transport(2, 1, none, none, none, np.array([1]))
    assert chosen.shape == (0,) and chosen.dtype == bool


def test_a_company_priced_out_of_the_flow_still_belongs_to_a_component() -> None:
    """The proof's lonely-node step: without it this plan would be 'proven' at a loss of 20.

    One student; company A (load 1, mentor capacity 1, weight 10) and company B (load 0,
    weight 5). A mentor price of 20 at A makes B the flow's choice (reduced cost 0) and
    leaves A with a share of the bound (20) but no pair of reduced cost 0.
    """
    big_m = 100
    inst = Instance.of(
        1,
        2,
        np.array([0, 0]),
        np.array([0, 1]),
        np.array([10, 5]),
        np.array([1, 0]),
        np.array([1, 1]),
        np.array([1, 0]),
    )
    lex_weight = big_m + inst.weight
    student_price = np.array([big_m + 5])
    company_price = np.zeros(2, dtype=np.int64)
    mentor_price = np.array([20, 0])
    reduced = (
        student_price[inst.student] + company_price[inst.company] + mentor_price[inst.company] * inst.load
    )
    reduced = reduced - lex_weight
    assert reduced.tolist() == [15, 0]
    upper_total = int(student_price.sum() + (inst.mentor_capacity * mentor_price).sum())
    certificate = Certificate(lex_weight, student_price, company_price, mentor_price, reduced, upper_total)
    plan = np.array([False, True])
    result = prove_optimal(inst, certificate, plan, np.array([True, False]), math.inf)
    assert result.plan.tolist() == [True, False]  # the student goes to A, worth 10, not B
    assert result.loss == result.least_loss == 15


@pytest.mark.parametrize("seed", [0, 4])
def test_a_proof_cut_short_at_any_point_keeps_a_feasible_plan_and_a_valid_bound(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The proof's clock runs out after its ``cut``-th look, for every ``cut`` until it finishes.

    The companies' knapsacks are left out: they prove these networks before the decomposition starts."""
    without_knapsacks(monkeypatch)
    table = random_table(np.random.default_rng(seed), 60, 25, density=0.25)
    inst, _ = PlacementProblem.build(table).free_instance()
    expected = reference(table)
    looks = 0
    cut = 0

    def clock() -> float:  # before the cut: long before any deadline; after it: long past it
        nonlocal looks
        looks += 1
        return 0.0 if looks <= cut else 1e12

    monkeypatch.setattr(optimizer.decompose, "perf_counter", clock)
    proofs = 0
    while True:
        looks = 0
        solution = solve_exact(inst, time_limit=60)
        proofs += solution.stats.get("core_rounds", 0) > 0
        assert inst.is_feasible(solution.chosen)
        assert (solution.value.placed, solution.value.weight) <= (expected.placed, expected.weight)
        assert (expected.placed, expected.weight) <= (solution.bound.placed, solution.bound.weight)
        if looks <= cut:  # the proof finished before its clock ran out
            assert solution.optimal
            break
        cut += 1
    assert proofs > 1 and cut > 3


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(20, 70), st.integers(8, 30))
def test_merged_components_leave_out_only_pairs_that_cannot_help(
    seed: int, n_students: int, n_companies: int
) -> None:
    """Over the proof's rounds components merge, and a merged component leaves out every pair whose
    cost plus the least losses proven for its other parts reaches its loss: the plan proven
    optimal is still the MILP's optimum."""
    table = random_table(np.random.default_rng(seed), n_students, n_companies, density=0.25)
    inst, _ = PlacementProblem.build(table).free_instance()
    expected = reference(table)
    with pytest.MonkeyPatch.context() as patch:
        without_knapsacks(patch)
        solution = solve_exact(inst)
    assert inst.is_feasible(solution.chosen)
    assert solution.optimal
    assert (solution.value.placed, solution.value.weight) == (expected.placed, expected.weight)


@pytest.mark.parametrize("seed", [0, 3, 7])
def test_restrict_and_reflow_on_each_students_best_pairs_still_ends_at_the_optimum(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above ``REFLOW_EVERY_PAIR_MAX`` pairs the plan is reflowed on the active pairs and each
    student's best few only: the proof still closes at the MILP's optimum."""
    monkeypatch.setattr(optimizer.exact, "REFLOW_EVERY_PAIR_MAX", 0)
    monkeypatch.setattr(optimizer.exact, "REFLOW_PAIRS_PER_STUDENT", 2)
    assert len(list(_solved_like_the_milp(range(seed, seed + 1)))) == 1  # checked as it is solved


def test_the_proof_takes_several_rounds_on_random_tight_networks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The networks of the test above reach merged components (more than one round of the proof)."""
    without_knapsacks(monkeypatch)
    rounds = []
    for seed in range(12):
        table = random_table(np.random.default_rng(seed), 60, 25, density=0.25)
        inst, _ = PlacementProblem.build(table).free_instance()
        rounds.append(solve_exact(inst).stats.get("core_rounds", 0))
    assert max(rounds) >= 2


def test_a_component_that_waited_keeps_the_proof_from_closing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the fairness time-limit test: a component too large to build in the time left
    waits with a least loss of zero; when later rounds closed the others, the proof still
    claimed the plan optimal (189 placed where 190 can be).

    Without Lagrangian rounds and with room for about a thousand CP-SAT variables, the
    largest component (about 2,100) waits on this network whatever the machine's speed.
    """
    pairs = pair_table(scoring_context(network_from_tables(generate(200, 120, seed=61).tables)))
    inst, _ = PlacementProblem.build(pairs).free_instance()
    monkeypatch.setattr(optimizer.lagrange, "MAX_LAGRANGE_ROUNDS", 0)
    monkeypatch.setattr(optimizer.lagrange, "COUNT_ROUNDS", 0)
    monkeypatch.setattr(optimizer.decompose, "VARIABLES_PER_SECOND", 35)
    solution = solve_exact(inst, time_limit=30)
    expected = reference(pairs)
    assert inst.is_feasible(solution.chosen)
    assert (solution.value.placed, solution.value.weight) <= (expected.placed, expected.weight)
    assert (expected.placed, expected.weight) <= (solution.bound.placed, solution.bound.weight)
    if solution.optimal:
        assert (solution.value.placed, solution.value.weight) == (expected.placed, expected.weight)


def test_restrict_and_reflow_out_of_time_starts_no_flow_and_still_returns_a_feasible_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = random_table(np.random.default_rng(5), 60, 25, density=0.25)
    inst, _ = PlacementProblem.build(table).free_instance()
    lex_weight = inst.big_m() + inst.weight
    relaxed = solve_transport(
        inst.n_students, inst.n_companies, inst.student, inst.company, lex_weight, inst.capacity
    )
    assert not inst.is_feasible(relaxed)  # mentor limits bind: the relaxation breaks some of them
    pool = np.ones(inst.n_pairs, dtype=bool)
    flows = optimizer.load_limits.solve_transport
    calls = 0

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return flows(*args, **kwargs)

    monkeypatch.setattr(optimizer.load_limits, "solve_transport", counted)
    plan = restrict_and_reflow(inst, relaxed, pool, lex_weight, math.inf, Pace(perf_counter() - 1.0))
    assert calls == 0
    assert inst.is_feasible(plan)
    assert plan.sum() > 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(20, 70), st.integers(8, 30))
def test_a_component_keeps_only_each_students_best_escape_and_the_proof_still_ends_at_the_optimum(
    seed: int, n_students: int, n_companies: int
) -> None:
    """An escape from a student of a component to a company outside it is in no constraint of the
    component's model but the student's "at most one", so each student keeps only its best one:
    every model holds at most one such escape per student, and the plan proven optimal is still
    the MILP's optimum."""
    table = random_table(np.random.default_rng(seed), n_students, n_companies, density=0.25)
    inst, _ = PlacementProblem.build(table).free_instance()
    parts: list[tuple[Instance, optimizer.decompose._Part]] = []  # the proof's instance: the usable pairs
    original = optimizer.decompose._part

    def recorded(usable, *args, **kwargs):  # type: ignore[no-untyped-def]
        part = original(usable, *args, **kwargs)
        parts.append((usable, part))
        return part

    with pytest.MonkeyPatch.context() as patch:
        without_knapsacks(patch)
        patch.setattr(optimizer.decompose, "_part", recorded)
        solution = solve_exact(inst)
    expected = reference(table)
    for usable, part in parts:
        outward = ~part.internal & np.isin(usable.student[part.pairs], part.students)
        students = usable.student[part.pairs[outward]]
        assert np.unique(students).size == students.size
    assert inst.is_feasible(solution.chosen)
    assert solution.optimal
    assert (solution.value.placed, solution.value.weight) == (expected.placed, expected.weight)


def test_components_on_random_tight_networks_have_students_with_several_escapes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The networks of the test above reach the case it is about: a student of a component with
    more than one useful escape out of it (all but the best are left out)."""
    left_out = 0
    original = optimizer.decompose._dominated_escapes

    def counted(student: np.ndarray, kept2: np.ndarray) -> np.ndarray:
        nonlocal left_out
        dominated = original(student, kept2)
        left_out += dominated.size
        return dominated

    without_knapsacks(monkeypatch)
    monkeypatch.setattr(optimizer.decompose, "_dominated_escapes", counted)
    for seed in range(6):
        table = random_table(np.random.default_rng(seed), 60, 25, density=0.25)
        inst, _ = PlacementProblem.build(table).free_instance()
        solve_exact(inst)
    assert left_out > 0


def test_the_count_rounds_are_left_out_when_restrict_and_reflow_already_places_as_many_as_the_bound() -> None:
    """The Lagrangian rounds with prices up to a placement's worth only try to lower the bound on the
    number placed: when restrict-and-reflow's plan places as many as the relaxation, they are left
    out, and the proof still ends at the MILP's optimum."""
    closed = 0
    for inst, solution in _solved_like_the_milp(range(12)):
        relaxed = solve_transport(
            inst.n_students, inst.n_companies, inst.student, inst.company, inst.weight, inst.capacity
        )  # the most placed without mentor limits: the bound's count before any round
        if solution.stats.get("reflow_placed", -1) == int(relaxed.sum()):
            closed += 1
            assert solution.stats["lagrange_rounds"] <= optimizer.lagrange.MAX_LAGRANGE_ROUNDS
    assert closed > 0


@settings(max_examples=100, deadline=None)
@given(pair_tables(max_students=8, max_companies=5))
def test_usable_pairs_equal_the_direct_test_with_or_without_the_per_company_shortcut(
    table: PairTable,
) -> None:
    """A pair is usable when its load fits its company's mentor capacity at a company with places; when
    every company's heaviest pair fits, the mask comes from the load counts without a pass."""
    inst, _ = PlacementProblem.build(table).free_instance()
    direct = (inst.load <= inst.mentor_capacity[inst.company]) & (inst.capacity[inst.company] > 0)
    np.testing.assert_array_equal(_usable(inst), direct)
    assert inst.mentor_can_bind().shape == (inst.n_companies,)


def test_a_decomposition_grown_too_large_hands_the_score_to_the_knapsacks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above ``KNAPSACK_MAX_PAIRS`` (here every network) a proof by decomposition whose models would
    grow past ``DECOMPOSE_MAX_VARIABLES`` (here any) hands the score over to the companies' knapsacks
    at the proven count: the plan is still the MILP's optimum, proven."""
    monkeypatch.setattr(optimizer.exact, "KNAPSACK_MAX_PAIRS", 0)
    monkeypatch.setattr(optimizer.exact, "DECOMPOSE_MAX_VARIABLES", 0)
    handed_over = sum(
        "handover_seconds" in solution.stats for _, solution in _solved_like_the_milp(range(12))
    )
    assert handed_over >= 3


def test_a_decomposition_whose_first_round_is_too_large_hands_over_before_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where the proof's first models would already have more than ``DECOMPOSE_FIRST_MAX_VARIABLES``
    (here any), the score goes to the companies' knapsacks before any CP-SAT model is solved (the
    later rounds' limit, ``DECOMPOSE_MAX_VARIABLES``, left as it is): still the MILP's optimum, proven."""
    monkeypatch.setattr(optimizer.exact, "KNAPSACK_MAX_PAIRS", 0)
    monkeypatch.setattr(optimizer.exact, "DECOMPOSE_FIRST_MAX_VARIABLES", 0)
    handed_over = [
        solution.stats
        for _, solution in _solved_like_the_milp(range(12))
        if "handover_seconds" in solution.stats
    ]
    assert len(handed_over) >= 3
    assert all(stats["cpsat_models"] == 0 and stats["core_rounds"] == 1 for stats in handed_over)


@pytest.mark.parametrize("inching_rounds", [1, None])
def test_a_decomposition_whose_one_model_inches_hands_over_after_its_rounds(
    monkeypatch: pytest.MonkeyPatch, inching_rounds: int | None
) -> None:
    """With the size limits out of reach, only rounds of one model growing by under
    ``INCHING_GROWTH`` (here any one model after a round) hand the score to the knapsacks, after
    ``DECOMPOSE_INCHING_ROUNDS`` of them; without that limit none does. The plan is still the MILP's
    optimum, proven."""
    monkeypatch.setattr(optimizer.exact, "KNAPSACK_MAX_PAIRS", 0)
    monkeypatch.setattr(optimizer.exact, "DECOMPOSE_FIRST_MAX_VARIABLES", 10**9)
    monkeypatch.setattr(optimizer.exact, "DECOMPOSE_MAX_VARIABLES", 10**9)
    monkeypatch.setattr(optimizer.exact, "DECOMPOSE_INCHING_ROUNDS", inching_rounds)
    monkeypatch.setattr(optimizer.decompose, "INCHING_GROWTH", 10.0**9)
    handed_over = [
        solution.stats
        for _, solution in _solved_like_the_milp(range(16))
        if "handover_seconds" in solution.stats
    ]
    if inching_rounds is None:
        assert handed_over == []
    else:
        assert len(handed_over) >= 2
        # The first round is never one that inched; the round it stopped before was not solved.
        assert all(stats["core_rounds"] >= 2 for stats in handed_over)


@pytest.mark.parametrize("plain_at_once", [True, False])
def test_each_objective_takes_the_knapsacks_at_once_up_to_its_own_pair_limit(
    monkeypatch: pytest.MonkeyPatch, plain_at_once: bool
) -> None:
    """With the count the relaxation's, the knapsacks take the score at once up to ``KNAPSACK_MAX_PAIRS``
    on plain weights and ``KNAPSACK_MAX_PAIRS_TIERED`` under interests first; above, the Lagrangian
    rounds and the decomposition do. One limit set to any size and the other to none, the same networks
    take the two paths, and every plan is the MILP's optimum, proven."""
    monkeypatch.setattr(optimizer.exact, "KNAPSACK_MAX_PAIRS", 10**9 if plain_at_once else 0)
    monkeypatch.setattr(optimizer.exact, "KNAPSACK_MAX_PAIRS_TIERED", 0 if plain_at_once else 10**9)
    by_relaxation = 0
    for seed in range(8):
        rng = np.random.default_rng(seed)
        table = random_table(rng, 60, 25, density=0.25)
        rank = rng.integers(0, 4, table.n_pairs).astype(np.int8)
        problem = PlacementProblem.build(table, interest_rank=rank)
        in_interest = (rank > 0).astype(float)
        for objective, stages in (
            ("count-then-score", None),
            ("count-interest-score", [in_interest, integer_weight(table.score).astype(float)]),
        ):
            result = solve_placement(problem, SolveParams(objective=objective, time_limit_seconds=30))
            expected = reference(table, stages=stages)
            assert result.status == "OPTIMAL"
            assert (result.placed, round(result.objective_score * 100)) == (expected.placed, expected.weight)
            if "count_lp_seconds" in result.stats:  # the count took the LPs: the knapsacks at any size
                continue
            at_once = plain_at_once == (objective == "count-then-score")
            # Not at once, the knapsacks run only when the decomposition hands the score over to them.
            handed_over = "handover_seconds" in result.stats
            assert ("knapsack_seconds" in result.stats and not handed_over) == at_once
            assert ("lagrange_seconds" in result.stats) == (not at_once)
            by_relaxation += 1
    assert by_relaxation >= 8


def _solved_like_the_milp(seeds: range) -> Iterator[tuple[Instance, ExactSolution]]:
    """Random tight 60 x 25 networks, each solved and checked: feasible, proven, the MILP's optimum."""
    for seed in seeds:
        table = random_table(np.random.default_rng(seed), 60, 25, density=0.25)
        inst, _ = PlacementProblem.build(table).free_instance()
        solution = solve_exact(inst)
        expected = reference(table)
        assert inst.is_feasible(solution.chosen) and solution.optimal
        assert (solution.value.placed, solution.value.weight) == (expected.placed, expected.weight)
        yield inst, solution
