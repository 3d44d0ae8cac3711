"""The first plan on large networks (``large_plan.quick_plan``) and the linear-time choice of best pairs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer import PlacementProblem, flow
from optimizer.flow import better_pairs, solve_transport
from optimizer.large_plan import _company_weight, capacity_bound, quick_plan
from optimizer.load_limits import fitted_flow
from optimizer.pace import Pace
from optimizer.plan_value import value_of
from tests.optimizer.util import random_table


@pytest.mark.parametrize("seed", range(3))
def test_better_pairs_keeps_each_groups_best_pairs_also_on_tiered_weights(seed: int) -> None:
    """Weights far apart in tiers (interests above scores) are bucketed by quantiles, so each group's
    ``k`` best pairs are kept and not every pair of the top tier."""
    rng = np.random.default_rng(seed)
    n_groups, n_pairs, k = 50, 5000, 3
    group = np.sort(rng.integers(0, n_groups, n_pairs))
    weight = rng.integers(0, 10_000, n_pairs) + 10**9 * (rng.random(n_pairs) < 0.7)
    kept = better_pairs(group, weight, n_groups, k)
    for g in range(n_groups):
        own = np.flatnonzero(group == g)
        best = own[np.argsort(-weight[own], kind="stable")[:k]]
        assert kept[best].all()
    assert kept.sum() < 0.5 * n_pairs  # not the whole top tier
    per_group = better_pairs(group, weight, n_groups, np.full(n_groups, n_pairs))
    assert per_group.all()  # asking for more than a group has keeps all of it


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-50, 50), min_size=1, max_size=300),  # mostly fewer values than pairs: the table
    st.sampled_from([0, 5, 10**9]),
    st.sampled_from([np.int64, np.int32, np.float64]),
    st.integers(2, 64),
    st.sampled_from([1 << 25, 1, 3, 16]),
)
def test_weight_buckets_by_look_up_table_equal_those_by_search(
    values: list[int], tier: int, dtype: type, buckets: int, table_max: int
) -> None:
    """Whole-number weights are bucketed through a table of cells of their range (one value a cell when
    they span fewer values than the table holds; else edges move up to a cell's start, by less than a
    cell): the same buckets as the binary search over those edges gives."""
    weight = np.array(values, dtype=np.int64)
    weight[::3] += tier
    weight = weight.astype(dtype)
    original = flow.BUCKET_TABLE_MAX
    try:
        flow.BUCKET_TABLE_MAX = table_max
        by_table = flow.weight_buckets(weight, buckets)
        edges, shift = flow.bucket_edges(weight, buckets)
        flow.BUCKET_TABLE_MAX = 0  # no table: the quantiles themselves
        exact_edges, _ = flow.bucket_edges(weight, buckets)
    finally:
        flow.BUCKET_TABLE_MAX = original
    assert by_table.dtype == np.uint8
    np.testing.assert_array_equal(by_table, np.searchsorted(edges, weight, side="right"))
    moved = edges.astype(float) - exact_edges.astype(float)
    assert edges.size == exact_edges.size
    assert ((moved >= 0) & (moved < (1 << (shift or 0)))).all()  # no edge moves past its cell
    assert (
        np.diff(by_table[np.argsort(weight, kind="stable")].astype(int)) >= 0
    ).all()  # higher weight, no lower bucket


@pytest.mark.parametrize("seed", range(4))
def test_the_quick_plan_is_feasible_and_the_fitted_flow_keeps_its_count(seed: int) -> None:
    table = random_table(np.random.default_rng(200 + seed), 60, 25, density=0.4)
    inst, _ = PlacementProblem.build(table).free_instance()
    binding = inst.mentor_can_bind()
    lex_weight = inst.big_m() + inst.weight
    plan, pool, company_weight = quick_plan(inst, inst.big_m(), binding, 0.0, math.inf, Pace(math.inf))
    assert inst.is_feasible(plan) and not (plan & ~pool).any()
    relaxed = solve_transport(
        inst.n_students, inst.n_companies, inst.student, inst.company, lex_weight, inst.capacity
    )
    assert value_of(inst, plan) <= value_of(inst, relaxed)
    assert capacity_bound(inst, company_weight).placed >= int(relaxed.sum())
    assert company_weight >= int(inst.weight[relaxed].sum())
    assert company_weight == _company_weight(inst)
    refitted = fitted_flow(inst, plan, np.ones(inst.n_pairs, dtype=bool), lex_weight, binding)
    assert inst.is_feasible(refitted) and int(refitted.sum()) >= int(plan.sum())
