"""The tight-network tables: one cell per column, whichever methods ran, and the counts under them."""

from __future__ import annotations

from typing import Any

from bench.bench_tight import markdown


def _row(companies: int, seed: int, tightened: bool, optimizer_seconds: float, cpsat: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "companies": companies,
        "seed": seed,
        "tightened": tightened,
        "pairs": 100_000,
        "time_limit": 45.0,
        "highs_limit": 60.0,
        "load_before": 1.0,
        "load_after": 1.0,
        "mentor_limits_that_can_bind": 300,
        "optimizer": {
            "placed": 900,
            "score": 80_000.0,
            "placed_bound": 900,
            "status": "OPTIMAL",
            "seconds": optimizer_seconds,
            "count_proven_seconds": 0.5,
        },
        "highs": {
            "placed": 900,
            "score": 80_000.0,
            "placed_bound": 900,
            "status": "OPTIMAL",
            "seconds": 30.0,
        },
    }
    if cpsat:
        row["cpsat"] = {"placed": 0, "score": 0.0, "placed_bound": 901, "status": "UNKNOWN", "seconds": 45.0}
    return row


def _table(text: str) -> list[list[str]]:
    return [line.strip("|").split("|") for line in text.splitlines() if line.startswith("|")]


def test_a_sizes_table_without_cpsat_has_a_network_column_and_every_row_fills_it() -> None:
    rows = [_row(500, 1, False, 1.0, cpsat=False), _row(2000, 1, True, 7.5, cpsat=False)]
    text = markdown(rows, 45.0, "sizes")
    table = _table(text)
    assert len({len(cells) for cells in table}) == 1
    assert "network" in table[0][1] and not any("CP-SAT" in cell for cell in table[0])
    assert [cells[1].strip() for cells in table[2:]] == ["plain", "tightened"]
    assert "proven within 5 s: 1 of 2" in text
    assert "At least 5 times as fast as HiGHS, proven: 1 of 2" in text  # 30 s is 4 times 7.5 s
    assert text.startswith("## From 500 to 5,000 companies")


def test_the_tight_table_keeps_its_columns_where_cpsat_ran_on_some_rows() -> None:
    rows = [_row(700, 1, False, 2.0, cpsat=True), _row(700, 2, False, 2.0, cpsat=False)]
    table = _table(markdown(rows, 45.0))
    assert len({len(cells) for cells in table}) == 1
    assert not any("network" in cell for cell in table[0])
    assert table[3][-4].strip() == "not run"


def test_a_table_rendered_again_says_the_time_limit_its_rows_were_measured_with() -> None:
    rows = [_row(500, 1, False, 1.0, cpsat=False), _row(500, 2, False, 1.0, cpsat=False)]
    assert "time limit 45 s per method; HiGHS 60 s" in markdown(rows, 30.0, "sizes")
    rows[1]["time_limit"] = 30.0  # rows of two limits: the one asked for
    assert "time limit 20 s per method" in markdown(rows, 20.0, "sizes")
