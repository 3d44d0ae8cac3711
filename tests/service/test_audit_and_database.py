"""The audit trail cannot be rewritten, and the database is private and fails with a clear message."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from placement_service import DecisionStore, StoreError

NET = "builtin"


@pytest.fixture
def store(tmp_path: Path) -> DecisionStore:
    store = DecisionStore(tmp_path / "db.sqlite3")
    store.record(NET, "S1", "C1", "approve", "Mette")
    store.record_many(NET, [("S2", "C2", "forbid"), ("S3", "C3", "lock")], "Jens")
    store.save_scenario(NET, "Uden C7", {"removed_companies": ["C7"]}, "Jens")
    store.log_access(NET, "Mette", "student:open", {"student_id": "S1"})
    return store


def test_an_intact_trail_verifies(store: DecisionStore) -> None:
    assert store.verify_audit() is None


def test_the_database_refuses_to_update_or_delete_audit_rows(store: DecisionStore) -> None:
    with sqlite3.connect(store.path) as connection:
        for statement in ("UPDATE audit SET user = 'Eve' WHERE id = 2", "DELETE FROM audit WHERE id = 2"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                connection.execute(statement)
    assert store.verify_audit() is None


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE audit SET user = 'Eve' WHERE id = 3",
        'UPDATE audit SET details = \'{"student_id": "S9", "company_id": "C2"}\' WHERE id = 3',
        "DELETE FROM audit WHERE id = 3",
    ],
    ids=["user", "details", "removed"],
)
def test_a_rewritten_trail_is_caught_at_the_first_broken_row(store: DecisionStore, tamper: str) -> None:
    with sqlite3.connect(store.path) as connection:  # an attacker who drops the guards first
        connection.execute("DROP TRIGGER audit_no_update")
        connection.execute("DROP TRIGGER audit_no_delete")
        connection.execute(tamper)
    broken = store.verify_audit()
    assert broken in (3, 4)  # the changed row itself, or (removed) the row after it


def test_audit_rows_hold_ids_not_health_details_or_free_text(store: DecisionStore) -> None:
    for entry in store.full_audit_trail():
        assert set(entry.details) <= {
            "student_id",
            "company_id",
            "placements",
            "network_id",
            "students",
            "companies",
            "name",
            "role",
        }
        assert "Uden C7" not in str(entry.details)


WRITES = {
    "decision": lambda s: s.record(NET, "S4", "C4", "approve", "Mette"),
    "batch": lambda s: s.record_many(NET, [("S4", "C4", "lock"), ("S5", "C5", "reject")], "Mette"),
    "approve-plan": lambda s: s.approve_plan(
        NET, "Plan", [{"student_id": "S5", "company_id": "C5"}], "Mette"
    ),
    "scenario": lambda s: s.save_scenario(NET, "Ny", {}, "Jens"),
    "consent": lambda s: s.record_consent(NET, "S1", ["interests"], "2026-09-01", None, "Mette"),
    "user": lambda s: s.put_user("Bo", "administrator", [], None, "hash", "Anne"),
    "network": lambda s: s.register_network("Nyt", "Mette"),
    "deletion": lambda s: s.delete_student(NET, "S1", "2024-07-31", "system"),
}


def _snapshot(store: DecisionStore) -> list[object]:
    with sqlite3.connect(store.path) as connection:
        return [
            connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in (
                "decisions",
                "plans",
                "scenarios",
                "consents",
                "users",
                "networks",
                "deletions",
                "audit",
            )
        ]


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_and_its_audit_row_are_one_transaction(store: DecisionStore, write: str) -> None:
    """A write whose audit row cannot be written is not written either, whatever the kind."""
    with sqlite3.connect(store.path) as connection:
        connection.execute(
            "CREATE TRIGGER fail_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    before = _snapshot(store)
    with pytest.raises(StoreError):
        WRITES[write](store)
    assert _snapshot(store) == before


@pytest.mark.parametrize("write", list(WRITES))
def test_every_kind_of_write_leaves_an_audit_row(store: DecisionStore, write: str) -> None:
    rows = len(store.full_audit_trail())
    WRITES[write](store)
    assert len(store.full_audit_trail()) > rows


def test_the_automatic_clear_of_an_old_binding_is_audited(store: DecisionStore) -> None:
    store.record(NET, "S1", "C9", "lock", "Jens")  # S1 was approved at C1 by Mette
    newest = [(e.user, e.action, e.details) for e in store.audit_trail(NET)][:2]
    assert newest == [
        ("Jens", "decision:lock", {"student_id": "S1", "company_id": "C9"}),
        ("Jens", "decision:clear", {"student_id": "S1", "company_id": "C1"}),
    ]


def test_the_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    store = DecisionStore(tmp_path / "new.sqlite3")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    loose = tmp_path / "loose.sqlite3"
    loose.touch(mode=0o644)
    loose.chmod(0o644)
    DecisionStore(loose)
    assert stat.S_IMODE(loose.stat().st_mode) == 0o600


def test_a_corrupt_database_gives_a_danish_message(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError) as refused:
        DecisionStore(path)
    assert "beskadiget" in refused.value.message_da and str(path) in refused.value.message


def test_a_locked_database_gives_a_danish_message(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    DecisionStore(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as refused:
            DecisionStore(path, busy_timeout_seconds=0.2).record(NET, "S1", "C1", "approve", "Mette")
        assert "optaget" in refused.value.message_da
    finally:
        holder.execute("ROLLBACK")
        holder.close()
