"""What the learned outcome model reads: the features of a student-company pair, and the history as pairs.

Plain numpy, no scikit-learn: scoring with a stored model (``matching.stored_model``)
needs these features but not the library that fitted it. ``pair_features``
describes a pair on the same terms as the rule score (interest, complexity,
hours, overloads, travel, structure, environment strain) plus *support x need*
interactions (a trained mentor or flexible management against psychological,
cognitive or physical impairments, high support needs, the need for a mentor).
"""

from __future__ import annotations

import numpy as np

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


def logistic(logit: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-logit)): the model's probability from its logit.

    The formula scipy's ``expit`` evaluates, in numpy (the same numbers, up to the last bit
    where numpy's ``exp`` differs from the C library's): scoring does not wait a fifth of a
    second for ``scipy.special`` to import.
    """
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-logit))


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


def history_pairs(network: Network) -> tuple[StudentArrays, np.ndarray, np.ndarray, np.ndarray]:
    """Past placements as pairs: (students of each row, row index, company position, outcome 0/1).

    The student of a placement is looked up among the alumni first, then the cohort. Only
    ``network.usable_history`` is used: rows naming a student or company not in the files are left out.
    """
    history = network.usable_history
    by_id = {s.student_id: s for s in network.students}
    by_id.update({s.student_id: s for s in network.alumni})
    placed = [by_id[p.student_id] for p in history]
    students = student_arrays(placed)
    s = np.arange(len(placed), dtype=np.int64)
    c = np.array([network.company_position[p.company_id] for p in history], dtype=np.int64)
    y = np.array([p.outcome.is_lasting_attachment for p in history], dtype=np.int64)
    return students, s, c, y


def can_fit(y: np.ndarray, min_placements: int = MIN_PLACEMENTS) -> bool:
    """Enough history to learn from: ``min_placements`` rows with both outcomes present."""
    return y.shape[0] >= min_placements and 0 < int(y.sum()) < y.shape[0]
