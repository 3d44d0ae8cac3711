"""A network keeps one stable ID across versions of its files; an upload never borrows another's records."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from features.errors import InputError
from features.network import Network, profile_row
from placement_service import (
    BUILTIN_NETWORK_ID,
    Actor,
    DecisionStore,
    Role,
    open_as_new,
    open_as_version,
    open_builtin,
    preview_version,
    same_files_as,
    uploadable_networks,
)

METTE = Actor("Mette", Role.JOBKONSULENT, frozenset({"castberggaard"}))
JENS = Actor("Jens", Role.NETVAERKSKOORDINATOR)


@pytest.fixture
def store(tmp_path: Path) -> DecisionStore:
    return DecisionStore(tmp_path / "db.sqlite3")


def edited(network: Network) -> Network:
    """A new version: one student's hours changed, one company removed, one student added."""
    first, second = network.students[0], network.students[1]
    students = (
        first.model_copy(update={"max_hours_per_week": first.max_hours_per_week - 1}),
        *network.students[1:],
        second.model_copy(update={"student_id": "S9999"}),
    )
    return replace(network, students=students, companies=network.companies[1:])


def test_the_builtin_network_has_a_fixed_id_and_one_version_per_content(
    store: DecisionStore, builtin_network: Network
) -> None:
    first = open_builtin(store, builtin_network)
    again = open_builtin(store, builtin_network)
    assert (first.network_id, first.version) == (again.network_id, again.version) == (BUILTIN_NETWORK_ID, 1)
    assert first.is_builtin and again.changes is None


def test_two_uploads_with_the_same_name_are_two_networks(
    store: DecisionStore, builtin_network: Network
) -> None:
    a = open_as_new(store, builtin_network, "indbygget", METTE)
    b = open_as_new(store, builtin_network, "indbygget", JENS)
    assert a.network_id != b.network_id and BUILTIN_NETWORK_ID not in (a.network_id, b.network_id)
    store.record(a.network_id, "S0001", "C0001", "forbid", "Mette")
    assert store.current_decisions(b.network_id) == []
    assert store.current_decisions(BUILTIN_NETWORK_ID) == []


def test_a_new_version_keeps_the_records_and_says_what_changed(
    store: DecisionStore, builtin_network: Network
) -> None:
    first = open_as_new(store, builtin_network, "Vestjylland", METTE)
    store.record(first.network_id, "S0002", "C0002", "lock", "Mette")
    newer = edited(builtin_network)
    preview = preview_version(store, newer, first.network_id)
    second = open_as_version(store, newer, first.network_id, METTE)
    assert second.network_id == first.network_id and second.version == 2
    assert second.changes == preview
    changes = second.changes
    assert changes is not None
    assert changes.students_added == ["S9999"] and changes.students_changed == ["S0001"]
    assert changes.companies_removed == [builtin_network.companies[0].company_id]
    assert changes.students_removed == changes.companies_added == changes.companies_changed == []
    assert [d.pair for d in store.current_decisions(second.network_id)] == [("S0002", "C0002")]


def test_identical_files_are_recognised_but_not_filed_automatically(
    store: DecisionStore, builtin_network: Network
) -> None:
    first = open_as_new(store, builtin_network, "Aalborg", METTE)
    assert [n.network_id for n in same_files_as(store, builtin_network)] == [first.network_id]
    assert same_files_as(store, edited(builtin_network)) == []


def test_files_of_a_size_no_version_has_are_not_fingerprinted(
    store: DecisionStore, builtin_network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keyed digest of every row takes seconds on a national network; the command line asks on every run."""
    import placement_service.networks as networks

    first = open_as_new(store, builtin_network, "Aalborg", METTE)
    assert store.version_sizes() == {(len(builtin_network.students), len(builtin_network.companies))}
    digested: list[int] = []
    real = networks.fingerprint
    monkeypatch.setattr(networks, "fingerprint", lambda n, key: digested.append(1) or real(n, key))
    assert same_files_as(store, edited(builtin_network)) == []  # one student more, one company fewer
    assert digested == []
    assert [n.network_id for n in same_files_as(store, builtin_network)] == [first.network_id]
    assert digested == [1]


def test_uploads_cannot_become_versions_of_the_builtin_or_unknown_networks(
    store: DecisionStore, builtin_network: Network
) -> None:
    open_builtin(store, builtin_network)
    assert BUILTIN_NETWORK_ID not in {n.network_id for n in uploadable_networks(store)}
    with pytest.raises(InputError, match="built-in network"):
        open_as_version(store, builtin_network, BUILTIN_NETWORK_ID, METTE)
    with pytest.raises(InputError, match="Unknown network 'N-nope'"):
        open_as_version(store, builtin_network, "N-nope", METTE)


def test_the_store_holds_digests_not_profiles(store: DecisionStore, builtin_network: Network) -> None:
    open_as_new(store, builtin_network, "Sønderjylland", METTE)
    wal = Path(f"{store.path}-wal")
    raw = store.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    for student in builtin_network.students[:20]:
        row = profile_row(student)
        assert row["impairments"].encode() not in raw and row["stress_reactions"].encode() not in raw
    assert b'"home_lat"' not in raw and b'"student_id"' not in raw  # no student profile row at all
    # Companies are not personal data: their last known profile is kept on purpose, so history at a
    # company that has left still teaches the model (docs/after-the-match.md).
    assert builtin_network.companies[0].name.encode() in raw
