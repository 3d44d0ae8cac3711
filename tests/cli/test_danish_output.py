"""The command line's human-readable output is Danish, with Danish numbers; JSON stays as it is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from features.loading import BUILTIN_DATA_DIR
from stu_match.cli import main

ENGLISH = re.compile(
    r"\b(placed|students|companies|wrote|unplaced|valid|error|eligible|pairs|ranking|history|total score|moves)\b",
    re.IGNORECASE,
)
DECIMAL_POINT = re.compile(
    r"\b\d+\.\d{1,2}\b"
)  # 9660.11, 0.5: a decimal point (a thousands point has 3 digits)


def output_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ("validate", "--data", str(BUILTIN_DATA_DIR)),
        ("assign", "--data", str(BUILTIN_DATA_DIR), "--rule-only"),
        ("gaps", "--data", str(BUILTIN_DATA_DIR), "--rule-only", "--top", "2"),
        ("evaluate", "--data", str(BUILTIN_DATA_DIR), "--no-ground-truth"),
        ("shortlist", "--data", str(BUILTIN_DATA_DIR), "--student", "S0001", "--rule-only"),
    ],
    ids=lambda argv: argv[0],
)
def test_human_readable_output_is_danish(
    argv: tuple[str, ...], capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STU_MATCH_DB", str(tmp_path / "app.sqlite3"))
    out = output_of(capsys, *argv)
    text = re.sub(r"\([a-z_]+\)", "", out)  # rule codes in brackets are for looking up in the docs
    assert not ENGLISH.findall(text), ENGLISH.findall(text)
    assert not DECIMAL_POINT.findall(text), DECIMAL_POINT.findall(text)


def test_generate_and_pairs_say_what_they_wrote_in_danish(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = output_of(
        capsys, "generate", "--out", str(tmp_path / "net"), "--students", "30", "--companies", "40"
    )
    assert out.startswith("Skrev 30 elever, 40 virksomheder")
    out = output_of(
        capsys, "pairs", "--data", str(tmp_path / "net"), "--out", str(tmp_path / "p.csv"), "--rule-only"
    )
    assert "egnede par af 30 elever x 40 virksomheder" in out and "maskinformat" in out


def test_bad_input_is_explained_in_danish_then_english(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    locks = tmp_path / "låse.csv"
    locks.write_text("student_id,company_id\nS9,C0001\n", encoding="utf-8")
    assert main(["assign", "--data", str(BUILTIN_DATA_DIR), "--locks", str(locks), "--rule-only"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("fejl: 1 problem i data:\nlåse.csv, række 2, kolonne 'student_id': ukendt elev-ID")
    assert "(in English: " in err and "row 2, column 'student_id'" in err
