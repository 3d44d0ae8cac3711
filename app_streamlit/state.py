"""The app's link to the placement service: the store, the network in use, and cached results.

Everything expensive is cached by the network's stable ID and version (and, for
plans, the decision version they were solved from), so a new decision means a
new plan and the same question is answered from memory.
"""

from __future__ import annotations

import streamlit as st

from placement_service import (
    DEFAULT_OBJECTIVE,
    DecisionSet,
    DecisionStore,
    NetworkGaps,
    OpenNetwork,
    Plan,
    Recruitment,
    ScenarioOutcome,
    ScenarioSettings,
    ScoringConfig,
    ScoringContext,
    compare_scenario,
    current_decisions,
    eligible_pairs,
    load_builtin,
    network_gaps,
    open_builtin,
    plan_with_decisions,
    recruitment,
    run_retention,
    system_actor,
)
from placement_service.company_changes import inactive_companies, without_companies, without_decisions_at
from placement_service.fairness import Calibration, FairnessReport, calibration_by_group, fairness_report
from placement_service.learning import scoring_for, trained_up_to

OPEN_NETWORK = "open_network"  # session state: this session's uploaded network (an OpenNetwork)


@st.cache_resource
def store() -> DecisionStore:
    """The application database (location from $STU_MATCH_DB); past-retention data is deleted at start-up."""
    opened = DecisionStore()
    run_retention(opened, system_actor())
    return opened


@st.cache_resource(show_spinner="Indlæser netværket …")
def _builtin() -> OpenNetwork:
    return open_builtin(store(), load_builtin())


def current() -> OpenNetwork:
    """The network this session works on: its upload, or the built-in synthetic network."""
    opened = st.session_state.get(OPEN_NETWORK)
    return opened if isinstance(opened, OpenNetwork) else _builtin()


def use(opened: OpenNetwork | None) -> None:
    """Work on ``opened`` from now on (None: the built-in network)."""
    if opened is None:
        st.session_state.pop(OPEN_NETWORK, None)
    else:
        st.session_state[OPEN_NETWORK] = opened


def _token(opened: OpenNetwork) -> str:
    """The network version and the recorded outcomes the model was last retrained on."""
    return f"{opened.network_id}@{opened.version}~{trained_up_to(store(), opened.network_id)}"


@st.cache_resource(show_spinner="Beregner matchscorer …", max_entries=16)
def _scoring(_opened: OpenNetwork, token: str, config_json: str) -> ScoringContext:
    config = ScoringConfig.model_validate_json(config_json)
    return scoring_for(store(), _opened.network_id, _opened.network, config)


def scoring(opened: OpenNetwork, config: ScoringConfig | None = None) -> ScoringContext:
    """The scoring context of a network (cached per network version and configuration)."""
    return _scoring(opened, _token(opened), (config or ScoringConfig()).model_dump_json())


def decisions(opened: OpenNetwork) -> tuple[int, DecisionSet]:
    """The decision version and current decisions of a network (read fresh on every run)."""
    return current_decisions(store(), opened.network_id, opened.network)


def _plan_token(opened: OpenNetwork) -> str:
    """The network version and the companies that have left it: a plan depends on both."""
    return f"{_token(opened)}#{','.join(sorted(inactive_companies(store(), opened.network_id)))}"


@st.cache_resource(show_spinner=False, max_entries=32)
def _plan(_opened: OpenNetwork, token: str, version: int, objective: str, _decided: DecisionSet) -> Plan:
    inactive = inactive_companies(store(), _opened.network_id)
    context = scoring(_opened)
    pairs = without_companies(eligible_pairs(context), inactive) if inactive else None
    return plan_with_decisions(
        context,
        without_decisions_at(_decided, inactive),
        objective=objective,
        decision_version=version,
        pairs=pairs,
    )


def decided_plan(opened: OpenNetwork, objective: str = DEFAULT_OBJECTIVE) -> Plan:
    """The plan with every current decision applied, without companies that have withdrawn or closed
    (cached per decision version and set of such companies)."""
    version, decided = decisions(opened)
    return _plan(opened, _plan_token(opened), version, objective, decided)


@st.cache_resource(show_spinner=False, max_entries=8)
def _gaps(_opened: OpenNetwork, token: str, version: int, _plan: Plan) -> NetworkGaps:
    return network_gaps(_plan)


def gaps(opened: OpenNetwork) -> tuple[Plan, NetworkGaps]:
    """The coordinator's view of the decided plan: demand, supply, needs, unplaced by reason."""
    plan = decided_plan(opened)
    return plan, _gaps(opened, _plan_token(opened), plan.decision_version, plan)


@st.cache_resource(show_spinner=False, max_entries=8)
def _recruitment(_opened: OpenNetwork, token: str, version: int, _plan: Plan) -> Recruitment:
    return recruitment(_plan)


def verified_recruitment(opened: OpenNetwork) -> Recruitment:
    """Companies to recruit and critical companies (each verified by solving again)."""
    plan = decided_plan(opened)
    return _recruitment(opened, _plan_token(opened), plan.decision_version, plan)


@st.cache_resource(show_spinner=False, max_entries=8)
def _calibration(_opened: OpenNetwork, token: str) -> Calibration:
    return calibration_by_group(_opened.network)


@st.cache_resource(show_spinner=False, max_entries=8)
def _fairness(_opened: OpenNetwork, token: str, version: int, _plan: Plan) -> FairnessReport:
    return fairness_report(_plan, _calibration(_opened, _token(_opened)))


def fairness(opened: OpenNetwork) -> FairnessReport:
    """Placement by group in the decided plan (cached per decision version) and the outcome model's
    calibration by group on the network's history (cached per network version)."""
    plan = decided_plan(opened)
    return _fairness(opened, _plan_token(opened), plan.decision_version, plan)


@st.cache_resource(show_spinner=False, max_entries=32)
def _scenario(
    _opened: OpenNetwork, token: str, version: int, settings_json: str, _baseline: Plan
) -> ScenarioOutcome:
    return compare_scenario(_baseline, ScenarioSettings.model_validate_json(settings_json))


def scenario(opened: OpenNetwork, settings: ScenarioSettings) -> ScenarioOutcome:
    """A what-if scenario against the decided plan, with every decision applied."""
    baseline = decided_plan(opened)
    return _scenario(
        opened, _plan_token(opened), baseline.decision_version, settings.model_dump_json(), baseline
    )
