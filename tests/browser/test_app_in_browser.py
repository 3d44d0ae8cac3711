"""The app in a real browser (Debian's Chromium): every page opens, a plan is solved and a placement approved."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, settle

pytestmark = pytest.mark.browser

PAGES = {
    "": "STU-praktikmatch",
    "students": "Forslag til praktikpladser",
    "plan": "Placerede elever",
    "network": "Efterspørgsel og udbud",
    "scenarios": "Vægte i matchscoren",
    "data": "Upload egne data",
}


def open_page(browser, url: str, text: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    page.get_by_text(text, exact=False).first.wait_for(timeout=90_000)
    page.wait_for_timeout(1000)
    return page


def exceptions_shown(page) -> int:
    return page.locator("[data-testid='stException']").count()


@pytest.mark.parametrize(("path", "text"), PAGES.items())
def test_every_page_opens_without_an_exception(browser, app_url: str, path: str, text: str) -> None:
    page = open_page(browser, f"{app_url}/{path}", text)
    assert exceptions_shown(page) == 0
    # The navigation shows the Danish page titles, never file names.
    top_bar = page.get_by_test_id("stTopNav")
    # Every page is in reach: two Danish menus, never Streamlit's English "2 more". Until the icon font has
    # loaded, the icons' names ("home") widen the bar and it briefly folds into "9 more": wait for the layout.
    expect(top_bar).not_to_contain_text("more", timeout=15_000)
    navigation = top_bar.inner_text()
    assert "Placeringsplan" in navigation and "scenarios" not in navigation
    assert "Netværk og virksomheder" in navigation and "Styring og data" in navigation
    page.close()


def test_solve_the_plan_and_approve_a_placement(browser, app_url: str) -> None:
    page = open_page(browser, f"{app_url}/plan", "Placerede elever")
    page.get_by_text("Planen er løst", exact=False).first.wait_for(timeout=60_000)
    log_in(page, "Mette")
    settle(page)
    assert decisions_shown(page) == "0"
    page.get_by_text("Gem beslutningen", exact=True).click()
    page.get_by_text("er gemt", exact=False).first.wait_for(timeout=60_000)
    assert exceptions_shown(page) == 0
    page.reload()  # a fresh browser session reads the decision back from the database
    # The approved proposal keeps the proven plan: it is carried over, not solved again.
    page.get_by_text("Planen er uændret og stadig bevist optimal", exact=False).first.wait_for(timeout=60_000)
    log_in(page, "Mette")  # a local login lasts one browser session
    page.get_by_text("Planen er uændret og stadig bevist optimal", exact=False).first.wait_for(timeout=60_000)
    settle(page)
    assert decisions_shown(page) == "1"
    page.close()


def decisions_shown(page) -> str:
    """The value of the page's fourth metric, 'Beslutninger'."""
    return page.get_by_test_id("stMetricValue").nth(3).inner_text().strip()
