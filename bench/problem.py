"""The numbers every method sees: eligible pairs with integer weights, loads and company limits.

Scores are scaled to integers once, here, with the optimizer's own ``weights_from_scores``,
so that every method optimises and is scored on the same integers and totals
are comparable. A problem is stored as one ``.npz`` file, so each method can run
in its own process (for an honest peak-memory figure) on identical data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from matching.pair_table import PairTable
from optimizer.problem import SCORE_SCALE, weights_from_scores


@dataclass(frozen=True, eq=False)
class BenchProblem:
    """One benchmark instance: aligned pair arrays and per-company limits, all int64."""

    n_students: int
    n_companies: int
    student: np.ndarray  # (n_pairs,) index of the student
    company: np.ndarray  # (n_pairs,) index of the company
    weight: np.ndarray  # (n_pairs,) integer score, ``scale`` units per score point
    load: np.ndarray  # (n_pairs,) mentor capacity the student would use
    capacity: np.ndarray  # (n_companies,) internship slots
    mentor_capacity: np.ndarray  # (n_companies,)
    scale: int

    @property
    def n_pairs(self) -> int:
        return int(self.student.shape[0])

    @staticmethod
    def from_pairs(pairs: PairTable) -> BenchProblem:
        """The problem of a pair table, with scores scaled exactly as the optimizer scales them."""
        return BenchProblem(
            n_students=pairs.n_students,
            n_companies=pairs.n_companies,
            student=np.asarray(pairs.student, dtype=np.int64),
            company=np.asarray(pairs.company, dtype=np.int64),
            weight=weights_from_scores(pairs.score),
            load=np.asarray(pairs.support_load, dtype=np.int64),
            capacity=np.asarray(pairs.capacity, dtype=np.int64),
            mentor_capacity=np.asarray(pairs.mentor_capacity, dtype=np.int64),
            scale=SCORE_SCALE,
        )

    def write(self, path: str | os.PathLike[str]) -> None:
        arrays: dict[str, np.ndarray] = {f.name: np.asarray(getattr(self, f.name)) for f in fields(self)}
        np.savez(path, **arrays)  # type: ignore[arg-type]

    @staticmethod
    def read(path: str | os.PathLike[str]) -> BenchProblem:
        with np.load(path) as data:
            values = {f.name: data[f.name] for f in fields(BenchProblem)}
        for name in ("n_students", "n_companies", "scale"):
            values[name] = int(values[name])
        for name in ("student", "company", "weight", "load", "capacity", "mentor_capacity"):
            values[name] = np.asarray(values[name], dtype=np.int64)
        return BenchProblem(**values)

    def mentor_can_bind(self) -> np.ndarray:
        """Companies whose mentor limit can matter: their ``capacity`` heaviest eligible loads exceed it."""
        order = np.lexsort((-self.load, self.company))
        company = self.company[order]
        counts = np.bincount(company, minlength=self.n_companies)
        rank = np.arange(company.shape[0]) - (np.cumsum(counts) - counts)[company]
        top = rank < self.capacity[company]
        top_load = np.bincount(company[top], weights=self.load[order][top], minlength=self.n_companies)
        return top_load > self.mentor_capacity


PAIR_TABLE_ARRAYS = (
    "student_ids",
    "company_ids",
    "student",
    "company",
    "score",
    "travel_minutes",
    "support_load",
    "capacity",
    "mentor_capacity",
    "ineligible_counts",
)


def pairs_path(problem_path: str | os.PathLike[str]) -> Path:
    """Where the pair table behind a stored problem is kept (beside it)."""
    path = Path(problem_path)
    return path.with_name(path.stem + ".pairs.npz")


def write_pair_table(pairs: PairTable, path: str | os.PathLike[str]) -> None:
    """The pair table as it came from ``eligible_pairs``, so the optimizer gets exactly its own input."""
    arrays = {name: np.asarray(getattr(pairs, name)) for name in PAIR_TABLE_ARRAYS}
    np.savez(path, reason_codes=np.asarray(pairs.reason_codes, dtype=str), **arrays)  # type: ignore[arg-type]


def read_pair_table(path: str | os.PathLike[str]) -> PairTable:
    with np.load(path) as data:
        arrays = {name: data[name] for name in PAIR_TABLE_ARRAYS}
        reason_codes = tuple(str(code) for code in data["reason_codes"])
    return PairTable(reason_codes=reason_codes, **arrays)
