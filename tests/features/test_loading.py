"""Every validation path of the loader: each problem is named by file, row, column and value."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from features.errors import DataIssue, DataValidationError
from features.loading import BUILTIN_DATA_DIR, load_network, read_csv_table, write_tables, write_workbook
from features.network import Network


@pytest.fixture
def tables(builtin_network: Network) -> dict[str, pd.DataFrame]:
    return {name: frame.copy() for name, frame in builtin_network.frames().items()}


def write(folder: Path, tables: dict[str, pd.DataFrame]) -> Path:
    write_tables(tables, folder)
    return folder


def issues_of(path: Path) -> list[DataIssue]:
    with pytest.raises(DataValidationError) as caught:
        load_network(path)
    return caught.value.issues


def only_issue(path: Path) -> DataIssue:
    issues = issues_of(path)
    assert len(issues) == 1, issues
    return issues[0]


def test_builtin_network_loads_with_every_table(builtin_network: Network) -> None:
    assert len(builtin_network.students) == 140
    assert len(builtin_network.companies) == 220
    assert len(builtin_network.history) == len(builtin_network.alumni) > 0


def test_round_trip_through_csv_keeps_every_profile(tmp_path: Path, builtin_network: Network) -> None:
    reloaded = load_network(write(tmp_path, builtin_network.frames()))
    assert reloaded.students == builtin_network.students
    assert reloaded.companies == builtin_network.companies
    assert reloaded.history == builtin_network.history


def test_round_trip_through_excel(tmp_path: Path, builtin_network: Network) -> None:
    workbook = tmp_path / "network.xlsx"
    write_workbook(builtin_network.frames(), workbook)
    reloaded = load_network(workbook)
    assert reloaded.students == builtin_network.students
    assert reloaded.companies == builtin_network.companies


def test_danish_export_semicolon_decimal_comma_bom(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    for name, frame in tables.items():
        text = frame.to_csv(index=False, sep=";")
        if name == "students":
            text = text.replace(frame.loc[0, "home_lat"], frame.loc[0, "home_lat"].replace(".", ","))
        (tmp_path / f"{name}.csv").write_bytes(text.encode("utf-8-sig"))
    network = load_network(tmp_path)
    assert network.students[0].home_lat == pytest.approx(float(tables["students"].loc[0, "home_lat"]))


def test_windows_1252_export_with_danish_letters(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    tables["companies"].loc[0, "name"] = "Ærø Smørrebrød & Østers"
    tables["companies"].loc[0, "municipality"] = "Ærø"
    for name, frame in tables.items():
        (tmp_path / f"{name}.csv").write_bytes(frame.to_csv(index=False, sep=";").encode("cp1252"))
    company = load_network(tmp_path).companies[0]
    assert company.name == "Ærø Smørrebrød & Østers"
    assert company.municipality == "Ærø"


def test_danish_labels_and_yes_no_words_are_accepted(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    tables["students"].loc[0, "interests"] = "Lager og logistik|IT og softwaretest"
    tables["students"].loc[0, "needs_mentor"] = "Ja"
    tables["students"].loc[0, "gender"] = "Kvinde"
    student = load_network(write(tmp_path, tables)).students[0]
    assert [i.value for i in student.interests] == ["warehouse_logistics", "it_software_testing"]
    assert student.needs_mentor is True
    assert student.gender == "female"


def test_missing_coordinates_fall_back_to_the_municipality_town(
    tmp_path: Path, tables: dict[str, pd.DataFrame]
) -> None:
    tables["students"].loc[0, ["home_lat", "home_lon", "home_municipality"]] = ["", "", "Aarhus"]
    student = load_network(write(tmp_path, tables)).students[0]
    assert (student.home_lat, student.home_lon) == (56.157, 10.211)


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        ("companies", "capacity", "-1", "must be at least 0"),
        ("students", "age", "3", "must be at least 15"),
        ("students", "age", "nineteen", "must be a whole number"),
        ("students", "gender", "mand ", "is not a known gender"),
        ("companies", "industry", "retial", "Did you mean 'retail'"),
        ("students", "home_municipality", "Arhus", "Closest: Aarhus"),
        ("students", "impairments", "autism", "has no support level"),
        ("students", "impairments", "autism:lots", "is not a known support level"),
        ("students", "interests", "retail|retail", "listed more than once"),
        ("students", "needs_mentor", "maybe", "is not yes/no"),
        ("students", "student_id", "S 1", "letters, digits"),
        ("companies", "mentor_capacity", "", "a value is required"),
        ("students", "home_lat", "40.1", "must be at least 54.4"),
        ("companies", "noise", "loud", "is not a known level"),
    ],
)
def test_a_bad_cell_is_named_by_file_row_column_and_value(
    tmp_path: Path, tables: dict[str, pd.DataFrame], table: str, column: str, value: str, message: str
) -> None:
    if value == "mand ":  # 'mand' is the Danish label, so it is valid; use a real typo
        value = "mnad"
    tables[table].loc[4, column] = value
    issue = only_issue(write(tmp_path, tables))
    assert (issue.file, issue.row, issue.column) == (f"{table}.csv", 6, column)
    assert issue.value == value
    assert message in issue.message
    assert issue.message_da and issue.message_da != ""


def test_min_hours_above_max_names_the_row_and_column(
    tmp_path: Path, tables: dict[str, pd.DataFrame]
) -> None:
    tables["students"].loc[0, ["min_hours_per_week", "max_hours_per_week"]] = ["30", "20"]
    issue = only_issue(write(tmp_path, tables))
    assert (issue.file, issue.row, issue.column, issue.value) == (
        "students.csv",
        2,
        "min_hours_per_week",
        "30",
    )
    assert "min must be at most max" in issue.message


def test_complexity_range_inverted(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    tables["companies"].loc[2, ["complexity_min", "complexity_max"]] = ["4", "2"]
    issue = only_issue(write(tmp_path, tables))
    assert (issue.row, issue.column) == (4, "complexity_min")


def test_only_one_coordinate_is_an_error(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    tables["companies"].loc[0, "lon"] = ""
    issue = only_issue(write(tmp_path, tables))
    assert issue.column == "lat"
    assert "give both lat and lon" in issue.message


def test_all_problems_are_collected_across_files(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    tables["students"].loc[0, "age"] = "3"
    tables["students"].loc[9, "transport_mode"] = "horse"
    tables["companies"].loc[3, "capacity"] = "-2"
    issues = issues_of(write(tmp_path, tables))
    assert {(i.file, i.row, i.column) for i in issues} == {
        ("students.csv", 2, "age"),
        ("students.csv", 11, "transport_mode"),
        ("companies.csv", 5, "capacity"),
    }


def test_duplicate_ids_name_the_first_row(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    in_history = set(tables["history"]["company_id"])
    k = next(
        k
        for k in range(3, len(tables["companies"]))
        if tables["companies"].loc[k, "company_id"] not in in_history
    )
    tables["companies"].loc[k, "company_id"] = tables["companies"].loc[2, "company_id"]
    issue = only_issue(write(tmp_path, tables))
    assert (issue.file, issue.row, issue.column) == ("companies.csv", k + 2, "company_id")
    assert "first used in row 4" in issue.message


def test_missing_required_column(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    tables["companies"] = tables["companies"].drop(columns=["mentor_capacity"])
    issue = only_issue(write(tmp_path, tables))
    assert (issue.file, issue.row, issue.column) == ("companies.csv", 1, "mentor_capacity")
    assert "required column is missing" in issue.message


def test_duplicated_column(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    write(tmp_path, tables)
    text = (tmp_path / "companies.csv").read_text().splitlines()
    text[0] = text[0].replace("capacity,mentor_capacity", "capacity,capacity")
    (tmp_path / "companies.csv").write_text("\n".join(text))
    issues = issues_of(tmp_path)
    assert any(i.column == "capacity" and "more than once" in i.message for i in issues)


def test_empty_file(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    write(tmp_path, tables)
    (tmp_path / "students.csv").write_bytes(b"")
    issue = only_issue(tmp_path)
    assert (issue.file, issue.row) == ("students.csv", None)
    assert "empty" in issue.message


def test_header_without_rows(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    tables["companies"] = tables["companies"].iloc[0:0]
    issue = only_issue(write(tmp_path, tables))
    assert "no rows" in issue.message


def test_a_file_that_is_not_a_table(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    write(tmp_path, tables)
    (tmp_path / "companies.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    issue = only_issue(tmp_path)
    assert issue.file == "companies.csv"
    assert "not a text table" in issue.message


def test_ragged_rows_are_not_a_well_formed_table(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    write(tmp_path, tables)
    (tmp_path / "history.csv").write_text('student_id,company_id,year,outcome\nA1,C1,2020,job,extra,"x\n')
    issues = issues_of(tmp_path)
    assert any(i.file == "history.csv" and "well-formed" in i.message for i in issues)


def test_missing_required_file(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    del tables["companies"]
    issue = only_issue(write(tmp_path, tables))
    assert issue.file == "companies.csv"
    assert "file is missing" in issue.message


def test_history_outlives_the_network_and_says_what_it_cannot_use(
    tmp_path: Path, tables: dict[str, pd.DataFrame]
) -> None:
    """A company that left and a former student without a profile: the rows load, with a note."""
    tables["history"].loc[0, "student_id"] = "A9999"
    tables["history"].loc[1, "company_id"] = "C9999"
    network = load_network(write(tmp_path, tables))
    assert len(network.history) == len(tables["history"])
    assert len(network.usable_history) == len(tables["history"]) - 2
    assert network.unmatched_history() == (["A9999"], ["C9999"])
    note = network.history_note()
    assert note is not None
    assert "2 history row(s)" in note[0] and "C9999" in note[0] and "A9999" in note[0]
    assert "virksomhed, der ikke længere er i companies.csv (C9999)" in note[1]


def test_history_ids_must_still_be_well_formed(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    tables["history"].loc[1, "company_id"] = ""
    issue = only_issue(write(tmp_path, tables))
    assert (issue.file, issue.row, issue.column) == ("history.csv", 3, "company_id")


def test_alumni_may_not_reuse_current_student_ids(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    tables["alumni"].loc[0, "student_id"] = tables["students"].loc[0, "student_id"]
    tables["history"].loc[0, "student_id"] = tables["students"].loc[0, "student_id"]
    issue = only_issue(write(tmp_path, tables))
    assert (issue.file, issue.column) == ("alumni.csv", "student_id")


def test_optional_files_may_be_absent(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    network = load_network(write(tmp_path, {k: tables[k] for k in ("students", "companies")}))
    assert network.history == () and network.alumni == ()


def test_nothing_is_half_loaded(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    tables["students"].loc[139, "age"] = "99"
    folder = write(tmp_path, tables)
    with pytest.raises(DataValidationError):
        load_network(folder)
    # The files on disk are untouched by a failed load.
    assert pd.read_csv(folder / "students.csv", dtype=str).loc[139, "age"] == "99"


def test_path_that_does_not_exist(tmp_path: Path) -> None:
    issue = only_issue(tmp_path / "nope")
    assert "no such folder or file" in issue.message


def test_a_plain_file_that_is_neither_folder_nor_workbook(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("hello")
    assert "not a data folder" in only_issue(tmp_path / "x.txt").message


def test_broken_workbook(tmp_path: Path) -> None:
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    issue = only_issue(tmp_path / "broken.xlsx")
    assert issue.file == "broken.xlsx"
    assert "cannot be read as an Excel workbook" in issue.message


def test_workbook_without_companies_sheet(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    write_workbook({"students": tables["students"]}, tmp_path / "w.xlsx")
    issue = only_issue(tmp_path / "w.xlsx")
    assert issue.file == "w.xlsx[companies]"
    assert "sheet 'companies' is missing" in issue.message


def test_workbook_cell_errors_name_the_sheet(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    tables["companies"].loc[0, "capacity"] = "-5"
    write_workbook(tables, tmp_path / "w.xlsx")
    issue = only_issue(tmp_path / "w.xlsx")
    assert (issue.file, issue.row, issue.column) == ("w.xlsx[companies]", 2, "capacity")


def test_read_csv_table_sniffs_tabs() -> None:
    frame = read_csv_table(b"a\tb\n1\t2\n", "x.csv")
    assert list(frame.columns) == ["a", "b"]


def test_builtin_dir_is_committed() -> None:
    assert (BUILTIN_DATA_DIR / "students.csv").exists()


def test_duplicate_ids_are_reported_alongside_cell_errors(
    tmp_path: Path, tables: dict[str, pd.DataFrame]
) -> None:
    tables["companies"].loc[7, "company_id"] = tables["companies"].loc[2, "company_id"]
    tables["students"].loc[0, "age"] = "3"
    issues = issues_of(write(tmp_path, tables))
    assert {(i.file, i.column) for i in issues} == {("companies.csv", "company_id"), ("students.csv", "age")}


def test_uploaded_csv_files_load(tables: dict[str, pd.DataFrame]) -> None:
    from features.loading import load_uploaded

    files = {
        f"{name}.csv": frame.to_csv(index=False, sep=";").encode("utf-8-sig")
        for name, frame in tables.items()
    }
    assert len(load_uploaded(files).students) == 140


def test_uploaded_workbook_loads_and_names_its_sheets_in_errors(
    tmp_path: Path, tables: dict[str, pd.DataFrame]
) -> None:
    from features.loading import load_uploaded

    tables["students"].loc[2, "age"] = "3"
    write_workbook(tables, tmp_path / "net.xlsx")
    with pytest.raises(DataValidationError) as caught:
        load_uploaded({"net.xlsx": (tmp_path / "net.xlsx").read_bytes()})
    (issue,) = caught.value.issues
    assert (issue.file, issue.row, issue.column) == ("net.xlsx[students]", 4, "age")


def test_upload_with_unknown_or_missing_files(tables: dict[str, pd.DataFrame]) -> None:
    from features.loading import load_uploaded

    files = {"students.csv": tables["students"].to_csv(index=False).encode(), "notes.csv": b"a,b\n1,2\n"}
    with pytest.raises(DataValidationError) as caught:
        load_uploaded(files)
    messages = {(i.file, i.message) for i in caught.value.issues}
    assert (
        "notes.csv",
        "unknown file; name CSV files students.csv, companies.csv, history.csv, alumni.csv",
    ) in messages
    assert ("companies.csv", "file is missing from the upload") in messages


def test_written_files_get_the_usual_permissions(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    import os
    import stat

    write(tmp_path, tables)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE((tmp_path / "students.csv").stat().st_mode) == 0o666 & ~mask
