"""Danish display helpers shared by the pages (formatting only, no logic)."""

from __future__ import annotations

from pathlib import PurePath

from features import danish
from features.geography import SITES_BY_ID
from features.profiles import Student
from features.vocabulary import TRANSPORT_MODE_LABELS
from placement_service.clock import danish_time


def number(value: float, decimals: int = 1) -> str:
    return danish.number(value, decimals)


def out_of(part: int, whole: int) -> str:
    """'1.685 af 1.700': a count of a whole, the Danish way."""
    return f"{number(part, 0)} af {number(whole, 0)}"


def site_name(site_id: str) -> str:
    site = SITES_BY_ID.get(site_id)
    return site.name if site else site_id


def student_option(student: Student) -> str:
    return f"{student.student_id} · {site_name(student.stu_site)} · {student.home_municipality}"


def travel(student: Student) -> str:
    return f"{TRANSPORT_MODE_LABELS[student.transport_mode]}, højst {student.max_travel_minutes} min"


def days_text(days: int) -> str:
    """Days until a due date in words: 'om 5 dage', 'i dag', '3 dage over tid'."""
    if days == 0:
        return "i dag"
    count = abs(days)
    unit = "dag" if count == 1 else "dage"
    return f"om {count} {unit}" if days > 0 else f"{count} {unit} over tid"


def upload_name(file_names: list[str], at: str) -> str:
    """The name an upload is offered: an Excel file's own name; for CSV files, which are named after their
    tables (students.csv, …), 'Eget netværk' and when (``at``, a stored timestamp)."""
    if len(file_names) == 1 and PurePath(file_names[0]).suffix.lower() == ".xlsx":
        return PurePath(file_names[0]).stem
    return f"Eget netværk, {danish_time(at)}"
