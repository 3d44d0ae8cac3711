"""The Netværk heatmap: the balance of places against students, municipalities filtered by region."""

from __future__ import annotations

from app_streamlit.demand_chart import ALL_REGIONS, chart_rows, export_rows, heatmap
from placement_service.network_report import IndustryAreaGap


def _gap(area: str, level: str, demand: int, slots: int) -> IndustryAreaGap:
    return IndustryAreaGap(
        industry="retail",
        industry_label="Detailhandel",
        area=area,
        area_level=level,  # type: ignore[arg-type]
        demand=demand,
        fitting_slots=slots,
        placed=min(demand, slots),
        placed_elsewhere=0,
        unplaced=max(0, demand - slots),
    )


ROWS = [
    _gap("Region Nordjylland", "region", 5, 2),
    _gap("Aalborg", "municipality", 4, 1),
    _gap("Aarhus", "municipality", 1, 3),
]


def test_the_balance_is_places_minus_students() -> None:
    frame = chart_rows(ROWS, "municipality")
    assert dict(zip(frame["area"], frame["balance"], strict=True)) == {"Aalborg": -3, "Aarhus": 2}


def test_municipalities_are_filtered_by_their_region() -> None:
    assert list(chart_rows(ROWS, "municipality", "Region Nordjylland")["area"]) == ["Aalborg"]
    assert list(chart_rows(ROWS, "municipality", "Region Midtjylland")["area"]) == ["Aarhus"]
    assert len(chart_rows(ROWS, "municipality", ALL_REGIONS)) == 2


def test_every_municipality_gets_its_own_labelled_row() -> None:
    spec = heatmap(chart_rows(ROWS, "municipality"), "municipality", "balance").to_dict()
    assert spec["encoding"]["y"]["field"] == "area" and spec["height"] >= 2 * 22
    assert spec["encoding"]["y"]["axis"]["labelOverlap"] is False
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domainMid"] == 0 and scale["domain"] == [-3, 3]  # symmetric: white is "as many"


def test_the_export_has_danish_headers() -> None:
    columns = list(export_rows(chart_rows(ROWS, "municipality")).columns)
    assert "Pladser minus elever" in columns and "balance" not in columns
