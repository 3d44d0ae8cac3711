"""The launcher's warm-up: it imports what the pages import and leaves their results ready."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_streamlit import state, warmup
from app_streamlit.warmup import page_imports, warm_up

APP = str(Path(__file__).resolve().parents[2] / "app_streamlit" / "app.py")
PAGES = ["home", "students", "plan", "placements", "network", "companies", "steering", "scenarios", "data"]


@pytest.fixture(autouse=True)
def fresh_database(app_environment: Path) -> None:
    """Every test here has its own database and cache folder."""


def test_page_imports_are_read_from_every_page(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text(
        '"""A page."""\nfrom __future__ import annotations\nimport altair as alt\n'
        "from placement_service.fairness import fairness_report\nfrom . import nothing\n"
        "def render():\n    import openpyxl\n"
    )
    assert page_imports((page,)) == ["altair", "placement_service.fairness"]
    found = page_imports()
    assert {
        "streamlit",
        "pandas",
        "altair",
        "app_streamlit.state",
        "placement_service.steering_report",
    } <= set(found)


def test_after_the_warm_up_no_page_loads_or_solves_on_its_first_visit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    done = warm_up()
    assert done.failed == {}
    assert {"imports", "network", "scoring", "plan", "gaps", "fairness", "charts"} <= set(done.seconds)
    assert all(module in sys.modules for module in done.modules)

    def computed_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("a page computed what the warm-up should have left ready")

    for name in ("load_builtin", "scoring_for", "plan_with_decisions", "network_gaps", "fairness_report"):
        monkeypatch.setattr(state, name, computed_again)

    def held_back(*args: object) -> None:  # Netværk starts it in the background: not the warm-up's, see above
        state.STOPPING.wait(120)  # until the test is over (tests/app/conftest.py stops background work)
        raise state.StoppingError

    monkeypatch.setattr(state, "compute_recruitment", held_back)  # its solves would slow the later visits
    for page in PAGES:
        app = AppTest.from_file(APP, default_timeout=120).run()
        app.switch_page(f"views/{page}.py").run()
        assert not app.exception, (page, app.exception)
        assert app.title, page


def test_a_failing_step_is_noted_and_the_rest_still_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise OSError("the disk is gone")

    monkeypatch.setattr(state, "load_builtin", broken)
    done = warm_up()
    assert done.failed["network"] == "OSError"
    assert "imports" not in done.failed
    assert warmup.LAZY_IMPORTS[0] in done.modules
