"""A real Streamlit server and a real Chromium (Debian's /usr/bin/chromium) for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app_streamlit.navigation import menu_of
from tests.app.users import PASSWORD, create_users

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


APP = ROOT / "app_streamlit" / "app.py"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_app(database: Path, script: Path = APP, port: int | None = None) -> Iterator[str]:
    """Run the app (or another Streamlit ``script``) with its own database; yields its URL.

    ``port``: the port to listen on (default: a free one), e.g. the port of a server run before, so
    that a browser's cache of Streamlit's scripts (kept per address) applies after a restart."""
    port = _free_port() if port is None else port
    env = {**os.environ, "STU_MATCH_DB": str(database)}
    # The app as `make run` starts it (warmed up before its port opens); any other script as Streamlit runs it.
    start = ["-m", "app_streamlit.serve"] if script == APP else ["-m", "streamlit", "run", str(script)]
    server = subprocess.Popen(
        [
            sys.executable,
            *start,
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the Streamlit server did not start within 120 s") from None
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(120)  # a background verification ends at its next step: CP-SAT aborts if torn down
        except subprocess.TimeoutExpired:  # never leave a server running behind the tests
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("db") / "browser.sqlite3"
    create_users(database)
    with running_app(database) as url:
        yield url


def log_in(page, name: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    """Log in through the sidebar form and wait until the sidebar shows the user."""
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_label("Brugernavn").fill(name)
    sidebar.get_by_label("Adgangskode").fill(password)
    sidebar.get_by_role("button", name="Log ind", exact=True).click()
    sidebar.get_by_text(f"{name} · ", exact=False).first.wait_for(timeout=60_000)


def go_to(page, title: str) -> None:  # type: ignore[no-untyped-def]
    """Open the page ``title`` from the top bar, through its menu if it is in one (keeps the login)."""
    navigation = page.get_by_test_id("stTopNav")
    menu = menu_of(title)
    if menu is not None:
        navigation.get_by_text(menu, exact=True).click()
        page.get_by_test_id("stTopNavDropdownLink").get_by_text(title, exact=True).click()
    else:
        navigation.get_by_text(title, exact=True).click()


def settle(page, timeout_ms: int = 60_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has finished the current run (its running indicator is gone)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
