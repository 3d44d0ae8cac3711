"""The learned outcome model: P(job or fleksjob 12 months after STU) for a student-company pair.

Trained on past placements (``history.csv``, with the profiles of ``alumni.csv``).
``pair_features`` describes a pair on the same terms as the rule score (interest,
complexity, hours, overloads, travel, structure, environment strain) plus
*support x need* interactions (a trained mentor or flexible management against
psychological, cognitive or physical impairments, high support needs, the need
for a mentor) that a rule score cannot weigh from experience.

``OutcomeModel`` is a scikit-learn classifier: a standardised, L2-regularised
logistic regression (well calibrated when the log-odds are close to additive
in the features, see docs/outcome-model.md), with the travel features
constrained to non-positive coefficients so that more travel never raises the
probability.

This module imports scikit-learn, which is slow to import: it is imported only
to fit. The features live in ``matching.outcome_features`` (re-exported here),
and scoring uses the fitted numbers as a ``matching.stored_model.StoredOutcomeModel``.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from matching.outcome_features import (
    DECREASING_FEATURES,
    FEATURE_NAMES,
    MIN_PLACEMENTS,
    can_fit,
    history_pairs,
    need_flags,
    pair_features,
)

__all__ = [
    "DECREASING_FEATURES",
    "FEATURE_NAMES",
    "MIN_PLACEMENTS",
    "OutcomeModel",
    "can_fit",
    "history_pairs",
    "need_flags",
    "pair_features",
]


class OutcomeModel(ClassifierMixin, BaseEstimator):
    """Calibrated P(job or fleksjob) of a placement from ``pair_features``.

    Parameters
    ----------
    C : float, default=0.5
        Inverse L2 regularisation strength of the logistic regression.
    max_iter : int, default=1000
        Iterations of the solver.
    monotone_travel : bool, default=True
        Constrain the travel features (``DECREASING_FEATURES``) to non-positive
        coefficients: a feature whose fitted coefficient is positive is dropped
        and the model refitted, until none is.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    n_features_in_ : int
    scaler_ : StandardScaler
    estimator_ : LogisticRegression, fitted on the kept columns
    kept_features_ : ndarray of bool, the columns the regression uses
    coef_ : ndarray of shape (n_features,), per standardised feature, 0 for dropped ones
    intercept_ : float
    folded_coef_, folded_intercept_ : the same linear model on unscaled features
    """

    _parameter_constraints: ClassVar[dict] = {
        "C": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "monotone_travel": ["boolean"],
    }

    def __init__(
        self,
        C: float = 0.5,  # noqa: N803 (scikit-learn's name)
        max_iter: int = 1000,
        monotone_travel: bool = True,
    ):
        self.C = C
        self.max_iter = max_iter
        self.monotone_travel = monotone_travel

    def fit(self, X: np.ndarray, y: np.ndarray) -> OutcomeModel:  # noqa: N803
        """Fit on pair features ``X`` and outcomes ``y`` (1 = job or fleksjob)."""
        self._validate_params()
        X, y = validate_data(self, X, y, dtype=np.float64)  # noqa: N806
        if X.shape[1] != len(FEATURE_NAMES):
            raise ValueError(
                f"X must have the {len(FEATURE_NAMES)} columns of pair_features. Got {X.shape[1]} instead."
            )
        self.classes_ = np.unique(y)
        if self.classes_.shape[0] != 2:
            raise ValueError(
                f"y must hold both outcomes (lasting and not). Got only {self.classes_.tolist()} instead."
            )
        self.scaler_ = StandardScaler().fit(X)
        scaled = self.scaler_.transform(X)
        decreasing = np.isin(np.array(FEATURE_NAMES), DECREASING_FEATURES) & bool(self.monotone_travel)
        kept = np.ones(X.shape[1], dtype=bool)
        while True:
            estimator = LogisticRegression(C=self.C, max_iter=self.max_iter).fit(scaled[:, kept], y)
            coef = np.zeros(X.shape[1])
            coef[kept] = estimator.coef_[0]
            violating = decreasing & (coef > 0)
            if not violating.any():
                break
            kept &= ~violating
        self.estimator_ = estimator
        self.kept_features_ = kept
        self.coef_ = coef
        self.intercept_ = float(estimator.intercept_[0])
        # The same model on raw features: (x - mean) / scale . coef + b = x . folded_coef + folded_intercept.
        self.folded_coef_ = coef / self.scaler_.scale_
        self.folded_intercept_ = self.intercept_ - float(self.scaler_.mean_ @ self.folded_coef_)
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:  # noqa: N803
        """(n, 2) probabilities of the classes in ``classes_`` order."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)  # noqa: N806
        return self.estimator_.predict_proba(self.scaler_.transform(X)[:, self.kept_features_])

    def predict(self, X: np.ndarray) -> np.ndarray:  # noqa: N803
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]

    def lasting_probability(self, X: np.ndarray) -> np.ndarray:  # noqa: N803
        """(n,) P(job or fleksjob) of trusted ``pair_features`` output: the hot path.

        Equal to ``predict_proba(X)[:, 1]`` up to rounding, without input
        validation: the scaler and the regression are folded into one dot product.
        """
        check_is_fitted(self)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"X must have {self.n_features_in_} columns. Got shape {X.shape} instead.")
        return expit(X @ self.folded_coef_ + self.folded_intercept_)
