"""Hard eligibility rules: when a student cannot be placed at a company, with a named reason.

The rules are one table, ``RULES``: each has its code, its text in Danish (for the
app) and in English (for the CLI), and a vectorised test. A test reads
``PairMeasures``: what the rules need of the students and of the companies
(``RuleStudents``, ``RuleCompanies``, prepared once per network), laid out to
broadcast against each other, and the measures the scores share (hours shortfall,
complexity gap, support load, overloads). The per-pair path
(``matching.pairs.score_pairs``) lays them out as aligned pair arrays, the block
scorer (``matching.blockscore``) as a column of students against a row of
companies; both read this table, so a new hard rule is one new entry here. Tests
pin both paths to each other and to a plain one-pair reference.

Travel is checked first, where travel times are known (``too_far``): the block
scorer computes them only for the companies within a student's reach.

Small shortfalls (simplest tasks one level too complex, hours a few hours short,
an overload on a work-demand dimension) are *not* rules: the pair stays eligible
and the shortfall becomes an arrangement (see ``matching.explain``).

An ineligible pair is counted once, under the first rule it fails in
``REASON_CODES`` order; travel comes first, so the later counts are about
companies within the student's reach.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np

from features.arrays import CompanyArrays, StudentArrays
from features.vocabulary import ImpairmentGroup
from matching.config import ScoringConfig
from matching.needs import psychological


@dataclass(frozen=True)
class Reason:
    """Why a pair is ineligible: a code, and its text in Danish (app) and English (CLI)."""

    code: str
    label_da: str
    text_en: str


@dataclass(frozen=True)
class Rule(Reason):
    """A hard rule: its reason, and which pairs fail it (a bool array that broadcasts to the pairs' shape)."""

    fails: Callable[[PairMeasures, ScoringConfig], np.ndarray]


TRAVEL = Reason(
    "travel",
    "Transporttiden er længere end elevens maksimum",
    "travel time above the student's maximum",
)
"""Checked first, where travel times are known (``too_far``)."""

RULES: tuple[Rule, ...] = (
    Rule(
        "no_capacity",
        "Virksomheden har ingen praktikpladser",
        "the company has no internship slots",
        lambda p, config: p.company.capacity < 1,
    ),
    Rule(
        "industry_preference",
        "Eleven ønsker kun sin førstevalgsbranche",
        "the student wants only their first-choice industry",
        lambda p, config: (
            (p.student.first_choice_only >= 0) & (p.student.first_choice_only != p.company.industry)
        ),
    ),
    Rule(
        "wheelchair_access",
        "Arbejdspladsen er ikke tilgængelig for kørestol",
        "the workplace is not wheelchair accessible",
        lambda p, config: p.student.needs_wheelchair & ~p.company.wheelchair_accessible,
    ),
    Rule(
        "daytime",
        "Eleven kan kun arbejde i dagtimerne, og det kan virksomheden ikke tilbyde",
        "the student can only work daytime hours, which the company cannot offer",
        # Daytime on weekdays only, and the company cannot offer that.
        lambda p, config: p.student.daytime_only & ~p.company.daytime_on_weekdays,
    ),
    Rule(
        "hours",
        "Arbejdstiden kan ikke tilpasses elevens timetal",
        "the company's weekly hours cannot be adjusted to the student's",
        # The weekly hours miss the student's range by more than can be adjusted.
        lambda p, config: p.hours_shortfall > config.hours_tolerance,
    ),
    Rule(
        "complexity",
        "Opgaverne er for komplekse for eleven",
        "the tasks are far more complex than the student handles",
        # Even the simplest tasks are far beyond the complexity the student handles.
        lambda p, config: p.complexity_gap > config.complexity_tolerance,
    ),
    Rule(
        "shielded_workstation",
        "Eleven har brug for en skærmet arbejdsplads, som virksomheden ikke har",
        "the student needs a shielded workstation the company does not have",
        lambda p, config: p.student.needs_shielded & ~p.company.shielded_workstation,
    ),
    Rule(
        "mentor",
        "Virksomheden kan ikke give de mentortimer om ugen, eleven har brug for",
        "the student needs more mentor hours a week than the company can give",
        # The company's mentor hours per week can never cover the hours the student needs.
        lambda p, config: p.student.needs_mentor & (p.support_load > p.company.mentor_capacity),
    ),
    Rule(
        "work_demands",
        "Et arbejdskrav ligger langt over elevens forudsætninger",
        "a work demand far beyond the student's ability",
        # A work demand lies far beyond the student's ability on some dimension.
        lambda p, config: p.overload_worst > config.overload_limit,
    ),
)
"""The hard rules after travel, in the order they are checked."""

REASONS: tuple[Reason, ...] = (TRAVEL, *RULES)
REASON_CODES: tuple[str, ...] = tuple(reason.code for reason in REASONS)
"""Ineligibility reasons, in the order rules are checked (the columns of ``ineligible_counts``)."""

REASON_LABELS: dict[str, str] = {reason.code: reason.label_da for reason in REASONS}
"""Danish text of each reason, for the app."""

REASON_TEXT_EN: dict[str, str] = {reason.code: reason.text_en for reason in REASONS}
"""English text of each reason, for the CLI."""

ELIGIBLE = -1
"""The reason index of an eligible pair."""


def too_far(minutes: np.ndarray, max_travel: np.ndarray) -> np.ndarray:
    """The travel rule: one-way travel minutes above the student's maximum."""
    return minutes > max_travel


def rule_failures(pairs: PairMeasures, config: ScoringConfig) -> np.ndarray:
    """(n_pairs, len(RULES)) bool: which rules after travel each of the aligned pairs fails."""
    shape = pairs.support_load.shape
    return np.stack([np.broadcast_to(rule.fails(pairs, config), shape) for rule in RULES], axis=0).T


def first_reason(failures: np.ndarray) -> np.ndarray:
    """(n_pairs,) int8: index into REASON_CODES of the first failed rule, or ELIGIBLE.

    ``failures`` has the columns of ``rule_failures`` (the rules after travel).
    """
    reason = np.full(failures.shape[0], ELIGIBLE, dtype=np.int8)
    for k in range(failures.shape[1] - 1, -1, -1):
        reason[failures[:, k]] = k + 1
    return reason


# --- Mentor support in hours per week ---------------------------------------------------------

MENTOR_HOURS_BY_LEVEL = np.array([1, 1, 3, 5], dtype=np.int8)
"""Mentor hours per week a student who needs a mentor needs, by their highest support level.

Indexed by the level's rank: none, little, some, most. A weekly talk with a named
mentor (1 hour); about half an hour every working day for *some* support (3 hours);
about an hour a day for *most* (5 hours, as the five hours of personal assistance a
week in the seeds, where a colleague keeps a young woman at her tasks).
"""

TRAINED_MENTOR_SAVES = 1
"""Hours per week a mentor trained for the target group (e.g. an autism course) saves.

Only for a student with a psychological or cognitive impairment and a high support
level (some or most): the trained mentor already knows what works (being concrete
and direct, as the mentor in the seeds learned on the AspIT course).
"""

MAX_MENTOR_HOURS = int(MENTOR_HOURS_BY_LEVEL.max())
"""The most mentor hours per week any student needs at any company."""


def mentor_hours_per_week(students: StudentArrays, mentor_trained: bool | np.ndarray) -> np.ndarray:
    """(n,) int64: the mentor hours per week each student needs at a company with(out) a trained mentor.

    0 for a student who does not need a mentor; otherwise ``MENTOR_HOURS_BY_LEVEL`` by
    the highest support level, less ``TRAINED_MENTOR_SAVES`` with a trained mentor for
    a student with a psychological or cognitive impairment and support *some* or
    *most*. This is a pair's ``support_load``; the company's ``mentor_capacity`` (its
    mentor hours per week) must cover the loads of the students placed there.
    """
    needs = students.needs_mentor
    hours = np.where(needs, MENTOR_HOURS_BY_LEVEL[students.support_max], 0).astype(np.int64)
    psychological_or_cognitive = psychological(students) | students.has_group(ImpairmentGroup.COGNITIVE)
    helped = psychological_or_cognitive & (students.support_max >= 2)
    return hours - TRAINED_MENTOR_SAVES * (needs & helped & mentor_trained)


# --- What the rules read, laid out for aligned pairs or for a block --------------------------


@dataclass(frozen=True, eq=False)
class RuleStudents:
    """What the rules read of each student, in small integer types; the last axis is the student.

    Prepared once per network with ``of``; ``at`` lays the students out for a set of pairs.
    """

    first_choice_only: np.ndarray  # int8: the first-choice industry of a student who wants only that, else -1
    needs_wheelchair: np.ndarray  # bool
    daytime_only: np.ndarray  # bool
    needs_shielded: np.ndarray  # bool
    needs_mentor: np.ndarray  # bool
    complexity: np.ndarray  # int8: the most complex tasks the student handles
    min_hours: np.ndarray  # int16
    max_hours: np.ndarray  # int16
    mentor_hours: np.ndarray  # int8: mentor hours per week with an untrained mentor (0 without a mentor)
    mentor_saving: np.ndarray  # int8: hours per week a mentor trained for the target group saves
    abilities: np.ndarray  # (11, n) int8 in DEMAND_ORDER

    @staticmethod
    def of(students: StudentArrays) -> RuleStudents:
        """The students' columns (the mentor hours as ``mentor_hours_per_week`` gives them)."""
        untrained = mentor_hours_per_week(students, mentor_trained=False)
        trained = mentor_hours_per_week(students, mentor_trained=True)
        first_choice = (students.interest_rank == 1).argmax(axis=1)  # every student has a first choice
        return RuleStudents(
            first_choice_only=np.where(students.single_industry_only, first_choice, -1).astype(np.int8),
            needs_wheelchair=students.needs_wheelchair,
            daytime_only=students.daytime_only,
            needs_shielded=students.needs_shielded,
            needs_mentor=students.needs_mentor,
            complexity=students.complexity.astype(np.int8),
            min_hours=students.min_hours.astype(np.int16),
            max_hours=students.max_hours.astype(np.int16),
            mentor_hours=untrained.astype(np.int8),
            mentor_saving=(untrained - trained).astype(np.int8),
            abilities=np.ascontiguousarray(students.abilities.T.astype(np.int8)),
        )

    def at(self, index: np.ndarray) -> RuleStudents:
        """The students at ``index``: aligned with the pairs, or ``rows[:, None]`` for a block's column."""
        return RuleStudents(**{f.name: np.take(getattr(self, f.name), index, axis=-1) for f in fields(self)})


@dataclass(frozen=True, eq=False)
class RuleCompanies:
    """What the rules read of each company, in small integer types; the last axis is the company."""

    capacity: np.ndarray  # int64 internship slots
    industry: np.ndarray  # int8, index into INDUSTRY_ORDER
    wheelchair_accessible: np.ndarray  # bool
    daytime_on_weekdays: np.ndarray  # bool: daytime hours are possible on a weekday
    shielded_workstation: np.ndarray  # bool
    complexity_min: np.ndarray  # int8: the simplest tasks
    min_hours: np.ndarray  # int16
    max_hours: np.ndarray  # int16
    mentor_capacity: np.ndarray  # int8 mentor hours per week, capped at 127 (no student needs more than 5)
    mentor_trained: np.ndarray  # bool
    demands: np.ndarray  # (11, m) int8 in DEMAND_ORDER

    @staticmethod
    def of(companies: CompanyArrays) -> RuleCompanies:
        """The companies' columns."""
        return RuleCompanies(
            capacity=companies.capacity,
            industry=companies.industry.astype(np.int8),
            wheelchair_accessible=companies.wheelchair_accessible,
            daytime_on_weekdays=companies.daytime_possible & companies.weekdays[:, :5].any(axis=1),
            shielded_workstation=companies.shielded_workstation,
            complexity_min=companies.complexity_min.astype(np.int8),
            min_hours=companies.min_hours.astype(np.int16),
            max_hours=companies.max_hours.astype(np.int16),
            mentor_capacity=np.minimum(companies.mentor_capacity, 127).astype(np.int8),
            mentor_trained=companies.mentor_trained,
            demands=np.ascontiguousarray(companies.demands.T.astype(np.int8)),
        )

    def at(self, index: np.ndarray) -> RuleCompanies:
        """The companies at ``index``: aligned with the pairs, or ``members[None, :]`` for a block's row."""
        return RuleCompanies(**{f.name: np.take(getattr(self, f.name), index, axis=-1) for f in fields(self)})


@dataclass(frozen=True, eq=False)
class PairMeasures:
    """Students against companies, and the measures that the rules and the scores share.

    ``student`` and ``company`` broadcast against each other; every measure has the
    broadcast shape: (n_pairs,) for aligned pairs, (students, companies) for a block.
    """

    student: RuleStudents
    company: RuleCompanies
    hours_shortfall: np.ndarray  # int16: hours per week by which the ranges miss each other (0 = overlap)
    complexity_gap: np.ndarray  # int8: levels by which the simplest tasks exceed the student's maximum
    support_load: np.ndarray  # int8: mentor hours per week the student needs at the company
    overload_total: np.ndarray  # int8: requirement above ability, summed over the work-demand dimensions
    overload_worst: np.ndarray  # int8: requirement above ability on the worst dimension

    @staticmethod
    def of(student: RuleStudents, company: RuleCompanies) -> PairMeasures:
        """The measures of ``student`` against ``company``, laid out as they broadcast."""
        shape = np.broadcast_shapes(student.complexity.shape, company.complexity_min.shape)
        total = np.zeros(shape, dtype=np.int8)
        worst = np.zeros(shape, dtype=np.int8)
        for demand, ability in zip(company.demands, student.abilities, strict=True):
            over = _overload(demand, ability)
            total += over
            np.maximum(worst, over, out=worst)
        return PairMeasures(
            student=student,
            company=company,
            hours_shortfall=_hours_shortfall(
                student.min_hours, student.max_hours, company.min_hours, company.max_hours
            ),
            complexity_gap=_complexity_gap(student.complexity, company.complexity_min),
            support_load=student.mentor_hours - student.mentor_saving * company.mentor_trained,
            overload_total=total,
            overload_worst=worst,
        )


# --- The measures of aligned pairs, for the scores and the explanations -----------------------


def hours_shortfall(
    students: StudentArrays, companies: CompanyArrays, s: np.ndarray, c: np.ndarray
) -> np.ndarray:
    """(n_pairs,) int: hours per week by which the company's range misses the student's (0 = overlap)."""
    return _hours_shortfall(
        students.min_hours[s], students.max_hours[s], companies.min_hours[c], companies.max_hours[c]
    )


def complexity_gap(
    students: StudentArrays, companies: CompanyArrays, s: np.ndarray, c: np.ndarray
) -> np.ndarray:
    """(n_pairs,) int: levels by which the company's simplest tasks exceed the student's maximum."""
    return _complexity_gap(students.complexity[s], companies.complexity_min[c])


def overloads(students: StudentArrays, companies: CompanyArrays, s: np.ndarray, c: np.ndarray) -> np.ndarray:
    """(n_pairs, 11) int8: requirement above ability on each work-demand dimension (0 = none).

    Column-major, so that sums and maxima over the dimensions are fast.
    """
    out = np.empty((s.shape[0], companies.demands.shape[1]), dtype=np.int8, order="F")
    demands, abilities = companies.demands.T, students.abilities.T
    for k in range(out.shape[1]):
        out[:, k] = _overload(demands[k][c], abilities[k][s])
    return out


def _hours_shortfall(
    student_min: np.ndarray, student_max: np.ndarray, company_min: np.ndarray, company_max: np.ndarray
) -> np.ndarray:
    return np.maximum(np.maximum(student_min - company_max, company_min - student_max), 0)


def _complexity_gap(student_complexity: np.ndarray, company_complexity_min: np.ndarray) -> np.ndarray:
    return company_complexity_min - student_complexity


def _overload(demand: np.ndarray, ability: np.ndarray) -> np.ndarray:
    over = demand - ability
    np.maximum(over, 0, out=over)
    return over
