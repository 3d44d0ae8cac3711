"""The vectorised scorer against a plain one-pair reference implementation of docs/scoring.md.

The reference below works on the pydantic profiles, one pair at a time, with
its own tables; it shares no code with matching/ except the model it is given.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from numpy.testing import assert_allclose, assert_array_equal

from features.network import Network
from features.profiles import Company, Student
from features.travel import TRANSPORT_ORDER, estimate_minutes
from features.vocabulary import (
    IMPAIRMENT_GROUPS,
    ImpairmentGroup,
    StressReaction,
    TaskVariety,
    Weekday,
    WorkDemand,
)
from matching.config import COMPONENTS, ScoringConfig
from matching.context import fit_outcome_model
from matching.eligibility import REASON_CODES
from matching.outcome_model import FEATURE_NAMES, OutcomeModel, pair_features
from matching.pairs import eligible_pairs, score_pairs, scoring_context
from tests.matching.strategies import networks

ENVIRONMENT = (
    ("sensory_sensitivity", "noise"),
    ("concentration_difficulties", "noise"),
    ("stress_sensitivity", "pace"),
    ("low_stamina", "physical_demands"),
    ("social_limitations", "customer_contact"),
    ("communication_difficulties", "customer_contact"),
    ("change_difficulties", "change"),
)
WORKDAYS = {Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI}


def support_level(student: Student) -> int:
    levels = [lvl.rank for lvl in (*student.impairments.values(), *student.stress_reactions.values())]
    return max(levels, default=0)


def has_group(student: Student, group: ImpairmentGroup) -> bool:
    return any(IMPAIRMENT_GROUPS[item] == group for item in student.impairments)


def aspect_level(company: Company, aspect: str) -> int:
    if aspect == "change":
        return {TaskVariety.ROUTINE: 0, TaskVariety.VARIED: 2, TaskVariety.BOTH: 1}[company.task_variety]
    return getattr(company, aspect).rank


def reference_minutes(student: Student, company: Company) -> float:
    code = TRANSPORT_ORDER.index(student.transport_mode)
    return float(estimate_minutes(student.home_lat, student.home_lon, code, company.lat, company.lon))


def reference_load(student: Student, company: Company) -> int:
    """Mentor hours per week: 1 (none, little), 3 (some), 5 (most); a trained mentor saves one of 3 or 5."""
    if not student.needs_mentor:
        return 0
    hours = {0: 1, 1: 1, 2: 3, 3: 5}[support_level(student)]
    group = has_group(student, ImpairmentGroup.PSYCHOLOGICAL) or has_group(student, ImpairmentGroup.COGNITIVE)
    return hours - (company.mentor_trained and group and hours >= 3)


def overloads(student: Student, company: Company) -> list[int]:
    return [max(company.demands[d] - student.abilities[d], 0) for d in WorkDemand]


def shortfall(student: Student, company: Company) -> int:
    return max(
        student.min_hours_per_week - company.max_hours_per_week,
        company.min_hours_per_week - student.max_hours_per_week,
        0,
    )


def reference_failures(
    student: Student, company: Company, minutes: float, config: ScoringConfig
) -> list[str]:
    failed = []
    if minutes > student.max_travel_minutes:
        failed.append("travel")
    if company.capacity < 1:
        failed.append("no_capacity")
    if student.single_industry_only and company.industry != student.interests[0]:
        failed.append("industry_preference")
    if student.needs_wheelchair_access and not company.wheelchair_accessible:
        failed.append("wheelchair_access")
    if student.daytime_only and not (company.daytime_possible and WORKDAYS & set(company.weekdays)):
        failed.append("daytime")
    if shortfall(student, company) > config.hours_tolerance:
        failed.append("hours")
    if company.complexity_min - student.max_task_complexity > config.complexity_tolerance:
        failed.append("complexity")
    if student.needs_shielded_workstation and not company.shielded_workstation:
        failed.append("shielded_workstation")
    if student.needs_mentor and reference_load(student, company) > company.mentor_capacity:
        failed.append("mentor")
    if max(overloads(student, company)) > config.overload_limit:
        failed.append("work_demands")
    return failed


def interest_rank(student: Student, company: Company) -> int:
    return student.interests.index(company.industry) + 1 if company.industry in student.interests else 0


def reference_fits(
    student: Student, company: Company, minutes: float, probability: float | None, config: ScoringConfig
) -> dict[str, float]:
    rank = interest_rank(student, company)
    gap = company.complexity_min - student.max_task_complexity
    under = student.max_task_complexity - company.complexity_max
    if gap >= 1:
        complexity = max(0.0, 0.4 - 0.25 * (gap - 1))
    else:
        complexity = 1.0 - 0.15 * (under - 1) if under >= 2 else 1.0
    structure_items = []
    if student.needs_routine:
        structure_items.append({"routine": 1.0, "varied": 0.2, "both": 0.7}[company.task_variety.value])
    wants_own = student.needs_shielded_workstation or any(
        reaction in student.stress_reactions
        for reaction in (StressReaction.SOCIAL_LIMITATIONS, StressReaction.SENSORY_SENSITIVITY)
    )
    if wants_own:
        structure_items.append(1.0 if company.shielded_workstation else (0.3 if company.team_work else 0.6))
    units = count = 0
    for reaction, aspect in ENVIRONMENT:
        if StressReaction(reaction) in student.stress_reactions:
            count += 1
            units += aspect_level(company, aspect) * (
                student.stress_reactions[StressReaction(reaction)].rank + 1
            )
    level = support_level(student)
    psych = has_group(student, ImpairmentGroup.PSYCHOLOGICAL)
    mentor = 1.0 if company.mentor_trained else (0.3 if psych else 0.6)
    management = 1.0 if company.flexible_management else (0.3 if level >= 2 else 0.7)
    ratio = minutes / student.max_travel_minutes
    return {
        "interest": {0: 0.0, 1: 1.0, 2: 0.7, 3: 0.5}.get(rank, 0.4),
        "complexity": complexity,
        "hours": max(0.0, 1.0 - 0.15 * shortfall(student, company)),
        "structure": sum(structure_items) / len(structure_items) if structure_items else 1.0,
        "environment": 1.0 - units / (8 * count) if count else 1.0,
        "work_demands": max(0.0, 1.0 - sum(overloads(student, company)) / config.overload_scale),
        "support": (mentor + management) / 2 if student.needs_mentor else management,
        "travel": min(1.0, max(0.0, (1 - ratio) / (1 - config.comfortable_travel_share))),
        "outcome": 0.0 if probability is None else probability,
    }


def reference_features(student: Student, company: Company, minutes: float) -> list[float]:
    rank = interest_rank(student, company)
    gap = company.complexity_min - student.max_task_complexity
    under = student.max_task_complexity - company.complexity_max
    over = overloads(student, company)
    ratio = minutes / student.max_travel_minutes
    variety = company.task_variety
    level = support_level(student)
    need = {
        "psychological": has_group(student, ImpairmentGroup.PSYCHOLOGICAL),
        "cognitive": has_group(student, ImpairmentGroup.COGNITIVE),
        "physical": has_group(student, ImpairmentGroup.PHYSICAL),
        "high_support": level >= 2,
        "needs_mentor": student.needs_mentor,
    }
    support = {"mentor_trained": company.mentor_trained, "flexible_management": company.flexible_management}
    values: dict[str, float] = {
        "interest_first": rank == 1,
        "interest_second": rank == 2,
        "interest_later": rank >= 3,
        "complexity_gap": max(gap, 0),
        "complexity_room": max(under, 0),
        "hours_shortfall": shortfall(student, company),
        "overload_total": sum(over),
        "overload_max": max(over),
        "travel_ratio": ratio,
        "travel_over_half": max(ratio - 0.5, 0.0),
        "travel_over_three_quarters": max(ratio - 0.75, 0.0),
        "routine_need_met": student.needs_routine and variety == TaskVariety.ROUTINE,
        "routine_need_unmet": student.needs_routine and variety == TaskVariety.VARIED,
        "shielded_need_met": student.needs_shielded_workstation and company.shielded_workstation,
        "shielded_need_unmet": student.needs_shielded_workstation and not company.shielded_workstation,
        "support_level": level,
        "shielded_workstation": company.shielded_workstation,
        "team_work": company.team_work,
        **need,
        **support,
    }
    for reaction, aspect in ENVIRONMENT:
        values[f"high_{aspect}_{reaction}"] = (
            StressReaction(reaction) in student.stress_reactions and aspect_level(company, aspect) == 2
        )
    for support_name, offered in support.items():
        for need_name, has in need.items():
            values[f"{support_name}_x_{need_name}"] = offered and has
    return [float(values[name]) for name in FEATURE_NAMES]


def reference_pair(
    student: Student, company: Company, config: ScoringConfig, probability: float | None
) -> tuple[list[str], dict[str, float], float, int]:
    """(failed rules, component points, minutes, support load) of one pair."""
    minutes = reference_minutes(student, company)
    fits = reference_fits(student, company, minutes, probability, config)
    weights = {name: getattr(config, name) for name in COMPONENTS}
    if probability is None:
        weights["outcome"] = 0.0
    total = sum(weights.values())
    points = {name: 100.0 * weights[name] / total * fits[name] for name in COMPONENTS}
    return (
        reference_failures(student, company, minutes, config),
        points,
        minutes,
        reference_load(student, company),
    )


def reference_probabilities(
    network: Network, pairs: list[tuple[int, int]], model: OutcomeModel | None
) -> list:
    """The model's probability of each pair from the reference features (one batch: the model is slow per row)."""
    if model is None:
        return [None] * len(pairs)
    rows = []
    for i, j in pairs:
        student, company = network.students[i], network.companies[j]
        rows.append(reference_features(student, company, reference_minutes(student, company)))
    return list(model.predict_proba(np.array(rows))[:, 1])


def check_against_reference(network: Network, config: ScoringConfig, model: OutcomeModel | None) -> int:
    """Compare every pair of ``network`` with the reference; return the number of eligible pairs."""
    context = scoring_context(network, config, outcome_model=model)
    n, m = len(network.students), len(network.companies)
    s, c = np.repeat(np.arange(n), m), np.tile(np.arange(m), n)
    scores = score_pairs(context, s, c)
    table = eligible_pairs(network, config, outcome_model=model)
    expected_eligible = []
    probabilities = reference_probabilities(network, list(zip(s, c, strict=True)), model)
    for k, (i, j) in enumerate(zip(s, c, strict=True)):
        student, company = network.students[i], network.companies[j]
        failed, points, minutes, load = reference_pair(student, company, config, probabilities[k])
        assert [REASON_CODES[r] for r in np.flatnonzero(scores.failures[k])] == failed
        assert_allclose(scores.minutes[k], minutes, rtol=1e-9, atol=1e-9)
        assert_allclose(scores.points[k], [points[name] for name in COMPONENTS], rtol=1e-9, atol=1e-9)
        assert_allclose(scores.score[k], sum(points.values()), rtol=1e-9, atol=1e-9)
        assert scores.support_load[k] == load
        if not failed:
            expected_eligible.append((i, j, sum(points.values()), minutes, load))
    assert table.n_pairs == len(expected_eligible)
    if expected_eligible:
        i, j, score, minutes, load = (np.array(column) for column in zip(*expected_eligible, strict=True))
        assert_array_equal(table.student, i)
        assert_array_equal(table.company, j)
        assert_allclose(table.score, score, rtol=1e-9, atol=1e-9)
        assert_allclose(table.travel_minutes, minutes, rtol=1e-9, atol=1e-9)
        assert_array_equal(table.support_load, load)
    return len(expected_eligible)


@pytest.fixture(scope="module")
def builtin_model(builtin_network: Network) -> OutcomeModel:
    model = fit_outcome_model(builtin_network)
    assert model is not None
    return model


def test_builtin_network_matches_reference(builtin_network: Network, builtin_model: OutcomeModel) -> None:
    part = Network(students=builtin_network.students[:20], companies=builtin_network.companies)
    assert check_against_reference(part, ScoringConfig(), builtin_model) > 0


def test_reference_features_match_pair_features(builtin_network: Network) -> None:
    context = scoring_context(builtin_network, outcome_model=None)
    s, c = np.repeat(np.arange(5), 220), np.tile(np.arange(220), 5)
    minutes = score_pairs(context, s, c).minutes
    expected = [
        reference_features(builtin_network.students[i], builtin_network.companies[j], minutes[k])
        for k, (i, j) in enumerate(zip(s, c, strict=True))
    ]
    assert_allclose(pair_features(context.students, context.companies, s, c, minutes), expected)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(network=networks())
def test_random_networks_match_reference_rule_only(network: Network) -> None:
    check_against_reference(network, ScoringConfig(), None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(network=networks())
def test_random_networks_match_reference_with_model(network: Network, builtin_model: OutcomeModel) -> None:
    check_against_reference(network, ScoringConfig(hours_tolerance=8, complexity_tolerance=2), builtin_model)
