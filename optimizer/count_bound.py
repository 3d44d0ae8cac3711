"""A bound on the number placed from the LP relaxation with mentor rows, certified by a flow.

Works in the usable subset of ``exact.py``.

The count's LP relaxation (each student at most once, each company at most ``capacity`` students and
``mentor_capacity`` hours of load, ``0 <= x <= 1``) is often a fraction of a student below the flow
bound of the lexicographic objective, whose split into placed and weight (``exact._split_total``)
cannot see a third of a placement: on ``generate(1700, 900, seed=1)`` the LP says 1,637.33, so no plan
places 1,638, which the flow bound allowed.

HiGHS solves the LP on a few of the pairs (each student's best, then the pairs the flows below
bring in: column generation); its mentor prices ``mu_j`` (per hour, in placements) then give a bound
that holds for every plan whatever the pairs left out: for a plan ``x`` keeping every limit,

    placed(x) <= sum_k (1 - mu_j(k) * load_k) x_k + sum_j mu_j * mentor_capacity_j,

and the largest right-hand side over all transportation plans is a min-cost flow on every pair
(``flow.PricedFlow``, whose integer dual bound holds even when cut short). Prices are rounded to
``1 / PRICE_SCALE`` of a placement so that the flow's weights are integers; any prices give a valid
bound, the LP's give the tightest.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter

import numpy as np

from optimizer.flow import PricedFlow
from optimizer.instance import Instance

PRICE_SCALE = 60
"""Mentor prices in sixtieths of a placement: the LP's are often 1/l for a load l of 1 to 5."""
MAX_ROUNDS = 8
"""LP and flow rounds at most (1,700 x 900, seed 1: the bound met the LP's optimum in round 4)."""


@dataclass(frozen=True, eq=False)
class CountBound:
    """No plan places more than ``placed``; ``rounds`` LPs and flows, the last LP on ``columns`` pairs."""

    placed: int
    rounds: int
    columns: int


def count_bound(
    inst: Instance,
    binding: np.ndarray,
    first_columns: np.ndarray,
    enough: int,
    deadline: float,
) -> CountBound:
    """The count LP's bound, by column generation from ``first_columns`` (a mask over the pairs).

    ``binding``: the companies whose mentor limit can bind (the others need no row). Stops once the
    bound is at most ``enough`` (a plan places that many: nothing better can be proven), when the
    flow brings in no new pair (the LP is then solved on every pair that matters), after
    ``MAX_ROUNDS`` or at ``deadline`` (the bound so far stands; at worst the number of students).
    """
    columns = first_columns.copy()
    oracle = PricedFlow(inst.n_students, inst.n_companies, inst.student, inst.company, inst.capacity, columns)
    placed, rounds = inst.n_students, 0
    while rounds < MAX_ROUNDS and placed > enough:
        time_left = deadline - perf_counter()
        if time_left <= 0:
            break
        rounds += 1
        mentor_price = _lp_mentor_prices(inst, binding, np.flatnonzero(columns), time_left)
        if mentor_price is None:
            break
        price = np.rint(mentor_price * PRICE_SCALE).astype(np.int64)
        weight = PRICE_SCALE - price[inst.company] * inst.load
        flow = oracle.solve(weight, optional=True, deadline=deadline)
        total = flow.bound + sum((price * inst.mentor_capacity).tolist())
        placed = min(placed, total // PRICE_SCALE)
        new = flow.chosen & ~columns
        if not new.any():
            break
        columns |= new
    return CountBound(int(placed), rounds, int(columns.sum()))


def _lp_mentor_prices(
    inst: Instance, binding: np.ndarray, pairs: np.ndarray, time_limit: float
) -> np.ndarray | None:
    """The mentor rows' duals (per hour, ``(n_companies,)``, zero where there is no row) of the count LP
    on ``pairs``, by HiGHS's interior point method (with crossover); None if it did not solve in time.

    Interior point: on 13,000-28,000 of these columns it took 0.5-2 s, the dual simplex 4-6 s."""
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix, vstack

    n_students, n_companies = inst.n_students, inst.n_companies
    if pairs.size == 0:  # no columns yet: no prices (the flow brings pairs in)
        return np.zeros(n_companies)
    rows = np.flatnonzero(binding)
    row_of = np.full(n_companies, -1, dtype=np.int64)
    row_of[rows] = np.arange(rows.size)
    student, company = inst.student[pairs], inst.company[pairs]
    load = inst.load[pairs].astype(np.float64)
    columns = np.arange(pairs.size)
    ones = np.ones(pairs.size)
    mentor = binding[company]
    matrix = vstack(
        [
            csr_matrix((ones, (student, columns)), shape=(n_students, pairs.size)),
            csr_matrix((ones, (company, columns)), shape=(n_companies, pairs.size)),
            csr_matrix(
                (load[mentor], (row_of[company[mentor]], columns[mentor])), shape=(rows.size, pairs.size)
            ),
        ]
    ).tocsr()
    upper = np.concatenate(
        [np.ones(n_students), inst.capacity.astype(np.float64), inst.mentor_capacity[rows].astype(np.float64)]
    )
    solved = linprog(
        -ones,
        A_ub=matrix,
        b_ub=upper,
        bounds=(0, 1),
        method="highs-ipm",
        options={"time_limit": max(time_limit, 0.1)},
    )
    if solved.status != 0:
        return None
    price = np.zeros(n_companies)
    price[rows] = np.maximum(-np.asarray(solved.ineqlin.marginals)[n_students + n_companies :], 0.0)
    return price
