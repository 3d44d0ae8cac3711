"""eligible_pairs: the pair table contract the optimizer and gap analysis build on."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from features.errors import InputError
from features.network import Network
from matching.config import COMPONENTS
from matching.eligibility import REASON_CODES
from matching.pair_table import PairTable
from matching.pairs import (
    THREADS_VARIABLE,
    eligible_pairs,
    pair_table,
    score_pairs,
    scoring_context,
    scoring_threads,
)
from tests.matching.strategies import networks


@pytest.fixture(scope="module")
def table(builtin_network: Network) -> PairTable:
    return eligible_pairs(builtin_network)


def all_pairs(network: Network) -> tuple[np.ndarray, np.ndarray]:
    n, m = len(network.students), len(network.companies)
    return np.repeat(np.arange(n), m), np.tile(np.arange(m), n)


def test_pair_table_shapes_and_types(table: PairTable, builtin_network: Network) -> None:
    assert table.n_students == len(builtin_network.students)
    assert table.n_companies == len(builtin_network.companies)
    assert table.student.dtype == np.int32 and table.company.dtype == np.int32
    assert table.score.dtype == np.float64 and table.travel_minutes.dtype == np.float64
    assert table.support_load.dtype == np.int8 and (table.support_load >= 0).all()
    assert ((table.score >= 0) & (table.score <= 100)).all()
    assert table.reason_codes == REASON_CODES
    assert table.ineligible_counts.shape == (table.n_students, len(REASON_CODES))
    assert table.n_pairs > 0


def test_counts_and_eligible_pairs_cover_every_company(table: PairTable) -> None:
    eligible_per_student = np.bincount(table.student, minlength=table.n_students)
    assert_array_equal(table.ineligible_counts.sum(axis=1) + eligible_per_student, table.n_companies)


def test_blocked_search_equals_dense_check_of_every_pair(table: PairTable, builtin_network: Network) -> None:
    s, c = all_pairs(builtin_network)
    dense = score_pairs(scoring_context(builtin_network), s, c)
    eligible = dense.eligible
    assert_array_equal(s[eligible], table.student)
    assert_array_equal(c[eligible], table.company)
    assert_allclose(dense.score[eligible], table.score, rtol=1e-12, atol=1e-12)
    assert_allclose(dense.minutes[eligible], table.travel_minutes, rtol=1e-12)
    counts = np.zeros_like(table.ineligible_counts)
    np.add.at(counts, (s[~eligible], dense.reason[~eligible]), 1)
    assert_array_equal(counts, table.ineligible_counts)


def test_ineligible_pairs_never_appear(table: PairTable, builtin_network: Network) -> None:
    scores = score_pairs(scoring_context(builtin_network), table.student, table.company)
    assert not scores.failures.any()
    assert (
        table.travel_minutes
        <= np.array([s.max_travel_minutes for s in builtin_network.students])[table.student]
    ).all()


def test_components_sum_to_the_score(table: PairTable, builtin_network: Network) -> None:
    scores = score_pairs(scoring_context(builtin_network), table.student, table.company)
    assert scores.points.shape == (table.n_pairs, len(COMPONENTS))
    assert_allclose(scores.points.sum(axis=1), table.score, rtol=1e-12, atol=1e-9)
    assert_allclose(scores.score, table.score, rtol=1e-12, atol=1e-12)


def assert_same_table(got: PairTable, expected: PairTable) -> None:
    for column in ("student", "company", "score", "travel_minutes", "support_load", "ineligible_counts"):
        assert_array_equal(getattr(got, column), getattr(expected, column), err_msg=column)


@pytest.mark.parametrize("threads", [2, 3])
def test_threads_build_the_same_table_to_the_last_bit(builtin_network: Network, threads: int) -> None:
    """Blocks scored in parallel (many small blocks, so that they finish out of order) give the same table."""
    context = scoring_context(builtin_network)
    alone = pair_table(context, block_size=5, threads=1)
    assert_same_table(pair_table(context, block_size=5, threads=threads), alone)
    assert_same_table(alone, pair_table(context, threads=1))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(network=networks(max_students=9, max_companies=8), block_size=st.sampled_from([1, 2, 64]))
def test_any_threads_and_block_size_give_the_table_of_one_thread(network: Network, block_size: int) -> None:
    context = scoring_context(network, outcome_model=None)
    assert_same_table(pair_table(context, block_size=block_size, threads=2), pair_table(context, threads=1))


def test_scoring_threads_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(THREADS_VARIABLE, raising=False)
    assert scoring_threads() == len(os.sched_getaffinity(0))
    monkeypatch.setenv(THREADS_VARIABLE, "1")
    assert scoring_threads() == 1
    monkeypatch.setenv(THREADS_VARIABLE, "0")
    assert scoring_threads() == 1
    monkeypatch.setenv(THREADS_VARIABLE, "to")
    with pytest.raises(InputError, match=THREADS_VARIABLE):
        scoring_threads()


def test_compiled_kernel_builds_the_table_of_numpy(builtin_network: Network) -> None:
    """The compiled scoring of large networks (``matching.pair_kernel``) gives numpy's table, with the model."""
    context = scoring_context(builtin_network)
    assert context.model is not None
    compiled = pair_table(context, block_size=16, threads=2, compiled=True)
    plain = pair_table(context, threads=1, compiled=False)
    for column in ("student", "company", "support_load", "ineligible_counts"):
        assert_array_equal(getattr(compiled, column), getattr(plain, column), err_msg=column)
    assert_allclose(compiled.score, plain.score, rtol=1e-12, atol=1e-12)
    assert_allclose(compiled.travel_minutes, plain.travel_minutes, rtol=1e-12)
    assert compiled.n_pairs > 1000


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(network=networks(max_students=9, max_companies=8), block_size=st.sampled_from([1, 3, 64]))
def test_compiled_kernel_scores_every_pair_as_score_pairs(network: Network, block_size: int) -> None:
    """Without a model, on any small network: the kernel's table is the dense check of every pair."""
    context = scoring_context(network, outcome_model=None)
    table = pair_table(context, block_size=block_size, threads=1, compiled=True)
    s, c = all_pairs(network)
    dense = score_pairs(context, s, c)
    assert_array_equal(s[dense.eligible], table.student)
    assert_array_equal(c[dense.eligible], table.company)
    assert_allclose(dense.score[dense.eligible], table.score, rtol=1e-12, atol=1e-12)
    assert_allclose(dense.minutes[dense.eligible], table.travel_minutes, rtol=1e-12)
    assert_array_equal(dense.support_load[dense.eligible], table.support_load)
