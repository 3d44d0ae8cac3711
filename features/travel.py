"""Door-to-door travel time per transport mode, estimated from coordinates.

A trip can be made in a few ways ("legs" of the model): on public transport by
walking, by town bus, by regional bus or train, or by the trains between towns;
by car on town streets, country roads or motorways. Each way costs a fixed part
(walking to the stop and from it, waiting, parking) plus minutes per
straight-line km (its route is longer than the straight line and it has its own
speed), and the estimate is the fastest way for the distance:

    minutes = min over the mode's legs of (fixed minutes + minutes per km x straight-line km)

A faster way costs more fixed time, so longer trips use faster ways and the
minutes grow with the distance at a falling rate: the estimate is increasing and
concave in the distance, and a travel limit gives the farthest reachable distance
exactly, ``max over legs of (limit - fixed) / per km`` (``reach_km``), which the
spatial search in ``matching.candidates`` prunes with.

Public transport is calibrated on approximate timetable journeys between
Danish towns plus getting to and from the station (docs/scoring.md, "Travel";
``tests/features/test_travel.py`` checks every pair). A route planner's
travel-time matrix (``student_id, company_id, minutes``) replaces the estimate
pair by pair (``matching.travel_matrix``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from features.geography import haversine_km
from features.vocabulary import TransportMode


@dataclass(frozen=True)
class Leg:
    """One way to make a trip: a fixed part plus minutes per straight-line km."""

    name: str
    fixed_minutes: float
    minutes_per_km: float

    @classmethod
    def at_speed(cls, name: str, fixed_minutes: float, speed_kmh: float, detour: float) -> Leg:
        """A leg that covers ``detour`` route km per straight-line km at ``speed_kmh``."""
        return cls(name, fixed_minutes, detour / speed_kmh * 60.0)


WALK_LEG = Leg.at_speed("walk", 0.0, 4.5, 1.3)
"""Walking at 4.5 km/h on a route 1.3 times the straight line."""

LEGS: dict[TransportMode, tuple[Leg, ...]] = {
    TransportMode.WALK: (WALK_LEG,),
    TransportMode.BIKE: (
        # 2 minutes to unlock and park the bike; 15 km/h on a route 1.25 times the straight line.
        Leg.at_speed("bike", 2.0, 15.0, 1.25),
    ),
    TransportMode.PUBLIC_TRANSPORT: (
        # Below about 0.7 km walking is faster than any bus.
        WALK_LEG,
        # Town bus: 10 minutes walking to and from the stops and waiting; 20 km/h with its stops,
        # on a route 1.3 times the straight line.
        Leg.at_speed("town bus", 10.0, 20.0, 1.3),
        # Regional bus or train: 20 minutes getting to the station or stop (on foot or by town bus),
        # waiting, and from it at the other end; 65 km/h with its stops, on a route 1.2 times the
        # straight line. Faster than the town bus from about 3.6 km.
        Leg.at_speed("regional bus or train", 20.0, 65.0, 1.2),
        # Trains between towns (InterCity, regional trains with few stops, express buses): 40 minutes
        # fixed (the way to a larger station, waiting, often a change) and 0.55 minutes per
        # straight-line km, the pace of Aarhus-Aalborg and Odense-København. Faster than the
        # regional leg from about 36 km.
        Leg("train between towns", 40.0, 0.55),
    ),
    TransportMode.DRIVEN: (
        # Being driven (family, a driving service): 5 minutes waiting for the car and getting out,
        # no parking; on the car's roads about 10 % slower (a shared ride picks others up).
        Leg.at_speed("town streets", 5.0, 32.0, 1.3),
        Leg.at_speed("country roads", 9.0, 68.0, 1.25),
        Leg.at_speed("motorway", 18.0, 100.0, 1.2),
    ),
    TransportMode.CAR: (
        # Own car: 5 minutes to the car, parking and walking to the door; 35 km/h in town on a
        # route 1.3 times the straight line.
        Leg.at_speed("town streets", 5.0, 35.0, 1.3),
        # Country roads at 75 km/h (route 1.25 times the straight line), after 4 minutes in town.
        Leg.at_speed("country roads", 9.0, 75.0, 1.25),
        # Motorway at 110 km/h (route 1.2 times the straight line), after 12 minutes to and from it.
        Leg.at_speed("motorway", 17.0, 110.0, 1.2),
    ),
}
"""The legs of every transport mode (documented in docs/scoring.md, "Travel")."""

TRANSPORT_ORDER: tuple[TransportMode, ...] = tuple(TransportMode)

_N_LEGS = max(len(legs) for legs in LEGS.values())


def _leg_table(attribute: str) -> np.ndarray:
    """(legs, modes): a leg attribute per mode; a mode with fewer legs repeats its first (no effect on min or max)."""
    table = np.empty((_N_LEGS, len(TRANSPORT_ORDER)))
    for code, mode in enumerate(TRANSPORT_ORDER):
        legs = LEGS[mode]
        for k in range(_N_LEGS):
            table[k, code] = getattr(legs[k] if k < len(legs) else legs[0], attribute)
    return table


FIXED_MINUTES_BY_CODE = _leg_table("fixed_minutes")
"""(legs, modes) fixed minutes of each leg, indexed by ``TRANSPORT_ORDER`` code."""
MINUTES_PER_KM_BY_CODE = _leg_table("minutes_per_km")
"""(legs, modes) minutes per straight-line km of each leg, indexed by ``TRANSPORT_ORDER`` code."""


def minutes_for_km(km: np.ndarray | float, transport_code: np.ndarray | int) -> np.ndarray:
    """Door-to-door minutes for straight-line ``km`` by the mode ``transport_code`` (broadcast together).

    One pass per leg, taking its two numbers per pair from the small per-mode tables (no legs x n
    temporary): it runs on every pair within reach, millions on a national network.
    """
    km = np.asarray(km, dtype=np.float64)
    code = np.asarray(transport_code)
    minutes = np.asarray(np.multiply(MINUTES_PER_KM_BY_CODE[0].take(code), km))
    minutes += FIXED_MINUTES_BY_CODE[0].take(code)
    for k in range(1, _N_LEGS):
        leg = np.multiply(MINUTES_PER_KM_BY_CODE[k].take(code), km)
        leg += FIXED_MINUTES_BY_CODE[k].take(code)
        np.minimum(minutes, leg, out=minutes)
    return minutes


def reach_km(max_minutes: np.ndarray, transport_code: np.ndarray) -> np.ndarray:
    """The largest straight-line km within ``max_minutes`` by each mode (0 if none): ``minutes_for_km``'s inverse.

    A distance is within the limit exactly when it is at most this: ``minutes_for_km(d) <= limit`` if and
    only if some leg's fixed + per km x d is at most the limit.
    """
    code = np.asarray(transport_code, dtype=np.intp)
    limit = np.asarray(max_minutes, dtype=np.float64)
    reach = (limit - FIXED_MINUTES_BY_CODE[:, code]) / MINUTES_PER_KM_BY_CODE[:, code]
    return np.maximum(reach.max(axis=0), 0.0)


def estimate_minutes(
    student_lat: np.ndarray,
    student_lon: np.ndarray,
    transport_code: np.ndarray,
    company_lat: np.ndarray,
    company_lon: np.ndarray,
) -> np.ndarray:
    """Estimated minutes for aligned arrays of student and company positions.

    All arguments broadcast together; ``transport_code`` indexes ``TRANSPORT_ORDER``.
    """
    km = haversine_km(student_lat, student_lon, company_lat, company_lon)
    return minutes_for_km(km, transport_code)
