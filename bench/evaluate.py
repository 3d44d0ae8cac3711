"""What a plan achieves and whether it keeps every limit, checked independently of any solver."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bench.problem import BenchProblem


@dataclass(frozen=True)
class PlanStats:
    """Headline figures of a plan (a boolean mask over the problem's pairs)."""

    placed: int
    weight: int  # total integer weight
    min_weight: int | None  # lowest placed weight, None if nobody is placed
    students_placed_twice: int
    companies_over_capacity: int
    companies_over_mentor: int
    scale: int

    @property
    def total_score(self) -> float:
        return self.weight / self.scale

    @property
    def min_score(self) -> float | None:
        return None if self.min_weight is None else self.min_weight / self.scale

    @property
    def feasible(self) -> bool:
        return (
            self.students_placed_twice == 0
            and self.companies_over_capacity == 0
            and self.companies_over_mentor == 0
        )

    @property
    def within_capacity(self) -> bool:
        return self.students_placed_twice == 0 and self.companies_over_capacity == 0


def plan_stats(problem: BenchProblem, chosen: np.ndarray) -> PlanStats:
    """Placed, total and lowest weight of ``chosen``, and how many limits it breaks."""
    chosen = np.asarray(chosen, dtype=bool)
    if chosen.shape != (problem.n_pairs,):
        raise ValueError(f"a plan must be a mask over the {problem.n_pairs} pairs; got shape {chosen.shape}")
    per_student = np.bincount(problem.student[chosen], minlength=problem.n_students)
    per_company = np.bincount(problem.company[chosen], minlength=problem.n_companies)
    mentor_use = np.bincount(
        problem.company[chosen], weights=problem.load[chosen], minlength=problem.n_companies
    )
    weights = problem.weight[chosen]
    return PlanStats(
        placed=int((per_student > 0).sum()),
        weight=int(weights.sum()),
        min_weight=int(weights.min()) if weights.size else None,
        students_placed_twice=int((per_student > 1).sum()),
        companies_over_capacity=int((per_company > problem.capacity).sum()),
        companies_over_mentor=int((mentor_use > problem.mentor_capacity).sum()),
        scale=problem.scale,
    )
