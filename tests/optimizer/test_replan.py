"""Re-planning: most placed, then fewest moves from the approved plan, then score, against the MILP."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from features.errors import InputError
from optimizer import PlacementProblem, SolveParams, replan, solve_placement
from tests.optimizer.util import assert_feasible, make_table, pair_tables, reference


@settings(max_examples=120, deadline=None)
@given(table=pair_tables(max_students=7, max_companies=4), data=st.data())
def test_fewest_moves_while_placing_the_most(table, data) -> None:
    students = data.draw(
        st.lists(st.integers(0, table.n_students - 1), unique=True, max_size=table.n_students)
    )
    previous = {}
    for i in students:  # any company, eligible or not, or one that has left the network
        j = data.draw(st.integers(-1, table.n_companies - 1))
        previous[str(table.student_ids[i])] = "C999" if j < 0 else str(table.company_ids[j])
    locks = []
    if table.n_pairs and data.draw(st.booleans()):
        k = data.draw(st.integers(0, table.n_pairs - 1))
        locks = [(int(table.student[k]), int(table.company[k]))]
    try:
        problem = PlacementProblem.build(
            table, [(str(table.student_ids[s]), str(table.company_ids[c])) for s, c in locks]
        )
    except InputError:
        assume(False)
    out = replan(problem, previous)

    company_at = {str(c): j for j, c in enumerate(table.company_ids.tolist())}
    keeps = np.array(
        [
            company_at.get(previous.get(str(table.student_ids[s]), ""), -2) == c
            for s, c in zip(table.student.tolist(), table.company.tolist(), strict=True)
        ],
        dtype=float,
    )
    weight = np.rint(table.score * 100)
    expected = reference(table, locks, stages=[keeps, weight])
    assert out.result.status == "OPTIMAL"
    assert out.result.placed == expected.placed
    assert len(out.moves) == len(previous) - int(keeps[expected.chosen].sum())
    assert round(out.result.objective_score * 100) == expected.weight
    assert out.moves_lower_bound == len(out.moves)
    assert out.kept + len(out.moves) == len(previous)
    assert_feasible(table, out.result.pair_of_student, locks)


def test_a_company_withdraws_and_only_its_students_move() -> None:
    # C001 (two places) withdraws; C002 has two places and C003 one, so three of four can stay placed.
    table = make_table(
        4,
        3,
        student=[0, 0, 1, 1, 2, 2, 3, 3],
        company=[0, 2, 0, 1, 1, 2, 1, 2],
        score=[90.0, 60.0, 85.0, 70.0, 80.0, 95.0, 75.0, 50.0],
        load=[0] * 8,
        capacity=[2, 2, 1],
        mentor_capacity=[0, 0, 0],
    )
    approved = solve_placement(PlacementProblem.build(table)).plan()
    assert approved == {"S001": "C001", "S002": "C001", "S003": "C003", "S004": "C002"}
    withdrawn = dataclasses.replace(table, capacity=np.array([0, 2, 1]))
    out = replan(PlacementProblem.build(withdrawn), approved)
    assert out.result.placed == solve_placement(PlacementProblem.build(withdrawn)).placed == 3
    # Only C001's students move: S002 to C002's free place, S001 has nowhere left (C003 stays S003's).
    assert {(m.student_id, m.from_company_id, m.to_company_id) for m in out.moves} == {
        ("S001", "C001", None),
        ("S002", "C001", "C002"),
    }
    assert out.kept == 2 and out.moves_lower_bound == 2


def test_students_who_left_are_reported_and_new_students_are_not_moves() -> None:
    table = make_table(2, 1, [0, 1], [0, 0], [70.0, 90.0], [0, 0], [2], [0])
    out = replan(PlacementProblem.build(table), {"S001": "C001", "S777": "C001"})
    assert out.departed == ("S777",)
    assert out.moves == ()
    assert out.result.plan() == {"S001": "C001", "S002": "C001"}


def test_replanning_cannot_use_the_fairness_objective() -> None:
    table = make_table(1, 1, [0], [0], [70.0], [0], [1], [0])
    with pytest.raises(InputError, match="cannot be combined with a previous plan"):
        replan(PlacementProblem.build(table), {}, SolveParams(objective="fairness"))
