"""Screenshots of the pages after the match: ``.venv/bin/python -m tests.browser.after_match_screenshots``.

Fills a throw-away database with a job consultant's placements in every state (agreed, running
with follow-ups, ended with outcomes) and a few company contacts, starts the app on it, logs in
and writes docs/screenshots/forloeb.png, styregruppe.png and virksomheder.png.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright

from placement_service import DecisionStore, load_builtin, prepare_scoring
from placement_service.access import Actor, Role
from placement_service.after_match import (
    agree_placement,
    end_placement,
    record_followup,
    record_outcome,
    start_placement,
)
from placement_service.company_changes import log_contact, set_company_relation
from placement_service.use_cases import decided_plan
from tests.app.users import PILOT_SITES, USERS, create_users
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, go_to, log_in, running_app, settle

NETWORK = "builtin"
NOTES = [
    (
        "Trives med opgaverne på lageret; møder stabilt.",
        "Pålidelig og god til at tælle varer.",
        "Jeg kan godt lide, at jeg ved, hvad jeg skal.",
    ),
    ("Har brug for en fast pause kl. 11.", "Vil gerne give flere timer.", "Det er hårdt om fredagen."),
]


def seed(database: Path, today: date) -> None:
    """A consultant's placements in every state, follow-ups, outcomes and contacts."""
    create_users(database)
    store = DecisionStore(database)
    network = load_builtin()
    mette = Actor("Mette", Role.JOBKONSULENT, frozenset(PILOT_SITES))
    kim = Actor("Kim", Role(USERS["Kim"][0]), frozenset())
    plan = decided_plan(store, NETWORK, prepare_scoring(network), time_limit=30).mapping()
    pairs = [(s, c) for s, c in sorted(plan.items()) if c][:7]
    mentors = [
        "Ole Jensen",
        "Lise Holm",
        "Ahmad Rahimi",
        "Birgitte Nielsen",
        "Jonas Kristensen",
        "Pia Lund",
        "Kasper Dahl",
    ]
    for n, (student, company) in enumerate(pairs):
        start = today - timedelta(days=[400, 380, 190, 130, 100, -14, -30][n])
        placement = agree_placement(
            store,
            NETWORK,
            network,
            mette,
            student,
            company,
            start_date=start,
            hours_per_week=[20, 25, 15, 12.5, 20, 10, 18][n],
            mentor_name=mentors[n],
            arrangements="Møder kl. 9, fast arbejdsplads og en fast pause kl. 11.",
        )
        if n >= 5:
            continue  # agreed, starts soon
        start_placement(store, NETWORK, network, mette, placement)
        for k, (notes, company_view, student_view) in enumerate(NOTES[: 2 if n != 4 else 0]):
            held = start + timedelta(days=85 * (k + 1))
            if held < today:
                record_followup(
                    store,
                    NETWORK,
                    network,
                    mette,
                    placement,
                    held_on=held,
                    consultant_notes=notes,
                    company_view=company_view,
                    student_view=student_view,
                )
        if n < 2:
            end = start + timedelta(days=300)
            end_placement(store, NETWORK, network, mette, placement, end_date=end, reason="completed")
            record_outcome(
                store,
                NETWORK,
                network,
                mette,
                student_id=student,
                company_id=company,
                year=end.year,
                outcome=["flexjob", "job"][n],
                hours_per_week=[16, 30][n],
            )
            record_outcome(
                store,
                NETWORK,
                network,
                mette,
                student_id=student,
                company_id=company,
                year=end.year,
                outcome=["flexjob", "education"][n],
                measured="12_months",
                hours_per_week=[18, None][n],
            )
    for company in network.companies[:3]:
        set_company_relation(
            store,
            NETWORK,
            network,
            kim,
            company.company_id,
            contact_person="Lise Holm, 20 30 40 50",
            asks_for="Opgaver med sortering og opfyldning",
        )
        log_contact(
            store,
            NETWORK,
            network,
            kim,
            company.company_id,
            on_date=today - timedelta(days=20),
            who="Kim",
            what="Besøg hos lederen",
            next_step="Ring i januar",
        )


SHOTS = {
    # name: (page, its title, user, text to wait for once logged in)
    "forloeb": ("placements", "Forløb", "Mette", "Dine elevers forløb"),
    "styregruppe": ("steering", "Styregruppe", "Kim", "Udfald efter beskæftigelse"),
    "virksomheder": ("companies", "Virksomheder", "Kim", "Virksomheder uden kontakt"),
}


def main() -> int:
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / "shots.sqlite3"
        seed(database, date.today())
        with running_app(database) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name, (path, title, user, ready) in SHOTS.items():
                page = browser.new_page(viewport={"width": 1400, "height": 1400})
                page.goto(f"{url}/{path}")
                page.get_by_role("heading", name=title).first.wait_for(timeout=120_000)
                settle(page)
                log_in(page, user)
                settle(page)
                # Open the page again from the navigation: the login's confirmation is gone.
                go_to(page, title)
                try:
                    page.get_by_text(ready, exact=False).first.wait_for(timeout=120_000)
                except Exception:
                    page.screenshot(path=f"/tmp/failed-{name}.png")
                    raise
                settle(page)
                if path == "placements":  # a running placement with two follow-ups
                    page.get_by_test_id("stSelectbox").filter(has_text="Vælg forløb").first.click()
                    page.get_by_role("option").filter(has_text="S0003").first.click()
                    settle(page)
                    page.get_by_role("heading", name="Et forløb").first.scroll_into_view_if_needed()
                page.wait_for_timeout(2500)
                page.screenshot(path=str(out / f"{name}.png"))
                page.close()
                print(f"wrote docs/screenshots/{name}.png")
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
