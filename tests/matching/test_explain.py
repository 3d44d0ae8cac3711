"""Explanations: exact components, short Danish reasons, and the arrangements a shortfall needs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from features.errors import InputError
from features.network import Network
from matching.config import COMPONENTS
from matching.eligibility import REASON_LABELS
from matching.explain import explain_pair, explain_pairs
from matching.pairs import eligible_pairs, scoring_context
from tests.matching.profiles import company, network, student


def explain(net: Network, **context_options: object):
    return explain_pair(scoring_context(net, outcome_model=None, **context_options), "S1", "C1")


def test_every_eligible_pair_has_an_exact_breakdown_and_short_reasons(builtin_network: Network) -> None:
    table = eligible_pairs(builtin_network)
    context = scoring_context(builtin_network)
    for item in explain_pairs(context, table.student[::7], table.company[::7]):
        assert item.eligible and not item.ineligible_reasons
        assert list(item.components) == list(COMPONENTS)
        assert math.isclose(math.fsum(item.components.values()), item.score, rel_tol=1e-12, abs_tol=1e-9)
        assert 1 <= len(item.reasons_for) <= 4 and 1 <= len(item.reasons_against) <= 4
        assert len(item.reasons_for) + len(item.reasons_against) >= 2
        for sentence in (*item.reasons_for, *item.reasons_against, *item.arrangements):
            assert sentence[0].isupper() and sentence.endswith(".") and len(sentence) < 200
        assert item.outcome_probability is not None and 0 < item.outcome_probability < 1


def test_a_pair_that_fits_has_no_arrangements_and_says_why() -> None:
    item = explain(network())
    assert item.eligible
    assert item.arrangements == []
    assert "Lager og logistik er elevens førstevalg." in item.reasons_for
    assert item.reasons_against == ["Ingen væsentlige forbehold."]


def test_small_shortfalls_stay_eligible_and_become_arrangements() -> None:
    item = explain(
        network(
            student(needs_routine="yes", needs_mentor="yes", stress_reactions="sensory_sensitivity:most"),
            companies=(
                company(
                    complexity_min=4,
                    complexity_max=5,
                    max_hours_per_week=12,
                    task_variety="varied",
                    noise="high",
                    demand_pace=5,
                    mentor_trained="no",
                    mentor_capacity=6,
                ),
            ),
        )
    )
    assert item.eligible
    expected = [
        "Aftal enklere opgaver: eleven kan klare opgaver af middel sværhedsgrad, men virksomhedens enkleste er komplekse opgaver.",
        "Aftal tilpasset arbejdstid: eleven kan 15–25 timer om ugen, virksomheden har 10–12.",
        "Planlæg oplæring og støtte i arbejdstempo, hvor kravene ligger over elevens forudsætninger.",
        "Aftal faste, afgrænsede opgaver og en fast dagsplan.",
        "Aftal en rolig arbejdsplads eller høreværn.",
        "Aftal en fast mentor: eleven har brug for 5 mentortimer om ugen, og virksomheden kan give "
        "6 timer om ugen i alt.",
        "Tilbyd mentoren et kursus om målgruppen (fx om autisme eller angst); med kurset har eleven brug "
        "for 1 mentortime mindre om ugen.",
    ]
    assert item.arrangements == expected
    assert "Der er meget støj, og eleven har sansefølsomhed (lyd, lys)." in item.reasons_against


def test_an_ineligible_pair_lists_every_failed_rule_in_danish() -> None:
    item = explain(
        network(
            student(needs_wheelchair_access="yes", needs_shielded_workstation="yes"),
            companies=(
                company(
                    wheelchair_accessible="no", shielded_workstation="no", complexity_min=5, complexity_max=5
                ),
            ),
        )
    )
    assert not item.eligible
    assert item.ineligible_reasons == ["wheelchair_access", "complexity", "shielded_workstation"]
    assert item.ineligible_reasons_da == [REASON_LABELS[code] for code in item.ineligible_reasons]


def test_unknown_ids_name_the_closest(builtin_network: Network) -> None:
    context = scoring_context(builtin_network, outcome_model=None)
    with pytest.raises(InputError, match=r"Unknown student ID 'S3'\. Closest: S0003"):
        explain_pair(context, "S3", "C0001")
    with pytest.raises(InputError, match=r"Unknown company ID 'C00001'\. Closest: C0001"):
        explain_pair(context, "S0001", "C00001")


def test_json_item_has_the_cli_fields(builtin_network: Network) -> None:
    context = scoring_context(builtin_network)
    table = eligible_pairs(builtin_network)
    item = explain_pairs(context, table.student[:1], table.company[:1])[0].as_json()
    assert {"company_id", "score", "components", "reasons", "arrangements", "travel_minutes"} <= set(item)
    assert set(item["reasons"]) == {"for", "against"}
    assert np.isclose(sum(item["components"].values()), item["score"])
