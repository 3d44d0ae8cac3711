"""The search over companies' nested load limits (``optimizer.level_search``) against a MILP.

On small tight networks (mentor limits bind): run to the end, the search proves the most
students any plan places, equal to the MILP's count (``util.reference``, HiGHS, no code shared
with ``optimizer/``); the flow under the limits it returns places that many and keeps every
mentor limit, and those limits differ from the ones it started from only where the count needs it.
Cut short, its count is a plan's and its bound holds. The weight bound for a count
(``best_weight_placing``) is never below the MILP's best weight for that count.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ortools.graph.python import max_flow

from matching.pair_table import PairTable
from optimizer import PlacementProblem
from optimizer.exact import _counted_bound, _usable
from optimizer.flow import solve_transport
from optimizer.instance import Instance
from optimizer.level_search import (
    _closest_caps,
    _MaxFlow,
    _network,
    best_weight_placing,
    candidate_level_caps,
    search_level_caps,
)
from optimizer.load_limits import fitting_level_caps
from optimizer.plan_value import ExactSolution, Lex
from tests.optimizer.test_tight_properties import tight_tables
from tests.optimizer.util import make_table, reference

PROPERTIES = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _usable_instance(table: PairTable) -> Instance:
    inst, _ = PlacementProblem.build(table).free_instance()
    return inst.subset(_usable(inst))


def _start(inst: Instance, empty: bool) -> np.ndarray:
    """Limits to start from: none at all (every binding company closed to loaded students), or those of
    no plan (``fitting_level_caps``: the spare mentor capacity on the lowest levels)."""
    nothing = np.zeros(inst.n_pairs, dtype=bool)
    caps = fitting_level_caps(inst, nothing)
    return np.zeros_like(caps) if empty else caps


def _flow_under(inst: Instance, level_cap: np.ndarray | None) -> np.ndarray:
    """The most students placed within ``level_cap`` (none: without mentor limits)."""
    return solve_transport(
        inst.n_students,
        inst.n_companies,
        inst.student,
        inst.company,
        np.zeros(inst.n_pairs, dtype=np.int64),
        inst.capacity,
        load=inst.load,
        level_cap=level_cap,
    )


@PROPERTIES
@given(tight_tables(max_students=14, max_companies=5), st.booleans())
def test_the_search_proves_the_milps_count_and_its_limits_place_that_many(
    table: PairTable, empty: bool
) -> None:
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    found = search_level_caps(inst, _start(inst, empty), math.inf, max_rounds=10_000)
    best = reference(table)
    assert found.proven
    assert found.placed == found.placed_bound == best.placed
    chosen = _flow_under(inst, found.level_cap)
    assert int(chosen.sum()) == found.placed
    assert inst.is_feasible(chosen)


@PROPERTIES
@given(tight_tables(max_students=14, max_companies=5), st.integers(1, 3), st.booleans())
def test_a_search_cut_short_finds_a_plan_and_a_bound_that_hold(
    table: PairTable, rounds: int, empty: bool
) -> None:
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    found = search_level_caps(inst, _start(inst, empty), math.inf, max_rounds=rounds)
    best = reference(table)
    assert found.placed <= best.placed <= found.placed_bound
    chosen = _flow_under(inst, found.level_cap)
    assert int(chosen.sum()) == found.placed
    assert inst.is_feasible(chosen)


@PROPERTIES
@given(tight_tables(max_students=14, max_companies=5), st.booleans())
def test_the_search_changes_only_the_limits_its_count_needs(table: PairTable, empty: bool) -> None:
    """Every company whose limits differ from the start's is needed: given back its start limits
    alone, the flow places fewer (the start's limits come from the best plan so far, and plans
    within them weigh more)."""
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    start = _start(inst, empty)
    found = search_level_caps(inst, start, math.inf, max_rounds=10_000)
    loosest = candidate_level_caps(inst)
    binding = loosest.sum(axis=1) > inst.mentor_capacity
    start = np.where(binding[:, None], np.minimum(start[:, : loosest.shape[1]], loosest), loosest)
    changed = np.flatnonzero((found.level_cap != start).any(axis=1))
    assert found.placed == int(_flow_under(inst, found.level_cap).sum())
    for company in changed.tolist():
        back = found.level_cap.copy()
        back[company] = start[company]
        assert int(_flow_under(inst, back).sum()) < found.placed


def test_companies_whose_students_fit_their_old_limits_go_back_without_a_flow_of_their_own() -> None:
    """Companies 0-2 each have one student of load 1, company 3 one of load 2. Going back to limits
    that close the second level costs company 3 its student, not the others: the flow under the found
    limits fits their old ones, so they go back with it, and one more flow shows company 3 cannot
    (halving the four companies as one group took five)."""
    inst = _usable_instance(
        make_table(4, 4, [0, 1, 2, 3], [0, 1, 2, 3], [50.0] * 4, [1, 1, 1, 2], [2, 2, 2, 1], [2] * 4)
    )
    found = candidate_level_caps(inst)
    assert found.tolist() == [[1, 0], [1, 0], [1, 0], [1, 1]]
    found[:3] = [2, 1]  # looser than any plan needs
    keep = np.array([[1, 0]] * 4)
    flows: list[np.ndarray] = []

    class Counting(_MaxFlow):
        def placed(self, level_cap: np.ndarray) -> int:
            flows.append(level_cap)
            return super().placed(level_cap)

    net = _network(inst, found)
    solver = max_flow.SimpleMaxFlow()
    solver.add_arcs_with_capacity(net.tail, net.head, net.capacity)
    counter = Counting(solver, net, np.arange(net.level_arcs.start, net.level_arcs.stop))
    caps = _closest_caps(found, keep, 4, counter, math.inf)
    assert caps.tolist() == [[1, 0], [1, 0], [1, 0], [1, 1]]
    assert len(flows) == 2


@PROPERTIES
@given(tight_tables(max_students=14, max_companies=5))
def test_the_weight_bound_for_the_best_count_is_never_below_the_milps_weight(table: PairTable) -> None:
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    best = reference(table)
    assume(best.placed > 0)
    caps = candidate_level_caps(inst)
    reached, weight = best_weight_placing(inst, best.placed, caps)
    assert reached == best.placed and weight >= best.weight
    # Asked for more than the limits allow, it stops at a count no plan exceeds.
    assert best_weight_placing(inst, inst.n_students + 1, caps)[0] >= best.placed


def test_a_count_bound_the_loosest_limits_rule_out_is_lowered_to_theirs() -> None:
    """Found with a 0.01 s limit: the count's bound (here 2) may be above what the loosest limits every
    plan keeps allow (three students of load 2, two mentor hours: one), and the bound became a crash
    ("no flow of 2 units") instead of one student."""
    table = make_table(3, 1, [0, 1, 2], [0, 0, 0], [90.0, 80.0, 70.0], [2, 2, 2], [3], [2])
    inst = _usable_instance(table)
    plan = inst.weight == inst.weight.max()
    solution = ExactSolution(plan, Lex(1, 9000), Lex(3, 24_000))
    counted = _counted_bound(inst, solution, 2)
    assert counted.bound == Lex(1, 9000) and counted.optimal


@PROPERTIES
@given(tight_tables(max_students=14, max_companies=5))
def test_a_proven_count_lowers_a_solutions_bound_to_one_no_plan_exceeds(table: PairTable) -> None:
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    best = reference(table)
    nothing = np.zeros(inst.n_pairs, dtype=bool)
    looser = ExactSolution(nothing, Lex(0, 0), Lex(best.placed + 1, 0))
    lowered = _counted_bound(inst, looser, best.placed)
    assert lowered.bound.placed == best.placed
    assert lowered.bound.weight >= best.weight  # the MILP's best plan is not above it
    assert _counted_bound(inst, looser, best.placed + 1) is looser  # not tighter: kept as it is
    # A weight bound at that count (the weight LP's) lowers the weight too, whether or not the count fell.
    assert _counted_bound(inst, looser, best.placed, best.weight).bound == Lex(best.placed, best.weight)
    heavier = ExactSolution(nothing, Lex(0, 0), Lex(best.placed, 10**9))
    assert _counted_bound(inst, heavier, best.placed, best.weight).bound == Lex(best.placed, best.weight)
