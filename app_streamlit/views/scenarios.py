"""Scenarier: what if the weights, travel limits or capacities change, or a company leaves or joins?

A scenario starts from the decided plan (every decision applied) and is compared with it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from app_streamlit import state, waiting
from app_streamlit.labels import number
from app_streamlit.session import current_actor, flash, show_flashes
from features.geography import MUNICIPALITIES
from features.safe_text import escape_markdown
from features.vocabulary import INDUSTRY_LABELS, Industry
from placement_service import (
    COMPONENT_LABELS,
    RULE_COMPONENTS,
    AddedCompany,
    InputError,
    OpenNetwork,
    ScenarioOutcome,
    ScenarioSettings,
    ScoringConfig,
    save_scenario,
)

WEIGHTS = (*RULE_COMPONENTS, "outcome")
ADDED = "scenario_added"


def render() -> None:
    st.title("Scenarier")
    show_flashes()
    opened = state.current()
    defaults = ScoringConfig()
    _initialise(defaults)
    _saved_scenarios(opened, defaults)
    settings = _settings(opened, defaults)
    if settings is None:
        st.stop()
    try:
        waiting.decided_plan_or_wait(opened)  # the scenario is compared with it
        with st.spinner("Løser scenariet …"):
            outcome = state.scenario(opened, settings)
    except InputError as error:
        st.error(escape_markdown(error.message_da))
        st.stop()
    _result(opened, settings, outcome)
    _save(opened, settings)


def _initialise(defaults: ScoringConfig) -> None:
    st.session_state.setdefault(ADDED, [])
    st.session_state.setdefault("scenario_travel", 100)
    st.session_state.setdefault("scenario_capacity", 100)
    st.session_state.setdefault("scenario_removed", [])
    for name in WEIGHTS:
        st.session_state.setdefault(f"scenario_weight_{name}", round(getattr(defaults, name)))


def _load_settings(settings: ScenarioSettings, defaults: ScoringConfig) -> None:
    """Put a saved scenario's settings into the widgets (a callback: runs before they are drawn)."""
    for name in WEIGHTS:
        # Whole numbers: a number field cannot show a decimal comma (docs/language.md).
        st.session_state[f"scenario_weight_{name}"] = round(
            settings.weights.get(name, getattr(defaults, name))
        )
    st.session_state["scenario_travel"] = round(100 * settings.travel_factor)
    st.session_state["scenario_capacity"] = round(100 * settings.capacity_factor)
    st.session_state["scenario_removed"] = list(settings.removed_companies)
    st.session_state[ADDED] = [a.model_dump(mode="json") for a in settings.added_companies]


def _open_saved(opened: OpenNetwork, defaults: ScoringConfig) -> None:
    name = st.session_state.get("scenario_pick")
    if name is None:
        return
    try:
        saved = state.store().scenario(opened.network_id, name)
    except InputError as error:
        flash("error", escape_markdown(error.message_da))
        return
    _load_settings(ScenarioSettings.model_validate(saved.settings), defaults)
    st.session_state["scenario_name"] = name


def _saved_scenarios(opened: OpenNetwork, defaults: ScoringConfig) -> None:
    saved = state.store().scenarios(opened.network_id)
    with st.container(border=True):
        o1, o2 = st.columns([3, 1])
        names = [s.name for s in saved]
        chosen = o1.selectbox(
            "Gemte scenarier", names, index=None, placeholder="Vælg et gemt scenarie", key="scenario_pick"
        )
        o2.button(
            "Åbn", disabled=chosen is None, key="scenario_open", on_click=_open_saved, args=(opened, defaults)
        )


def _settings(opened: OpenNetwork, defaults: ScoringConfig) -> ScenarioSettings | None:
    network = opened.network
    left, right = st.columns(2)
    with left:
        st.subheader("Transport og pladser")
        travel = (
            st.slider(
                "Elevernes maksimale transporttid, i procent af i dag",
                50,
                200,
                step=10,
                format="%d %%",
                key="scenario_travel",
            )
            / 100
        )
        capacity = (
            st.slider(
                "Virksomhedernes antal pladser, i procent af i dag",
                0,
                200,
                step=10,
                format="%d %%",
                key="scenario_capacity",
            )
            / 100
        )
        company_names = {c.company_id: f"{c.company_id} · {c.name}" for c in network.companies}
        st.session_state["scenario_removed"] = [
            c for c in st.session_state.get("scenario_removed", []) if c in company_names
        ]
        removed = st.multiselect(
            "Fjern virksomheder",
            list(company_names),
            format_func=company_names.__getitem__,
            key="scenario_removed",
            placeholder="Ingen fjernet",
        )
    with right:
        st.subheader("Vægte i matchscoren")
        weights = {
            name: st.number_input(
                COMPONENT_LABELS[name],
                min_value=0,
                max_value=100,
                step=1,
                key=f"scenario_weight_{name}",
            )
            for name in WEIGHTS
        }
    _added_companies()
    try:
        return ScenarioSettings(
            weights={k: v for k, v in weights.items() if v != getattr(defaults, k)},
            travel_factor=travel,
            capacity_factor=capacity,
            removed_companies=removed,
            added_companies=[AddedCompany.model_validate(a) for a in st.session_state[ADDED]],
        )
    except InputError as error:
        st.error(f"Scenariet kan ikke bruges: {escape_markdown(error.message_da)}")
        return None
    except ValidationError as error:  # pydantic's own messages are English: name the settings in Danish
        fields = sorted(
            {_SETTING_LABELS.get(str(d["loc"][0]), str(d["loc"][0])) for d in error.errors() if d["loc"]}
        )
        st.error(
            "Scenariet kan ikke bruges: en værdi ligger uden for det tilladte i "
            f"{escape_markdown(', '.join(fields) or 'indstillingerne')}. Ret den, og prøv igen."
        )
        return None


_SETTING_LABELS = {
    "weights": "vægtene i matchscoren",
    "travel_factor": "elevernes maksimale transporttid",
    "capacity_factor": "virksomhedernes antal pladser",
    "removed_companies": "de fjernede virksomheder",
    "added_companies": "de tilføjede virksomheder",
}
"""The scenario's settings as the page names them, for a refused value."""


def _added_companies() -> None:
    # Drawn only while open: a collapsed expander's form costs the browser as much as an open one (0.6 s of
    # script for these nine fields on every visit).
    adding = st.expander("Tilføj en virksomhed", key="scenario_add_open", on_change="rerun")
    if not adding.open:
        return
    with adding:
        with st.form("scenario_add_form", clear_on_submit=True):
            a1, a2, a3 = st.columns(3)
            new_name = a1.text_input("Navn", key="scenario_new_name", max_chars=120)
            industry_by_label = {INDUSTRY_LABELS[i]: i for i in Industry}
            new_industry = a2.selectbox("Branche", list(industry_by_label), key="scenario_new_industry")
            new_municipality = a3.selectbox(
                "Kommune", sorted(MUNICIPALITIES), key="scenario_new_municipality"
            )
            b1, b2, b3, b4 = st.columns(4)
            new_slots = b1.number_input("Pladser", 1, 20, 2, key="scenario_new_slots")
            new_mentor = b2.number_input(
                "Mentortimer om ugen",
                0,
                60,
                6,
                key="scenario_new_mentor",
                help="De timer om ugen, virksomhedens mentorer kan give eleverne i alt (mentorstøtte). "
                "En elev, der har brug for en mentor, bruger 1–5 timer om ugen efter sit støttebehov.",
            )
            new_trained = b3.checkbox("Mentor med kursus i målgruppen", True, key="scenario_new_trained")
            new_shielded = b4.checkbox("Skærmet arbejdsplads", False, key="scenario_new_shielded")
            if st.form_submit_button("Tilføj"):
                added = st.session_state[ADDED]
                added.append(
                    AddedCompany(
                        company_id=f"NY{len(added) + 1:02d}",
                        name=new_name.strip() or f"Ny virksomhed {len(added) + 1}",
                        industry=industry_by_label[new_industry],
                        municipality=new_municipality,
                        capacity=int(new_slots),
                        mentor_capacity=int(new_mentor),
                        mentor_trained=new_trained,
                        shielded_workstation=new_shielded,
                    ).model_dump(mode="json")
                )
        if st.session_state[ADDED]:
            shown = pd.DataFrame(st.session_state[ADDED])[
                ["company_id", "name", "industry", "municipality", "capacity", "mentor_capacity"]
            ]
            shown.columns = ["ID", "Navn", "Branche", "Kommune", "Pladser", "Mentortimer om ugen"]
            shown["Branche"] = [INDUSTRY_LABELS[Industry(i)] for i in shown["Branche"]]
            st.dataframe(shown, hide_index=True)
            if st.button("Fjern tilføjede virksomheder", key="scenario_clear_added"):
                st.session_state[ADDED] = []
                st.rerun()


def _result(opened: OpenNetwork, settings: ScenarioSettings, outcome: ScenarioOutcome) -> None:
    diff = outcome.diff
    st.subheader("Resultat")
    st.caption(
        "Sammenlignet med den besluttede plan: alle godkendte og låste placeringer holdes, "
        "afviste og udelukkede par bruges ikke, heller ikke i scenariet."
    )
    m1, m2, m3 = st.columns(3)
    m1.metric("Placerede elever", diff.placed_after, delta=diff.placed_change)
    m2.metric("Samlet score", number(diff.score_after, 0), delta=number(diff.score_change, 0))
    m3.metric("Elever der flytter", len(diff.moves))
    if outcome.released:
        st.warning(
            "Disse elever er godkendt eller låst hos en virksomhed, som scenariet fjerner, og skal flyttes: "
            + ", ".join(f"{escape_markdown(s)} (hos {escape_markdown(c)})" for s, c in outcome.released)
        )
    if diff.moves:
        names = {c.company_id: c.name for c in opened.network.companies} | {
            a.company_id: a.name for a in settings.added_companies
        }
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Elev": m.student_id,
                        "Før": names.get(m.from_company_id, m.from_company_id)
                        if m.from_company_id
                        else "Ingen plads",
                        "Efter": names.get(m.to_company_id, m.to_company_id)
                        if m.to_company_id
                        else "Ingen plads",
                    }
                    for m in diff.moves
                ]
            ),
            hide_index=True,
            width="stretch",
        )


def _save(opened: OpenNetwork, settings: ScenarioSettings) -> None:
    with st.container(border=True):
        s1, s2 = st.columns([3, 1])
        s1.text_input(
            "Navn på scenariet", key="scenario_name", placeholder="fx Uden C0062, 20 % længere transport"
        )
        s2.button("Gem scenarie", key="scenario_save", on_click=_save_scenario, args=(opened, settings))


def _save_scenario(opened: OpenNetwork, settings: ScenarioSettings) -> None:
    name = str(st.session_state.get("scenario_name", "")).strip()
    if not name:
        flash("warning", "Giv scenariet et navn, før du gemmer det.")
        return
    try:
        save_scenario(state.store(), opened.network_id, name, settings, current_actor())
    except InputError as error:
        flash("error", escape_markdown(error.message_da))
        return
    flash("success", f"Scenariet «{escape_markdown(name)}» er gemt.")


render()
