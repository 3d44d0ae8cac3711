"""Take the README's screenshots: ``.venv/bin/python -m tests.browser.screenshots``.

Starts the app on the built-in network with a throw-away database, opens every
page in Debian's Chromium and writes docs/screenshots/<page>.png.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, running_app, settle

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
    with (
        tempfile.TemporaryDirectory() as scratch,
        running_app(Path(scratch) / "shots.sqlite3") as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, (path, ready) in PAGES.items():
            page = browser.new_page(viewport={"width": 1400, "height": 1100}, locale="da-DK")
            page.goto(f"{url}/{path}")
            page.get_by_text(ready, exact=False).first.wait_for(timeout=120_000)
            settle(page, 240_000)  # every widget drawn, not its loading placeholder
            page.wait_for_timeout(2500)
            page.screenshot(path=str(out / f"{name}.png"))
            page.close()
            print(f"wrote docs/screenshots/{name}.png")
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
