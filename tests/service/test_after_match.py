"""After the match: a placement's life, follow-ups, outcomes, companies that close, contacts, the steering report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from features.errors import DataValidationError, InputError
from features.network import Network
from placement_service import DecisionStore, prepare_scoring
from placement_service.access import AccessDeniedError, Actor, Role
from placement_service.after_match import (
    EndReason,
    PlacementStatus,
    add_months,
    agree_placement,
    end_placement,
    followups_due,
    import_outcomes,
    outcomes_csv,
    read_outcome_file,
    record_followup,
    record_outcome,
    start_placement,
)
from placement_service.company_changes import (
    close_company,
    company_contacts,
    log_contact,
    set_company_relation,
    students_needing_a_new_place,
)
from placement_service.privacy import subject_export
from placement_service.steering_report import benchmark_text, report_table, report_workbook, steering_report
from placement_service.use_cases import decided_plan

NETWORK = "builtin"


@pytest.fixture
def store(tmp_path: Path) -> DecisionStore:
    return DecisionStore(tmp_path / "store.sqlite3")


def consultant(network: Network, student_id: str, name: str = "Mette") -> Actor:
    return Actor(name, Role.JOBKONSULENT, frozenset({network.student(student_id).stu_site}))


COORDINATOR = Actor("Kim", Role.NETVAERKSKOORDINATOR, frozenset())


def started(
    store: DecisionStore, network: Network, student: str, company: str, start: str = "2026-01-05"
) -> int:
    actor = consultant(network, student)
    placement = agree_placement(
        store,
        NETWORK,
        network,
        actor,
        student,
        company,
        start_date=start,
        hours_per_week="20",
        mentor_name="Ole",
    )
    start_placement(store, NETWORK, network, actor, placement)
    return placement


def test_a_placement_goes_from_agreed_to_started_to_ended(
    store: DecisionStore, builtin_network: Network
) -> None:
    student, company = "S0001", builtin_network.companies[0].company_id
    actor = consultant(builtin_network, student)
    placement = agree_placement(
        store,
        NETWORK,
        builtin_network,
        actor,
        student,
        company,
        start_date="05.01.2026",
        hours_per_week="12,5",
        mentor_name="Ole Jensen",
        arrangements="Starter kl. 9; fast arbejdsbord",
    )
    record = store.placement(NETWORK, placement)
    assert record is not None
    assert (record.status, record.start_date, record.hours_per_week) == ("agreed", "2026-01-05", 12.5)
    start_placement(store, NETWORK, builtin_network, actor, placement)
    end_placement(
        store, NETWORK, builtin_network, actor, placement, end_date="2026-06-30", reason=EndReason.COMPLETED
    )
    record = store.placement(NETWORK, placement)
    assert record is not None
    assert (record.status, record.end_date, record.end_reason) == ("ended", "2026-06-30", "completed")
    actions = [e.action for e in store.audit_trail(NETWORK)]
    assert {"placement:agreed", "placement:started", "placement:ended"} <= set(actions)
    # The audit trail holds IDs and states, never the agreed arrangements.
    assert all("fast arbejdsbord" not in str(e.details) for e in store.audit_trail(NETWORK))


def test_bad_input_is_refused_with_a_danish_message_and_nothing_written(
    store: DecisionStore, builtin_network: Network
) -> None:
    student, company = "S0001", builtin_network.companies[0].company_id
    actor = consultant(builtin_network, student)
    with pytest.raises(InputError, match="hours per week"):
        agree_placement(
            store,
            NETWORK,
            builtin_network,
            actor,
            student,
            company,
            start_date="2026-01-05",
            hours_per_week=60,
        )
    with pytest.raises(InputError, match="date"):
        agree_placement(
            store,
            NETWORK,
            builtin_network,
            actor,
            student,
            company,
            start_date="31.13.2026",
            hours_per_week=20,
        )
    with pytest.raises(InputError, match="closest"):
        agree_placement(
            store,
            NETWORK,
            builtin_network,
            actor,
            "S9999",
            company,
            start_date="2026-01-05",
            hours_per_week=20,
        )
    assert store.placements(NETWORK) == []
    placement = started(store, builtin_network, student, company)
    with pytest.raises(InputError) as caught:
        end_placement(
            store, NETWORK, builtin_network, actor, placement, end_date="2025-12-01", reason="completed"
        )
    assert "før startdatoen" in caught.value.message_da
    with pytest.raises(InputError, match="end reason"):
        end_placement(
            store, NETWORK, builtin_network, actor, placement, end_date="2026-03-01", reason="bored"
        )
    with pytest.raises(InputError, match="already has a placement"):
        agree_placement(
            store,
            NETWORK,
            builtin_network,
            actor,
            student,
            company,
            start_date="2026-02-01",
            hours_per_week=20,
        )
    end_placement(
        store, NETWORK, builtin_network, actor, placement, end_date="2026-03-01", reason="student_left"
    )
    with pytest.raises(InputError) as caught:
        record_followup(
            store, NETWORK, builtin_network, actor, placement, held_on="2026-03-02", consultant_notes="Godt"
        )
    assert "opfølgning kræver et startet forløb" in caught.value.message_da
    assert store.followups(NETWORK) == []


def test_only_the_students_own_consultant_may_act(store: DecisionStore, builtin_network: Network) -> None:
    student, company = "S0001", builtin_network.companies[0].company_id
    other_site = next(
        s.stu_site
        for s in builtin_network.students
        if s.stu_site != builtin_network.student(student).stu_site
    )
    stranger = Actor("Sara", Role.JOBKONSULENT, frozenset({other_site}))
    with pytest.raises(AccessDeniedError):
        agree_placement(
            store,
            NETWORK,
            builtin_network,
            stranger,
            student,
            company,
            start_date="2026-01-05",
            hours_per_week=20,
        )
    with pytest.raises(AccessDeniedError):
        agree_placement(
            store,
            NETWORK,
            builtin_network,
            COORDINATOR,
            student,
            company,
            start_date="2026-01-05",
            hours_per_week=20,
        )
    placement = started(store, builtin_network, student, company)
    with pytest.raises(AccessDeniedError):
        record_followup(
            store, NETWORK, builtin_network, stranger, placement, held_on="2026-02-01", consultant_notes="x"
        )
    assert followups_due(store, NETWORK, builtin_network, stranger, today=date(2026, 5, 1)) == []


def test_follow_ups_fall_due_every_three_months_from_the_last_one(
    store: DecisionStore, builtin_network: Network
) -> None:
    student, company = "S0001", builtin_network.companies[0].company_id
    actor = consultant(builtin_network, student)
    placement = started(store, builtin_network, student, company, start="2026-01-31")
    (due,) = followups_due(store, NETWORK, builtin_network, actor, today=date(2026, 5, 10))
    assert (due.due_on, due.overdue, due.days) == (
        "2026-04-30",
        True,
        -10,
    )  # 31 Jan + 3 months: the month's last day
    record_followup(
        store,
        NETWORK,
        builtin_network,
        actor,
        placement,
        held_on="2026-05-12",
        consultant_notes="Trives",
        company_view="Stabil",
        student_view="Jeg kan godt lide opgaverne",
        changed_needs="Færre timer om fredagen",
    )
    (due,) = followups_due(store, NETWORK, builtin_network, actor, today=date(2026, 5, 13))
    assert (due.last_held_on, due.due_on, due.overdue) == ("2026-05-12", "2026-08-12", False)
    (followup,) = store.followups(NETWORK)
    assert followup.student_view == "Jeg kan godt lide opgaverne"  # the student's own view, in its own field
    assert all("Jeg kan godt" not in str(e.details) for e in store.audit_trail(NETWORK))
    assert (
        followups_due(store, NETWORK, builtin_network, actor, today=date(2026, 5, 13), every_months=1)[
            0
        ].due_on
        == "2026-06-12"
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_outcomes_are_recorded_once_and_read_back(
    store: DecisionStore, builtin_network: Network, tmp_path: Path
) -> None:
    student, company = "S0002", builtin_network.companies[1].company_id
    actor = consultant(builtin_network, student)
    assert record_outcome(
        store,
        NETWORK,
        builtin_network,
        actor,
        student_id=student,
        company_id=company,
        year=2027,
        outcome="flexjob",
        hours_per_week=16,
    )
    assert not record_outcome(
        store,
        NETWORK,
        builtin_network,
        actor,
        student_id=student,
        company_id=company,
        year=2027,
        outcome="job",
    )
    with pytest.raises(InputError, match="unknown employment type"):
        record_outcome(
            store,
            NETWORK,
            builtin_network,
            actor,
            student_id=student,
            company_id=company,
            year=2027,
            outcome="rich",
        )
    exported = tmp_path / "outcomes.csv"
    exported.write_bytes(outcomes_csv(store.outcomes(NETWORK)))
    rows = read_outcome_file(exported, builtin_network)
    assert rows == [
        {
            "student_id": student,
            "company_id": company,
            "year": 2027,
            "outcome": "flexjob",
            "measured": "stu_end",
            "hours_per_week": 16.0,
        }
    ]


def test_an_outcomes_file_with_a_bad_row_is_refused_whole(
    store: DecisionStore, builtin_network: Network, tmp_path: Path
) -> None:
    company = builtin_network.companies[0].company_id
    file = tmp_path / "udfald.csv"
    file.write_text(
        "student_id,company_id,year,outcome,measured,hours_per_week\n"
        f"S0001,{company},2027,job,stu_end,30\n"
        f"S0002,{company},2027,millionaire,12_months,\n"
        f"S9999,{company},1999,job,later,50\n",
        encoding="utf-8",
    )
    admin = Actor("Anne", Role.ADMINISTRATOR, frozenset())
    with pytest.raises(DataValidationError) as caught:
        import_outcomes(store, NETWORK, file, admin, builtin_network)
    where = {(i.row, i.column, i.value) for i in caught.value.issues}
    assert where == {
        (3, "outcome", "millionaire"),
        (4, "student_id", "S9999"),
        (4, "year", "1999"),
        (4, "measured", "later"),
        (4, "hours_per_week", "50"),
    }
    assert all(i.file == "udfald.csv" for i in caught.value.issues)
    assert store.outcomes(NETWORK) == []
    file.write_text(
        f"student_id,company_id,year,outcome\nS0001,{company},2027,job\nS0002,{company},2027,wage_subsidy\n",
        encoding="utf-8",
    )
    assert import_outcomes(store, NETWORK, file, admin, builtin_network) == (2, 2)
    assert import_outcomes(store, NETWORK, file, admin, builtin_network) == (
        2,
        0,
    )  # the same rows add nothing


def test_a_closed_company_ends_its_placements_and_its_students_are_replanned(
    store: DecisionStore, builtin_network: Network
) -> None:
    context = prepare_scoring(builtin_network)
    plan = decided_plan(store, NETWORK, context, time_limit=30)
    by_company: dict[str, list[str]] = {}
    for a in plan.assignments():
        by_company.setdefault(a.company_id, []).append(a.student_id)
    company, students = max(by_company.items(), key=lambda item: len(item[1]))
    placements = [started(store, builtin_network, s, company) for s in students]
    closure = close_company(
        store, NETWORK, context, COORDINATOR, company, "closed", "2026-03-01", time_limit=30
    )
    assert {r.student_id for r in closure.released} == set(students)
    assert all(r.proposed_company_id != company for r in closure.released)
    for placement in placements:
        record = store.placement(NETWORK, placement)
        assert record is not None and (record.status, record.end_reason) == ("ended", "company_closed")
    # No later plan places anyone there.
    again = decided_plan(store, NETWORK, context, time_limit=30)
    assert company not in {a.company_id for a in again.assignments()}
    owner = consultant(builtin_network, students[0])
    waiting = students_needing_a_new_place(store, NETWORK, builtin_network, owner)
    assert (students[0], company, "2026-03-01") in waiting
    with pytest.raises(AccessDeniedError):
        close_company(
            store,
            NETWORK,
            context,
            Actor("Anne", Role.ADMINISTRATOR, frozenset()),
            company,
            "closed",
            "2026-03-01",
        )


def test_company_contacts_flag_companies_not_contacted_for_long(
    store: DecisionStore, builtin_network: Network
) -> None:
    first, second = (c.company_id for c in builtin_network.companies[:2])
    set_company_relation(
        store,
        NETWORK,
        builtin_network,
        COORDINATOR,
        first,
        contact_person="Lise Holm",
        asks_for="Sortering af varer",
    )
    log_contact(
        store,
        NETWORK,
        builtin_network,
        COORDINATOR,
        first,
        on_date="2026-10-01",
        who="Kim",
        what="Besøg",
        next_step="Ring i januar",
    )
    log_contact(
        store, NETWORK, builtin_network, COORDINATOR, second, on_date="2026-01-10", who="Kim", what="Telefon"
    )
    statuses = {
        s.company_id: s
        for s in company_contacts(store, NETWORK, builtin_network, COORDINATOR, today=date(2026, 11, 1))
    }
    assert statuses[first].overdue is False and statuses[first].days_since == 31
    assert statuses[first].relation is not None and statuses[first].relation.contact_person == "Lise Holm"
    assert statuses[second].overdue is True
    never = builtin_network.companies[2].company_id
    assert statuses[never].overdue is True and statuses[never].last_contact is None
    with pytest.raises(InputError, match="future"):
        log_contact(
            store, NETWORK, builtin_network, COORDINATOR, first, on_date="2099-01-01", who="Kim", what="x"
        )


def test_the_steering_report_counts_placements_follow_ups_and_outcomes(
    store: DecisionStore, builtin_network: Network
) -> None:
    student, company = "S0001", builtin_network.companies[0].company_id
    actor = consultant(builtin_network, student)
    placement = started(store, builtin_network, student, company, start="2026-01-05")
    record_followup(
        store, NETWORK, builtin_network, actor, placement, held_on="2026-04-10", consultant_notes="ok"
    )
    record_outcome(
        store,
        NETWORK,
        builtin_network,
        actor,
        student_id=student,
        company_id=company,
        year=2026,
        outcome="flexjob",
        measured="12_months",
    )
    rows = steering_report(store, NETWORK, builtin_network, COORDINATOR, today=date(2026, 10, 1))
    (row,) = [r for r in rows if r.cohort == 2026]
    assert (row.placed, row.in_internship, row.followups_due, row.followups_on_time) == (1, 1, 2, 1)
    table = report_table(rows)
    assert table.loc[0, "Opfølgninger til tiden"] == "1 af 2"
    assert table.loc[0, "I job, 12 måneder efter STU"] == "1 af 1 (100 %)"
    assert "81 %" in benchmark_text(rows) and "7–15 %" in benchmark_text(rows)
    assert report_workbook(rows)[:2] == b"PK"


def test_deleting_a_student_deletes_placements_follow_ups_and_outcomes(
    store: DecisionStore, builtin_network: Network
) -> None:
    student, company = "S0001", builtin_network.companies[0].company_id
    actor = consultant(builtin_network, student)
    placement = started(store, builtin_network, student, company)
    record_followup(
        store,
        NETWORK,
        builtin_network,
        actor,
        placement,
        held_on="2026-02-01",
        consultant_notes="Privat note",
    )
    record_outcome(
        store,
        NETWORK,
        builtin_network,
        actor,
        student_id=student,
        company_id=company,
        year=2026,
        outcome="job",
    )
    exported = subject_export(store, student, builtin_network, actor)
    held = exported["store"]
    assert held["placements"] and held["followups"] and held["outcomes"]
    assert held["followups"][0]["consultant_notes"] == "Privat note"
    store.delete_student(NETWORK, student, "2026-07-31", "Anne")
    assert (
        store.placements(NETWORK, student) == []
        and store.followups(NETWORK) == []
        and store.outcomes(NETWORK) == []
    )
    assert store.verify_audit() is None


def test_records_survive_a_restart(tmp_path: Path, builtin_network: Network) -> None:
    path = tmp_path / "store.sqlite3"
    placement = started(
        DecisionStore(path), builtin_network, "S0001", builtin_network.companies[0].company_id
    )
    record = DecisionStore(path).placement(NETWORK, placement)
    assert record is not None and record.status == PlacementStatus.STARTED


def test_the_follow_up_interval_is_the_networks_and_can_be_changed(
    store: DecisionStore, builtin_network: Network
) -> None:
    from placement_service.after_match import followup_interval, set_followup_interval

    student, company = "S0001", builtin_network.companies[0].company_id
    actor = consultant(builtin_network, student)
    started(store, builtin_network, student, company, start="2026-01-15")
    assert followup_interval(store, NETWORK) == 3
    set_followup_interval(store, NETWORK, COORDINATOR, 2)
    (due,) = followups_due(store, NETWORK, builtin_network, actor, today=date(2026, 2, 1))
    assert due.due_on == "2026-03-15"
    rows = steering_report(store, NETWORK, builtin_network, COORDINATOR, today=date(2026, 7, 20))
    assert [r.followups_due for r in rows if r.cohort == 2026] == [3]  # March, May, July
    for bad in (0, 13, "3"):
        with pytest.raises(InputError):
            set_followup_interval(store, NETWORK, COORDINATOR, bad)  # type: ignore[arg-type]
    assert followup_interval(store, NETWORK) == 2
    with pytest.raises(AccessDeniedError):
        set_followup_interval(store, NETWORK, Actor("Anne", Role.ADMINISTRATOR, frozenset()), 4)
