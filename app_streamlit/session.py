"""Who is using the app (login), what survives a page change, and messages that outlive a rerun."""

from __future__ import annotations

import streamlit as st

from app_streamlit import state
from placement_service import Actor, InputError, actor_for_email, demo_actor, log_in

ACTOR_KEY = "actor"  # the local login's actor
ORGANISATION_ACTOR_KEY = "organisation_actor"  # (e-mail, actor) of the organisation login
FLASH_KEY = "flash_messages"

# Widget values kept when the user moves to another page and back (Streamlit forgets the
# state of widgets that a page run did not draw; writing a value back keeps it).
PERSISTENT_KEYS: tuple[str, ...] = (
    "plan_objective",
    "students_selected",
    "students_industries",
    "students_top",
    "network_level",
    "network_measure",
    "scenario_travel",
    "scenario_capacity",
    "scenario_removed",
    "scenario_name",
)
PERSISTENT_PREFIXES: tuple[str, ...] = ("scenario_weight_",)


def keep_state_across_pages() -> None:
    """Write every persistent widget value back, so leaving a page does not reset it."""
    for key in list(st.session_state.keys()):
        name = str(key)
        if name in PERSISTENT_KEYS or name.startswith(PERSISTENT_PREFIXES):
            st.session_state[name] = st.session_state[name]


def _organisation_login_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own error type
        return False


def _organisation_email() -> str | None:
    """The organisation login's e-mail address (None without one); empty when its provider says it has not
    verified it (anyone could then have typed a consultant's address): that login is a demo visitor."""
    try:
        if st.user.is_logged_in:
            # A boolean, or a string as some providers send it; absent (as from Entra ID) counts as verified.
            verified = str(st.user.get("email_verified", True))
            if verified.lower() == "false":
                return ""
            return str(st.user.get("email") or "") or None
    except (AttributeError, KeyError):
        return None
    return None


def current_actor() -> Actor:
    """Who is acting: the organisation login, the local login, or the demo visitor.

    An organisation login (``st.user``) decides alone: an account that is not in the user list
    is a demo visitor, whatever was typed in the local form.
    """
    email = _organisation_email()
    if email is not None:  # an organisation login decides alone; an unverified address is nobody's
        return (_organisation_actor(email) if email else None) or demo_actor()
    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else demo_actor()


def _organisation_actor(email: str) -> Actor | None:
    """The user list's entry for this e-mail, looked up once per browser session and e-mail.

    An e-mail that is not listed is looked up again on the next run, so a user the administrator
    has just added gets in without logging in again.
    """
    cached: tuple[str, Actor] | None = st.session_state.get(ORGANISATION_ACTOR_KEY)
    if cached is not None and cached[0] == email:
        return cached[1]
    actor = actor_for_email(state.store(), email)
    if actor is None:
        st.session_state.pop(ORGANISATION_ACTOR_KEY, None)
    else:
        st.session_state[ORGANISATION_ACTOR_KEY] = (email, actor)
    return actor


def sidebar_login() -> Actor:
    """The user at the top of the sidebar: who is logged in, or how to log in."""
    actor = current_actor()
    st.sidebar.markdown("**Bruger**")
    if not actor.is_demo:
        st.sidebar.text(actor.label)
        st.sidebar.button("Log ud", key="logout", on_click=_log_out)
        return actor
    email = _organisation_email()
    if email is not None:
        # Signed in at the organisation, but not in the user list (or with an address it has not verified):
        # say so, and offer to sign out (to try another account) instead of a second, local login.
        st.sidebar.warning(
            "Din konto er ikke oprettet i STU-praktikmatch. Bed administratoren om at oprette dig."
            if email
            else "Din organisation har ikke bekræftet din e-mailadresse, så du er ikke logget ind. "
            "Log ud, og log ind med en konto med en bekræftet adresse."
        )
        st.sidebar.button("Log ud", key="logout", on_click=_log_out)
        return actor
    if _organisation_login_configured():
        st.sidebar.button("Log ind med organisationens konto", key="login_oidc", on_click=st.login)
    with st.sidebar.form("login_form", clear_on_submit=True, border=False):
        st.text_input("Brugernavn", key="login_name")
        st.text_input("Adgangskode", type="password", key="login_password")
        st.form_submit_button("Log ind", on_click=_log_in)
    st.sidebar.caption("Et login gælder, så længe browserfanen er åben.")
    return actor


def _log_in() -> None:
    name = str(st.session_state.get("login_name", ""))
    password = str(st.session_state.get("login_password", ""))
    try:
        actor = log_in(state.store(), name, password)
    except InputError as error:
        flash("error", error.message_da)
        return
    if actor is None:
        flash("error", "Forkert brugernavn eller adgangskode.")
        return
    st.session_state[ACTOR_KEY] = actor
    flash("success", f"Du er logget ind som {actor.label}.")


def _log_out() -> None:
    st.session_state.pop(ACTOR_KEY, None)
    st.session_state.pop(ORGANISATION_ACTOR_KEY, None)
    state.use(None)  # uploaded data needs a login
    if _organisation_email() is not None:
        st.logout()  # deletes Streamlit's identity cookie and signs out at the provider


def flash(kind: str, text: str) -> None:
    """A message to show on the next run of the page (from a callback, before the page draws)."""
    st.session_state.setdefault(FLASH_KEY, []).append((kind, text))


def show_flashes() -> None:
    for kind, text in st.session_state.pop(FLASH_KEY, []):
        if kind == "success":
            st.success(text)
        elif kind == "warning":
            st.warning(text)
        elif kind == "error":
            st.error(text)
        else:
            st.info(text)
