"""Stable matching: resident-optimal deferred acceptance (students propose), as in hospitals/residents.

Students rank their eligible companies by score; companies rank their eligible
students by score (ties: lower index first); a company accepts up to
``capacity`` students. Pairs whose support load alone exceeds the company's
mentor capacity are left out (no plan can use them).

Stable matching knows nothing of mentor capacity. The plan it returns can
therefore put more support load on a company than its mentors can carry; we
count those companies, then **repair** the plan: at each company over its mentor
capacity, the lowest-scoring students with a support load are unassigned until
it fits. Unassigned students stay unplaced (no second round).

The default matcher, up to ``PACKAGE_MAX_PAIRS`` usable pairs, is the PyPI package
``matching`` (``HospitalResident.solve(optimal="resident")``), run in its own
virtualenv as a separate process (its top-level name collides with this project's
``matching/``); preferences go through an ``.npz`` file. The worker builds the game
without the package's defensive deep copy and input checks, which do not scale
(``bench/stable_worker.py``); the preferences are checked here instead
(``check_preferences``). Above ``PACKAGE_MAX_PAIRS`` the package's ``solve()`` itself
does not scale, and our own deferred acceptance runs
(``bench/methods/deferred_acceptance.py``), the same algorithm with the same unique
result, tested equal to the package's.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from typing import Any

import numpy as np

from bench.problem import BenchProblem

WORKER = Path(__file__).resolve().parent.parent / "stable_worker.py"
MEMORY_CAP_BYTES = 8 << 30
"""Address-space cap of the ``matching`` process: the issue's 8 GB budget for the largest instance, so that
it runs out of memory before the shared machine does."""
PACKAGE_MAX_PAIRS = 4_000_000
"""Above this many usable pairs our own deferred acceptance runs instead of the package: the package's
``solve()`` grows with the cube of the instance's side (123 s at 3.7 million pairs of a subset of the
45,000 x 20,000 instance, over an hour extrapolated to its 40 million; see ``deferred_acceptance.py``)."""


@dataclass(frozen=True, eq=False)
class Preferences:
    """Both sides' ranked lists in compressed form: row ``r`` is ``ranked[ptr[r]:ptr[r + 1]]``."""

    student_ptr: np.ndarray  # (n_students + 1,)
    student_ranks: np.ndarray  # company indices, best first
    company_ptr: np.ndarray  # (n_companies + 1,)
    company_ranks: np.ndarray  # student indices, best first
    capacity: np.ndarray  # (n_companies,)

    def student_list(self, i: int) -> list[int]:
        return self.student_ranks[self.student_ptr[i] : self.student_ptr[i + 1]].tolist()

    def company_list(self, j: int) -> list[int]:
        return self.company_ranks[self.company_ptr[j] : self.company_ptr[j + 1]].tolist()


Matcher = Callable[[Preferences], tuple[np.ndarray, np.ndarray, dict[str, Any]]]
"""Preferences -> (matched students, their companies, timings in seconds and what ran)."""


@dataclass(frozen=True, eq=False)
class StableOutcome:
    """The stable plan as it came from the matcher and after the mentor repair."""

    raw: np.ndarray  # (n_pairs,) bool: the stable matching, mentor limits ignored
    repaired: np.ndarray  # (n_pairs,) bool: the same with mentor overloads removed
    companies_over_mentor: int  # companies whose mentor capacity the raw plan exceeds
    students_dropped: int  # students the repair unassigned
    timings: dict[str, Any] = field(default_factory=dict)


def usable_pairs(problem: BenchProblem) -> np.ndarray:
    """Indices of pairs a plan could use on their own (a slot, and mentor capacity for the load)."""
    return np.flatnonzero(
        (problem.capacity[problem.company] > 0) & (problem.load <= problem.mentor_capacity[problem.company])
    )


def preferences(problem: BenchProblem) -> Preferences:
    """Ranked lists over the usable pairs: higher score first, then lower index."""
    pairs = usable_pairs(problem)
    s, c, w = problem.student[pairs], problem.company[pairs], problem.weight[pairs]
    by_student = np.lexsort((c, -w, s))
    by_company = np.lexsort((s, -w, c))
    return Preferences(
        student_ptr=np.concatenate([[0], np.cumsum(np.bincount(s, minlength=problem.n_students))]),
        student_ranks=c[by_student],
        company_ptr=np.concatenate([[0], np.cumsum(np.bincount(c, minlength=problem.n_companies))]),
        company_ranks=s[by_company],
        capacity=problem.capacity.copy(),
    )


def check_preferences(prefs: Preferences) -> None:
    """Raise unless ``prefs`` is a valid hospitals/residents input, as the direct build of the game assumes.

    Valid: every list strict (no one ranked twice), every pair ranked by both sides (the two
    sides hold the same set of pairs), every company with a list has at least one slot. These
    are what ``HospitalResident.check_inputs`` would warn about; ``stable_worker.py --build
    direct`` skips those checks, which do not scale, so they are made here in numpy.
    """
    n_students, n_companies = prefs.student_ptr.size - 1, prefs.company_ptr.size - 1
    by_student = np.repeat(np.arange(n_students), np.diff(prefs.student_ptr))
    by_company = np.repeat(np.arange(n_companies), np.diff(prefs.company_ptr))
    if not (
        ((prefs.student_ranks >= 0) & (prefs.student_ranks < n_companies)).all()
        and ((prefs.company_ranks >= 0) & (prefs.company_ranks < n_students)).all()
    ):
        raise ValueError("a list names a player who does not exist")
    from_students = np.sort(by_student * n_companies + prefs.student_ranks)
    from_companies = np.sort(prefs.company_ranks * n_companies + by_company)
    if from_students.size and (np.diff(from_students) == 0).any():
        raise ValueError("a student ranks a company twice")
    if not np.array_equal(from_students, from_companies):
        raise ValueError("the students' and the companies' lists do not hold the same pairs")
    if (prefs.capacity[np.diff(prefs.company_ptr) > 0] < 1).any():
        raise ValueError("a company with a list has no slot")


def default_matcher(prefs: Preferences) -> Matcher:
    """The package up to ``PACKAGE_MAX_PAIRS`` usable pairs, our own deferred acceptance above."""
    if prefs.student_ranks.size <= PACKAGE_MAX_PAIRS:
        return run_matching_package
    from bench.methods.deferred_acceptance import deferred_acceptance

    return deferred_acceptance


def solve_stable(problem: BenchProblem, matcher: Matcher | None = None) -> StableOutcome:
    """Resident-optimal stable matching of ``problem``, then the mentor repair."""
    prefs = preferences(problem)
    students, companies, timings = (matcher or default_matcher(prefs))(prefs)
    raw = plan_from_matches(problem, students, companies)
    repaired = repair_mentor(problem, raw)
    use = np.bincount(problem.company[raw], weights=problem.load[raw], minlength=problem.n_companies)
    return StableOutcome(
        raw=raw,
        repaired=repaired,
        companies_over_mentor=int((use > problem.mentor_capacity).sum()),
        students_dropped=int(raw.sum() - repaired.sum()),
        timings=timings,
    )


def plan_from_matches(problem: BenchProblem, students: np.ndarray, companies: np.ndarray) -> np.ndarray:
    """The pair mask of matched (student, company) index pairs; every match must be an eligible pair."""
    key = problem.student * problem.n_companies + problem.company
    order = np.argsort(key, kind="stable")
    wanted = np.asarray(students, dtype=np.int64) * problem.n_companies + np.asarray(
        companies, dtype=np.int64
    )
    at = np.searchsorted(key[order], wanted)
    found = at < key.size
    found[found] = key[order][at[found]] == wanted[found]
    if not found.all():
        raise ValueError(f"the matcher returned {int((~found).sum())} pairs that are not eligible")
    chosen = np.zeros(problem.n_pairs, dtype=bool)
    chosen[order[at]] = True
    return chosen


def repair_mentor(problem: BenchProblem, chosen: np.ndarray) -> np.ndarray:
    """Unassign, at each company over its mentor capacity, its lowest-scoring loaded students until it fits."""
    repaired = chosen.copy()
    use = np.bincount(problem.company[chosen], weights=problem.load[chosen], minlength=problem.n_companies)
    excess = use.astype(np.int64) - problem.mentor_capacity
    # Only the chosen pairs with a load at companies over their capacity can go: a few thousand at most,
    # where a scan of every pair per company took minutes at 40 million pairs.
    mine = np.flatnonzero(chosen & (problem.load > 0))
    mine = mine[excess[problem.company[mine]] > 0]
    # By company, then lowest score first, then lower student index.
    for k in mine[np.lexsort((problem.student[mine], problem.weight[mine], problem.company[mine]))].tolist():
        j = int(problem.company[k])
        if excess[j] > 0:
            repaired[k] = False
            excess[j] -= problem.load[k]
    return repaired


def run_matching_package(
    prefs: Preferences,
    python: str | os.PathLike[str] | None = None,
    memory_cap: int = MEMORY_CAP_BYTES,
    build: str = "direct",
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Solve with ``matching.games.HospitalResident`` in its own virtualenv, through files.

    ``build`` is how the worker makes the game (``stable_worker.py``): ``direct`` (the
    default) skips the package's deep copy and input checks, so the inputs are checked here
    first; ``package`` uses ``create_from_dictionaries`` unchanged.
    """
    from bench.venv import matching_python

    if build == "direct":
        check_preferences(prefs)
    python = matching_python() if python is None else python
    with tempfile.TemporaryDirectory(prefix="bench-stable-") as folder:
        given, answer = Path(folder) / "preferences.npz", Path(folder) / "matching.npz"
        np.savez(
            given,
            student_ptr=prefs.student_ptr,
            student_ranks=prefs.student_ranks,
            company_ptr=prefs.company_ptr,
            company_ranks=prefs.company_ranks,
            capacity=prefs.capacity,
        )
        # -I: isolated mode, so neither this repository nor its `matching/` is on the child's path.
        started = perf_counter()
        done = subprocess.run(
            [str(python), "-I", str(WORKER), str(given), str(answer), "--build", build],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (memory_cap, memory_cap)),
        )
        if done.returncode != 0:
            last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
            # The child's peak: RUSAGE_CHILDREN is the largest of the children waited for, here only it.
            peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            raise RuntimeError(
                f"the matching package failed after {perf_counter() - started:.0f} s at a peak of "
                f"{peak_mb:,.0f} MB under its address-space cap of {memory_cap >> 30} GB (exit {done.returncode}): {last}"
            )
        with np.load(answer) as data:
            students, companies = data["student"].astype(np.int64), data["company"].astype(np.int64)
        reported = json.loads(done.stdout.strip().splitlines()[-1])
        package_peak_mb = reported.pop("peak_mb", None)
        timings = {"matcher": "package", **reported, "package_peak_mb": package_peak_mb}
    return students, companies, timings
