"""Columns computed in chunks over the pairs (interest ranks, weights) equal the direct whole-array formulas."""

from __future__ import annotations

import numpy as np
import pytest

import optimizer.problem
import placement_service.planning
from features.network import Network
from matching.pairs import pair_table
from optimizer.problem import SCORE_SCALE, weights_from_scores
from placement_service import prepare_scoring
from placement_service.planning import interest_ranks


@pytest.mark.parametrize("chunk", [7, 1 << 22])
def test_interest_ranks_and_weights_in_chunks_equal_the_direct_formulas(
    builtin_network: Network, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(placement_service.planning, "PAIR_CHUNK", chunk)
    monkeypatch.setattr(optimizer.problem, "PAIR_CHUNK", chunk)
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
