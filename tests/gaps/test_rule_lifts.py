"""One hard rule lifted at one company: every gain holds when the plan is solved again, on the pair table
and end to end with the arrangement written into the data files."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from features.loading import BUILTIN_DATA_DIR, network_from_tables
from features.synthetic import generate
from matching.context import ScoringContext, scoring_context
from matching.near_miss import NearMiss, near_misses
from matching.pairs import pair_table
from optimizer.recruitment import max_placed
from optimizer.rule_lifts import RuleLift, recommend_rule_lifts, with_lift
from stu_match.cli import main


def lifted_misses(context: ScoringContext, company_of_student: np.ndarray, lift: RuleLift) -> list[NearMiss]:
    unplaced = np.flatnonzero(company_of_student < 0)
    return [
        m
        for m in near_misses(context, unplaced)
        if (m.company_id, m.rule, m.lift) == (lift.company_id, lift.rule, lift.lift)
    ]


def check_lifts(context: ScoringContext, top: int = 10) -> list[RuleLift]:
    pairs = pair_table(context)
    base = max_placed(pairs)
    lifts = recommend_rule_lifts(context, pairs, base.company_of_student, top=top)
    unplaced = {str(pairs.student_ids[i]) for i in np.flatnonzero(base.company_of_student < 0)}
    gains = [lift.gain for lift in lifts]
    assert gains == sorted(gains, reverse=True) and all(g >= 1 for g in gains) and len(lifts) <= top
    covered: set[str] = set()
    for lift in lifts:
        misses = lifted_misses(context, base.company_of_student, lift)
        assert [m.student_id for m in misses] == lift.reached and set(lift.reached) <= unplaced
        assert set(lift.students) <= set(lift.reached) and set(lift.arrangements) == set(lift.reached)
        assert not set(lift.students) <= covered  # each lift places someone no earlier lift does
        covered |= set(lift.students)
        # Verified again, independently: the most placed with the lift's pairs made eligible.
        assert max_placed(with_lift(context, pairs, misses)).placed == base.placed + lift.gain
        if lift.lift != "more_mentor_support":
            assert len(lift.students) >= lift.gain
    return lifts


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000))
def test_on_tight_random_networks_every_gain_is_verified(seed: int) -> None:
    network = network_from_tables(generate(40, 14, seed=seed, n_alumni=0).tables)
    check_lifts(scoring_context(network, outcome_model=None))


def test_on_the_built_in_network_every_gain_is_verified(builtin_network: Any) -> None:
    lifts = check_lifts(scoring_context(builtin_network))
    assert lifts, "the built-in network has unplaced students one rule from a place"


def test_only_the_top_candidates_are_verified(builtin_network: Any) -> None:
    context = scoring_context(builtin_network)
    pairs = pair_table(context)
    base = max_placed(pairs)
    assert recommend_rule_lifts(context, pairs, base.company_of_student, candidates=0) == []
    assert recommend_rule_lifts(context, pairs, base.company_of_student, top=0) == []
    everyone = np.zeros(pairs.n_students, dtype=np.int64)  # nobody unplaced: nothing to lift
    assert recommend_rule_lifts(context, pairs, everyone) == []


# --- End to end: `stu-match gaps --json`, then the arrangement written into the files ----------


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["gaps", "--data", str(BUILTIN_DATA_DIR), "--json"]) == 0
    return json.loads(buffer.getvalue())


def test_the_gaps_report_lists_rule_lifts(report: dict[str, Any]) -> None:
    lifts = report["rule_lifts"]
    assert lifts
    for lift in lifts:
        assert set(lift) >= {
            "company_id",
            "rule",
            "rule_da",
            "lift",
            "lift_label",
            "gain",
            "students",
            "reached",
            "arrangements",
        }
        assert lift["gain"] >= 1 and all(lift["arrangements"][s] for s in lift["reached"])


def cell(value: object) -> str:
    """A profile value as a data file writes it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return str(value)


def test_writing_a_lifts_arrangements_into_the_files_places_at_least_its_gain(
    report: dict[str, Any], builtin_network: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the change made in the files, other students may gain from it too: at least the gain."""
    context = scoring_context(builtin_network)
    pairs = pair_table(context)
    base = max_placed(pairs)
    assert base.placed == report["placed"]
    for lift in [RuleLift.model_validate(item) for item in report["rule_lifts"][:2]]:
        folder = Path(shutil.copytree(BUILTIN_DATA_DIR, tmp_path / lift.company_id))
        students = pd.read_csv(folder / "students.csv", dtype=str, keep_default_na=False)
        companies = pd.read_csv(folder / "companies.csv", dtype=str, keep_default_na=False)
        for miss in lifted_misses(context, base.company_of_student, lift):
            for name, value in miss.student_changes.items():
                students.loc[students.student_id == miss.student_id, name] = cell(value)
            for name, value in miss.company_changes.items():
                companies.loc[companies.company_id == miss.company_id, name] = cell(value)
        students.to_csv(folder / "students.csv", index=False)
        companies.to_csv(folder / "companies.csv", index=False)
        assert main(["assign", "--data", str(folder), "--json"]) == 0
        placed = json.loads(capsys.readouterr().out)["placed"]
        assert placed >= report["placed"] + lift.gain, lift
