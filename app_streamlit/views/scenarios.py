"""Scenarier: what if the weights, travel limits or capacities change, or a company leaves or joins?"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_streamlit.data import (
    current_network,
    current_network_key,
    decision_store,
    plan_for,
    scenario_plan_for,
)
from app_streamlit.labels import number
from app_streamlit.session import current_user, sidebar_user
from features.errors import InputError
from features.geography import MUNICIPALITIES
from features.vocabulary import INDUSTRY_LABELS, Industry
from matching.config import COMPONENT_LABELS, RULE_COMPONENTS, ScoringConfig
from optimizer.scenarios import AddedCompany, ScenarioSettings, compare_plans, plan_mapping

st.title("Scenarier")
sidebar_user()
network = current_network()
key = current_network_key()
store = decision_store()
defaults = ScoringConfig()
WEIGHTS = (*RULE_COMPONENTS, "outcome")

st.session_state.setdefault("scenario_added", [])
st.session_state.setdefault("scenario_travel", 1.0)
st.session_state.setdefault("scenario_capacity", 1.0)
st.session_state.setdefault("scenario_removed", [])
for _name in WEIGHTS:
    st.session_state.setdefault(f"scenario_weight_{_name}", float(getattr(defaults, _name)))


def load_settings(settings: ScenarioSettings) -> None:
    """Put a saved scenario's settings into the widgets (runs before they are drawn)."""
    for name in WEIGHTS:
        st.session_state[f"scenario_weight_{name}"] = float(
            settings.weights.get(name, getattr(defaults, name))
        )
    st.session_state["scenario_travel"] = settings.travel_factor
    st.session_state["scenario_capacity"] = settings.capacity_factor
    st.session_state["scenario_removed"] = list(settings.removed_companies)
    st.session_state["scenario_added"] = [a.model_dump(mode="json") for a in settings.added_companies]


saved = store.scenarios(key)
with st.container(border=True):
    o1, o2 = st.columns([3, 1])
    names = [s.name for s in saved]
    chosen = o1.selectbox(
        "Gemte scenarier", names, index=None, placeholder="Vælg et gemt scenarie", key="scenario_pick"
    )
    if o2.button("Åbn", disabled=chosen is None, key="scenario_open"):
        load_settings(ScenarioSettings.model_validate(store.scenario(key, chosen).settings))
        st.rerun()

left, right = st.columns(2)
with left:
    st.subheader("Transport og pladser")
    travel = st.slider("Elevernes maksimale transporttid (faktor)", 0.5, 2.0, step=0.1, key="scenario_travel")
    capacity = st.slider(
        "Virksomhedernes antal pladser (faktor)", 0.0, 2.0, step=0.1, key="scenario_capacity"
    )
    company_names = {c.company_id: f"{c.company_id} · {c.name}" for c in network.companies}
    removed = st.multiselect(
        "Fjern virksomheder",
        list(company_names),
        format_func=company_names.get,
        key="scenario_removed",
        placeholder="Ingen fjernet",
    )
with right:
    st.subheader("Vægte i matchscoren")
    weights = {}
    for name in WEIGHTS:
        weights[name] = st.number_input(
            COMPONENT_LABELS[name],
            min_value=0.0,
            max_value=100.0,
            step=1.0,
            key=f"scenario_weight_{name}",
        )

with st.expander("Tilføj en virksomhed"):
    with st.form("scenario_add_form", clear_on_submit=True):
        a1, a2, a3 = st.columns(3)
        new_name = a1.text_input("Navn", key="scenario_new_name")
        industry_by_label = {INDUSTRY_LABELS[i]: i for i in Industry}
        new_industry = a2.selectbox("Branche", list(industry_by_label), key="scenario_new_industry")
        new_municipality = a3.selectbox("Kommune", sorted(MUNICIPALITIES), key="scenario_new_municipality")
        b1, b2, b3, b4 = st.columns(4)
        new_slots = b1.number_input("Pladser", 1, 20, 2, key="scenario_new_slots")
        new_mentor = b2.number_input("Mentorenheder", 0, 60, 6, key="scenario_new_mentor")
        new_trained = b3.checkbox("Uddannet mentor", True, key="scenario_new_trained")
        new_shielded = b4.checkbox("Skærmet arbejdsplads", False, key="scenario_new_shielded")
        if st.form_submit_button("Tilføj"):
            added = st.session_state["scenario_added"]
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
    if st.session_state["scenario_added"]:
        st.dataframe(
            pd.DataFrame(st.session_state["scenario_added"])[
                ["company_id", "name", "industry", "municipality", "capacity"]
            ],
            hide_index=True,
        )
        if st.button("Fjern tilføjede virksomheder", key="scenario_clear_added"):
            st.session_state["scenario_added"] = []
            st.rerun()

try:
    settings = ScenarioSettings(
        weights={k: v for k, v in weights.items() if v != getattr(defaults, k)},
        travel_factor=travel,
        capacity_factor=capacity,
        removed_companies=removed,
        added_companies=[AddedCompany.model_validate(a) for a in st.session_state["scenario_added"]],
    )
    with st.spinner("Løser scenariet …"):
        result = scenario_plan_for(network, settings)
except (InputError, ValueError) as error:
    st.error(getattr(error, "message_da", str(error)))
    st.stop()

approved = store.latest_plan(key)
if approved is not None:
    before = {sid: None for sid in network.student_position}
    before.update({a["student_id"]: a["company_id"] for a in approved.assignments})
    score_before = sum(float(a.get("score", 0)) for a in approved.assignments)
    baseline = f"den godkendte plan «{approved.name}»"
else:
    base = plan_for(network)
    before, score_before, baseline = plan_mapping(base), base.total_score, "den nuværende plan uden ændringer"
diff = compare_plans(before, result, score_before)

st.subheader("Resultat")
st.caption(f"Sammenlignet med {baseline}.")
m1, m2, m3 = st.columns(3)
m1.metric("Placerede elever", diff.placed_after, delta=diff.placed_change)
m2.metric("Samlet score", number(diff.score_after, 0), delta=number(diff.score_change, 0))
m3.metric("Elever der flytter", len(diff.moves))
if diff.moves:
    names = {c.company_id: c.name for c in network.companies} | {
        a.company_id: a.name for a in settings.added_companies
    }
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Elev": m.student_id,
                    "Før": names.get(m.before, "Ingen plads") if m.before else "Ingen plads",
                    "Efter": names.get(m.after, "Ingen plads") if m.after else "Ingen plads",
                }
                for m in diff.moves
            ]
        ),
        hide_index=True,
        width="stretch",
    )

with st.container(border=True):
    s1, s2 = st.columns([3, 1])
    name = s1.text_input(
        "Navn på scenariet", key="scenario_name", placeholder="fx Uden C0062, 20 % længere transport"
    )
    if s2.button("Gem scenarie", key="scenario_save"):
        if not current_user():
            st.warning("Skriv dit navn i sidepanelet, før du gemmer.")
        elif not name.strip():
            st.warning("Giv scenariet et navn.")
        else:
            store.save_scenario(key, name, settings.model_dump(mode="json"), current_user())
            st.toast(f"Scenariet «{name.strip()}» er gemt.")
