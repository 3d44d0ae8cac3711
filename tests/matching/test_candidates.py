"""matching/candidates.py: the spatial search never prunes a pair within the student's maximum travel time.

The search keeps, per block of students, the companies in a bounding box widened by the block's
longest reach, then those whose unit vector is within the student's reach (``min_dot``). The reach
comes from ``features.travel.reach_km``; these tests put companies anywhere in Denmark and right at
the edge of a student's reach, and compare with the estimate pair by pair.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from features.arrays import company_arrays, student_arrays
from features.geography import DENMARK_LAT, DENMARK_LON
from features.network import Network
from features.travel import TRANSPORT_ORDER, estimate_minutes, reach_km
from features.vocabulary import TransportMode
from matching.candidates import candidate_blocks, min_dot, pair_minutes, reach_dots, unit_vectors
from matching.pairs import eligible_pairs
from tests.matching.profiles import company, student

EARTH_RADIUS_KM = 6371.0


def point_at(lat: float, lon: float, km: float, bearing_degrees: float) -> tuple[float, float]:
    """The point ``km`` along the great circle from (lat, lon) in the given bearing."""
    phi, lam, theta = np.radians(lat), np.radians(lon), np.radians(bearing_degrees)
    delta = km / EARTH_RADIUS_KM
    phi2 = np.arcsin(np.sin(phi) * np.cos(delta) + np.cos(phi) * np.sin(delta) * np.cos(theta))
    lam2 = lam + np.arctan2(
        np.sin(theta) * np.sin(delta) * np.cos(phi), np.cos(delta) - np.sin(phi) * np.sin(phi2)
    )
    return float(np.degrees(phi2)), float(np.degrees(lam2))


latitudes = st.floats(DENMARK_LAT[0] + 0.2, DENMARK_LAT[1] - 0.3)
longitudes = st.floats(DENMARK_LON[0] + 0.2, 12.7)


@st.composite
def travellers(draw: st.DrawFn) -> dict:
    return {
        "home_lat": draw(latitudes),
        "home_lon": draw(longitudes),
        "transport_mode": draw(st.sampled_from(list(TransportMode))),
        "max_travel_minutes": draw(st.integers(5, 180)),
    }


EDGE_SHARES = (1.0, 0.999999, 1.000001, 1.0 - 1e-9, 1.0 + 1e-9, 1.0 - 1e-5, 1.0 + 1e-5)
"""Shares of a student's reach right around its edge: inside, on and beyond the band ``reach_dots`` leaves
to the minutes."""


@st.composite
def spread_networks(draw: st.DrawFn, edge_shares: tuple[float, ...] = (1.0, 0.999999)) -> Network:
    """Students anywhere in Denmark; companies anywhere, and at 90-100 % (or ``edge_shares``) of some student's reach."""
    rows = draw(st.lists(travellers(), min_size=1, max_size=12))
    cohort = tuple(student(student_id=f"S{i}", **row) for i, row in enumerate(rows))
    positions = [(draw(latitudes), draw(longitudes)) for _ in range(draw(st.integers(0, 10)))]
    for _ in range(draw(st.integers(1, 12))):
        who = cohort[draw(st.integers(0, len(cohort) - 1))]
        code = TRANSPORT_ORDER.index(who.transport_mode)
        reach = float(reach_km(np.array([who.max_travel_minutes]), np.array([code]))[0])
        share = draw(st.sampled_from(edge_shares)) if draw(st.booleans()) else draw(st.floats(0.9, 1.0))
        lat, lon = point_at(who.home_lat, who.home_lon, reach * share, draw(st.floats(0, 360)))
        if DENMARK_LAT[0] <= lat <= DENMARK_LAT[1] and DENMARK_LON[0] <= lon <= DENMARK_LON[1]:
            positions.append((lat, lon))
    if not positions:
        positions.append((draw(latitudes), draw(longitudes)))
    network = tuple(company(company_id=f"C{j}", lat=lat, lon=lon) for j, (lat, lon) in enumerate(positions))
    return Network(students=cohort, companies=network)


def within_reach(network: Network, tie: float = 0.0) -> set[tuple[int, int]]:
    """Every (student, company) pair whose estimated minutes are within the student's maximum (plus ``tie``)."""
    out = set()
    for i, s in enumerate(network.students):
        code = TRANSPORT_ORDER.index(s.transport_mode)
        for j, c in enumerate(network.companies):
            if (
                float(estimate_minutes(s.home_lat, s.home_lon, code, c.lat, c.lon))
                <= s.max_travel_minutes + tie
            ):
                out.add((i, j))
    return out


@settings(max_examples=60, deadline=None)
@given(network=spread_networks(), block_size=st.sampled_from([1, 3, 64]))
def test_no_pair_within_the_students_maximum_is_ever_pruned(network: Network, block_size: int) -> None:
    students, companies = student_arrays(network.students), company_arrays(network.companies)
    student_xyz, company_xyz = (
        unit_vectors(students.lat, students.lon),
        unit_vectors(companies.lat, companies.lon),
    )
    smallest_dot = min_dot(students)
    kept = set()
    for rows, members in candidate_blocks(students, companies, block_size):
        near = (student_xyz[:, rows].T @ company_xyz[:, members]) >= smallest_dot[rows][:, None]
        kept |= {(int(rows[i]), int(members[j])) for i, j in zip(*np.nonzero(near), strict=True)}
    missing = within_reach(network) - kept
    assert not missing


@settings(max_examples=30, deadline=None)
@given(network=spread_networks())
def test_eligible_pairs_are_exactly_the_pairs_within_reach_when_every_other_rule_holds(
    network: Network,
) -> None:
    """The profiles fit each other on every rule but travel, so travel alone decides, through the fast path."""
    table = eligible_pairs(network, outcome_model=None)
    eligible = set(zip(table.student.tolist(), table.company.tolist(), strict=True))
    # A company placed exactly at the reach may fall either side by float rounding (1e-12 minutes).
    assert within_reach(network, tie=-1e-9) <= eligible <= within_reach(network, tie=1e-9)
    if len(table.student):
        expected = [
            float(
                estimate_minutes(
                    network.students[i].home_lat,
                    network.students[i].home_lon,
                    TRANSPORT_ORDER.index(network.students[i].transport_mode),
                    network.companies[j].lat,
                    network.companies[j].lon,
                )
            )
            for i, j in zip(table.student.tolist(), table.company.tolist(), strict=True)
        ]
        assert_allclose(table.travel_minutes, expected, rtol=1e-9, atol=1e-9)


def test_pair_minutes_equal_the_estimate() -> None:
    rng = np.random.default_rng(5)
    cohort = tuple(
        student(
            student_id=f"S{i}",
            home_lat=float(rng.uniform(54.8, 57.5)),
            home_lon=float(rng.uniform(8.2, 12.6)),
            transport_mode=TRANSPORT_ORDER[i % len(TRANSPORT_ORDER)],
        )
        for i in range(20)
    )
    sites = tuple(
        company(company_id=f"C{j}", lat=float(rng.uniform(54.8, 57.5)), lon=float(rng.uniform(8.2, 12.6)))
        for j in range(15)
    )
    students, companies = student_arrays(cohort), company_arrays(sites)
    s, c = (grid.ravel() for grid in np.meshgrid(np.arange(20), np.arange(15), indexing="ij"))
    expected = estimate_minutes(
        students.lat[s], students.lon[s], students.transport[s], companies.lat[c], companies.lon[c]
    )
    assert_allclose(pair_minutes(students, companies, s, c), expected, rtol=1e-12, atol=1e-9)


def exactly_within(network: Network) -> set[tuple[int, int]]:
    """Every pair whose minutes as ``pair_minutes`` computes them are at most the student's maximum."""
    students, companies = student_arrays(network.students), company_arrays(network.companies)
    s, c = (
        grid.ravel() for grid in np.meshgrid(np.arange(students.n), np.arange(companies.n), indexing="ij")
    )
    within = pair_minutes(students, companies, s, c) <= students.max_travel[s]
    return set(zip(s[within].tolist(), c[within].tolist(), strict=True))


@settings(max_examples=60, deadline=None)
@given(network=spread_networks(EDGE_SHARES))
def test_reach_dots_agree_with_the_minutes_on_both_sides_of_the_band(network: Network) -> None:
    """Surely within reach: the minutes are within the maximum; not even possibly: they are beyond it."""
    students, companies = student_arrays(network.students), company_arrays(network.companies)
    dot = unit_vectors(students.lat, students.lon).T @ unit_vectors(companies.lat, companies.lon)
    surely, possibly = reach_dots(students)
    s, c = (
        grid.ravel() for grid in np.meshgrid(np.arange(students.n), np.arange(companies.n), indexing="ij")
    )
    within = pair_minutes(students, companies, s, c) <= students.max_travel[s]
    dot = dot.ravel()
    assert within[dot >= surely[s]].all()
    assert not within[dot < possibly[s]].any()
    assert (surely >= possibly).all()


@settings(max_examples=40, deadline=None)
@given(network=spread_networks(EDGE_SHARES), block_size=st.sampled_from([1, 3, 64]))
def test_eligible_pairs_are_the_pairs_whose_minutes_are_within_the_maximum_to_the_last_bit(
    network: Network, block_size: int
) -> None:
    """Every other rule holds, so the fast path's travel test alone decides: it must be the minutes' own."""
    table = eligible_pairs(network, outcome_model=None, block_size=block_size)
    assert set(zip(table.student.tolist(), table.company.tolist(), strict=True)) == exactly_within(network)


def test_a_student_with_no_reach_is_surely_within_reach_of_nothing() -> None:
    """Below every leg's fixed minutes the reach is 0 (validation keeps real maxima above that): the minutes decide."""
    cohort = (student(student_id="S0", home_lat=56.0, home_lon=10.0, transport_mode=TransportMode.BIKE),)
    students = replace(student_arrays(cohort), max_travel=np.array([1.0]))
    surely, possibly = reach_dots(students)
    assert surely[0] == np.inf
    here = unit_vectors(students.lat, students.lon)
    assert float(here[:, 0] @ here[:, 0]) >= possibly[0]  # a company at the door is left to its minutes
