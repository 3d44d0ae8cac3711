"""The app shows text from data files as text: a company name is never rendered as Markdown (or an image)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import placement_service.networks
from features.loading import BUILTIN_DATA_DIR
from features.safe_text import escape_markdown

APP = str(Path(__file__).resolve().parents[2] / "app_streamlit" / "app.py")
TRACKING_PIXEL = "![x](http://127.0.0.1:9999/t.png)"


@pytest.fixture(autouse=True)
def hostile_builtin_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The built-in network with every company named like a tracking pixel, in a fresh database."""
    folder = Path(shutil.copytree(BUILTIN_DATA_DIR, tmp_path / "data"))
    companies = pd.read_csv(folder / "companies.csv", dtype=str, keep_default_na=False)
    companies["name"] = TRACKING_PIXEL
    companies.to_csv(folder / "companies.csv", index=False)
    monkeypatch.setattr(placement_service.networks, "BUILTIN_DATA_DIR", folder)
    monkeypatch.setenv("STU_MATCH_DB", str(tmp_path / "app.sqlite3"))
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def shown_markdown(page: str) -> list[str]:
    app = AppTest.from_file(APP, default_timeout=120).run()
    app.switch_page(f"views/{page}.py").run()
    assert not app.exception, app.exception
    return [str(e.value) for e in (*app.markdown, *app.caption, *app.info, *app.warning, *app.success)]


def test_the_praktikbrief_shows_the_company_name_as_text() -> None:
    texts = shown_markdown("plan")
    briefs = [t for t in texts if t.startswith("# Praktikbrief til")]
    assert briefs == [
        b for b in briefs if b.startswith(f"# Praktikbrief til {escape_markdown(TRACKING_PIXEL)}")
    ]
    assert briefs
    assert not [t for t in texts if "![x](" in t]


def test_the_shortlist_shows_company_names_as_text() -> None:
    texts = shown_markdown("students")
    headers = [t for t in texts if t.startswith("**1.")]
    assert headers and all(escape_markdown(TRACKING_PIXEL) in h for h in headers)
    assert not [t for t in texts if "![x](" in t]
