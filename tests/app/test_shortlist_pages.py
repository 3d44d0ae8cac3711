"""The Elever page puts the student's interests first and lists the near misses; the Netværk page names the
one hard rule whose lifting would place the most unplaced students."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app_streamlit.state import RECRUITMENT_THREAD
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


def open_page(page: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120).run()
    app.switch_page(f"views/{page}.py").run()
    assert not app.exception, app.exception
    return app


def headers(app: AppTest) -> list[str]:
    return [m.value for m in app.markdown if m.value.startswith("**") and " · " in m.value]


def test_interests_come_first_unless_all_industries_are_asked_for() -> None:
    app = open_page("students")
    app.number_input(key="students_top").set_value(8).run()
    for index in range(0, 12):
        app.selectbox(key="students_selected").select_index(index).run()
        inside = ["uden for elevens interesser" not in h for h in headers(app)]
        assert inside == sorted(inside, reverse=True), headers(app)
    app.checkbox(key="students_all_industries").check().run()
    assert not app.exception
    assert headers(app)


def test_a_student_without_reachable_interests_is_told_so_with_the_nearest_company() -> None:
    app = open_page("students")
    app.selectbox(key="students_selected").select_index(0).run()  # S0001 (issue 13)
    warnings = [w.value for w in app.warning if "kan nås" in w.value or "kan ikke nås" in w.value]
    if warnings:  # the built-in data may change; when it is said, it names the nearest company
        assert "Nærmest er" in warnings[0] and "Det står i vejen" in warnings[0]


def test_the_near_misses_are_listed_with_the_rule_the_values_the_arrangement_and_the_score() -> None:
    app = open_page("students")
    assert "Næsten egnede virksomheder" in [h.value for h in app.subheader]
    tables = [d.value for d in app.dataframe if "Kan løses ved" in d.value.columns]
    assert tables
    table = tables[0]
    assert list(table.columns) == [
        "Virksomhed",
        "Branche",
        "Interesse",
        "Krav",
        "Eleven og virksomheden",
        "Kan løses ved",
        "Score, hvis løst",
    ]
    assert table["Krav"].str.len().gt(0).all() and table["Kan løses ved"].str.len().gt(0).all()
    assert table["Score, hvis løst"].str.fullmatch(r"\d+,\d").all()  # decimal comma


def test_the_network_page_names_the_rule_to_lift() -> None:
    app = open_page("network")
    for thread in threading.enumerate():  # the recruitment report is verified in the background
        if thread.name == RECRUITMENT_THREAD:
            thread.join(180)
    app.run()
    assert "Ét krav løftet hos én virksomhed" in [h.value for h in app.subheader]
    tables = [t for t in shown_tables(app) if "Løsning" in t.columns]
    assert tables and (tables[0]["Gevinst"].astype(int) >= 1).all()
