"""What a consultant's decision on a (student, company) pair means, defined once.

Five kinds are stored. Two *keep* the student at the company when the plan is
solved again (approve, lock), two *avoid* the pair (reject, forbid), and clear
withdraws the pair's earlier decision. The difference within each pair of kinds
is who asked for it: approve and reject answer a proposal the plan made; lock
and forbid are the consultant's own wish, made whatever the plan proposes.
Every caller (the plan page, scenarios, the CLI's lock and forbid files) turns
decisions into the optimizer's locks and forbids through ``DecisionSet``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from features.errors import InputError


class DecisionKind(StrEnum):
    APPROVE = "approve"  # the proposed placement is accepted; kept when the plan is solved again
    REJECT = "reject"  # the proposal is turned down; the pair is not proposed again
    LOCK = "lock"  # the student must go to this company, whatever the plan proposes
    FORBID = "forbid"  # never this student at this company, whatever the plan proposes
    CLEAR = "clear"  # withdraw the pair's earlier decision


KEEPING: frozenset[DecisionKind] = frozenset({DecisionKind.APPROVE, DecisionKind.LOCK})
"""Kinds that keep the student at the company when the plan is solved again."""

AVOIDING: frozenset[DecisionKind] = frozenset({DecisionKind.REJECT, DecisionKind.FORBID})
"""Kinds that keep the student away from the company."""

DECISION_LABELS: dict[DecisionKind, str] = {
    DecisionKind.APPROVE: "Godkendt",
    DecisionKind.REJECT: "Afvist",
    DecisionKind.LOCK: "Låst",
    DecisionKind.FORBID: "Udelukket",
    DecisionKind.CLEAR: "Ryddet",
}
"""How a stored decision is shown (a state: 'Godkendt')."""

DECISION_ACTIONS: dict[DecisionKind, str] = {
    DecisionKind.APPROVE: "Godkend",
    DecisionKind.REJECT: "Afvis",
    DecisionKind.LOCK: "Lås",
    DecisionKind.FORBID: "Udeluk",
    DecisionKind.CLEAR: "Ryd beslutning",
}
"""How the action is offered (a verb: 'Godkend')."""

DECISION_HELP: dict[DecisionKind, str] = {
    DecisionKind.APPROVE: "Godkend forslaget: eleven beholder pladsen, når planen løses igen.",
    DecisionKind.REJECT: "Afvis forslaget: planen foreslår ikke eleven hos virksomheden igen.",
    DecisionKind.LOCK: "Lås eleven til virksomheden, også hvis planen ikke foreslår det.",
    DecisionKind.FORBID: "Udeluk parret helt, fx fordi eleven ikke ønsker virksomheden.",
    DecisionKind.CLEAR: "Fjern den tidligere beslutning om parret.",
}


def decision_kind(kind: DecisionKind | str) -> DecisionKind:
    """The kind named by ``kind``; an unknown name raises ``InputError`` listing the allowed ones."""
    try:
        return DecisionKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in DecisionKind)
        raise InputError(
            f"Unknown decision {kind!r}; allowed: {allowed}",
            f"Ukendt beslutning {kind!r}; tilladt: {allowed}",
        ) from None


class Decision(BaseModel):
    """The current decision on one pair, as stored."""

    model_config = ConfigDict(frozen=True)

    id: int
    student_id: str
    company_id: str
    kind: DecisionKind
    user: str
    at: str

    @property
    def pair(self) -> tuple[str, str]:
        return (self.student_id, self.company_id)


@dataclass(frozen=True)
class DecisionSet:
    """The current decisions of a network, split into what the optimizer must keep and avoid.

    ``stale`` are decisions naming a student or company that is not in the network's
    current files; they are kept in the store but not applied.
    """

    decisions: tuple[Decision, ...]
    keep: tuple[tuple[str, str], ...]
    avoid: tuple[tuple[str, str], ...]
    stale: tuple[Decision, ...]

    @staticmethod
    def of(
        decisions: Iterable[Decision],
        student_ids: Iterable[str] | None = None,
        company_ids: Iterable[str] | None = None,
    ) -> DecisionSet:
        decisions = tuple(decisions)
        students = None if student_ids is None else set(student_ids)
        companies = None if company_ids is None else set(company_ids)
        known, stale = [], []
        for d in decisions:
            if (students is None or d.student_id in students) and (
                companies is None or d.company_id in companies
            ):
                known.append(d)
            else:
                stale.append(d)
        return DecisionSet(
            decisions=tuple(known),
            keep=tuple(d.pair for d in known if d.kind in KEEPING),
            avoid=tuple(d.pair for d in known if d.kind in AVOIDING),
            stale=tuple(stale),
        )

    @staticmethod
    def empty() -> DecisionSet:
        return DecisionSet((), (), (), ())

    def of_pair(self, student_id: str, company_id: str) -> Decision | None:
        for d in self.decisions:
            if d.student_id == student_id and d.company_id == company_id:
                return d
        return None

    def by_pair(self) -> dict[tuple[str, str], Decision]:
        return {d.pair: d for d in self.decisions}
