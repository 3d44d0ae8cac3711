"""Fair to every group (issue 18): ``stu-match fairness`` recounted by hand from ``assign --json`` and the files.

The recount below reads students.csv, companies.csv, history.csv, alumni.csv, the plan of
``stu-match assign --json`` and the eligible pairs of ``stu-match pairs``; it does not call
``placement_service.fairness``.
"""

from __future__ import annotations

import csv
import json
import math
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from features.loading import BUILTIN_DATA_DIR, load_network
from features.vocabulary import IMPAIRMENT_GROUPS, Impairment
from matching.evaluation import evaluate_history, held_out_predictions
from placement_service.fairness import (
    MIN_GROUP_SIZE,
    group_calibration,
    group_placement,
    wilson_interval,
)
from stu_match.cli import main

GROUPS = ("stu_site", "gender", "age_band", "impairment_group", "transport_mode")


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def band(age: int) -> str:
    if age <= 18:
        return "18_or_younger"
    if age <= 20:
        return "19_20"
    if age <= 22:
        return "21_22"
    return "23_or_older"


def values_of(row: dict[str, str]) -> dict[str, set[str]]:
    impairments = [item.split(":")[0] for item in row["impairments"].split("|") if item]
    return {
        "stu_site": {row["stu_site"]},
        "gender": {row["gender"]},
        "age_band": {band(int(row["age"]))},
        "impairment_group": {IMPAIRMENT_GROUPS[Impairment(name)].value for name in impairments},
        "transport_mode": {row["transport_mode"]},
    }


def recount(data: Path, plan: dict[str, Any], pairs: list[dict[str, str]]) -> dict[str, dict[str, dict]]:
    """group -> value -> the row of ``placement_by_group``, counted by hand."""
    students = read(data / "students.csv")
    companies = {c["company_id"]: c for c in read(data / "companies.csv")}
    placed = {a["student_id"]: a for a in plan["assignments"]}
    taken: dict[str, int] = defaultdict(int)
    hours: dict[str, int] = defaultdict(int)
    load = {(p["student_id"], p["company_id"]): int(p["support_load"]) for p in pairs}
    for a in plan["assignments"]:
        taken[a["company_id"]] += 1
        hours[a["company_id"]] += load[(a["student_id"], a["company_id"])]
    eligible: dict[str, list[str]] = defaultdict(list)
    for p in pairs:
        eligible[p["student_id"]].append(p["company_id"])

    def cause(student_id: str) -> str | None:
        if student_id in placed:
            return None
        if not eligible[student_id]:
            return "no_eligible"
        full = [
            taken[c] >= int(companies[c]["capacity"])
            or hours[c] + load[(student_id, c)] > int(companies[c]["mentor_capacity"])
            for c in eligible[student_id]
        ]
        return "full" if all(full) else "other"

    out: dict[str, dict[str, dict]] = {g: {} for g in GROUPS}
    for row in students:
        sid = row["student_id"]
        assignment = placed.get(sid)
        why = cause(sid)
        for group, values in values_of(row).items():
            for value in values:
                into = out[group].setdefault(
                    value,
                    {
                        "students": 0,
                        "placed": 0,
                        "in_interest": 0,
                        "scores": [],
                        "unplaced_no_eligible": 0,
                        "unplaced_full": 0,
                        "unplaced_other": 0,
                    },
                )
                into["students"] += 1
                if assignment is not None:
                    into["placed"] += 1
                    into["in_interest"] += assignment["interest_rank"] is not None
                    into["scores"].append(assignment["score"])
                else:
                    into[f"unplaced_{why}"] += 1
    return out


def compare(report: dict[str, Any], expected: dict[str, dict[str, dict]]) -> None:
    assert set(report["placement_by_group"]) == set(GROUPS)
    for group in GROUPS:
        rows = report["placement_by_group"][group]
        assert {r["value"] for r in rows} == set(expected[group]), group
        for row in rows:
            want = expected[group][row["value"]]
            assert row["group"] == group
            for key in (
                "students",
                "placed",
                "in_interest",
                "unplaced_no_eligible",
                "unplaced_full",
                "unplaced_other",
            ):
                assert row[key] == want[key], (group, row["value"], key)
            if want["scores"]:  # assign --json rounds each score to 2 decimals
                assert row["mean_score"] == pytest.approx(float(np.mean(want["scores"])), abs=0.006)
            else:
                assert row["mean_score"] is None


def run_all(
    capsys: pytest.CaptureFixture[str], data: Path, tmp: Path
) -> tuple[dict, dict, list[dict[str, str]]]:
    code, out, err = cli(capsys, "fairness", "--data", str(data), "--json")
    assert code == 0, err
    report = json.loads(out)
    code, out, err = cli(capsys, "assign", "--data", str(data), "--json")
    assert code == 0, err
    plan = json.loads(out)
    code, _, err = cli(capsys, "pairs", "--data", str(data), "--out", str(tmp / "pairs.csv"))
    assert code == 0, err
    return report, plan, read(tmp / "pairs.csv")


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "db.sqlite3"
    monkeypatch.setenv("STU_MATCH_DB", str(path))
    return path


def test_placement_by_group_is_a_plain_recount_of_the_plan(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, database: Path
) -> None:
    report, plan, pairs = run_all(capsys, BUILTIN_DATA_DIR, tmp_path)
    assert (report["students"], report["placed"]) == (plan["students"], plan["placed"])
    compare(report, recount(BUILTIN_DATA_DIR, plan, pairs))
    # every row: placed and the unplaced by cause add up to the group's students
    for rows in report["placement_by_group"].values():
        for r in rows:
            assert (
                r["placed"] + r["unplaced_no_eligible"] + r["unplaced_full"] + r["unplaced_other"]
                == r["students"]
            )


def test_full_companies_are_told_apart_from_no_eligible_company(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, database: Path
) -> None:
    """With a third of the companies at one place each, many students are unplaced because all are full."""
    data = Path(shutil.copytree(BUILTIN_DATA_DIR, tmp_path / "data"))
    rows = read(data / "companies.csv")
    kept = rows[: len(rows) // 3]
    for row in kept:
        row["capacity"] = "1"
    with (data / "companies.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(kept)
    history = [h for h in read(data / "history.csv") if h["company_id"] in {c["company_id"] for c in kept}]
    with (data / "history.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["student_id", "company_id", "year", "outcome"])
        writer.writeheader()
        writer.writerows(history)
    report, plan, pairs = run_all(capsys, data, tmp_path)
    compare(report, recount(data, plan, pairs))
    totals = {
        key: sum(r[key] for r in report["placement_by_group"]["gender"])
        for key in ("unplaced_no_eligible", "unplaced_full")
    }
    assert totals["unplaced_full"] > 0 and totals["unplaced_no_eligible"] > 0


def wilson(successes: int, n: int) -> tuple[float, float]:
    z = 1.959963984540054
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_calibration_counts_and_intervals_are_recounted_from_the_history(
    capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    code, out, err = cli(capsys, "fairness", "--data", str(BUILTIN_DATA_DIR), "--json")
    assert code == 0, err
    report = json.loads(out)
    people = {r["student_id"]: r for r in read(BUILTIN_DATA_DIR / "students.csv")}
    people.update({r["student_id"]: r for r in read(BUILTIN_DATA_DIR / "alumni.csv")})
    lasting = {"job", "flexjob", "wage_subsidy", "small_job"}
    counted: dict[tuple[str, str], list[int]] = defaultdict(list)
    for h in read(BUILTIN_DATA_DIR / "history.csv"):
        for group, values in values_of(people[h["student_id"]]).items():
            for value in values:
                counted[(group, value)].append(int(h["outcome"] in lasting))
    calibration = report["calibration_by_group"]
    assert set(calibration) == set(GROUPS) and report["calibration"]["reason"] is None
    for group, rows in calibration.items():
        assert {r["value"] for r in rows} == {v for g, v in counted if g == group}
        for row in rows:
            outcomes = counted[(group, row["value"])]
            assert row["n"] == len(outcomes)
            if row["n"] < MIN_GROUP_SIZE:  # count only, never flagged
                assert (row["predicted"], row["observed"], row["low"], row["high"]) == (
                    None,
                    None,
                    None,
                    None,
                )
                assert row["flagged"] is False
                continue
            assert row["observed"] == pytest.approx(sum(outcomes) / len(outcomes), abs=1e-6)
            low, high = wilson(sum(outcomes), len(outcomes))
            assert (row["low"], row["high"]) == (pytest.approx(low, abs=1e-6), pytest.approx(high, abs=1e-6))
            assert row["flagged"] == (abs(row["predicted"] - row["observed"]) > 0.05)
    # the STU sites partition the history: their mean prediction is that of `stu-match evaluate`
    sites = calibration["stu_site"]
    pooled = sum(r["n"] * r["predicted"] for r in sites) / sum(r["n"] for r in sites)
    assert pooled == pytest.approx(
        evaluate_history(load_network(BUILTIN_DATA_DIR)).model.mean_predicted, abs=1e-5
    )


def test_held_out_predictions_are_those_evaluate_history_reports() -> None:
    network = load_network(BUILTIN_DATA_DIR)
    held = held_out_predictions(network)
    evaluation = evaluate_history(network)
    assert len(held.student_ids) == evaluation.placements
    assert float(held.predicted.mean()) == pytest.approx(evaluation.model.mean_predicted, abs=1e-12)
    assert float(held.observed.mean()) == pytest.approx(evaluation.model.observed_rate, abs=1e-12)


def test_without_history_the_calibration_is_empty_with_the_reason(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, database: Path
) -> None:
    data = Path(shutil.copytree(BUILTIN_DATA_DIR, tmp_path / "data"))
    (data / "history.csv").unlink()
    (data / "alumni.csv").unlink()
    code, out, err = cli(capsys, "fairness", "--data", str(data), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["calibration_by_group"] == {}
    reason = report["calibration"]["reason"]
    assert "no usable history" in reason["en"] and "ingen brugbar historik" in reason["da"]
    assert report["placement_by_group"]["gender"]  # placement by group is still there
    code, out, _ = cli(capsys, "fairness", "--data", str(data))
    assert code == 0 and "ingen brugbar historik" in out and "Traceback" not in out


def test_the_text_report_is_danish_with_decimal_commas(
    capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    code, out, _ = cli(capsys, "fairness", "--data", str(BUILTIN_DATA_DIR), "--by", "transport_mode")
    assert code == 0
    assert "Retfærdighed på tværs af grupper" in out and "Offentlig transport" in out
    assert "Modellens kalibrering pr. gruppe" in out and "STU-sted" not in out
    line = next(row for row in out.splitlines() if row.strip().startswith("Cykel") and "%" in row)
    assert "," in line and "." not in line  # 74,8 %, never 74.8 %


@pytest.mark.parametrize(
    "argv",
    [
        ["fairness", "--data", "/nonexistent/folder"],
        ["fairness", "--data", "/nonexistent/folder", "--json"],
        ["fairness", "--data", str(BUILTIN_DATA_DIR), "--weight", "nonsense"],
    ],
)
def test_bad_input_exits_2_with_a_message(
    capsys: pytest.CaptureFixture[str], database: Path, argv: list[str]
) -> None:
    code, _, err = cli(capsys, *argv)
    assert code == 2 and err.strip() and "Traceback" not in err


def test_an_unknown_group_is_refused_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["fairness", "--data", str(BUILTIN_DATA_DIR), "--by", "religion"])
    assert stopped.value.code == 2
    assert "invalid choice: 'religion'" in capsys.readouterr().err


def test_small_groups_are_never_flagged_however_far_off() -> None:
    values = [{"gender": ("female",)}] * (MIN_GROUP_SIZE - 1) + [{"gender": ("male",)}] * 40
    predicted = np.array([0.95] * (MIN_GROUP_SIZE - 1) + [0.95] * 40)
    observed = np.array([0] * (MIN_GROUP_SIZE - 1) + [0] * 40)
    rows = {row.value: row for row in group_calibration("gender", values, predicted, observed)}
    female, male = rows["female"], rows["male"]
    assert (female.value, female.n, female.predicted, female.flagged) == (
        "female",
        MIN_GROUP_SIZE - 1,
        None,
        False,
    )
    assert (male.value, male.n, male.flagged) == ("male", 40, True)


def test_wilson_interval_known_value() -> None:
    low, high = wilson_interval(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    assert wilson_interval(0, 25)[0] == 0.0 and wilson_interval(25, 25)[1] == pytest.approx(1.0)


CAUSE = st.sampled_from([None, "no_eligible", "full", "other"])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sets(st.sampled_from(["psychological", "cognitive", "physical"])),
            CAUSE,
            st.booleans(),
            st.floats(0, 100),
        ),
        max_size=40,
    )
)
def test_each_group_adds_up(students: list[tuple[set[str], str | None, bool, float]]) -> None:
    values = [{"impairment_group": tuple(sorted(groups))} for groups, _, _, _ in students]
    causes = [cause for _, cause, _, _ in students]
    interest = [None if cause else inside for _, cause, inside, _ in students]
    scores = [None if cause else score for _, cause, _, score in students]
    rows = group_placement("impairment_group", values, interest, scores, causes)
    for row in rows:
        assert row.placed + row.unplaced_no_eligible + row.unplaced_full + row.unplaced_other == row.students
        assert 0 <= row.in_interest <= row.placed
        assert (row.mean_score is None) == (row.placed == 0)
    assert sum(r.students for r in rows) == sum(len(groups) for groups, _, _, _ in students)
