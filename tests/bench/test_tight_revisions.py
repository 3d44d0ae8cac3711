"""``bench/tight_revisions.py``: two revisions' optimizer side by side, under any objective."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

import bench.tight_revisions as tight_revisions
from bench.tight_revisions import in_fresh_process, markdown, plan_value


def _row(seed: int, revision: str, status: str, seconds: float, **changed: Any) -> dict[str, Any]:
    return {
        "companies": 900,
        "seed": seed,
        "objective": "count-interest-score",
        "revision": revision,
        "placed": 1637,
        "placed_bound": 1637,
        "in_interest": 1500,
        "interest_bound": 1500 if status == "OPTIMAL" else 1501,
        "lowest": None,
        "lowest_bound": None,
        "score": 129125.65,
        "score_bound": None,
        "status": status,
        "seconds": seconds,
        "load": [1.0, 1.1],
    } | changed


def test_the_table_gives_each_network_its_ratio_and_says_where_the_plans_differ() -> None:
    rows = [
        _row(1, "abc1234", "FEASIBLE", 60.0),
        _row(1, "this", "OPTIMAL", 15.0),
        _row(2, "abc1234", "OPTIMAL", 4.0),
        _row(2, "this", "OPTIMAL", 6.0, in_interest=1499),
        _row(3, "abc1234", "OPTIMAL", 10.0),
        _row(3, "this", "OPTIMAL", 5.0),
    ]
    text = markdown(rows, "count-interest-score", 60.0, "abc1234")
    lines = [line for line in text.splitlines() if line.startswith("| 900 |")]
    assert len(lines) == 6
    assert lines[0].startswith(
        "| 900 | 1 | abc1234 | 1,637 / 1,637 | 1,500 / 1,501 | - / - | 129,125.65 / - |"
    )
    assert lines[0].endswith("| FEASIBLE | 60.0 |  |")
    assert lines[1].endswith("| OPTIMAL | 15.0 | 0.25 |")
    assert lines[3].endswith("| 1.50 |")
    assert "- abc1234: 2 of 3 proven OPTIMAL, 1 of them within 5 s; 74.0 s in all." in text
    assert "- this: 3 of 3 proven OPTIMAL, 1 of them within 5 s; 26.0 s in all." in text
    assert "median 0.50 (0.25-1.50) over 3 networks; plan values differ on 900 seed 2." in text
    assert "abc1234's optimizer right before this one's" in text


def test_plan_values_compare_what_the_objectives_compare_to_the_hundredth() -> None:
    assert plan_value(_row(1, "a", "OPTIMAL", 1.0)) == plan_value(
        _row(1, "b", "OPTIMAL", 2.0, score=129125.651)
    )
    assert plan_value(_row(1, "a", "OPTIMAL", 1.0)) != plan_value(
        _row(1, "b", "OPTIMAL", 1.0, score=129125.6)
    )
    assert plan_value(_row(1, "a", "OPTIMAL", 1.0, lowest=48.8544)) == plan_value(
        _row(1, "b", "OPTIMAL", 1.0, lowest=48.85)
    )


def test_each_revision_is_solved_in_its_own_process_old_first(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """``main``: per network the old revision, then this one; the rows logged; the table on stdout."""
    commands: list[list[str]] = []

    def solved(command, **kwargs):  # type: ignore[no-untyped-def]
        commands.append(command)
        revision = "old" if command[3] != str(tight_revisions.ROOT) else "this"
        row = _row(int(command[6]), revision, "OPTIMAL", 8.0 if revision == "old" else 4.0)
        return subprocess.CompletedProcess(command, 0, "log line\n" + json.dumps(row) + "\n", "")

    monkeypatch.setattr(tight_revisions, "pairs_file", lambda companies, seed: None)
    monkeypatch.setattr(tight_revisions, "CACHE", tmp_path)
    monkeypatch.setattr(tight_revisions, "_worktree", lambda revision: tmp_path / f"worktree-{revision}")
    monkeypatch.setattr(tight_revisions.subprocess, "run", solved)
    tight_revisions.main(
        ["--old", "abc1234", "--companies", "900", "--seeds", "16", "17", "--time-limit", "30"]
    )
    assert [(Path(c[3]).name, c[6]) for c in commands] == [
        ("worktree-abc1234", "16"),
        (tight_revisions.ROOT.name, "16"),
        ("worktree-abc1234", "17"),
        (tight_revisions.ROOT.name, "17"),
    ]
    assert all(c[7:] == ["count-then-score", "30.0"] for c in commands)
    assert [
        json.loads(line)["revision"] for line in (tmp_path / "revisions.jsonl").read_text().splitlines()
    ] == [
        "abc1234",
        "this",
        "abc1234",
        "this",
    ]
    out = capsys.readouterr().out
    assert "median 0.50 (0.50-0.50) over 2 networks; plan values the same on every network." in out


def test_the_fresh_process_imports_the_revisions_optimizer_and_parses_the_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child takes ``optimizer`` from the revision's root, the measuring module from this one."""
    old = tmp_path / "old"
    (old / "optimizer").mkdir(parents=True)
    (old / "optimizer" / "__init__.py").write_text("")
    (old / "optimizer" / "exact.py").write_text("")
    (old / "optimizer" / "solve.py").write_text("")
    (tmp_path / "probe_measure.py").write_text(
        "import optimizer\n"
        "def measure(companies, seed, objective, limit):\n"
        "    return {'from': optimizer.__file__, 'companies': companies, 'seed': seed,\n"
        "            'objective': objective, 'limit': limit}\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))  # where the child finds ``probe_measure``
    row = in_fresh_process("probe_measure", "fairness", "45.5")(old, 900, 3)
    assert Path(row["from"]) == old / "optimizer" / "__init__.py"
    assert (row["companies"], row["seed"], row["objective"], row["limit"]) == (900, 3, "fairness", 45.5)
