"""Travel times and the spatial search for pairs within travel reach, without an n x m matrix.

Students are sorted into spatially compact blocks; for each block only the
companies inside its bounding box (widened by the block's longest reach) are
candidates. A block's candidates are then tested with one small matrix product
of unit vectors (great-circle angle <= reach): the dot product alone says whether
a company is within a student's maximum travel time, except in a band a few
metres wide around the exact reach, where the travel time decides
(``reach_dots``). So the minutes are computed only for the pairs that are kept.

Travel minutes follow ``features.travel`` (the fastest of a mode's legs, each a
fixed part plus minutes per straight-line km), with the great-circle distance
computed from the chord between unit vectors: mathematically the haversine
formula, exact also for very short distances, and cheap when the unit vectors
are computed once per student and company. The reach that prunes is the exact
inverse of that estimate (``features.travel.reach_km``), widened by a margin, so
no pair within a student's maximum travel time is ever pruned.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from features import travel
from features.arrays import CompanyArrays, StudentArrays
from matching.travel_matrix import MatrixLookup

EARTH_RADIUS_KM = 6371.0
KM_PER_DEGREE = np.pi * EARTH_RADIUS_KM / 180.0
REACH_MARGIN = 1.01
"""Widening of every reach (plus 0.1 km) so that rounding never drops a pair in reach."""
DEFAULT_BLOCK_SIZE = 64
CELL_DEGREES = (0.2, 0.33)
"""Grid cell (latitude, longitude) used to order students into compact blocks, about 22 km."""


def reach_km(students: StudentArrays) -> np.ndarray:
    """(n,) straight-line km a student can reach within their maximum travel time (before the margin)."""
    return travel.reach_km(students.max_travel, students.transport)


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """(3, n) points on the unit sphere: rows x, y, z (one contiguous row per coordinate)."""
    phi, lam = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def minutes_between(
    student_xyz: tuple[np.ndarray, np.ndarray, np.ndarray],
    company_xyz: tuple[np.ndarray, np.ndarray, np.ndarray],
    transport: np.ndarray,
) -> np.ndarray:
    """Travel minutes for aligned pairs, from their unit vectors (x, y, z arrays each) and transport codes.

    The ``features.travel`` model with the great-circle distance from the chord:
    km = 2R asin(|u - v| / 2), the haversine distance without its cancellation.
    """
    km = student_xyz[0] - company_xyz[0]
    km *= km
    for axis in (1, 2):
        delta = student_xyz[axis] - company_xyz[axis]
        delta *= delta
        km += delta
    np.sqrt(km, out=km)
    km *= 0.5
    np.minimum(km, 1.0, out=km)
    np.arcsin(km, out=km)
    km *= 2.0 * EARTH_RADIUS_KM
    return travel.minutes_for_km(km, transport)


def pair_minutes(
    students: StudentArrays,
    companies: CompanyArrays,
    s: np.ndarray,
    c: np.ndarray,
    lookup: MatrixLookup | None = None,
    student_xyz: np.ndarray | None = None,
    company_xyz: np.ndarray | None = None,
) -> np.ndarray:
    """Travel minutes of given pairs, in reach or not: the matrix where it has them, else the estimate.

    ``student_xyz`` and ``company_xyz`` are the (3, n) unit vectors if already computed.
    """
    if student_xyz is None:
        student_xyz = unit_vectors(students.lat, students.lon)
    if company_xyz is None:
        company_xyz = unit_vectors(companies.lat, companies.lon)
    minutes = minutes_between(
        (student_xyz[0][s], student_xyz[1][s], student_xyz[2][s]),
        (company_xyz[0][c], company_xyz[1][c], company_xyz[2][c]),
        students.transport[s],
    )
    if lookup is not None and len(lookup.keys):
        found, matrix_minutes = lookup.find(s, c)
        minutes = np.where(found, matrix_minutes, minutes)
    return minutes


def spatial_order(students: StudentArrays) -> np.ndarray:
    """Student positions ordered by grid cell, so consecutive students live close together."""
    cell_lat = np.floor(students.lat / CELL_DEGREES[0]).astype(np.int64)
    cell_lon = np.floor(students.lon / CELL_DEGREES[1]).astype(np.int64)
    return np.lexsort((students.lon, cell_lon, cell_lat))


def min_dot(students: StudentArrays) -> np.ndarray:
    """(n,) smallest dot product of unit vectors within reach (with the margin): cos(reach / R)."""
    reach = reach_km(students) * REACH_MARGIN + 0.1
    return np.cos(np.minimum(reach / EARTH_RADIUS_KM, np.pi))


REACH_BAND = 1e-6
"""Relative width of the band around a student's exact reach where only the travel time itself decides."""
REACH_BAND_RADIANS = 1e-6
"""Absolute width of that band (about 6 m): near a dot product of 1 its rounding is about 1e-8 radians."""


def reach_dots(students: StudentArrays) -> tuple[np.ndarray, np.ndarray]:
    """(n,) each, dot products of unit vectors: (surely within reach, possibly within reach).

    A company whose unit vector's dot product with the student's is at least the first is within
    the student's maximum travel time: its estimated minutes (``minutes_between``) are at most the
    maximum, without computing them. Below the second it is beyond. In between lies a narrow band
    (``REACH_BAND``, relative, plus ``REACH_BAND_RADIANS``) around the exact reach
    (``features.travel.reach_km``), where the minutes themselves decide: the band is many orders
    of magnitude wider than the rounding of a dot product or of the minutes, so both tests agree
    with comparing the minutes. A student with no reach at all (the maximum below every leg's fixed
    minutes) is surely within reach of nothing (+inf).
    """
    angle = reach_km(students) / EARTH_RADIUS_KM
    inner = angle * (1.0 - REACH_BAND) - REACH_BAND_RADIANS
    outer = angle * (1.0 + REACH_BAND) + REACH_BAND_RADIANS
    surely = np.where(inner > 0.0, np.cos(np.maximum(inner, 0.0)), np.inf)
    possibly = np.where(outer < np.pi, np.cos(np.minimum(outer, np.pi)), -np.inf)
    return surely, possibly


def candidate_blocks(
    students: StudentArrays, companies: CompanyArrays, block_size: int = DEFAULT_BLOCK_SIZE
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield (student positions, company positions in their bounding box, ascending) per block.

    Every company within reach of a block's student is in the block's box.
    """
    order = spatial_order(students)
    widest_km = reach_km(students) * REACH_MARGIN + 0.1
    by_lat = np.argsort(companies.lat, kind="stable")
    company_lat = companies.lat[by_lat]
    company_lon = companies.lon[by_lat]
    for start in range(0, len(order), block_size):
        block = order[start : start + block_size]
        widest = float(widest_km[block].max()) / KM_PER_DEGREE
        lat_low = students.lat[block].min() - widest
        lat_high = students.lat[block].max() + widest
        first = np.searchsorted(company_lat, lat_low, side="left")
        last = np.searchsorted(company_lat, lat_high, side="right")
        coslat = np.cos(np.radians(min(max(abs(lat_low), abs(lat_high)), 89.0)))
        lon_widest = widest / coslat
        band_lon = company_lon[first:last]
        in_box = (band_lon >= students.lon[block].min() - lon_widest) & (
            band_lon <= students.lon[block].max() + lon_widest
        )
        yield block, np.sort(by_lat[first:last][in_box])
