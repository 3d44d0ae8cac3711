"""Page visits in Chromium on an uploaded national network: writes the "Pages in Chromium: national" section.

Run: ``.venv/bin/python bench/bench_pages_national.py [--repeats 3] [--seed 1]``.

A national network (``stu-match generate --students 1700 --companies 5000 --seed S``) is what a
coordinator uploads on the Data page; it lives in the browser session that uploaded it. Per round,
as a consultant (Mette) would meet it:

- *first visit*: a new server (``python -m app_streamlit.serve``, new database, empty cache folder),
  log in, upload the four CSV files, "Brug de nye data" (the plan starts solving in the background),
  then open every page from the top bar in turn;
- *warm*: every page again in the same session;
- *after restart*: the server stopped and started again on the same database and cache folder, the
  same files uploaded again (a new version of the same network, the same content), every page once.

A visit is timed from the click in the top bar until the page's title is shown and Streamlit's
running indicator has been gone for half a second (usable); *complete* is until the page's own
content is drawn, that is no progress bar "Løser placeringsplanen" is left. The upload is timed
from choosing the files until "Filerne er gyldige" is shown. Medians over the rounds.
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

from bench.bench_pages import QUIET_SECONDS, TIMEOUT_SECONDS, load_average, until_usable  # noqa: E402
from bench.machine import machine_lines  # noqa: E402
from bench.sections import replace_section  # noqa: E402

PAGES = (
    "Oversigt",
    "Elever",
    "Placeringsplan",
    "Forløb",
    "Netværk",
    "Virksomheder",
    "Styregruppe",
    "Scenarier",
)
HEADINGS = {"Oversigt": "STU-praktikmatch"}
"""A page's title where it differs from its name in the top bar."""
SOLVING = "Løser placeringsplanen"
USER = "Mette"


def generate(folder: Path, seed: int) -> list[Path]:
    subprocess.run(
        [
            *(sys.executable, "-m", "stu_match.cli", "generate", "--out", str(folder)),
            *("--students", "1700", "--companies", "5000", "--seed", str(seed)),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return sorted(folder.glob("*.csv"))


def usable(page, started: float, title: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Seconds from ``started`` until the page is usable, and until its own content is drawn."""
    page.locator("h1", has_text=HEADINGS.get(title, title)).first.wait_for(timeout=TIMEOUT_SECONDS * 1000)
    ready = until_usable(page, started, title)
    complete = ready
    if page.get_by_text(SOLVING).count():  # the plan is still being solved: until the page draws itself
        page.get_by_text(SOLVING).wait_for(state="detached", timeout=TIMEOUT_SECONDS * 1000)
        complete = time.perf_counter() - started
    if page.locator("[data-testid='stException']").count():
        raise RuntimeError(f"{title} shows an exception")
    return ready, complete


def upload(page, files: list[Path]) -> float:  # type: ignore[no-untyped-def]
    """Upload the files on the Data page and use them; seconds until they are validated."""
    from tests.browser.conftest import go_to, settle

    go_to(page, "Data")
    settle(page)
    started = time.perf_counter()
    page.locator("input[type=file]").set_input_files([str(f) for f in files])
    page.get_by_role("button", name="Indlæs og kontroller").click()
    page.get_by_text("Filerne er gyldige", exact=False).wait_for(timeout=TIMEOUT_SECONDS * 1000)
    seconds = time.perf_counter() - started
    page.get_by_role("button", name="Brug de nye data").click()
    page.get_by_text("Du arbejder nu på", exact=False).first.wait_for(timeout=TIMEOUT_SECONDS * 1000)
    settle(page)
    return seconds


def visit_all(page) -> dict[str, tuple[float, float]]:  # type: ignore[no-untyped-def]
    from tests.browser.conftest import go_to

    out = {}
    for title in PAGES:
        started = time.perf_counter()
        go_to(page, title)
        out[title] = usable(page, started, title)
    return out


def session(
    browser, url: str, files: list[Path]
) -> tuple[float, dict[str, tuple[float, float]], dict[str, tuple[float, float]]]:  # type: ignore[no-untyped-def]
    from tests.browser.conftest import log_in, settle

    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="da-DK")
    page.goto(url)
    settle(page)
    log_in(page, USER)
    settle(page)
    seconds = upload(page, files)
    first = visit_all(page)
    warm = visit_all(page)
    page.close()
    return seconds, first, warm


def one_round(browser, files: list[Path]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from tests.app.users import create_users
    from tests.browser.conftest import running_app

    with tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / "app.sqlite3"
        create_users(database)
        os.environ["STU_MATCH_CACHE"] = str(Path(scratch) / "cache")
        with running_app(database) as url:
            upload_first, first, warm = session(browser, url, files)
        with running_app(database) as url:
            upload_restart, restart, _ = session(browser, url, files)
    return {
        "upload_first": upload_first,
        "upload_restart": upload_restart,
        "first": first,
        "warm": warm,
        "restart": restart,
    }


def section(rounds: list[dict], seed: int, load_before: str, load_after: str) -> str:  # type: ignore[type-arg]
    def med(kind: str, title: str, which: int) -> str:
        return f"{statistics.median(r[kind][title][which] for r in rounds):.2f} s"

    rows = "\n".join(
        f"| {title} | {med('first', title, 0)} | {med('first', title, 1)} | {med('restart', title, 0)} "
        f"| {med('restart', title, 1)} | {med('warm', title, 0)} |"
        for title in PAGES
    )
    uploads = (
        f"{statistics.median(r['upload_first'] for r in rounds):.2f} s (first), "
        f"{statistics.median(r['upload_restart'] for r in rounds):.2f} s (after restart)"
    )
    machine = "\n".join(machine_lines())
    return f"""## Pages in Chromium: national network (1,700 students, 5,000 companies)

The national network of
`stu-match generate --students 1700 --companies 5000 --seed {seed}`, uploaded on the Data page by a
consultant (it lives in the browser session that uploaded it), then every page opened from the top
bar in turn: *first visit* right after the upload on a new server with an empty cache folder (the
plan starts solving in the background when the data are taken into use); *warm* every page again in
the same session; *after restart* the server started again on the same database and cache folder
and the same files uploaded again. A visit is timed from the click in the top bar until the title is
shown and Streamlit's running indicator has been gone for {QUIET_SECONDS} s (usable); *complete* is
until the page's own content is drawn (no "Løser placeringsplanen" progress bar left). Medians of
{len(rounds)} rounds. Upload and validation of the four CSV files: {uploads}.

Reproduce: `.venv/bin/python bench/bench_pages_national.py`. Measured on:

{machine}
- Load average (1, 5, 15 min) before the run: {load_before}; after: {load_after}

| page | first visit: usable | first visit: complete | after restart: usable | after restart: complete | warm |
|---|---:|---:|---:|---:|---:|
{rows}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true", help="print the section, do not write it")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    before = load_average()
    rounds = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        files = generate(Path(folder), args.seed)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for repeat in range(args.repeats):
            rounds.append(one_round(browser, files))
            print(f"round {repeat + 1}: {rounds[-1]}", flush=True)
        browser.close()
    markdown = section(rounds, args.seed, before, load_average())
    if not args.no_write:
        replace_section("pages_national", markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
