"""Fixed cases at every numeric bound that matters: the last allowed value loads, one past it is named."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from features.errors import DataValidationError
from features.loading import load_network, write_tables
from features.network import Network

# (table, column, last allowed low, last allowed high) — the limits documented in docs/data-format.md.
BOUNDS = [
    ("companies", "capacity", 0, 100),
    ("companies", "mentor_capacity", 0, 400),
    ("students", "max_travel_minutes", 5, 180),
    ("students", "min_hours_per_week", 1, 45),
    ("students", "max_hours_per_week", 1, 45),
    ("companies", "min_hours_per_week", 1, 45),
    ("companies", "max_hours_per_week", 1, 45),
    ("students", "max_task_complexity", 1, 5),
    ("students", "age", 15, 30),
]


@pytest.fixture
def tables(builtin_network: Network) -> dict[str, pd.DataFrame]:
    return {name: frame.copy() for name, frame in builtin_network.frames().items()}


def load_with(
    tmp_path: Path, tables: dict[str, pd.DataFrame], table: str, column: str, value: int
) -> Network:
    tables[table].loc[0, column] = str(value)
    if column == "min_hours_per_week":  # keep min <= max so only the bound itself is tested
        tables[table].loc[0, "max_hours_per_week"] = "45"
    if column == "max_hours_per_week":
        tables[table].loc[0, "min_hours_per_week"] = "1"
    write_tables(tables, tmp_path)
    return load_network(tmp_path)


@pytest.mark.parametrize(("table", "column", "low", "high"), BOUNDS)
def test_the_bounds_themselves_load(
    tmp_path: Path, tables, table: str, column: str, low: int, high: int
) -> None:  # type: ignore[no-untyped-def]
    for value in (low, high):
        network = load_with(tmp_path, {k: v.copy() for k, v in tables.items()}, table, column, value)
        first = (network.students if table == "students" else network.companies)[0]
        assert getattr(first, column) == value


@pytest.mark.parametrize(("table", "column", "low", "high"), BOUNDS)
def test_one_past_a_bound_is_refused_naming_file_row_column_and_value(
    tmp_path: Path, tables, table: str, column: str, low: int, high: int
) -> None:  # type: ignore[no-untyped-def]
    hard_low = {"min_hours_per_week": 0, "max_hours_per_week": 0}.get(column, low - 1)
    hard_high = {"min_hours_per_week": 46, "max_hours_per_week": 46}.get(column, high + 1)
    for value in (hard_low, hard_high):
        with pytest.raises(DataValidationError) as refused:
            load_with(tmp_path, {k: v.copy() for k, v in tables.items()}, table, column, value)
        issue = next(i for i in refused.value.issues if i.column == column)
        assert (issue.file, issue.row, issue.value) == (f"{table}.csv", 2, str(value))
        assert issue.message and issue.message_da


def test_a_negative_capacity_says_what_is_allowed(tmp_path: Path, tables) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataValidationError) as refused:
        load_with(tmp_path, tables, "companies", "capacity", -1)
    (issue,) = refused.value.issues
    assert "at least 0" in issue.message and "mindst 0" in issue.message_da


def test_coordinates_left_out_in_code_are_taken_from_the_municipality(tables) -> None:  # type: ignore[no-untyped-def]
    from features.profiles import Student

    row = tables["students"].iloc[0].dropna().to_dict()
    row.update(home_lat=None, home_lon=None)  # as a caller building profiles in code leaves them out
    student = Student.model_validate(row)
    assert student.home_lat is not None and student.home_lon is not None
