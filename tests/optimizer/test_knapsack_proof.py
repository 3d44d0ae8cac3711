"""The companies' knapsacks (``optimizer.company_knapsacks``) and the proof at the count built on them.

Each company's best under any profits is checked against every subset of its pairs, and each pair's
forced loss against every subset holding it. ``improve_and_prove`` is started from the *lightest*
plan placing the most (a MILP's), so it must find the heaviest, and is checked against a MILP on
the whole model: its bound always holds, and given time it proves the optimum.
"""

from __future__ import annotations

import itertools
import math
from collections import deque

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

import optimizer.knapsack_proof
from optimizer.company_knapsacks import (
    Configurations,
    best_placement_price,
    company_best,
    configurations,
    forced_loss,
    with_placement_price,
)
from optimizer.count_vectors import whole_bound
from optimizer.exact import _usable
from optimizer.instance import Instance
from optimizer.knapsack_proof import (
    HeavierPlans,
    Shortfalls,
    _best_within,
    _heaviest_on_core,
    _one_tier,
    _sharpened,
    _tier_cap,
    improve_and_prove,
    shortfalls,
)
from tests.optimizer.test_level_search import _usable_instance
from tests.optimizer.test_tier_first import _drawn_tier
from tests.optimizer.test_tight_properties import tight_tables
from tests.optimizer.util import make_table, random_table

PROPERTIES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _subsets(inst: Instance, company: int) -> list[tuple[int, ...]]:
    """Every set of the company's pairs within its capacity and mentor hours (the empty set too)."""
    pairs = np.flatnonzero(inst.company == company).tolist()
    fitting = []
    for size in range(int(inst.capacity[company]) + 1):
        for subset in itertools.combinations(pairs, size):
            if sum(int(inst.load[k]) for k in subset) <= int(inst.mentor_capacity[company]):
                fitting.append(subset)
    return fitting


def _profits(inst: Instance, data: st.DataObject) -> np.ndarray:
    values = data.draw(st.lists(st.integers(-30, 100), min_size=inst.n_pairs, max_size=inst.n_pairs))
    return np.array(values, dtype=np.int64)


@st.composite
def crowded_tables(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    """One or two companies with many candidates of the same few loads: ranks well past the capacity."""
    n_students = draw(st.integers(3, 8))
    n_companies = draw(st.integers(1, 2))
    cells = [(i, j) for i in range(n_students) for j in range(n_companies)]
    k = len(cells)
    score = draw(st.lists(st.integers(0, 20).map(lambda v: 5.0 * v), min_size=k, max_size=k))
    load = draw(st.lists(st.sampled_from([1, 2]), min_size=k, max_size=k))
    capacity = draw(st.lists(st.integers(2, 4), min_size=n_companies, max_size=n_companies))
    mentor = [draw(st.integers(2, 2 * c)) for c in capacity]
    return make_table(
        n_students, n_companies, [c[0] for c in cells], [c[1] for c in cells], score, load, capacity, mentor
    )


def _companies_best(table, data):  # type: ignore[no-untyped-def]
    """The usable instance, its count vectors, drawn profits and each company's best under them."""
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    configs = configurations(inst)
    assert configs is not None
    profit = _profits(inst, data)
    return (
        inst,
        configs,
        profit,
        company_best(inst, configs, profit, np.zeros(inst.n_students, dtype=np.int64)),
    )


@PROPERTIES
@given(table=st.one_of(tight_tables(max_students=7, max_companies=3), crowded_tables()), data=st.data())
def test_each_company_takes_its_most_profitable_fitting_students(table, data) -> None:  # type: ignore[no-untyped-def]
    inst, _, profit, found = _companies_best(table, data)
    for company in range(inst.n_companies):
        best = max(sum(int(profit[k]) for k in subset) for subset in _subsets(inst, company))
        assert found.best[company] == best
        mine = found.chosen & (inst.company == company)
        assert int(profit[mine].sum()) == best
        assert mine.sum() <= inst.capacity[company]
        assert int(inst.load[mine].sum()) <= inst.mentor_capacity[company]
    assert found.total == int(found.best.sum())


@PROPERTIES
@given(table=st.one_of(tight_tables(max_students=7, max_companies=3), crowded_tables()), data=st.data())
def test_forced_loss_is_what_taking_the_pair_costs_its_company(table, data) -> None:  # type: ignore[no-untyped-def]
    inst, configs, profit, found = _companies_best(table, data)
    loss = forced_loss(inst, configs, found, profit)
    for k in range(inst.n_pairs):
        company = int(inst.company[k])
        with_k = [subset for subset in _subsets(inst, company) if k in subset]
        assert with_k  # the usable subset: every pair fits its company alone
        best_with_k = max(sum(int(profit[m]) for m in subset) for subset in with_k)
        assert loss[k] == found.best[company] - best_with_k


@PROPERTIES
@given(table=st.one_of(tight_tables(max_students=7, max_companies=3), crowded_tables()), data=st.data())
def test_a_placement_price_added_later_is_the_same_as_one_in_the_profits(table, data) -> None:  # type: ignore[no-untyped-def]
    inst, configs, profit, found = _companies_best(table, data)
    price = data.draw(st.integers(-150, 150))
    shifted = with_placement_price(inst, configs, found, price)
    direct = company_best(inst, configs, profit + price, np.zeros(inst.n_students, dtype=np.int64))
    assert (shifted.best == direct.best).all() and shifted.total == direct.total
    for company in range(inst.n_companies):
        mine = shifted.chosen & (inst.company == company)
        assert int((profit + price)[mine].sum()) == shifted.best[company]
    assert (
        forced_loss(inst, configs, shifted, profit + price)
        == forced_loss(inst, configs, direct, profit + price)
    ).all()


@PROPERTIES
@given(table=st.one_of(tight_tables(max_students=7, max_companies=3), crowded_tables()), data=st.data())
def test_the_best_placement_price_gives_the_least_bound(table, data) -> None:  # type: ignore[no-untyped-def]
    """Against every whole price from below the point where no company takes anyone (profits are at
    least -30 and at most 100) to above the one where every pair gains."""
    inst, configs, _, found = _companies_best(table, data)
    # No more than the companies take together when every pair gains (else the bound falls forever).
    most = int(with_placement_price(inst, configs, found, 10**6).chosen.sum())
    placed = data.draw(st.integers(0, most))
    start = data.draw(st.integers(-200, 200))

    def bound(v: int) -> int:
        return with_placement_price(inst, configs, found, v).total - v * placed

    chosen = best_placement_price(configs, found, placed, start)
    assert bound(chosen) == min(bound(v) for v in range(-140, 530))


@PROPERTIES
@given(table=tight_tables(max_students=10, max_companies=4), data=st.data())
def test_the_count_vector_milp_finds_the_heaviest_plan(table, data) -> None:  # type: ignore[no-untyped-def]
    """On every pair, placing as many as the most, some students required: the same weight as a MILP
    on the capacity and mentor rows (or none, where that has none), its plan within every limit; the
    same with each company's count vector whole (``proving``, the last MILP)."""
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    configs = configurations(inst)
    assert configs is not None
    placed = int(_lex_milp(inst, heaviest=True).sum())
    must = np.array(data.draw(st.lists(st.booleans(), min_size=inst.n_students, max_size=inst.n_students)))
    expected = _lex_milp(inst, heaviest=True, must=must, placed=placed)
    anything = HeavierPlans(np.ones(inst.n_pairs, dtype=bool), must, configs.fits.copy())
    proving = data.draw(st.booleans())  # the last MILP's form: whole count vectors
    solved = _best_within(inst, configs, np.arange(inst.n_pairs), anything, placed, math.inf, proving)
    assert solved is not None
    plan, bound = solved
    if expected is None:
        assert plan is None
        return
    assert plan is not None and inst.is_feasible(plan) and int(plan.sum()) == placed
    assert int(inst.weight[plan].sum()) == bound == int(inst.weight[expected].sum())
    with_student = np.zeros(inst.n_students, dtype=bool)
    with_student[inst.student[plan]] = True
    assert with_student[must].all()


def _tiered(table, data):  # type: ignore[no-untyped-def]
    """The usable instance with weights tiered by a drawn interest tier, its count vectors and the tier."""
    _, tiered, base = _drawn_tier(table, data)
    inst = tiered.subset(_usable(tiered))
    assume(inst.n_pairs > 0)
    configs = configurations(inst)
    assert configs is not None
    return inst, configs, base


@PROPERTIES
@given(table=tight_tables(max_students=10, max_companies=4), data=st.data())
def test_the_milp_kept_to_one_tier_finds_the_heaviest_plan_with_that_many_in_it(table, data) -> None:  # type: ignore[no-untyped-def]
    """On tiered weights (interests first), the MILP kept to a number of pairs in the higher tier
    (``_best_within``'s ``tier``), placing as many as the most: at the optimum's number, the optimum's
    weight as plan and bound, tier included; above it, no plan; below it, a plan with exactly that
    many in the tier, lighter than the optimum, its weight the bound."""
    inst, configs, base = _tiered(table, data)
    heaviest = _lex_milp(inst, heaviest=True)
    placed, best = int(heaviest.sum()), int(inst.weight[heaviest].sum())
    count = data.draw(st.integers(0, placed + 1))
    anything = HeavierPlans(
        np.ones(inst.n_pairs, dtype=bool), np.zeros(inst.n_students, dtype=bool), configs.fits.copy()
    )
    proving = data.draw(st.booleans())
    solved = _best_within(
        inst, configs, np.arange(inst.n_pairs), anything, placed, math.inf, proving, (base, count)
    )
    assert solved is not None
    plan, bound = solved
    if count > best // base:
        assert plan is None and bound == -1
        return
    if count == best // base:
        assert plan is not None and int(inst.weight[plan].sum()) == bound == best
    if plan is None:
        assert bound == -1
        return
    assert inst.is_feasible(plan) and int(plan.sum()) == placed
    assert int(np.count_nonzero(inst.weight[plan] >= base)) == count
    assert int(inst.weight[plan].sum()) == bound <= best


@PROPERTIES
@given(table=tight_tables(max_students=10, max_companies=4), data=st.data())
def test_the_tier_cap_holds_for_every_plan_at_any_prices(table, data) -> None:  # type: ignore[no-untyped-def]
    """For any students' and placement prices, ``_tier_cap`` is the last weight of a tier, at or
    above the tiered optimum at the most placed: no plan has more within interests than it allows."""
    inst, configs, base = _tiered(table, data)
    heaviest = _lex_milp(inst, heaviest=True)
    price = np.array(
        data.draw(st.lists(st.integers(0, 2 * base), min_size=inst.n_students, max_size=inst.n_students))
    )
    placement_price = data.draw(st.integers(-base, 2 * base))
    cap = _tier_cap(inst, configs, base, price, placement_price, int(heaviest.sum()))
    assert (cap + 1) % base == 0
    assert cap >= int(inst.weight[heaviest].sum())


def test_one_tier_is_named_only_where_the_plan_and_the_bound_share_it() -> None:
    """A tier of 1,000: a plan of 3,400 and a bound of 3,999 share the tier (3 pairs in it); a bound of
    4,000 does not; nor does anything on plain weights."""
    assert _one_tier(1_000, 3_400, 3_999) == (1_000, 3)
    assert _one_tier(1_000, 3_400, 4_000) is None
    assert _one_tier(None, 3_400, 3_999) is None


def _lex_milp(inst: Instance, heaviest: bool, must: np.ndarray | None = None, placed: int | None = None):  # type: ignore[no-untyped-def]
    """A plan placing the most students (or ``placed``, with every ``must`` student), then of the
    largest (or smallest) total weight: HiGHS. None if there is no such plan."""
    n = inst.n_pairs
    columns = np.arange(n)
    rows = [
        csr_matrix((np.ones(n), (inst.student, columns)), shape=(inst.n_students, n)),
        csr_matrix((np.ones(n), (inst.company, columns)), shape=(inst.n_companies, n)),
        csr_matrix((inst.load.astype(float), (inst.company, columns)), shape=(inst.n_companies, n)),
    ]
    upper = [np.ones(inst.n_students), inst.capacity.astype(float), inst.mentor_capacity.astype(float)]
    lower = [np.zeros(inst.n_students) if must is None else must.astype(float), 0.0, 0.0]
    constraints = [
        LinearConstraint(row, low, high) for row, low, high in zip(rows, lower, upper, strict=True)
    ]
    if placed is None:
        first = milp(-np.ones(n), constraints=constraints, integrality=np.ones(n), bounds=Bounds(0, 1))
        placed = round(-first.fun)
    constraints.append(LinearConstraint(np.ones((1, n)), placed, placed))
    sign = -1.0 if heaviest else 1.0
    second = milp(
        sign * inst.weight.astype(float), constraints=constraints, integrality=np.ones(n), bounds=Bounds(0, 1)
    )
    if must is not None and second.status == 2:
        return None
    assert second.status == 0
    return np.asarray(second.x) > 0.5


@PROPERTIES
@given(
    table=tight_tables(max_students=10, max_companies=4),
    price_is_m=st.booleans(),
    rounds=st.sampled_from([1, 2, optimizer.knapsack_proof.MAX_ROUNDS]),
    sharpen=st.booleans(),
    core=st.booleans(),
    early=st.booleans(),
    grow=st.booleans(),
    tiered=st.booleans(),
    narrow=st.booleans(),
    data=st.data(),
)
def test_from_the_lightest_plan_it_finds_and_proves_the_heaviest(
    table, price_is_m, rounds, sharpen, core, early, grow, tiered, narrow, data
) -> None:  # type: ignore[no-untyped-def]
    """With one or two rounds the gap stays open and the MILPs on the pairs left must close it;
    ``sharpen``: the set master's prices (``set_master``) on however few pairs are left; ``core``:
    the MILP on the pairs chosen lately runs however many of the open pairs they are; ``early``: the
    rounds hand over to the master early (``EARLY_MASTER_PAIRS``) however few pairs there are;
    ``grow``: the master's boxes are a trust region (``GROW_MIN_PAIRS``); ``tiered``: the weights are
    tiered by a drawn interest tier as ``PlacementProblem.interest_tier`` tiers them, so that with
    ``grow`` the boxes grow only while a tier is open, the rounds hand over to the master after any
    round that ruled out fewer than 1 % of the pairs (``TIERED_CHECK_ROUNDS``), the bound is capped
    by the number within the tier (``_tier_cap``) and the MILPs keep to it where the plan and the
    bound share a tier (``_one_tier``); ``narrow``: a plan every round, each after the first on the
    pairs chosen lately and the best plan's only (``PLAN_PAIRS_PER_STUDENT`` 0)."""
    tier: int | None = None
    if tiered:
        inst, _, tier = _tiered(table, data)
    else:
        inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    binding = inst.mentor_can_bind()
    lightest = _lex_milp(inst, heaviest=False)
    heaviest = int(inst.weight[_lex_milp(inst, heaviest=True)].sum())
    placed = int(lightest.sum())
    placement_price = inst.big_m() if price_is_m else data.draw(st.integers(0, 3000))
    start = np.array(
        data.draw(st.lists(st.integers(0, 3000), min_size=inst.n_students, max_size=inst.n_students))
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(optimizer.knapsack_proof, "MAX_ROUNDS", rounds)
        if sharpen:
            patch.setattr(optimizer.knapsack_proof, "SHARPEN_MIN_PAIRS", 0)
        if core:
            patch.setattr(optimizer.knapsack_proof, "CORE_MIN_PAIRS", 0)
            patch.setattr(optimizer.knapsack_proof, "CORE_SHARE", 2.0)
        if early:
            patch.setattr(optimizer.knapsack_proof, "EARLY_MASTER_PAIRS", 0)
            patch.setattr(optimizer.knapsack_proof, "EARLY_MASTER_ROUNDS", 3)
        if grow:
            patch.setattr(optimizer.knapsack_proof, "GROW_MIN_PAIRS", 0)
        if narrow:
            patch.setattr(optimizer.knapsack_proof, "PLAN_PAIRS_PER_STUDENT", 0)
            patch.setattr(optimizer.knapsack_proof, "PLAN_EVERY", 1)
        patch.setattr(optimizer.knapsack_proof, "TIERED_CHECK_ROUNDS", 1)
        found = improve_and_prove(
            inst, binding, lightest, placed, placement_price, start, 10**12, math.inf, tier
        )
    assert found is not None
    assert inst.is_feasible(found.plan) and int(found.plan.sum()) == placed
    assert found.weight == int(inst.weight[found.plan].sum())
    assert found.weight_bound >= heaviest  # the bound holds for every plan placing that many
    assert found.proven and found.weight == heaviest


@PROPERTIES
@given(table=tight_tables(max_students=10, max_companies=4), data=st.data())
def test_with_too_many_pairs_open_for_a_last_milp_the_one_on_the_pairs_chosen_lately_gets_half_the_time(
    table, data
) -> None:  # type: ignore[no-untyped-def]
    """With every open pair too many for a last MILP (``MAX_PROOF_PAIRS`` 0), the MILP on the pairs
    chosen lately may use half the time left (``CORE_ALONE_SHARE``), not the rounds' time; whatever it
    finds, the plan places the most, and the bound holds for every plan."""
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    lightest = _lex_milp(inst, heaviest=False)
    heaviest = int(inst.weight[_lex_milp(inst, heaviest=True)].sum())
    placed = int(lightest.sum())
    start = np.array(
        data.draw(st.lists(st.integers(0, 3000), min_size=inst.n_students, max_size=inst.n_students))
    )
    limits: list[float] = []

    def best_within(*args):  # type: ignore[no-untyped-def]
        limits.append(args[5] - optimizer.knapsack_proof.perf_counter())
        return _best_within(*args)

    deadline = optimizer.knapsack_proof.perf_counter() + 1_000.0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(optimizer.knapsack_proof, "MAX_ROUNDS", 1)
        patch.setattr(optimizer.knapsack_proof, "MAX_PROOF_PAIRS", 0)
        patch.setattr(optimizer.knapsack_proof, "LARGE_PROOF_SECONDS_PER_PAIR", math.inf)  # never time enough
        patch.setattr(optimizer.knapsack_proof, "CORE_MIN_PAIRS", 0)
        patch.setattr(optimizer.knapsack_proof, "CORE_SHARE", 2.0)
        patch.setattr(optimizer.knapsack_proof, "_best_within", best_within)
        found = improve_and_prove(inst, inst.mentor_can_bind(), lightest, placed, 0, start, 10**12, deadline)
    assert found is not None
    assert inst.is_feasible(found.plan) and int(found.plan.sum()) == placed
    assert int(inst.weight[lightest].sum()) <= found.weight <= heaviest <= found.weight_bound
    assert found.proof_pairs == 0  # no last MILP
    if found.core_pairs:
        # Each look at a share of the gap within half of the ~1,000 s left, not the rounds' second.
        assert limits and all(limit > 400.0 for limit in limits)
    else:
        assert not limits


@PROPERTIES
@given(table=tight_tables(max_students=10, max_companies=4), data=st.data())
def test_below_the_bounds_tier_the_pairs_chosen_lately_are_searched_at_its_number_first(table, data) -> None:  # type: ignore[no-untyped-def]
    """On tiered weights, where the best plan lies tiers below the capped bound, the MILP on the pairs
    chosen lately keeps to the bound's number in the tier, then one fewer, down to the plan's, each on
    plain weights (``_tiers_down``), never on tiered ones: with a MILP on tiered weights never ending
    (as HiGHS on 1,700 x 900 seed 25 under interests first: 114 s, its own gap open), no last MILP, and
    every open pair in the core, the plan found has the optimum's number within the tier."""
    inst, _, tier = _tiered(table, data)
    lightest = _lex_milp(inst, heaviest=False)
    heaviest = int(inst.weight[_lex_milp(inst, heaviest=True)].sum())
    assume(heaviest // tier > int(inst.weight[lightest].sum()) // tier)  # the plan a tier or more short
    placed = int(lightest.sum())
    start = np.array(
        data.draw(st.lists(st.integers(0, 3000), min_size=inst.n_students, max_size=inst.n_students))
    )

    def best_within(inst, configs, pairs, heavier, placed, deadline, proving=False, tier=None, *rest):  # type: ignore[no-untyped-def]
        if tier is None:
            return None  # out of time on tiered weights
        return _best_within(inst, configs, pairs, heavier, placed, deadline, proving, tier, *rest)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(optimizer.knapsack_proof, "MAX_ROUNDS", 1)
        patch.setattr(optimizer.knapsack_proof, "MAX_PROOF_PAIRS", -1)
        patch.setattr(optimizer.knapsack_proof, "LARGE_PROOF_SECONDS_PER_PAIR", math.inf)  # no last MILP
        patch.setattr(optimizer.knapsack_proof, "CORE_MIN_PAIRS", -1)
        patch.setattr(optimizer.knapsack_proof, "_core", lambda open_pairs, lately, plan: open_pairs)
        patch.setattr(optimizer.knapsack_proof, "_best_within", best_within)
        found = improve_and_prove(
            inst, inst.mentor_can_bind(), lightest, placed, 0, start, 10**12, math.inf, tier
        )
    assert found is not None
    assert inst.is_feasible(found.plan) and int(found.plan.sum()) == placed
    assert found.weight == int(inst.weight[found.plan].sum()) <= heaviest <= found.weight_bound
    if found.core_pairs:
        assert found.weight // tier == heaviest // tier


@PROPERTIES
@given(table=tight_tables(max_students=10, max_companies=4), data=st.data())
def test_more_pairs_open_than_a_last_milp_takes_still_get_one_where_the_time_left_allows(table, data) -> None:  # type: ignore[no-untyped-def]
    """Above ``MAX_PROOF_PAIRS`` (here 0) open pairs, the last MILP runs where the time left is at least
    ``LARGE_PROOF_SECONDS_PER_PAIR`` per open pair, and stops earlier in proportion to its size
    (``FINISH_PAIRS``); then it proves the heaviest plan. With less time it does not run."""
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    lightest = _lex_milp(inst, heaviest=False)
    heaviest = int(inst.weight[_lex_milp(inst, heaviest=True)].sum())
    assume(heaviest > int(inst.weight[lightest].sum()))  # a gap for the last MILP to close
    placed = int(lightest.sum())
    start = np.array(
        data.draw(st.lists(st.integers(0, 3000), min_size=inst.n_students, max_size=inst.n_students))
    )
    time_enough = data.draw(st.booleans())
    last: list[tuple[int, float]] = []  # (open pairs, seconds it may take) of the last MILP

    def best_within(inst, configs, pairs, heavier, placed, deadline, proving=False, *rest, **named):  # type: ignore[no-untyped-def]
        if proving:
            last.append((pairs.size, deadline - optimizer.knapsack_proof.perf_counter()))
        return _best_within(inst, configs, pairs, heavier, placed, deadline, proving, *rest, **named)

    deadline = optimizer.knapsack_proof.perf_counter() + 1_000.0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(optimizer.knapsack_proof, "MAX_ROUNDS", 1)
        patch.setattr(optimizer.knapsack_proof, "MAX_PROOF_PAIRS", 0)
        # 1,000 s left: enough at a millisecond per open pair (at most 40 pairs), never at a million seconds.
        patch.setattr(optimizer.knapsack_proof, "LARGE_PROOF_SECONDS_PER_PAIR", 1e-3 if time_enough else 1e6)
        patch.setattr(optimizer.knapsack_proof, "FINISH_PAIRS", 1)  # 0.5 s earlier per open pair
        patch.setattr(optimizer.knapsack_proof, "CORE_MIN_PAIRS", 10**9)  # no MILP on the pairs chosen lately
        patch.setattr(optimizer.knapsack_proof, "_best_within", best_within)
        found = improve_and_prove(inst, inst.mentor_can_bind(), lightest, placed, 0, start, 10**12, deadline)
    assert found is not None
    assert inst.is_feasible(found.plan) and int(found.plan.sum()) == placed
    assert found.weight <= heaviest <= found.weight_bound
    if found.weight >= found.weight_bound:
        assert found.weight == heaviest
    if not time_enough:
        assert not last and found.proof_pairs == 0
    elif last:  # (none where the rounds' plan met their bound)
        [(open_pairs, seconds)] = last
        assert open_pairs == found.proof_pairs > 0
        assert 1_000.0 - 0.5 * open_pairs - 10.0 < seconds <= 1_000.0 - 0.5 * open_pairs
        assert found.weight == heaviest == found.weight_bound  # the last MILP proved the heaviest
    else:
        assert found.weight == found.weight_bound == heaviest


@PROPERTIES
@given(table=tight_tables(max_students=10, max_companies=4), data=st.data())
def test_every_heavier_plan_keeps_to_the_open_pairs_and_places_the_students_it_must(table, data) -> None:  # type: ignore[no-untyped-def]
    """For any prices and placement price, with a best plan so far one weight unit short of the
    heaviest (the edge of the claim: the heaviest's shortfall is just below the gap), the heaviest
    uses only open pairs, places every student whose price reaches the gap, and takes at each
    company one of the count vectors left to it; so the last MILP, kept to all that, finds it."""
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    configs = configurations(inst)
    assert configs is not None
    heaviest = _lex_milp(inst, heaviest=True)
    placed, light = int(heaviest.sum()), int(inst.weight[heaviest].sum()) - 1
    placement_price = data.draw(st.integers(0, 3000))
    price = np.array(
        data.draw(st.lists(st.integers(0, 3000), min_size=inst.n_students, max_size=inst.n_students))
    )
    profit = placement_price + inst.weight - price[inst.student]
    found = company_best(inst, configs, profit, price)
    gap = found.total - placement_price * placed - light
    assert gap > 0  # the bound holds for the heaviest plan
    heavier = shortfalls(inst, configs, found, profit, price).below(gap)
    assert heavier.pairs[heaviest].all()
    placed_students = np.zeros(inst.n_students, dtype=bool)
    placed_students[inst.student[heaviest]] = True
    assert placed_students[heavier.must].all()
    taken = np.zeros((inst.n_companies, configs.levels), dtype=np.int64)
    np.add.at(taken, (inst.company[heaviest], inst.load[heaviest]), 1)
    for company in range(inst.n_companies):
        (vector,) = np.flatnonzero((configs.counts == taken[company]).all(axis=1))
        assert heavier.vectors[company, vector]
    solved = _best_within(
        inst, configs, np.flatnonzero(heavier.pairs), heavier, placed, math.inf, data.draw(st.booleans())
    )
    assert solved is not None and solved[0] is not None
    assert int(inst.weight[solved[0]].sum()) == solved[1] == light + 1


@PROPERTIES
@given(table=tight_tables(max_students=10, max_companies=4), data=st.data())
def test_the_milp_on_the_pairs_chosen_lately_finds_the_same_plan_weight_from_a_share_of_the_gap(
    table, data
) -> None:  # type: ignore[no-untyped-def]
    """For any prices, best plan so far, pairs chosen lately, first share of the gap and share of it a
    MILP may first stop within: where more pairs stay open than a last MILP takes, searching the plans
    that fall short by less than a share of the gap first, then twice as much, ends at the weight of the
    heaviest plan on those pairs, as one MILP at the whole gap, wherever that is heavier than the best;
    otherwise at a plan no heavier than that, and either heavier than the best or no lighter than the
    heaviest less the share a MILP may stop within."""
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    configs = configurations(inst)
    assert configs is not None
    heaviest = _lex_milp(inst, heaviest=True)
    placed = int(heaviest.sum())
    lightest = int(inst.weight[_lex_milp(inst, heaviest=False)].sum())
    placement_price = data.draw(st.integers(0, 3000))
    price = np.array(
        data.draw(st.lists(st.integers(0, 3000), min_size=inst.n_students, max_size=inst.n_students))
    )
    profit = placement_price + inst.weight - price[inst.student]
    found = company_best(inst, configs, profit, price)
    bound = found.total - placement_price * placed
    weight = data.draw(st.integers(lightest - 1, int(inst.weight[heaviest].sum())))
    assume(bound > weight)
    core = np.flatnonzero(
        np.array(data.draw(st.lists(st.booleans(), min_size=inst.n_pairs, max_size=inst.n_pairs)))
    )
    share = data.draw(st.sampled_from([1 / 64, 1 / 8, 1 / 2, 1.0]))
    enough_share = data.draw(st.sampled_from([0.0, 1 / 8, 1.0]))
    last_milp_follows = data.draw(st.booleans())
    whole = _best_within(
        inst,
        configs,
        core,
        shortfalls(inst, configs, found, profit, price).below(bound - weight),
        placed,
        math.inf,
    )
    assert whole is not None
    expected = None if whole[0] is None else int(inst.weight[whole[0]].sum())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(optimizer.knapsack_proof, "CORE_FIRST_SHARE", share)
        patch.setattr(optimizer.knapsack_proof, "CORE_ENOUGH_SHARE", enough_share)
        patch.setattr(optimizer.knapsack_proof, "MAX_PROOF_PAIRS", inst.n_pairs if last_milp_follows else -1)
        chosen = _heaviest_on_core(
            inst,
            configs,
            shortfalls(inst, configs, found, profit, price),
            np.arange(inst.n_pairs),
            bound,
            weight,
            core,
            placed,
            math.inf,
        )
    if expected is None or expected <= weight:  # no plan on those pairs is heavier than the best
        assert chosen is None or int(inst.weight[chosen].sum()) <= weight
        return
    assert chosen is not None and inst.is_feasible(chosen) and int(chosen.sum()) == placed
    found = int(inst.weight[chosen].sum())
    lightest_allowed = expected - int(enough_share * (bound - weight))
    if last_milp_follows:
        assert found <= expected and (found > weight or found >= lightest_allowed)
    else:
        assert found == expected


def _two_students_one_company() -> tuple[Instance, Configurations, Shortfalls]:
    """Two students (weights 5,000 and 5,020) at one company with two places, and their shortfall
    terms at no prices."""
    inst = _usable_instance(make_table(2, 1, [0, 1], [0, 0], [50.0, 50.2], [1, 1], [2], [2]))
    configs = configurations(inst)
    assert configs is not None
    price = np.zeros(2, dtype=np.int64)
    found = company_best(inst, configs, inst.weight.copy(), price)
    return inst, configs, shortfalls(inst, configs, found, inst.weight.copy(), price)


def test_a_plan_found_at_a_share_of_the_gap_ends_the_search_only_if_it_falls_short_by_less() -> None:
    """Gap 160, first share 1/8: at 20 the MILP's plan falls 30 short of the bound, so a heavier plan
    may still use a pair or vector costing 20 or more: look again at 40, where its plan falls 10
    short, less than 40: that is the heaviest, and the search ends there. So where more pairs stay
    open at a gap of 30 than the last MILP takes; where fewer do, the first plan ends the search."""
    inst, configs, terms = _two_students_one_company()
    lighter, heavier = np.array([True, False]), np.array([False, True])  # weights 5,000 and 5,020
    looked_at: list[int] = []

    def best_within(inst, configs, pairs, kept_to, placed, deadline, *rest):  # type: ignore[no-untyped-def]
        looked_at.append(len(looked_at))
        return (lighter if len(looked_at) == 1 else heavier), 5_030

    assert np.count_nonzero(terms.pair < 30) == 2  # both pairs stay open at a gap of 30
    for last_milp_takes, looks, plan in ((1, 2, heavier), (2, 1, lighter)):
        looked_at.clear()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(optimizer.knapsack_proof, "_best_within", best_within)
            patch.setattr(optimizer.knapsack_proof, "CORE_FIRST_SHARE", 1 / 8)
            patch.setattr(optimizer.knapsack_proof, "CORE_ENOUGH_SHARE", 0)  # each MILP to its optimum
            patch.setattr(optimizer.knapsack_proof, "MAX_PROOF_PAIRS", last_milp_takes)
            chosen = _heaviest_on_core(
                inst, configs, terms, np.arange(2), 5_030, 4_870, np.arange(2), 1, math.inf
            )
        assert chosen is not None and chosen.tolist() == plan.tolist()
        assert len(looked_at) == looks


def test_a_company_whose_best_reaches_the_gap_takes_someone_in_every_heavier_plan() -> None:
    """One company with one place, two students: profits 500 and 40, no student prices. With the best
    plan weighing 100 less than the bound, the empty vector (a loss of 500) is ruled out, and so is
    taking the second student alone (460): only the first is left, and the last MILP must place her."""
    table = make_table(2, 1, [0, 1], [0, 0], [5.0, 0.4], [1, 1], [1], [2])
    inst = _usable_instance(table)
    configs = configurations(inst)
    assert configs is not None
    profit = inst.weight.copy()
    found = company_best(inst, configs, profit, np.zeros(2, dtype=np.int64))
    assert found.best.tolist() == [500]
    heavier = shortfalls(inst, configs, found, profit, np.zeros(2, dtype=np.int64)).below(100)
    empty = int(np.flatnonzero(configs.sizes == 0)[0])
    assert not heavier.vectors[0, empty]
    assert heavier.pairs.tolist() == [True, False]
    solved = _best_within(inst, configs, np.arange(2), heavier, 0, math.inf)
    assert solved == (None, -1)  # placing no one is not heavier
    solved = _best_within(inst, configs, np.arange(2), heavier, 1, math.inf)
    assert solved is not None and solved[0] is not None and solved[0].tolist() == [True, False]


def test_a_bound_is_rounded_down_only_past_the_solvers_error() -> None:
    # HiGHS's bound on a proven optimum of 503,563,968 (interest-first weights, 340 x 180 seed 3).
    assert whole_bound(503_563_967.9999956) == 503_563_968
    assert whole_bound(503_563_967.2) == 503_563_967
    assert whole_bound(2_906_576_588.0) == 2_906_576_588
    assert whole_bound(2_906_576_588.6) == 2_906_576_588
    assert whole_bound(12_926_432.0 - 1e-7) == 12_926_432
    assert whole_bound(12_926_432.4) == 12_926_432
    assert whole_bound(-3.5) == -4


def test_the_companys_own_best_closes_what_the_lp_leaves_open() -> None:
    """One company with two places and 4 mentor hours; students of load 3, 2 and 2 scoring 90, 60 and
    50. The LP takes the heavy one and half a light one (weight 12,000); the company's own best is the
    two light ones (11,000), which is the plan: proven in the first round, from prices of zero."""
    table = make_table(3, 1, [0, 1, 2], [0, 0, 0], [90.0, 60.0, 50.0], [3, 2, 2], [2], [4])
    inst = _usable_instance(table)
    plan = inst.load == 2
    found = improve_and_prove(inst, inst.mentor_can_bind(), plan, 2, 0, np.zeros(3), 10**9, math.inf)
    assert found is not None
    assert found.proven and found.weight == found.weight_bound == 11_000 and found.rounds == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cut_short_at_any_point_it_keeps_a_plan_and_a_bound_that_hold(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stage's clock runs out after its ``cut``-th look (rounds, then the MILP's time), for every
    ``cut`` until it finishes: the plan is always one placing the most, and the bound always holds."""
    rng = np.random.default_rng(seed)
    table = random_table(rng, 40, 12, density=0.35)
    inst = _usable_instance(table)
    binding = inst.mentor_can_bind()
    assert binding.any()
    lightest = _lex_milp(inst, heaviest=False)
    heaviest = int(inst.weight[_lex_milp(inst, heaviest=True)].sum())
    placed = int(lightest.sum())
    looks, cut = 0, 0

    def clock() -> float:  # before the cut: long before the deadline; after it: long past it
        nonlocal looks
        looks += 1
        return 0.0 if looks <= cut else 1e12

    monkeypatch.setattr(optimizer.knapsack_proof, "perf_counter", clock)
    monkeypatch.setattr(optimizer.knapsack_proof, "SHARPEN_MIN_PAIRS", 0)
    while True:
        looks = 0
        found = improve_and_prove(inst, binding, lightest, placed, 0, np.zeros(inst.n_students), 10**12, 1e9)
        assert found is not None
        assert inst.is_feasible(found.plan) and int(found.plan.sum()) == placed
        assert int(inst.weight[lightest].sum()) <= found.weight <= heaviest <= found.weight_bound
        if looks <= cut:
            assert found.proven
            break
        cut += 1
    assert cut > 2


def test_the_set_master_may_take_half_the_time_left_on_tiered_weights(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The set master's share of the time left: ``SHARPEN_SHARE`` on plain weights,
    ``TIERED_SHARPEN_SHARE`` on tiered ones (interests first, where the steps after it prove nothing
    until its bound comes within the plan's tier), ``EARLY_SHARPEN_SHARE`` after the early rounds."""
    inst = _usable_instance(random_table(np.random.default_rng(3), 30, 8, density=0.4))
    configs = configurations(inst)
    assert configs is not None
    plan = _lex_milp(inst, heaviest=False)
    placed = int(plan.sum())
    until_given: list[float] = []

    def sharpen(inst, first, price, placed, seeds, until, iterations, grow_above=None):  # type: ignore[no-untyped-def]
        until_given.append(until)
        return first

    monkeypatch.setattr(optimizer.knapsack_proof, "sharpen", sharpen)
    monkeypatch.setattr(optimizer.knapsack_proof, "perf_counter", lambda: 0.0)
    start = (10**9, 0, np.zeros(inst.n_students, dtype=np.int64))
    for early, tier in [(False, None), (False, 10**9), (True, None)]:
        unchosen = np.zeros(inst.n_pairs, dtype=bool)
        on_every_pair = (inst, inst, np.arange(inst.n_pairs), configs, placed, start, deque(), plan)
        _sharpened(*on_every_pair, unchosen, 100.0, early, tier)
    module = optimizer.knapsack_proof
    assert until_given == pytest.approx(
        [100 * module.SHARPEN_SHARE, 100 * module.TIERED_SHARPEN_SHARE, 100 * module.EARLY_SHARPEN_SHARE]
    )


def test_a_plan_close_to_the_heaviest_is_taken_where_the_last_milp_follows_else_the_heaviest() -> None:
    """Gap 160, first share 1/8 (20), so a MILP may first stop within 2 of its bound. Its plan falls 30
    short: where the last MILP takes the pairs then open, that plan ends the search at once; where it
    does not, the MILP runs again to its optimum, 10 short, which is the heaviest (10 < 20)."""
    inst, configs, terms = _two_students_one_company()
    close, heaviest = np.array([True, False]), np.array([False, True])  # weights 5,000 and 5,020
    asked: list[int] = []

    def best_within(inst, configs, pairs, kept_to, placed, deadline, proving, tier, enough):  # type: ignore[no-untyped-def]
        asked.append(enough)
        return (close if enough else heaviest), 5_030

    for last_milp_takes, enoughs, plan in ((2, [2], close), (-1, [2, 0], heaviest)):
        asked.clear()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(optimizer.knapsack_proof, "_best_within", best_within)
            patch.setattr(optimizer.knapsack_proof, "CORE_FIRST_SHARE", 1 / 8)
            patch.setattr(optimizer.knapsack_proof, "CORE_ENOUGH_SHARE", 1 / 8)
            patch.setattr(optimizer.knapsack_proof, "MAX_PROOF_PAIRS", last_milp_takes)
            chosen = _heaviest_on_core(
                inst, configs, terms, np.arange(2), 5_030, 4_870, np.arange(2), 1, math.inf
            )
        assert chosen is not None and chosen.tolist() == plan.tolist()
        assert asked == enoughs
