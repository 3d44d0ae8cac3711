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
from placement_service.planning import build_problem, prepare_scoring
from placement_service.result_cache import ResultCache, report_key


@pytest.fixture(scope="module")
def context(builtin_network: Network) -> ScoringContext:
    return prepare_scoring(builtin_network)


def refuse_to_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    def solve(*_: object) -> None:
        raise AssertionError("solved again instead of reading the stored result")

    monkeypatch.setattr(module, "solve_placement", solve)


def decided(*decisions: tuple[str, str, str]) -> DecisionSet:
    """Decisions as (kind, student_id, company_id)."""
    return DecisionSet.of(
        [
            Decision(id=n, student_id=s, company_id=c, kind=kind, user="Mette", at="2026-12-01")  # type: ignore[arg-type]
            for n, (kind, s, c) in enumerate(decisions, start=1)
        ]
    )


def forbid(context: ScoringContext, student_id: str, company_id: str) -> DecisionSet:
    return decided(("forbid", student_id, company_id))


def solve_files(folder: Path) -> list[Path]:
    """The stored solves in ``folder`` (not the records of which plan was proven last)."""
    return [path for path in folder.glob("*.json") if "pair_of_student" in path.read_text()]


def counting_solves(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    solves: list[object] = []
    real = module.solve_placement
    monkeypatch.setattr(module, "solve_placement", lambda *args: solves.append(args) or real(*args))
    return solves


def test_a_plan_is_read_back_after_a_restart_and_the_files_are_the_owners_only(
    context: ScoringContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = plan_with_decisions(context, DecisionSet.empty(), results=ResultCache(tmp_path / "results"))
    assert len(solve_files(tmp_path / "results")) == 1
    for path in (tmp_path / "results").glob("*.json"):  # the solve, and which plan was proven last
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
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
    for path in (tmp_path / "results").glob("*.json"):
        text = path.read_text()
        assert context.network.students[0].home_municipality not in text
        assert context.network.companies[0].name not in text


def test_a_new_decision_or_changed_data_is_solved_again(
    context: ScoringContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ResultCache(tmp_path)
    plan = plan_with_decisions(context, DecisionSet.empty(), results=cache)
    placed = plan.assignments()[0]
    solves = counting_solves(monkeypatch)

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
    (stored,) = solve_files(tmp_path)
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


def test_approving_proposals_keeps_the_proven_plan_without_solving_again(
    context: ScoringContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ResultCache(tmp_path)
    first = plan_with_decisions(context, DecisionSet.empty(), results=cache)
    assert first.result.status == "OPTIMAL" and not first.result.carried_over
    proposals = first.assignments()
    used = {(a.student_id, a.company_id) for a in proposals}
    pairs = eligible_pairs(context)
    unused = next(
        (str(pairs.student_ids[s]), str(pairs.company_ids[c]))
        for s, c in zip(pairs.student.tolist(), pairs.company.tolist(), strict=True)
        if (str(pairs.student_ids[s]), str(pairs.company_ids[c])) not in used
    )
    solves = counting_solves(monkeypatch)
    decisions = decided(
        ("approve", proposals[0].student_id, proposals[0].company_id),
        ("lock", proposals[1].student_id, proposals[1].company_id),
        ("forbid", *unused),
    )
    kept = plan_with_decisions(context, decisions, results=cache)
    assert solves == []  # narrowed, and the plan keeps every decision: nothing to solve
    assert kept.result.carried_over and kept.result.status == "OPTIMAL"
    assert np.array_equal(kept.result.pair_of_student, first.result.pair_of_student)
    assert (kept.result.placed_bound, kept.result.interest_bound, kept.result.score_bound) == (
        first.result.placed_bound,
        first.result.interest_bound,
        first.result.score_bound,
    )
    # The same optimum a fresh solve of the narrower problem proves.
    fresh = plan_with_decisions(context, decisions).result
    assert fresh.status == "OPTIMAL"
    assert (fresh.placed, fresh.in_interest, fresh.objective_score) == (
        kept.result.placed,
        kept.result.in_interest,
        kept.result.objective_score,
    )
    # Read back after a restart, still marked as carried over.
    refuse_to_solve(monkeypatch)
    again = plan_with_decisions(context, decisions, results=ResultCache(tmp_path))
    assert again.result.carried_over


def test_decisions_the_plan_breaks_or_drops_or_another_objective_are_solved_again(
    context: ScoringContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ResultCache(tmp_path)
    proposals = plan_with_decisions(context, DecisionSet.empty(), results=cache).assignments()
    a, b = proposals[0], proposals[1]
    solves = counting_solves(monkeypatch)
    # Rejecting a proposal: the plan breaks the decision.
    rejected = plan_with_decisions(context, decided(("reject", a.student_id, a.company_id)), results=cache)
    assert len(solves) == 1 and not rejected.result.carried_over
    assert rejected.mapping()[a.student_id] != a.company_id
    # The rejection's plan is now the last proven; a problem without the rejection does not narrow it.
    approved = plan_with_decisions(context, decided(("approve", b.student_id, b.company_id)), results=cache)
    assert len(solves) == 2 and not approved.result.carried_over
    # Fairness does not add up over the placements: never carried over.
    plan_with_decisions(context, DecisionSet.empty(), objective="fairness", results=cache)
    plan_with_decisions(
        context, decided(("approve", a.student_id, a.company_id)), objective="fairness", results=cache
    )
    assert len(solves) == 4


def test_a_plan_cut_short_or_an_unreadable_record_is_solved_again(
    context: ScoringContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = module.solve_placement
    monkeypatch.setattr(
        module, "solve_placement", lambda *args: dataclasses.replace(real(*args), status="FEASIBLE")
    )
    cache = ResultCache(tmp_path)
    proposals = plan_with_decisions(context, DecisionSet.empty(), results=cache).assignments()
    monkeypatch.setattr(module, "solve_placement", real)
    solves = counting_solves(monkeypatch)
    a = proposals[0]
    plan_with_decisions(context, decided(("approve", a.student_id, a.company_id)), results=cache)
    assert len(solves) == 1  # a FEASIBLE plan is not proven: nothing to carry over

    # A damaged record of the last proven plan is ignored, never trusted: each of these decision sets
    # narrows the approval above and its plan keeps them, so an intact record would carry it over.
    problem = build_problem(context, eligible_pairs(context))
    lineage = module.lineage_key(problem, "count-interest-score")
    for n, damaged in enumerate(
        ({"result": "x"}, {"result": "0" * 64, "lock_pair": [], "forbidden": [-1]}, {"lock_pair": 1}), start=1
    ):
        cache.write(lineage, damaged)
        more = proposals[n]
        plan = plan_with_decisions(
            context,
            decided(("approve", a.student_id, a.company_id), ("approve", more.student_id, more.company_id)),
            results=cache,
        )
        assert len(solves) == 1 + n and not plan.result.carried_over
    # Intact again (the last solve wrote it): the next approval is carried over.
    more = proposals[4]
    plan = plan_with_decisions(
        context,
        decided(
            ("approve", a.student_id, a.company_id),
            ("approve", proposals[3].student_id, proposals[3].company_id),
            ("approve", more.student_id, more.company_id),
        ),
        results=cache,
    )
    assert len(solves) == 4 and plan.result.carried_over


def test_after_an_approval_a_plan_cut_short_never_falls_below_the_one_before(
    context: ScoringContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = module.solve_placement

    def cut_short(*args: object) -> module.PlacementResult:
        found = real(*args)  # type: ignore[arg-type]
        return dataclasses.replace(found, status="FEASIBLE", placed_bound=found.placed + 2)

    monkeypatch.setattr(module, "solve_placement", cut_short)
    cache = ResultCache(tmp_path)
    first = plan_with_decisions(context, DecisionSet.empty(), results=cache).result
    assert first.status == "FEASIBLE"
    proposal = first.assignments()[0]

    def worse(*args: object) -> module.PlacementResult:
        found = cut_short(*args)
        fewer = found.pair_of_student.copy()
        fewer[np.flatnonzero((fewer >= 0) & ~found.problem.locked)[-1]] = -1  # one placement fewer
        return dataclasses.replace(found, pair_of_student=fewer)

    monkeypatch.setattr(module, "solve_placement", worse)
    approved = plan_with_decisions(
        context, decided(("approve", proposal.student_id, proposal.company_id)), results=cache
    ).result
    assert not approved.carried_over  # cut short: solved again ...
    assert np.array_equal(approved.pair_of_student, first.pair_of_student)  # ... and the plan before kept
    assert approved.status == "FEASIBLE" and approved.placed_bound == first.placed + 2
