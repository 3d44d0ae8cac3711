"""Properties of the score that must hold for any network and any weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from features.network import Network
from matching.config import COMPONENTS, ScoringConfig
from matching.context import fit_outcome_model
from matching.eligibility import RULES, PairMeasures, rule_failures
from matching.outcome_model import OutcomeModel
from matching.pairs import eligible_pairs, score_pairs, scoring_context
from matching.travel_matrix import load_travel_matrix
from tests.matching.strategies import networks

weights = st.fixed_dictionaries({name: st.floats(0, 50) for name in COMPONENTS}).filter(
    lambda w: sum(w[name] for name in COMPONENTS[:-1]) > 0
)
tolerances = st.builds(
    ScoringConfig,
    hours_tolerance=st.integers(0, 10),
    complexity_tolerance=st.integers(0, 3),
    overload_limit=st.integers(0, 4),
)


@pytest.fixture(scope="module")
def model(builtin_network: Network) -> OutcomeModel:
    fitted = fit_outcome_model(builtin_network)
    assert fitted is not None
    return fitted


def every_pair(network: Network) -> tuple[np.ndarray, np.ndarray]:
    n, m = len(network.students), len(network.companies)
    return np.repeat(np.arange(n), m), np.tile(np.arange(m), n)


def with_more_travel(network: Network, s: np.ndarray, c: np.ndarray, minutes: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "student_id": [network.students[i].student_id for i in s],
            "company_id": [network.companies[j].company_id for j in c],
            "minutes": minutes.astype(str),
        }
    )


def assert_more_travel_never_raises(
    network: Network, config: ScoringConfig, model: OutcomeModel | None
) -> None:
    s, c = every_pair(network)
    base = score_pairs(scoring_context(network, config, outcome_model=model), s, c)
    for factor, extra in ((1.0, 0.5), (1.3, 0.0), (2.0, 10.0)):
        longer = base.minutes * factor + extra
        matrix = load_travel_matrix(with_more_travel(network, s, c, longer), network)
        after = score_pairs(scoring_context(network, config, travel_matrix=matrix, outcome_model=model), s, c)
        assert (after.score <= base.score + 1e-9).all()
        assert not (after.eligible & ~base.eligible).any()


def test_more_travel_never_raises_a_score_on_the_builtin_network(
    builtin_network: Network, model: OutcomeModel
) -> None:
    part = Network(students=builtin_network.students[:30], companies=builtin_network.companies)
    assert_more_travel_never_raises(part, ScoringConfig(), model)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(network=networks(), weight=weights, use_model=st.booleans())
def test_more_travel_never_raises_a_score(
    network: Network, weight: dict[str, float], use_model: bool, model: OutcomeModel
) -> None:
    assert_more_travel_never_raises(network, ScoringConfig(**weight), model if use_model else None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(network=networks(), weight=weights, use_model=st.booleans())
def test_components_sum_to_the_score_and_stay_within_their_weight(
    network: Network, weight: dict[str, float], use_model: bool, model: OutcomeModel
) -> None:
    config = ScoringConfig(**weight)
    table = eligible_pairs(network, config, outcome_model=model if use_model else None)
    scores = score_pairs(
        scoring_context(network, config, outcome_model=model if use_model else None), *every_pair(network)
    )
    assert_allclose(scores.points.sum(axis=1), scores.score, rtol=1e-12, atol=1e-9)
    most = np.array(config.points_per_component(use_model))
    assert ((scores.points >= 0) & (scores.points <= most + 1e-9)).all()
    assert ((table.score >= 0) & (table.score <= 100)).all()
    assert_allclose(scores.score[scores.eligible], table.score, rtol=1e-12, atol=1e-12)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(network=networks())
def test_ineligible_pairs_never_appear_and_counts_add_up(network: Network) -> None:
    table = eligible_pairs(network, outcome_model=None)
    scores = score_pairs(scoring_context(network, outcome_model=None), *every_pair(network))
    listed = set(zip(table.student.tolist(), table.company.tolist(), strict=True))
    for k in range(scores.s.shape[0]):
        assert ((int(scores.s[k]), int(scores.c[k])) in listed) == (not scores.failures[k].any())
    per_student = np.bincount(table.student, minlength=table.n_students)
    assert (table.ineligible_counts.sum(axis=1) + per_student == table.n_companies).all()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(network=networks(max_students=5, max_companies=7), config=tolerances)
def test_every_rule_reads_the_same_on_a_grid_as_on_aligned_pairs(
    network: Network, config: ScoringConfig
) -> None:
    """The block scorer reads ``RULES`` on a grid (students x companies), ``score_pairs`` on aligned pairs."""
    context = scoring_context(network, config, outcome_model=None)
    s, c = every_pair(network)
    n, m = len(network.students), len(network.companies)
    grid = PairMeasures.of(
        context.rule_students.at(np.arange(n)[:, None]), context.rule_companies.at(np.arange(m)[None, :])
    )
    aligned = PairMeasures.of(context.rule_students.at(s), context.rule_companies.at(c))
    for measure in ("hours_shortfall", "complexity_gap", "support_load", "overload_total", "overload_worst"):
        assert_array_equal(getattr(grid, measure).ravel(), getattr(aligned, measure), err_msg=measure)
    failures = rule_failures(aligned, config)
    for k, rule in enumerate(RULES):
        on_grid = np.broadcast_to(rule.fails(grid, config), (n, m)).ravel()
        assert_array_equal(on_grid, failures[:, k], err_msg=rule.code)
