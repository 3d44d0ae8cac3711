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
    """No plan places more than ``placed``; ``rounds`` LPs and flows, the last LP on ``columns`` pairs.

    ``lp_levels``: the last LP's students of load ``l`` or more at each company (fractions,
    ``(n_companies, L)``), or None if no LP was solved. Rounded down, they are limits under which a
    flow often places the count's optimum at once (``exact._search_count``).
    """

    placed: int
    rounds: int
    columns: int
    lp_levels: np.ndarray | None


def count_bound(
    inst: Instance,
    binding: np.ndarray,
    first_columns: np.ndarray,
    enough: int,
    deadline: float,
    round_seconds: float = 0.0,
) -> CountBound:
    """The count LP's bound, by column generation from ``first_columns`` (a mask over the pairs).

    ``binding``: the companies whose mentor limit can bind (the others need no row). Stops once the
    bound is at most ``enough`` (a plan places that many: nothing better can be proven), when the
    flow brings in no new pair (the LP is then solved on every pair that matters), after
    ``MAX_ROUNDS`` or at ``deadline`` (the bound so far stands; at worst the number of students). A
    round starts only if one as long as the last (the first: ``round_seconds``, a forecast) can end in
    time.
    """
    columns = first_columns.copy()
    oracle = PricedFlow(inst.n_students, inst.n_companies, inst.student, inst.company, inst.capacity, columns)
    placed, rounds = inst.n_students, 0
    lp_levels = None
    while rounds < MAX_ROUNDS and placed > enough:
        started = perf_counter()
        time_left = deadline - started
        if time_left <= round_seconds:
            break
        rounds += 1
        solved = _solve_lp(inst, binding, np.flatnonzero(columns), time_left)
        if solved is None:
            break
        mentor_price, lp_levels = solved
        price = np.rint(mentor_price * PRICE_SCALE).astype(np.int64)
        weight = PRICE_SCALE - price[inst.company] * inst.load
        flow = oracle.solve(weight, optional=True, deadline=deadline)
        total = flow.bound + sum((price * inst.mentor_capacity).tolist())
        placed = min(placed, total // PRICE_SCALE)
        round_seconds = perf_counter() - started
        new = flow.chosen & ~columns
        if not new.any():
            break
        columns |= new
    return CountBound(int(placed), rounds, int(columns.sum()), lp_levels)


def _solve_lp(
    inst: Instance, binding: np.ndarray, pairs: np.ndarray, time_limit: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """The count LP on ``pairs`` by HiGHS's interior point method (with crossover): its mentor rows'
    duals (per hour, ``(n_companies,)``, zero where there is no row) and its students of load ``l`` or
    more at each company (``CountBound.lp_levels``); None if it did not solve in time.

    Interior point: on 13,000-28,000 of these columns it took 0.5-2 s, the dual simplex 4-6 s."""
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix, vstack

    n_students, n_companies = inst.n_students, inst.n_companies
    levels = max(int(inst.load.max(initial=0)), 1)
    if pairs.size == 0:  # no columns yet: no prices (the flow brings pairs in)
        return np.zeros(n_companies), np.zeros((n_companies, levels))
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
    at_least = np.zeros((n_companies, levels))
    for level in range(1, levels + 1):
        reach = inst.load[pairs] >= level
        at_least[:, level - 1] = np.bincount(company[reach], weights=solved.x[reach], minlength=n_companies)
    return price, at_least
