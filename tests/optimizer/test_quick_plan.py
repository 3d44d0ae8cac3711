"""The first plan on large networks (``exact._quick_plan``) and the linear-time choice of best pairs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optimizer import PlacementProblem
from optimizer.exact import _capacity_bound, _company_weight, _fitted_flow, _Pace, _quick_plan, value_of
from optimizer.flow import better_pairs, solve_transport
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


@pytest.mark.parametrize("seed", range(4))
def test_the_quick_plan_is_feasible_and_the_fitted_flow_keeps_its_count(seed: int) -> None:
    table = random_table(np.random.default_rng(200 + seed), 60, 25, density=0.4)
    inst, _ = PlacementProblem.build(table).free_instance()
    binding = inst.mentor_can_bind()
    lex_weight = inst.big_m() + inst.weight
    plan, pool, company_weight = _quick_plan(inst, inst.big_m(), binding, 0.0, math.inf, _Pace(math.inf))
    assert inst.is_feasible(plan) and not (plan & ~pool).any()
    relaxed = solve_transport(
        inst.n_students, inst.n_companies, inst.student, inst.company, lex_weight, inst.capacity
    )
    assert value_of(inst, plan) <= value_of(inst, relaxed)
    assert _capacity_bound(inst, company_weight).placed >= int(relaxed.sum())
    assert company_weight >= int(inst.weight[relaxed].sum())
    assert company_weight == _company_weight(inst)
    refitted = _fitted_flow(inst, plan, np.ones(inst.n_pairs, dtype=bool), lex_weight, binding)
    assert inst.is_feasible(refitted) and int(refitted.sum()) >= int(plan.sum())
