"""Pinned from a Hypothesis failure: Lagrangian prices made a penalised pair value negative, and the
max-flow shortcut's duals raised FlowError instead of returning the optimal plan."""

from __future__ import annotations

import numpy as np

from matching.pair_table import PairTable
from optimizer.problem import PlacementProblem
from optimizer.solve import solve_placement


def test_one_company_with_tight_mentor_capacity_is_solved_optimally() -> None:
    table = PairTable(
        student_ids=np.array(["S001", "S002", "S003", "S004"]),
        company_ids=np.array(["C001"]),
        student=np.array([0, 1, 2, 3], dtype=np.int32),
        company=np.array([0, 0, 0, 0], dtype=np.int32),
        score=np.array([1.0, 0.0, 0.0, 2.0]),
        travel_minutes=np.full(4, 20.0),
        support_load=np.array([1, 2, 2, 3]),
        capacity=np.array([2]),
        mentor_capacity=np.array([3]),
    )
    result = solve_placement(PlacementProblem.build(table))
    # Two fit (loads 1 + 2 = 3); the student with load 3 alone would place only one.
    assert (result.placed, result.status) == (2, "OPTIMAL")
    assert result.total_score == 1.0
