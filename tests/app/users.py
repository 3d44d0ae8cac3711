"""Test users: one per role, created in a fresh database, and logging in through the sidebar form."""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from functools import cache
from pathlib import Path

from streamlit.testing.v1 import AppTest

from placement_service import DecisionStore, add_user

PASSWORD = "hemmeligt-kodeord-1"
PILOT_SITES = ["aspit_sonderjylland", "castberggaard", "ev_vestjylland", "lille_vildmose", "pmu_sindal"]
USERS: dict[str, tuple[str, list[str]]] = {
    "Mette": ("jobkonsulent", PILOT_SITES),
    "Jens": ("jobkonsulent", PILOT_SITES),
    "Sara": ("jobkonsulent", ["castberggaard"]),
    "Kim": ("netvaerkskoordinator", []),
    "Anne": ("administrator", []),
}


def create_users(database: Path) -> None:
    """A new database at ``database`` holding the test users: a copy of one made once per test process, as
    hashing their five passwords takes over a second."""
    if database.exists():
        raise FileExistsError(f"{database} exists: the test users go into a new database")
    with sqlite3.connect(_users_database()) as source, sqlite3.connect(database) as target:
        source.backup(target)
    DecisionStore(database)  # opened as the app opens it (its journal mode)


@cache
def _users_database() -> Path:
    folder = tempfile.mkdtemp(prefix="stu-match-test-users-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    database = Path(folder) / "users.sqlite3"
    store = DecisionStore(database)
    for name, (role, sites) in USERS.items():
        add_user(store, name, role, sites, f"{name.lower()}@example.dk", PASSWORD, by="test")
    return database


def log_in(app: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    app.sidebar.text_input(key="login_name").input(name)
    app.sidebar.text_input(key="login_password").input(password)
    next(b for b in app.sidebar.button if b.label == "Log ind").click().run()
    return app
