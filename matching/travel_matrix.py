"""A travel-time matrix (``student_id, company_id, minutes``) that replaces estimates pair by pair.

Exported from a route planner, it lists one-way door-to-door minutes for some
or all pairs; pairs it leaves out keep the estimate of ``features.travel``.
Loading validates every row and reports all problems at once
(``DataValidationError``), naming the closest known IDs for an unknown one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.errors import DataIssue, DataValidationError
from features.loading import FIRST_DATA_ROW, missing_column_issues, read_csv_file
from features.network import Network
from matching.lookup import closest_ids

MATRIX_COLUMNS = ("student_id", "company_id", "minutes")
NEEDS = (
    "a travel matrix needs student_id, company_id, minutes",
    "en rejsetidsmatrix skal have student_id, company_id, minutes",
)
MAX_SUGGESTED = 10
"""Unknown IDs that get 'closest' suggestions; difflib is slow on big networks, so the rest get none."""


@dataclass(frozen=True, eq=False)
class TravelMatrix:
    """Validated travel times by pair of IDs."""

    student_ids: np.ndarray  # (k,) str
    company_ids: np.ndarray  # (k,) str
    minutes: np.ndarray  # (k,) float64 >= 0
    source: str = ""

    def __len__(self) -> int:
        return int(self.minutes.shape[0])

    def lookup(self, student_ids: np.ndarray, company_ids: np.ndarray) -> MatrixLookup:
        """Index the entries by position in ``student_ids`` x ``company_ids``; other entries are dropped."""
        student_pos = pd.Index(student_ids).get_indexer(self.student_ids)
        company_pos = pd.Index(company_ids).get_indexer(self.company_ids)
        known = (student_pos >= 0) & (company_pos >= 0)
        m = max(len(company_ids), 1)
        keys = student_pos[known].astype(np.int64) * m + company_pos[known]
        order = np.argsort(keys, kind="stable")
        return MatrixLookup(keys=keys[order], minutes=self.minutes[known][order], n_companies=m)


@dataclass(frozen=True, eq=False)
class MatrixLookup:
    """Matrix entries keyed by ``student * n_companies + company`` (sorted), for vectorised look-ups."""

    keys: np.ndarray
    minutes: np.ndarray
    n_companies: int

    def find(self, s: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For aligned pairs: whether the matrix has each, and its minutes (NaN where it has not)."""
        wanted = s.astype(np.int64) * self.n_companies + c
        at = np.minimum(np.searchsorted(self.keys, wanted), max(len(self.keys) - 1, 0))
        found = (self.keys[at] == wanted) if len(self.keys) else np.zeros(wanted.shape, dtype=bool)
        minutes = np.where(found, self.minutes[at] if len(self.keys) else np.nan, np.nan)
        return found, minutes

    def pairs_for(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every entry whose student is one of ``rows``: (student, company, minutes)."""
        rows = np.asarray(rows, dtype=np.int64)
        starts = np.searchsorted(self.keys, rows * self.n_companies)
        ends = np.searchsorted(self.keys, (rows + 1) * self.n_companies)
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        at = offsets + np.arange(total)
        keys = self.keys[at]
        return keys // self.n_companies, keys % self.n_companies, self.minutes[at]


def load_travel_matrix(source: str | os.PathLike[str] | pd.DataFrame, network: Network) -> TravelMatrix:
    """Read and validate a travel-time matrix file (CSV, any delimiter) or table against ``network``.

    Student IDs may be current students or alumni. Raises ``DataValidationError``
    listing every problem: a missing column, an unknown ID (with the closest known
    IDs), minutes that are not a number or negative, a pair listed twice.
    """
    if isinstance(source, pd.DataFrame):
        frame, file_name = source.astype(str), "travel matrix"
        frame.columns = [str(column).strip() for column in frame.columns]
        missing = missing_column_issues(frame, MATRIX_COLUMNS, file_name, NEEDS)
        if missing:
            raise DataValidationError(missing)
    else:
        frame, file_name = read_csv_file(source, MATRIX_COLUMNS, NEEDS)
    students = frame["student_id"].astype(str).str.strip().to_numpy()
    companies = frame["company_id"].astype(str).str.strip().to_numpy()
    raw_minutes = frame["minutes"].astype(str).str.strip()
    minutes = pd.to_numeric(raw_minutes.str.replace(",", ".", regex=False), errors="coerce").to_numpy(float)

    issues: list[DataIssue] = []
    known_students = [s.student_id for s in (*network.students, *network.alumni)]
    known_companies = [c.company_id for c in network.companies]
    issues += _unknown_ids(students, known_students, "student_id", "student", "elev", file_name)
    issues += _unknown_ids(companies, known_companies, "company_id", "company", "virksomhed", file_name)
    for row in np.flatnonzero(~np.isfinite(minutes)):
        issues.append(
            DataIssue(
                file_name,
                int(row) + FIRST_DATA_ROW,
                "minutes",
                str(raw_minutes.iloc[row]),
                "must be a number of minutes (e.g. 35 or 35,5)",
                "skal være et antal minutter (fx 35 eller 35,5)",
            )
        )
    for row in np.flatnonzero(np.isfinite(minutes) & (minutes < 0)):
        issues.append(
            DataIssue(
                file_name,
                int(row) + FIRST_DATA_ROW,
                "minutes",
                str(raw_minutes.iloc[row]),
                "must be at least 0 minutes",
                "skal være mindst 0 minutter",
            )
        )
    pairs = pd.Series(students) + "\x00" + pd.Series(companies)
    repeated = pairs.duplicated(keep="first").to_numpy()
    if repeated.any():
        first_row = {pair: i for i, pair in reversed(list(enumerate(pairs)))}
        for row in np.flatnonzero(repeated):
            issues.append(
                DataIssue(
                    file_name,
                    int(row) + FIRST_DATA_ROW,
                    "company_id",
                    str(companies[row]),
                    f"the pair {students[row]}, {companies[row]} is listed twice; first in row "
                    f"{first_row[pairs[row]] + FIRST_DATA_ROW}",
                    f"parret {students[row]}, {companies[row]} står to gange; første gang i række "
                    f"{first_row[pairs[row]] + FIRST_DATA_ROW}",
                )
            )
    if issues:
        issues.sort(key=lambda issue: (issue.row or 0, issue.column or ""))
        raise DataValidationError(issues)
    return TravelMatrix(
        student_ids=students.astype(str),
        company_ids=companies.astype(str),
        minutes=minutes.astype(np.float64),
        source=file_name,
    )


def _unknown_ids(
    values: np.ndarray, known: list[str], column: str, what: str, what_da: str, file_name: str
) -> list[DataIssue]:
    unknown_rows = np.flatnonzero(~np.isin(values, np.asarray(known, dtype=str)))
    issues = []
    for count, row in enumerate(unknown_rows):
        value = str(values[row])
        close = closest_ids(value, known) if count < MAX_SUGGESTED else []
        hint = f"; closest: {', '.join(close)}" if close else ""
        hint_da = f"; nærmeste: {', '.join(close)}" if close else ""
        issues.append(
            DataIssue(
                file_name,
                int(row) + FIRST_DATA_ROW,
                column,
                value,
                f"unknown {what} '{value}'{hint}",
                f"ukendt {what_da} '{value}'{hint_da}",
            )
        )
    return issues
