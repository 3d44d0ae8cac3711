"""Results kept on disk (``placement_service.result_cache``): read back after a restart, never for other input."""

from __future__ import annotations

import dataclasses
import stat
from pathlib import Path

import numpy as np
import pytest

from features.network import Network
from placement_service import DecisionSet, Recruitment, ScoringContext, eligible_pairs, plan_with_decisions
from placement_service import result_cache as module
from placement_service.decisions import Decision
from placement_service.planning import prepare_scoring
from placement_service.result_cache import ResultCache, report_key


@pytest.fixture(scope="module")
def context(builtin_network: Network) -> ScoringContext:
    return prepare_scoring(builtin_network)


def refuse_to_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    def solve(*_: object) -> None:
        raise AssertionError("solved again instead of reading the stored result")

    monkeypatch.setattr(module, "solve_placement", solve)


def forbid(context: ScoringContext, student_id: str, company_id: str) -> DecisionSet:
    decision = Decision(
        id=1, student_id=student_id, company_id=company_id, kind="forbid", user="Mette", at="2026-12-01"
    )
    return DecisionSet.of([decision])


def test_a_plan_is_read_back_after_a_restart_and_the_files_are_the_owners_only(
    context: ScoringContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = plan_with_decisions(context, DecisionSet.empty(), results=ResultCache(tmp_path / "results"))
    (stored,) = (tmp_path / "results").glob("*.json")
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "results").stat().st_mode) == 0o700

    refuse_to_solve(monkeypatch)  # a new process: only the folder is left
    again = plan_with_decisions(context, DecisionSet.empty(), results=ResultCache(tmp_path / "results"))
    assert np.array_equal(again.result.pair_of_student, first.result.pair_of_student)
    assert (again.result.status, again.result.placed_bound) == (
        first.result.status,
        first.result.placed_bound,
    )
    assert again.result.score_bound == first.result.score_bound
    # Only the solve is kept: no student profile, no company name.
    text = stored.read_text()
    assert context.network.students[0].home_municipality not in text
    assert context.network.companies[0].name not in text


def test_a_new_decision_or_changed_data_is_solved_again(
    context: ScoringContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ResultCache(tmp_path)
    plan = plan_with_decisions(context, DecisionSet.empty(), results=cache)
    placed = plan.assignments()[0]
    solves: list[object] = []
    real = module.solve_placement
    monkeypatch.setattr(module, "solve_placement", lambda *args: solves.append(args) or real(*args))

    moved = plan_with_decisions(context, forbid(context, placed.student_id, placed.company_id), results=cache)
    assert len(solves) == 1
    assert moved.mapping()[placed.student_id] != placed.company_id

    pairs = eligible_pairs(context)
    fewer_places = dataclasses.replace(pairs, capacity=np.maximum(pairs.capacity - 1, 0))
    smaller = plan_with_decisions(context, DecisionSet.empty(), results=cache, pairs=fewer_places)
    assert len(solves) == 2
    assert smaller.result.placed <= plan.result.placed

    plan_with_decisions(context, DecisionSet.empty(), objective="fairness", results=cache)
    assert len(solves) == 3


def test_a_file_for_another_key_or_another_problem_is_not_used(
    context: ScoringContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ResultCache(tmp_path)
    plan_with_decisions(context, DecisionSet.empty(), results=cache)
    (stored,) = tmp_path.glob("*.json")
    # Renamed to another key: the file says which key it was written for.
    stored.rename(tmp_path / f"{'0' * 64}.json")
    assert cache.read("0" * 64) is None
    # A stored solve whose pairs do not fit the problem is solved again.
    pairs = eligible_pairs(context)
    others = dataclasses.replace(pairs, capacity=pairs.capacity + 1)
    problem = module.PlacementProblem.build(others)
    params = module.SolveParams()
    cache.write(module.problem_key(problem, params), {"status": "OPTIMAL", "pair_of_student": [0] * 3})
    assert cache.solve(problem, params).placed > 0


def test_a_report_is_keyed_by_everything_it_depends_on(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    report = Recruitment(recommendations=[], critical_companies=[], rule_lifts=[])
    key = report_key("recruitment", network="a", pairs="p", model="m")
    assert cache.keep_report(key, report)
    assert ResultCache(tmp_path).report(key, Recruitment) == report
    for other in (
        report_key("recruitment", network="b", pairs="p", model="m"),
        report_key("recruitment", network="a", pairs="q", model="m"),
        report_key("recruitment", network="a", pairs="p", model="n"),
        report_key("calibration", network="a", pairs="p", model="m"),
    ):
        assert other != key
        assert cache.report(other, Recruitment) is None


def test_without_a_cache_folder_nothing_is_kept(context: ScoringContext) -> None:
    cache = ResultCache.under(None)
    assert cache.read("x") is None
    assert not cache.write("x", {})
    assert plan_with_decisions(context, DecisionSet.empty(), results=cache).result.placed > 0
