"""Oversigt: the network at a glance, and for a job consultant their follow-ups and students without a place."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_streamlit import state
from app_streamlit.labels import days_text, number, site_name
from app_streamlit.session import current_actor
from features.safe_text import escape_markdown
from features.vocabulary import INDUSTRY_LABELS
from placement_service import OpenNetwork, Role, danish_date
from placement_service.after_match import followups_due
from placement_service.company_changes import students_needing_a_new_place


def render() -> None:
    opened = state.current()
    network = opened.network
    summary = network.summary()

    st.title("STU-praktikmatch")
    st.caption(
        "Matcher STU-elever med praktikpladser i det specialiserede virksomhedsnetværk "
        "og viser, hvor netværket mangler virksomheder."
    )

    if current_actor().role == Role.JOBKONSULENT:
        _consultants_work(opened)

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
        st.altair_chart(_count_bars(by_industry, "Branche", "Virksomheder"), width="stretch")
    with right:
        st.subheader("Elever pr. STU-sted")
        by_site = pd.Series([site_name(s.stu_site) for s in network.students]).value_counts()
        st.altair_chart(_count_bars(by_site, "STU-sted", "Elever"), width="stretch")

    st.caption(f"Netværk: {escape_markdown(opened.name)}, version {opened.version}.")


def _count_bars(counts: pd.Series, label: str, what: str) -> alt.Chart:
    """Counts as bars, largest first, every label in full and whole numbers on the axis."""
    frame = counts.rename_axis("navn").reset_index(name="antal")
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("antal:Q", title=what, axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y("navn:N", title=None, sort="-x", axis=alt.Axis(labelLimit=0)),
            tooltip=[alt.Tooltip("navn:N", title=label), alt.Tooltip("antal:Q", title=what)],
        )
    )


def _company(opened: OpenNetwork, company_id: str) -> str:
    network = opened.network
    return network.company(company_id).name if company_id in network.company_position else company_id


def _consultants_work(opened: OpenNetwork) -> None:
    """The logged-in consultant's follow-ups (overdue first) and students whose company ended the placement."""
    actor, store = current_actor(), state.store()
    due = followups_due(store, opened.network_id, opened.network, actor)
    waiting = students_needing_a_new_place(store, opened.network_id, opened.network, actor)
    st.subheader("Dine opfølgninger")
    if not due:
        st.caption(
            "Ingen af dine elever er i praktik lige nu, så der er ingen opfølgninger. Forløb findes under **Forløb**."
        )
    else:
        overdue = sum(d.overdue for d in due)
        if overdue:
            st.warning(
                f"{overdue} {'opfølgning er' if overdue == 1 else 'opfølgninger er'} over tid. "
                "Registrér dem under **Forløb**."
            )
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Elev": d.student_id,
                        "Virksomhed": _company(opened, d.company_id),
                        "Seneste opfølgning": danish_date(d.last_held_on) or "Ingen endnu",
                        "Næste opfølgning": danish_date(d.due_on),
                        "Status": days_text(d.days),
                    }
                    for d in due
                ]
            ).style.apply(
                lambda row: (
                    ["color: #b42318; font-weight: 600" if "over tid" in row["Status"] else ""] * len(row)
                ),
                axis=1,
            ),
            hide_index=True,
            width="stretch",
        )
    if waiting:
        st.subheader("Elever der skal have en ny plads")
        st.caption(
            "Virksomheden har afsluttet forløbet eller er lukket. Find en ny plads under **Placeringsplan** "
            "og aftal den under **Forløb**."
        )
        st.dataframe(
            pd.DataFrame(
                [
                    {"Elev": s, "Virksomhed": _company(opened, c), "Forløbet sluttede": danish_date(d)}
                    for s, c, d in waiting
                ]
            ),
            hide_index=True,
            width="stretch",
        )


render()
