"""A company to recruit asks for the mentor hours per week its students need."""

from __future__ import annotations

from optimizer.recruitment import candidate_company, candidate_features
from tests.matching.profiles import student


def test_a_company_to_recruit_asks_for_the_mentor_hours_its_students_need() -> None:
    """Enough hours for any of its slots' worth of students: the ones who need the most."""
    group = [
        student(student_id="S1", impairments="autism:most", needs_mentor="yes"),  # 4 with its trained mentor
        student(student_id="S2", impairments="mobility:some", needs_mentor="yes"),  # 3
        student(student_id="S3", impairments="adhd:little", needs_mentor="yes"),  # 1
        student(student_id="S4", impairments="hearing:most"),  # no mentor need
        student(student_id="S5", impairments="autism:little", needs_mentor="yes"),  # 1
    ]
    candidate = candidate_company("REKRUT01", group[0].interests[0], "Aarhus", group)
    assert candidate.capacity == 4 and candidate.mentor_trained
    assert candidate.mentor_capacity == 4 + 3 + 1 + 1
    assert "9 mentortimer om ugen" in candidate_features(candidate)
