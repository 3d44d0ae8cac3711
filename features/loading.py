"""Load a network from CSV files or an Excel workbook, validating everything.

All problems are collected before anything is returned: a file either loads
completely or raises ``DataValidationError`` listing every problem with its
file, row, column and value. Danish spreadsheet exports load as they are:
semicolon or comma delimiter, decimal comma, UTF-8 with or without BOM, or
Windows-1252. Every file is held to ``features.limits`` (bytes before it is read,
rows, columns and cells while it is parsed), workbooks are streamed, and text the
product wrote with a protective ``'`` (``features.safe_files``) is read back as it was.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, TypeAdapter, ValidationError

from features.bulk_validation import RowError, validate_frame
from features.column_guide import english_headers
from features.cpr import cpr_issue, looks_like_cpr
from features.errors import DataIssue, DataValidationError
from features.limits import (
    DATA_FILE_LIMITS,
    PAIR_FILE_LIMITS,
    FileLimits,
    check_size,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)
from features.network import Network
from features.profiles import REQUIRED_COLUMNS, Company, Placement, Student
from features.safe_files import restore_frame, safe_csv_bytes, safe_workbook_bytes

TABLES: dict[str, type[BaseModel]] = {
    "students": Student,
    "companies": Company,
    "history": Placement,
    "alumni": Student,
}
REQUIRED_TABLES = ("students", "companies")
BUILTIN_DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "synthetic"
"""The committed synthetic network (``stu-match generate`` with the defaults)."""
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
FIRST_DATA_ROW = 2  # spreadsheet numbering: the header is row 1

_ADAPTERS: dict[type[BaseModel], TypeAdapter[Any]] = {
    Student: TypeAdapter(list[Student]),
    Company: TypeAdapter(list[Company]),
    Placement: TypeAdapter(list[Placement]),
}

_BUILTIN_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("a value is required here", "her skal der stå en værdi"),
    "int_parsing": ("must be a whole number", "skal være et heltal"),
    "int_from_float": ("must be a whole number", "skal være et heltal"),
    "int_type": ("must be a whole number", "skal være et heltal"),
    "float_parsing": ("must be a number", "skal være et tal"),
    "float_type": ("must be a number", "skal være et tal"),
    "greater_than_equal": ("must be at least {ge}", "skal være mindst {ge}"),
    "less_than_equal": ("must be at most {le}", "må højst være {le}"),
    "string_pattern_mismatch": (
        "must be 1-40 letters, digits, '_', '.' or '-', starting with a letter or digit",
        "skal være 1-40 bogstaver, tal, '_', '.' eller '-' og starte med et bogstav eller tal",
    ),
    "too_short": ("must list at least {min_length}", "skal have mindst {min_length}"),
    "string_too_short": ("must not be empty", "må ikke være tom"),
    "string_too_long": (
        "is too long (at most {max_length} characters)",
        "er for lang (højst {max_length} tegn)",
    ),
}


def load_network(path: str | os.PathLike[str]) -> Network:
    """A validated network from a folder of CSV files or one Excel workbook."""
    path = Path(path)
    if path.is_dir():
        tables, issues = _read_folder(path)
    elif path.is_file() and path.suffix.lower() in EXCEL_SUFFIXES:
        tables, issues = _read_workbook(path)
    elif path.is_file():
        raise DataValidationError(
            [
                _file_issue(
                    path.name,
                    "not a data folder or an Excel workbook (.xlsx); give a folder with students.csv and "
                    "companies.csv, or a workbook with sheets 'students' and 'companies'",
                    "hverken en datamappe eller en Excel-projektmappe (.xlsx); "
                    "angiv en mappe med students.csv og companies.csv "
                    "eller en projektmappe med arkene 'students' og 'companies'",
                )
            ]
        )
    else:
        raise DataValidationError(
            [_file_issue(str(path), "no such folder or file", "mappen eller filen findes ikke")]
        )
    if issues:
        raise DataValidationError(issues)
    return network_from_tables(tables, source=str(path))


def load_uploaded(files: Mapping[str, bytes], source: str = "upload") -> Network:
    """A validated network from uploaded files: one .xlsx workbook, or CSV files named after their tables."""
    workbooks = [name for name in files if name.lower().endswith(EXCEL_SUFFIXES)]
    if workbooks:
        if len(files) > 1:
            raise DataValidationError(
                [
                    _file_issue(
                        ", ".join(files),
                        "upload either one Excel workbook or CSV files, not both or several workbooks",
                        "upload enten én Excel-projektmappe eller CSV-filer, ikke begge dele eller flere projektmapper",
                    )
                ]
            )
        tables, issues = _read_workbook_source(files[workbooks[0]], workbooks[0])
        source = workbooks[0]
    else:
        tables, issues = {}, []
        for file_name, data in files.items():
            table = Path(file_name).stem.strip().casefold()
            if table not in TABLES:
                issues.append(
                    _file_issue(
                        file_name,
                        f"unknown file; name CSV files {', '.join(f'{t}.csv' for t in TABLES)}",
                        f"ukendt fil; CSV-filerne skal hedde {', '.join(f'{t}.csv' for t in TABLES)}",
                    )
                )
                continue
            try:
                tables[table] = read_csv_table(data, file_name)
            except DataValidationError as error:
                issues.extend(error.issues)
        for table in REQUIRED_TABLES:
            if table not in tables and not any(Path(f).stem.casefold() == table for f in files):
                issues.append(
                    _file_issue(
                        f"{table}.csv", "file is missing from the upload", "filen mangler i det uploadede"
                    )
                )
    if issues:
        raise DataValidationError(issues)
    return network_from_tables(tables, source=source)


def network_from_tables(tables: Mapping[str, pd.DataFrame], source: str = "") -> Network:
    """Validate tables of text cells (one per file or sheet) into a network."""
    issues: list[DataIssue] = []
    validated: dict[str, list[Any]] = {}
    for name, frame in tables.items():
        file_name = _file_name(name, source)
        frame, as_in_file = english_headers(name, frame)  # Danish headers are accepted beside English ones
        column_issues = _check_columns(frame, name, file_name)
        issues.extend(_named_as_in_file(column_issues, as_in_file))
        if column_issues:
            continue
        profiles, row_issues = _validate_rows(frame, TABLES[name], file_name)
        issues.extend(_named_as_in_file(row_issues, as_in_file))
        if not row_issues:
            validated[name] = profiles
    references_checkable = all(name in validated for name in tables if name != "history")
    issues.extend(_check_identities(validated, source, references_checkable))
    if issues:
        raise DataValidationError(issues)
    return Network(
        students=tuple(validated["students"]),
        companies=tuple(validated["companies"]),
        history=tuple(validated.get("history", ())),
        alumni=tuple(validated.get("alumni", ())),
        source=source,
    )


def _named_as_in_file(issues: list[DataIssue], as_in_file: Mapping[str, str]) -> list[DataIssue]:
    """Issues that name a column by the header the file uses (a Danish one, if it used that)."""
    if not as_in_file:
        return issues
    return [
        dataclasses.replace(issue, column=as_in_file.get(issue.column, issue.column))
        if issue.column
        else issue
        for issue in issues
    ]


def read_csv_file(
    path: str | os.PathLike[str], required: Sequence[str], needs: tuple[str, str] = ("", "")
) -> tuple[pd.DataFrame, str]:
    """A CSV file of student-company pairs (any delimiter and encoding) as a table of text cells, and its name.

    Raises ``DataValidationError`` when the file does not exist, is larger than
    ``PAIR_FILE_LIMITS``, is not a CSV table, lacks one of the ``required`` columns
    (column names are stripped of spaces first), or has a ``student_id`` that looks like
    a CPR number. ``needs``: an English and a Danish clause naming what such a file
    must have, for the message.
    """
    path = Path(path)
    if not path.is_file():
        raise DataValidationError(
            [DataIssue(str(path), None, None, None, "no such file", "filen findes ikke")]
        )
    file_name = path.name
    check_size(file_name, path.stat().st_size, PAIR_FILE_LIMITS)
    frame = read_csv_table(path.read_bytes(), file_name, PAIR_FILE_LIMITS)
    frame.columns = [str(column).strip() for column in frame.columns]
    issues = missing_column_issues(frame, required, file_name, needs)
    if "student_id" in frame.columns:
        issues += [
            cpr_issue(file_name, offset + FIRST_DATA_ROW, "student_id", str(value))
            for offset, value in enumerate(frame["student_id"].tolist())
            if looks_like_cpr(str(value))
        ]
    if issues:
        raise DataValidationError(issues)
    return frame, file_name


def missing_column_issues(
    frame: pd.DataFrame, required: Sequence[str], file_name: str, needs: tuple[str, str] = ("", "")
) -> list[DataIssue]:
    """One issue per required column the table's header lacks, quoting the header it has."""
    header = ", ".join(map(str, frame.columns))[:300]
    need_en, need_da = (f"{needs[0]}; ", f"{needs[1]}; ") if needs[0] else ("", "")
    return [
        DataIssue(
            file_name,
            1,
            column,
            None,
            f"required column is missing; {need_en}the header has: {header}",
            f"den påkrævede kolonne mangler; {need_da}overskriften har: {header}",
        )
        for column in required
        if column not in frame.columns
    ]


def read_csv_table(data: bytes, file_name: str, limits: FileLimits | None = None) -> pd.DataFrame:
    """A CSV file's bytes as a table of text cells; raises DataValidationError if it is not one.

    The file is refused, before it is parsed in full, when it has more bytes, columns,
    rows or cells than ``limits`` (default ``DATA_FILE_LIMITS``) allow.
    """
    limits = limits or DATA_FILE_LIMITS
    check_size(file_name, len(data), limits)
    if data.startswith(b"PK\x03\x04"):
        raise DataValidationError(
            [
                _file_issue(
                    file_name,
                    "the file is an Excel workbook, not CSV; load the .xlsx itself or save the sheet as CSV (UTF-8)",
                    "filen er en Excel-projektmappe, ikke CSV; indlæs .xlsx-filen eller gem arket som CSV (UTF-8)",
                )
            ]
        )
    if b"\x00" in data[:4096]:
        raise DataValidationError(
            [
                _file_issue(
                    file_name,
                    "the file is not a text table (binary content); save it as CSV (UTF-8) or use .xlsx",
                    "filen er ikke en teksttabel (binært indhold); gem den som CSV (UTF-8) eller brug .xlsx",
                )
            ]
        )
    text = _decode(data, file_name)
    if not text.strip():
        raise DataValidationError([_file_issue(file_name, "the file is empty", "filen er tom")])
    delimiter = _sniff_delimiter(text)
    header = next(csv.reader(io.StringIO(text.lstrip()), delimiter=delimiter), [])
    if len(header) > limits.columns:
        raise DataValidationError([too_many_columns(file_name, len(header), limits)])
    most_rows = min(limits.rows, limits.cells // max(len(header), 1))
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            skip_blank_lines=True,
            nrows=most_rows + 1,  # one more than allowed: enough to know there are too many
        )
    except (pd.errors.ParserError, csv.Error, ValueError) as error:
        raise DataValidationError(
            [
                _file_issue(
                    file_name,
                    f"the file is not a well-formed table: {error}",
                    f"filen er ikke en gyldig tabel: {error}",
                )
            ]
        ) from None
    if len(frame) > most_rows:
        issue = too_many_rows if most_rows == limits.rows else too_many_cells
        raise DataValidationError([issue(file_name, limits)])
    if len(header) == len(frame.columns):  # pandas renames repeated names ('x.1'); keep them as written
        frame.columns = header
    frame.columns = [str(c).strip() for c in frame.columns]
    return restore_frame(frame)


def write_tables(tables: Mapping[str, pd.DataFrame], folder: str | os.PathLike[str]) -> None:
    """Write tables as ``<name>.csv`` atomically (each file complete or untouched), safe to open."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        atomic_write_bytes(folder / f"{name}.csv", safe_csv_bytes(frame))


def write_workbook(tables: Mapping[str, pd.DataFrame], path: str | os.PathLike[str]) -> None:
    """Write tables as sheets of one Excel workbook, atomically, safe to open."""
    atomic_write_bytes(Path(path), safe_workbook_bytes(tables))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o666 & ~_current_umask())  # mkstemp makes 0600; give the usual file mode
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _read_folder(folder: Path) -> tuple[dict[str, pd.DataFrame], list[DataIssue]]:
    tables: dict[str, pd.DataFrame] = {}
    issues: list[DataIssue] = []
    for name in TABLES:
        file = folder / f"{name}.csv"
        if not file.exists():
            if name in REQUIRED_TABLES:
                issues.append(
                    _file_issue(
                        file.name,
                        f"file is missing from {folder}; a data folder needs students.csv and companies.csv",
                        f"filen mangler i {folder}; en datamappe skal have students.csv og companies.csv",
                    )
                )
            continue
        try:
            check_size(file.name, file.stat().st_size, DATA_FILE_LIMITS)
            tables[name] = read_csv_table(file.read_bytes(), file.name)
        except DataValidationError as error:
            issues.extend(error.issues)
    return tables, issues


def _read_workbook(path: Path) -> tuple[dict[str, pd.DataFrame], list[DataIssue]]:
    return _read_workbook_source(path, path.name)


def _read_workbook_source(
    source: Path | bytes, file_name: str
) -> tuple[dict[str, pd.DataFrame], list[DataIssue]]:
    # openpyxl (under the workbook reader) is slow to import: only reading a workbook imports it.
    from features.workbook_reader import read_sheets

    path = Path(file_name)
    try:
        by_name, sheets = read_sheets(source, path.name, TABLES, DATA_FILE_LIMITS)
    except DataValidationError as error:
        return {}, error.issues
    tables: dict[str, pd.DataFrame] = {}
    issues: list[DataIssue] = []
    for name in TABLES:
        frame = by_name.get(name)
        if frame is None:
            if name in REQUIRED_TABLES:
                issues.append(
                    _file_issue(
                        f"{path.name}[{name}]",
                        f"sheet '{name}' is missing; found: {', '.join(map(str, sheets)) or 'no sheets'}",
                        f"arket '{name}' mangler; fandt: {', '.join(map(str, sheets)) or 'ingen ark'}",
                    )
                )
            continue
        if frame.empty and name in REQUIRED_TABLES:
            issues.append(
                _file_issue(f"{path.name}[{name}]", "the sheet has no rows", "arket har ingen rækker")
            )
            continue
        tables[name] = frame
    return tables, issues


def _decode(data: bytes, file_name: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataValidationError(
        [
            _file_issue(
                file_name,
                "cannot decode the file; save it as CSV UTF-8",
                "filen kan ikke afkodes; gem den som CSV UTF-8",
            )
        ]
    )


def _sniff_delimiter(text: str) -> str:
    header = text.lstrip().splitlines()[0]
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if max(counts.values()) > 0 else ","


def _check_columns(frame: pd.DataFrame, table: str, file_name: str) -> list[DataIssue]:
    issues: list[DataIssue] = []
    duplicated = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    for column in duplicated:
        issues.append(
            DataIssue(
                file_name, 1, column, None, "column appears more than once", "kolonnen står mere end én gang"
            )
        )
    issues.extend(
        missing_column_issues(frame, REQUIRED_COLUMNS["students" if table == "alumni" else table], file_name)
    )
    if not issues and frame.empty and table in REQUIRED_TABLES:
        issues.append(
            _file_issue(file_name, "the table has a header but no rows", "tabellen har ingen rækker")
        )
    return issues


def _validate_rows(
    frame: pd.DataFrame, model: type[BaseModel], file_name: str
) -> tuple[list[Any], list[DataIssue]]:
    """Profiles of a table, or the issues of its bad rows: column by column, then row by row where a row fails."""
    profiles, errors = validate_frame(frame, model, functools.partial(_validate_records, model))
    return profiles, [_row_issue(detail, index, record, file_name) for index, detail, record in errors]


def _validate_records(
    model: type[BaseModel], records: list[dict[str, Any]]
) -> tuple[list[Any], list[RowError]]:
    """Records validated row by row by the profile model: (profiles, errors with the position of their record)."""
    try:
        return _ADAPTERS[model].validate_python(records), []
    except ValidationError as error:
        details = error.errors()
    return [], [
        (detail["loc"][0] if detail["loc"] and isinstance(detail["loc"][0], int) else None, detail)
        for detail in details
    ]


def _row_issue(
    detail: Mapping[str, Any], index: int | None, record: Mapping[str, Any] | None, file_name: str
) -> DataIssue:
    """The issue of one error of row-by-row validation; ``index`` is the row's position in its table."""
    location = detail["loc"]
    context = detail.get("ctx") or {}
    column = str(location[1]) if len(location) > 1 else context.get("column")
    value = None
    if index is not None and record is not None and column is not None:
        raw = record.get(column)
        value = None if raw is None else str(raw)
    if "value" in context:  # the validator shows the value its own way (a CPR number masked)
        value = context["value"]
    if detail["type"] == "stu_value":
        message, message_da = context["en"], context["da"]
    elif detail["type"] in _BUILTIN_MESSAGES:
        english, danish = _BUILTIN_MESSAGES[detail["type"]]
        message, message_da = english.format(**context), danish.format(**context)
    else:
        message = message_da = detail["msg"]
    row = None if index is None else index + FIRST_DATA_ROW
    return DataIssue(file_name, row, column, value, message, message_da)


def _check_identities(
    validated: Mapping[str, list[Any]], source: str, references_checkable: bool
) -> list[DataIssue]:
    """Unique IDs per table, and alumni that are not also current students.

    History may name students and companies that are no longer in the files (history outlives
    the network): ``Network.history_note`` says so, and the model learns from the rows it can.
    Checked only when every table involved has validated.
    """
    issues: list[DataIssue] = []
    id_fields = {"students": "student_id", "companies": "company_id", "alumni": "student_id"}
    for table, id_field in id_fields.items():
        first_row: dict[str, int] = {}
        for offset, profile in enumerate(validated.get(table, [])):
            identifier = getattr(profile, id_field)
            row = offset + FIRST_DATA_ROW
            if identifier in first_row:
                issues.append(
                    DataIssue(
                        _file_name(table, source),
                        row,
                        id_field,
                        identifier,
                        f"duplicate ID; first used in row {first_row[identifier]}; every ID must be unique",
                        f"ID'et findes allerede i række {first_row[identifier]}; hvert ID skal være unikt",
                    )
                )
            else:
                first_row[identifier] = row
    if not references_checkable:
        return issues
    current = {s.student_id for s in validated.get("students", [])}
    for offset, alumnus in enumerate(validated.get("alumni", [])):
        if alumnus.student_id in current:
            issues.append(
                DataIssue(
                    _file_name("alumni", source),
                    offset + FIRST_DATA_ROW,
                    "student_id",
                    alumnus.student_id,
                    "this ID is also a current student in students.csv; alumni must have their own IDs",
                    "ID'et er også en nuværende elev i students.csv; tidligere elever skal have egne ID'er",
                )
            )
    return issues


def _file_name(table: str, source: str) -> str:
    if source.lower().endswith(EXCEL_SUFFIXES):
        return f"{Path(source).name}[{table}]"
    return f"{table}.csv"


def _file_issue(file_name: str, message: str, message_da: str) -> DataIssue:
    return DataIssue(file_name, None, None, None, message, message_da)
