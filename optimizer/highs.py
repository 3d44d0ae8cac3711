"""HiGHS (``highspy``): instances that write nothing to the process's standard output, and the
optimizer's own MILPs."""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import highspy
    from scipy.sparse import sparray, spmatrix


def quiet_highs() -> highspy.Highs:
    """A HiGHS instance that writes nothing: its constructor prints a banner on the process's standard
    output (file descriptor 1, under the CLI's Danish text) before any option can turn it off."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        highs = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
    highs.setOptionValue("output_flag", False)
    return highs


def run_for(highs: highspy.Highs, seconds: float) -> None:
    """``highs.run()`` for at most ``seconds`` more.

    HiGHS's ``time_limit`` is on the instance's run time summed over all its runs
    (``getRunTime``), not on this run's: a model kept and re-solved (column generation, the set
    master) would otherwise stop with ``kTimeLimit`` at once, at any later deadline, once its runs
    add up to the limit last set."""
    highs.setOptionValue("time_limit", highs.getRunTime() + max(float(seconds), 0.0))
    highs.run()


class KeptLp:
    """An LP ``max cost . x`` with ``lower <= rows <= upper`` and every ``x`` in ``[0, 1]``, kept in
    HiGHS while column generation adds columns (the rows never change).

    The first solve runs with ``first_options``; the later ones are HiGHS's primal simplex from the last
    basis, which the new columns, at zero, keep feasible: milliseconds a round where a fresh solve takes
    tenths of a second (``count_bound._PairLp``, ``count_vectors._MixLp``)."""

    def __init__(self, lower: np.ndarray, upper: np.ndarray, first_options: dict[str, str | int]) -> None:
        import highspy

        self.highs = quiet_highs()
        self.highs.addRows(
            upper.size, lower, upper, 0, np.zeros(upper.size, np.int32), np.zeros(0, np.int32), np.zeros(0)
        )
        self.highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.first_options = first_options
        self.solves = 0

    def add_columns(
        self, cost: np.ndarray, starts: np.ndarray, index: np.ndarray, values: np.ndarray
    ) -> None:
        """Columns of objective ``cost``, column ``c``'s entries ``index[starts[c]:starts[c + 1]]`` (rows)
        with ``values`` (the last column's run to the end)."""
        self.highs.addCols(
            cost.size,
            cost.astype(np.float64),
            np.zeros(cost.size),
            np.ones(cost.size),
            index.size,
            starts.astype(np.int32),
            index.astype(np.int32),
            values.astype(np.float64),
        )

    def solve(self, time_limit: float) -> highspy.HighsSolution | None:
        """The optimum on the columns so far (values and duals; in this maximisation the duals of the
        ``<=`` rows are ``>= 0``), or None if HiGHS did not reach it within ``time_limit`` seconds."""
        import highspy

        primal: dict[str, str | int] = {"solver": "simplex", "simplex_strategy": 4}
        options = self.first_options if self.solves == 0 else primal
        for name, value in options.items():
            self.highs.setOptionValue(name, value)
        run_for(self.highs, time_limit)
        self.solves += 1
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return self.highs.getSolution()


PROVING_OPTIONS: dict[str, bool] = {"mip_heuristic_run_root_reduced_cost": False}
"""HiGHS's options for a MILP there for its bound (``maximise_milp(proving=True)``)."""


@dataclass(frozen=True, eq=False)
class MilpSolved:
    """What HiGHS's MILP returned: ``x`` (None if it found no solution), its ``bound`` on the
    objective (the dual bound: no solution is better; None if it has none) and whether the model
    has no solution at all (``infeasible``)."""

    x: np.ndarray | None
    bound: float | None
    infeasible: bool


def maximisation(
    objective: np.ndarray,
    matrix: spmatrix | sparray,
    lower: np.ndarray,
    upper: np.ndarray,
    integer: np.ndarray,
) -> highspy.HighsLp:
    """The model ``max objective . x`` with ``lower <= matrix x <= upper``, every ``x`` in ``[0, 1]``
    and whole where ``integer``, for ``Highs.passModel``."""
    import highspy
    from scipy.sparse import csc_matrix

    columns = csc_matrix(matrix)
    model = highspy.HighsLp()
    model.num_row_, model.num_col_ = columns.shape
    model.sense_ = highspy.ObjSense.kMaximize
    model.col_cost_ = np.asarray(objective, dtype=np.float64)
    model.col_lower_, model.col_upper_ = np.zeros(model.num_col_), np.ones(model.num_col_)
    model.row_lower_ = np.asarray(lower, dtype=np.float64)
    model.row_upper_ = np.asarray(upper, dtype=np.float64)
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = columns.indptr
    model.a_matrix_.index_ = columns.indices
    model.a_matrix_.value_ = columns.data.astype(np.float64)
    whole, fractional = highspy.HighsVarType.kInteger, highspy.HighsVarType.kContinuous
    model.integrality_ = [whole if flag else fractional for flag in np.asarray(integer, dtype=bool)]
    return model


def maximise_milp(
    objective: np.ndarray,
    matrix: spmatrix | sparray,
    lower: np.ndarray,
    upper: np.ndarray,
    integer: np.ndarray,
    time_limit: float,
    proving: bool = False,
    enough: float = 0.0,
) -> MilpSolved:
    """``max objective . x`` with ``lower <= matrix x <= upper`` and every ``x`` in ``[0, 1]``, whole
    where ``integer``: HiGHS (``highspy``) with no relative gap, within ``time_limit`` seconds.

    ``enough``: HiGHS may stop once its plan lies within this much of its bound (its absolute gap);
    0, the default, asks for the optimum.

    ``proving``: the MILP is there for its bound more than its plan (the knapsack proof's last MILP,
    which a plan at most a few weight units lighter than the optimum precedes), and HiGHS runs without
    its root reduced-cost heuristic, a sub-MIP between the root's cut rounds that found nothing those
    MILPs needed: on 1,700 x 900 seed 5 the last MILP took 7-8.5 s instead of 11-13 s, the whole solve
    14.6-14.75 s instead of 20.5 s (docs/optimizer-measurements.md, *thirty-fourth session*).

    ``highspy`` (1.16 or later) rather than ``scipy.optimize.milp``: SciPy 1.17.1's bundled HiGHS
    1.12, with presolve on, called a plan 113 weight units below the optimum optimal (the tests'
    ``random_table(default_rng(367830), 23, 23, density=0.25)``), and these dual bounds prove plans
    OPTIMAL; HiGHS 1.14.0 has a known presolve fault of the same kind (ERGO-Code/HiGHS#2961, fixed in
    1.15). On the knapsack proof's MILPs the two take about the same time (docs/optimizer-measurements.md,
    *twentieth session*).
    """
    import highspy

    integer = np.asarray(integer, dtype=bool)
    highs = quiet_highs()
    highs.setOptionValue("mip_rel_gap", 0.0)
    if enough > 0:
        highs.setOptionValue("mip_abs_gap", float(enough))
    highs.setOptionValue("time_limit", max(float(time_limit), 0.0))
    for name, value in (PROVING_OPTIONS if proving else {}).items():
        highs.setOptionValue(name, value)
    model = maximisation(objective, matrix, lower, upper, integer)
    highs.passModel(model)
    highs.run()
    status = highs.getModelStatus()
    if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        # Every x lies in [0, 1]: nothing is unbounded.
        return MilpSolved(None, None, infeasible=True)
    info = highs.getInfo()
    found = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    x = np.asarray(highs.getSolution().col_value) if found else None
    if integer.any():
        bound = float(info.mip_dual_bound)
        if status == highspy.HighsModelStatus.kOptimal and found and enough <= 0:
            # HiGHS 1.16 can call a model its presolve solves outright optimal (no node, gap 0) and
            # still report a dual bound above that optimum (``max x1 + 3 x2 - 3 x4 + 2 x7`` with
            # ``-2 x1 - x2 + x4 + 3 x6 - 2 x7 = -1``: optimum 3, dual bound 5; without presolve 3):
            # at an optimum its objective is the bound. Not where ``enough`` let HiGHS stop short of the
            # optimum ("optimal" within that absolute gap): its plan may lie up to ``enough`` below it.
            bound = min(bound, float(info.objective_function_value))
    elif status == highspy.HighsModelStatus.kOptimal:  # an LP: its optimum is the bound
        bound = float(info.objective_function_value)
    else:
        bound = math.nan
    return MilpSolved(x, bound if math.isfinite(bound) else None, infeasible=False)
