"""Companies after the match: withdrawn or closed companies and their students, and the relation to each company.

When a company closes (the seeds' Tobi case) or leaves the network, its running placements end,
no plan uses it any more, and its students get new proposals by the minimal-change re-plan: the
other students keep their places. The coordinator keeps a contact log per company, its contact
person and what it asks for, and sees the companies nobody has contacted for a while.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from features.errors import InputError
from features.network import Network
from matching.context import ScoringContext
from matching.pair_table import PairTable
from placement_service.access import Actor, Role, require_role
from placement_service.after_match import (
    DEFAULT_CONTACT_DAYS,
    CompanyStatus,
    EndReason,
    PlacementStatus,
    _company,
    _date,
    _end,
    _text,
)
from placement_service.after_match_store import CompanyRelation, CompanyStatusRecord, ContactRecord
from placement_service.decisions import DecisionSet
from placement_service.planning import (
    DEFAULT_OBJECTIVE,
    DEFAULT_TIME_LIMIT_SECONDS,
    Plan,
    eligible_pairs,
    plan_cohort,
)
from placement_service.store import DecisionStore

RUNNING = (PlacementStatus.AGREED.value, PlacementStatus.STARTED.value)


def inactive_companies(store: DecisionStore, network_id: str) -> set[str]:
    """Companies whose newest status is withdrawn or closed."""
    return {c for c, r in store.company_statuses(network_id).items() if r.status != CompanyStatus.ACTIVE}


def without_companies(pairs: PairTable, company_ids: Collection[str]) -> PairTable:
    """The pairs with no room at the given companies (capacity 0), so no plan places anyone there."""
    if not company_ids:
        return pairs
    capacity = pairs.capacity.copy()
    capacity[[i for i, c in enumerate(pairs.company_ids.tolist()) if c in company_ids]] = 0
    return dataclasses.replace(pairs, capacity=capacity)


def without_decisions_at(decisions: DecisionSet, company_ids: Collection[str]) -> DecisionSet:
    """Decisions at inactive companies no longer apply (they stay in the store, like stale ones)."""
    if not company_ids:
        return decisions
    gone = tuple(d for d in decisions.decisions if d.company_id in company_ids)
    return DecisionSet(
        decisions=tuple(d for d in decisions.decisions if d.company_id not in company_ids),
        keep=tuple(p for p in decisions.keep if p[1] not in company_ids),
        avoid=tuple(p for p in decisions.avoid if p[1] not in company_ids),
        stale=decisions.stale + gone,
    )


@dataclass(frozen=True)
class ReleasedStudent:
    """A student whose place was at the company that left, and the re-plan's proposal for them."""

    student_id: str
    stu_site: str
    proposed_company_id: str | None


@dataclass(frozen=True)
class CompanyClosure:
    company_id: str
    status: CompanyStatus
    on_date: str
    released: list[ReleasedStudent]
    others_moved: list[str]  # students not at the company whose place the re-plan changed
    plan: Plan


def close_company(
    store: DecisionStore,
    network_id: str,
    context: ScoringContext,
    actor: Actor,
    company_id: str,
    status: CompanyStatus | str,
    on_date: Any,
    *,
    objective: str = DEFAULT_OBJECTIVE,
    time_limit: float = DEFAULT_TIME_LIMIT_SECONDS,
) -> CompanyClosure:
    """Mark a company as withdrawn or closed, end its running placements, and re-plan its students.

    The re-plan starts from every running placement and every kept decision elsewhere and moves as
    few students as possible; the released students are listed with their STU site, for their
    consultants.
    """
    require_role(
        actor,
        (Role.JOBKONSULENT, Role.NETVAERKSKOORDINATOR),
        "mark a company as withdrawn or closed",
        "markere en virksomhed som udtrådt eller lukket",
    )
    network = context.network
    company_id = company_id.strip()
    _company(network, company_id)
    try:
        new_status = CompanyStatus(str(status))
    except ValueError:
        raise InputError(
            f"status must be withdrawn or closed; got {status!r}",
            f"Status skal være 'trådt ud' eller 'lukket'; fik {status!r}.",
        ) from None
    if new_status == CompanyStatus.ACTIVE:
        raise InputError("use reopen_company to make a company active again", "Brug 'genaktivér' i stedet.")
    day = _date(on_date, "on_date", "Datoen")
    running = [p for p in store.placements(network_id) if p.company_id == company_id and p.status in RUNNING]
    reason = EndReason.COMPANY_CLOSED if new_status == CompanyStatus.CLOSED else EndReason.COMPANY_ENDED
    for placement in running:
        start = date.fromisoformat(placement.start_date) if placement.start_date else day
        _end(store, network_id, placement, max(day, start).isoformat(), reason, actor.name)
    store.set_company_status(network_id, company_id, new_status.value, day.isoformat(), actor.name)

    from placement_service.use_cases import current_decisions  # the decided plan's inputs

    _, decisions = current_decisions(store, network_id, network)
    inactive = inactive_companies(store, network_id)
    previous = {d.student_id: d.company_id for d in decisions.decisions if d.pair in set(decisions.keep)}
    previous.update({p.student_id: p.company_id for p in store.placements(network_id) if p.status in RUNNING})
    at_company = sorted({s for s, c in previous.items() if c == company_id} | {p.student_id for p in running})
    kept = without_decisions_at(decisions, inactive)
    pairs = without_companies(eligible_pairs(context), inactive)
    keep = [p for p in kept.keep if p[0] not in at_company]
    plan = plan_cohort(
        context,
        keep,
        kept.avoid,
        objective=objective,
        time_limit=time_limit,
        previous={s: c for s, c in previous.items() if c not in inactive},
        pairs=pairs,
        decisions=kept,
    )
    mapping = plan.mapping()
    released = [
        ReleasedStudent(s, network.student(s).stu_site, mapping.get(s))
        for s in at_company
        if s in network.student_position
    ]
    moved = sorted(
        s for s, c in previous.items() if s not in at_company and c not in inactive and mapping.get(s) != c
    )
    return CompanyClosure(company_id, new_status, day.isoformat(), released, moved, plan)


def reopen_company(
    store: DecisionStore, network_id: str, network: Network, actor: Actor, company_id: str
) -> None:
    """A company that left comes back into the network (its history was kept)."""
    require_role(
        actor, (Role.JOBKONSULENT, Role.NETVAERKSKOORDINATOR), "reopen a company", "genaktivere en virksomhed"
    )
    _company(network, company_id.strip())
    store.set_company_status(
        network_id, company_id.strip(), CompanyStatus.ACTIVE.value, date.today().isoformat(), actor.name
    )


def students_needing_a_new_place(
    store: DecisionStore, network_id: str, network: Network, actor: Actor
) -> list[tuple[str, str, str]]:
    """(student, company that ended it, end date) for the actor's students whose placement the company
    ended or lost by closing, and who have no agreed or running placement since."""
    require_role(actor, (Role.JOBKONSULENT,), "see students needing a new place", "se elever uden plads")
    records = store.placements(network_id)
    running = {p.student_id for p in records if p.status in RUNNING}
    out = []
    for p in records:
        if (
            p.status == PlacementStatus.ENDED
            and p.end_reason in (EndReason.COMPANY_CLOSED, EndReason.COMPANY_ENDED)
            and p.student_id not in running
            and p.student_id in network.student_position
            and network.student(p.student_id).stu_site in actor.sites
        ):
            out.append((p.student_id, p.company_id, p.end_date or ""))
    latest = {s: (s, c, d) for s, c, d in out}  # the newest ending per student
    return sorted(latest.values())


# --- relations ------------------------------------------------------------------------------


def _coordinating(actor: Actor, what: str, what_da: str) -> None:
    require_role(actor, (Role.JOBKONSULENT, Role.NETVAERKSKOORDINATOR), what, what_da)


def set_company_relation(
    store: DecisionStore,
    network_id: str,
    network: Network,
    actor: Actor,
    company_id: str,
    *,
    contact_person: str,
    asks_for: str = "",
) -> None:
    """The company's contact person, and what it asks for (tasks it could carve into a job)."""
    _coordinating(actor, "edit a company's relation", "redigere virksomhedens kontaktoplysninger")
    _company(network, company_id.strip())
    store.put_company_relation(
        network_id,
        company_id.strip(),
        _text(contact_person, "contact_person", "Kontaktperson", True),
        _text(asks_for, "asks_for", "Hvad virksomheden efterspørger"),
        actor.name,
    )


def company_status(
    store: DecisionStore, network_id: str, network: Network, actor: Actor, company_id: str
) -> CompanyStatusRecord | None:
    """The company's newest status change (withdrawn, closed, active again); None: never changed."""
    _coordinating(actor, "see a company's status", "se virksomhedens status")
    _company(network, company_id.strip())
    return store.company_statuses(network_id).get(company_id.strip())


def company_relation(
    store: DecisionStore, network_id: str, network: Network, actor: Actor, company_id: str
) -> CompanyRelation | None:
    """The company's contact person and what it asks for; None: not recorded yet."""
    _coordinating(actor, "see a company's relation", "se virksomhedens kontaktoplysninger")
    _company(network, company_id.strip())
    return store.company_relations(network_id).get(company_id.strip())


def log_contact(
    store: DecisionStore,
    network_id: str,
    network: Network,
    actor: Actor,
    company_id: str,
    *,
    on_date: Any,
    who: str,
    what: str,
    next_step: str = "",
) -> int:
    """A contact with a company: when, who, what was said, the next step."""
    _coordinating(actor, "log a contact", "registrere en kontakt")
    _company(network, company_id.strip())
    day = _date(on_date, "on_date", "Datoen")
    if day > date.today() + timedelta(days=1):
        raise InputError(
            f"A contact cannot be in the future ({day.isoformat()})",
            f"En kontakt kan ikke ligge i fremtiden ({day:%d.%m.%Y}).",
        )
    return store.insert_contact(
        network_id,
        company_id.strip(),
        {
            "on_date": day.isoformat(),
            "who": _text(who, "who", "Hvem", True),
            "what": _text(what, "what", "Hvad", True),
            "next_step": _text(next_step, "next_step", "Næste skridt"),
        },
        actor.name,
    )


@dataclass(frozen=True)
class CompanyContactStatus:
    company_id: str
    name: str
    last_contact: str | None
    days_since: int | None  # None: never contacted
    relation: CompanyRelation | None
    overdue: bool


def company_contacts(
    store: DecisionStore,
    network_id: str,
    network: Network,
    actor: Actor,
    *,
    today: date | None = None,
    after_days: int = DEFAULT_CONTACT_DAYS,
) -> list[CompanyContactStatus]:
    """Every active company with its last contact; ``overdue`` when none for ``after_days`` (never: overdue)."""
    _coordinating(actor, "see company contacts", "se virksomhedskontakter")
    if not 7 <= after_days <= 730:
        raise InputError(
            f"after_days must be 7-730; got {after_days}", f"Antal dage skal være 7-730; fik {after_days}."
        )
    today = today or date.today()
    inactive = inactive_companies(store, network_id)
    last: dict[str, str] = {}
    for contact in store.contacts(network_id):
        last[contact.company_id] = max(last.get(contact.company_id, ""), contact.on_date)
    relations = store.company_relations(network_id)
    out = []
    for company in network.companies:
        if company.company_id in inactive:
            continue
        when = last.get(company.company_id)
        days = None if when is None else (today - date.fromisoformat(when)).days
        out.append(
            CompanyContactStatus(
                company.company_id,
                company.name,
                when,
                days,
                relations.get(company.company_id),
                days is None or days > after_days,
            )
        )
    return sorted(out, key=lambda s: (not s.overdue, -(s.days_since if s.days_since is not None else 10**6)))


def contact_log(
    store: DecisionStore, network_id: str, network: Network, actor: Actor, company_id: str
) -> list[ContactRecord]:
    _coordinating(actor, "see the contact log", "se kontaktloggen")
    _company(network, company_id.strip())
    return store.contacts(network_id, company_id.strip())
