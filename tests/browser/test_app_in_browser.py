"""The app in a real browser: every page opens without an exception shown."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = {
    "": "STU-praktikmatch",
    "data": "Upload egne data",
}


def open_page(browser, url: str, text: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    page.get_by_text(text, exact=False).first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    return page


@pytest.mark.parametrize(("path", "text"), PAGES.items())
def test_every_page_opens_without_an_exception(browser, app_url: str, path: str, text: str) -> None:
    page = open_page(browser, f"{app_url}/{path}", text)
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()
