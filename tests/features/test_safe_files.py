"""Files the product writes are safe to open: no text runs as a formula, numbers stay numbers, text round-trips."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from features.loading import load_network, load_uploaded, read_csv_table, write_tables, write_workbook
from features.network import Network
from features.safe_files import neutralise, restore_text, safe_csv_bytes, safe_workbook_bytes

# Company names an attacker (or a careless export) could put in a data file.
DANGEROUS_NAMES = [
    '=HYPERLINK("http://127.0.0.1:9999/x","klik")',
    "+1",
    "-2",
    "@SUM(1)",
    "\tTab først",
    "\rVognretur først",
    "=1+2",
    "#N/A",
]


def workbook_cells(data: bytes) -> list[tuple[str, object, str]]:
    """(sheet, value, data_type) of every cell of a workbook."""
    workbook = load_workbook(io.BytesIO(data))
    return [
        (sheet.title, cell.value, cell.data_type)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Bageriet A/S", "Bageriet A/S"),
        ("'citat'", "'citat'"),
        ("", ""),
    ],
)
def test_formula_like_text_gets_one_leading_quote_and_reads_back(text: str, written: str) -> None:
    assert neutralise(text) == written
    assert restore_text(written) == text


def test_numbers_are_not_text_and_are_left_alone() -> None:
    assert neutralise(-2) == -2
    assert neutralise(-2.5) == -2.5


def test_csv_neutralises_text_but_writes_negative_numbers_as_numbers() -> None:
    frame = pd.DataFrame({"name": ["-2", "=1+2", "Bager"], "score": [-2.5, 3.0, 4.25], "count": [-1, 0, 7]})
    rows = list(csv.reader(io.StringIO(safe_csv_bytes(frame).decode("utf-8"))))
    assert rows == [
        ["name", "score", "count"],
        ["'-2", "-2.5", "-1"],
        ["'=1+2", "3.0", "0"],
        ["Bager", "4.25", "7"],
    ]


def test_csv_from_rows_needs_columns_and_neutralises_cells() -> None:
    data = safe_csv_bytes([("S1", "@SUM(1)", -3, None)], ["student_id", "name", "n", "empty"])
    assert data.decode("utf-8") == "student_id,name,n,empty\r\nS1,'@SUM(1),-3,\r\n"
    with pytest.raises(ValueError, match="column names"):
        safe_csv_bytes([("a",)])


def test_csv_with_byte_order_mark_for_excel() -> None:
    assert safe_csv_bytes(pd.DataFrame({"a": ["æ"]}), encoding="utf-8-sig").startswith(b"\xef\xbb\xbf")


def test_workbook_has_no_formula_cells_and_numbers_stay_numbers() -> None:
    frame = pd.DataFrame(
        {
            "name": DANGEROUS_NAMES,
            "score": [-1.5 + i for i in range(len(DANGEROUS_NAMES))],
            "slots": list(range(-3, len(DANGEROUS_NAMES) - 3)),
        }
    )
    cells = workbook_cells(safe_workbook_bytes({"virksomheder": frame}))
    assert not [c for c in cells if c[2] == "f"]
    assert not [c for c in cells if c[2] == "e"]  # '#N/A' is text, not an error value
    texts = [value for _, value, kind in cells if kind == "s"]
    assert "'=1+2" in texts and "'-2" in texts and "#N/A" in texts
    numbers = [value for _, value, kind in cells if kind == "n"]
    assert -1.5 in numbers and -3 in numbers


def test_workbook_sheet_names_are_made_valid() -> None:
    cells = workbook_cells(safe_workbook_bytes({"a/b" + "x" * 40: pd.DataFrame({"c": [1]})}))
    assert cells[0][0] == "a_b" + "x" * 28


@pytest.fixture
def dangerous_tables(builtin_network: Network) -> dict[str, pd.DataFrame]:
    tables = {name: frame.copy() for name, frame in builtin_network.frames().items()}
    companies = tables["companies"]
    companies.loc[: len(DANGEROUS_NAMES) - 1, "name"] = DANGEROUS_NAMES
    return tables


def test_data_files_round_trip_through_csv_and_the_loader(
    tmp_path: Path, dangerous_tables: dict[str, pd.DataFrame]
) -> None:
    write_tables(dangerous_tables, tmp_path)
    with (tmp_path / "companies.csv").open(encoding="utf-8", newline="") as handle:
        written = [row["name"] for row in csv.DictReader(handle)][: len(DANGEROUS_NAMES)]
    assert written == [neutralise(name) for name in DANGEROUS_NAMES]
    assert all(not name.startswith(("=", "+", "-", "@", "\t", "\r")) for name in written)
    reloaded = load_network(tmp_path)
    assert [c.name for c in reloaded.companies[: len(DANGEROUS_NAMES)]] == [
        name.strip() for name in DANGEROUS_NAMES
    ]


def test_data_workbook_round_trips_and_holds_no_formula(
    tmp_path: Path, dangerous_tables: dict[str, pd.DataFrame]
) -> None:
    path = tmp_path / "net.xlsx"
    write_workbook(dangerous_tables, path)
    cells = workbook_cells(path.read_bytes())
    assert not [c for c in cells if c[2] == "f"]
    assert ("companies", "'=1+2", "s") in cells
    for reloaded in (load_network(path), load_uploaded({"net.xlsx": path.read_bytes()})):
        assert [c.name for c in reloaded.companies[: len(DANGEROUS_NAMES)]] == [
            name.strip() for name in DANGEROUS_NAMES
        ]


def test_the_reader_removes_only_the_protective_quote() -> None:
    frame = read_csv_table(b"a,b\n'=1,'citat\n'-2,''+x\n", "x.csv")
    assert frame.to_dict(orient="list") == {"a": ["=1", "-2"], "b": ["'citat", "''+x"]}
