"""Shortlists for the job consultant: the best companies for a student, or the best students for a company.

A student's shortlist puts the eligible companies within the student's own
interests first (the person's own preferences lead the job search, as in IPS):
the score, learned outcome included, orders them among themselves, but a
company outside the interests never comes before one inside, unless the
consultant asks for all industries (``all_industries``). Each of the two groups
is spread over industries (no industry fills more than ``max_share`` of the list
while other industries of the same group are eligible) unless the student wants
their first-choice industry only. When no company within the interests is
eligible, ``interest_notice`` says so, with the nearest company within them and
what stops it. Both directions score all pairs of the one student (or company)
at once, so a shortlist takes milliseconds once the network is prepared.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np
from pydantic import BaseModel

from features.arrays import INDUSTRY_ORDER
from features.cells import parse_enum
from features.danish import shown
from features.errors import InputError
from features.vocabulary import INDUSTRY_LABELS, Industry
from matching.candidates import pair_minutes
from matching.context import ScoringContext
from matching.eligibility import REASON_CODES
from matching.explain import PairExplanation, explain_pairs
from matching.near_miss import RuleValues, rule_values
from matching.pairs import company_position, score_pairs, student_position

DEFAULT_TOP_K = 5
DEFAULT_MAX_SHARE = 0.4
"""At most this share of a diverse shortlist (rounded up) from one industry while others are eligible."""


def shortlist_companies(
    context: ScoringContext,
    student_id: str,
    top_k: int = DEFAULT_TOP_K,
    *,
    industries: Iterable[str | Industry] | None = None,
    max_travel_minutes: float | None = None,
    diverse: bool = True,
    max_share: float = DEFAULT_MAX_SHARE,
    all_industries: bool = False,
) -> list[PairExplanation]:
    """The ``top_k`` best eligible companies for a student, each explained.

    Companies within the student's interests first, each group best first,
    unless ``all_industries`` (then by score alone). ``industries`` keeps only
    those industries (identifiers or Danish labels); ``max_travel_minutes`` drops
    companies farther away. ``diverse`` spreads each group over industries
    unless the student wants one industry only.
    """
    top_k = _check_top_k(top_k)
    _check_share(max_share)
    limit = _check_minutes(max_travel_minutes)
    wanted = _industry_codes(industries)
    i = student_position(context.network, student_id)
    reachable = _in_reach(context, np.full(context.companies.n, i), np.arange(context.companies.n), limit)
    if wanted is not None:
        reachable = reachable[np.isin(context.companies.industry[reachable], wanted)]
    scores = score_pairs(context, np.full(reachable.shape[0], i), reachable)
    industry = context.companies.industry[reachable]
    # 0 within the student's interests, 1 outside them; one group for all when all industries are asked for.
    group = (context.students.interest_rank[i, industry] == 0).astype(np.int8) * (not all_industries)
    candidates = np.flatnonzero(scores.eligible)
    order = candidates[np.lexsort((reachable[candidates], -scores.score[candidates], group[candidates]))]
    if diverse and not bool(context.students.single_industry_only[i]):
        spread: list[np.ndarray] = []
        for g in (0, 1):
            members = order[group[order] == g]
            room = top_k - sum(part.shape[0] for part in spread)
            spread.append(diverse_top(members, industry[members], room, max_share, list_size=top_k))
        order = np.concatenate(spread)
    chosen = order[:top_k]
    chosen = chosen[
        np.lexsort((reachable[chosen], -scores.score[chosen], group[chosen]))
    ]  # also after spreading
    return explain_pairs(context, np.full(chosen.shape[0], i), reachable[chosen])


class NearestInterestCompany(BaseModel):
    """The nearest company within the student's interests, and every hard rule it fails."""

    company_id: str
    company_name: str
    industry: str
    travel_minutes: float
    obstacles: list[RuleValues]


class InterestNotice(BaseModel):
    """None of the student's interests can be reached: the note for the consultant, in Danish."""

    student_id: str
    interests: list[str]
    message_da: str
    nearest: NearestInterestCompany | None
    """None when the network has no company in any of the student's interests."""


def interest_notice(context: ScoringContext, student_id: str) -> InterestNotice | None:
    """None when some company within the student's interests is eligible; else what stops the nearest one.

    The nearest is the company in one of the interests with the shortest trip (then
    the fewest hard rules failed); every rule it fails is named with both sides'
    values. The consultant's filters play no part: this is about the network.
    """
    i = student_position(context.network, student_id)
    student = context.network.students[i]
    interests = [INDUSTRY_LABELS[industry] for industry in student.interests]
    one = len(interests) == 1
    named = (
        f"Elevens interesse ({interests[0]}) kan ikke nås"
        if one
        else (f"Ingen af elevens interesser ({', '.join(interests)}) kan nås")
    )
    wanted = np.flatnonzero(context.students.interest_rank[i, context.companies.industry] > 0)
    base = {"student_id": student.student_id, "interests": [industry.value for industry in student.interests]}
    if wanted.size == 0:
        where = "branchen" if one else "de brancher"
        return InterestNotice(
            **base, message_da=f"{named}: netværket har ingen virksomheder i {where}.", nearest=None
        )
    scores = score_pairs(context, np.full(wanted.size, i), wanted)
    if scores.eligible.any():
        return None
    best = int(np.lexsort((wanted, scores.failures.sum(axis=1), scores.minutes))[0])
    j = int(wanted[best])
    company = context.network.companies[j]
    minutes, load = float(scores.minutes[best]), int(scores.support_load[best])
    obstacles = [
        rule_values(context, REASON_CODES[r], i, j, minutes, load)
        for r in np.flatnonzero(scores.failures[best])
    ]
    where = "i branchen" if one else "inden for dem"
    message = (
        f"{named}: ingen virksomhed {where} opfylder de faste krav. Nærmest er "
        f"{company.name} ({company.company_id}, {INDUSTRY_LABELS[company.industry]}, ca. {minutes:.0f} min.). "
        # Each obstacle's own text names the rule with the pair's values; the rule's label alone would repeat it.
        "Det står i vejen: " + " ".join(o.text_da for o in obstacles)
    )
    return InterestNotice(
        **base,
        message_da=message,
        nearest=NearestInterestCompany(
            company_id=company.company_id,
            company_name=company.name,
            industry=company.industry.value,
            travel_minutes=minutes,
            obstacles=obstacles,
        ),
    )


def shortlist_students(
    context: ScoringContext,
    company_id: str,
    top_k: int = DEFAULT_TOP_K,
    *,
    max_travel_minutes: float | None = None,
) -> list[PairExplanation]:
    """The ``top_k`` students of the cohort who fit a company best, best first, each explained."""
    top_k = _check_top_k(top_k)
    limit = _check_minutes(max_travel_minutes)
    j = company_position(context.network, company_id)
    reachable = _in_reach(context, np.arange(context.students.n), np.full(context.students.n, j), limit)
    scores = score_pairs(context, reachable, np.full(reachable.shape[0], j))
    candidates = np.flatnonzero(scores.eligible)
    order = candidates[np.lexsort((reachable[candidates], -scores.score[candidates]))][:top_k]
    return explain_pairs(context, reachable[order], np.full(order.shape[0], j))


def _in_reach(context: ScoringContext, s: np.ndarray, c: np.ndarray, limit: float | None) -> np.ndarray:
    """Positions k of the pairs (s[k], c[k]) within the student's travel limit (and ``limit``), ascending.

    Travel is cheap to compute for everyone; scoring only the pairs in reach keeps a shortlist fast.
    """
    minutes = pair_minutes(
        context.students, context.companies, s, c, context.lookup, context.student_xyz, context.company_xyz
    )
    keep = minutes <= context.students.max_travel[s]
    if limit is not None:
        keep &= minutes <= limit
    return np.flatnonzero(keep)


def diverse_top(
    order: np.ndarray, industry: np.ndarray, top_k: int, max_share: float, *, list_size: int | None = None
) -> np.ndarray:
    """The first ``top_k`` of ``order`` (best first) with no industry above ``ceil(max_share * list_size)``.

    Greedy: take companies in score order, skipping those whose industry is
    full; if fewer than ``top_k`` remain that way, fill up with the best skipped
    ones. ``list_size`` (default ``top_k``) is the whole list's length, when
    ``order`` fills only part of it.
    """
    cap = max(1, math.ceil(max_share * (top_k if list_size is None else list_size)))
    taken: list[int] = []
    skipped: list[int] = []
    per_industry: dict[int, int] = {}
    for position, code in zip(order.tolist(), industry.tolist(), strict=True):
        if len(taken) == top_k:
            break
        if per_industry.get(code, 0) < cap:
            per_industry[code] = per_industry.get(code, 0) + 1
            taken.append(position)
        else:
            skipped.append(position)
    taken += skipped[: top_k - len(taken)]
    return np.array(taken, dtype=np.int64)


def _check_top_k(top_k: object) -> int:
    if isinstance(top_k, bool) or not isinstance(top_k, numbers.Integral) or top_k < 1:
        raise InputError(
            f"The 'top_k' parameter of shortlist must be an int in the range [1, inf). Got {top_k!r} instead.",
            f"Parameteren 'top_k' skal være et heltal på mindst 1. Fik {top_k!r}.",
        )
    return int(top_k)


def _check_share(share: object) -> None:
    if isinstance(share, bool) or not isinstance(share, numbers.Real) or not 0 < float(share) <= 1:
        raise InputError(
            f"The 'max_share' parameter of shortlist must be a number in (0, 1]. Got {share!r} instead.",
            f"Parameteren 'max_share' skal være et tal større end 0 og højst 1. Fik {shown(share)}.",
        )


def _check_minutes(minutes: object) -> float | None:
    if minutes is None:
        return None
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, numbers.Real)
        or not math.isfinite(minutes)
        or minutes < 0
    ):
        raise InputError(
            "The 'max_travel_minutes' parameter of shortlist must be a number in [0, inf). "
            f"Got {minutes!r} instead.",
            f"Parameteren 'max_travel_minutes' skal være et tal på mindst 0. Fik {minutes!r}.",
        )
    return float(minutes)


def _industry_codes(industries: Iterable[str | Industry] | None) -> np.ndarray | None:
    if industries is None:
        return None
    codes = []
    for raw in industries:
        try:
            codes.append(INDUSTRY_ORDER.index(parse_enum(Industry, raw, "industry", "branche")))
        except Exception as error:  # parse_enum raises pydantic's custom error with both languages
            context = getattr(error, "context", None) or {}
            raise InputError(context.get("en", str(error)), context.get("da")) from None
    return np.array(codes, dtype=np.int8)
