"""Fair to every group: placement by group in a plan, and the outcome model's calibration by group.

Two questions a network coordinator asks of the plan and the learned model:

- **Placement by group.** For STU site, gender, age band, impairment group and transport mode:
  how many students, how many placed, how many within their own interests, their mean score,
  and the unplaced split by cause:

  - ``no_eligible``: no company passes the hard rules for the student;
  - ``full``: every company that does is *full for the student* in the plan: its places are all
    taken, or the mentor hours per week it has left are fewer than the student needs there;
  - ``other``: a fitting company had room, but the plan did not choose it (the objective, a
    consultant's decision, or the time limit).

  A student with impairments of several groups counts in each of them.

- **Calibration by group.** On held-out history (``matching.evaluation.held_out_predictions``,
  the folds of ``stu-match evaluate``): per group the mean predicted P(a job of any kind) against
  the observed share, with a 95 % Wilson interval for the observed share. A group with fewer than
  ``MIN_GROUP_SIZE`` rows shows its count and no rate and is never flagged; a larger group is
  flagged when predicted and observed differ by more than ``MAX_GAP`` (5 percentage points).

The functions are pure: they take a plan or a network and return pydantic models.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from pydantic import BaseModel

from features.errors import InputError
from features.geography import SITES_BY_ID
from features.network import Network
from features.profiles import Student
from features.vocabulary import (
    GENDER_LABELS,
    IMPAIRMENT_GROUP_LABELS,
    IMPAIRMENT_GROUPS,
    TRANSPORT_MODE_LABELS,
    Gender,
    ImpairmentGroup,
    TransportMode,
)
from matching.pair_table import PairTable
from placement_service.planning import Plan

MIN_GROUP_SIZE = 20
"""Below this many students (placement) or history rows (calibration) a group shows its count and
no rate, and is never flagged: one student more or less would move its rate by 5 points or more."""

MAX_GAP = 0.05
"""A group is flagged when its mean predicted and observed P(a job of any kind) differ by more than this."""

Z_95 = 1.959963984540054
"""The standard normal quantile of a two-sided 95 % interval."""

GROUPS: tuple[str, ...] = ("stu_site", "gender", "age_band", "impairment_group", "transport_mode")
"""The groupings, in the order they are shown."""

GROUP_LABELS_DA: dict[str, str] = {
    "stu_site": "STU-sted",
    "gender": "Køn",
    "age_band": "Alder",
    "impairment_group": "Funktionsnedsættelse",
    "transport_mode": "Transport",
}

AGE_BANDS: tuple[tuple[str, int, str], ...] = (
    ("18_or_younger", 18, "18 år og yngre"),
    ("19_20", 20, "19–20 år"),
    ("21_22", 22, "21–22 år"),
    ("23_or_older", 200, "23 år og ældre"),
)
"""(value, oldest age in the band, Danish label): the pilot's 19–20-year-olds are one band."""

CAUSES: tuple[str, ...] = ("no_eligible", "full", "other")
"""Why an unplaced student is unplaced (see the module's docstring)."""

UNPLACED_LABELS_DA: dict[str, str] = {
    "no_eligible": "Ingen passende virksomhed",
    "full": "Passende virksomheder fuldt besat",
    "other": "Ikke valgt i planen",
}


class GroupPlacement(BaseModel):
    """One group's students in a plan."""

    group: str
    value: str
    students: int
    placed: int
    in_interest: int
    mean_score: float | None  # of the placed students; None when none is placed
    unplaced_no_eligible: int
    unplaced_full: int
    unplaced_other: int

    @property
    def small(self) -> bool:
        return self.students < MIN_GROUP_SIZE

    @property
    def placed_share(self) -> float | None:
        """Placed of the group's students; None for a small group."""
        return None if self.small or not self.students else self.placed / self.students

    @property
    def in_interest_share(self) -> float | None:
        """Placed within their interests, of the placed; None for a small group."""
        return None if self.small or not self.placed else self.in_interest / self.placed


class GroupCalibration(BaseModel):
    """One group's held-out history: mean predicted against observed P(a job of any kind)."""

    group: str
    value: str
    n: int
    predicted: float | None  # None for a group below MIN_GROUP_SIZE
    observed: float | None
    low: float | None  # the observed share's 95 % Wilson interval
    high: float | None
    flagged: bool

    @property
    def small(self) -> bool:
        return self.n < MIN_GROUP_SIZE


class Calibration(BaseModel):
    """Calibration by group, or none with the reason (no history, or too little to learn from)."""

    placements: int
    folds: int
    groups: dict[str, list[GroupCalibration]]
    reason_en: str | None = None
    reason_da: str | None = None

    @property
    def flagged(self) -> list[GroupCalibration]:
        return [row for rows in self.groups.values() for row in rows if row.flagged]


class FairnessReport(BaseModel):
    students: int
    placed: int
    min_group_size: int = MIN_GROUP_SIZE
    max_gap: float = MAX_GAP
    placement_by_group: dict[str, list[GroupPlacement]]
    calibration: Calibration

    def as_json(self) -> dict[str, object]:
        """The document of ``stu-match fairness --json``."""
        return {
            "students": self.students,
            "placed": self.placed,
            "min_group_size": self.min_group_size,
            "max_gap_points": round(100 * self.max_gap, 6),
            "placement_by_group": {
                name: [row.model_dump() for row in rows] for name, rows in self.placement_by_group.items()
            },
            "calibration_by_group": {
                name: [row.model_dump() for row in rows] for name, rows in self.calibration.groups.items()
            },
            "calibration": {
                "placements": self.calibration.placements,
                "folds": self.calibration.folds,
                "reason": None
                if self.calibration.reason_en is None
                else {"en": self.calibration.reason_en, "da": self.calibration.reason_da},
            },
        }


# --- Groups -------------------------------------------------------------------------------------


def age_band(age: int) -> str:
    """The age band of an age: '18_or_younger', '19_20', '21_22' or '23_or_older'."""
    return next(value for value, oldest, _ in AGE_BANDS if age <= oldest)


def impairment_groups(student: Student) -> tuple[str, ...]:
    """The student's impairment groups, each once, in the vocabulary's order."""
    have = {IMPAIRMENT_GROUPS[impairment] for impairment in student.impairments}
    return tuple(group.value for group in ImpairmentGroup if group in have)


def group_values(student: Student) -> dict[str, tuple[str, ...]]:
    """The values of every grouping for one student (several impairment groups, one of the others)."""
    return {
        "stu_site": (student.stu_site,),
        "gender": (student.gender.value,),
        "age_band": (age_band(student.age),),
        "impairment_group": impairment_groups(student),
        "transport_mode": (student.transport_mode.value,),
    }


def _value_order(group: str) -> Callable[[str], tuple[int, str]]:
    known: list[str] = {
        "gender": [g.value for g in Gender],
        "age_band": [value for value, _, _ in AGE_BANDS],
        "impairment_group": [g.value for g in ImpairmentGroup],
        "transport_mode": [t.value for t in TransportMode],
    }.get(group, [])

    def key(value: str) -> tuple[int, str]:
        return (known.index(value) if value in known else len(known), value)

    return key


def value_label(group: str, value: str) -> str:
    """A group value in Danish: the STU site's name, 'Kvinde', '19–20 år', 'Psykisk', 'Cykel'."""
    if group == "stu_site":
        site = SITES_BY_ID.get(value)
        return site.name if site else value
    if group == "gender":
        return GENDER_LABELS[Gender(value)]
    if group == "age_band":
        return next(label for band, _, label in AGE_BANDS if band == value)
    if group == "impairment_group":
        return IMPAIRMENT_GROUP_LABELS[ImpairmentGroup(value)]
    if group == "transport_mode":
        return TRANSPORT_MODE_LABELS[TransportMode(value)]
    raise InputError(
        f"Unknown group {group!r}; the groups are {', '.join(GROUPS)}.",
        f"Ukendt gruppering {group!r}; grupperingerne er "
        f"{', '.join(f'{name} ({GROUP_LABELS_DA[name]})' for name in GROUPS)}.",
    )


def members(values: Sequence[dict[str, tuple[str, ...]]], group: str) -> dict[str, np.ndarray]:
    """value -> the row positions in the group with that value, values in display order."""
    found: dict[str, list[int]] = {}
    for position, row in enumerate(values):
        for value in row[group]:
            found.setdefault(value, []).append(position)
    return {value: np.array(found[value], dtype=np.int64) for value in sorted(found, key=_value_order(group))}


# --- Placement by group -------------------------------------------------------------------------


def unplaced_causes(pairs: PairTable, pair_of_student: np.ndarray) -> list[str | None]:
    """Per student: None when placed, else 'no_eligible', 'full' or 'other' (see the module's docstring)."""
    chosen = pair_of_student[pair_of_student >= 0]
    count = np.bincount(pairs.company[chosen], minlength=pairs.n_companies)
    used = np.bincount(pairs.company[chosen], weights=pairs.support_load[chosen], minlength=pairs.n_companies)
    company = pairs.company
    full_pair = (count[company] >= pairs.capacity[company]) | (
        used[company] + pairs.support_load > pairs.mentor_capacity[company]
    )
    eligible = np.bincount(pairs.student, minlength=pairs.n_students)
    open_pairs = np.bincount(pairs.student[~full_pair], minlength=pairs.n_students)
    causes: list[str | None] = []
    for i in range(pairs.n_students):
        if pair_of_student[i] >= 0:
            causes.append(None)
        elif eligible[i] == 0:
            causes.append("no_eligible")
        elif open_pairs[i] == 0:
            causes.append("full")
        else:
            causes.append("other")
    return causes


def group_placement(
    group: str,
    values: Sequence[dict[str, tuple[str, ...]]],
    in_interest: Sequence[bool | None],
    scores: Sequence[float | None],
    causes: Sequence[str | None],
) -> list[GroupPlacement]:
    """One grouping's rows: per student its values, whether placed within its interests (None when
    unplaced), its score (None when unplaced) and its cause when unplaced (None when placed)."""
    rows = []
    for value, positions in members(values, group).items():
        placed = [int(p) for p in positions if causes[p] is None]
        placed_scores = [float(s) for p in placed if (s := scores[p]) is not None]
        rows.append(
            GroupPlacement(
                group=group,
                value=value,
                students=int(positions.size),
                placed=len(placed),
                in_interest=sum(bool(in_interest[p]) for p in placed),
                mean_score=round(float(np.mean(placed_scores)), 4) if placed_scores else None,
                unplaced_no_eligible=sum(causes[p] == "no_eligible" for p in positions),
                unplaced_full=sum(causes[p] == "full" for p in positions),
                unplaced_other=sum(causes[p] == "other" for p in positions),
            )
        )
    return rows


def placement_by_group(plan: Plan) -> dict[str, list[GroupPlacement]]:
    """Every grouping of the plan's students (the network's cohort, in file order)."""
    result, pairs = plan.result, plan.pairs
    pair_of_student = result.pair_of_student
    in_interest_pair = result.problem.in_interest
    values = [group_values(student) for student in plan.network.students]
    interest: list[bool | None] = []
    scores: list[float | None] = []
    for i in range(pairs.n_students):
        k = int(pair_of_student[i])
        interest.append(None if k < 0 else bool(in_interest_pair[k]))
        scores.append(None if k < 0 else float(pairs.score[k]))
    causes = unplaced_causes(pairs, pair_of_student)
    return {group: group_placement(group, values, interest, scores, causes) for group in GROUPS}


# --- Calibration by group -----------------------------------------------------------------------


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a binomial share (stays within 0..1, sensible near 0 and 1)."""
    if n <= 0:
        raise ValueError("the interval needs at least one observation")
    share = successes / n
    denominator = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denominator
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def group_calibration(
    group: str,
    values: Sequence[dict[str, tuple[str, ...]]],
    predicted: np.ndarray,
    observed: np.ndarray,
    min_size: int = MIN_GROUP_SIZE,
    max_gap: float = MAX_GAP,
) -> list[GroupCalibration]:
    """One grouping's calibration rows from per-row held-out predictions and observed outcomes (0/1)."""
    rows = []
    for value, positions in members(values, group).items():
        n = int(positions.size)
        if n < min_size:
            rows.append(
                GroupCalibration(
                    group=group,
                    value=value,
                    n=n,
                    predicted=None,
                    observed=None,
                    low=None,
                    high=None,
                    flagged=False,
                )
            )
            continue
        mean_predicted = float(predicted[positions].mean())
        successes = int(observed[positions].sum())
        low, high = wilson_interval(successes, n)
        rows.append(
            GroupCalibration(
                group=group,
                value=value,
                n=n,
                predicted=round(mean_predicted, 6),
                observed=round(successes / n, 6),
                low=round(low, 6),
                high=round(high, 6),
                flagged=abs(mean_predicted - successes / n) > max_gap,
            )
        )
    return rows


def calibration_by_group(network: Network, folds: int = 5, seed: int = 0) -> Calibration:
    """Calibration of the outcome model by group on held-out history (the folds of ``stu-match evaluate``).

    Without history, or with too little to learn from, the calibration is empty and says why.
    """
    if not network.usable_history:
        return Calibration(
            placements=0,
            folds=folds,
            groups={},
            reason_en="The data has no usable history (history.csv with former students in alumni.csv), "
            "so the model's calibration cannot be checked.",
            reason_da="Data har ingen brugbar historik (history.csv med tidligere elever i alumni.csv), "
            "så modellens kalibrering kan ikke efterprøves.",
        )
    from matching.evaluation import held_out_predictions  # scikit-learn: only when there is history

    try:
        held_out = held_out_predictions(network, folds=folds, seed=seed)
    except InputError as error:
        return Calibration(
            placements=len(network.usable_history),
            folds=folds,
            groups={},
            reason_en=f"{error.message} So the model's calibration cannot be checked.",
            reason_da="Historikken er for lille til at lære af (mindst 40 tidligere praktikker med både job og "
            "ikke job, og nok af hver i hver af de 5 dele), så modellens kalibrering kan ikke efterprøves.",
        )
    people = {s.student_id: s for s in network.students}
    people.update({s.student_id: s for s in network.alumni})
    values = [group_values(people[student_id]) for student_id in held_out.student_ids]
    return Calibration(
        placements=len(held_out.student_ids),
        folds=held_out.folds,
        groups={
            group: group_calibration(group, values, held_out.predicted, held_out.observed) for group in GROUPS
        },
    )


def fairness_report(plan: Plan, calibration: Calibration | None = None) -> FairnessReport:
    """Placement by group in ``plan`` and the model's calibration by group on the network's history."""
    return FairnessReport(
        students=plan.result.students,
        placed=plan.result.placed,
        placement_by_group=placement_by_group(plan),
        calibration=calibration_by_group(plan.network) if calibration is None else calibration,
    )


def chart_rows(
    placement: dict[str, list[GroupPlacement]], groups: Iterable[str] = GROUPS
) -> list[dict[str, object]]:
    """The placement rate of every group large enough to show one, for a chart (Danish labels)."""
    return [
        {
            "gruppering": GROUP_LABELS_DA[group],
            "gruppe": value_label(group, row.value),
            "placeret_pct": round(100 * share, 1),
            "elever": row.students,
        }
        for group in groups
        for row in placement.get(group, [])
        if (share := row.placed_share) is not None
    ]


__all__ = [
    "AGE_BANDS",
    "CAUSES",
    "GROUPS",
    "GROUP_LABELS_DA",
    "MAX_GAP",
    "MIN_GROUP_SIZE",
    "UNPLACED_LABELS_DA",
    "Calibration",
    "FairnessReport",
    "GroupCalibration",
    "GroupPlacement",
    "age_band",
    "calibration_by_group",
    "chart_rows",
    "fairness_report",
    "group_calibration",
    "group_placement",
    "group_values",
    "impairment_groups",
    "placement_by_group",
    "unplaced_causes",
    "value_label",
    "wilson_interval",
]
