"""Near misses: companies a student misses by exactly one hard rule, and what would lift it.

A pair is a *near miss* when ``score_pairs(...).failures`` holds exactly one
rule and one of that rule's arrangements (``LIFT_OPTIONS``, tried in order)
makes the pair eligible. An arrangement is a change to the student's or the
company's profile, named by the fields of ``features.profiles`` (for example
``{"shielded_workstation": True}`` for the company): the pair is scored again
with the change made, and the near miss carries that score. So a near miss's
``score`` is what ``score_pairs`` gives the pair on the network with the change
made (a test rebuilds the network with it to check).

What each rule's arrangement is:

- ``travel``: a faster way to travel that can be arranged: public transport for
  a student who walks or cycles, then being driven (*kørsel*). A company that
  no arranged transport brings within the student's maximum is not a near miss;
  the maximum itself is the student's and is never raised.
- ``hours``, ``complexity``, ``work_demands``: the company adjusts to the student
  (the hours meet the student's range; the simplest tasks at the student's
  level; each demand far above the student's ability lowered to it).
- ``mentor``: a mentor with the course for the target group (which saves some
  students mentor hours), else more mentor hours a week at the company.
- The others: what the rule asks for (an internship slot, wheelchair access,
  daytime hours on weekdays, a shielded workstation, the student open to more
  industries than the first choice).

``rule_values`` states both sides of any failed rule (the student's need and
what the company offers) as named values and one Danish sentence, for near
misses and for the shortlist's note when none of a student's interests can be
reached.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from pydantic import BaseModel

from features.arrays import company_arrays, student_arrays
from features.profiles import Company, Student
from features.travel import TRANSPORT_ORDER
from features.vocabulary import (
    INDUSTRY_LABELS,
    TRANSPORT_MODE_LABELS,
    WEEKDAY_LABELS,
    WORK_DEMAND_LABELS,
    TransportMode,
    Weekday,
    WorkDemand,
    task_level,
)
from matching.candidates import pair_minutes, unit_vectors
from matching.config import ScoringConfig
from matching.context import ScoringContext
from matching.eligibility import REASON_CODES, REASON_LABELS
from matching.pairs import PairScores, score_pairs, student_position
from matching.travel_matrix import MatrixLookup

ARRANGED_TRANSPORT: dict[TransportMode, tuple[TransportMode, ...]] = {
    TransportMode.WALK: (TransportMode.PUBLIC_TRANSPORT, TransportMode.DRIVEN),
    TransportMode.BIKE: (TransportMode.PUBLIC_TRANSPORT, TransportMode.DRIVEN),
    TransportMode.PUBLIC_TRANSPORT: (TransportMode.DRIVEN,),
    TransportMode.DRIVEN: (),
    TransportMode.CAR: (),
}
"""The ways to travel that can be arranged for a student, by the student's own, in the order tried."""

LIFT_LABELS: dict[str, str] = {
    "public_transport": "Offentlig transport (buskort og træning af turen)",
    "driven": "Kørsel til og fra praktikken",
    "open_slot": "En praktikplads hos virksomheden",
    "other_industries": "Eleven er åben for flere brancher end førstevalget",
    "wheelchair_access": "Adgang for kørestol",
    "daytime_hours": "Arbejde i dagtimerne på hverdage",
    "adjusted_hours": "Tilpasset arbejdstid",
    "adjusted_tasks": "Enklere opgaver",
    "shielded_workstation": "En skærmet arbejdsplads",
    "trained_mentor": "Mentor med kursus i målgruppen",
    "more_mentor_support": "Mere mentorstøtte",
    "adjusted_demands": "Tilpassede arbejdskrav",
}
"""Each arrangement's code and what it is, in Danish."""


class RuleValues(BaseModel):
    """Both sides of a failed hard rule: the student's values, the company's (or the trip's), one Danish sentence."""

    rule: str
    rule_da: str
    student: dict[str, Any]
    company: dict[str, Any]
    text_da: str


class NearMiss(BaseModel):
    """A company the student misses by one hard rule, the arrangement that lifts it, and the score after it."""

    student_id: str
    company_id: str
    company_name: str
    industry: str
    interest_rank: int | None
    """The company's industry in the student's list of interests (1 = first choice), None outside them."""
    rule: str
    rule_da: str
    student: dict[str, Any]
    company: dict[str, Any]
    values_da: str
    lift: str
    """The arrangement's code (``LIFT_LABELS``)."""
    lift_da: str
    student_changes: dict[str, Any]
    """The student's profile fields the arrangement changes, with their new values."""
    company_changes: dict[str, Any]
    score: float
    """The pair's score with the arrangement made (the pair is then eligible)."""
    travel_minutes: float
    """One-way travel with the arrangement made."""
    support_load: int

    def as_json(self) -> dict[str, object]:
        """The CLI's JSON item (``near_misses`` of ``shortlist --json``)."""
        return {
            "company_id": self.company_id,
            "company_name": self.company_name,
            "industry": self.industry,
            "interest_rank": self.interest_rank,
            "rule": self.rule,
            "rule_da": self.rule_da,
            "student": self.student,
            "company": self.company,
            "values_da": self.values_da,
            "lift": self.lift,
            "lift_da": self.lift_da,
            "changes": {"student": self.student_changes, "company": self.company_changes},
            "score": self.score,
            "travel_minutes": self.travel_minutes,
        }


@dataclasses.dataclass(frozen=True)
class _Pair:
    """One failing pair as the arrangements read it."""

    student: Student
    company: Company
    minutes: float
    support_load: int
    config: ScoringConfig


@dataclasses.dataclass(frozen=True)
class _Option:
    lift: str
    student_changes: dict[str, Any]
    company_changes: dict[str, Any]


# --- Both sides of each rule --------------------------------------------------------------------


def rule_values(
    context: ScoringContext, rule: str, i: int, j: int, minutes: float, support_load: int
) -> RuleValues:
    """Both sides of ``rule`` for student ``i`` and company ``j`` (positions), as values and in Danish."""
    pair = _Pair(
        context.network.students[i], context.network.companies[j], minutes, support_load, context.config
    )
    describe = _VALUES.get(rule)
    student, company, text = (
        ({}, {}, REASON_LABELS.get(rule, rule) + ".") if describe is None else describe(pair)
    )
    return RuleValues(
        rule=rule, rule_da=REASON_LABELS.get(rule, rule), student=student, company=company, text_da=text
    )


def _travel_values(p: _Pair) -> tuple[dict[str, Any], dict[str, Any], str]:
    mode = TRANSPORT_MODE_LABELS[p.student.transport_mode].lower()
    return (
        {
            "max_travel_minutes": p.student.max_travel_minutes,
            "transport_mode": p.student.transport_mode.value,
        },
        {"travel_minutes": p.minutes},
        # Whole minutes rounded up, so a trip just over the maximum never reads as equal to it.
        f"Eleven kan højst bruge {p.student.max_travel_minutes} min. hver vej; "
        f"turen tager ca. {math.ceil(p.minutes)} min. ({mode}).",
    )


def _capacity_values(p: _Pair) -> tuple[dict[str, Any], dict[str, Any], str]:
    return {}, {"capacity": p.company.capacity}, "Virksomheden har ingen ledige praktikpladser (0 pladser)."


def _industry_values(p: _Pair) -> tuple[dict[str, Any], dict[str, Any], str]:
    first = p.student.interests[0]
    return (
        {"single_industry_only": True, "first_choice": first.value},
        {"industry": p.company.industry.value},
        f"Eleven ønsker kun {INDUSTRY_LABELS[first]}; virksomheden er i {INDUSTRY_LABELS[p.company.industry]}.",
    )


def _wheelchair_values(p: _Pair) -> tuple[dict[str, Any], dict[str, Any], str]:
    return (
        {"needs_wheelchair_access": True},
        {"wheelchair_accessible": False},
        "Eleven har brug for adgang for kørestol; arbejdspladsen har ikke adgang for kørestol.",
    )


def _daytime_values(p: _Pair) -> tuple[dict[str, Any], dict[str, Any], str]:
    days = [day for day in Weekday if day in p.company.weekdays]
    shown = ", ".join(WEEKDAY_LABELS[day].lower() for day in days) or "ingen dage"
    offer = (
        "kan ikke tilbyde arbejde i dagtimerne"
        if not p.company.daytime_possible
        else f"har kun arbejdsdage i weekenden ({shown})"
    )
    return (
        {"daytime_only": True},
        {"daytime_possible": p.company.daytime_possible, "weekdays": [day.value for day in days]},
        f"Eleven kan kun arbejde i dagtimerne på hverdage; virksomheden {offer}.",
    )


def _hours_values(p: _Pair) -> tuple[dict[str, Any], dict[str, Any], str]:
    s, c = p.student, p.company
    return (
        {"min_hours_per_week": s.min_hours_per_week, "max_hours_per_week": s.max_hours_per_week},
        {"min_hours_per_week": c.min_hours_per_week, "max_hours_per_week": c.max_hours_per_week},
        f"Eleven kan {s.min_hours_per_week}–{s.max_hours_per_week} timer om ugen; "
        f"virksomheden har {c.min_hours_per_week}–{c.max_hours_per_week} timer "
        f"(højst {p.config.hours_tolerance} timers forskel kan aftales).",
    )


def _complexity_values(p: _Pair) -> tuple[dict[str, Any], dict[str, Any], str]:
    return (
        {"max_task_complexity": p.student.max_task_complexity},
        {"complexity_min": p.company.complexity_min},
        f"Eleven kan klare {task_level(p.student.max_task_complexity)}; "
        f"virksomhedens enkleste er {task_level(p.company.complexity_min)}.",
    )


def _shielded_values(p: _Pair) -> tuple[dict[str, Any], dict[str, Any], str]:
    return (
        {"needs_shielded_workstation": True},
        {"shielded_workstation": False},
        "Eleven har brug for en skærmet arbejdsplads; virksomheden har ingen.",
    )


def _mentor_values(p: _Pair) -> tuple[dict[str, Any], dict[str, Any], str]:
    trained = "har kursus i målgruppen" if p.company.mentor_trained else "har ikke kursus i målgruppen"
    return (
        {"needs_mentor": True, "support_load": p.support_load},
        {"mentor_capacity": p.company.mentor_capacity, "mentor_trained": p.company.mentor_trained},
        f"Eleven har brug for {_mentor_hours(p.support_load)}; virksomheden kan give "
        f"{_mentor_hours(p.company.mentor_capacity)} i alt, og mentoren {trained}.",
    )


def _far_demands(p: _Pair) -> list[WorkDemand]:
    """The work-demand dimensions on which the requirement exceeds the ability by more than can be trained."""
    abilities, demands = p.student.abilities, p.company.demands
    return [dim for dim in WorkDemand if demands[dim] - abilities[dim] > p.config.overload_limit]


def _demand_values(p: _Pair) -> tuple[dict[str, Any], dict[str, Any], str]:
    dims = _far_demands(p)
    abilities, demands = p.student.abilities, p.company.demands
    parts = [
        f"{WORK_DEMAND_LABELS[dim].lower()}: virksomheden kræver {demands[dim]}, eleven har {abilities[dim]}"
        for dim in dims
    ]
    return (
        {f"ability_{dim.value}": abilities[dim] for dim in dims},
        {f"demand_{dim.value}": demands[dim] for dim in dims},
        "Arbejdskrav over elevens forudsætninger: "
        + "; ".join(parts)
        + f" (på en skala 1–5; højst {p.config.overload_limit} over kan dækkes af oplæring).",
    )


_VALUES: dict[str, Callable[[_Pair], tuple[dict[str, Any], dict[str, Any], str]]] = {
    "travel": _travel_values,
    "no_capacity": _capacity_values,
    "industry_preference": _industry_values,
    "wheelchair_access": _wheelchair_values,
    "daytime": _daytime_values,
    "hours": _hours_values,
    "complexity": _complexity_values,
    "shielded_workstation": _shielded_values,
    "mentor": _mentor_values,
    "work_demands": _demand_values,
}


# --- The arrangements that lift each rule -------------------------------------------------------


def _travel_options(p: _Pair) -> list[_Option]:
    return [
        _Option(mode.value, {"transport_mode": mode}, {})
        for mode in ARRANGED_TRANSPORT[p.student.transport_mode]
    ]


def _hours_options(p: _Pair) -> list[_Option]:
    s, c = p.student, p.company
    if c.min_hours_per_week > s.max_hours_per_week:
        change = {"min_hours_per_week": s.max_hours_per_week}
    else:
        change = {"max_hours_per_week": s.min_hours_per_week}
    return [_Option("adjusted_hours", {}, change)]


def _daytime_options(p: _Pair) -> list[_Option]:
    change: dict[str, Any] = {"daytime_possible": True}
    weekdays = (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI)
    if not any(day in p.company.weekdays for day in weekdays):
        change["weekdays"] = [day for day in Weekday if day in p.company.weekdays or day in weekdays]
    return [_Option("daytime_hours", {}, change)]


def _mentor_options(p: _Pair) -> list[_Option]:
    options = [] if p.company.mentor_trained else [_Option("trained_mentor", {}, {"mentor_trained": True})]
    return [*options, _Option("more_mentor_support", {}, {"mentor_capacity": p.support_load})]


def _demand_options(p: _Pair) -> list[_Option]:
    abilities = p.student.abilities
    change = {f"demand_{dim.value}": abilities[dim] for dim in _far_demands(p)}
    return [_Option("adjusted_demands", {}, change)]


LIFT_OPTIONS: dict[str, Callable[[_Pair], list[_Option]]] = {
    "travel": _travel_options,
    "no_capacity": lambda p: [_Option("open_slot", {}, {"capacity": 1})],
    "industry_preference": lambda p: [_Option("other_industries", {"single_industry_only": False}, {})],
    "wheelchair_access": lambda p: [_Option("wheelchair_access", {}, {"wheelchair_accessible": True})],
    "daytime": _daytime_options,
    "hours": _hours_options,
    "complexity": lambda p: [
        _Option("adjusted_tasks", {}, {"complexity_min": p.student.max_task_complexity})
    ],
    "shielded_workstation": lambda p: [_Option("shielded_workstation", {}, {"shielded_workstation": True})],
    "mentor": _mentor_options,
    "work_demands": _demand_options,
}
"""For each hard rule (``REASON_CODES``), the arrangements that may lift it, in the order tried."""


def _lift_text(option: _Option, p: _Pair, minutes: float, support_load: int) -> str:
    """The arrangement for the consultant, in Danish, with its values."""
    s, c, change = p.student, p.company, option.company_changes
    if option.lift == "public_transport":
        return f"Aftal offentlig transport, fx buskort og træning af turen: ca. {minutes:.0f} min. hver vej."
    if option.lift == "driven":
        return f"Aftal kørsel til og fra praktikken: ca. {minutes:.0f} min. hver vej."
    if option.lift == "open_slot":
        return "Spørg virksomheden, om den kan åbne en praktikplads."
    if option.lift == "other_industries":
        return (
            f"Tal med eleven om også at søge i {INDUSTRY_LABELS[c.industry]}, "
            f"ikke kun i {INDUSTRY_LABELS[s.interests[0]]}."
        )
    if option.lift == "wheelchair_access":
        return "Aftal adgang for kørestol på arbejdspladsen."
    if option.lift == "daytime_hours":
        return "Aftal arbejde i dagtimerne på hverdage."
    if option.lift == "adjusted_hours":
        if "min_hours_per_week" in change:
            return f"Aftal tilpasset arbejdstid: højst {change['min_hours_per_week']} timer om ugen."
        return f"Aftal tilpasset arbejdstid: mindst {change['max_hours_per_week']} timer om ugen."
    if option.lift == "adjusted_tasks":
        return f"Aftal, at eleven får {task_level(int(change['complexity_min']))}."
    if option.lift == "shielded_workstation":
        return "Aftal en skærmet arbejdsplads."
    if option.lift == "trained_mentor":
        return (
            "Aftal, at mentoren tager et kursus i målgruppen (fx om autisme eller ADHD); "
            f"så har eleven brug for {_mentor_hours(support_load)}."
        )
    if option.lift == "more_mentor_support":
        return (
            f"Aftal mere mentorstøtte: mindst {_mentor_hours(change['mentor_capacity'])} "
            f"(i dag {c.mentor_capacity})."
        )
    if option.lift == "adjusted_demands":
        parts = [
            f"{WORK_DEMAND_LABELS[WorkDemand(name.removeprefix('demand_'))].lower()} er højst {value}"
            for name, value in change.items()
        ]
        return "Tilpas opgaverne, så kravet til " + ", og kravet til ".join(parts) + "."
    return LIFT_LABELS.get(option.lift, option.lift) + "."


# --- Finding near misses ------------------------------------------------------------------------


def near_misses(context: ScoringContext, rows: np.ndarray) -> list[NearMiss]:
    """Every near miss of the students at positions ``rows``.

    By student (in ``rows`` order), then the companies within the student's
    interests before the others, then the highest score with the arrangement.
    """
    rows = np.asarray(rows, dtype=np.int64).reshape(-1)
    s, c = _candidate_pairs(context, rows)
    scores = score_pairs(context, s, c)
    one = np.flatnonzero(scores.failures.sum(axis=1) == 1)
    rule = scores.failures[one].argmax(axis=1)
    pairs = [
        _Pair(
            context.network.students[int(s[k])],
            context.network.companies[int(c[k])],
            float(scores.minutes[k]),
            int(scores.support_load[k]),
            context.config,
        )
        for k in one.tolist()
    ]
    options = [
        LIFT_OPTIONS.get(REASON_CODES[r], lambda p: [])(p) for r, p in zip(rule.tolist(), pairs, strict=True)
    ]
    chosen: dict[int, tuple[_Option, PairScores, int]] = {}
    for attempt in range(max((len(o) for o in options), default=0)):
        pending = [n for n, o in enumerate(options) if n not in chosen and len(o) > attempt]
        if not pending:
            continue
        tried = [options[n][attempt] for n in pending]
        lifted = score_with_changes(
            context,
            s[one[pending]],
            c[one[pending]],
            [o.student_changes for o in tried],
            [o.company_changes for o in tried],
        )
        for m, n in enumerate(pending):
            if lifted.eligible[m]:
                chosen[n] = (tried[m], lifted, m)
    out = []
    for n, (option, lifted, m) in chosen.items():
        k = int(one[n])
        i, j = int(s[k]), int(c[k])
        values = rule_values(
            context, REASON_CODES[int(rule[n])], i, j, pairs[n].minutes, pairs[n].support_load
        )
        rank = int(context.students.interest_rank[i, context.companies.industry[j]])
        company = pairs[n].company
        out.append(
            NearMiss(
                student_id=pairs[n].student.student_id,
                company_id=company.company_id,
                company_name=company.name,
                industry=company.industry.value,
                interest_rank=rank or None,
                rule=values.rule,
                rule_da=values.rule_da,
                student=values.student,
                company=values.company,
                values_da=values.text_da,
                lift=option.lift,
                lift_da=_lift_text(option, pairs[n], float(lifted.minutes[m]), int(lifted.support_load[m])),
                student_changes={k: _plain(v) for k, v in option.student_changes.items()},
                company_changes={k: _plain(v) for k, v in option.company_changes.items()},
                score=float(lifted.score[m]),
                travel_minutes=float(lifted.minutes[m]),
                support_load=int(lifted.support_load[m]),
            )
        )
    order = {student: n for n, student in enumerate(rows.tolist())}
    position = context.network.student_position
    out.sort(key=lambda x: (order[position[x.student_id]], x.interest_rank is None, -x.score, x.company_id))
    return out


def near_misses_of(context: ScoringContext, student_id: str) -> list[NearMiss]:
    """Every near miss of one student (by ID; an unknown ID names the closest ones)."""
    return near_misses(context, np.array([student_position(context.network, student_id)]))


def score_with_changes(
    context: ScoringContext,
    s: np.ndarray,
    c: np.ndarray,
    student_changes: list[dict[str, Any]],
    company_changes: list[dict[str, Any]],
) -> PairScores:
    """``score_pairs`` of the pairs (s[k], c[k]), each with its own changes to the two profiles.

    Every pair gets its own copy of the student and the company, changed, so a
    change for one pair never reaches another. Travel-matrix minutes are kept
    for a pair unless its change is to the student's transport.
    """
    s = np.asarray(s, dtype=np.int64)
    c = np.asarray(c, dtype=np.int64)
    network = context.network
    students = [
        network.students[i].model_copy(update=change)
        for i, change in zip(s.tolist(), student_changes, strict=True)
    ]
    companies = [
        network.companies[j].model_copy(update=change)
        for j, change in zip(c.tolist(), company_changes, strict=True)
    ]
    student_rows, company_rows = student_arrays(students), company_arrays(companies)
    lookup = None
    if context.lookup is not None and s.size:
        found, minutes = context.lookup.find(s, c)
        found &= np.array(["transport_mode" not in change for change in student_changes], dtype=bool)
        keys = np.flatnonzero(found)
        lookup = MatrixLookup(keys=keys * s.size + keys, minutes=minutes[keys], n_companies=s.size)
    virtual = dataclasses.replace(
        context,
        students=student_rows,
        companies=company_rows,
        student_xyz=unit_vectors(student_rows.lat, student_rows.lon),
        company_xyz=unit_vectors(company_rows.lat, company_rows.lon),
        lookup=lookup,
    )
    pairs = np.arange(s.size)
    scores = score_pairs(virtual, pairs, pairs)
    return dataclasses.replace(scores, s=s, c=c)


def _candidate_pairs(context: ScoringContext, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The students' pairs with companies within reach by their own transport or by one that can be arranged."""
    students, companies = context.students, context.companies
    s = np.repeat(rows, companies.n)
    c = np.tile(np.arange(companies.n, dtype=np.int64), rows.size)
    limit = students.max_travel[s]
    xyz = (context.student_xyz, context.company_xyz)
    within = pair_minutes(students, companies, s, c, context.lookup, *xyz) <= limit
    own = students.transport[s]
    for mode in (TransportMode.PUBLIC_TRANSPORT, TransportMode.DRIVEN):
        arranged_from = [TRANSPORT_ORDER.index(m) for m, modes in ARRANGED_TRANSPORT.items() if mode in modes]
        can = np.flatnonzero(np.isin(own, arranged_from))
        if can.size:
            travelling = dataclasses.replace(
                students, transport=np.full(students.n, TRANSPORT_ORDER.index(mode), dtype=np.int8)
            )
            within[can] |= pair_minutes(travelling, companies, s[can], c[can], None, *xyz) <= limit[can]
    return s[within], c[within]


def _mentor_hours(hours: int) -> str:
    """Mentor support in Danish, in hours per week as jobcentres grant it: "1 mentortime om ugen"."""
    return f"{hours} mentortime{'' if hours == 1 else 'r'} om ugen"


def _plain(value: object) -> object:
    """A change's value as JSON has it (enums as their codes)."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return getattr(value, "value", value)
