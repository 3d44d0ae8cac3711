"""Danish reasons for every unplaced student, and "why not company X?"."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from features.errors import InputError
from optimizer import PlacementProblem, solve_placement, unplaced_reasons, why_not
from optimizer.explain import _best_first
from tests.optimizer.util import make_table

LABELS = {"travel": "For lang transporttid", "hours": "Timerne passer ikke"}


def cases():
    """S001 has no eligible company; S002 finds C001 full (S003 scores higher there) and C002 without
    mentor capacity left; S005 is forbidden at its only company; S006 would rather have C001, where
    it scores more than S003, but S003 has nowhere else to go."""
    table = make_table(
        6,
        4,
        student=[1, 1, 2, 3, 4, 5, 5],
        company=[0, 1, 0, 1, 2, 3, 0],
        score=[70.0, 60.0, 90.0, 80.0, 75.0, 95.0, 99.0],
        load=[0, 2, 0, 2, 0, 0, 0],
        capacity=[1, 2, 1, 1],
        mentor_capacity=[0, 3, 0, 0],
    )
    counts = np.zeros((6, 2), dtype=np.int64)
    counts[0] = [3, 1]
    table = type(table)(**{**table.__dict__, "ineligible_counts": counts})
    names = ["Bageriet", "Lageret", "Kantinen", "Gartneriet"]
    return PlacementProblem.build(table, forbids=[("S005", "C003")], company_names=names)


def test_every_unplaced_student_gets_the_reasons_that_apply() -> None:
    result = solve_placement(cases())
    assert result.plan() == {"S003": "C001", "S004": "C002", "S006": "C004"}
    reasons = unplaced_reasons(result, reason_labels=LABELS)
    assert set(reasons) == {"S001", "S002", "S005"}
    [no_company] = reasons["S001"]
    assert no_company.code == "no_eligible"
    assert no_company.text == (
        "Ingen virksomhed i netværket opfylder de faste krav for eleven "
        "(For lang transporttid: 3 virksomheder; Timerne passer ikke: 1 virksomhed)"
    )
    codes = {r.code: r.text for r in reasons["S002"]}
    assert set(codes) == {"companies_full", "mentor_full"}
    assert codes["companies_full"].startswith(
        "De virksomheder, der passer, er fuldt besat: Bageriet (C001) (pladserne er taget af S003)."
    )
    assert codes["mentor_full"] == (
        "Mentortimerne er brugt op hos Lageret (C002) (2 af 3 mentortimer om ugen er i brug, "
        "og eleven har brug for 2)"
    )
    [forbidden] = reasons["S005"]
    assert forbidden.code == "all_forbidden"
    assert forbidden.text.startswith("Kantinen (C003) er fravalgt af jobkonsulenten")


def test_labels_default_to_the_scorers_danish_labels() -> None:
    from matching.eligibility import REASON_LABELS

    result = solve_placement(cases())
    text = unplaced_reasons(result)["S001"][0].text
    assert f"{REASON_LABELS['travel']}: 3 virksomheder" in text


def test_why_not_answers_each_case() -> None:
    result = solve_placement(cases())
    assert why_not(result, "S003", "C001").code == "placed_there"
    assert why_not(result, "S001", "C001").code == "not_eligible"
    assert why_not(result, "S005", "C003").code == "forbidden"
    full = why_not(result, "S002", "C001")
    assert full.code == "company_full" and not full.blocking
    assert full.text.startswith(
        "Bageriet (C001) er fuldt besat af elever med mindst samme score: S003 (90.0)"
    )
    mentor = why_not(result, "S002", "C002")
    assert mentor.code == "mentor_full" and not mentor.blocking
    assert mentor.text.startswith(
        "Mentortimerne hos Lageret (C002) er brugt op: 2 af 3 mentortimer om ugen er i brug, "
        "og eleven har brug for 2"
    )
    blocked = why_not(result, "S006", "C001")  # 99 there against 95 at C004; C001 would rather have S006
    assert blocked.code == "blocking" and blocked.blocking
    assert "Bageriet (C001) skulle give slip på S003" in blocked.text
    assert blocked.placed_change == -1  # S003 has nowhere else to go
    assert blocked.text.endswith("Låses eleven til Bageriet (C001), bliver én elev færre placeret")
    with pytest.raises(InputError, match=r"Unknown company ID 'C01'\. Closest: C001"):
        why_not(result, "S002", "C01")


def test_reasons_when_the_time_limit_stopped_the_search() -> None:
    table = make_table(2, 1, [0, 1], [0, 0], [90.0, 80.0], [2, 2], [2], [2])
    from optimizer import SolveParams

    result = solve_placement(PlacementProblem.build(table), SolveParams(time_limit_seconds=0))
    assert result.status == "FEASIBLE"
    [reason] = unplaced_reasons(result)["S002"]
    assert reason.code == "mentor_full"


def test_a_company_with_too_few_mentor_hours_says_how_many_in_hours_per_week() -> None:
    table = make_table(1, 1, [0], [0], [80.0], [5], [1], [3])
    result = solve_placement(PlacementProblem.build(table, company_names=["Lageret"]))
    [reason] = unplaced_reasons(result)["S001"]
    assert (reason.code, reason.text) == (
        "mentor_too_small",
        "Virksomheden kan ikke give de mentortimer om ugen, eleven har brug for: "
        "Lageret (C001) (eleven har brug for 5, virksomheden kan give 3)",
    )
    answer = why_not(result, "S001", "C001")
    assert answer.text == "Lageret (C001) kan kun give 3 mentortimer om ugen, og eleven har brug for 5"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([10.0, 20.0, 20.0, 35.5, 80.0]), max_size=40),  # many ties
    st.integers(1, 5),
    st.randoms(use_true_random=False),
)
def test_best_first_names_the_same_companies_as_a_full_stable_sort(
    scores: list[float], k: int, rng: random.Random
) -> None:
    """The reasons name each list's ``k`` best-scoring pairs (ties in table order) and count the rest."""
    score = np.array(scores + [50.0] * 5)
    pair_index = np.array(sorted(rng.sample(range(score.size), len(scores))), dtype=np.int64)
    ordered = _best_first(pair_index, score, k)
    full_sort = pair_index[np.argsort(-score[pair_index], kind="stable")]
    np.testing.assert_array_equal(ordered[:k], full_sort[:k])
    assert sorted(ordered.tolist()) == pair_index.tolist()  # every pair once: counts stay right
