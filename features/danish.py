"""Numbers as a Dane reads them: decimal comma and thousands point ('1.234,5'), '82 %'."""

from __future__ import annotations


def number(value: float, decimals: int = 0) -> str:
    """1234.5 -> '1.234,5' (with ``decimals=1``); -0 shows as '0'."""
    text = f"{value:,.{decimals}f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return "0" if text.lstrip("-").strip("0,.") == "" and text.startswith("-") else text


def percent(part: float, whole: float, decimals: int = 0) -> str:
    """The share as a Danish percentage ('82 %'); '–' when there is no whole."""
    return "–" if not whole else f"{number(100 * part / whole, decimals)} %"


def shown(value: object) -> str:
    """A value as a user gave it, the Danish way: 1.5 -> '1,5', 20000 -> '20.000', text in quotes."""
    item = getattr(value, "item", None)  # a numpy number as the Python number it holds
    if callable(item) and not isinstance(value, str | bytes):
        value = item()
    if isinstance(value, bool) or not isinstance(value, int | float):
        return repr(value)
    if isinstance(value, int):
        return number(value)
    text = str(value)
    if not text.lstrip("-").replace(".", "").isdigit():  # inf, nan, 1e+20
        return text.replace(".", ",")
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    return sign + number(int(whole)) + ("" if fraction in ("", "0") else f",{fraction}")


def count(n: int, one: str, many: str) -> str:
    """A count with its noun in the right number: ``count(1, "plads", "pladser") == "1 plads"``, '12.000 pladser'."""
    return f"{number(n)} {one if n == 1 else many}"
