"""Danish column headers load like the English ones; every column is explained; the template reads back."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from features.column_guide import COLUMNS, guide_table, template_workbook_bytes
from features.errors import DataValidationError
from features.loading import TABLES, load_network, write_tables
from features.network import Network


def danish(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {
        name: frame.rename(columns={c.name: c.danish for c in COLUMNS[name]})
        for name, frame in tables.items()
    }


def test_every_field_of_every_file_is_explained_once() -> None:
    for table, model in TABLES.items():
        names = [c.name for c in COLUMNS[table]]
        assert sorted(names) == sorted(model.model_fields), table
        headers = [c.danish.casefold() for c in COLUMNS[table]]
        assert len(set(headers)) == len(headers), table
        assert all(c.description for c in COLUMNS[table])
    assert list(guide_table("companies").columns) == ["Kolonne", "Filformatets navn", "Hvad"]


def test_files_with_danish_headers_load_as_the_english_ones(tmp_path: Path, builtin_network: Network) -> None:
    write_tables(danish(builtin_network.frames()), tmp_path)
    assert "Praktikpladser" in (tmp_path / "companies.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    loaded = load_network(tmp_path)
    assert loaded.students == builtin_network.students and loaded.companies == builtin_network.companies
    assert loaded.history == builtin_network.history


def test_an_error_names_the_column_as_the_file_does(tmp_path: Path, builtin_network: Network) -> None:
    tables = danish(builtin_network.frames())
    tables["companies"].loc[3, "Praktikpladser"] = "-1"
    tables["companies"] = tables["companies"].drop(columns=["Mentortimer om ugen"])
    write_tables(tables, tmp_path)
    with pytest.raises(DataValidationError) as caught:
        load_network(tmp_path)
    assert {(i.file, i.column) for i in caught.value.issues} == {("companies.csv", "Mentortimer om ugen")}
    tables["companies"]["Mentortimer om ugen"] = "4"
    write_tables(tables, tmp_path)
    with pytest.raises(DataValidationError) as caught:
        load_network(tmp_path)
    (issue,) = caught.value.issues
    assert (issue.row, issue.column, issue.value) == (5, "Praktikpladser", "-1")


def test_the_template_has_a_sheet_per_file_with_danish_headers_and_explains_them() -> None:
    workbook = load_workbook(io.BytesIO(template_workbook_bytes()))
    assert workbook.sheetnames == ["students", "companies", "history", "alumni", "Forklaring"]
    header = [c.value for c in next(workbook["companies"].iter_rows())]
    assert header[:3] == ["Virksomheds-ID", "Navn", "Branche"]
    explained = list(workbook["Forklaring"].iter_rows(values_only=True))
    assert explained[0] == ("Ark", "Kolonne", "Filformatets navn", "Hvad")
    assert len(explained) - 1 == sum(len(columns) for columns in COLUMNS.values())
