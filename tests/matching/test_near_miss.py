"""Near misses: each fails exactly one hard rule, and the arrangement named makes the pair eligible with
the score stated, checked on a network rebuilt with the change made to the profiles."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from features.errors import InputError
from features.loading import network_from_tables
from features.network import Network
from features.synthetic import generate
from matching.context import ScoringContext, scoring_context
from matching.eligibility import REASON_CODES
from matching.near_miss import (
    ARRANGED_TRANSPORT,
    LIFT_LABELS,
    LIFT_OPTIONS,
    NearMiss,
    near_misses,
    near_misses_of,
    rule_values,
)
from matching.pairs import score_pairs
from placement_service import near_misses_for_student
from tests.matching import profiles


@pytest.fixture(scope="module")
def context(builtin_network: Network) -> ScoringContext:
    return scoring_context(builtin_network)


@pytest.fixture(scope="module")
def every_near_miss(context: ScoringContext) -> list[NearMiss]:
    return near_misses(context, np.arange(context.students.n))


def with_changes(network: Network, miss: NearMiss) -> Network:
    """The network with the near miss's arrangement made, the changed profiles validated again."""
    i, j = network.student_position[miss.student_id], network.company_position[miss.company_id]
    students, companies = list(network.students), list(network.companies)
    students[i] = _validated(students[i], miss.student_changes)
    companies[j] = _validated(companies[j], miss.company_changes)
    return Network(tuple(students), tuple(companies), network.history, network.alumni, network.source)


def _validated(profile: Any, changes: dict[str, Any]) -> Any:
    return type(profile).model_validate({**profile.model_dump(exclude_none=True), **changes})


def check_lifted(context: ScoringContext, miss: NearMiss) -> None:
    """The pair fails exactly the named rule today, and with the change made it is eligible with the stated score.

    ``context`` has no travel matrix: the network is rebuilt from its profiles alone.
    """
    network = context.network
    i, j = network.student_position[miss.student_id], network.company_position[miss.company_id]
    today = score_pairs(context, np.array([i]), np.array([j]))
    assert [REASON_CODES[r] for r in np.flatnonzero(today.failures[0])] == [miss.rule]
    changed = scoring_context(with_changes(network, miss), context.config, outcome_model=context.model)
    lifted = score_pairs(changed, np.array([i]), np.array([j]))
    assert lifted.eligible[0], (miss.rule, miss.lift, lifted.failures[0])
    assert lifted.score[0] == pytest.approx(miss.score, rel=1e-9, abs=1e-9)
    assert lifted.minutes[0] == pytest.approx(miss.travel_minutes, rel=1e-9)
    assert int(lifted.support_load[0]) == miss.support_load


def test_every_rule_has_an_arrangement_and_both_sides_named() -> None:
    """A new hard rule needs its arrangement here, or it never shows as a near miss."""
    assert set(LIFT_OPTIONS) == set(REASON_CODES)
    assert all(mode not in arranged for mode, arranged in ARRANGED_TRANSPORT.items())


def test_every_kind_of_arrangement_lifts_its_rule_with_the_stated_score(
    context: ScoringContext, every_near_miss: list[NearMiss]
) -> None:
    first_of_each: dict[str, NearMiss] = {}
    for miss in every_near_miss:
        first_of_each.setdefault(miss.lift, miss)
    # The built-in network has no company without slots; every other arrangement occurs, but for
    # adjusted hours: its one pair that misses only on hours also misses the mentor hours while the
    # network's mentor capacities are in the old units (docs/data-format.md). A hand-made pair below.
    assert set(first_of_each) >= set(LIFT_LABELS) - {"open_slot", "adjusted_hours"}
    for miss in first_of_each.values():
        check_lifted(context, miss)


def test_adjusted_hours_lift_the_hours_rule() -> None:
    hours = profiles.company(min_hours_per_week=30, max_hours_per_week=40)  # the student can 15-25
    net = profiles.network(profiles.student(), companies=(hours,))
    context = scoring_context(net, outcome_model=None)
    [miss] = near_misses_of(context, "S1")
    assert (miss.rule, miss.lift) == ("hours", "adjusted_hours")
    check_lifted(context, miss)
    assert set(miss.student) == set(miss.company) == {"min_hours_per_week", "max_hours_per_week"}
    assert "timer om ugen" in miss.values_da and "Aftal tilpasset arbejdstid" in miss.lift_da


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_near_miss_fails_one_rule_and_the_arrangement_lifts_it(
    context: ScoringContext, every_near_miss: list[NearMiss], data: st.DataObject
) -> None:
    check_lifted(context, data.draw(st.sampled_from(every_near_miss)))


def test_near_misses_are_the_pairs_failing_one_rule_that_an_arrangement_can_lift(
    context: ScoringContext, every_near_miss: list[NearMiss]
) -> None:
    """Every pair failing exactly one rule is a near miss, except a trip no arranged transport brings in reach."""
    found = {(m.student_id, m.company_id): m for m in every_near_miss}
    n, m = context.students.n, context.companies.n
    for i in range(0, n, 7):
        scores = score_pairs(context, np.full(m, i), np.arange(m))
        single = np.flatnonzero(scores.failures.sum(axis=1) == 1)
        student = context.network.students[i]
        listed = {c for (s, c) in found if s == student.student_id}
        assert listed <= {context.network.companies[j].company_id for j in single}
        for j in single.tolist():
            rule = REASON_CODES[int(scores.failures[j].argmax())]
            company_id = context.network.companies[j].company_id
            if rule != "travel":
                assert company_id in listed, (student.student_id, company_id, rule)


def test_arranged_transport_is_faster_than_the_students_own_and_within_the_maximum(
    context: ScoringContext, every_near_miss: list[NearMiss]
) -> None:
    travel = [m for m in every_near_miss if m.rule == "travel"]
    assert travel
    for miss in travel:
        student = context.network.student(miss.student_id)
        assert miss.lift in {mode.value for mode in ARRANGED_TRANSPORT[student.transport_mode]}
        assert miss.student_changes == {"transport_mode": miss.lift} and miss.company_changes == {}
        assert miss.student["max_travel_minutes"] == student.max_travel_minutes
        assert miss.company["travel_minutes"] > student.max_travel_minutes >= miss.travel_minutes


def test_both_sides_and_the_arrangement_are_stated_in_danish(every_near_miss: list[NearMiss]) -> None:
    for miss in every_near_miss:
        assert miss.rule_da and miss.values_da and miss.lift_da
        assert miss.student or miss.company
        for text in (miss.values_da, miss.lift_da):
            assert not re.search(r"\d\.\d", text), text  # decimal comma, never a decimal point
    complexity = next(m for m in every_near_miss if m.rule == "complexity")
    assert complexity.student["max_task_complexity"] < complexity.company["complexity_min"]
    assert complexity.company_changes == {"complexity_min": complexity.student["max_task_complexity"]}


def test_within_the_interests_first_then_the_best_score(
    context: ScoringContext, every_near_miss: list[NearMiss]
) -> None:
    for student in context.network.students[:40]:
        mine = near_misses_of(context, student.student_id)
        together = {m.company_id: m for m in every_near_miss if m.student_id == student.student_id}
        assert {m.company_id for m in mine} == set(together)
        for miss in mine:  # one student or many at once: the same, to float rounding
            assert miss.score == pytest.approx(together[miss.company_id].score, rel=1e-12)
        keys = [(m.interest_rank is None, -m.score) for m in mine]
        assert keys == sorted(keys)
        for miss in mine:
            industry = context.network.company(miss.company_id).industry
            expected = student.interests.index(industry) + 1 if industry in student.interests else None
            assert miss.interest_rank == expected


def test_a_company_without_slots_is_lifted_by_opening_one(builtin_network: Network) -> None:
    companies = list(builtin_network.companies)
    context = scoring_context(builtin_network)
    table = score_pairs(context, np.zeros(len(companies), dtype=np.int64), np.arange(len(companies)))
    j = int(np.flatnonzero(table.eligible)[0])
    companies[j] = companies[j].model_copy(update={"capacity": 0})
    network = Network(
        builtin_network.students, tuple(companies), builtin_network.history, builtin_network.alumni
    )
    closed = scoring_context(network, context.config, outcome_model=context.model)
    [miss] = [
        m
        for m in near_misses_of(closed, network.students[0].student_id)
        if m.company_id == companies[j].company_id
    ]
    assert (miss.rule, miss.lift, miss.company_changes) == ("no_capacity", "open_slot", {"capacity": 1})
    assert miss.score == pytest.approx(float(table.score[j]), rel=1e-12)
    check_lifted(closed, miss)


def test_a_travel_matrix_keeps_its_minutes_unless_the_transport_changes(builtin_network: Network) -> None:
    base = scoring_context(builtin_network)
    misses = near_misses(base, np.arange(40))
    other = next(m for m in misses if m.rule != "travel")
    travel = next(m for m in misses if m.rule == "travel")
    matrix = pd.DataFrame(
        {
            "student_id": [other.student_id, travel.student_id],
            "company_id": [other.company_id, travel.company_id],
            "minutes": [1.5, 1.5],
        }
    )
    context = scoring_context(builtin_network, travel_matrix=matrix)
    found = {(m.student_id, m.company_id): m for m in near_misses(context, np.arange(40))}
    assert found[(other.student_id, other.company_id)].travel_minutes == 1.5
    # By the matrix the trip is short: travel no longer stops the pair.
    assert (travel.student_id, travel.company_id) not in found or found[
        (travel.student_id, travel.company_id)
    ].rule != "travel"


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 10_000))
def test_on_random_networks_every_near_miss_is_lifted_as_stated(seed: int) -> None:
    network = network_from_tables(generate(40, 30, seed=seed, n_alumni=0).tables)
    context = scoring_context(network, outcome_model=None)
    misses = near_misses(context, np.arange(len(network.students)))
    for miss in misses[:: max(1, len(misses) // 15)]:
        check_lifted(context, miss)


def test_rule_values_name_both_sides_for_any_rule(context: ScoringContext) -> None:
    values = rule_values(context, "travel", 0, 0, 99.6, 0)
    assert values.student["max_travel_minutes"] == context.network.students[0].max_travel_minutes
    assert values.company == {"travel_minutes": 99.6} and "ca. 100 min." in values.text_da
    assert "ca. 76 min." in rule_values(context, "travel", 0, 0, 75.04, 0).text_da


def test_the_service_checks_its_input(context: ScoringContext) -> None:
    assert near_misses_for_student(context, "S0001", top=2) == near_misses_of(context, "S0001")[:2]
    with pytest.raises(InputError, match=r"Unknown student ID 'S1'\. Closest: S0001"):
        near_misses_for_student(context, "S1")
    with pytest.raises(InputError, match=r"The 'top' parameter of near misses must be an int"):
        near_misses_for_student(context, "S0001", top=-1)
