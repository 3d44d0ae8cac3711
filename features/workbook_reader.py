"""Read sheets of an .xlsx workbook as tables of text, streaming, within the file limits.

A workbook is a zip archive of XML; a few kilobytes can claim a cell at XFD1048576 or
unpack to gigabytes. This reader never builds a sheet's grid: it checks the stored and
unpacked sizes first, then streams each wanted sheet cell by cell (openpyxl's
read-only parts), refusing the first cell outside the allowed rows and columns and
stopping at the cell limit, so memory is bounded by the rows actually kept. Text
written by ``features.safe_files`` is restored (``restore_text``).
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Collection
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import iterparse

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from features.errors import DataIssue, DataValidationError
from features.limits import (
    FileLimits,
    cell_out_of_bounds,
    check_size,
    too_many_cells,
    too_many_unpacked_bytes,
)
from features.safe_files import restore_text

_ROW = f"{{{SHEET_MAIN_NS}}}row"
_CELL = f"{{{SHEET_MAIN_NS}}}c"
_SHEET_DATA = f"{{{SHEET_MAIN_NS}}}sheetData"
_SHARED_STRINGS = "xl/sharedStrings.xml"


class _RefusedError(Exception):
    def __init__(self, issue: DataIssue):
        self.issue = issue


def read_sheets(
    source: str | os.PathLike[str] | bytes, file_name: str, wanted: Collection[str], limits: FileLimits
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The ``wanted`` sheets (matched by name, ignoring case and spaces) as tables of text, and all sheet names.

    Raises ``DataValidationError`` for a file that is too large, unpacks too far, is
    not a workbook, or has a cell outside the limits.
    """
    opened: io.BytesIO | Path
    if isinstance(source, bytes):
        size, opened = len(source), io.BytesIO(source)
    else:
        opened = Path(source)
        size = opened.stat().st_size
    check_size(file_name, size, limits)
    try:
        _check_unpacked(opened, file_name, limits)
        workbook = load_workbook(opened, read_only=True, data_only=True, keep_links=False)
    except DataValidationError:
        raise
    except Exception as error:  # a broken archive raises many kinds
        raise DataValidationError([_unreadable(file_name, error)]) from None
    try:
        names = list(workbook.sheetnames)
        tables: dict[str, pd.DataFrame] = {}
        for sheet_name in names:
            key = sheet_name.strip().casefold()
            if key not in wanted or key in tables:
                continue
            sheet_file = f"{file_name}[{key}]"
            try:
                tables[key] = _read_sheet(workbook, sheet_name, sheet_file, limits)
            except _RefusedError as refused:
                raise DataValidationError([refused.issue]) from None
            except Exception as error:
                raise DataValidationError([_unreadable(sheet_file, error)]) from None
        return tables, names
    finally:
        workbook.close()


def _check_unpacked(opened: io.BytesIO | Path, file_name: str, limits: FileLimits) -> None:
    with zipfile.ZipFile(opened) as archive:
        members = archive.infolist()
        total = sum(member.file_size for member in members)
        shared = sum(m.file_size for m in members if m.filename == _SHARED_STRINGS)
    if isinstance(opened, io.BytesIO):
        opened.seek(0)
    # The shared strings are held in memory whole, so they get the stored file's limit.
    if total > limits.unpacked_bytes or shared > limits.bytes:
        raise DataValidationError([too_many_unpacked_bytes(file_name, limits)])


def _read_sheet(workbook: Any, sheet_name: str, sheet_file: str, limits: FileLimits) -> pd.DataFrame:
    """One sheet's rows of text: empty rows dropped, the first non-empty row as the header."""
    sheet = workbook[sheet_name]
    parser = WorkSheetParser(
        None,
        sheet._shared_strings,
        data_only=True,
        epoch=workbook.epoch,
        date_formats=workbook._date_formats,
        timedelta_formats=workbook._timedelta_formats,
    )
    last_row = limits.rows + 1  # the header and the data rows below it
    rows: list[list[str]] = []
    current: dict[int, str] = {}
    cells = 0
    row_element: Any = None
    sheet_data: Any = None
    with sheet._get_source() as source:
        for event, element in iterparse(source, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == _ROW:
                    row_element = element
                    number = element.get("r")
                    parser.row_counter = int(float(number)) if number else parser.row_counter + 1
                    parser.col_counter = 0
                    current = {}
                elif tag == _SHEET_DATA:
                    sheet_data = element
                continue
            if tag == _CELL:
                cells += 1
                if cells > limits.cells:
                    raise _RefusedError(too_many_cells(sheet_file, limits))
                cell = parser.parse_cell(element)
                if row_element is not None:
                    del row_element[:]  # keep no cell elements: a row may hold very many
                value = _text(cell["value"])
                if not value:
                    continue
                if cell["row"] > last_row or cell["column"] > limits.columns:
                    coordinate = f"{get_column_letter(min(cell['column'], 18278))}{cell['row']}"
                    raise _RefusedError(cell_out_of_bounds(sheet_file, coordinate, cell["row"], limits))
                current[cell["column"]] = value
            elif tag == _ROW:
                if current:
                    width = max(current)
                    rows.append([current.get(column, "") for column in range(1, width + 1)])
                current = {}
                row_element = None
                if sheet_data is not None:
                    del sheet_data[:]
    return _frame(rows)


def _frame(rows: list[list[str]]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame()
    header, data = rows[0], rows[1:]
    width = max(len(row) for row in rows)
    columns = [(header[i].strip() if i < len(header) else "") or f"Unnamed: {i}" for i in range(width)]
    padded = [row + [""] * (width - len(row)) for row in data]
    return pd.DataFrame(padded, columns=columns, dtype=object)


def _text(value: Any) -> str:
    """A cell's value as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return restore_text(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _unreadable(file_name: str, error: BaseException) -> DataIssue:
    return DataIssue(
        file_name,
        None,
        None,
        None,
        f"cannot be read as an Excel workbook ({type(error).__name__}: {error})",
        f"kan ikke læses som en Excel-projektmappe ({type(error).__name__}: {error})",
    )
