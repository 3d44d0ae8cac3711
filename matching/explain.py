"""Exact explanations of a pair's score in plain Danish: reasons for and against, and arrangements.

The numbers come from ``matching.pairs.score_pairs`` (so the components add up
to the score); this module only turns them into short sentences for the job
consultant. Nothing here is logged.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from features.arrays import DEMAND_ORDER, INDUSTRY_ORDER, STRESS_ORDER, CompanyArrays
from features.travel import TRANSPORT_ORDER
from features.vocabulary import (
    INDUSTRY_LABELS,
    STRESS_REACTION_LABELS,
    TRANSPORT_MODE_LABELS,
    WORK_DEMAND_LABELS,
    TransportMode,
    hours_per_week_da,
    mentor_hours_da,
    task_level,
)
from matching.components import (
    ENVIRONMENT_STRAINS,
    WORKSTATION_REACTIONS,
    environment_level,
    environment_strains,
)
from matching.config import COMPONENTS
from matching.eligibility import REASON_CODES, REASON_LABELS, complexity_gap, hours_shortfall, overloads
from matching.needs import psychological
from matching.pairs import PairScores, ScoringContext, company_position, score_pairs, student_position

MIN_SENTENCES = 2
MAX_SENTENCES = 4
STRONG_FIT = 0.7
"""A component with at least this fit is a reason for the pair; below it, a reason against."""

ASPECT_LEVEL_TEXT: dict[str, tuple[str, str, str]] = {
    "noise": ("Der er roligt på arbejdspladsen", "Der er en del støj", "Der er meget støj"),
    "pace": ("Arbejdstempoet er roligt", "Arbejdstempoet er jævnt", "Arbejdstempoet er højt"),
    "physical_demands": (
        "Arbejdet er fysisk let",
        "Arbejdet er fysisk lidt krævende",
        "Arbejdet er fysisk hårdt",
    ),
    "customer_contact": (
        "Der er lidt kundekontakt",
        "Der er en del kundekontakt",
        "Der er meget kundekontakt",
    ),
    "change": ("Opgaverne skifter sjældent", "Opgaverne skifter en del", "Opgaverne skifter ofte"),
}
"""How a company's level (low, medium, high) of an environment aspect reads in Danish."""
ASPECT_ARRANGEMENTS: dict[str, str] = {
    "noise": "Aftal en rolig arbejdsplads eller høreværn.",
    "pace": "Aftal et roligere tempo i opstarten.",
    "physical_demands": "Aftal pauser og en gradvis optrapning af de fysiske opgaver.",
    "customer_contact": "Aftal opgaver med begrænset kundekontakt i starten.",
    "change": "Varsl ændringer i god tid, fx med en visuel dagsplan.",
}
_SELF_PROPELLED = {
    TRANSPORT_ORDER.index(mode)
    for mode in (TransportMode.WALK, TransportMode.BIKE, TransportMode.PUBLIC_TRANSPORT)
}


class PairExplanation(BaseModel):
    """One pair, explained: the score and its components, reasons, arrangements, and eligibility."""

    student_id: str
    company_id: str
    company_name: str
    industry: str
    interest_rank: int | None = None
    """The company's industry in the student's list of interests (1 = first choice), None outside them."""
    eligible: bool
    ineligible_reasons: list[str]
    """Codes of every hard rule the pair fails (empty if eligible), in ``REASON_CODES`` order."""
    ineligible_reasons_da: list[str]
    score: float
    components: dict[str, float]
    """Component name to points; the points add up to ``score``."""
    reasons_for: list[str]
    reasons_against: list[str]
    arrangements: list[str]
    travel_minutes: float
    support_load: int
    """Mentor hours per week the student needs at the company (0 without a mentor need)."""
    outcome_probability: float | None

    def as_json(self, counterpart: str = "company") -> dict[str, object]:
        """The CLI's JSON item: ``company_id`` (or ``student_id``), score, components, reasons, ..."""
        head: dict[str, object] = (
            {"company_id": self.company_id, "company_name": self.company_name, "industry": self.industry}
            if counterpart == "company"
            else {"student_id": self.student_id}
        )
        head["interest_rank"] = self.interest_rank
        return {
            **head,
            "score": self.score,
            "components": self.components,
            "reasons": {"for": self.reasons_for, "against": self.reasons_against},
            "arrangements": self.arrangements,
            "travel_minutes": self.travel_minutes,
            "support_load": self.support_load,
            "outcome_probability": self.outcome_probability,
            "eligible": self.eligible,
            "ineligible_reasons": self.ineligible_reasons,
        }


def explain_pairs(context: ScoringContext, s: np.ndarray, c: np.ndarray) -> list[PairExplanation]:
    """Explanations of the given pairs (student and company positions), eligible or not."""
    scores = score_pairs(context, s, c)
    return [_explain(context, scores, k) for k in range(scores.s.shape[0])]


def explain_pair(context: ScoringContext, student_id: str, company_id: str) -> PairExplanation:
    """The explanation of one pair, by IDs; an unknown ID names the closest ones (``InputError``)."""
    i = student_position(context.network, student_id)
    j = company_position(context.network, company_id)
    return explain_pairs(context, np.array([i]), np.array([j]))[0]


def _explain(context: ScoringContext, scores: PairScores, k: int) -> PairExplanation:
    S, C = context.students, context.companies  # noqa: N806 (short names for the many look-ups)
    i, j = int(scores.s[k]), int(scores.c[k])
    company = context.network.companies[j]
    failed = [REASON_CODES[r] for r in np.flatnonzero(scores.failures[k])]
    candidates = _sentences(context, scores, k)
    most = np.asarray(context.config.points_per_component(scores.outcome_probability is not None))
    fits = scores.fits[k]
    pros = [(most[comp] * fits[comp] * weight, text) for comp, text, weight, pro in candidates if pro]
    cons = [
        (most[comp] * (1 - fits[comp]) * weight, text) for comp, text, weight, pro in candidates if not pro
    ]
    probability = None if scores.outcome_probability is None else float(scores.outcome_probability[k])
    return PairExplanation(
        student_id=str(S.ids[i]),
        company_id=str(C.ids[j]),
        company_name=company.name,
        industry=company.industry.value,
        interest_rank=int(S.interest_rank[i, C.industry[j]]) or None,
        eligible=not failed,
        ineligible_reasons=failed,
        ineligible_reasons_da=[REASON_LABELS[code] for code in failed],
        score=float(scores.score[k]),
        components=scores.breakdown(k),
        reasons_for=_top(pros, "Virksomheden opfylder alle elevens faste krav."),
        reasons_against=_top(cons, "Ingen væsentlige forbehold."),
        arrangements=_arrangements(context, scores, k),
        travel_minutes=float(scores.minutes[k]),
        support_load=int(scores.support_load[k]),
        outcome_probability=probability,
    )


def _top(weighted: list[tuple[float, str]], fallback: str) -> list[str]:
    """The weightiest sentences: at least two when there are two, at most four, else the fallback."""
    ranked = sorted(weighted, key=lambda item: -item[0])
    chosen = [
        text
        for rank, (impact, text) in enumerate(ranked[:MAX_SENTENCES])
        if rank < MIN_SENTENCES or impact > 0.05
    ]
    return chosen or [fallback]


def _sentences(context: ScoringContext, scores: PairScores, k: int) -> list[tuple[int, str, float, bool]]:
    """(component, Danish sentence, weight of the sentence, is a reason for) for one pair."""
    S, C = context.students, context.companies  # noqa: N806
    i, j = scores.s[k : k + 1], scores.c[k : k + 1]
    si, cj = int(i[0]), int(j[0])
    fits = scores.fits[k]
    col = {name: n for n, name in enumerate(COMPONENTS)}
    out: list[tuple[int, str, float, bool]] = []

    industry = INDUSTRY_LABELS[INDUSTRY_ORDER[C.industry[cj]]]
    rank = int(S.interest_rank[si, C.industry[cj]])
    if rank == 1:
        out.append((col["interest"], f"{industry} er elevens førstevalg.", 1.0, True))
    elif rank > 1:
        out.append((col["interest"], f"{industry} er blandt elevens interesser ({rank}. valg).", 1.0, True))
    else:
        out.append((col["interest"], f"{industry} er ikke blandt elevens interesser.", 1.0, False))

    gap = int(complexity_gap(S, C, i, j)[0])
    if gap >= 1:
        text = "Virksomhedens enkleste opgaver er sværere, end eleven kan klare."
        out.append((col["complexity"], text, 1.0, False))
    elif fits[col["complexity"]] < 1:
        text = "Opgaverne er enklere, end eleven kan klare; der kan mangle udfordring."
        out.append((col["complexity"], text, 1.0, False))
    else:
        out.append((col["complexity"], "Opgaverne passer til det, eleven kan klare.", 0.6, True))

    hours = (
        f"virksomheden har {C.min_hours[cj]}–{C.max_hours[cj]} timer om ugen, "
        f"eleven kan {S.min_hours[si]}–{S.max_hours[si]}"
    )
    if int(hours_shortfall(S, C, i, j)[0]) > 0:
        out.append((col["hours"], f"Arbejdstiden passer ikke helt: {hours}.", 1.0, False))
    else:
        out.append((col["hours"], f"Arbejdstiden passer: {hours}.", 0.5, True))

    if S.needs_routine[si]:
        variety = int(C.task_variety[cj])
        if variety == 0:
            out.append(
                (col["structure"], "Der er en afgrænset rutineopgave, som eleven har brug for.", 1.0, True)
            )
        elif variety == 1:
            out.append(
                (
                    col["structure"],
                    "Opgaverne er varierede, men eleven har brug for faste rutiner.",
                    1.0,
                    False,
                )
            )
    wants_own = bool(S.needs_shielded[si]) or any(
        S.stress[si, STRESS_ORDER.index(r)] >= 0 for r in WORKSTATION_REACTIONS
    )
    if wants_own and C.shielded_workstation[cj]:
        out.append((col["structure"], "Der er en skærmet arbejdsplads, som passer til eleven.", 1.0, True))
    elif wants_own and C.team_work[cj]:
        text = "Der er ingen skærmet arbejdsplads, og arbejdet foregår i team."
        out.append((col["structure"], text, 1.0, False))

    strain, present = environment_strains(S, C, i, j)
    strained = [
        (float(strain[0, n]), aspect, reaction)
        for n, (reaction, aspect) in enumerate(ENVIRONMENT_STRAINS)
        if present[0, n] and strain[0, n] >= 4
    ]
    if strained:
        _, aspect, reaction = max(strained, key=lambda item: item[0])
        level = _aspect_level(C, aspect, cj)
        text = (
            f"{ASPECT_LEVEL_TEXT[aspect][level]}, og eleven har {STRESS_REACTION_LABELS[reaction].lower()}."
        )
        out.append((col["environment"], text, 1.0, False))
    elif present[0].any():
        text = "Arbejdsmiljøet (støj, tempo, kundekontakt) passer til elevens belastningsreaktioner."
        out.append((col["environment"], text, 0.8, True))

    load = overloads(S, C, i, j)[0]
    if load.any():
        worst = np.argsort(-load, kind="stable")[: min(3, int((load > 0).sum()))]
        dims = _join([WORK_DEMAND_LABELS[DEMAND_ORDER[d]].lower() for d in worst])
        out.append((col["work_demands"], f"Kravene ligger over elevens forudsætninger i {dims}.", 1.0, False))
    else:
        out.append(
            (col["work_demands"], "Arbejdskravene ligger inden for elevens forudsætninger.", 0.8, True)
        )

    if S.needs_mentor[si]:
        if C.mentor_trained[cj]:
            out.append((col["support"], "Der er en mentor med uddannelse i målgruppen.", 1.0, True))
        else:
            out.append((col["support"], "Mentoren har ikke uddannelse i målgruppen.", 1.0, False))
    if C.flexible_management[cj]:
        out.append((col["support"], "Ledelsen er nærværende og fleksibel.", 0.7, True))
    elif S.support_max[si] >= 2:
        text = "Ledelsen er ikke beskrevet som nærværende og fleksibel, og eleven har brug for meget støtte."
        out.append((col["support"], text, 1.0, False))

    minutes, most = float(scores.minutes[k]), float(S.max_travel[si])
    mode = TRANSPORT_MODE_LABELS[TRANSPORT_ORDER[S.transport[si]]].lower()
    if fits[col["travel"]] >= 1:
        out.append((col["travel"], f"Kort transport: ca. {minutes:.0f} min. ({mode}).", 0.8, True))
    elif fits[col["travel"]] < 0.5:
        out.append(
            (
                col["travel"],
                f"Lang transport: ca. {minutes:.0f} af højst {most:.0f} min. ({mode}).",
                1.0,
                False,
            )
        )

    if scores.outcome_probability is not None:
        p = float(scores.outcome_probability[k])
        if p >= 0.8:
            text = f"Høj forventet chance for job eller fleksjob ud fra tidligere forløb ({_percent(p)})."
            out.append((col["outcome"], text, 1.0, True))
        elif p < 0.65:
            text = (
                f"Lavere forventet chance for job eller fleksjob ud fra tidligere forløb ({p * 100:.0f} %)."
            )
            out.append((col["outcome"], text, 1.0, False))
    return out


def _arrangements(context: ScoringContext, scores: PairScores, k: int) -> list[str]:
    """What must be arranged for the pair to work (Danish), from the small shortfalls the rules allow."""
    S, C = context.students, context.companies  # noqa: N806
    i, j = scores.s[k : k + 1], scores.c[k : k + 1]
    si, cj = int(i[0]), int(j[0])
    out: list[str] = []
    if int(complexity_gap(S, C, i, j)[0]) >= 1:
        out.append(
            f"Aftal enklere opgaver: eleven kan klare {task_level(int(S.complexity[si]))}, "
            f"men virksomhedens enkleste er {task_level(int(C.complexity_min[cj]))}."
        )
    if int(hours_shortfall(S, C, i, j)[0]) > 0:
        out.append(
            f"Aftal tilpasset arbejdstid: eleven kan {S.min_hours[si]}–{S.max_hours[si]} timer om ugen, "
            f"virksomheden har {C.min_hours[cj]}–{C.max_hours[cj]}."
        )
    load = overloads(S, C, i, j)[0]
    if load.any():
        worst = np.argsort(-load, kind="stable")[: int((load > 0).sum())]
        names = [WORK_DEMAND_LABELS[DEMAND_ORDER[d]].lower() for d in worst]
        dims = (
            _join(names) if len(names) <= 3 else ", ".join(names[:3]) + f" og {len(names) - 3} andre områder"
        )
        out.append(f"Planlæg oplæring og støtte i {dims}, hvor kravene ligger over elevens forudsætninger.")
    if S.needs_routine[si] and C.task_variety[cj] != 0:
        out.append("Aftal faste, afgrænsede opgaver og en fast dagsplan.")
    _, present = environment_strains(S, C, i, j)
    aspects: list[str] = []
    for n, (_, aspect) in enumerate(ENVIRONMENT_STRAINS):
        if present[0, n] and _aspect_level(C, aspect, cj) == 2 and aspect not in aspects:
            aspects.append(aspect)
    out.extend(ASPECT_ARRANGEMENTS[aspect] for aspect in aspects)
    if S.needs_mentor[si]:
        out.append(
            f"Aftal en fast mentor: eleven har brug for {mentor_hours_da(int(scores.support_load[k]))}, "
            f"og virksomheden kan give {hours_per_week_da(int(C.mentor_capacity[cj]))} i alt."
        )
        if not C.mentor_trained[cj] and psychological(S)[si]:
            saving = int(context.rule_students.mentor_saving[si])
            out.append(
                "Tilbyd mentoren et kursus om målgruppen (fx om autisme eller angst)"
                + (
                    f"; med kurset har eleven brug for {saving} mentortime{'' if saving == 1 else 'r'} mindre om ugen."
                    if saving
                    else "."
                )
            )
    if S.needs_wheelchair[si]:
        out.append("Gennemgå adgangsforholdene for kørestol med virksomheden inden start.")
    ratio = float(scores.minutes[k]) / float(S.max_travel[si])
    if ratio > 0.75 and int(S.transport[si]) in _SELF_PROPELLED:
        out.append("Øv turen til arbejdspladsen sammen med eleven inden start.")
    return out


def _aspect_level(companies: CompanyArrays, aspect: str, j: int) -> int:
    return int(environment_level(companies, aspect, np.array([j]))[0])


def _percent(p: float) -> str:
    """A probability for people: whole percent, never '100 %' or '0 %' (a model is never certain)."""
    return f"{min(max(round(p * 100), 1), 99)} %"


def _join(items: list[str]) -> str:
    """Danish enumeration: 'a', 'a og b', 'a, b og c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]
