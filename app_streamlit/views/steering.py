"""Styregruppe: the steering group's report — placements, follow-ups on time and outcomes per STU site
and cohort, set against the pilot and the national figure; counts only, with an Excel export."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_streamlit import state
from app_streamlit.labels import number, out_of
from app_streamlit.session import current_actor, flash
from app_streamlit.tables import wrapped_table
from features.errors import InputError
from placement_service import Role
from placement_service.access import Actor
from placement_service.after_match import Measured
from placement_service.clock import danish_time
from placement_service.learning import learning_status, retrain
from placement_service.steering_report import (
    benchmark_text,
    outcome_table,
    report_table,
    report_workbook,
    steering_report,
)


def render() -> None:
    st.title("Styregruppe")
    actor = current_actor()
    if actor.is_demo:
        st.info(
            "Styregruppens rapport viser for hvert STU-sted og hver årgang: aftalte praktikker, elever i "
            "praktik, opfølgninger til tiden og hvad eleverne gik videre til. Den bygger på gemte forløb, så "
            "du skal være logget ind som jobkonsulent eller netværkskoordinator."
        )
        st.stop()
    if actor.role not in (Role.JOBKONSULENT, Role.NETVAERKSKOORDINATOR):
        st.info("Styregruppens rapport er for jobkonsulenter og netværkskoordinatorer.")
        st.stop()
    opened = state.current()
    rows = steering_report(state.store(), opened.network_id, opened.network, actor)
    st.caption(
        "Kun antal, aldrig den enkelte elev. En årgang er det år, praktikken startede (for udfald: det år, "
        "udfaldet er registreret for). En opfølgning er til tiden, hvis den er holdt senest 14 dage efter, "
        "at den forfaldt."
    )
    placed = sum(r.placed for r in rows)
    in_internship = sum(r.in_internship for r in rows)
    due = sum(r.followups_due for r in rows)
    on_time = sum(r.followups_on_time for r in rows)
    jobs, total = (sum(r.in_job(Measured.TWELVE_MONTHS)[i] for r in rows) for i in (0, 1))
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Praktikker aftalt", placed)
    c2.metric("I praktik nu", in_internship)
    c3.metric("Opfølgninger til tiden", out_of(on_time, due) if due else "–")
    c4.metric("I job 12 måneder efter STU", out_of(jobs, total) if total else "–")
    st.info(benchmark_text(rows))

    st.subheader("Pr. STU-sted og årgang")
    if not rows:
        st.caption(
            "Der er endnu ingen forløb eller udfald at rapportere. De kommer, når forløb aftales under **Forløb**."
        )
    else:
        table = report_table(rows)
        table["Årgang"] = table["Årgang"].astype(str)  # a year, not a number: no thousands point
        wrapped_table(table)  # nine columns: wrapped, every header shows in full on a laptop

    st.subheader("Udfald efter beskæftigelse")
    outcomes = outcome_table(rows)
    if int(outcomes["Antal"].sum()) == 0:
        st.caption("Ingen udfald registreret endnu.")
    else:
        st.altair_chart(_outcome_bars(outcomes), width="stretch")
        st.dataframe(outcomes[outcomes["Antal"] > 0].reset_index(drop=True), hide_index=True, width="stretch")
    st.download_button(
        "Hent rapporten som Excel",
        lambda: report_workbook(rows),  # made when clicked
        "styregruppe.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="steering_xlsx",
    )
    _learned_model(actor)


def _outcome_bars(outcomes: pd.DataFrame) -> alt.Chart:
    """Students per outcome, at the end of STU and 12 months after side by side; every label in full."""
    order = list(dict.fromkeys(outcomes["Beskæftigelse"]))
    return (
        alt.Chart(outcomes)
        .mark_bar()
        .encode(
            y=alt.Y("Beskæftigelse:N", sort=order, title=None, axis=alt.Axis(labelLimit=0)),
            yOffset=alt.YOffset("Målt:N"),
            x=alt.X("Antal:Q", title="Antal elever", axis=alt.Axis(format="d", tickMinStep=1)),
            color=alt.Color("Målt:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=["Beskæftigelse", "Målt", "Antal"],
        )
        .properties(height=40 * len(order))
    )


def _retrain(actor: Actor) -> None:
    opened = state.current()
    try:
        report = retrain(state.store(), opened.network_id, opened.network, actor)
    except InputError as error:
        flash("error", error.message_da)
        return
    st.session_state["steering_retrain_report"] = report
    flash("success", "Modellen er genoptrænet. Scorerne bygger nu også på de registrerede udfald.")


def _learned_model(actor: Actor) -> None:
    """What the learned model learns from, and retraining it on the recorded outcomes."""
    st.subheader("Den lærte model")
    opened = state.current()
    status = learning_status(state.store(), opened.network_id, opened.network)
    retrained = status["retrained"]
    if retrained:
        st.write(
            f"Modellen lærer af {status['training_rows']} tidligere praktikker: historikken og "
            f"{retrained['outcome_rows']} registrerede udfald. Genoptrænet {danish_time(retrained['at'])} "
            f"af {retrained['user']}."
        )
    else:
        st.write(f"Modellen lærer af historikken: {status['training_rows']} tidligere praktikker.")
    waiting = status["not_learned"]
    st.caption(
        f"{waiting} registrerede udfald er endnu ikke med. Modellen ændrer sig først, når den genoptrænes, "
        "så scorerne ikke skifter, mens I arbejder."
        if waiting
        else "Alle registrerede udfald er med."
    )
    st.button(
        "Genoptræn modellen",
        key="steering_retrain",
        on_click=_retrain,
        args=(actor,),
        disabled=waiting == 0,
        help="Træner modellen på historikken og alle registrerede udfald og måler den før og efter.",
    )
    report = st.session_state.get("steering_retrain_report")
    if report:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "": label,
                        "Praktikker": report[key]["training_rows"],
                        "Rangering (NDCG@5)": number(report[key]["ndcg_at_5"], 3),
                        "Træfsikkerhed (præcision@5)": number(report[key]["precision_at_5"], 3),
                    }
                    for key, label in (("before", "Før"), ("after", "Efter"))
                ]
            ),
            hide_index=True,
        )
        st.caption(
            "Målt på tidligere praktikker, som modellen ikke har lært af (historikken delt i 5 dele efter elev). "
            "Rangering: kommer de praktikker, der førte til job, øverst blandt de 5 bedste forslag? "
            "Træfsikkerhed: hvor stor en del af de 5 bedste forslag førte til job? 1 er det bedste for begge."
        )


render()
