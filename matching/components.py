"""Score components: how well a pair does on each named aspect (a fit in [0, 1]), vectorised.

``component_fits`` returns one column per component in ``COMPONENTS`` order;
``component_points`` turns fits into points that add up to the score. The
rules for each fit are written out in docs/scoring.md.
"""

from __future__ import annotations

import numpy as np

from features.arrays import STRESS_ORDER, VARIETY_ORDER, CompanyArrays, StudentArrays
from features.vocabulary import ImpairmentGroup, StressReaction, TaskVariety
from matching.config import COMPONENTS, ScoringConfig
from matching.eligibility import complexity_gap, hours_shortfall, overloads

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
    """Strain per item of ``ENVIRONMENT_STRAINS`` (n_pairs, 7) and whether the student has it (bool).

    Strain = environment level / 2 x (support level + 1) / 4: 1.0 for a high
    level against a reaction needing most support, 0 for a low level.
    """
    strain = np.zeros((s.shape[0], len(ENVIRONMENT_STRAINS)), order="F")
    present = np.zeros((s.shape[0], len(ENVIRONMENT_STRAINS)), dtype=bool, order="F")
    for k, (reaction, aspect) in enumerate(ENVIRONMENT_STRAINS):
        level = students.stress[s, _STRESS_COLUMN[reaction]]
        present[:, k] = level >= 0
        strain[:, k] = np.where(
            level >= 0, environment_level(companies, aspect, c) / 2 * (level + 1) / 4, 0.0
        )
    return strain, present


def has_reaction(students: StudentArrays, reaction: StressReaction, s: np.ndarray) -> np.ndarray:
    return students.stress[s, _STRESS_COLUMN[reaction]] >= 0


def psychological(students: StudentArrays) -> np.ndarray:
    """(n,) bool: the student has a psychological impairment (autism, ADHD, anxiety, depression)."""
    return students.has_group(ImpairmentGroup.PSYCHOLOGICAL)


def component_fits(
    students: StudentArrays,
    companies: CompanyArrays,
    s: np.ndarray,
    c: np.ndarray,
    minutes: np.ndarray,
    outcome_probability: np.ndarray | None,
    config: ScoringConfig,
    overload: np.ndarray | None = None,
) -> np.ndarray:
    """(n_pairs, len(COMPONENTS)) float64: each component's fit in [0, 1].

    ``outcome_probability`` is the learned P(job or fleksjob) of each pair, or
    None without a model (the ``outcome`` column is then 0 and carries no weight).
    """
    n = s.shape[0]
    fits = np.empty((n, len(COMPONENTS)), order="F")
    if overload is None:
        overload = overloads(students, companies, s, c)

    # Interest: the company's industry among the student's interests, first choice best.
    fits[:, 0] = INTEREST_FIT[students.interest_rank[s, companies.industry[c]]]

    # Complexity: tasks at the student's level; simplest tasks above it cost most, under-challenge a little.
    gap = complexity_gap(students, companies, s, c)
    under = students.complexity[s].astype(np.int32) - companies.complexity_max[c]
    fits[:, 1] = np.where(
        gap >= 1,
        np.maximum(0.0, 0.4 - 0.25 * (gap - 1)),
        np.where(under >= 2, 1.0 - 0.15 * (under - 1), 1.0),
    )

    # Hours: full fit when the weekly ranges overlap, 0.15 less per hour missed.
    fits[:, 2] = np.maximum(0.0, 1.0 - 0.15 * hours_shortfall(students, companies, s, c))

    # Structure: a routine task for a student who needs routine; an own workstation where it helps.
    needs_routine = students.needs_routine[s]
    routine = ROUTINE_FIT[companies.task_variety[c]]
    wants_own = students.needs_shielded[s].copy()
    for reaction in WORKSTATION_REACTIONS:
        wants_own |= has_reaction(students, reaction, s)
    own = np.where(companies.shielded_workstation[c], 1.0, np.where(companies.team_work[c], 0.3, 0.6))
    applicable = needs_routine.astype(np.int8) + wants_own
    total = np.where(needs_routine, routine, 0.0) + np.where(wants_own, own, 0.0)
    fits[:, 3] = np.where(applicable > 0, total / np.maximum(applicable, 1), 1.0)

    # Environment: noise, pace, physical demands, customer contact and change against stress reactions.
    strain, present = environment_strains(students, companies, s, c)
    count = present.sum(axis=1)
    fits[:, 4] = np.where(count > 0, 1.0 - strain.sum(axis=1) / np.maximum(count, 1), 1.0)

    # Work demands: total overload (requirement above ability) costs points up to overload_scale.
    fits[:, 5] = np.maximum(0.0, 1.0 - overload.sum(axis=1, dtype=np.int32) / config.overload_scale)

    # Support: a trained mentor for a student who needs one; present, flexible management.
    needs_mentor = students.needs_mentor[s]
    trained = companies.mentor_trained[c]
    mentor = np.where(trained, 1.0, np.where(psychological(students)[s], 0.3, 0.6))
    high_support = students.support_max[s] >= 2
    management = np.where(companies.flexible_management[c], 1.0, np.where(high_support, 0.3, 0.7))
    fits[:, 6] = np.where(needs_mentor, (mentor + management) / 2, management)

    # Travel: free up to a comfortable share of the student's maximum, then down to 0 at the maximum.
    ratio = minutes / students.max_travel[s]
    fits[:, 7] = np.clip((1.0 - ratio) / (1.0 - config.comfortable_travel_share), 0.0, 1.0)

    # Outcome: the learned probability of a job or fleksjob.
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
