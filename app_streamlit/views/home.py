"""Oversigt: the network at a glance."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_streamlit import state
from app_streamlit.labels import number, site_name
from features.safe_text import escape_markdown
from features.vocabulary import INDUSTRY_LABELS


def render() -> None:
    opened = state.current()
    network = opened.network
    summary = network.summary()

    st.title("STU-praktikmatch")
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
    cols[2].metric("Funktionsnedsættelser pr. elev", number(summary.mean_impairments))
    cols[3].metric("Belastningsreaktioner pr. elev", number(summary.mean_stress_reactions))

    left, right = st.columns(2)
    with left:
        st.subheader("Virksomheder pr. branche")
        by_industry = pd.Series([INDUSTRY_LABELS[c.industry] for c in network.companies]).value_counts()
        st.bar_chart(by_industry.rename("Virksomheder"), horizontal=True)
    with right:
        st.subheader("Elever pr. STU-sted")
        by_site = pd.Series([site_name(s.stu_site) for s in network.students]).value_counts()
        st.bar_chart(by_site.rename("Elever"), horizontal=True)

    st.caption(f"Netværk: {escape_markdown(opened.name)}, version {opened.version}.")


render()
