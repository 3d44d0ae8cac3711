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

from features.arrays import CompanyArrays, StudentArrays, student_arrays
from features.network import Network
from features.vocabulary import ImpairmentGroup
from matching.components import ENVIRONMENT_STRAINS, environment_level, has_reaction
from matching.eligibility import complexity_gap, hours_shortfall, overloads
from matching.needs import psychological

_SUPPORTS = ("mentor_trained", "flexible_management")
_NEEDS = ("psychological", "cognitive", "physical", "high_support", "needs_mentor")

FEATURE_NAMES: tuple[str, ...] = (
    "interest_first",
    "interest_second",
    "interest_later",
    "complexity_gap",
    "complexity_room",
    "hours_shortfall",
    "overload_total",
    "overload_max",
    "travel_ratio",
    "travel_over_half",
    "travel_over_three_quarters",
    "routine_need_met",
    "routine_need_unmet",
    "shielded_need_met",
    "shielded_need_unmet",
    *(f"high_{aspect}_{reaction.value}" for reaction, aspect in ENVIRONMENT_STRAINS),
    "support_level",
    "high_support",
    "needs_mentor",
    "psychological",
    "cognitive",
    "physical",
    "mentor_trained",
    "flexible_management",
    "shielded_workstation",
    "team_work",
    *(f"{support}_x_{need}" for support in _SUPPORTS for need in _NEEDS),
)
"""Columns of ``pair_features``."""

DECREASING_FEATURES: tuple[str, ...] = ("travel_ratio", "travel_over_half", "travel_over_three_quarters")
"""Features whose coefficients may not be positive: more travel never raises the probability."""

MIN_PLACEMENTS = 40
"""Fewest past placements (with both outcomes present) to fit a model from; fewer give rule-only scores."""


def need_flags(students: StudentArrays) -> dict[str, np.ndarray]:
    """(n,) bool for each of ``_NEEDS``: the needs the model weighs a trained mentor and flexible management against."""
    return {
        "psychological": psychological(students),
        "cognitive": students.has_group(ImpairmentGroup.COGNITIVE),
        "physical": students.has_group(ImpairmentGroup.PHYSICAL),
        "high_support": students.support_max >= 2,
        "needs_mentor": students.needs_mentor,
    }


def pair_features(
    students: StudentArrays, companies: CompanyArrays, s: np.ndarray, c: np.ndarray, minutes: np.ndarray
) -> np.ndarray:
    """(n_pairs, len(FEATURE_NAMES)) float64 features of aligned pairs; ``minutes`` is one-way travel."""
    n = s.shape[0]
    out = np.empty((n, len(FEATURE_NAMES)), order="F")
    col = {name: k for k, name in enumerate(FEATURE_NAMES)}

    rank = students.interest_rank[s, companies.industry[c]]
    out[:, col["interest_first"]] = rank == 1
    out[:, col["interest_second"]] = rank == 2
    out[:, col["interest_later"]] = rank >= 3
    out[:, col["complexity_gap"]] = np.maximum(complexity_gap(students, companies, s, c), 0)
    out[:, col["complexity_room"]] = np.maximum(
        students.complexity[s].astype(np.int32) - companies.complexity_max[c], 0
    )
    out[:, col["hours_shortfall"]] = hours_shortfall(students, companies, s, c)
    overload = overloads(students, companies, s, c)
    out[:, col["overload_total"]] = overload.sum(axis=1, dtype=np.int32)
    out[:, col["overload_max"]] = overload.max(axis=1, initial=0)
    ratio = minutes / students.max_travel[s]
    out[:, col["travel_ratio"]] = ratio
    out[:, col["travel_over_half"]] = np.maximum(ratio - 0.5, 0.0)
    out[:, col["travel_over_three_quarters"]] = np.maximum(ratio - 0.75, 0.0)

    needs_routine = students.needs_routine[s]
    variety = companies.task_variety[c]
    out[:, col["routine_need_met"]] = needs_routine & (variety == 0)
    out[:, col["routine_need_unmet"]] = needs_routine & (variety == 1)
    needs_shielded = students.needs_shielded[s]
    shielded = companies.shielded_workstation[c]
    out[:, col["shielded_need_met"]] = needs_shielded & shielded
    out[:, col["shielded_need_unmet"]] = needs_shielded & ~shielded
    for reaction, aspect in ENVIRONMENT_STRAINS:
        out[:, col[f"high_{aspect}_{reaction.value}"]] = has_reaction(students, reaction, s) & (
            environment_level(companies, aspect, c) == 2
        )

    need = {name: flags[s] for name, flags in need_flags(students).items()}
    out[:, col["support_level"]] = students.support_max[s]
    for name in ("high_support", "needs_mentor", "psychological", "cognitive", "physical"):
        out[:, col[name]] = need[name]
    support = {
        "mentor_trained": companies.mentor_trained[c],
        "flexible_management": companies.flexible_management[c],
    }
    for name, values in support.items():
        out[:, col[name]] = values
    out[:, col["shielded_workstation"]] = shielded
    out[:, col["team_work"]] = companies.team_work[c]
    for support_name in _SUPPORTS:
        for need_name in _NEEDS:
            out[:, col[f"{support_name}_x_{need_name}"]] = support[support_name] & need[need_name]
    return out


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


def history_pairs(network: Network) -> tuple[StudentArrays, np.ndarray, np.ndarray, np.ndarray]:
    """Past placements as pairs: (students of each row, row index, company position, outcome 0/1).

    The student of a placement is looked up among the alumni first, then the cohort.
    """
    by_id = {s.student_id: s for s in network.students}
    by_id.update({s.student_id: s for s in network.alumni})
    placed = [by_id[p.student_id] for p in network.history]
    students = student_arrays(placed)
    s = np.arange(len(placed), dtype=np.int64)
    c = np.array([network.company_position[p.company_id] for p in network.history], dtype=np.int64)
    y = np.array([p.outcome.is_lasting_attachment for p in network.history], dtype=np.int64)
    return students, s, c, y


def can_fit(y: np.ndarray, min_placements: int = MIN_PLACEMENTS) -> bool:
    """Enough history to learn from: ``min_placements`` rows with both outcomes present."""
    return y.shape[0] >= min_placements and 0 < int(y.sum()) < y.shape[0]
