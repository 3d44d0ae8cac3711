"""The first plan on large networks with the interest tier: maximum flows grown from a plan, a cut bound.

``augment_transport`` grows a feasible plan by one maximum flow on its residual network;
``_tier_first`` counts placements within interests first; ``_tier_bound`` extends the
minimum cut of a flow on some of the tier's pairs to all of them. Checked against
``solve_transport`` (an independent flow) and a MILP (``util.reference``, HiGHS).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from matching.pair_table import PairTable
from optimizer import PlacementProblem
from optimizer.flow import Augmented
from optimizer.instance import Instance
from optimizer.large_plan import _augment, _counted, _tier_bound, _tier_first, quick_plan
from optimizer.load_limits import level_flow, loosest_level_caps, unload
from optimizer.pace import Pace
from tests.optimizer.test_tight_properties import tight_tables
from tests.optimizer.util import pair_tables, random_table, reference

PROPERTIES = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _instance(table: PairTable, tier: np.ndarray | None = None) -> tuple[Instance, int]:
    """The free instance, with weights tiered by ``tier`` (a mask over the pairs) as ``interest_tier`` does."""
    rank = None if tier is None else tier.astype(np.int8)
    problem = PlacementProblem.build(table, interest_rank=rank)
    tiered, base = problem.interest_tier(problem.weight)
    inst, _ = problem.free_instance(tiered)
    return inst, base


def _drawn_tier(table: PairTable, data: st.DataObject) -> tuple[np.ndarray, Instance, int]:
    """A drawn interest tier over the pairs (at least one pair), and the instance tiered by it."""
    assume(table.n_pairs > 0)
    n = table.n_pairs
    tier = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    inst, base = _instance(table, tier)
    return tier, inst, base


def _max_count(inst: Instance, level_cap: np.ndarray) -> int:
    return int(level_flow(inst, np.zeros(inst.n_pairs, dtype=np.int64), level_cap).sum())


def _keeps_limits(inst: Instance, chosen: np.ndarray, level_cap: np.ndarray) -> bool:
    if np.bincount(inst.student[chosen], minlength=inst.n_students).max(initial=0) > 1:
        return False
    if (inst.students_at(chosen) > inst.capacity).any():
        return False
    level = np.minimum(inst.load, level_cap.shape[1])
    for lv in range(1, level_cap.shape[1] + 1):
        at = np.bincount(inst.company[chosen & (level >= lv)], minlength=inst.n_companies)
        if (at > level_cap[:, lv - 1]).any():
            return False
    return True


def _cut_capacity(inst: Instance, flow: Augmented, level_cap: np.ndarray) -> int:
    """The capacity of the cut ``flow.source_side`` in the network of all of ``inst``'s pairs."""
    side, levels = flow.source_side, flow.levels
    n_s, n_c = inst.n_students, inst.n_companies
    entry = n_s + inst.company.astype(np.int64) + n_c * np.minimum(inst.load, levels).astype(np.int64)
    total = int(np.count_nonzero(~side[:n_s]))
    total += int(np.count_nonzero(side[inst.student] & ~side[entry]))
    company = side[n_s:].reshape(levels + 1, n_c)
    total += int(inst.capacity[company[0]].sum())
    for lv in range(1, levels + 1):
        total += int(level_cap[company[lv] & ~company[lv - 1], lv - 1].sum())
    return total


@PROPERTIES
@given(pair_tables(max_students=8, max_companies=4), st.data())
def test_a_plan_grown_by_a_maximum_flow_places_the_most_and_keeps_everyone_placed(
    table: PairTable, data: st.DataObject
) -> None:
    assume(table.n_pairs > 0)
    inst, _ = _instance(table)
    caps = loosest_level_caps(inst)
    # A feasible start: the most students on a random part of the pairs.
    part = np.array(
        data.draw(st.lists(st.booleans(), min_size=inst.n_pairs, max_size=inst.n_pairs)), dtype=bool
    )
    start = np.zeros(inst.n_pairs, dtype=bool)
    index = np.flatnonzero(part)
    sub = inst.subset(index)
    start[index[_augment(sub, np.zeros(sub.n_pairs, dtype=bool), caps).chosen]] = True
    assert _keeps_limits(inst, start, caps)

    grown = _augment(inst, start, caps)
    assert _keeps_limits(inst, grown.chosen, caps)
    assert int(grown.chosen.sum()) == _max_count(inst, caps)
    placed_before = np.unique(inst.student[start])
    assert np.isin(placed_before, inst.student[grown.chosen]).all()  # no one placed loses the place
    assert _cut_capacity(inst, grown, caps) == int(grown.chosen.sum())  # max-flow min-cut


@PROPERTIES
@given(pair_tables(max_students=8, max_companies=4), st.data())
def test_the_tier_bound_holds_for_every_plan_and_is_exact_on_all_of_the_tiers_pairs(
    table: PairTable, data: st.DataObject
) -> None:
    tier, inst, base = _drawn_tier(table, data)
    caps = loosest_level_caps(inst)
    top = np.flatnonzero(inst.weight >= base)
    seen = np.array(data.draw(st.lists(st.booleans(), min_size=top.size, max_size=top.size)), dtype=bool)
    # The flow sees some of the tier's pairs; the bound holds for all of them.
    some = inst.subset(top[seen])
    flow = _augment(some, np.zeros(some.n_pairs, dtype=bool), caps)
    bound = _tier_bound(inst, base, flow, caps)
    everything = inst.subset(top)
    assert bound >= _max_count(everything, caps)
    best_in_tier = reference(table, stages=[tier.astype(float)])  # most placed, then most in the tier
    assert bound >= int(tier[best_in_tier.chosen].sum())
    whole = _augment(everything, np.zeros(top.size, dtype=bool), caps)
    assert _tier_bound(inst, base, whole, caps) == _max_count(everything, caps)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tight_tables(), st.data())
def test_the_first_plan_with_a_tier_is_feasible_and_its_bound_holds(
    table: PairTable, data: st.DataObject
) -> None:
    tier, inst, base = _drawn_tier(table, data)
    binding = inst.mentor_can_bind()
    plan, _, short = _tier_first(inst, binding, base)
    hurried, _, _ = _tier_first(inst, binding, base, deadline=0.0)
    if plan is not None:
        assert hurried is not None
        assert inst.is_feasible(plan) and inst.is_feasible(hurried)
        assert int(hurried.sum()) <= int(plan.sum())
    best = reference(table, stages=[tier.astype(float), np.rint(table.score * 100)])
    # With time, and with none left (the tier's first flow, unloaded, is then kept even if more flows or
    # a plain count might place more; the bound is then the companies' best weights).
    for deadline in (math.inf, 0.0):
        chosen, narrow, weight_bound = quick_plan(
            inst, inst.big_m(), binding, 0.0, math.inf, Pace(deadline), tier_base=base
        )
        assert inst.is_feasible(chosen)
        # Without time for the relaxation after it, no narrow pool (its first active set).
        assert (narrow is None) == (deadline == 0.0)
        assert int(chosen.sum()) <= best.placed
        # The lexicographic optimum's tiered weight is within the bound.
        assert weight_bound >= int(inst.weight[best.chosen].sum())
        if plan is not None and deadline == 0.0:
            assert_array_equal(chosen, hurried)  # no time for another flow: the tier's first flow, unloaded
    if plan is not None and not short:
        assert int(plan.sum()) == best.placed  # it places the most
        assert int(tier[plan].sum()) <= weight_bound // base


def test_on_a_larger_network_the_tier_comes_first_and_the_bound_is_close() -> None:
    rng = np.random.default_rng(7)
    table = random_table(rng, 400, 120, density=0.08, tight=False)
    tier = rng.random(table.n_pairs) < 0.3
    inst, base = _instance(table, tier)
    binding = inst.mentor_can_bind()
    plain, _, _ = quick_plan(inst, inst.big_m(), binding, 0.0, math.inf, Pace(math.inf))
    tiered, _, weight_bound = quick_plan(
        inst, inst.big_m(), binding, 0.0, math.inf, Pace(math.inf), tier_base=base
    )
    assert inst.is_feasible(tiered) and int(tiered.sum()) >= int(plain.sum())
    in_tier = int((inst.weight[tiered] >= base).sum())
    assert in_tier >= int((inst.weight[plain] >= base).sum())
    assert in_tier <= weight_bound // base


@pytest.mark.parametrize("seed", [0, 4, 9])
def test_a_short_tier_plan_gives_way_to_the_plain_count_only_when_there_is_time(seed: int) -> None:
    """A tier's plan a plain count beats on numbers: with time the count wins, with none the tier's plan is kept."""
    rng = np.random.default_rng(seed)
    table = random_table(rng, int(rng.integers(6, 30)), int(rng.integers(3, 10)), density=0.4, tight=True)
    inst, base = _instance(table, rng.random(table.n_pairs) < 0.5)
    binding = inst.mentor_can_bind()
    plan, _, short = _tier_first(inst, binding, base)
    counted = _counted(inst, binding)
    assert plan is not None and short and int(counted.sum()) > int(plan.sum())

    def first_plan(deadline: float) -> np.ndarray:
        return quick_plan(inst, inst.big_m(), binding, 0.0, math.inf, Pace(deadline), tier_base=base)[0]

    with_time = first_plan(math.inf)
    assert inst.is_feasible(with_time) and int(with_time.sum()) >= int(counted.sum())
    assert_array_equal(first_plan(0.0), _tier_first(inst, binding, base, deadline=0.0)[0])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tight_tables(), st.data())
def test_without_time_only_the_first_counting_flow_runs_and_its_unloaded_plan_is_feasible(
    table: PairTable, data: st.DataObject
) -> None:
    """Past the deadline the counting flows after the first do not start (the time limit holds)."""
    _, inst, base = _drawn_tier(table, data)
    binding = inst.mentor_can_bind()
    loosest = loosest_level_caps(inst)
    top = np.flatnonzero(inst.weight >= base)
    assume(top.size > 0)
    upper = inst.subset(top)
    first = np.zeros(inst.n_pairs, dtype=bool)
    first[top[_augment(upper, np.zeros(upper.n_pairs, dtype=bool), loosest).chosen]] = True
    hurried, flow, _ = _tier_first(inst, binding, base, deadline=0.0)
    assert hurried is not None and flow is not None
    assert_array_equal(hurried, unload(inst, first))
    assert inst.is_feasible(hurried)
    plan, _, _ = _tier_first(inst, binding, base)
    assert plan is not None and int(plan.sum()) >= int(hurried.sum())

    counted = _augment(inst, np.zeros(inst.n_pairs, dtype=bool), loosest).chosen
    assert_array_equal(_counted(inst, binding, deadline=0.0), unload(inst, counted))
    assert inst.is_feasible(_counted(inst, binding, deadline=0.0))
    assert int(_counted(inst, binding).sum()) >= int(unload(inst, counted).sum())
