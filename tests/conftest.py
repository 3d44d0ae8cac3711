"""Shared fixtures: the built-in network, loaded once per test session; a model cache of the session's own."""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from features.loading import BUILTIN_DATA_DIR, load_network
from features.network import Network
from placement_service.planning import MODEL_CACHE_ENV


@pytest.fixture(scope="session", autouse=True)
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Fitted outcome models go to a temporary folder, never the user's cache.

    Set in the environment for the whole session, so the CLI and app processes tests start use it too.
    """
    folder = tmp_path_factory.mktemp("model-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(MODEL_CACHE_ENV, str(folder))
        yield folder


@pytest.fixture(scope="session")
def builtin_network() -> Network:
    return load_network(BUILTIN_DATA_DIR)


@pytest.fixture(scope="session", autouse=True)
def component_manifests_scanned_once() -> Iterator[None]:
    """Streamlit's AppTest scans every installed package's metadata for components on each new app (about
    0.3-1.4 s an app here, most of an app test's run): the packages do not change during a test session, so
    the scan runs once. Only when AppTest was imported by the collected tests."""
    if "streamlit.testing.v1" not in sys.modules:
        yield
        return
    from streamlit.components.v2 import manifest_scanner

    scanned = functools.cache(manifest_scanner.scan_component_manifests)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests", lambda *args, **kwargs: list(scanned()))
        yield
