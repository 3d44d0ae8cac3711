"""Entry point: ``python -m app_streamlit.serve`` (``streamlit run app_streamlit/app.py``, warmed up first).

Pages are thin; the placement service does the work.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# Streamlit runs this file as a script; make the project's packages importable without an install.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app_streamlit import state
from app_streamlit.navigation import NETWORK_MENU, STEERING_MENU
from app_streamlit.session import keep_state_across_pages, show_flashes, sidebar_login
from placement_service import Role, StoreError

st.set_page_config(page_title="STU-praktikmatch", page_icon="🧩", layout="wide")
keep_state_across_pages()
try:
    actor = sidebar_login()
    if actor.is_demo and not state.current().is_builtin:
        state.use(None)  # uploaded data needs a login
    opened = state.current()
except StoreError as error:
    st.error(error.message_da)
    st.stop()
st.sidebar.markdown("**Netværk**")
st.sidebar.text(f"{opened.name} · version {opened.version}")
if actor.is_demo:
    st.info(
        "**Demo** · Du udforsker det indbyggede syntetiske netværk uden at være logget ind. "
        "Log ind i sidepanelet for at træffe beslutninger og bruge egne data."
    )
show_flashes()

# The daily pages in the top bar, the rest in two menus (app_streamlit/navigation.py).
pages: dict[str, list] = {
    "": [
        st.Page("views/home.py", title="Oversigt", icon=":material/home:", default=True),
        st.Page("views/students.py", title="Elever", icon=":material/person_search:"),
        st.Page("views/plan.py", title="Placeringsplan", icon=":material/assignment:"),
        st.Page("views/placements.py", title="Forløb", icon=":material/event_note:"),
    ],
    NETWORK_MENU: [
        st.Page("views/network.py", title="Netværk", icon=":material/hub:"),
        st.Page("views/companies.py", title="Virksomheder", icon=":material/apartment:"),
        st.Page("views/scenarios.py", title="Scenarier", icon=":material/tune:"),
    ],
    STEERING_MENU: [
        st.Page("views/steering.py", title="Styregruppe", icon=":material/monitoring:"),
        st.Page("views/data.py", title="Data", icon=":material/upload_file:"),
    ],
}
if actor.role == Role.ADMINISTRATOR:
    pages[STEERING_MENU].append(
        st.Page("views/admin.py", title="Administration", icon=":material/admin_panel_settings:")
    )
try:
    st.navigation(pages, position="top").run()
except StoreError as error:
    st.error(error.message_da)
