"""The placement problem at the boundary: eligible pairs plus the consultants' locks and forbids.

``PlacementProblem.build`` checks every decision before any solving: unknown IDs
(naming the closest ones), two locks for one student, a lock and a forbid on the
same pair, a lock on a pair that is not eligible, more locks at a company than it
has places or mentor capacity. All conflicts come back together in one
``InputError`` (English ``message``, Danish ``message_da``), never as an
infeasible solver status.

Scores are optimised as integers: ``round(score * SCORE_SCALE)``, i.e. to 0.01
points.

Index spaces (``docs/optimizer.md``): pairs are numbered ``k`` in the *pair table*
(``problem.pairs``, from ``matching.pairs.pair_table``); decisions and results use
these numbers (``lock_pair``, ``allowed``, ``pair_of_student``). ``free_instance``
makes the *free instance*, the pairs the optimizer may choose (not forbidden, their
student not locked), numbered ``k'``; ``index[k']`` is its pair-table number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from features.danish import count
from features.errors import InputError
from features.limits import danish_number
from features.vocabulary import mentor_hours_da
from matching.lookup import closest_ids
from matching.pair_table import PairTable
from optimizer.instance import Instance, best_per_student, in_chunks

SCORE_SCALE = 100
"""Weight units per score point: scores are optimised to 0.01 points."""

ObjectiveName = Literal["count-interest-score", "count-then-score", "fairness"]
OBJECTIVES: tuple[str, ...] = ("count-interest-score", "count-then-score", "fairness")
SUMMED_OBJECTIVES: tuple[str, ...] = ("count-interest-score", "count-then-score")
"""Objectives that add up over a plan's placements (locked ones too): a plan best among some plans is
best among any fewer that still hold it (``PlacementProblem.narrows``). Not ``fairness``: a lock takes
its placement out of the lowest score."""

Decision = tuple[str, str]
"""(student_id, company_id)."""


class SolveParams(BaseModel):
    """How to solve: the objective and a time limit.

    ``count-interest-score``: most students placed; at that number, most placed within
    their own interests; then the highest total score.
    ``count-then-score``: most students placed, then the highest total score.
    ``fairness``: most students placed, then the highest lowest score among the
    students the optimizer places (locked placements are the consultants' and do
    not count), then the highest total score. When the time limit is hit the best
    plan found comes back with status FEASIBLE and its bound, never an exception.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    objective: ObjectiveName = "count-then-score"
    time_limit_seconds: float = Field(default=60.0, ge=0.0, le=86_400.0)


@dataclass(frozen=True, eq=False)
class TablePairs:
    """The table pair of each pair of a free instance (``PlacementProblem.free_instance``): ``positions[k]``,
    or pair ``k`` itself where ``positions`` is None (nothing locked or forbidden). The identity is not
    made as an array: on 100 million pairs that was 400 MB and 1.3 s of a 15 s solve."""

    positions: np.ndarray | None

    def of(self, chosen: np.ndarray) -> np.ndarray:
        """The table pairs of the instance's pairs that ``chosen`` (a mask over them) marks."""
        return np.flatnonzero(chosen) if self.positions is None else self.positions[chosen]

    def gather(self, values: np.ndarray) -> np.ndarray:
        """``values`` (one per table pair) for each of the instance's pairs."""
        return values if self.positions is None else values[self.positions]


@dataclass(frozen=True, eq=False)
class PlacementProblem:
    """Eligible pairs, locks and forbids, validated; the arrays the solvers need, precomputed.

    Build it with ``PlacementProblem.build``. ``lock_pair[i]`` is the pair index student
    ``i`` is locked to (or -1); ``allowed[k]`` says pair ``k`` may be chosen by the
    optimizer (not forbidden, and its student not locked).
    """

    pairs: PairTable
    locks: tuple[Decision, ...]
    forbids: tuple[Decision, ...]
    company_names: tuple[str, ...] | None
    lock_pair: np.ndarray  # (n_students,) int64
    forbidden: np.ndarray  # (n_pairs,) bool
    allowed: np.ndarray  # (n_pairs,) bool
    weight: np.ndarray  # (n_pairs,) int64: round(score * SCORE_SCALE)
    interest_rank: (
        np.ndarray
    )  # (n_pairs,) int8: the company's industry's place in the student's interests, 0 outside

    @staticmethod
    def build(
        pairs: PairTable,
        locks: Iterable[Decision] = (),
        forbids: Iterable[Decision] = (),
        company_names: Sequence[str] | None = None,
        why_ineligible: Callable[[int, int], tuple[str, str]] | None = None,
        interest_rank: np.ndarray | None = None,
    ) -> PlacementProblem:
        """Validate the decisions against the pairs; raises ``InputError`` naming every conflict.

        ``why_ineligible(student, company)`` (positions) may explain, in a few words in English
        and in Danish, why a locked pair is not eligible; without it the message says only that.
        """
        locks = tuple(dict.fromkeys((str(s).strip(), str(c).strip()) for s, c in locks))
        forbids = tuple(dict.fromkeys((str(s).strip(), str(c).strip()) for s, c in forbids))
        if company_names is not None and len(company_names) != pairs.n_companies:
            raise InputError(
                f"company_names must have one name per company ({pairs.n_companies}); got {len(company_names)}",
                f"Der skal være ét navn pr. virksomhed ({danish_number(pairs.n_companies)}); "
                f"fik {danish_number(len(company_names))}.",
            )
        student_at = {str(s): i for i, s in enumerate(pairs.student_ids.tolist())}
        company_at = {str(c): j for j, c in enumerate(pairs.company_ids.tolist())}
        problems: list[tuple[str, str]] = []
        problems += _unknown_ids(locks, "lock", "lås", student_at, company_at)
        problems += _unknown_ids(forbids, "forbid", "fravalg", student_at, company_at)
        # The other checks look at the decisions whose IDs are known; every problem is reported at once.
        locks_known = tuple((s, c) for s, c in locks if s in student_at and c in company_at)
        forbids_known = tuple((s, c) for s, c in forbids if s in student_at and c in company_at)

        pair_index = PairIndex(pairs) if locks_known or forbids_known else None
        lock_pair = np.full(pairs.n_students, -1, dtype=np.int64)
        locked_to: dict[str, list[str]] = defaultdict(list)
        for s, c in locks_known:
            locked_to[s].append(c)
        forbid_set = set(forbids_known)
        for s, companies in locked_to.items():
            if len(companies) > 1:
                problems.append(
                    (
                        f"student {s} is locked to {len(companies)} companies ({', '.join(companies)}); "
                        "a student can be locked to one company only",
                        f"eleven {s} er låst til {len(companies)} virksomheder ({', '.join(companies)}); "
                        "en elev kan kun låses til én virksomhed",
                    )
                )
        for s, c in locks_known:
            if (s, c) in forbid_set:
                problems.append(
                    (
                        f"student {s} is both locked to and forbidden at company {c}; remove one of them",
                        f"eleven {s} er både låst til og fravalgt hos virksomhed {c}; fjern den ene",
                    )
                )
            k = None if pair_index is None else pair_index.get((student_at[s], company_at[c]))
            if k is None:
                why_en, why_da = why_ineligible(student_at[s], company_at[c]) if why_ineligible else ("", "")
                problems.append(
                    (
                        f"student {s} is locked to company {c}, but that pair is not eligible"
                        + (f" ({why_en})" if why_en else ""),
                        f"eleven {s} er låst til virksomhed {c}, men parret opfylder ikke de faste krav"
                        + (f" ({why_da})" if why_da else ""),
                    )
                )
            elif len(locked_to[s]) == 1:
                lock_pair[student_at[s]] = k
        problems += _overfull_companies(pairs, lock_pair)
        if problems:
            raise _conflicts(problems)

        forbidden = np.zeros(pairs.n_pairs, dtype=bool)
        for s, c in forbids_known:
            k = None if pair_index is None else pair_index.get((student_at[s], company_at[c]))
            if k is not None:  # a forbid on a pair that is not eligible changes nothing
                forbidden[k] = True
        # Nothing locked: one pass fewer over the pairs.
        allowed = ~forbidden & (lock_pair[pairs.student] < 0) if locks_known else ~forbidden
        names = None if company_names is None else tuple(str(n) for n in company_names)
        weight = weights_from_scores(pairs.score)
        if interest_rank is None:
            rank = np.zeros(pairs.n_pairs, dtype=np.int8)
        else:
            rank = np.asarray(interest_rank, dtype=np.int8)
            if rank.shape != (pairs.n_pairs,):
                raise InputError(
                    f"interest_rank must have one entry per pair ({pairs.n_pairs}); got {rank.shape}",
                    f"Der skal være én værdi for elevens egne interesser pr. par ({danish_number(pairs.n_pairs)}); "
                    f"fik {' × '.join(danish_number(n) for n in rank.shape)}.",
                )
        return PlacementProblem(pairs, locks, forbids, names, lock_pair, forbidden, allowed, weight, rank)

    @property
    def n_students(self) -> int:
        return self.pairs.n_students

    @property
    def n_companies(self) -> int:
        return self.pairs.n_companies

    @property
    def locked(self) -> np.ndarray:
        """(n_students,) bool: students the consultants locked to a company."""
        return self.lock_pair >= 0

    @property
    def in_interest(self) -> np.ndarray:
        """(n_pairs,) bool: the company's industry is among the student's interests."""
        return self.interest_rank > 0

    def narrows(self, lock_pair: np.ndarray, forbidden: np.ndarray) -> bool:
        """Whether every plan this problem allows was allowed by the decisions ``lock_pair`` and
        ``forbidden`` (an earlier problem's, on the same pairs): this problem keeps each of those locks
        and forbids each of those pairs, and may add more of both."""
        lock_pair = np.asarray(lock_pair)
        forbidden = np.asarray(forbidden)
        if lock_pair.shape != self.lock_pair.shape or forbidden.shape != self.forbidden.shape:
            return False
        locked = lock_pair >= 0
        return bool((self.lock_pair[locked] == lock_pair[locked]).all() and self.forbidden[forbidden].all())

    def allows(self, pair_of_student: np.ndarray) -> bool:
        """Whether a plan (each student's pair, -1: none) keeps this problem's decisions: every locked
        student at the pair locked, every other one at an allowed pair of their own or none. (Company
        limits are the solver's; a plan it found for a problem this one narrows keeps them.)"""
        pairs = self.pairs
        pair_of_student = np.asarray(pair_of_student)
        if pair_of_student.shape != (pairs.n_students,) or (pair_of_student < -1).any():
            return False
        placed = np.flatnonzero(pair_of_student >= 0)
        chosen = pair_of_student[placed]
        if (chosen >= pairs.n_pairs).any() or (pairs.student[chosen] != placed).any():
            return False
        locked = self.lock_pair >= 0
        if (pair_of_student[locked] != self.lock_pair[locked]).any():
            return False
        return bool(self.allowed[pair_of_student[~locked & (pair_of_student >= 0)]].all())

    def interest_tier(self, weight: np.ndarray) -> tuple[np.ndarray, int]:
        """Weights that put placements within interests above any total score: ``(tiered, base)``.

        ``tiered = base * in_interest + weight`` with ``base`` larger than any plan's total
        weight, so maximising the tiered total maximises the number within interests first
        and the weight second; a total ``T`` decodes as ``divmod(T, base)``.
        """
        best = best_per_student(self.pairs.student, weight, self.pairs.n_students)
        base = int(best.sum()) + 1
        tiered = np.empty(weight.shape[0], dtype=np.int64)  # filled in chunks: no pair-sized temporaries

        def fill(chunk: slice) -> None:
            np.multiply(self.interest_rank[chunk] > 0, base, out=tiered[chunk])
            tiered[chunk] += weight[chunk]

        in_chunks(tiered.shape[0], fill)
        return tiered, base

    def company_label(self, j: int) -> str:
        """'Name (ID)' when names are known, else the ID."""
        company_id = str(self.pairs.company_ids[j])
        if self.company_names is None:
            return company_id
        return f"{self.company_names[j]} ({company_id})"

    def free_instance(self, weight: np.ndarray | None = None) -> tuple[Instance, TablePairs]:
        """The instance the optimizer solves, after the locks: ``(instance, the table pair of each of its
        pairs)``.

        Locked students are placed already: their pairs leave the instance and their
        companies lose the places and mentor capacity they use.
        """
        pairs = self.pairs
        weight = self.weight if weight is None else weight
        locked_pairs = self.lock_pair[self.lock_pair >= 0]
        used = np.bincount(pairs.company[locked_pairs], minlength=pairs.n_companies)
        used_load = np.bincount(
            pairs.company[locked_pairs], weights=pairs.support_load[locked_pairs], minlength=pairs.n_companies
        ).astype(np.int64)
        if self.allowed.all():  # nothing locked or forbidden: the pair arrays as they are, no copies
            inst = Instance.of(
                pairs.n_students,
                pairs.n_companies,
                pairs.student,
                pairs.company,
                weight,
                pairs.support_load,
                pairs.capacity - used,
                pairs.mentor_capacity - used_load,
            )
            return inst, TablePairs(None)
        index = np.flatnonzero(self.allowed)
        inst = Instance.of(
            pairs.n_students,
            pairs.n_companies,
            pairs.student[index],
            pairs.company[index],
            weight[index],
            pairs.support_load[index],
            pairs.capacity - used,
            pairs.mentor_capacity - used_load,
        )
        return inst, TablePairs(index)


def weights_from_scores(score: np.ndarray) -> np.ndarray:
    """Scores in [0, 100] as integer weights, ``SCORE_SCALE`` units per point (in chunks: no pair-sized
    temporaries, a third of the time on 100 million pairs)."""
    score = np.asarray(score)
    weight = np.empty(score.shape[0], dtype=np.int64)

    def fill(chunk: slice) -> None:
        part = np.multiply(score[chunk], SCORE_SCALE, dtype=np.float64)
        np.rint(part, out=part)
        weight[chunk] = part

    in_chunks(score.shape[0], fill)
    return weight


class PairIndex:
    """Find the pair index of (student, company) positions without a dict of every pair."""

    def __init__(self, pairs: PairTable):
        self._width = max(pairs.n_companies, 1)
        keys = pairs.student.astype(np.int64) * self._width + pairs.company.astype(np.int64)
        self._order = np.argsort(keys, kind="stable")
        self._keys = keys[self._order]

    def get(self, key: tuple[int, int]) -> int | None:
        """The pair index of ``(student, company)``, or None when the pair is not eligible."""
        wanted = int(key[0]) * self._width + int(key[1])
        at = int(np.searchsorted(self._keys, wanted))
        if at < self._keys.size and int(self._keys[at]) == wanted:
            return int(self._order[at])
        return None


def _unknown_ids(
    decisions: tuple[Decision, ...],
    what: str,
    what_da: str,
    student_at: dict[str, int],
    company_at: dict[str, int],
) -> list[tuple[str, str]]:
    problems = []
    for s, c in decisions:
        for identifier, known, kind, kind_da in (
            (s, student_at, "student", "elev"),
            (c, company_at, "company", "virksomhed"),
        ):
            if identifier in known:
                continue
            close = closest_ids(identifier, known)
            hint = f"; closest: {', '.join(close)}" if close else ""
            hint_da = f"; nærmeste: {', '.join(close)}" if close else ""
            problems.append(
                (
                    f"{what} ({s}, {c}): unknown {kind} ID '{identifier}'{hint}",
                    f"{what_da} ({s}, {c}): ukendt {kind_da}-ID '{identifier}'{hint_da}",
                )
            )
    return problems


def _overfull_companies(pairs: PairTable, lock_pair: np.ndarray) -> list[tuple[str, str]]:
    """Companies with more locked students than places, or locked loads above the mentor capacity."""
    problems = []
    locked = np.flatnonzero(lock_pair >= 0)
    by_company: dict[int, list[int]] = defaultdict(list)
    for i in locked.tolist():
        by_company[int(pairs.company[lock_pair[i]])].append(i)
    for j, students in sorted(by_company.items()):
        company_id = str(pairs.company_ids[j])
        names = ", ".join(str(pairs.student_ids[i]) for i in students)
        capacity = int(pairs.capacity[j])
        if len(students) > capacity:
            problems.append(
                (
                    f"{len(students)} students are locked to company {company_id} ({names}), "
                    f"but it has {capacity} place(s)",
                    f"{len(students)} elever er låst til virksomhed {company_id} ({names}), "
                    f"men den har {count(capacity, 'plads', 'pladser')}",
                )
            )
        load = int(sum(int(pairs.support_load[lock_pair[i]]) for i in students))
        mentor = int(pairs.mentor_capacity[j])
        if load > mentor:
            problems.append(
                (
                    f"the students locked to company {company_id} ({names}) need {load} mentor hours a "
                    f"week, but it can give {mentor}",
                    f"eleverne låst til virksomhed {company_id} ({names}) har brug for "
                    f"{mentor_hours_da(load)}, men virksomheden kan give {mentor_hours_da(mentor)}",
                )
            )
    return problems


def _conflicts(problems: list[tuple[str, str]]) -> InputError:
    english = "; ".join(p[0] for p in problems)
    danish = "; ".join(p[1] for p in problems)
    return InputError(
        f"{len(problems)} conflict(s) in the consultants' decisions: {english}",
        f"{count(len(problems), 'konflikt', 'konflikter')} i jobkonsulenternes beslutninger: {danish}",
    )
