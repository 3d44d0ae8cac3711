"""The shortlist, pairs and evaluate commands: JSON shapes, files, and bad input ending in exit code 2."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from features.loading import BUILTIN_DATA_DIR
from features.network import Network
from matching.pairs import eligible_pairs
from stu_match.cli import EXIT_BAD_INPUT, main

DATA = str(BUILTIN_DATA_DIR)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_shortlist_json_items_carry_score_components_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "shortlist", "--data", DATA, "--student", "S0001", "--top", "3", "--json")
    assert result["student_id"] == "S0001" and result["outcome_model"] is True
    assert 1 <= len(result["items"]) <= 3
    for item in result["items"]:
        assert {"company_id", "score", "components", "reasons", "arrangements", "travel_minutes"} <= set(item)
        assert math.isclose(math.fsum(item["components"].values()), item["score"], rel_tol=1e-12)
        assert item["reasons"]["for"] and isinstance(item["arrangements"], list)
    keys = [(item["interest_rank"] is None, -item["score"]) for item in result["items"]]
    assert keys == sorted(keys)  # within the student's interests first, each group best first


def test_shortlist_json_has_the_interest_notice_and_the_near_misses(
    capsys: pytest.CaptureFixture[str], builtin_network: Network
) -> None:
    result = run_json(
        capsys, "shortlist", "--data", DATA, "--student", "S0001", "--near-misses", "50", "--json"
    )
    assert result["all_industries"] is False
    notice = result["interest_notice"]
    if notice is not None:
        assert notice["nearest"]["company_id"] in notice["message_da"]
        assert all(
            {"rule", "rule_da", "student", "company", "text_da"} <= set(o)
            for o in notice["nearest"]["obstacles"]
        )
    misses = result["near_misses"]
    assert misses and len(misses) == min(50, result["near_misses_total"])
    for miss in misses:
        assert {
            "company_id",
            "rule",
            "student",
            "company",
            "values_da",
            "lift",
            "lift_da",
            "changes",
            "score",
        } <= set(miss)
        assert miss["student"] or miss["company"]
        assert 0 <= miss["score"] <= 100
    travel = [m for m in misses if m["rule"] == "travel"]
    student = builtin_network.student("S0001")
    for miss in travel:  # e.g. the student's maximum 45 against an estimated 52 minutes
        assert miss["student"]["max_travel_minutes"] == student.max_travel_minutes
        assert miss["company"]["travel_minutes"] > student.max_travel_minutes
    everything = run_json(
        capsys,
        "shortlist",
        "--data",
        DATA,
        "--student",
        "S0001",
        "--all-industries",
        "--near-misses",
        "0",
        "--json",
    )
    assert everything["all_industries"] is True and everything["near_misses"] == []
    scores = [item["score"] for item in everything["items"]]
    assert scores == sorted(scores, reverse=True)


def test_shortlist_text_names_near_misses_in_danish(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["shortlist", "--data", DATA, "--student", "S0001", "--near-misses", "3"]) == 0
    out = capsys.readouterr().out
    assert "Næsten egnede virksomheder" in out and "Løsning: " in out and "hvis det løses" in out


def test_reverse_shortlist_lists_students(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "shortlist", "--data", DATA, "--company", "C0001", "--top", "2", "--json")
    assert result["company_id"] == "C0001"
    assert all("student_id" in item and "company_id" not in item for item in result["items"])


def test_shortlist_text_is_danish(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["shortlist", "--data", DATA, "--student", "S0001", "--rule-only"]) == 0
    out = capsys.readouterr().out
    assert "point" in out and "Transport: ca." in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--student", "S01"], "Unknown student ID 'S01'. Closest: S0001"),
        (
            ["--student", "S0001", "--top", "0"],
            "The 'top_k' parameter of shortlist must be an int in the range",
        ),
        (
            ["--student", "S0001", "--weight", "travel=-3"],
            "The 'travel' weight must be a number in [0, inf). Got -3",
        ),
        (["--student", "S0001", "--weight", "travel"], "--weight must look like NAME=VALUE"),
        (["--company", "C0001", "--industry", "retail"], "--industry filters companies"),
        (["--company", "C0001", "--all-industries"], "--all-industries orders companies for a student"),
        (["--company", "C0001", "--near-misses", "3"], "--near-misses lists companies for a student"),
    ],
)
def test_bad_input_ends_with_a_message_and_exit_code_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["shortlist", "--data", DATA, *argv]) == EXIT_BAD_INPUT
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err


@pytest.mark.parametrize("value", ["-1", "many"])
def test_a_bad_number_of_near_misses_is_refused_with_exit_code_2(
    capsys: pytest.CaptureFixture[str], value: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["shortlist", "--data", DATA, "--student", "S0001", "--near-misses", value])
    assert stopped.value.code == EXIT_BAD_INPUT
    assert "--near-misses: must be a whole number from 0 to 1,000" in capsys.readouterr().err


def test_bad_input_with_json_prints_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["shortlist", "--data", DATA, "--student", "nobody", "--json"]) == EXIT_BAD_INPUT
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert "Unknown student ID 'nobody'" in errors[0]["message"]


def test_pairs_writes_every_eligible_pair(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, builtin_network: Network
) -> None:
    out = tmp_path / "pairs.csv"
    summary = run_json(capsys, "pairs", "--data", DATA, "--out", str(out), "--json")
    table = eligible_pairs(builtin_network)
    frame = pd.read_csv(out, dtype={"student_id": str, "company_id": str})
    assert list(frame.columns) == ["student_id", "company_id", "score", "travel_minutes", "support_load"]
    assert len(frame) == table.n_pairs == summary["eligible_pairs"]
    assert (frame["student_id"] == table.student_ids[table.student]).all()
    assert frame["score"].sub(table.score).abs().max() < 1e-4
    assert set(summary["ineligible_by_reason"]) == set(table.reason_codes)
    assert (
        sum(summary["ineligible_by_reason"].values()) == table.n_students * table.n_companies - table.n_pairs
    )


def test_pairs_text_summary_lists_reasons(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["pairs", "--data", DATA, "--out", str(tmp_path / "p.csv"), "--rule-only"]) == 0
    out = capsys.readouterr().out
    assert "egnede par af 140 elever x 220 virksomheder" in out
    assert "travel" in out and "shielded_workstation" in out


def test_pairs_with_a_bad_travel_matrix(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    matrix = tmp_path / "travel.csv"
    matrix.write_text("student_id,company_id,minutes\nS0001,C0001,-5\n", encoding="utf-8")
    argv = ["pairs", "--data", DATA, "--out", str(tmp_path / "p.csv"), "--travel-matrix", str(matrix)]
    assert main(argv) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "travel.csv, row 2, column 'minutes': must be at least 0 minutes" in err
    assert not (tmp_path / "p.csv").exists()


def test_evaluate_json(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "evaluate", "--data", DATA, "--json", "--truth-alumni", "600")
    for section in ("history", "ground_truth"):
        for name in ("blended", "rule_only", "random"):
            assert set(result[section][name]) >= {"ndcg_at_5", "precision_at_5"}
        assert result[section]["blended"]["ndcg_at_5"] > result[section]["random"]["ndcg_at_5"]
    assert result["k"] == 5


def test_evaluate_needs_history(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for name in ("students", "companies"):
        (tmp_path / f"{name}.csv").write_bytes((BUILTIN_DATA_DIR / f"{name}.csv").read_bytes())
    assert main(["evaluate", "--data", str(tmp_path), "--no-ground-truth"]) == EXIT_BAD_INPUT
    assert "has no history.csv" in capsys.readouterr().err
