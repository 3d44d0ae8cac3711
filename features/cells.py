"""Parsing of spreadsheet cells into typed values, tolerant of how people type.

A cell may hold an English identifier (``warehouse_logistics``) or its Danish
label (``Lager og logistik``), in any case. List cells separate items with
``|``; level cells write ``item:level`` (``autism:some|adhd:little``). Booleans
accept yes/no, true/false, ja/nej, 1/0. Decimal commas are accepted.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from features.errors import profile_error
from features.vocabulary import _LABELS_BY_TYPE

E = TypeVar("E", bound=StrEnum)

LIST_SEPARATOR = "|"
LEVEL_SEPARATOR = ":"

_TRUE = {"true", "yes", "ja", "j", "y", "1", "x", "sand"}
_FALSE = {"false", "no", "nej", "n", "0", "falsk"}


@functools.cache
def _lookup_table(enum_type: type[E]) -> dict[str, E]:
    """Identifier and Danish label (casefolded) to member; built once per vocabulary, read for every cell."""
    table: dict[str, E] = {}
    labels = _LABELS_BY_TYPE.get(enum_type, {})
    for member in enum_type:
        table[member.value.casefold()] = member
        if member in labels:
            table[labels[member].casefold()] = member
    return table


def allowed_values(enum_type: type[StrEnum]) -> str:
    return ", ".join(member.value for member in enum_type)


def parse_enum(enum_type: type[E], raw: Any, what: str, what_da: str) -> E:
    """One vocabulary value from an identifier or Danish label, or a clear error."""
    if isinstance(raw, enum_type):
        return raw
    text = str(raw).strip()
    member = _lookup_table(enum_type).get(text.casefold())
    if member is not None:
        return member
    close = difflib.get_close_matches(text.casefold(), [m.value for m in enum_type], n=1)
    hint_en = f" Did you mean '{close[0]}'?" if close else ""
    hint_da = f" Mente du '{close[0]}'?" if close else ""
    raise profile_error(
        f"'{text}' is not a known {what}.{hint_en} Allowed: {allowed_values(enum_type)}",
        f"'{text}' er ikke en kendt {what_da}.{hint_da} Tilladt: {allowed_values(enum_type)}",
    )


def enum_cell(enum_type: type[E], what: str, what_da: str) -> Callable[[Any], E]:
    def parse(raw: Any) -> E:
        return parse_enum(enum_type, raw, what, what_da)

    return parse


def split_list(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, list | tuple | set | frozenset):
        return [str(item).strip() for item in raw if str(item).strip()]
    return [item.strip() for item in str(raw).split(LIST_SEPARATOR) if item.strip()]


def enum_list_cell(enum_type: type[E], what: str, what_da: str) -> Callable[[Any], list[E]]:
    """A ``|``-separated list of vocabulary values, in the order given, no repeats."""

    def parse(raw: Any) -> list[E]:
        members = [parse_enum(enum_type, item, what, what_da) for item in split_list(raw)]
        repeated = sorted({m.value for m in members if members.count(m) > 1})
        if repeated:
            raise profile_error(
                f"{what} listed more than once: {', '.join(repeated)}",
                f"{what_da} står mere end én gang: {', '.join(repeated)}",
            )
        return members

    return parse


def enum_level_cell(
    key_type: type[E], level_type: type[StrEnum], what: str, what_da: str
) -> Callable[[Any], dict[E, Any]]:
    """``item:level|item:level`` into an ordered mapping of item to level."""

    def parse(raw: Any) -> dict[E, Any]:
        if isinstance(raw, dict):
            items = list(raw.items())
        else:
            items = []
            for token in split_list(raw):
                if LEVEL_SEPARATOR not in token:
                    raise profile_error(
                        f"'{token}' has no support level; write {what}:level, "
                        f"level one of {allowed_values(level_type)}",
                        f"'{token}' mangler støtteniveau; skriv {what_da}:niveau, "
                        f"niveau en af {allowed_values(level_type)}",
                    )
                key, _, level = token.partition(LEVEL_SEPARATOR)
                items.append((key, level))
        parsed: dict[E, Any] = {}
        for key, level in items:
            member = parse_enum(key_type, key, what, what_da)
            if member in parsed:
                raise profile_error(
                    f"{what} '{member.value}' listed more than once",
                    f"{what_da} '{member.value}' står mere end én gang",
                )
            parsed[member] = parse_enum(level_type, level, "support level", "støtteniveau")
        return parsed

    return parse


def parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise profile_error(
        f"'{raw}' is not yes/no; allowed: yes, no, true, false, ja, nej, 1, 0",
        f"'{raw}' er ikke ja/nej; tilladt: ja, nej, yes, no, true, false, 1, 0",
    )


def parse_decimal(raw: Any) -> Any:
    """Accept a Danish decimal comma ('55,9') as well as a point."""
    if isinstance(raw, str):
        return raw.strip().replace(",", ".")
    return raw


def parse_date(raw: Any) -> Any:
    """A date as ISO (2027-07-31) or as Danes write it (31.07.2027, 31-07-2027, 31/07/2027)."""
    if isinstance(raw, date):
        return raw.date() if isinstance(raw, datetime) else raw
    text = str(raw).strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise profile_error(
        f"'{raw}' is not a date; write it as 2027-07-31 or 31.07.2027",
        f"'{raw}' er ikke en dato; skriv den som 31.07.2027 eller 2027-07-31",
    )


def format_cell(value: Any) -> str:
    """The spreadsheet text of a profile value; the inverse of the parsers above."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return LIST_SEPARATOR.join(f"{_text(k)}{LEVEL_SEPARATOR}{_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return LIST_SEPARATOR.join(_text(item) for item in value)
    return _text(value)


def _text(value: Any) -> str:
    return value.value if isinstance(value, StrEnum) else str(value)
