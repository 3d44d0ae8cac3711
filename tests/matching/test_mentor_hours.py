"""Mentor support in hours per week: the student's need, the company's capacity, the Danish text,
and files written when the unit was an abstract support unit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from features.arrays import student_arrays
from features.loading import load_network
from features.network import Network
from features.profiles import Student
from features.vocabulary import ImpairmentGroup, hours_per_week_da, mentor_hours_da
from matching.eligibility import MAX_MENTOR_HOURS, mentor_hours_per_week
from matching.explain import explain_pair
from matching.pairs import eligible_pairs, scoring_context
from optimizer import PlacementProblem, solve_placement
from tests.matching.profiles import company, network, student
from tests.matching.strategies import networks
from tests.optimizer.util import assert_feasible

# (impairments, stress reactions, needs a mentor, the mentor is trained) -> mentor hours per week
FIXED_CASES = [
    ("autism:most", "", "no", "no", 0),  # no mentor need: no hours, whatever the support level
    ("autism:none", "", "yes", "no", 1),  # a weekly talk with a named mentor
    ("autism:little", "", "yes", "yes", 1),
    ("autism:some", "", "yes", "no", 3),  # about half an hour a working day
    ("autism:some", "", "yes", "yes", 2),  # a trained mentor saves an hour (psychological)
    ("autism:most", "", "yes", "no", 5),  # about an hour a day, the seeds' five hours a week
    ("autism:most", "", "yes", "yes", 4),
    ("intellectual_disability:some", "", "yes", "yes", 2),  # cognitive: the course helps too
    ("mobility:most", "", "yes", "yes", 5),  # physical only: the course does not save time
    ("mobility:little", "low_stamina:some", "yes", "no", 3),  # the highest level counts, stress included
    ("hearing:little|adhd:little", "social_limitations:most", "yes", "yes", 4),
]


@pytest.mark.parametrize(("impairments", "stress", "needs_mentor", "trained", "hours"), FIXED_CASES)
def test_the_student_needs_these_mentor_hours_per_week(
    impairments: str, stress: str, needs_mentor: str, trained: str, hours: int
) -> None:
    net = network(
        student(impairments=impairments, stress_reactions=stress, needs_mentor=needs_mentor),
        companies=(company(mentor_trained=trained, mentor_capacity=10),),
    )
    assert mentor_hours_per_week(student_arrays(net.students), trained == "yes").tolist() == [hours]
    assert eligible_pairs(net, outcome_model=None).support_load.tolist() == [hours]
    assert explain_pair(scoring_context(net, outcome_model=None), "S1", "C1").support_load == hours


def test_the_company_must_have_the_hours_the_student_needs() -> None:
    def eligible(mentor_capacity: int) -> bool:
        net = network(
            student(impairments="autism:most", needs_mentor="yes"),
            companies=(company(mentor_trained="no", mentor_capacity=mentor_capacity),),
        )
        return explain_pair(scoring_context(net, outcome_model=None), "S1", "C1").eligible

    assert not eligible(4) and eligible(5)


def test_the_arrangement_speaks_of_mentor_hours_per_week() -> None:
    def arrangements(impairments: str, trained: str, mentor_capacity: int) -> list[str]:
        net = network(
            student(impairments=impairments, needs_mentor="yes"),
            companies=(company(mentor_trained=trained, mentor_capacity=mentor_capacity),),
        )
        item = explain_pair(scoring_context(net, outcome_model=None), "S1", "C1")
        return [text for text in item.arrangements if "mentor" in text.lower()]

    assert arrangements("autism:little", "yes", 1) == [
        "Aftal en fast mentor: eleven har brug for 1 mentortime om ugen, og virksomheden kan give "
        "1 time om ugen i alt."
    ]
    assert arrangements("autism:some", "no", 12) == [
        "Aftal en fast mentor: eleven har brug for 3 mentortimer om ugen, og virksomheden kan give "
        "12 timer om ugen i alt.",
        "Tilbyd mentoren et kursus om målgruppen (fx om autisme eller angst); med kurset har eleven brug "
        "for 1 mentortime mindre om ugen.",
    ]
    # The course saves no hour for a student with little support, so it is suggested without one.
    assert arrangements("anxiety:little", "no", 2)[1] == (
        "Tilbyd mentoren et kursus om målgruppen (fx om autisme eller angst)."
    )


def test_hours_in_danish_number_format() -> None:
    assert hours_per_week_da(1) == "1 time om ugen"
    assert hours_per_week_da(0) == "0 timer om ugen"
    assert hours_per_week_da(1200) == "1.200 timer om ugen"
    assert mentor_hours_da(1) == "1 mentortime om ugen"
    assert mentor_hours_da(15) == "15 mentortimer om ugen"


def old_support_units(student: Student, mentor_trained: bool) -> int:
    """What the student used of a company's ``mentor_capacity`` before the unit became hours."""
    if not student.needs_mentor:
        return 0
    level = student.highest_support_level.rank
    units = 1 + (level >= 2) + (level >= 3)
    arrays = student_arrays((student,))
    helped = bool(
        arrays.has_group(ImpairmentGroup.PSYCHOLOGICAL)[0] or arrays.has_group(ImpairmentGroup.COGNITIVE)[0]
    )
    return units - int(mentor_trained and helped and units >= 2)


@settings(max_examples=200, deadline=None)
@given(networks(max_students=4, max_companies=1))
def test_no_student_needs_more_than_twice_their_old_units(net: Network) -> None:
    """So a file in the old units with its ``mentor_capacity`` doubled fits every group that fitted before."""
    for trained in (False, True):
        hours = mentor_hours_per_week(student_arrays(net.students), trained)
        for student_hours, s in zip(hours.tolist(), net.students, strict=True):
            assert 0 <= student_hours <= 2 * old_support_units(s, trained)
            assert student_hours <= MAX_MENTOR_HOURS


@settings(max_examples=60, deadline=None)
@given(networks(max_students=6, max_companies=4))
def test_the_plan_keeps_each_company_within_its_mentor_hours(net: Network) -> None:
    table = eligible_pairs(net, outcome_model=None)
    for trained in (False, True):
        companies = np.flatnonzero([c.mentor_trained == trained for c in net.companies])
        here = np.isin(table.company, companies)
        expected = mentor_hours_per_week(student_arrays(net.students), trained)[table.student[here]]
        assert table.support_load[here].tolist() == expected.tolist()
    result = solve_placement(PlacementProblem.build(table))
    assert_feasible(table, result.pair_of_student)


OLD_COMPANIES = """company_id,name,industry,municipality,capacity,mentor_capacity,mentor_trained,complexity_min,\
complexity_max,task_variety,min_hours_per_week,max_hours_per_week,noise,pace,customer_contact,physical_demands,\
demand_attention,demand_adapting_to_change,demand_social_contact,demand_teamwork,demand_pace,demand_stamina,\
demand_independence,demand_basic_skills,demand_fine_motor,demand_physical_strength,demand_noise_tolerance
C1,Lager ApS,warehouse_logistics,Aarhus,2,3,nej,1,3,routine,10,30,low,low,low,low,3,3,3,3,3,3,3,3,3,3,3
"""


def test_a_companies_file_in_the_old_units_loads_and_reads_one_to_one_as_hours(tmp_path: Path) -> None:
    """Written when a student with most support used 3 units: the 3 are now 3 hours a week."""
    students = network(student(impairments="autism:most", needs_mentor="yes")).frames()["students"]
    students.to_csv(tmp_path / "students.csv", index=False)
    (tmp_path / "companies.csv").write_text(OLD_COMPANIES, encoding="utf-8")
    net = load_network(tmp_path)
    assert [c.mentor_capacity for c in net.companies] == [3]
    item = explain_pair(scoring_context(net, outcome_model=None), "S1", "C1")
    assert item.ineligible_reasons == ["mentor"] and item.support_load == 5  # 5 hours against 3

    # Doubled as docs/data-format.md says (hours = 2 x units), the file places the student as before.
    companies = pd.read_csv(tmp_path / "companies.csv", dtype=str, keep_default_na=False)
    companies["mentor_capacity"] = (2 * companies["mentor_capacity"].astype(int)).astype(str)
    companies.to_csv(tmp_path / "companies.csv", index=False)
    doubled = explain_pair(scoring_context(load_network(tmp_path), outcome_model=None), "S1", "C1")
    assert doubled.eligible
    assert "virksomheden kan give 6 timer om ugen i alt" in " ".join(doubled.arrangements)
