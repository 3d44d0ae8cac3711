"""Pairs within travel reach, found block by block without an n x m matrix.

Students are sorted into spatially compact blocks. For each block only the
companies inside its bounding box (widened by the block's longest reach) are
compared, first by chord distance on the unit sphere (one small matrix
product of unit vectors, exact for great circles), then by the travel-time estimate of
``features.travel`` or the travel-time matrix. The result is exactly the set
of pairs with travel minutes at most the student's maximum: the prefilter only
drops pairs that are certainly out of reach.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from features.arrays import CompanyArrays, StudentArrays
from features.travel import DETOUR_FACTOR, OVERHEAD_MINUTES, SPEED_KMH, TRANSPORT_ORDER, estimate_minutes
from matching.travel_matrix import MatrixLookup

EARTH_RADIUS_KM = 6371.0
KM_PER_DEGREE = np.pi * EARTH_RADIUS_KM / 180.0
REACH_MARGIN = 1.01
"""Widening of every reach (plus 0.1 km) so that rounding never drops a pair in reach."""
DEFAULT_BLOCK_SIZE = 32
CELL_DEGREES = (0.2, 0.33)
"""Grid cell (latitude, longitude) used to order students into compact blocks, about 22 km."""


@dataclass(frozen=True, eq=False)
class TravelBlock:
    """Pairs in reach for one block of students, grouped by student and sorted by company."""

    rows: np.ndarray  # student positions in this block
    s: np.ndarray  # (k,) int64 student position of each pair
    c: np.ndarray  # (k,) int64 company position
    minutes: np.ndarray  # (k,) float64 one-way travel minutes, at most the student's maximum


_SPEED = np.array([SPEED_KMH[mode] for mode in TRANSPORT_ORDER])
_OVERHEAD = np.array([OVERHEAD_MINUTES[mode] for mode in TRANSPORT_ORDER])


def reach_km(students: StudentArrays) -> np.ndarray:
    """(n,) straight-line km a student can reach within their maximum travel time (before the margin)."""
    code = students.transport.astype(np.intp)
    usable = np.maximum(students.max_travel - _OVERHEAD[code], 0.0)
    return usable / 60.0 * _SPEED[code] / DETOUR_FACTOR


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """(n, 3) points on the unit sphere."""
    phi, lam = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=1)


def spatial_order(students: StudentArrays) -> np.ndarray:
    """Student positions ordered by grid cell, so consecutive students live close together."""
    cell_lat = np.floor(students.lat / CELL_DEGREES[0]).astype(np.int64)
    cell_lon = np.floor(students.lon / CELL_DEGREES[1]).astype(np.int64)
    return np.lexsort((students.lon, cell_lon, cell_lat))


def travel_blocks(
    students: StudentArrays,
    companies: CompanyArrays,
    lookup: MatrixLookup | None = None,
    block_size: int = DEFAULT_BLOCK_SIZE,
    rows: np.ndarray | None = None,
) -> Iterator[TravelBlock]:
    """Yield, per block of students, every pair whose travel time is within the student's maximum.

    ``rows`` restricts the students (default: all). Matrix minutes replace the
    estimate for the pairs they cover, also for companies beyond the estimated reach.
    """
    order = spatial_order(students) if rows is None else np.asarray(rows, dtype=np.int64)
    if rows is not None and len(order) > block_size:
        order = order[spatial_order(students.take(order))]
    reach = reach_km(students) * REACH_MARGIN + 0.1
    # Within reach <=> great-circle angle <= reach / R <=> dot product of unit vectors >= cos(reach / R).
    min_dot = np.cos(np.minimum(reach / EARTH_RADIUS_KM, np.pi))
    student_xyz = unit_vectors(students.lat, students.lon)
    by_lat = np.argsort(companies.lat, kind="stable")
    company_lat = companies.lat[by_lat]
    company_lon = companies.lon[by_lat]
    company_xyz = unit_vectors(company_lat, company_lon)

    for start in range(0, len(order), block_size):
        block = order[start : start + block_size]
        widest = float(reach[block].max()) / KM_PER_DEGREE
        lat_low = students.lat[block].min() - widest
        lat_high = students.lat[block].max() + widest
        first = np.searchsorted(company_lat, lat_low, side="left")
        last = np.searchsorted(company_lat, lat_high, side="right")
        band = np.arange(first, last)
        coslat = np.cos(np.radians(min(max(abs(lat_low), abs(lat_high)), 89.0)))
        lon_widest = widest / coslat
        band = band[
            (company_lon[band] >= students.lon[block].min() - lon_widest)
            & (company_lon[band] <= students.lon[block].max() + lon_widest)
        ]
        if band.size:
            near = (student_xyz[block] @ company_xyz[band].T) >= min_dot[block][:, None]
            i, j = np.nonzero(near)
            s, c = block[i], by_lat[band[j]]
        else:
            s = c = np.zeros(0, dtype=np.int64)
        code = students.transport[s].astype(np.intp)
        minutes = estimate_minutes(students.lat[s], students.lon[s], code, companies.lat[c], companies.lon[c])
        if lookup is not None and len(lookup.keys):
            found, matrix_minutes = lookup.find(s, c)
            minutes = np.where(found, matrix_minutes, minutes)
            extra_s, extra_c, extra_minutes = lookup.pairs_for(block)
            if extra_s.size:
                seen = np.isin(extra_s * companies.n + extra_c, s.astype(np.int64) * companies.n + c)
                s = np.concatenate([s, extra_s[~seen]])
                c = np.concatenate([c, extra_c[~seen]])
                minutes = np.concatenate([minutes, extra_minutes[~seen]])
        keep = minutes <= students.max_travel[s]
        s, c, minutes = s[keep], c[keep], minutes[keep]
        grouped = np.lexsort((c, s))
        yield TravelBlock(rows=block, s=s[grouped], c=c[grouped], minutes=minutes[grouped])


def pair_minutes(
    students: StudentArrays,
    companies: CompanyArrays,
    s: np.ndarray,
    c: np.ndarray,
    lookup: MatrixLookup | None = None,
) -> np.ndarray:
    """Travel minutes of given pairs, in or out of reach: the matrix where it has them, else the estimate."""
    minutes = estimate_minutes(
        students.lat[s],
        students.lon[s],
        students.transport[s].astype(np.intp),
        companies.lat[c],
        companies.lon[c],
    )
    if lookup is not None and len(lookup.keys):
        found, matrix_minutes = lookup.find(s, c)
        minutes = np.where(found, matrix_minutes, minutes)
    return minutes
