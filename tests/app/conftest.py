"""Fixtures for the app's headless tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import streamlit as st

from app_streamlit import state
from placement_service.planning import MODEL_CACHE_ENV
from tests.app.users import create_users


@pytest.fixture
def app_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_cache: Path) -> Iterator[Path]:
    """A database of its own with the test users, and a cache folder of its own that holds the session's
    fitted outcome models (no refit); the app's in-memory caches cleared before and after. Yields the folder."""
    monkeypatch.setenv("STU_MATCH_DB", str(tmp_path / "app.sqlite3"))
    create_users(tmp_path / "app.sqlite3")
    cache = tmp_path / "cache"
    cache.mkdir()
    for model in model_cache.glob("outcome-model-*.json"):
        (cache / model.name).write_bytes(model.read_bytes())
    monkeypatch.setenv(MODEL_CACHE_ENV, str(cache))
    st.cache_resource.clear()
    yield cache
    stop_background_work()  # before the caches that hold its jobs are cleared
    st.cache_resource.clear()


BACKGROUND_THREADS = {state.PLAN_THREAD, state.SCORING_THREAD, state.RECRUITMENT_THREAD}


@pytest.fixture(autouse=True)
def no_background_work_left() -> Iterator[None]:
    """After each test, its background plan, scoring and recruitment verification are stopped and waited for,
    so that no test shares the CPU with an earlier test's verification (each Netværk visit on a new database
    starts one: many solves)."""
    yield
    stop_background_work()


def stop_background_work() -> None:
    """Signal the background work to stop, wait for its threads, and forget the jobs it stopped."""
    state.stop_background_work()
    try:
        for thread in threading.enumerate():
            if thread.name in BACKGROUND_THREADS:
                thread.join(120)
                assert not thread.is_alive(), f"{thread.name} still runs 120 s after the test"
        jobs = state._jobs()
        for key in [key for key, job in jobs.items() if job.failed == "stopped"]:
            del jobs[key]  # a later test on the same network starts it again, as a restarted server would
    finally:
        state.STOPPING.clear()


@contextmanager
def held_back(monkeypatch: pytest.MonkeyPatch, name: str, timeout: float = 180) -> Iterator[threading.Event]:
    """``state.<name>`` waits until the test sets the event it yields (as a national network's solve or scoring
    takes long); networks above 100 students count as large, so the pilot's pages show progress."""
    release = threading.Event()
    real = getattr(state, name)

    def slow(*args: object, **kwargs: object) -> object:
        release.wait(timeout)
        return real(*args, **kwargs)

    monkeypatch.setattr(state, name, slow)
    monkeypatch.setattr(state, "WAIT_UP_TO_STUDENTS", 100)  # the pilot's 140 students: a large network here
    try:
        yield release
    finally:
        release.set()
