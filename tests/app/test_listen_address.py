"""The app listens on the loopback interface unless told otherwise (a TLS reverse proxy faces the network)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_streamlit_run_from_the_project_listens_on_localhost_only() -> None:
    # `streamlit config show` prints the options `streamlit run` would use from this folder.
    shown = subprocess.run(
        [sys.executable, "-m", "streamlit", "config", "show"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert re.search(r'^address = "127\.0\.0\.1"$', shown, flags=re.MULTILINE), shown
