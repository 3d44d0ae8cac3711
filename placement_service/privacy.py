"""Consent, retention and a data subject's right of access (GDPR articles 9, 5(1)(e) and 15).

- **Consent** has a scope (the categories of ``ShareCategory`` the student agreed
  to share with a company), a date, and can be withdrawn. The newest record in the
  store is in force; without one, the data file's ``consent_share`` is. A withdrawal
  takes effect at once: every brief is built from the consent in force.
- **Retention**: everything the store holds on a student is deleted
  ``months`` after their STU ends (default 24: twelve months after the 12-month
  outcome is due), leaving a deletion record (IDs and dates, no health data).
  A student's STU ends on ``stu_end`` from students.csv or, when missing, at the
  end of the cohort's third year: 31 July of the school year in progress.
- **Access**: ``subject_export`` gathers everything held on one student.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from features.arrays import student_arrays
from features.consent import CompanyBrief, company_brief
from features.errors import InputError
from features.network import Network, profile_row
from features.profiles import Student
from features.vocabulary import ShareCategory, mentor_hours_da
from matching.eligibility import mentor_hours_per_week
from placement_service.access import (
    AccessDeniedError,
    Actor,
    Role,
    may_see_student_details,
    require_role,
    require_students,
)
from placement_service.store import DecisionStore, DeletionRecord

DEFAULT_RETENTION_MONTHS = 24


@dataclass(frozen=True)
class Consent:
    """The consent in force for one student."""

    scope: frozenset[ShareCategory]
    given_on: str | None
    withdrawn_on: str | None
    source: str  # "store" (recorded in the app) or "file" (the data file's consent_share)

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_on is not None


def cohort_end(today: date) -> date:
    """The end of the third year in progress: 31 July of this school year (August to July)."""
    return date(today.year if today.month < 8 else today.year + 1, 7, 31)


def stu_end_of(student: Student, today: date) -> date:
    """When the student's STU ends: ``stu_end`` from the data file, or the end of the cohort's third year."""
    given = getattr(student, "stu_end", None)
    return given if isinstance(given, date) else cohort_end(today)


def note_stu_ends(store: DecisionStore, network_id: str, network: Network, today: date | None = None) -> None:
    """Remember every student's STU end, so retention can run on the store alone."""
    today = today or date.today()
    store.note_stu_ends(
        network_id, {s.student_id: stu_end_of(s, today).isoformat() for s in network.students}
    )


def consent_in_force(store: DecisionStore | None, network_id: str, student: Student) -> Consent:
    """The consent recorded in the database, else the file's ``consent_share`` (also without a database)."""
    record = None if store is None else store.consent(network_id, student.student_id)
    if record is None:
        return Consent(frozenset(student.consent_share), None, None, "file")
    return Consent(
        frozenset(ShareCategory(c) for c in record.scope), record.given_on, record.withdrawn_on, "store"
    )


def give_consent(
    store: DecisionStore,
    network_id: str,
    network: Network,
    student_id: str,
    scope: Iterable[ShareCategory | str],
    given_on: date,
    actor: Actor,
) -> None:
    """Record the student's consent to share ``scope`` with companies, given on ``given_on``."""
    student = _student(network, student_id)
    require_students(actor, {student.student_id: student.stu_site}, "record consent", "registrere samtykke")
    categories = sorted({ShareCategory(c).value for c in scope})
    if given_on > date.today():
        raise InputError(
            "Consent cannot be given in the future", "Et samtykke kan ikke være givet i fremtiden."
        )
    store.record_consent(network_id, student.student_id, categories, given_on.isoformat(), None, actor.name)


def withdraw_consent(
    store: DecisionStore,
    network_id: str,
    network: Network,
    student_id: str,
    actor: Actor,
    on: date | None = None,
) -> None:
    """Withdraw all consent to share; briefs and exports show nothing beyond the placement itself from now on."""
    student = _student(network, student_id)
    require_students(
        actor, {student.student_id: student.stu_site}, "withdraw consent", "trække samtykke tilbage"
    )
    previous = consent_in_force(store, network_id, student)
    store.record_consent(
        network_id, student.student_id, [], previous.given_on, (on or date.today()).isoformat(), actor.name
    )


def brief_for(
    store: DecisionStore | None,
    network_id: str,
    network: Network,
    student_id: str,
    company_id: str,
    actor: Actor,
    *,
    builtin: bool,
) -> CompanyBrief:
    """The brief for a company about one student, holding only what the consent in force allows."""
    student = _student(network, student_id)
    # The command line runs as the operator who holds the data files; the brief still holds only
    # what the student consented to share.
    local_operator = actor.via == "cli"
    if not local_operator and not may_see_student_details(actor, student.stu_site, builtin=builtin):
        raise AccessDeniedError(
            f"{actor.name} may not write briefs about {student_id}",
            "Du kan kun lave praktikbreve for elever på dit eget STU-sted.",
        )
    if company_id not in network.company_position:
        raise InputError(f"Unknown company ID {company_id!r}", f"Ukendt virksomheds-ID {company_id!r}.")
    consent = consent_in_force(store, network_id, student)
    shared = student.model_copy(update={"consent_share": sorted(consent.scope)})
    company = network.company(company_id)
    brief = company_brief(shared, company)
    if (
        ShareCategory.INTERESTS in consent.scope
    ):  # the interest rank tells of the interests: shared only with them
        rank = (
            student.interests.index(company.industry) + 1 if company.industry in student.interests else None
        )
        line = (
            f"Virksomhedens branche er elevens {rank}. valg."
            if rank
            else "Virksomhedens branche er ikke blandt elevens ønsker; praktikken kan give nye erfaringer."
        )
        for section in brief.sections:
            if section.title == "Interesser":
                section.lines.append(line)
    if ShareCategory.SUPPORT in consent.scope and student.needs_mentor:  # the hours tell of the support level
        hours = int(mentor_hours_per_week(student_arrays((student,)), company.mentor_trained)[0])
        for section in brief.sections:
            if section.title == "Støttebehov":
                section.lines.append(f"Eleven har brug for {mentor_hours_da(hours)} hos jer.")
    return brief


def run_retention(
    store: DecisionStore,
    actor: Actor,
    months: int = DEFAULT_RETENTION_MONTHS,
    today: date | None = None,
) -> list[DeletionRecord]:
    """Delete what the store holds on every student whose STU ended more than ``months`` ago."""
    require_role(actor, (Role.ADMINISTRATOR,), "run retention", "køre sletning efter opbevaringsperioden")
    if not 0 <= months <= 240:
        raise InputError(
            f"--months must be between 0 and 240; got {months}",
            f"Måneder skal være mellem 0 og 240; fik {months}.",
        )
    today = today or date.today()
    cutoff = _months_before(today, months).isoformat()
    deleted = []
    for network_id, student_id, stu_end in store.due_for_deletion(cutoff):
        store.delete_student(network_id, student_id, stu_end, actor.name)
        deleted.append(student_id)
    return [d for d in store.deletions() if d.student_id in set(deleted)]


def subject_export(
    store: DecisionStore, student_id: str, network: Network | None, actor: Actor
) -> dict[str, Any]:
    """Everything held on one student: the profile (from the data, if given) and every record in the store."""
    require_role(
        actor, (Role.ADMINISTRATOR, Role.JOBKONSULENT), "export a student's data", "udtrække en elevs data"
    )
    student_id = student_id.strip()
    document: dict[str, Any] = {"student_id": student_id, "exported_at": date.today().isoformat()}
    if network is not None:
        if student_id in network.student_position:
            student = network.student(student_id)
            if actor.role == Role.JOBKONSULENT:
                require_students(
                    actor, {student_id: student.stu_site}, "export this student", "udtrække elevens data"
                )
            document["profile"] = profile_row(student)
        document["history"] = [profile_row(p) for p in network.history if p.student_id == student_id]
        document["as_alumnus"] = [profile_row(a) for a in network.alumni if a.student_id == student_id]
    held = store.held_on_student(student_id)
    if network is None and not any(held.values()):
        raise InputError(
            f"Nothing is held on student {student_id!r}; give --data to include the profile",
            f"Der er ingen oplysninger om elev {student_id!r}; angiv --data for at tage profilen med.",
        )
    document["store"] = held
    return document


def _student(network: Network, student_id: str) -> Student:
    student_id = student_id.strip()
    if student_id not in network.student_position:
        raise InputError(f"Unknown student ID {student_id!r}", f"Ukendt elev-ID {student_id!r}.")
    return network.student(student_id)


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = [
        31,
        29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ]
    return date(year, month, min(day.day, last[month - 1]))
