"""The column-by-column validator against today's row-by-row one: the same profiles, the same messages.

``row_by_row`` is the loader as it was before bulk validation (every row through
``TypeAdapter(list[Model])``); each test loads the same tables both ways and compares
the networks, or every issue (file, row, column, value, English and Danish message).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from features import bulk_validation, loading
from features.errors import DataIssue, DataValidationError
from features.network import Network
from features.profiles import Company, Placement, Student
from features.synthetic import generate

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BAD_CELLS = (
    "",
    "   ",
    "\u00a0",
    "\x1c",
    "abc",
    "-1",
    "0",
    "1.5",
    "3,0",
    " 3 ",
    "03",
    "99999",
    "1e3",
    "nan",
    "None",
    "ja",
    "Nej",
    "X",
    "yes|no",
    "Lager og logistik",
    "lager OG logistik",
    "retail|retail",
    "retail|",
    "|",
    "retial",
    "autism",
    "autism:some",
    "autism:lots",
    "autism:some|autism:little",
    "Autismespektrumforstyrrelse:Noget støtte",
    "adhd : some",
    "social_limitations:little|",
    "mon|tue",
    "mandag",
    "2027-07-31",
    "31.07.2027",
    "31/13/2027",
    "56,1",
    "56.1",
    "60.0",
    "København",
    "kobenhavn",
    "Københaven",
    "S 1",
    "S-1",
    "_S1",
    "0101901234",
    "010190-1234",
    "x" * 41,
    "x" * 121,
    "'=1+1",
)
TABLE_MODELS = {"students": Student, "companies": Company, "history": Placement, "alumni": Student}


def row_by_row(frame: pd.DataFrame, model: Any, slow: bulk_validation.RowValidator) -> Any:
    """Today's path: every row through the model."""
    return bulk_validation._row_by_row(frame, np.arange(len(frame)), slow)


@pytest.fixture
def patch() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield monkeypatch


def load_both(tables: dict[str, pd.DataFrame]) -> tuple[Network | list[DataIssue], Network | list[DataIssue]]:
    """The tables loaded column by column and row by row: a network, or the issues."""
    results: list[Network | list[DataIssue]] = []
    for validate in (functools.partial(bulk_validation.validate_frame, min_rows=0), row_by_row):
        with pytest.MonkeyPatch.context() as monkeypatch:
            monkeypatch.setattr(loading, "validate_frame", validate)
            try:
                results.append(loading.network_from_tables({k: v.copy() for k, v in tables.items()}))
            except DataValidationError as error:
                results.append(error.issues)
    return results[0], results[1]


def assert_same(bulk: Network | list[DataIssue], slow: Network | list[DataIssue]) -> None:
    if isinstance(slow, list):
        assert bulk == slow
        return
    assert isinstance(bulk, Network)
    for name in ("students", "companies", "history", "alumni"):
        fast_profiles, slow_profiles = getattr(bulk, name), getattr(slow, name)
        assert fast_profiles == slow_profiles, name
        for fast, reference in zip(fast_profiles, slow_profiles, strict=True):
            assert fast.model_fields_set == reference.model_fields_set
            assert list(fast.__dict__) == list(reference.__dict__)
            assert {k: type(v) for k, v in fast.__dict__.items()} == {
                k: type(v) for k, v in reference.__dict__.items()
            }


def small_tables(seed: int = 7) -> dict[str, pd.DataFrame]:
    return {name: frame.copy() for name, frame in generate(20, 15, seed=seed, n_alumni=8).tables.items()}


sizes = st.tuples(st.integers(1, 30), st.integers(1, 30), st.integers(0, 15), st.integers(0, 10_000))


@SETTINGS
@given(sizes)
def test_any_generated_network_gives_the_same_profiles(size: tuple[int, int, int, int]) -> None:
    students, companies, alumni, seed = size
    tables = generate(students, companies, seed=seed, n_alumni=alumni).tables
    assert_same(*load_both(tables))


@st.composite
def corruptions(draw: st.DrawFn) -> tuple[dict[str, pd.DataFrame], list[tuple[str, int, str, str]]]:
    tables = small_tables(draw(st.integers(0, 3)))
    changes = []
    for _ in range(draw(st.integers(1, 6))):
        table = draw(st.sampled_from(sorted(tables)))
        frame = tables[table]
        column = draw(st.sampled_from(list(frame.columns)))
        row = draw(st.integers(0, len(frame) - 1))
        value = draw(st.sampled_from(BAD_CELLS) | st.text(max_size=12))
        frame.loc[row, column] = value
        changes.append((table, row, column, value))
    return tables, changes


@SETTINGS
@given(corruptions())
def test_any_corruption_gives_the_same_messages_or_profiles(
    case: tuple[dict[str, pd.DataFrame], list[tuple[str, int, str, str]]],
) -> None:
    tables, _ = case
    assert_same(*load_both(tables))


@SETTINGS
@given(st.data())
def test_values_copied_from_another_row_or_column_give_the_same_result(data: st.DataObject) -> None:
    """Valid-looking cells in the wrong place: another column's value, another table's value."""
    tables = small_tables()
    for _ in range(data.draw(st.integers(1, 4))):
        table = data.draw(st.sampled_from(["students", "companies"]))
        frame = tables[table]
        column, source = data.draw(st.lists(st.sampled_from(list(frame.columns)), min_size=2, max_size=2))
        row = data.draw(st.integers(0, len(frame) - 1))
        frame.loc[row, column] = frame.loc[data.draw(st.integers(0, len(frame) - 1)), source]
    assert_same(*load_both(tables))


@pytest.mark.parametrize(
    ("table", "changes"),
    [
        ("students", {"min_hours_per_week": "30", "max_hours_per_week": "20"}),
        ("companies", {"complexity_min": "4", "complexity_max": "2"}),
        ("companies", {"complexity_min": "4", "complexity_max": "2", "min_hours_per_week": "40"}),
        ("students", {"home_lat": ""}),
        ("students", {"home_lat": "", "home_lon": ""}),
        ("companies", {"lon": ""}),
        ("companies", {"lat": "", "lon": "", "municipality": "Ærø"}),
        ("students", {"student_id": "S0002"}),  # a duplicate ID
        ("alumni", {"student_id": "S0001"}),  # an alumnus who is also a current student
        ("history", {"student_id": "nobody", "company_id": "nothing"}),  # history outlives the network
    ],
)
def test_rules_between_columns_and_tables_give_the_same_result(table: str, changes: dict[str, str]) -> None:
    tables = small_tables()
    for column, value in changes.items():
        tables[table].loc[3, column] = value
    assert_same(*load_both(tables))


def test_optional_columns_left_out_give_the_defaults() -> None:
    tables = small_tables()
    tables["students"] = tables["students"].drop(
        columns=["home_lat", "home_lon", "stress_reactions", "consent_share"]
    )
    tables["companies"] = tables["companies"].drop(columns=["weekdays", "team_work", "lat", "lon"])
    assert_same(*load_both(tables))


def test_cells_that_are_not_text_go_row_by_row() -> None:
    """Tables from a caller (not a file) may hold numbers, None or NaN: validated as today."""
    tables = small_tables()
    students = tables["students"].astype(object)
    students.loc[0, "age"] = 20
    students.loc[1, "stress_reactions"] = None
    students.loc[2, "needs_mentor"] = True
    students.loc[3, "consent_share"] = float("nan")
    students.loc[4, "home_lat"] = 56.1
    tables["students"] = students
    assert_same(*load_both(tables))


def test_a_bad_cell_is_named_by_file_row_column_and_value(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(loading, "validate_frame", functools.partial(bulk_validation.validate_frame, min_rows=0))
    tables = small_tables()
    tables["companies"].loc[4, "capacity"] = "-2"
    tables["students"].loc[9, "interests"] = "retial"
    with pytest.raises(DataValidationError) as caught:
        loading.network_from_tables(tables)
    issues = caught.value.issues
    assert [(i.file, i.row, i.column, i.value) for i in issues] == [
        ("students.csv", 11, "interests", "retial"),
        ("companies.csv", 6, "capacity", "-2"),
    ]
    assert issues[1].message == "must be at least 0"


def test_profiles_do_not_share_lists_or_dicts() -> None:
    bulk, _ = load_both(small_tables())
    assert isinstance(bulk, Network)
    network = bulk
    first, second = network.students[0], network.students[1]
    assert first.consent_share is not second.consent_share
    assert first.stress_reactions is not second.stress_reactions
    assert network.companies[0].weekdays is not network.companies[1].weekdays


def test_a_bulk_profile_behaves_as_a_validated_one() -> None:
    bulk, slow = load_both(small_tables())
    assert isinstance(bulk, Network) and isinstance(slow, Network)
    for fast, reference in zip(bulk.students + bulk.companies, slow.students + slow.companies, strict=True):
        assert fast.model_dump() == reference.model_dump()
        assert fast.model_dump_json(exclude_unset=True) == reference.model_dump_json(exclude_unset=True)
        assert repr(fast) == repr(reference)
    assert bulk.students[0].model_copy(update={"age": 21}).age == 21


def test_large_tables_take_the_fast_path_and_small_ones_do_not() -> None:
    tables = generate(bulk_validation.MIN_ROWS, 3, seed=1, n_alumni=0).tables
    calls: list[int] = []

    def counting(records: list[dict[str, Any]]) -> Any:
        calls.append(len(records))
        return loading._validate_records(Student, records)

    bulk_validation.validate_frame(tables["students"], Student, counting)
    assert calls == []
    bulk_validation.validate_frame(tables["students"].iloc[:-1], Student, counting)
    assert calls == [bulk_validation.MIN_ROWS - 1]


def test_the_cross_field_rules_are_the_models_own() -> None:
    """Every rule declared for the fast path is one the model enforces, with its own message on its low column."""
    tables = small_tables()
    for model, rules in bulk_validation.CROSS_FIELD_RULES.items():
        table = {Student: "students", Company: "companies", Placement: "history"}[model]
        row = tables[table].iloc[0].to_dict()
        for low, high in rules.ordered:
            broken = {**row, low: "5", high: "4"}
            with pytest.raises(Exception) as caught:
                model.model_validate(broken)
            assert f"{low} (5) is above {high} (4)" in str(caught.value)
        if rules.coordinates is not None:
            lat, lon, _ = rules.coordinates
            with pytest.raises(Exception, match=f"give both {lat} and {lon}"):
                model.model_validate({**row, lat: ""})
