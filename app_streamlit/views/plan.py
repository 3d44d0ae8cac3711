"""Placeringsplan: the cohort plan; approve, reject, lock or forbid; re-solve; unplaced; why not; export; briefs.

Every decision names its pair by IDs taken from what the page showed (callbacks
receive the shown rows as arguments), and carries the decision version of the
plan it was made on; the service refuses it if the pair changed in between.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pandas as pd
import streamlit as st

from app_streamlit import state, waiting
from app_streamlit.labels import number, out_of
from app_streamlit.session import current_actor, flash, show_flashes
from app_streamlit.tables import wrapped_table
from features.consent import render_markdown
from features.safe_files import danish_csv_bytes, safe_workbook_bytes
from features.safe_text import escape_markdown
from features.vocabulary import INDUSTRY_LABELS
from placement_service import (
    COPENHAGEN,
    DECISION_ACTIONS,
    DECISION_HELP,
    DECISION_LABELS,
    Actor,
    Decision,
    DecisionKind,
    DecisionSet,
    InputError,
    OpenNetwork,
    Plan,
    approve_plan,
    brief_for,
    danish_time,
    decide,
    may_see_plan,
)
from placement_service.access import students_in_view
from placement_service.brief_pdf import brief_pdf_bytes
from placement_service.plan_status import bound_da
from placement_service.planning import OBJECTIVE_LABELS
from placement_service.use_cases import record_opening

AUDIT_LABELS = {
    "decision:approve": "Godkendte",
    "decision:reject": "Afviste",
    "decision:lock": "Låste",
    "decision:forbid": "Udelukkede",
    "decision:clear": "Ryddede beslutning",
    "plan:save": "Godkendte planen",
    "brief:open": "Åbnede praktikbrief",
    "student:open": "Åbnede elevprofil",
    "consent:give": "Registrerede samtykke",
    "consent:withdraw": "Registrerede tilbagetrukket samtykke",
    "student:delete": "Slettede elevens data",
    "scenario:save": "Gemte scenarie",
    "scenario:delete": "Slettede scenarie",
    "network:register": "Oprettede netværket",
    "network:version": "Indlæste ny version af data",
}
CHOICES: dict[str, DecisionKind] = {DECISION_ACTIONS[k]: k for k in DecisionKind}
PLAN_ROW = tuple[str, str]  # (student_id, company_id) of a row as shown


def render() -> None:
    st.title("Placeringsplan")
    show_flashes()
    opened = state.current()
    actor = current_actor()
    if not may_see_plan(actor, builtin=opened.is_builtin):
        st.info(
            "Placeringsplanen er for jobkonsulenter: den viser elever på dit eget STU-sted. "
            "Som netværkskoordinator finder du efterspørgsel, mangler og anbefalinger under **Netværk**."
        )
        st.stop()
    objective = st.radio(
        "Mål",
        list(OBJECTIVE_LABELS),
        format_func=OBJECTIVE_LABELS.__getitem__,
        horizontal=True,
        key="plan_objective",
    )
    version, decided = state.decisions(opened)
    if decided.stale:
        st.warning(
            f"{len(decided.stale)} beslutninger gælder elever eller virksomheder, som ikke er i data længere; "
            "de bruges ikke."
        )
    try:
        plan = waiting.decided_plan_or_wait(opened, objective)
    except InputError as error:
        st.error("**Beslutningerne er i konflikt.** " + escape_markdown(error.message_da))
        st.markdown("Ryd en af de modstridende beslutninger herunder, så løses planen igen.")
        _decision_list(opened, decided, version, _own_students(opened, actor))
        st.stop()
    with st.status("Placeringsplanen", expanded=False) as status:
        if plan.all_decided:
            status.update(
                label="Alle placeringer i planen er besluttet (godkendt eller låst)", state="complete"
            )
        elif plan.result.carried_over:
            status.update(
                label="Planen er uændret og stadig bevist optimal: de nye beslutninger følger den, "
                "så den behøver ikke at blive løst igen",
                state="complete",
            )
        else:
            proven = "bevist optimal" if plan.result.status == "OPTIMAL" else "tidsgrænsen nået"
            status.update(
                label=f"Planen er løst på {number(plan.result.solve_seconds, 2)} s ({proven})",
                state="complete",
            )
    bound = bound_da(plan.result.summary())
    if bound is not None:
        st.info(bound, icon=":material/timer:")
    own = _own_students(opened, actor)
    _figures(plan, decided, own)
    rows = _plan_rows(opened, plan, decided, own)
    if actor.is_demo:
        st.info(
            "Du udforsker planen som demo. Log ind som jobkonsulent for at godkende, afvise, låse eller udelukke."
        )
    _decision_table(opened, plan, rows, editable=not actor.is_demo)
    if not actor.is_demo:
        _one_decision(opened, plan, decided, own)
        with st.expander(f"Alle beslutninger om dine elever ({len(_mine(decided, own))})"):
            _decision_list(opened, decided, version, own)
    _outside_interests(plan, own)
    _unplaced(plan, own)
    _why_not(opened, plan, own)
    _exports(opened, plan, rows, own)
    if not actor.is_demo:
        _audit(opened)


def _own_students(opened: OpenNetwork, actor: Actor) -> set[str] | None:
    """The students whose rows the actor sees (None: every student, in the demo)."""
    sites = {s.student_id: s.stu_site for s in opened.network.students}
    return students_in_view(actor, sites, builtin=opened.is_builtin)


def _mine(decided: DecisionSet, own: set[str] | None) -> list[Decision]:
    return [d for d in decided.decisions if own is None or d.student_id in own]


def _figures(plan: Plan, decided: DecisionSet, own: set[str] | None) -> None:
    result = plan.result
    # Two rows, the "x af y" figures twice as wide: five in a row cut "1.289 af 1.700" short.
    count_column, score_column, lowest_column = st.columns([2, 1, 1])
    count_column.metric("Placerede elever", out_of(result.placed, result.students))
    score_column.metric("Samlet score", number(result.total_score, 0))
    lowest = plan.lowest_score
    lowest_column.metric("Laveste score", "–" if lowest is None else number(lowest))
    decisions_column, within_column, _ = st.columns([1, 2, 1])
    decisions_column.metric("Beslutninger", len(_mine(decided, own)))
    within_column.metric("Inden for egne interesser", out_of(result.in_interest, result.placed))
    if own is not None:
        mine = plan.mapping()
        placed = sum(1 for s in own if mine.get(s))
        st.caption(
            f"Dine elever: {out_of(placed, len(own))} har en plads i planen. Tallene ovenfor gælder hele årgangen."
        )


def _plan_rows(
    opened: OpenNetwork, plan: Plan, decided: DecisionSet, own: set[str] | None
) -> list[dict[str, object]]:
    by_pair = decided.by_pair()
    rows = []
    for a in plan.assignments():
        if own is not None and a.student_id not in own:
            continue
        company = opened.network.company(a.company_id)
        decision = by_pair.get((a.student_id, a.company_id))
        rows.append(
            {
                "Elev": a.student_id,
                "Virksomhed": a.company_id,
                "Navn": company.name,
                "Branche": INDUSTRY_LABELS[company.industry],
                "Interesse": interest_label(a.interest_rank),
                "Score": round(a.score, 1),
                "Transport (min)": round(a.travel_minutes),
                "Status": DECISION_LABELS[decision.kind] if decision else "Forslag",
            }
        )
    return rows


def _decision_table(
    opened: OpenNetwork, plan: Plan, rows: list[dict[str, object]], *, editable: bool
) -> None:
    st.subheader("Forslag")
    st.caption(
        "Vælg en beslutning i kolonnen **Beslutning** og gem. Godkendte og låste placeringer holdes, "
        "afviste og udelukkede bruges ikke, når planen løses igen. "
        + " ".join(DECISION_HELP[k] for k in (DecisionKind.REJECT, DecisionKind.FORBID))
    )
    shown: list[PLAN_ROW] = [(str(r["Elev"]), str(r["Virksomhed"])) for r in rows]
    editor_key = f"plan_editor_{opened.network_id}_{plan.decision_version}_{plan.result.objective}"
    frame = pd.DataFrame(
        rows,
        columns=["Elev", "Virksomhed", "Navn", "Branche", "Interesse", "Score", "Transport (min)", "Status"],
    )
    # The score with the reader's own decimal mark ("localized": a Danish browser shows 72,5).
    score_column = st.column_config.ProgressColumn("Score", min_value=0, max_value=100, format="localized")
    if not editable:
        st.dataframe(frame, hide_index=True, width="stretch", column_config={"Score": score_column})
        return
    frame["Beslutning"] = None
    st.data_editor(
        frame,
        hide_index=True,
        width="stretch",
        disabled=[c for c in frame.columns if c != "Beslutning"],
        column_config={
            "Beslutning": st.column_config.SelectboxColumn(
                "Beslutning", options=list(CHOICES), required=False
            ),
            "Score": score_column,
        },
        key=editor_key,
        placeholder="–",
    )
    save, approve_all, _ = st.columns([1, 1, 2])
    save.button(
        "Gem beslutninger og løs igen",
        type="primary",
        key="plan_save",
        on_click=_save_table,
        args=(opened, shown, editor_key, plan.decision_version),
    )
    approve_all.button(
        "Godkend planen for dine elever", key="plan_approve_all", on_click=_approve_all, args=(opened, plan)
    )


def _save_table(opened: OpenNetwork, shown: list[PLAN_ROW], editor_key: str, version: int) -> None:
    """Callback: the table's chosen decisions, on the rows as they were shown."""
    edits = st.session_state.get(editor_key, {}).get("edited_rows", {})
    chosen = []
    for position, change in sorted(edits.items()):
        kind = CHOICES.get(str(change.get("Beslutning") or ""))
        if kind is not None:
            student_id, company_id = shown[int(position)]
            chosen.append((student_id, company_id, kind))
    if not chosen:
        flash("info", "Ingen beslutninger valgt.")
        return
    if _saved(
        lambda: decide(state.store(), opened.network_id, opened.network, chosen, current_actor(), version)
    ):
        flash("success", f"{len(chosen)} beslutninger er gemt, og planen er løst igen.")
    st.session_state.pop(editor_key, None)


def _approve_all(opened: OpenNetwork, plan: Plan) -> None:
    """Callback: approve the plan that was shown, in one transaction."""
    name = f"Plan {datetime.now(COPENHAGEN):%d.%m.%Y %H.%M}"
    if _saved(lambda: approve_plan(state.store(), opened.network_id, plan, name, current_actor())):
        flash("success", "Planen er godkendt og gemt for dine elever. Låste placeringer er stadig låst.")


def _one_decision(opened: OpenNetwork, plan: Plan, decided: DecisionSet, own: set[str] | None) -> None:
    with st.expander("Beslut om én placering", expanded=True):
        proposals = plan.mapping()
        students = sorted(s for s in proposals if own is None or s in own)
        if not students:
            st.caption("Du har ingen elever i dette netværk.")
            return
        if st.session_state.get("plan_one_student") not in proposals:
            st.session_state.pop("plan_one_student", None)
        student_id = st.selectbox("Elev i planen", students, key="plan_one_student")
        company_id = proposals.get(student_id)
        if company_id is None:
            st.info(
                f"{escape_markdown(student_id)} har ingen plads i planen. Se **Elever uden plads** herunder."
            )
            return
        decision = decided.of_pair(student_id, company_id)
        state_text = DECISION_LABELS[decision.kind].lower() if decision else "forslag"
        st.text(
            f"Placering: {student_id} → {company_id} · {opened.network.company(company_id).name} ({state_text})"
        )
        action = st.radio(
            "Beslutning",
            [k for k in DecisionKind],
            format_func=DECISION_ACTIONS.__getitem__,
            horizontal=True,
            key="plan_one_action",
        )
        st.caption(DECISION_HELP[action])
        st.button(
            "Gem beslutningen",
            key="plan_one_save",
            on_click=_save_one,
            args=(opened, student_id, company_id, plan.decision_version),
        )


def _save_one(opened: OpenNetwork, student_id: str, company_id: str, version: int) -> None:
    """Callback: the decision on exactly the pair that was shown."""
    kind = DecisionKind(st.session_state.get("plan_one_action", DecisionKind.APPROVE))
    if _saved(
        lambda: decide(
            state.store(),
            opened.network_id,
            opened.network,
            [(student_id, company_id, kind)],
            current_actor(),
            version,
        )
    ):
        flash(
            "success",
            f"Beslutningen «{DECISION_ACTIONS[kind]}» om {escape_markdown(student_id)} → "
            f"{escape_markdown(company_id)} er gemt.",
        )


def _decision_list(opened: OpenNetwork, decided: DecisionSet, version: int, own: set[str] | None) -> None:
    mine = _mine(decided, own)
    if not mine:
        st.caption("Ingen beslutninger endnu.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Elev": d.student_id,
                    "Virksomhed": d.company_id,
                    "Beslutning": DECISION_LABELS[d.kind],
                    "Af": d.user,
                    "Tidspunkt": danish_time(d.at),
                }
                for d in decided.decisions
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    pairs = [d.pair for d in decided.decisions]
    labels = {
        d.pair: f"{d.student_id} → {d.company_id} ({DECISION_LABELS[d.kind].lower()})"
        for d in decided.decisions
    }
    pick = st.selectbox(
        "Beslutning der skal ryddes", pairs, format_func=labels.__getitem__, key="plan_clear_pick"
    )
    st.button("Ryd beslutningen", key="plan_clear", on_click=_clear, args=(opened, pick, version))


def _clear(opened: OpenNetwork, pair: tuple[str, str] | None, version: int) -> None:
    if pair is None:
        return
    if _saved(
        lambda: decide(
            state.store(),
            opened.network_id,
            opened.network,
            [(*pair, DecisionKind.CLEAR)],
            current_actor(),
            version,
        )
    ):
        flash(
            "success",
            f"Beslutningen om {escape_markdown(pair[0])} → {escape_markdown(pair[1])} er ryddet.",
        )


def _saved(write: Callable[[], object]) -> bool:
    """Run a write; a refusal (no name, a conflict, an unknown ID) becomes a message on the page."""
    try:
        write()
    except InputError as error:
        flash("error", escape_markdown(error.message_da))
        return False
    return True


def _outside_interests(plan: Plan, own: set[str] | None) -> None:
    reasons = {s: text for s, text in plan.outside_interests().items() if own is None or s in own}
    st.subheader(f"Placeret uden for egne interesser ({len(reasons)})")
    if not reasons:
        st.success("Alle placerede elever har en plads inden for deres egne interesser.")
        return
    st.caption(f"Planens mål: {OBJECTIVE_LABELS[plan.result.objective].lower()}.")
    wrapped_table(
        pd.DataFrame(
            [{"Elev": s, "Hvorfor ikke inden for interesserne": text} for s, text in reasons.items()]
        )
    )


def interest_label(rank: int | None) -> str:
    return "Uden for interesser" if rank is None else f"{rank}. valg"


def _unplaced(plan: Plan, own: set[str] | None) -> None:
    st.subheader("Elever uden plads")
    reasons = {s: rs for s, rs in plan.reasons.items() if own is None or s in own}
    if reasons:
        wrapped_table(
            pd.DataFrame(
                [{"Elev": s, "Årsager": " · ".join(r.text for r in rs)} for s, rs in reasons.items()]
            )
        )
    else:
        st.success(
            "Alle dine elever har en plads i planen."
            if own is not None
            else "Alle elever har en plads i planen."
        )


def _why_not(opened: OpenNetwork, plan: Plan, own: set[str] | None) -> None:
    st.subheader("Hvorfor ikke?")
    network = opened.network
    students = sorted(s for s in network.student_position if own is None or s in own)
    if not students:
        return
    w1, w2 = st.columns(2)
    student_id = w1.selectbox("Elev", students, key="plan_whynot_student")
    companies = {c.company_id: f"{c.company_id} · {c.name}" for c in network.companies}
    company_id = w2.selectbox(
        "Virksomhed", sorted(companies), format_func=companies.__getitem__, key="plan_whynot_company"
    )
    if st.button("Forklar", key="plan_whynot"):
        answer = plan.why_not(student_id, company_id)
        (st.warning if answer.blocking else st.info)(escape_markdown(answer.text))


def _exports(opened: OpenNetwork, plan: Plan, rows: list[dict[str, object]], own: set[str] | None) -> None:
    st.subheader("Eksport og praktikbrief")
    export = pd.DataFrame(rows)
    unplaced, decisions = plan.unplaced_table(own), plan.decisions_table(own)
    e1, e2 = st.columns(2)
    e1.download_button(
        "Hent planen som CSV",
        danish_csv_bytes(export),
        "placeringsplan.csv",
        "text/csv",
        key="plan_csv",
        help="Semikolon og decimalkomma, så Excel på dansk åbner den i kolonner.",
    )
    e2.download_button(
        "Hent planen som Excel",
        # Made when clicked (on its own thread), so drawing the page never waits for the workbook.
        lambda: safe_workbook_bytes({"Plan": export, "Uden plads": unplaced, "Beslutninger": decisions}),
        "placeringsplan.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="plan_xlsx",
    )
    if not rows:
        return
    pairs = [(str(r["Elev"]), str(r["Virksomhed"])) for r in rows]
    names = {pair: f"{pair[0]} → {r['Navn']}" for pair, r in zip(pairs, rows, strict=True)}
    if st.session_state.get("plan_brief_pick") not in names:
        st.session_state.pop("plan_brief_pick", None)
    student_id, company_id = st.selectbox(
        "Praktikbrief til virksomheden (kun det, eleven har givet samtykke til at dele)",
        pairs,
        format_func=names.__getitem__,
        key="plan_brief_pick",
    )
    network = opened.network
    opening = (opened.network_id, student_id, company_id, current_actor().name)
    if st.session_state.get("plan_brief_opened") != opening:  # one audit row per brief opened, not per rerun
        record_opening(state.store(), opened.network_id, current_actor(), student_id, "brief:open")
        st.session_state["plan_brief_opened"] = opening
    shared = brief_for(
        state.store(),
        opened.network_id,
        network,
        student_id,
        company_id,
        current_actor(),
        builtin=opened.is_builtin,
    )
    with st.container(border=True):
        st.markdown(render_markdown(shared))
    st.download_button(
        "Hent praktikbrief (PDF)",
        lambda: brief_pdf_bytes(shared, company_id),  # made when clicked
        f"praktikbrief-{student_id}-{company_id}.pdf",
        "application/pdf",
        key="plan_brief",
        help="Med plads til datoer, kontaktpersoner og underskrifter, så den kan bruges som praktikaftale.",
    )


def _audit(opened: OpenNetwork) -> None:
    with st.expander("Historik: hvem har besluttet hvad og hvornår"):
        trail = state.store().audit_trail(opened.network_id, limit=200)
        if not trail:
            st.caption("Ingen beslutninger endnu.")
            return
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Tidspunkt": danish_time(entry.at),
                        "Bruger": entry.user,
                        "Handling": AUDIT_LABELS.get(entry.action, entry.action),
                        "Elev": str(entry.details.get("student_id", "")),
                        "Virksomhed": str(entry.details.get("company_id", "")),
                    }
                    for entry in trail
                ]
            ),
            hide_index=True,
            width="stretch",
        )


render()
