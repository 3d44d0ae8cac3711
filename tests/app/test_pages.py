"""Every page headless with AppTest: it loads, its key interactions work, decisions persist."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app_streamlit.state import RECRUITMENT_THREAD
from placement_service import DecisionStore, load_builtin
from tests.app.shown import shown_tables
from tests.app.users import create_users, log_in

APP = str(Path(__file__).resolve().parents[2] / "app_streamlit" / "app.py")
TIMEOUT = 120


@pytest.fixture(autouse=True)
def fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("STU_MATCH_DB", str(tmp_path / "app.sqlite3"))
    create_users(tmp_path / "app.sqlite3")
    st.cache_resource.clear()  # the store is cached per process; each test gets its own database
    yield
    st.cache_resource.clear()


def open_page(page: str, user: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    if user:
        log_in(app, user)
    app.switch_page(f"views/{page}.py").run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize("page", ["home", "students", "plan", "network", "scenarios", "data"])
@pytest.mark.parametrize("user", [None, "Mette", "Kim", "Anne"])
def test_every_page_loads_without_an_exception(page: str, user: str | None) -> None:
    app = open_page(page, user=user)
    assert app.title[0].value


def test_home_shows_the_network_summary() -> None:
    app = open_page("home")
    assert [m.value for m in app.metric][:4] == ["140", "220", "15", "5"]


def test_student_shortlist_follows_the_filters() -> None:
    app = open_page("students")
    app.multiselect(key="students_industries").select("Detailhandel").run()
    for index in range(12):  # the first students with an eligible retail company
        app.selectbox(key="students_selected").select_index(index).run()
        assert not app.exception
        headers = [m.value for m in app.markdown if m.value.startswith("**1.")]
        if headers:
            break
    assert headers and all("Detailhandel" in h for h in headers)
    assert all("Delene summerer til scoren" in c.value for c in app.caption if "summerer" in c.value)


def test_an_approval_is_persisted_and_shown_after_a_fresh_start() -> None:
    app = open_page("plan", user="Mette")
    student = app.selectbox(key="plan_one_student").value
    shown = app.main.text[0].value
    assert shown.startswith(f"Placering: {student} → ") and shown.endswith("(forslag)")
    app.radio(key="plan_one_action").set_value("approve").run()
    app.button(key="plan_one_save").click().run()
    assert not app.exception
    assert any("er gemt" in s.value for s in app.success)

    st.cache_resource.clear()  # as after a restart: nothing in memory
    restarted = open_page("plan", user="Mette")
    assert restarted.main.text[0].value == shown.replace("(forslag)", "(godkendt)")
    assert restarted.metric[3].value == "1"
    trail = restarted.dataframe[-1].value  # the audit trail: who, when, what
    mine = trail[(trail["Bruger"] == "Mette") & trail["Handling"].str.startswith("Godkendte")]
    assert list(mine["Handling"]) == ["Godkendte"] and list(mine["Elev"]) == [student]


def test_approving_a_proposal_keeps_the_proven_plan_and_says_so() -> None:
    app = open_page("plan", user="Mette")
    before = app.dataframe[0].value[["Elev", "Virksomhed"]].to_dict("records")
    assert "bevist optimal" in app.status[0].label
    app.radio(key="plan_one_action").set_value("approve").run()
    app.button(key="plan_one_save").click().run()
    assert not app.exception
    assert app.status[0].label == (
        "Planen er uændret og stadig bevist optimal: de nye beslutninger følger den, "
        "så den behøver ikke at blive løst igen"
    )
    assert app.dataframe[0].value[["Elev", "Virksomhed"]].to_dict("records") == before


def test_the_demo_can_look_at_the_plan_but_not_decide() -> None:
    app = open_page("plan")
    assert any("Demo" in i.value for i in app.info)
    assert app.metric[0].value == "137 af 140"
    assert not [b for b in app.button if b.key in ("plan_one_save", "plan_save", "plan_approve_all")]


def test_forbidding_a_placement_moves_the_student() -> None:
    app = open_page("plan", user="Mette")
    student = app.selectbox(key="plan_one_student").value
    company = app.main.text[0].value.split(" → ")[1].split(" · ")[0]
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
    app.slider(key="scenario_capacity").set_value(70).run()
    app.number_input(key="scenario_weight_travel").set_value(12).run()
    app.text_input(key="scenario_name").input("Færre pladser").run()
    app.switch_page("views/plan.py").run()
    app.switch_page("views/students.py").run()
    app.switch_page("views/scenarios.py").run()
    assert not app.exception
    assert "Jens" in app.sidebar.text[0].value
    assert app.slider(key="scenario_capacity").value == 70
    assert app.number_input(key="scenario_weight_travel").value == 12
    assert app.text_input(key="scenario_name").value == "Færre pladser"


def test_a_scenario_with_no_change_matches_the_decided_plan() -> None:
    app = open_page("plan", user="Mette")
    app.radio(key="plan_one_action").set_value("forbid").run()
    app.button(key="plan_one_save").click().run()
    app.switch_page("views/scenarios.py").run()
    placed, _, moves = app.metric
    assert (placed.delta, moves.value) == ("0", "0")


def finish_background_work(app: AppTest) -> AppTest:
    """Wait for the recruitment report's background thread, then run the page again to draw it."""
    for thread in threading.enumerate():
        if thread.name == RECRUITMENT_THREAD:
            thread.join(TIMEOUT)
    return app.run()


def test_network_page_shows_gaps_and_verified_recommendations() -> None:
    app = finish_background_work(open_page("network"))
    assert app.metric[0].value == "137 af 140"
    # needs, unplaced by reason, recommendations, critical companies
    assert len(shown_tables(app)) >= 4
    critical = next(t for t in shown_tables(app) if "Elever uden plads, hvis den trækker sig" in t.columns)
    assert (critical["Elever uden plads, hvis den trækker sig"].astype(int) >= 1).all()
    app.radio(key="network_level").set_value("municipality").run()
    assert not app.exception


def test_a_what_if_scenario_is_compared_saved_and_reopened() -> None:
    app = open_page("scenarios", user="Jens")
    app.slider(key="scenario_capacity").set_value(50).run()
    placed = app.metric[0]
    assert int(placed.value) < 137 and placed.delta.startswith("-")
    app.text_input(key="scenario_name").input("Halve pladser").run()
    app.button(key="scenario_save").click().run()
    assert any("er gemt" in m.value for m in app.success)

    st.cache_resource.clear()
    reopened = open_page("scenarios")
    reopened.selectbox(key="scenario_pick").select("Halve pladser").run()
    reopened.button(key="scenario_open").click().run()
    assert reopened.slider(key="scenario_capacity").value == 50
    assert reopened.metric[0].value == placed.value


def test_a_company_added_in_a_scenario_gives_mentor_hours_per_week() -> None:
    app = open_page("scenarios", user="Jens")
    assert not [n for n in app.number_input if n.key == "scenario_new_mentor"]  # drawn only when opened
    app.session_state["scenario_add_open"] = True  # as a click on "Tilføj en virksomhed"
    app.run()
    mentor = app.number_input(key="scenario_new_mentor")
    assert mentor.label == "Mentortimer om ugen" and "timer om ugen" in (mentor.help or "")
    mentor.set_value(8)
    app.button(key="FormSubmitter:scenario_add_form-Tilføj").click().run()
    assert list(app.dataframe[0].value["Mentortimer om ugen"]) == [8] and not app.exception


def test_data_page_offers_upload_after_login_and_the_template_to_all() -> None:
    app = open_page("data")
    assert any("indbyggede syntetiske netværk" in i.value for i in app.info)
    assert any("Log ind for at indlæse egne data" in i.value for i in app.info)
    assert not [b for b in app.button if b.key == "upload_load"]
    app = open_page("data", user="Mette")
    assert app.button(key="upload_load").disabled  # until files are chosen


def test_a_wrong_password_logs_no_one_in() -> None:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    log_in(app, "Mette", "forkert-kodeord-1")
    assert any("Forkert brugernavn eller adgangskode" in e.value for e in app.error)
    log_in(app, "Ukendt", "forkert-kodeord-1")
    assert any("Forkert brugernavn eller adgangskode" in e.value for e in app.error)
    assert any("Demo" in i.value for i in app.info)


def test_a_coordinator_reaches_no_student_details_on_any_page() -> None:
    app = open_page("students", user="Kim")
    assert any("kun ses af jobkonsulenten" in i.value for i in app.info)
    assert not app.selectbox  # no student to pick
    app.switch_page("views/plan.py").run()
    assert any("Placeringsplanen er for jobkonsulenter" in i.value for i in app.info)
    assert not app.dataframe
    app.switch_page("views/network.py").run()
    assert app.metric[0].value == "137 af 140" and not app.exception
    text = " ".join(str(e.value) for e in (*app.markdown, *app.caption, *app.info))
    for health_word in ("Autisme", "ADHD", "Angst", "belastningsreaktion"):
        assert health_word not in text
    assert not [p for p in ("Administration",) if p in str(app)]


def test_a_consultant_sees_only_their_own_sites_students() -> None:
    app = open_page("students", user="Sara")
    options = app.selectbox(key="students_selected").options
    assert options and all("Castberggård" in o for o in options)
    app.switch_page("views/plan.py").run()
    rows = app.dataframe[0].value
    castberg = {s.student_id for s in load_builtin().students if s.stu_site == "castberggaard"}
    assert set(rows["Elev"]) <= castberg and len(rows) > 0
    assert set(app.selectbox(key="plan_one_student").options) <= castberg


def test_opening_a_students_profile_is_in_the_audit_trail() -> None:
    app = open_page("students", user="Sara")
    student = app.selectbox(key="students_selected").value
    app.run()  # a rerun of the same student is not another opening
    trail = [(e.user, e.action, e.details) for e in DecisionStore().audit_trail("builtin")]
    assert trail.count(("Sara", "student:open", {"student_id": student})) == 1


def test_the_administrator_page_shows_users_and_an_intact_audit_trail() -> None:
    app = open_page("admin", user="Anne")
    users = app.dataframe[0].value
    assert set(users["Navn"]) == {"Mette", "Jens", "Sara", "Kim", "Anne"}
    assert any("intakt" in s.value for s in app.success)


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


def test_a_corrupt_database_shows_a_danish_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"garbage" * 1000)
    monkeypatch.setenv("STU_MATCH_DB", str(broken))
    st.cache_resource.clear()
    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not app.exception
    assert any("beskadiget" in e.value for e in app.error)
    assert str(broken) not in " ".join(e.value for e in app.error)  # no server paths in the browser


def test_a_consultant_records_and_withdraws_consent_and_the_brief_follows() -> None:
    app = open_page("students", user="Mette")
    student = app.selectbox(key="students_selected").value
    app.multiselect(key=f"consent_scope_{student}").set_value(["interests"]).run()
    next(b for b in app.button if b.label == "Gem samtykke").click().run()
    assert not app.exception and any("Samtykket er gemt" in s.value for s in app.success)
    app.button(key=f"consent_withdraw_{student}").click().run()
    assert any("trukket tilbage" in s.value for s in app.success)
    kinds = [
        e.action for e in DecisionStore().audit_trail("builtin") if e.details.get("student_id") == student
    ]
    assert kinds[:2] == ["consent:withdraw", "consent:give"]


def test_opening_a_brief_is_in_the_audit_trail_once() -> None:
    app = open_page("plan", user="Sara")
    student, _ = app.selectbox(key="plan_brief_pick").value
    app.run()
    opened = [
        e.details["student_id"] for e in DecisionStore().audit_trail("builtin") if e.action == "brief:open"
    ]
    assert opened == [student]
