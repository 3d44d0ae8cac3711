"""The placement problem as ``A x <= b`` over a set of pairs, solved by HiGHS (``scipy.optimize``).

Rows: one per student (at most one internship), one per company (at most
``capacity`` students), and one per company whose mentor limit can bind (support
load at most ``mentor_capacity``). A stage objective is one number per pair
(1 to count placements, or the integer weight); ``min_count`` adds the row
"at least that many placed" of the second stage, and ``at_least`` rows "an earlier
stage's objective at least its optimum" (``exact.solve_stages``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_matrix, vstack

from bench.problem import BenchProblem


@dataclass(frozen=True, eq=False)
class Rows:
    """``matrix @ x <= upper`` over the given pairs."""

    matrix: csr_matrix
    upper: np.ndarray
    mentor_companies: np.ndarray  # companies with a mentor row, in row order


def placement_rows(
    problem: BenchProblem,
    pairs: np.ndarray,
    binding: np.ndarray,
    min_count: int | None,
    at_least: Sequence[tuple[np.ndarray, int]] = (),
) -> Rows:
    n = pairs.size
    student, company = problem.student[pairs], problem.company[pairs]
    columns = np.arange(n)
    ones = np.ones(n)
    mentor_companies = np.flatnonzero(binding)
    row_of = np.full(problem.n_companies, -1)
    row_of[mentor_companies] = np.arange(mentor_companies.size)
    in_mentor = binding[company]
    blocks = [
        # Each student takes at most one internship.
        csr_matrix((ones, (student, columns)), shape=(problem.n_students, n)),
        # A company takes at most `capacity` students.
        csr_matrix((ones, (company, columns)), shape=(problem.n_companies, n)),
        # The students at a company use at most its mentor capacity (only where the limit can bind).
        csr_matrix(
            (problem.load[pairs][in_mentor].astype(float), (row_of[company[in_mentor]], columns[in_mentor])),
            shape=(mentor_companies.size, n),
        ),
    ]
    upper = [
        np.ones(problem.n_students),
        problem.capacity.astype(float),
        problem.mentor_capacity[mentor_companies].astype(float),
    ]
    if min_count is not None:
        # At least `min_count` students placed (the first stage's optimum), written as -sum(x) <= -min_count.
        blocks.append(csr_matrix(-ones.reshape(1, -1)))
        upper.append(np.array([-float(min_count)]))
    for coefficients, value in at_least:
        # coefficients . x >= value (one per pair of `pairs`), written as -coefficients . x <= -value.
        blocks.append(csr_matrix(-coefficients.astype(float).reshape(1, -1)))
        upper.append(np.array([-float(value)]))
    return Rows(csr_matrix(vstack(blocks)), np.concatenate(upper), mentor_companies)


@dataclass(frozen=True, eq=False)
class StageResult:
    chosen: np.ndarray  # (len(pairs),) bool
    value: int  # objective of the plan found
    optimal: bool
    bound: int  # HiGHS's proven bound (equal to value when optimal)
    message: str


def solve_stage(
    problem: BenchProblem,
    pairs: np.ndarray,
    binding: np.ndarray,
    objective: np.ndarray,
    min_count: int | None,
    time_limit: float,
    at_least: Sequence[tuple[np.ndarray, int]] = (),
) -> StageResult:
    """Maximise ``objective`` (integers) over integer plans of ``pairs`` with HiGHS's MILP solver.

    Presolve is off: on these models HiGHS spent most of its time in presolve and
    symmetry detection, and solved the root LP to an integral optimum without them.
    """
    rows = placement_rows(problem, pairs, binding, min_count, at_least)
    found = milp(
        -objective.astype(float),
        integrality=np.ones(pairs.size),
        bounds=Bounds(0, 1),
        constraints=[LinearConstraint(rows.matrix, -np.inf, rows.upper)],
        options={"time_limit": max(time_limit, 1.0), "mip_rel_gap": 0.0, "presolve": False},
    )
    if found.x is None:
        return StageResult(
            np.zeros(pairs.size, dtype=bool), 0, False, int(objective.clip(0).sum()), found.message
        )
    chosen = found.x > 0.5
    value = int(objective[chosen].sum())
    optimal = found.status == 0
    bound = value if optimal else int(np.floor(-found.mip_dual_bound + 1e-6))
    return StageResult(chosen, value, optimal, bound, "OPTIMAL" if optimal else str(found.message))


@dataclass(frozen=True, eq=False)
class Duals:
    """Non-negative prices of the rows of an LP relaxation (zero for rows the model does not have)."""

    student: np.ndarray  # (n_students,)
    company: np.ndarray  # (n_companies,)
    mentor: np.ndarray  # (n_companies,)
    count: float  # price of "at least min_count placed" (0 without it)


def lp_duals(
    problem: BenchProblem,
    pairs: np.ndarray,
    binding: np.ndarray,
    objective: np.ndarray,
    min_count: int | None,
    time_limit: float,
) -> Duals:
    """Duals of the LP relaxation over ``pairs`` (HiGHS), for pricing the pairs left out.

    Interior point with crossover: on the largest instance it was many times faster
    than the simplex method, and crossover still returns a basic solution's duals.
    """
    rows = placement_rows(problem, pairs, binding, min_count)
    solved = linprog(
        -objective.astype(float),
        A_ub=rows.matrix,
        b_ub=rows.upper,
        bounds=(0, 1),
        method="highs-ipm",
        options={"time_limit": max(time_limit, 1.0)},
    )
    if solved.status != 0:
        raise RuntimeError(f"the LP relaxation was not solved: {solved.message}")
    price = np.maximum(-np.asarray(solved.ineqlin.marginals), 0.0)
    n_s, n_c = problem.n_students, problem.n_companies
    mentor = np.zeros(n_c)
    mentor[rows.mentor_companies] = price[n_s + n_c : n_s + n_c + rows.mentor_companies.size]
    count = float(price[-1]) if min_count is not None else 0.0
    return Duals(price[:n_s], price[n_s : n_s + n_c], mentor, count)


def reduced_costs(
    problem: BenchProblem, pairs: np.ndarray, objective: np.ndarray, duals: Duals
) -> np.ndarray:
    """``objective - (prices of the rows the pair uses)`` for each pair; positive: it could improve the LP."""
    student, company = problem.student[pairs], problem.company[pairs]
    return (
        objective
        - duals.student[student]
        - duals.company[company]
        - problem.load[pairs] * duals.mentor[company]
        + duals.count
    )


def dual_bound(problem: BenchProblem, duals: Duals, reduced: np.ndarray, min_count: int | None) -> float:
    """An upper bound on the objective of every plan over all pairs (weak duality with ``0 <= x <= 1``).

    Valid for any non-negative prices, however accurate: pairs priced positive add
    their reduced cost, as each can be used at most once.
    """
    return float(
        duals.student.sum()
        + problem.capacity @ duals.company
        + problem.mentor_capacity @ duals.mentor
        - (min_count or 0) * duals.count
        + reduced.clip(0).sum()
    )
