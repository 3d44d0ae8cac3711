"""Take the README's screenshots: ``.venv/bin/python -m tests.browser.screenshots``.

Starts the app on the built-in network with a throw-away database, opens every
page in Debian's Chromium and writes docs/screenshots/<page>.png.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, _free_port

PAGES = {
    "oversigt": ("", "Elever pr. STU-sted"),
    "elever": ("students", "Kort"),
    "placeringsplan": ("plan", "Planen er løst"),
    "netvaerk": ("network", "Kritiske virksomheder"),
    "scenarier": ("scenarios", "Elever der flytter"),
    "data": ("data", "Skabelon"),
}


def main() -> int:
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "STU_MATCH_DB": str(Path(scratch) / "shots.sqlite3")}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app_streamlit" / "app.py"),
                "--server.headless",
                "true",
                "--server.port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(120):
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                    break
                except OSError:
                    time.sleep(0.5)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, (path, ready) in PAGES.items():
                    page = browser.new_page(viewport={"width": 1400, "height": 1100})
                    page.goto(f"{url}/{path}")
                    page.get_by_text(ready, exact=False).first.wait_for(timeout=120_000)
                    page.wait_for_timeout(2500)
                    page.screenshot(path=str(out / f"{name}.png"))
                    page.close()
                    print(f"wrote docs/screenshots/{name}.png")
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
