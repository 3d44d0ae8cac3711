"""Pseudonyms only: a student ID that looks like a CPR number is refused wherever student IDs are read."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from features.cpr import looks_like_cpr, masked
from features.errors import DataIssue, DataValidationError
from features.loading import load_network, read_csv_file, write_tables
from features.network import Network


@pytest.mark.parametrize(
    "student_id",
    ["010203-1234", "0102031234", "S-010203-1234", "elev3112991234", "290200-0000", "123456-7890"],
)
def test_cpr_like_ids_are_recognised(student_id: str) -> None:
    assert looks_like_cpr(student_id)


@pytest.mark.parametrize(
    "student_id", ["S0001", "A00420", "S000001", "3213991234", "0113991234", "12345678901", "S1-2-3"]
)
def test_pseudonyms_are_not_mistaken_for_cpr_numbers(student_id: str) -> None:
    assert not looks_like_cpr(student_id)


def test_the_number_is_masked_in_messages() -> None:
    assert masked("010203-1234") == "xxxxxx-xxxx"
    assert masked("S0102031234") == "Sxxxxxxxxxx"


def cpr_issues(path: Path) -> list[DataIssue]:
    with pytest.raises(DataValidationError) as caught:
        load_network(path)
    return [i for i in caught.value.issues if "CPR" in i.message]


@pytest.mark.parametrize("table", ["students", "alumni", "history"])
def test_a_cpr_number_as_student_id_is_refused_in_every_data_file(
    table: str, tmp_path: Path, builtin_network: Network
) -> None:
    tables = {name: frame.copy() for name, frame in builtin_network.frames().items()}
    tables[table].loc[2, "student_id"] = "010203-1234"
    write_tables(tables, tmp_path)
    issues = cpr_issues(tmp_path)
    assert issues[0] == DataIssue(
        f"{table}.csv",
        4,
        "student_id",
        "xxxxxx-xxxx",
        "looks like a CPR number; student IDs must be pseudonyms, never CPR numbers or names",
        "ligner et CPR-nummer; elev-ID'er skal være pseudonymer, aldrig CPR-numre eller navne",
    )


def test_ten_digits_with_a_real_date_are_refused_too(tmp_path: Path, builtin_network: Network) -> None:
    tables = {name: frame.copy() for name, frame in builtin_network.frames().items()}
    tables["students"].loc[0, "student_id"] = "0102031234"
    write_tables(tables, tmp_path)
    assert [(i.row, i.value) for i in cpr_issues(tmp_path)] == [(2, "xxxxxxxxxx")]


@pytest.mark.parametrize("name", ["locks.csv", "forbids.csv", "plan.csv"])
def test_decision_and_plan_files_refuse_cpr_numbers(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    pd.DataFrame({"student_id": ["S0001", "010203-1234"], "company_id": ["C0001", "C0002"]}).to_csv(
        path, index=False
    )
    with pytest.raises(DataValidationError) as caught:
        read_csv_file(path, ("student_id", "company_id"))
    [issue] = caught.value.issues
    assert (issue.file, issue.row, issue.column, issue.value) == (name, 3, "student_id", "xxxxxx-xxxx")
    assert "looks like a CPR number" in issue.message and "ligner et CPR-nummer" in issue.message_da
