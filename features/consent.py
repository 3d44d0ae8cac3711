"""What a company may see about a student: only what the student consented to share.

The brief is built from consented profile fields alone, never from free text
that could carry more (such as a score's reasons), so a diagnosis can only
reach a company when the student ticked ``impairments``.
"""

from __future__ import annotations

from pydantic import BaseModel

from features.geography import SITES_BY_ID
from features.profiles import Company, Student
from features.safe_text import escape_markdown
from features.vocabulary import (
    COMPLEXITY_LABELS,
    IMPAIRMENT_LABELS,
    INDUSTRY_LABELS,
    STRESS_REACTION_LABELS,
    SUPPORT_LEVEL_LABELS,
    WORK_DEMAND_LABELS,
    ShareCategory,
    SupportLevel,
)


class BriefSection(BaseModel):
    title: str
    lines: list[str]


class CompanyBrief(BaseModel):
    """A one-page brief for the company about one placement, in Danish."""

    company_name: str
    student_id: str
    stu_site: str
    sections: list[BriefSection]
    withheld: list[str]  # Danish names of the categories the student did not consent to share


def company_brief(student: Student, company: Company) -> CompanyBrief:
    consented = set(student.consent_share)
    site = SITES_BY_ID.get(student.stu_site)
    hours = f"{student.min_hours_per_week}–{student.max_hours_per_week} timer om ugen"
    if student.daytime_only:
        hours += ", kun i dagtimerne"
    sections = [
        BriefSection(
            title="Praktikken",
            lines=[
                f"Arbejdstid: {hours}.",
                "STU-stedets jobkonsulent er kontaktperson og følger praktikken tæt med faste opfølgningsmøder.",
            ],
        )
    ]
    if ShareCategory.INTERESTS in consented:
        sections.append(
            BriefSection(
                title="Interesser",
                lines=[", ".join(INDUSTRY_LABELS[i] for i in student.interests) + "."],
            )
        )
    if ShareCategory.NEEDS in consented:
        needs = []
        if student.needs_routine:
            needs.append("Faste, afgrænsede opgaver og en forudsigelig dag.")
        if student.needs_shielded_workstation:
            needs.append("En skærmet arbejdsplads med ro omkring sig.")
        if student.needs_mentor:
            needs.append("En fast mentor på arbejdspladsen.")
        if student.needs_wheelchair_access:
            needs.append("Adgang for kørestol.")
        sections.append(
            BriefSection(title="Behov på arbejdspladsen", lines=needs or ["Ingen særlige behov."])
        )
    if ShareCategory.ABILITIES in consented:
        strengths = [WORK_DEMAND_LABELS[d] for d, v in student.abilities.items() if v >= 4]
        practice = [WORK_DEMAND_LABELS[d] for d, v in student.abilities.items() if v <= 2]
        lines = []
        if strengths:
            lines.append("Styrker: " + ", ".join(strengths) + ".")
        if practice:
            lines.append("Har brug for støtte til: " + ", ".join(practice) + ".")
        lines.append(f"Eleven kan klare: {COMPLEXITY_LABELS[student.max_task_complexity].lower()}.")
        sections.append(BriefSection(title="Styrker og forudsætninger", lines=lines))
    if ShareCategory.SUPPORT in consented:
        level = student.highest_support_level
        sections.append(
            BriefSection(
                title="Støttebehov",
                lines=[
                    f"Samlet støttebehov: {SUPPORT_LEVEL_LABELS[level].lower()}.",
                    "Mentorstøtte er aftalt." if student.needs_mentor else "Ingen fast mentor nødvendig.",
                ],
            )
        )
    if ShareCategory.STRESS_REACTIONS in consented and student.stress_reactions:
        sections.append(
            BriefSection(
                title="Det kan belaste",
                lines=[
                    f"{STRESS_REACTION_LABELS[r]} ({_support_phrase(level)})"
                    for r, level in student.stress_reactions.items()
                ],
            )
        )
    if ShareCategory.IMPAIRMENTS in consented:
        sections.append(
            BriefSection(
                title="Funktionsnedsættelser",
                lines=[
                    f"{IMPAIRMENT_LABELS[i]} ({_support_phrase(level)})"
                    for i, level in student.impairments.items()
                ],
            )
        )
    withheld = [_CATEGORY_TITLES[c] for c in ShareCategory if c not in consented]
    return CompanyBrief(
        company_name=company.name,
        student_id=student.student_id,
        stu_site=site.name if site else student.stu_site,
        sections=sections,
        withheld=withheld,
    )


def render_markdown(brief: CompanyBrief) -> str:
    """The brief as Markdown; text from the data files is escaped, so it shows as text and never renders."""
    lines = [
        f"# Praktikbrief til {escape_markdown(brief.company_name)}",
        "",
        f"**Elev:** {escape_markdown(brief.student_id)} (pseudonym) · "
        f"**STU-sted:** {escape_markdown(brief.stu_site)}",
        "",
    ]
    for section in brief.sections:
        lines += [f"## {section.title}", "", *[f"- {line}" for line in section.lines], ""]
    if brief.withheld:
        lines += [
            "_Eleven har ikke givet samtykke til at dele: " + ", ".join(brief.withheld).lower() + "._",
            "",
        ]
    return "\n".join(lines)


def _support_phrase(level: SupportLevel) -> str:
    return SUPPORT_LEVEL_LABELS[level].lower()


_CATEGORY_TITLES: dict[ShareCategory, str] = {
    ShareCategory.INTERESTS: "Interesser",
    ShareCategory.NEEDS: "Behov på arbejdspladsen",
    ShareCategory.ABILITIES: "Styrker og forudsætninger",
    ShareCategory.SUPPORT: "Støttebehov",
    ShareCategory.STRESS_REACTIONS: "Belastningsreaktioner",
    ShareCategory.IMPAIRMENTS: "Funktionsnedsættelser",
}
