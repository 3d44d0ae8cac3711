"""eligible_pairs: the pair table contract the optimizer and gap analysis build on."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from features.network import Network
from matching.config import COMPONENTS
from matching.eligibility import REASON_CODES
from matching.pair_table import PairTable
from matching.pairs import eligible_pairs, score_pairs, scoring_context


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
