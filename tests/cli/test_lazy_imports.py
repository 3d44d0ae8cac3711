"""Commands import what they need: no scikit-learn or OR-Tools where they are not used, and a stored model.

Each command runs in a fresh process (``main`` of the CLI, then a look at
``sys.modules``), as a user starts it.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from features.loading import BUILTIN_DATA_DIR
from placement_service.planning import MODEL_CACHE_ENV

HEAVY = ("sklearn", "ortools")

_WRAPPER = f"""
import json, sys
from stu_match.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
loaded = sorted(name for name in {HEAVY!r} if name in sys.modules)
print(json.dumps({{"code": code, "loaded": loaded}}), file=sys.stderr)
"""


def run(cache: Path, *argv: str) -> tuple[int, list[str], str, str]:
    """(exit code, heavy modules imported, stdout, stderr without the report line) of one command."""
    env = {**os.environ, MODEL_CACHE_ENV: str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *argv], capture_output=True, text=True, env=env, timeout=300
    )
    *errors, report = done.stderr.strip().splitlines()
    found = json.loads(report)
    return found["code"], found["loaded"], done.stdout, "\n".join(errors)


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--data", str(BUILTIN_DATA_DIR)],
        ["validate", "--data", str(BUILTIN_DATA_DIR), "--json"],
        ["generate", "--out", "{tmp}/generated", "--students", "20", "--companies", "30"],
        ["pairs", "--rule-only", "--data", str(BUILTIN_DATA_DIR), "--out", "{tmp}/pairs.csv"],
    ],
    ids=["validate", "validate-json", "generate", "pairs-rule-only"],
)
def test_commands_that_need_neither_import_neither(tmp_path: Path, argv: list[str]) -> None:
    code, loaded, _, errors = run(tmp_path / "cache", *(a.format(tmp=tmp_path) for a in argv))
    assert code == 0, errors
    assert loaded == []
    assert not (tmp_path / "cache").exists()  # nothing was fitted


def test_the_second_shortlist_reads_the_stored_model(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    argv = ["shortlist", "--data", str(BUILTIN_DATA_DIR), "--student", "S0001", "--json"]
    code, loaded, first, errors = run(cache, *argv)
    assert code == 0, errors
    assert "sklearn" in loaded  # fitted: nothing was stored yet
    assert json.loads(first)["outcome_model"] is True
    (stored,) = cache.iterdir()
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    code, loaded, second, errors = run(cache, *argv)
    assert code == 0, errors
    assert loaded == []  # neither scikit-learn (read the stored model) nor OR-Tools
    assert second == first


def test_a_corrupt_stored_model_is_refitted_without_a_traceback(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    argv = ["shortlist", "--data", str(BUILTIN_DATA_DIR), "--student", "S0001", "--json"]
    _, _, expected, _ = run(cache, *argv)
    (stored,) = cache.iterdir()
    stored.write_text('{"format": "stu-match outcome model", "version": 1, "key"')
    code, loaded, out, errors = run(cache, *argv)
    assert code == 0 and errors == ""
    assert "sklearn" in loaded
    assert out == expected
    code, loaded, out, errors = run(cache, *argv)  # stored again
    assert code == 0 and loaded == [] and out == expected


def test_pairs_with_the_model_store_it_for_the_next_command(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    code, loaded, _, errors = run(
        cache, "pairs", "--data", str(BUILTIN_DATA_DIR), "--out", str(tmp_path / "pairs.csv")
    )
    assert code == 0, errors
    assert "ortools" not in loaded
    code, loaded, _, errors = run(
        cache, "shortlist", "--data", str(BUILTIN_DATA_DIR), "--company", "C0001", "--json"
    )
    assert code == 0 and loaded == [], errors
