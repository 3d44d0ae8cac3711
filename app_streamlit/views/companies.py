"""Virksomheder: the relation to each company — contact person, contact log, companies not contacted
for a while, and a company that leaves the network or closes (its students are re-planned)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from app_streamlit import state
from app_streamlit.labels import out_of, site_name
from app_streamlit.session import current_actor, flash, show_flashes
from features.safe_text import escape_markdown
from placement_service import Actor, InputError, OpenNetwork, Role, danish_date
from placement_service.after_match import COMPANY_STATUS_LABELS, DEFAULT_CONTACT_DAYS, CompanyStatus
from placement_service.company_changes import (
    close_company,
    company_contacts,
    company_relation,
    company_status,
    contact_log,
    log_contact,
    reopen_company,
    set_company_relation,
)

DATE_FORMAT = "DD.MM.YYYY"
CLOSURE_KEY = "companies_closure"  # the last closure's summary, shown after the rerun


def render() -> None:
    st.title("Virksomheder")
    show_flashes()
    actor = current_actor()
    if actor.is_demo:
        st.info(
            "Her holder jobkonsulenter og netværkskoordinatorer styr på relationen til hver virksomhed: "
            "kontaktperson, kontaktlog, hvad virksomheden efterspørger, og virksomheder der træder ud eller "
            "lukker. Det gemmes, så du skal være logget ind: log ind i sidepanelet."
        )
        st.stop()
    if actor.role not in (Role.JOBKONSULENT, Role.NETVAERKSKOORDINATOR):
        st.info("Virksomheder er for jobkonsulenter og netværkskoordinatorer.")
        st.stop()
    opened = state.current()
    _not_contacted(opened, actor)
    _one_company(opened, actor)


def _not_contacted(opened: OpenNetwork, actor: Actor) -> None:
    st.subheader("Virksomheder uden kontakt")
    days = int(
        st.number_input(
            "Markér virksomheder uden kontakt i mindst så mange dage",
            min_value=7,
            max_value=730,
            value=DEFAULT_CONTACT_DAYS,
            step=30,
            key="companies_days",
        )
    )
    statuses = company_contacts(state.store(), opened.network_id, opened.network, actor, after_days=days)
    overdue = [s for s in statuses if s.overdue]
    never = sum(s.last_contact is None for s in overdue)
    st.metric(f"Ikke kontaktet i {days} dage", out_of(len(overdue), len(statuses)))
    if never:
        st.caption(f"Heraf {never} uden nogen registreret kontakt.")
    show_all = st.toggle("Vis alle aktive virksomheder", key="companies_show_all")
    shown = statuses if show_all else overdue
    if not shown:
        st.success(f"Alle aktive virksomheder er kontaktet inden for {days} dage.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Virksomhed": s.company_id,
                    "Navn": s.name,
                    "Seneste kontakt": danish_date(s.last_contact) or "Aldrig",
                    "Dage siden": "" if s.days_since is None else str(s.days_since),
                    "Kontaktperson": s.relation.contact_person if s.relation else "",
                    "Efterspørger": s.relation.asks_for if s.relation else "",
                }
                for s in shown
            ]
        ),
        hide_index=True,
        width="stretch",
        height=300,
    )


def _one_company(opened: OpenNetwork, actor: Actor) -> None:
    st.subheader("En virksomhed")
    network = opened.network
    names = {c.company_id: f"{c.company_id} · {c.name}" for c in network.companies}
    company_id = st.selectbox(
        "Virksomhed", sorted(names), format_func=names.__getitem__, key="companies_pick"
    )
    store = state.store()
    status = company_status(store, opened.network_id, network, actor, company_id)
    active = status is None or status.status == CompanyStatus.ACTIVE
    if active:
        st.caption("Status: aktiv i netværket.")
    else:
        assert status is not None
        st.warning(
            f"{COMPANY_STATUS_LABELS[CompanyStatus(status.status)]} pr. {danish_date(status.on_date)} "
            f"(registreret af {escape_markdown(status.user)}). Virksomheden indgår ikke i planen."
        )
    _closure_summary(opened, company_id)
    left, right = st.columns(2)
    with left:
        _relation(opened, actor, company_id)
    with right:
        _contact_form(opened, actor, company_id)
    _contact_log(opened, actor, company_id)
    if active:
        _close(opened, actor, company_id)
    else:
        st.button(
            "Genaktivér virksomheden", key="companies_reopen", on_click=_on_reopen, args=(opened, company_id)
        )


def _relation(opened: OpenNetwork, actor: Actor, company_id: str) -> None:
    st.markdown("**Kontaktperson og ønsker**")
    relation = company_relation(state.store(), opened.network_id, opened.network, actor, company_id)
    with st.form(f"companies_relation_form_{company_id}"):
        st.text_input(
            "Kontaktperson",
            value=relation.contact_person if relation else "",
            key=f"companies_contact_person_{company_id}",
            placeholder="Navn, telefon, e-mail",
        )
        st.text_area(
            "Hvad virksomheden efterspørger",
            value=relation.asks_for if relation else "",
            key=f"companies_asks_for_{company_id}",
            placeholder="Fx opgaver, der kan samles til et job: sortering, opfyldning, rengøring",
        )
        st.form_submit_button(
            "Gem kontaktoplysninger",
            key=f"companies_relation_{company_id}",
            on_click=_on_relation,
            args=(opened, company_id),
        )
    if relation:
        st.caption(f"Senest ændret af {escape_markdown(relation.user)}.")


def _on_relation(opened: OpenNetwork, company_id: str) -> None:
    values = st.session_state
    if _saved(
        lambda: set_company_relation(
            state.store(),
            opened.network_id,
            opened.network,
            current_actor(),
            company_id,
            contact_person=str(values.get(f"companies_contact_person_{company_id}", "")),
            asks_for=str(values.get(f"companies_asks_for_{company_id}", "")),
        )
    ):
        flash("success", f"Kontaktoplysningerne for {escape_markdown(_name(opened, company_id))} er gemt.")


def _contact_form(opened: OpenNetwork, actor: Actor, company_id: str) -> None:
    st.markdown("**Registrér en kontakt**")
    with st.form(f"companies_contact_form_{company_id}"):
        c1, c2 = st.columns(2)
        c1.date_input(
            "Dato", max_value=date.today(), format=DATE_FORMAT, key=f"companies_contact_date_{company_id}"
        )
        c2.text_input("Hvem", value=actor.name, key=f"companies_contact_who_{company_id}")
        st.text_input(
            "Hvad", key=f"companies_contact_what_{company_id}", placeholder="Fx besøg, telefonsamtale"
        )
        st.text_input(
            "Næste skridt", key=f"companies_contact_next_{company_id}", placeholder="Fx ring igen i januar"
        )
        st.form_submit_button(
            "Gem kontakten",
            key=f"companies_contact_{company_id}",
            on_click=_on_contact,
            args=(opened, company_id),
        )


def _on_contact(opened: OpenNetwork, company_id: str) -> None:
    values = st.session_state
    on_date = values.get(f"companies_contact_date_{company_id}")
    if _saved(
        lambda: log_contact(
            state.store(),
            opened.network_id,
            opened.network,
            current_actor(),
            company_id,
            on_date=on_date,
            who=str(values.get(f"companies_contact_who_{company_id}", "")),
            what=str(values.get(f"companies_contact_what_{company_id}", "")),
            next_step=str(values.get(f"companies_contact_next_{company_id}", "")),
        )
    ):
        for field in ("what", "next"):
            values.pop(f"companies_contact_{field}_{company_id}", None)
        flash(
            "success",
            f"Kontakten med {escape_markdown(_name(opened, company_id))} den {danish_date(str(on_date))} er gemt.",
        )


def _contact_log(opened: OpenNetwork, actor: Actor, company_id: str) -> None:
    log = contact_log(state.store(), opened.network_id, opened.network, actor, company_id)
    st.markdown(f"**Kontaktlog ({len(log)})**")
    if not log:
        st.caption("Ingen kontakter registreret endnu.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Dato": danish_date(c.on_date),
                    "Hvem": c.who,
                    "Hvad": c.what,
                    "Næste skridt": c.next_step,
                    "Registreret af": c.user,
                }
                for c in sorted(log, key=lambda c: (c.on_date, c.id), reverse=True)
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def _close(opened: OpenNetwork, actor: Actor, company_id: str) -> None:
    with st.expander("Virksomheden træder ud af netværket eller lukker"):
        st.caption(
            "Virksomhedens aftalte og igangværende forløb afsluttes, den indgår ikke længere i planen, og dens "
            "elever får nye forslag, mens så få andre elever som muligt flytter."
        )
        c1, c2 = st.columns(2)
        c1.radio(
            "Hvad er sket",
            [CompanyStatus.WITHDRAWN, CompanyStatus.CLOSED],
            format_func=lambda s: COMPANY_STATUS_LABELS[s],
            key="companies_close_status",
        )
        c2.date_input("Fra dato", format=DATE_FORMAT, key="companies_close_date")
        sure = st.checkbox(
            "Ja, afslut virksomhedens forløb og find nye pladser til eleverne",
            key=f"companies_close_sure_{company_id}",
        )
        if st.button("Markér virksomheden", key="companies_close", disabled=not sure):
            _on_close(opened, actor, company_id)


def _on_close(opened: OpenNetwork, actor: Actor, company_id: str) -> None:
    values = st.session_state
    status = CompanyStatus(values.get("companies_close_status", CompanyStatus.WITHDRAWN))
    try:
        with st.spinner("Afslutter forløb og finder nye pladser med færrest mulige flytninger …"):
            closure = close_company(
                state.store(),
                opened.network_id,
                state.scoring(opened),
                actor,
                company_id,
                status,
                values.get("companies_close_date"),
            )
    except InputError as error:
        st.error(escape_markdown(error.message_da))
        return
    values[CLOSURE_KEY] = {
        "company_id": closure.company_id,
        "status": closure.status.value,
        "on_date": closure.on_date,
        "released": [(r.student_id, r.stu_site, r.proposed_company_id) for r in closure.released],
        "others_moved": len(closure.others_moved),
    }
    flash(
        "success",
        f"{escape_markdown(_name(opened, company_id))} er markeret som "
        f"{COMPANY_STATUS_LABELS[closure.status].lower()} pr. {danish_date(closure.on_date)}.",
    )
    st.rerun()


def _closure_summary(opened: OpenNetwork, company_id: str) -> None:
    summary: dict[str, Any] | None = st.session_state.get(CLOSURE_KEY)
    if not summary or summary["company_id"] != company_id:
        return
    released = summary["released"]
    with st.container(border=True):
        st.markdown(f"**Elever fra {escape_markdown(_name(opened, company_id))}, der skal have en ny plads**")
        if released:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "Elev": s,
                            "STU-sted": site_name(site),
                            "Forslag til ny virksomhed": _name(opened, c) if c else "Ingen plads fundet",
                        }
                        for s, site, c in released
                    ]
                ),
                hide_index=True,
                width="stretch",
            )
        else:
            st.caption("Ingen elever havde plads hos virksomheden.")
        moved = summary["others_moved"]
        st.caption(
            "Ingen andre elever flytter."
            if moved == 0
            else f"{moved} {'anden elev flytter' if moved == 1 else 'andre elever flytter'} for at give plads. "
            "Forslagene ses under **Placeringsplan**, hvor jobkonsulenterne godkender dem."
        )


def _on_reopen(opened: OpenNetwork, company_id: str) -> None:
    if _saved(
        lambda: reopen_company(state.store(), opened.network_id, opened.network, current_actor(), company_id)
    ):
        st.session_state.pop(CLOSURE_KEY, None)
        flash("success", f"{escape_markdown(_name(opened, company_id))} er aktiv i netværket igen.")


def _name(opened: OpenNetwork, company_id: str) -> str:
    network = opened.network
    return network.company(company_id).name if company_id in network.company_position else company_id


def _saved(write: Callable[[], object]) -> bool:
    """Run a write; a refusal becomes its Danish message on the page and nothing is written."""
    try:
        write()
    except InputError as error:  # AccessDeniedError is an InputError
        flash("error", escape_markdown(error.message_da))
        return False
    return True


render()
