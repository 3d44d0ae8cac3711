"""The numeric core of a placement problem: aligned numpy arrays, nothing else.

The exact solver works on an ``Instance`` (and so does the benchmark's plain
CP-SAT baseline, ``bench/cpsat.py``); ``optimizer.problem`` builds one from a
``PairTable`` after the consultants' locks and forbids are applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

import numpy as np

T = TypeVar("T")

PAIR_CHUNK = 1 << 22
"""Pairs per chunk of a pass over every pair that would otherwise build pair-sized temporaries."""


def in_chunks(n: int, work: Callable[[slice], object]) -> None:
    """Call ``work`` on ``slice(start, start + PAIR_CHUNK)`` for every chunk of ``range(n)``.

    With more than one chunk, in one thread per core (``matching.pairs.scoring_threads``): numpy
    releases the GIL in the array operations of a chunk. ``work`` must write only its own chunk.
    """
    _run([slice(start, start + PAIR_CHUNK) for start in range(0, n, PAIR_CHUNK)], work)


def in_parts(n: int, work: Callable[[slice], T]) -> list[T]:
    """``work`` on one contiguous part of ``range(n)`` per thread (one part below two chunks), in order.

    For passes that reduce: each part returns its own partial result (a count, a maximum), which the
    caller combines; ``work`` goes through its part in chunks (``chunks_of``).
    """
    parts = min(_threads(), max(n // PAIR_CHUNK, 1))
    bounds = [n * k // parts for k in range(parts + 1)]
    return _run([slice(bounds[k], bounds[k + 1]) for k in range(parts)], work)


def bincount_in_parts(n: int, key: Callable[[slice], np.ndarray], size: int) -> np.ndarray:
    """``np.bincount`` (length ``size``) of ``key(chunk)`` over every chunk of ``range(n)``, a part per thread.

    ``key`` maps a chunk of pairs to their small integer keys (no pair-sized int64 key at once)."""

    def count(part: slice) -> np.ndarray:
        counts = np.zeros(size, dtype=np.int64)
        for chunk in chunks_of(part):
            counts += np.bincount(key(chunk), minlength=size)
        return counts

    return sum(in_parts(n, count), np.zeros(size, dtype=np.int64))


def chunks_of(part: slice) -> Iterator[slice]:
    """``part`` (a slice with a start and a stop) in slices of at most ``PAIR_CHUNK``."""
    for start in range(part.start, part.stop, PAIR_CHUNK):
        yield slice(start, min(start + PAIR_CHUNK, part.stop))


def _threads() -> int:
    from matching.pairs import scoring_threads

    return scoring_threads()


def _run(slices: list[slice], work: Callable[[slice], T]) -> list[T]:
    threads = min(_threads(), len(slices))
    if threads <= 1:
        return [work(piece) for piece in slices]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="pair-chunks") as pool:
        return list(pool.map(work, slices))


@dataclass(frozen=True, eq=False)
class Instance:
    """Eligible pairs with integer weights (higher is better) and per-company limits.

    ``student``/``company`` index students ``0..n_students-1`` and companies
    ``0..n_companies-1``; ``weight``, ``load`` are per pair; ``capacity`` and
    ``mentor_capacity`` per company. The loads of a company's students may add up
    to its ``mentor_capacity`` (in the product: mentor hours per week).
    """

    n_students: int
    n_companies: int
    student: np.ndarray  # (n_pairs,) integer (int32 or int64)
    company: np.ndarray  # (n_pairs,) integer
    weight: np.ndarray  # (n_pairs,) int64
    load: np.ndarray  # (n_pairs,) integer >= 0
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
        """An instance with int64 weights and limits; integer index arrays are kept as they are (no copy)."""
        return Instance(
            n_students=int(n_students),
            n_companies=int(n_companies),
            student=_integers(student),
            company=_integers(company),
            weight=np.asarray(weight, dtype=np.int64),
            load=_integers(load),
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

    def best_weight_total(self) -> int:
        """The sum of each student's best (non-negative) weight: no plan has a higher total weight."""
        return sum(best_per_student(self.student, self.weight, self.n_students).tolist())

    def students_with_pairs(self) -> int:
        """How many students have at least one pair (one comparison a pair when grouped by student)."""
        student = self.student
        if student.size == 0:
            return 0
        if bool((student[1:] >= student[:-1]).all()):
            return 1 + int(np.count_nonzero(student[1:] != student[:-1]))
        return int(np.count_nonzero(np.bincount(student, minlength=self.n_students)))

    def big_m(self) -> int:
        """What one placement is worth in the lexicographic objective ``big_m * placed + weight``.

        Above any total weight, so one more student placed outweighs every gain in weight.
        """
        return self.best_weight_total() + 1

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

    @cached_property
    def load_counts(self) -> np.ndarray:
        """``(n_companies, max load + 1)``: each company's pairs by their load (one pass, kept)."""
        top = max(int(self.load.max()), 0) if self.n_pairs else 0

        def key(chunk: slice) -> np.ndarray:
            return self.company[chunk].astype(np.int64) * (top + 1) + self.load[chunk]

        flat = bincount_in_parts(self.n_pairs, key, self.n_companies * (top + 1))
        return flat.reshape(self.n_companies, top + 1)

    def mentor_can_bind(self) -> np.ndarray:
        """Companies whose mentor limit can matter: their ``capacity`` heaviest eligible loads exceed it.

        For every other company any set of at most ``capacity`` eligible students fits
        the mentor capacity, so its mentor constraint is redundant.
        """
        if self.n_pairs == 0:
            return np.zeros(self.n_companies, dtype=bool)
        counts = self.load_counts
        top = counts.shape[1] - 1
        remaining = self.capacity.astype(np.int64).copy()
        heaviest = np.zeros(self.n_companies, dtype=np.int64)
        for load in range(top, 0, -1):  # the heaviest students first
            take = np.minimum(counts[:, load], remaining)
            heaviest += take * load
            remaining -= take
        return heaviest > self.mentor_capacity


def best_per_student(student: np.ndarray, weight: np.ndarray, n_students: int) -> np.ndarray:
    """Each student's largest non-negative weight (0 without pairs).

    Pairs grouped by student (as the pair table keeps them) take one ``maximum.reduceat``, with no
    pair-sized temporaries; otherwise ``maximum.at``."""
    best = np.zeros(n_students, dtype=np.int64)
    if student.size == 0:
        return best
    if bool((student[1:] >= student[:-1]).all()):

        def part_best(part: slice) -> tuple[np.ndarray, np.ndarray]:  # a student may span two parts
            group = student[part]
            starts = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))
            return group[starts], np.maximum.reduceat(weight[part], starts)

        for who, value in in_parts(student.shape[0], part_best):
            np.maximum.at(best, who, value)
        return best
    np.maximum.at(best, student, np.maximum(weight, 0))
    return best


def _integers(values: np.ndarray) -> np.ndarray:
    """``values`` as an integer array, without a copy when it already is one."""
    array = np.asarray(values)
    return array if array.dtype.kind in "iu" else array.astype(np.int64)
