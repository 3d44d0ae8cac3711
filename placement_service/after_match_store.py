"""What happens after the match, in the store: placements, follow-ups, outcomes, companies' status and contacts.

A mixin of ``DecisionStore``: the same SQLite file, the same one-transaction writes and the same
hash-chained audit trail. The audit rows hold IDs, states and dates only; notes, views, changed
needs and agreed arrangements are personal data and stay in their own tables, deleted with the
student (``delete_after_match``). Records are keyed by student and company IDs within a network,
so they survive a new version of its files.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from features.errors import InputError
from placement_service.clock import now

AFTER_MATCH_SCHEMA = """
CREATE TABLE IF NOT EXISTS placements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    network_key TEXT NOT NULL,
    student_id TEXT NOT NULL,
    company_id TEXT NOT NULL,
    status TEXT NOT NULL,
    start_date TEXT,
    end_date TEXT,
    hours_per_week REAL,
    mentor_name TEXT,
    arrangements TEXT,
    end_reason TEXT,
    user TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS placements_by_student ON placements (network_key, student_id, id);
CREATE TABLE IF NOT EXISTS followups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    network_key TEXT NOT NULL,
    placement_id INTEGER NOT NULL REFERENCES placements (id),
    student_id TEXT NOT NULL,
    held_on TEXT NOT NULL,
    consultant_notes TEXT NOT NULL,
    company_view TEXT NOT NULL,
    student_view TEXT NOT NULL,
    changed_needs TEXT NOT NULL,
    user TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS followups_by_placement ON followups (placement_id, held_on);
CREATE TABLE IF NOT EXISTS outcomes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    network_key TEXT NOT NULL,
    student_id TEXT NOT NULL,
    company_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    measured TEXT NOT NULL,
    outcome TEXT NOT NULL,
    hours_per_week REAL,
    source TEXT NOT NULL,
    user TEXT NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (network_key, student_id, company_id, year, measured)
);
CREATE TABLE IF NOT EXISTS company_status (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    network_key TEXT NOT NULL,
    company_id TEXT NOT NULL,
    status TEXT NOT NULL,
    on_date TEXT NOT NULL,
    user TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS company_profiles (
    network_key TEXT NOT NULL,
    company_id TEXT NOT NULL,
    profile TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (network_key, company_id)
);
CREATE TABLE IF NOT EXISTS company_relations (
    network_key TEXT NOT NULL,
    company_id TEXT NOT NULL,
    contact_person TEXT NOT NULL,
    asks_for TEXT NOT NULL,
    user TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (network_key, company_id)
);
CREATE TABLE IF NOT EXISTS contact_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    network_key TEXT NOT NULL,
    company_id TEXT NOT NULL,
    on_date TEXT NOT NULL,
    who TEXT NOT NULL,
    what TEXT NOT NULL,
    next_step TEXT NOT NULL,
    user TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS contact_log_by_company ON contact_log (network_key, company_id, on_date);
"""


class PlacementRecord(BaseModel):
    """One placement's life: proposed, agreed, started, ended (the newest state of its row)."""

    id: int
    network_key: str
    student_id: str
    company_id: str
    status: str
    start_date: str | None
    end_date: str | None
    hours_per_week: float | None
    mentor_name: str | None
    arrangements: str | None
    end_reason: str | None
    user: str
    at: str


class FollowUpRecord(BaseModel):
    id: int
    placement_id: int
    student_id: str
    held_on: str
    consultant_notes: str
    company_view: str
    student_view: str
    changed_needs: str
    user: str
    at: str


class OutcomeRecord(BaseModel):
    id: int
    student_id: str
    company_id: str
    year: int
    measured: str
    outcome: str
    hours_per_week: float | None
    source: str
    user: str
    at: str


class CompanyStatusRecord(BaseModel):
    company_id: str
    status: str
    on_date: str
    user: str
    at: str


class CompanyRelation(BaseModel):
    company_id: str
    contact_person: str
    asks_for: str
    user: str
    at: str


class ContactRecord(BaseModel):
    id: int
    company_id: str
    on_date: str
    who: str
    what: str
    next_step: str
    user: str
    at: str


_PLACEMENT_COLUMNS = (
    "id, network_key, student_id, company_id, status, start_date, end_date, hours_per_week, "
    "mentor_name, arrangements, end_reason, user, at"
)
_FOLLOWUP_COLUMNS = "id, placement_id, student_id, held_on, consultant_notes, company_view, student_view, changed_needs, user, at"
_OUTCOME_COLUMNS = "id, student_id, company_id, year, measured, outcome, hours_per_week, source, user, at"
_CONTACT_COLUMNS = "id, company_id, on_date, who, what, next_step, user, at"


class AfterMatchRecords:
    """The store's after-the-match tables; mixed into ``DecisionStore``, which provides the connection."""

    # Provided by DecisionStore.
    _transaction: Any
    _connection: Any
    _audit: Any

    def _after_match_schema(self, connection: sqlite3.Connection) -> None:
        connection.executescript(AFTER_MATCH_SCHEMA)

    # --- placements ----------------------------------------------------------------

    def insert_placement(self, network_id: str, fields: dict[str, Any], user: str) -> int:
        """A new placement (its first state); returns its id."""
        at = now()
        with self._transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO placements (network_key, student_id, company_id, status, start_date, end_date, "
                "hours_per_week, mentor_name, arrangements, end_reason, user, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    network_id,
                    fields["student_id"],
                    fields["company_id"],
                    fields["status"],
                    fields.get("start_date"),
                    fields.get("end_date"),
                    fields.get("hours_per_week"),
                    fields.get("mentor_name"),
                    fields.get("arrangements"),
                    fields.get("end_reason"),
                    user,
                    at,
                ),
            )
            placement_id = int(cursor.lastrowid or 0)
            self._audit(
                connection,
                network_id,
                user,
                at,
                f"placement:{fields['status']}",
                {
                    "student_id": fields["student_id"],
                    "company_id": fields["company_id"],
                    "placement": placement_id,
                },
            )
        return placement_id

    def update_placement(
        self, network_id: str, placement_id: int, expected_status: str, fields: dict[str, Any], user: str
    ) -> None:
        """Move a placement to its next state; refused if someone else moved it since (``expected_status``)."""
        at = now()
        with self._transaction() as connection:
            row = connection.execute(
                "SELECT status, student_id, company_id FROM placements WHERE id = ? AND network_key = ?",
                (placement_id, network_id),
            ).fetchone()
            if row is None:
                raise InputError(
                    f"No placement {placement_id} in this network", f"Forløb nr. {placement_id} findes ikke."
                )
            if row[0] != expected_status:
                raise InputError(
                    f"Placement {placement_id} is {row[0]}, not {expected_status}; someone changed it",
                    "Forløbet er ændret af en anden, siden du åbnede det. Se det igen, før du gemmer.",
                )
            assignments = ", ".join(f"{name} = ?" for name in fields)
            connection.execute(
                f"UPDATE placements SET {assignments}, user = ?, at = ? WHERE id = ?",
                (*fields.values(), user, at, placement_id),
            )
            self._audit(
                connection,
                network_id,
                user,
                at,
                f"placement:{fields.get('status', expected_status)}",
                {"student_id": row[1], "company_id": row[2], "placement": placement_id},
            )

    def placements(self, network_id: str, student_id: str | None = None) -> list[PlacementRecord]:
        query = f"SELECT {_PLACEMENT_COLUMNS} FROM placements WHERE network_key = ?"
        parameters: tuple[Any, ...] = (network_id,)
        if student_id is not None:
            query += " AND student_id = ?"
            parameters += (student_id,)
        with self._connection() as connection:
            rows = connection.execute(query + " ORDER BY id", parameters).fetchall()
        return [_placement(r) for r in rows]

    def placement(self, network_id: str, placement_id: int) -> PlacementRecord | None:
        with self._connection() as connection:
            row = connection.execute(
                f"SELECT {_PLACEMENT_COLUMNS} FROM placements WHERE network_key = ? AND id = ?",
                (network_id, placement_id),
            ).fetchone()
        return None if row is None else _placement(row)

    # --- follow-ups ------------------------------------------------------------------

    def insert_followup(self, network_id: str, placement_id: int, fields: dict[str, str], user: str) -> int:
        """A follow-up on an active placement; refused if the placement has ended since."""
        at = now()
        with self._transaction() as connection:
            row = connection.execute(
                "SELECT status, student_id, company_id FROM placements WHERE id = ? AND network_key = ?",
                (placement_id, network_id),
            ).fetchone()
            if row is None or row[0] != "started":
                state = "findes ikke" if row is None else "er ikke i gang"
                raise InputError(
                    f"Placement {placement_id} is not active; a follow-up needs a started placement",
                    f"Forløb nr. {placement_id} {state}: opfølgning kræver et startet forløb.",
                )
            cursor = connection.execute(
                "INSERT INTO followups (network_key, placement_id, student_id, held_on, consultant_notes, "
                "company_view, student_view, changed_needs, user, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    network_id,
                    placement_id,
                    row[1],
                    fields["held_on"],
                    fields["consultant_notes"],
                    fields["company_view"],
                    fields["student_view"],
                    fields["changed_needs"],
                    user,
                    at,
                ),
            )
            followup_id = int(cursor.lastrowid or 0)
            self._audit(
                connection,
                network_id,
                user,
                at,
                "followup:record",
                {
                    "student_id": row[1],
                    "company_id": row[2],
                    "placement": placement_id,
                    "held_on": fields["held_on"],
                },
            )
        return followup_id

    def followups(self, network_id: str, placement_ids: Sequence[int] | None = None) -> list[FollowUpRecord]:
        query = f"SELECT {_FOLLOWUP_COLUMNS} FROM followups WHERE network_key = ?"
        parameters: tuple[Any, ...] = (network_id,)
        if placement_ids is not None:
            query += f" AND placement_id IN ({', '.join('?' for _ in placement_ids)})"
            parameters += tuple(placement_ids)
        with self._connection() as connection:
            rows = connection.execute(query + " ORDER BY held_on, id", parameters).fetchall()
        return _models(FollowUpRecord, _FOLLOWUP_COLUMNS, rows)

    # --- outcomes --------------------------------------------------------------------

    def insert_outcomes(self, network_id: str, rows: Sequence[dict[str, Any]], source: str, user: str) -> int:
        """Record outcomes in one transaction; a row already recorded (same student, company, year,
        measured) adds nothing. Returns how many were new."""
        at = now()
        added = 0
        with self._transaction() as connection:
            for row in rows:
                cursor = connection.execute(
                    "INSERT OR IGNORE INTO outcomes (network_key, student_id, company_id, year, measured, outcome, "
                    "hours_per_week, source, user, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        network_id,
                        row["student_id"],
                        row["company_id"],
                        int(row["year"]),
                        row["measured"],
                        row["outcome"],
                        row.get("hours_per_week"),
                        source,
                        user,
                        at,
                    ),
                )
                added += cursor.rowcount
            if added:
                self._audit(
                    connection, network_id, user, at, "outcomes:record", {"rows": added, "source": source}
                )
        return added

    def outcomes(self, network_id: str) -> list[OutcomeRecord]:
        with self._connection() as connection:
            rows = connection.execute(
                f"SELECT {_OUTCOME_COLUMNS} FROM outcomes WHERE network_key = ? "
                "ORDER BY year, student_id, company_id, measured",
                (network_id,),
            ).fetchall()
        return _models(OutcomeRecord, _OUTCOME_COLUMNS, rows)

    def followup_months(self, network_id: str, default: int) -> int:
        """How often the network's running placements are followed up, in months."""
        with self._connection() as connection:
            row = connection.execute(
                "SELECT value FROM settings WHERE name = ?", (f"followup_months:{network_id}",)
            ).fetchone()
        return default if row is None else int(row[0])

    def set_followup_months(self, network_id: str, months: int, user: str) -> None:
        at = now()
        with self._transaction() as connection:
            connection.execute(
                "INSERT INTO settings (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (f"followup_months:{network_id}", str(int(months))),
            )
            self._audit(connection, network_id, user, at, "followup:interval", {"months": int(months)})

    def training_record(self, network_id: str) -> dict[str, Any] | None:
        """What the network's learned model was last retrained on (None: never retrained)."""
        with self._connection() as connection:
            row = connection.execute(
                "SELECT value FROM settings WHERE name = ?", (f"training:{network_id}",)
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def record_training(self, network_id: str, info: dict[str, Any], user: str) -> None:
        """Remember which data the model learned from; the audit row says that it was retrained."""
        at = now()
        with self._transaction() as connection:
            connection.execute(
                "INSERT INTO settings (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (f"training:{network_id}", json.dumps({**info, "user": user, "at": at}, ensure_ascii=False)),
            )
            self._audit(
                connection,
                network_id,
                user,
                at,
                "model:retrain",
                {k: v for k, v in info.items() if isinstance(v, int | float)},
            )

    # --- companies ---------------------------------------------------------------------

    def set_company_status(
        self, network_id: str, company_id: str, status: str, on_date: str, user: str
    ) -> None:
        at = now()
        with self._transaction() as connection:
            connection.execute(
                "INSERT INTO company_status (network_key, company_id, status, on_date, user, at) VALUES (?, ?, ?, ?, ?, ?)",
                (network_id, company_id, status, on_date, user, at),
            )
            self._audit(
                connection,
                network_id,
                user,
                at,
                f"company:{status}",
                {"company_id": company_id, "on": on_date},
            )

    def company_statuses(self, network_id: str) -> dict[str, CompanyStatusRecord]:
        """Each company's newest status (only companies that have one)."""
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT company_id, status, on_date, user, at FROM company_status WHERE network_key = ? ORDER BY id",
                (network_id,),
            ).fetchall()
        return {
            r[0]: CompanyStatusRecord(company_id=r[0], status=r[1], on_date=r[2], user=r[3], at=r[4])
            for r in rows
        }

    def remember_company_profiles(self, network_id: str, profiles: dict[str, dict[str, Any]]) -> None:
        """Keep each company's last known profile, so history naming it still teaches after it leaves."""
        at = now()
        with self._transaction() as connection:
            connection.executemany(
                "INSERT INTO company_profiles (network_key, company_id, profile, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (network_key, company_id) DO UPDATE SET profile = excluded.profile, at = excluded.at",
                [
                    (network_id, c, json.dumps(p, ensure_ascii=False, sort_keys=True), at)
                    for c, p in profiles.items()
                ],
            )

    def company_profiles(self, network_id: str) -> dict[str, dict[str, Any]]:
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT company_id, profile FROM company_profiles WHERE network_key = ?", (network_id,)
            ).fetchall()
        return {r[0]: json.loads(r[1]) for r in rows}

    def put_company_relation(
        self, network_id: str, company_id: str, contact_person: str, asks_for: str, user: str
    ) -> None:
        at = now()
        with self._transaction() as connection:
            connection.execute(
                "INSERT INTO company_relations (network_key, company_id, contact_person, asks_for, user, at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (network_key, company_id) DO UPDATE SET "
                "contact_person = excluded.contact_person, asks_for = excluded.asks_for, user = excluded.user, "
                "at = excluded.at",
                (network_id, company_id, contact_person, asks_for, user, at),
            )
            self._audit(connection, network_id, user, at, "company:relation", {"company_id": company_id})

    def company_relations(self, network_id: str) -> dict[str, CompanyRelation]:
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT company_id, contact_person, asks_for, user, at FROM company_relations WHERE network_key = ?",
                (network_id,),
            ).fetchall()
        return {
            r[0]: CompanyRelation(company_id=r[0], contact_person=r[1], asks_for=r[2], user=r[3], at=r[4])
            for r in rows
        }

    def insert_contact(self, network_id: str, company_id: str, fields: dict[str, str], user: str) -> int:
        at = now()
        with self._transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO contact_log (network_key, company_id, on_date, who, what, next_step, user, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    network_id,
                    company_id,
                    fields["on_date"],
                    fields["who"],
                    fields["what"],
                    fields["next_step"],
                    user,
                    at,
                ),
            )
            contact_id = int(cursor.lastrowid or 0)
            self._audit(
                connection,
                network_id,
                user,
                at,
                "company:contact",
                {"company_id": company_id, "on": fields["on_date"]},
            )
        return contact_id

    def contacts(self, network_id: str, company_id: str | None = None) -> list[ContactRecord]:
        query = f"SELECT {_CONTACT_COLUMNS} FROM contact_log WHERE network_key = ?"
        parameters: tuple[Any, ...] = (network_id,)
        if company_id is not None:
            query += " AND company_id = ?"
            parameters += (company_id,)
        with self._connection() as connection:
            rows = connection.execute(query + " ORDER BY on_date, id", parameters).fetchall()
        return _models(ContactRecord, _CONTACT_COLUMNS, rows)

    # --- deletion and subject access ---------------------------------------------------------

    @staticmethod
    def delete_after_match(connection: sqlite3.Connection, network_id: str, student_id: str) -> None:
        """Within a deletion's transaction: the student's placements, follow-ups and outcomes."""
        for table in ("followups", "outcomes", "placements"):
            connection.execute(
                f"DELETE FROM {table} WHERE network_key = ? AND student_id = ?", (network_id, student_id)
            )

    def after_match_held_on(self, student_id: str) -> dict[str, Any]:
        with self._connection() as connection:
            placements = connection.execute(
                f"SELECT {_PLACEMENT_COLUMNS} FROM placements WHERE student_id = ? ORDER BY id", (student_id,)
            ).fetchall()
            followups = connection.execute(
                f"SELECT {_FOLLOWUP_COLUMNS}, network_key FROM followups WHERE student_id = ? ORDER BY id",
                (student_id,),
            ).fetchall()
            outcomes = connection.execute(
                "SELECT network_key, company_id, year, measured, outcome, hours_per_week, user, at "
                "FROM outcomes WHERE student_id = ? ORDER BY id",
                (student_id,),
            ).fetchall()
        return {
            "placements": [_placement(r).model_dump() for r in placements],
            "followups": [
                dict(zip([*_FOLLOWUP_COLUMNS.split(", "), "network_key"], r, strict=True)) for r in followups
            ],
            "outcomes": [
                dict(
                    zip(
                        [
                            "network",
                            "company_id",
                            "year",
                            "measured",
                            "outcome",
                            "hours_per_week",
                            "by",
                            "at",
                        ],
                        r,
                        strict=True,
                    )
                )
                for r in outcomes
            ],
        }


def _placement(row: tuple[Any, ...]) -> PlacementRecord:
    names = _PLACEMENT_COLUMNS.split(", ")
    return PlacementRecord(**dict(zip(names, row, strict=True)))


_Model = TypeVar("_Model", bound=BaseModel)


def _models(model: type[_Model], columns: str, rows: Sequence[tuple[Any, ...]]) -> list[_Model]:
    """Rows selected as ``columns`` (a comma-separated list) as pydantic records."""
    names = [name.strip() for name in columns.split(",")]
    return [model(**dict(zip(names, row, strict=True))) for row in rows]
