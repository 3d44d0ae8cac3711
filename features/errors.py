"""Errors raised at the data boundary, each naming file, row, column and value.

Messages exist in English (CLI, logs) and Danish (the app).
"""

from __future__ import annotations

import errno
from dataclasses import asdict, dataclass
from typing import Any

from pydantic_core import PydanticCustomError


@dataclass(frozen=True)
class DataIssue:
    """One problem found in an input file.

    ``row`` is the spreadsheet row number (the header is row 1, the first data
    row is row 2); ``None`` when the problem concerns the whole file.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    message_da: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def danish(self) -> str:
        """The issue as a Danish line: 'companies.csv, række 5, kolonne 'capacity': ... (fik '-1')'."""
        where = self.file
        if self.row is not None:
            where += f", række {self.row}"
        if self.column:
            where += f", kolonne '{self.column}'"
        shown = "" if self.value is None else f" (fik {self.value!r})"
        return f"{where}: {self.message_da}{shown}"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        shown = "" if self.value is None else f" (got {self.value!r})"
        return f"{where}: {self.message}{shown}"


class InputError(ValueError):
    """Bad input other than a data file: an unknown ID, a bad option, conflicting decisions.

    The message says what was wrong and what is allowed; ``message_da`` says it in Danish.
    """

    def __init__(self, message: str, message_da: str | None = None):
        super().__init__(message)
        self.message = message
        self.message_da = message_da or message


FILE_ERRORS_DA: dict[int, str] = {
    errno.ENOENT: "filen eller mappen findes ikke",
    errno.EACCES: "du har ikke adgang til filen eller mappen",
    errno.EPERM: "du har ikke adgang til filen eller mappen",
    errno.EEXIST: "findes allerede (er en fil, hvor der skulle være en mappe?)",
    errno.EISDIR: "er en mappe, ikke en fil",
    errno.ENOTDIR: "en del af stien er en fil, ikke en mappe",
    errno.ENOSPC: "der er ikke plads nok på disken",
    errno.EROFS: "disken kan kun læses, ikke skrives",
}
"""The system's reasons a file cannot be read or written, in Danish; the English follows for support."""


def file_error_da(error: OSError, otherwise: str = "filen kan ikke læses eller skrives") -> str:
    """The Danish reason for ``error`` (``error.strerror`` in Danish), ``otherwise`` for an uncommon one."""
    return FILE_ERRORS_DA.get(error.errno or 0, otherwise)


class DataValidationError(ValueError):
    """All problems found while loading a data set; nothing was loaded."""

    def __init__(self, issues: list[DataIssue]):
        self.issues = list(issues)
        lines = [str(issue) for issue in self.issues[:20]]
        if len(self.issues) > 20:
            lines.append(f"... and {len(self.issues) - 20} more")
        super().__init__(f"{len(self.issues)} problem(s) in the data:\n" + "\n".join(lines))

    def danish(self) -> str:
        """All problems in Danish, at most 20 lines."""
        lines = [issue.danish() for issue in self.issues[:20]]
        if len(self.issues) > 20:
            lines.append(f"... og {len(self.issues) - 20} mere")
        return f"{len(self.issues)} problem{'' if len(self.issues) == 1 else 'er'} i data:\n" + "\n".join(
            lines
        )


def profile_error(
    message: str, message_da: str, column: str | None = None, value: str | None = None
) -> PydanticCustomError:
    """A validation error with an English and a Danish message.

    ``column`` names the column for errors raised on the whole row (min above max);
    ``value`` replaces the cell's value in the issue (a CPR number is shown masked).
    """
    context: dict[str, Any] = {"en": message, "da": message_da}
    if column:
        context["column"] = column
    if value is not None:
        context["value"] = value
    return PydanticCustomError("stu_value", "{en}", context)
