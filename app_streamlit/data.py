"""Cached access to the network for the pages: the built-in one unless the user uploaded another."""

from __future__ import annotations

import streamlit as st

from features.loading import BUILTIN_DATA_DIR, load_network
from features.network import Network


@st.cache_resource(show_spinner="Indlæser netværket …")
def builtin_network() -> Network:
    return load_network(BUILTIN_DATA_DIR)


def current_network() -> Network:
    """The network the user works on: an uploaded one from this session, or the built-in one."""
    uploaded = st.session_state.get("uploaded_network")
    return uploaded if uploaded is not None else builtin_network()
