"""The travel calibration tables of docs/scoring.md ("Travel"), read for the tests.

Each table lies between ``<!-- travel-calibration MODE access=N -->`` and ``<!-- /travel-calibration -->``:
one journey a row (towns, coordinates, straight-line km, how, journey minutes, door to door, the
estimate and how far off it is), so the documented numbers are the tested ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from features.travel import TRANSPORT_ORDER, estimate_minutes
from features.vocabulary import TransportMode

SCORING_DOC = Path(__file__).resolve().parents[2] / "docs" / "scoring.md"
TOLERANCE = 0.30
"""Every estimate lies within ±30 % of the door-to-door journey it is calibrated on."""


@dataclass(frozen=True)
class Journey:
    """One row of a calibration table: a typical journey and what the table says about it."""

    mode: TransportMode
    access_minutes: int
    origin: str
    destination: str
    origin_lat: float
    origin_lon: float
    destination_lat: float
    destination_lon: float
    km: int
    by: str
    journey_minutes: int
    door_to_door: int
    estimate: int
    off_percent: int

    @property
    def label(self) -> str:
        return f"{self.mode.value}: {self.origin}-{self.destination}"

    def estimated_minutes(self) -> float:
        code = TRANSPORT_ORDER.index(self.mode)
        return float(
            estimate_minutes(
                self.origin_lat, self.origin_lon, code, self.destination_lat, self.destination_lon
            )
        )


def calibration_journeys(doc: Path = SCORING_DOC) -> list[Journey]:
    """Every row of every calibration table in ``doc``."""
    journeys = []
    for mode, access, body in re.findall(
        r"<!-- travel-calibration (\w+) access=(\d+) -->\n(.*?)<!-- /travel-calibration -->",
        doc.read_text(encoding="utf-8"),
        flags=re.DOTALL,
    ):
        for line in body.strip().splitlines()[2:]:  # below the header and the alignment row
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            origin_lat, origin_lon = (float(x) for x in cells[2].split(","))
            destination_lat, destination_lon = (float(x) for x in cells[3].split(","))
            journeys.append(
                Journey(
                    mode=TransportMode(mode),
                    access_minutes=int(access),
                    origin=cells[0],
                    destination=cells[1],
                    origin_lat=origin_lat,
                    origin_lon=origin_lon,
                    destination_lat=destination_lat,
                    destination_lon=destination_lon,
                    km=int(cells[4]),
                    by=cells[5],
                    journey_minutes=int(cells[6]),
                    door_to_door=int(cells[7]),
                    estimate=int(cells[8]),
                    off_percent=int(cells[9].replace("%", "").replace("+", "").strip()),
                )
            )
    return journeys
