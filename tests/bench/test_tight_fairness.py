"""The fairness table of ``bench/tight_fairness.py``: a row per network and revision, and what it counts."""

from __future__ import annotations

from bench.tight_fairness import markdown


def _row(seed: int, revision: str, status: str, seconds: float) -> dict[str, object]:
    return {
        "companies": 900,
        "seed": seed,
        "revision": revision,
        "placed": 1637,
        "placed_bound": 1637,
        "lowest": 48.8544,
        "lowest_bound": 48.85 if status == "OPTIMAL" else 49.57,
        "score": 129125.65,
        "score_bound": None,
        "status": status,
        "seconds": seconds,
        "load": [1.0, 1.1],
    }


def test_the_table_counts_this_revisions_proofs_and_those_within_five_seconds() -> None:
    rows = [
        _row(1, "b6d933c", "FEASIBLE", 58.7),
        _row(1, "this", "OPTIMAL", 16.8),
        _row(2, "b6d933c", "OPTIMAL", 4.0),
        _row(2, "this", "OPTIMAL", 4.9),
    ]
    text = markdown(rows, 60.0, "b6d933c")
    lines = [line for line in text.splitlines() if line.startswith("| 900 |")]
    assert len(lines) == 4
    assert lines[0].startswith(
        "| 900 | 1 | b6d933c | 1,637 / 1,637 | 48.85 / 49.57 | 129,125.65 / - | FEASIBLE | 58.7 |"
    )
    assert "This revision: 2 of 2 proven OPTIMAL, 1 of them within 5 s." in text
    assert "solved by b6d933c's optimizer right before" in text
    assert "time limit 60 s" in text


def test_stdout_prints_the_table_and_leaves_the_benchmarks_page_alone(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """``--stdout`` (runs on other seeds): the table goes to stdout, docs/benchmarks.md is not touched."""
    import json
    import subprocess

    import bench.sections
    import bench.tight_fairness as tight_fairness
    import bench.tight_revisions as tight_revisions

    def solved(command, **kwargs):  # type: ignore[no-untyped-def]
        assert command[4:5] == ["bench.tight_revisions"] and command[7:] == ["fairness", "60.0"]
        seed = int(command[6])
        return subprocess.CompletedProcess(command, 0, json.dumps(_row(seed, "x", "OPTIMAL", 4.2)) + "\n", "")

    def untouched(*args):  # type: ignore[no-untyped-def]
        raise AssertionError("docs/benchmarks.md rewritten")

    monkeypatch.setattr(tight_revisions, "pairs_file", lambda companies, seed: None)
    monkeypatch.setattr(tight_fairness, "CACHE", tmp_path)
    monkeypatch.setattr(tight_revisions.subprocess, "run", solved)
    monkeypatch.setattr(bench.sections, "replace_section", untouched)
    tight_fairness.main(["--companies", "900", "--seeds", "16", "17", "--no-national", "--stdout"])
    out = capsys.readouterr().out
    assert "| 900 | 16 | this |" in out and "| 900 | 17 | this |" in out
    assert "This revision: 2 of 2 proven OPTIMAL, 2 of them within 5 s." in out
    assert len((tmp_path / "fairness.jsonl").read_text().splitlines()) == 2
