"""Wrapped tables show every cell as the characters it is, in Danish formats."""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from app_streamlit.tables import as_text, cell_text, markdown_table
from tests.app.shown import markdown_tables, unescape


def test_numbers_are_danish_and_nothing_is_a_dash() -> None:
    assert cell_text(11184) == "11.184"
    assert unescape(cell_text(72.46)) == "72,5"
    assert cell_text(None) == "–" and cell_text(float("nan")) == "–"
    assert cell_text(True) == "Ja"


@given(st.text(max_size=40))
def test_text_reads_back_exactly_and_renders_nothing(text: str) -> None:
    shown = cell_text(text)
    assert unescape(shown) == re.sub(r"[\r\n\t\f\v]+", " ", text)  # on one line, otherwise the same
    # Markdown needs unescaped punctuation to link, embed, emphasise or start HTML.
    for mark in "[]()!<>*_`|":
        assert shown.count(mark) == shown.count("\\" + mark)


def test_headers_are_escaped_too() -> None:
    frame = as_text(pd.DataFrame({"Elever [x](y)": ["S0001"], "Antal": [3]}))
    assert list(frame.columns) == [r"Elever \[x\]\(y\)", "Antal"]
    assert frame.iloc[0].tolist() == ["S0001", "3"]


@given(st.lists(st.tuples(st.text(max_size=20), st.integers(-(10**6), 10**6)), min_size=1, max_size=8))
def test_a_markdown_table_reads_back_cell_by_cell(rows: list[tuple[str, int]]) -> None:
    frame = pd.DataFrame(rows, columns=["Tekst | [x]", "Antal"])
    (shown,) = markdown_tables("Indledning\n\n" + markdown_table(frame))
    assert list(shown.columns) == ["Tekst | [x]", "Antal"]
    expected = [[unescape(cell_text(text)).strip(), unescape(cell_text(count))] for text, count in rows]
    assert shown.to_numpy().tolist() == expected
