"""Shortlists for the job consultant: the best companies for a student, or the best students for a company.

A student's shortlist is spread over industries (no industry fills more than
``max_share`` of it while others are eligible) unless the student wants their
first-choice industry only. Both directions score all pairs of the one student
(or company) at once, so a shortlist takes milliseconds once the network is prepared.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np

from features.arrays import INDUSTRY_ORDER
from features.cells import parse_enum
from features.errors import InputError
from features.vocabulary import Industry
from matching.candidates import pair_minutes
from matching.context import ScoringContext
from matching.explain import PairExplanation, explain_pairs
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
) -> list[PairExplanation]:
    """The ``top_k`` best eligible companies for a student, best first, each explained.

    ``industries`` keeps only those industries (identifiers or Danish labels);
    ``max_travel_minutes`` drops companies farther away. ``diverse`` spreads the
    list over industries unless the student wants one industry only.
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
    candidates = np.flatnonzero(scores.eligible)
    order = candidates[np.lexsort((reachable[candidates], -scores.score[candidates]))]
    single = bool(context.students.single_industry_only[i])
    if diverse and not single:
        order = diverse_top(order, context.companies.industry[reachable[order]], top_k, max_share)
    chosen = order[:top_k]
    chosen = chosen[
        np.lexsort((reachable[chosen], -scores.score[chosen]))
    ]  # best first, also after spreading
    return explain_pairs(context, np.full(chosen.shape[0], i), reachable[chosen])


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


def diverse_top(order: np.ndarray, industry: np.ndarray, top_k: int, max_share: float) -> np.ndarray:
    """The first ``top_k`` of ``order`` (best first) with no industry above ``ceil(max_share * top_k)``.

    Greedy: take companies in score order, skipping those whose industry is
    full; if fewer than ``top_k`` remain that way, fill up with the best skipped ones.
    """
    cap = max(1, math.ceil(max_share * top_k))
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
            f"The 'max_share' parameter of shortlist must be a number in (0, 1]. Got {share!r} instead."
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
