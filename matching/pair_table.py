"""The contract between matching/ and optimizer/: every eligible pair as aligned arrays.

``matching.pairs.eligible_pairs(network, ...)`` builds it; the optimizer, the
gap analysis and ``stu-match pairs`` read it. Indices refer to positions in
``student_ids`` and ``company_ids`` (the order of the network's files).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, eq=False)
class PairTable:
    student_ids: np.ndarray  # (n_students,) str
    company_ids: np.ndarray  # (n_companies,) str
    student: np.ndarray  # (n_pairs,) int32, index into student_ids
    company: np.ndarray  # (n_pairs,) int32, index into company_ids
    score: np.ndarray  # (n_pairs,) float64 in [0, 100]
    travel_minutes: np.ndarray  # (n_pairs,) float64
    support_load: np.ndarray  # (n_pairs,) int8 >= 0: mentor hours per week the student needs there
    capacity: np.ndarray  # (n_companies,) int64 >= 0: internship slots
    mentor_capacity: np.ndarray  # (n_companies,) int64 >= 0: mentor hours per week the company can give
    reason_codes: tuple[str, ...] = ()  # ineligibility rules, in column order of the counts below
    ineligible_counts: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    # (n_students, len(reason_codes)): how many companies each rule ruled out for each student

    @property
    def n_pairs(self) -> int:
        return int(self.student.shape[0])

    @property
    def n_students(self) -> int:
        return int(self.student_ids.shape[0])

    @property
    def n_companies(self) -> int:
        return int(self.company_ids.shape[0])
