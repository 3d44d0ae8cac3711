"""The decision store: nothing decided is lost, across restarts and concurrent sessions."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from features.errors import InputError
from stu_match.store import DATABASE_ENV, DecisionKind, DecisionStore, database_path

NET = "builtin"


@pytest.fixture
def store(tmp_path: Path) -> DecisionStore:
    return DecisionStore(tmp_path / "db.sqlite3")


def test_decisions_survive_a_restart(tmp_path: Path) -> None:
    DecisionStore(tmp_path / "db.sqlite3").record(NET, "S1", "C1", "approve", "Mette")
    reopened = DecisionStore(tmp_path / "db.sqlite3")
    (decision,) = reopened.current_decisions(NET)
    assert (decision.student_id, decision.company_id, decision.kind, decision.user) == (
        "S1",
        "C1",
        DecisionKind.APPROVE,
        "Mette",
    )


def test_latest_decision_on_a_pair_wins_and_clear_removes_it(store: DecisionStore) -> None:
    store.record(NET, "S1", "C1", "forbid", "A")
    store.record(NET, "S1", "C1", "lock", "B")
    assert [d.kind for d in store.current_decisions(NET)] == [DecisionKind.LOCK]
    store.record(NET, "S1", "C1", "clear", "B")
    assert store.current_decisions(NET) == []


def test_binding_a_student_elsewhere_clears_the_old_binding(store: DecisionStore) -> None:
    store.record(NET, "S1", "C1", "approve", "A")
    store.record(NET, "S1", "C2", "forbid", "A")
    store.record(NET, "S1", "C3", "lock", "B")
    keep, avoid = store.bindings_and_exclusions(NET)
    assert keep == [("S1", "C3")]
    assert avoid == [("S1", "C2")]


def test_networks_are_kept_apart(store: DecisionStore) -> None:
    store.record("a", "S1", "C1", "lock", "A")
    assert store.current_decisions("b") == []


def test_every_write_is_in_the_audit_trail(store: DecisionStore) -> None:
    store.record(NET, "S1", "C1", "approve", "Mette")
    store.save_plan(NET, "Plan 2027", [{"student_id": "S1", "company_id": "C1"}], "Jens")
    store.save_scenario(NET, "Uden C7", {"removed_companies": ["C7"]}, "Jens")
    actions = [(e.user, e.action) for e in store.audit_trail(NET)]
    assert actions == [("Jens", "scenario:save"), ("Jens", "plan:save"), ("Mette", "decision:approve")]


def test_plans_and_scenarios_round_trip(store: DecisionStore) -> None:
    assert store.latest_plan(NET) is None
    store.save_plan(NET, "v1", [{"student_id": "S1", "company_id": "C1", "score": 71.5}], "A")
    store.save_plan(NET, "v2", [{"student_id": "S2", "company_id": "C9", "score": 60.0}], "A")
    plan = store.latest_plan(NET)
    assert plan is not None and plan.name == "v2" and plan.assignments[0]["company_id"] == "C9"
    store.save_scenario(NET, "s", {"travel_factor": 1.2}, "A")
    store.save_scenario(NET, "s", {"travel_factor": 1.5}, "B")
    assert store.scenario(NET, "s").settings == {"travel_factor": 1.5}
    store.delete_scenario(NET, "s", "B")
    with pytest.raises(InputError, match="No scenario named 's'"):
        store.scenario(NET, "s")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.record(NET, "S1", "C1", "maybe", "A"), "Unknown decision 'maybe'; allowed: approve"),
        (lambda s: s.record(NET, "S1", "C1", "lock", "  "), "needs the name of the user"),
        (lambda s: s.save_scenario(NET, "", {}, "A"), "name must be 1-80 characters"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(store: DecisionStore, call, message: str) -> None:
    with pytest.raises(InputError, match=message):
        call(store)
    assert store.current_decisions(NET) == [] and store.audit_trail(NET) == []


def test_a_failed_batch_writes_nothing(store: DecisionStore) -> None:
    with pytest.raises(InputError):
        store.record_many(NET, [("S1", "C1", "approve"), ("S2", "C2", "nonsense")], "A")
    assert store.current_decisions(NET) == []


def test_database_location_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(DATABASE_ENV, str(tmp_path / "x.sqlite3"))
    assert database_path() == tmp_path / "x.sqlite3"
    assert DecisionStore().path == tmp_path / "x.sqlite3"


def _decide_many(path: str, user: str, count: int) -> None:
    store = DecisionStore(path)
    for k in range(count):
        store.record(NET, f"{user}-S{k}", f"C{k}", "approve", user)


def test_two_sessions_deciding_at_the_same_time_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "db.sqlite3")
    DecisionStore(path)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_decide_many, args=(path, user, 60)) for user in ("A", "B")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    decisions = DecisionStore(path).current_decisions(NET)
    assert len(decisions) == 120
    assert {d.user for d in decisions} == {"A", "B"}
