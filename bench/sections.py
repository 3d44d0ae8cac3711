"""Sections of docs/benchmarks.md, so each benchmark script can own one part of the file.

A section lives between two marker lines::

    <!-- bench:scoring -->
    ## Scoring
    ...
    <!-- /bench:scoring -->

``replace_section`` rewrites one section in place (appending it if missing) and
leaves the rest of the file alone, so ``python bench/bench_scoring.py`` can
refresh its own part, and ``python -m bench`` can rebuild the whole file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS_MD = ROOT / "docs" / "benchmarks.md"


def begin_marker(name: str) -> str:
    return f"<!-- bench:{name} -->"


def end_marker(name: str) -> str:
    return f"<!-- /bench:{name} -->"


def wrap(name: str, markdown: str) -> str:
    """The section's Markdown between its markers."""
    return f"{begin_marker(name)}\n{markdown.strip()}\n{end_marker(name)}\n"


def read_section(text: str, name: str) -> str | None:
    """The Markdown of section ``name`` in ``text`` (without markers), or None if absent."""
    pattern = re.escape(begin_marker(name)) + r"\n(.*?)\n?" + re.escape(end_marker(name))
    found = re.search(pattern, text, flags=re.DOTALL)
    return None if found is None else found.group(1).strip()


def replace_in_text(text: str, name: str, markdown: str) -> str:
    """``text`` with section ``name`` replaced by ``markdown`` (appended at the end if absent)."""
    block = wrap(name, markdown)
    pattern = re.escape(begin_marker(name)) + r".*?" + re.escape(end_marker(name)) + r"\n?"
    if re.search(pattern, text, flags=re.DOTALL):
        return re.sub(pattern, lambda _: block, text, count=1, flags=re.DOTALL)
    separator = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    return text + separator + block


def replace_section(name: str, markdown: str, path: str | os.PathLike[str] = BENCHMARKS_MD) -> None:
    """Rewrite section ``name`` of the benchmarks file in place; the other sections stay as they are."""
    target = Path(path)
    text = target.read_text(encoding="utf-8") if target.exists() else ""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(target.suffix + ".tmp")
    temporary.write_text(replace_in_text(text, name, markdown), encoding="utf-8")
    temporary.replace(target)
