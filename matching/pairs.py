"""Every eligible student-company pair with its score: the table the optimizer and gap analysis read.

``eligible_pairs(network)`` checks the hard rules and scores every eligible
pair, block by block of students, never building an n x m matrix: only
companies within a student's travel reach are compared (see
``matching.candidates``). ``score_pairs`` scores any given pairs, eligible or
not, with the full component breakdown; both share one code path, so a
breakdown adds up to the score in the pair table.
"""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from features.arrays import CompanyArrays, StudentArrays, network_arrays
from features.errors import InputError
from features.network import Network
from matching.candidates import DEFAULT_BLOCK_SIZE, pair_minutes, travel_blocks
from matching.components import component_fits, component_points, total_score
from matching.config import COMPONENTS, ScoringConfig
from matching.eligibility import ELIGIBLE, REASON_CODES, first_reason, overloads, rule_failures, support_load
from matching.outcome_model import OutcomeModel, can_fit, history_pairs, pair_features
from matching.pair_table import PairTable
from matching.travel_matrix import MatrixLookup, TravelMatrix, load_travel_matrix

OutcomeModelOption = OutcomeModel | Literal["auto"] | None
"""``"auto"``: fit on the network's history when it has enough (else rule-only); None: rule-only."""
TravelMatrixOption = TravelMatrix | str | os.PathLike[str] | pd.DataFrame | None

_ARRAYS: weakref.WeakKeyDictionary[Network, tuple[StudentArrays, CompanyArrays]] = weakref.WeakKeyDictionary()
_AUTO_MODELS: weakref.WeakKeyDictionary[Network, dict[object, OutcomeModel | None]] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True, eq=False)
class ScoringContext:
    """Everything scoring needs, prepared once per network: arrays, travel look-up, model, config."""

    network: Network
    students: StudentArrays
    companies: CompanyArrays
    config: ScoringConfig
    lookup: MatrixLookup | None
    model: OutcomeModel | None


@dataclass(frozen=True, eq=False)
class PairScores:
    """Scores of given pairs, eligible or not, with the reasons and the component breakdown."""

    s: np.ndarray  # (k,) int64 student position
    c: np.ndarray  # (k,) int64 company position
    minutes: np.ndarray  # (k,) float64 one-way travel
    failures: np.ndarray  # (k, len(REASON_CODES)) bool: every rule each pair fails
    reason: np.ndarray  # (k,) int8 first failed rule (index into REASON_CODES) or -1
    support_load: np.ndarray  # (k,) int64
    fits: np.ndarray  # (k, len(COMPONENTS)) in [0, 1]
    points: np.ndarray  # (k, len(COMPONENTS)) adding up to score
    score: np.ndarray  # (k,) in [0, 100]
    outcome_probability: np.ndarray | None  # (k,) learned P(job or fleksjob), None without a model

    @property
    def eligible(self) -> np.ndarray:
        return self.reason == ELIGIBLE

    def breakdown(self, k: int) -> dict[str, float]:
        """Component name to points for pair ``k``; the values add up to ``score[k]``."""
        return {name: float(self.points[k, j]) for j, name in enumerate(COMPONENTS)}


def network_arrays_cached(network: Network) -> tuple[StudentArrays, CompanyArrays]:
    """``features.arrays.network_arrays``, computed once per network object."""
    if network not in _ARRAYS:
        _ARRAYS[network] = network_arrays(network)
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
    students, companies = network_arrays_cached(network)
    matrix = _as_matrix(travel_matrix, network)
    lookup = None if matrix is None else matrix.lookup(students.ids, companies.ids)
    if isinstance(outcome_model, str) and outcome_model == "auto":
        model = auto_outcome_model(network, matrix)
    elif outcome_model is None or isinstance(outcome_model, OutcomeModel):
        model = outcome_model
    else:
        raise InputError(
            f"The 'outcome_model' parameter must be an OutcomeModel, 'auto' or None. Got {outcome_model!r} instead."
        )
    return ScoringContext(network, students, companies, config, lookup, model)


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


def eligible_pairs(
    network: Network,
    config: ScoringConfig | None = None,
    travel_matrix: TravelMatrixOption = None,
    outcome_model: OutcomeModelOption = "auto",
    *,
    block_size: int = DEFAULT_BLOCK_SIZE,
) -> PairTable:
    """Every eligible pair of the network with its score, travel time and support load.

    ``ineligible_counts[i, r]`` is how many companies rule ``REASON_CODES[r]``
    ruled out for student ``i`` (each ineligible pair counted once, under the
    first rule it fails); with the eligible pairs they add up to the number of
    companies. ``travel_matrix`` (a file, table or ``TravelMatrix``) replaces
    estimated travel times pair by pair; ``outcome_model="auto"`` learns from the
    network's history when it has enough, None scores by the rules only.
    """
    context = scoring_context(network, config, travel_matrix, outcome_model)
    return pair_table(context, block_size=block_size)


def pair_table(context: ScoringContext, block_size: int = DEFAULT_BLOCK_SIZE) -> PairTable:
    """``eligible_pairs`` for a prepared context."""
    students, companies = context.students, context.companies
    n, m = students.n, companies.n
    counts = np.zeros((n, len(REASON_CODES)), dtype=np.int64)
    slot = np.zeros(n, dtype=np.int64)
    parts: list[tuple[np.ndarray, ...]] = []
    for block in travel_blocks(students, companies, context.lookup, block_size):
        counts[block.rows, 0] = m - np.bincount(block.s, minlength=n)[block.rows]
        slot[block.rows] = np.arange(block.rows.shape[0])
        local = students.take(block.rows)
        ls = slot[block.s]
        load = support_load(local, companies, ls, block.c)
        overload = overloads(local, companies, ls, block.c)
        reason = first_reason(rule_failures(local, companies, ls, block.c, context.config, load, overload))
        ruled_out = reason != ELIGIBLE
        counts += np.bincount(
            block.s[ruled_out] * len(REASON_CODES) + reason[ruled_out], minlength=n * len(REASON_CODES)
        ).reshape(n, len(REASON_CODES))
        keep = ~ruled_out
        ls, c, minutes = ls[keep], block.c[keep], block.minutes[keep]
        points, _, _ = _points(context, local, ls, c, minutes, overload[keep])
        parts.append((block.s[keep], c, total_score(points), minutes, load[keep]))
    s, c, score, minutes, load = (
        (np.concatenate(column) for column in zip(*parts, strict=True))
        if parts
        else (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0), np.zeros(0, np.int64))
    )
    order = np.argsort(s, kind="stable")
    return PairTable(
        student_ids=students.ids,
        company_ids=companies.ids,
        student=s[order].astype(np.int32),
        company=c[order].astype(np.int32),
        score=score[order],
        travel_minutes=minutes[order].astype(np.float64),
        support_load=load[order].astype(np.int64),
        capacity=companies.capacity.astype(np.int64),
        mentor_capacity=companies.mentor_capacity.astype(np.int64),
        reason_codes=REASON_CODES,
        ineligible_counts=counts,
    )


def score_pairs(context: ScoringContext, s: np.ndarray, c: np.ndarray) -> PairScores:
    """Scores, eligibility (every failed rule) and breakdown of the given pairs (student, company positions)."""
    s = np.asarray(s, dtype=np.int64).reshape(-1)
    c = np.asarray(c, dtype=np.int64).reshape(-1)
    if s.shape != c.shape:
        raise InputError(f"s and c must have the same length. Got {s.shape[0]} and {c.shape[0]} instead.")
    students, companies = context.students, context.companies
    minutes = pair_minutes(students, companies, s, c, context.lookup)
    load = support_load(students, companies, s, c)
    overload = overloads(students, companies, s, c)
    rules = rule_failures(students, companies, s, c, context.config, load, overload)
    failures = np.concatenate([(minutes > students.max_travel[s])[:, None], rules], axis=1)
    reason = np.where(failures[:, 0], 0, first_reason(rules)).astype(np.int8)
    points, fits, probability = _points(context, students, s, c, minutes, overload)
    return PairScores(
        s=s,
        c=c,
        minutes=minutes,
        failures=failures,
        reason=reason,
        support_load=load,
        fits=fits,
        points=points,
        score=total_score(points),
        outcome_probability=probability,
    )


def component_breakdown(context: ScoringContext, s: np.ndarray, c: np.ndarray) -> dict[str, np.ndarray]:
    """Component name to points (aligned with the given pairs); the components add up to the score."""
    points = score_pairs(context, s, c).points
    return {name: points[:, j] for j, name in enumerate(COMPONENTS)}


def student_position(network: Network, student_id: str) -> int:
    """The position of a student of the cohort; an unknown ID names the closest ones."""
    from matching.lookup import position

    return position(network.student_position, student_id, "student", "elev")


def company_position(network: Network, company_id: str) -> int:
    """The position of a company; an unknown ID names the closest ones."""
    from matching.lookup import position

    return position(network.company_position, company_id, "company", "virksomhed")


def _points(
    context: ScoringContext,
    students: StudentArrays,
    s: np.ndarray,
    c: np.ndarray,
    minutes: np.ndarray,
    overload: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    probability = None
    if context.model is not None:
        features = pair_features(students, context.companies, s, c, minutes)
        probability = context.model.lasting_probability(features) if len(s) else np.zeros(0)
    fits = component_fits(students, context.companies, s, c, minutes, probability, context.config, overload)
    return component_points(fits, context.config, probability is not None), fits, probability


def _as_matrix(travel_matrix: TravelMatrixOption, network: Network) -> TravelMatrix | None:
    if travel_matrix is None or isinstance(travel_matrix, TravelMatrix):
        return travel_matrix
    return load_travel_matrix(travel_matrix, network)
