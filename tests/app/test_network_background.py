"""The Netværk page while its recruitment report is verified in the background, and after a restart."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app_streamlit import state
from placement_service import Recruitment
from tests.app.shown import shown_tables

APP = str(Path(__file__).resolve().parents[2] / "app_streamlit" / "app.py")
TIMEOUT = 180


@pytest.fixture(autouse=True)
def fresh_database_and_results(app_environment: Path) -> Path:
    """Its own database, and a cache folder of its own that still holds the session's fitted models."""
    return app_environment


def network_page() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    app.switch_page("views/network.py").run()
    assert not app.exception, app.exception
    return app


def subheaders(app: AppTest) -> list[str]:
    return [s.value for s in app.subheader]


def test_the_page_is_drawn_while_the_report_is_verified_and_the_report_follows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()
    real = state.compute_recruitment

    def held_back(plan: object, job: state.RecruitmentJob) -> Recruitment:
        job.share_done = 0.25
        release.wait(TIMEOUT)
        return real(plan, job)  # type: ignore[arg-type]

    monkeypatch.setattr(state, "compute_recruitment", held_back)
    app = network_page()
    assert app.metric[0].value == "137 af 140"  # what is ready is shown
    assert "Elever uden plads, efter årsag" in subheaders(app)
    assert "Kort" in subheaders(app)
    assert "Kritiske virksomheder" not in subheaders(app)
    (progress,) = app.get("progress")
    assert "25 % færdig" in progress.proto.text
    app.radio(key="network_level").set_value("municipality").run()  # the page stays usable
    assert not app.exception

    release.set()
    for thread in threading.enumerate():
        if thread.name == state.RECRUITMENT_THREAD:
            thread.join(TIMEOUT)
    app.run()
    assert not app.exception, app.exception
    assert {"Virksomheder at rekruttere", "Kritiske virksomheder"} <= set(subheaders(app))
    assert not app.get("progress")


def test_after_a_restart_the_report_is_read_from_disk_not_verified_again(
    monkeypatch: pytest.MonkeyPatch, fresh_database_and_results: Path
) -> None:
    app = network_page()
    for thread in threading.enumerate():
        if thread.name == state.RECRUITMENT_THREAD:
            thread.join(TIMEOUT)
    app.run()
    before = shown_tables(app)
    assert list((fresh_database_and_results / "results").glob("*.json"))

    st.cache_resource.clear()  # a restart: nothing in memory, the cache folder is kept

    def never(*_: object) -> Recruitment:
        raise AssertionError("verified again after a restart")

    monkeypatch.setattr(state, "compute_recruitment", never)
    app = network_page()
    assert "Kritiske virksomheder" in subheaders(app)
    assert not app.get("progress")
    after = shown_tables(app)
    assert len(after) == len(before)
    for left, right in zip(before, after, strict=True):
        assert left.equals(right)


def test_a_new_decision_gives_a_new_report() -> None:
    network_page()
    for thread in threading.enumerate():
        if thread.name == state.RECRUITMENT_THREAD:
            thread.join(TIMEOUT)
    opened = state.current()
    plan = state.decided_plan(opened)
    first_key = state.recruitment_key(opened, plan)
    placed = plan.assignments()[0]
    state.store().record(opened.network_id, placed.student_id, placed.company_id, "forbid", "Mette")
    replanned = state.decided_plan(opened)
    assert state.recruitment_key(opened, replanned) != first_key
    assert replanned.mapping()[placed.student_id] != placed.company_id


def test_a_failed_verification_is_said_in_danish_the_rest_of_the_page_stays_and_it_can_be_tried_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_: object) -> Recruitment:
        raise RuntimeError("the solver broke")

    real = state.compute_recruitment
    monkeypatch.setattr(state, "compute_recruitment", broken)
    app = network_page()
    for thread in threading.enumerate():
        if thread.name == state.RECRUITMENT_THREAD:
            thread.join(TIMEOUT)
    app.run()
    assert not app.exception, app.exception
    assert "kunne ikke efterprøves" in app.error[0].value
    assert "Kort" in subheaders(app)

    monkeypatch.setattr(state, "compute_recruitment", real)  # the consultant tries again
    app.button(key="retry_recruitment").click().run()
    for thread in threading.enumerate():
        if thread.name == state.RECRUITMENT_THREAD:
            thread.join(TIMEOUT)
    app.run()
    assert not app.exception, app.exception
    assert not app.error
    assert "Virksomheder at rekruttere" in subheaders(app)


def test_a_stopping_server_ends_the_verification_at_its_next_step_and_keeps_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    steps: list[float] = []
    real = state.recruitment

    def counted(plan: object, progress: Callable[[float], None]) -> Recruitment:
        def step(share: float) -> None:
            steps.append(share)
            if len(steps) == 3:
                state.stop_background_work()  # the server stops while the work is under way
            progress(share)

        return real(plan, progress=step)  # type: ignore[arg-type]

    monkeypatch.setattr(state, "recruitment", counted)
    monkeypatch.setattr(state, "STOPPING", threading.Event())
    network_page()
    for thread in threading.enumerate():
        if thread.name == state.RECRUITMENT_THREAD:
            thread.join(TIMEOUT)
    ((key, job),) = state._jobs().items()
    assert job.failed == "stopped" and job.result is None
    assert len(steps) == 3  # no step after the stop
    assert state.results().report(key, Recruitment) is None
