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
