"""Every page, as every kind of user, shows Danish: no None or nan, no decimal point in a number, no
known English leftovers (issue 15). Dataframe cells of text are read; number columns are drawn by the
grid in the reader's locale."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.shown import shown_tables
from tests.app.test_pages import fresh_database, open_page  # noqa: F401 (fresh_database: autouse fixture)

DECIMAL_POINT = re.compile(r"(?<![\w.,])\d+\.\d{1,2}(?![\w.])")  # 72.5, 0.25; not 11.184 or 01.12.2026
LEFTOVERS = re.compile(
    r"\b(None|nan|NaN|No results|placements|student_id|company_id|Tab \d|elev\(er\)|True|False|"
    r"hårde krav|Støjniveauet er|mentorenheder|niveau \d|\d af 5)\b"
)
PAGES = ("home", "students", "plan", "placements", "network", "companies", "steering", "scenarios", "data")


def shown_text(app: AppTest) -> list[str]:
    texts: list[str] = []
    for kind in (
        "markdown",
        "caption",
        "info",
        "success",
        "warning",
        "error",
        "text",
        "title",
        "header",
        "subheader",
    ):
        texts += [str(element.value) for element in getattr(app, kind)]
    texts += [f"{metric.label}: {metric.value}" for metric in app.metric]
    texts += [str(button.label) for button in app.button]
    for table in shown_tables(app):
        texts += [str(column) for column in table.columns]
        for column in table.columns:
            if table[column].dtype == object:
                texts += [str(value) for value in table[column].tolist()[:80] if value is not None]
    # Links and file paths may hold points and English words; times of day are written 14.05.
    return [re.sub(r"kl\. \d\d\.\d\d", "", t) for t in texts if "http" not in t and "docs/" not in t]


@pytest.mark.parametrize("user", [None, "Mette", "Kim"])
def test_every_page_shows_danish_without_leftovers(user: str | None) -> None:
    found = []
    for page in PAGES:
        app = open_page(page, user=user)
        for text in shown_text(app):
            bad = DECIMAL_POINT.findall(text) + LEFTOVERS.findall(text)
            if bad:
                found.append((page, bad[:3], text[:100]))
    assert found == []


def test_the_administration_page_shows_danish_without_leftovers() -> None:
    app = open_page("admin", user="Anne")
    found = [t for t in shown_text(app) if DECIMAL_POINT.findall(t) or LEFTOVERS.findall(t)]
    assert found == []


def test_the_check_sees_a_decimal_point_and_a_leftover() -> None:
    assert DECIMAL_POINT.findall("Score 72.5") == ["72.5"] and not DECIMAL_POINT.findall("11.184 og 72,5")
    assert LEFTOVERS.findall("Beslutning: None") == ["None"]
