"""Make the app ready before its first visitor: import what the pages import, compute what they show.

A Streamlit server imports a page's libraries and computes its results on the first
visit, so without this the first consultant after a restart waits for pandas,
OR-Tools, the network's loading and the plan (3-5 s on the pilot network). The
launcher (``app_streamlit.serve``) calls ``warm_up`` in the server's own process
before it opens its port: the imports land in ``sys.modules`` and the results in
``st.cache_resource``, where the pages' first run finds them.

What the pages import is read from their source (``page_imports``), so a page that
gains an import is warmed without a change here. The results are those of the
built-in network for every visitor: its scoring, the decided plan, the network's
gaps and the fairness report. Nothing here reads or logs a profile's details.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent
PAGE_SCRIPTS = (APP_DIR / "app.py", *sorted((APP_DIR / "views").glob("*.py")))
LAZY_IMPORTS = ("streamlit.emojis", "openpyxl", "fpdf")
"""Imported on first use, not at a page's top: Streamlit's emoji table (the page icon), and the Excel
and PDF writers (downloads, made when clicked)."""

logger = logging.getLogger(__name__)


@dataclass
class WarmUp:
    """What the warm-up did: the modules imported, the results computed and how long each took."""

    modules: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def page_imports(scripts: tuple[Path, ...] = PAGE_SCRIPTS) -> list[str]:
    """The modules the app's scripts import at their top level, in order of first appearance."""
    found: dict[str, None] = {}
    for script in scripts:
        tree = ast.parse(script.read_text(encoding="utf-8"), filename=str(script))
        for node in tree.body:
            if isinstance(node, ast.Import):
                found.update((alias.name, None) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found[node.module] = None
                # `from package import module` imports a submodule: name it too.
                found.update(
                    (f"{node.module}.{alias.name}", None)
                    for alias in node.names
                    if _is_submodule(node.module, alias.name)
                )
    found.pop("__future__", None)
    return list(found)


def _is_submodule(package: str, name: str) -> bool:
    if package == "__future__":
        return False
    try:
        return importlib.util.find_spec(f"{package}.{name}") is not None
    except (ImportError, ValueError):  # `package` is a module, not a package
        return False


def warm_up() -> WarmUp:
    """Import the pages' modules and compute the built-in network's shared results.

    A step that fails is noted and skipped (the page then shows its error as it
    would have anyway); the server starts in any case.
    """
    done = WarmUp()
    with _quiet_streamlit():
        with _step(done, "imports"):
            for module in (*page_imports(), *LAZY_IMPORTS):
                importlib.import_module(module)
                done.modules.append(module)
        _skip_direct_run_check()
        from app_streamlit import state

        steps: list[tuple[str, Callable[[], object]]] = [
            ("network", state.builtin),
            ("scoring", lambda: state.scoring(state.builtin())),
            ("plan", lambda: state.decided_plan(state.builtin())),
            ("gaps", lambda: state.gaps(state.builtin())),
            ("fairness", lambda: state.fairness(state.builtin())),
        ]
        # Not the recruitment report: on a database never seen before it is many solves, which would share
        # the CPU with the first visitors; Netværk starts it in the background (or reads it from disk).
        for name, compute in steps:
            with _step(done, name):
                compute()
        with _step(done, "charts"):
            _chart_to_vega_lite()
    return done


def _chart_to_vega_lite() -> None:
    """Turn one small Altair chart into Vega-Lite, as Streamlit does for every chart: the first time in a
    process loads Altair's data adapters and compiles its schema validator (0.1-0.3 s of a page's run)."""
    import altair as alt
    import pandas as pd

    chart = alt.Chart(pd.DataFrame({"branche": ["a", "b"], "antal": [1, 2]})).mark_bar()
    chart.encode(x=alt.X("antal:Q"), y=alt.Y("branche:N", sort="-x")).to_dict()


def _skip_direct_run_check() -> None:
    """Streamlit checks once per process, on the first element a page draws, whether it runs in a REPL.

    The check walks the call stack's source files (0.3-0.6 s here, in the first visitor's page). This
    process is Streamlit's server, started by the launcher, so the answer is known: mark it done.
    """
    from streamlit import delta_generator

    if hasattr(delta_generator, "_use_warning_has_been_displayed"):
        delta_generator._use_warning_has_been_displayed = True


@contextmanager
def _step(done: WarmUp, name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    except Exception as error:  # the page will show it; the server must start regardless
        done.failed[name] = type(error).__name__
        logger.warning(
            "Warm-up step %r failed with %s; the page computes it on its first visit",
            name,
            type(error).__name__,
        )
    finally:
        done.seconds[name] = time.perf_counter() - started


@contextmanager
def _quiet_streamlit() -> Iterator[None]:
    """Streamlit warns that there is no session for every cached call outside a page run; silence that."""
    import streamlit  # noqa: F401  (sets its loggers' levels on import: set ours after it)

    noisy = [
        logging.getLogger(name)
        for name in (
            "streamlit.runtime.scriptrunner_utils.script_run_context",
            "streamlit.runtime.caching.cache_data_api",
            "streamlit.runtime.state.session_state_proxy",
        )
    ]
    levels = [each.level for each in noisy]
    for each in noisy:
        each.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for each, level in zip(noisy, levels, strict=True):
            each.setLevel(level)
