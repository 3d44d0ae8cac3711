"""Fixtures for the app's headless tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

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
    st.cache_resource.clear()
