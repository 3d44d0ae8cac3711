"""Properties of loading that must hold for any valid network and any single corruption."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from features.errors import DataValidationError
from features.loading import load_network, network_from_tables
from features.synthetic import generate

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

sizes = st.tuples(st.integers(1, 25), st.integers(1, 25), st.integers(0, 20), st.integers(0, 10_000))


@SETTINGS
@given(sizes, st.sampled_from([",", ";", "\t"]), st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_any_generated_network_survives_any_export_format(
    size: tuple[int, int, int, int], delimiter: str, encoding: str
) -> None:
    students, companies, alumni, seed = size
    tables = generate(students, companies, seed=seed, n_alumni=alumni).tables
    original = network_from_tables(tables)
    with TemporaryDirectory() as folder:
        for name, frame in tables.items():
            text = frame.to_csv(index=False, sep=delimiter)
            if delimiter == ";":  # Danish export: decimal comma in coordinates
                text = _decimal_comma(frame).to_csv(index=False, sep=";")
            (Path(folder) / f"{name}.csv").write_bytes(text.encode(encoding))
        reloaded = load_network(folder)
    assert reloaded.students == original.students
    assert reloaded.companies == original.companies
    assert reloaded.history == original.history


def _decimal_comma(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in ("home_lat", "home_lon", "lat", "lon"):
        if column in frame:
            frame[column] = frame[column].str.replace(".", ",", regex=False)
    return frame


NUMERIC_BOUNDS = {
    ("students", "age"): (15, 30),
    ("students", "max_travel_minutes"): (5, 180),
    ("students", "max_task_complexity"): (1, 5),
    ("students", "ability_pace"): (1, 5),
    ("companies", "capacity"): (0, 100),
    ("companies", "mentor_capacity"): (0, 400),
    ("companies", "demand_teamwork"): (1, 5),
}


@SETTINGS
@given(
    st.sampled_from(sorted(NUMERIC_BOUNDS)),
    st.integers(-1000, 1000),
    st.data(),
)
def test_an_out_of_range_number_is_reported_at_its_cell_and_nothing_else(
    cell: tuple[str, str], value: int, data: st.DataObject
) -> None:
    table, column = cell
    low, high = NUMERIC_BOUNDS[cell]
    tables = {name: frame.copy() for name, frame in generate(12, 12, seed=3, n_alumni=5).tables.items()}
    row = data.draw(st.integers(0, len(tables[table]) - 1))
    tables[table].loc[row, column] = str(value)
    if low <= value <= high:
        network_from_tables(tables)  # in range: loads
        return
    try:
        network_from_tables(tables)
    except DataValidationError as error:
        assert [(i.file, i.row, i.column, i.value) for i in error.issues] == [
            (f"{table}.csv", row + 2, column, str(value))
        ]
    else:
        raise AssertionError(f"{value} outside [{low}, {high}] was accepted")


@SETTINGS
@given(st.text(min_size=1, max_size=12).filter(lambda t: t.strip() != ""))
def test_arbitrary_text_in_an_industry_cell_is_either_a_known_industry_or_a_clear_error(text: str) -> None:
    from features.vocabulary import INDUSTRY_LABELS, Industry

    tables = {name: frame.copy() for name, frame in generate(5, 5, seed=1, n_alumni=0).tables.items()}
    tables["companies"].loc[0, "industry"] = text
    known = {i.value for i in Industry} | {label.casefold() for label in INDUSTRY_LABELS.values()}
    try:
        network = network_from_tables(tables)
    except DataValidationError as error:
        assert text.strip().casefold() not in known
        (issue,) = error.issues
        assert issue.column == "industry" and "is not a known industry" in issue.message
    else:
        assert network.companies[0].industry.value in known or text.strip().casefold() in known
