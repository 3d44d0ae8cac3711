"""Properties of recruitment advice on small random networks."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from features.loading import network_from_tables
from features.profiles import Company
from features.synthetic import generate
from matching.context import scoring_context
from matching.pairs import pair_table
from optimizer.recruitment import critical_companies, max_placed, placed_upper_bound, recommend_companies


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000))
def test_gains_and_losses_are_bounded_and_verified(seed: int) -> None:
    network = network_from_tables(generate(40, 25, seed=seed, n_alumni=0).tables)
    context = scoring_context(network, outcome_model=None)
    pairs = pair_table(context)
    base = max_placed(pairs)
    for company in critical_companies(network, pairs, base.company_of_student):
        j = network.company_position[company.company_id]
        assert 1 <= company.loss <= int((base.company_of_student == j).sum())
        capacity = pairs.capacity.copy()
        capacity[j] = 0
        assert max_placed(dataclasses.replace(pairs, capacity=capacity)).placed == base.placed - company.loss
    unplaced = int((base.company_of_student < 0).sum())
    for recommendation in recommend_companies(context, pairs, base.company_of_student):
        assert 1 <= recommendation.gain <= min(recommendation.slots, unplaced)
        Company.model_validate(recommendation.company_row)  # a valid companies.csv row
        assert set(recommendation.students) <= {
            network.students[i].student_id for i in np.flatnonzero(base.company_of_student < 0)
        }


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000))
def test_the_flow_bound_is_never_below_the_number_placed(seed: int) -> None:
    network = network_from_tables(generate(40, 25, seed=seed, n_alumni=0).tables)
    pairs = pair_table(scoring_context(network, outcome_model=None))
    unlimited_mentors = dataclasses.replace(pairs, mentor_capacity=np.full(pairs.n_companies, 10_000))
    bound = placed_upper_bound(pairs)
    assert max_placed(pairs).placed <= bound
    assert bound == max_placed(unlimited_mentors).placed  # without mentor limits the bound is exact
