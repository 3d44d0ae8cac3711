"""The LP bounds of ``optimizer.count_bound`` against a MILP and the LPs themselves.

On small tight networks: the count's bound holds for every plan (never below the MILP's count,
``util.reference``, HiGHS on the whole model), is never weaker than the transportation flow without
mentor limits, and, run to the end, is the LP relaxation's optimum rounded down (an LP on every pair,
solved here on its own). The weight bound at the best count holds for the MILP's best plan and is the
weight LP's optimum at that count, up to rounding.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, vstack

from optimizer.count_bound import _PairLp, count_bound, weight_bound_at_count
from optimizer.exact import solve_exact
from optimizer.flow import rank_per_student
from optimizer.instance import Instance
from optimizer.load_limits import fitting_level_caps, rounded_level_caps
from tests.optimizer.test_level_search import _flow_under, _usable_instance
from tests.optimizer.test_tight_properties import tight_tables
from tests.optimizer.util import make_table, reference

PROPERTIES = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _first(inst: Instance) -> np.ndarray:
    """Each student's best pair: the columns grow from there."""
    return rank_per_student(inst.student, inst.weight) < 1


def _bound(inst: Instance, enough: int = -1, deadline: float = math.inf) -> int:
    first = _first(inst)
    return count_bound(inst, inst.mentor_can_bind(), first, enough, deadline).placed


def _lp(inst: Instance, objective: np.ndarray, placed: int = 0) -> float:
    """The LP ``max objective . x`` on every pair, a mentor row for every company, at least ``placed``
    placed."""
    n = inst.n_pairs
    columns = np.arange(n)
    ones = np.ones(n)
    matrix = vstack(
        [
            csr_matrix((ones, (inst.student, columns)), shape=(inst.n_students, n)),
            csr_matrix((ones, (inst.company, columns)), shape=(inst.n_companies, n)),
            csr_matrix((inst.load.astype(float), (inst.company, columns)), shape=(inst.n_companies, n)),
            csr_matrix(-ones.reshape(1, -1)),
        ]
    )
    upper = np.concatenate([np.ones(inst.n_students), inst.capacity, inst.mentor_capacity, [-placed]]).astype(
        float
    )
    solved = linprog(-objective.astype(float), A_ub=matrix, b_ub=upper, bounds=(0, 1), method="highs-ds")
    assert solved.status == 0
    return float(-solved.fun)


def _lp_on(inst: Instance, pairs: np.ndarray, objective: np.ndarray) -> float:
    """The LP of ``_lp`` without the count row, on ``pairs`` alone (a sub-instance)."""
    part = inst.subset(pairs)
    return _lp(part, objective[pairs])


@PROPERTIES
@given(tight_tables(max_students=12, max_companies=5), st.integers(0, 2**32 - 1))
def test_the_lp_kept_in_highs_as_columns_come_is_the_lp_solved_afresh(table, seed) -> None:  # type: ignore[no-untyped-def]
    """Columns added in three batches, the LP re-solved from its last basis after each: its optimum is
    that of the LP on the same columns solved from scratch, and what it takes keeps the rows."""
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    objective = np.random.default_rng(seed).integers(1, 100, inst.n_pairs)
    batches = np.array_split(np.random.default_rng(seed).permutation(inst.n_pairs), 3)
    lp = _PairLp(inst, inst.mentor_can_bind(), objective)
    added = np.zeros(0, dtype=np.int64)
    for batch in batches:
        lp.add(batch)
        added = np.r_[added, batch]
        solved = lp.solve(math.inf)
        assert solved is not None
        taken = np.asarray(lp.lp.highs.getSolution().col_value)
        assert np.array_equal(lp.pairs, added)
        assert taken @ objective[added] == pytest.approx(_lp_on(inst, np.sort(added), objective), abs=1e-6)
        assert (np.bincount(inst.student[added], taken, inst.n_students) <= 1 + 1e-9).all()
        load = np.bincount(inst.company[added], taken * inst.load[added], inst.n_companies)
        assert (load <= inst.mentor_capacity + 1e-9).all()


def _transport_count(inst: Instance) -> int:
    """The most students placed without mentor limits."""
    return int(_flow_under(inst, None).sum())


@PROPERTIES
@given(tight_tables(max_students=12, max_companies=5))
def test_the_bound_holds_and_is_the_lps_optimum_rounded_down(table) -> None:  # type: ignore[no-untyped-def]
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0 and inst.mentor_can_bind().any())
    bound = _bound(inst)
    assert reference(table).placed <= bound <= _transport_count(inst)
    assert bound == math.floor(_lp(inst, np.ones(inst.n_pairs)) + 1e-7)


def test_half_a_placement_is_not_a_placement() -> None:
    """Two students of load 2 at one company with two places and 3 mentor hours: the flow places
    both, the LP one and a half, so no plan places more than one."""
    table = make_table(2, 1, [0, 1], [0, 0], [50.0, 60.0], [2, 2], [2], [3])
    inst = _usable_instance(table)
    assert _transport_count(inst) == 2
    assert _bound(inst) == 1 == reference(table).placed


def test_the_bound_stops_once_a_plan_meets_it_and_holds_when_cut_short() -> None:
    table = make_table(2, 1, [0, 1], [0, 0], [50.0, 60.0], [2, 2], [2], [3])
    inst = _usable_instance(table)
    assert count_bound(inst, inst.mentor_can_bind(), _first(inst), 2, math.inf).rounds == 0
    assert _bound(inst, deadline=0.0) == inst.n_students


@PROPERTIES
@given(tight_tables(max_students=12, max_companies=5))
def test_limits_rounded_from_the_lp_keep_every_mentor_limit(table) -> None:  # type: ignore[no-untyped-def]
    """The LP's students per load level, rounded down with the spare hours on the lowest levels, are
    nested limits within each company's places and mentor hours: every flow within them is a plan."""
    inst = _usable_instance(table)
    binding = inst.mentor_can_bind()
    assume(inst.n_pairs > 0 and binding.any())
    found = count_bound(inst, binding, _first(inst), -1, math.inf)
    assert found.lp_levels is not None
    fallback = fitting_level_caps(inst, np.zeros(inst.n_pairs, dtype=bool))
    caps = rounded_level_caps(inst, found.lp_levels, fallback)
    assert (caps[:, 1:] <= caps[:, :-1]).all() and (caps[:, 0] <= inst.capacity).all()
    assert (caps.sum(axis=1) <= inst.mentor_capacity).all()
    assert inst.is_feasible(_flow_under(inst, caps))


def _at_best_count(table):  # type: ignore[no-untyped-def]
    """A tight network with mentor rows that can bind and someone placed: its usable instance, those
    rows, the MILP's best plan (``reference``) and the exact solver's plan, which places as many."""
    inst = _usable_instance(table)
    binding = inst.mentor_can_bind()
    assume(inst.n_pairs > 0 and binding.any())
    best = reference(table)
    assume(best.placed > 0)
    plan = solve_exact(inst).chosen
    assert int(plan.sum()) == best.placed
    return inst, binding, best, plan


@PROPERTIES
@given(tight_tables(max_students=12, max_companies=5))
def test_the_weight_bound_at_the_best_count_holds_and_is_near_the_lps(table) -> None:  # type: ignore[no-untyped-def]
    """No plan placing the most weighs more than the bound (the MILP's best does not), and the bound is
    the weight LP's optimum at that count, up to the rounding of its prices to whole weight units (at
    most half a unit per student, mentor hour and placement required)."""
    inst, binding, best, plan = _at_best_count(table)
    bound, _ = weight_bound_at_count(inst, binding, best.placed, _first(inst) | plan, -1, math.inf)
    assert best.weight <= bound
    rounding = (inst.n_students + int(inst.mentor_capacity.sum()) + best.placed) / 2
    assert bound <= _lp(inst, inst.weight, best.placed) + rounding + 1e-6


@PROPERTIES
@given(tight_tables(max_students=12, max_companies=5), st.integers(min_value=1, max_value=3))
def test_the_weight_lp_gives_prices_whenever_a_round_ran_and_they_certify_a_bound(table, rounds) -> None:  # type: ignore[no-untyped-def]
    """The knapsacks start from the weight LP's prices, so a round gives them even where its bound is no
    better than each student's best weight (on 1,700 x 900 seed 8 after one round the knapsacks were
    otherwise left out); the prices' own bound holds for the MILP's best plan at that count."""
    inst, binding, best, plan = _at_best_count(table)
    bound, prices = weight_bound_at_count(inst, binding, best.placed, plan, -1, math.inf, 0.0, rounds)
    assert prices is not None
    assert best.weight <= bound <= inst.best_weight_total()
    assert best.weight <= prices.upper_total - prices.placement_price * best.placed
