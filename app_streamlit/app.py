"""Entry point: ``streamlit run app_streamlit/app.py``. Pages are thin; the placement service does the work."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# Streamlit runs this file as a script; make the project's packages importable without an install.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app_streamlit import state
from app_streamlit.session import keep_state_across_pages, sidebar_user

st.set_page_config(page_title="STU-praktikmatch", page_icon="🧩", layout="wide")
keep_state_across_pages()
sidebar_user()
opened = state.current()
st.sidebar.markdown("**Netværk**")
st.sidebar.text(f"{opened.name} · version {opened.version}")

pages = [
    st.Page("views/home.py", title="Oversigt", icon=":material/home:", default=True),
    st.Page("views/students.py", title="Elever", icon=":material/person_search:"),
    st.Page("views/plan.py", title="Placeringsplan", icon=":material/assignment:"),
    st.Page("views/network.py", title="Netværk", icon=":material/hub:"),
    st.Page("views/scenarios.py", title="Scenarier", icon=":material/tune:"),
    st.Page("views/data.py", title="Data", icon=":material/upload_file:"),
]
st.navigation(pages, position="top").run()
