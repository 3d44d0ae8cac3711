"""``stu-match outcomes import|export``: a whole file or nothing, the same rows once, exit 2 with file, row, column, value."""

from __future__ import annotations

from pathlib import Path

import pytest

from features.loading import BUILTIN_DATA_DIR
from placement_service import DecisionStore
from stu_match.cli import main


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "app.sqlite3"
    monkeypatch.setenv("STU_MATCH_DB", str(path))
    return path


def test_outcomes_are_imported_once_and_exported_for_reimport(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "udfald.csv"
    file.write_text(
        "student_id,company_id,year,outcome,measured,hours_per_week\n"
        "S0001,C0001,2027,flexjob,12_months,16\n"
        "A0001,C0002,2026,small_job,,\n",
        encoding="utf-8",
    )
    assert main(["outcomes", "import", str(file), "--data", str(BUILTIN_DATA_DIR)]) == 0
    assert "2 nye udfald gemt" in capsys.readouterr().out
    assert main(["outcomes", "import", str(file)]) == 0
    assert "0 nye udfald gemt, 2 fandtes i forvejen" in capsys.readouterr().out
    out = tmp_path / "ud.csv"
    assert main(["outcomes", "export", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "student_id,company_id,year,outcome,measured,hours_per_week"
    assert "S0001,C0001,2027,flexjob,12_months,16" in text
    assert len(DecisionStore(database).outcomes("builtin")) == 2


def test_a_bad_row_refuses_the_whole_file_with_exit_2(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "udfald.csv"
    file.write_text(
        "student_id,company_id,year,outcome\nS0001,C0001,2027,job\nS0002,C0001,2027,lottery\nS9999,C0001,2027,job\n",
        encoding="utf-8",
    )
    assert main(["outcomes", "import", str(file), "--data", str(BUILTIN_DATA_DIR)]) == 2
    err = capsys.readouterr().err
    assert "udfald.csv, row 3, column 'outcome'" in err and "lottery" in err
    assert "udfald.csv, row 4, column 'student_id'" in err and "Traceback" not in err
    assert DecisionStore(database).outcomes("builtin") == []
