"""The Netværk page's section "Retfærdighed på tværs af grupper" (issue 18), headless with AppTest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.shown import shown_tables
from tests.app.users import create_users

APP = str(Path(__file__).resolve().parents[2] / "app_streamlit" / "app.py")


@pytest.fixture(autouse=True)
def fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("STU_MATCH_DB", str(tmp_path / "app.sqlite3"))
    create_users(tmp_path / "app.sqlite3")
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def table_with(app: AppTest, column: str) -> pd.DataFrame:
    (frame,) = [table for table in shown_tables(app) if column in table.columns]
    return frame


def test_the_network_page_shows_placement_and_calibration_by_group() -> None:
    app = AppTest.from_file(APP, default_timeout=180).run()
    app.switch_page("views/network.py").run()
    assert not app.exception, app.exception
    assert "Retfærdighed på tværs af grupper" in [s.value for s in app.subheader]

    placement = table_with(app, "I egne interesser").set_index(["Gruppering", "Gruppe"])
    assert list(placement.index.get_level_values(0).unique()) == [
        "STU-sted",
        "Køn",
        "Alder",
        "Funktionsnedsættelse",
        "Transport",
    ]
    women = placement.loc[("Køn", "Kvinde")]
    assert (women["Elever"], women["Placeret"], women["I egne interesser"]) == (28, "27 (96 %)", "25 (93 %)")
    assert women["Gns. score"].count(",") == 1  # Danish decimal comma
    walkers = placement.loc[("Transport", "Til fods")]  # one student: a count, no rate
    assert (walkers["Elever"], walkers["Placeret"], walkers["Gns. score"]) == (1, "1", "– (under 20)")
    assert placement["Elever"].groupby(level=0).sum()["Køn"] == 140
    placed = placement["Placeret"].str.split().str[0].astype(int)
    causes = ["Ingen passende", "Fuldt besat", "Ikke valgt"]
    assert (placed + placement[causes].sum(axis=1) == placement["Elever"]).all()

    calibration = table_with(app, "Forudsagt andel i job").set_index(["Gruppering", "Gruppe"])
    # A wrapped table shows text: the counts as a Dane writes them.
    calibration["Tidligere praktikker"] = calibration["Tidligere praktikker"].str.replace(".", "").astype(int)
    small = calibration[calibration["Tidligere praktikker"] < 20]
    assert len(small) and (small["Forudsagt andel i job"] == "– (under 20)").all()
    assert (small["Forskel (procentpoint)"] == "–").all()  # never flagged
    large = calibration[calibration["Tidligere praktikker"] >= 20]
    assert large["Faktisk andel i job"].str.fullmatch(r"\d{1,3},\d %").all()
    shown = large["Forskel (procentpoint)"]
    gaps = shown.str.split().str[0].str.replace("−", "-").str.replace(",", ".").astype(float)
    assert set(large.index[shown.str.endswith("(over 5)")]) == set(large.index[gaps.abs() > 5])
    assert ("Transport", "Egen bil") in set(large.index[shown.str.endswith("(over 5)")])
    assert any("procentpoint" in w.value for w in [*app.warning, *app.success])
    assert len(app.get("vega_lite_chart")) >= 2  # the heatmap and the placement rate by group
