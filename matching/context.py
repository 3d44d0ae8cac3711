"""A network prepared for scoring: arrays, unit vectors, travel-matrix look-up, outcome model, config.

Preparing is the slow part (encoding profiles, fitting the model); it is done
once per network object and cached, so shortlists and what-if rescoring are fast.
"""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass
from functools import cached_property
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd

from features.arrays import CompanyArrays, StudentArrays, network_arrays
from features.errors import InputError
from features.network import Network
from matching.candidates import pair_minutes, unit_vectors
from matching.config import ScoringConfig
from matching.eligibility import RuleCompanies, RuleStudents
from matching.outcome_model import OutcomeModel, can_fit, history_pairs, pair_features
from matching.travel_matrix import MatrixLookup, TravelMatrix, load_travel_matrix

OutcomeModelOption: TypeAlias = OutcomeModel | Literal["auto"] | None
"""``"auto"``: fit on the network's history when it has enough (else rule-only); None: rule-only."""
TravelMatrixOption: TypeAlias = TravelMatrix | str | os.PathLike[str] | pd.DataFrame | None

_ARRAYS: weakref.WeakKeyDictionary[Network, tuple[StudentArrays, CompanyArrays, np.ndarray, np.ndarray]] = (
    weakref.WeakKeyDictionary()
)
_AUTO_MODELS: weakref.WeakKeyDictionary[Network, dict[object, OutcomeModel | None]] = (
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
    model: OutcomeModel | None

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
) -> ScoringContext:
    """Prepare a network for scoring (arrays, travel-matrix look-up, outcome model)."""
    config = ScoringConfig() if config is None else config
    if not isinstance(config, ScoringConfig):
        raise InputError(f"config must be a ScoringConfig. Got {type(config).__name__} instead.")
    students, companies, student_xyz, company_xyz = _prepared(network)
    matrix = as_travel_matrix(travel_matrix, network)
    lookup = None if matrix is None else matrix.lookup(students.ids, companies.ids)
    if isinstance(outcome_model, str) and outcome_model == "auto":
        model = auto_outcome_model(network, matrix)
    elif outcome_model is None or isinstance(outcome_model, OutcomeModel):
        model = outcome_model
    else:
        raise InputError(
            f"The 'outcome_model' parameter must be an OutcomeModel, 'auto' or None. Got {outcome_model!r} instead."
        )
    return ScoringContext(network, students, companies, student_xyz, company_xyz, config, lookup, model)


def auto_outcome_model(network: Network, matrix: TravelMatrix | None = None) -> OutcomeModel | None:
    """An outcome model fitted on the network's history (cached), or None if the history is too small."""
    cache = _AUTO_MODELS.setdefault(network, {})
    if matrix not in cache:
        cache[matrix] = fit_outcome_model(network, matrix)
    return cache[matrix]


def fit_outcome_model(
    network: Network, travel_matrix: TravelMatrix | None = None, model: OutcomeModel | None = None
) -> OutcomeModel | None:
    """Fit ``model`` (default ``OutcomeModel()``) on all of the network's history; None if too little."""
    if not network.history:
        return None
    students, s, c, y = history_pairs(network)
    if not can_fit(y):
        return None
    _, companies = network_arrays_cached(network)
    lookup = None if travel_matrix is None else travel_matrix.lookup(students.ids, companies.ids)
    minutes = pair_minutes(students, companies, s, c, lookup)
    features = pair_features(students, companies, s, c, minutes)
    return (OutcomeModel() if model is None else model).fit(features, y)


def as_travel_matrix(travel_matrix: TravelMatrixOption, network: Network) -> TravelMatrix | None:
    """A validated ``TravelMatrix`` from a file path or table (or as given)."""
    if travel_matrix is None or isinstance(travel_matrix, TravelMatrix):
        return travel_matrix
    return load_travel_matrix(travel_matrix, network)
