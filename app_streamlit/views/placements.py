"""Forløb: the job consultant's placements after the match — agree, start, follow up, end, outcome.

Every write goes through the placement service, which checks who may do it and every value;
a refusal is shown as its Danish message and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

import pandas as pd
import streamlit as st

from app_streamlit import state
from app_streamlit.labels import days_text, number, student_option
from app_streamlit.session import current_actor, flash, show_flashes
from features.safe_text import escape_markdown
from features.vocabulary import OUTCOME_LABELS, Outcome
from placement_service import Actor, InputError, OpenNetwork, Role, danish_date
from placement_service.after_match import (
    END_REASON_LABELS,
    MEASURED_LABELS,
    PLACEMENT_STATUS_LABELS,
    EndReason,
    Measured,
    PlacementStatus,
    agree_placement,
    end_placement,
    followup_interval,
    followups_due,
    followups_of,
    outcomes_of,
    placements_of,
    record_followup,
    record_outcome,
    set_followup_interval,
    start_placement,
)
from placement_service.after_match_store import PlacementRecord
from placement_service.company_changes import inactive_companies

DATE_FORMAT = "DD.MM.YYYY"
RUNNING = (PlacementStatus.AGREED, PlacementStatus.STARTED)
T = TypeVar("T")


def render() -> None:
    st.title("Forløb")
    show_flashes()
    actor = current_actor()
    if actor.is_demo:
        st.info(
            "Her aftaler, starter og afslutter jobkonsulenten sine elevers praktikforløb, følger op hver "
            "tredje måned og registrerer, hvad eleven gik videre til. Forløb gemmes, så du skal være "
            "logget ind: log ind som jobkonsulent i sidepanelet."
        )
        st.stop()
    if actor.role != Role.JOBKONSULENT:
        st.info(
            "Forløb er for jobkonsulenter: de aftaler og følger op på praktikken for eleverne på deres eget "
            "STU-sted. Som netværkskoordinator finder du virksomhedernes kontakter under **Virksomheder** og "
            "resultaterne under **Styregruppe**."
        )
        st.stop()
    opened = state.current()
    store = state.store()
    records = placements_of(store, opened.network_id, opened.network, actor)
    _figures(opened, actor, records)
    _table(opened, records)
    _one_placement(opened, actor, records)
    _agree(opened, actor, records)
    _interval(opened, actor)


def _save_interval(opened: OpenNetwork, actor: Actor) -> None:
    months = int(st.session_state["placements_interval"])
    try:
        set_followup_interval(state.store(), opened.network_id, actor, months)
    except InputError as error:
        flash("error", error.message_da)
        return
    flash(
        "success", f"Der følges nu op hver {months}. måned." if months > 1 else "Der følges nu op hver måned."
    )


def _interval(opened: OpenNetwork, actor: Actor) -> None:
    """How often placements are followed up in this network (three months unless changed)."""
    months = followup_interval(state.store(), opened.network_id)
    shown = "hver måned" if months == 1 else f"hver {months}. måned"
    with st.expander(f"Opfølgning {shown}"):
        st.caption(
            "Joballiancen dokumenterede forløbet hver tredje måned. Ændringen gælder alle forløb i netværket "
            "og den næste opfølgning for hvert af dem."
        )
        st.number_input(
            "Følg op hver … måned", min_value=1, max_value=12, value=months, step=1, key="placements_interval"
        )
        st.button("Gem", key="placements_interval_save", on_click=_save_interval, args=(opened, actor))


def _company_name(opened: OpenNetwork, company_id: str) -> str:
    if company_id in opened.network.company_position:
        return f"{company_id} · {opened.network.company(company_id).name}"
    return company_id


def _hours(value: float | None) -> str:
    return "" if value is None else number(value, 0 if float(value).is_integer() else 1)


def _status(record: PlacementRecord) -> str:
    return PLACEMENT_STATUS_LABELS[PlacementStatus(record.status)]


def _figures(opened: OpenNetwork, actor: Actor, records: list[PlacementRecord]) -> None:
    counts = {s: sum(r.status == s for r in records) for s in PlacementStatus}
    due = followups_due(state.store(), opened.network_id, opened.network, actor)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Aftalt", counts[PlacementStatus.AGREED])
    c2.metric("I praktik nu", counts[PlacementStatus.STARTED])
    c3.metric("Afsluttet", counts[PlacementStatus.ENDED])
    c4.metric("Opfølgninger over tid", sum(d.overdue for d in due))


def _table(opened: OpenNetwork, records: list[PlacementRecord]) -> None:
    st.subheader("Dine elevers forløb")
    if not records:
        st.info("Du har ingen forløb endnu. Aftal det første herunder.")
        return
    ordered = sorted(records, key=lambda r: (r.status == PlacementStatus.ENDED, r.start_date or "", r.id))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Elev": r.student_id,
                    "Virksomhed": _company_name(opened, r.company_id),
                    "Status": _status(r),
                    "Start": danish_date(r.start_date),
                    "Slut": danish_date(r.end_date),
                    "Timer om ugen": _hours(r.hours_per_week),
                    "Mentor": r.mentor_name or "",
                    "Afsluttet fordi": END_REASON_LABELS[EndReason(r.end_reason)] if r.end_reason else "",
                }
                for r in ordered
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={day: st.column_config.TextColumn(width=100) for day in ("Start", "Slut")},
    )


# --- agree --------------------------------------------------------------------------------------


def _plan_places(opened: OpenNetwork) -> dict[str, str]:
    """Each student's place in the decided plan (empty when the decisions conflict or it is still being solved)."""
    job = state.plan_job(opened)
    if job.result is None:
        return {}
    return {s: c for s, c in job.result.mapping().items() if c}


def _agree(opened: OpenNetwork, actor: Actor, records: list[PlacementRecord]) -> None:
    st.subheader("Aftal et nyt forløb")
    network = opened.network
    own = sorted(s.student_id for s in network.students if s.stu_site in actor.sites)
    if not own:
        st.caption("Du har ingen elever i dette netværk.")
        return
    running = {r.student_id: r for r in records if r.status in RUNNING}
    students = [s for s in own if s not in running]
    if not students:
        st.caption("Alle dine elever har et aftalt eller igangværende forløb.")
        return
    if st.session_state.get("placements_agree_student") not in students:
        st.session_state.pop("placements_agree_student", None)
    student_id = st.selectbox(
        "Elev",
        students,
        format_func=lambda s: student_option(network.student(s)),
        key="placements_agree_student",
        help="Elever med et aftalt eller igangværende forløb er ikke med; afslut forløbet først.",
    )
    inactive = inactive_companies(state.store(), opened.network_id)
    companies = sorted(c.company_id for c in network.companies if c.company_id not in inactive)
    planned = _plan_places(opened).get(student_id)
    with st.form("placements_agree_form", border=True):
        st.selectbox(
            "Virksomhed",
            companies,
            index=companies.index(planned) if planned in companies else 0,
            format_func=lambda c: _company_name(opened, c),
            key=f"placements_agree_company_{student_id}",
        )
        st.caption(
            "Foreslået: elevens plads i den besluttede placeringsplan."
            if planned in companies
            else "Eleven har ingen plads i den besluttede placeringsplan; vælg virksomheden."
        )
        c1, c2, c3 = st.columns(3)
        c1.date_input("Startdato", format=DATE_FORMAT, key="placements_agree_start")
        c2.text_input("Timer om ugen", value="20", key="placements_agree_hours", help="Fx 20 eller 12,5.")
        c3.text_input("Mentorens navn", key="placements_agree_mentor")
        st.text_area(
            "Aftaler",
            key="placements_agree_arrangements",
            placeholder="Fx mødetid, pauser, fast arbejdsplads, hvem eleven ringer til ved sygdom",
        )
        st.form_submit_button(
            "Aftal forløbet",
            type="primary",
            key="placements_agree",
            on_click=_on_agree,
            args=(opened, student_id),
        )


def _on_agree(opened: OpenNetwork, student_id: str) -> None:
    values = st.session_state
    company_id = str(values.get(f"placements_agree_company_{student_id}", ""))
    ok, placement_id = _saved(
        lambda: agree_placement(
            state.store(),
            opened.network_id,
            opened.network,
            current_actor(),
            student_id,
            company_id,
            start_date=values.get("placements_agree_start"),
            hours_per_week=values.get("placements_agree_hours", ""),
            mentor_name=str(values.get("placements_agree_mentor", "")),
            arrangements=str(values.get("placements_agree_arrangements", "")),
        )
    )
    if not ok:
        return
    for key in ("placements_agree_mentor", "placements_agree_arrangements", "placements_agree_hours"):
        values.pop(key, None)
    values["placements_pick"] = placement_id
    flash(
        "success",
        f"Forløbet for {escape_markdown(student_id)} hos "
        f"{escape_markdown(_company_name(opened, company_id))} er aftalt.",
    )


# --- one placement ---------------------------------------------------------------------------


def _one_placement(opened: OpenNetwork, actor: Actor, records: list[PlacementRecord]) -> None:
    if not records:
        return
    st.subheader("Et forløb")
    st.caption("Start, følg op, afslut og registrér udfald for det valgte forløb.")
    by_id = {r.id: r for r in records}
    order = sorted(records, key=lambda r: (r.status == PlacementStatus.ENDED, -r.id))
    if st.session_state.get("placements_pick") not in by_id:
        st.session_state.pop("placements_pick", None)
    placement_id = st.selectbox(
        "Vælg forløb",
        [r.id for r in order],
        format_func=lambda p: (
            f"{by_id[p].student_id} hos {_company_name(opened, by_id[p].company_id)} ({_status(by_id[p]).lower()})"
        ),
        key="placements_pick",
    )
    record = by_id[placement_id]
    with st.container(border=True):
        _details(opened, record)
    status = PlacementStatus(record.status)
    if status == PlacementStatus.AGREED:
        _start(opened, record)
    else:
        _followups(opened, actor, record)
    if status == PlacementStatus.STARTED:
        _followup_form(opened, record)
    if status in RUNNING:
        _end(opened, record)
    _outcome(opened, actor, record)


def _details(opened: OpenNetwork, r: PlacementRecord) -> None:
    st.markdown(
        f"**{escape_markdown(r.student_id)}** hos **{escape_markdown(_company_name(opened, r.company_id))}** · "
        f"{_status(r)}"
    )
    lines = [f"Start: {danish_date(r.start_date) or 'ikke aftalt'}"]
    if r.end_date:
        reason = END_REASON_LABELS[EndReason(r.end_reason)].lower() if r.end_reason else ""
        lines.append(f"Slut: {danish_date(r.end_date)}" + (f" ({reason})" if reason else ""))
    if r.hours_per_week is not None:
        lines.append(f"{_hours(r.hours_per_week)} timer om ugen")
    lines.append(f"Mentor: {r.mentor_name or 'ikke angivet'}")
    st.text(" · ".join(lines))
    if r.arrangements:
        st.markdown(f"**Aftaler:** {escape_markdown(r.arrangements)}")


def _start(opened: OpenNetwork, r: PlacementRecord) -> None:
    st.markdown("**Start forløbet**")
    agreed = date.fromisoformat(r.start_date) if r.start_date else date.today()
    c1, c2 = st.columns([1, 2], vertical_alignment="bottom")
    c1.date_input("Startede den", value=agreed, format=DATE_FORMAT, key=f"placements_start_date_{r.id}")
    c2.button(
        "Start forløbet",
        type="primary",
        key=f"placements_start_{r.id}",
        on_click=_on_start,
        args=(opened, r.id),
    )


def _on_start(opened: OpenNetwork, placement_id: int) -> None:
    started_on = st.session_state.get(f"placements_start_date_{placement_id}")
    ok, _ = _saved(
        lambda: start_placement(
            state.store(), opened.network_id, opened.network, current_actor(), placement_id, started_on
        )
    )
    if ok:
        flash(
            "success",
            f"Forløbet er startet den {started_on:%d.%m.%Y}." if started_on else "Forløbet er startet.",
        )


def _end(opened: OpenNetwork, r: PlacementRecord) -> None:
    with st.expander("Afslut forløbet"), st.form(f"placements_end_form_{r.id}", border=False):
        c1, c2 = st.columns(2)
        c1.date_input("Slutdato", format=DATE_FORMAT, key=f"placements_end_date_{r.id}")
        c2.selectbox(
            "Årsag",
            list(EndReason),
            format_func=END_REASON_LABELS.__getitem__,
            key=f"placements_end_reason_{r.id}",
        )
        st.form_submit_button(
            "Afslut forløbet", key=f"placements_end_{r.id}", on_click=_on_end, args=(opened, r.id)
        )


def _on_end(opened: OpenNetwork, placement_id: int) -> None:
    end_date = st.session_state.get(f"placements_end_date_{placement_id}")
    reason = st.session_state.get(f"placements_end_reason_{placement_id}", EndReason.COMPLETED)
    ok, _ = _saved(
        lambda: end_placement(
            state.store(),
            opened.network_id,
            opened.network,
            current_actor(),
            placement_id,
            end_date=end_date,
            reason=reason,
        )
    )
    if ok:
        flash(
            "success",
            f"Forløbet er afsluttet den {danish_date(str(end_date))} "
            f"({END_REASON_LABELS[EndReason(reason)].lower()}). Husk at registrere udfaldet.",
        )


FOLLOWUP_FIELDS = ("notes", "company", "student", "needs")


def _followup_form(opened: OpenNetwork, r: PlacementRecord) -> None:
    st.markdown("**Registrér en opfølgning**")
    with st.form(f"placements_followup_form_{r.id}"):
        st.date_input("Dato for opfølgningen", format=DATE_FORMAT, key=f"placements_followup_date_{r.id}")
        st.text_area("Jobkonsulentens noter", key=f"placements_followup_notes_{r.id}")
        c1, c2 = st.columns(2)
        c1.text_area("Virksomhedens vurdering", key=f"placements_followup_company_{r.id}")
        c2.text_area(
            "Elevens egen vurdering",
            key=f"placements_followup_student_{r.id}",
            help="Med elevens egne ord: hvordan går det, hvad er svært, hvad vil eleven gerne.",
        )
        st.text_area(
            "Ændrede behov",
            key=f"placements_followup_needs_{r.id}",
            placeholder="Fx færre timer, andre opgaver, mere støtte fra mentor",
        )
        st.form_submit_button(
            "Gem opfølgningen", key=f"placements_followup_{r.id}", on_click=_on_followup, args=(opened, r.id)
        )


def _on_followup(opened: OpenNetwork, placement_id: int) -> None:
    values = st.session_state

    def field(name: str) -> str:
        return str(values.get(f"placements_followup_{name}_{placement_id}", "") or "")

    held_on = values.get(f"placements_followup_date_{placement_id}")
    ok, _ = _saved(
        lambda: record_followup(
            state.store(),
            opened.network_id,
            opened.network,
            current_actor(),
            placement_id,
            held_on=held_on,
            consultant_notes=field("notes"),
            company_view=field("company"),
            student_view=field("student"),
            changed_needs=field("needs"),
        )
    )
    if not ok:
        return
    for name in FOLLOWUP_FIELDS:
        values.pop(f"placements_followup_{name}_{placement_id}", None)
    flash("success", f"Opfølgningen den {danish_date(str(held_on))} er gemt.")


def _followups(opened: OpenNetwork, actor: Actor, r: PlacementRecord) -> None:
    store = state.store()
    held = followups_of(store, opened.network_id, opened.network, actor, r.id)
    st.markdown(f"**Opfølgninger ({len(held)})**")
    if r.status == PlacementStatus.STARTED:
        due = next(
            (
                d
                for d in followups_due(store, opened.network_id, opened.network, actor)
                if d.placement_id == r.id
            ),
            None,
        )
        if due is not None:
            (st.warning if due.overdue else st.caption)(
                f"Næste opfølgning: {danish_date(due.due_on)} ({days_text(due.days)})."
            )
    if not held:
        st.caption("Ingen opfølgninger endnu.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Dato": danish_date(f.held_on),
                    "Jobkonsulentens noter": f.consultant_notes,
                    "Virksomhedens vurdering": f.company_view,
                    "Elevens egen vurdering": f.student_view,
                    "Ændrede behov": f.changed_needs,
                    "Registreret af": f.user,
                }
                for f in reversed(held)
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def _outcome(opened: OpenNetwork, actor: Actor, r: PlacementRecord) -> None:
    st.markdown("**Udfald**")
    st.caption("Hvad eleven gik videre til: ved STU's afslutning og igen 12 måneder efter.")
    recorded = outcomes_of(state.store(), opened.network_id, opened.network, actor, r.student_id)
    if recorded:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "År": str(o.year),
                        "Målt": MEASURED_LABELS[Measured(o.measured)],
                        "Beskæftigelse": OUTCOME_LABELS[Outcome(o.outcome)],
                        "Timer om ugen": _hours(o.hours_per_week),
                        "Virksomhed": _company_name(opened, o.company_id),
                    }
                    for o in recorded
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    year = int(r.end_date[:4]) if r.end_date else date.today().year
    with st.form(f"placements_outcome_form_{r.id}"):
        c1, c2, c3, c4 = st.columns(4)
        c1.number_input(
            "År", min_value=2000, max_value=2100, value=year, step=1, key=f"placements_outcome_year_{r.id}"
        )
        c2.selectbox(
            "Målt",
            list(Measured),
            format_func=MEASURED_LABELS.__getitem__,
            key=f"placements_outcome_measured_{r.id}",
        )
        c3.selectbox(
            "Beskæftigelse",
            list(Outcome),
            format_func=OUTCOME_LABELS.__getitem__,
            key=f"placements_outcome_type_{r.id}",
        )
        c4.text_input(
            "Timer om ugen", key=f"placements_outcome_hours_{r.id}", help="Kan stå tomt, fx ved uddannelse."
        )
        st.form_submit_button(
            "Gem udfaldet", key=f"placements_outcome_{r.id}", on_click=_on_outcome, args=(opened, r)
        )


def _on_outcome(opened: OpenNetwork, r: PlacementRecord) -> None:
    values = st.session_state
    outcome = values.get(f"placements_outcome_type_{r.id}", Outcome.JOB)
    measured = values.get(f"placements_outcome_measured_{r.id}", Measured.STU_END)
    ok, new = _saved(
        lambda: record_outcome(
            state.store(),
            opened.network_id,
            opened.network,
            current_actor(),
            student_id=r.student_id,
            company_id=r.company_id,
            year=values.get(f"placements_outcome_year_{r.id}"),
            outcome=outcome,
            measured=measured,
            hours_per_week=str(values.get(f"placements_outcome_hours_{r.id}", "") or "").strip() or None,
        )
    )
    if not ok:
        return
    if new:
        values.pop(f"placements_outcome_hours_{r.id}", None)
        flash(
            "success",
            f"Udfaldet for {escape_markdown(r.student_id)} er gemt: {OUTCOME_LABELS[Outcome(outcome)].lower()}, "
            f"{MEASURED_LABELS[Measured(measured)].lower()}.",
        )
    else:
        flash("warning", "Udfaldet for det år og det tidspunkt var allerede registreret; intet er ændret.")


def _saved(write: Callable[[], T]) -> tuple[bool, T | None]:
    """Run a write: (True, its result), or (False, None) with its Danish refusal shown on the page.

    A refusal (a bad date, not your student, …) writes nothing; ``AccessDeniedError`` is an ``InputError``.
    """
    try:
        return True, write()
    except InputError as error:
        flash("error", escape_markdown(error.message_da))
        return False, None


render()
