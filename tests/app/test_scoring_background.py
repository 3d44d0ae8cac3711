"""Elever on a large network just uploaded: the profile at once, the scoring's progress, then the suggestions."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app_streamlit import state
from placement_service import InputError
from tests.app.conftest import held_back
from tests.app.test_pages import open_page

TIMEOUT = 180


@pytest.fixture(autouse=True)
def own_environment(app_environment: Path) -> None:
    """A database and cache folder of their own: no scoring is found ready."""


@pytest.fixture
def held_back_scoring(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The scoring waits until the test sets the event (as a national network's takes seconds)."""
    with held_back(monkeypatch, "scoring_for", TIMEOUT) as release:
        yield release


def _join_scoring() -> None:
    for thread in threading.enumerate():
        if thread.name == state.SCORING_THREAD:
            thread.join(TIMEOUT)


def test_the_profile_shows_at_once_and_the_suggestions_when_the_scoring_is_done(
    held_back_scoring: threading.Event,
) -> None:
    app = open_page("students", "Mette")
    assert [h.value for h in app.subheader][:2] == ["Profil", "Behov og støtte"]
    assert any(
        "Beregner matchscorer for netværkets 140 elever og 220 virksomheder" in i.value for i in app.info
    )
    assert not [c for c in app.caption if "Delene summerer til scoren" in c.value]

    held_back_scoring.set()
    _join_scoring()
    app.run()
    assert not app.exception, app.exception
    assert not [i for i in app.info if "Beregner matchscorer" in i.value]
    assert [c for c in app.caption if "Delene summerer til scoren" in c.value]


def test_a_refusal_found_by_the_background_scoring_is_shown_in_danish(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refused(*args: object, **kwargs: object) -> object:
        raise InputError("bad model", "Den gemte model passer ikke til data.")

    monkeypatch.setattr(state, "scoring_for", refused)
    app = open_page("students", "Mette")
    assert any("Den gemte model passer ikke til data" in e.value for e in app.error)
    assert not app.exception
