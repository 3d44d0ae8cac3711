"""Student IDs must be pseudonyms: refuse anything that looks like a Danish CPR number.

A CPR number is ``ddmmyy-xxxx`` (birth date and four digits), often written as ten
digits without the hyphen. An ID holding ``dddddd-dddd``, or ten digits in a row whose
first six are a real day and month, is refused wherever a student ID is read (data
files, lock, forbid and plan files). The refused value is shown with its digits
masked, so the number does not travel on into logs and screenshots.
"""

from __future__ import annotations

import re
from datetime import date

from features.errors import DataIssue

_HYPHENATED = re.compile(r"(?<!\d)\d{6}-\d{4}(?!\d)")
_TEN_DIGITS = re.compile(r"(?<!\d)(\d{2})(\d{2})\d{6}(?!\d)")

CPR_MESSAGE = (
    "looks like a CPR number; student IDs must be pseudonyms, never CPR numbers or names",
    "ligner et CPR-nummer; elev-ID'er skal være pseudonymer, aldrig CPR-numre eller navne",
)


def looks_like_cpr(text: str) -> bool:
    """Whether ``text`` holds ddmmyy-xxxx, or ten digits beginning with a plausible day and month."""
    if _HYPHENATED.search(text):
        return True
    return any(_plausible_day(int(m.group(1)), int(m.group(2))) for m in _TEN_DIGITS.finditer(text))


def masked(text: str) -> str:
    """The text with every digit of a CPR-like part replaced by ``x``."""

    def mask(match: re.Match[str]) -> str:
        return re.sub(r"\d", "x", match.group(0))

    return _TEN_DIGITS.sub(mask, _HYPHENATED.sub(mask, text))


def cpr_issue(file_name: str, row: int | None, column: str, value: str) -> DataIssue:
    """The validation issue for a student ID that looks like a CPR number (value masked)."""
    return DataIssue(file_name, row, column, masked(value), *CPR_MESSAGE)


def _plausible_day(day: int, month: int) -> bool:
    try:
        date(2000, month, day)  # a leap year, so 29 February counts
    except ValueError:
        return False
    return True
