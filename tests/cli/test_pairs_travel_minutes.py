"""`stu-match pairs --out` writes travel minutes a consultant recognises, for homes and workplaces in Danish towns.

A tiny network puts one student at each calibration journey's origin (students.csv's home_lat,
home_lon) and one company at its destination (companies.csv's lat, lon); every other rule holds, so
every pair within the student's maximum is written, and the written ``travel_minutes`` are checked
against the door-to-door journeys of docs/scoring.md.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from features.geography import MUNICIPALITIES
from features.loading import write_tables
from features.network import Network
from stu_match.cli import main
from tests.features.travel_calibration import TOLERANCE, calibration_journeys
from tests.matching.profiles import company, student

JOURNEYS = calibration_journeys()


def town_network() -> Network:
    students, companies = [], []
    for k, journey in enumerate(JOURNEYS, start=1):
        students.append(
            student(
                student_id=f"S{k:02d}",
                home_municipality=journey.origin if journey.origin in MUNICIPALITIES else "Aarhus",
                home_lat=journey.origin_lat,
                home_lon=journey.origin_lon,
                transport_mode=journey.mode,
                max_travel_minutes=180,
            )
        )
        companies.append(
            company(
                company_id=f"C{k:02d}",
                municipality=journey.destination if journey.destination in MUNICIPALITIES else "Aarhus",
                lat=journey.destination_lat,
                lon=journey.destination_lon,
            )
        )
    return Network(students=tuple(students), companies=tuple(companies))


def test_pairs_out_writes_door_to_door_minutes_for_danish_towns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "towns"
    write_tables(town_network().frames(), data)
    out = tmp_path / "pairs.csv"
    assert main(["pairs", "--data", str(data), "--out", str(out), "--json"]) == 0
    capsys.readouterr()
    written = pd.read_csv(out, dtype={"student_id": str, "company_id": str}).set_index(
        ["student_id", "company_id"]
    )["travel_minutes"]
    for k, journey in enumerate(JOURNEYS, start=1):
        minutes = float(written[f"S{k:02d}", f"C{k:02d}"])
        assert minutes == pytest.approx(journey.estimated_minutes(), abs=0.006), journey.label
        off = minutes / journey.door_to_door - 1
        assert abs(off) <= TOLERANCE, f"{journey.label}: {minutes:.0f} min against {journey.door_to_door}"


def test_frederikshavn_to_hjoerring_is_about_the_train_plus_getting_to_and_from_the_station(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's example: the old estimate gave 104 minutes where the train takes about 30."""
    network = Network(
        students=(
            student(
                student_id="S1",
                home_municipality="Frederikshavn",
                home_lat=57.441,
                home_lon=10.537,
                transport_mode="public_transport",
                max_travel_minutes=75,
            ),
        ),
        companies=(company(company_id="C1", municipality="Hjørring", lat=57.456, lon=9.983),),
    )
    write_tables(network.frames(), tmp_path / "data")
    out = tmp_path / "pairs.csv"
    assert main(["pairs", "--data", str(tmp_path / "data"), "--out", str(out)]) == 0
    capsys.readouterr()
    frame = pd.read_csv(out, dtype={"student_id": str, "company_id": str})
    assert frame[["student_id", "company_id"]].values.tolist() == [["S1", "C1"]]
    assert 40 <= frame["travel_minutes"].iloc[0] <= 65
