"""Oversigt: the network at a glance."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_streamlit.data import current_network
from app_streamlit.session import sidebar_user
from features.geography import SITES_BY_ID
from features.vocabulary import INDUSTRY_LABELS

network = current_network()
summary = network.summary()

st.title("STU-praktikmatch")
sidebar_user()
st.caption(
    "Matcher STU-elever med praktikpladser i det specialiserede virksomhedsnetværk "
    "og viser, hvor netværket mangler virksomheder."
)

cols = st.columns(4)
cols[0].metric("Elever", summary.students)
cols[1].metric("Virksomheder", summary.companies)
cols[2].metric("Brancher", summary.industries)
cols[3].metric("STU-steder", summary.stu_sites)
cols = st.columns(4)
cols[0].metric("Praktikpladser", summary.internship_slots)
cols[1].metric("Hjemkommuner", summary.municipalities)
cols[2].metric("Funktionsnedsættelser pr. elev", f"{summary.mean_impairments:.1f}".replace(".", ","))
cols[3].metric("Belastningsreaktioner pr. elev", f"{summary.mean_stress_reactions:.1f}".replace(".", ","))

left, right = st.columns(2)
with left:
    st.subheader("Virksomheder pr. branche")
    by_industry = pd.Series([INDUSTRY_LABELS[c.industry] for c in network.companies]).value_counts()
    st.bar_chart(by_industry.rename("Virksomheder"), horizontal=True)
with right:
    st.subheader("Elever pr. STU-sted")
    by_site = pd.Series(
        [SITES_BY_ID[s.stu_site].name if s.stu_site in SITES_BY_ID else s.stu_site for s in network.students]
    ).value_counts()
    st.bar_chart(by_site.rename("Elever"), horizontal=True)

uploaded = "uploaded_network" in st.session_state
st.caption(f"Datakilde: {network.source if uploaded else 'indbygget syntetisk netværk'}")
