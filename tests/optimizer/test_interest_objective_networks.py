"""The default plan on generated networks, checked against an independent MILP (HiGHS).

The issue asks that on networks the product has not seen, the default plan places as many
students as the optimum and, at that number, as many within their own interests. The networks
here are pilot-sized, made by the generator with seeds no other test uses, with the learned
outcome model in the score as in the app.
"""

from __future__ import annotations

import numpy as np
import pytest

from features.loading import network_from_tables
from features.synthetic import generate
from matching.context import scoring_context
from placement_service import plan_cohort
from tests.optimizer.util import integer_weight, reference


@pytest.mark.parametrize("seed", [41, 42, 43])
def test_the_default_plan_equals_the_independent_optimum_on_generated_networks(seed: int) -> None:
    network = network_from_tables(generate(140, 220, seed=seed).tables)
    context = scoring_context(network)  # with the outcome model learned from its history
    plan = plan_cohort(context)
    result, pairs = plan.result, plan.pairs
    in_interest = (
        context.students.interest_rank[pairs.student, context.companies.industry[pairs.company]] > 0
    ).astype(float)
    expected = reference(pairs, stages=[in_interest, integer_weight(pairs.score).astype(float)])

    assert result.status == "OPTIMAL"
    assert result.placed == expected.placed
    assert result.in_interest == int(in_interest[expected.chosen].sum())
    assert round(result.objective_score * 100) == expected.weight
    chosen = np.flatnonzero(result.pair_of_student >= 0)
    assert int(in_interest[result.pair_of_student[chosen]].sum()) == result.in_interest
