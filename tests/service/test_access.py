"""Who may see and do what is enforced in the service layer, whatever page or command asks."""

from __future__ import annotations

from pathlib import Path

import pytest

from features.network import Network
from placement_service import (
    AccessDeniedError,
    Actor,
    DecisionStore,
    Role,
    ScenarioSettings,
    approve_plan,
    decide,
    demo_actor,
    log_in,
    open_as_new,
    plan_cohort,
    prepare_scoring,
    save_scenario,
    student_details,
    visible_students,
)
from placement_service.users import add_user, cli_actor

SARA = Actor("Sara", Role.JOBKONSULENT, frozenset({"castberggaard"}))
KIM = Actor("Kim", Role.NETVAERKSKOORDINATOR)
ANNE = Actor("Anne", Role.ADMINISTRATOR)


@pytest.fixture
def store(tmp_path: Path) -> DecisionStore:
    return DecisionStore(tmp_path / "db.sqlite3")


def own_and_foreign(network: Network) -> tuple[str, str]:
    own = next(s.student_id for s in network.students if s.stu_site == "castberggaard")
    foreign = next(s.student_id for s in network.students if s.stu_site != "castberggaard")
    return own, foreign


def test_a_consultant_decides_for_their_own_sites_students_only(
    store: DecisionStore, builtin_network: Network
) -> None:
    own, foreign = own_and_foreign(builtin_network)
    company = builtin_network.companies[0].company_id
    decide(store, "builtin", builtin_network, [(own, company, "forbid")], SARA, None)
    with pytest.raises(AccessDeniedError, match=f"not for {foreign}"):
        decide(store, "builtin", builtin_network, [(foreign, company, "forbid")], SARA, None)
    assert [d.student_id for d in store.current_decisions("builtin")] == [own]


@pytest.mark.parametrize("actor", [KIM, ANNE, demo_actor()], ids=["coordinator", "administrator", "demo"])
def test_only_consultants_decide(store: DecisionStore, builtin_network: Network, actor: Actor) -> None:
    own, _ = own_and_foreign(builtin_network)
    with pytest.raises(AccessDeniedError):
        decide(
            store,
            "builtin",
            builtin_network,
            [(own, builtin_network.companies[0].company_id, "lock")],
            actor,
            None,
        )
    assert store.current_decisions("builtin") == [] and store.audit_trail("builtin") == []


def test_approving_the_plan_approves_only_the_consultants_own_students(
    store: DecisionStore, builtin_network: Network
) -> None:
    plan = plan_cohort(prepare_scoring(builtin_network))
    approve_plan(store, "builtin", plan, "Plan", SARA)
    sites = {
        d.student_id: builtin_network.student(d.student_id).stu_site
        for d in store.current_decisions("builtin")
    }
    assert sites and set(sites.values()) == {"castberggaard"}
    with pytest.raises(AccessDeniedError):
        approve_plan(store, "builtin", plan, "Plan", KIM)


def test_health_details_open_for_the_own_site_only_and_every_opening_is_logged(
    store: DecisionStore, builtin_network: Network
) -> None:
    own, foreign = own_and_foreign(builtin_network)
    assert student_details(store, "builtin", builtin_network, own, SARA, builtin=True).student_id == own
    for actor in (SARA, KIM, ANNE):
        student = own if actor is not SARA else foreign
        with pytest.raises(AccessDeniedError):
            student_details(store, "builtin", builtin_network, student, actor, builtin=True)
    opened = [(e.user, e.action, e.details) for e in store.audit_trail("builtin")]
    assert opened == [("Sara", "student:open", {"student_id": own})]


def test_who_sees_which_profiles(builtin_network: Network) -> None:
    castberg = {s.student_id for s in builtin_network.students if s.stu_site == "castberggaard"}
    assert {s.student_id for s in visible_students(SARA, builtin_network, builtin=False)} == castberg
    assert visible_students(KIM, builtin_network, builtin=True) == []
    assert visible_students(ANNE, builtin_network, builtin=True) == []
    # The demo sees the synthetic built-in network, never uploaded data.
    assert len(visible_students(demo_actor(), builtin_network, builtin=True)) == len(builtin_network.students)
    assert visible_students(demo_actor(), builtin_network, builtin=False) == []


def test_uploads_and_scenarios_need_a_login(store: DecisionStore, builtin_network: Network) -> None:
    with pytest.raises(AccessDeniedError, match="Log in"):
        open_as_new(store, builtin_network, "Mit netværk", demo_actor())
    with pytest.raises(AccessDeniedError):
        save_scenario(store, "builtin", "x", ScenarioSettings(), demo_actor())
    with pytest.raises(AccessDeniedError):
        save_scenario(store, "builtin", "x", ScenarioSettings(), ANNE)
    save_scenario(store, "builtin", "x", ScenarioSettings(), KIM)
    assert [s.name for s in store.scenarios("builtin")] == ["x"]


def test_local_login_checks_the_argon2_hash_and_never_stores_the_password(store: DecisionStore) -> None:
    add_user(store, "Mette", "jobkonsulent", ["castberggaard"], None, "et-godt-kodeord", by="test")
    actor = log_in(store, "Mette", "et-godt-kodeord")
    assert (
        actor is not None and actor.role == Role.JOBKONSULENT and actor.sites == frozenset({"castberggaard"})
    )
    assert log_in(store, "Mette", "et-forkert-kodeord") is None
    assert log_in(store, "Ukendt", "et-godt-kodeord") is None
    found = store.user_secret("Mette")
    assert found is not None and found[1] is not None and found[1].startswith("$argon2id$")
    assert b"et-godt-kodeord" not in store.path.read_bytes()


@pytest.mark.parametrize(
    ("name", "role", "sites", "email", "password", "message"),
    [
        ("Mette", "boss", [], None, "et-godt-kodeord", "Unknown role 'boss'"),
        ("Mette", "jobkonsulent", [], None, "et-godt-kodeord", "needs at least one --site"),
        ("Mette", "administrator", [], None, "kort", "at least 10 characters"),
        ("Mette", "administrator", [], "ikke-en-adresse", None, "Not an e-mail address"),
        ("Mette", "administrator", [], None, None, "needs a password"),
        ("", "administrator", [], None, "et-godt-kodeord", "user name must be"),
    ],
)
def test_bad_users_are_refused(store: DecisionStore, name, role, sites, email, password, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        add_user(store, name, role, sites, email, password, by="test")
    assert store.users() == []


def test_the_cli_acts_as_a_local_administrator_under_the_os_user() -> None:
    actor = cli_actor()
    assert actor.role == Role.ADMINISTRATOR and actor.via == "cli" and actor.name


def test_the_rows_in_view_follow_the_role(builtin_network: Network) -> None:
    from placement_service.access import students_in_view

    sites = {s.student_id: s.stu_site for s in builtin_network.students}
    castberg = {s for s, site in sites.items() if site == "castberggaard"}
    assert students_in_view(SARA, sites, builtin=True) == castberg
    assert students_in_view(KIM, sites, builtin=True) == set()
    assert students_in_view(ANNE, sites, builtin=True) == set()
    assert students_in_view(demo_actor(), sites, builtin=True) is None
    assert students_in_view(demo_actor(), sites, builtin=False) == set()


def test_the_data_template_holds_only_the_students_the_actor_may_see(builtin_network: Network) -> None:
    from placement_service.use_cases import data_tables

    castberg = {s.student_id for s in builtin_network.students if s.stu_site == "castberggaard"}
    for actor, builtin, expected in (
        (SARA, False, castberg),
        (KIM, False, set()),
        (ANNE, True, set()),
        (demo_actor(), False, set()),
        (demo_actor(), True, {s.student_id for s in builtin_network.students}),
    ):
        tables = data_tables(actor, builtin_network, builtin=builtin)
        assert set(tables["students"]["student_id"]) == expected
        assert len(tables["companies"]) == len(builtin_network.companies)
        assert set(tables["history"]["student_id"]) <= expected | {
            a.student_id for a in builtin_network.alumni if may_see(actor, a.stu_site, builtin)
        }
        assert list(tables["students"].columns) == list(builtin_network.frames()["students"].columns)


def may_see(actor: Actor, site: str, builtin: bool) -> bool:
    from placement_service import may_see_student_details

    return may_see_student_details(actor, site, builtin=builtin)
