"""Data: upload CSV or Excel files; every validation problem as a table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from app_streamlit.data import (
    BUILTIN_KEY,
    current_network,
    current_network_key,
    template_bytes,
    use_builtin,
    use_uploaded,
)
from app_streamlit.session import sidebar_user
from features.errors import DataValidationError
from features.loading import load_uploaded

st.title("Data")
sidebar_user()
network = current_network()
key = current_network_key()
if key == BUILTIN_KEY:
    st.info("Du arbejder på det indbyggede syntetiske netværk (140 elever, 220 virksomheder).")
else:
    st.success(
        f"Du arbejder på datasættet **{key}** ({len(network.students)} elever, {len(network.companies)} virksomheder)."
    )
    st.button("Skift til det indbyggede netværk", on_click=use_builtin, key="use_builtin")

st.subheader("Upload egne data")
st.markdown(
    "Upload **én Excel-fil** med arkene `students`, `companies` (og evt. `history`, `alumni`), "
    "eller **CSV-filerne** `students.csv`, `companies.csv` (og evt. `history.csv`, `alumni.csv`). "
    "Danske eksporter med semikolon og decimalkomma kan bruges direkte. "
    "Brug kun pseudonyme elev-ID'er – aldrig navne eller CPR-numre."
)
uploads = st.file_uploader("Vælg filer", type=["csv", "xlsx"], accept_multiple_files=True, key="upload_files")
default_name = Path(uploads[0].name).stem if uploads else ""
name = st.text_input(
    "Navn på datasættet (beslutninger og scenarier gemmes under dette navn)",
    value=default_name,
    key="upload_name",
)
if st.button("Indlæs og kontroller", type="primary", disabled=not uploads, key="upload_load"):
    try:
        uploaded = load_uploaded({file.name: file.getvalue() for file in uploads}, source=name or "upload")
    except DataValidationError as error:
        st.error(f"Filerne blev ikke indlæst: {len(error.issues)} problem(er). Ret dem og prøv igen.")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Fil": i.file,
                        "Række": i.row,
                        "Kolonne": i.column,
                        "Værdi": i.value,
                        "Problem": i.message_da,
                    }
                    for i in error.issues
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        use_uploaded(uploaded, (name or "upload").strip())
        st.success(f"Indlæst: {len(uploaded.students)} elever og {len(uploaded.companies)} virksomheder.")
        st.rerun()

st.subheader("Skabelon")
st.download_button(
    "Hent det indbyggede netværk som Excel-skabelon",
    data=template_bytes(network),
    file_name="stu-netvaerk.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="download_template",
)
st.caption("Alle kolonner og tilladte værdier er beskrevet i docs/data-format.md.")
