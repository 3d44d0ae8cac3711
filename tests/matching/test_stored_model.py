"""The stored outcome model: the fitted model's numbers, the same predictions, kept per training data."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from features.loading import BUILTIN_DATA_DIR, load_network
from features.network import Network
from matching import stored_model
from matching.context import auto_outcome_model, scoring_context, training_data
from matching.outcome_features import FEATURE_NAMES
from matching.outcome_model import OutcomeModel
from matching.pairs import score_pairs
from matching.stored_model import DEFAULT_SETTINGS, StoredOutcomeModel, model_path, training_key
from matching.travel_matrix import load_travel_matrix


@pytest.fixture(scope="module")
def training(builtin_network: Network) -> tuple[np.ndarray, np.ndarray]:
    found = training_data(builtin_network)
    assert found is not None
    return found


def fresh_network() -> Network:
    """A network object of its own: models are kept per network object in memory as well."""
    return load_network(BUILTIN_DATA_DIR)


def test_the_default_settings_are_the_models_defaults() -> None:
    assert OutcomeModel().get_params() == DEFAULT_SETTINGS


def test_stored_model_predicts_as_the_fitted_model(
    training: tuple[np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    features, y = training
    fitted = OutcomeModel(**DEFAULT_SETTINGS).fit(features, y)
    key = training_key(features, y, DEFAULT_SETTINGS)
    assert stored_model.save(tmp_path, StoredOutcomeModel.from_fitted(fitted, key, len(y)))
    stored = stored_model.load(tmp_path, key)
    assert stored is not None
    rng = np.random.default_rng(3)
    others = features[rng.integers(0, len(features), 500)] * rng.uniform(0.5, 1.5, (500, features.shape[1]))
    for X in (features, others):  # noqa: N806
        expected = fitted.predict_proba(X)[:, 1]
        assert_allclose(stored.lasting_probability(X), expected, rtol=0, atol=1e-12)
        assert_allclose(stored.predict_proba(X), fitted.predict_proba(X), rtol=0, atol=1e-12)
        # The scorers' own path: the folded dot product.
        assert_allclose(stored.lasting_probability(X), fitted.lasting_probability(X), rtol=1e-15, atol=0)
    assert np.array_equal(stored.coef, fitted.coef_)
    assert np.array_equal(stored.scaler_mean, fitted.scaler_.mean_)
    assert np.array_equal(stored.scaler_scale, fitted.scaler_.scale_)
    assert np.array_equal(stored.kept_features, fitted.kept_features_)
    assert stored.intercept == fitted.intercept_


def test_scores_are_the_same_with_the_stored_model_as_with_the_fitted_one(
    builtin_network: Network, tmp_path: Path
) -> None:
    from matching.context import fit_outcome_model

    fitted = fit_outcome_model(builtin_network)
    stored = auto_outcome_model(fresh_network(), None, tmp_path)
    n, m = len(builtin_network.students), len(builtin_network.companies)
    s, c = np.repeat(np.arange(n), m), np.tile(np.arange(m), n)
    with_fitted = score_pairs(scoring_context(builtin_network, outcome_model=fitted), s, c)
    with_stored = score_pairs(scoring_context(builtin_network, outcome_model=stored), s, c)
    assert_allclose(with_stored.score, with_fitted.score, rtol=0, atol=1e-12)


def test_the_model_is_stored_once_owner_only_and_read_back(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = auto_outcome_model(fresh_network(), None, cache)
    assert first is not None
    files = sorted(cache.iterdir())
    assert files == [model_path(cache, first.key)]  # no temporary file left behind
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    written = files[0].stat().st_ino
    second = auto_outcome_model(fresh_network(), None, cache)
    assert second is not None and second.key == first.key
    assert np.array_equal(second.folded_coef_, first.folded_coef_)
    assert second.folded_intercept_ == first.folded_intercept_
    assert files[0].stat().st_ino == written  # read, not fitted and written again (a new file)
    data = json.loads(files[0].read_text())
    assert data["feature_names"] == list(FEATURE_NAMES)
    assert data["settings"] == DEFAULT_SETTINGS


@pytest.mark.parametrize(
    "damage",
    ["garbage", "truncated", "other key", "tampered coefficient", "not finite", "folder", "empty"],
)
def test_a_damaged_stored_model_is_ignored_and_refitted(tmp_path: Path, damage: str) -> None:
    good = auto_outcome_model(fresh_network(), None, tmp_path)
    assert good is not None
    path = model_path(tmp_path, good.key)
    text = path.read_text()
    data = json.loads(text)
    if damage == "garbage":
        path.write_bytes(b"\x00\xff not json")
    elif damage == "truncated":
        path.write_text(text[: len(text) // 2])
    elif damage == "other key":
        path.write_text(json.dumps({**data, "key": "0" * 64}))
    elif damage == "tampered coefficient":
        data["folded_coef"][0] += 1.0
        path.write_text(json.dumps(data))
    elif damage == "not finite":
        path.write_text(text.replace(str(data["intercept"]), "NaN", 1))
    elif damage == "folder":
        path.unlink()
        path.mkdir()
    elif damage == "empty":
        path.write_text("")
    assert stored_model.load(tmp_path, good.key) is None
    again = auto_outcome_model(fresh_network(), None, tmp_path)
    assert again is not None
    assert np.array_equal(again.folded_coef_, good.folded_coef_)
    if damage != "folder":  # refitted and stored again
        assert stored_model.load(tmp_path, good.key) is not None


def test_a_cache_that_cannot_be_written_only_means_fitting_again(tmp_path: Path) -> None:
    blocked = tmp_path / "a file"
    blocked.write_text("")
    model = auto_outcome_model(fresh_network(), None, blocked / "cache")
    assert model is not None


def test_the_key_follows_the_training_data_and_settings(
    builtin_network: Network, training: tuple[np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    features, y = training
    key = training_key(features, y, DEFAULT_SETTINGS)
    assert key == training_key(features.copy(), y.copy(), dict(DEFAULT_SETTINGS))
    flipped = y.copy()
    flipped[0] = 1 - flipped[0]
    assert training_key(features, flipped, DEFAULT_SETTINGS) != key
    assert training_key(features, y, {**DEFAULT_SETTINGS, "C": 1.0}) != key
    # Travel times from a matrix are part of what the model learns from.
    placement = builtin_network.history[0]
    student, company = placement.student_id, placement.company_id
    matrix_file = tmp_path / "travel.csv"
    matrix_file.write_text(f"student_id,company_id,minutes\n{student},{company},1\n")
    matrix = load_travel_matrix(matrix_file, builtin_network)
    with_matrix = training_data(builtin_network, matrix)
    assert with_matrix is not None
    assert training_key(*with_matrix, DEFAULT_SETTINGS) != key


def test_only_the_most_recently_used_models_are_kept(
    training: tuple[np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    features, y = training
    fitted = OutcomeModel(**DEFAULT_SETTINGS).fit(features, y)
    keys = [training_key(features, y, {**DEFAULT_SETTINGS, "C": 0.1 + k}) for k in range(12)]
    for age, key in enumerate(keys):
        assert stored_model.save(tmp_path, StoredOutcomeModel.from_fitted(fitted, key, len(y)))
        os.utime(model_path(tmp_path, key), ns=(age * 10**9, age * 10**9))
        if age == 1:
            assert stored_model.load(tmp_path, keys[0]) is not None  # reading the first keeps it in use
    kept = {path.name for path in tmp_path.iterdir()}
    assert len(kept) == stored_model.KEEP_MODELS
    assert model_path(tmp_path, keys[-1]).name in kept
    assert model_path(tmp_path, keys[0]).name in kept
    assert model_path(tmp_path, keys[1]).name not in kept
