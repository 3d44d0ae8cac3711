"""Who is using the app, what survives a page change, and messages that outlive a rerun."""

from __future__ import annotations

import streamlit as st

USER_KEY = "user_name"
FLASH_KEY = "flash_messages"

# Widget values kept when the user moves to another page and back (Streamlit forgets the
# state of widgets that a page run did not draw; writing a value back keeps it).
PERSISTENT_KEYS: tuple[str, ...] = (
    USER_KEY,
    "plan_objective",
    "students_selected",
    "students_industries",
    "students_top",
    "network_level",
    "network_measure",
    "scenario_travel",
    "scenario_capacity",
    "scenario_removed",
    "scenario_name",
)
PERSISTENT_PREFIXES: tuple[str, ...] = ("scenario_weight_",)


def keep_state_across_pages() -> None:
    """Write every persistent widget value back, so leaving a page does not reset it."""
    for key in list(st.session_state.keys()):
        name = str(key)
        if name in PERSISTENT_KEYS or name.startswith(PERSISTENT_PREFIXES):
            st.session_state[name] = st.session_state[name]


def logged_in_name() -> str | None:
    try:
        if st.user.is_logged_in:
            return str(st.user.get("name") or st.user.get("email") or "")
    except (AttributeError, KeyError):  # login not configured
        return None
    return None


def sidebar_user() -> None:
    """The user at the top of the sidebar: the logged-in name, or a field for the name."""
    name = logged_in_name()
    if name:
        st.sidebar.markdown("**Bruger**")
        st.sidebar.text(f"Logget ind som {name}")
        return
    st.session_state.setdefault(USER_KEY, "")
    st.sidebar.text_input(
        "Dit navn (gemmes ved beslutninger)", key=USER_KEY, placeholder="fx Mette, jobkonsulent"
    )
    if not current_user():
        st.sidebar.caption("Skriv dit navn, før du træffer beslutninger eller gemmer.")


def current_user() -> str:
    return logged_in_name() or str(st.session_state.get(USER_KEY, "")).strip()


def flash(kind: str, text: str) -> None:
    """A message to show on the next run of the page (from a callback, before the page draws)."""
    st.session_state.setdefault(FLASH_KEY, []).append((kind, text))


def show_flashes() -> None:
    for kind, text in st.session_state.pop(FLASH_KEY, []):
        if kind == "success":
            st.success(text)
        elif kind == "warning":
            st.warning(text)
        elif kind == "error":
            st.error(text)
        else:
            st.info(text)
