"""Scoring use cases: shortlists with explanations, the eligible pairs as a file, and the ranking's evaluation.

The pair table is the product's machine format (``pairs --out``): comma-separated,
decimal point, so other programs read it as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from features.errors import InputError
from features.network import Network
from features.safe_files import safe_csv_bytes
from features.vocabulary import Industry
from matching.config import COMPONENT_LABELS, RULE_COMPONENTS, ScoringConfig
from matching.context import ScoringContext
from matching.eligibility import REASON_LABELS, REASON_TEXT_EN
from matching.explain import PairExplanation
from matching.near_miss import NearMiss, near_misses_of
from matching.pair_table import PairTable
from matching.shortlist import DEFAULT_TOP_K, InterestNotice
from matching.shortlist import interest_notice as _interest_notice
from matching.shortlist import shortlist_companies as _shortlist_companies
from matching.shortlist import shortlist_students as _shortlist_students

PAIR_COLUMNS = ("student_id", "company_id", "score", "travel_minutes", "support_load")


def companies_for_student(
    context: ScoringContext,
    student_id: str,
    top: int = DEFAULT_TOP_K,
    *,
    industries: Iterable[str | Industry] | None = None,
    max_travel_minutes: float | None = None,
    diverse: bool = True,
    all_industries: bool = False,
) -> list[PairExplanation]:
    """The best eligible companies for a student, each with its explained score.

    Those within the student's interests come first, each group best first, unless
    ``all_industries`` asks for one list over all industries by score.
    """
    return _shortlist_companies(
        context,
        student_id,
        top,
        industries=industries,
        max_travel_minutes=max_travel_minutes,
        diverse=diverse,
        all_industries=all_industries,
    )


def interests_out_of_reach(context: ScoringContext, student_id: str) -> InterestNotice | None:
    """When no company within the student's interests is eligible: the note, the nearest company, what stops it."""
    return _interest_notice(context, student_id)


def near_misses_for_student(
    context: ScoringContext, student_id: str, top: int | None = None
) -> list[NearMiss]:
    """The companies the student misses by one hard rule, with the arrangement that lifts it and the score after.

    Those within the student's interests first, then the highest score; ``top`` keeps the first ``top``.
    """
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 0):
        raise InputError(
            f"The 'top' parameter of near misses must be an int in the range [0, inf). Got {top!r} instead.",
            f"Parameteren 'top' skal være et heltal på mindst 0. Fik {top!r}.",
        )
    found = near_misses_of(context, student_id)
    return found if top is None else found[:top]


def students_for_company(
    context: ScoringContext,
    company_id: str,
    top: int = DEFAULT_TOP_K,
    *,
    max_travel_minutes: float | None = None,
) -> list[PairExplanation]:
    """The best students of the cohort for a company, best first, each explained."""
    return _shortlist_students(context, company_id, top, max_travel_minutes=max_travel_minutes)


def pairs_summary(table: PairTable) -> dict[str, Any]:
    """How many pairs are eligible, and how many each hard rule ruled out (under the first it fails)."""
    per_student = np.bincount(table.student, minlength=table.n_students)
    return {
        "students": table.n_students,
        "companies": table.n_companies,
        "eligible_pairs": table.n_pairs,
        "students_without_pairs": int((per_student == 0).sum()),
        "ineligible_by_reason": {
            code: int(count)
            for code, count in zip(table.reason_codes, table.ineligible_counts.sum(axis=0), strict=True)
        },
    }


def pairs_csv(table: PairTable) -> bytes:
    """The pair table as CSV bytes (UTF-8): scores to 4 decimals, minutes to 2, safe to open in a spreadsheet."""
    frame = pd.DataFrame(
        {
            "student_id": pd.Categorical.from_codes(table.student, table.student_ids.astype(str)),
            "company_id": pd.Categorical.from_codes(table.company, table.company_ids.astype(str)),
            "score": np.round(table.score, 4),
            "travel_minutes": np.round(table.travel_minutes, 2),
            "support_load": table.support_load,
        },
        columns=list(PAIR_COLUMNS),
    )
    return safe_csv_bytes(frame)


def evaluate_ranking(
    network: Network,
    config: ScoringConfig,
    *,
    folds: int = 5,
    seed: int = 0,
    ground_truth: bool = True,
    truth_seed: int = 7,
    truth_alumni: int = 1500,
) -> dict[str, object]:
    """NDCG@5 and precision@5 of blended, rule-only and random rankings (docs/outcome-model.md)."""
    # Fits models and scores them with scikit-learn: imported here, not by every command.
    from matching.evaluation import K, evaluate_ground_truth, evaluate_history

    result: dict[str, object] = {"k": K}
    result["history"] = evaluate_history(network, folds=folds, seed=seed, config=config).model_dump()
    if ground_truth:
        result["ground_truth"] = evaluate_ground_truth(
            n_students=len(network.students),
            n_companies=len(network.companies),
            n_alumni=truth_alumni,
            seed=truth_seed,
            config=config,
        ).model_dump()
    return result


__all__ = [
    "COMPONENT_LABELS",
    "DEFAULT_TOP_K",
    "PAIR_COLUMNS",
    "REASON_LABELS",
    "REASON_TEXT_EN",
    "RULE_COMPONENTS",
    "InterestNotice",
    "NearMiss",
    "PairExplanation",
    "companies_for_student",
    "evaluate_ranking",
    "interests_out_of_reach",
    "near_misses_for_student",
    "pairs_csv",
    "pairs_summary",
    "students_for_company",
]
