"""Which network the user works on, cached: the built-in one unless this session uploaded another."""

from __future__ import annotations

import io
import uuid

import pandas as pd
import streamlit as st

from features.loading import BUILTIN_DATA_DIR, load_network
from features.network import Network

BUILTIN_KEY = "indbygget"


@st.cache_resource(show_spinner="Indlæser netværket …")
def builtin_network() -> Network:
    return load_network(BUILTIN_DATA_DIR)


def current_network() -> Network:
    """The network the user works on: an uploaded one from this session, or the built-in one."""
    uploaded = st.session_state.get("uploaded_network")
    return uploaded if uploaded is not None else builtin_network()


def current_network_key() -> str:
    """The name decisions, plans and scenarios are filed under."""
    return st.session_state.get("network_key", BUILTIN_KEY)


def use_uploaded(network: Network, key: str) -> None:
    st.session_state["uploaded_network"] = network
    st.session_state["network_key"] = key
    st.session_state["network_token"] = uuid.uuid4().hex


def use_builtin() -> None:
    st.session_state.pop("uploaded_network", None)
    st.session_state.pop("network_key", None)
    st.session_state.pop("network_token", None)


def _token(network: Network) -> str:
    """A cache key for a network object: 'builtin', or the token of this session's upload.

    (An object's id() could be reused by a later upload and hit a stale cache entry.)
    """
    if network is st.session_state.get("uploaded_network"):
        return st.session_state["network_token"]
    return f"object-{id(network)}" if network is not builtin_network() else BUILTIN_KEY


def workbook_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


@st.cache_resource(show_spinner="Beregner matchscorer …", max_entries=16)
def _scoring_context(_network: Network, network_token: str, config_json: str):
    from matching.config import ScoringConfig
    from matching.context import scoring_context

    return scoring_context(_network, ScoringConfig.model_validate_json(config_json))


def current_scoring_context(config=None):
    """The scoring context of the current network (cached per network and configuration)."""
    from matching.config import ScoringConfig

    network = current_network()
    config = config or ScoringConfig()
    return _scoring_context(network, _token(network), config.model_dump_json())


@st.cache_resource
def decision_store():
    """The app's decision store (location from $STU_MATCH_DB)."""
    from stu_match.store import DecisionStore

    return DecisionStore()


@st.cache_resource(show_spinner=False, max_entries=32)
def _plan(
    _network: Network, network_token: str, locks: tuple, forbids: tuple, objective: str, config_json: str
):
    from matching.config import ScoringConfig
    from optimizer.problem import SolveParams
    from optimizer.scenarios import plan_network

    config = ScoringConfig.model_validate_json(config_json)
    return plan_network(
        _network, config, locks, forbids, SolveParams(objective=objective, time_limit_seconds=20)
    )


def plan_for(network: Network, locks=(), forbids=(), objective: str = "count-then-score", config=None):
    """The cohort plan for a network and decisions (cached: re-solving the same question is instant)."""
    from matching.config import ScoringConfig

    config = config or ScoringConfig()
    return _plan(
        network,
        _token(network),
        tuple(sorted(locks)),
        tuple(sorted(forbids)),
        objective,
        config.model_dump_json(),
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def _gap_parts(_network: Network, network_token: str):
    """The cheap part of the coordinator's report: pairs, plan, gaps and needs."""
    from optimizer.gaps import industry_area_gaps, need_gaps
    from optimizer.network_report import group_unplaced

    context = current_scoring_context_for(_network)
    plan = plan_for(_network)
    pairs = plan.problem.pairs
    return (
        industry_area_gaps(_network, pairs, plan.company_of_student),
        need_gaps(_network, pairs, plan.company_of_student),
        group_unplaced(plan),
        context,
        plan,
    )


def gap_parts_for(network: Network):
    return _gap_parts(network, _token(network))


@st.cache_resource(show_spinner=False, max_entries=8)
def _recruitment(_network: Network, network_token: str):
    """The verified part: recommendations and critical companies (each re-solves the plan)."""
    from optimizer.recruitment import critical_companies, recommend_companies

    *_, context, plan = gap_parts_for(_network)
    pairs = plan.problem.pairs
    return (
        recommend_companies(context, pairs, plan.company_of_student),
        critical_companies(_network, pairs, plan.company_of_student),
    )


def recruitment_for(network: Network):
    return _recruitment(network, _token(network))


def current_scoring_context_for(network: Network):
    from matching.config import ScoringConfig

    return _scoring_context(network, _token(network), ScoringConfig().model_dump_json())


@st.cache_resource(show_spinner=False, max_entries=32)
def _scenario_plan(_network: Network, network_token: str, settings_json: str):
    """The plan of a what-if scenario, cached by the base network and the settings."""
    from optimizer.scenarios import ScenarioSettings, apply_scenario, plan_network

    changed, config = apply_scenario(_network, ScenarioSettings.model_validate_json(settings_json))
    return plan_network(changed, config)


def scenario_plan_for(network: Network, settings):
    return _scenario_plan(network, _token(network), settings.model_dump_json())


@st.cache_data(show_spinner=False, max_entries=4)
def _template(_network: Network, network_token: str) -> bytes:
    return workbook_bytes(_network.frames())


def template_bytes(network: Network) -> bytes:
    """The network as an Excel workbook (the upload template), built once per network."""
    return _template(network, _token(network))
