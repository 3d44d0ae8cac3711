"""Read consultants' decision files (locks, forbids) and approved plans: CSV with ``student_id, company_id``.

Every problem is collected with its file, row, column and value before anything
is returned (``DataValidationError``); an unknown ID names the closest existing
ones. Danish spreadsheet exports load as they are (see ``features.loading``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from features.errors import DataIssue, DataValidationError
from features.loading import FIRST_DATA_ROW, read_csv_file
from matching.lookup import closest_ids

COLUMNS = ("student_id", "company_id")


def read_decisions(
    path: str | os.PathLike[str], student_ids: Sequence[str], company_ids: Sequence[str]
) -> list[tuple[str, str]]:
    """(student_id, company_id) rows of a lock or forbid file; every ID must exist."""
    rows, file_name = _rows(Path(path))
    students, companies = set(student_ids), set(company_ids)
    issues: list[DataIssue] = []
    out: list[tuple[str, str]] = []
    for row, student_id, company_id in rows:
        issues += _check(file_name, row, "student_id", student_id, students, "student", "elev")
        issues += _check(file_name, row, "company_id", company_id, companies, "company", "virksomheds")
        out.append((student_id, company_id))
    if issues:
        raise DataValidationError(issues)
    return out


def read_plan(path: str | os.PathLike[str]) -> dict[str, str]:
    """student_id -> company_id of an approved plan (``plan.csv`` from ``stu-match assign`` will do).

    Rows with an empty ``company_id`` are unplaced students and are skipped. IDs that
    are no longer in the data are allowed: a company may have withdrawn, a student left.
    """
    rows, file_name = _rows(Path(path))
    plan: dict[str, str] = {}
    first_row: dict[str, int] = {}
    issues: list[DataIssue] = []
    for row, student_id, company_id in rows:
        if not student_id:
            issues.append(
                DataIssue(
                    file_name, row, "student_id", "", "a value is required here", "her skal der stå en værdi"
                )
            )
            continue
        if student_id in first_row:
            issues.append(
                DataIssue(
                    file_name,
                    row,
                    "student_id",
                    student_id,
                    f"the student appears again (first in row {first_row[student_id]}); "
                    "a plan places each student once",
                    f"eleven står her igen (første gang i række {first_row[student_id]}); "
                    "en plan placerer hver elev én gang",
                )
            )
            continue
        first_row[student_id] = row
        if company_id:
            plan[student_id] = company_id
    if issues:
        raise DataValidationError(issues)
    return plan


def _rows(path: Path) -> tuple[list[tuple[int, str, str]], str]:
    """(row number, student_id, company_id) of every data row, IDs stripped."""
    frame, file_name = read_csv_file(path, COLUMNS)
    rows = []
    for offset, (student_id, company_id) in enumerate(
        zip(frame["student_id"].tolist(), frame["company_id"].tolist(), strict=True)
    ):
        rows.append((offset + FIRST_DATA_ROW, str(student_id).strip(), str(company_id).strip()))
    return rows, file_name


def _check(
    file_name: str, row: int, column: str, value: str, known: set[str], what: str, what_da: str
) -> list[DataIssue]:
    if not value:
        return [
            DataIssue(file_name, row, column, value, "a value is required here", "her skal der stå en værdi")
        ]
    if value in known:
        return []
    close = closest_ids(value, known)
    hint = f"; closest: {', '.join(close)}" if close else ""
    hint_da = f"; nærmeste: {', '.join(close)}" if close else ""
    return [
        DataIssue(
            file_name,
            row,
            column,
            value,
            f"unknown {what} ID{hint}",
            f"ukendt {what_da}-ID{hint_da}",
        )
    ]
