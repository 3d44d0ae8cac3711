"""Hand-made profiles for pinned examples: a student and a company that fit, changed one field at a time."""

from __future__ import annotations

from typing import Any

from features.network import Network
from features.profiles import Company, Student
from features.vocabulary import WorkDemand


def student(**changes: Any) -> Student:
    row: dict[str, Any] = {
        "student_id": "S1",
        "gender": "male",
        "age": 20,
        "stu_site": "castberggaard",
        "home_municipality": "Aarhus",
        "home_lat": 56.15,
        "home_lon": 10.20,
        "transport_mode": "bike",
        "max_travel_minutes": 40,
        "impairments": "autism:some",
        "stress_reactions": "",
        "interests": "warehouse_logistics|retail",
        "max_task_complexity": 3,
        "min_hours_per_week": 15,
        "max_hours_per_week": 25,
        "needs_mentor": "no",
    }
    row.update({f"ability_{dim.value}": 3 for dim in WorkDemand})
    row.update(changes)
    return Student.model_validate(row)


def company(**changes: Any) -> Company:
    row: dict[str, Any] = {
        "company_id": "C1",
        "name": "Lager ApS",
        "industry": "warehouse_logistics",
        "municipality": "Aarhus",
        "lat": 56.16,
        "lon": 10.21,
        "capacity": 2,
        "mentor_capacity": 4,
        "mentor_trained": "yes",
        "complexity_min": 1,
        "complexity_max": 3,
        "task_variety": "routine",
        "shielded_workstation": "yes",
        "team_work": "no",
        "min_hours_per_week": 10,
        "max_hours_per_week": 30,
        "noise": "low",
        "pace": "low",
        "customer_contact": "low",
        "physical_demands": "low",
        "wheelchair_accessible": "yes",
        "flexible_management": "yes",
    }
    row.update({f"demand_{dim.value}": 3 for dim in WorkDemand})
    row.update(changes)
    return Company.model_validate(row)


def network(*students: Student, companies: tuple[Company, ...] = ()) -> Network:
    return Network(students=students or (student(),), companies=companies or (company(),))
