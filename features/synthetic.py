"""A synthetic company network, deterministic by seed, calibrated to the Joballiancen pilot.

The default (140 students, 220 companies) reproduces the pilot figures in
DOMAIN.md: 112 men, 78 aged 19-20, five STU sites, 35 home municipalities,
15 industries, on average 2 impairments and 5 stress reactions per student.

Structure, not uniform noise: each student has a latent *profile* (autism,
ADHD, general learning difficulties, anxiety/depression, physical) that makes
impairments, stress reactions, abilities and needs go together as in life;
workplace structure follows the industry; interests follow the site (AspIT
students lean to IT). Past placements of alumni get outcomes from a written
ground-truth process (``outcome_probability``), so a learned model has
something real to learn.

Everything is vectorised, so national scale (1,700 x 5,000) and beyond
(45,000 x 20,000) take seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.geography import MUNICIPALITIES, PILOT_SITES, POPULATION_THOUSANDS, StuSite, haversine_km
from features.travel import TRANSPORT_ORDER, estimate_minutes
from features.vocabulary import (
    Impairment,
    Industry,
    Outcome,
    ShareCategory,
    StressReaction,
    SupportLevel,
    TransportMode,
    WorkDemand,
)

PILOT_STUDENTS = 140
PILOT_COMPANIES = 220
PILOT_SHARE_MEN = 112 / 140
PILOT_SHARE_AGED_19_20 = 78 / 140
DEFAULT_SEED = 2019
STUDENTS_PER_SITE = 28
LASTING_SHARE = 0.81  # pilot: 81 % in a job 12 months after STU

INDUSTRIES = tuple(Industry)
IMPAIRMENTS = tuple(Impairment)
STRESS = tuple(StressReaction)
DEMANDS = tuple(WorkDemand)
LEVELS = tuple(SupportLevel)

# --- Student profiles -------------------------------------------------------

PROFILES = ("autism", "adhd", "cognitive", "psychological", "physical")
PROFILE_SHARE = np.array([0.30, 0.18, 0.27, 0.17, 0.08])
# AspIT trains young people on the autism spectrum for IT jobs (the seeds): most of its students are
# autistic, some have ADHD or anxiety; other sites follow PROFILE_SHARE.
SITE_PROFILE_SHARE: dict[str, np.ndarray] = {
    "aspit_sonderjylland": np.array([0.80, 0.10, 0.0, 0.07, 0.03]),
}

_I = {imp: k for k, imp in enumerate(IMPAIRMENTS)}
_S = {sr: k for k, sr in enumerate(STRESS)}
_D = {d: k for k, d in enumerate(DEMANDS)}
_IND = {ind: k for k, ind in enumerate(INDUSTRIES)}


def _matrix(rows: dict[str, dict], index: dict, width: int, base: float = 0.0) -> np.ndarray:
    out = np.full((len(PROFILES), width), base)
    for p, row in rows.items():
        for key, value in row.items():
            out[PROFILES.index(p), index[key]] = value
    return out


# Probability of each impairment given the profile (the primary one is certain).
IMPAIRMENT_PROB = _matrix(
    {
        "autism": {
            Impairment.AUTISM: 1.0,
            Impairment.ANXIETY: 0.35,
            Impairment.ADHD: 0.2,
            Impairment.LEARNING_DISABILITY: 0.25,
            Impairment.INTELLECTUAL_DISABILITY: 0.1,
        },
        "adhd": {
            Impairment.ADHD: 1.0,
            Impairment.LEARNING_DISABILITY: 0.4,
            Impairment.ANXIETY: 0.15,
            Impairment.DEPRESSION: 0.1,
            Impairment.AUTISM: 0.1,
        },
        "cognitive": {
            Impairment.INTELLECTUAL_DISABILITY: 1.0,
            Impairment.LEARNING_DISABILITY: 0.3,
            Impairment.EPILEPSY: 0.1,
            Impairment.ADHD: 0.2,
            Impairment.ANXIETY: 0.15,
            Impairment.AUTISM: 0.1,
        },
        "psychological": {
            Impairment.ANXIETY: 0.8,
            Impairment.DEPRESSION: 0.55,
            Impairment.LEARNING_DISABILITY: 0.2,
            Impairment.ADHD: 0.15,
        },
        "physical": {
            Impairment.MOBILITY: 0.6,
            Impairment.ACQUIRED_BRAIN_INJURY: 0.35,
            Impairment.EPILEPSY: 0.2,
            Impairment.HEARING: 0.15,
            Impairment.VISION: 0.15,
            Impairment.INTELLECTUAL_DISABILITY: 0.25,
        },
    },
    _I,
    len(IMPAIRMENTS),
    base=0.022,
)

STRESS_PROB = _matrix(
    {
        "autism": {
            StressReaction.SOCIAL_LIMITATIONS: 0.85,
            StressReaction.COMMUNICATION_DIFFICULTIES: 0.75,
            StressReaction.CHANGE_DIFFICULTIES: 0.7,
            StressReaction.SENSORY_SENSITIVITY: 0.6,
            StressReaction.WEAK_NETWORK: 0.55,
            StressReaction.LIFE_SKILLS: 0.45,
            StressReaction.STRESS_SENSITIVITY: 0.35,
            StressReaction.SKILL_TRANSFER: 0.3,
            StressReaction.DAILY_RHYTHM: 0.2,
            StressReaction.LOW_SELF_ESTEEM: 0.2,
            StressReaction.CONCENTRATION_DIFFICULTIES: 0.15,
            StressReaction.LOW_STAMINA: 0.15,
        },
        "adhd": {
            StressReaction.CONCENTRATION_DIFFICULTIES: 0.85,
            StressReaction.DAILY_RHYTHM: 0.65,
            StressReaction.LIFE_SKILLS: 0.6,
            StressReaction.SOCIAL_LIMITATIONS: 0.5,
            StressReaction.WEAK_NETWORK: 0.55,
            StressReaction.LOW_SELF_ESTEEM: 0.45,
            StressReaction.STRESS_SENSITIVITY: 0.4,
            StressReaction.COMMUNICATION_DIFFICULTIES: 0.35,
            StressReaction.CHANGE_DIFFICULTIES: 0.2,
            StressReaction.LOW_STAMINA: 0.2,
        },
        "cognitive": {
            StressReaction.LIFE_SKILLS: 0.8,
            StressReaction.SKILL_TRANSFER: 0.75,
            StressReaction.COMMUNICATION_DIFFICULTIES: 0.65,
            StressReaction.WEAK_NETWORK: 0.6,
            StressReaction.SOCIAL_LIMITATIONS: 0.6,
            StressReaction.CHANGE_DIFFICULTIES: 0.4,
            StressReaction.CONCENTRATION_DIFFICULTIES: 0.35,
            StressReaction.LOW_SELF_ESTEEM: 0.3,
            StressReaction.DAILY_RHYTHM: 0.25,
            StressReaction.LOW_STAMINA: 0.2,
        },
        "psychological": {
            StressReaction.STRESS_SENSITIVITY: 0.85,
            StressReaction.LOW_SELF_ESTEEM: 0.7,
            StressReaction.SOCIAL_LIMITATIONS: 0.7,
            StressReaction.WEAK_NETWORK: 0.65,
            StressReaction.LOW_STAMINA: 0.5,
            StressReaction.DAILY_RHYTHM: 0.45,
            StressReaction.LIFE_SKILLS: 0.45,
            StressReaction.COMMUNICATION_DIFFICULTIES: 0.35,
            StressReaction.CONCENTRATION_DIFFICULTIES: 0.3,
        },
        "physical": {
            StressReaction.LOW_STAMINA: 0.8,
            StressReaction.WEAK_NETWORK: 0.5,
            StressReaction.LIFE_SKILLS: 0.5,
            StressReaction.SOCIAL_LIMITATIONS: 0.45,
            StressReaction.COMMUNICATION_DIFFICULTIES: 0.4,
            StressReaction.LOW_SELF_ESTEEM: 0.35,
            StressReaction.CONCENTRATION_DIFFICULTIES: 0.3,
            StressReaction.SKILL_TRANSFER: 0.25,
        },
    },
    _S,
    len(STRESS),
    base=0.05,
)

# Shift of each ability (1..5 scale) by profile, before severity and noise.
ABILITY_SHIFT = _matrix(
    {
        "autism": {
            WorkDemand.SOCIAL_CONTACT: -1.2,
            WorkDemand.ADAPTING_TO_CHANGE: -1.3,
            WorkDemand.NOISE_TOLERANCE: -1.3,
            WorkDemand.TEAMWORK: -0.8,
            WorkDemand.ATTENTION: 0.6,
            WorkDemand.FINE_MOTOR: 0.2,
            WorkDemand.BASIC_SKILLS: 0.3,
        },
        "adhd": {
            WorkDemand.ATTENTION: -1.3,
            WorkDemand.STAMINA: -0.4,
            WorkDemand.PACE: 0.3,
            WorkDemand.INDEPENDENCE: -0.6,
            WorkDemand.ADAPTING_TO_CHANGE: 0.2,
        },
        "cognitive": {
            WorkDemand.BASIC_SKILLS: -1.6,
            WorkDemand.INDEPENDENCE: -1.0,
            WorkDemand.ADAPTING_TO_CHANGE: -0.7,
            WorkDemand.ATTENTION: -0.5,
            WorkDemand.PACE: -0.5,
        },
        "psychological": {
            WorkDemand.STAMINA: -0.9,
            WorkDemand.SOCIAL_CONTACT: -0.7,
            WorkDemand.PACE: -0.7,
            WorkDemand.NOISE_TOLERANCE: -0.4,
            WorkDemand.ADAPTING_TO_CHANGE: -0.4,
        },
        "physical": {
            WorkDemand.PHYSICAL_STRENGTH: -1.7,
            WorkDemand.STAMINA: -1.0,
            WorkDemand.FINE_MOTOR: -0.6,
            WorkDemand.PACE: -0.5,
        },
    },
    _D,
    len(DEMANDS),
)

# Stress reactions that lower an ability.
STRESS_ABILITY_EFFECT: tuple[tuple[StressReaction, WorkDemand, float], ...] = (
    (StressReaction.SENSORY_SENSITIVITY, WorkDemand.NOISE_TOLERANCE, -0.9),
    (StressReaction.LOW_STAMINA, WorkDemand.STAMINA, -0.8),
    (StressReaction.CONCENTRATION_DIFFICULTIES, WorkDemand.ATTENTION, -0.7),
    (StressReaction.CHANGE_DIFFICULTIES, WorkDemand.ADAPTING_TO_CHANGE, -0.7),
    (StressReaction.SOCIAL_LIMITATIONS, WorkDemand.SOCIAL_CONTACT, -0.5),
    (StressReaction.COMMUNICATION_DIFFICULTIES, WorkDemand.TEAMWORK, -0.4),
    (StressReaction.STRESS_SENSITIVITY, WorkDemand.PACE, -0.5),
)

# Industry interests by profile (multiplies the site's weights).
PROFILE_INTEREST = _matrix(
    {
        "autism": {
            Industry.IT_SOFTWARE_TESTING: 2.5,
            Industry.WAREHOUSE_LOGISTICS: 1.5,
            Industry.RECYCLING_ENVIRONMENT: 1.3,
            Industry.HOTEL_CAFE_RESTAURANT: 0.4,
            Industry.RETAIL: 0.5,
        },
        "adhd": {
            Industry.AUTOMOTIVE_WORKSHOP: 1.6,
            Industry.TRANSPORT_COURIER: 1.5,
            Industry.WOOD_CARPENTRY: 1.4,
            Industry.OFFICE_ADMINISTRATION: 0.5,
        },
        "cognitive": {
            Industry.KITCHEN_CANTEEN: 1.5,
            Industry.CLEANING_FACILITY: 1.6,
            Industry.GARDENING_LANDSCAPING: 1.4,
            Industry.IT_SOFTWARE_TESTING: 0.4,
            Industry.OFFICE_ADMINISTRATION: 0.4,
        },
        "psychological": {
            Industry.AGRICULTURE_ANIMAL_CARE: 1.6,
            Industry.GARDENING_LANDSCAPING: 1.3,
            Industry.OFFICE_ADMINISTRATION: 1.3,
            Industry.HOTEL_CAFE_RESTAURANT: 0.6,
        },
        "physical": {
            Industry.OFFICE_ADMINISTRATION: 2.5,
            Industry.IT_SOFTWARE_TESTING: 2.0,
            Industry.RETAIL: 1.2,
            Industry.METAL_SMITHY: 0.3,
            Industry.WAREHOUSE_LOGISTICS: 0.4,
            Industry.AGRICULTURE_ANIMAL_CARE: 0.4,
        },
    },
    _IND,
    len(INDUSTRIES),
    base=1.0,
)


def _site_weights(**weights: float) -> np.ndarray:
    out = np.ones(len(INDUSTRIES))
    for name, value in weights.items():
        out[_IND[Industry(name)]] = value
    return out / out.sum()


# What each pilot site's students and network lean to; other sites are even.
SITE_INDUSTRY_WEIGHTS: dict[str, np.ndarray] = {
    "ev_vestjylland": _site_weights(
        metal_smithy=3,
        agriculture_animal_care=3,
        wood_carpentry=2.5,
        automotive_workshop=2.5,
        manufacturing=2,
    ),
    "aspit_sonderjylland": _site_weights(
        it_software_testing=9, office_administration=2, warehouse_logistics=1.5
    ),
    "lille_vildmose": _site_weights(
        agriculture_animal_care=3, gardening_landscaping=3, kitchen_canteen=2, recycling_environment=2
    ),
    "castberggaard": _site_weights(
        warehouse_logistics=2.5,
        retail=2.5,
        kitchen_canteen=2,
        hotel_cafe_restaurant=2,
        office_administration=1.5,
    ),
    "pmu_sindal": _site_weights(
        recycling_environment=3,
        gardening_landscaping=2.5,
        manufacturing=2.5,
        cleaning_facility=2,
        transport_courier=1.5,
    ),
}
EVEN_WEIGHTS = np.full(len(INDUSTRIES), 1 / len(INDUSTRIES))


def _interest_distribution(sites: list[StuSite]) -> np.ndarray:
    """(sites, industries): the share of each site's students whose first interest is each industry.

    A student's interests are drawn by the site's weights times the profile's, so this is the
    profile mix of the site over the normalised products.
    """
    out = np.zeros((len(sites), len(INDUSTRIES)))
    for s, site in enumerate(sites):
        weights = SITE_INDUSTRY_WEIGHTS.get(site.site_id, EVEN_WEIGHTS)[None, :] * PROFILE_INTEREST
        weights /= weights.sum(axis=1, keepdims=True)
        out[s] = SITE_PROFILE_SHARE.get(site.site_id, PROFILE_SHARE) @ weights
    return out


# --- Workplace structure by industry -----------------------------------------
# complexity min/max, P(routine), P(varied), P(shielded workstation), P(team work),
# noise, pace, customer contact, physical demands (0 low .. 2 high),
# P(daytime possible), P(weekend days), fine-motor and basic-skills demand (1..5).
INDUSTRY_STRUCTURE: dict[Industry, tuple] = {
    Industry.RETAIL: (1, 3, 0.3, 0.4, 0.1, 0.6, 1, 1, 2, 1, 0.8, 0.5, 2, 3),
    Industry.KITCHEN_CANTEEN: (1, 3, 0.5, 0.2, 0.15, 0.8, 2, 2, 0, 1, 0.9, 0.1, 3, 2),
    Industry.HOTEL_CAFE_RESTAURANT: (1, 3, 0.2, 0.5, 0.05, 0.8, 2, 2, 2, 1, 0.5, 0.6, 3, 2),
    Industry.WAREHOUSE_LOGISTICS: (1, 2, 0.7, 0.1, 0.3, 0.5, 1, 1, 0, 2, 0.9, 0.05, 2, 2),
    Industry.TRANSPORT_COURIER: (1, 3, 0.5, 0.2, 0.5, 0.2, 1, 1, 1, 1, 0.8, 0.2, 2, 2),
    Industry.AUTOMOTIVE_WORKSHOP: (2, 4, 0.2, 0.5, 0.2, 0.6, 2, 1, 0, 2, 1.0, 0.05, 4, 3),
    Industry.METAL_SMITHY: (2, 4, 0.4, 0.3, 0.2, 0.6, 2, 1, 0, 2, 1.0, 0.0, 4, 3),
    Industry.WOOD_CARPENTRY: (2, 4, 0.3, 0.4, 0.2, 0.6, 2, 1, 0, 2, 1.0, 0.0, 4, 3),
    Industry.MANUFACTURING: (1, 3, 0.8, 0.1, 0.3, 0.5, 2, 2, 0, 1, 0.8, 0.1, 3, 2),
    Industry.IT_SOFTWARE_TESTING: (2, 5, 0.5, 0.2, 0.6, 0.4, 0, 0, 0, 0, 1.0, 0.0, 3, 4),
    Industry.GARDENING_LANDSCAPING: (1, 3, 0.5, 0.3, 0.3, 0.5, 1, 1, 0, 2, 1.0, 0.05, 2, 2),
    Industry.AGRICULTURE_ANIMAL_CARE: (1, 3, 0.6, 0.2, 0.4, 0.4, 1, 0, 0, 2, 0.8, 0.6, 2, 2),
    Industry.CLEANING_FACILITY: (1, 2, 0.8, 0.1, 0.5, 0.3, 0, 1, 0, 1, 0.6, 0.2, 2, 1),
    Industry.OFFICE_ADMINISTRATION: (2, 4, 0.3, 0.4, 0.4, 0.6, 0, 1, 1, 0, 1.0, 0.0, 2, 4),
    Industry.RECYCLING_ENVIRONMENT: (1, 3, 0.6, 0.2, 0.3, 0.6, 1, 1, 1, 1, 0.9, 0.2, 2, 2),
}

COMPANY_NOUNS: dict[Industry, str] = {
    Industry.RETAIL: "Butik",
    Industry.KITCHEN_CANTEEN: "Kantine",
    Industry.HOTEL_CAFE_RESTAURANT: "Café",
    Industry.WAREHOUSE_LOGISTICS: "Lager",
    Industry.TRANSPORT_COURIER: "Transport",
    Industry.AUTOMOTIVE_WORKSHOP: "Autoværksted",
    Industry.METAL_SMITHY: "Smedje",
    Industry.WOOD_CARPENTRY: "Snedkeri",
    Industry.MANUFACTURING: "Fabrik",
    Industry.IT_SOFTWARE_TESTING: "IT-test",
    Industry.GARDENING_LANDSCAPING: "Anlægsgartner",
    Industry.AGRICULTURE_ANIMAL_CARE: "Gård",
    Industry.CLEANING_FACILITY: "Rengøring",
    Industry.OFFICE_ADMINISTRATION: "Kontorservice",
    Industry.RECYCLING_ENVIRONMENT: "Genbrugsplads",
}
LEVEL_NAMES = ("low", "medium", "high")
WEEKDAYS_ALL = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CONSENT_SHARE_PROB: dict[ShareCategory, float] = {
    ShareCategory.INTERESTS: 0.97,
    ShareCategory.NEEDS: 0.9,
    ShareCategory.ABILITIES: 0.85,
    ShareCategory.SUPPORT: 0.8,
    ShareCategory.STRESS_REACTIONS: 0.5,
    ShareCategory.IMPAIRMENTS: 0.35,
}


@dataclass(frozen=True)
class SyntheticNetwork:
    """Tables in the file format, plus the ground truth behind the history."""

    tables: dict[str, pd.DataFrame]
    history_lasting_probability: np.ndarray  # the true P(any kind of job) of each history row


def generate(
    n_students: int = PILOT_STUDENTS,
    n_companies: int = PILOT_COMPANIES,
    seed: int = DEFAULT_SEED,
    n_alumni: int | None = None,
) -> SyntheticNetwork:
    """Generate a network of ``n_students`` and ``n_companies``, deterministic by ``seed``."""
    if n_students < 1 or n_companies < 1:
        raise ValueError(f"n_students and n_companies must be at least 1; got {n_students} and {n_companies}")
    if n_alumni is None:
        n_alumni = min(max(3 * n_students, 300), 5000)
    if n_alumni < 0:
        raise ValueError(f"n_alumni must be at least 0; got {n_alumni}")
    rng = np.random.default_rng(seed)
    sites = _sites_for(n_students, rng)
    students = _students(n_students, sites, rng, prefix="S", exact_pilot_shares=True)
    companies = _companies(n_companies, sites, n_students, rng)
    alumni = _students(n_alumni, sites, rng, prefix="A", exact_pilot_shares=False)
    history, truth = _history(alumni, companies, rng)
    tables = {
        "students": _student_table(students),
        "companies": _company_table(companies),
    }
    if n_alumni:
        tables["history"] = history
        tables["alumni"] = _student_table(alumni)
    return SyntheticNetwork(tables=tables, history_lasting_probability=truth)


# --- Sites --------------------------------------------------------------------


def _sites_for(n_students: int, rng: np.random.Generator) -> list[StuSite]:
    """The five pilot sites, plus one more per 28 students in other municipalities at scale.

    Larger municipalities are more likely to get a site, as STU follows the population: the order
    is a draw without replacement weighted by inhabitants (Efraimidis-Spirakis keys).
    """
    sites = list(PILOT_SITES)
    wanted = math.ceil(n_students / STUDENTS_PER_SITE)
    used = {s.municipality for s in sites}
    others = [m for m in MUNICIPALITIES.values() if m.name not in used]
    population = np.array([POPULATION_THOUSANDS[m.name] for m in others])
    order = np.argsort(-(rng.random(len(others)) ** (1 / population)), kind="stable")
    for k in order[: max(0, wanted - len(sites))]:
        town = others[k]
        sites.append(
            StuSite(
                site_id=f"stu_{_slug(town.name)}",
                name=f"STU {town.name}",
                town=town.name,
                municipality=town.name,
                lat=town.lat,
                lon=town.lon,
                catchment=_nearest_municipalities(town.lat, town.lon, 7),
            )
        )
    return sites


def _nearest_municipalities(lat: float, lon: float, k: int) -> tuple[str, ...]:
    names = list(MUNICIPALITIES)
    lats = np.array([MUNICIPALITIES[n].lat for n in names])
    lons = np.array([MUNICIPALITIES[n].lon for n in names])
    order = np.argsort(haversine_km(lat, lon, lats, lons), kind="stable")[:k]
    return tuple(names[i] for i in order)


def _slug(name: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa", "-": "_"})
    return name.translate(table).lower().replace(" ", "_")


CATCHMENT_WEIGHTS = np.array([0.36, 0.20, 0.13, 0.10, 0.08, 0.07, 0.06])


def _place_in_catchment(
    site_index: np.ndarray,
    sites: list[StuSite],
    rng: np.random.Generator,
    cover_all: bool,
    spread: float = 1.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Municipality and jittered coordinates for people or companies of each site."""
    n = len(site_index)
    slot = _catchment_slots(site_index, sites, rng)
    if cover_all:  # the first people of each site come one from each catchment municipality
        for s in range(len(sites)):
            members = np.flatnonzero(site_index == s)
            k = min(len(members), len(sites[s].catchment))
            slot[members[:k]] = np.arange(k)
    names = np.array(
        [
            sites[s].catchment[min(c, len(sites[s].catchment) - 1)]
            for s, c in zip(site_index, slot, strict=True)
        ]
    )
    lat = np.array([MUNICIPALITIES[m].lat for m in names]) + rng.normal(0, 0.03 * spread, n)
    lon = np.array([MUNICIPALITIES[m].lon for m in names]) + rng.normal(0, 0.05 * spread, n)
    return names, np.round(lat, 4), np.round(lon, 4)


def _catchment_slots(site_index: np.ndarray, sites: list[StuSite], rng: np.random.Generator) -> np.ndarray:
    """Which catchment municipality (0 = the site's own) each person or company of a site is in.

    Nearer municipalities weigh more (``CATCHMENT_WEIGHTS``), and so do more populous ones: people
    and workplaces are spread as the population is.
    """
    width = len(CATCHMENT_WEIGHTS)
    weights = np.zeros((len(sites), width))
    for s, site in enumerate(sites):
        k = min(width, len(site.catchment))
        population = np.array([POPULATION_THOUSANDS[m] for m in site.catchment[:k]])
        weights[s, :k] = CATCHMENT_WEIGHTS[:k] * population
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(site_index))
    slot = (u[:, None] > cumulative[site_index]).sum(axis=1)
    return np.minimum(slot, width - 1)


# --- Students -----------------------------------------------------------------


@dataclass
class _Students:
    ids: np.ndarray
    site: np.ndarray
    site_ids: np.ndarray
    municipality: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    gender: np.ndarray
    age: np.ndarray
    profile: np.ndarray
    impairment_level: np.ndarray  # n x impairments, -1 absent, else 0..3
    stress_level: np.ndarray  # n x stress reactions, -1 absent, else 0..3
    ability: np.ndarray  # n x demands, 1..5
    interests: list[list[int]]
    single_industry_only: np.ndarray
    complexity: np.ndarray
    min_hours: np.ndarray
    max_hours: np.ndarray
    daytime_only: np.ndarray
    needs_routine: np.ndarray
    needs_shielded: np.ndarray
    needs_mentor: np.ndarray
    needs_wheelchair: np.ndarray
    transport: np.ndarray
    max_travel: np.ndarray
    consent: np.ndarray  # n x share categories, bool


def _exact_share(n: int, share: float, rng: np.random.Generator) -> np.ndarray:
    flags = np.zeros(n, dtype=bool)
    flags[: round(share * n)] = True
    return rng.permutation(flags)


def _students(
    n: int, sites: list[StuSite], rng: np.random.Generator, prefix: str, exact_pilot_shares: bool
) -> _Students:
    width = max(4, len(str(n)))
    ids = np.array([f"{prefix}{i + 1:0{width}d}" for i in range(n)])
    site = np.sort(rng.integers(0, len(sites), n)) if n else np.zeros(0, dtype=int)
    if exact_pilot_shares and n:
        site = np.arange(n) % len(sites)
    municipality, lat, lon = _place_in_catchment(site, sites, rng, cover_all=exact_pilot_shares)

    if exact_pilot_shares:
        men = _exact_share(n, PILOT_SHARE_MEN, rng)
        young = _exact_share(n, PILOT_SHARE_AGED_19_20, rng)
    else:
        men = rng.random(n) < PILOT_SHARE_MEN
        young = rng.random(n) < PILOT_SHARE_AGED_19_20
    gender = np.where(men, "male", "female")
    if not exact_pilot_shares:
        gender = np.where((rng.random(n) < 0.02) & ~men, "other", gender)
    age = np.where(
        young,
        rng.integers(19, 21, n),
        rng.choice([17, 18, 21, 22, 23, 24], n, p=[0.05, 0.32, 0.3, 0.18, 0.1, 0.05]),
    )

    profile_share = np.array([SITE_PROFILE_SHARE.get(s.site_id, PROFILE_SHARE) for s in sites])
    cumulative = np.cumsum(profile_share, axis=1)
    profile = np.minimum((rng.random(n)[:, None] > cumulative[site]).sum(axis=1), len(PROFILES) - 1)
    severity = rng.beta(2.2, 2.2, n)  # 0 mild .. 1 severe, shared by all items of a student

    has_impairment = rng.random((n, len(IMPAIRMENTS))) < IMPAIRMENT_PROB[profile]
    none_yet = ~has_impairment.any(axis=1)
    primary = IMPAIRMENT_PROB[profile].argmax(axis=1)
    has_impairment[none_yet, primary[none_yet]] = True
    impairment_level = np.where(has_impairment, _support_levels(severity, rng, (n, len(IMPAIRMENTS))), -1)

    has_stress = rng.random((n, len(STRESS))) < np.clip(
        STRESS_PROB[profile] * (0.78 + 0.5 * severity[:, None]), 0, 0.97
    )
    stress_level = np.where(has_stress, _support_levels(severity, rng, (n, len(STRESS))), -1)

    ability = (
        3.4 + ABILITY_SHIFT[profile] - 1.2 * (severity[:, None] - 0.5) + rng.normal(0, 0.7, (n, len(DEMANDS)))
    )
    for reaction, demand, effect in STRESS_ABILITY_EFFECT:
        ability[:, _D[demand]] += effect * has_stress[:, _S[reaction]]
    ability = np.clip(np.rint(ability), 1, 5).astype(int)

    complexity = np.clip(
        np.rint(
            ability[
                :, [_D[WorkDemand.ATTENTION], _D[WorkDemand.BASIC_SKILLS], _D[WorkDemand.INDEPENDENCE]]
            ].mean(axis=1)
            - 0.6
            + rng.normal(0, 0.5, n)
        ),
        1,
        5,
    ).astype(int)

    site_weights = np.array([SITE_INDUSTRY_WEIGHTS.get(s.site_id, EVEN_WEIGHTS) for s in sites])
    interest_weight = site_weights[site] * PROFILE_INTEREST[profile]
    n_interests = rng.choice([1, 2, 3], n, p=[0.25, 0.45, 0.30])
    gumbel = np.log(interest_weight) + rng.gumbel(size=interest_weight.shape)
    ranked = np.argsort(-gumbel, axis=1)
    interests = [list(ranked[i, : n_interests[i]]) for i in range(n)]
    single_only = (rng.random(n) < 0.12) & (n_interests == 1)

    support_max = np.maximum(impairment_level.max(axis=1), stress_level.max(axis=1))
    min_hours = np.clip(np.rint(rng.normal(16 - 2.5 * severity * 2, 3, n)), 6, 30).astype(int)
    max_hours = np.clip(min_hours + rng.choice([4, 6, 8, 10, 14], n), 8, 37).astype(int)
    daytime_only = rng.random(n) < 0.85

    has = lambda reaction: has_stress[:, _S[reaction]]  # noqa: E731
    autism = has_impairment[:, _I[Impairment.AUTISM]]
    needs_routine = (autism | has(StressReaction.CHANGE_DIFFICULTIES)) & (rng.random(n) < 0.8) | (
        rng.random(n) < 0.1
    )
    needs_shielded = (
        (has(StressReaction.SENSORY_SENSITIVITY) | has(StressReaction.SOCIAL_LIMITATIONS))
        & (stress_level.max(axis=1) >= 2)
        & (rng.random(n) < 0.45)
    )
    needs_mentor = (support_max >= 2) | (rng.random(n) < 0.3)
    needs_wheelchair = has_impairment[:, _I[Impairment.MOBILITY]] & (rng.random(n) < 0.45)

    can_drive = (
        (age >= 18) & (profile != PROFILES.index("cognitive")) & (profile != PROFILES.index("physical"))
    )
    # Most young people in STU travel by bus and train or are driven (a driving service, family);
    # some cycle or walk, and those who can only cycle reach little beyond their own town.
    mode_p = np.array([0.02, 0.13, 0.6, 0.25, 0.0])
    transport = rng.choice(len(TRANSPORT_ORDER), n, p=mode_p)
    transport = np.where(
        can_drive & (rng.random(n) < 0.12), TRANSPORT_ORDER.index(TransportMode.CAR), transport
    )
    transport = np.where(needs_wheelchair, TRANSPORT_ORDER.index(TransportMode.DRIVEN), transport)
    base_minutes = np.array([25, 50, 75, 50, 50])[transport]
    max_travel = np.clip(np.rint((base_minutes + rng.normal(0, 8, n)) / 5) * 5, 10, 120).astype(int)

    share_p = np.array(list(CONSENT_SHARE_PROB.values()))
    consent = rng.random((n, len(share_p))) < share_p

    return _Students(
        ids,
        site,
        np.array([s.site_id for s in sites])[site] if n else np.array([]),
        municipality,
        lat,
        lon,
        gender,
        age,
        profile,
        impairment_level,
        stress_level,
        ability,
        interests,
        single_only,
        complexity,
        min_hours,
        max_hours,
        daytime_only,
        needs_routine,
        needs_shielded,
        needs_mentor,
        needs_wheelchair,
        transport,
        max_travel,
        consent,
    )


def _support_levels(severity: np.ndarray, rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    raw = severity[:, None] * 3.2 - 0.3 + rng.normal(0, 0.7, shape)
    return np.clip(np.rint(raw), 0, 3).astype(int)


def _student_table(s: _Students) -> pd.DataFrame:
    n = len(s.ids)
    columns: dict[str, object] = {
        "student_id": s.ids,
        "gender": s.gender,
        "age": s.age,
        "stu_site": s.site_ids,
        "home_municipality": s.municipality,
        "home_lat": s.lat,
        "home_lon": s.lon,
        "transport_mode": np.array([m.value for m in TRANSPORT_ORDER])[s.transport] if n else [],
        "max_travel_minutes": s.max_travel,
        "impairments": _level_cells(s.impairment_level, IMPAIRMENTS),
        "stress_reactions": _level_cells(s.stress_level, STRESS),
        "interests": ["|".join(INDUSTRIES[k].value for k in row) for row in s.interests],
        "single_industry_only": _yes_no(s.single_industry_only),
        "max_task_complexity": s.complexity,
        "min_hours_per_week": s.min_hours,
        "max_hours_per_week": s.max_hours,
        "daytime_only": _yes_no(s.daytime_only),
        "needs_routine": _yes_no(s.needs_routine),
        "needs_shielded_workstation": _yes_no(s.needs_shielded),
        "needs_mentor": _yes_no(s.needs_mentor),
        "needs_wheelchair_access": _yes_no(s.needs_wheelchair),
        "consent_share": [
            "|".join(c.value for c, ok in zip(CONSENT_SHARE_PROB, row, strict=True) if ok)
            for row in s.consent
        ],
    }
    for k, demand in enumerate(DEMANDS):
        columns[f"ability_{demand.value}"] = s.ability[:, k] if n else []
    return pd.DataFrame(columns).astype(str)


def _level_cells(levels: np.ndarray, items: tuple) -> list[str]:
    names = [LEVELS[k].value for k in range(len(LEVELS))]
    return ["|".join(f"{items[j].value}:{names[row[j]]}" for j in np.flatnonzero(row >= 0)) for row in levels]


def _yes_no(flags: np.ndarray) -> np.ndarray:
    return np.where(flags, "yes", "no")


# --- Companies ----------------------------------------------------------------


@dataclass
class _Companies:
    ids: np.ndarray
    site: np.ndarray
    municipality: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    industry: np.ndarray
    table: pd.DataFrame


def _companies(n: int, sites: list[StuSite], n_students: int, rng: np.random.Generator) -> _Companies:
    width = max(4, len(str(n)))
    ids = np.array([f"C{i + 1:0{width}d}" for i in range(n)])
    site = np.arange(n) % len(sites)
    rng.shuffle(site)
    site = np.sort(site)
    # Workplaces cluster in the towns; students live around them.
    municipality, lat, lon = _place_in_catchment(site, sites, rng, cover_all=True, spread=0.5)

    # The network is built from its students' wishes (the seeds): industries follow what the site's
    # students are interested in, with every industry still possible.
    industry_p = 0.75 * _interest_distribution(sites)[site] + 0.25 * EVEN_WEIGHTS
    gumbel = np.log(industry_p) + rng.gumbel(size=industry_p.shape)
    industry = gumbel.argmax(axis=1)
    industry[: min(n, len(INDUSTRIES))] = np.arange(min(n, len(INDUSTRIES)))  # every industry present

    structure = np.array([INDUSTRY_STRUCTURE[INDUSTRIES[k]] for k in industry], dtype=float)
    (
        cmin,
        cmax,
        p_routine,
        p_varied,
        p_shielded,
        p_team,
        noise,
        pace,
        customer,
        physical,
        p_daytime,
        p_weekend,
        fine_motor,
        basic,
    ) = structure.T
    complexity_min = np.clip(cmin + (rng.random(n) < 0.2) * rng.choice([-1, 1], n), 1, 5).astype(int)
    complexity_max = np.clip(cmax + (rng.random(n) < 0.3) * rng.choice([-1, 1], n), complexity_min, 5).astype(
        int
    )
    u = rng.random(n)
    variety = np.where(u < p_routine, "routine", np.where(u < p_routine + p_varied, "varied", "both"))
    shielded = rng.random(n) < p_shielded
    team = rng.random(n) < p_team
    jitter = lambda base: np.clip(base + rng.choice([-1, 0, 0, 0, 1], n), 0, 2).astype(int)  # noqa: E731
    noise_l, pace_l, customer_l, physical_l = jitter(noise), jitter(pace), jitter(customer), jitter(physical)

    capacity = rng.choice([1, 2, 3, 4], n, p=[0.42, 0.36, 0.16, 0.06])
    mentor_trained = rng.random(n) < 0.3
    # Mentor hours per week for all its interns: 2, 4 or 6 an intern (a weekly talk to an hour a
    # day), an hour more with a mentor trained for the target group.
    mentor_capacity = np.clip(
        capacity * rng.choice([2, 4, 6], n, p=[0.25, 0.45, 0.3]) + mentor_trained, 2, 15
    )
    flexible = rng.random(n) < 0.55
    wheelchair = rng.random(n) < np.where(physical_l == 0, 0.75, 0.3)
    min_hours = rng.choice([6, 8, 10, 12, 15], n)
    max_hours = np.clip(min_hours + rng.choice([10, 15, 20, 25], n), 15, 37)
    daytime = rng.random(n) < p_daytime
    weekend = rng.random(n) < p_weekend
    weekdays = np.where(weekend, "mon|tue|wed|thu|fri|sat|sun", "mon|tue|wed|thu|fri")

    mid_complexity = (complexity_min + complexity_max) / 2
    demand_raw = {
        WorkDemand.ATTENTION: 1.2 + 0.8 * mid_complexity,
        WorkDemand.ADAPTING_TO_CHANGE: np.select([variety == "routine", variety == "both"], [1.5, 2.8], 3.8),
        WorkDemand.SOCIAL_CONTACT: 1.5 + customer_l * 1.2 + team * 0.5,
        WorkDemand.TEAMWORK: np.where(team, 3.5, 1.8),
        WorkDemand.PACE: 1.6 + pace_l * 1.3,
        WorkDemand.STAMINA: 1.5 + physical_l * 0.8 + pace_l * 0.5,
        WorkDemand.INDEPENDENCE: 1.5 + 0.5 * mid_complexity + shielded * 0.8,
        WorkDemand.BASIC_SKILLS: basic + 0.3 * (mid_complexity - 2.5),
        WorkDemand.FINE_MOTOR: fine_motor,
        WorkDemand.PHYSICAL_STRENGTH: 1.3 + physical_l * 1.5,
        WorkDemand.NOISE_TOLERANCE: 1.3 + noise_l * 1.6,
    }
    names = _company_names(municipality, industry, rng)
    columns: dict[str, object] = {
        "company_id": ids,
        "name": names,
        "industry": np.array([i.value for i in INDUSTRIES])[industry],
        "municipality": municipality,
        "lat": lat,
        "lon": lon,
        "capacity": capacity,
        "mentor_capacity": mentor_capacity,
        "mentor_trained": _yes_no(mentor_trained),
        "complexity_min": complexity_min,
        "complexity_max": complexity_max,
        "task_variety": variety,
        "shielded_workstation": _yes_no(shielded),
        "team_work": _yes_no(team),
        "min_hours_per_week": min_hours,
        "max_hours_per_week": max_hours,
        "weekdays": weekdays,
        "daytime_possible": _yes_no(daytime),
        "noise": np.array(LEVEL_NAMES)[noise_l],
        "pace": np.array(LEVEL_NAMES)[pace_l],
        "customer_contact": np.array(LEVEL_NAMES)[customer_l],
        "physical_demands": np.array(LEVEL_NAMES)[physical_l],
        "wheelchair_accessible": _yes_no(wheelchair),
        "flexible_management": _yes_no(flexible),
    }
    for demand in DEMANDS:
        value = np.asarray(demand_raw[demand], dtype=float) + rng.normal(0, 0.5, n)
        columns[f"demand_{demand.value}"] = np.clip(np.rint(value), 1, 5).astype(int)
    table = pd.DataFrame(columns).astype(str)
    return _Companies(ids, site, municipality, lat, lon, industry, table)


FAMILY_NAMES = (
    "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Christiansen",
    "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen", "Jakobsen", "Mikkelsen", "Olesen",
    "Frederiksen", "Laursen", "Henriksen", "Lund", "Schmidt", "Eriksen", "Holm", "Kristiansen",
    "Clausen", "Simonsen", "Svendsen", "Andreasen", "Iversen", "Jeppesen", "Mogensen", "Jacobsen",
)  # fmt: skip
NAME_PATTERNS = ("{family}s {noun}", "{town} {noun}", "{noun} {family}", "{family} & Søn {noun}")
COMPANY_SUFFIXES = ("ApS", "A/S", "I/S", "")


def _company_names(municipality: np.ndarray, industry: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Unique, Danish-looking names: 'Jensens Smedje ApS', 'Hjørring Kantine A/S', 'Lager Holm'.

    Within an industry every combination of pattern, family name and suffix is used once before
    any repeats; a name that would repeat gets the town ('..., Hjørring') and then a branch number
    ('..., afd. 2'), so names are unique at any scale.
    """
    combos = [
        (pattern, family, suffix)
        for pattern in NAME_PATTERNS
        for family in FAMILY_NAMES
        for suffix in COMPANY_SUFFIXES
        if not (pattern.startswith("{town}") and family != FAMILY_NAMES[0])
    ]
    order = rng.permutation(len(combos))
    used_in_industry: dict[int, int] = {}
    taken: set[str] = set()
    names = []
    for town, ind in zip(municipality, industry, strict=True):
        k = used_in_industry.get(int(ind), 0)
        used_in_industry[int(ind)] = k + 1
        pattern, family, suffix = combos[order[(k + 37 * int(ind)) % len(combos)]]
        base = pattern.format(family=family, town=town, noun=COMPANY_NOUNS[INDUSTRIES[ind]])
        name = f"{base} {suffix}".strip()
        if name in taken:
            name = f"{name}, {town}"
        branch = 2
        while name in taken:
            name = f"{base} {suffix}".strip() + f", {town}, afd. {branch}"
            branch += 1
        taken.add(name)
        names.append(name)
    return names


def _company_table(c: _Companies) -> pd.DataFrame:
    return c.table


# --- History: past placements and their outcomes ------------------------------

CANDIDATES_PER_ALUMNUS = 30


def outcome_logit(
    interest_rank: np.ndarray,
    complexity_gap: np.ndarray,
    overload: np.ndarray,
    travel_ratio: np.ndarray,
    support_max: np.ndarray,
    mentor_trained: np.ndarray,
    flexible_management: np.ndarray,
    psychological: np.ndarray,
    structure_fit: np.ndarray,
) -> np.ndarray:
    """The ground truth: log-odds (before the base rate) that a placement leads to a job or fleksjob.

    ``interest_rank`` is 1 for the first interest, 0 for none; ``complexity_gap``
    is the company's minimum complexity above the student's; ``overload`` sums
    requirement above ability; ``structure_fit`` counts met workplace needs
    minus unmet ones. A trained mentor matters most for psychological
    impairments and flexible management for students with high support needs,
    interactions that a plain rule score does not see.
    """
    interest = np.select([interest_rank == 1, interest_rank == 2, interest_rank >= 3], [1.3, 0.8, 0.5], 0.0)
    return (
        interest
        - 0.9 * np.clip(complexity_gap, 0, None)
        - 0.35 * overload
        - 0.8 * np.clip(travel_ratio - 0.8, 0, None)
        + 0.5 * structure_fit
        + 0.9 * mentor_trained * psychological
        + 0.35 * mentor_trained
        + 0.8 * flexible_management * (support_max >= 2)
        - 0.3 * support_max
    )


def _history(
    alumni: _Students, companies: _Companies, rng: np.random.Generator
) -> tuple[pd.DataFrame, np.ndarray]:
    n = len(alumni.ids)
    if n == 0:
        return pd.DataFrame(columns=["student_id", "company_id", "year", "outcome"]), np.zeros(0)
    table = companies.table
    site_of_company = companies.site
    starts = np.searchsorted(site_of_company, np.arange(site_of_company.max() + 2))
    counts = np.diff(starts)
    site = np.minimum(alumni.site, len(counts) - 1)
    # Candidate companies: random ones of the alumnus's own site network.
    offsets = (rng.random((n, CANDIDATES_PER_ALUMNUS)) * np.maximum(counts[site], 1)[:, None]).astype(int)
    candidates = np.where(
        counts[site][:, None] > 0,
        starts[site][:, None] + offsets,
        rng.integers(0, len(companies.ids), (n, CANDIDATES_PER_ALUMNUS)),
    )

    features = _pair_truth_features(alumni, companies, candidates)
    logit = outcome_logit(**features)
    # Consultants choose well, not perfectly: a noisy preference for good fits.
    choice_score = logit + rng.gumbel(size=logit.shape) * 1.2
    chosen = choice_score.argmax(axis=1)
    rows = np.arange(n)
    chosen_logit = logit[rows, chosen]
    base = _calibrate_base(chosen_logit, LASTING_SHARE)
    p_lasting = 1 / (1 + np.exp(-(base + chosen_logit)))
    lasting = rng.random(n) < p_lasting
    support_max = features["support_max"][rows, chosen]
    outcome = np.where(
        lasting,
        _job_type(support_max, rng),
        rng.choice(
            [Outcome.IN_PROGRESS.value, Outcome.PUBLIC_SUPPORT.value, Outcome.EDUCATION.value],
            n,
            p=[11 / 19, 5 / 19, 3 / 19],
        ),
    )
    year = rng.integers(2019, 2025, n)
    history = pd.DataFrame(
        {
            "student_id": alumni.ids,
            "company_id": table["company_id"].to_numpy()[candidates[rows, chosen]],
            "year": year.astype(str),
            "outcome": outcome,
        }
    )
    return history, p_lasting


# The kind of job by the student's highest support level (none, little, some, most): for this group
# most jobs are fleksjob or with wage subsidy, more so the more support a student needs; overall
# about a quarter ordinary jobs, 45 % fleksjob, a fifth with wage subsidy and a tenth small jobs.
JOB_TYPES = (Outcome.JOB, Outcome.FLEXJOB, Outcome.WAGE_SUBSIDY, Outcome.SMALL_JOB)
JOB_TYPE_SHARE_BY_SUPPORT = np.array(
    [
        [0.50, 0.20, 0.22, 0.08],
        [0.38, 0.32, 0.22, 0.08],
        [0.22, 0.48, 0.20, 0.10],
        [0.10, 0.58, 0.20, 0.12],
    ]
)


def _job_type(support_max: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An employment type for each lasting outcome, by the student's highest support level (0..3)."""
    cumulative = np.cumsum(JOB_TYPE_SHARE_BY_SUPPORT, axis=1)[np.clip(support_max, 0, 3)]
    kind = np.minimum((rng.random(len(support_max))[:, None] > cumulative).sum(axis=1), len(JOB_TYPES) - 1)
    return np.array([t.value for t in JOB_TYPES])[kind]


def _pair_truth_features(s: _Students, c: _Companies, candidates: np.ndarray) -> dict[str, np.ndarray]:
    t = c.table
    col = lambda name: t[name].to_numpy()[candidates]  # noqa: E731
    yes = lambda name: col(name) == "yes"  # noqa: E731
    industry = c.industry[candidates]
    interest_rank = np.zeros(candidates.shape, dtype=int)
    for i, ranked in enumerate(s.interests):
        for rank, ind in enumerate(ranked, start=1):
            interest_rank[i][industry[i] == ind] = rank
    demands = np.stack([col(f"demand_{d.value}").astype(int) for d in DEMANDS], axis=-1)
    overload = np.clip(demands - s.ability[:, None, :], 0, None).sum(axis=-1)
    complexity_gap = col("complexity_min").astype(int) - s.complexity[:, None]
    minutes = estimate_minutes(
        s.lat[:, None], s.lon[:, None], s.transport[:, None], c.lat[candidates], c.lon[candidates]
    )
    travel_ratio = minutes / s.max_travel[:, None]
    support_max = (
        np.maximum(s.impairment_level.max(axis=1), s.stress_level.max(axis=1))[:, None] + 0 * candidates
    )
    psychological = (s.profile[:, None] == PROFILES.index("autism")) | (
        s.profile[:, None] == PROFILES.index("psychological")
    )
    variety = col("task_variety")
    structure_fit = (
        np.where(s.needs_routine[:, None], np.where(variety == "varied", -1, 1), 0)
        + np.where(s.needs_shielded[:, None], np.where(yes("shielded_workstation"), 1, -1), 0)
        - (
            (col("noise") == "high")
            & (s.stress_level[:, _S[StressReaction.SENSORY_SENSITIVITY]] >= 0)[:, None]
        )
        - (
            (col("customer_contact") == "high")
            & (s.stress_level[:, _S[StressReaction.SOCIAL_LIMITATIONS]] >= 0)[:, None]
        )
    )
    return {
        "interest_rank": interest_rank,
        "complexity_gap": complexity_gap,
        "overload": overload,
        "travel_ratio": travel_ratio,
        "support_max": support_max,
        "mentor_trained": yes("mentor_trained").astype(float),
        "flexible_management": yes("flexible_management").astype(float),
        "psychological": psychological.astype(float) + 0 * candidates,
        "structure_fit": structure_fit.astype(float),
    }


def _calibrate_base(logit: np.ndarray, target: float) -> float:
    """The intercept that makes the mean true probability equal ``target`` (bisection)."""
    low, high = -20.0, 20.0
    for _ in range(60):
        mid = (low + high) / 2
        if np.mean(1 / (1 + np.exp(-(mid + logit)))) < target:
            low = mid
        else:
            high = mid
    return (low + high) / 2
