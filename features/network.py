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

    @cached_property
    def usable_history(self) -> tuple[Placement, ...]:
        """History rows whose student (a current student or an alumnus) and company are in the files.

        History outlives the network: a row may name a company that has left or a former student
        whose profile is not in ``alumni.csv``. Such rows load (see ``unmatched_history``) but
        cannot be turned into features, so the learned model does not use them.
        """
        people = {s.student_id for s in self.students} | {a.student_id for a in self.alumni}
        return tuple(
            p for p in self.history if p.student_id in people and p.company_id in self.company_position
        )

    def unmatched_history(self) -> tuple[list[str], list[str]]:
        """(students, companies) named in history but not in the files, sorted."""
        people = {s.student_id for s in self.students} | {a.student_id for a in self.alumni}
        students = sorted({p.student_id for p in self.history if p.student_id not in people})
        companies = sorted({p.company_id for p in self.history if p.company_id not in self.company_position})
        return students, companies

    def history_note(self) -> tuple[str, str] | None:
        """An English and a Danish note on history rows the model cannot use; None when every row is usable."""
        unused = len(self.history) - len(self.usable_history)
        if not unused:
            return None
        students, companies = self.unmatched_history()

        def listed(ids: list[str]) -> str:
            return ", ".join(ids[:8]) + (" …" if len(ids) > 8 else "")

        en, da = [], []
        if companies:
            en.append(
                f"{len(companies)} compan{'y' if len(companies) == 1 else 'ies'} no longer in companies.csv ({listed(companies)})"
            )
            da.append(
                f"{len(companies)} virksomhed{'' if len(companies) == 1 else 'er'}, der ikke længere er i companies.csv ({listed(companies)})"
            )
        if students:
            en.append(f"{len(students)} former student(s) not in alumni.csv ({listed(students)})")
            da.append(
                f"{len(students)} tidligere elev{'' if len(students) == 1 else 'er'}, der ikke er i alumni.csv ({listed(students)})"
            )
        return (
            f"{unused} history row(s) name " + " and ".join(en) + "; they are kept, but the learned model "
            "cannot use them without the profiles.",
            f"{unused} rækker i historikken nævner " + " og ".join(da) + ". De er gemt, men den lærte model "
            "kan ikke bruge dem uden profilerne.",
        )

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
