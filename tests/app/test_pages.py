"""Every page headless with AppTest: it loads, its key interactions work, decisions persist."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app_streamlit" / "app.py")
TIMEOUT = 120


@pytest.fixture(autouse=True)
def fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("STU_MATCH_DB", str(tmp_path / "app.sqlite3"))
    st.cache_resource.clear()  # the store is cached per process; each test gets its own database
    yield
    st.cache_resource.clear()


def open_page(page: str, user: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    app.switch_page(f"views/{page}.py").run()
    if user:
        app.text_input(key="user_name").input(user).run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize("page", ["home", "students", "plan", "network", "scenarios", "data"])
def test_every_page_loads_without_an_exception(page: str) -> None:
    app = open_page(page)
    assert app.title[0].value


def test_home_shows_the_network_summary() -> None:
    app = open_page("home")
    assert [m.value for m in app.metric][:4] == ["140", "220", "15", "5"]


def test_student_shortlist_follows_the_filters() -> None:
    app = open_page("students")
    app.selectbox(key="students_selected").select_index(3).run()
    app.multiselect(key="students_industries").select("Detailhandel").run()
    assert not app.exception
    headers = [m.value for m in app.markdown if m.value.startswith("**1.")]
    assert headers and all("Detailhandel" in h for h in headers)
    assert all("Delene summerer til scoren" in c.value for c in app.caption if "summerer" in c.value)


def test_an_approval_is_persisted_and_shown_after_a_fresh_start() -> None:
    app = open_page("plan", user="Mette")
    first = app.selectbox(key="plan_one_pick").options[0]
    assert first.endswith("(forslag)")
    app.selectbox(key="plan_one_pick").select(first).run()
    app.radio(key="plan_one_action").set_value("Godkend").run()
    app.button(key="plan_one_save").click().run()
    assert not app.exception

    st.cache_resource.clear()  # as after a restart: nothing in memory
    restarted = open_page("plan")
    assert restarted.selectbox(key="plan_one_pick").options[0] == first.replace("(forslag)", "(godkendt)")
    assert restarted.metric[3].value == "1"
    trail = restarted.dataframe[-1].value  # the audit trail: who, when, what
    assert list(trail["Bruger"]) == ["Mette"] and list(trail["Handling"]) == ["Godkendte"]


def test_a_decision_without_a_name_is_not_saved() -> None:
    app = open_page("plan")
    app.radio(key="plan_one_action").set_value("Lås").run()
    app.button(key="plan_one_save").click().run()
    assert any("Skriv dit navn" in w.value for w in app.warning)
    assert app.metric[3].value == "0"


def test_forbidding_a_placement_moves_the_student() -> None:
    app = open_page("plan", user="Mette")
    first = app.selectbox(key="plan_one_pick").options[0]
    app.radio(key="plan_one_action").set_value("Udeluk").run()
    app.button(key="plan_one_save").click().run()
    assert not app.exception
    options = app.selectbox(key="plan_one_pick").options
    student, company = first.split(" · ")[0].split(" → ")
    assert not any(o.startswith(f"{student} → {company} ") for o in options)


def test_network_page_shows_gaps_and_verified_recommendations() -> None:
    app = open_page("network")
    assert app.metric[0].value == "128 af 140"
    assert len(app.dataframe) >= 4  # needs, unplaced by reason, recommendations, critical companies
    app.radio(key="network_level").set_value("municipality").run()
    assert not app.exception


def test_a_what_if_scenario_is_compared_saved_and_reopened() -> None:
    app = open_page("scenarios", user="Jens")
    app.slider(key="scenario_capacity").set_value(0.5).run()
    placed = app.metric[0]
    assert int(placed.value) < 128 and placed.delta.startswith("-")
    app.text_input(key="scenario_name").input("Halve pladser").run()
    app.button(key="scenario_save").click().run()

    st.cache_resource.clear()
    reopened = open_page("scenarios")
    reopened.selectbox(key="scenario_pick").select("Halve pladser").run()
    reopened.button(key="scenario_open").click().run()
    assert reopened.slider(key="scenario_capacity").value == 0.5
    assert reopened.metric[0].value == placed.value


def test_data_page_offers_upload_and_template() -> None:
    app = open_page("data")
    assert any("indbyggede syntetiske netværk" in i.value for i in app.info)
    assert app.button(key="upload_load").disabled
