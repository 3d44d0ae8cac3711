"""``stu-match assign`` end to end on the built-in network."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from features.errors import DataValidationError
from features.loading import BUILTIN_DATA_DIR
from optimizer.decision_files import read_decisions, read_plan
from stu_match.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["assign", "--data", str(BUILTIN_DATA_DIR), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def plan_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("assign")
    return {"plan": folder / "plan.csv", "pairs": folder / "pairs.csv", "folder": folder}


def test_json_plan_and_csv(capsys: pytest.CaptureFixture[str], plan_files: dict[str, Path]) -> None:
    code, out, _ = run(capsys, "--json", "--out", str(plan_files["plan"]))
    assert code == 0
    report = json.loads(out)
    for key in (
        "status",
        "placed",
        "students",
        "objective_score",
        "solve_seconds",
        "assignments",
        "unplaced",
    ):
        assert key in report
    assert report["status"] == "OPTIMAL"
    assert report["placed"] == len(report["assignments"])
    assert report["students"] == report["placed"] + len(report["unplaced"])
    assert set(report["assignments"][0]) >= {"student_id", "company_id", "score", "travel_minutes"}
    assert all(item["reasons"] for item in report["unplaced"])
    with plan_files["plan"].open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == report["students"]
    assert sum(1 for row in rows if row["company_id"]) == report["placed"]

    # The pairs optimised are exactly the ones `stu-match pairs` writes.
    assert main(["pairs", "--data", str(BUILTIN_DATA_DIR), "--out", str(plan_files["pairs"])]) == 0
    capsys.readouterr()
    with plan_files["pairs"].open(encoding="utf-8") as handle:
        eligible = {(r["student_id"], r["company_id"]): float(r["score"]) for r in csv.DictReader(handle)}
    for item in report["assignments"]:
        assert eligible[(item["student_id"], item["company_id"])] == pytest.approx(item["score"], abs=0.006)


def test_previous_plan_gives_no_moves_and_locks_hold(
    capsys: pytest.CaptureFixture[str], plan_files: dict[str, Path]
) -> None:
    if not plan_files["plan"].exists():
        run(capsys, "--out", str(plan_files["plan"]))
    code, out, _ = run(capsys, "--json", "--previous", str(plan_files["plan"]))
    report = json.loads(out)
    assert code == 0 and report["moves"] == [] and report["kept"] == report["placed"]

    first = report["assignments"][0]
    other = next(a for a in report["assignments"] if a["company_id"] != first["company_id"])
    forbids = plan_files["folder"] / "forbids.csv"
    forbids.write_text(
        f"student_id;company_id\n{first['student_id']};{first['company_id']}\n", encoding="utf-8"
    )
    code, out, _ = run(capsys, "--json", "--forbids", str(forbids), "--previous", str(plan_files["plan"]))
    report = json.loads(out)
    placed = {a["student_id"]: a["company_id"] for a in report["assignments"]}
    assert placed.get(first["student_id"]) != first["company_id"]
    assert any(m["student_id"] == first["student_id"] for m in report["moves"])
    assert placed[other["student_id"]] == other["company_id"] or any(
        m["student_id"] == other["student_id"] for m in report["moves"]
    )


def test_bad_lock_files_exit_2_naming_file_row_column_and_closest_ids(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    locks = tmp_path / "locks.csv"
    locks.write_text("student_id,company_id\nS0001,C9999\nS00002,C0001\n", encoding="utf-8")
    code, out, err = run(capsys, "--locks", str(locks), "--json")
    assert code == 2
    errors = json.loads(out)["errors"]
    assert errors[0]["file"] == "locks.csv" and errors[0]["row"] == 2 and errors[0]["column"] == "company_id"
    assert errors[0]["value"] == "C9999" and "closest: C0099" in errors[0]["message"]
    assert errors[1]["row"] == 3 and "closest: S0002" in errors[1]["message"]
    assert "Traceback" not in err

    locks.write_text("student,company\nS0001,C0001\n", encoding="utf-8")
    code, _, err = run(capsys, "--locks", str(locks))
    assert code == 2 and "required column is missing" in err

    code, _, err = run(capsys, "--locks", str(tmp_path / "missing.csv"))
    assert code == 2 and "no such file" in err


def test_conflicting_locks_exit_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str], plan_files: dict[str, Path], tmp_path: Path
) -> None:
    if not plan_files["plan"].exists():
        run(capsys, "--out", str(plan_files["plan"]))
    with plan_files["plan"].open(encoding="utf-8-sig") as handle:
        placed = [row for row in csv.DictReader(handle, delimiter=";") if row["company_id"]]
    first, second = placed[0], placed[1]
    locks = tmp_path / "locks.csv"
    locks.write_text(
        f"student_id,company_id\n{first['student_id']},{first['company_id']}\n"
        f"{first['student_id']},{second['company_id']}\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "--locks", str(locks))
    assert code == 2
    assert f"student {first['student_id']} is locked to 2 companies" in err
    assert "Traceback" not in err


def test_decision_files_read_danish_exports(tmp_path: Path) -> None:
    path = tmp_path / "locks.csv"
    path.write_bytes("\ufeffstudent_id;company_id\r\nS1;C1\r\n".encode())
    assert read_decisions(path, ["S1"], ["C1"]) == [("S1", "C1")]
    path.write_text("student_id,company_id\nS1,C1\nS1,C2\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="row 3, column 'student_id': the student appears again"):
        read_plan(path)
    path.write_text("student_id,company_id\nS1,\nS2,C_gone\n", encoding="utf-8")
    assert read_plan(path) == {"S2": "C_gone"}
