"""Every column of the data files in Danish: the header a Danish spreadsheet may use, and what it holds.

The loader accepts a Danish header (``Praktikpladser``) beside the English one (``capacity``), in
any case; an error names the column as the file does. The app's Data page and the Excel template
explain every column from this table (docs/data-format.md has the same in English).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from features.vocabulary import WORK_DEMAND_LABELS, WorkDemand


@dataclass(frozen=True)
class Column:
    name: str  # the English header (the file format's own)
    danish: str  # the Danish header accepted on import
    description: str  # what a consultant writes there, in Danish


def _ability_columns(prefix: str, danish_prefix: str, what: str) -> tuple[Column, ...]:
    return tuple(
        Column(f"{prefix}_{demand.value}", f"{danish_prefix}: {WORK_DEMAND_LABELS[demand]}", what)
        for demand in WorkDemand
    )


_STUDENT = (
    Column("student_id", "Elev-ID", "Pseudonymt ID, fx S0001. Aldrig navn eller CPR-nummer."),
    Column("gender", "Køn", "male, female eller other (mand, kvinde, andet)."),
    Column("age", "Alder", "Alder ved starten af praktikåret, 15-30."),
    Column("stu_site", "STU-sted", "STU-stedets ID, fx castberggaard."),
    Column("home_municipality", "Bopælskommune", "Kommunen, eleven bor i."),
    Column("home_lat", "Bopæl, breddegrad", "Valgfri; tom: kommunens hovedby bruges."),
    Column("home_lon", "Bopæl, længdegrad", "Valgfri; gives sammen med breddegraden."),
    Column(
        "transport_mode",
        "Transportform",
        "walk, bike, public_transport, driven eller car (gå, cykel, bus og tog, bliver kørt, bil).",
    ),
    Column(
        "max_travel_minutes",
        "Maks. transporttid (min)",
        "Den længste tur hver vej, eleven kan klare, i minutter.",
    ),
    Column("impairments", "Funktionsnedsættelser", "Liste med støtteniveau: autism:some|anxiety:little."),
    Column("stress_reactions", "Stressreaktioner", "Liste med støtteniveau, som funktionsnedsættelserne."),
    Column(
        "interests",
        "Interesser",
        "Brancher i elevens rækkefølge, første ønske først: retail|warehouse_logistics.",
    ),
    Column("single_industry_only", "Kun første branche", "ja/nej: eleven vil kun i sin første branche."),
    Column(
        "max_task_complexity",
        "Opgavernes sværhedsgrad (maks.)",
        "1 (meget enkle opgaver) til 5 (meget komplekse).",
    ),
    Column("min_hours_per_week", "Timer om ugen, mindst", "Færrest timer om ugen, eleven skal have."),
    Column("max_hours_per_week", "Timer om ugen, højst", "Flest timer om ugen, eleven kan klare."),
    Column("daytime_only", "Kun dagtimer", "ja/nej."),
    Column("needs_routine", "Brug for faste rutiner", "ja/nej."),
    Column("needs_shielded_workstation", "Brug for skærmet arbejdsplads", "ja/nej."),
    Column("needs_mentor", "Brug for mentor", "ja/nej."),
    Column("needs_wheelchair_access", "Brug for kørestolsadgang", "ja/nej."),
    Column(
        "consent_share",
        "Samtykke til deling",
        "Hvad eleven har sagt ja til at dele med virksomheden: interests|needs|…",
    ),
    Column("stu_end", "STU slutter", "Valgfri dato, fx 31.07.2027; tom: 31. juli i praktikåret."),
    *_ability_columns("ability", "Evne", "Elevens evne 1 (lav) til 5 (høj)."),
)

_COMPANY = (
    Column("company_id", "Virksomheds-ID", "ID, fx C0001."),
    Column("name", "Navn", "Virksomhedens navn."),
    Column("industry", "Branche", "En af de 15 brancher, fx warehouse_logistics eller Lager og logistik."),
    Column("municipality", "Kommune", "Kommunen, arbejdspladsen ligger i."),
    Column("lat", "Breddegrad", "Valgfri; tom: kommunens hovedby bruges."),
    Column("lon", "Længdegrad", "Valgfri; gives sammen med breddegraden."),
    Column("capacity", "Praktikpladser", "Antal praktikanter, virksomheden kan tage, 0-50."),
    Column(
        "mentor_capacity",
        "Mentortimer om ugen",
        "Mentortimer om ugen, virksomheden kan give alle sine praktikanter tilsammen.",
    ),
    Column(
        "mentor_trained", "Mentor med kursus i målgruppen", "ja/nej: mentoren har fx et kursus om autisme."
    ),
    Column(
        "complexity_min", "Opgavernes sværhedsgrad, mindst", "1-5: de enkleste opgaver, virksomheden har."
    ),
    Column("complexity_max", "Opgavernes sværhedsgrad, højst", "1-5: de mest komplekse opgaver."),
    Column(
        "task_variety",
        "Opgavernes variation",
        "routine, varied eller both (faste, varierede eller begge dele).",
    ),
    Column("shielded_workstation", "Skærmet arbejdsplads", "ja/nej."),
    Column("team_work", "Arbejde i team", "ja/nej."),
    Column("min_hours_per_week", "Timer om ugen, mindst", "Færrest timer om ugen, en praktik kan have."),
    Column("max_hours_per_week", "Timer om ugen, højst", "Flest timer om ugen."),
    Column("weekdays", "Arbejdsdage", "Liste: mon|tue|wed|thu|fri (man-fre)."),
    Column("daytime_possible", "Dagtimer mulige", "ja/nej."),
    Column("noise", "Støj", "low, medium eller high (lidt, en del, meget)."),
    Column("pace", "Tempo", "low, medium eller high."),
    Column("customer_contact", "Kundekontakt", "low, medium eller high."),
    Column("physical_demands", "Fysiske krav", "low, medium eller high."),
    Column("wheelchair_accessible", "Kørestolsvenlig", "ja/nej."),
    Column("flexible_management", "Fleksibel ledelse", "ja/nej: en leder, der er til stede og kan tilpasse."),
    *_ability_columns("demand", "Krav", "Hvad arbejdet kræver, 1 (lidt) til 5 (meget)."),
)

_HISTORY = (
    Column("student_id", "Elev-ID", "En nuværende eller tidligere elev."),
    Column("company_id", "Virksomheds-ID", "Virksomheden; den må have forladt netværket."),
    Column("year", "År", "Året, praktikken startede."),
    Column(
        "outcome",
        "Udfald",
        "job, flexjob, wage_subsidy, small_job, education, in_progress eller public_support.",
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "students": _STUDENT,
    "companies": _COMPANY,
    "history": _HISTORY,
    "alumni": _STUDENT,
}
"""Every column of every table, in file order."""


def _key(header: str) -> str:
    return " ".join(str(header).replace("_", " ").split()).casefold()


def english_headers(table: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The frame with Danish headers renamed to the English ones, and English -> the name to give the user.

    A header that is already English, or unknown (an extra column), is kept as it is. For a file
    with any Danish header, every column is named in Danish in messages (as in the file).
    """
    by_danish = {_key(c.danish): c.name for c in COLUMNS.get(table, ())}
    renamed: dict[str, str] = {}
    for header in frame.columns:
        english = by_danish.get(_key(header))
        if english is not None and english not in frame.columns:
            renamed[str(header)] = english
    if not renamed:
        return frame, {}
    # A file with Danish headers hears of its columns in Danish, a missing one included.
    as_in_file = {c.name: c.danish for c in COLUMNS.get(table, ())}
    as_in_file.update({english: danish for danish, english in renamed.items()})
    return frame.rename(columns=renamed), as_in_file


def guide_table(table: str) -> pd.DataFrame:
    """The columns of one table as a Danish table: header, the file format's name, what it holds."""
    return pd.DataFrame(
        [{"Kolonne": c.danish, "Filformatets navn": c.name, "Hvad": c.description} for c in COLUMNS[table]]
    )


def template_workbook_bytes() -> bytes:
    """An Excel template: one sheet per table with the Danish headers, and a sheet explaining every column."""
    from features.safe_files import safe_workbook_bytes

    sheets = {table: pd.DataFrame(columns=[c.danish for c in COLUMNS[table]]) for table in COLUMNS}
    guide = pd.concat([guide_table(table).assign(Ark=table) for table in COLUMNS], ignore_index=True)[
        ["Ark", "Kolonne", "Filformatets navn", "Hvad"]
    ]
    return safe_workbook_bytes({**sheets, "Forklaring": guide})
