"""The decision store: nothing decided is lost, across restarts and concurrent sessions."""

from __future__ import annotations

import multiprocessing
import sys
import types
from pathlib import Path

import pytest

from features.errors import InputError
from placement_service.decisions import DecisionSet
from placement_service.store import (
    DATABASE_ENV,
    DecisionConflictError,
    DecisionKind,
    DecisionStore,
    database_path,
)

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
    decisions = DecisionSet.of(store.current_decisions(NET))
    assert decisions.keep == (("S1", "C3"),)
    assert decisions.avoid == (("S1", "C2"),)


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


def test_two_sessions_deciding_at_the_same_time_lose_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(tmp_path / "db.sqlite3")
    DecisionStore(path)
    # A ``spawn`` child runs the parent's ``__main__`` first. Streamlit's script runner (the app tests)
    # installs the app script there, and a clean-clone CI run once had the children run
    # ``app_streamlit/app.py`` and fail: they start from a bare ``__main__`` instead.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
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


def test_a_decision_on_a_pair_changed_since_the_plan_is_refused_and_not_written(store: DecisionStore) -> None:
    seen = store.decision_version(NET)
    store.record(NET, "S1", "C1", "forbid", "Mette", seen_version=seen)
    with pytest.raises(DecisionConflictError) as refused:
        store.record(NET, "S1", "C1", "approve", "Jens", seen_version=seen)
    # The message names both decisions: the one refused and the one made first.
    assert "Godkend" in refused.value.message_da and "Udelukket" in refused.value.message_da
    assert "Mette" in refused.value.message_da and "S1 → C1" in refused.value.message_da
    (decision,) = store.current_decisions(NET)
    assert (decision.kind, decision.user) == (DecisionKind.FORBID, "Mette")


def test_decisions_on_other_pairs_since_the_plan_do_not_block(store: DecisionStore) -> None:
    seen = store.decision_version(NET)
    store.record(NET, "S1", "C1", "approve", "Mette", seen_version=seen)
    store.record(NET, "S2", "C2", "reject", "Jens", seen_version=seen)
    assert {d.pair for d in store.current_decisions(NET)} == {("S1", "C1"), ("S2", "C2")}


def test_binding_a_student_someone_bound_elsewhere_meanwhile_is_refused(store: DecisionStore) -> None:
    seen = store.decision_version(NET)
    store.record(NET, "S1", "C1", "lock", "Mette", seen_version=seen)
    with pytest.raises(DecisionConflictError, match="S1 -> C2"):
        store.record(NET, "S1", "C2", "approve", "Jens", seen_version=seen)
    # Avoiding another pair of the same student is no conflict.
    store.record(NET, "S1", "C3", "forbid", "Jens", seen_version=seen)
    assert {d.pair: d.kind for d in store.current_decisions(NET)} == {
        ("S1", "C1"): DecisionKind.LOCK,
        ("S1", "C3"): DecisionKind.FORBID,
    }


def test_a_batch_with_one_conflict_writes_nothing(store: DecisionStore) -> None:
    seen = store.decision_version(NET)
    store.record(NET, "S2", "C2", "forbid", "Mette", seen_version=seen)
    before = store.audit_trail(NET)
    with pytest.raises(DecisionConflictError):
        store.record_many(NET, [("S1", "C1", "approve"), ("S2", "C2", "approve")], "Jens", seen_version=seen)
    assert [d.pair for d in store.current_decisions(NET)] == [("S2", "C2")]
    assert store.audit_trail(NET) == before


def test_approving_a_plan_keeps_locks_as_locks_in_one_transaction(store: DecisionStore) -> None:
    store.record(NET, "S1", "C1", "lock", "Mette")
    store.record(NET, "S2", "C2", "approve", "Mette")
    seen = store.decision_version(NET)
    plan = [
        {"student_id": "S1", "company_id": "C1", "score": 70.0},
        {"student_id": "S2", "company_id": "C2", "score": 60.0},
        {"student_id": "S3", "company_id": "C3", "score": 50.0},
    ]
    store.approve_plan(NET, "Plan 1", plan, "Jens", seen_version=seen)
    kinds = {d.pair: d.kind for d in store.current_decisions(NET)}
    assert kinds == {
        ("S1", "C1"): DecisionKind.LOCK,
        ("S2", "C2"): DecisionKind.APPROVE,
        ("S3", "C3"): DecisionKind.APPROVE,
    }
    saved = store.latest_plan(NET)
    assert saved is not None and saved.assignments == plan
    # One new decision and the plan, by Jens; the lock and the earlier approval were not rewritten.
    newest = [(e.user, e.action) for e in store.audit_trail(NET)][:3]
    assert newest == [("Jens", "plan:save"), ("Jens", "decision:approve"), ("Mette", "decision:approve")]


def test_approving_a_plan_someone_changed_meanwhile_writes_nothing(store: DecisionStore) -> None:
    seen = store.decision_version(NET)
    store.record(NET, "S3", "C3", "reject", "Mette")
    with pytest.raises(DecisionConflictError):
        store.approve_plan(
            NET, "Plan 1", [{"student_id": "S3", "company_id": "C3"}], "Jens", seen_version=seen
        )
    assert store.latest_plan(NET) is None
    assert [d.kind for d in store.current_decisions(NET)] == [DecisionKind.REJECT]


def test_the_decision_version_grows_with_every_write(store: DecisionStore) -> None:
    assert store.decision_version(NET) == 0
    store.record(NET, "S1", "C1", "approve", "A")
    first = store.decision_version(NET)
    store.record(NET, "S1", "C2", "approve", "A")  # also clears S1 -> C1
    assert store.decision_version(NET) == first + 2
    version, decisions = store.decisions_at_version(NET)
    assert version == first + 2 and [d.pair for d in decisions] == [("S1", "C2")]


def test_a_version_1_database_is_migrated_without_losing_anything(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite3"
    connection = sqlite3.connect(path)
    connection.executescript(
        """
        CREATE TABLE decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, network_key TEXT NOT NULL,
            student_id TEXT NOT NULL, company_id TEXT NOT NULL, kind TEXT NOT NULL, user TEXT NOT NULL,
            at TEXT NOT NULL);
        INSERT INTO decisions (network_key, student_id, company_id, kind, user, at)
            VALUES ('indbygget', 'S1', 'C1', 'lock', 'Mette', '2026-01-01T10:00:00+00:00'),
                   ('min upload', 'S2', 'C2', 'forbid', 'Jens', '2026-01-01T10:00:00+00:00');
        """
    )
    connection.commit()
    connection.close()
    store = DecisionStore(path)
    assert [d.pair for d in store.current_decisions("builtin")] == [("S1", "C1")]
    assert [d.pair for d in store.current_decisions("min upload")] == [("S2", "C2")]
    assert {n.network_id for n in store.networks()} == {"builtin", "min upload"}
