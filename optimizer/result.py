"""What a solve returns: the plan, its value, the proven bound, and how it was found."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from optimizer.problem import SCORE_SCALE, PlacementProblem

Status = Literal["OPTIMAL", "FEASIBLE"]


@dataclass(frozen=True)
class Assignment:
    """One placement of the plan."""

    student_id: str
    company_id: str
    score: float
    travel_minutes: float
    locked: bool
    interest_rank: int | None = (
        None  # 1 = the student's first choice of industry; None: outside the interests
    )

    def as_dict(self) -> dict[str, Any]:
        return {
            "student_id": self.student_id,
            "company_id": self.company_id,
            "score": round(self.score, 2),
            "travel_minutes": round(self.travel_minutes, 1),
            "locked": self.locked,
            "interest_rank": self.interest_rank,
        }


@dataclass(frozen=True, eq=False)
class PlacementResult:
    """A placement plan with its status and proven bound.

    ``status`` is OPTIMAL when the plan is proven best for the objective, else
    FEASIBLE (a time limit was hit) with ``placed_bound`` (no plan places more) and,
    when ``placed_bound == placed``, ``score_bound`` (no plan placing as many has a
    higher total score). ``gap`` is relative, on the first criterion that is not
    closed: the number placed, else the total score (fairness: the lowest score).
    Scores are the pair table's floats; the optimizer uses them to 0.01 points.
    """

    problem: PlacementProblem = field(repr=False)
    status: Status
    objective: str
    pair_of_student: np.ndarray  # (n_students,) int64 pair index, -1 if unplaced
    placed_bound: int
    score_bound: float | None
    min_score_bound: float | None  # fairness only: no max-count plan has a higher lowest score
    solve_seconds: float
    interest_bound: int | None = None  # count-interest-score: no max-count plan has more within interests
    stats: dict[str, float] = field(default_factory=dict)
    carried_over: bool = False  # an earlier problem's proven plan, still proven here (not solved again)

    @property
    def students(self) -> int:
        return self.problem.n_students

    @property
    def placed(self) -> int:
        return int((self.pair_of_student >= 0).sum())

    @property
    def company_of_student(self) -> np.ndarray:
        """(n_students,) company index of each student, -1 if unplaced."""
        out = np.full(self.pair_of_student.shape[0], -1, dtype=np.int64)
        placed = self.pair_of_student >= 0
        out[placed] = self.problem.pairs.company[self.pair_of_student[placed]]
        return out

    @property
    def chosen_pairs(self) -> np.ndarray:
        """Pair indices of the placements."""
        return self.pair_of_student[self.pair_of_student >= 0]

    @property
    def objective_score(self) -> float:
        """The optimised total score: the sum of the placements' scores at 0.01-point resolution."""
        return int(self.problem.weight[self.chosen_pairs].sum()) / SCORE_SCALE

    @property
    def total_score(self) -> float:
        return float(self.problem.pairs.score[self.chosen_pairs].sum())

    @property
    def min_score(self) -> float | None:
        """The lowest score among the students the optimizer placed (locked ones excluded)."""
        free = self.chosen_pairs[~self.problem.locked[self.problem.pairs.student[self.chosen_pairs]]]
        return None if free.size == 0 else float(self.problem.pairs.score[free].min())

    @property
    def in_interest(self) -> int:
        """Placements within the student's own interests."""
        return int(self.problem.in_interest[self.chosen_pairs].sum())

    def summed_value(self) -> tuple[int, int, int]:
        """The plan's worth under ``count-then-score`` or ``count-interest-score``, to compare plans of
        one problem: placed, within interests (0 for ``count-then-score``), total weight."""
        interests = self.in_interest if self.objective == "count-interest-score" else 0
        return self.placed, interests, int(self.problem.weight[self.chosen_pairs].sum())

    def at_least(self, plan: np.ndarray) -> PlacementResult:
        """This result, or ``plan`` (each student's pair: a plan of this problem that keeps its
        decisions) with this result's bounds where it is worth more under a summed objective
        (``SUMMED_OBJECTIVES``): a plan cut short never falls below one known before. OPTIMAL when
        the plan kept meets every bound."""
        other = dataclasses.replace(self, pair_of_student=np.asarray(plan, dtype=np.int64))
        value = other.summed_value()
        if value <= self.summed_value():
            return self
        placed, interests, weight = value
        proven = (
            placed >= self.placed_bound
            and (
                self.objective != "count-interest-score"
                or (self.interest_bound is not None and self.interest_bound <= interests)
            )
            and self.score_bound is not None
            and round(self.score_bound * SCORE_SCALE) <= weight
        )
        return dataclasses.replace(other, status="OPTIMAL" if proven else self.status)

    @property
    def gap(self) -> float:
        if self.placed_bound > self.placed:
            return (self.placed_bound - self.placed) / self.placed_bound
        if self.interest_bound is not None and self.interest_bound > self.in_interest:
            return (self.interest_bound - self.in_interest) / self.interest_bound
        if self.objective == "fairness" and self.min_score_bound is not None:
            low = self.min_score or 0.0
            return max(0.0, self.min_score_bound - low) / max(self.min_score_bound, 1e-9)
        if self.score_bound is None:
            return 0.0
        return max(0.0, self.score_bound - self.objective_score) / max(self.score_bound, 1e-9)

    def assignments(self) -> list[Assignment]:
        pairs = self.problem.pairs
        locked = self.problem.locked
        out = []
        for i in np.flatnonzero(self.pair_of_student >= 0).tolist():
            k = int(self.pair_of_student[i])
            out.append(
                Assignment(
                    student_id=str(pairs.student_ids[i]),
                    company_id=str(pairs.company_ids[pairs.company[k]]),
                    score=float(pairs.score[k]),
                    travel_minutes=float(pairs.travel_minutes[k]),
                    locked=bool(locked[i]),
                    interest_rank=int(self.problem.interest_rank[k]) or None,
                )
            )
        return out

    def unplaced_ids(self) -> list[str]:
        return [str(self.problem.pairs.student_ids[i]) for i in np.flatnonzero(self.pair_of_student < 0)]

    def plan(self) -> dict[str, str]:
        """student_id -> company_id of every placement."""
        return {a.student_id: a.company_id for a in self.assignments()}

    def summary(self) -> dict[str, Any]:
        """The headline figures, JSON-ready."""
        return {
            "status": self.status,
            "objective": self.objective,
            "placed": self.placed,
            "students": self.students,
            "in_interest": self.in_interest,
            "in_interest_bound": self.interest_bound,
            "objective_score": round(self.objective_score, 2),
            "min_score": None if self.min_score is None else round(self.min_score, 2),
            "placed_bound": self.placed_bound,
            "score_bound": None if self.score_bound is None else round(self.score_bound, 2),
            "min_score_bound": None if self.min_score_bound is None else round(self.min_score_bound, 2),
            "gap": round(self.gap, 6),
            "solve_seconds": round(self.solve_seconds, 3),
        }


@dataclass(frozen=True)
class Move:
    """A student whose placement changes between two plans (a company ID of None: no place)."""

    student_id: str
    from_company_id: str | None
    to_company_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"student_id": self.student_id, "from": self.from_company_id, "to": self.to_company_id}


@dataclass(frozen=True, eq=False)
class ReplanResult:
    """A new plan close to an approved one: the result, the moves, and the proven least number of moves."""

    result: PlacementResult
    moves: tuple[Move, ...]
    moves_lower_bound: int  # no plan placing as many students moves fewer (equal to len(moves) when proven)
    departed: tuple[str, ...]  # students of the approved plan who are no longer in the data
    kept: int  # students of the approved plan who keep their company
