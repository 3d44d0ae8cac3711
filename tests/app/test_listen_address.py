"""The server options `streamlit run` uses from the project folder (`.streamlit/config.toml`).

It listens on the loopback interface unless told otherwise (a TLS reverse proxy faces the network), and it
does not watch source files (a developer's rerun-on-save, which cost every new session 0.3-0.4 s).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _options_shown() -> str:
    """What `streamlit config show` prints: the options `streamlit run` would use from this folder."""
    return subprocess.run(
        [sys.executable, "-m", "streamlit", "config", "show"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout


def test_streamlit_run_from_the_project_listens_on_localhost_only() -> None:
    shown = _options_shown()
    assert re.search(r'^address = "127\.0\.0\.1"$', shown, flags=re.MULTILINE), shown


def test_streamlit_run_from_the_project_watches_no_source_files() -> None:
    # Streamlit's watcher resolves the path of every imported module on each new session's first run.
    shown = _options_shown()
    assert re.search(r'^fileWatcherType = "none"$', shown, flags=re.MULTILINE), shown
