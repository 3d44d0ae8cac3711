"""The praktikbrief as a PDF a company can open, print and sign: it can serve as the praktikaftale.

It holds exactly the brief's sections (``features.consent.company_brief`` via
``privacy.brief_for``: only what the student consented to share), the categories withheld, and
room for dates, contact persons and signatures. The text is drawn with the PDF core font
(Latin-1, so æ, ø and å print as they are); a character outside Latin-1 is replaced, never dropped
silently into a broken file.
"""

from __future__ import annotations

from datetime import date

from features.consent import CompanyBrief
from features.geography import SITES_BY_ID

_REPLACEMENTS = str.maketrans(
    {"–": "-", "—": "-", "→": "->", "’": "'", "“": '"', "”": '"', "…": "...", "•": "-"}
)


def _latin1(text: str) -> str:
    return text.translate(_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


def brief_pdf_bytes(brief: CompanyBrief, company_id: str, *, today: date | None = None) -> bytes:
    """The brief as a one- or two-page A4 PDF, with the agreement's fields to fill in and sign."""
    from fpdf import FPDF  # imported only when a brief is written

    today = today or date.today()
    site = SITES_BY_ID.get(brief.stu_site)
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(f"Praktikbrief {brief.student_id} - {brief.company_name}"))
    pdf.set_author("STU-praktikmatch")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, size: int = 11, style: str = "", gap: float = 1.5) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, size * 0.5, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    line("Praktikbrief og praktikaftale", 18, "B", 3)
    line(f"Til {brief.company_name} ({company_id})", 12, "B")
    line(
        f"Om eleven {brief.student_id} fra {site.name if site else brief.stu_site}. Dato: {today:%d.%m.%Y}.",
        gap=4,
    )
    for section in brief.sections:
        line(section.title, 13, "B", 1)
        for text in section.lines:
            line(f"- {text}")
        pdf.ln(2)
    if brief.withheld:
        line(
            "Eleven har ikke givet samtykke til at dele: " + ", ".join(brief.withheld).lower() + ". "
            "Spørg jobkonsulenten, hvis I har brug for at vide mere.",
            10,
            "I",
            4,
        )
    line("Aftale om praktikken", 13, "B", 2)
    fields = (
        "Startdato",
        "Slutdato",
        "Timer om ugen og arbejdstider",
        "Arbejdsopgaver",
        "Kontaktperson i virksomheden (navn og telefon)",
        "Mentor i virksomheden",
        "Jobkonsulent på STU-stedet (navn og telefon)",
        "Særlige aftaler",
    )
    pdf.set_font("Helvetica", "", 11)
    for name in fields:
        pdf.cell(70, 9, _latin1(f"{name}:"))
        pdf.cell(width - 70, 9, "", border="B", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    line("Underskrifter", 13, "B", 4)
    column = width / 3
    for _ in range(2):  # date line, then signature line
        for _ in range(3):
            pdf.cell(column - 6, 10, "", border="B")
            pdf.cell(6, 10, "")
        pdf.ln(12)
    pdf.set_font("Helvetica", "", 9)
    for who in ("Virksomheden", "Eleven", "STU-stedet"):
        pdf.cell(column, 5, _latin1(f"{who}: dato og underskrift"))
    pdf.ln(8)
    return bytes(pdf.output())
