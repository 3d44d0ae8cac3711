"""The application database: networks and their versions, decisions, approved plans, scenarios, audit.

One job: keep what users decide, safely, in embedded SQLite at ``$STU_MATCH_DB``
(default ``var/stu_match.sqlite3`` in the project).

Invariants:
- Every write is one transaction (``BEGIN IMMEDIATE`` serialises writers) and
  appends its audit rows in that same transaction.
- Decisions are an append-only log; a pair's current decision is its newest
  row. The id of the newest row of a network is its *decision version*: a plan
  solved from the decisions at version v shows "version v", and a decision
  made on that plan carries v. If the pair (or, for a keeping decision, the
  student's other keeping decisions) changed after v, the decision is refused
  with ``DecisionConflictError`` and nothing is written.
- Everything is filed under a network's stable ID, never under a typed name.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from features.errors import InputError
from placement_service.after_match_store import AFTER_MATCH_SCHEMA, AfterMatchRecords
from placement_service.clock import danish_clock, now
from placement_service.decisions import (
    DECISION_ACTIONS,
    DECISION_LABELS,
    KEEPING,
    Decision,
    DecisionKind,
    decision_kind,
)

DATABASE_ENV = "STU_MATCH_DB"
DEFAULT_DATABASE = Path(__file__).resolve().parents[1] / "var" / "stu_match.sqlite3"
BUILTIN_NETWORK_ID = "builtin"
SCHEMA_VERSION = 3

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
CREATE TABLE IF NOT EXISTS networks (
    network_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    user TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS network_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    network_id TEXT NOT NULL REFERENCES networks (network_id),
    digest TEXT NOT NULL,
    students TEXT NOT NULL,
    companies TEXT NOT NULL,
    user TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS network_versions_by_digest ON network_versions (digest);
CREATE TABLE IF NOT EXISTS settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    sites TEXT NOT NULL,
    email TEXT,
    password_hash TEXT,
    at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS users_by_email ON users (email) WHERE email IS NOT NULL;
CREATE TABLE IF NOT EXISTS consents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    network_key TEXT NOT NULL,
    student_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    given_on TEXT,
    withdrawn_on TEXT,
    user TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS consents_by_student ON consents (network_key, student_id, id);
CREATE TABLE IF NOT EXISTS retention (
    network_key TEXT NOT NULL,
    student_id TEXT NOT NULL,
    stu_end TEXT NOT NULL,
    PRIMARY KEY (network_key, student_id)
);
CREATE TABLE IF NOT EXISTS deletions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    network_key TEXT NOT NULL,
    student_id TEXT NOT NULL,
    stu_end TEXT NOT NULL,
    user TEXT NOT NULL,
    at TEXT NOT NULL
);
"""

# The audit trail cannot be rewritten: the database itself refuses UPDATE and DELETE on it.
_AUDIT_GUARDS = """
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""
GENESIS_HASH = "0" * 64


class DecisionConflictError(InputError):
    """A decision made on a pair whose state changed after the user saw it; nothing was written."""

    def __init__(self, conflicts: list[tuple[tuple[str, str, DecisionKind], Decision]]):
        self.conflicts = conflicts
        english = "; ".join(
            f"{mine[0]} -> {mine[1]} ({mine[2].value}) conflicts with {theirs.kind.value} on "
            f"{theirs.student_id} -> {theirs.company_id} by {theirs.user} at {theirs.at}"
            for mine, theirs in conflicts
        )
        danish = " ".join(
            f"Din beslutning «{DECISION_ACTIONS[mine[2]]}» om {mine[0]} → {mine[1]} er ikke gemt: "
            f"{theirs.user} har {danish_clock(theirs.at)} besluttet «{DECISION_LABELS[theirs.kind]}» om "
            f"{theirs.student_id} → {theirs.company_id}, efter at du åbnede planen."
            for mine, theirs in conflicts
        )
        super().__init__(
            f"{len(conflicts)} decision(s) not saved, made on an older plan: {english}",
            danish + " Se den opdaterede plan, og beslut igen.",
        )


class StoreError(InputError):
    """The database cannot be used (corrupt, read-only, locked, missing folder); nothing was written."""


class StoredUser(BaseModel):
    name: str
    role: str
    sites: list[str]
    email: str | None
    has_password: bool
    at: str


class AuditRow(BaseModel):
    id: int
    network_key: str
    user: str
    at: str
    action: str
    details: dict[str, Any]


class ConsentRecord(BaseModel):
    """Consent as recorded: the categories a student agreed to share, from when, and a withdrawal."""

    network_key: str
    student_id: str
    scope: list[str]
    given_on: str | None
    withdrawn_on: str | None
    user: str
    at: str


class DeletionRecord(BaseModel):
    network_key: str
    student_id: str
    stu_end: str
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


class NetworkInfo(BaseModel):
    network_id: str
    name: str
    user: str
    at: str


class NetworkVersion(BaseModel):
    """One version of a network's files: a digest of the whole and one per student and company."""

    number: int
    network_id: str
    digest: str
    students: dict[str, str]
    companies: dict[str, str]
    user: str
    at: str


def database_path() -> Path:
    return Path(os.environ.get(DATABASE_ENV) or DEFAULT_DATABASE)


class DecisionStore(AfterMatchRecords):
    """Everything users decide, and what happens after the match, for every network, in one SQLite file."""

    def __init__(self, path: str | os.PathLike[str] | None = None, busy_timeout_seconds: float = 30.0):
        self.path = Path(path) if path is not None else database_path()
        self.busy_timeout_seconds = busy_timeout_seconds
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _create_private(self.path)
        except OSError as error:
            raise _store_error(self.path, error) from None
        with self._connection() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)
            connection.executescript(AFTER_MATCH_SCHEMA)
            self._migrate(connection)
            connection.executescript(_AUDIT_GUARDS)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A connection; any SQLite failure becomes a ``StoreError`` that says what to do, in Danish."""
        try:
            connection = sqlite3.connect(self.path, timeout=self.busy_timeout_seconds, isolation_level=None)
        except sqlite3.Error as error:
            raise _store_error(self.path, error) from None
        try:
            connection.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_seconds * 1000)}")
            yield connection
        except sqlite3.Error as error:
            raise _store_error(self.path, error) from None
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

    def _migrate(self, connection: sqlite3.Connection) -> None:
        """Bring a database of an earlier version up to date, in one transaction."""
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        if version >= SCHEMA_VERSION:
            return
        connection.execute("BEGIN IMMEDIATE")
        try:
            columns = {row[1] for row in connection.execute("PRAGMA table_info(decisions)")}
            if "based_on" not in columns:
                connection.execute("ALTER TABLE decisions ADD COLUMN based_on INTEGER")
            audit_columns = {row[1] for row in connection.execute("PRAGMA table_info(audit)")}
            if "row_hash" not in audit_columns:
                connection.execute("ALTER TABLE audit ADD COLUMN prev_hash TEXT")
                connection.execute("ALTER TABLE audit ADD COLUMN row_hash TEXT")
            # Version 1 filed the built-in network under 'indbygget' and uploads under a typed name.
            for table in ("decisions", "plans", "scenarios", "audit"):
                connection.execute(
                    f"UPDATE {table} SET network_key = ? WHERE network_key = 'indbygget'",
                    (BUILTIN_NETWORK_ID,),
                )
            keys = {
                row[0]
                for table in ("decisions", "plans", "scenarios")
                for row in connection.execute(f"SELECT DISTINCT network_key FROM {table}")
            }
            at = now()
            for key in sorted(keys):
                connection.execute(
                    "INSERT OR IGNORE INTO networks (network_id, name, user, at) VALUES (?, ?, ?, ?)",
                    (key, "Indbygget syntetisk netværk" if key == BUILTIN_NETWORK_ID else key, "system", at),
                )
            # Chain the rows written before the audit trail was tamper-evident.
            previous = GENESIS_HASH
            rows = connection.execute(
                "SELECT id, network_key, user, at, action, details, row_hash FROM audit ORDER BY id"
            ).fetchall()
            for audit_id, key, who, at_, action, details, row_hash in rows:
                expected = _chain_hash(previous, audit_id, key, who, at_, action, details)
                if row_hash is None:
                    connection.execute(
                        "UPDATE audit SET prev_hash = ?, row_hash = ? WHERE id = ?",
                        (previous, expected, audit_id),
                    )
                previous = row_hash or expected
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    # --- networks ---------------------------------------------------------------

    def register_network(self, name: str, user: str, network_id: str | None = None) -> str:
        """A new network with a fresh stable ID (or ``network_id``, if not taken); returns the ID."""
        name = _name(name, "network")
        user = _user(user)
        network_id = network_id or f"N-{uuid.uuid4().hex[:12]}"
        at = now()
        with self._transaction() as connection:
            taken = connection.execute(
                "SELECT 1 FROM networks WHERE network_id = ?", (network_id,)
            ).fetchone()
            if taken is None:
                connection.execute(
                    "INSERT INTO networks (network_id, name, user, at) VALUES (?, ?, ?, ?)",
                    (network_id, name, user, at),
                )
                self._audit(connection, network_id, user, at, "network:register", {"network_id": network_id})
        return network_id

    def network(self, network_id: str) -> NetworkInfo | None:
        with self._connection() as connection:
            row = connection.execute(
                "SELECT network_id, name, user, at FROM networks WHERE network_id = ?", (network_id,)
            ).fetchone()
        return None if row is None else NetworkInfo(network_id=row[0], name=row[1], user=row[2], at=row[3])

    def networks(self) -> list[NetworkInfo]:
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT network_id, name, user, at FROM networks ORDER BY at"
            ).fetchall()
        return [NetworkInfo(network_id=r[0], name=r[1], user=r[2], at=r[3]) for r in rows]

    def add_version(
        self,
        network_id: str,
        digest: str,
        students: Mapping[str, str],
        companies: Mapping[str, str],
        user: str,
    ) -> NetworkVersion:
        """Record a version of a network's files, unless it equals the latest one; returns the latest."""
        user = _user(user)
        at = now()
        with self._transaction() as connection:
            if (
                connection.execute("SELECT 1 FROM networks WHERE network_id = ?", (network_id,)).fetchone()
                is None
            ):
                raise InputError(
                    f"Unknown network {network_id!r}", f"Der er intet netværk med ID'et {network_id!r}"
                )
            latest = self._latest_version(connection, network_id)
            if latest is not None and latest.digest == digest:
                return latest
            connection.execute(
                "INSERT INTO network_versions (network_id, digest, students, companies, user, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (network_id, digest, json.dumps(dict(students)), json.dumps(dict(companies)), user, at),
            )
            self._audit(
                connection,
                network_id,
                user,
                at,
                "network:version",
                {"students": len(students), "companies": len(companies)},
            )
            version = self._latest_version(connection, network_id)
        assert version is not None
        return version

    def latest_version(self, network_id: str) -> NetworkVersion | None:
        with self._connection() as connection:
            return self._latest_version(connection, network_id)

    def version_sizes(self) -> set[tuple[int, int]]:
        """The (students, companies) counts of every recorded version: files of another size match none."""
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT DISTINCT (SELECT COUNT(*) FROM json_each(students)), "
                "(SELECT COUNT(*) FROM json_each(companies)) FROM network_versions"
            ).fetchall()
        return {(int(r[0]), int(r[1])) for r in rows}

    def networks_with_digest(self, digest: str) -> list[NetworkInfo]:
        """The networks one of whose versions has exactly these files."""
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT DISTINCT n.network_id, n.name, n.user, n.at FROM networks n "
                "JOIN network_versions v ON v.network_id = n.network_id WHERE v.digest = ? ORDER BY n.at",
                (digest,),
            ).fetchall()
        return [NetworkInfo(network_id=r[0], name=r[1], user=r[2], at=r[3]) for r in rows]

    def _latest_version(self, connection: sqlite3.Connection, network_id: str) -> NetworkVersion | None:
        row = connection.execute(
            "SELECT id, digest, students, companies, user, at, "
            "(SELECT COUNT(*) FROM network_versions w WHERE w.network_id = v.network_id AND w.id <= v.id) "
            "FROM network_versions v WHERE network_id = ? ORDER BY id DESC LIMIT 1",
            (network_id,),
        ).fetchone()
        if row is None:
            return None
        return NetworkVersion(
            number=int(row[6]),
            network_id=network_id,
            digest=row[1],
            students=json.loads(row[2]),
            companies=json.loads(row[3]),
            user=row[4],
            at=row[5],
        )

    def secret(self) -> bytes:
        """This database's own key for the digests of profiles (so a digest reveals nothing elsewhere)."""
        with self._transaction() as connection:
            row = connection.execute("SELECT value FROM settings WHERE name = 'digest_key'").fetchone()
            if row is None:
                value = uuid.uuid4().hex + uuid.uuid4().hex
                connection.execute("INSERT INTO settings (name, value) VALUES ('digest_key', ?)", (value,))
            else:
                value = row[0]
        return bytes.fromhex(value)

    # --- decisions ------------------------------------------------------------

    def decision_version(self, network_id: str) -> int:
        """The id of the network's newest decision row (0 when none): what a plan was solved from."""
        with self._connection() as connection:
            return self._decision_version(connection, network_id)

    def record(
        self,
        network_id: str,
        student_id: str,
        company_id: str,
        kind: DecisionKind | str,
        user: str,
        seen_version: int | None = None,
    ) -> None:
        """Record one decision; see ``record_many``."""
        self.record_many(network_id, [(student_id, company_id, kind)], user, seen_version)

    def record_many(
        self,
        network_id: str,
        decisions: Iterable[tuple[str, str, DecisionKind | str]],
        user: str,
        seen_version: int | None = None,
    ) -> None:
        """Several decisions in one transaction; all are written or none.

        ``seen_version``: the decision version of the plan the user decided on. A pair
        decided by someone else after it (or, for approve and lock, the same student
        bound elsewhere after it) refuses the whole batch with ``DecisionConflictError``.
        Approving or locking a student clears the student's earlier binding elsewhere.
        """
        user = _user(user)
        parsed = [(str(s), str(c), decision_kind(k)) for s, c, k in decisions]
        with self._transaction() as connection:
            self._refuse_conflicts(connection, network_id, parsed, seen_version)
            self._write_decisions(connection, network_id, parsed, user, now(), seen_version)

    def current_decisions(self, network_id: str) -> list[Decision]:
        """The latest decision on every pair that still has one (cleared pairs are left out)."""
        with self._connection() as connection:
            return self._current(connection, network_id)

    def decisions_at_version(self, network_id: str) -> tuple[int, list[Decision]]:
        """The decision version and the current decisions, read from one consistent snapshot."""
        with self._connection() as connection:
            connection.execute("BEGIN")
            try:
                return self._decision_version(connection, network_id), self._current(connection, network_id)
            finally:
                connection.execute("COMMIT")

    def _write_decisions(
        self,
        connection: sqlite3.Connection,
        network_id: str,
        decisions: list[tuple[str, str, DecisionKind]],
        user: str,
        at: str,
        seen_version: int | None,
    ) -> None:
        for student_id, company_id, kind in decisions:
            if kind in KEEPING:
                for other in self._current(connection, network_id, student_id=student_id):
                    if other.kind in KEEPING and other.company_id != company_id:
                        self._insert_decision(
                            connection,
                            network_id,
                            student_id,
                            other.company_id,
                            DecisionKind.CLEAR,
                            user,
                            at,
                            seen_version,
                        )
            self._insert_decision(
                connection, network_id, student_id, company_id, kind, user, at, seen_version
            )

    def _refuse_conflicts(
        self,
        connection: sqlite3.Connection,
        network_id: str,
        decisions: list[tuple[str, str, DecisionKind]],
        seen_version: int | None,
    ) -> None:
        if seen_version is None:
            return
        conflicts: list[tuple[tuple[str, str, DecisionKind], Decision]] = []
        keeping = tuple(k.value for k in KEEPING)
        for mine in decisions:
            student_id, company_id, kind = mine
            rows = connection.execute(
                "SELECT id, student_id, company_id, kind, user, at FROM decisions "
                "WHERE network_key = ? AND id > ? AND student_id = ? "
                "AND (company_id = ? OR (? AND kind IN (?, ?))) ORDER BY id DESC LIMIT 1",
                (network_id, seen_version, student_id, company_id, kind in KEEPING, *keeping),
            ).fetchall()
            conflicts += [(mine, _decision(row)) for row in rows]
        if conflicts:
            raise DecisionConflictError(conflicts)

    @staticmethod
    def _decision_version(connection: sqlite3.Connection, network_id: str) -> int:
        row = connection.execute(
            "SELECT MAX(id) FROM decisions WHERE network_key = ?", (network_id,)
        ).fetchone()
        return int(row[0] or 0)

    def _current(
        self, connection: sqlite3.Connection, network_id: str, student_id: str | None = None
    ) -> list[Decision]:
        query = """
            SELECT d.id, d.student_id, d.company_id, d.kind, d.user, d.at FROM decisions d
            JOIN (SELECT MAX(id) AS id FROM decisions WHERE network_key = ?
                  {student_filter} GROUP BY student_id, company_id) latest ON d.id = latest.id
            WHERE d.kind != 'clear' ORDER BY d.id
        """
        parameters: list[str] = [network_id]
        student_filter = ""
        if student_id is not None:
            student_filter = "AND student_id = ?"
            parameters.append(student_id)
        rows = connection.execute(query.format(student_filter=student_filter), parameters).fetchall()
        return [_decision(row) for row in rows]

    def _insert_decision(
        self,
        connection: sqlite3.Connection,
        network_id: str,
        student_id: str,
        company_id: str,
        kind: DecisionKind,
        user: str,
        at: str,
        seen_version: int | None,
    ) -> None:
        connection.execute(
            "INSERT INTO decisions (network_key, student_id, company_id, kind, user, at, based_on) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (network_id, student_id, company_id, kind.value, user, at, seen_version),
        )
        self._audit(
            connection,
            network_id,
            user,
            at,
            f"decision:{kind.value}",
            {"student_id": student_id, "company_id": company_id},
        )

    # --- plans ----------------------------------------------------------------

    def approve_plan(
        self,
        network_id: str,
        name: str,
        assignments: list[dict[str, Any]],
        user: str,
        seen_version: int | None = None,
    ) -> int:
        """Approve every placement of a plan and save the plan, in one transaction; returns its id.

        A placement already approved or locked keeps its decision (a lock stays a lock).
        A pair decided by someone else since ``seen_version`` refuses the whole approval.
        """
        name = _name(name, "plan")
        user = _user(user)
        at = now()
        with self._transaction() as connection:
            current = {d.pair: d for d in self._current(connection, network_id)}
            wanted = [
                (str(a["student_id"]), str(a["company_id"]), DecisionKind.APPROVE)
                for a in assignments
                if (kept := current.get((str(a["student_id"]), str(a["company_id"])))) is None
                or kept.kind not in KEEPING
            ]
            self._refuse_conflicts(connection, network_id, wanted, seen_version)
            self._write_decisions(connection, network_id, wanted, user, at, seen_version)
            plan_id = self._insert_plan(connection, network_id, name, assignments, user, at)
        return plan_id

    def save_plan(self, network_id: str, name: str, assignments: list[dict[str, Any]], user: str) -> int:
        """Store a plan (a list of assignment objects) without deciding anything; returns its id."""
        name = _name(name, "plan")
        user = _user(user)
        at = now()
        with self._transaction() as connection:
            return self._insert_plan(connection, network_id, name, assignments, user, at)

    def _insert_plan(
        self,
        connection: sqlite3.Connection,
        network_id: str,
        name: str,
        assignments: list[dict[str, Any]],
        user: str,
        at: str,
    ) -> int:
        cursor = connection.execute(
            "INSERT INTO plans (network_key, name, assignments, user, at) VALUES (?, ?, ?, ?, ?)",
            (network_id, name, json.dumps(assignments, ensure_ascii=False), user, at),
        )
        self._audit(connection, network_id, user, at, "plan:save", {"placements": len(assignments)})
        return int(cursor.lastrowid or 0)

    def latest_plan(self, network_id: str) -> SavedPlan | None:
        with self._connection() as connection:
            row = connection.execute(
                "SELECT id, name, assignments, user, at FROM plans WHERE network_key = ? ORDER BY id DESC LIMIT 1",
                (network_id,),
            ).fetchone()
        if row is None:
            return None
        return SavedPlan(id=row[0], name=row[1], assignments=json.loads(row[2]), user=row[3], at=row[4])

    # --- scenarios --------------------------------------------------------------

    def save_scenario(self, network_id: str, name: str, settings: dict[str, Any], user: str) -> None:
        """Save (or overwrite) a named what-if scenario."""
        name = _name(name, "scenario")
        user = _user(user)
        at = now()
        with self._transaction() as connection:
            connection.execute(
                "INSERT INTO scenarios (network_key, name, settings, user, at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (network_key, name) DO UPDATE SET settings = excluded.settings, "
                "user = excluded.user, at = excluded.at",
                (network_id, name, json.dumps(settings, ensure_ascii=False), user, at),
            )
            self._audit(connection, network_id, user, at, "scenario:save", {})

    def scenarios(self, network_id: str) -> list[Scenario]:
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT name, settings, user, at FROM scenarios WHERE network_key = ? ORDER BY name",
                (network_id,),
            ).fetchall()
        return [Scenario(name=n, settings=json.loads(s), user=u, at=a) for n, s, u, a in rows]

    def scenario(self, network_id: str, name: str) -> Scenario:
        for scenario in self.scenarios(network_id):
            if scenario.name == name:
                return scenario
        known = ", ".join(s.name for s in self.scenarios(network_id)) or "ingen"
        raise InputError(
            f"No scenario named {name!r}; saved scenarios: {known}",
            f"Der er intet scenarie med navnet {name!r}; gemte scenarier: {known}",
        )

    def delete_scenario(self, network_id: str, name: str, user: str) -> None:
        user = _user(user)
        at = now()
        with self._transaction() as connection:
            connection.execute("DELETE FROM scenarios WHERE network_key = ? AND name = ?", (network_id, name))
            self._audit(connection, network_id, user, at, "scenario:delete", {})

    # --- audit -----------------------------------------------------------------

    def audit_trail(self, network_id: str, limit: int = 200) -> list[AuditEntry]:
        """The newest entries first."""
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT user, at, action, details FROM audit WHERE network_key = ? ORDER BY id DESC LIMIT ?",
                (network_id, limit),
            ).fetchall()
        return [AuditEntry(user=u, at=a, action=act, details=json.loads(d)) for u, a, act, d in rows]

    def full_audit_trail(self, limit: int = 500) -> list[AuditRow]:
        """Every network's audit rows, the newest first (for the administrator)."""
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT id, network_key, user, at, action, details FROM audit ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            AuditRow(id=r[0], network_key=r[1], user=r[2], at=r[3], action=r[4], details=json.loads(r[5]))
            for r in rows
        ]

    def verify_audit(self) -> int | None:
        """The id of the first audit row whose chain is broken, or None when the trail is intact."""
        previous = GENESIS_HASH
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT id, network_key, user, at, action, details, prev_hash, row_hash FROM audit ORDER BY id"
            )
            for audit_id, key, who, at, action, details, prev_hash, row_hash in rows:
                if prev_hash != previous or row_hash != _chain_hash(
                    previous, audit_id, key, who, at, action, details
                ):
                    return int(audit_id)
                previous = row_hash
        return None

    def log_access(self, network_id: str, user: str, action: str, details: dict[str, Any]) -> None:
        """Record a read of personal data (who opened which student's health details, and when)."""
        user = _user(user)
        with self._transaction() as connection:
            self._audit(connection, network_id, user, now(), action, details)

    # --- consent and retention ------------------------------------------------------

    def record_consent(
        self,
        network_id: str,
        student_id: str,
        scope: Iterable[str],
        given_on: str | None,
        withdrawn_on: str | None,
        user: str,
    ) -> None:
        """Record consent (or its withdrawal, with ``withdrawn_on``); the newest record is the one in force."""
        user = _user(user)
        at = now()
        with self._transaction() as connection:
            connection.execute(
                "INSERT INTO consents (network_key, student_id, scope, given_on, withdrawn_on, user, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (network_id, student_id, json.dumps(sorted(set(scope))), given_on, withdrawn_on, user, at),
            )
            action = "consent:withdraw" if withdrawn_on else "consent:give"
            self._audit(connection, network_id, user, at, action, {"student_id": student_id})

    def consent(self, network_id: str, student_id: str) -> ConsentRecord | None:
        """The consent record in force for a student, or None when only the data file says."""
        records = self.consent_history(network_id, student_id)
        return records[-1] if records else None

    def consent_history(self, network_id: str | None, student_id: str) -> list[ConsentRecord]:
        query = (
            "SELECT network_key, student_id, scope, given_on, withdrawn_on, user, at FROM consents "
            "WHERE student_id = ?" + ("" if network_id is None else " AND network_key = ?") + " ORDER BY id"
        )
        parameters = (student_id,) if network_id is None else (student_id, network_id)
        with self._connection() as connection:
            rows = connection.execute(query, parameters).fetchall()
        return [
            ConsentRecord(
                network_key=r[0],
                student_id=r[1],
                scope=json.loads(r[2]),
                given_on=r[3],
                withdrawn_on=r[4],
                user=r[5],
                at=r[6],
            )
            for r in rows
        ]

    def note_stu_ends(self, network_id: str, stu_ends: Mapping[str, str]) -> None:
        """Remember when each student's STU ends, so their data can be deleted in time (no audit row: no change)."""
        with self._transaction() as connection:
            connection.executemany(
                "INSERT INTO retention (network_key, student_id, stu_end) VALUES (?, ?, ?) "
                "ON CONFLICT (network_key, student_id) DO UPDATE SET stu_end = excluded.stu_end",
                [(network_id, s, end) for s, end in stu_ends.items()],
            )

    def due_for_deletion(self, stu_end_before: str) -> list[tuple[str, str, str]]:
        """(network, student, stu_end) of every student whose STU ended before the given ISO date."""
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT network_key, student_id, stu_end FROM retention WHERE stu_end < ? ORDER BY network_key, student_id",
                (stu_end_before,),
            ).fetchall()
        return [(str(a), str(b), str(c)) for a, b, c in rows]

    def delete_student(self, network_id: str, student_id: str, stu_end: str, user: str) -> None:
        """Delete everything the store holds on one student, in one transaction, leaving a deletion record.

        Decisions, consent records, placements, follow-ups and outcomes, the student's places in
        saved plans and its digest in the recorded versions go; the audit rows (IDs only, no personal details) stay.
        """
        user = _user(user)
        at = now()
        with self._transaction() as connection:
            connection.execute(
                "DELETE FROM decisions WHERE network_key = ? AND student_id = ?", (network_id, student_id)
            )
            connection.execute(
                "DELETE FROM consents WHERE network_key = ? AND student_id = ?", (network_id, student_id)
            )
            for plan_id, assignments in connection.execute(
                "SELECT id, assignments FROM plans WHERE network_key = ?", (network_id,)
            ).fetchall():
                kept = [a for a in json.loads(assignments) if a.get("student_id") != student_id]
                connection.execute(
                    "UPDATE plans SET assignments = ? WHERE id = ?",
                    (json.dumps(kept, ensure_ascii=False), plan_id),
                )
            for version_id, students in connection.execute(
                "SELECT id, students FROM network_versions WHERE network_id = ?", (network_id,)
            ).fetchall():
                digests = json.loads(students)
                if digests.pop(student_id, None) is not None:
                    connection.execute(
                        "UPDATE network_versions SET students = ? WHERE id = ?",
                        (json.dumps(digests), version_id),
                    )
            self.delete_after_match(connection, network_id, student_id)
            connection.execute(
                "DELETE FROM retention WHERE network_key = ? AND student_id = ?", (network_id, student_id)
            )
            connection.execute(
                "INSERT INTO deletions (network_key, student_id, stu_end, user, at) VALUES (?, ?, ?, ?, ?)",
                (network_id, student_id, stu_end, user, at),
            )
            self._audit(connection, network_id, user, at, "student:delete", {"student_id": student_id})

    def deletions(self, student_id: str | None = None) -> list[DeletionRecord]:
        query = "SELECT network_key, student_id, stu_end, user, at FROM deletions"
        parameters: tuple[str, ...] = ()
        if student_id is not None:
            query += " WHERE student_id = ?"
            parameters = (student_id,)
        with self._connection() as connection:
            rows = connection.execute(query + " ORDER BY id", parameters).fetchall()
        return [
            DeletionRecord(network_key=a, student_id=b, stu_end=c, user=d, at=e) for a, b, c, d, e in rows
        ]

    def held_on_student(self, student_id: str) -> dict[str, Any]:
        """Everything the store holds on one student, in every network (for a subject-access export)."""
        with self._connection() as connection:
            decisions = connection.execute(
                "SELECT network_key, company_id, kind, user, at FROM decisions WHERE student_id = ? ORDER BY id",
                (student_id,),
            ).fetchall()
            plans = connection.execute(
                "SELECT network_key, name, assignments, user, at FROM plans ORDER BY id"
            ).fetchall()
            audit = connection.execute(
                "SELECT network_key, user, at, action, details FROM audit ORDER BY id"
            ).fetchall()
            retention = connection.execute(
                "SELECT network_key, stu_end FROM retention WHERE student_id = ?", (student_id,)
            ).fetchall()
        return {
            "decisions_log": [
                {"network": n, "company_id": c, "decision": k, "by": u, "at": a}
                for n, c, k, u, a in decisions
            ],
            "saved_plans": [
                {"network": n, "plan": name, "placement": a, "by": u, "at": at}
                for n, name, assignments, u, at in plans
                for a in json.loads(assignments)
                if a.get("student_id") == student_id
            ],
            "audit": [
                {"network": n, "by": u, "at": a, "action": act, "details": json.loads(d)}
                for n, u, a, act, d in audit
                if json.loads(d).get("student_id") == student_id
            ],
            "consent": [r.model_dump() for r in self.consent_history(None, student_id)],
            "stu_end": [{"network": n, "stu_end": e} for n, e in retention],
            "deletions": [r.model_dump() for r in self.deletions(student_id)],
            **self.after_match_held_on(student_id),
        }

    # --- users -------------------------------------------------------------------

    def put_user(
        self,
        name: str,
        role: str,
        sites: Iterable[str],
        email: str | None,
        password_hash: str | None,
        by: str,
    ) -> None:
        """Add a user, or replace one of the same name."""
        at = now()
        with self._transaction() as connection:
            connection.execute(
                "INSERT INTO users (name, role, sites, email, password_hash, at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET role = excluded.role, sites = excluded.sites, "
                "email = excluded.email, password_hash = excluded.password_hash, at = excluded.at",
                (name, role, json.dumps(sorted(set(sites))), email, password_hash, at),
            )
            self._audit(connection, "", _user(by), at, "user:add", {"name": name, "role": role})

    def remove_user(self, name: str, by: str) -> bool:
        at = now()
        with self._transaction() as connection:
            removed = connection.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount
            if removed:
                self._audit(connection, "", _user(by), at, "user:remove", {"name": name})
        return bool(removed)

    def users(self) -> list[StoredUser]:
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT name, role, sites, email, password_hash IS NOT NULL, at FROM users ORDER BY name"
            ).fetchall()
        return [
            StoredUser(
                name=r[0], role=r[1], sites=json.loads(r[2]), email=r[3], has_password=bool(r[4]), at=r[5]
            )
            for r in rows
        ]

    def user_secret(self, name: str) -> tuple[StoredUser, str | None] | None:
        """A user and their password hash (for checking a login), or None."""
        with self._connection() as connection:
            row = connection.execute(
                "SELECT name, role, sites, email, password_hash, at FROM users WHERE name = ?", (name,)
            ).fetchone()
        if row is None:
            return None
        user = StoredUser(
            name=row[0],
            role=row[1],
            sites=json.loads(row[2]),
            email=row[3],
            has_password=row[4] is not None,
            at=row[5],
        )
        return user, row[4]

    def user_by_email(self, email: str) -> StoredUser | None:
        with self._connection() as connection:
            row = connection.execute(
                "SELECT name FROM users WHERE lower(email) = lower(?)", (email.strip(),)
            ).fetchone()
        if row is None:
            return None
        found = self.user_secret(row[0])
        return None if found is None else found[0]

    def set_password_hash(self, name: str, password_hash: str) -> None:
        """Store a rehashed password (argon2 parameters raised), without an audit row of its own."""
        with self._transaction() as connection:
            connection.execute("UPDATE users SET password_hash = ? WHERE name = ?", (password_hash, name))

    @staticmethod
    def _audit(
        connection: sqlite3.Connection,
        network_id: str,
        user: str,
        at: str,
        action: str,
        details: dict[str, Any],
    ) -> None:
        """An audit row: who, when, what, and IDs only (never profile details or free text).

        Each row carries the hash of the row before it, so a changed or removed row breaks
        the chain (``verify_audit``); the triggers refuse UPDATE and DELETE outright.
        """
        last = connection.execute("SELECT id, row_hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        previous = GENESIS_HASH if last is None else str(last[1])
        audit_id = 1 if last is None else int(last[0]) + 1
        text = json.dumps(details, ensure_ascii=False, sort_keys=True)
        connection.execute(
            "INSERT INTO audit (id, network_key, user, at, action, details, prev_hash, row_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                audit_id,
                network_id,
                user,
                at,
                action,
                text,
                previous,
                _chain_hash(previous, audit_id, network_id, user, at, action, text),
            ),
        )


def _chain_hash(previous: str, audit_id: int, key: str, user: str, at: str, action: str, details: str) -> str:
    text = json.dumps([previous, int(audit_id), key, user, at, action, details], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only; tighten an existing one to the same."""
    if path.exists():
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        return
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _store_error(path: Path, error: BaseException) -> StoreError:
    text = str(error)
    if "locked" in text or "busy" in text:
        danish = "Databasen er optaget af en anden proces lige nu. Vent et øjeblik, og prøv igen."
    elif "readonly" in text or "read-only" in text or isinstance(error, PermissionError):
        danish = "Databasen er skrivebeskyttet, så intet kan gemmes. Bed administratoren give skriveadgang."
    elif "not a database" in text or "malformed" in text or "corrupt" in text:
        danish = "Databasen er beskadiget og kan ikke læses. Bed administratoren gendanne den fra en sikkerhedskopi."
    else:
        danish = "Databasen kan ikke bruges lige nu. Bed administratoren se på den."
    return StoreError(f"The database {path} cannot be used: {text}", danish)


def _decision(row: tuple[Any, ...]) -> Decision:
    return Decision(
        id=int(row[0]),
        student_id=row[1],
        company_id=row[2],
        kind=DecisionKind(row[3]),
        user=row[4],
        at=row[5],
    )


def _user(user: str) -> str:
    user = (user or "").strip()
    if not user:
        raise InputError(
            "A decision needs the name of the user who made it",
            "Skriv dit navn i sidepanelet, før du gemmer: beslutninger gemmes med navnet på den, der traf dem.",
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
