"""Netværk: for coordinators — where the network falls short and which companies to recruit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_streamlit import demand_chart, fairness_section, state, waiting
from app_streamlit.labels import number, out_of
from app_streamlit.session import current_actor
from app_streamlit.tables import wrapped_table
from features.network import Network
from features.safe_files import safe_csv_bytes, safe_workbook_bytes
from features.vocabulary import INDUSTRY_LABELS, Industry
from placement_service import CriticalCompany, Recruitment, UnplacedGroup, may_see_network


def render() -> None:
    st.title("Netværk")
    opened = state.current()
    network = opened.network
    if not may_see_network(current_actor(), builtin=opened.is_builtin):
        st.info("Netværkets mangler og anbefalinger er for jobkonsulenter og netværkskoordinatorer.")
        st.stop()
    waiting.decided_plan_or_wait(opened)  # solved in the background on a large network never seen before
    _, report = state.gaps(opened)
    industry_area, need_rows, unplaced_groups = report.industry_area, report.needs, report.unplaced_by_reason

    c1, c2, c3 = st.columns(3)
    c1.metric("Placerede elever", out_of(report.placed, report.students))
    c2.metric("Uden plads", number(report.students - report.placed, 0))
    c3.metric(
        "Kommuner og brancher med elever uden plads",
        sum(r.unplaced > 0 for r in industry_area if r.area_level == "municipality"),
        help="Antal kombinationer af kommune og branche, hvor mindst én elev står uden plads.",
    )

    gaps = demand_chart.render(industry_area)

    st.subheader("Behov på arbejdspladsen")
    needs = pd.DataFrame(
        [
            {
                "Behov": n.label,
                "Elever med behovet": n.demand,
                "Passende pladser": n.fitting_slots,
                "Placeret hvor behovet mødes": n.placed,
                "Uden plads": n.unplaced,
            }
            for n in need_rows
        ]
    )
    # Counts with the reader's own thousands mark ("localized": a Danish browser shows 1.106).
    counts = {name: st.column_config.NumberColumn(name, format="localized") for name in needs.columns[1:]}
    st.dataframe(needs, hide_index=True, width="stretch", column_config=counts)

    st.subheader("Elever uden plads, efter årsag")
    if unplaced_groups:
        wrapped_table(
            pd.DataFrame(
                [
                    {"Årsag": g.label, "Antal": g.count, "Elever": ", ".join(g.students)}
                    for g in unplaced_groups
                ]
            )
        )
    else:
        st.success("Alle elever har en plads.")

    fairness_section.render(opened)

    job = state.recruitment_job(opened)
    if job.result is None:
        _verifying(job)
        critical_list: list[CriticalCompany] = []
    else:
        critical_list = _verified(job.result)
    _map_and_download(network, critical_list, unplaced_groups, needs, gaps)


@st.fragment(run_every=1.0)
def _verifying(job: state.RecruitmentJob) -> None:
    """While the recruitment report is computed in the background: its progress, redrawn every second;
    the whole page is drawn again when it is ready."""
    if job.result is not None:
        st.rerun()
    st.subheader("Virksomheder at rekruttere og kritiske virksomheder")
    if job.failed is not None:
        waiting.failed(
            "Anbefalingerne og de kritiske virksomheder kunne ikke efterprøves på grund af en fejl.",
            key="retry_recruitment",
            stop=False,
        )
        return
    st.progress(
        job.share_done,
        text=f"Efterprøver anbefalinger og kritiske virksomheder ved at løse planen igen: "
        f"{round(100 * job.share_done)} % færdig …",
    )
    st.caption(
        "Resten af siden kan bruges imens. Anbefalingerne, de kritiske virksomheder og kortets røde "
        "markeringer vises her, så snart de er efterprøvet; resultatet gemmes, så det kun beregnes én gang."
    )


def _verified(verified: Recruitment) -> list[CriticalCompany]:
    """Companies to recruit, one rule lifted, critical companies; returns the critical companies."""
    st.subheader("Virksomheder at rekruttere")
    st.caption("Gevinsten er efterprøvet: planen er løst igen med virksomheden tilføjet.")
    recommended, critical_list = verified.recommendations, verified.critical_companies
    if recommended:
        recommendations = pd.DataFrame(
            [
                {
                    "Gevinst": r.gain,
                    "Branche": r.industry_label,
                    "Kommune": r.municipality,
                    "Pladser": r.slots,
                    "Skal tilbyde": ", ".join(r.features),
                    "Elever der får plads": ", ".join(r.students),
                }
                for r in recommended
            ]
        )
        wrapped_table(recommendations)
        rows = pd.DataFrame([r.company_row for r in recommended])
        st.download_button(
            "Hent som rækker til companies.csv",
            safe_csv_bytes(rows, encoding="utf-8-sig"),
            "rekruttering.csv",
            "text/csv",
            key="network_recommend_csv",
        )
    else:
        st.info("Ingen enkelt ny virksomhed vil give flere elever en plads.")

    st.subheader("Ét krav løftet hos én virksomhed")
    st.caption(
        "For elever uden plads: hvilket fast krav, løftet hos hvilken virksomhed, der giver flest elever en "
        "plads. Gevinsten er efterprøvet: planen er løst igen med parrene gjort egnede."
    )
    if verified.rule_lifts:
        wrapped_table(
            pd.DataFrame(
                [
                    {
                        "Gevinst": lift.gain,
                        "Virksomhed": lift.company_name,
                        "Branche": lift.industry_label,
                        "Krav": lift.rule_da,
                        "Løsning": lift.lift_label,
                        "Elever der får plads": ", ".join(lift.students),
                        "Skal aftales": " ".join(f"{s}: {text}" for s, text in lift.arrangements.items()),
                    }
                    for lift in verified.rule_lifts
                ]
            )
        )
    else:
        st.info("Intet enkelt krav, løftet hos én virksomhed, giver flere elever en plads.")

    st.subheader("Kritiske virksomheder")
    st.caption(
        "Virksomheder, der ikke kan undværes: trækker en af dem sig (fx ved konkurs), står så mange elever "
        "uden plads, selv når planen lægges om og de andre virksomheder tager alle, de kan."
    )
    if critical_list:
        wrapped_table(
            pd.DataFrame(
                [
                    {
                        "Virksomhed": c.company_id,
                        "Navn": c.name,
                        "Branche": INDUSTRY_LABELS[Industry(c.industry)],
                        "Elever uden plads, hvis den trækker sig": c.loss,
                        "Elever": ", ".join(c.students),
                    }
                    for c in critical_list
                ]
            )
        )
    else:
        st.success("Ingen virksomhed er kritisk: alle elever kan flyttes, hvis én trækker sig.")
    return critical_list


def _map_and_download(
    network: Network,
    critical_list: list[CriticalCompany],
    unplaced_groups: list[UnplacedGroup],
    needs: pd.DataFrame,
    gaps: pd.DataFrame,
) -> None:
    st.subheader("Kort")
    critical = {c.company_id for c in critical_list}
    unplaced = {s for g in unplaced_groups for s in g.students}
    points = pd.DataFrame(
        [
            {
                "lat": c.lat,
                "lon": c.lon,
                "farve": "#d62728" if c.company_id in critical else "#1f6f8b",
                "str": 180,
            }
            for c in network.companies
        ]
        + [
            {"lat": s.home_lat, "lon": s.home_lon, "farve": "#ff9f1c", "str": 300}
            for s in network.students
            if s.student_id in unplaced
        ]
    )
    st.map(points, latitude="lat", longitude="lon", color="farve", size="str")
    st.caption("Blå: virksomheder. Rød: kritiske virksomheder. Orange: bopæl for elever uden plads.")
    st.download_button(
        "Hent netværksanalysen som Excel",
        lambda: safe_workbook_bytes({"Behov": needs, "Branche og område": demand_chart.export_rows(gaps)}),
        "netvaerksanalyse.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="network_xlsx",
    )


render()
