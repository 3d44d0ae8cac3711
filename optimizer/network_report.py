"""The network coordinator's report: gaps, unplaced students by reason, whom to recruit, whom not to lose."""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel

from matching.context import ScoringContext
from matching.pair_table import PairTable
from matching.pairs import pair_table
from optimizer.explain import unplaced_reasons
from optimizer.gaps import IndustryAreaGap, NeedGap, industry_area_gaps, need_gaps
from optimizer.problem import PlacementProblem, SolveParams
from optimizer.recruitment import CriticalCompany, Recommendation, critical_companies, recommend_companies
from optimizer.result import PlacementResult
from optimizer.solve import solve_placement

REASON_GROUP_LABELS: dict[str, str] = {
    "no_eligible": "Ingen virksomhed i netværket opfylder elevens krav",
    "all_forbidden": "Alle passende virksomheder er fravalgt",
    "forbidden": "Passende virksomheder er fravalgt",
    "companies_full": "De passende virksomheder er fuldt besat",
    "mentor_full": "Mentorkapaciteten er opbrugt",
    "mentor_too_small": "For lidt mentorkapacitet hos de passende virksomheder",
    "lower_score": "Holdt ude af målet om fairness",
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


def gap_report(
    context: ScoringContext,
    pairs: PairTable | None = None,
    plan: PlacementResult | None = None,
    top: int = 10,
) -> GapReport:
    """Gaps, recruitment recommendations and critical companies for the network in ``context``.

    The plan is the one ``stu-match assign`` proposes with no locks (count-then-score),
    unless one is given.
    """
    pairs = pair_table(context) if pairs is None else pairs
    if plan is None:
        names = [c.name for c in context.network.companies]
        plan = solve_placement(PlacementProblem.build(pairs, company_names=names), SolveParams())
    company_of_student = plan.company_of_student
    return GapReport(
        students=plan.students,
        placed=plan.placed,
        industry_area=industry_area_gaps(context.network, pairs, company_of_student),
        needs=need_gaps(context.network, pairs, company_of_student),
        unplaced_by_reason=group_unplaced(plan),
        recommendations=recommend_companies(context, pairs, company_of_student, top=top),
        critical_companies=critical_companies(context.network, pairs, company_of_student),
    )


def group_unplaced(plan: PlacementResult) -> list[UnplacedGroup]:
    """Each unplaced student under the first (binding) reason the optimizer gives."""
    groups: dict[str, list[str]] = defaultdict(list)
    for student_id, reasons in unplaced_reasons(plan).items():
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
