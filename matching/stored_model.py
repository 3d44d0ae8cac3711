"""A fitted outcome model kept on disk and used without scikit-learn.

``OutcomeModel`` (``matching.outcome_model``) is a standardised logistic
regression; on raw ``pair_features`` it is one dot product,
``P = expit(x . folded_coef + folded_intercept)``. ``StoredOutcomeModel`` holds
exactly those numbers (and the standardised coefficients, the scaling and the
kept columns they were folded from) and predicts as ``OutcomeModel.lasting_probability``
does, so scoring with it needs numpy but never imports scikit-learn, which takes
longer to import than the rest of a command needs.

``training_key`` digests what a model learned from: the training matrix and
outcomes themselves (so the history, the alumni and students it uses and the
travel times, estimated or from a travel matrix, all count), the feature
names, the fit's settings and the scikit-learn version. A model is stored as
JSON named by that key (``save``, written to a temporary file and moved into
place, readable by its owner only: it is derived from health data; only the
``KEEP_MODELS`` most recently used are kept) and read back by ``load``, which
returns None for a missing, unreadable or inconsistent file, so that the caller
fits again instead of failing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import tempfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from matching.outcome_features import FEATURE_NAMES, logistic

FORMAT = "stu-match outcome model"
FORMAT_VERSION = 1
DEFAULT_SETTINGS: dict[str, Any] = {"C": 0.5, "max_iter": 1000, "monotone_travel": True}
"""The parameters ``OutcomeModel`` is fitted with for scoring (its defaults; a test checks they agree)."""
KEEP_MODELS = 8
"""Stored models kept per folder, the most recently used: older ones (of data since changed) are deleted."""
MAX_FILE_BYTES = 1 << 20
"""A stored model is a few kilobytes; a larger file is not one of ours and is not read."""


@dataclass(frozen=True, eq=False)
class StoredOutcomeModel:
    """A fitted outcome model as numbers: predicts P(job or fleksjob) like ``OutcomeModel``.

    ``folded_coef_`` and ``folded_intercept_`` carry the names of ``OutcomeModel``'s
    attributes, so the scorers read either.
    """

    key: str
    settings: dict[str, Any]  # the fit's parameters (C, max_iter, monotone_travel)
    classes: tuple[int, int]
    scaler_mean: np.ndarray  # (n_features,) the standardisation the regression saw
    scaler_scale: np.ndarray
    kept_features: np.ndarray  # (n_features,) bool, the columns the regression uses
    coef: np.ndarray  # (n_features,) per standardised feature, 0 for dropped ones
    intercept: float
    folded_coef_: np.ndarray  # (n_features,) the same model on raw features
    folded_intercept_: float
    n_samples: int

    @property
    def n_features_in_(self) -> int:
        return len(FEATURE_NAMES)

    def lasting_probability(self, X: np.ndarray) -> np.ndarray:  # noqa: N803
        """(n,) P(job or fleksjob) of ``pair_features`` output, exactly as ``OutcomeModel.lasting_probability``."""
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"X must have {self.n_features_in_} columns. Got shape {X.shape} instead.")
        return logistic(X @ self.folded_coef_ + self.folded_intercept_)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:  # noqa: N803
        """(n, 2) probabilities of the classes in ``classes`` order."""
        lasting = self.lasting_probability(np.asarray(X, dtype=np.float64))
        return np.column_stack([1.0 - lasting, lasting])

    @classmethod
    def from_fitted(cls, model: Any, key: str, n_samples: int) -> StoredOutcomeModel:
        """The numbers of a fitted ``OutcomeModel``."""
        return cls(
            key=key,
            settings={name: model.get_params()[name] for name in ("C", "max_iter", "monotone_travel")},
            classes=(int(model.classes_[0]), int(model.classes_[1])),
            scaler_mean=np.array(model.scaler_.mean_, dtype=np.float64),
            scaler_scale=np.array(model.scaler_.scale_, dtype=np.float64),
            kept_features=np.array(model.kept_features_, dtype=bool),
            coef=np.array(model.coef_, dtype=np.float64),
            intercept=float(model.intercept_),
            folded_coef_=np.array(model.folded_coef_, dtype=np.float64),
            folded_intercept_=float(model.folded_intercept_),
            n_samples=n_samples,
        )

    def as_json(self) -> dict[str, Any]:
        """Plain numbers (Python floats round-trip exactly through JSON)."""
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "key": self.key,
            "settings": self.settings,
            "feature_names": list(FEATURE_NAMES),
            "classes": list(self.classes),
            "n_samples": self.n_samples,
            "scaler_mean": self.scaler_mean.tolist(),
            "scaler_scale": self.scaler_scale.tolist(),
            "kept_features": self.kept_features.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "folded_coef": self.folded_coef_.tolist(),
            "folded_intercept": self.folded_intercept_,
        }

    @classmethod
    def from_json(cls, data: object, key: str) -> StoredOutcomeModel:
        """The model of ``as_json`` output; ``ValueError`` if it is not one, or not the model of ``key``."""
        if (
            not isinstance(data, dict)
            or data.get("format") != FORMAT
            or data.get("version") != FORMAT_VERSION
        ):
            raise ValueError("not a stored outcome model of this version")
        if data.get("key") != key or data.get("feature_names") != list(FEATURE_NAMES):
            raise ValueError("a stored outcome model of other data or other features")
        n = len(FEATURE_NAMES)
        settings = data["settings"]
        if not isinstance(settings, dict):
            raise ValueError("settings must be an object")
        classes = data["classes"]
        if not (isinstance(classes, list) and len(classes) == 2 and all(type(v) is int for v in classes)):
            raise ValueError("classes must be two whole numbers")
        model = cls(
            key=key,
            settings=settings,
            classes=(classes[0], classes[1]),
            scaler_mean=_vector(data["scaler_mean"], n),
            scaler_scale=_vector(data["scaler_scale"], n),
            kept_features=_flags(data["kept_features"], n),
            coef=_vector(data["coef"], n),
            intercept=_number(data["intercept"]),
            folded_coef_=_vector(data["folded_coef"], n),
            folded_intercept_=_number(data["folded_intercept"]),
            n_samples=int(data["n_samples"]),
        )
        # The folded form must be the standardised one on raw features (as OutcomeModel.fit folds it).
        if (model.scaler_scale <= 0).any() or (model.coef[~model.kept_features] != 0).any():
            raise ValueError("inconsistent scaling or coefficients")
        folded = model.coef / model.scaler_scale
        intercept = model.intercept - float(model.scaler_mean @ folded)
        if not (
            np.allclose(folded, model.folded_coef_, rtol=1e-12, atol=0)
            and math.isclose(intercept, model.folded_intercept_, rel_tol=1e-12, abs_tol=1e-12)
        ):
            raise ValueError("the folded coefficients do not match the standardised ones")
        return model


def training_key(features: np.ndarray, outcomes: np.ndarray, settings: dict[str, Any]) -> str:
    """SHA-256 hex digest of what a model learns from and how: the same key, the same fitted model."""
    digest = hashlib.sha256()
    head = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "feature_names": list(FEATURE_NAMES),
        "settings": settings,
        "scikit-learn": _sklearn_version(),
        "shape": list(features.shape),
    }
    digest.update(json.dumps(head, sort_keys=True).encode())
    digest.update(np.ascontiguousarray(features, dtype="<f8").tobytes())
    digest.update(np.ascontiguousarray(outcomes, dtype="<i8").tobytes())
    return digest.hexdigest()


def model_path(folder: Path, key: str) -> Path:
    return folder / f"outcome-model-{key}.json"


def load(folder: Path, key: str) -> StoredOutcomeModel | None:
    """The stored model of ``key`` in ``folder``; None if there is none or it cannot be used."""
    path = model_path(folder, key)
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            return None
        model = StoredOutcomeModel.from_json(json.loads(raw), key)
    except (OSError, ValueError, KeyError, TypeError, OverflowError):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used now: kept when older models are deleted
    return model


def save(folder: Path, model: StoredOutcomeModel) -> bool:
    """Store ``model`` in ``folder`` (created, owner only): a temporary file moved into place, mode 0600.

    Returns False when the folder or file cannot be written; the model is then simply not kept.
    """
    text = json.dumps(model.as_json(), allow_nan=False)
    temporary: str | None = None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".outcome-model-", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            os.fchmod(file.fileno(), 0o600)
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, model_path(folder, model.key))
        temporary = None
    except OSError:
        return False
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    _delete_least_recently_used(folder)
    return True


def _delete_least_recently_used(folder: Path, keep: int = KEEP_MODELS) -> None:
    """Keep the ``keep`` most recently used models of ``folder``; a model of data no longer used goes."""
    with contextlib.suppress(OSError):
        found = []
        for path in folder.glob("outcome-model-*.json"):
            with contextlib.suppress(OSError):
                found.append((path.stat().st_mtime_ns, path))
        for _, path in sorted(found, reverse=True)[keep:]:
            with contextlib.suppress(OSError):
                path.unlink()


def _sklearn_version() -> str:
    try:
        return version("scikit-learn")
    except PackageNotFoundError:
        return "unknown"


def _number(value: object) -> float:
    if type(value) not in (int, float) or not math.isfinite(value):  # type: ignore[arg-type]
        raise ValueError("not a finite number")
    return float(value)  # type: ignore[arg-type]


def _vector(values: object, n: int) -> np.ndarray:
    if not isinstance(values, list) or len(values) != n:
        raise ValueError(f"expected {n} numbers")
    return np.array([_number(v) for v in values], dtype=np.float64)


def _flags(values: object, n: int) -> np.ndarray:
    if not isinstance(values, list) or len(values) != n or not all(type(v) is bool for v in values):
        raise ValueError(f"expected {n} true/false values")
    return np.array(values, dtype=bool)
