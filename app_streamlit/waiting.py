"""Pages that need the decided plan or the scoring: the result, or its progress while it is computed in the
background.

On a small network both are ready at once (solved in about a second, or read from the
results kept on disk). On a large network never seen before, solving may take up to the
time limit and scoring several seconds: the page then shows what it has drawn so far and
the progress, and is drawn again by itself when the result is ready.
"""

from __future__ import annotations

import time

import streamlit as st

from app_streamlit import state
from app_streamlit.labels import number
from placement_service import DEFAULT_OBJECTIVE, DEFAULT_TIME_LIMIT_SECONDS, OpenNetwork, Plan, ScoringContext


def decided_plan_or_wait(opened: OpenNetwork, objective: str = DEFAULT_OBJECTIVE) -> Plan:
    """The decided plan; while it is being solved, its progress, and the page stops here.

    Conflicting decisions raise the service's ``InputError``, as ``state.decided_plan`` does.
    """
    job = state.plan_job(opened, objective)
    if job.error is not None:
        if state.refused(job.error):
            raise job.error
        failed("Placeringsplanen kunne ikke løses på grund af en fejl.")
    if job.result is None:
        _solving(job)
        st.stop()
    return job.result


def failed(what: str, key: str = "retry_failed_work", *, stop: bool = True) -> None:
    """A background computation failed (logged on the server): say so in Danish and offer to try again; the
    page stops here if ``stop``."""
    st.error(
        f"{what} Fejlen er skrevet i serverens log. Prøv igen; sker det igen, så kontakt jeres administrator."
    )
    if st.button("Prøv igen", key=key, type="primary"):
        state.retry_failed_work()
        st.rerun()
    if stop:
        st.stop()


@st.fragment(run_every=1.0)
def _solving(job: state.PlanJob) -> None:
    """The solve's progress, redrawn every second; the whole page is drawn again when it is done."""
    if not job.pending:
        st.rerun()
    elapsed = time.monotonic() - job.started
    limit = DEFAULT_TIME_LIMIT_SECONDS
    st.progress(
        min(elapsed / limit, 0.99),
        text=f"Løser placeringsplanen for hele netværket: {number(elapsed, 0)} s af højst {number(limit, 0)} s …",
    )
    st.caption(
        "Siden vises, så snart planen er løst. Planen gemmes, så den kun løses én gang for disse data og "
        "beslutninger; de andre sider kan bruges imens."
    )


def scoring_or_wait(opened: OpenNetwork) -> ScoringContext:
    """The network's scoring; while it is computed, how long it has run so far, and the page stops here."""
    job = state.scoring_job(opened)
    if job.error is not None:
        if state.refused(job.error):
            raise job.error
        failed("Matchscorerne kunne ikke beregnes på grund af en fejl.")
    if job.result is None:
        network = opened.network
        _scoring(job, len(network.students), len(network.companies))
        st.stop()
    return job.result


@st.fragment(run_every=1.0)
def _scoring(job: state.Job[ScoringContext], students: int, companies: int) -> None:
    """The scoring's running time, redrawn every second; the whole page is drawn again when it is done."""
    if not job.pending:
        st.rerun()
    elapsed = time.monotonic() - job.started
    st.info(
        f"Beregner matchscorer for netværkets {number(students, 0)} elever og {number(companies, 0)} "
        f"virksomheder: {number(elapsed, 0)} s indtil nu …"
    )
    st.caption("Forslagene vises, så snart scorerne er beregnet; de andre sider kan bruges imens.")
