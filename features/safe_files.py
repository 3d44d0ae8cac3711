"""CSV and Excel files that are safe to open, and reading their text back as it was.

A spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a
formula, and may do so after a leading tab or carriage return ("CSV injection"). Every
CSV and Excel file the product writes goes through this module, which keeps three
invariants:

- a text cell that begins with one of those characters gets a leading ``'``
  (OWASP's advice), so it is shown as text and never run;
- a number is written as a number (a negative number too: it is not text);
- no cell of a workbook is ever a formula: text cells are stored as strings.

CSV rows end in CRLF (RFC 4180), so a cell holding a carriage return is quoted too.

The product's own readers (``features.loading``) remove that one ``'`` again with
``restore_text``, so what the product writes it reads back unchanged.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""A text cell beginning with one of these could be run as a formula."""

QUOTE = "'"
SHEET_TITLE_LENGTH = 31  # Excel's limit
_SHEET_TITLE_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})

Table: TypeAlias = pd.DataFrame | Iterable[Sequence[Any]]


def neutralise(value: Any) -> Any:
    """A text that could be run as a formula, with a leading ``'``; anything else as it is."""
    if isinstance(value, str) and value and value[0] in FORMULA_TRIGGERS:
        return QUOTE + value
    return value


_RESTORED_AFTER_QUOTE = (*FORMULA_TRIGGERS, "\n")  # a workbook's XML reads a carriage return back as "\n"


def restore_text(text: str) -> str:
    """The text as it was before ``neutralise``: one leading ``'`` removed before a formula character."""
    if len(text) > 1 and text[0] == QUOTE and text[1] in _RESTORED_AFTER_QUOTE:
        return text[1:]
    return text


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``restore_text`` on every text cell of a table of text cells (in place), returning it."""
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        if not _is_text(values):
            continue
        quoted = values.str.startswith(QUOTE, na=False)
        if not quoted.any():
            continue
        neutralised = (quoted & values.str[1:2].isin(_RESTORED_AFTER_QUOTE)).to_numpy(dtype=bool)
        if neutralised.any():
            restored = values.copy()
            restored[neutralised] = values[neutralised].str[1:]
            frame.isetitem(position, restored)
    return frame


def safe_csv_bytes(table: Table, columns: Sequence[str] | None = None, *, encoding: str = "utf-8") -> bytes:
    """A table as CSV bytes, comma-separated, with formula-like text neutralised.

    ``table``: a DataFrame, or rows (sequences of cells) with their ``columns``.
    ``encoding="utf-8-sig"`` adds the byte order mark Excel needs to read UTF-8.
    """
    if isinstance(table, pd.DataFrame):
        frame = _neutralised_frame(table)
        return frame.to_csv(index=False, lineterminator="\r\n").encode(encoding)
    if columns is None:
        raise ValueError("safe_csv_bytes needs the column names when it is given rows")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(str(c)) for c in columns])
    for row in table:
        writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue().encode(encoding)


def danish_csv_bytes(table: pd.DataFrame) -> bytes:
    """A table as CSV for people in a Danish office: semicolons, decimal comma, UTF-8 with a byte order mark.

    Danish Excel opens it in columns with the numbers as numbers; the product's own readers take it
    back (they sniff the delimiter and read a decimal comma). Formula-like text is neutralised.
    """
    frame = _neutralised_frame(table)
    return frame.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n").encode("utf-8-sig")


def safe_workbook_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """Tables as the sheets of one .xlsx workbook: text as strings (never formulas), numbers as numbers.

    Each sheet has its header row frozen and its columns as wide as their text (up to 60 characters).
    """
    # openpyxl takes a fifth of a second to import: only commands that write a workbook import it.
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    cells = _WorkbookCells()
    for name, frame in sheets.items():
        sheet = workbook.create_sheet(title=_sheet_title(name))
        sheet.freeze_panes = "A2"
        for position, column in enumerate(frame.columns, start=1):
            longest = max(
                [len(str(column)), *(len(str(v)) for v in frame.iloc[:, position - 1].tolist()[:2000])]
            )
            sheet.column_dimensions[get_column_letter(position)].width = min(max(longest + 2, 8), 60)
        sheet.append([cells.cell(sheet, str(column)) for column in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            sheet.append([cells.cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _neutralised_frame(table: pd.DataFrame) -> pd.DataFrame:
    frame = table.copy(deep=False)
    frame.columns = [neutralise(str(c)) for c in frame.columns]
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        if isinstance(values.dtype, pd.CategoricalDtype):
            categories = [neutralise(c) for c in values.cat.categories]
            if len(set(categories)) == len(categories):
                frame.isetitem(position, values.cat.rename_categories(categories))
                continue
            values = values.astype(object)
        if _is_text(values):
            frame.isetitem(position, values.map(neutralise))
    return frame


def _is_text(values: pd.Series) -> bool:
    return values.dtype == object or pd.api.types.is_string_dtype(values.dtype)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _csv_cell(value: Any) -> Any:
    if _is_missing(value):
        return ""
    if _is_number(value):
        return value
    return neutralise(value if isinstance(value, str) else str(value))


class _WorkbookCells:
    """Values as openpyxl cells of a write-only sheet (openpyxl imported when a workbook is written)."""

    def __init__(self) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

        self.write_only_cell = WriteOnlyCell
        self.error_codes = ERROR_CODES
        self.illegal_characters = ILLEGAL_CHARACTERS_RE

    def cell(self, sheet: WriteOnlyWorksheet, value: Any) -> Any:
        if _is_missing(value):
            return None
        if isinstance(value, bool | np.bool_):
            return bool(value)
        if _is_number(value) and math.isfinite(float(value)):
            return int(value) if isinstance(value, numbers.Integral) else float(value)
        text = neutralise(self.illegal_characters.sub("", value if isinstance(value, str) else str(value)))
        if text.startswith("=") or text in self.error_codes:
            # openpyxl would store this text as a formula or an error value: make it a string cell.
            cell = self.write_only_cell(sheet, value=text)
            cell.data_type = "s"
            return cell
        return text  # openpyxl stores any other text as a string


def _sheet_title(name: str) -> str:
    return str(name).translate(_SHEET_TITLE_FORBIDDEN)[:SHEET_TITLE_LENGTH] or "Ark"


__all__ = [
    "FORMULA_TRIGGERS",
    "neutralise",
    "restore_frame",
    "restore_text",
    "safe_csv_bytes",
    "safe_workbook_bytes",
]
