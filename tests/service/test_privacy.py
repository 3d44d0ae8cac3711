"""Consent with date and scope that briefs follow at once, deletion after retention, and the right of access."""

from __future__ import annotations

import itertools
import json
from datetime import date
from pathlib import Path

import pytest

from features.consent import render_markdown
from features.network import Network
from features.vocabulary import SHARE_CATEGORY_LABELS, ShareCategory
from placement_service import (
    AccessDeniedError,
    Actor,
    DecisionStore,
    Role,
    brief_for,
    consent_in_force,
    give_consent,
    open_builtin,
    run_retention,
    subject_export,
    withdraw_consent,
)
from placement_service.privacy import cohort_end
from placement_service.users import cli_actor

ADMIN = Actor("Anne", Role.ADMINISTRATOR)
KIM = Actor("Kim", Role.NETVAERKSKOORDINATOR)

# What only each category puts in a brief: a section title that appears for it and for nothing else.
SECTION_OF = {
    ShareCategory.INTERESTS: "Interesser",
    ShareCategory.NEEDS: "Behov på arbejdspladsen",
    ShareCategory.ABILITIES: "Styrker og forudsætninger",
    ShareCategory.SUPPORT: "Støttebehov",
    ShareCategory.STRESS_REACTIONS: "Det kan belaste",
    ShareCategory.IMPAIRMENTS: "Funktionsnedsættelser",
}


@pytest.fixture
def store(tmp_path: Path) -> DecisionStore:
    return DecisionStore(tmp_path / "db.sqlite3")


def consultant_of(network: Network, student_id: str) -> Actor:
    return Actor("Mette", Role.JOBKONSULENT, frozenset({network.student(student_id).stu_site}))


def brief_sections(store: DecisionStore, network: Network, student_id: str, actor: Actor) -> set[str]:
    brief = brief_for(
        store, "builtin", network, student_id, network.companies[0].company_id, actor, builtin=True
    )
    return {section.title for section in brief.sections} - {"Praktikken"}


@pytest.mark.parametrize(
    "scope",
    [set()]
    + [{c} for c in ShareCategory]
    + [set(p) for p in itertools.combinations(ShareCategory, 2)]
    + [set(ShareCategory)],
    ids=lambda scope: "+".join(sorted(c.value for c in scope)) or "nothing",
)
def test_the_brief_holds_exactly_the_consented_sections(
    store: DecisionStore, builtin_network: Network, scope
) -> None:  # type: ignore[no-untyped-def]
    student = builtin_network.students[3]
    actor = consultant_of(builtin_network, student.student_id)
    give_consent(store, "builtin", builtin_network, student.student_id, scope, date(2026, 9, 1), actor)
    sections = brief_sections(store, builtin_network, student.student_id, actor)
    assert sections == {SECTION_OF[c] for c in scope if _has_content(student, c)}
    withheld = render_markdown(
        brief_for(
            store,
            "builtin",
            builtin_network,
            student.student_id,
            builtin_network.companies[0].company_id,
            actor,
            builtin=True,
        )
    )
    for category in set(ShareCategory) - set(scope):
        assert SECTION_OF[category] not in withheld.split("Eleven har ikke givet samtykke")[0]


def _has_content(student, category: ShareCategory) -> bool:  # type: ignore[no-untyped-def]
    """Some categories have nothing to say for some students (e.g. no stress reactions)."""
    if category == ShareCategory.STRESS_REACTIONS:
        return bool(student.stress_reactions)
    if category == ShareCategory.IMPAIRMENTS:
        return bool(student.impairments)
    return True


def test_a_withdrawal_takes_effect_at_once(store: DecisionStore, builtin_network: Network) -> None:
    student = builtin_network.students[0]
    actor = consultant_of(builtin_network, student.student_id)
    give_consent(
        store, "builtin", builtin_network, student.student_id, list(ShareCategory), date(2026, 9, 1), actor
    )
    assert SECTION_OF[ShareCategory.IMPAIRMENTS] in brief_sections(
        store, builtin_network, student.student_id, actor
    )
    withdraw_consent(store, "builtin", builtin_network, student.student_id, actor, on=date(2026, 11, 30))
    assert brief_sections(store, builtin_network, student.student_id, actor) == set()
    consent = consent_in_force(store, "builtin", student)
    assert consent.withdrawn and consent.withdrawn_on == "2026-11-30" and consent.given_on == "2026-09-01"
    actions = [e.action for e in store.audit_trail("builtin")]
    assert actions == ["consent:withdraw", "consent:give"]


def test_without_a_record_the_data_files_consent_holds(
    store: DecisionStore, builtin_network: Network
) -> None:
    student = builtin_network.students[0]
    consent = consent_in_force(store, "builtin", student)
    assert consent.source == "file" and consent.scope == frozenset(student.consent_share)


def test_only_the_students_own_consultant_records_consent_or_reads_a_brief(
    store: DecisionStore, builtin_network: Network
) -> None:
    student = builtin_network.students[0]
    other_site = Actor("Sara", Role.JOBKONSULENT, frozenset({"elsewhere"}))
    for actor in (other_site, KIM, ADMIN):
        with pytest.raises(AccessDeniedError):
            give_consent(store, "builtin", builtin_network, student.student_id, [], date(2026, 9, 1), actor)
        with pytest.raises(AccessDeniedError):
            brief_for(store, "builtin", builtin_network, student.student_id, "C0001", actor, builtin=False)


def test_consent_cannot_be_dated_in_the_future(store: DecisionStore, builtin_network: Network) -> None:
    student = builtin_network.students[0]
    with pytest.raises(ValueError, match="future"):
        give_consent(
            store,
            "builtin",
            builtin_network,
            student.student_id,
            [],
            date(2999, 1, 1),
            consultant_of(builtin_network, student.student_id),
        )


def test_retention_deletes_everything_held_after_the_period_and_keeps_a_deletion_record(
    store: DecisionStore, builtin_network: Network
) -> None:
    open_builtin(store, builtin_network)  # notes every student's STU end: 31 July of the cohort's year
    student = builtin_network.students[0]
    actor = consultant_of(builtin_network, student.student_id)
    give_consent(
        store,
        "builtin",
        builtin_network,
        student.student_id,
        [ShareCategory.INTERESTS],
        date(2026, 9, 1),
        actor,
    )
    store.record("builtin", student.student_id, "C0001", "forbid", "Mette")
    store.approve_plan(
        "builtin", "Plan", [{"student_id": student.student_id, "company_id": "C0002"}], "Mette"
    )
    end = cohort_end(date.today())

    assert run_retention(store, ADMIN, months=24, today=date(end.year + 2, end.month, end.day)) == []
    deleted = run_retention(store, ADMIN, months=24, today=date(end.year + 2, 8, 1))
    assert student.student_id in {d.student_id for d in deleted}
    held = store.held_on_student(student.student_id)
    assert held["decisions_log"] == [] and held["consent"] == [] and held["saved_plans"] == []
    assert held["deletions"][0]["stu_end"] == end.isoformat()
    assert held["audit"][-1]["action"] == "student:delete"  # the audit trail keeps IDs, never details
    version = store.latest_version("builtin")
    assert version is not None and student.student_id not in version.students
    assert store.verify_audit() is None


def test_retention_is_for_administrators(store: DecisionStore) -> None:
    with pytest.raises(AccessDeniedError):
        run_retention(store, KIM)
    with pytest.raises(ValueError, match="between 0 and 240"):
        run_retention(store, ADMIN, months=-1)


def test_the_subject_export_holds_the_profile_and_every_record(
    store: DecisionStore, builtin_network: Network
) -> None:
    student = builtin_network.students[0]
    actor = consultant_of(builtin_network, student.student_id)
    give_consent(
        store, "builtin", builtin_network, student.student_id, [ShareCategory.NEEDS], date(2026, 9, 1), actor
    )
    store.record("builtin", student.student_id, "C0001", "lock", "Mette")
    document = subject_export(store, student.student_id, builtin_network, cli_actor())
    assert document["profile"]["student_id"] == student.student_id
    assert document["store"]["decisions_log"][0]["company_id"] == "C0001"
    assert document["store"]["consent"][0]["scope"] == ["needs"]
    json.dumps(document)  # JSON-ready
    with pytest.raises(AccessDeniedError):
        subject_export(store, student.student_id, builtin_network, KIM)


def test_labels_exist_for_every_share_category() -> None:
    assert set(SHARE_CATEGORY_LABELS) == set(ShareCategory)


def test_stu_end_from_the_data_file_sets_the_retention_date(
    store: DecisionStore, tmp_path: Path, builtin_network: Network
) -> None:
    from features.loading import load_network, write_tables

    tables = {name: frame.copy() for name, frame in builtin_network.frames().items()}
    tables["students"].loc[0, "stu_end"] = "31.07.2024"
    tables["students"]["stu_end"] = tables["students"]["stu_end"].fillna("")
    write_tables(tables, tmp_path / "data")
    network = load_network(tmp_path / "data")
    first = network.students[0]
    assert first.stu_end == date(2024, 7, 31) and network.students[1].stu_end is None
    open_builtin(store, network)
    deleted = run_retention(store, ADMIN, months=24, today=date(2026, 8, 1))
    assert [d.student_id for d in deleted] == [first.student_id]


def test_a_bad_stu_end_is_named(tmp_path: Path, builtin_network: Network) -> None:
    from features.errors import DataValidationError
    from features.loading import load_network, write_tables

    tables = {name: frame.copy() for name, frame in builtin_network.frames().items()}
    tables["students"]["stu_end"] = ""
    tables["students"].loc[2, "stu_end"] = "31.13.2027"
    write_tables(tables, tmp_path / "data")
    with pytest.raises(DataValidationError) as refused:
        load_network(tmp_path / "data")
    (issue,) = refused.value.issues
    assert (issue.column, issue.row, issue.value) == (
        "stu_end",
        4,
        "31.13.2027",
    ) and "dato" in issue.message_da


def test_the_brief_tells_the_company_the_mentor_hours_only_with_consent_to_share_support(
    store: DecisionStore, builtin_network: Network
) -> None:
    from features.arrays import student_arrays
    from features.vocabulary import mentor_hours_da
    from matching.eligibility import mentor_hours_per_week

    student = next(s for s in builtin_network.students if s.needs_mentor)
    company = builtin_network.companies[0]
    hours = int(mentor_hours_per_week(student_arrays((student,)), company.mentor_trained)[0])
    actor = consultant_of(builtin_network, student.student_id)
    for scope, shown in (([ShareCategory.SUPPORT], True), ([ShareCategory.NEEDS], False)):
        give_consent(store, "builtin", builtin_network, student.student_id, scope, date(2026, 9, 1), actor)
        brief = brief_for(
            store, "builtin", builtin_network, student.student_id, company.company_id, actor, builtin=True
        )
        text = render_markdown(brief)
        assert (f"Eleven har brug for {mentor_hours_da(hours)} hos jer." in text) == shown
        assert ("mentortime" in text) == shown
