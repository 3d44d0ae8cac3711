"""After the match in a real browser: agree a placement, start it, follow up twice, end it with an
outcome, see it in the steering group's report, retrain the model on it and see what it learns
from change (issue 14)."""

from __future__ import annotations

import pytest

from placement_service import load_builtin
from tests.browser.conftest import go_to, log_in, settle

pytestmark = pytest.mark.browser


def exceptions_shown(page) -> int:  # type: ignore[no-untyped-def]
    return page.locator("[data-testid='stException']").count()


def wait_for(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_text(text, exact=False).first.wait_for(timeout=90_000)
    settle(page)


def choose(page, label: str, option: str) -> None:  # type: ignore[no-untyped-def]
    """Pick ``option`` in the selectbox labelled ``label``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.get_by_test_id("stSelectbox").filter(has_text=label).first
    for _ in range(3):  # the list can close again if a rerun redraws the page as it opens
        box.click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=10_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    else:
        raise AssertionError(f"could not choose {option!r} in {label!r}")
    settle(page)


def test_a_placement_from_agreement_to_outcome_reaches_the_steering_report(browser, app_url: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(f"{app_url}/placements")
    page.get_by_role("heading", name="Forløb").first.wait_for(timeout=90_000)
    settle(page)
    assert page.get_by_text("log ind som jobkonsulent", exact=False).count() == 1  # the demo is told why
    log_in(page, "Mette")
    wait_for(page, "Aftal et nyt forløb")

    # Agree: the student's place in the decided plan is proposed; start today, 20 hours a week.
    page.get_by_label("Mentorens navn").fill("Ole Jensen")
    page.get_by_label("Aftaler").fill("Møder kl. 9; fast arbejdsbord")
    page.get_by_role("button", name="Aftal forløbet").click()
    wait_for(page, "er aftalt")
    page.get_by_role("button", name="Start forløbet").click()
    wait_for(page, "Forløbet er startet")

    for n, view in enumerate(("Jeg kan godt lide at pakke varer", "Jeg vil gerne have flere timer"), start=1):
        page.get_by_label("Jobkonsulentens noter").fill(f"Opfølgning nummer {n}: trives")
        page.get_by_role("textbox", name="Elevens egen vurdering").fill(view)
        page.get_by_role("button", name="Gem opfølgningen").click()
        wait_for(page, f"Opfølgninger ({n})")
    assert page.get_by_text("Jeg vil gerne have flere timer").count() >= 1

    page.get_by_test_id("stExpander").filter(has_text="Afslut forløbet").first.click()
    page.get_by_role("button", name="Afslut forløbet").click()
    wait_for(page, "Forløbet er afsluttet")
    settle(page)  # the page redraws without the follow-up form once the run is over
    assert page.get_by_role("button", name="Gem opfølgningen").count() == 0

    choose(page, "Målt", "12 måneder efter STU")
    choose(page, "Beskæftigelse", "Fleksjob")
    page.get_by_role("textbox", name="Timer om ugen").last.fill("16")
    page.get_by_role("button", name="Gem udfaldet").click()
    wait_for(page, "Udfaldet for")
    assert exceptions_shown(page) == 0

    go_to(page, "Styregruppe")
    wait_for(page, "Pr. STU-sted og årgang")
    # The page draws top to bottom: wait for its last parts before reading it.
    page.get_by_role("button", name="Hent rapporten som Excel").wait_for(timeout=90_000)
    page.get_by_role("button", name="Genoptræn modellen").wait_for(timeout=90_000)
    page.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=90_000)
    settle(page)
    assert page.get_by_text("12 måneder efter STU er 1 af 1 i job (100 %)", exact=False).count() == 1
    metrics = page.get_by_test_id("stMetricValue").all_inner_texts()
    assert metrics[0].strip() == "1" and metrics[3].strip() == "1 af 1"
    assert page.get_by_test_id("stVegaLiteChart").count() == 1
    assert page.get_by_role("button", name="Hent rapporten som Excel").count() == 1
    assert exceptions_shown(page) == 0

    # The recorded outcome teaches the model once someone retrains it, and the evaluation changes.
    history = len(load_builtin().usable_history)
    assert page.get_by_text(f"Modellen lærer af historikken: {history} tidligere praktikker").count() == 1
    assert page.get_by_text("1 registrerede udfald er endnu ikke med", exact=False).count() == 1
    page.get_by_role("button", name="Genoptræn modellen").click()
    wait_for(page, "Modellen er genoptrænet")
    wait_for(page, "Alle registrerede udfald er med")
    assert page.get_by_text(f"Modellen lærer af {history + 1} tidligere praktikker", exact=False).count() == 1
    assert page.get_by_text("Alle registrerede udfald er med").count() == 1
    wrapped = page.get_by_test_id("stMarkdownContainer").locator("table").count()  # app_streamlit.tables
    tables = wrapped + page.get_by_test_id("stDataFrame").count()
    assert tables >= 3  # the report, the outcomes, before and after
    assert exceptions_shown(page) == 0
    page.close()
