"""The optimizer's own MILPs (``optimizer.highs.maximise_milp``): HiGHS through ``highspy``.

Its dual bound proves plans OPTIMAL, so it must never call a worse solution optimal: checked against
every 0-1 vector of small random MILPs, and on the network where SciPy's bundled HiGHS did.
"""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st

from optimizer.highs import KeptLp, maximise_milp
from tests.optimizer.util import integer_weight, placement_rows, random_table, reference


@st.composite
def small_milps(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Up to 9 columns (some of them continuous) and 5 rows of small whole coefficients."""
    n_columns = draw(st.integers(1, 9))
    n_rows = draw(st.integers(1, 5))
    whole = st.integers(-4, 6)
    objective = np.array(draw(st.lists(whole, min_size=n_columns, max_size=n_columns)), dtype=float)
    cells = draw(st.lists(st.integers(-2, 3), min_size=n_rows * n_columns, max_size=n_rows * n_columns))
    matrix = np.array(cells, dtype=float).reshape(n_rows, n_columns)
    lower = np.array(draw(st.lists(st.integers(-3, 2), min_size=n_rows, max_size=n_rows)), dtype=float)
    width = np.array(draw(st.lists(st.integers(0, 4), min_size=n_rows, max_size=n_rows)), dtype=float)
    integer = np.array(draw(st.lists(st.booleans(), min_size=n_columns, max_size=n_columns)))
    return objective, matrix, lower, lower + width, integer


@settings(max_examples=150, deadline=None)
@given(small_milps(), st.booleans())
@example(  # HiGHS 1.16's presolve solves it and reported a dual bound of 5 at the optimum, 3
    (
        np.array([1.0, 3.0, 0.0, -3.0, 0.0, 0.0, 2.0]),
        np.array([[-2.0, -1.0, 0.0, 1.0, 0.0, 3.0, -2.0]]),
        np.array([-1.0]),
        np.array([-1.0]),
        np.zeros(7, dtype=bool),
    ),
    False,
)
def test_the_optimum_of_every_pure_01_milp(milp: tuple, proving: bool) -> None:
    """With every column whole: the optimum and its bound equal the best of all 0-1 vectors, and
    the model is infeasible exactly when none of them keeps to the rows; with or without the
    heuristic a proving MILP leaves out."""
    objective, matrix, lower, upper, _ = milp
    best = None
    for bits in itertools.product((0.0, 1.0), repeat=objective.size):
        x = np.array(bits)
        rows = matrix @ x
        if (rows >= lower).all() and (rows <= upper).all():
            best = objective @ x if best is None else max(best, objective @ x)
    solved = maximise_milp(
        objective, sp.csr_matrix(matrix), lower, upper, np.ones(objective.size, bool), 10, proving
    )
    if best is None:
        assert solved.infeasible and solved.x is None
        return
    assert not solved.infeasible and solved.x is not None and solved.bound is not None
    assert np.isclose(objective @ solved.x, best) and np.isclose(solved.bound, best)
    rows = matrix @ solved.x  # within HiGHS's tolerances (1e-6 on each row and on integrality)
    assert (rows >= lower - 1e-5).all() and (rows <= upper + 1e-5).all()
    assert np.allclose(solved.x, np.rint(solved.x), rtol=0, atol=1e-5)


@settings(max_examples=100, deadline=None)
@given(small_milps(), st.booleans())
def test_the_bound_is_never_below_a_feasible_vector(milp: tuple, proving: bool) -> None:
    """With some columns continuous: no 0-1 vector keeping to the rows is better than the bound, the
    solution returned keeps to them, and its whole columns are whole."""
    objective, matrix, lower, upper, integer = milp
    solved = maximise_milp(objective, sp.csr_matrix(matrix), lower, upper, integer, 10, proving)
    for bits in itertools.product((0.0, 1.0), repeat=objective.size):
        x = np.array(bits)
        rows = matrix @ x
        if (rows >= lower).all() and (rows <= upper).all():
            assert not solved.infeasible
            assert solved.bound is not None and objective @ x <= solved.bound + 1e-6
    if solved.x is not None:
        # Within HiGHS's tolerances (1e-6 on each row and on integrality).
        rows = matrix @ solved.x
        assert (rows >= lower - 1e-5).all() and (rows <= upper + 1e-5).all()
        assert np.allclose(solved.x[integer], np.rint(solved.x[integer]), rtol=0, atol=1e-5)
        assert solved.bound is not None and objective @ solved.x <= solved.bound + 1e-6


@settings(max_examples=100, deadline=None)
@given(small_milps(), st.integers(0, 6))
@example(  # HiGHS stopped at 4 within its gap of 2, and the bound was clipped to that plan: the optimum is 5
    (
        np.array([0.0, 0.0, 0.0, 0.0, -1.0, 4.0, -1.0, -1.0, 2.0]),
        np.array([[0.0, 0.0, 0.0, -1.0, -1.0, -2.0, 1.0, 2.0, -1.0]]),
        np.array([-2.0]),
        np.array([-1.0]),
        np.zeros(9, dtype=bool),
    ),
    2,
)
def test_a_milp_allowed_to_stop_early_stops_within_that_much_of_the_optimum(milp: tuple, enough: int) -> None:
    """With ``enough``: the plan returned is no more than that below the best 0-1 vector, and the
    bound still lies above every one of them."""
    objective, matrix, lower, upper, _ = milp
    whole = np.ones(objective.size, dtype=bool)
    feasible = [
        objective @ np.array(bits)
        for bits in itertools.product((0.0, 1.0), repeat=objective.size)
        if ((rows := matrix @ np.array(bits)) >= lower).all() and (rows <= upper).all()
    ]
    solved = maximise_milp(objective, sp.csr_matrix(matrix), lower, upper, whole, 10, enough=enough)
    if not feasible:
        assert solved.infeasible
        return
    assert solved.x is not None and solved.bound is not None
    assert (
        max(feasible) - enough - 1e-6 <= objective @ solved.x <= max(feasible) + 1e-6 <= solved.bound + 2e-6
    )


def test_the_network_scipys_highs_got_wrong() -> None:
    """Most placed, then heaviest, on the network where SciPy 1.17.1's HiGHS with presolve returned
    a plan 113 weight units below the optimum as optimal: the same optimum as the reference."""
    table = random_table(np.random.default_rng(367830), 23, 23, density=0.25)
    n = table.n_pairs
    matrix, upper = placement_rows(table)
    lower = np.full(upper.size, -np.inf)
    whole = np.ones(n, dtype=bool)
    most = maximise_milp(np.ones(n), matrix, lower, upper, whole, 30)
    assert most.x is not None
    placed = round(most.x.sum())
    # The weight's stage as SciPy got it wrong: the count as a row "at least placed - 0.5".
    counted = sp.vstack([matrix, sp.csr_matrix(np.ones((1, n)))]).tocsr()
    weight = integer_weight(table.score)
    heaviest = maximise_milp(
        weight.astype(float), counted, np.r_[lower, placed - 0.5], np.r_[upper, np.inf], whole, 30
    )
    assert heaviest.x is not None and heaviest.bound is not None
    expected = reference(table)
    assert placed == expected.placed
    assert round(weight @ heaviest.x) == expected.weight
    assert np.floor(heaviest.bound + 1e-6) == expected.weight


def test_an_lp_has_its_optimum_as_bound_and_a_spent_time_limit_no_plan() -> None:
    """No whole column: the LP's optimum is the bound. No time at all: no solution and no bound."""
    matrix = sp.csr_matrix(np.array([[1.0, 1.0]]))
    solved = maximise_milp(np.array([2.0, 3.0]), matrix, np.zeros(1), np.array([1.5]), np.zeros(2, bool), 10)
    assert solved.x is not None and np.allclose(solved.x, [0.5, 1.0])
    assert solved.bound == 3.0 + 1.0
    table = random_table(np.random.default_rng(1), 60, 60, density=0.3)
    n = table.n_pairs
    rows, upper = placement_rows(table)
    stopped = maximise_milp(np.ones(n), rows, np.zeros(upper.size), upper, np.ones(n, bool), 0.0)
    assert not stopped.infeasible and stopped.x is None and stopped.bound is None


def test_a_kept_lp_is_solved_again_after_its_runs_add_up_to_more_than_the_limit() -> None:
    """HiGHS's ``time_limit`` is on an instance's run time over all its runs: a kept LP re-solved with
    a limit below its runs so far must still be solved, not stopped at once (``highs.run_for``)."""
    rng = np.random.default_rng(0)
    columns = sp.random(300, 1500, density=0.2, format="csc", random_state=rng)
    lp = KeptLp(np.full(300, -np.inf), np.full(300, 5.0), {"solver": "simplex"})
    lp.add_columns(rng.random(1500), columns.indptr[:-1], columns.indices, columns.data)
    first = lp.solve(time_limit=60.0)
    ran, first_value = lp.highs.getRunTime(), lp.highs.getInfo().objective_function_value
    assert first is not None and ran > 0
    # One column in one row: tens of pivots from the last basis (about a tenth of the first solve's time).
    lp.add_columns(np.array([10.0]), np.array([0]), np.array([0]), np.array([1.0]))
    again = lp.solve(time_limit=ran / 2)
    assert again is not None
    assert lp.highs.getInfo().objective_function_value > first_value
