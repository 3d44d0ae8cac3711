"""Test users: one per role, created in a fresh database, and logging in through the sidebar form."""

from __future__ import annotations

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
    store = DecisionStore(database)
    for name, (role, sites) in USERS.items():
        add_user(store, name, role, sites, f"{name.lower()}@example.dk", PASSWORD, by="test")


def log_in(app: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    app.sidebar.text_input(key="login_name").input(name)
    app.sidebar.text_input(key="login_password").input(password)
    next(b for b in app.sidebar.button if b.label == "Log ind").click().run()
    return app
