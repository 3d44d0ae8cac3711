"""Numbers as a Dane reads them: decimal comma and thousands point ('1.234,5'), '82 %'."""

from __future__ import annotations


def number(value: float, decimals: int = 0) -> str:
    """1234.5 -> '1.234,5' (with ``decimals=1``); -0 shows as '0'."""
    text = f"{value:,.{decimals}f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return "0" if text.lstrip("-").strip("0,.") == "" and text.startswith("-") else text


def percent(part: float, whole: float, decimals: int = 0) -> str:
    """The share as a Danish percentage ('82 %'); '–' when there is no whole."""
    return "–" if not whole else f"{number(100 * part / whole, decimals)} %"
