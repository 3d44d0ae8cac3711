"""Administration: users, the audit trail of every network, and whether the trail is intact."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_streamlit import state
from app_streamlit.session import current_actor
from placement_service import ROLE_LABELS, Role, danish_time


def render() -> None:
    st.title("Administration")
    actor = current_actor()
    if actor.role != Role.ADMINISTRATOR:
        st.info("Siden er kun for administratorer.")
        st.stop()
    store = state.store()
    st.subheader("Brugere")
    st.caption("Brugere oprettes og fjernes med `stu-match users add` og `stu-match users remove`.")
    users = store.users()
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Navn": u.name,
                    "Rolle": ROLE_LABELS[Role(u.role)],
                    "STU-steder": ", ".join(u.sites),
                    "E-mail": u.email or "",
                    "Login": "Adgangskode" if u.has_password else "Organisationslogin",
                }
                for u in users
            ],
            columns=["Navn", "Rolle", "STU-steder", "E-mail", "Login"],
        ),
        hide_index=True,
        width="stretch",
    )
    st.subheader("Revisionsspor")
    broken = store.verify_audit()
    if broken is None:
        st.success("Revisionssporet er intakt: ingen rækker er ændret eller slettet.")
    else:
        st.error(f"Revisionssporet er brudt ved række {broken}: en række er ændret eller slettet.")
    rows = store.full_audit_trail(limit=500)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Nr.": str(r.id),
                    "Tidspunkt": danish_time(r.at),
                    "Bruger": r.user,
                    "Handling": r.action,
                    "Netværk": r.network_key,
                    "ID'er": ", ".join(f"{k}={v}" for k, v in r.details.items()),
                }
                for r in rows
            ],
            columns=["Nr.", "Tidspunkt", "Bruger", "Handling", "Netværk", "ID'er"],
        ),
        hide_index=True,
        width="stretch",
    )


render()
