"""Door-to-door travel time per transport mode, estimated from coordinates.

minutes = fixed overhead + straight-line km x detour factor / speed x 60.
The speeds and overheads below are documented defaults; a travel-time matrix
exported from a route planner (``student_id, company_id, minutes``) can
replace the estimate pair by pair (see ``matching.travel_matrix``).
"""

from __future__ import annotations

import numpy as np

from features.geography import haversine_km
from features.vocabulary import TransportMode

DETOUR_FACTOR = 1.3
"""Road distance over straight-line distance; about 1.3 in Danish towns and countryside."""

SPEED_KMH: dict[TransportMode, float] = {
    TransportMode.WALK: 4.5,
    TransportMode.BIKE: 15.0,
    TransportMode.PUBLIC_TRANSPORT: 28.0,
    TransportMode.DRIVEN: 45.0,
    TransportMode.CAR: 50.0,
}

OVERHEAD_MINUTES: dict[TransportMode, float] = {
    TransportMode.WALK: 0.0,
    TransportMode.BIKE: 2.0,
    TransportMode.PUBLIC_TRANSPORT: 12.0,  # walking to the stop and waiting
    TransportMode.DRIVEN: 5.0,
    TransportMode.CAR: 5.0,
}

TRANSPORT_ORDER: tuple[TransportMode, ...] = tuple(TransportMode)
_SPEED_BY_CODE = np.array([SPEED_KMH[m] for m in TRANSPORT_ORDER])
_OVERHEAD_BY_CODE = np.array([OVERHEAD_MINUTES[m] for m in TRANSPORT_ORDER])


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
    km = haversine_km(student_lat, student_lon, company_lat, company_lon) * DETOUR_FACTOR
    return _OVERHEAD_BY_CODE[transport_code] + km / _SPEED_BY_CODE[transport_code] * 60.0
