"""Hypothesis strategies: small random valid networks, close enough together that travel sometimes fits."""

from __future__ import annotations

from hypothesis import strategies as st

from features.network import Network
from features.profiles import Company, Student
from features.vocabulary import (
    Impairment,
    Industry,
    Level,
    StressReaction,
    SupportLevel,
    TaskVariety,
    TransportMode,
    Weekday,
    WorkDemand,
)

# Around Aarhus: 0.3 degrees is about 33 km north-south and 19 km east-west.
LAT = (56.0, 56.3)
LON = (10.0, 10.3)

ratings = st.integers(1, 5)
levels = st.sampled_from(list(SupportLevel))


@st.composite
def hours(draw: st.DrawFn) -> tuple[int, int]:
    low = draw(st.integers(1, 40))
    return low, draw(st.integers(low, 45))


@st.composite
def students(draw: st.DrawFn, student_id: str) -> Student:
    low, high = draw(hours())
    interests = draw(st.lists(st.sampled_from(list(Industry)), min_size=1, max_size=4, unique=True))
    row = {
        "student_id": student_id,
        "gender": "female",
        "age": 20,
        "stu_site": "site1",
        "home_municipality": "Aarhus",
        "home_lat": draw(st.floats(*LAT)),
        "home_lon": draw(st.floats(*LON)),
        "transport_mode": draw(st.sampled_from(list(TransportMode))),
        "max_travel_minutes": draw(st.integers(5, 180)),
        "impairments": draw(
            st.dictionaries(st.sampled_from(list(Impairment)), levels, min_size=1, max_size=4)
        ),
        "stress_reactions": draw(st.dictionaries(st.sampled_from(list(StressReaction)), levels, max_size=7)),
        "interests": interests,
        "single_industry_only": draw(st.booleans()),
        "max_task_complexity": draw(st.integers(1, 5)),
        "min_hours_per_week": low,
        "max_hours_per_week": high,
        "daytime_only": draw(st.booleans()),
        "needs_routine": draw(st.booleans()),
        "needs_shielded_workstation": draw(st.booleans()),
        "needs_mentor": draw(st.booleans()),
        "needs_wheelchair_access": draw(st.booleans()),
    }
    for dim in WorkDemand:
        row[f"ability_{dim.value}"] = draw(ratings)
    return Student.model_validate(row)


@st.composite
def companies(draw: st.DrawFn, company_id: str) -> Company:
    low, high = draw(hours())
    cmin = draw(st.integers(1, 5))
    row = {
        "company_id": company_id,
        "name": f"Virksomhed {company_id}",
        "industry": draw(st.sampled_from(list(Industry))),
        "municipality": "Aarhus",
        "lat": draw(st.floats(*LAT)),
        "lon": draw(st.floats(*LON)),
        "capacity": draw(st.integers(0, 4)),
        "mentor_capacity": draw(st.integers(0, 6)),
        "mentor_trained": draw(st.booleans()),
        "complexity_min": cmin,
        "complexity_max": draw(st.integers(cmin, 5)),
        "task_variety": draw(st.sampled_from(list(TaskVariety))),
        "shielded_workstation": draw(st.booleans()),
        "team_work": draw(st.booleans()),
        "min_hours_per_week": low,
        "max_hours_per_week": high,
        "weekdays": draw(st.lists(st.sampled_from(list(Weekday)), min_size=1, unique=True)),
        "daytime_possible": draw(st.booleans()),
        "noise": draw(st.sampled_from(list(Level))),
        "pace": draw(st.sampled_from(list(Level))),
        "customer_contact": draw(st.sampled_from(list(Level))),
        "physical_demands": draw(st.sampled_from(list(Level))),
        "wheelchair_accessible": draw(st.booleans()),
        "flexible_management": draw(st.booleans()),
    }
    for dim in WorkDemand:
        row[f"demand_{dim.value}"] = draw(ratings)
    return Company.model_validate(row)


@st.composite
def networks(draw: st.DrawFn, max_students: int = 4, max_companies: int = 6) -> Network:
    n = draw(st.integers(1, max_students))
    m = draw(st.integers(1, max_companies))
    cohort = tuple(draw(students(f"S{i}")) for i in range(n))
    network = tuple(draw(companies(f"C{j}")) for j in range(m))
    return Network(students=cohort, companies=network)
