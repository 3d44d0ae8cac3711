"""Input that cannot exhaust the machine: files beyond the limits are refused, naming the file and the limit."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

import features.loading
from features.errors import DataIssue, DataValidationError
from features.limits import DATA_FILE_LIMITS, FileLimits
from features.loading import load_network, load_uploaded, read_csv_file, read_csv_table, write_workbook
from features.network import Network

SMALL = FileLimits(rows=5, columns=4, cells=12, bytes=20_000, unpacked_bytes=60_000)


def all_issues(call: object, *args: object) -> list[DataIssue]:
    with pytest.raises(DataValidationError) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value.issues


def refusal(call: object, *args: object) -> DataIssue:
    with pytest.raises(DataValidationError) as caught:
        call(*args)  # type: ignore[operator]
    assert len(caught.value.issues) == 1, caught.value.issues
    return caught.value.issues[0]


@pytest.fixture(scope="module")
def far_cell_workbook(tmp_path_factory: pytest.TempPathFactory, builtin_network: Network) -> Path:
    """The built-in network as a workbook (about 140 KB) with one cell at XFD1048576."""
    path = tmp_path_factory.mktemp("far") / "far.xlsx"
    write_workbook(builtin_network.frames(), path)
    workbook = load_workbook(path)
    workbook["companies"]["XFD1048576"] = "x"
    workbook.save(path)
    return path


def test_a_cell_at_xfd1048576_is_refused_without_building_the_grid(far_cell_workbook: Path) -> None:
    assert far_cell_workbook.stat().st_size < 200_000
    issue = refusal(load_network, far_cell_workbook)
    assert issue.file == "far.xlsx[companies]" and issue.row == 1048576
    assert "cell XFD1048576 lies outside the allowed area" in issue.message
    assert "200,000 data rows" in issue.message and "200 columns" in issue.message
    assert "cellen XFD1048576 ligger uden for det tilladte område" in issue.message_da
    assert "200.000 datarækker" in issue.message_da
    uploaded = refusal(load_uploaded, {"far.xlsx": far_cell_workbook.read_bytes()})
    assert uploaded.message == issue.message


def test_a_far_row_in_column_a_is_refused(tmp_path: Path, builtin_network: Network) -> None:
    path = tmp_path / "long.xlsx"
    write_workbook(builtin_network.frames(), path)
    workbook = load_workbook(path)
    workbook["students"]["A1048576"] = "S9999"
    workbook.save(path)
    assert "cell A1048576 lies outside" in refusal(load_network, path).message


def test_empty_styled_cells_far_away_are_ignored(tmp_path: Path, builtin_network: Network) -> None:
    path = tmp_path / "styled.xlsx"
    write_workbook(builtin_network.frames(), path)
    workbook = load_workbook(path)
    workbook["companies"]["XFD1048576"].number_format = "0.00"  # formatted, but no value
    workbook.save(path)
    assert len(load_network(path).companies) == len(builtin_network.companies)


def workbook_bytes(rows: list[list[object]], sheet: str = "students") -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_workbook_limits_on_rows_cells_bytes_and_unpacked_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(features.loading, "DATA_FILE_LIMITS", SMALL)
    rows = [["student_id"], *[[f"S{i}"] for i in range(7)]]
    issue = refusal(load_uploaded, {"w.xlsx": workbook_bytes(rows)})
    assert "cell A7 lies outside the allowed area: at most 5 data rows" in issue.message
    wide = [["a", "b", "c", "d", "e"]]
    assert "cell E1 lies outside" in refusal(load_uploaded, {"w.xlsx": workbook_bytes(wide)}).message
    many = [["a", "b", "c", "d"], *[["1", "2", "3", "4"]] * 4]  # 20 cells, within the rows and columns
    assert "more than 12 cells" in refusal(load_uploaded, {"w.xlsx": workbook_bytes(many)}).message
    big = workbook_bytes([["a"], ["x" * 5_000]])
    monkeypatch.setattr(features.loading, "DATA_FILE_LIMITS", FileLimits(5, 4, 12, len(big) - 1, 10**9))
    issue = refusal(load_uploaded, {"w.xlsx": big})
    assert issue.file == "w.xlsx" and "at most 0.0 MB is allowed per file" in issue.message


def test_a_workbook_that_unpacks_too_far_is_refused_before_it_is_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<a>" + " " * 200_000 + "</a>")
    monkeypatch.setattr(features.loading, "DATA_FILE_LIMITS", SMALL)
    issue = refusal(load_uploaded, {"bomb.xlsx": buffer.getvalue()})
    assert "unpacks to more than 0.1 MB" in issue.message and "udpakket" in issue.message_da


def test_csv_limits_on_bytes_columns_rows_and_cells() -> None:
    assert "at most 0.0 MB" in refusal(read_csv_table, b"a\n" + b"x\n" * 15_000, "s.csv", SMALL).message
    columns = refusal(read_csv_table, b"a,b,c,d,e\n1,2,3,4,5\n", "s.csv", SMALL)
    assert columns.row == 1 and "the header has 5 columns; at most 4" in columns.message
    assert "kolonner" in columns.message_da
    rows = refusal(read_csv_table, b"a\n" + b"1\n" * 6, "s.csv", SMALL)
    assert "more than 5 data rows; at most 5" in rows.message and "datarækker" in rows.message_da
    assert len(read_csv_table(b"a\n" + b"1\n" * 5, "s.csv", SMALL)) == 5
    cells = refusal(read_csv_table, b"a,b,c,d\n" + b"1,2,3,4\n" * 4, "s.csv", SMALL)
    assert "more than 12 cells" in cells.message


def test_the_real_row_limit_of_a_data_file(tmp_path: Path) -> None:
    rows = DATA_FILE_LIMITS.rows
    data = b"student_id\n" + b"S1\n" * (rows + 1)
    issue = refusal(read_csv_table, data, "students.csv")
    assert issue.file == "students.csv"
    assert issue.message == "the file has more than 200,000 data rows; at most 200,000 are allowed per file"
    assert (
        issue.message_da == "filen har mere end 200.000 datarækker; der må højst være 200.000 rækker pr. fil"
    )
    (tmp_path / "students.csv").write_bytes(data)
    (tmp_path / "companies.csv").write_bytes(b"company_id\nC1\n")
    assert any("200,000 data rows" in i.message for i in all_issues(load_network, tmp_path))


def test_the_real_column_limit_of_a_data_file() -> None:
    header = ",".join(f"c{i}" for i in range(201)).encode()
    issue = refusal(read_csv_table, header + b"\n" + b"1," * 200 + b"1\n", "companies.csv")
    assert issue.message == "the header has 201 columns; at most 200 are allowed per file"


def test_a_data_file_larger_than_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "students.csv").write_bytes(b"student_id\n" + b"S1\n" * 10_000)
    (tmp_path / "companies.csv").write_bytes(b"company_id\nC1\n")
    monkeypatch.setattr(features.loading, "DATA_FILE_LIMITS", SMALL)
    read_bytes = Path.read_bytes

    def read_small_files_only(path: Path) -> bytes:
        assert path.name != "students.csv", "the large file was read"
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_small_files_only)
    issues = all_issues(load_network, tmp_path)
    assert ("students.csv", "the file is 0.0 MB; at most 0.0 MB is allowed per file") in [
        (i.file, i.message) for i in issues
    ]


def test_pair_files_have_their_own_row_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "travel.csv"
    path.write_text("student_id,company_id,minutes\n" + "S1,C1,5\n" * 6, encoding="utf-8")
    monkeypatch.setattr(features.loading, "PAIR_FILE_LIMITS", SMALL)
    assert "more than" in refusal(read_csv_file, path, ("student_id",)).message
    monkeypatch.setattr(features.loading, "PAIR_FILE_LIMITS", FileLimits(10, 4, 100, 2_000, 10**6))
    frame, name = read_csv_file(path, ("student_id",))
    assert name == "travel.csv" and len(frame) == 6


def test_tables_read_from_a_workbook_are_text(tmp_path: Path) -> None:
    data = workbook_bytes(
        [["student_id", "age", "flag", "share"], ["S1", 19, True, 0.5], [None, None, None, None]]
    )
    from features.workbook_reader import read_sheets

    tables, names = read_sheets(data, "w.xlsx", {"students"}, DATA_FILE_LIMITS)
    assert names == ["students"]
    assert tables["students"].to_dict(orient="records") == [
        {"student_id": "S1", "age": "19", "flag": "true", "share": "0.5"}
    ]
    assert isinstance(tables["students"], pd.DataFrame)
