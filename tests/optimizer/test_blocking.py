"""Blocking pairs against a plain, pair-by-pair reading of the definition."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer import PlacementProblem, blocking_pairs, solve_placement
from optimizer.blocking import blocking_mask
from tests.optimizer.util import make_table, pair_tables


def random_plan(table, data: st.DataObject) -> np.ndarray:
    """A feasible plan, picked at random (blocking pairs are defined for any plan, not only optimal ones)."""
    plan = np.full(table.n_students, -1, dtype=np.int64)
    count = np.zeros(table.n_companies, dtype=np.int64)
    used = np.zeros(table.n_companies, dtype=np.int64)
    order = data.draw(st.permutations(list(range(table.n_pairs))))
    for k in order:
        i, j, load = int(table.student[k]), int(table.company[k]), int(table.support_load[k])
        fits = plan[i] < 0 and count[j] < table.capacity[j] and used[j] + load <= table.mentor_capacity[j]
        if fits and data.draw(st.booleans()):
            plan[i] = k
            count[j] += 1
            used[j] += load
    return plan


def brute_force(problem: PlacementProblem, plan: np.ndarray) -> set[tuple[int, int]]:
    table = problem.pairs
    found = set()
    for k in range(table.n_pairs):
        i, j = int(table.student[k]), int(table.company[k])
        if problem.forbidden[k] or problem.locked[i] or plan[i] == k:
            continue
        here = table.score[k]
        student_prefers = plan[i] < 0 or here > table.score[plan[i]]
        occupants = [m for m in plan.tolist() if m >= 0 and table.company[m] == j]
        used = sum(int(table.support_load[m]) for m in occupants)
        room = int(table.mentor_capacity[j]) - used
        free = len(occupants) < table.capacity[j] and table.support_load[k] <= room
        swap = any(
            table.score[m] < here
            and not problem.locked[table.student[m]]
            and table.support_load[k] - table.support_load[m] <= room
            for m in occupants
        )
        if student_prefers and (free or swap):
            found.add((i, j))
    return found


@settings(max_examples=150, deadline=None)
@given(table=pair_tables(max_students=7, max_companies=4), data=st.data())
def test_blocking_pairs_match_the_definition(table, data) -> None:
    locks = []
    if table.n_pairs and data.draw(st.booleans()):
        k = data.draw(st.integers(0, table.n_pairs - 1))
        locks = [(str(table.student_ids[table.student[k]]), str(table.company_ids[table.company[k]]))]
    forbids = []
    if table.n_pairs and data.draw(st.booleans()):
        k = data.draw(st.integers(0, table.n_pairs - 1))
        forbids = [(str(table.student_ids[table.student[k]]), str(table.company_ids[table.company[k]]))]
    try:
        problem = PlacementProblem.build(table, locks, [f for f in forbids if f not in locks])
    except ValueError:
        return
    plan = random_plan(table, data)
    plan[problem.locked] = problem.lock_pair[problem.locked]
    mask, _ = blocking_mask(problem, plan)
    got = {(int(table.student[k]), int(table.company[k])) for k in np.flatnonzero(mask)}
    assert got == brute_force(problem, plan)


def test_a_blocking_pair_names_the_student_it_would_displace() -> None:
    # S002 sits at C001 (score 60); S001 scores 90 there but was sent to C002 (score 70).
    table = make_table(2, 2, [0, 0, 1], [0, 1, 0], [90.0, 70.0, 60.0], [0, 0, 0], [1, 1], [0, 0])
    problem = PlacementProblem.build(table)
    plan = np.array([1, 2])
    [pair] = blocking_pairs(problem, plan)
    assert (pair.student_id, pair.company_id, pair.displaces) == ("S001", "C001", "S002")
    assert (pair.current_company_id, pair.current_score) == ("C002", 70.0)
    # This is the optimal plan: only C001 fits S002, so both are placed only this way; the
    # blocking pair is the price of placing one more student, and a consultant can see it.
    best = solve_placement(problem)
    assert best.pair_of_student.tolist() == plan.tolist()
    # Without S002's claim (forbidden at C001) S001 gets C001 and nothing blocks.
    alone = PlacementProblem.build(table, forbids=[("S002", "C001")])
    assert blocking_pairs(alone, solve_placement(alone).pair_of_student) == []
