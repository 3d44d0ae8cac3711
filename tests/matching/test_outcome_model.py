"""The learned outcome model: scikit-learn conventions, monotone travel, calibration, and that it helps."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from features.network import Network
from matching.evaluation import evaluate_ground_truth, evaluate_history
from matching.outcome_model import DECREASING_FEATURES, FEATURE_NAMES, OutcomeModel

TRAVEL = [FEATURE_NAMES.index(name) for name in DECREASING_FEATURES]


def travel_helps_data(n: int = 600, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Pair features where, perversely, longer travel goes with better outcomes."""
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 2, (n, len(FEATURE_NAMES))).astype(float)  # noqa: N806
    ratio = rng.uniform(0, 1, n)
    X[:, TRAVEL[0]] = ratio
    X[:, TRAVEL[1]] = np.maximum(ratio - 0.5, 0)
    X[:, TRAVEL[2]] = np.maximum(ratio - 0.75, 0)
    y = (rng.uniform(0, 1, n) < 0.2 + 0.7 * ratio).astype(int)
    return X, y


def test_follows_scikit_learn_conventions() -> None:
    model = OutcomeModel(C=2.0)
    assert model.get_params() == {"C": 2.0, "max_iter": 1000, "monotone_travel": True}
    assert not [name for name in vars(model) if name.endswith("_")]
    with pytest.raises(NotFittedError):
        model.predict_proba(np.zeros((1, len(FEATURE_NAMES))))
    X, y = travel_helps_data()  # noqa: N806
    assert model.fit(X, y) is model
    assert clone(model).get_params() == model.get_params()
    assert model.n_features_in_ == len(FEATURE_NAMES)
    assert list(model.classes_) == [0, 1]
    proba = model.predict_proba(X)
    assert proba.shape == (X.shape[0], 2)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_allclose(model.lasting_probability(X), proba[:, 1], rtol=1e-10)
    assert set(np.unique(model.predict(X))) <= {0, 1}


def test_bad_parameters_and_inputs_give_clear_errors() -> None:
    X, y = travel_helps_data()  # noqa: N806
    with pytest.raises(
        InvalidParameterError, match=r"The 'C' parameter of OutcomeModel must be a float in the range"
    ):
        OutcomeModel(C=-1).fit(X, y)
    expected = rf"X must have the {len(FEATURE_NAMES)} columns of pair_features\. Got 3 instead\."
    with pytest.raises(ValueError, match=expected):
        OutcomeModel().fit(X[:, :3], y)
    with pytest.raises(ValueError, match=r"y must hold both outcomes"):
        OutcomeModel().fit(X, np.ones_like(y))


def test_travel_can_never_raise_the_probability() -> None:
    X, y = travel_helps_data()  # noqa: N806
    free = OutcomeModel(monotone_travel=False).fit(X, y)
    assert free.coef_[TRAVEL].max() > 0  # the data pulls the wrong way ...
    model = OutcomeModel().fit(X, y)
    assert model.coef_[TRAVEL].max() <= 0  # ... and the constraint holds it
    near, far = X.copy(), X.copy()
    for column, value in zip(TRAVEL, (0.9, 0.4, 0.15), strict=True):
        far[:, column] = value
    for column in TRAVEL:
        near[:, column] = 0.0
    assert (model.predict_proba(far)[:, 1] <= model.predict_proba(near)[:, 1] + 1e-12).all()


def test_history_evaluation_beats_random_and_is_calibrated(builtin_network: Network) -> None:
    result = evaluate_history(builtin_network)
    assert result.placements == len(builtin_network.history)
    assert result.blended.ndcg_at_5 > result.random.ndcg_at_5
    assert result.blended.precision_at_5 > result.random.precision_at_5
    assert result.model.brier < result.model.brier_base_rate
    assert abs(result.model.mean_predicted - result.model.observed_rate) < 0.03
    assert result.model.roc_auc > 0.6


def test_ground_truth_evaluation_beats_random() -> None:
    result = evaluate_ground_truth(n_alumni=800, seed=3)
    assert result.held_out_alumni > 50
    assert result.blended.ndcg_at_5 > result.random.ndcg_at_5 + 0.05
    assert result.blended.precision_at_5 > result.random.precision_at_5 + 0.1
    assert result.blended.mean_true_probability_at_5 > result.random.mean_true_probability_at_5
    assert result.ideal.ndcg_at_5 == 1.0
    assert result.ideal.mean_true_probability_at_5 >= result.blended.mean_true_probability_at_5
