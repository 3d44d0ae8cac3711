"""The count vectors (``optimizer.count_vectors``): the LP's bound on the number placed and the count's MILP.

The bound must hold for every plan (checked against a MILP's optimum on small tight networks) and be
as tight as the count vectors make it where fractional mentor hours are not (a worked example); the
count's MILP (``exact._count_by_milp``) must find and prove the optimum count from no plan at all.
"""

from __future__ import annotations

import math
from time import perf_counter

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import optimizer.exact
from optimizer.company_knapsacks import configurations
from optimizer.count_vectors import PRICE_SCALE, _mix_lp, _MixLp, count_vector_bound
from optimizer.exact import _count_by_milp, solve_exact
from optimizer.instance import Instance
from tests.optimizer.test_knapsack_proof import _lex_milp
from tests.optimizer.test_level_search import _usable_instance
from tests.optimizer.test_tight_properties import tight_tables
from tests.optimizer.util import make_table

PROPERTIES = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _most_placed(inst: Instance) -> int:
    """The largest number placed under every limit (HiGHS on capacity and mentor rows)."""
    return int(_lex_milp(inst, heaviest=True).sum())


def _bound(inst: Instance) -> int:
    configs = configurations(inst)
    assert configs is not None
    found = count_vector_bound(inst, configs, perf_counter() + 30)
    assert found is not None
    return found.placed


@PROPERTIES
@given(table=tight_tables(max_students=10, max_companies=4))
def test_no_plan_places_more_than_the_bound(table) -> None:  # type: ignore[no-untyped-def]
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    most = _most_placed(inst)
    bound = _bound(inst)
    assert most <= bound <= int((np.bincount(inst.student, minlength=inst.n_students) > 0).sum())


def _column_generation_holds(inst: Instance, columns: np.ndarray) -> None:
    """From ``columns``: never below the most placed, never above the LP's optimum on every pair.

    Not "never above ``_bound``": that is the companies' whole sets priced at one optimal dual of the
    LP on every pair, and another optimal dual (the one column generation ends at) may price them
    higher, though never above the LP's optimum once no company picks a pair outside the columns; the
    duals rounded to ``PRICE_SCALE`` move it by at most half a step per pair."""
    configs = configurations(inst)
    assert configs is not None
    found = count_vector_bound(inst, configs, perf_counter() + 30, columns)
    assert found is not None
    solved = _mix_lp(inst, configs, np.arange(inst.n_pairs), perf_counter() + 30)
    assert solved is not None
    lp_optimum = float(solved[2].sum())
    assert (
        _most_placed(inst) <= found.placed <= math.floor(lp_optimum + inst.n_pairs / (2 * PRICE_SCALE) + 1e-9)
    )


@PROPERTIES
@given(table=tight_tables(max_students=10, max_companies=4), data=st.data())
def test_by_column_generation_the_bound_holds_and_is_no_looser_than_the_lp(table, data) -> None:  # type: ignore[no-untyped-def]
    """From any first columns (none at all too)."""
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    columns = np.array(data.draw(st.lists(st.booleans(), min_size=inst.n_pairs, max_size=inst.n_pairs)))
    _column_generation_holds(inst, columns)


def test_column_generation_may_end_at_another_optimal_dual_than_the_lp_on_every_pair() -> None:
    """Found by Hypothesis in CI: from the last pair alone the columns end at duals (1/2 for four
    students) where the companies' whole sets bound the count at 5, the LP's optimum; the LP on every
    pair ends at duals where they bound it at 4 (the most placed). Both bounds hold."""
    student = [0, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 6, 6]
    company = [1, 2, 3, 1, 2, 3, 0, 1, 2, 3, 0, 2, 3]
    load = [3, 2, 2, 2, 3, 2, 1, 2, 3, 2, 2, 2, 2]
    inst = _usable_instance(make_table(7, 4, student, company, [0.0] * 13, load, [2, 2, 2, 1], [3, 4, 4, 1]))
    columns = np.zeros(inst.n_pairs, dtype=bool)
    columns[-1] = True
    _column_generation_holds(inst, columns)
    configs = configurations(inst)
    assert configs is not None
    found = count_vector_bound(inst, configs, perf_counter() + 30, columns)
    assert found is not None and _bound(inst) == 4 < found.placed == 5


@PROPERTIES
@given(table=tight_tables(max_students=10, max_companies=4), seed=st.integers(0, 2**32 - 1))
def test_the_lp_kept_in_highs_equals_the_lp_solved_afresh_as_pairs_come_in(table, seed) -> None:  # type: ignore[no-untyped-def]
    """Column generation re-solves the LP from its last basis (``_MixLp``); after each batch of pairs
    (and the count vectors they let a company fill) its optimum is the LP's on all the pairs so far
    solved afresh (``_mix_lp``, SciPy's HiGHS), its plan keeps every student's row, and it says which
    pair each value is of."""
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    configs = configurations(inst)
    assert configs is not None
    lp = _MixLp(inst, configs)
    added = np.zeros(0, dtype=np.int64)
    for batch in np.array_split(np.random.default_rng(seed).permutation(inst.n_pairs), 3):
        lp.add(batch)
        added = np.r_[added, batch]
        solved = lp.solve(perf_counter() + 30)
        assert solved is not None
        dual, pairs, taken = solved
        assert np.array_equal(pairs, added)
        afresh = _mix_lp(inst, configs, np.sort(added), perf_counter() + 30)
        assert afresh is not None
        assert taken.sum() == pytest.approx(afresh[2].sum(), abs=1e-6)
        assert (np.bincount(inst.student[pairs], taken, inst.n_students) <= 1 + 1e-9).all()
        assert (dual >= 0).all()


def test_whole_count_vectors_rule_out_what_fractional_mentor_hours_allow() -> None:
    # Two companies with 2 places and 3 mentor hours each; four students of 2 hours, each eligible
    # at both. Mentor hours as fractions allow 1.5 students at each (the capacity and mentor rows'
    # LP: 3); as whole count vectors each company takes one.
    table = make_table(4, 2, [0, 0, 1, 1, 2, 2, 3, 3], [0, 1] * 4, [50.0] * 8, [2] * 8, [2, 2], [3, 3])
    inst = _usable_instance(table)
    assert _most_placed(inst) == 2
    assert _bound(inst) == 2


@PROPERTIES
@given(table=tight_tables(max_students=10, max_companies=4))
def test_the_count_milp_places_the_most_and_proves_it(table) -> None:  # type: ignore[no-untyped-def]
    """From no plan at all, the fallback after the load-limit search finds and proves the count."""
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    most = _most_placed(inst)
    configs = configurations(inst)
    assert configs is not None
    nothing = np.zeros(inst.n_pairs, dtype=bool)
    stats: dict[str, float] = {}
    plan, bound = _count_by_milp(
        inst,
        configs,
        nothing,
        inst.big_m() + inst.weight,
        inst.mentor_can_bind(),
        inst.n_students,
        perf_counter() + 30,
        stats,
    )
    assert inst.is_feasible(plan)
    assert int(plan.sum()) == most == bound


@PROPERTIES
@given(table=tight_tables(max_students=10, max_companies=4))
def test_above_the_size_limit_the_search_and_column_generation_prove_the_count(table) -> None:  # type: ignore[no-untyped-def]
    """The large networks' path (the search's first round, the count-vector LP by column generation, the
    search again) on small ones: the solve places the most and proves it."""
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(optimizer.exact, "COUNT_VECTOR_MAX_PAIRS", -1)
        solution = solve_exact(inst, time_limit=30)
    assert inst.is_feasible(solution.chosen)
    assert solution.value.placed == solution.bound.placed == _most_placed(inst)
