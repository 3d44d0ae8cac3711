"""The benchmark harness on the quick instances: every plan keeps the limits, the optimizer is never behind.

Stable matching is checked against a small pure-Python reference of
resident-optimal deferred acceptance written here, so most tests need neither the
PyPI package ``matching`` nor its virtualenv. Two tests run the package itself
(creating bench/.venv-matching if needed): the game built
directly equals the one ``create_from_dictionaries`` builds, and our own deferred
acceptance (used above ``PACKAGE_MAX_PAIRS``) equals the package's matching.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bench.evaluate import plan_stats
from bench.instances import QUICK, spec_named
from bench.methods.deferred_acceptance import deferred_acceptance as own_deferred_acceptance
from bench.methods.exact import solve_exact
from bench.methods.greedy import solve_greedy
from bench.methods.stable import Preferences, check_preferences, preferences, solve_stable
from bench.problem import BenchProblem
from bench.run import InstanceRun, checks, run_instance

ROOT = Path(__file__).resolve().parents[2]


def deferred_acceptance(prefs: Preferences) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    """Resident-optimal stable matching: students propose down their lists, companies keep their best."""
    n_students, n_companies = prefs.student_ptr.size - 1, prefs.company_ptr.size - 1
    rank = {(j, i): r for j in range(n_companies) for r, i in enumerate(prefs.company_list(j))}
    lists = [prefs.student_list(i) for i in range(n_students)]
    next_choice = [0] * n_students
    held: list[list[int]] = [[] for _ in range(n_companies)]
    free = [i for i in range(n_students) if lists[i]]
    while free:
        i = free.pop()
        if next_choice[i] >= len(lists[i]):
            continue
        j = lists[i][next_choice[i]]
        next_choice[i] += 1
        held[j].append(i)
        held[j].sort(key=lambda s, j=j: rank[j, s])
        if len(held[j]) > prefs.capacity[j]:
            free.append(held[j].pop())
    pairs = [(i, j) for j in range(n_companies) for i in held[j]]
    students = np.array([i for i, _ in pairs], dtype=np.int64)
    companies = np.array([j for _, j in pairs], dtype=np.int64)
    return students, companies, {}


def random_problem(
    seed: int, n_students: int = 30, n_companies: int = 12, density: float = 0.3
) -> BenchProblem:
    rng = np.random.default_rng(seed)
    mask = rng.random((n_students, n_companies)) < density
    student, company = np.nonzero(mask)
    return BenchProblem(
        n_students=n_students,
        n_companies=n_companies,
        student=student.astype(np.int64),
        company=company.astype(np.int64),
        weight=rng.integers(2000, 10_000, student.size),
        load=rng.integers(0, 4, student.size),
        capacity=rng.integers(0, 4, n_companies),
        mentor_capacity=rng.integers(0, 8, n_companies),
        scale=100,
    )


def is_stable(problem: BenchProblem, chosen: np.ndarray) -> bool:
    """No eligible pair (s, c) where s prefers c to its match and c has room or prefers s to someone it has."""
    own = np.full(problem.n_students, -1, dtype=np.int64)
    own[problem.student[chosen]] = problem.weight[chosen]
    taken = np.bincount(problem.company[chosen], minlength=problem.n_companies)
    worst = np.full(problem.n_companies, np.iinfo(np.int64).max)
    np.minimum.at(worst, problem.company[chosen], problem.weight[chosen])
    for k in np.flatnonzero(~chosen & (problem.capacity[problem.company] > 0)):
        if problem.load[k] > problem.mentor_capacity[problem.company[k]]:
            continue
        s, c, w = problem.student[k], problem.company[k], problem.weight[k]
        if w > own[s] and (taken[c] < problem.capacity[c] or w > worst[c]):
            return False
    return True


@pytest.fixture(scope="module")
def quick_results(tmp_path_factory: pytest.TempPathFactory) -> list[InstanceRun]:
    folder = tmp_path_factory.mktemp("bench")
    return [
        run_instance(spec_named(name), folder, ("optimizer", "greedy", "exact"), repeats=1) for name in QUICK
    ]


def test_quick_harness_keeps_limits_and_optimizer_is_never_behind(quick_results: list[InstanceRun]) -> None:
    for result in quick_results:
        for method, run in result.runs.items():
            assert run.error is None, f"{result.spec.name}: {method}: {run.error}"
            assert run.stats is not None and run.stats.feasible, (result.spec.name, method, run.stats)
        found = checks(result)
        failed = [c for c in found if c.passed is not True]
        assert not failed, failed
        names = {c.name for c in found}
        assert "optimizer equals the exact optimum" in names
        assert "optimizer places at least as many as greedy" in names


def test_optimizer_places_at_least_as_many_as_stable_matching(quick_results: list[InstanceRun]) -> None:
    for result in quick_results:
        problem = BenchProblem.read(result.problem_path)
        stable = solve_stable(problem, matcher=deferred_acceptance)
        repaired = plan_stats(problem, stable.repaired)
        assert repaired.feasible
        assert plan_stats(problem, stable.raw).within_capacity
        optimizer = result.runs["optimizer"].stats
        assert optimizer is not None and optimizer.placed >= repaired.placed, result.spec.name
        assert optimizer.placed >= plan_stats(problem, solve_greedy(problem)).placed


def test_the_tight_variant_is_tight(quick_results: list[InstanceRun]) -> None:
    tight = next(r for r in quick_results if r.spec.tight)
    loose = next(r for r in quick_results if not r.spec.tight)
    assert tight.summary["slots"] < loose.summary["slots"]
    greedy, exact = tight.runs["greedy"].stats, tight.runs["exact"].stats
    assert greedy is not None and exact is not None and exact.placed > greedy.placed


@pytest.mark.parametrize("seed", range(12))
def test_methods_on_random_problems(seed: int) -> None:
    problem = random_problem(seed)
    exact = solve_exact(problem)
    assert exact.optimal
    best = plan_stats(problem, exact.chosen)
    assert best.feasible
    greedy = plan_stats(problem, solve_greedy(problem))
    assert greedy.feasible and greedy.placed <= best.placed
    stable = solve_stable(problem, matcher=deferred_acceptance)
    assert is_stable(problem, stable.raw)
    repaired = plan_stats(problem, stable.repaired)
    assert repaired.feasible and repaired.placed <= best.placed
    # Without mentor limits, HiGHS and the min-cost flow must agree on the optimum.
    free = BenchProblem(**{**problem.__dict__, "mentor_capacity": np.full(problem.n_companies, 10**6)})
    flow, milp = solve_exact(free), solve_exact(free, milp_max_pairs=10**9)
    assert flow.method == "min-cost flow"
    by_flow, by_milp = plan_stats(free, flow.chosen), plan_stats(free, milp.chosen)
    assert (by_flow.placed, by_flow.weight) == (by_milp.placed, by_milp.weight)


STUB_MATCHING = '''
class _Player:
    def __init__(self, name):
        self.name = name


class HospitalResident:
    """A stand-in for matching.games.HospitalResident: resident-optimal deferred acceptance."""

    @classmethod
    def create_from_dictionaries(cls, resident_prefs, hospital_prefs, capacities):
        game = cls()
        game.resident_prefs, game.hospital_prefs, game.capacities = resident_prefs, hospital_prefs, capacities
        return game

    def solve(self, optimal="resident"):
        assert optimal == "resident"
        rank = {(h, r): k for h, rs in self.hospital_prefs.items() for k, r in enumerate(rs)}
        nxt = {r: 0 for r in self.resident_prefs}
        held = {h: [] for h in self.hospital_prefs}
        free = list(self.resident_prefs)
        while free:
            r = free.pop()
            if nxt[r] >= len(self.resident_prefs[r]):
                continue
            h = self.resident_prefs[r][nxt[r]]
            nxt[r] += 1
            held[h].append(r)
            held[h].sort(key=lambda s: rank[h, s])
            if len(held[h]) > self.capacities[h]:
                free.append(held[h].pop())
        return {_Player(h): [_Player(r) for r in rs] for h, rs in held.items()}
'''


def test_stable_worker_exchanges_files_with_the_package(tmp_path: Path) -> None:
    """bench/stable_worker.py, run as the harness runs it, against a stub of the package's API."""
    package = tmp_path / "site" / "matching"
    (package / "games").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "games" / "__init__.py").write_text(STUB_MATCHING)
    problem = random_problem(7)
    from bench.methods import stable

    prefs = stable.preferences(problem)
    np.savez(
        tmp_path / "preferences.npz",
        student_ptr=prefs.student_ptr,
        student_ranks=prefs.student_ranks,
        company_ptr=prefs.company_ptr,
        company_ranks=prefs.company_ranks,
        capacity=prefs.capacity,
    )
    code = (
        "import sys, runpy, importlib.metadata as m; sys.path.insert(0, sys.argv[1]); "
        "m.version = lambda name: 'stub'; sys.argv = sys.argv[2:]; "
        "runpy.run_path(sys.argv[0], run_name='__main__')"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            str(tmp_path / "site"),
            str(ROOT / "bench" / "stable_worker.py"),
            str(tmp_path / "preferences.npz"),
            str(tmp_path / "matching.npz"),
            "--build",
            "package",  # the stub has only create_from_dictionaries
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["matching_version"] == "stub"
    with np.load(tmp_path / "matching.npz") as data:
        via_worker = stable.plan_from_matches(problem, data["student"], data["company"])
    direct = solve_stable(problem, matcher=deferred_acceptance).raw
    assert np.array_equal(via_worker, direct)


@pytest.mark.parametrize("seed", range(12))
def test_own_deferred_acceptance_equals_the_reference(seed: int) -> None:
    problem = random_problem(seed, n_students=60, n_companies=20, density=0.4)
    ours = solve_stable(problem, matcher=own_deferred_acceptance)
    reference = solve_stable(problem, matcher=deferred_acceptance)
    assert np.array_equal(ours.raw, reference.raw)
    assert np.array_equal(ours.repaired, reference.repaired)
    assert ours.timings["matcher"] == "own"


def test_above_the_package_limit_our_own_deferred_acceptance_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.methods import stable

    monkeypatch.setattr(stable, "PACKAGE_MAX_PAIRS", 0)
    problem = random_problem(3)
    outcome = solve_stable(problem)
    assert outcome.timings["matcher"] == "own"
    assert np.array_equal(outcome.raw, solve_stable(problem, matcher=deferred_acceptance).raw)


@pytest.mark.parametrize("seed", range(6))
def test_repair_mentor_unassigns_the_lowest_scoring_loaded_students(seed: int) -> None:
    """The repair against a plain per-company reference: lowest score first, then lower student index."""
    from bench.methods.stable import repair_mentor

    problem = random_problem(seed, n_students=80, n_companies=10, density=0.5)
    chosen = solve_stable(problem, matcher=deferred_acceptance).raw
    expected = chosen.copy()
    for j in range(problem.n_companies):
        mine = [k for k in np.flatnonzero(chosen) if problem.company[k] == j and problem.load[k] > 0]
        excess = int(problem.load[chosen & (problem.company == j)].sum()) - int(problem.mentor_capacity[j])
        for k in sorted(mine, key=lambda k: (problem.weight[k], problem.student[k])):
            if excess <= 0:
                break
            expected[k] = False
            excess -= int(problem.load[k])
    assert np.array_equal(repair_mentor(problem, chosen), expected)


def test_check_preferences_rejects_what_the_package_would_warn_about() -> None:
    prefs = preferences(random_problem(5))
    check_preferences(prefs)
    fields = prefs.__dict__

    def altered(**changes: np.ndarray) -> Preferences:
        return Preferences(**{**fields, **changes})

    twice = prefs.student_ranks.copy()
    row = int(np.flatnonzero(np.diff(prefs.student_ptr) >= 2)[0])
    twice[prefs.student_ptr[row] + 1] = twice[prefs.student_ptr[row]]
    with pytest.raises(ValueError, match="twice"):
        check_preferences(altered(student_ranks=twice))
    one_sided = prefs.company_ranks.copy()
    one_sided[0] = (one_sided[0] + 1) % (prefs.student_ptr.size - 1)
    with pytest.raises(ValueError, match="same pairs"):
        check_preferences(altered(company_ranks=one_sided))
    no_slot = prefs.capacity.copy()
    no_slot[int(np.flatnonzero(np.diff(prefs.company_ptr) > 0)[0])] = 0
    with pytest.raises(ValueError, match="no slot"):
        check_preferences(altered(capacity=no_slot))
    outside = prefs.student_ranks.copy()
    outside[0] = prefs.company_ptr.size - 1
    with pytest.raises(ValueError, match="does not exist"):
        check_preferences(altered(student_ranks=outside))


@pytest.fixture(scope="module")
def package_python() -> Path:
    """bench/.venv-matching's Python with the real package, created on first use (the harness needs it too)."""
    from bench.venv import matching_python

    return matching_python()


def test_the_package_gives_the_same_matching_however_the_game_is_built(
    quick_results: list[InstanceRun], package_python: Path
) -> None:
    """On the pilot instances: the direct build, create_from_dictionaries unchanged and our own agree."""
    from bench.methods.stable import plan_from_matches, run_matching_package

    for result in quick_results:
        problem = BenchProblem.read(result.problem_path)
        prefs = preferences(problem)
        plans = {}
        for build in ("package", "direct"):
            students, companies, timings = run_matching_package(prefs, python=package_python, build=build)
            assert timings["build"] == build and timings["matcher"] == "package"
            plans[build] = plan_from_matches(problem, students, companies)
        ours = solve_stable(problem, matcher=own_deferred_acceptance).raw
        assert plans["package"].sum() > 0, result.spec.name
        assert np.array_equal(plans["direct"], plans["package"]), result.spec.name
        assert np.array_equal(ours, plans["package"]), result.spec.name


@pytest.mark.parametrize("seed", range(6))
def test_priced_milp_equals_the_whole_milp(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The priced MILP (used above 3 million pairs) proves the same optimum as one MILP over every pair."""
    from bench.methods import priced as priced_module

    # Start from each student's best pair only, so that pricing and the reduced-cost proof must add pairs.
    monkeypatch.setattr(priced_module, "START_PER_STUDENT", 1)
    monkeypatch.setattr(priced_module, "ADD_PER_STUDENT", 1)
    problem = random_problem(seed, n_students=40, n_companies=30, density=0.6)
    whole = solve_exact(problem, milp_max_pairs=10**9)
    priced = solve_exact(problem, milp_max_pairs=0)
    assert whole.method == "MILP (HiGHS)" and priced.method == "priced MILP (HiGHS)"
    a, b = plan_stats(problem, whole.chosen), plan_stats(problem, priced.chosen)
    assert b.feasible
    assert priced.details["pricing_rounds_count_stage"] > 1
    if priced.optimal:
        assert (a.placed, a.weight) == (b.placed, b.weight)
    else:  # not proven: its plan cannot beat the optimum, its bound cannot be below it
        assert (b.placed, b.weight) <= (a.placed, a.weight) <= (priced.bound_placed, priced.bound_weight)


def _fake_run(placed: int, weight: int, exact_info: dict[str, object], has_exact_plan: bool) -> InstanceRun:
    from bench.evaluate import PlanStats
    from bench.run import MethodRun

    def stats(p: int, w: int) -> PlanStats:
        return PlanStats(p, w, 1, 0, 0, 0, 100)

    runs = {
        "optimizer": MethodRun("optimizer", [1.0], 100.0, {}, stats(placed, weight)),
        "exact": MethodRun("exact", [1.0], 100.0, exact_info, stats(90, 9000) if has_exact_plan else None),
    }
    return InstanceRun(spec_named("pilot"), {}, Path("unused"), runs)


def test_checks_against_a_bound_only_reference() -> None:
    """Without an exact plan, the optimizer is checked against the bound: above it fails, at it passes."""
    info = {
        "method": "min-cost flow relaxation",
        "optimal": False,
        "bound_placed": 100,
        "bound_weight": 10_000,
    }

    def verdict(placed: int, weight: int) -> bool | None:
        found = [
            c for c in checks(_fake_run(placed, weight, info, False)) if c.name.endswith("exact optimum")
        ]
        return found[0].passed

    assert verdict(100, 10_000) is True
    assert verdict(100, 10_001) is False
    assert verdict(101, 0) is False
    assert verdict(100, 9_990) is None  # count proven, score not
    assert verdict(99, 9_990) is None
    produced = [c for c in checks(_fake_run(100, 9_990, info, False)) if c.name == "exact produced a plan"]
    assert produced and produced[0].passed is None


def test_checks_against_a_better_reference_plan_fail() -> None:
    info = {"method": "priced MILP (HiGHS)", "optimal": False, "bound_placed": 100, "bound_weight": 10_000}
    found = [c for c in checks(_fake_run(80, 8_000, info, True)) if c.name.endswith("exact optimum")]
    assert found[0].passed is False


def test_saved_results_render_the_same_checks(quick_results: list[InstanceRun], tmp_path: Path) -> None:
    from bench.results_io import load_results, save_results

    save_results(tmp_path / "results.json", quick_results, "header")
    loaded, header = load_results(tmp_path / "results.json")
    assert header == "header"
    assert [checks(r) for r in loaded] == [checks(r) for r in quick_results]


def test_rendering_saved_results_keeps_the_rest_of_the_report(
    quick_results: list[InstanceRun], tmp_path: Path
) -> None:
    """``python -m bench --from-results`` rewrites the header and the comparison only: the text
    between sections and the sections it does not write (``revisions``) stay as they were."""
    from bench.__main__ import main
    from bench.results_io import save_results
    from bench.sections import read_section, wrap

    save_results(tmp_path / "results.json", quick_results, "the saved run's header")
    report = tmp_path / "benchmarks.md"
    by_hand = "A paragraph written by hand between two sections."
    report.write_text(
        wrap("header", "an old header")
        + "\n"
        + wrap("comparison", "an old table")
        + "\n"
        + by_hand
        + "\n\n"
        + wrap("revisions", "two revisions side by side")
        + "\nThe last words, by hand.\n",
        encoding="utf-8",
    )
    main(["--from-results", str(tmp_path / "results.json"), "--out", str(report)])
    text = report.read_text(encoding="utf-8")
    assert read_section(text, "header") == "the saved run's header"
    assert read_section(text, "comparison") not in (None, "an old table")
    assert by_hand in text and text.rstrip().endswith("The last words, by hand.")
    assert read_section(text, "revisions") == "two revisions side by side"
    assert text.index(by_hand) < text.index("two revisions side by side")
    assert not report.with_suffix(".md.tmp").exists()


@pytest.mark.parametrize("seed", range(6))
def test_the_three_stage_milp_is_the_interest_first_optimum(seed: int) -> None:
    """HiGHS's interest-first stages (``bench/tight_interests.py``) equal one MILP on lexicographic weights."""
    from bench.methods.exact import solve_milp_interests
    from bench.methods.milp_model import solve_stage
    from bench.methods.stable import usable_pairs

    problem = random_problem(seed, n_students=40, n_companies=20, density=0.4)
    usable = usable_pairs(problem)
    binding = problem.mentor_can_bind()
    in_interest = np.random.default_rng(seed + 100).random(usable.size) < 0.4
    picked, optimal, status, bound = solve_milp_interests(problem, usable, binding, in_interest, 30.0)
    weight = problem.weight[usable]
    per_interest = int(weight.sum()) + 1  # one more within interests outweighs any weight
    per_placement = (int(in_interest.sum()) + 1) * per_interest
    lexicographic = per_placement + per_interest * in_interest.astype(np.int64) + weight
    whole = solve_stage(problem, usable, binding, lexicographic, None, 30.0)
    assert optimal and status == "OPTIMAL" and whole.optimal
    value = lambda chosen: (int(chosen.sum()), int(in_interest[chosen].sum()), int(weight[chosen].sum()))  # noqa: E731
    assert value(picked) == value(whole.chosen) == bound
    plan = np.zeros(problem.n_pairs, dtype=bool)
    plan[usable[picked]] = True
    assert plan_stats(problem, plan).feasible
