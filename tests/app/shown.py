"""Reading back what a page shows in its tables, wrapped (st.table) or not (st.dataframe)."""

from __future__ import annotations

import re

import pandas as pd
from streamlit.testing.v1 import AppTest

_ESCAPED = re.compile(r"\\(.)")


def unescape(text: object) -> str:
    """The characters a reader sees in a cell that app_streamlit.tables escaped for Markdown."""
    return _ESCAPED.sub(r"\1", str(text))


def shown_tables(app: AppTest) -> list[pd.DataFrame]:
    """Every table on the page as the reader sees it: st.dataframe as is, st.table unescaped."""
    wrapped = []
    for element in app.table:
        frame = element.value.map(unescape)
        frame.columns = [unescape(column) for column in frame.columns]
        wrapped.append(frame)
    return [element.value for element in app.dataframe] + wrapped
