"""The consultants' use cases that combine the store with planning: decide, approve, plan, compare.

Pages and commands call these; none of them turns decisions into locks itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from features.errors import InputError
from features.network import Network
from matching.context import ScoringContext
from matching.lookup import closest_ids
from placement_service.decisions import DecisionKind, DecisionSet, decision_kind
from placement_service.planning import (
    DEFAULT_OBJECTIVE,
    DEFAULT_TIME_LIMIT_SECONDS,
    Plan,
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
    """The plan with every current decision applied, stamped with the decision version it was solved from."""
    version, decisions = current_decisions(store, network_id, context.network)
    return plan_with_decisions(
        context, decisions, objective=objective, time_limit=time_limit, decision_version=version
    )


def decide(
    store: DecisionStore,
    network_id: str,
    network: Network,
    decisions: Iterable[tuple[str, str, DecisionKind | str]],
    user: str,
    seen_version: int | None,
) -> int:
    """Record decisions on pairs named by ID, made on the plan of ``seen_version``; returns how many.

    Unknown IDs are refused naming the closest ones; a pair decided by someone else
    after ``seen_version`` refuses the whole batch (``store.DecisionConflictError``).
    """
    parsed = [(str(s).strip(), str(c).strip(), decision_kind(k)) for s, c, k in decisions]
    _check_ids(network, parsed)
    if parsed:
        store.record_many(network_id, parsed, user, seen_version)
    return len(parsed)


def approve_plan(store: DecisionStore, network_id: str, plan: Plan, name: str, user: str) -> int:
    """Approve every placement of ``plan`` and save it, in one transaction; locks stay locks."""
    assignments = [a.as_dict() for a in plan.assignments()]
    return store.approve_plan(network_id, name, assignments, user, seen_version=plan.decision_version)


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
