"""The numeric core of a placement problem: aligned numpy arrays, nothing else.

Every solver in this package (exact, plain CP-SAT, reference) works on an
``Instance``; ``optimizer.problem`` builds one from a ``PairTable`` after the
consultants' locks and forbids are applied.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Instance:
    """Eligible pairs with integer weights (higher is better) and per-company limits.

    ``student``/``company`` index students ``0..n_students-1`` and companies
    ``0..n_companies-1``; ``weight``, ``load`` are per pair; ``capacity`` and
    ``mentor_capacity`` per company.
    """

    n_students: int
    n_companies: int
    student: np.ndarray  # (n_pairs,) int64
    company: np.ndarray  # (n_pairs,) int64
    weight: np.ndarray  # (n_pairs,) int64
    load: np.ndarray  # (n_pairs,) int64 >= 0
    capacity: np.ndarray  # (n_companies,) int64 >= 0
    mentor_capacity: np.ndarray  # (n_companies,) int64 >= 0

    @property
    def n_pairs(self) -> int:
        return int(self.student.shape[0])

    @staticmethod
    def of(
        n_students: int,
        n_companies: int,
        student: np.ndarray,
        company: np.ndarray,
        weight: np.ndarray,
        load: np.ndarray,
        capacity: np.ndarray,
        mentor_capacity: np.ndarray,
    ) -> Instance:
        """An instance with every array converted to int64."""
        return Instance(
            n_students=int(n_students),
            n_companies=int(n_companies),
            student=np.asarray(student, dtype=np.int64),
            company=np.asarray(company, dtype=np.int64),
            weight=np.asarray(weight, dtype=np.int64),
            load=np.asarray(load, dtype=np.int64),
            capacity=np.asarray(capacity, dtype=np.int64),
            mentor_capacity=np.asarray(mentor_capacity, dtype=np.int64),
        )

    def subset(self, pairs: np.ndarray) -> Instance:
        """The same students and companies with only the given pairs (a mask or indices)."""
        return Instance(
            self.n_students,
            self.n_companies,
            self.student[pairs],
            self.company[pairs],
            self.weight[pairs],
            self.load[pairs],
            self.capacity,
            self.mentor_capacity,
        )

    def mentor_use(self, chosen: np.ndarray) -> np.ndarray:
        """Mentor capacity used at each company by the chosen pairs."""
        return np.bincount(
            self.company[chosen], weights=self.load[chosen], minlength=self.n_companies
        ).astype(np.int64)

    def students_at(self, chosen: np.ndarray) -> np.ndarray:
        """Number of chosen students at each company."""
        return np.bincount(self.company[chosen], minlength=self.n_companies).astype(np.int64)

    def is_feasible(self, chosen: np.ndarray) -> bool:
        """True if the chosen pairs respect every student, capacity and mentor limit."""
        once = np.bincount(self.student[chosen], minlength=self.n_students) <= 1
        return bool(
            once.all()
            and (self.students_at(chosen) <= self.capacity).all()
            and (self.mentor_use(chosen) <= self.mentor_capacity).all()
        )

    def mentor_can_bind(self) -> np.ndarray:
        """Companies whose mentor limit can matter: their ``capacity`` heaviest eligible loads exceed it.

        For every other company any set of at most ``capacity`` eligible students fits
        the mentor capacity, so its mentor constraint is redundant.
        """
        order = np.lexsort((-self.load, self.company))
        company_sorted = self.company[order]
        counts = np.bincount(company_sorted, minlength=self.n_companies)
        starts = np.cumsum(counts) - counts
        rank = np.arange(company_sorted.shape[0]) - starts[company_sorted]
        in_top = rank < self.capacity[company_sorted]
        top_load = np.bincount(
            company_sorted[in_top], weights=self.load[order][in_top], minlength=self.n_companies
        )
        return top_load > self.mentor_capacity
