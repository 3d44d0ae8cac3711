"""features/travel.py: the door-to-door estimate against the timetable journeys it is calibrated on.

The calibration tables live in docs/scoring.md ("Travel"); ``tests.features.travel_calibration``
reads them, so the documented numbers are the tested ones.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from features.geography import haversine_km
from features.travel import (
    LEGS,
    TRANSPORT_ORDER,
    estimate_minutes,
    minutes_for_km,
    reach_km,
)
from features.vocabulary import TransportMode
from tests.features.travel_calibration import TOLERANCE, Journey, calibration_journeys

JOURNEYS = calibration_journeys()
PUBLIC_TRANSPORT = [j for j in JOURNEYS if j.mode == TransportMode.PUBLIC_TRANSPORT]
PT = TRANSPORT_ORDER.index(TransportMode.PUBLIC_TRANSPORT)


def test_the_tables_hold_15_to_25_public_transport_journeys_5_to_150_km_apart() -> None:
    assert 15 <= len(PUBLIC_TRANSPORT) <= 25
    assert {j.mode for j in JOURNEYS} == {TransportMode.PUBLIC_TRANSPORT, TransportMode.CAR}
    for journey in JOURNEYS:
        assert 5 <= journey.km <= 150, journey.label
    pairs = {frozenset((j.origin, j.destination)) for j in PUBLIC_TRANSPORT}
    assert len(pairs) == len(PUBLIC_TRANSPORT), "a public-transport pair is listed twice"
    # The journeys the issue names.
    for origin, destination in [
        ("Frederikshavn", "Hjørring"),
        ("Aarhus", "Aalborg"),
        ("Aarhus", "Randers"),
        ("Aabenraa", "Sønderborg"),
        ("Herning", "Holstebro"),
        ("Odense", "Svendborg"),
        ("København", "Roskilde"),
        ("Vejle", "Horsens"),
        ("Aalborg", "Hjørring"),
        ("Esbjerg", "Varde"),
        ("Viborg", "Silkeborg"),
    ]:
        assert frozenset((origin, destination)) in pairs


@pytest.mark.parametrize("journey", JOURNEYS, ids=[j.label for j in JOURNEYS])
def test_every_calibration_journey_is_within_30_percent_and_the_table_says_so(journey: Journey) -> None:
    minutes = journey.estimated_minutes()
    off = minutes / journey.door_to_door - 1
    assert abs(off) <= TOLERANCE, f"{journey.label}: {minutes:.0f} min against {journey.door_to_door}"
    # The table's own numbers are what the model and the coordinates give.
    km = float(
        haversine_km(journey.origin_lat, journey.origin_lon, journey.destination_lat, journey.destination_lon)
    )
    assert journey.km == round(km)
    assert journey.door_to_door == journey.journey_minutes + journey.access_minutes
    assert journey.estimate == round(minutes)
    assert journey.off_percent == round(100 * off)


def test_the_issues_examples_are_now_near_the_timetable() -> None:
    """Frederikshavn -> Hjørring was 104 min and Aarhus -> Aalborg about 290; the trains take 30 and 80."""
    by_pair = {(j.origin, j.destination): j for j in PUBLIC_TRANSPORT}
    assert 40 <= by_pair["Frederikshavn", "Hjørring"].estimated_minutes() <= 65
    assert 80 <= by_pair["Aarhus", "Aalborg"].estimated_minutes() <= 120
    assert 40 <= by_pair["Aarhus", "Randers"].estimated_minutes() <= 65


def test_short_trips_on_public_transport() -> None:
    """Walking below about 0.7 km, then a town bus with walking and waiting, then regional transport."""
    km = np.array([0.0, 0.5, 1.0, 2.0, 5.0, 10.0])
    minutes = minutes_for_km(km.copy(), PT)
    walk = minutes_for_km(km.copy(), TRANSPORT_ORDER.index(TransportMode.WALK))
    assert_allclose(minutes[:2], walk[:2])
    assert (
        12 <= minutes[2] <= 16
        and 15 <= minutes[3] <= 22
        and 20 <= minutes[4] <= 32
        and 25 <= minutes[5] <= 40
    )


@pytest.mark.parametrize(
    ("mode", "km", "low", "high"),
    [
        # Walking 4.5 km/h, a little longer than the straight line.
        (TransportMode.WALK, 1.0, 13, 20),
        # A bike at about 15 km/h: 5 km in about 25 minutes, 10 km in about 50.
        (TransportMode.BIKE, 5.0, 20, 32),
        (TransportMode.BIKE, 10.0, 40, 60),
        # A car in town: 5 km in a quarter of an hour with parking.
        (TransportMode.CAR, 5.0, 10, 20),
        (TransportMode.DRIVEN, 5.0, 10, 22),
        # Being driven takes a little longer than driving oneself, far less than public transport far away.
        (TransportMode.DRIVEN, 100.0, 80, 100),
    ],
)
def test_walking_cycling_and_driving_are_plausible(
    mode: TransportMode, km: float, low: float, high: float
) -> None:
    minutes = float(minutes_for_km(np.array(km), TRANSPORT_ORDER.index(mode)))
    assert low <= minutes <= high


def test_the_modes_compare_as_expected() -> None:
    km = np.linspace(2.0, 150.0, 300)
    minutes = {mode: minutes_for_km(km.copy(), TRANSPORT_ORDER.index(mode)) for mode in TRANSPORT_ORDER}
    assert np.all(minutes[TransportMode.CAR] < minutes[TransportMode.DRIVEN])
    # Up to 100 km a car is faster than public transport; beyond, the InterCity may win (Odense-København).
    within = km <= 100
    assert np.all(minutes[TransportMode.DRIVEN][within] < minutes[TransportMode.PUBLIC_TRANSPORT][within])
    assert np.all(minutes[TransportMode.BIKE] < minutes[TransportMode.WALK])
    far = km >= 5
    assert np.all(minutes[TransportMode.PUBLIC_TRANSPORT][far] < minutes[TransportMode.BIKE][far])


@given(
    mode=st.sampled_from(TRANSPORT_ORDER),
    near=st.floats(0.0, 400.0),
    further=st.floats(0.0, 400.0),
)
def test_the_estimate_grows_with_distance_at_a_falling_rate(
    mode: TransportMode, near: float, further: float
) -> None:
    code = TRANSPORT_ORDER.index(mode)
    near, further = sorted((near, further))
    low, high = (float(minutes_for_km(np.array(d), code)) for d in (near, further))
    assert low <= high
    middle = float(minutes_for_km(np.array((near + further) / 2), code))
    assert middle >= (low + high) / 2 - 1e-9  # concave: the way to invert it exactly


@given(mode=st.sampled_from(TRANSPORT_ORDER), limit=st.floats(0.0, 240.0), km=st.floats(0.0, 400.0))
def test_reach_is_the_exact_inverse_of_the_estimate(mode: TransportMode, limit: float, km: float) -> None:
    """A distance is within the limit exactly when it is at most the reach."""
    code = TRANSPORT_ORDER.index(mode)
    reach = float(reach_km(np.array([limit]), np.array([code]))[0])
    minutes = float(minutes_for_km(np.array(km), code))
    if km <= reach - 1e-9:
        assert minutes <= limit + 1e-9
    if km >= reach + 1e-9:
        assert minutes > limit - 1e-9
    if reach > 0:
        assert float(minutes_for_km(np.array(reach), code)) == pytest.approx(limit, abs=1e-9)


def test_estimate_broadcasts_and_matches_a_plain_loop() -> None:
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(54.6, 57.7, (2, 40)), rng.uniform(8.1, 12.6, (2, 40))
    codes = rng.integers(0, len(TRANSPORT_ORDER), 40)
    grid = estimate_minutes(
        lat[0][:, None], lon[0][:, None], codes[:, None], lat[1][None, :], lon[1][None, :]
    )
    assert grid.shape == (40, 40)
    for i in range(0, 40, 7):
        for j in range(0, 40, 5):
            km = float(haversine_km(lat[0][i], lon[0][i], lat[1][j], lon[1][j]))
            legs = LEGS[TRANSPORT_ORDER[codes[i]]]
            expected = min(leg.fixed_minutes + leg.minutes_per_km * km for leg in legs)
            assert grid[i, j] == pytest.approx(expected, rel=1e-12)
