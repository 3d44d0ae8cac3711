"""Blocking pairs of a plan: a student and a company that would both rather have each other.

A pair (S, C) blocks the plan when it is eligible, not forbidden, S is not locked
(a lock is the consultants' decision) and S is not already at C, and

- S prefers C: S is unplaced, or S's score at C is higher than at S's company; and
- C prefers S: C has a free place and enough mentor capacity left for S, or C has a
  student L (not locked) whose score at C is lower than S's, and swapping L for S
  fits C's mentor capacity.

Blocking pairs show where a consultant can contest the plan: the optimizer chose
otherwise to place more students or a higher total score (or, with the fairness
objective, a higher lowest score).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.problem import PlacementProblem


@dataclass(frozen=True)
class BlockingPair:
    """One blocking pair; ``displaces`` is the student C would give up (None: a free place)."""

    student_id: str
    company_id: str
    score: float
    current_company_id: str | None
    current_score: float | None
    displaces: str | None


def blocking_mask(problem: PlacementProblem, pair_of_student: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(blocking, displaced)`` over all pairs: which pairs block the plan, and the pair index of the
    student each would displace (-1 for a free place, or if not blocking)."""
    pairs = problem.pairs
    score = pairs.score
    load = pairs.support_load
    chosen = pair_of_student[pair_of_student >= 0]
    current = pair_of_student[pairs.student]
    student_prefers = (current < 0) | (score > score[np.maximum(current, 0)])
    candidate = problem.allowed & (current != np.arange(pairs.n_pairs)) & student_prefers

    count = np.bincount(pairs.company[chosen], minlength=pairs.n_companies)
    used = np.bincount(pairs.company[chosen], weights=load[chosen], minlength=pairs.n_companies)
    room = pairs.mentor_capacity - used
    free_place = (count[pairs.company] < pairs.capacity[pairs.company]) & (load <= room[pairs.company])

    # The students a company could give up: its placements that are not locked, sorted by score.
    movable = chosen[~problem.locked[pairs.student[chosen]]]
    order = np.lexsort((score[movable], pairs.company[movable]))
    movable = movable[order]
    companies = pairs.company[movable]
    starts = np.searchsorted(companies, np.arange(pairs.n_companies))
    ends = np.searchsorted(companies, np.arange(pairs.n_companies), side="right")
    displaced = np.full(pairs.n_pairs, -1, dtype=np.int64)
    replace = np.zeros(pairs.n_pairs, dtype=bool)
    deepest = int((ends - starts).max(initial=0))
    look = np.flatnonzero(candidate & ~free_place)
    for rank in range(deepest):  # the lowest-scoring movable student first
        at = starts[pairs.company[look]] + rank
        present = at < ends[pairs.company[look]]
        other = movable[np.minimum(at, max(movable.size - 1, 0))] if movable.size else at
        fits = (
            present
            & (score[other] < score[look])
            & (load[look] - load[other] <= room[pairs.company[look]])
            & ~replace[look]
        )
        displaced[look[fits]] = other[fits]
        replace[look[fits]] = True
    blocking = candidate & (free_place | replace)
    displaced[~blocking | free_place] = -1
    return blocking, displaced


def blocking_pairs(problem: PlacementProblem, pair_of_student: np.ndarray) -> list[BlockingPair]:
    """Every blocking pair of the plan, best score first."""
    pairs = problem.pairs
    blocking, displaced = blocking_mask(problem, pair_of_student)
    found = np.flatnonzero(blocking)
    found = found[np.argsort(-pairs.score[found], kind="stable")]
    out = []
    for k in found.tolist():
        i = int(pairs.student[k])
        current = int(pair_of_student[i])
        out.append(
            BlockingPair(
                student_id=str(pairs.student_ids[i]),
                company_id=str(pairs.company_ids[pairs.company[k]]),
                score=float(pairs.score[k]),
                current_company_id=None if current < 0 else str(pairs.company_ids[pairs.company[current]]),
                current_score=None if current < 0 else float(pairs.score[current]),
                displaces=None if displaced[k] < 0 else str(pairs.student_ids[pairs.student[displaced[k]]]),
            )
        )
    return out
