"""Each company's limits as a mix of its count vectors: the MILPs of the count and the proof, a count bound.

A plan's students at company ``j`` make a count vector (how many of each load) that fits its capacity
and mentor hours (``company_knapsacks.configurations``). Written as ``y[j, v] >= 0`` with
``sum_v y[j, v] <= 1`` and, for each load, the company's pairs of that load adding up to the vectors'
counts, the limits' relaxation is a mix of whole count vectors rather than fractional mentor hours:
any whole count inside the mix fits, so only the pairs need be whole, and the LP is far tighter
(``generate(700, 360, seed=3)``: 669.5 where the capacity and mentor rows allow 672; the optimum
places 669). The knapsack proof's last MILP makes the vectors whole too (``heaviest_mix``).

Columns (the "mix columns" index space): the pairs given, then the vectors each company can fill
from them. Rows: one per student, one per company (at most one vector), one per (company, load)
(the balance, ``= 0``). Works in the exact solver's usable subset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from time import perf_counter

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix

from optimizer.company_knapsacks import Configurations, company_best
from optimizer.count_bound import students_per_level
from optimizer.highs import KeptLp, maximise_milp
from optimizer.instance import Instance

PRICE_SCALE = 60
"""Students' prices in sixtieths of a placement when the LP's duals become a bound (often 1/2, 1/3)."""


@dataclass(frozen=True, eq=False)
class MixModel:
    """The rows above over ``pairs`` and the vectors each company can fill from them."""

    matrix: csr_matrix  # (n_students + n_companies + n_companies * levels, pairs.size + n_vectors)
    n_pairs: int
    n_vectors: int
    balance_start: int  # the first (company, load) row; the rows before are students then companies


def mix_model(
    inst: Instance, configs: Configurations, pairs: np.ndarray, vectors: np.ndarray | None = None
) -> MixModel:
    """The count-vector rows on ``pairs`` (indices into ``inst``); ``vectors``: ``(n_companies, K)``
    bool, the count vectors each company may take (None: every one that fits)."""
    # The vectors each company can fill from its pairs here (the empty one is "no vector").
    allowed = configs.fits if vectors is None else configs.fits & vectors
    vector_company, vector = np.nonzero(allowed & fillable(configs, pair_counts(inst, configs, pairs)))
    matrix = mix_columns(inst, configs, pairs, vector_company, vector).tocsr()
    return MixModel(matrix, pairs.size, vector_company.size, inst.n_students + inst.n_companies)


def pair_counts(inst: Instance, configs: Configurations, pairs: np.ndarray) -> np.ndarray:
    """``(n_companies, levels)``: how many of ``pairs`` each company has of each load."""
    counts = np.zeros((inst.n_companies, configs.levels), dtype=np.int64)
    np.add.at(counts, (inst.company[pairs], inst.load[pairs].astype(np.int64)), 1)
    return counts


def fillable(configs: Configurations, available: np.ndarray) -> np.ndarray:
    """``(n_companies, K)``: the non-empty count vectors each company can fill from ``available``
    students of each load (``pair_counts``)."""
    can = np.all(configs.counts[None, :, :] <= available[:, None, :], axis=2)
    can[:, configs.sizes == 0] = False
    return can


def mix_columns(
    inst: Instance, configs: Configurations, pairs: np.ndarray, vector_company: np.ndarray, vector: np.ndarray
) -> coo_matrix:
    """The mix columns of ``pairs`` then of the count vectors ``vector`` of ``vector_company``, on all
    the rows (students, companies, then each (company, load)'s balance)."""
    levels = configs.levels
    company, load = inst.company[pairs], inst.load[pairs].astype(np.int64)
    n_x, n_y = pairs.size, vector_company.size
    balance = inst.n_students + inst.n_companies
    x_columns, y_columns = np.arange(n_x), n_x + np.arange(n_y)
    rows = [inst.student[pairs], inst.n_students + vector_company, balance + company * levels + load]
    columns = [x_columns, y_columns, x_columns]
    values = [np.ones(n_x), np.ones(n_y), np.ones(n_x)]
    for level in range(levels):
        takes = configs.counts[vector, level]
        some = takes > 0
        rows.append(balance + vector_company[some] * levels + level)
        columns.append(y_columns[some])
        values.append(-takes[some].astype(np.float64))
    return coo_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(columns))),
        shape=(balance + inst.n_companies * levels, n_x + n_y),
    )


def mix_rows(
    inst: Instance,
    configs: Configurations,
    pairs: np.ndarray,
    must: np.ndarray,
    placed: int | None,
    vectors: np.ndarray | None = None,
    exactly: tuple[np.ndarray, int] | None = None,
) -> tuple[MixModel, csr_matrix, np.ndarray, np.ndarray]:
    """``mix_model``'s rows with their bounds: each student at most once (``must`` ones exactly once),
    each company at most one vector (exactly one where ``vectors`` leaves out the empty one), each
    balance ``= 0``, unless ``placed`` is None a row "exactly ``placed`` pairs", and with ``exactly``
    ``(among, count)`` a last row "exactly ``count`` pairs where ``among``" (a mask over ``inst``'s pairs)."""
    from scipy.sparse import vstack

    model = mix_model(inst, configs, pairs, vectors)
    n_x, n_y, balance = model.n_pairs, model.n_vectors, model.balance_start
    n_balance = model.matrix.shape[0] - balance
    matrix, lowest, highest = model.matrix, [np.where(must, 1.0, 0.0)], [np.ones(balance)]
    takes_someone = np.zeros(inst.n_companies, dtype=bool)
    if vectors is not None:
        takes_someone[:] = ~vectors[:, configs.sizes == 0].any(axis=1)
    lowest.append(np.where(takes_someone, 1.0, 0.0))
    lowest.append(np.zeros(n_balance))
    highest.append(np.zeros(n_balance))
    counted = [] if placed is None else [(np.ones(n_x, dtype=bool), placed)]
    if exactly is not None:
        counted.append((exactly[0][pairs], exactly[1]))
    for on_pairs, count in counted:  # "exactly ``count`` of these pairs"
        row = np.r_[on_pairs.astype(np.float64), np.zeros(n_y)].reshape(1, -1)
        matrix = vstack([matrix, csr_matrix(row)]).tocsr()
        lowest.append(np.array([float(count)]))
        highest.append(np.array([float(count)]))
    return model, matrix, np.concatenate(lowest), np.concatenate(highest)


def whole_columns(model: MixModel, proving: bool) -> np.ndarray:
    """Which of ``model``'s columns a MILP keeps whole: the pairs, and with ``proving`` (the knapsack
    proof's last MILP, ``heaviest_mix``) the count vectors too."""
    return np.r_[np.ones(model.n_pairs, dtype=bool), np.full(model.n_vectors, proving)]


def heaviest_mix(
    inst: Instance,
    configs: Configurations,
    pairs: np.ndarray,
    weight: np.ndarray,
    must: np.ndarray,
    placed: int | None,
    deadline: float,
    vectors: np.ndarray | None = None,
    proving: bool = False,
    exactly: tuple[np.ndarray, int] | None = None,
    enough: float = 0.0,
) -> tuple[np.ndarray | None, int] | None:
    """The plan on ``pairs`` of largest total ``weight`` (whole, per pair of ``inst``), every ``must``
    student placed and, unless ``placed`` is None, exactly that many; each company taking one of its
    ``vectors`` unless None, and with ``exactly`` as many pairs of a mask as it says (``mix_rows``);
    ``proving`` and ``enough`` as in ``highs.maximise_milp``.

    The pairs are whole; with ``proving`` the vectors too (each company takes one whole vector, as
    every plan does): the knapsack proof's last MILP then took 5.3-5.9 s instead of 7.2-8.5 s on
    1,700 x 900 seed 5, and 9.6-35 s instead of 69 s and more than 120 s on the same size's seed 4
    under interests first, which is now proven (docs/optimizer-measurements.md, *thirty-sixth
    session*). The MILPs looking for a plan keep the mix: whole vectors made them no faster.

    HiGHS (``highs.maximise_milp``) on the rows above: the plan (None if there is none, or none
    within the time) and a bound on the weight of every such plan (its dual bound, ``whole_bound``;
    -1 if there is no such plan). None if HiGHS stopped without either.
    """
    has_pair = np.bincount(inst.student[pairs], minlength=inst.n_students) > 0
    if (must & ~has_pair).any():
        return None, -1  # a student who must be placed has no pair here
    model, matrix, lowest, highest = mix_rows(inst, configs, pairs, must, placed, vectors, exactly)
    n_x, n_y = model.n_pairs, model.n_vectors
    if n_x + n_y == 0:  # only the empty plan, if every row allows it
        return (None, -1) if (lowest > 0).any() else (np.zeros(inst.n_pairs, dtype=bool), 0)
    time_left = deadline - perf_counter()
    if time_left <= 0.1:
        return None
    solved = maximise_milp(
        np.concatenate([weight[pairs].astype(np.float64), np.zeros(n_y)]),
        matrix,
        lowest,
        highest,
        whole_columns(model, proving),
        time_left,
        proving,
        enough,
    )
    if solved.infeasible:  # no plan on these pairs does all that
        return None, -1
    if solved.bound is None:
        return None
    upper = whole_bound(solved.bound)
    if solved.x is None:
        return None, upper
    chosen = np.zeros(inst.n_pairs, dtype=bool)
    chosen[pairs[solved.x[:n_x] > 0.5]] = True
    if not inst.is_feasible(chosen) or (placed is not None and int(chosen.sum()) != placed):
        return None, upper
    return chosen, upper


def whole_bound(bound: float) -> int:
    """HiGHS's bound on a whole weight, as a whole number: rounded down past its tolerance.

    HiGHS's bounds carry a floating-point error that grows with the weights: under the
    interest-first objective (weights near 500 million) a proven optimum of 503,563,968 came back as
    503,563,967.9999956, which plain rounding down would put below the plan itself. Within 1e-11 of
    the bound's size (plus a millionth) it is taken as the whole number it is near: 0.03 at 2.9
    billion, where a looser 1e-9 rounded a proven 2,906,576,588 up to 590 and so lost the proof.
    """
    return math.floor(bound + 1e-6 + 1e-11 * abs(bound))


@dataclass(frozen=True, eq=False)
class CountVectorBound:
    """No plan places more than ``placed``; ``lp_levels`` as in ``count_bound.CountBound``."""

    placed: int
    lp_levels: np.ndarray


def count_vector_bound(
    inst: Instance,
    configs: Configurations,
    deadline: float,
    columns: np.ndarray | None = None,
    enough: int = 0,
) -> CountVectorBound | None:
    """A bound on the number placed from the count-vector LP (None if no round solved in time).

    HiGHS's student duals, rounded to ``1 / PRICE_SCALE``, price a Lagrangian whose companies each take
    their best fitting students (``company_best``, in whole numbers) on every pair: its bound holds for
    every plan whatever the LP's rounding errors. Each company's choice there is a whole set of
    students, which the LP's rows only relax (a mix of count vectors may give one student a whole
    place that no set of the mix gives both it and the others), so the bound may fall below the LP's
    own optimum (1,700 x 900 seed 5: 1,653.83 at the duals of an LP placing 1,654.17). ``columns``: the
    LP starts on these pairs (a mask) and grows by column generation, the pairs the companies take at
    its prices coming in, until none is new or the bound is ``enough`` (a plan's count); None: every
    pair. On 1,700 x 900 seed 5 (198,066 pairs) from each student's 4 best pairs the bound reached that
    network's optimum, 1,653, in 10 rounds (12,000-15,000 pairs), where the LP on every pair took 44 s.
    """
    # One LP on every pair needs no basis kept: SciPy's HiGHS solves it (``_mix_lp``), as before. On
    # generate(700, 360) highspy's optimal vertex of the same LP gives the search over load limits other
    # levels to start from: seed 5's search then closed in one round instead of 15-81, but seeds 3 and
    # 10's took 18-147 rounds (up to 8 s) instead of one (twenty-first session).
    lp = None if columns is None else _MixLp(inst, configs)
    columns = np.ones(inst.n_pairs, dtype=bool) if columns is None else columns.copy()
    best: CountVectorBound | None = None
    new = columns
    while True:
        if lp is None:
            solved = _mix_lp(inst, configs, np.flatnonzero(columns), deadline)
        else:
            lp.add(np.flatnonzero(new))
            solved = lp.solve(deadline)
        if solved is None:
            return best
        dual, pairs, taken = solved
        price = np.rint(dual * PRICE_SCALE).astype(np.int64)
        found = company_best(inst, configs, PRICE_SCALE - price[inst.student], price)
        placed = found.total // PRICE_SCALE
        if best is None or placed < best.placed:
            levels = students_per_level(inst, pairs, taken, max(configs.levels - 1, 1))
            best = CountVectorBound(placed, levels)
        new = found.chosen & ~columns
        if not new.any() or best.placed <= enough:
            return best
        columns |= new


class _MixLp:
    """The count-vector LP ``max sum x`` (``mix_model``'s rows: each student and company at most once,
    each balance ``= 0``) kept in HiGHS (``highspy``) while column generation adds pairs, and with them
    the vectors each company can newly fill.

    The rows never change, so the basis of the last solve stays feasible with the new columns at zero,
    and each solve after the first is HiGHS's primal simplex from it: the LP's rounds on 1,700 x 700
    seed 10 took 2.3 s afresh (``scipy.optimize.linprog``, as until the twenty-first session) and 0.2 s
    so; on 1,700 x 900 seed 5 2.9 s and 0.4 s."""

    def __init__(self, inst: Instance, configs: Configurations) -> None:
        import highspy

        self.inst, self.configs = inst, configs
        balance = inst.n_students + inst.n_companies  # the first (company, load) row
        n_rows = balance + inst.n_companies * configs.levels
        lower = np.r_[np.full(balance, -highspy.kHighsInf), np.zeros(n_rows - balance)]
        upper = np.r_[np.ones(balance), np.zeros(n_rows - balance)]
        self.lp = KeptLp(lower, upper, {})
        self.available = np.zeros((inst.n_companies, configs.levels), dtype=np.int64)  # pair_counts so far
        self.vector_in = np.zeros(configs.fits.shape, dtype=bool)  # (company, vector) columns added
        self.column_pair = np.zeros(0, dtype=np.int64)  # each column's pair, -1 for a vector's

    def add(self, pairs: np.ndarray) -> None:
        """A column for each of ``pairs`` (none of them in the LP yet), and one for each vector a
        company can fill only now."""
        inst, configs = self.inst, self.configs
        self.available += pair_counts(inst, configs, pairs)
        vector_company, vector = np.nonzero(
            configs.fits & fillable(configs, self.available) & ~self.vector_in
        )
        self.vector_in[vector_company, vector] = True
        n_x, n_y = pairs.size, vector_company.size
        if n_x + n_y == 0:
            return
        added = mix_columns(inst, configs, pairs, vector_company, vector).tocsc()
        self.lp.add_columns(np.r_[np.ones(n_x), np.zeros(n_y)], added.indptr[:-1], added.indices, added.data)
        self.column_pair = np.r_[self.column_pair, pairs, np.full(n_y, -1, dtype=np.int64)]

    def solve(self, deadline: float) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """The LP on the columns so far: its student duals (``>= 0``), the pairs and how much of each
        it takes; None if it did not solve in time."""
        inst = self.inst
        time_left = deadline - perf_counter()
        if time_left <= 0.1:
            return None
        is_pair = self.column_pair >= 0
        if not is_pair.any():  # no columns yet: no prices (the companies' choices bring pairs in)
            return np.zeros(inst.n_students), np.zeros(0, dtype=np.int64), np.zeros(0)
        solution = self.lp.solve(time_left)
        if solution is None:
            return None
        dual = np.maximum(np.asarray(solution.row_dual)[: inst.n_students], 0.0)
        return dual, self.column_pair[is_pair], np.asarray(solution.col_value)[is_pair]


def _mix_lp(
    inst: Instance, configs: Configurations, pairs: np.ndarray, deadline: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The count-vector LP ``max sum x`` on ``pairs``, solved afresh: as ``_MixLp.solve``."""
    from scipy.optimize import linprog

    time_left = deadline - perf_counter()
    if time_left <= 0.1:
        return None
    if pairs.size == 0:  # no columns yet: no prices (the companies' choices bring pairs in)
        return np.zeros(inst.n_students), pairs, np.zeros(0)
    model = mix_model(inst, configs, pairs)
    at_most_one = model.matrix[: model.balance_start]
    solved = linprog(
        np.concatenate([-np.ones(model.n_pairs), np.zeros(model.n_vectors)]),
        A_ub=at_most_one,
        b_ub=np.ones(at_most_one.shape[0]),
        A_eq=model.matrix[model.balance_start :],
        b_eq=np.zeros(model.matrix.shape[0] - model.balance_start),
        bounds=(0, 1),
        method="highs",
        options={"time_limit": time_left},
    )
    if solved.status != 0:
        return None
    dual = np.maximum(-np.asarray(solved.ineqlin.marginals)[: inst.n_students], 0.0)
    return dual, pairs, np.asarray(solved.x)[: model.n_pairs]
