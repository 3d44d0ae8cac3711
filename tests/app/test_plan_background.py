"""Pages that need the decided plan while it is solved in the background: progress, then the page."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app_streamlit import state
from optimizer.problem import SolveParams
from placement_service import InputError, planning, solve_params
from placement_service.plan_status import CUT_SHORT
from tests.app.conftest import held_back
from tests.app.test_pages import open_page

TIMEOUT = 180


@pytest.fixture(autouse=True)
def fresh_database_and_results(app_environment: Path) -> None:
    """Its own database and results: no plan is found ready."""


def _join_plan_threads() -> None:
    for thread in threading.enumerate():
        if thread.name in (state.PLAN_THREAD, state.RECRUITMENT_THREAD):
            thread.join(TIMEOUT)


@pytest.fixture
def held_back_solve(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The plan's solve waits until the test sets the event (as a national network's would take long)."""
    with held_back(monkeypatch, "plan_with_decisions", TIMEOUT) as release:
        yield release


@pytest.mark.parametrize(
    ("page", "user", "title"), [("plan", "Mette", "Placeringsplan"), ("network", "Kim", "Netværk")]
)
def test_a_page_shows_the_solve_progress_and_then_itself(
    held_back_solve: threading.Event, page: str, user: str, title: str
) -> None:
    app = open_page(page, user)
    assert app.title[0].value == title  # drawn at once, without the plan
    (progress,) = app.get("progress")
    assert "Løser placeringsplanen for hele netværket" in progress.proto.text
    assert "af højst 60 s" in progress.proto.text
    assert not app.metric and not app.dataframe

    held_back_solve.set()
    _join_plan_threads()
    app.run()
    assert not app.exception, app.exception
    assert not [p for p in app.get("progress") if "Løser placeringsplanen" in p.proto.text]
    assert app.metric  # the page itself, with the plan's figures


def test_other_pages_stay_usable_while_the_plan_is_solved(held_back_solve: threading.Event) -> None:
    app = open_page("placements", "Mette")  # uses the plan only to suggest a company
    assert app.title[0].value == "Forløb"
    app = open_page("students", "Mette")
    assert app.selectbox(key="students_selected").value


def test_conflicting_decisions_found_by_the_background_solve_are_shown_as_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refused(*args: object, **kwargs: object) -> object:
        raise InputError("locks conflict", "Låsen på S001 og låsen på S002 kan ikke begge holde.")

    monkeypatch.setattr(state, "plan_with_decisions", refused)
    app = open_page("plan", "Mette")
    assert any("Beslutningerne er i konflikt" in e.value for e in app.error)
    assert any("S001" in e.value for e in app.error)
    assert not app.get("progress")


def test_on_a_small_network_the_page_waits_for_a_slow_plan_instead_of_showing_progress(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = state.plan_with_decisions

    def slow(*args: object, **kwargs: object) -> object:
        threading.Event().wait(2 * state.QUICK_SECONDS)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(state, "plan_with_decisions", slow)
    app = open_page("plan", "Mette")
    assert not app.get("progress")
    assert app.metric


def test_a_solve_that_fails_is_said_in_danish_and_tried_again_on_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = state.plan_with_decisions

    def broken(*args: object, **kwargs: object) -> object:
        raise MemoryError  # what went wrong is logged on the server, not shown

    monkeypatch.setattr(state, "plan_with_decisions", broken)
    app = open_page("plan", "Mette")
    (error,) = app.error
    assert "Placeringsplanen kunne ikke løses på grund af en fejl" in error.value
    assert "Prøv igen" in error.value and "MemoryError" not in error.value
    assert not app.metric
    app = open_page("plan", "Mette")  # another visit does not solve again by itself
    assert "kunne ikke løses" in app.error[0].value

    monkeypatch.setattr(state, "plan_with_decisions", real)
    app.button(key="retry_failed_work").click().run()
    _join_plan_threads()
    app.run()
    assert not app.exception, app.exception
    assert not app.error
    assert app.metric  # the plan, solved again


def test_a_plan_cut_short_by_the_time_limit_says_how_far_from_best_it_may_be(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def at_once(objective: str, time_limit: float) -> SolveParams:
        return solve_params(objective, 0.0)

    monkeypatch.setattr(planning, "solve_params", at_once)
    app = open_page("plan", "Mette")
    _join_plan_threads()
    app.run()
    assert not app.exception, app.exception
    assert app.status[0].label.endswith("(tidsgrænsen nået)")
    (bound,) = [box.value for box in app.info if box.value.startswith(CUT_SHORT)]
    assert re.fullmatch(
        rf"{re.escape(CUT_SHORT)} Ingen plan .+ \(planen (har|placerer) [\d.]+\), en afstand på \d+,\d\d %\.",
        bound,
    )
