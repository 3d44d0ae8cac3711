"""A network prepared for scoring: arrays, unit vectors, travel-matrix look-up, outcome model, config.

Preparing is the slow part (encoding profiles, fitting the model); it is done
once per network object and cached, so shortlists and what-if rescoring are fast.
Given a folder (``model_cache``), a fitted model is also kept there, keyed by what
it learned from (``matching.stored_model``), and later processes read it instead
of fitting again: scikit-learn is imported only to fit.
"""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, TypeAlias, runtime_checkable

import numpy as np
import pandas as pd

from features.arrays import CompanyArrays, StudentArrays, network_arrays
from features.errors import InputError
from features.network import Network
from matching import stored_model
from matching.candidates import pair_minutes, unit_vectors
from matching.config import ScoringConfig
from matching.eligibility import RuleCompanies, RuleStudents
from matching.outcome_features import can_fit, history_pairs, pair_features
from matching.stored_model import StoredOutcomeModel
from matching.travel_matrix import MatrixLookup, TravelMatrix, load_travel_matrix

if TYPE_CHECKING:
    from matching.outcome_model import OutcomeModel


@runtime_checkable
class LinearOutcome(Protocol):
    """A fitted outcome model as the scorers use it: ``OutcomeModel`` or ``StoredOutcomeModel``."""

    @property
    def folded_coef_(self) -> np.ndarray: ...

    @property
    def folded_intercept_(self) -> float: ...

    def lasting_probability(self, X: np.ndarray) -> np.ndarray: ...  # noqa: N803


OutcomeModelOption: TypeAlias = LinearOutcome | Literal["auto"] | None
"""``"auto"``: fit on the network's history when it has enough (else rule-only), or read the model
stored for that history; None: rule-only; or a fitted model."""
TravelMatrixOption: TypeAlias = TravelMatrix | str | os.PathLike[str] | pd.DataFrame | None

_ARRAYS: weakref.WeakKeyDictionary[Network, tuple[StudentArrays, CompanyArrays, np.ndarray, np.ndarray]] = (
    weakref.WeakKeyDictionary()
)
_AUTO_MODELS: weakref.WeakKeyDictionary[Network, dict[object, StoredOutcomeModel | None]] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True, eq=False)
class ScoringContext:
    """Everything scoring needs, prepared once per network."""

    network: Network
    students: StudentArrays
    companies: CompanyArrays
    student_xyz: np.ndarray  # (n, 3) unit vectors of the students' homes
    company_xyz: np.ndarray  # (m, 3) unit vectors of the workplaces
    config: ScoringConfig
    lookup: MatrixLookup | None
    model: LinearOutcome | None

    @cached_property
    def rule_students(self) -> RuleStudents:
        """What the hard rules read of the students, prepared on first use."""
        return RuleStudents.of(self.students)

    @cached_property
    def rule_companies(self) -> RuleCompanies:
        """What the hard rules read of the companies, prepared on first use."""
        return RuleCompanies.of(self.companies)


def network_arrays_cached(network: Network) -> tuple[StudentArrays, CompanyArrays]:
    """``features.arrays.network_arrays``, computed once per network object."""
    return _prepared(network)[:2]  # type: ignore[return-value]


def _prepared(network: Network) -> tuple[StudentArrays, CompanyArrays, np.ndarray, np.ndarray]:
    if network not in _ARRAYS:
        students, companies = network_arrays(network)
        _ARRAYS[network] = (
            students,
            companies,
            unit_vectors(students.lat, students.lon),
            unit_vectors(companies.lat, companies.lon),
        )
    return _ARRAYS[network]


def scoring_context(
    network: Network,
    config: ScoringConfig | None = None,
    travel_matrix: TravelMatrixOption = None,
    outcome_model: OutcomeModelOption = "auto",
    model_cache: Path | None = None,
) -> ScoringContext:
    """Prepare a network for scoring (arrays, travel-matrix look-up, outcome model).

    With ``outcome_model="auto"`` and a ``model_cache`` folder, the fitted model is
    read from that folder when it holds one for the same training data and
    settings, and stored there after a fit otherwise.
    """
    config = ScoringConfig() if config is None else config
    if not isinstance(config, ScoringConfig):
        raise InputError(
            f"config must be a ScoringConfig. Got {type(config).__name__} instead.",
            f"Indstillingerne for pointgivningen skal være en ScoringConfig (fik {type(config).__name__}).",
        )
    students, companies, student_xyz, company_xyz = _prepared(network)
    matrix = as_travel_matrix(travel_matrix, network)
    lookup = None if matrix is None else matrix.lookup(students.ids, companies.ids)
    model: LinearOutcome | None
    if isinstance(outcome_model, str) and outcome_model == "auto":
        model = auto_outcome_model(network, matrix, model_cache)
    elif outcome_model is None or isinstance(outcome_model, LinearOutcome):
        model = outcome_model
    else:
        raise InputError(
            "The 'outcome_model' parameter must be a fitted OutcomeModel, 'auto' or None. "
            f"Got {outcome_model!r} instead.",
            "'outcome_model' skal være en lært udfaldsmodel (OutcomeModel), 'auto' eller ingen (None); "
            f"fik {outcome_model!r}.",
        )
    return ScoringContext(network, students, companies, student_xyz, company_xyz, config, lookup, model)


def auto_outcome_model(
    network: Network, matrix: TravelMatrix | None = None, model_cache: Path | None = None
) -> StoredOutcomeModel | None:
    """The outcome model of the network's history (kept per network, and in ``model_cache`` if given).

    None if the history is too small to learn from.
    """
    cache = _AUTO_MODELS.setdefault(network, {})
    if matrix not in cache:
        cache[matrix] = _stored_or_fitted(network, matrix, model_cache)
    return cache[matrix]


def _stored_or_fitted(
    network: Network, matrix: TravelMatrix | None, model_cache: Path | None
) -> StoredOutcomeModel | None:
    training = training_data(network, matrix)
    if training is None:
        return None
    features, y = training
    settings = dict(stored_model.DEFAULT_SETTINGS)
    key = stored_model.training_key(features, y, settings)
    if model_cache is not None:
        found = stored_model.load(model_cache, key)
        if found is not None:
            return found
    from matching.outcome_model import OutcomeModel  # scikit-learn: imported only to fit

    model = StoredOutcomeModel.from_fitted(OutcomeModel(**settings).fit(features, y), key, len(y))
    if model_cache is not None:
        stored_model.save(model_cache, model)
    return model


def training_data(
    network: Network, travel_matrix: TravelMatrix | None = None
) -> tuple[np.ndarray, np.ndarray] | None:
    """The pair features and outcomes (0/1) of the network's history; None if too little to learn from."""
    if not network.history:
        return None
    students, s, c, y = history_pairs(network)
    if not can_fit(y):
        return None
    _, companies = network_arrays_cached(network)
    lookup = None if travel_matrix is None else travel_matrix.lookup(students.ids, companies.ids)
    minutes = pair_minutes(students, companies, s, c, lookup)
    return pair_features(students, companies, s, c, minutes), y


def fit_outcome_model(
    network: Network, travel_matrix: TravelMatrix | None = None, model: OutcomeModel | None = None
) -> OutcomeModel | None:
    """Fit ``model`` (default ``OutcomeModel()``) on all of the network's history; None if too little."""
    from matching.outcome_model import OutcomeModel

    training = training_data(network, travel_matrix)
    if training is None:
        return None
    return (OutcomeModel() if model is None else model).fit(*training)


def as_travel_matrix(travel_matrix: TravelMatrixOption, network: Network) -> TravelMatrix | None:
    """A validated ``TravelMatrix`` from a file path or table (or as given)."""
    if travel_matrix is None or isinstance(travel_matrix, TravelMatrix):
        return travel_matrix
    return load_travel_matrix(travel_matrix, network)
