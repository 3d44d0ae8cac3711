"""Look up a student or company by ID; an unknown ID names the closest existing ones."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from features.errors import InputError


def position(positions: Mapping[str, int], identifier: str, what: str, what_da: str) -> int:
    """``positions[identifier]``, or an InputError naming the closest IDs (difflib)."""
    found = positions.get(str(identifier).strip())
    if found is not None:
        return found
    close = difflib.get_close_matches(str(identifier), list(positions), n=3, cutoff=0.5)
    hint = f" Closest: {', '.join(close)}." if close else ""
    hint_da = f" Nærmeste: {', '.join(close)}." if close else ""
    raise InputError(
        f"Unknown {what} ID '{identifier}'.{hint}", f"Ukendt {what_da}-ID '{identifier}'.{hint_da}"
    )
