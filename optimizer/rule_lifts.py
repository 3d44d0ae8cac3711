"""Which one hard rule, lifted at which company, would place the most of today's unplaced students.

The steps, in order:

1. Find the near misses of every unplaced student (``matching.near_miss``): the
   companies the student misses by exactly one hard rule, each with the
   arrangement that lifts it and the pair's score with the arrangement made.
2. Group them into *lifts*: one rule at one company, lifted by one kind of
   arrangement, for every unplaced student whose only obstacle there it is and
   whom that kind lifts (each with the arrangement made for them, such as
   transport for that student or hours adjusted to them).
3. Keep at most ``candidates`` lifts, those that reach the most unplaced students
   (then the best score), each student in at most ``PER_STUDENT`` of them, so
   the time stays bounded and the list is not one student's options over again.
4. Verify each kept lift's gain: how many more students can be placed than
   today with the lift's pairs made eligible (an opened slot or more mentor
   capacity when that is the arrangement; the company's other pairs as they
   are). Only the lift's students gained pairs, so the gain is at most their
   number (unless mentor capacity grows, which may also let others in). When
   today's plan can take all of them at the company, with at most one student
   there moved to a free place elsewhere, that plan proves the gain. Otherwise
   the exact solver decides it on the count alone, as for a recruitment
   candidate (``optimizer.recruitment``), for at most ``max_solves`` lifts.
5. Largest gain first (then the best score), skipping a lift whose students an
   earlier one already places. Each names the lift's students that the proving
   plan places.

Like the rest of the optimizer it takes arrays and returns results; it never prints.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable

import numpy as np
from pydantic import BaseModel

from features.vocabulary import INDUSTRY_LABELS, Industry
from matching.context import ScoringContext
from matching.near_miss import LIFT_LABELS, NearMiss, near_misses
from matching.pair_table import PairTable
from optimizer.exact import solve_exact
from optimizer.problem import PlacementProblem

MAX_LIFT_CANDIDATES = 25
"""At most this many lifts are verified."""
MAX_SOLVES = 10
"""At most this many of them are verified by the exact solver (the others by today's plan with one move)."""
PER_STUDENT = 3
"""An unplaced student is reached by at most this many of the lifts verified."""


class RuleLift(BaseModel):
    """One hard rule lifted at one company, with its verified gain in students placed."""

    company_id: str
    company_name: str
    industry: str
    industry_label: str
    rule: str
    rule_da: str
    lift: str
    """The kind of arrangement (a code of ``matching.near_miss.LIFT_LABELS``)."""
    lift_label: str
    gain: int
    """How many more students can be placed with the lift than today (verified, see the module docstring)."""
    students: list[str]
    """The lift's students whom the plan proving the gain places."""
    reached: list[str]
    """Every unplaced student whose only obstacle at the company is this rule, lifted by this kind of arrangement."""
    arrangements: dict[str, str]
    """Student ID to that student's arrangement, in Danish."""


def recommend_rule_lifts(
    context: ScoringContext,
    pairs: PairTable,
    company_of_student: np.ndarray,
    top: int = 5,
    candidates: int = MAX_LIFT_CANDIDATES,
    max_solves: int = MAX_SOLVES,
    progress: Callable[[int, int], None] | None = None,
) -> list[RuleLift]:
    """The lifts that place the most unplaced students, largest verified gain first (at most ``top``).

    ``progress(done, total)`` is called before each candidate lift is verified.
    """
    unplaced = np.flatnonzero(company_of_student < 0)
    if unplaced.size == 0 or top < 1:
        return []
    groups: dict[tuple[str, str, str], list[NearMiss]] = defaultdict(list)
    for miss in near_misses(context, unplaced):
        groups[(miss.company_id, miss.rule, miss.lift)].append(miss)
    ranked = sorted(
        groups.values(),
        key=lambda misses: (-len(misses), -_best(misses), misses[0].company_id, misses[0].lift),
    )
    kept: list[list[NearMiss]] = []
    reached: dict[str, int] = defaultdict(int)
    for misses in ranked:
        if len(kept) == candidates:
            break
        if any(reached[m.student_id] < PER_STUDENT for m in misses):
            kept.append(misses)
            for m in misses:
                reached[m.student_id] += 1
    baseline = int((company_of_student >= 0).sum())
    room = _Room(pairs, company_of_student)
    verified = []
    solves = 0
    for number, misses in enumerate(kept):
        if progress is not None:
            progress(number, len(kept))
        merged = with_lift(context, pairs, misses)
        more_mentor = any("mentor_capacity" in m.company_changes for m in misses)
        placed = room.witness(merged, misses)
        if len(placed) == len(misses) and not more_mentor:
            gain = len(placed)  # today's plan with them added proves it; no plan places more
        elif solves < max_solves:
            solves += 1
            gain, plan = _gain(merged, baseline, None if more_mentor else len(misses))
            # Without more mentor capacity, any plan placing the most places at least ``gain`` of them.
            placed = [
                m.student_id for m in misses if plan[context.network.student_position[m.student_id]] >= 0
            ]
        else:
            continue
        if gain > 0:
            verified.append((gain, misses, placed))
    verified.sort(key=lambda item: (-item[0], -_best(item[1]), item[1][0].company_id, item[1][0].lift))
    out: list[RuleLift] = []
    covered: set[str] = set()
    for gain, misses, placed in verified:
        if len(out) == top:
            break
        if set(placed) <= covered:
            continue
        covered.update(placed)
        out.append(_rule_lift(misses, gain, placed))
    return out


def _best(misses: list[NearMiss]) -> float:
    return max(m.score for m in misses)


def _rule_lift(misses: list[NearMiss], gain: int, placed: list[str]) -> RuleLift:
    first = misses[0]
    return RuleLift(
        company_id=first.company_id,
        company_name=first.company_name,
        industry=first.industry,
        industry_label=INDUSTRY_LABELS[Industry(first.industry)],
        rule=first.rule,
        rule_da=first.rule_da,
        lift=first.lift,
        lift_label=LIFT_LABELS.get(first.lift, first.lift),
        gain=gain,
        students=placed,
        reached=[m.student_id for m in misses],
        arrangements={m.student_id: m.lift_da for m in misses},
    )


def _gain(merged: PairTable, baseline: int, upper: int | None) -> tuple[int, np.ndarray]:
    """How many more than ``baseline`` can be placed with ``merged`` (at most ``upper``), and a plan that does.

    The exact solver on the count alone (all weights zero), as ``optimizer.recruitment.max_placed``;
    with ``upper`` it first asks only whether ``baseline + upper`` can be placed.
    """
    problem = PlacementProblem.build(merged)
    inst, index = problem.free_instance(weight=np.zeros(merged.n_pairs, dtype=np.int64))
    solution = solve_exact(inst, enough_placed=None if upper is None else baseline + upper)
    reached = upper is not None and solution.value.placed >= baseline + upper
    if upper is not None and not reached and upper > 1:
        solution = solve_exact(inst)  # fewer than all: find the true maximum
    plan = np.full(merged.n_students, -1, dtype=np.int64)
    chosen = index.of(solution.chosen)
    plan[merged.student[chosen]] = merged.company[chosen]
    gain = upper if reached else max(int(solution.value.placed) - baseline, 0)
    return int(gain or 0), plan


class _Room:
    """Today's plan: free slots and mentor capacity per company, and who is placed where."""

    def __init__(self, pairs: PairTable, company_of_student: np.ndarray):
        placed = company_of_student >= 0
        on_plan = placed[pairs.student] & (pairs.company == company_of_student[pairs.student])
        self.pairs = pairs
        self.company_of_student = company_of_student
        self.slots = pairs.capacity - np.bincount(pairs.company[on_plan], minlength=pairs.n_companies)
        self.mentor = pairs.mentor_capacity - np.bincount(
            pairs.company[on_plan], weights=pairs.support_load[on_plan], minlength=pairs.n_companies
        ).astype(np.int64)
        self.load = np.zeros(pairs.n_students, dtype=np.int64)
        self.load[pairs.student[on_plan]] = pairs.support_load[on_plan]

    def witness(self, merged: PairTable, misses: list[NearMiss]) -> list[str]:
        """The lift's students that today's plan can take at the company, with at most one student moved.

        Each student is added where the company (with the lift's slot and mentor capacity)
        has room; a single student is also added when one student placed at the company
        can move to a free place elsewhere and so make room. Every student named is a
        placement a plan with the lift can add to today's.
        """
        j = int(np.flatnonzero(merged.company_ids == misses[0].company_id)[0])
        slots = int(self.slots[j] + merged.capacity[j] - self.pairs.capacity[j])
        mentor = int(self.mentor[j] + merged.mentor_capacity[j] - self.pairs.mentor_capacity[j])
        added = []
        for miss in misses:
            if slots > 0 and miss.support_load <= mentor:
                slots -= 1
                mentor -= miss.support_load
                added.append(miss.student_id)
        if added or len(misses) > 1:
            return added
        need = misses[0].support_load
        for x in np.flatnonzero(self.company_of_student == j).tolist():
            if mentor + self.load[x] < need:
                continue  # moving this student does not free enough mentor capacity
            options = np.flatnonzero((self.pairs.student == x) & (self.pairs.company != j))
            targets = self.pairs.company[options]
            if ((self.slots[targets] > 0) & (self.mentor[targets] >= self.pairs.support_load[options])).any():
                return [misses[0].student_id]
        return []


def with_lift(context: ScoringContext, pairs: PairTable, misses: list[NearMiss]) -> PairTable:
    """The eligible pairs with the near misses of one lift made eligible, sorted by student, then company.

    Each new pair has its score, travel and support load with the arrangement
    made; an opened slot or more mentor capacity raises the company's, the
    company's other pairs stay as they are.
    """
    network = context.network
    s = np.array([network.student_position[m.student_id] for m in misses], dtype=pairs.student.dtype)
    c = np.array([network.company_position[m.company_id] for m in misses], dtype=pairs.company.dtype)
    capacity, mentor_capacity = pairs.capacity.copy(), pairs.mentor_capacity.copy()
    for j, miss in zip(c.tolist(), misses, strict=True):
        capacity[j] = max(capacity[j], int(miss.company_changes.get("capacity", 0)))
        mentor_capacity[j] = max(mentor_capacity[j], int(miss.company_changes.get("mentor_capacity", 0)))
    student = np.concatenate([pairs.student, s])
    company = np.concatenate([pairs.company, c])
    order = np.lexsort((company, student))
    return dataclasses.replace(
        pairs,
        student=student[order],
        company=company[order],
        score=np.concatenate([pairs.score, [m.score for m in misses]])[order],
        travel_minutes=np.concatenate([pairs.travel_minutes, [m.travel_minutes for m in misses]])[order],
        support_load=np.concatenate(
            [pairs.support_load, np.array([m.support_load for m in misses], dtype=pairs.support_load.dtype)]
        )[order],
        capacity=capacity,
        mentor_capacity=mentor_capacity,
    )
