"""The organisation login (OIDC) in a real Chromium against a real OpenID Connect provider.

The suite starts the local provider of ``tests/oidc_provider.py`` and the app with a secrets file
whose ``[auth]`` section points at it, so ``st.login`` runs the whole authorization-code flow: the
app redirects to the provider, the user types an e-mail on the provider's page, the provider
redirects back with a code, and Streamlit exchanges it for a signed id_token. The app then finds
the user in its own user list by that e-mail, which decides the role and the STU sites.
"""

from __future__ import annotations

import importlib.util
import secrets
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest

from app_streamlit.labels import site_name
from placement_service import DecisionStore, add_user
from tests.browser.conftest import _free_port, go_to, running_app, settle
from tests.oidc_provider import UNVERIFIED, running_provider

pytestmark = pytest.mark.browser

CLIENT_ID = "stu-match"
LISTED_EMAIL = "mette@kommune.dk"
UNLISTED_EMAIL = "ukendt@kommune.dk"
OWN_SITE = "castberggaard"
OTHER_SITES = ["aspit_sonderjylland", "ev_vestjylland", "lille_vildmose", "pmu_sindal"]
LOGIN_BUTTON = "Log ind med organisationens konto"
DEMO_BANNER = "uden at være logget ind"


@dataclass(frozen=True)
class OidcSetup:
    app_url: str
    issuer: str


@pytest.fixture(scope="module")
def oidc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcSetup]:
    # st.login imports Authlib's Starlette client, which needs httpx; without it the login is an HTTP 500.
    if importlib.util.find_spec("httpx") is None:
        pytest.fail("st.login cannot run without httpx: the app needs streamlit[auth] (Authlib and httpx)")
    folder = tmp_path_factory.mktemp("oidc")
    database = folder / "app.sqlite3"
    # Mette logs in only through her organisation: no local password.
    add_user(DecisionStore(database), "Mette", "jobkonsulent", [OWN_SITE], LISTED_EMAIL, None, by="test")
    client_secret = secrets.token_urlsafe(32)
    provider_port = _free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'  # Streamlit fills in its port
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{client_secret}"\n'
        f'server_metadata_url = "http://127.0.0.1:{provider_port}/.well-known/openid-configuration"\n'
    )
    with ExitStack() as stack:
        # The secrets file reaches only the app's process (Streamlit's --secrets.files as a variable).
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("STREAMLIT_SECRETS_FILES", str(secrets_file))
            app_url = stack.enter_context(running_app(database))
        issuer = stack.enter_context(
            running_provider(
                provider_port, CLIENT_ID, client_secret, f"{app_url}/oauth2callback", folder / "provider.log"
            )
        )
        yield OidcSetup(app_url=app_url, issuer=issuer)


def fresh_page(browser, url: str):  # type: ignore[no-untyped-def]
    """A new browser context (no cookies) on the app's start page, once the sidebar has drawn."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url)
    page.get_by_text(DEMO_BANNER, exact=False).first.wait_for(timeout=90_000)
    settle(page)
    return page


def log_in_at_provider(page, oidc: OidcSetup, email: str) -> None:  # type: ignore[no-untyped-def]
    """Click the organisation login, sign in on the provider's own page and come back to the app."""
    page.get_by_test_id("stSidebar").get_by_role("button", name=LOGIN_BUTTON).click()
    page.wait_for_url(f"{oidc.issuer}/authorize?*", timeout=60_000)
    page.get_by_label("E-mail").fill(email)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{oidc.app_url}/**", timeout=60_000)


def student_options(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Every option of the Elever page's student list (scrolling its virtualised drop-down)."""
    page.get_by_test_id("stSelectbox").filter(has_text="Elev").click()
    listbox = page.get_by_role("listbox")
    listbox.wait_for(timeout=30_000)
    seen: list[str] = []
    for _ in range(100):
        before = len(seen)
        for text in listbox.get_by_role("option").all_inner_texts():
            if text not in seen:
                seen.append(text)
        listbox.hover()
        page.mouse.wheel(0, 300)
        page.wait_for_timeout(150)
        if len(seen) == before:
            break
    page.keyboard.press("Escape")
    return seen


def test_a_listed_user_logs_in_with_the_organisation_account(browser, oidc: OidcSetup) -> None:
    page = fresh_page(browser, oidc.app_url)
    log_in_at_provider(page, oidc, LISTED_EMAIL)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Mette · jobkonsulent", exact=True).wait_for(timeout=90_000)
    settle(page)
    assert page.get_by_text(DEMO_BANNER, exact=False).count() == 0
    assert sidebar.get_by_role("button", name=LOGIN_BUTTON).count() == 0
    # The Elever page lists Mette's own site's students and nobody else's.
    go_to(page, "Elever")
    page.get_by_text("Forslag til praktikpladser", exact=False).first.wait_for(timeout=90_000)
    settle(page)
    options = student_options(page)
    assert len(options) == 28, options
    assert all(f" · {site_name(OWN_SITE)} · " in option for option in options), options
    for other in OTHER_SITES:
        assert not any(site_name(other) in option for option in options)
    page.context.close()


def test_an_unlisted_user_is_told_and_stays_in_the_demo(browser, oidc: OidcSetup) -> None:
    page = fresh_page(browser, oidc.app_url)
    log_in_at_provider(page, oidc, UNLISTED_EMAIL)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Din konto er ikke oprettet", exact=False).wait_for(timeout=90_000)
    settle(page)
    assert page.get_by_text(DEMO_BANNER, exact=False).count() == 1
    # One identity per browser session: the way out is to sign out, not a second, local login.
    assert sidebar.get_by_role("button", name="Log ud", exact=True).count() == 1
    assert sidebar.get_by_label("Brugernavn").count() == 0
    # No decisions: the plan is shown as a demo, without the decision form.
    go_to(page, "Placeringsplan")
    page.get_by_text("Du udforsker planen som demo", exact=False).first.wait_for(timeout=120_000)
    settle(page)
    assert page.get_by_text("Gem beslutningen", exact=True).count() == 0
    # Signing out gives the login buttons back, to try another account.
    sidebar.get_by_role("button", name="Log ud", exact=True).click()
    page.get_by_test_id("stSidebar").get_by_role("button", name=LOGIN_BUTTON).wait_for(timeout=90_000)
    page.context.close()


def test_an_address_the_provider_has_not_verified_logs_no_one_in(browser, oidc: OidcSetup) -> None:
    page = fresh_page(browser, oidc.app_url)
    log_in_at_provider(page, oidc, UNVERIFIED + LISTED_EMAIL)  # Mette's address, typed by anyone
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("har ikke bekræftet din e-mailadresse", exact=False).wait_for(timeout=90_000)
    settle(page)
    assert sidebar.get_by_text("Mette · jobkonsulent", exact=True).count() == 0
    assert page.get_by_text(DEMO_BANNER, exact=False).count() == 1
    assert sidebar.get_by_label("Brugernavn").count() == 0  # no second, local login either
    assert sidebar.get_by_role("button", name="Log ud", exact=True).count() == 1
    page.context.close()


def test_logging_out_ends_the_organisation_login(browser, oidc: OidcSetup) -> None:
    page = fresh_page(browser, oidc.app_url)
    log_in_at_provider(page, oidc, LISTED_EMAIL)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Mette · jobkonsulent", exact=True).wait_for(timeout=90_000)
    settle(page)
    sidebar.get_by_role("button", name="Log ud", exact=True).click()
    page.get_by_text(DEMO_BANNER, exact=False).first.wait_for(timeout=90_000)
    page.get_by_test_id("stSidebar").get_by_role("button", name=LOGIN_BUTTON).wait_for(timeout=60_000)
    page.reload()  # the identity cookie is gone: a fresh session is a demo too
    page.get_by_text(DEMO_BANNER, exact=False).first.wait_for(timeout=90_000)
    settle(page)
    assert page.get_by_text("Mette · jobkonsulent", exact=True).count() == 0
    page.context.close()
