"""Profiles as plain numpy arrays, for the vectorised hot paths (scoring, optimizer, gaps).

One row per student or company, in the order of the network's files. Codes
index the vocabulary tuples below (``INDUSTRY_ORDER``, ``TRANSPORT_ORDER``, ...),
so every array is numeric and the hot paths never touch a pydantic object.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from operator import attrgetter

import numpy as np

from features.network import Network
from features.profiles import Company, Student
from features.travel import TRANSPORT_ORDER
from features.vocabulary import (
    IMPAIRMENT_GROUPS,
    Impairment,
    ImpairmentGroup,
    Industry,
    Level,
    StressReaction,
    TaskVariety,
    Weekday,
    WorkDemand,
)

INDUSTRY_ORDER: tuple[Industry, ...] = tuple(Industry)
IMPAIRMENT_ORDER: tuple[Impairment, ...] = tuple(Impairment)
STRESS_ORDER: tuple[StressReaction, ...] = tuple(StressReaction)
DEMAND_ORDER: tuple[WorkDemand, ...] = tuple(WorkDemand)
VARIETY_ORDER: tuple[TaskVariety, ...] = tuple(TaskVariety)  # routine, varied, both
WEEKDAY_ORDER: tuple[Weekday, ...] = tuple(Weekday)
ABSENT = -1
"""Support level of an impairment or stress reaction the student does not have."""

_TRANSPORT_CODE = {mode: k for k, mode in enumerate(TRANSPORT_ORDER)}
_INDUSTRY_CODE = {industry: k for k, industry in enumerate(INDUSTRY_ORDER)}
_IMPAIRMENT_CODE = {item: k for k, item in enumerate(IMPAIRMENT_ORDER)}
_STRESS_CODE = {item: k for k, item in enumerate(STRESS_ORDER)}
_VARIETY_CODE = {item: k for k, item in enumerate(VARIETY_ORDER)}
_WEEKDAY_CODE = {item: k for k, item in enumerate(WEEKDAY_ORDER)}


def impairment_group_mask(group: ImpairmentGroup) -> np.ndarray:
    """(n_impairments,) bool: which columns of ``StudentArrays.impairment`` belong to ``group``."""
    return np.array([IMPAIRMENT_GROUPS[item] == group for item in IMPAIRMENT_ORDER])


@dataclass(frozen=True, eq=False)
class StudentArrays:
    """The students of a cohort (or the alumni) as aligned arrays, one row per student."""

    ids: np.ndarray  # (n,) str
    lat: np.ndarray  # (n,) float64
    lon: np.ndarray  # (n,) float64
    transport: np.ndarray  # (n,) int8, index into features.travel.TRANSPORT_ORDER
    max_travel: np.ndarray  # (n,) float64 minutes, one way
    impairment: np.ndarray  # (n, 11) int8 support level 0..3 in IMPAIRMENT_ORDER, -1 = absent
    stress: np.ndarray  # (n, 12) int8 support level 0..3 in STRESS_ORDER, -1 = absent
    interest_rank: np.ndarray  # (n, 15) int8 in INDUSTRY_ORDER: 0 = not interested, 1 = first choice, ...
    single_industry_only: np.ndarray  # (n,) bool
    complexity: np.ndarray  # (n,) int8 1..5, the most complex tasks the student handles
    min_hours: np.ndarray  # (n,) int16
    max_hours: np.ndarray  # (n,) int16
    daytime_only: np.ndarray  # (n,) bool
    needs_routine: np.ndarray  # (n,) bool
    needs_shielded: np.ndarray  # (n,) bool
    needs_mentor: np.ndarray  # (n,) bool
    needs_wheelchair: np.ndarray  # (n,) bool
    abilities: np.ndarray  # (n, 11) int8 1..5 in DEMAND_ORDER

    @property
    def n(self) -> int:
        return int(self.ids.shape[0])

    @property
    def support_max(self) -> np.ndarray:
        """(n,) int8: the highest support level over impairments and stress reactions (0 if none)."""
        highest = np.maximum(
            self.impairment.max(axis=1, initial=ABSENT), self.stress.max(axis=1, initial=ABSENT)
        )
        return np.maximum(highest, 0).astype(np.int8)

    def has_group(self, group: ImpairmentGroup) -> np.ndarray:
        """(n,) bool: the student has at least one impairment of ``group``."""
        return np.asarray((self.impairment[:, impairment_group_mask(group)] >= 0).any(axis=1))

    def take(self, rows: np.ndarray) -> StudentArrays:
        """The students at positions ``rows``, in that order."""
        return StudentArrays(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})


@dataclass(frozen=True, eq=False)
class CompanyArrays:
    """The companies of a network as aligned arrays, one row per company."""

    ids: np.ndarray  # (m,) str
    lat: np.ndarray  # (m,) float64
    lon: np.ndarray  # (m,) float64
    industry: np.ndarray  # (m,) int8, index into INDUSTRY_ORDER
    capacity: np.ndarray  # (m,) int64 internship slots
    mentor_capacity: np.ndarray  # (m,) int64 mentor hours per week
    mentor_trained: np.ndarray  # (m,) bool
    complexity_min: np.ndarray  # (m,) int8 1..5
    complexity_max: np.ndarray  # (m,) int8 1..5
    task_variety: np.ndarray  # (m,) int8, index into VARIETY_ORDER (0 routine, 1 varied, 2 both)
    shielded_workstation: np.ndarray  # (m,) bool
    team_work: np.ndarray  # (m,) bool
    min_hours: np.ndarray  # (m,) int16
    max_hours: np.ndarray  # (m,) int16
    weekdays: np.ndarray  # (m, 7) bool in WEEKDAY_ORDER
    daytime_possible: np.ndarray  # (m,) bool
    noise: np.ndarray  # (m,) int8 0 low, 1 medium, 2 high
    pace: np.ndarray  # (m,) int8 0..2
    customer_contact: np.ndarray  # (m,) int8 0..2
    physical_demands: np.ndarray  # (m,) int8 0..2
    wheelchair_accessible: np.ndarray  # (m,) bool
    flexible_management: np.ndarray  # (m,) bool
    demands: np.ndarray  # (m, 11) int8 1..5 in DEMAND_ORDER

    @property
    def n(self) -> int:
        return int(self.ids.shape[0])

    def take(self, rows: np.ndarray) -> CompanyArrays:
        """The companies at positions ``rows``, in that order."""
        return CompanyArrays(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})


def student_arrays(students: Sequence[Student]) -> StudentArrays:
    """Encode students (the cohort or the alumni) as arrays."""
    n = len(students)
    impairment = np.full((n, len(IMPAIRMENT_ORDER)), ABSENT, dtype=np.int8)
    stress = np.full((n, len(STRESS_ORDER)), ABSENT, dtype=np.int8)
    interest_rank = np.zeros((n, len(INDUSTRY_ORDER)), dtype=np.int8)
    for i, s in enumerate(students):
        for impairment_item, level in s.impairments.items():
            impairment[i, _IMPAIRMENT_CODE[impairment_item]] = level.rank
        for reaction, level in s.stress_reactions.items():
            stress[i, _STRESS_CODE[reaction]] = level.rank
        for rank, industry in enumerate(s.interests, start=1):
            interest_rank[i, _INDUSTRY_CODE[industry]] = rank
    column = _column_reader(students)
    return StudentArrays(
        ids=np.array([s.student_id for s in students], dtype=str),
        lat=column("home_lat", np.float64),
        lon=column("home_lon", np.float64),
        transport=np.array([_TRANSPORT_CODE[s.transport_mode] for s in students], dtype=np.int8),
        max_travel=column("max_travel_minutes", np.float64),
        impairment=impairment,
        stress=stress,
        interest_rank=interest_rank,
        single_industry_only=column("single_industry_only", bool),
        complexity=column("max_task_complexity", np.int8),
        min_hours=column("min_hours_per_week", np.int16),
        max_hours=column("max_hours_per_week", np.int16),
        daytime_only=column("daytime_only", bool),
        needs_routine=column("needs_routine", bool),
        needs_shielded=column("needs_shielded_workstation", bool),
        needs_mentor=column("needs_mentor", bool),
        needs_wheelchair=column("needs_wheelchair_access", bool),
        abilities=_rating_matrix(students, "ability"),
    )


def company_arrays(companies: Sequence[Company]) -> CompanyArrays:
    """Encode the companies as arrays."""
    column = _column_reader(companies)
    weekdays = np.zeros((len(companies), len(WEEKDAY_ORDER)), dtype=bool)
    for i, c in enumerate(companies):
        weekdays[i, [_WEEKDAY_CODE[day] for day in c.weekdays]] = True
    levels = {level: level.rank for level in Level}
    return CompanyArrays(
        ids=np.array([c.company_id for c in companies], dtype=str),
        lat=column("lat", np.float64),
        lon=column("lon", np.float64),
        industry=np.array([_INDUSTRY_CODE[c.industry] for c in companies], dtype=np.int8),
        capacity=column("capacity", np.int64),
        mentor_capacity=column("mentor_capacity", np.int64),
        mentor_trained=column("mentor_trained", bool),
        complexity_min=column("complexity_min", np.int8),
        complexity_max=column("complexity_max", np.int8),
        task_variety=np.array([_VARIETY_CODE[c.task_variety] for c in companies], dtype=np.int8),
        shielded_workstation=column("shielded_workstation", bool),
        team_work=column("team_work", bool),
        min_hours=column("min_hours_per_week", np.int16),
        max_hours=column("max_hours_per_week", np.int16),
        weekdays=weekdays,
        daytime_possible=column("daytime_possible", bool),
        noise=np.array([levels[c.noise] for c in companies], dtype=np.int8),
        pace=np.array([levels[c.pace] for c in companies], dtype=np.int8),
        customer_contact=np.array([levels[c.customer_contact] for c in companies], dtype=np.int8),
        physical_demands=np.array([levels[c.physical_demands] for c in companies], dtype=np.int8),
        wheelchair_accessible=column("wheelchair_accessible", bool),
        flexible_management=column("flexible_management", bool),
        demands=_rating_matrix(companies, "demand"),
    )


def network_arrays(network: Network) -> tuple[StudentArrays, CompanyArrays]:
    """The cohort and the companies of ``network`` as arrays."""
    return student_arrays(network.students), company_arrays(network.companies)


def _column_reader(profiles: Sequence[Student] | Sequence[Company]) -> Callable[[str, type], np.ndarray]:
    def read(name: str, dtype: type) -> np.ndarray:  # map and attrgetter: no Python loop per profile
        return np.fromiter(map(attrgetter(name), profiles), dtype=dtype, count=len(profiles))

    return read


def _rating_matrix(profiles: Sequence[Student] | Sequence[Company], prefix: str) -> np.ndarray:
    names = [f"{prefix}_{dim.value}" for dim in DEMAND_ORDER]
    values = list(map(attrgetter(*names), profiles))
    return np.array(values, dtype=np.int8).reshape(len(profiles), len(DEMAND_ORDER))
