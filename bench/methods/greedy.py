"""Greedy, best pair first: what a consultant does by hand.

Take the pairs from the highest score down and place a student at a company
whenever the student is still free, the company has a slot left and enough
mentor capacity for the student's support load. Ties go to the lower student,
then the lower company index, so the plan is deterministic.
"""

from __future__ import annotations

import numpy as np

from bench.problem import BenchProblem

CHUNK = 1 << 20
"""Pairs converted to Python lists at a time: lists are fast to loop over but large in memory."""


def solve_greedy(problem: BenchProblem) -> np.ndarray:
    """The greedy plan, as a boolean mask over the pairs."""
    usable = (problem.capacity[problem.company] > 0) & (
        problem.load <= problem.mentor_capacity[problem.company]
    )
    candidates = np.flatnonzero(usable)
    # Highest weight first, then the lower student, then the lower company (lexsort: last key first).
    order = candidates[
        np.lexsort((problem.company[candidates], problem.student[candidates], -problem.weight[candidates]))
    ]
    free = [True] * problem.n_students
    slots = problem.capacity.tolist()
    mentor = problem.mentor_capacity.tolist()
    students_left = problem.n_students
    open_companies = sum(1 for c in slots if c > 0)
    picked: list[int] = []
    for start in range(0, order.shape[0], CHUNK):
        block = order[start : start + CHUNK]
        for k, i, j, load in zip(
            block.tolist(),
            problem.student[block].tolist(),
            problem.company[block].tolist(),
            problem.load[block].tolist(),
            strict=True,
        ):
            if not free[i] or slots[j] == 0 or mentor[j] < load:
                continue
            free[i] = False
            slots[j] -= 1
            mentor[j] -= load
            picked.append(k)
            students_left -= 1
            open_companies -= slots[j] == 0
        if students_left == 0 or open_companies == 0:
            break
    chosen = np.zeros(problem.n_pairs, dtype=bool)
    chosen[np.asarray(picked, dtype=np.int64)] = True
    return chosen
