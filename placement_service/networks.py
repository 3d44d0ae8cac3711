"""Opening a data set, and the stable identity of a network across versions of its files.

A network gets an ID when it is first loaded (the built-in synthetic one is
``builtin``); decisions, plans and scenarios are filed under that ID. Loading a
new version of the same network (a typo fixed, students added) is an explicit
choice of the user; it keeps every record, which is keyed by student and
company IDs, and says what changed. An upload is never filed under another
network's ID because of its name.

Each version is recorded as digests: one of the whole data set and one per
student and company, keyed with the database's own secret (HMAC-SHA256), so
the store holds no profile data.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel

from features.errors import InputError
from features.loading import BUILTIN_DATA_DIR, load_network, load_uploaded
from features.network import Network, profile_row
from placement_service.access import Actor, require_login
from placement_service.privacy import note_stu_ends
from placement_service.store import BUILTIN_NETWORK_ID, DecisionStore, NetworkInfo, NetworkVersion

BUILTIN_NETWORK_NAME = "Indbygget syntetisk netværk"


class NetworkChanges(BaseModel):
    """What differs between two versions of a network's files, by ID."""

    students_added: list[str] = []
    students_removed: list[str] = []
    students_changed: list[str] = []
    companies_added: list[str] = []
    companies_removed: list[str] = []
    companies_changed: list[str] = []

    @property
    def any(self) -> bool:
        return any(getattr(self, name) for name in type(self).model_fields)


@dataclass(frozen=True)
class Fingerprint:
    """Digests of a network's files: of the whole, and of each student and company row."""

    digest: str
    students: dict[str, str]
    companies: dict[str, str]


@dataclass(frozen=True, eq=False)
class OpenNetwork:
    """A network the user works on: its data, its stable ID and name, and its version in the store."""

    network: Network
    network_id: str
    name: str
    version: int
    changes: NetworkChanges | None  # against the previous version, when this call recorded a new one

    @property
    def is_builtin(self) -> bool:
        return self.network_id == BUILTIN_NETWORK_ID


def load_data(path: str | os.PathLike[str]) -> Network:
    """A validated network from a folder of CSV files or an .xlsx workbook."""
    return load_network(path)


def load_builtin() -> Network:
    return load_network(BUILTIN_DATA_DIR)


def read_upload(files: Mapping[str, bytes], source: str = "upload") -> Network:
    """A validated network from uploaded files (name to bytes); raises ``DataValidationError``."""
    return load_uploaded(files, source=source)


def fingerprint(network: Network, key: bytes) -> Fingerprint:
    """Keyed digests of every student and company row, and of the whole data set."""
    students = {s.student_id: _digest(profile_row(s), key) for s in network.students}
    companies = {c.company_id: _digest(profile_row(c), key) for c in network.companies}
    extra = [_digest(profile_row(p), key) for p in (*network.history, *network.alumni)]
    whole = _digest({"students": students, "companies": companies, "extra": extra}, key)
    return Fingerprint(whole, students, companies)


def changes_between(before: NetworkVersion | None, after: Fingerprint) -> NetworkChanges:
    """What was added, removed and changed between a recorded version and new files."""
    if before is None:
        return NetworkChanges(students_added=sorted(after.students), companies_added=sorted(after.companies))
    return NetworkChanges(
        students_added=sorted(set(after.students) - set(before.students)),
        students_removed=sorted(set(before.students) - set(after.students)),
        students_changed=sorted(
            s for s in set(after.students) & set(before.students) if after.students[s] != before.students[s]
        ),
        companies_added=sorted(set(after.companies) - set(before.companies)),
        companies_removed=sorted(set(before.companies) - set(after.companies)),
        companies_changed=sorted(
            c
            for c in set(after.companies) & set(before.companies)
            if after.companies[c] != before.companies[c]
        ),
    )


def open_builtin(store: DecisionStore, network: Network | None = None) -> OpenNetwork:
    """The built-in synthetic network under its fixed ID; a changed repository copy is a new version."""
    network = load_builtin() if network is None else network
    store.register_network(BUILTIN_NETWORK_NAME, "system", network_id=BUILTIN_NETWORK_ID)
    return _record(store, BUILTIN_NETWORK_ID, network, "system")


def open_as_new(store: DecisionStore, network: Network, name: str, actor: Actor) -> OpenNetwork:
    """File uploaded data as a new network with a fresh ID (logged-in users only)."""
    require_login(actor, "load your own data", "indlæse egne data")
    network_id = store.register_network(name, actor.name)
    return _record(store, network_id, network, actor.name)


def open_as_version(store: DecisionStore, network: Network, network_id: str, actor: Actor) -> OpenNetwork:
    """File uploaded data as a new version of an existing network; its records are kept."""
    require_login(actor, "load your own data", "indlæse egne data")
    if network_id == BUILTIN_NETWORK_ID:
        raise InputError(
            "The built-in network cannot get new versions by upload; load the data as a new network",
            "Det indbyggede netværk kan ikke få nye versioner ved upload; indlæs data som et nyt netværk.",
        )
    if store.network(network_id) is None:
        raise InputError(f"Unknown network {network_id!r}", f"Der er intet netværk med ID'et {network_id!r}.")
    return _record(store, network_id, network, actor.name)


def preview_version(store: DecisionStore, network: Network, network_id: str) -> NetworkChanges:
    """What would change if ``network`` became the next version of ``network_id`` (nothing is written)."""
    return changes_between(store.latest_version(network_id), fingerprint(network, store.secret()))


def same_files_as(store: DecisionStore, network: Network) -> list[NetworkInfo]:
    """Networks that already have a version with exactly these files.

    Files with as many students and companies as no recorded version are nobody's: the keyed digest
    of every row (about 9 s for 45,000 students and 20,000 companies) is then not needed."""
    if (len(network.students), len(network.companies)) not in store.version_sizes():
        return []
    return store.networks_with_digest(fingerprint(network, store.secret()).digest)


def uploadable_networks(store: DecisionStore) -> list[NetworkInfo]:
    """Networks an upload may become a new version of (every one but the built-in)."""
    return [n for n in store.networks() if n.network_id != BUILTIN_NETWORK_ID]


def _record(store: DecisionStore, network_id: str, network: Network, user: str) -> OpenNetwork:
    info = store.network(network_id)
    assert info is not None
    previous = store.latest_version(network_id)
    prints = fingerprint(network, store.secret())
    version = store.add_version(network_id, prints.digest, prints.students, prints.companies, user)
    note_stu_ends(store, network_id, network)
    # A company's last known profile outlives its rows, so history naming it still teaches the model.
    store.remember_company_profiles(network_id, {c.company_id: profile_row(c) for c in network.companies})
    changed = previous is not None and previous.digest != prints.digest
    return OpenNetwork(
        network=network,
        network_id=network_id,
        name=info.name,
        version=version.number,
        changes=changes_between(previous, prints) if changed else None,
    )


def _digest(value: object, key: bytes) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:32]
