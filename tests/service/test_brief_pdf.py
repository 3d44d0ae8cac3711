"""The praktikbrief as PDF: exactly what the student consented to share, room to sign; ``stu-match brief``."""

from __future__ import annotations

import io
import itertools
from datetime import date
from pathlib import Path

import pypdf
import pytest

from features.loading import BUILTIN_DATA_DIR
from features.network import Network
from features.vocabulary import IMPAIRMENT_LABELS, STRESS_REACTION_LABELS, ShareCategory
from placement_service import DecisionStore
from placement_service.brief_pdf import brief_pdf_bytes
from placement_service.privacy import brief_for, give_consent
from stu_match.cli import main
from tests.service.test_privacy import consultant_of


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def health_words(network: Network, student_id: str) -> dict[ShareCategory, list[str]]:
    student = network.student(student_id)
    return {
        ShareCategory.IMPAIRMENTS: [IMPAIRMENT_LABELS[i] for i in student.impairments],
        ShareCategory.STRESS_REACTIONS: [STRESS_REACTION_LABELS[r] for r in student.stress_reactions],
    }


@pytest.mark.parametrize(
    "scope",
    [set(), {ShareCategory.INTERESTS}, {ShareCategory.IMPAIRMENTS}, set(ShareCategory)]
    + [set(p) for p in itertools.combinations([ShareCategory.STRESS_REACTIONS, ShareCategory.SUPPORT], 1)],
    ids=lambda scope: "+".join(sorted(c.value for c in scope)) or "nothing",
)
def test_the_pdf_holds_no_detail_the_student_did_not_consent_to_share(
    tmp_path: Path, builtin_network: Network, scope: set[ShareCategory]
) -> None:
    store = DecisionStore(tmp_path / "store.sqlite3")
    student = next(s for s in builtin_network.students if s.impairments and s.stress_reactions)
    actor = consultant_of(builtin_network, student.student_id)
    give_consent(store, "builtin", builtin_network, student.student_id, scope, date(2026, 9, 1), actor)
    company = builtin_network.companies[0]
    brief = brief_for(
        store, "builtin", builtin_network, student.student_id, company.company_id, actor, builtin=True
    )
    text = pdf_text(brief_pdf_bytes(brief, company.company_id, today=date(2026, 12, 1)))
    assert text.startswith("Praktikbrief og praktikaftale") and "01.12.2026" in text
    assert company.name in text and student.student_id in text
    for category, words in health_words(builtin_network, student.student_id).items():
        first_section = text.split("Eleven har ikke givet samtykke")[0]
        for word in words:
            assert (word in first_section) == (category in scope), (category, word)
    assert ("Mentortimer" in text or "mentortimer om ugen" in text) == (
        ShareCategory.SUPPORT in scope and student.needs_mentor
    )
    for field in (
        "Startdato:",
        "Kontaktperson i virksomheden",
        "Underskrifter",
        "Eleven: dato og underskrift",
    ):
        assert field in text


def test_stu_match_brief_writes_the_pdf_for_the_students_place_in_a_fresh_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STU_MATCH_DB", str(tmp_path / "none.sqlite3"))
    out = tmp_path / "brief.pdf"
    assert main(["brief", "--data", str(BUILTIN_DATA_DIR), "--student", "S0001", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    company = printed.split(" hos ")[1].split(" ")[0]
    assert out.read_bytes().startswith(b"%PDF") and company in pdf_text(out.read_bytes())
    assert not (tmp_path / "none.sqlite3").exists()  # no database is created for a brief
    assert (
        main(
            [
                "brief",
                "--data",
                str(BUILTIN_DATA_DIR),
                "--student",
                "S0001",
                "--company",
                "C0002",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "C0002" in pdf_text(out.read_bytes())  # --company chooses the company


def test_an_unplaced_student_without_company_gets_a_danish_message_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STU_MATCH_DB", str(tmp_path / "none.sqlite3"))
    unplaced = "S0004"  # no company in the network meets the hard rules for this student
    code = main(
        ["brief", "--data", str(BUILTIN_DATA_DIR), "--student", unplaced, "--out", str(tmp_path / "b.pdf")]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "har ingen plads i den godkendte plan eller i en ny plan" in err and "--company" in err
    assert not (tmp_path / "b.pdf").exists()
