"""A validated company network: the cohort, the companies, and past placements."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
from pydantic import BaseModel

from features.cells import format_cell
from features.profiles import Company, Placement, Student


class NetworkSummary(BaseModel):
    """The headline figures of a network, as ``stu-match validate --json`` prints them."""

    students: int
    companies: int
    industries: int
    stu_sites: int
    municipalities: int
    company_municipalities: int
    internship_slots: int
    mentor_capacity: int
    men: int
    women: int
    aged_19_20: int
    mean_impairments: float
    mean_stress_reactions: float
    most_common_impairment_groups: list[str]
    most_common_stress_reactions: list[str]
    history_placements: int
    alumni: int


@dataclass(frozen=True, eq=False)
class Network:
    """Students of the current cohort, the companies, and optional history.

    ``alumni`` are former students whose placements are in ``history``; they
    are not part of the cohort to place.
    """

    students: tuple[Student, ...]
    companies: tuple[Company, ...]
    history: tuple[Placement, ...] = ()
    alumni: tuple[Student, ...] = ()
    source: str = field(default="")

    @cached_property
    def student_position(self) -> dict[str, int]:
        return {s.student_id: i for i, s in enumerate(self.students)}

    @cached_property
    def company_position(self) -> dict[str, int]:
        return {c.company_id: i for i, c in enumerate(self.companies)}

    def student(self, student_id: str) -> Student:
        return self.students[self.student_position[student_id]]

    def company(self, company_id: str) -> Company:
        return self.companies[self.company_position[company_id]]

    def summary(self) -> NetworkSummary:
        from features.vocabulary import IMPAIRMENT_GROUPS

        n = max(len(self.students), 1)
        group_counts: Counter[str] = Counter()
        stress_counts: Counter[str] = Counter()
        for s in self.students:
            group_counts.update({IMPAIRMENT_GROUPS[i].value for i in s.impairments})
            stress_counts.update(r.value for r in s.stress_reactions)
        return NetworkSummary(
            students=len(self.students),
            companies=len(self.companies),
            industries=len({c.industry for c in self.companies}),
            stu_sites=len({s.stu_site for s in self.students}),
            municipalities=len({s.home_municipality for s in self.students}),
            company_municipalities=len({c.municipality for c in self.companies}),
            internship_slots=sum(c.capacity for c in self.companies),
            mentor_capacity=sum(c.mentor_capacity for c in self.companies),
            men=sum(s.gender == "male" for s in self.students),
            women=sum(s.gender == "female" for s in self.students),
            aged_19_20=sum(19 <= s.age <= 20 for s in self.students),
            mean_impairments=round(sum(len(s.impairments) for s in self.students) / n, 2),
            mean_stress_reactions=round(sum(len(s.stress_reactions) for s in self.students) / n, 2),
            most_common_impairment_groups=[g for g, _ in group_counts.most_common(2)],
            most_common_stress_reactions=[r for r, _ in stress_counts.most_common(4)],
            history_placements=len(self.history),
            alumni=len(self.alumni),
        )

    def frames(self) -> dict[str, pd.DataFrame]:
        """The network as tables in the file format (one per sheet/file)."""
        tables = {
            "students": profiles_frame(self.students, Student),
            "companies": profiles_frame(self.companies, Company),
        }
        if self.history:
            tables["history"] = profiles_frame(self.history, Placement)
        if self.alumni:
            tables["alumni"] = profiles_frame(self.alumni, Student)
        return tables


def profiles_frame(profiles: tuple[BaseModel, ...] | list[BaseModel], model: type[BaseModel]) -> pd.DataFrame:
    columns = list(model.model_fields)
    rows = [{name: format_cell(getattr(p, name)) for name in columns} for p in profiles]
    return pd.DataFrame(rows, columns=columns, dtype=str)


def profile_row(profile: BaseModel) -> dict[str, str]:
    """One profile as a file row (column name to cell text)."""
    return {name: format_cell(getattr(profile, name)) for name in type(profile).model_fields}
