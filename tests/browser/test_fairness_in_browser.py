"""Fair to every group in a real browser (issue 18): the Netværk page's two tables and chart, read as shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import settle

pytestmark = pytest.mark.browser

HEADING = "Retfærdighed på tværs af grupper"


def rows_of(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The rows the data grid renders, each as its cells' texts (the grid's accessible table)."""
    out = []
    for row in table.locator("tr").all():
        cells = row.locator("[role='gridcell'], td").all_inner_texts()
        if cells:
            out.append([c.strip() for c in cells])
    return out


def wrapped_table(page, text: str):  # type: ignore[no-untyped-def]
    """A wrapped table (app_streamlit.tables: a Markdown table) that shows ``text``."""
    return page.get_by_test_id("stMarkdownContainer").locator("table").filter(has_text=text)


def scroll_to(page, locator) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("(el) => el.scrollIntoView({block: 'start'})", locator.element_handle())
    page.wait_for_timeout(1000)


def test_the_coordinator_reads_placement_and_calibration_by_group(
    browser, app_url: str, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(f"{app_url}/network")
    heading = page.get_by_role("heading", name=HEADING).first
    heading.wait_for(timeout=180_000)
    settle(page, 180_000)
    assert page.locator("[data-testid='stException']").count() == 0

    placement = page.get_by_test_id("stDataFrame").filter(has_text="I egne interesser")
    # The tables draw after the heading: wait for both before reading them.
    placement.first.wait_for(timeout=120_000)
    wrapped_table(page, "Forudsagt andel i job").first.wait_for(timeout=120_000)
    settle(page)
    headers = placement.locator("[role='columnheader']").all_inner_texts()
    assert headers[:5] == ["Gruppering", "Gruppe", "Elever", "Placeret", "I egne interesser"]
    rows = {(r[0], r[1]): r for r in rows_of(placement)}
    assert rows[("Køn", "Kvinde")][2:5] == ["28", "27 (96 %)", "25 (93 %)"]
    assert rows[("Køn", "Mand")][2:4] == ["112", "110 (98 %)"]
    assert rows[("Transport", "Til fods")][2:6] == ["1", "1", "0", "– (under 20)"]  # counts, no rate
    assert {group for group, _ in rows} == {"STU-sted", "Køn", "Alder", "Funktionsnedsættelse", "Transport"}

    calibration = wrapped_table(page, "Forudsagt andel i job")
    headers = [h.strip() for h in calibration.locator("th").all_inner_texts()]
    assert headers[:5] == [
        "Gruppering",
        "Gruppe",
        "Tidligere praktikker",
        "Forudsagt andel i job",
        "Faktisk andel i job",
    ]
    cal_rows = {(r[0], r[1]): r for r in rows_of(calibration)}
    assert cal_rows[("Køn", "Andet")][2:4] == ["1", "– (under 20)"]
    women = cal_rows[("Køn", "Kvinde")]
    assert women[2] == "97" and women[3].endswith(" %") and "," in women[3]
    assert cal_rows[("Transport", "Egen bil")][-1].endswith("(over 5)")  # flagged, in the last column
    assert page.get_by_test_id("stVegaLiteChart").count() >= 2  # the heatmap and the placement rate by group

    scroll_to(page, heading)
    page.screenshot(path=str(tmp_path / "fairness-placement.png"))
    scroll_to(page, page.get_by_text("Rammer modellen lige godt for alle grupper").first)
    page.screenshot(path=str(tmp_path / "fairness-calibration.png"))
    page.close()
