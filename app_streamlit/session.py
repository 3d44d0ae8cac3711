"""Who is using the app: the logged-in user when login is configured, else a name from the sidebar."""

from __future__ import annotations

import streamlit as st


def logged_in_name() -> str | None:
    try:
        if st.user.is_logged_in:
            return str(st.user.get("name") or st.user.get("email") or "")
    except (AttributeError, KeyError):  # login not configured
        return None
    return None


def sidebar_user() -> str:
    """Draw the user field in the sidebar and return the name decisions are recorded under."""
    name = logged_in_name()
    if name:
        st.sidebar.caption(f"Logget ind som **{name}**")
        return name
    st.session_state.setdefault("user_name", "")
    return st.sidebar.text_input(
        "Dit navn (gemmes ved beslutninger)", key="user_name", placeholder="fx Mette, jobkonsulent"
    ).strip()


def current_user() -> str:
    return logged_in_name() or st.session_state.get("user_name", "").strip()
