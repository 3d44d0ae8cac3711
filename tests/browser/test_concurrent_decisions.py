"""Two browser sessions deciding at once: every decision lands on the pair its user saw, or is refused."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app.users import create_users
from tests.browser.conftest import log_in, running_app, settle

pytestmark = pytest.mark.browser

ACTIONS = {"approve": "Godkend", "reject": "Afvis", "lock": "Lås", "forbid": "Udeluk"}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("concurrent") / "decisions.sqlite3"


@pytest.fixture(scope="module")
def url(database: Path) -> Iterator[str]:
    create_users(database)
    with running_app(database) as address:
        yield address


def session(browser, url: str, user: str):
    """A separate browser session (its own cookies, its own Streamlit session) on the plan page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    page.goto(f"{url}/plan")
    page.get_by_text("Planen er løst", exact=False).first.wait_for(timeout=120_000)
    log_in(page, user)
    page.get_by_text("Planen er løst", exact=False).first.wait_for(timeout=120_000)
    settle(page)
    return page


def save(page):
    return page.get_by_role("button", name="Gem beslutningen", exact=True)


def placed_students() -> list[str]:
    """Students with a place in the built-in network's plan before any decision."""
    from placement_service import load_builtin, plan_cohort, prepare_scoring

    return [a.student_id for a in plan_cohort(prepare_scoring(load_builtin())).assignments()]


def pick(page, candidates: list[str], action: str) -> tuple[str, str]:
    """Choose the next candidate who has a place in the plan as shown, and an action; returns the pair shown."""
    while True:
        student_id = candidates.pop(0)
        settle(page)
        page.get_by_test_id("stSelectbox").filter(has_text="Elev i planen").click()
        page.keyboard.type(student_id)
        page.keyboard.press("Enter")
        shown = page.get_by_text(re.compile(rf"^Placering: {student_id} → "))
        unplaced = page.get_by_text(f"{student_id} har ingen plads i planen", exact=False)
        shown.or_(unplaced).first.wait_for(timeout=60_000)
        if shown.count():
            break
    settle(page)
    radio = page.get_by_test_id("stRadio").filter(has_text="Ryd beslutning")
    radio.get_by_text(ACTIONS[action], exact=True).click()
    settle(page)
    text = shown.inner_text()
    company_id = text.split(" → ")[1].split(" · ")[0]
    return student_id, company_id


def outcome(page, pair: tuple[str, str]) -> str:
    """'saved' or 'refused', from the message the page shows after the click."""
    saved = page.get_by_text(f"om {pair[0]} → {pair[1]} er gemt", exact=False)
    refused = page.get_by_text("er ikke gemt", exact=False)
    for _ in range(240):
        if saved.count():
            return "saved"
        if refused.count():
            return "refused"
        page.wait_for_timeout(250)
    raise AssertionError(f"no message after deciding on {pair}")


def stored(database: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(student, company) -> (kind, user) of every current decision, read straight from the database."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT d.student_id, d.company_id, d.kind, d.user FROM decisions d JOIN "
            "(SELECT MAX(id) AS id FROM decisions GROUP BY network_key, student_id, company_id) latest "
            "ON d.id = latest.id WHERE d.kind != 'clear'"
        ).fetchall()
    return {(s, c): (k, u) for s, c, k, u in rows}


def test_two_sessions_on_different_pairs_and_on_the_same_pair(browser, url: str, database: Path) -> None:
    mette, jens = session(browser, url, "Mette"), session(browser, url, "Jens")
    expected: dict[tuple[str, str], tuple[str, str]] = {}
    placed = placed_students()
    mine, theirs, shared = placed[5:40:3], placed[6:41:3], placed[60:80]

    # Different pairs, clicked at the same time, several rounds.
    for kind_m, kind_j in [("forbid", "approve"), ("approve", "reject"), ("lock", "forbid")]:
        pair_m, pair_j = pick(mette, mine, kind_m), pick(jens, theirs, kind_j)
        save(mette).click(no_wait_after=True)
        save(jens).click(no_wait_after=True)
        for page, pair, kind, user in ((mette, pair_m, kind_m, "Mette"), (jens, pair_j, kind_j, "Jens")):
            # Different students: neither decision changes the other's pair, so both are saved.
            assert outcome(page, pair) == "saved"
            expected[pair] = (kind, user)
        assert stored(database) == expected  # nothing landed anywhere else

    # The same pair: both see the same proposal; the first decision wins, the second is refused.
    pair_m = pick(mette, shared, "approve")
    pair_j = pick(jens, [pair_m[0]], "forbid")
    assert pair_m == pair_j
    save(mette).click()
    assert outcome(mette, pair_m) == "saved"
    expected[pair_m] = ("approve", "Mette")
    save(jens).click()
    assert outcome(jens, pair_j) == "refused"
    message = jens.get_by_text("er ikke gemt", exact=False).first.inner_text()
    assert "Mette" in message and f"{pair_m[0]} → {pair_m[1]}" in message
    assert stored(database) == expected
    assert len(expected) >= 4
    for page in (mette, jens):
        assert page.locator("[data-testid='stException']").count() == 0
        page.context.close()
