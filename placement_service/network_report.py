"""The network coordinator's report: gaps, unplaced students by reason, whom to recruit, whom not to lose,
and which one hard rule, lifted at which company, would place the most unplaced students."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable

import numpy as np
from pydantic import BaseModel

from matching.context import ScoringContext
from optimizer.gaps import IndustryAreaGap, NeedGap, industry_area_gaps, need_gaps
from optimizer.recruitment import CriticalCompany, Recommendation, critical_companies, recommend_companies
from optimizer.rule_lifts import RuleLift, recommend_rule_lifts
from placement_service.planning import Plan, plan_cohort
from placement_service.result_cache import pairs_digest, report_key

REASON_GROUP_LABELS: dict[str, str] = {
    "no_eligible": "Ingen virksomhed i netværket opfylder elevens krav",
    "all_forbidden": "Alle passende virksomheder er fravalgt",
    "forbidden": "Passende virksomheder er fravalgt",
    "companies_full": "De passende virksomheder er fuldt besat",
    "mentor_full": "Mentortimerne er brugt op hos de passende virksomheder",
    "mentor_too_small": "For få mentortimer om ugen hos de passende virksomheder",
    "lower_score": "Fik ikke plads, fordi planen løfter de laveste scorer",
    "not_proven": "Tidsgrænsen blev nået",
}


class UnplacedGroup(BaseModel):
    reason: str
    label: str
    count: int
    students: list[str]


class GapReport(BaseModel):
    students: int
    placed: int
    industry_area: list[IndustryAreaGap]
    needs: list[NeedGap]
    unplaced_by_reason: list[UnplacedGroup]
    recommendations: list[Recommendation]
    critical_companies: list[CriticalCompany]
    rule_lifts: list[RuleLift] = []


class NetworkGaps(BaseModel):
    """The cheap part of the report: demand against supply, workplace needs, unplaced by reason."""

    students: int
    placed: int
    industry_area: list[IndustryAreaGap]
    needs: list[NeedGap]
    unplaced_by_reason: list[UnplacedGroup]


class Recruitment(BaseModel):
    """The verified part of the report: each gain and loss found by solving the plan again."""

    recommendations: list[Recommendation]
    critical_companies: list[CriticalCompany]
    rule_lifts: list[RuleLift] = []
    """For the unplaced students: one hard rule lifted at one company, largest verified gain first."""


def network_gaps(plan: Plan) -> NetworkGaps:
    """Demand against supply per industry x area and per workplace need, and the unplaced by reason."""
    network, pairs, assigned = plan.network, plan.pairs, plan.result.company_of_student
    return NetworkGaps(
        students=plan.result.students,
        placed=plan.result.placed,
        industry_area=industry_area_gaps(network, pairs, assigned),
        needs=need_gaps(network, pairs, assigned),
        unplaced_by_reason=group_unplaced(plan),
    )


def recruitment_key(plan: Plan, network_digest: str, top: int = 10) -> str:
    """What ``recruitment(plan, top)`` depends on: the plan's pairs and placements, the network's files
    (``network_digest``), the scoring configuration and the outcome model; its key in a ``ResultCache``."""
    context = plan.context
    placements = hashlib.sha256(np.ascontiguousarray(plan.result.company_of_student, dtype="<i8").tobytes())
    return report_key(
        "recruitment",
        network=network_digest,
        pairs=pairs_digest(plan.pairs),
        placements=placements.hexdigest(),
        config=context.config.model_dump_json(),
        model=_model_key(context),
        top=top,
    )


def _model_key(context: ScoringContext) -> str:
    """The outcome model's training key; a model without one is keyed by this process's object."""
    if context.model is None:
        return "none"
    key = getattr(context.model, "key", None)
    return str(key) if key is not None else f"unkeyed-{id(context.model)}"


def recruitment(plan: Plan, top: int = 10, progress: Callable[[float], None] | None = None) -> Recruitment:
    """The companies to recruit, the critical companies and the rules to lift, each verified by solving again.

    ``progress(share)`` is called as the work goes on, with the share done (0 to 1): the candidates
    to recruit are about 40 % of it, the critical companies 40 %, the rules to lift the last 20 %.
    (A caller may stop the work by raising from ``progress``.)
    """
    pairs, assigned = plan.pairs, plan.result.company_of_student

    def part(start: float, size: float) -> Callable[[int, int], None] | None:
        if progress is None:
            return None
        return lambda done, total: progress(start + size * done / max(total, 1))

    recommendations = recommend_companies(plan.context, pairs, assigned, top=top, progress=part(0.0, 0.4))
    critical = critical_companies(plan.network, pairs, assigned, progress=part(0.4, 0.4))
    rule_lifts = recommend_rule_lifts(plan.context, pairs, assigned, top=top, progress=part(0.8, 0.2))
    if progress is not None:
        progress(1.0)
    return Recruitment(recommendations=recommendations, critical_companies=critical, rule_lifts=rule_lifts)


def gap_report(context: ScoringContext, plan: Plan | None = None, top: int = 10) -> GapReport:
    """Gaps, recruitment recommendations and critical companies for the network in ``context``.

    The plan is the one ``stu-match assign`` proposes with no decisions, unless one is given.
    """
    plan = plan_cohort(context) if plan is None else plan
    gaps = network_gaps(plan)
    verified = recruitment(plan, top=top)
    return GapReport(**gaps.model_dump(), **verified.model_dump())


def group_unplaced(plan: Plan) -> list[UnplacedGroup]:
    """Each unplaced student under the first (binding) reason the optimizer gives."""
    groups: dict[str, list[str]] = defaultdict(list)
    for student_id, reasons in plan.reasons.items():
        groups[reasons[0].code if reasons else "not_proven"].append(student_id)
    return sorted(
        (
            UnplacedGroup(
                reason=code, label=REASON_GROUP_LABELS.get(code, code), count=len(ids), students=ids
            )
            for code, ids in groups.items()
        ),
        key=lambda g: (-g.count, g.reason),
    )
