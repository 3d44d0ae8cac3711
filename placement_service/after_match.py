"""After the match: a placement's life, follow-up every three months, outcomes, and companies that leave.

The seeds' 81 % was won here: the consultant agrees the internship with the company, starts it,
follows up every three months with the young person's own view beside the company's, records
how it ended and what the student went on to (employment type and hours), and finds a new place
when a company closes. The use cases check who may do what (a student's own STU site's job
consultant) and validate every value before anything is written.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from features.cells import parse_date
from features.errors import DataIssue, DataValidationError, InputError
from features.loading import FIRST_DATA_ROW, read_csv_file
from features.network import Network
from features.safe_files import safe_csv_bytes
from features.vocabulary import OUTCOME_LABELS, Outcome
from matching.lookup import closest_ids
from placement_service.access import Actor, Role, require_role, require_students
from placement_service.after_match_store import FollowUpRecord, OutcomeRecord, PlacementRecord
from placement_service.store import DecisionStore


class PlacementStatus(StrEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    STARTED = "started"
    ENDED = "ended"


PLACEMENT_STATUS_LABELS: dict[PlacementStatus, str] = {
    PlacementStatus.PROPOSED: "Foreslået",
    PlacementStatus.AGREED: "Aftalt",
    PlacementStatus.STARTED: "Startet",
    PlacementStatus.ENDED: "Afsluttet",
}


class EndReason(StrEnum):
    COMPLETED = "completed"
    STUDENT_LEFT = "student_left"
    COMPANY_ENDED = "company_ended"
    COMPANY_CLOSED = "company_closed"


END_REASON_LABELS: dict[EndReason, str] = {
    EndReason.COMPLETED: "Gennemført",
    EndReason.STUDENT_LEFT: "Afbrudt af eleven",
    EndReason.COMPANY_ENDED: "Afbrudt af virksomheden",
    EndReason.COMPANY_CLOSED: "Virksomheden lukket",
}


class Measured(StrEnum):
    STU_END = "stu_end"
    TWELVE_MONTHS = "12_months"


MEASURED_LABELS: dict[Measured, str] = {
    Measured.STU_END: "Ved STU's afslutning",
    Measured.TWELVE_MONTHS: "12 måneder efter STU",
}


class CompanyStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


COMPANY_STATUS_LABELS: dict[CompanyStatus, str] = {
    CompanyStatus.ACTIVE: "Aktiv",
    CompanyStatus.WITHDRAWN: "Trådt ud af netværket",
    CompanyStatus.CLOSED: "Lukket",
}

DEFAULT_FOLLOWUP_MONTHS = 3
DEFAULT_CONTACT_DAYS = 180
MAX_TEXT = 4000
OUTCOME_COLUMNS = ("student_id", "company_id", "year", "outcome", "measured", "hours_per_week")


# --- values -----------------------------------------------------------------------------


def _date(raw: Any, what: str, what_da: str) -> date:
    try:
        value = parse_date(raw)
    except (ValueError, TypeError) as error:  # parse_date's PydanticCustomError is a ValueError
        raise InputError(
            f"{what} must be a date such as 2027-07-31 or 31.07.2027; got {raw!r}",
            f"{what_da} skal være en dato som 31.07.2027; fik {raw!r}.",
        ) from error
    assert isinstance(value, date)
    return value


def _hours(raw: Any, what_da: str = "Timer om ugen") -> float:
    try:
        hours = float(str(raw).strip().replace(",", "."))
    except ValueError:
        hours = -1.0
    if not 1 <= hours <= 37:
        raise InputError(
            f"hours per week must be a number from 1 to 37; got {raw!r}",
            f"{what_da} skal være et tal fra 1 til 37; fik {raw!r}.",
        )
    return hours


def _text(raw: Any, what: str, what_da: str, required: bool = False) -> str:
    text = "" if raw is None else str(raw).strip()
    if required and not text:
        raise InputError(f"{what} is required", f"Udfyld {what_da}.")
    if len(text) > MAX_TEXT:
        raise InputError(
            f"{what} is longer than {MAX_TEXT} characters", f"{what_da} må højst være {MAX_TEXT} tegn."
        )
    return text


def _student_site(network: Network, student_id: str) -> str:
    if student_id not in network.student_position:
        close = ", ".join(closest_ids(student_id, network.student_position)) or "ingen"
        raise InputError(
            f"Unknown student ID {student_id!r} (closest: {close})",
            f"Ukendt elev-ID {student_id!r} (nærmeste: {close}).",
        )
    return network.student(student_id).stu_site


def _company(network: Network, company_id: str) -> None:
    if company_id not in network.company_position:
        close = ", ".join(closest_ids(company_id, network.company_position)) or "ingen"
        raise InputError(
            f"Unknown company ID {company_id!r} (closest: {close})",
            f"Ukendt virksomheds-ID {company_id!r} (nærmeste: {close}).",
        )


def _own_placement(
    store: DecisionStore, network_id: str, network: Network, placement_id: int, actor: Actor, what_da: str
) -> PlacementRecord:
    record = store.placement(network_id, int(placement_id))
    if record is None:
        raise InputError(f"No placement {placement_id}", f"Forløb nr. {placement_id} findes ikke.")
    require_students(actor, {record.student_id: _student_site(network, record.student_id)}, what_da, what_da)
    return record


# --- a placement's life --------------------------------------------------------------------


def agree_placement(
    store: DecisionStore,
    network_id: str,
    network: Network,
    actor: Actor,
    student_id: str,
    company_id: str,
    *,
    start_date: Any,
    hours_per_week: Any,
    mentor_name: str = "",
    arrangements: str = "",
) -> int:
    """Agree an internship with the company: start date, hours, the mentor, what is arranged; returns its id.

    A student has at most one placement that is agreed or running; end it before agreeing another.
    """
    student_id, company_id = student_id.strip(), company_id.strip()
    require_students(
        actor, {student_id: _student_site(network, student_id)}, "agree a placement", "aftale forløb"
    )
    _company(network, company_id)
    start = _date(start_date, "start_date", "Startdatoen")
    hours = _hours(hours_per_week)
    running = [
        p
        for p in store.placements(network_id, student_id)
        if p.status in (PlacementStatus.AGREED, PlacementStatus.STARTED)
    ]
    if running:
        raise InputError(
            f"{student_id} already has a placement at {running[0].company_id} ({running[0].status}); end it first",
            f"{student_id} har allerede et forløb hos {running[0].company_id} "
            f"({PLACEMENT_STATUS_LABELS[PlacementStatus(running[0].status)].lower()}). Afslut det først.",
        )
    return store.insert_placement(
        network_id,
        {
            "student_id": student_id,
            "company_id": company_id,
            "status": PlacementStatus.AGREED.value,
            "start_date": start.isoformat(),
            "hours_per_week": hours,
            "mentor_name": _text(mentor_name, "mentor_name", "Mentorens navn"),
            "arrangements": _text(arrangements, "arrangements", "Aftaler"),
        },
        actor.name,
    )


def start_placement(
    store: DecisionStore,
    network_id: str,
    network: Network,
    actor: Actor,
    placement_id: int,
    started_on: Any = None,
) -> None:
    """The internship has begun (on its agreed start date, or ``started_on``)."""
    record = _own_placement(store, network_id, network, placement_id, actor, "starte forløb")
    if record.status != PlacementStatus.AGREED:
        raise InputError(
            f"Only an agreed placement can start; {placement_id} is {record.status}",
            f"Kun et aftalt forløb kan startes; forløbet er "
            f"{PLACEMENT_STATUS_LABELS[PlacementStatus(record.status)].lower()}.",
        )
    fields: dict[str, Any] = {"status": PlacementStatus.STARTED.value}
    if started_on not in (None, ""):
        fields["start_date"] = _date(started_on, "started_on", "Startdatoen").isoformat()
    store.update_placement(network_id, record.id, record.status, fields, actor.name)


def end_placement(
    store: DecisionStore,
    network_id: str,
    network: Network,
    actor: Actor,
    placement_id: int,
    *,
    end_date: Any,
    reason: EndReason | str,
) -> None:
    """End an agreed or running placement, with its end date and why."""
    record = _own_placement(store, network_id, network, placement_id, actor, "afslutte forløb")
    _end(store, network_id, record, end_date, reason, actor.name)


def _end(
    store: DecisionStore,
    network_id: str,
    record: PlacementRecord,
    end_date: Any,
    reason: EndReason | str,
    user: str,
) -> None:
    if record.status == PlacementStatus.ENDED:
        raise InputError(f"Placement {record.id} has already ended", "Forløbet er allerede afsluttet.")
    try:
        why = EndReason(str(reason).strip())
    except ValueError:
        allowed = ", ".join(e.value for e in EndReason)
        raise InputError(
            f"Unknown end reason {reason!r}; allowed: {allowed}",
            f"Ukendt årsag {reason!r}; vælg en af: {', '.join(END_REASON_LABELS.values())}.",
        ) from None
    end = _date(end_date, "end_date", "Slutdatoen")
    if record.start_date and end < date.fromisoformat(record.start_date):
        raise InputError(
            f"The end date {end.isoformat()} is before the start date {record.start_date}",
            f"Slutdatoen {end:%d.%m.%Y} ligger før startdatoen "
            f"{date.fromisoformat(record.start_date):%d.%m.%Y}.",
        )
    store.update_placement(
        network_id,
        record.id,
        record.status,
        {"status": PlacementStatus.ENDED.value, "end_date": end.isoformat(), "end_reason": why.value},
        user,
    )


def record_followup(
    store: DecisionStore,
    network_id: str,
    network: Network,
    actor: Actor,
    placement_id: int,
    *,
    held_on: Any,
    consultant_notes: str,
    company_view: str = "",
    student_view: str = "",
    changed_needs: str = "",
) -> int:
    """A follow-up on a running placement: the consultant's notes, the company's and the student's own view."""
    record = _own_placement(store, network_id, network, placement_id, actor, "registrere opfølgning")
    held = _date(held_on, "held_on", "Datoen for opfølgningen")
    if record.start_date and held < date.fromisoformat(record.start_date):
        raise InputError(
            f"The follow-up date {held.isoformat()} is before the start date {record.start_date}",
            f"Opfølgningen den {held:%d.%m.%Y} ligger før forløbets start "
            f"{date.fromisoformat(record.start_date):%d.%m.%Y}.",
        )
    return store.insert_followup(
        network_id,
        record.id,
        {
            "held_on": held.isoformat(),
            "consultant_notes": _text(consultant_notes, "consultant_notes", "Jobkonsulentens noter", True),
            "company_view": _text(company_view, "company_view", "Virksomhedens vurdering"),
            "student_view": _text(student_view, "student_view", "Elevens egen vurdering"),
            "changed_needs": _text(changed_needs, "changed_needs", "Ændrede behov"),
        },
        actor.name,
    )


@dataclass(frozen=True)
class FollowUpDue:
    """A running placement's next follow-up: when it is due, and whether that has passed."""

    placement_id: int
    student_id: str
    company_id: str
    last_held_on: str | None
    due_on: str
    overdue: bool
    days: int  # days until due (negative: days overdue)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def followups_due(
    store: DecisionStore,
    network_id: str,
    network: Network,
    actor: Actor,
    *,
    today: date | None = None,
    every_months: int | None = None,
) -> list[FollowUpDue]:
    """The next follow-up of every running placement of the actor's students, soonest (most overdue) first.

    ``every_months``: the interval; by default the network's (``followup_interval``, normally three).
    """
    require_role(actor, (Role.JOBKONSULENT,), "see follow-ups", "se opfølgninger")
    every_months = followup_interval(store, network_id) if every_months is None else every_months
    _check_interval(every_months)
    today = today or date.today()
    running = [
        p
        for p in store.placements(network_id)
        if p.status == PlacementStatus.STARTED
        and p.student_id in network.student_position
        and network.student(p.student_id).stu_site in actor.sites
    ]
    held: dict[int, str] = {}
    for followup in store.followups(network_id, [p.id for p in running]):
        held[followup.placement_id] = max(held.get(followup.placement_id, ""), followup.held_on)
    due = []
    for p in running:
        last = held.get(p.id)
        since = date.fromisoformat(last or p.start_date or today.isoformat())
        due_on = add_months(since, every_months)
        due.append(
            FollowUpDue(
                p.id,
                p.student_id,
                p.company_id,
                last,
                due_on.isoformat(),
                due_on < today,
                (due_on - today).days,
            )
        )
    return sorted(due, key=lambda d: (d.due_on, d.student_id))


def _check_interval(months: Any) -> int:
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 12:
        raise InputError(
            f"follow-up interval must be 1-12 months; got {months!r}",
            f"Opfølgning skal ske hver 1.-12. måned; fik {months!r}.",
        )
    return months


def followup_interval(store: DecisionStore, network_id: str) -> int:
    """How often the network's placements are followed up, in months (three unless changed)."""
    return store.followup_months(network_id, DEFAULT_FOLLOWUP_MONTHS)


def set_followup_interval(store: DecisionStore, network_id: str, actor: Actor, months: int) -> None:
    """Follow up every ``months`` months (1-12) in this network; the seeds document every three."""
    require_role(
        actor,
        (Role.JOBKONSULENT, Role.NETVAERKSKOORDINATOR),
        "change the follow-up interval",
        "ændre hvor ofte der følges op",
    )
    store.set_followup_months(network_id, _check_interval(months), actor.name)


def placements_of(
    store: DecisionStore, network_id: str, network: Network, actor: Actor
) -> list[PlacementRecord]:
    """The placements of the actor's students (newest state of each), oldest first."""
    require_role(actor, (Role.JOBKONSULENT,), "see placements", "se forløb")
    return [
        p
        for p in store.placements(network_id)
        if p.student_id in network.student_position and network.student(p.student_id).stu_site in actor.sites
    ]


def followups_of(
    store: DecisionStore, network_id: str, network: Network, actor: Actor, placement_id: int
) -> list[FollowUpRecord]:
    record = _own_placement(store, network_id, network, placement_id, actor, "se opfølgninger")
    return store.followups(network_id, [record.id])


def outcomes_of(
    store: DecisionStore, network_id: str, network: Network, actor: Actor, student_id: str
) -> list[OutcomeRecord]:
    """The outcomes recorded for one of the actor's students, by year and when measured."""
    student_id = student_id.strip()
    require_students(actor, {student_id: _student_site(network, student_id)}, "see outcomes", "se udfald")
    return sorted(
        (o for o in store.outcomes(network_id) if o.student_id == student_id),
        key=lambda o: (o.year, o.measured != Measured.STU_END),
    )


# --- outcomes ---------------------------------------------------------------------------


def _outcome(raw: Any) -> Outcome:
    text = str(raw).strip()
    try:
        return Outcome(text)
    except ValueError:
        by_label = {label.lower(): o for o, label in OUTCOME_LABELS.items()}
        if text.lower() in by_label:
            return by_label[text.lower()]
    allowed = ", ".join(o.value for o in Outcome)
    raise InputError(
        f"unknown employment type {text!r}; allowed: {allowed}",
        f"ukendt beskæftigelse {text!r}; tilladt: {allowed}",
    )


def _measured(raw: Any) -> Measured:
    text = str(raw).strip() or Measured.STU_END.value
    try:
        return Measured(text)
    except ValueError:
        raise InputError(
            f"measured must be stu_end or 12_months; got {text!r}",
            f"målt skal være stu_end eller 12_months; fik {text!r}",
        ) from None


def _year(raw: Any) -> int:
    try:
        year = int(str(raw).strip())
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        raise InputError(f"year must be 2000-2100; got {raw!r}", f"året skal være 2000-2100; fik {raw!r}")
    return year


def record_outcome(
    store: DecisionStore,
    network_id: str,
    network: Network,
    actor: Actor,
    *,
    student_id: str,
    company_id: str,
    year: Any,
    outcome: Outcome | str,
    measured: Measured | str = Measured.STU_END,
    hours_per_week: Any = None,
) -> bool:
    """Record what a student went on to; False when that outcome (same student, company, year, measured) exists."""
    student_id, company_id = student_id.strip(), company_id.strip()
    require_students(
        actor, {student_id: _student_site(network, student_id)}, "record outcomes", "registrere udfald"
    )
    row = {
        "student_id": student_id,
        "company_id": company_id,
        "year": _year(year),
        "outcome": _outcome(outcome).value,
        "measured": _measured(measured).value,
        "hours_per_week": None if hours_per_week in (None, "") else _hours(hours_per_week),
    }
    return store.insert_outcomes(network_id, [row], "app", actor.name) == 1


def read_outcome_file(path: str | os.PathLike[str], network: Network | None = None) -> list[dict[str, Any]]:
    """The rows of an outcomes file, every one checked; a file with any bad row is refused whole.

    Columns as ``history.csv`` (``student_id, company_id, year, outcome``) plus optional
    ``measured`` (``stu_end`` or ``12_months``, default ``stu_end``) and ``hours_per_week``.
    With ``network``, IDs must be students, alumni or companies of it.
    """
    frame, file_name = read_csv_file(
        path,
        ("student_id", "company_id", "year", "outcome"),
        ("an outcomes file has the columns of history.csv", "en udfaldsfil har kolonnerne fra history.csv"),
    )
    people = None if network is None else {p.student_id for p in (*network.students, *network.alumni)}
    companies = None if network is None else set(network.company_position)
    issues: list[DataIssue] = []
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for offset, record in enumerate(frame.to_dict("records")):
        line = offset + FIRST_DATA_ROW
        row: dict[str, Any] = {}
        checks = (
            ("student_id", lambda v: _id(v, people, "student", "elev")),
            ("company_id", lambda v: _id(v, companies, "company", "virksomheds")),
            ("year", _year),
            ("outcome", lambda v: _outcome(v).value),
            ("measured", lambda v: _measured(v).value),
            (
                "hours_per_week",
                lambda v: None if str(v).strip() in ("", "nan") else _hours(v, "timer om ugen"),
            ),
        )
        for column, check in checks:
            value = record.get(column, "")
            value = "" if value is None else value
            try:
                row[column] = check(value)
            except InputError as error:
                issues.append(DataIssue(file_name, line, column, str(value), error.message, error.message_da))
        key = tuple(row.get(c) for c in ("student_id", "company_id", "year", "measured"))
        if len(row) == len(checks):
            if key in seen:
                issues.append(
                    DataIssue(
                        file_name,
                        line,
                        "student_id",
                        str(row["student_id"]),
                        f"the same outcome as row {seen[key]} (student, company, year, measured)",
                        f"samme udfald som række {seen[key]} (elev, virksomhed, år, målt)",
                    )
                )
            seen.setdefault(key, line)
            rows.append(row)
    if issues:
        raise DataValidationError(issues)
    return rows


def _id(raw: Any, known: set[str] | None, what: str, what_da: str) -> str:
    text = str(raw).strip()
    if not text:
        raise InputError(f"{what} ID is empty", f"{what_da}-ID mangler")
    if known is not None and text not in known:
        close = ", ".join(closest_ids(text, known)) or "ingen"
        raise InputError(f"unknown {what} ID (closest: {close})", f"ukendt {what_da}-ID (nærmeste: {close})")
    return text


def import_outcomes(
    store: DecisionStore,
    network_id: str,
    path: str | os.PathLike[str],
    actor: Actor,
    network: Network | None = None,
) -> tuple[int, int]:
    """Import an outcomes file into the store in one transaction; returns (rows in the file, rows new)."""
    require_role(actor, (Role.JOBKONSULENT, Role.ADMINISTRATOR), "import outcomes", "indlæse udfald")
    rows = read_outcome_file(path, network)
    if network is not None and actor.role == Role.JOBKONSULENT:
        sites = {
            r["student_id"]: network.student(r["student_id"]).stu_site
            for r in rows
            if r["student_id"] in network.student_position
        }
        require_students(actor, sites, "import outcomes", "indlæse udfald")
    return len(rows), store.insert_outcomes(network_id, rows, "import", actor.name)


def outcomes_csv(records: Iterable[OutcomeRecord]) -> bytes:
    """The store's outcomes as a file ``outcomes import`` reads back (safe to open in Excel)."""
    import pandas as pd

    table = pd.DataFrame(
        [
            {
                "student_id": r.student_id,
                "company_id": r.company_id,
                "year": r.year,
                "outcome": r.outcome,
                "measured": r.measured,
                "hours_per_week": "" if r.hours_per_week is None else r.hours_per_week,
            }
            for r in records
        ],
        columns=list(OUTCOME_COLUMNS),
    )
    return safe_csv_bytes(table)
