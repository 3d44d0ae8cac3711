"""Random placement problems (Hypothesis) and an independent exact reference (HiGHS through scipy).

The reference shares no code with ``optimizer/``: one MILP over every pair with the
locks and forbids as variable bounds, solved lexicographically in stages (each stage
fixes the optimum of the one before), on the same integer scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import strategies as st
from scipy.optimize import LinearConstraint, milp

from matching.pair_table import PairTable


def make_table(
    n_students: int,
    n_companies: int,
    student: list[int],
    company: list[int],
    score: list[float],
    load: list[int],
    capacity: list[int],
    mentor_capacity: list[int],
) -> PairTable:
    reason_codes = ("travel", "hours")
    counts = np.zeros((n_students, 2), dtype=np.int64)
    per_student = np.bincount(np.asarray(student, dtype=np.int64), minlength=n_students)
    counts[:, 0] = n_companies - per_student
    return PairTable(
        student_ids=np.array([f"S{i + 1:03d}" for i in range(n_students)]),
        company_ids=np.array([f"C{j + 1:03d}" for j in range(n_companies)]),
        student=np.asarray(student, dtype=np.int32),
        company=np.asarray(company, dtype=np.int32),
        score=np.asarray(score, dtype=np.float64),
        travel_minutes=np.full(len(student), 20.0),
        support_load=np.asarray(load, dtype=np.int64),
        capacity=np.asarray(capacity, dtype=np.int64),
        mentor_capacity=np.asarray(mentor_capacity, dtype=np.int64),
        reason_codes=reason_codes,
        ineligible_counts=counts,
    )


@st.composite
def pair_tables(draw: st.DrawFn, max_students: int = 7, max_companies: int = 4) -> PairTable:
    """Small random networks, often with mentor limits that bind."""
    n_students = draw(st.integers(1, max_students))
    n_companies = draw(st.integers(1, max_companies))
    cells = [(i, j) for i in range(n_students) for j in range(n_companies)]
    eligible = draw(st.lists(st.booleans(), min_size=len(cells), max_size=len(cells)))
    chosen = [cell for cell, keep in zip(cells, eligible, strict=True) if keep]
    k = len(chosen)
    score = draw(
        st.lists(
            st.one_of(st.floats(0, 100, allow_nan=False), st.integers(0, 20).map(lambda v: 5.0 * v)),
            min_size=k,
            max_size=k,
        )
    )
    load = draw(st.lists(st.integers(0, 3), min_size=k, max_size=k))
    capacity = draw(st.lists(st.integers(0, 3), min_size=n_companies, max_size=n_companies))
    mentor = draw(st.lists(st.integers(0, 6), min_size=n_companies, max_size=n_companies))
    return make_table(
        n_students,
        n_companies,
        [c[0] for c in chosen],
        [c[1] for c in chosen],
        score,
        load,
        capacity,
        mentor,
    )


def random_table(
    rng: np.random.Generator, n_students: int, n_companies: int, density: float, tight: bool = True
) -> PairTable:
    """A larger random network; ``tight``: small mentor capacities, so the limits bind often."""
    mask = rng.random((n_students, n_companies)) < density
    student, company = np.nonzero(mask)
    score = np.round(rng.uniform(20, 100, student.size), 2)
    load = rng.choice([0, 1, 2, 3], student.size, p=[0.2, 0.3, 0.3, 0.2])
    capacity = rng.choice([1, 2, 3, 4], n_companies, p=[0.3, 0.4, 0.2, 0.1])
    factor = rng.choice([1, 2], n_companies) if tight else rng.choice([2, 3], n_companies)
    mentor = capacity * factor
    return make_table(
        n_students,
        n_companies,
        student.tolist(),
        company.tolist(),
        score.tolist(),
        load.tolist(),
        capacity.tolist(),
        mentor.tolist(),
    )


@dataclass(frozen=True)
class Reference:
    placed: int
    weight: int  # sum of round(score * 100)
    chosen: np.ndarray  # (n_pairs,) bool


def integer_weight(score: np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(score, dtype=np.float64) * 100).astype(np.int64)


def placement_rows(table: PairTable) -> tuple[sp.csr_matrix, np.ndarray]:
    """``matrix @ x <= upper`` over the pairs: each student at most once, each company's capacity and
    its mentor capacity."""
    n = table.n_pairs
    columns = np.arange(n)
    matrix = sp.vstack(
        [
            sp.csr_matrix((np.ones(n), (table.student, columns)), shape=(table.n_students, n)),
            sp.csr_matrix((np.ones(n), (table.company, columns)), shape=(table.n_companies, n)),
            sp.csr_matrix(
                (table.support_load.astype(float), (table.company, columns)), shape=(table.n_companies, n)
            ),
        ]
    ).tocsr()
    upper = np.r_[np.ones(table.n_students), table.capacity, table.mentor_capacity].astype(float)
    return matrix, upper


def reference(
    table: PairTable,
    locks: list[tuple[int, int]] = (),  # type: ignore[assignment]
    forbids: list[tuple[int, int]] = (),  # type: ignore[assignment]
    stages: list[np.ndarray] | None = None,
) -> Reference:
    """Lexicographic optimum by a MILP per stage: by default most placed, then most weight.

    ``locks``/``forbids`` are (student position, company position). ``stages``: the
    objectives to maximise in order (each a per-pair array); the first is always the
    number placed.
    """
    n = table.n_pairs
    weight = integer_weight(table.score)
    if n == 0:
        return Reference(0, 0, np.zeros(0, dtype=bool))
    matrix, upper = placement_rows(table)
    lower_bound = np.zeros(n)
    upper_bound = np.ones(n)
    locked_student = {i for i, _ in locks}
    for k in range(n):
        s, c = int(table.student[k]), int(table.company[k])
        if (s, c) in set(forbids):
            upper_bound[k] = 0
        if s in locked_student:
            upper_bound[k] = 1.0 if (s, c) in set(locks) else 0.0
            lower_bound[k] = upper_bound[k]
    objectives = [np.ones(n), weight.astype(float)] if stages is None else [np.ones(n), *stages]
    extra_rows: list[np.ndarray] = []
    extra_low: list[float] = []
    x = np.zeros(n)
    for objective in objectives:
        constraints = [LinearConstraint(matrix, -np.inf, upper)]
        if extra_rows:
            constraints.append(LinearConstraint(np.vstack(extra_rows), np.array(extra_low), np.inf))
        result = milp(
            -objective,
            constraints=constraints,
            integrality=np.ones(n),
            bounds=(lower_bound, upper_bound),
            # Exact, and without presolve: SciPy's HiGHS with presolve called a plan 113 weight units
            # short of the optimum optimal (random_table(default_rng(367830), 23, 23, density=0.25)).
            options={"mip_rel_gap": 0.0, "presolve": False},
        )
        assert result.status == 0, result.message
        x = np.rint(result.x)
        best = round(float(objective @ x))
        extra_rows.append(objective)
        extra_low.append(best - 0.5)
    chosen = x > 0.5
    return Reference(int(chosen.sum()), int(weight[chosen].sum()), chosen)


def assert_feasible(table: PairTable, pair_of_student: np.ndarray, locks=(), forbids=()) -> None:
    """Every student at most once, capacities and mentor capacities, locks and forbids."""
    chosen = pair_of_student[pair_of_student >= 0]
    assert (table.student[chosen] == np.flatnonzero(pair_of_student >= 0)).all()
    assert np.unique(table.student[chosen]).size == chosen.size
    count = np.bincount(table.company[chosen], minlength=table.n_companies)
    assert (count <= table.capacity).all()
    used = np.bincount(table.company[chosen], weights=table.support_load[chosen], minlength=table.n_companies)
    assert (used <= table.mentor_capacity).all()
    placed = {(int(table.student[k]), int(table.company[k])) for k in chosen.tolist()}
    for lock in locks:
        assert lock in placed
    for forbid in forbids:
        assert forbid not in placed


def without_knapsacks(patch: pytest.MonkeyPatch) -> None:
    """No companies' knapsacks (as where their count vectors would make too large a table): on small
    networks they prove the plan before the decomposition starts, whose paths some tests follow."""
    import optimizer.knapsack_proof

    patch.setattr(optimizer.knapsack_proof, "configurations", lambda inst: None)
