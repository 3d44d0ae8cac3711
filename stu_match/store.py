"""Persistence of consultants' decisions, approved plans and scenarios, in embedded SQLite.

One job: keep what users decide, safely. Every write is one transaction that
also appends to the audit trail (who, when, what). Decisions are an
append-only log, so two browser sessions deciding at the same time lose
nothing; the current decision of a pair is its latest entry. The database
lives at ``$STU_MATCH_DB`` (default ``var/stu_match.sqlite3`` in the project).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from features.errors import InputError

DATABASE_ENV = "STU_MATCH_DB"
DEFAULT_DATABASE = Path(__file__).resolve().parents[1] / "var" / "stu_match.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    network_key TEXT NOT NULL,
    student_id TEXT NOT NULL,
    company_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    user TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_by_network ON decisions (network_key, student_id, company_id, id);
CREATE TABLE IF NOT EXISTS plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    network_key TEXT NOT NULL,
    name TEXT NOT NULL,
    assignments TEXT NOT NULL,
    user TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scenarios (
    network_key TEXT NOT NULL,
    name TEXT NOT NULL,
    settings TEXT NOT NULL,
    user TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (network_key, name)
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    network_key TEXT NOT NULL,
    user TEXT NOT NULL,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    details TEXT NOT NULL
);
"""


class DecisionKind(StrEnum):
    APPROVE = "approve"  # the consultant accepts the proposed placement; kept on re-solve
    REJECT = "reject"  # the consultant rejects the proposal; the pair is not proposed again
    LOCK = "lock"  # the student must go to this company
    FORBID = "forbid"  # never this student at this company
    CLEAR = "clear"  # withdraw an earlier decision on the pair


DECISION_LABELS: dict[DecisionKind, str] = {
    DecisionKind.APPROVE: "Godkendt",
    DecisionKind.REJECT: "Afvist",
    DecisionKind.LOCK: "Låst",
    DecisionKind.FORBID: "Udelukket",
    DecisionKind.CLEAR: "Ryddet",
}

_BINDING = (DecisionKind.APPROVE, DecisionKind.LOCK)  # the student goes there
_EXCLUDING = (DecisionKind.REJECT, DecisionKind.FORBID)  # the student never goes there


class Decision(BaseModel):
    student_id: str
    company_id: str
    kind: DecisionKind
    user: str
    at: str


class SavedPlan(BaseModel):
    id: int
    name: str
    assignments: list[dict[str, Any]]
    user: str
    at: str


class Scenario(BaseModel):
    name: str
    settings: dict[str, Any]
    user: str
    at: str


class AuditEntry(BaseModel):
    user: str
    at: str
    action: str
    details: dict[str, Any]


def database_path() -> Path:
    return Path(os.environ.get(DATABASE_ENV) or DEFAULT_DATABASE)


class DecisionStore:
    """The decisions, plans, scenarios and audit trail of every network, in one SQLite file."""

    def __init__(self, path: str | os.PathLike[str] | None = None):
        self.path = Path(path) if path is not None else database_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            connection.execute("PRAGMA busy_timeout = 30000")
            yield connection
        finally:
            connection.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing write; BEGIN IMMEDIATE serialises concurrent writers."""
        with self._connection() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    # --- decisions ------------------------------------------------------------

    def record(
        self, network_key: str, student_id: str, company_id: str, kind: DecisionKind | str, user: str
    ) -> None:
        """Record a decision on a pair. Approving or locking a student elsewhere clears the old binding."""
        self.record_many(network_key, [(student_id, company_id, kind)], user)

    def record_many(
        self, network_key: str, decisions: list[tuple[str, str, DecisionKind | str]], user: str
    ) -> None:
        """Several decisions in one transaction (e.g. approve a whole plan)."""
        user = _user(user)
        at = _now()
        parsed = [(s, c, _decision_kind(k)) for s, c, k in decisions]
        with self._transaction() as connection:
            for student_id, company_id, kind in parsed:
                if kind in _BINDING:
                    for other in self._current(connection, network_key, student_id=student_id):
                        if other.kind in _BINDING and other.company_id != company_id:
                            self._insert_decision(
                                connection,
                                network_key,
                                student_id,
                                other.company_id,
                                DecisionKind.CLEAR,
                                user,
                                at,
                            )
                self._insert_decision(connection, network_key, student_id, company_id, kind, user, at)

    def current_decisions(self, network_key: str) -> list[Decision]:
        """The latest decision on every pair that still has one (cleared pairs are left out)."""
        with self._connection() as connection:
            return self._current(connection, network_key)

    def bindings_and_exclusions(
        self, network_key: str
    ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """Pairs the solver must keep (approved or locked) and pairs it must avoid (rejected or forbidden)."""
        decisions = self.current_decisions(network_key)
        keep = [(d.student_id, d.company_id) for d in decisions if d.kind in _BINDING]
        avoid = [(d.student_id, d.company_id) for d in decisions if d.kind in _EXCLUDING]
        return keep, avoid

    def _current(
        self, connection: sqlite3.Connection, network_key: str, student_id: str | None = None
    ) -> list[Decision]:
        query = """
            SELECT d.student_id, d.company_id, d.kind, d.user, d.at FROM decisions d
            JOIN (SELECT MAX(id) AS id FROM decisions WHERE network_key = ?
                  {student_filter} GROUP BY student_id, company_id) latest ON d.id = latest.id
            WHERE d.kind != 'clear' ORDER BY d.id
        """
        parameters: list[str] = [network_key]
        student_filter = ""
        if student_id is not None:
            student_filter = "AND student_id = ?"
            parameters.append(student_id)
        rows = connection.execute(query.format(student_filter=student_filter), parameters).fetchall()
        return [
            Decision(student_id=s, company_id=c, kind=DecisionKind(k), user=u, at=a) for s, c, k, u, a in rows
        ]

    def _insert_decision(
        self,
        connection: sqlite3.Connection,
        network_key: str,
        student_id: str,
        company_id: str,
        kind: DecisionKind,
        user: str,
        at: str,
    ) -> None:
        connection.execute(
            "INSERT INTO decisions (network_key, student_id, company_id, kind, user, at) VALUES (?, ?, ?, ?, ?, ?)",
            (network_key, student_id, company_id, kind.value, user, at),
        )
        self._audit(
            connection,
            network_key,
            user,
            at,
            f"decision:{kind.value}",
            {"student_id": student_id, "company_id": company_id},
        )

    # --- plans ----------------------------------------------------------------

    def save_plan(self, network_key: str, name: str, assignments: list[dict[str, Any]], user: str) -> int:
        """Store an approved plan (a list of assignment objects); returns its id."""
        name = _name(name, "plan")
        user = _user(user)
        at = _now()
        payload = json.dumps(assignments, ensure_ascii=False)
        with self._transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO plans (network_key, name, assignments, user, at) VALUES (?, ?, ?, ?, ?)",
                (network_key, name, payload, user, at),
            )
            plan_id = int(cursor.lastrowid or 0)
            self._audit(
                connection, network_key, user, at, "plan:save", {"plan": name, "placements": len(assignments)}
            )
        return plan_id

    def latest_plan(self, network_key: str) -> SavedPlan | None:
        with self._connection() as connection:
            row = connection.execute(
                "SELECT id, name, assignments, user, at FROM plans WHERE network_key = ? ORDER BY id DESC LIMIT 1",
                (network_key,),
            ).fetchone()
        if row is None:
            return None
        return SavedPlan(id=row[0], name=row[1], assignments=json.loads(row[2]), user=row[3], at=row[4])

    # --- scenarios --------------------------------------------------------------

    def save_scenario(self, network_key: str, name: str, settings: dict[str, Any], user: str) -> None:
        """Save (or overwrite) a named what-if scenario."""
        name = _name(name, "scenario")
        user = _user(user)
        at = _now()
        with self._transaction() as connection:
            connection.execute(
                "INSERT INTO scenarios (network_key, name, settings, user, at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (network_key, name) DO UPDATE SET settings = excluded.settings, "
                "user = excluded.user, at = excluded.at",
                (network_key, name, json.dumps(settings, ensure_ascii=False), user, at),
            )
            self._audit(connection, network_key, user, at, "scenario:save", {"scenario": name})

    def scenarios(self, network_key: str) -> list[Scenario]:
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT name, settings, user, at FROM scenarios WHERE network_key = ? ORDER BY name",
                (network_key,),
            ).fetchall()
        return [Scenario(name=n, settings=json.loads(s), user=u, at=a) for n, s, u, a in rows]

    def scenario(self, network_key: str, name: str) -> Scenario:
        for scenario in self.scenarios(network_key):
            if scenario.name == name:
                return scenario
        known = ", ".join(s.name for s in self.scenarios(network_key)) or "none"
        raise InputError(
            f"No scenario named {name!r}; saved scenarios: {known}",
            f"Der er intet scenarie med navnet {name!r}; gemte scenarier: {known}",
        )

    def delete_scenario(self, network_key: str, name: str, user: str) -> None:
        user = _user(user)
        at = _now()
        with self._transaction() as connection:
            connection.execute(
                "DELETE FROM scenarios WHERE network_key = ? AND name = ?", (network_key, name)
            )
            self._audit(connection, network_key, user, at, "scenario:delete", {"scenario": name})

    # --- audit -----------------------------------------------------------------

    def audit_trail(self, network_key: str, limit: int = 200) -> list[AuditEntry]:
        """The newest entries first."""
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT user, at, action, details FROM audit WHERE network_key = ? ORDER BY id DESC LIMIT ?",
                (network_key, limit),
            ).fetchall()
        return [AuditEntry(user=u, at=a, action=act, details=json.loads(d)) for u, a, act, d in rows]

    @staticmethod
    def _audit(
        connection: sqlite3.Connection,
        network_key: str,
        user: str,
        at: str,
        action: str,
        details: dict[str, Any],
    ) -> None:
        connection.execute(
            "INSERT INTO audit (network_key, user, at, action, details) VALUES (?, ?, ?, ?, ?)",
            (network_key, user, at, action, json.dumps(details, ensure_ascii=False)),
        )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _decision_kind(kind: DecisionKind | str) -> DecisionKind:
    try:
        return DecisionKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in DecisionKind)
        raise InputError(
            f"Unknown decision {kind!r}; allowed: {allowed}",
            f"Ukendt beslutning {kind!r}; tilladt: {allowed}",
        ) from None


def _user(user: str) -> str:
    user = (user or "").strip()
    if not user:
        raise InputError(
            "A decision needs the name of the user who made it", "En beslutning skal have navnet på brugeren"
        )
    return user[:80]


def _name(name: str, what: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise InputError(
            f"The {what} name must be 1-80 characters; got {name!r}",
            f"Navnet skal være 1-80 tegn; fik {name!r}",
        )
    return name
