"""Reading back what a page shows in its tables, wrapped (a Markdown table) or not (st.dataframe)."""

from __future__ import annotations

import re

import pandas as pd
from streamlit.testing.v1 import AppTest

_ESCAPED = re.compile(r"\\(.)")
_SEPARATOR = re.compile(r"^\|(:?-+:?\|)+$")


def unescape(text: object) -> str:
    """The characters a reader sees in a cell that app_streamlit.tables escaped for Markdown."""
    return _ESCAPED.sub(r"\1", str(text))


def cells(line: str) -> list[str]:
    """The cells of one Markdown table row, split at the pipes that are not escaped, as the reader sees them."""
    found, cell, escaped = [], "", False
    for char in line.strip()[1:-1]:
        if escaped:
            cell, escaped = cell + "\\" + char, False
        elif char == "\\":
            escaped = True
        elif char == "|":
            found.append(cell)
            cell = ""
        else:
            cell += char
    found.append(cell)
    return [unescape(c.strip()) for c in found]


def markdown_tables(text: str) -> list[pd.DataFrame]:
    """Every table in one Markdown text, as the reader sees it."""
    lines = text.split("\n")  # Markdown ends lines at line feeds only
    tables = []
    for at in range(len(lines) - 1):
        if lines[at].startswith("|") and _SEPARATOR.match(lines[at + 1].strip()):
            rows = []
            for line in lines[at + 2 :]:
                if not line.startswith("|"):
                    break
                rows.append(cells(line))
            tables.append(pd.DataFrame(rows, columns=cells(lines[at])))
    return tables


def shown_tables(app: AppTest) -> list[pd.DataFrame]:
    """Every table on the page as the reader sees it: st.dataframe as is, Markdown tables unescaped."""
    wrapped = [table for element in app.markdown for table in markdown_tables(element.value)]
    return [element.value for element in app.dataframe] + wrapped
