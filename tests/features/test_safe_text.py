"""Text from data files is shown as text: escaped Markdown renders exactly as the characters it is."""

from __future__ import annotations

import re
import string

from hypothesis import given
from hypothesis import strategies as st

from features.consent import company_brief, render_markdown
from features.network import Network
from features.safe_text import escape_markdown

TRACKING_PIXEL = "![x](http://127.0.0.1:9999/t.png)"
UNESCAPED_PUNCTUATION = re.compile(
    r"(?<!\\)(?:\\\\)*[" + re.escape(string.punctuation.replace("\\", "")) + "]"
)


def unescape(markdown: str) -> str:
    """What CommonMark shows for backslash-escaped text."""
    return re.sub(r"\\([" + re.escape(string.punctuation) + "])", r"\1", markdown)


def test_a_markdown_image_becomes_plain_characters() -> None:
    escaped = escape_markdown(TRACKING_PIXEL)
    assert escaped == r"\!\[x\]\(http\:\/\/127\.0\.0\.1\:9999\/t\.png\)"
    assert "](" not in escaped and "![" not in escaped


def test_html_streamlit_directives_and_line_breaks_are_neutral() -> None:
    assert escape_markdown("<img src=x> :red[rød] $x$\n# Overskrift") == (
        r"\<img src\=x\> \:red\[rød\] \$x\$ \# Overskrift"
    )


@given(st.text())
def test_every_punctuation_character_is_escaped_and_nothing_else_changes(text: str) -> None:
    escaped = escape_markdown(text)
    assert not UNESCAPED_PUNCTUATION.search(escaped)
    assert unescape(escaped) == re.sub(r"[\r\n\t\f\v]+", " ", text)


def test_the_brief_shows_a_company_name_as_text(builtin_network: Network) -> None:
    company = builtin_network.companies[0].model_copy(update={"name": TRACKING_PIXEL})
    student = builtin_network.students[0].model_copy(update={"student_id": "S_1_"})
    text = render_markdown(company_brief(student, company))
    assert "![x](" not in text and "http://" not in text
    assert f"# Praktikbrief til {escape_markdown(TRACKING_PIXEL)}" in text
    assert r"**Elev:** S\_1\_ (pseudonym)" in text
