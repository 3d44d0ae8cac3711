"""Columns computed in chunks over the pairs (interest ranks, weights) equal the direct whole-array formulas."""

from __future__ import annotations

import numpy as np
import pytest

import optimizer.instance
from features.network import Network
from matching.pairs import THREADS_VARIABLE, pair_table
from optimizer.problem import SCORE_SCALE, weights_from_scores
from placement_service import prepare_scoring
from placement_service.planning import build_problem, interest_ranks


@pytest.mark.parametrize("threads", ["1", "2"])
@pytest.mark.parametrize("chunk", [7, 1 << 22])
def test_interest_ranks_and_weights_in_chunks_equal_the_direct_formulas(
    builtin_network: Network, chunk: int, threads: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In chunks, in one thread or several, the columns are the whole-array formulas."""
    monkeypatch.setattr(optimizer.instance, "PAIR_CHUNK", chunk)
    monkeypatch.setenv(THREADS_VARIABLE, threads)
    context = prepare_scoring(builtin_network)
    pairs = pair_table(context)
    direct = context.students.interest_rank[pairs.student, context.companies.industry[pairs.company]]
    ranks = interest_ranks(context, pairs)
    assert ranks.dtype == np.int8
    np.testing.assert_array_equal(ranks, direct)
    assert (ranks > 0).any() and (ranks == 0).any()
    weights = weights_from_scores(pairs.score)
    assert weights.dtype == np.int64
    np.testing.assert_array_equal(
        weights, np.rint(pairs.score.astype(np.float64) * SCORE_SCALE).astype(np.int64)
    )
    problem = build_problem(context, pairs)
    tiered, base = problem.interest_tier(weights)
    np.testing.assert_array_equal(tiered, base * (ranks > 0) + weights)
