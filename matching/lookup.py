"""Look up a student or company by ID; an unknown ID names the closest existing ones."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from features.errors import InputError

_LEADING_ZEROS = re.compile(r"(?<!\d)0+(?=\d)")


def closest_ids(wanted: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The ``n`` known IDs most like ``wanted``: same ID without zero padding first ('S3' ~ 'S0003'),
    then by similarity (difflib ratio), then by the longest shared prefix."""
    query = wanted.strip().casefold()
    bare = _LEADING_ZEROS.sub("", query)
    matcher = difflib.SequenceMatcher(b=query, autojunk=False)
    ranked = []
    for candidate in known:
        text = candidate.casefold()
        same = _LEADING_ZEROS.sub("", text) == bare
        matcher.set_seq1(text)
        if not same and (matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5):
            continue
        ratio = matcher.ratio()
        if ratio < 0.5 and not same:
            continue
        prefix = len(_common_prefix(text, query))
        ranked.append((not same, -ratio, -prefix, candidate))
    ranked.sort()
    return [candidate for *_, candidate in ranked[:n]]


def position(positions: Mapping[str, int], identifier: str, what: str, what_da: str) -> int:
    """``positions[identifier]``, or an InputError naming the closest IDs."""
    found = positions.get(str(identifier).strip())
    if found is not None:
        return found
    close = closest_ids(str(identifier), positions)
    hint = f" Closest: {', '.join(close)}." if close else ""
    hint_da = f" Nærmeste: {', '.join(close)}." if close else ""
    raise InputError(
        f"Unknown {what} ID '{identifier}'.{hint}", f"Ukendt {what_da}-ID '{identifier}'.{hint_da}"
    )


def _common_prefix(a: str, b: str) -> str:
    size = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        size += 1
    return a[:size]
