"""Shortlists honour filters, spread over industries, and explain every item."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from features.errors import InputError
from features.network import Network
from features.vocabulary import Industry
from matching.context import ScoringContext
from matching.pairs import eligible_pairs, scoring_context
from matching.shortlist import diverse_top, shortlist_companies, shortlist_students


@pytest.fixture(scope="module")
def context(builtin_network: Network) -> ScoringContext:
    return scoring_context(builtin_network)


def eligible_for(context: ScoringContext, student: int) -> dict[str, float]:
    table = eligible_pairs(context.network)
    mine = table.student == student
    return dict(zip(table.company_ids[table.company[mine]], table.score[mine], strict=True))


def candidates(
    context: ScoringContext, student: int, industries: list[Industry] | None, max_travel: float | None
) -> dict[str, tuple[float, Industry]]:
    """The eligible companies that pass the filters: company ID to (score, industry)."""
    table = eligible_pairs(context.network)
    out = {}
    for k in np.flatnonzero(table.student == student):
        company = context.network.companies[table.company[k]]
        if industries is not None and company.industry not in industries:
            continue
        if max_travel is not None and table.travel_minutes[k] > max_travel:
            continue
        out[company.company_id] = (float(table.score[k]), company.industry)
    return out


@settings(max_examples=40, deadline=None)
@given(
    student=st.integers(0, 139),
    top_k=st.integers(1, 8),
    max_travel=st.none() | st.floats(5, 90),
    industries=st.none() | st.lists(st.sampled_from(list(Industry)), min_size=1, max_size=4, unique=True),
)
def test_filters_size_order_and_diversity(
    context: ScoringContext,
    student: int,
    top_k: int,
    max_travel: float | None,
    industries: list[Industry] | None,
) -> None:
    profile = context.network.students[student]
    items = shortlist_companies(
        context, profile.student_id, top_k, industries=industries, max_travel_minutes=max_travel
    )
    allowed = candidates(context, student, industries, max_travel)
    assert len(items) == min(top_k, len(allowed))
    scores = [item.score for item in items]
    assert scores == sorted(scores, reverse=True)
    for item in items:
        assert item.eligible and item.company_id in allowed
        assert item.score == pytest.approx(allowed[item.company_id][0], rel=1e-12)
    # No industry takes more than ceil(0.4 k) places unless every other allowed company is already listed.
    counts = Counter(Industry(item.industry) for item in items)
    listed = {item.company_id for item in items}
    for industry, count in counts.items():
        if count > math.ceil(0.4 * top_k) and not profile.single_industry_only:
            others = {cid for cid, (_, ind) in allowed.items() if ind != industry}
            assert others <= listed


def test_without_diversity_it_is_the_plain_top_k(context: ScoringContext) -> None:
    for student in range(0, 140, 13):
        best = sorted(eligible_for(context, student).items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        sid = context.network.students[student].student_id
        items = shortlist_companies(context, sid, 5, diverse=False)
        assert [item.company_id for item in items] == [cid for cid, _ in best]


def test_diverse_top_caps_an_industry_then_fills_up() -> None:
    order = np.arange(6)
    industry = np.array([1, 1, 1, 1, 2, 3])
    assert diverse_top(order, industry, 5, 0.4).tolist() == [0, 1, 4, 5, 2]
    assert diverse_top(order[:4], industry[:4], 3, 0.4).tolist() == [0, 1, 2]


def test_a_student_who_wants_one_industry_gets_only_that_industry(context: ScoringContext) -> None:
    single = [s for s in context.network.students if s.single_industry_only]
    assert single
    for student in single:
        for item in shortlist_companies(context, student.student_id, 5):
            assert Industry(item.industry) == student.interests[0]


def test_best_students_for_a_company(context: ScoringContext) -> None:
    table = eligible_pairs(context.network)
    company = int(np.bincount(table.company).argmax())
    company_id = context.network.companies[company].company_id
    items = shortlist_students(context, company_id, 4)
    mine = table.company == company
    best = np.sort(table.score[mine])[::-1][:4]
    assert [item.score for item in items] == pytest.approx(best.tolist())
    assert all(item.company_id == company_id and item.eligible for item in items)
    assert shortlist_students(context, company_id, 3, max_travel_minutes=0.0) == []


@pytest.mark.parametrize("top_k", [0, -3, 2.5, True, "5"])
def test_top_k_must_be_a_positive_int(context: ScoringContext, top_k: object) -> None:
    with pytest.raises(
        InputError, match=r"The 'top_k' parameter of shortlist must be an int in the range \[1, inf\)"
    ):
        shortlist_companies(context, "S0001", top_k)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"The 'top_k' parameter"):
        shortlist_students(context, "C0001", top_k)  # type: ignore[arg-type]


def test_bad_filters_and_ids_are_explained(context: ScoringContext) -> None:
    with pytest.raises(InputError, match=r"'retial' is not a known industry\. Did you mean 'retail'\?"):
        shortlist_companies(context, "S0001", industries=["retial"])
    with pytest.raises(
        InputError, match=r"'max_travel_minutes' parameter of shortlist must be a number in \[0, inf\)"
    ):
        shortlist_companies(context, "S0001", max_travel_minutes=-1)
    with pytest.raises(InputError, match=r"Unknown student ID 'S1'\. Closest: S0001"):
        shortlist_companies(context, "S1")
    with pytest.raises(InputError, match=r"Unknown company ID 'X9'"):
        shortlist_students(context, "X9")


def test_danish_industry_labels_filter_too(context: ScoringContext) -> None:
    for student in context.network.students[:20]:
        for item in shortlist_companies(context, student.student_id, 3, industries=["Lager og logistik"]):
            assert item.industry == "warehouse_logistics"
