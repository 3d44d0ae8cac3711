"""Shared fixtures: the built-in network, loaded once per test session."""

from __future__ import annotations

import pytest

from features.loading import BUILTIN_DATA_DIR, load_network
from features.network import Network


@pytest.fixture(scope="session")
def builtin_network() -> Network:
    return load_network(BUILTIN_DATA_DIR)
