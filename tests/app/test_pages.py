"""Every page headless with AppTest: it loads, its key interactions work, decisions persist."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from dataclasses import replace

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from placement_service import DecisionStore

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
    student = app.selectbox(key="plan_one_student").value
    shown = app.text[0].value
    assert shown.startswith(f"Placering: {student} → ") and shown.endswith("(forslag)")
    app.radio(key="plan_one_action").set_value("approve").run()
    app.button(key="plan_one_save").click().run()
    assert not app.exception
    assert any("er gemt" in s.value for s in app.success)

    st.cache_resource.clear()  # as after a restart: nothing in memory
    restarted = open_page("plan")
    assert restarted.text[0].value == shown.replace("(forslag)", "(godkendt)")
    assert restarted.metric[3].value == "1"
    trail = restarted.dataframe[-1].value  # the audit trail: who, when, what
    mine = trail[trail["Bruger"] == "Mette"]
    assert list(mine["Handling"]) == ["Godkendte"] and list(mine["Elev"]) == [student]


def test_a_decision_without_a_name_is_not_saved() -> None:
    app = open_page("plan")
    app.radio(key="plan_one_action").set_value("lock").run()
    app.button(key="plan_one_save").click().run()
    assert any("Skriv dit navn" in e.value for e in app.error)
    assert app.metric[3].value == "0"


def test_forbidding_a_placement_moves_the_student() -> None:
    app = open_page("plan", user="Mette")
    student = app.selectbox(key="plan_one_student").value
    company = app.text[0].value.split(" → ")[1].split(" · ")[0]
    app.radio(key="plan_one_action").set_value("forbid").run()
    app.button(key="plan_one_save").click().run()
    assert not app.exception
    table = app.dataframe[0].value
    placed = dict(zip(table["Elev"], table["Virksomhed"], strict=True))
    assert placed.get(student) != company


def test_approving_the_whole_plan_keeps_locks_and_shows_the_plans_true_figures() -> None:
    app = open_page("plan", user="Mette")
    before = [m.value for m in app.metric]
    app.radio(key="plan_one_action").set_value("lock").run()
    app.button(key="plan_one_save").click().run()
    app.button(key="plan_approve_all").click().run()
    assert not app.exception
    after = [m.value for m in app.metric]
    assert after[:3] == before[:3]  # placed, total score and lowest score are the plan's own
    assert after[2] not in ("0", "0,0", "–")
    placed = int(after[0].split(" af ")[0])
    assert after[3] == str(placed)
    statuses = app.dataframe[0].value["Status"].value_counts().to_dict()
    assert statuses == {"Godkendt": placed - 1, "Låst": 1}
    assert "besluttet" in app.status[0].label


def test_the_name_and_scenario_settings_survive_page_changes() -> None:
    app = open_page("scenarios", user="Jens")
    app.slider(key="scenario_capacity").set_value(0.7).run()
    app.number_input(key="scenario_weight_travel").set_value(12.0).run()
    app.text_input(key="scenario_name").input("Færre pladser").run()
    app.switch_page("views/plan.py").run()
    app.switch_page("views/students.py").run()
    app.switch_page("views/scenarios.py").run()
    assert not app.exception
    assert app.text_input(key="user_name").value == "Jens"
    assert app.slider(key="scenario_capacity").value == 0.7
    assert app.number_input(key="scenario_weight_travel").value == 12.0
    assert app.text_input(key="scenario_name").value == "Færre pladser"


def test_a_scenario_with_no_change_matches_the_decided_plan() -> None:
    app = open_page("plan", user="Mette")
    app.radio(key="plan_one_action").set_value("forbid").run()
    app.button(key="plan_one_save").click().run()
    app.switch_page("views/scenarios.py").run()
    placed, _, moves = app.metric
    assert (placed.delta, moves.value) == ("0", "0")


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
    assert any("er gemt" in m.value for m in app.success)

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


def test_an_upload_is_a_new_network_unless_the_user_says_it_is_a_new_version(builtin_network) -> None:
    first = builtin_network.students[0].student_id
    DecisionStore().record("builtin", first, builtin_network.companies[0].company_id, "forbid", "Jens")
    app = open_page("data", user="Mette")
    app.session_state["upload_pending"] = builtin_network
    app.run()
    assert app.radio(key="upload_target").value == "__new__"
    app.text_input(key="upload_name").input("indbygget").run()
    app.button(key="upload_use").click().run()
    assert not app.exception
    assert any("«indbygget», version 1" in s.value for s in app.success)
    app.switch_page("views/plan.py").run()
    assert app.metric[3].value == "0"  # none of the built-in network's decisions

    fixed = replace(builtin_network, companies=builtin_network.companies[1:])
    app.switch_page("views/data.py").run()
    app.session_state["upload_pending"] = fixed
    app.run()
    (uploaded,) = [n for n in DecisionStore().networks() if n.name == "indbygget"]
    app.radio(key="upload_target").set_value(uploaded.network_id).run()
    changes = app.dataframe[0].value
    assert list(changes["Ændring"]) == ["Virksomheder fjernet"] and list(changes["Antal"]) == [1]
    app.button(key="upload_use").click().run()
    assert any("«indbygget», version 2" in s.value for s in app.success)
