"""Score components: how well a pair does on each named aspect (a fit in [0, 1]), vectorised.

``component_fits`` returns one column per component in ``COMPONENTS`` order;
``component_points`` turns fits into points that add up to the score. The
rules for each fit are written out in docs/scoring.md.
"""

from __future__ import annotations

import numpy as np

from features.arrays import STRESS_ORDER, VARIETY_ORDER, CompanyArrays, StudentArrays
from features.vocabulary import StressReaction, TaskVariety
from matching.config import COMPONENTS, ScoringConfig
from matching.eligibility import complexity_gap, hours_shortfall, overloads
from matching.needs import psychological

INTEREST_FIT = np.array([0.0, 1.0, 0.7, 0.5] + [0.4] * 12)
"""Fit by interest rank: not interested, first choice, second, third, later."""

ROUTINE_FIT = np.array(
    [{TaskVariety.ROUTINE: 1.0, TaskVariety.VARIED: 0.2, TaskVariety.BOTH: 0.7}[v] for v in VARIETY_ORDER]
)
"""Fit of the company's task variety for a student who needs a routine task."""

CHANGE_LEVEL = np.array(
    [{TaskVariety.ROUTINE: 0, TaskVariety.VARIED: 2, TaskVariety.BOTH: 1}[v] for v in VARIETY_ORDER]
)
"""How much change the company's tasks bring (0 low .. 2 high), by task variety."""

ENVIRONMENT_STRAINS: tuple[tuple[StressReaction, str], ...] = (
    (StressReaction.SENSORY_SENSITIVITY, "noise"),
    (StressReaction.CONCENTRATION_DIFFICULTIES, "noise"),
    (StressReaction.STRESS_SENSITIVITY, "pace"),
    (StressReaction.LOW_STAMINA, "physical_demands"),
    (StressReaction.SOCIAL_LIMITATIONS, "customer_contact"),
    (StressReaction.COMMUNICATION_DIFFICULTIES, "customer_contact"),
    (StressReaction.CHANGE_DIFFICULTIES, "change"),
)
"""Each stress reaction and the aspect of the environment (0 low .. 2 high) that strains it."""

_STRESS_COLUMN = {reaction: k for k, reaction in enumerate(STRESS_ORDER)}
WORKSTATION_REACTIONS = (StressReaction.SOCIAL_LIMITATIONS, StressReaction.SENSORY_SENSITIVITY)
"""Stress reactions for which an own (shielded) workstation helps."""


def environment_level(companies: CompanyArrays, aspect: str, c: np.ndarray) -> np.ndarray:
    """(n_pairs,) int: the company's level 0..2 of an environment aspect (``change`` from task variety)."""
    if aspect == "change":
        return CHANGE_LEVEL[companies.task_variety[c]]
    return getattr(companies, aspect)[c]


def environment_strains(
    students: StudentArrays, companies: CompanyArrays, s: np.ndarray, c: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Strain units per item of ``ENVIRONMENT_STRAINS`` (n_pairs, 7) int8, and whether the student has it.

    Units = environment level (0..2) x (support level + 1) (1..4): 0 for a low
    level, 8 (the most) for a high level against a reaction needing most support.
    """
    units = np.zeros((s.shape[0], len(ENVIRONMENT_STRAINS)), dtype=np.int8, order="F")
    present = np.zeros((s.shape[0], len(ENVIRONMENT_STRAINS)), dtype=bool, order="F")
    for k, (reaction, aspect) in enumerate(ENVIRONMENT_STRAINS):
        level = students.stress[s, _STRESS_COLUMN[reaction]]
        present[:, k] = level >= 0
        units[:, k] = environment_level(companies, aspect, c) * np.maximum(level + 1, 0)
    return units, present


def has_reaction(students: StudentArrays, reaction: StressReaction, s: np.ndarray) -> np.ndarray:
    return students.stress[s, _STRESS_COLUMN[reaction]] >= 0


def wants_own_workstation(students: StudentArrays) -> np.ndarray:
    """(n,) bool: a shielded workstation is needed or helps (social limitations, sensory sensitivity)."""
    wants = students.needs_shielded.copy()
    for reaction in WORKSTATION_REACTIONS:
        wants |= students.stress[:, _STRESS_COLUMN[reaction]] >= 0
    return wants


# --- Fits from primitive values, shared by the per-pair and the block scorer -----------------


def interest_fit(rank: np.ndarray) -> np.ndarray:
    """The company's industry among the student's interests (rank 1 = first choice, 0 = none)."""
    return INTEREST_FIT[rank]


def complexity_fit(gap: np.ndarray, under: np.ndarray) -> np.ndarray:
    """``gap``: simplest tasks above the student's level; ``under``: student's level above the hardest tasks.

    Tasks at the student's level fit fully; simplest tasks above it cost most,
    being two or more levels under-challenged costs a little.
    """
    return np.where(
        gap >= 1,
        np.maximum(0.0, 0.4 - 0.25 * (gap - 1)),
        np.where(under >= 2, 1.0 - 0.15 * (under - 1), 1.0),
    )


def hours_fit(shortfall: np.ndarray) -> np.ndarray:
    """Full fit when the weekly ranges overlap, 0.15 less per hour missed."""
    return np.maximum(0.0, 1.0 - 0.15 * shortfall)


def structure_fit(
    needs_routine: np.ndarray,
    wants_own: np.ndarray,
    variety: np.ndarray,
    shielded: np.ndarray,
    team: np.ndarray,
) -> np.ndarray:
    """Mean over the structure needs a student has: a routine task; an own workstation. 1 with no needs."""
    routine = ROUTINE_FIT[variety]
    own = np.where(shielded, 1.0, np.where(team, 0.3, 0.6))
    applicable = needs_routine.astype(np.int8) + wants_own
    total = np.where(needs_routine, routine, 0.0) + np.where(wants_own, own, 0.0)
    return np.where(applicable > 0, total / np.maximum(applicable, 1), 1.0)


def environment_fit(strain_units: np.ndarray, reactions: np.ndarray) -> np.ndarray:
    """1 - mean strain over the student's relevant stress reactions (units / 8 each); 1 with none."""
    return np.where(reactions > 0, 1.0 - strain_units / (8.0 * np.maximum(reactions, 1)), 1.0)


def work_demands_fit(overload_total: np.ndarray, scale: float) -> np.ndarray:
    """Total overload (requirement above ability) costs points, down to 0 at ``scale``."""
    return np.maximum(0.0, 1.0 - overload_total / scale)


def support_fit(
    needs_mentor: np.ndarray,
    psychological: np.ndarray,
    high_support: np.ndarray,
    trained: np.ndarray,
    flexible: np.ndarray,
) -> np.ndarray:
    """A trained mentor for a student who needs one (most for psychological impairments); flexible management."""
    mentor = np.where(trained, 1.0, np.where(psychological, 0.3, 0.6))
    management = np.where(flexible, 1.0, np.where(high_support, 0.3, 0.7))
    return np.where(needs_mentor, (mentor + management) / 2, management)


def travel_fit(minutes: np.ndarray, max_travel: np.ndarray, comfortable_share: float) -> np.ndarray:
    """Free up to a comfortable share of the student's maximum, then down to 0 at the maximum."""
    return np.clip((1.0 - minutes / max_travel) / (1.0 - comfortable_share), 0.0, 1.0)


def component_fits(
    students: StudentArrays,
    companies: CompanyArrays,
    s: np.ndarray,
    c: np.ndarray,
    minutes: np.ndarray,
    outcome_probability: np.ndarray | None,
    config: ScoringConfig,
    overload_total: np.ndarray | None = None,
) -> np.ndarray:
    """(n_pairs, len(COMPONENTS)) float64: each component's fit in [0, 1].

    ``outcome_probability`` is the learned P(a job of any kind) of each pair, or
    None without a model (the ``outcome`` column is then 0 and carries no weight).
    ``overload_total``: the pairs' summed overloads, if already known.
    """
    fits = np.empty((s.shape[0], len(COMPONENTS)), order="F")
    if overload_total is None:
        overload_total = overloads(students, companies, s, c).sum(axis=1, dtype=np.int32)
    under = students.complexity[s].astype(np.int32) - companies.complexity_max[c]
    units, present = environment_strains(students, companies, s, c)
    fits[:, 0] = interest_fit(students.interest_rank[s, companies.industry[c]])
    fits[:, 1] = complexity_fit(complexity_gap(students, companies, s, c), under)
    fits[:, 2] = hours_fit(hours_shortfall(students, companies, s, c))
    fits[:, 3] = structure_fit(
        students.needs_routine[s],
        wants_own_workstation(students)[s],
        companies.task_variety[c],
        companies.shielded_workstation[c],
        companies.team_work[c],
    )
    fits[:, 4] = environment_fit(units.sum(axis=1, dtype=np.int32), present.sum(axis=1, dtype=np.int32))
    fits[:, 5] = work_demands_fit(overload_total, config.overload_scale)
    fits[:, 6] = support_fit(
        students.needs_mentor[s],
        psychological(students)[s],
        students.support_max[s] >= 2,
        companies.mentor_trained[c],
        companies.flexible_management[c],
    )
    fits[:, 7] = travel_fit(minutes, students.max_travel[s], config.comfortable_travel_share)
    fits[:, 8] = 0.0 if outcome_probability is None else outcome_probability
    return fits


def component_points(fits: np.ndarray, config: ScoringConfig, with_outcome: bool) -> np.ndarray:
    """(n_pairs, len(COMPONENTS)) points: fit x the component's share of 100."""
    return fits * np.asarray(config.points_per_component(with_outcome))


def total_score(points: np.ndarray) -> np.ndarray:
    """The score: the components' points added left to right, so a breakdown sums to it.

    Clipped to [0, 100] against rounding (a difference of at most 1e-13).
    """
    score = np.zeros(points.shape[0])
    for k in range(points.shape[1]):
        score = score + points[:, k]
    return np.clip(score, 0.0, 100.0)
