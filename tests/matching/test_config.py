"""ScoringConfig: documented defaults and scikit-learn-style messages for bad values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError

from matching.config import COMPONENT_LABELS, COMPONENTS, ScoringConfig


def test_default_weights_sum_to_100_and_every_component_has_a_danish_label() -> None:
    config = ScoringConfig()
    assert sum(config.weights().values()) == pytest.approx(100.0)
    assert tuple(config.weights()) == COMPONENTS
    assert set(COMPONENT_LABELS) == set(COMPONENTS)


def test_points_are_rescaled_to_100_with_and_without_the_outcome_model() -> None:
    config = ScoringConfig(travel=20)
    assert sum(config.points_per_component(True)) == pytest.approx(100.0)
    without = config.points_per_component(False)
    assert sum(without) == pytest.approx(100.0)
    assert without[COMPONENTS.index("outcome")] == 0.0


@pytest.mark.parametrize(
    ("value", "shown"), [(-3, "-3"), (-0.5, "-0.5"), (math.inf, "inf"), ("x", "'x'"), (np.int64(-2), "-2")]
)
def test_a_bad_weight_names_the_weight_the_range_and_the_value(value: object, shown: str) -> None:
    message = rf"The 'travel' weight must be a number in \[0, inf\)\. Got {shown} instead\."
    with pytest.raises(ValidationError, match=message):
        ScoringConfig(travel=value)


def test_a_tolerance_must_be_a_whole_number_in_range() -> None:
    with pytest.raises(
        ValidationError, match=r"The 'hours_tolerance' parameter must be an int in the range "
    ):
        ScoringConfig(hours_tolerance=-1)
    with pytest.raises(ValidationError, match=r"'complexity_tolerance' .* Got 1.5 instead"):
        ScoringConfig(complexity_tolerance=1.5)
    with pytest.raises(
        ValidationError, match=r"'comfortable_travel_share' parameter must be a number in \[0, 1\)"
    ):
        ScoringConfig(comfortable_travel_share=1)


def test_an_unknown_option_suggests_the_closest_name() -> None:
    with pytest.raises(ValidationError, match=r"Unknown scoring option 'travle'\. Did you mean 'travel'\?"):
        ScoringConfig(travle=3)


def test_all_rule_weights_zero_is_refused() -> None:
    zero = dict.fromkeys(COMPONENTS[:-1], 0)
    with pytest.raises(ValidationError, match="At least one weight other than 'outcome' must be positive"):
        ScoringConfig(**zero)


def test_with_changes_validates() -> None:
    assert ScoringConfig().with_changes(travel=1).travel == 1.0
    with pytest.raises(ValidationError, match="The 'support' weight"):
        ScoringConfig().with_changes(support=-1)
