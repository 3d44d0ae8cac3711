"""The most an input file or a command may ask of the machine, in one place.

Every file the product reads is checked against these bounds before it is parsed
(bytes) and while it is parsed (rows, columns, cells), and refused with a message
naming the file and the limit, in English and Danish, instead of exhausting memory.
The generator's sizes are bounded so that what it writes can be read back.
docs/data-format.md documents the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from features.errors import DataIssue, DataValidationError

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class FileLimits:
    """Bounds on one input file (or one sheet of a workbook)."""

    rows: int  # data rows, not counting the header
    columns: int
    cells: int  # rows x columns as read, empty cells included
    bytes: int  # the file as stored
    unpacked_bytes: int  # an .xlsx workbook unpacked (it is a zip archive of XML)


DATA_FILE_LIMITS = FileLimits(
    rows=200_000, columns=200, cells=10_000_000, bytes=50 * MEGABYTE, unpacked_bytes=500 * MEGABYTE
)
"""students.csv, companies.csv, history.csv, alumni.csv and each sheet of a data workbook."""

PAIR_FILE_LIMITS = FileLimits(
    rows=2_000_000, columns=200, cells=10_000_000, bytes=50 * MEGABYTE, unpacked_bytes=500 * MEGABYTE
)
"""Files of student-company pairs (travel matrix, locks, forbids, plans): one row per pair, so more rows."""

MAX_GENERATED = 100_000
"""The most students, companies or alumni ``stu-match generate`` makes: its files stay within the limits."""

MAX_SEED = 2**32 - 1
"""Seeds are whole numbers from 0 to this."""


def danish_number(value: int) -> str:
    """200000 -> '200.000'."""
    return f"{value:,}".replace(",", ".")


def _megabytes(value: int, danish: bool = False) -> str:
    """Whole megabytes as a whole number, others to one decimal (a decimal comma in Danish)."""
    text = f"{value // MEGABYTE}" if value % MEGABYTE == 0 else f"{value / MEGABYTE:.1f}"
    return text.replace(".", ",") if danish else text


def too_many_bytes(file_name: str, size: int, limits: FileLimits) -> DataIssue:
    return DataIssue(
        file_name,
        None,
        None,
        None,
        f"the file is {_megabytes(size)} MB; at most {_megabytes(limits.bytes)} MB is allowed per file",
        f"filen fylder {_megabytes(size, danish=True)} MB; en fil må højst fylde "
        f"{_megabytes(limits.bytes, danish=True)} MB",
    )


def too_many_unpacked_bytes(file_name: str, limits: FileLimits) -> DataIssue:
    return DataIssue(
        file_name,
        None,
        None,
        None,
        f"the workbook unpacks to more than {_megabytes(limits.unpacked_bytes)} MB, the most allowed; "
        "remove sheets or rows that are not needed, or save the sheets as CSV",
        f"projektmappen fylder mere end {_megabytes(limits.unpacked_bytes, danish=True)} MB udpakket, hvilket er det "
        "højst tilladte; fjern ark eller rækker, der ikke skal bruges, eller gem arkene som CSV",
    )


def too_many_rows(file_name: str, limits: FileLimits) -> DataIssue:
    return DataIssue(
        file_name,
        None,
        None,
        None,
        f"the file has more than {limits.rows:,} data rows; at most {limits.rows:,} are allowed per file",
        f"filen har mere end {danish_number(limits.rows)} datarækker; der må højst være "
        f"{danish_number(limits.rows)} rækker pr. fil",
    )


def too_many_columns(file_name: str, columns: int, limits: FileLimits) -> DataIssue:
    return DataIssue(
        file_name,
        1,
        None,
        None,
        f"the header has {columns:,} columns; at most {limits.columns:,} are allowed per file",
        f"overskriften har {danish_number(columns)} kolonner; der må højst være "
        f"{danish_number(limits.columns)} kolonner pr. fil",
    )


def too_many_cells(file_name: str, limits: FileLimits) -> DataIssue:
    return DataIssue(
        file_name,
        None,
        None,
        None,
        f"the file has more than {limits.cells:,} cells (rows x columns); at most {limits.cells:,} are "
        "allowed per file",
        f"filen har mere end {danish_number(limits.cells)} celler (rækker x kolonner); der må højst være "
        f"{danish_number(limits.cells)} celler pr. fil",
    )


def cell_out_of_bounds(file_name: str, coordinate: str, row: int, limits: FileLimits) -> DataIssue:
    return DataIssue(
        file_name,
        row,
        None,
        None,
        f"cell {coordinate} lies outside the allowed area: at most {limits.rows:,} data rows below the "
        f"header and {limits.columns:,} columns per sheet; delete what lies beyond",
        f"cellen {coordinate} ligger uden for det tilladte område: højst {danish_number(limits.rows)} "
        f"datarækker under overskriften og {danish_number(limits.columns)} kolonner pr. ark; "
        "slet det, der ligger uden for",
    )


def check_size(file_name: str, size: int, limits: FileLimits) -> None:
    """Refuse a file larger than the limit before reading it."""
    if size > limits.bytes:
        raise DataValidationError([too_many_bytes(file_name, size, limits)])
