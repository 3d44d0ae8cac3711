"""Gaps and recruitment, end to end: every gain and loss holds when the plan is re-solved by `assign`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from features.loading import BUILTIN_DATA_DIR
from stu_match.cli import main


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["gaps", "--data", str(BUILTIN_DATA_DIR), "--json"]) == 0
    return json.loads(buffer.getvalue())


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(BUILTIN_DATA_DIR, folder)
    return folder


def placed(capsys: pytest.CaptureFixture[str], folder: Path) -> int:
    return int(run_json(capsys, "assign", "--data", str(folder))["placed"])


def test_report_has_every_part(report: dict[str, Any]) -> None:
    assert set(report) >= {
        "industry_area",
        "needs",
        "unplaced_by_reason",
        "recommendations",
        "critical_companies",
    }
    row = report["industry_area"][0]
    assert set(row) >= {"industry", "area", "demand", "fitting_slots", "placed", "unplaced"}
    recommendation = report["recommendations"][0]
    assert set(recommendation) >= {
        "industry",
        "municipality",
        "slots",
        "features",
        "gain",
        "students",
        "company_row",
    }
    assert set(report["critical_companies"][0]) >= {"company_id", "loss"}


def test_demand_is_split_into_placed_elsewhere_and_unplaced(report: dict[str, Any]) -> None:
    for row in report["industry_area"]:
        assert row["placed"] + row["placed_elsewhere"] + row["unplaced"] == row["demand"]
    by_level = pd.DataFrame(report["industry_area"]).groupby("level")
    assert set(by_level["demand"].sum()) == {report["students"]}  # each student counts once per level
    assert set(by_level["unplaced"].sum()) == {report["students"] - report["placed"]}


def test_unplaced_by_reason_covers_every_unplaced_student(report: dict[str, Any]) -> None:
    students = [s for group in report["unplaced_by_reason"] for s in group["students"]]
    assert len(students) == len(set(students)) == report["students"] - report["placed"]
    assert all(group["label"] for group in report["unplaced_by_reason"])


def test_needs_never_place_more_than_demand(report: dict[str, Any]) -> None:
    for need in report["needs"]:
        assert 0 <= need["placed"] + need["unplaced"] <= need["demand"]


def test_recommendations_are_ranked_by_gain_and_name_the_students(report: dict[str, Any]) -> None:
    gains = [r["gain"] for r in report["recommendations"]]
    assert gains == sorted(gains, reverse=True) and all(g >= 1 for g in gains)
    assert 1 <= len(report["recommendations"]) <= 10
    for recommendation in report["recommendations"]:
        assert len(recommendation["students"]) >= recommendation["gain"]


def test_every_recommendation_raises_placed_by_exactly_its_gain(
    report: dict[str, Any], data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = placed(capsys, data_copy)
    assert baseline == report["placed"]
    original = pd.read_csv(data_copy / "companies.csv", dtype=str, keep_default_na=False)
    for recommendation in report["recommendations"]:
        extended = pd.concat([original, pd.DataFrame([recommendation["company_row"]])], ignore_index=True)
        extended.to_csv(data_copy / "companies.csv", index=False)
        assert placed(capsys, data_copy) == baseline + recommendation["gain"], recommendation["company_row"]


def test_removing_a_critical_company_lowers_placed_by_exactly_its_loss(
    report: dict[str, Any], data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = report["placed"]
    original = pd.read_csv(data_copy / "companies.csv", dtype=str, keep_default_na=False)
    history = pd.read_csv(data_copy / "history.csv", dtype=str, keep_default_na=False)
    critical = report["critical_companies"]
    assert critical, "the built-in network has companies it cannot afford to lose"
    for company in [*critical[:3], critical[-1]]:
        original[original.company_id != company["company_id"]].to_csv(
            data_copy / "companies.csv", index=False
        )
        history[history.company_id != company["company_id"]].to_csv(data_copy / "history.csv", index=False)
        assert placed(capsys, data_copy) == baseline - company["loss"], company


def test_a_used_company_that_is_not_critical_can_leave_without_loss(
    report: dict[str, Any], data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = run_json(capsys, "assign", "--data", str(data_copy))
    critical = {c["company_id"] for c in report["critical_companies"]}
    used = sorted({a["company_id"] for a in plan["assignments"]} - critical)
    leaving = used[0]
    companies = pd.read_csv(data_copy / "companies.csv", dtype=str, keep_default_na=False)
    history = pd.read_csv(data_copy / "history.csv", dtype=str, keep_default_na=False)
    companies[companies.company_id != leaving].to_csv(data_copy / "companies.csv", index=False)
    history[history.company_id != leaving].to_csv(data_copy / "history.csv", index=False)
    assert placed(capsys, data_copy) == report["placed"]


def test_gaps_reports_bad_input_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gaps", "--data", str(tmp_path / "nothing")]) == 2
    assert "no such folder or file" in capsys.readouterr().err
