"""The CLI's generate and validate commands, end to end through main()."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from stu_match.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_generate_then_validate_reports_the_pilot_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run_cli(capsys, "generate", "--out", str(tmp_path))
    assert code == 0
    code, out, _ = run_cli(capsys, "validate", "--data", str(tmp_path), "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["students"] == 140
    assert summary["companies"] == 220
    assert summary["industries"] == 15
    assert summary["stu_sites"] == 5
    assert summary["municipalities"] == 35
    assert summary["mean_impairments"] == pytest.approx(2.0, abs=0.15)
    assert summary["mean_stress_reactions"] == pytest.approx(5.0, abs=0.3)


def test_generate_to_a_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook = tmp_path / "net.xlsx"
    assert (
        run_cli(capsys, "generate", "--out", str(workbook), "--students", "20", "--companies", "30")[0] == 0
    )
    code, out, _ = run_cli(capsys, "validate", "--data", str(workbook), "--json")
    assert code == 0 and json.loads(out)["companies"] == 30


def test_validate_failure_lists_errors_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_cli(capsys, "generate", "--out", str(tmp_path), "--students", "10", "--companies", "10")
    companies = pd.read_csv(tmp_path / "companies.csv", dtype=str, keep_default_na=False)
    companies.loc[3, "capacity"] = "-4"
    companies.to_csv(tmp_path / "companies.csv", index=False)
    code, out, err = run_cli(capsys, "validate", "--data", str(tmp_path), "--json")
    assert code == 2
    errors = json.loads(out)["errors"]
    assert errors == [
        {
            "file": "companies.csv",
            "row": 5,
            "column": "capacity",
            "value": "-4",
            "message": "must be at least 0",
            "message_da": "skal være mindst 0",
        }
    ]
    assert "companies.csv, row 5, column 'capacity'" in err
    assert "Traceback" not in err


def test_validate_text_mode_names_the_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "validate", "--data", str(tmp_path / "missing"))
    assert code == 2 and out == ""
    assert "no such folder or file" in err


@pytest.mark.parametrize("bad", ["0", "-3", "many", "100001", "99999999999"])
def test_generate_rejects_bad_sizes_with_usage_error(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--out", "x", "--students", bad])
    assert exit_info.value.code == 2
    assert "--students: must be a whole number from 1 to 100,000" in capsys.readouterr().err


def test_generate_rejects_negative_alumni(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--out", str(tmp_path), "--alumni", "-1"])
    assert exit_info.value.code == 2
    assert "--alumni: must be a whole number from 0 to 100,000; got -1" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_generate_is_reproducible_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_cli(capsys, "generate", "--out", str(tmp_path / "a"), "--seed", "5", "--students", "30")
    run_cli(capsys, "generate", "--out", str(tmp_path / "b"), "--seed", "5", "--students", "30")
    for name in ("students", "companies", "history", "alumni"):
        assert (tmp_path / "a" / f"{name}.csv").read_bytes() == (tmp_path / "b" / f"{name}.csv").read_bytes()


def test_a_large_file_with_bad_cells_names_each_one_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tables of 1,000 rows and more are validated column by column; bad cells are still named one by one."""
    run_cli(capsys, "generate", "--out", str(tmp_path), "--students", "1200", "--companies", "1000")
    students = pd.read_csv(tmp_path / "students.csv", dtype=str, keep_default_na=False)
    students.loc[7, "age"] = "tolv"
    students.loc[1100, "interests"] = "retial"
    students.loc[1150, "min_hours_per_week"] = "40"
    students.loc[1150, "max_hours_per_week"] = "20"
    students.to_csv(tmp_path / "students.csv", index=False)
    code, out, err = run_cli(capsys, "validate", "--data", str(tmp_path), "--json")
    assert code == 2
    errors = json.loads(out)["errors"]
    assert [(e["file"], e["row"], e["column"], e["value"]) for e in errors] == [
        ("students.csv", 9, "age", "tolv"),
        ("students.csv", 1102, "interests", "retial"),
        ("students.csv", 1152, "min_hours_per_week", "40"),
    ]
    assert errors[0]["message"] == "must be a whole number"
    assert errors[1]["message"].startswith("'retial' is not a known industry. Did you mean 'retail'?")
    assert (
        errors[2]["message"]
        == "min_hours_per_week (40) is above max_hours_per_week (20); min must be at most max"
    )
    assert "Traceback" not in err
