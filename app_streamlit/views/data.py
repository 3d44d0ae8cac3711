"""Data: upload CSV or Excel files as a new network or a new version of one; every validation problem as a table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_streamlit import state
from app_streamlit.labels import upload_name
from app_streamlit.session import current_actor, flash, show_flashes
from features.column_guide import guide_table, template_workbook_bytes
from features.network import Network
from features.safe_files import safe_workbook_bytes
from features.safe_text import escape_markdown
from placement_service import (
    DataValidationError,
    InputError,
    NetworkChanges,
    open_as_new,
    open_as_version,
    preview_version,
    read_upload,
    same_files_as,
    uploadable_networks,
)
from placement_service.clock import now
from placement_service.use_cases import data_tables

PENDING = "upload_pending"  # session state: validated data waiting for the user to say which network it is
NEW = "__new__"


def render() -> None:
    st.title("Data")
    show_flashes()
    opened = state.current()
    if opened.is_builtin:
        st.info(
            f"Du arbejder på det indbyggede syntetiske netværk ({len(opened.network.students)} elever, "
            f"{len(opened.network.companies)} virksomheder)."
        )
    else:
        st.success(
            f"Du arbejder på netværket «{escape_markdown(opened.name)}», version {opened.version} "
            f"({len(opened.network.students)} elever, {len(opened.network.companies)} virksomheder)."
        )
        st.button("Skift til det indbyggede netværk", on_click=state.use, args=(None,), key="use_builtin")
    if opened.changes is not None:
        _changes(opened.changes, "Ændringer i forhold til den forrige version")
    if current_actor().is_demo:
        st.subheader("Upload egne data")
        st.info(
            "Log ind for at indlæse egne data. Uden login kan du kun udforske det indbyggede demo-netværk."
        )
    else:
        _upload()
        _file_as()
    st.subheader("Skabeloner")
    st.download_button(
        "Hent en tom Excel-skabelon med danske kolonnenavne",
        data=template_workbook_bytes,
        file_name="stu-skabelon.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="download_empty_template",
        help="Et ark pr. fil og arket Forklaring, der beskriver hver kolonne.",
    )
    st.download_button(
        "Hent netværket som Excel-skabelon",
        # Made when clicked, safe to open, and holding only the students the user may see.
        data=lambda: safe_workbook_bytes(
            data_tables(current_actor(), opened.network, builtin=opened.is_builtin)
        ),
        file_name="stu-netvaerk.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="download_template",
    )
    _column_guide()


TABLE_TITLES = {
    "students": "Elever (students.csv)",
    "companies": "Virksomheder (companies.csv)",
    "history": "Tidligere praktikker (history.csv)",
    "alumni": "Tidligere elever (alumni.csv): samme kolonner som elever",
}


def _column_guide() -> None:
    """Every column of every file, in Danish: the header to use and what to write."""
    st.subheader("Kolonnerne forklaret")
    st.caption(
        "Kolonnerne må have de danske navne herunder eller filformatets engelske navne. Lister skilles med |, "
        "ja/nej kan skrives ja, nej, x eller 1, og decimaler med komma eller punktum. Ekstra kolonner ignoreres."
    )
    for table, title in TABLE_TITLES.items():
        with st.expander(title):
            st.dataframe(
                guide_table(table),
                hide_index=True,
                width="stretch",
                column_config={"Hvad": st.column_config.TextColumn(width="large")},
            )


def _upload() -> None:
    st.subheader("Upload egne data")
    st.markdown(
        "Upload **én Excel-fil** med arkene `students`, `companies` (og evt. `history`, `alumni`), "
        "eller **CSV-filerne** `students.csv`, `companies.csv` (og evt. `history.csv`, `alumni.csv`). "
        "Danske eksporter med semikolon og decimalkomma kan bruges direkte. "
        "Brug kun pseudonyme elev-ID'er – aldrig navne eller CPR-numre."
    )
    uploads = st.file_uploader(
        "Vælg filer", type=["csv", "xlsx"], accept_multiple_files=True, key="upload_files"
    )
    if not st.button("Indlæs og kontroller", type="primary", disabled=not uploads, key="upload_load"):
        return
    assert uploads
    try:
        network = read_upload(
            {file.name: file.getvalue() for file in uploads},
            source=upload_name([f.name for f in uploads], now()),
        )
    except DataValidationError as error:
        st.session_state.pop(PENDING, None)
        st.error(f"Filerne blev ikke indlæst: {len(error.issues)} problemer. Ret dem, og prøv igen.")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Fil": i.file,
                        "Række": "" if i.row is None else str(i.row),
                        "Kolonne": i.column or "",
                        "Værdi": "" if i.value is None else i.value,
                        "Problem": i.message_da,
                    }
                    for i in error.issues
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        return
    st.session_state[PENDING] = network


def _file_as() -> None:
    """Ask which network the validated upload is: a new one, or a new version of a known one."""
    network = st.session_state.get(PENDING)
    if not isinstance(network, Network):
        return
    store = state.store()
    st.success(
        f"Filerne er gyldige: {len(network.students)} elever og {len(network.companies)} virksomheder."
    )
    identical = same_files_as(store, network)
    if identical:
        st.info(
            "Præcis de samme filer er indlæst før som: "
            + ", ".join(f"«{escape_markdown(n.name)}»" for n in identical)
            + "."
        )
    known = {n.network_id: n.name for n in uploadable_networks(store)}
    choices = [NEW, *known]
    default = choices.index(identical[0].network_id) if identical and identical[0].network_id in known else 0
    target = st.radio(
        "Hvad er de nye data?",
        choices,
        index=default,
        format_func=lambda c: (
            "Et nyt netværk" if c == NEW else f"En ny version af «{escape_markdown(known[c])}»"
        ),
        key="upload_target",
    )
    if target == NEW:
        st.text_input("Navn på det nye netværk", value=network.source or "", key="upload_name")
        st.caption("Netværket får sit eget ID; beslutninger, planer og scenarier gemmes under det.")
    else:
        changes = preview_version(store, network, target)
        _changes(
            changes, f"Det ændrer sig i forhold til den seneste version af «{escape_markdown(known[target])}»"
        )
        st.caption(
            "Beslutninger, planer og scenarier følger elev- og virksomheds-ID'erne over i den nye version."
        )
    st.button(
        "Brug de nye data", type="primary", key="upload_use", on_click=_use_upload, args=(network, target)
    )


def _use_upload(network: Network, target: str) -> None:
    store = state.store()
    actor = current_actor()
    try:
        if target == NEW:
            opened = open_as_new(store, network, str(st.session_state.get("upload_name", "")), actor)
        else:
            opened = open_as_version(store, network, target, actor)
    except InputError as error:
        flash("error", escape_markdown(error.message_da))
        return
    state.use(opened)
    state.prepare(opened)  # scoring and the plan start solving now, while the user reads the next page
    st.session_state.pop(PENDING, None)
    flash("success", f"Du arbejder nu på «{escape_markdown(opened.name)}», version {opened.version}.")


def _changes(changes: NetworkChanges, title: str) -> None:
    if not changes.any:
        st.caption(f"{title}: ingen ændringer.")
        return
    rows = [
        ("Elever tilføjet", changes.students_added),
        ("Elever fjernet", changes.students_removed),
        ("Elever ændret", changes.students_changed),
        ("Virksomheder tilføjet", changes.companies_added),
        ("Virksomheder fjernet", changes.companies_removed),
        ("Virksomheder ændret", changes.companies_changed),
    ]
    st.markdown(f"**{title}**")
    st.dataframe(
        pd.DataFrame(
            [{"Ændring": label, "Antal": len(ids), "ID'er": ", ".join(ids)} for label, ids in rows if ids]
        ),
        hide_index=True,
        width="stretch",
    )


render()
