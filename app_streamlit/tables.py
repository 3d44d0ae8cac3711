"""Tables whose long texts wrap onto more lines instead of running off the edge.

``st.dataframe`` cuts a cell at its column's width; a consultant then reads
"1 praktikplads, mentor uddannet til målgruppen, 4 mentortim…". A Markdown table
wraps every cell. It is one element for the browser to draw, where ``st.table``
is one Markdown element per cell (hundreds on some pages). Every cell and header
is escaped first: what comes from data files is shown as the characters it is.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import pandas as pd
import streamlit as st

from features import danish
from features.safe_text import escape_markdown


def cell_text(value: object, decimals: int = 1) -> str:
    """One cell as Markdown that shows exactly the value: Danish numbers, '–' for nothing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, Integral):
        return danish.number(int(value))
    if isinstance(value, Real):
        return danish.number(float(value), decimals)
    return escape_markdown(value)


def as_text(frame: pd.DataFrame, decimals: int = 1) -> pd.DataFrame:
    """The frame with every cell and header as escaped, Danish-formatted text."""
    shown = frame.map(lambda value: cell_text(value, decimals))
    shown.columns = [escape_markdown(column) for column in frame.columns]
    return shown


def markdown_table(frame: pd.DataFrame, decimals: int = 1) -> str:
    """``frame`` as one Markdown table of escaped, Danish-formatted text; numeric columns aligned right."""
    shown = as_text(frame, decimals)
    align = [
        "--:" if pd.api.types.is_numeric_dtype(frame[c]) and frame[c].dtype != bool else ":--" for c in frame
    ]
    lines = ["| " + " | ".join(shown.columns) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in shown.itertuples(index=False, name=None)]
    return "\n".join(lines)


def wrapped_table(frame: pd.DataFrame, decimals: int = 1) -> None:
    """Show ``frame`` with every text in full, wrapped within its column."""
    st.markdown(markdown_table(frame, decimals))
