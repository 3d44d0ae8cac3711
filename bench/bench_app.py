"""App speed on the pilot network, headless with Streamlit's AppTest: writes the "App" section.

Run: ``.venv/bin/python bench/bench_app.py``. Each page is opened once in a fresh
process (cold: empty caches, as the first user after a restart sees it) and then
again in the same process (warm: cached loading and scoring). The what-if
re-solve is the Scenarier page answering a changed capacity factor.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.child import run_for_json  # noqa: E402
from bench.machine import machine_lines  # noqa: E402
from bench.sections import replace_section  # noqa: E402

PAGES = ("home", "students", "plan", "network", "scenarios", "data")
WHAT_IF_FACTORS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.1, 1.2)

_CHILD = r"""
import json, os, sys, threading, time
sys.path.insert(0, sys.argv[1])
from streamlit.testing.v1 import AppTest
app = AppTest.from_file(os.path.join(sys.argv[1], "app_streamlit", "app.py"), default_timeout=300).run()
page = sys.argv[2]
times = {}
started = time.perf_counter(); app.switch_page(f"views/{page}.py").run(); times["cold"] = time.perf_counter() - started
assert not app.exception, app.exception
started = time.perf_counter(); app.run(); times["warm"] = time.perf_counter() - started
if page == "scenarios":
    solves = []
    for factor in json.loads(sys.argv[3]):
        started = time.perf_counter(); app.slider(key="scenario_capacity").set_value(factor).run()
        solves.append(time.perf_counter() - started)
    times["what_if"] = solves
for thread in threading.enumerate():
    if thread.name == "stu-match-recruitment":  # Netværk's background verification: let it end first
        thread.join()
print(json.dumps(times))
"""


def measure(page: str, scratch: Path) -> dict[str, object]:
    """One page in a fresh process with its own database and an empty cache folder (nothing kept from
    an earlier run: no fitted model, no stored plan or recruitment report), never the user's cache."""
    return run_for_json(
        [sys.executable, "-c", _CHILD, str(ROOT), page, json.dumps(WHAT_IF_FACTORS)],
        f"the {page} page",
        env={
            "STU_MATCH_DB": str(scratch / f"{page}.sqlite3"),
            "STU_MATCH_CACHE": str(scratch / f"{page}-cache"),
            "PATH": "/usr/bin:/bin",
        },
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        results = {page: measure(page, Path(scratch)) for page in PAGES}
    what_if: list[float] = list(results["scenarios"]["what_if"])  # type: ignore[call-overload]
    rows = "\n".join(
        f"| {page} | {results[page]['cold']:.2f} s | {results[page]['warm']:.2f} s |" for page in PAGES
    )
    machine = "\n".join(machine_lines())
    markdown = f"""## App

The Streamlit app on the pilot network (140 students, 220 companies), driven headless by
`streamlit.testing.v1.AppTest`. *Cold* is the first run of a page in a fresh process (empty
caches and an empty cache folder: loading, scoring, model fit, solving); *warm* is the same page
run again (what every later visit costs). Since issue 17 the Netværk page verifies its recruitment
recommendations and critical companies in a background thread when they are not stored, so its
cold time here is the page drawn with their progress (see "Pages in Chromium" for visits after a
restart, with the results kept on disk). The what-if re-solve is the Scenarier page answering a changed capacity
factor (a new network, scored and solved).

Reproduce: `.venv/bin/python bench/bench_app.py`. Measured {date.today().isoformat()} on:

{machine}

| page | cold | warm |
|---|---:|---:|
{rows}

What-if re-solve (Scenarier, {len(what_if)} capacity factors): median {statistics.median(what_if):.2f} s,
max {max(what_if):.2f} s. Targets (issue 6): a what-if re-solve within 1 s; no page blocking longer
than 2 s on pilot data once loading and scoring are cached.
"""
    replace_section("app", markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
