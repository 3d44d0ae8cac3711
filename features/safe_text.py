"""Text from data files shown as text: Markdown (and the HTML it may carry) in it is never rendered.

A company named ``![x](http://127.0.0.1:9999/t.png)`` rendered as Markdown loads an
external image, a tracking pixel, in the reader's browser. Every piece of text that
comes from a data file or a user (names, IDs, municipalities, network and scenario
names) goes through ``escape_markdown`` before it is put into Markdown: each ASCII
punctuation character gets a backslash (CommonMark's escape), so links, images,
emphasis, HTML, Streamlit's ``:color[...]`` and ``$`` maths show as the characters they
are, and line breaks become spaces, so the text stays on its line.
"""

from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_LINE_BREAKS = re.compile(r"[\r\n\t\f\v]+")


def escape_markdown(text: object) -> str:
    """``text`` as Markdown that renders exactly as the characters it is, on one line."""
    return _PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(text)))
