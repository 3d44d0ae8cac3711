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
import ast
import os
import statistics
import sys
import tempfile
import time
from functools import partial
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
EMPTY = "empty"
"""The baseline's name in the rounds: an empty Streamlit page (``BASELINE_PAGE``)."""
COMPLETE = {"network": "Kritiske virksomheder"}
"""Pages with a part computed in the background: the text that shows it is drawn."""
LABELS = {"": "Oversigt", EMPTY: "*an empty Streamlit page (baseline)*"}
QUIET_SECONDS = 0.5
TIMEOUT_SECONDS = 300.0


VIEW = {"viewport": {"width": 1400, "height": 1000}, "locale": "da-DK"}


def visit(browser, url: str, title: str, complete: str | None, kept=None) -> tuple[float, float | None]:  # type: ignore[no-untyped-def]
    """Seconds until the page is usable, and until its background part is drawn (if any).

    The page opens in a new browser context (nothing cached), or in ``kept`` (a context whose cache is kept).
    """
    page = browser.new_page(**VIEW) if kept is None else kept.new_page()
    started = time.perf_counter()
    page.goto(url)
    page.locator("h1", has_text=title).first.wait_for(timeout=TIMEOUT_SECONDS * 1000)
    usable = until_usable(page, started, url)
    done = None
    if complete is not None:
        page.get_by_text(complete, exact=True).first.wait_for(timeout=TIMEOUT_SECONDS * 1000)
        done = time.perf_counter() - started
    if page.locator("[data-testid='stException']").count():
        raise RuntimeError(f"{url} shows an exception")
    page.close()
    return usable, done


def until_usable(page, started: float, what: str) -> float:  # type: ignore[no-untyped-def]
    """Seconds from ``started`` until Streamlit's running indicator has been gone for ``QUIET_SECONDS``."""
    quiet_since = None
    while time.perf_counter() - started < TIMEOUT_SECONDS:
        running = page.evaluate("() => !!document.querySelector('[data-testid=\"stStatusWidget\"]')")
        now = time.perf_counter()
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= QUIET_SECONDS:
            return quiet_since - started
        time.sleep(0.05)
    raise RuntimeError(f"{what} was not drawn within {TIMEOUT_SECONDS:.0f} s")


def one_round(browser, scratch: Path, path: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from tests.browser.conftest import _free_port, running_app

    database, cache = scratch / "app.sqlite3", scratch / "cache"
    os.environ["STU_MATCH_CACHE"] = str(cache)
    title, complete = PAGES[path], COMPLETE.get(path)
    out: dict[str, float] = {}
    port = _free_port()  # both servers on one address, so that the kept browser cache applies
    # A consultant's browser: Streamlit's scripts cached by an earlier visit.
    kept = browser.new_context(**VIEW)
    starting = time.perf_counter()
    with running_app(database, port=port) as url:
        out["start_first"] = time.perf_counter() - starting
        out["first"], first_done = visit(browser, f"{url}/{path}", title, complete)
        out["warm"], _ = visit(browser, f"{url}/{path}", title, complete)
        visit(browser, f"{url}/{path}", title, complete, kept)
        if first_done is not None:
            out["first_complete"] = first_done
    starting = time.perf_counter()
    with running_app(database, port=port) as url:
        out["start_restart"] = time.perf_counter() - starting
        out["restart"], restart_done = visit(browser, f"{url}/{path}", title, complete)
        out["restart_cached"], _ = visit(browser, f"{url}/{path}", title, complete, kept)
        if restart_done is not None:
            out["restart_complete"] = restart_done
    kept.close()
    return out


BASELINE_PAGE = 'import streamlit as st\n\nst.title("Tom side")\n'
"""An empty Streamlit page: what Streamlit and Chromium alone cost on this machine at this load."""


def baseline_round(browser, scratch: Path) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The empty page's first and warm visit on a server of its own."""
    from tests.browser.conftest import running_app

    script = scratch / "empty.py"
    script.write_text(BASELINE_PAGE)
    kept = browser.new_context(**VIEW)
    starting = time.perf_counter()
    with running_app(scratch / "empty.sqlite3", script) as url:
        start = time.perf_counter() - starting
        first, _ = visit(browser, url, "Tom side", None)
        warm, _ = visit(browser, url, "Tom side", None)
        visit(browser, url, "Tom side", None, kept)
        cached, _ = visit(browser, url, "Tom side", None, kept)
    kept.close()
    return {
        "first": first,
        "warm": warm,
        "restart": first,
        "restart_cached": cached,
        "start_first": start,
        "start_restart": start,
    }


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def section(
    rounds: dict[str, list[dict[str, float]]], planned: int, load_before: str, load_after: str
) -> str:
    """The markdown section of the measured rounds (medians; the range after a restart)."""
    paths = list(rounds)
    done = min(len(r) for r in rounds.values())

    def median(path: str, name: str) -> str:
        values = [r[name] for r in rounds[path] if name in r]
        return f"{statistics.median(values):.2f} s" if values else ""

    def spread(path: str, name: str) -> str:
        values = [r[name] for r in rounds[path] if name in r]
        return f"{min(values):.2f}–{max(values):.2f} s" if values else ""

    def with_spread(path: str, name: str) -> str:
        return f"{median(path, name)} ({spread(path, name)})" if median(path, name) else "–"

    rows = "\n".join(
        f"| {LABELS.get(p) or PAGES[p]} | {median(p, 'first')} | {with_spread(p, 'restart')} "
        f"| **{with_spread(p, 'restart_cached')}** | {median(p, 'warm')} | {median(p, 'first_complete') or '–'} | {median(p, 'restart_complete') or '–'} "
        f"| {median(p, 'start_first') or '–'} | {median(p, 'start_restart') or '–'} |"
        for p in paths
    )
    machine = "\n".join(machine_lines())
    rounds_text = f"{done}" if done == planned else f"{done} (of {planned} planned: the run was cut short)"
    return f"""## Pages in Chromium

The app in Debian's Chromium (headless, driven by Playwright) on the pilot network (140 students,
220 companies), not logged in. For every page, round-robin over the pages:
*first visit ever* starts the server on a new database with an empty cache folder
(`STU_MATCH_CACHE`) and opens the page (loading, fitting the outcome model, solving the plan);
*warm* opens it again in a new tab of the same server (a new session); *after restart* stops the
server, starts it again on the same database and cache folder and opens the page first, as the
first consultant in the morning does, in a browser that has never opened the app (nothing cached);
*after restart, scripts cached* opens it in a browser that opened the page before the restart (the
same address), as a consultant's own browser has: it keeps Streamlit's script bundles, which the
server marks `immutable`, but starts a new session. A visit is timed from navigation until the page's title is
shown and Streamlit's running indicator has been gone for {QUIET_SECONDS} s (drawn and usable); the
server's own start-up is not counted (it is in the last two columns: from starting the process until
its health check answers), the browser's loading of Streamlit's own scripts is. The app is started as
`make run` starts it, `python -m app_streamlit.serve`: it imports what the pages import and computes the
built-in network's results (or reads them from the cache folder) before its port opens. Netværk's
recruitment report (the plan re-solved for each candidate company and each company that may be
critical) is computed in the background when it is not stored: the page is usable before it, and *complete* is until it is drawn. Medians of the rounds;
after restart also its range. Rounds: {rounds_text}. The baseline row is a page with only a title on
a server of its own, in the same rounds: what Streamlit and Chromium alone take here (its "after
restart" is its first visit, and "scripts cached" its second visit in a browser that kept them).

Reproduce: `.venv/bin/python bench/bench_pages.py`. Measured on:

{machine}
- Load average (1, 5, 15 min) before the run: {load_before}; after: {load_after}

| page | first visit ever | after restart (range) | after restart, scripts cached (range) | warm | first visit ever: complete | after restart: complete | server start: first ever | server start: after restart |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
{rows}
"""


def rounds_from_log(path: Path) -> dict[str, list[dict[str, float]]]:
    """The rounds printed by an earlier run (``round N page: {...}`` lines), for a run cut short."""
    rounds: dict[str, list[dict[str, float]]] = {}
    for line in path.read_text().splitlines():
        if line.startswith("round "):
            head, _, values = line.partition(": ")
            page = head.split()[2]
            rounds.setdefault("" if page == "home" else page, []).append(ast.literal_eval(values))
    return rounds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pages", default=",".join(p or "home" for p in PAGES))
    parser.add_argument("--no-write", action="store_true", help="print the section, do not write it")
    parser.add_argument(
        "--from-log",
        type=Path,
        help="write the section from the rounds an earlier run printed (and the loads given)",
    )
    parser.add_argument(
        "--loads", default="?;?", help="with --from-log: the load before and after, as 'before;after'"
    )
    args = parser.parse_args()
    paths = ["" if p == "home" else p for p in args.pages.split(",")]

    if args.from_log is not None:
        before, after = args.loads.split(";")
        markdown = section(rounds_from_log(args.from_log), args.repeats, before, after)
    else:
        rounds, before, after = measure(paths, args.repeats)
        markdown = section(rounds, args.repeats, before, after)
    if not args.no_write:
        replace_section("pages", markdown)
    print(markdown)
    return 0


def measure(paths: list[str], repeats: int) -> tuple[dict[str, list[dict[str, float]]], str, str]:
    """The rounds, and the load average before and after them."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    before = load_average()
    rounds: dict[str, list[dict[str, float]]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for repeat in range(repeats):
            for path in [*paths, EMPTY]:  # round-robin: load from other work falls on every page alike
                with tempfile.TemporaryDirectory() as scratch:
                    measured = baseline_round if path == EMPTY else partial(one_round, path=path)
                    rounds.setdefault(path, []).append(measured(browser, scratch=Path(scratch)))
                print(f"round {repeat + 1} {path or 'home'}: {rounds[path][-1]}", flush=True)
        browser.close()
    return rounds, before, load_average()


if __name__ == "__main__":
    raise SystemExit(main())
