"""A bound on the number placed from the LP relaxation with mentor rows, certified by a flow.

Works in the usable subset of ``exact.py``.

The count's LP relaxation (each student at most once, each company at most ``capacity`` students and
``mentor_capacity`` hours of load, ``0 <= x <= 1``) is often a fraction of a student below the flow
bound of the lexicographic objective, whose split into placed and weight (``plan_value.split_total``)
cannot see a third of a placement: on ``generate(1700, 900, seed=1)`` the LP says 1,637.33, so no plan
places 1,638, which the flow bound allowed.

HiGHS solves the LP on a few of the pairs (each student's best, then the pairs the flows below
bring in: column generation, the LP kept in HiGHS from round to round, ``_PairLp``); its mentor
prices ``mu_j`` (per hour, in placements) then give a bound that holds for every plan whatever the
pairs left out: for a plan ``x`` keeping every limit,

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
from optimizer.highs import KeptLp
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
    ones = np.ones(inst.n_pairs, dtype=np.int64)
    found = _lp_bound(
        inst,
        binding,
        first_columns,
        ones,
        0,
        PRICE_SCALE,
        inst.n_students,
        enough,
        deadline,
        round_seconds,
        warm=True,
    )
    return CountBound(found.bound, found.rounds, found.columns, found.lp_levels)


def weight_bound_at_count(
    inst: Instance,
    binding: np.ndarray,
    placed: int,
    first_columns: np.ndarray,
    enough: int,
    deadline: float,
    round_seconds: float = 0.0,
    max_rounds: int = MAX_ROUNDS,
) -> tuple[int, Prices | None]:
    """No plan placing ``placed`` students has a larger total weight: the LP's bound with the row
    "at least ``placed`` placed", by column generation from ``first_columns``, which must hold a plan
    placing that many (the LP on them then has a solution).

    The LP's prices (``mu_j`` per mentor hour, ``lambda`` per placement, whole weight units) make it
    hold whatever pairs the LP left out: for a plan ``x`` placing ``placed`` and keeping every limit,
    ``weight(x) <= sum_k (weight_k + lambda - mu_j * load_k) x_k - lambda * placed + sum_j mu_j *
    mentor_capacity_j``, at most a min-cost flow on every pair plus the constants. Stops as
    ``count_bound`` does (``enough``: a plan's weight); at worst the total of each student's best
    weight. Also the prices of the round of least bound, even where that bound is no better than the
    total of each student's best weight (None only if no round ran): a start for the knapsacks and a
    certificate for the proof by decomposition with a placement worth ``placement_price`` instead of ``M``. At most
    ``max_rounds`` rounds.
    """
    top = inst.best_weight_total()
    # Solved afresh each round (``scipy.optimize.linprog``), not from the last basis: the knapsack
    # rounds start at its duals, and the warm LP's other optimal vertex made them slower as often as
    # faster (1,700 x 900 seed 3: 12,812 pairs left for the last MILP instead of 3,999).
    found = _lp_bound(
        inst, binding, first_columns, inst.weight, placed, 1, top, enough, deadline, round_seconds, max_rounds
    )
    return found.bound, found.prices


@dataclass(frozen=True, eq=False)
class Prices:
    """Integer prices that certify a round's bound: a placement is worth ``placement_price`` on top of
    its weight, mentor hours cost ``mentor_price``; the flow's duals ``student_price`` and
    ``company_price`` cover every pair, and ``upper_total`` (their dual objective plus ``sum(mentor_price *
    mentor_capacity)``) bounds ``placement_price * placed + weight`` of every plan."""

    placement_price: int
    mentor_price: np.ndarray
    student_price: np.ndarray
    company_price: np.ndarray
    upper_total: int


@dataclass(frozen=True, eq=False)
class _LpBound:
    bound: int
    rounds: int
    columns: int
    lp_levels: np.ndarray | None
    prices: Prices | None  # those of the round with the least bound


def _lp_bound(
    inst: Instance,
    binding: np.ndarray,
    first_columns: np.ndarray,
    objective: np.ndarray,
    min_placed: int,
    scale: int,
    bound: int,
    enough: int,
    deadline: float,
    round_seconds: float,
    max_rounds: int = MAX_ROUNDS,
    warm: bool = False,
) -> _LpBound:
    """Column generation for the LP ``max objective . x`` under every limit (and, if ``min_placed``,
    at least that many placed), each round's prices certified by a flow on every pair, in ``1 /
    scale`` units of ``objective``: the least bound found (at most ``bound``) and the last LP's levels.
    ``warm``: the LP stays in HiGHS from round to round (``_PairLp``; without a count row only).
    """
    columns = first_columns.copy()
    oracle = PricedFlow(inst.n_students, inst.n_companies, inst.student, inst.company, inst.capacity, columns)
    lp = _PairLp(inst, binding, objective) if warm and min_placed == 0 else None
    rounds = 0
    lp_levels = None
    prices: Prices | None = None
    priced_bound = bound
    new = columns
    while rounds < max_rounds and bound > enough:
        started = perf_counter()
        time_left = deadline - started
        if time_left <= round_seconds:
            break
        rounds += 1
        if lp is None:
            solved = _solve_lp(inst, binding, np.flatnonzero(columns), objective, min_placed, time_left)
        else:
            lp.add(np.flatnonzero(new))
            solved = lp.solve(time_left)
        if solved is None:
            break
        mentor_price, placement_price, lp_levels = solved
        price = np.rint(mentor_price * scale).astype(np.int64)
        bonus = int(np.rint(placement_price * scale))
        weight = scale * objective + bonus - price[inst.company] * inst.load
        flow = oracle.solve(weight, optional=True, deadline=deadline)
        upper_total = flow.bound + sum((price * inst.mentor_capacity).tolist())
        round_bound = (upper_total - bonus * min_placed) // scale
        if prices is None or round_bound < priced_bound:
            # Prices to start from even where no round beats ``bound`` (a trivial one, such as each
            # student's best weight): the knapsacks need only a start (1,700 x 900 seed 8 with one
            # round: without them step 2c was left out, FEASIBLE at 58 s instead of OPTIMAL).
            priced_bound = round_bound
            prices = Prices(bonus, price, flow.student_price, flow.company_price, upper_total)
        bound = min(bound, round_bound)
        round_seconds = perf_counter() - started
        new = flow.chosen & ~columns
        if not new.any():
            break
        columns |= new
    return _LpBound(int(bound), rounds, int(columns.sum()), lp_levels, prices)


def _solve_lp(
    inst: Instance,
    binding: np.ndarray,
    pairs: np.ndarray,
    objective: np.ndarray,
    min_placed: int,
    time_limit: float,
) -> tuple[np.ndarray, float, np.ndarray] | None:
    """The LP ``max objective . x`` on ``pairs`` (with the row "at least ``min_placed`` placed" if it is
    positive) by HiGHS's dual simplex: its mentor rows' duals (per hour,
    ``(n_companies,)``, zero where there is no row), the placement row's dual (0 without it), and its
    students of load ``l`` or more at each company (``CountBound.lp_levels``); None if it did not
    solve in time.

    The dual simplex, not the interior point method: on the weight LP's 7,400-8,000 columns before the
    knapsacks (1,700 x 900 and 1,100) 0.13-0.21 s against 0.25-0.31 s, on 9,000-36,000 columns
    0.24-0.60 s against 0.39-1.80 s (docs/optimizer-measurements.md, *twenty-fourth session*)."""
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix, vstack

    n_students, n_companies = inst.n_students, inst.n_companies
    levels = max(int(inst.load.max(initial=0)), 1)
    if pairs.size == 0:  # no columns yet: no prices (the flow brings pairs in)
        return np.zeros(n_companies), 0.0, np.zeros((n_companies, levels))
    rows = np.flatnonzero(binding)
    row_of = np.full(n_companies, -1, dtype=np.int64)
    row_of[rows] = np.arange(rows.size)
    student, company = inst.student[pairs], inst.company[pairs]
    load = inst.load[pairs].astype(np.float64)
    columns = np.arange(pairs.size)
    ones = np.ones(pairs.size)
    mentor = binding[company]
    blocks = [
        csr_matrix((ones, (student, columns)), shape=(n_students, pairs.size)),
        csr_matrix((ones, (company, columns)), shape=(n_companies, pairs.size)),
        csr_matrix((load[mentor], (row_of[company[mentor]], columns[mentor])), shape=(rows.size, pairs.size)),
    ]
    upper = [
        np.ones(n_students),
        inst.capacity.astype(np.float64),
        inst.mentor_capacity[rows].astype(np.float64),
    ]
    if min_placed > 0:  # -sum(x) <= -min_placed
        blocks.append(csr_matrix(-ones.reshape(1, -1)))
        upper.append(np.array([-float(min_placed)]))
    solved = linprog(
        -objective[pairs].astype(np.float64),
        A_ub=vstack(blocks).tocsr(),
        b_ub=np.concatenate(upper),
        bounds=(0, 1),
        method="highs-ds",
        options={"time_limit": max(time_limit, 0.1)},
    )
    if solved.status != 0:
        return None
    duals = np.maximum(-np.asarray(solved.ineqlin.marginals), 0.0)
    price = np.zeros(n_companies)
    first_mentor = n_students + n_companies
    price[rows] = duals[first_mentor : first_mentor + rows.size]
    placement_price = float(duals[-1]) if min_placed > 0 else 0.0
    return price, placement_price, students_per_level(inst, pairs, np.asarray(solved.x), levels)


class _PairLp:
    """The LP ``max objective . x`` under every limit, kept in HiGHS (``highspy``) while column
    generation adds pairs (the count's LP).

    The first solve is HiGHS's interior point method with crossover (on 7,000-28,000 of these columns
    0.2-2 s, its dual simplex 4-6 s), which leaves a basis; the later ones, with the round's new
    columns at zero (the basis stays feasible), are its primal simplex from that basis: 5-8 ms a
    round on 1,700 x 900 seed 1, where ``scipy.optimize.linprog``, which starts afresh, took 0.28-0.32 s."""

    def __init__(self, inst: Instance, binding: np.ndarray, objective: np.ndarray) -> None:
        import highspy

        n_students, n_companies = inst.n_students, inst.n_companies
        self.inst, self.objective = inst, objective
        self.levels = max(int(inst.load.max(initial=0)), 1)
        self.mentor_rows = np.flatnonzero(binding)  # companies whose mentor row is written
        self.mentor_row_of = np.full(n_companies, -1, dtype=np.int64)
        self.mentor_row_of[self.mentor_rows] = n_students + n_companies + np.arange(self.mentor_rows.size)
        upper = np.r_[
            np.ones(n_students),
            inst.capacity.astype(np.float64),
            inst.mentor_capacity[self.mentor_rows].astype(np.float64),
        ]
        # The first solve: interior point with crossover, which leaves a basis.
        self.lp = KeptLp(
            np.full(upper.size, -highspy.kHighsInf), upper, {"solver": "ipm", "simplex_strategy": 4}
        )
        self.pairs = np.zeros(0, dtype=np.int64)  # the pair of each column, in the order added

    def add(self, pairs: np.ndarray) -> None:
        """A column for each of ``pairs`` (none of them in the LP yet): its student's, its company's
        and its company's mentor row (load) where written."""
        if pairs.size == 0:
            return
        inst = self.inst
        mentor_row = self.mentor_row_of[inst.company[pairs]]
        mentor = mentor_row >= 0
        length = 2 + mentor.astype(np.int64)
        starts = np.r_[0, np.cumsum(length)[:-1]]
        index = np.empty(int(length.sum()), dtype=np.int32)
        values = np.ones(index.size)
        index[starts] = inst.student[pairs]
        index[starts + 1] = inst.n_students + inst.company[pairs]
        index[starts[mentor] + 2] = mentor_row[mentor]
        values[starts[mentor] + 2] = inst.load[pairs][mentor]
        self.lp.add_columns(self.objective[pairs], starts, index, values)
        self.pairs = np.r_[self.pairs, pairs]

    def solve(self, time_limit: float) -> tuple[np.ndarray, float, np.ndarray] | None:
        """As ``_solve_lp``, on the columns so far (the count row's dual is 0: there is none)."""
        inst = self.inst
        if self.pairs.size == 0:  # no columns yet: no prices (the flow brings pairs in)
            return np.zeros(inst.n_companies), 0.0, np.zeros((inst.n_companies, self.levels))
        solution = self.lp.solve(max(time_limit, 0.1))
        if solution is None:
            return None
        row_dual = np.asarray(solution.row_dual)
        price = np.zeros(inst.n_companies)
        price[self.mentor_rows] = np.maximum(row_dual[self.mentor_row_of[self.mentor_rows]], 0.0)
        taken = np.asarray(solution.col_value)
        return price, 0.0, students_per_level(inst, self.pairs, taken, self.levels)


def students_per_level(inst: Instance, pairs: np.ndarray, taken: np.ndarray, levels: int) -> np.ndarray:
    """An LP's students of load ``l`` or more at each company, ``(n_companies, levels)`` (``l`` = 1..levels):
    ``taken[c]`` is how much of pair ``pairs[c]`` it takes (``CountBound.lp_levels``)."""
    company, load = inst.company[pairs], inst.load[pairs]
    at_least = np.zeros((inst.n_companies, levels))
    for level in range(1, levels + 1):
        reach = load >= level
        at_least[:, level - 1] = np.bincount(company[reach], weights=taken[reach], minlength=inst.n_companies)
    return at_least
