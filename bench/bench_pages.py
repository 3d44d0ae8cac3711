"""First and warm page visits in Chromium after a restart: writes the "Pages in Chromium" section.

Run: ``.venv/bin/python bench/bench_pages.py [--repeats 5] [--pages network,plan]``.

For every page and repeat, on the built-in pilot network, not logged in (the demo):

- *first visit ever*: a new database and an empty cache folder (``STU_MATCH_CACHE``),
  the server started, the page opened: loading, fitting the outcome model, solving;
- *warm*: the same page opened again in a new tab of the same server;
- *after a restart*: the server stopped and started again on the same database and
  cache folder, the page opened first: what the first consultant in the morning meets.

A visit is timed from ``page.goto`` until the page's title is shown and Streamlit's
running indicator has been gone for half a second (the page is drawn and usable). On
Netværk, *complete* is until the verified recruitment report is drawn too (it may be
computed in the background after the page is usable). Each figure is the median over
the repeats; the server's start-up (until its health check answers) is not counted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import machine_lines  # noqa: E402
from bench.sections import replace_section  # noqa: E402

PAGES = {
    "": "STU-praktikmatch",
    "students": "Elever",
    "plan": "Placeringsplan",
    "placements": "Forløb",
    "network": "Netværk",
    "companies": "Virksomheder",
    "steering": "Styregruppe",
    "scenarios": "Scenarier",
    "data": "Data",
}
COMPLETE = {"network": "Kritiske virksomheder"}
"""Pages with a part computed in the background: the text that shows it is drawn."""
QUIET_SECONDS = 0.5
TIMEOUT_SECONDS = 300.0


def visit(browser, url: str, title: str, complete: str | None) -> tuple[float, float | None]:  # type: ignore[no-untyped-def]
    """Seconds until the page is usable, and until its background part is drawn (if any)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="da-DK")
    started = time.perf_counter()
    page.goto(url)
    page.locator("h1", has_text=title).first.wait_for(timeout=TIMEOUT_SECONDS * 1000)
    usable = None
    quiet_since = None
    while time.perf_counter() - started < TIMEOUT_SECONDS:
        running = page.evaluate("() => !!document.querySelector('[data-testid=\"stStatusWidget\"]')")
        now = time.perf_counter()
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= QUIET_SECONDS:
            usable = quiet_since - started
            break
        time.sleep(0.05)
    if usable is None:
        raise RuntimeError(f"{url} was not drawn within {TIMEOUT_SECONDS:.0f} s")
    done = None
    if complete is not None:
        page.get_by_text(complete, exact=True).first.wait_for(timeout=TIMEOUT_SECONDS * 1000)
        done = time.perf_counter() - started
    if page.locator("[data-testid='stException']").count():
        raise RuntimeError(f"{url} shows an exception")
    page.close()
    return usable, done


def one_round(browser, path: str, scratch: Path) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from tests.browser.conftest import running_app

    database, cache = scratch / "app.sqlite3", scratch / "cache"
    os.environ["STU_MATCH_CACHE"] = str(cache)
    title, complete = PAGES[path], COMPLETE.get(path)
    out: dict[str, float] = {}
    with running_app(database) as url:
        out["first"], first_done = visit(browser, f"{url}/{path}", title, complete)
        out["warm"], _ = visit(browser, f"{url}/{path}", title, complete)
        if first_done is not None:
            out["first_complete"] = first_done
    with running_app(database) as url:
        out["restart"], restart_done = visit(browser, f"{url}/{path}", title, complete)
        if restart_done is not None:
            out["restart_complete"] = restart_done
    return out


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pages", default=",".join(p or "home" for p in PAGES))
    parser.add_argument("--no-write", action="store_true", help="print the section, do not write it")
    args = parser.parse_args()
    paths = ["" if p == "home" else p for p in args.pages.split(",")]

    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    load_before = load_average()
    rounds: dict[str, list[dict[str, float]]] = {p: [] for p in paths}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for repeat in range(args.repeats):
            for path in paths:  # round-robin: load from other work falls on every page alike
                with tempfile.TemporaryDirectory() as scratch:
                    rounds[path].append(one_round(browser, path, Path(scratch)))
                print(f"round {repeat + 1} {path or 'home'}: {rounds[path][-1]}", flush=True)
        browser.close()
    load_after = load_average()

    def median(path: str, name: str) -> str:
        values = [r[name] for r in rounds[path] if name in r]
        return f"{statistics.median(values):.2f} s" if values else ""

    def spread(path: str, name: str) -> str:
        values = [r[name] for r in rounds[path]]
        return f"{min(values):.2f}–{max(values):.2f} s"

    rows = "\n".join(
        f"| {PAGES[p]} | {median(p, 'first')} | {median(p, 'restart')} ({spread(p, 'restart')}) "
        f"| {median(p, 'warm')} | {median(p, 'first_complete') or '–'} | {median(p, 'restart_complete') or '–'} |"
        for p in paths
    )
    machine = "\n".join(machine_lines())
    subprocess.run(["uptime"], check=False)
    markdown = f"""## Pages in Chromium

The app in Debian's Chromium (headless, driven by Playwright) on the pilot network (140 students,
220 companies), not logged in. For every page, {args.repeats} times, round-robin over the pages:
*first visit ever* starts the server on a new database with an empty cache folder
(`STU_MATCH_CACHE`) and opens the page (loading, fitting the outcome model, solving the plan);
*warm* opens it again in a new tab; *after restart* stops the server, starts it again on the
same database and cache folder and opens the page first, as the first consultant in the morning
does. A visit is timed from navigation until the page's title is shown and Streamlit's running
indicator has been gone for {QUIET_SECONDS} s (drawn and usable); the server's own start-up is not
counted. Netværk's recruitment report (40–60 verification solves) is computed in the background
when it is not stored: the page is usable before it, and *complete* is until it is drawn.
Medians of {args.repeats}; after restart also its range.

Reproduce: `.venv/bin/python bench/bench_pages.py`. Measured on:

{machine}
- Load average (1, 5, 15 min) before the run: {load_before}; after: {load_after}

| page | first visit ever | after restart (range) | warm | first visit ever: complete | after restart: complete |
|---|---:|---:|---:|---:|---:|
{rows}
"""
    if not args.no_write:
        replace_section("pages", markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
