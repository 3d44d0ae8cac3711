"""Elever: one student's profile and shortlist of companies, with reasons and arrangements."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from app_streamlit import state, waiting
from app_streamlit.labels import number, site_name, student_option, travel
from app_streamlit.session import current_actor, flash
from app_streamlit.tables import markdown_table
from features.profiles import Student
from features.safe_text import escape_markdown
from features.vocabulary import (
    IMPAIRMENT_LABELS,
    INDUSTRY_LABELS,
    SHARE_CATEGORY_LABELS,
    STRESS_REACTION_LABELS,
    SUPPORT_LEVEL_LABELS,
    Industry,
    ShareCategory,
    task_level,
)
from placement_service import (
    COMPONENT_LABELS,
    InputError,
    OpenNetwork,
    PairExplanation,
    companies_for_student,
    consent_in_force,
    danish_date,
    give_consent,
    interests_out_of_reach,
    near_misses_for_student,
    student_details,
    visible_students,
    withdraw_consent,
)


def render() -> None:
    st.title("Elever")
    opened = state.current()
    network = opened.network
    if not network.students:
        st.info("Netværket har ingen elever. Upload data under **Data**.")
        st.stop()
    actor = current_actor()
    students = visible_students(actor, network, builtin=opened.is_builtin)
    if not students:
        st.info(
            "Elevernes profiler kan kun ses af jobkonsulenten på elevens eget STU-sted. "
            "Du har ingen elever i dette netværk."
        )
        st.stop()
    labels = {s.student_id: student_option(s) for s in students}
    if st.session_state.get("students_selected") not in labels:
        st.session_state.pop("students_selected", None)
    student_id = st.selectbox("Elev", list(labels), format_func=labels.__getitem__, key="students_selected")
    student = _open(opened, student_id)
    _profile(student)
    _consent(opened, student)
    shortlist = _shortlist(opened, student)
    _near_misses(opened, student)
    _map(opened, student, shortlist)


def _open(opened: OpenNetwork, student_id: str) -> Student:
    """The student's profile through the service, which logs the opening (once per student chosen)."""
    actor = current_actor()
    opening = (opened.network_id, opened.version, actor.name, student_id)
    if st.session_state.get("students_opened") == opening:
        return opened.network.student(student_id)
    try:
        student = student_details(
            state.store(), opened.network_id, opened.network, student_id, actor, builtin=opened.is_builtin
        )
    except InputError as error:
        st.error(escape_markdown(error.message_da))
        st.stop()
    st.session_state["students_opened"] = opening
    return student


def _profile(student: Student) -> None:
    profile, needs = st.columns(2)
    with profile:
        st.subheader("Profil")
        st.markdown(
            f"- **STU-sted:** {escape_markdown(site_name(student.stu_site))}\n"
            f"- **Bopæl:** {escape_markdown(student.home_municipality)}\n"
            f"- **Transport:** {travel(student)}\n"
            f"- **Timer:** {student.min_hours_per_week}–{student.max_hours_per_week} om ugen"
            f"{', kun dagtimer' if student.daytime_only else ''}\n"
            f"- **Opgaver:** kan klare {task_level(student.max_task_complexity)}\n"
            f"- **Interesser:** {', '.join(INDUSTRY_LABELS[i] for i in student.interests)}"
            f"{' (kun første branche)' if student.single_industry_only else ''}"
        )
    with needs:
        st.subheader("Behov og støtte")
        wanted = [
            label
            for flag, label in (
                (student.needs_routine, "rutine og forudsigelighed"),
                (student.needs_shielded_workstation, "skærmet arbejdsplads"),
                (student.needs_mentor, "mentor"),
                (student.needs_wheelchair_access, "kørestolsadgang"),
            )
            if flag
        ]
        st.markdown(
            f"- **Behov:** {', '.join(wanted) or 'ingen særlige'}\n"
            + "\n".join(
                f"- {IMPAIRMENT_LABELS[i]}: {SUPPORT_LEVEL_LABELS[lv].lower()}"
                for i, lv in student.impairments.items()
            )
            + "\n"
            + "\n".join(
                f"- {STRESS_REACTION_LABELS[r]}: {SUPPORT_LEVEL_LABELS[lv].lower()}"
                for r, lv in student.stress_reactions.items()
            )
        )


def _consent(opened: OpenNetwork, student: Student) -> None:
    """The consent in force, and (for the student's own job consultant) recording or withdrawing it."""
    consent = consent_in_force(state.store(), opened.network_id, student)
    shared = (
        ", ".join(SHARE_CATEGORY_LABELS[c] for c in sorted(consent.scope)) or "intet ud over selve praktikken"
    )
    if consent.withdrawn:
        when = f"trukket tilbage {danish_date(consent.withdrawn_on)}"
    elif consent.source == "store":
        when = f"givet {danish_date(consent.given_on)}" if consent.given_on else "registreret uden dato"
    else:
        when = "fra datafilen, uden dato"
    with st.expander(f"Samtykke til at dele med virksomheder ({when})"):
        st.text(f"Må deles: {shared}.")
        actor = current_actor()
        if actor.is_demo:
            st.caption("Log ind som elevens jobkonsulent for at registrere eller trække samtykke tilbage.")
            return
        with st.form(f"consent_{student.student_id}", border=False):
            scope = st.multiselect(
                "Eleven giver samtykke til at dele",
                list(ShareCategory),
                default=sorted(consent.scope),
                format_func=SHARE_CATEGORY_LABELS.__getitem__,
                key=f"consent_scope_{student.student_id}",
            )
            given_on = st.date_input(
                "Samtykket er givet den",
                value=date.today(),
                max_value=date.today(),
                format="DD.MM.YYYY",
                key=f"consent_date_{student.student_id}",
            )
            saved = st.form_submit_button("Gem samtykke")
        if saved:
            _write(
                lambda: give_consent(
                    state.store(),
                    opened.network_id,
                    opened.network,
                    student.student_id,
                    scope,
                    given_on,
                    actor,
                ),
                "Samtykket er gemt. Praktikbreve viser fra nu kun det, eleven har sagt ja til.",
            )
        if not consent.withdrawn and st.button(
            "Træk samtykket tilbage", key=f"consent_withdraw_{student.student_id}"
        ):
            _write(
                lambda: withdraw_consent(
                    state.store(), opened.network_id, opened.network, student.student_id, actor
                ),
                "Samtykket er trukket tilbage. Praktikbreve viser fra nu intet om elevens profil.",
            )


def _write(action: Callable[[], object], done: str) -> None:
    try:
        action()
    except InputError as error:
        st.error(escape_markdown(error.message_da))
        return
    flash("success", done)
    st.rerun()


def _shortlist(opened: OpenNetwork, student: Student) -> list[PairExplanation]:
    st.subheader("Forslag til praktikpladser")
    f1, f2, f3 = st.columns([3, 2, 1])
    industry_by_label = {INDUSTRY_LABELS[i]: i for i in Industry}
    chosen_industries = f1.multiselect(
        "Brancher", list(industry_by_label), key="students_industries", placeholder="Alle brancher"
    )
    industries = [industry_by_label[label] for label in chosen_industries]
    max_travel = f2.slider(
        "Højst transporttid (min)",
        5,
        int(student.max_travel_minutes),
        int(student.max_travel_minutes),
        step=5,
        key=f"students_travel_{student.student_id}",
    )
    top_k = int(
        f3.number_input("Antal forslag", min_value=1, max_value=25, value=5, step=1, key="students_top")
    )
    all_industries = st.checkbox(
        "Vis alle brancher",
        key="students_all_industries",
        help="Som udgangspunkt kommer virksomheder inden for elevens egne interesser først. "
        "Vis alle brancher ordner alle virksomheder efter match alene.",
    )
    try:
        context = waiting.scoring_or_wait(opened)  # on a large network just uploaded: its progress
        shortlist = companies_for_student(
            context,
            student.student_id,
            top_k,
            industries=industries or None,
            max_travel_minutes=max_travel,
            all_industries=all_industries,
        )
        notice = interests_out_of_reach(context, student.student_id)
    except InputError as error:
        st.error(escape_markdown(error.message_da))
        st.stop()
    if notice is not None:
        st.warning(escape_markdown(notice.message_da))

    if not shortlist:
        st.warning(
            "Ingen virksomheder i netværket opfylder elevens krav med de valgte filtre. "
            "Se **Netværk** for hvilke virksomheder der mangler."
        )
    for rank, item in enumerate(shortlist, start=1):
        with st.container(border=True):
            head, score = st.columns([3, 2])
            head.markdown(
                f"**{rank}. {escape_markdown(item.company_name)}** · {INDUSTRY_LABELS[Industry(item.industry)]} "
                f"({_interest(item.interest_rank)}) · {number(item.travel_minutes, 0)} min"
            )
            score.progress(min(max(item.score / 100, 0.0), 1.0), text=f"Match: {number(item.score)} / 100")
            left, right = st.columns(2)
            with left:
                st.markdown("**Taler for**\n" + "\n".join(f"- {r}" for r in item.reasons_for))
                st.markdown("**Taler imod**\n" + "\n".join(f"- {r}" for r in item.reasons_against))
                if item.arrangements:
                    st.markdown("**Skal aftales**\n" + "\n".join(f"- {a}" for a in item.arrangements))
            with right:
                st.markdown(_component_table(item.components))
                st.caption(f"Delene summerer til scoren: {number(sum(item.components.values()))} point.")
    if len(shortlist) > 1:
        st.markdown("**Scorens dele, forslagene side om side**")
        st.altair_chart(_component_bars(shortlist), width="stretch")
    return shortlist


def _component_table(components: dict[str, float]) -> str:
    """The score's parts as a Markdown table in the explanation's order, to 0.1 point."""
    parts = pd.DataFrame(
        {"Del af scoren": [COMPONENT_LABELS[k] for k in components], "Point": list(components.values())}
    )
    return markdown_table(parts)


def _component_bars(shortlist: list[PairExplanation]) -> alt.Chart:
    """One stacked bar per suggestion, its parts in the explanation's order: the suggestions compared in one
    chart (one chart per suggestion made the page slow to draw)."""
    frame = pd.DataFrame(
        [
            {
                "forslag": f"{rank}. {item.company_name}",
                "del": COMPONENT_LABELS[key],
                "orden": order,
                "point": value,
                "tekst": f"{number(value)} point",
            }
            for rank, item in enumerate(shortlist, start=1)
            for order, (key, value) in enumerate(item.components.items())
        ]
    )
    parts = list(dict.fromkeys(frame["del"]))
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("forslag:N", sort=None, title=None, axis=alt.Axis(labelLimit=0)),
            x=alt.X("point:Q", title="Point", stack="zero"),
            color=alt.Color(
                "del:N",
                sort=parts,
                title="Del af scoren",
                legend=alt.Legend(orient="bottom", columns=3, labelLimit=0),
            ),
            order=alt.Order("orden:Q"),
            tooltip=[
                alt.Tooltip("forslag:N", title="Forslag"),
                alt.Tooltip("del:N", title="Del af scoren"),
                alt.Tooltip("tekst:N", title="Bidrag"),
            ],
        )
        .properties(height=34 * len(shortlist) + 170)  # the bars, the axis and the legend below
    )


def _interest(rank: int | None) -> str:
    """The company's industry's place in the student's interests, in Danish."""
    return "uden for elevens interesser" if rank is None else f"elevens {rank}. valg"


def _near_misses(opened: OpenNetwork, student: Student) -> None:
    st.subheader("Næsten egnede virksomheder")
    misses = near_misses_for_student(state.scoring(opened), student.student_id)
    if not misses:
        st.info("Ingen virksomheder er kun ét krav fra at passe til eleven.")
        return
    count = "1 virksomhed" if len(misses) == 1 else f"{len(misses)} virksomheder"
    st.caption(
        f"{count}, hvor ét hårdt krav står i vejen: kravet, elevens og virksomhedens "
        "værdier, hvad der kan løse det, og scoren, hvis det bliver løst. Inden for elevens interesser først."
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Virksomhed": miss.company_name,
                    "Branche": INDUSTRY_LABELS[Industry(miss.industry)],
                    "Interesse": _interest(miss.interest_rank),
                    "Krav": miss.rule_da,
                    "Eleven og virksomheden": miss.values_da,
                    "Kan løses ved": miss.lift_da,
                    "Score, hvis løst": number(miss.score),
                }
                for miss in misses
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def _map(opened: OpenNetwork, student: Student, shortlist: list[PairExplanation]) -> None:
    st.subheader("Kort")
    companies = [opened.network.company(item.company_id) for item in shortlist]
    points = pd.DataFrame(
        [{"lat": student.home_lat, "lon": student.home_lon, "farve": "#d62728", "str": 400}]
        + [{"lat": c.lat, "lon": c.lon, "farve": "#1f6f8b", "str": 250} for c in companies]
    )
    st.map(points, latitude="lat", longitude="lon", color="farve", size="str")
    st.caption("Rød: elevens bopæl. Blå: foreslåede virksomheder.")


render()
