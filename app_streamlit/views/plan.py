"""Placeringsplan: the cohort plan; approve, reject, lock or forbid; re-solve; unplaced; why not; export; briefs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_streamlit.data import current_network, current_network_key, decision_store, plan_for, workbook_bytes
from app_streamlit.labels import number
from app_streamlit.session import current_user, sidebar_user
from features.consent import company_brief, render_markdown
from features.errors import InputError
from features.vocabulary import INDUSTRY_LABELS
from optimizer.explain import unplaced_reasons, why_not
from stu_match.store import DECISION_LABELS, DecisionKind

AUDIT_LABELS = {
    "decision:approve": "Godkendte",
    "decision:reject": "Afviste",
    "decision:lock": "Låste",
    "decision:forbid": "Udelukkede",
    "decision:clear": "Ryddede beslutning",
    "plan:save": "Gemte plan",
    "scenario:save": "Gemte scenarie",
    "scenario:delete": "Slettede scenarie",
}

ACTIONS = {
    "": None,
    "Godkend": DecisionKind.APPROVE,
    "Afvis": DecisionKind.REJECT,
    "Lås": DecisionKind.LOCK,
    "Udeluk": DecisionKind.FORBID,
    "Ryd beslutning": DecisionKind.CLEAR,
}

st.title("Placeringsplan")
sidebar_user()
network = current_network()
key = current_network_key()
store = decision_store()

decisions = store.current_decisions(key)
students = set(network.student_position)
companies = set(network.company_position)
known = [d for d in decisions if d.student_id in students and d.company_id in companies]
if len(known) < len(decisions):
    st.warning(
        f"{len(decisions) - len(known)} beslutning(er) gælder elever eller virksomheder, som ikke er i data længere."
    )
locks = [(d.student_id, d.company_id) for d in known if d.kind in (DecisionKind.APPROVE, DecisionKind.LOCK)]
forbids = [
    (d.student_id, d.company_id) for d in known if d.kind in (DecisionKind.REJECT, DecisionKind.FORBID)
]
objective = st.radio(
    "Mål",
    ["count-then-score", "fairness"],
    format_func={
        "count-then-score": "Flest placerede, derefter højeste samlede score",
        "fairness": "Flest placerede, derefter løft den laveste score",
    }.get,
    horizontal=True,
    key="plan_objective",
)

with st.status("Løser placeringsplanen …", expanded=False) as status:
    try:
        result = plan_for(network, locks, forbids, objective)
    except InputError as error:
        status.update(label="Beslutningerne er i konflikt", state="error")
        st.error(error.message_da)
        st.markdown("Ryd en af de modstridende beslutninger herunder, og løs igen.")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Elev": d.student_id,
                        "Virksomhed": d.company_id,
                        "Beslutning": DECISION_LABELS[d.kind],
                        "Af": d.user,
                    }
                    for d in known
                ]
            ),
            hide_index=True,
        )
        clear = st.selectbox(
            "Beslutning der skal ryddes",
            [f"{d.student_id} → {d.company_id}" for d in known],
            key="plan_clear_pick",
        )
        if st.button("Ryd beslutningen", key="plan_clear") and clear:
            if not current_user():
                st.warning("Skriv dit navn i sidepanelet, før du ændrer beslutninger.")
            else:
                student_id, company_id = clear.split(" → ")
                store.record(key, student_id, company_id, DecisionKind.CLEAR, current_user())
                st.rerun()
        st.stop()
    status.update(
        label=f"Planen er løst på {number(result.solve_seconds, 2)} s ({'bevist optimal' if result.status == 'OPTIMAL' else 'tidsgrænsen nået'})",
        state="complete",
    )

c1, c2, c3, c4 = st.columns(4)
c1.metric("Placerede elever", f"{result.placed} af {result.students}")
c2.metric("Samlet score", number(result.total_score, 0))
c3.metric("Laveste score", number(result.min_score or 0))
c4.metric("Beslutninger", len(known))

decision_of = {(d.student_id, d.company_id): d for d in known}
rows = []
for a in result.assignments():
    company = network.company(a.company_id)
    decision = decision_of.get((a.student_id, a.company_id))
    rows.append(
        {
            "Elev": a.student_id,
            "Virksomhed": a.company_id,
            "Navn": company.name,
            "Branche": INDUSTRY_LABELS[company.industry],
            "Score": round(a.score, 1),
            "Transport (min)": round(a.travel_minutes),
            "Status": DECISION_LABELS[decision.kind] if decision else "Forslag",
            "Beslutning": "",
        }
    )
plan_frame = pd.DataFrame(rows)
st.subheader("Forslag")
st.caption(
    "Vælg en beslutning i kolonnen **Beslutning** og gem. Godkendte og låste placeringer holdes, afviste og udelukkede bruges ikke, når planen løses igen."
)
edited = st.data_editor(
    plan_frame,
    hide_index=True,
    width="stretch",
    disabled=[c for c in plan_frame.columns if c != "Beslutning"],
    column_config={
        "Beslutning": st.column_config.SelectboxColumn("Beslutning", options=list(ACTIONS), required=False),
        "Score": st.column_config.ProgressColumn("Score", min_value=0, max_value=100, format="%.1f"),
    },
    key="plan_editor",
)
save, approve_all, _ = st.columns([1, 1, 2])
if save.button("Gem beslutninger og løs igen", type="primary", key="plan_save"):
    chosen = [
        (r["Elev"], r["Virksomhed"], ACTIONS[r["Beslutning"]])
        for _, r in edited.iterrows()
        if ACTIONS.get(r["Beslutning"])
    ]
    if not current_user():
        st.warning("Skriv dit navn i sidepanelet, før du gemmer beslutninger.")
    elif not chosen:
        st.info("Ingen beslutninger valgt.")
    else:
        store.record_many(key, chosen, current_user())
        st.toast(f"{len(chosen)} beslutning(er) gemt.")
        st.rerun()
if approve_all.button("Godkend hele planen", key="plan_approve_all"):
    if not current_user():
        st.warning("Skriv dit navn i sidepanelet, før du godkender planen.")
    else:
        assignments = [a.as_dict() for a in result.assignments()]
        store.record_many(
            key,
            [(a["student_id"], a["company_id"], DecisionKind.APPROVE) for a in assignments],
            current_user(),
        )
        store.save_plan(key, f"Plan {pd.Timestamp.now():%Y-%m-%d %H:%M}", assignments, current_user())
        st.toast("Planen er godkendt og gemt.")
        st.rerun()

with st.expander("Beslut om én placering", expanded=True):
    options = [f"{r['Elev']} → {r['Virksomhed']} · {r['Navn']} ({r['Status'].lower()})" for r in rows]
    one = st.selectbox("Placering", options, key="plan_one_pick")
    action = st.radio("Beslutning", [a for a in ACTIONS if a], horizontal=True, key="plan_one_action")
    if st.button("Gem beslutningen", key="plan_one_save") and one:
        if not current_user():
            st.warning("Skriv dit navn i sidepanelet, før du gemmer beslutninger.")
        else:
            picked = rows[options.index(one)]
            store.record(key, picked["Elev"], picked["Virksomhed"], ACTIONS[action], current_user())
            st.toast("Beslutningen er gemt.")
            st.rerun()

st.subheader("Elever uden plads")
reasons = unplaced_reasons(result)
if reasons:
    st.dataframe(
        pd.DataFrame([{"Elev": s, "Årsager": " · ".join(r.text for r in rs)} for s, rs in reasons.items()]),
        hide_index=True,
        width="stretch",
    )
else:
    st.success("Alle elever har en plads i planen.")

st.subheader("Hvorfor ikke?")
w1, w2 = st.columns(2)
ask_student = w1.selectbox("Elev", sorted(students), key="plan_whynot_student")
ask_company = w2.selectbox(
    "Virksomhed",
    sorted(companies),
    format_func=lambda c: f"{c} · {network.company(c).name}",
    key="plan_whynot_company",
)
if st.button("Forklar", key="plan_whynot"):
    answer = why_not(result, ask_student, ask_company)
    (st.warning if answer.blocking else st.info)(answer.text)

st.subheader("Eksport og praktikbrief")
export = plan_frame.drop(columns=["Beslutning"])
e1, e2 = st.columns(2)
e1.download_button(
    "Hent planen som CSV",
    export.to_csv(index=False).encode("utf-8-sig"),
    "placeringsplan.csv",
    "text/csv",
    key="plan_csv",
)
e2.download_button(
    "Hent planen som Excel",
    workbook_bytes({"placeringsplan": export}),
    "placeringsplan.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="plan_xlsx",
)
if rows:
    pick = st.selectbox(
        "Praktikbrief til virksomheden (kun det, eleven har givet samtykke til at dele)",
        [f"{r['Elev']} → {r['Navn']}" for r in rows],
        key="plan_brief_pick",
    )
    row = rows[[f"{r['Elev']} → {r['Navn']}" for r in rows].index(pick)]
    brief = render_markdown(company_brief(network.student(row["Elev"]), network.company(row["Virksomhed"])))
    with st.container(border=True):
        st.markdown(brief)
    st.download_button(
        "Hent praktikbrief",
        brief.encode("utf-8"),
        f"praktikbrief-{row['Elev']}.md",
        "text/markdown",
        key="plan_brief",
    )

with st.expander("Historik: hvem har besluttet hvad og hvornår"):
    trail = store.audit_trail(key, limit=200)
    if trail:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Tidspunkt (UTC)": entry.at.replace("T", " ")[:19],
                        "Bruger": entry.user,
                        "Handling": AUDIT_LABELS.get(entry.action, entry.action),
                        "Detaljer": ", ".join(f"{k}: {v}" for k, v in entry.details.items()),
                    }
                    for entry in trail
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("Ingen beslutninger endnu.")
