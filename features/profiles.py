"""Validated profiles of students, companies and past placements (pydantic v2).

Both sides are described on the same work-demand dimensions (``WorkDemand``):
``ability_<dimension>`` for a student, ``demand_<dimension>`` for a company,
each 1..5, so that a scorer can lay the two profiles over each other.
"""

from __future__ import annotations

import difflib
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from features.cells import (
    enum_cell,
    enum_level_cell,
    enum_list_cell,
    parse_bool,
    parse_date,
    parse_decimal,
)
from features.cpr import CPR_MESSAGE, looks_like_cpr, masked
from features.errors import profile_error
from features.geography import DENMARK_LAT, DENMARK_LON, MUNICIPALITIES
from features.vocabulary import (
    Gender,
    Impairment,
    Industry,
    Level,
    Outcome,
    ShareCategory,
    StressReaction,
    SupportLevel,
    TaskVariety,
    TransportMode,
    Weekday,
    WorkDemand,
)

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"

Bool = Annotated[bool, BeforeValidator(parse_bool)]
Rating = Annotated[int, Field(ge=1, le=5)]
Hours = Annotated[int, Field(ge=1, le=45)]
# The range applies to a number; None (not given) is allowed as such, from a file or from code.
Latitude = Annotated[
    Annotated[float, Field(ge=DENMARK_LAT[0], le=DENMARK_LAT[1])] | None, BeforeValidator(parse_decimal)
]
Longitude = Annotated[
    Annotated[float, Field(ge=DENMARK_LON[0], le=DENMARK_LON[1])] | None, BeforeValidator(parse_decimal)
]
Identifier = Annotated[str, Field(pattern=ID_PATTERN)]


def _pseudonym(student_id: str) -> str:
    """A student ID that looks like a CPR number is refused; the error shows it masked."""
    if looks_like_cpr(student_id):
        raise profile_error(*CPR_MESSAGE, value=masked(student_id))
    return student_id


StudentIdentifier = Annotated[str, Field(pattern=ID_PATTERN), AfterValidator(_pseudonym)]

_MUNICIPALITY_ALIASES = {"århus": "Aarhus", "copenhagen": "København", "kobenhavn": "København"}


def _parse_municipality(raw: Any) -> str:
    text = str(raw).strip()
    for name in MUNICIPALITIES:
        if name.casefold() == text.casefold():
            return name
    if text.casefold() in _MUNICIPALITY_ALIASES:
        return _MUNICIPALITY_ALIASES[text.casefold()]
    close = difflib.get_close_matches(text, list(MUNICIPALITIES), n=3)
    hint = f" Closest: {', '.join(close)}." if close else ""
    hint_da = f" Nærmeste: {', '.join(close)}." if close else ""
    raise profile_error(
        f"'{text}' is not a Danish municipality.{hint} Allowed: the 98 municipalities in docs/data-format.md",
        f"'{text}' er ikke en dansk kommune.{hint_da} Tilladt: de 98 kommuner i docs/data-format.md",
    )


MunicipalityName = Annotated[str, BeforeValidator(_parse_municipality)]


class _Profile(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, use_enum_values=False)

    @model_validator(mode="before")
    @classmethod
    def _empty_cells_are_missing(cls, data: Any) -> Any:
        """An empty spreadsheet cell means 'not given': the default applies, or 'missing'."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and v.strip() == "")}
        return data


class Student(_Profile):
    """A third-year STU student, identified only by a pseudonymous ID."""

    student_id: StudentIdentifier
    gender: Annotated[Gender, BeforeValidator(enum_cell(Gender, "gender", "køn"))]
    age: Annotated[int, Field(ge=15, le=30)]
    stu_site: Identifier
    home_municipality: MunicipalityName
    home_lat: Latitude = None
    home_lon: Longitude = None
    transport_mode: Annotated[
        TransportMode, BeforeValidator(enum_cell(TransportMode, "transport mode", "transportform"))
    ]
    max_travel_minutes: Annotated[int, Field(ge=5, le=180)]
    impairments: Annotated[
        dict[Impairment, SupportLevel],
        BeforeValidator(enum_level_cell(Impairment, SupportLevel, "impairment", "funktionsnedsættelse")),
        Field(min_length=1),
    ]
    stress_reactions: Annotated[
        dict[StressReaction, SupportLevel],
        BeforeValidator(
            enum_level_cell(StressReaction, SupportLevel, "stress reaction", "belastningsreaktion")
        ),
    ] = Field(default_factory=dict)
    interests: Annotated[
        list[Industry],
        BeforeValidator(enum_list_cell(Industry, "industry", "branche")),
        Field(min_length=1),
    ]
    single_industry_only: Bool = False
    max_task_complexity: Annotated[int, Field(ge=1, le=5)]
    min_hours_per_week: Hours
    max_hours_per_week: Hours
    daytime_only: Bool = True
    needs_routine: Bool = False
    needs_shielded_workstation: Bool = False
    needs_mentor: Bool = False
    needs_wheelchair_access: Bool = False
    consent_share: Annotated[
        list[ShareCategory],
        BeforeValidator(enum_list_cell(ShareCategory, "share category", "delingskategori")),
    ] = Field(default_factory=list)
    stu_end: Annotated[date | None, BeforeValidator(parse_date)] = None
    ability_attention: Rating
    ability_adapting_to_change: Rating
    ability_social_contact: Rating
    ability_teamwork: Rating
    ability_pace: Rating
    ability_stamina: Rating
    ability_independence: Rating
    ability_basic_skills: Rating
    ability_fine_motor: Rating
    ability_physical_strength: Rating
    ability_noise_tolerance: Rating

    @model_validator(mode="after")
    def _check_and_complete(self) -> Student:
        if self.min_hours_per_week > self.max_hours_per_week:
            raise profile_error(
                f"min_hours_per_week ({self.min_hours_per_week}) is above "
                f"max_hours_per_week ({self.max_hours_per_week}); min must be at most max",
                f"min_hours_per_week ({self.min_hours_per_week}) er over "
                f"max_hours_per_week ({self.max_hours_per_week}); min skal være højst max",
                column="min_hours_per_week",
            )
        _complete_coordinates(self, "home_lat", "home_lon", self.home_municipality)
        return self

    @property
    def abilities(self) -> dict[WorkDemand, int]:
        return {dim: getattr(self, f"ability_{dim.value}") for dim in WorkDemand}

    @property
    def highest_support_level(self) -> SupportLevel:
        levels = [*self.impairments.values(), *self.stress_reactions.values()]
        return max(levels, key=lambda level: level.rank, default=SupportLevel.NONE)


class Company(_Profile):
    """A workplace in the company network that offers internship slots."""

    company_id: Identifier
    name: Annotated[str, Field(min_length=1, max_length=120)]
    industry: Annotated[Industry, BeforeValidator(enum_cell(Industry, "industry", "branche"))]
    municipality: MunicipalityName
    lat: Latitude = None
    lon: Longitude = None
    capacity: Annotated[int, Field(ge=0, le=100)]
    mentor_capacity: Annotated[int, Field(ge=0, le=400)]  # mentor hours per week for all its students
    mentor_trained: Bool = False
    complexity_min: Annotated[int, Field(ge=1, le=5)]
    complexity_max: Annotated[int, Field(ge=1, le=5)]
    task_variety: Annotated[
        TaskVariety, BeforeValidator(enum_cell(TaskVariety, "task variety", "opgavetype"))
    ]
    shielded_workstation: Bool = False
    team_work: Bool = True
    min_hours_per_week: Hours
    max_hours_per_week: Hours
    weekdays: Annotated[
        list[Weekday],
        BeforeValidator(enum_list_cell(Weekday, "weekday", "ugedag")),
        Field(min_length=1),
    ] = Field(default_factory=lambda: [Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI])
    daytime_possible: Bool = True
    noise: Annotated[Level, BeforeValidator(enum_cell(Level, "level", "niveau"))]
    pace: Annotated[Level, BeforeValidator(enum_cell(Level, "level", "niveau"))]
    customer_contact: Annotated[Level, BeforeValidator(enum_cell(Level, "level", "niveau"))]
    physical_demands: Annotated[Level, BeforeValidator(enum_cell(Level, "level", "niveau"))]
    wheelchair_accessible: Bool = False
    flexible_management: Bool = False
    demand_attention: Rating
    demand_adapting_to_change: Rating
    demand_social_contact: Rating
    demand_teamwork: Rating
    demand_pace: Rating
    demand_stamina: Rating
    demand_independence: Rating
    demand_basic_skills: Rating
    demand_fine_motor: Rating
    demand_physical_strength: Rating
    demand_noise_tolerance: Rating

    @model_validator(mode="after")
    def _check_and_complete(self) -> Company:
        if self.complexity_min > self.complexity_max:
            raise profile_error(
                f"complexity_min ({self.complexity_min}) is above complexity_max "
                f"({self.complexity_max}); min must be at most max",
                f"complexity_min ({self.complexity_min}) er over complexity_max "
                f"({self.complexity_max}); min skal være højst max",
                column="complexity_min",
            )
        if self.min_hours_per_week > self.max_hours_per_week:
            raise profile_error(
                f"min_hours_per_week ({self.min_hours_per_week}) is above "
                f"max_hours_per_week ({self.max_hours_per_week}); min must be at most max",
                f"min_hours_per_week ({self.min_hours_per_week}) er over "
                f"max_hours_per_week ({self.max_hours_per_week}); min skal være højst max",
                column="min_hours_per_week",
            )
        _complete_coordinates(self, "lat", "lon", self.municipality)
        return self

    @property
    def demands(self) -> dict[WorkDemand, int]:
        return {dim: getattr(self, f"demand_{dim.value}") for dim in WorkDemand}


class Placement(_Profile):
    """A past internship placement and what it led to 12 months after STU."""

    student_id: StudentIdentifier
    company_id: Identifier
    year: Annotated[int, Field(ge=2000, le=2100)]
    outcome: Annotated[Outcome, BeforeValidator(enum_cell(Outcome, "outcome", "udfald"))]


def _complete_coordinates(profile: BaseModel, lat_field: str, lon_field: str, municipality: str) -> None:
    """Fill missing coordinates from the municipality's main town; both or neither."""
    lat, lon = getattr(profile, lat_field), getattr(profile, lon_field)
    if (lat is None) != (lon is None):
        raise profile_error(
            f"give both {lat_field} and {lon_field}, or leave both empty to use the municipality's town",
            f"angiv både {lat_field} og {lon_field}, eller lad begge være tomme for at bruge kommunens by",
            column=lat_field,
        )
    if lat is None:
        town = MUNICIPALITIES[municipality]
        object.__setattr__(profile, lat_field, town.lat)
        object.__setattr__(profile, lon_field, town.lon)


STUDENT_COLUMNS: tuple[str, ...] = tuple(Student.model_fields)
COMPANY_COLUMNS: tuple[str, ...] = tuple(Company.model_fields)
PLACEMENT_COLUMNS: tuple[str, ...] = tuple(Placement.model_fields)

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "students": tuple(name for name, f in Student.model_fields.items() if f.is_required()),
    "companies": tuple(name for name, f in Company.model_fields.items() if f.is_required()),
    "history": tuple(name for name, f in Placement.model_fields.items() if f.is_required()),
}
