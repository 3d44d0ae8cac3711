"""The consultants' use cases that combine the store with planning: decide, approve, plan, compare.

Pages and commands call these; none of them turns decisions into locks itself.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from features.errors import InputError
from features.network import Network
from features.profiles import Student
from matching.context import ScoringContext
from matching.lookup import closest_ids
from placement_service.access import (
    AccessDeniedError,
    Actor,
    Role,
    may_see_student_details,
    require_login,
    require_role,
    require_students,
)
from placement_service.decisions import DecisionKind, DecisionSet, decision_kind
from placement_service.planning import (
    DEFAULT_OBJECTIVE,
    DEFAULT_TIME_LIMIT_SECONDS,
    Plan,
    eligible_pairs,
    plan_with_decisions,
)
from placement_service.scenarios import ScenarioOutcome, ScenarioSettings, run_scenario
from placement_service.store import DecisionStore


def current_decisions(store: DecisionStore, network_id: str, network: Network) -> tuple[int, DecisionSet]:
    """The decision version and the network's current decisions (stale ones set apart)."""
    version, decisions = store.decisions_at_version(network_id)
    return version, DecisionSet.of(
        decisions, (s.student_id for s in network.students), (c.company_id for c in network.companies)
    )


def decided_plan(
    store: DecisionStore,
    network_id: str,
    context: ScoringContext,
    *,
    objective: str = DEFAULT_OBJECTIVE,
    time_limit: float = DEFAULT_TIME_LIMIT_SECONDS,
) -> Plan:
    """The plan with every current decision applied, stamped with the decision version it was solved from.

    Companies that have withdrawn or closed take no one, and decisions at them no longer apply.
    """
    from placement_service.company_changes import inactive_companies, without_companies, without_decisions_at

    version, decisions = current_decisions(store, network_id, context.network)
    inactive = inactive_companies(store, network_id)
    pairs = without_companies(eligible_pairs(context), inactive) if inactive else None
    return plan_with_decisions(
        context,
        without_decisions_at(decisions, inactive),
        objective=objective,
        time_limit=time_limit,
        decision_version=version,
        pairs=pairs,
    )


def decide(
    store: DecisionStore,
    network_id: str,
    network: Network,
    decisions: Iterable[tuple[str, str, DecisionKind | str]],
    actor: Actor,
    seen_version: int | None,
) -> int:
    """Record decisions on pairs named by ID, made on the plan of ``seen_version``; returns how many.

    Only the job consultant of each student's STU site may decide. Unknown IDs are
    refused naming the closest ones; a pair decided by someone else after
    ``seen_version`` refuses the whole batch (``store.DecisionConflictError``).
    """
    require_login(actor, "decide", "træffe beslutninger")
    parsed = [(str(s).strip(), str(c).strip(), decision_kind(k)) for s, c, k in decisions]
    _check_ids(network, parsed)
    require_students(actor, _sites(network, (s for s, _, _ in parsed)), "decide", "træffe beslutninger")
    if parsed:
        store.record_many(network_id, parsed, actor.name, seen_version)
    return len(parsed)


def approve_plan(store: DecisionStore, network_id: str, plan: Plan, name: str, actor: Actor) -> int:
    """Approve the placements of the actor's own students in ``plan`` and save them, in one transaction.

    Locks stay locks; a pair decided by someone else since the plan was solved refuses it all.
    """
    require_role(actor, (Role.JOBKONSULENT,), "approve a plan", "godkende planen")
    network = plan.network
    own = [a.as_dict() for a in plan.assignments() if network.student(a.student_id).stu_site in actor.sites]
    if not own:
        raise AccessDeniedError(
            f"{actor.name} has no students placed in this plan",
            "Ingen af dine elever er placeret i planen, så der er intet at godkende.",
        )
    return store.approve_plan(network_id, name, own, actor.name, seen_version=plan.decision_version)


def student_details(
    store: DecisionStore, network_id: str, network: Network, student_id: str, actor: Actor, *, builtin: bool
) -> Student:
    """A student's full profile, for those who may see it; every opening is in the audit trail."""
    student_id = student_id.strip()
    if student_id not in network.student_position:
        close = ", ".join(closest_ids(student_id, network.student_position)) or "ingen"
        raise InputError(
            f"Unknown student ID {student_id!r} (closest: {close})",
            f"Ukendt elev-ID {student_id!r} (nærmeste: {close}).",
        )
    student = network.student(student_id)
    if not may_see_student_details(actor, student.stu_site, builtin=builtin):
        raise AccessDeniedError(
            f"{actor.name} may not see the details of {student_id}",
            "Du kan kun se profiler for elever på dit eget STU-sted.",
        )
    record_opening(store, network_id, actor, student_id, "student:open")
    return student


def record_opening(store: DecisionStore, network_id: str, actor: Actor, student_id: str, what: str) -> None:
    """Log that ``actor`` opened a student's health details (``what``: 'student:open', 'brief:open')."""
    if not actor.is_demo:
        store.log_access(network_id, actor.name, what, {"student_id": student_id})


def visible_students(actor: Actor, network: Network, *, builtin: bool) -> list[Student]:
    """The students whose full profiles ``actor`` may open."""
    return [s for s in network.students if may_see_student_details(actor, s.stu_site, builtin=builtin)]


def data_tables(actor: Actor, network: Network, *, builtin: bool) -> dict[str, pd.DataFrame]:
    """The network as file tables, holding only what the actor may see.

    Companies for everyone. Students, alumni and their history rows only where their
    profiles may be opened: the demo gets the whole synthetic built-in network, a job
    consultant the people of their own sites, anyone else empty sheets with their
    columns, so the file still serves as a template.
    """
    tables = network.frames()
    people = {
        p.student_id
        for p in (*network.students, *network.alumni)
        if may_see_student_details(actor, p.stu_site, builtin=builtin)
    }
    for name in ("students", "alumni", "history"):
        if name in tables:
            frame = tables[name]
            tables[name] = frame[frame["student_id"].isin(people)].reset_index(drop=True)
    return tables


def save_scenario(
    store: DecisionStore, network_id: str, name: str, settings: ScenarioSettings, actor: Actor
) -> None:
    """Save a what-if scenario under a name (consultants and coordinators)."""
    require_role(actor, (Role.JOBKONSULENT, Role.NETVAERKSKOORDINATOR), "save a scenario", "gemme scenarier")
    store.save_scenario(network_id, name, settings.model_dump(mode="json"), actor.name)


def _sites(network: Network, student_ids: Iterable[str]) -> dict[str, str]:
    return {s: network.student(s).stu_site for s in student_ids}


def compare_scenario(
    baseline: Plan, settings: ScenarioSettings, time_limit: float = DEFAULT_TIME_LIMIT_SECONDS
) -> ScenarioOutcome:
    """The scenario's plan with the decisions of the decided plan ``baseline``, against it."""
    return run_scenario(baseline, settings, time_limit)


def _check_ids(network: Network, decisions: list[tuple[str, str, DecisionKind]]) -> None:
    problems: list[tuple[str, str]] = []
    for student_id, company_id, _ in decisions:
        if student_id not in network.student_position:
            close = ", ".join(closest_ids(student_id, network.student_position)) or "ingen"
            problems.append(
                (
                    f"unknown student ID {student_id!r} (closest: {close})",
                    f"ukendt elev-ID {student_id!r} (nærmeste: {close})",
                )
            )
        if company_id not in network.company_position:
            close = ", ".join(closest_ids(company_id, network.company_position)) or "ingen"
            problems.append(
                (
                    f"unknown company ID {company_id!r} (closest: {close})",
                    f"ukendt virksomheds-ID {company_id!r} (nærmeste: {close})",
                )
            )
    if problems:
        raise InputError("; ".join(p[0] for p in problems), "; ".join(p[1] for p in problems) + ".")
