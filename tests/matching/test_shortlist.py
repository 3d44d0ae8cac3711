"""Shortlists put the student's own interests first, honour filters, spread over industries, explain every
item, and say when none of the student's interests can be reached."""

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
from matching.eligibility import REASON_CODES
from matching.pairs import eligible_pairs, score_pairs, scoring_context
from matching.shortlist import diverse_top, interest_notice, shortlist_companies, shortlist_students


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


def within_interests(context: ScoringContext, student: int, industry: Industry) -> bool:
    return industry in context.network.students[student].interests


@settings(max_examples=40, deadline=None)
@given(
    student=st.integers(0, 139),
    top_k=st.integers(1, 8),
    max_travel=st.none() | st.floats(5, 90),
    industries=st.none() | st.lists(st.sampled_from(list(Industry)), min_size=1, max_size=4, unique=True),
    all_industries=st.booleans(),
)
def test_filters_size_order_and_diversity(
    context: ScoringContext,
    student: int,
    top_k: int,
    max_travel: float | None,
    industries: list[Industry] | None,
    all_industries: bool,
) -> None:
    profile = context.network.students[student]
    items = shortlist_companies(
        context,
        profile.student_id,
        top_k,
        industries=industries,
        max_travel_minutes=max_travel,
        all_industries=all_industries,
    )
    allowed = candidates(context, student, industries, max_travel)
    assert len(items) == min(top_k, len(allowed))
    # By default the companies within the student's interests (group 0) come first; all at once asked for.
    group = {
        cid: 0 if all_industries or within_interests(context, student, industry) else 1
        for cid, (_, industry) in allowed.items()
    }
    keys = [(group[item.company_id], -item.score) for item in items]
    assert keys == sorted(keys)
    for item in items:
        assert item.eligible and item.company_id in allowed
        assert item.score == pytest.approx(allowed[item.company_id][0], rel=1e-12)
        industry = Industry(item.industry)
        rank = profile.interests.index(industry) + 1 if industry in profile.interests else None
        assert item.interest_rank == rank
    # No industry takes more than ceil(0.4 k) places unless every other allowed company of its group that
    # is not listed belongs to an industry that has its ceil(0.4 k) places too (then the list is filled
    # with the best of the rest).
    cap = math.ceil(0.4 * top_k)
    counts = Counter(Industry(item.industry) for item in items)
    listed = {item.company_id for item in items}
    for industry, count in counts.items():
        if count > cap and not profile.single_industry_only:
            mine = next(group[item.company_id] for item in items if item.industry == industry)
            others = {cid: ind for cid, (_, ind) in allowed.items() if ind != industry and group[cid] == mine}
            assert all(counts[Industry(ind)] >= cap for cid, ind in others.items() if cid not in listed)


@settings(max_examples=60, deadline=None)
@given(
    student=st.integers(0, 139),
    top_k=st.integers(1, 10),
    max_travel=st.none() | st.floats(5, 90),
    diverse=st.booleans(),
)
def test_no_company_outside_the_interests_is_ranked_above_one_inside(
    context: ScoringContext, student: int, top_k: int, max_travel: float | None, diverse: bool
) -> None:
    """Not listed before one inside, and not listed while an eligible one inside is left out."""
    profile = context.network.students[student]
    items = shortlist_companies(
        context, profile.student_id, top_k, max_travel_minutes=max_travel, diverse=diverse
    )
    inside = [within_interests(context, student, Industry(item.industry)) for item in items]
    assert inside == sorted(inside, reverse=True)
    if not all(inside):
        allowed = candidates(context, student, None, max_travel)
        wanted = {
            cid for cid, (_, industry) in allowed.items() if within_interests(context, student, industry)
        }
        assert wanted <= {item.company_id for item in items}


def test_the_learned_outcome_reorders_only_within_the_interests(context: ScoringContext) -> None:
    """As S0120 in issue 13: by score alone a company outside the interests comes before one inside;
    by default the same companies that are within the interests come first."""
    reordered = 0
    for student in context.network.students:
        everything = shortlist_companies(context, student.student_id, 5, all_industries=True)
        default = shortlist_companies(context, student.student_id, 5)
        scores = [item.score for item in everything]
        assert scores == sorted(scores, reverse=True)
        inside_all = [Industry(item.industry) in student.interests for item in everything]
        inside = [Industry(item.industry) in student.interests for item in default]
        assert inside == sorted(inside, reverse=True) and sum(inside) >= sum(inside_all)
        reordered += inside_all != sorted(inside_all, reverse=True)
    assert reordered > 0


def test_without_diversity_it_is_the_plain_top_k(context: ScoringContext) -> None:
    for student in range(0, 140, 13):
        profile = context.network.students[student]
        eligible = eligible_for(context, student)
        industry = {c.company_id: c.industry for c in context.network.companies}
        best = sorted(eligible.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        items = shortlist_companies(context, profile.student_id, 5, diverse=False, all_industries=True)
        assert [item.company_id for item in items] == [cid for cid, _ in best]
        first = sorted(
            eligible.items(), key=lambda kv: (industry[kv[0]] not in profile.interests, -kv[1], kv[0])
        )[:5]
        items = shortlist_companies(context, profile.student_id, 5, diverse=False)
        assert [item.company_id for item in items] == [cid for cid, _ in first]


def test_no_reachable_interest_is_said_with_the_nearest_company_and_what_stops_it(
    context: ScoringContext,
) -> None:
    table = eligible_pairs(context.network)
    industry_of_pair = context.companies.industry[table.company]
    wanted = context.students.interest_rank[table.student, industry_of_pair] > 0
    reachable = set(table.student[wanted].tolist())
    for i, student in enumerate(context.network.students):
        notice = interest_notice(context, student.student_id)
        assert (notice is None) == (i in reachable)
        if notice is None:
            continue
        assert notice.interests == [industry.value for industry in student.interests]
        nearest = notice.nearest
        assert nearest is not None
        assert Industry(nearest.industry) in student.interests
        # The company within the interests with the shortest trip, then the fewest rules failed.
        inside = np.flatnonzero(context.students.interest_rank[i, context.companies.industry] > 0)
        scores = score_pairs(context, np.full(inside.size, i), inside)
        best = int(np.lexsort((inside, scores.failures.sum(axis=1), scores.minutes))[0])
        assert nearest.travel_minutes == pytest.approx(scores.minutes.min())
        assert nearest.company_id == context.network.companies[int(inside[best])].company_id
        assert [o.rule for o in nearest.obstacles] == [
            REASON_CODES[r] for r in np.flatnonzero(scores.failures[best])
        ]
        assert nearest.company_id in notice.message_da and " nås: " in notice.message_da
        # Each obstacle is said once, with the pair's values (its rule's label alone would repeat it).
        assert all(notice.message_da.count(o.text_da) == 1 for o in nearest.obstacles)


def test_interests_out_of_reach_name_the_rule_and_its_values(builtin_network: Network) -> None:
    """S0001 in issue 13, made certain: every company in her interests has no slot."""
    student = builtin_network.students[0]
    companies = tuple(
        c.model_copy(update={"capacity": 0}) if c.industry in student.interests else c
        for c in builtin_network.companies
    )
    network = Network(builtin_network.students, companies)
    context = scoring_context(network, outcome_model=None)
    notice = interest_notice(context, student.student_id)
    assert notice is not None and notice.nearest is not None
    codes = [o.rule for o in notice.nearest.obstacles]
    assert "no_capacity" in codes
    [capacity] = [o for o in notice.nearest.obstacles if o.rule == "no_capacity"]
    assert capacity.company == {"capacity": 0}
    assert notice.message_da.startswith("Ingen af elevens interesser (") or notice.message_da.startswith(
        "Elevens interesse ("
    )
    assert "Virksomheden har ingen ledige praktikpladser (0 pladser)." in notice.message_da
    items = shortlist_companies(context, student.student_id, 5)
    assert items and all(Industry(item.industry) not in student.interests for item in items)


def test_a_network_without_the_interests_says_so(builtin_network: Network) -> None:
    wanted = set(builtin_network.students[0].interests)
    companies = tuple(c for c in builtin_network.companies if c.industry not in wanted)
    network = Network(builtin_network.students, companies)
    notice = interest_notice(scoring_context(network, outcome_model=None), network.students[0].student_id)
    assert notice is not None and notice.nearest is None
    assert "netværket har ingen virksomheder" in notice.message_da


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


def test_most_students_of_the_builtin_network_can_reach_a_company_within_their_interests(
    context: ScoringContext,
) -> None:
    """The pilot built its network from the students' wishes and placed 81 % in jobs from it."""
    table = eligible_pairs(context.network)
    wanted = context.students.interest_rank[table.student, context.companies.industry[table.company]] > 0
    reachable = np.unique(table.student[wanted]).size
    assert reachable >= 0.8 * len(context.network.students)
