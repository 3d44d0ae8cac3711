"""The pages after the match (issue 14), headless with AppTest: Forløb, the consultant's Oversigt,
Virksomheder and Styregruppe. Each test asserts what the page shows, and that bad input writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from placement_service import DecisionStore, load_builtin
from tests.app.shown import shown_tables
from tests.app.test_pages import fresh_database, open_page  # noqa: F401 (fresh_database: autouse fixture)

START = date.today() - timedelta(days=100)  # a placement that started 100 days ago: a follow-up is overdue


def text_of(app: AppTest) -> str:
    parts = [*app.markdown, *app.caption, *app.info, *app.success, *app.warning, *app.error, *app.text]
    return " ".join(str(p.value) for p in parts)


def placements_table(app: AppTest):  # type: ignore[no-untyped-def]
    return app.dataframe[0].value


def agree(app: AppTest, start: date = START, hours: str = "12,5") -> int:
    """Agree a placement for the first student in the form, at the company it proposes; returns its id."""
    app.date_input(key="placements_agree_start").set_value(start)
    app.text_input(key="placements_agree_hours").input(hours)
    app.text_input(key="placements_agree_mentor").input("Ole Jensen")
    app.text_area(key="placements_agree_arrangements").input("Møder kl. 9; fast arbejdsbord")
    app.button(key="placements_agree").click().run()
    assert not app.exception, app.exception
    return int(app.selectbox(key="placements_pick").value)


def start(app: AppTest, placement: int) -> None:
    app.button(key=f"placements_start_{placement}").click().run()
    assert not app.exception, app.exception


def follow_up(app: AppTest, placement: int, held_on: date, notes: str, student_view: str) -> None:
    app.date_input(key=f"placements_followup_date_{placement}").set_value(held_on)
    app.text_area(key=f"placements_followup_notes_{placement}").input(notes)
    app.text_area(key=f"placements_followup_company_{placement}").input("Stabil og glad for opgaverne")
    app.text_area(key=f"placements_followup_student_{placement}").input(student_view)
    app.text_area(key=f"placements_followup_needs_{placement}").input("Færre timer om fredagen")
    app.button(key=f"placements_followup_{placement}").click().run()
    assert not app.exception, app.exception


def end(app: AppTest, placement: int, on: date, reason: str = "completed") -> None:
    app.date_input(key=f"placements_end_date_{placement}").set_value(on)
    app.selectbox(key=f"placements_end_reason_{placement}").set_value(reason)
    app.button(key=f"placements_end_{placement}").click().run()
    assert not app.exception, app.exception


@pytest.mark.parametrize("page", ["placements", "companies", "steering"])
@pytest.mark.parametrize("user", [None, "Mette", "Kim", "Anne"])
def test_the_new_pages_load_for_everyone_and_say_who_they_are_for(page: str, user: str | None) -> None:
    app = open_page(page, user=user)
    assert app.title[0].value in ("Forløb", "Virksomheder", "Styregruppe")
    shown = text_of(app)
    if user is None:
        assert "logget ind" in shown
    if user == "Kim" and page == "placements":
        assert "Forløb er for jobkonsulenter" in shown
    if user == "Anne":
        assert "er for jobkonsulenter" in shown
    assert "None" not in shown and "nan" not in shown.split()


def test_a_consultant_agrees_a_placement_at_the_students_place_in_the_plan() -> None:
    app = open_page("placements", user="Mette")
    assert "Du har ingen forløb endnu" in text_of(app)
    student = app.selectbox(key="placements_agree_student").value
    proposed = app.selectbox(key=f"placements_agree_company_{student}").value
    assert "elevens plads i den besluttede placeringsplan" in text_of(app)
    placement = agree(app)
    assert any("er aftalt" in s.value for s in app.success)
    row = placements_table(app).iloc[0]
    assert (row["Elev"], row["Status"], row["Start"], row["Timer om ugen"], row["Mentor"]) == (
        student,
        "Aftalt",
        START.strftime("%d.%m.%Y"),
        "12,5",
        "Ole Jensen",
    )
    assert row["Virksomhed"].startswith(proposed) and row["Slut"] == ""
    assert "fast arbejdsbord" in text_of(app)  # the agreed arrangements, under the chosen placement
    assert app.metric[0].value == "1"  # Aftalt
    record = DecisionStore().placement("builtin", placement)
    assert record is not None and (record.company_id, record.hours_per_week) == (proposed, 12.5)
    # The student with an agreed placement is no longer offered for a new one.
    assert student not in app.selectbox(key="placements_agree_student").options


def test_start_follow_up_end_and_record_an_outcome() -> None:
    app = open_page("placements", user="Mette")
    placement = agree(app)
    start(app, placement)
    assert placements_table(app).iloc[0]["Status"] == "Startet"
    assert any("Næste opfølgning" in w.value and "over tid" in w.value for w in app.warning)

    follow_up(app, placement, START + timedelta(days=80), "Trives i lageret", "Jeg kan godt lide at pakke")
    assert any("Opfølgningen den" in s.value and "er gemt" in s.value for s in app.success)
    followups = app.dataframe[1].value
    assert list(followups["Elevens egen vurdering"]) == ["Jeg kan godt lide at pakke"]
    assert list(followups["Dato"]) == [(START + timedelta(days=80)).strftime("%d.%m.%Y")]
    assert "Opfølgninger (1)" in text_of(app)
    # The form is empty again for the next follow-up.
    assert app.text_area(key=f"placements_followup_notes_{placement}").value == ""

    end(app, placement, START + timedelta(days=95))
    row = placements_table(app).iloc[0]
    assert (row["Status"], row["Slut"], row["Afsluttet fordi"]) == (
        "Afsluttet",
        (START + timedelta(days=95)).strftime("%d.%m.%Y"),
        "Gennemført",
    )
    # No follow-up after the end.
    assert not [b for b in app.button if b.key == f"placements_followup_{placement}"]

    app.number_input(key=f"placements_outcome_year_{placement}").set_value(2026)
    app.selectbox(key=f"placements_outcome_measured_{placement}").set_value("12_months")
    app.selectbox(key=f"placements_outcome_type_{placement}").set_value("flexjob")
    app.text_input(key=f"placements_outcome_hours_{placement}").input("16")
    app.button(key=f"placements_outcome_{placement}").click().run()
    assert not app.exception
    assert any("Udfaldet" in s.value and "fleksjob" in s.value for s in app.success)
    outcomes = app.dataframe[-1].value
    assert list(outcomes["Beskæftigelse"]) == ["Fleksjob"]
    assert list(outcomes["Målt"]) == ["12 måneder efter STU"] and list(outcomes["Timer om ugen"]) == ["16"]
    # The same outcome again adds nothing, and says so.
    app.button(key=f"placements_outcome_{placement}").click().run()
    assert any("allerede registreret" in w.value for w in app.warning)
    assert len(DecisionStore().outcomes("builtin")) == 1


def test_an_end_before_the_start_is_refused_in_danish_and_nothing_is_written() -> None:
    app = open_page("placements", user="Mette")
    placement = agree(app)
    start(app, placement)
    trail_before = len(DecisionStore().audit_trail("builtin"))
    end(app, placement, START - timedelta(days=1))
    (error,) = app.error
    shown = error.value.replace("\\", "")  # as the browser shows the Markdown
    assert shown == (
        f"Slutdatoen {START - timedelta(days=1):%d.%m.%Y} ligger før startdatoen {START:%d.%m.%Y}."
    )
    record = DecisionStore().placement("builtin", placement)
    assert record is not None and (record.status, record.end_date) == ("started", None)
    assert len(DecisionStore().audit_trail("builtin")) == trail_before
    assert placements_table(app).iloc[0]["Status"] == "Startet"


def test_bad_hours_are_refused_in_danish_and_nothing_is_written() -> None:
    app = open_page("placements", user="Mette")
    app.text_input(key="placements_agree_hours").input("60")
    app.button(key="placements_agree").click().run()
    assert not app.exception
    assert any("Timer om ugen skal være et tal fra 1 til 37" in e.value for e in app.error)
    assert DecisionStore().placements("builtin") == []


def test_oversigt_shows_the_consultants_overdue_follow_ups() -> None:
    app = open_page("placements", user="Mette")
    placement = agree(app)
    start(app, placement)
    student = placements_table(app).iloc[0]["Elev"]
    app.switch_page("views/home.py").run()
    assert not app.exception
    assert any("1 opfølgning er over tid" in w.value for w in app.warning)
    due = app.dataframe[0].value
    overdue_by = (date.today() - (START + timedelta(days=0))).days  # due three months after the start
    assert list(due["Elev"]) == [student] and list(due["Seneste opfølgning"]) == ["Ingen endnu"]
    (status,) = due["Status"]
    assert status.endswith("dage over tid") and 0 < int(status.split()[0]) < overdue_by
    # Other users see no follow-up list.
    app = open_page("home", user="Kim")
    assert "Dine opfølgninger" not in [s.value for s in app.subheader]


def test_closing_a_company_ends_its_placements_and_lists_its_students_with_a_new_proposal() -> None:
    app = open_page("placements", user="Mette")
    student = app.selectbox(key="placements_agree_student").value
    company = app.selectbox(key=f"placements_agree_company_{student}").value
    start(app, agree(app))

    app = open_page("companies", user="Kim")
    app.selectbox(key="companies_pick").set_value(company).run()
    app.radio(key="companies_close_status").set_value("closed").run()
    app.date_input(key="companies_close_date").set_value(date.today()).run()
    app.checkbox(key=f"companies_close_sure_{company}").check().run()
    app.button(key="companies_close").click().run()
    assert not app.exception, app.exception
    assert any("er markeret som lukket" in s.value for s in app.success)
    assert any(w.value.startswith("Lukket pr. ") for w in app.warning)
    (released,) = [d.value for d in app.dataframe if "Forslag til ny virksomhed" in d.value.columns]
    assert student in list(released["Elev"])
    proposal = released.set_index("Elev").loc[student, "Forslag til ny virksomhed"]
    network = load_builtin()
    assert proposal != network.company(company).name and proposal
    assert "flytter" in text_of(app)
    (record,) = DecisionStore().placements("builtin", student)
    assert (record.status, record.end_reason) == ("ended", "company_closed")

    # The consultant sees the student on Oversigt, and the company is no longer offered.
    app = open_page("home", user="Mette")
    assert "Elever der skal have en ny plads" in [s.value for s in app.subheader]
    assert student in list(app.dataframe[-1].value["Elev"])
    app.switch_page("views/placements.py").run()
    assert company not in app.selectbox(key=f"placements_agree_company_{student}").options


def test_a_contact_and_the_contact_person_are_kept_and_the_company_leaves_the_stale_list() -> None:
    app = open_page("companies", user="Kim")
    company = app.selectbox(key="companies_pick").value
    overdue_before = app.metric[0].value
    assert overdue_before == "220 af 220"
    app.text_input(key=f"companies_contact_person_{company}").input("Lise Holm, 20 30 40 50")
    app.text_area(key=f"companies_asks_for_{company}").input("Sortering af varer")
    app.button(key=f"companies_relation_{company}").click().run()
    assert any("Kontaktoplysningerne" in s.value for s in app.success)

    app.text_input(key=f"companies_contact_what_{company}").input("Besøg hos lagerchefen")
    app.text_input(key=f"companies_contact_next_{company}").input("Ring i januar")
    app.button(key=f"companies_contact_{company}").click().run()
    assert not app.exception
    assert any("Kontakten med" in s.value and "er gemt" in s.value for s in app.success)
    log = app.dataframe[-1].value
    assert list(log["Hvad"]) == ["Besøg hos lagerchefen"] and list(log["Hvem"]) == ["Kim"]
    assert list(log["Dato"]) == [date.today().strftime("%d.%m.%Y")]
    assert app.metric[0].value == "219 af 220"
    assert app.text_input(key=f"companies_contact_person_{company}").value == "Lise Holm, 20 30 40 50"

    app.toggle(key="companies_show_all").set_value(True).run()
    everyone = app.dataframe[0].value.set_index("Virksomhed")
    assert everyone.loc[company, "Kontaktperson"] == "Lise Holm, 20 30 40 50"
    assert everyone.loc[company, "Dage siden"] == "0"
    app.number_input(key="companies_days").set_value(30).run()
    assert app.metric[0].label == "Ikke kontaktet i 30 dage"

    # A contact without what was said is refused, and nothing is written.
    app.button(key=f"companies_contact_{company}").click().run()
    assert any("Udfyld Hvad" in e.value for e in app.error)
    assert len(DecisionStore().contacts("builtin", company)) == 1


def test_the_steering_page_shows_the_sites_cohorts_and_outcomes() -> None:
    app = open_page("placements", user="Mette")
    placement = agree(app)
    start(app, placement)
    end(app, placement, START + timedelta(days=90))
    app.selectbox(key=f"placements_outcome_measured_{placement}").set_value("12_months")
    app.selectbox(key=f"placements_outcome_type_{placement}").set_value("job")
    app.button(key=f"placements_outcome_{placement}").click().run()

    app = open_page("steering", user="Kim")
    assert not app.exception
    (table,) = [t for t in shown_tables(app) if "Praktikker aftalt" in t.columns]
    assert len(table) >= 1
    placed = table[table["Praktikker aftalt"].astype(int) > 0].iloc[0]
    assert placed["Årgang"] == str(START.year)
    assert placed["STU-sted"][0].isupper() and "_" not in placed["STU-sted"]  # the site's name, not its ID
    assert any("Joballiancens pilot" in i.value and "81 %" in i.value for i in app.info)
    assert [m.value for m in app.metric][:2] == ["1", "0"]
    assert app.metric[3].value == "1 af 1"
    assert len(app.get("vega_lite_chart")) == 1  # the bar chart of employment types
    outcomes = app.dataframe[0].value
    assert list(outcomes["Beskæftigelse"]) == ["Ordinært job"] and list(outcomes["Andel"]) == ["100 %"]
    assert app.get("download_button")


def test_retraining_on_the_steering_page_learns_from_recorded_outcomes_and_shows_before_and_after() -> None:
    network = load_builtin()
    store = DecisionStore()
    company = network.companies[0].company_id
    rows = [
        {
            "student_id": s.student_id,
            "company_id": company,
            "year": 2027,
            "outcome": "flexjob" if k % 2 else "public_support",
            "measured": "12_months",
        }
        for k, s in enumerate(network.students[:30])
    ]
    store.insert_outcomes("builtin", rows, "import", "Anne")
    app = open_page("steering", user="Kim")
    shown = text_of(app)
    history_rows = len(network.usable_history)
    assert f"Modellen lærer af historikken: {history_rows} tidligere praktikker" in shown
    assert "30 registrerede udfald er endnu ikke med" in shown
    app.button(key="steering_retrain").click().run()
    assert not app.exception, app.exception
    assert any("Modellen er genoptrænet" in s.value for s in app.success)
    evaluation = app.dataframe[-1].value
    assert list(evaluation["Praktikker"]) == [history_rows, history_rows + 30]
    assert all("," in v and "." not in v for v in evaluation["Rangering (NDCG@5)"])
    shown = text_of(app)
    assert (
        f"Modellen lærer af {history_rows + 30} tidligere praktikker" in shown
        and "30 registrerede udfald" in shown
    )
    assert "Alle registrerede udfald er med" in shown
    assert app.button(key="steering_retrain").disabled


def test_the_follow_up_interval_is_changed_on_the_placements_page() -> None:
    app = open_page("placements", user="Mette")
    placement = agree(app, start=date.today() - timedelta(days=40))
    start(app, placement)
    app.number_input(key="placements_interval").set_value(1)
    app.button(key="placements_interval_save").click().run()
    assert not app.exception, app.exception
    assert any("hver måned" in s.value for s in app.success)
    assert app.metric[3].value == "1"  # started 40 days ago, followed up monthly: overdue
    assert DecisionStore().followup_months("builtin", 3) == 1
