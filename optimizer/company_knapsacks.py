"""Each company's own best students when the students' rows are priced: exact, by count vectors.

With a price ``u_i >= 0`` on "student ``i`` takes at most one internship", a pair is worth its
*profit* ``p_k = placement_price + weight_k - u_i`` (``placement_price``: what a placement is worth
on top of its weight), and what is left is one small problem per company: the students of largest total
profit within its capacity and its mentor hours. Loads are a few small integers and capacities
small, so that problem is solved exactly by its *count vectors*: how many students of each load
it takes (``Configurations``); with ``n_l`` of load ``l`` it takes the ``n_l`` of largest profit
among them. ``sum_i u_i + sum_j best_j`` bounds ``placement_price * placed + weight`` of every plan (a
Lagrangian bound that keeps each company's mentor limit whole, where the flow's bound relaxes it).

Every plan's shortfall from that bound splits into non-negative terms: ``u_i`` for each student
left out, and for each company its best less the profit of the students it has. ``forced_loss``
is the least a company's term can be when it takes a given pair, ``vector_loss`` when it takes a
given count vector.

Works in the exact solver's usable subset (every pair's load fits its company's mentor hours).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from optimizer.instance import Instance

MAX_TABLE = 4_000_000
"""Companies times count vectors above which no ``Configurations`` are made (a table that large
would make each evaluation slow); 900 companies of capacity up to 4 and loads 0-5 need 189,000."""

_NONE = -(1 << 52)
"""No such choice (too few students of that load, or a count vector that does not fit)."""


@dataclass(frozen=True, eq=False)
class Configurations:
    """Every count vector up to the largest capacity, and which of them each company can take.

    The vectors a company can take are its *fits*: the true entries of ``fits``, by company then
    vector (``fit_company``, ``fit_vector``; each company's first at ``company_start``, and the empty
    vector fits every company). Each evaluation works on the fits alone: on the benchmark's
    national-tight network 84,732 of 1,050,000 (5,000 companies, 210 vectors).
    """

    counts: np.ndarray  # (K, levels): students of load 0, 1, ... in each vector
    fits: np.ndarray  # (n_companies, K) bool: within the company's capacity and mentor hours
    fit_company: np.ndarray  # (F,) int64
    fit_vector: np.ndarray  # (F,) int64
    company_start: np.ndarray  # (n_companies,) int64: each company's first fit

    @property
    def levels(self) -> int:
        return int(self.counts.shape[1])

    @property
    def sizes(self) -> np.ndarray:
        """(K,) how many students each vector takes."""
        return self.counts.sum(axis=1)

    @property
    def most(self) -> int:
        return int(self.sizes.max(initial=0))


def configurations(inst: Instance) -> Configurations | None:
    """The count vectors of ``inst``'s companies, or None if the table would exceed ``MAX_TABLE``."""
    levels = int(inst.load.max(initial=0)) + 1
    most = int(inst.capacity.max(initial=0))
    if inst.n_companies * math.comb(most + levels, levels) > MAX_TABLE:
        return None
    counts = np.array(
        [vector for vector in itertools.product(range(most + 1), repeat=levels) if sum(vector) <= most],
        dtype=np.int64,
    ).reshape(-1, levels)
    hours = counts @ np.arange(levels, dtype=np.int64)
    fits = (counts.sum(axis=1)[None, :] <= inst.capacity[:, None]) & (
        hours[None, :] <= inst.mentor_capacity[:, None]
    )
    fit_company, fit_vector = np.nonzero(fits)  # by company, then vector
    company_start = np.searchsorted(fit_company, np.arange(inst.n_companies))
    return Configurations(
        counts,
        fits,
        fit_company.astype(np.int64),
        fit_vector.astype(np.int64),
        company_start.astype(np.int64),
    )


@dataclass(frozen=True, eq=False)
class CompanyBest:
    """Each company's best under one set of profits."""

    best: np.ndarray  # (n_companies,) the largest total profit (0 when it takes no one)
    counts: np.ndarray  # (n_companies, levels) the count vector that reaches it
    chosen: np.ndarray  # (n_pairs,) bool: the students it takes
    total: int  # sum(max(student_price, 0)) + sum(best): the Lagrangian bound
    # Kept for ``forced_loss``: the pairs sorted by company, load and falling profit, each one's
    # (company, load) group (``company * levels + load``) and rank within it in that order, the top
    # profits per (company, load), and the profit of every fit (``Configurations``).
    order: np.ndarray
    sorted_group: np.ndarray
    rank: np.ndarray
    top: np.ndarray  # (n_companies, levels, most)
    fit_profit: np.ndarray  # (F,), _NONE where the company has too few students of a load to fill it


def company_best(
    inst: Instance, configs: Configurations, profit: np.ndarray, student_price: np.ndarray
) -> CompanyBest:
    """Each company's students of largest total ``profit`` (int64 per pair) within its limits."""
    levels, most = configs.levels, configs.most
    group = inst.company.astype(np.int64) * levels + inst.load
    order = _by_group_then_falling(group, profit, inst.n_companies * levels)
    sorted_group = group[order]
    starts = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]])
    sizes = np.diff(np.r_[starts, sorted_group.size])
    rank = np.arange(sorted_group.size) - np.repeat(starts, sizes)
    width = max(most, 1)
    top = np.full((inst.n_companies, levels, width), _NONE, dtype=np.int64)
    kept = rank < most
    top.reshape(-1)[sorted_group[kept] * width + rank[kept]] = profit[order[kept]]
    # prefix[j, l, n]: the n most profitable students of load l at company j (_NONE if fewer).
    prefix = np.zeros((inst.n_companies, levels, most + 1), dtype=np.int64)
    prefix[:, :, 1:] = np.cumsum(np.where(top > _NONE, top, 0)[:, :, :most], axis=2)
    available = (top > _NONE).sum(axis=2)
    prefix[np.arange(most + 1)[None, None, :] > available[:, :, None]] = _NONE
    fit_profit = _fit_profits(configs, prefix)
    best, counts = _best_fits(configs, fit_profit)
    chosen = np.zeros(inst.n_pairs, dtype=bool)
    chosen[order[rank < counts.reshape(-1)[sorted_group]]] = True
    total = int(np.maximum(student_price, 0).sum()) + int(best.sum())
    return CompanyBest(best, counts, chosen, total, order, sorted_group, rank, top, fit_profit)


def _fit_profits(configs: Configurations, prefix: np.ndarray) -> np.ndarray:
    """(F,) each fit's profit: per load, its company's best students of that load, as many as the fit takes."""
    _, levels, depth = prefix.shape
    flat = prefix.reshape(-1)
    base = configs.fit_company * (levels * depth)
    profit = np.zeros(configs.fit_company.size, dtype=np.int64)
    for level in range(levels):
        profit += flat[base + level * depth + configs.counts[configs.fit_vector, level]]
    return np.where(profit > _NONE // 2, profit, _NONE)


def _best_fits(configs: Configurations, fit_profit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each company's largest fit profit, and the count vector of its first fit that reaches it."""
    if configs.company_start.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, configs.levels), dtype=np.int64)
    best = np.maximum.reduceat(fit_profit, configs.company_start)
    company = configs.fit_company
    reaching = np.flatnonzero(fit_profit == best[company])
    first = reaching[np.r_[True, company[reaching[1:]] != company[reaching[:-1]]]]
    return best, configs.counts[configs.fit_vector[first]]


def with_placement_price(
    inst: Instance, configs: Configurations, found: CompanyBest, price: int
) -> CompanyBest:
    """``found`` with a placement worth ``price`` more, added to every pair's profit: what
    ``company_best`` finds on ``profit + price``, from its fit profits (a vector of ``n`` students
    gains ``n * price``)."""
    fit_size = configs.sizes[configs.fit_vector]
    fit_profit = np.where(found.fit_profit > _NONE // 2, found.fit_profit + price * fit_size, _NONE)
    best, counts = _best_fits(configs, fit_profit)
    top = np.where(found.top > _NONE // 2, found.top + price, _NONE)
    order, rank, sorted_group = found.order, found.rank, found.sorted_group
    chosen = np.zeros(inst.n_pairs, dtype=bool)
    chosen[order[rank < counts.reshape(-1)[sorted_group]]] = True
    prices = found.total - int(found.best.sum())
    return CompanyBest(
        best, counts, chosen, prices + int(best.sum()), order, sorted_group, rank, top, fit_profit
    )


def best_placement_price(configs: Configurations, found: CompanyBest, placed: int, start: int) -> int:
    """The placement price ``v`` (whole) that makes ``with_placement_price(.., found, v).total - v *
    placed`` least.

    That bound is convex in ``v`` (each company's best is a maximum of lines ``profit + n * v``); its
    least is where the companies together start to take ``placed`` or more. Searched outwards from
    ``start`` (the price the round before), then halved.
    """
    # by_size[j, n]: company j's best taking n students (only those matter: all gain n * v).
    by_size = np.full((found.best.size, configs.most + 1), _NONE, dtype=np.int64)
    np.maximum.at(by_size, (configs.fit_company, configs.sizes[configs.fit_vector]), found.fit_profit)
    usable = by_size > _NONE // 2
    size = np.arange(configs.most + 1, dtype=np.int64)

    def rise(v: int) -> int:  # bound(v + 1) - bound(v)
        at_v = np.where(usable, by_size + v * size, _NONE).max(axis=1)
        at_next = np.where(usable, by_size + (v + 1) * size, _NONE).max(axis=1)
        return int((at_next - at_v).sum()) - placed

    # Below minus the largest profit no company takes anyone. Above ``highest`` every company takes
    # as many as it can: n > m students gain (n - m) * v, more than m profits can exceed n.
    profits = found.top[found.top > _NONE // 2]
    largest, least = int(profits.max(initial=0)), int(profits.min(initial=0))
    lowest = -largest - 1
    highest = configs.most * (abs(largest) + abs(least)) + 1
    if placed <= 0 or rise(highest) < 0:
        return highest if placed > 0 else lowest
    low, high, step = start, start, 1
    while low > lowest and rise(low) >= 0:
        low, step = max(low - step, lowest), step * 2
    step = 1
    while high < highest and rise(high) < 0:
        high, step = min(high + step, highest), step * 2
    # rise(low) < 0 <= rise(high) unless a limit was reached: the least is at the first v with rise >= 0.
    if rise(low) >= 0:
        return low
    while high - low > 1:
        middle = (low + high) // 2
        if rise(middle) >= 0:
            high = middle
        else:
            low = middle
    return high


def _by_group_then_falling(group: np.ndarray, profit: np.ndarray, groups: int) -> np.ndarray:
    """The pairs in order of ``group``, then of falling ``profit``: one sort of a single integer key
    where it fits in 63 bits (on 1,700 x 900, 4 ms where ``np.lexsort`` took 32 ms)."""
    if profit.size == 0:
        return np.zeros(0, dtype=np.int64)
    highest = int(profit.max())
    shift = (highest - int(profit.min())).bit_length()
    if groups.bit_length() + shift > 62:
        return np.lexsort((-profit, group))
    return np.argsort((group << shift) | (highest - profit))


def vector_loss(configs: Configurations, found: CompanyBest) -> np.ndarray:
    """``(n_companies, K)``: how far below its best a company falls at least when it takes that count
    vector (its best set with that vector is its fit's profit); the largest int64 where the vector
    does not fit or the company has too few students of a load to fill it. The empty vector's loss
    is the company's best."""
    loss = np.full(configs.fits.shape, np.iinfo(np.int64).max, dtype=np.int64)
    fillable = found.fit_profit > _NONE // 2
    company, vector = configs.fit_company[fillable], configs.fit_vector[fillable]
    loss[company, vector] = found.best[company] - found.fit_profit[fillable]
    return loss


def forced_loss(
    inst: Instance, configs: Configurations, found: CompanyBest, profit: np.ndarray
) -> np.ndarray:
    """``(n_pairs,)``: how far below its best a company falls at least when it takes that pair.

    With ``G[j, l, m]`` the best fit profit of company ``j`` taking exactly ``m`` students of load
    ``l``: a pair of rank ``r`` in its (company, load) is among the ``m`` taken when ``m > r``, and
    otherwise replaces the ``m``-th of them.
    """
    levels, most = configs.levels, configs.most
    n_companies = inst.n_companies
    exactly = np.full((n_companies, levels, most + 1), _NONE, dtype=np.int64)
    for level in range(levels):
        fit_takes = configs.counts[configs.fit_vector, level]
        np.maximum.at(exactly[:, level, :], (configs.fit_company, fit_takes), found.fit_profit)
    # with_it[j, l, r] (r < most): the best with more than r of load l, so a pair of rank r is taken.
    with_it = np.full((n_companies, levels, most + 2), _NONE, dtype=np.int64)
    for m in range(most, -1, -1):
        with_it[:, :, m] = np.maximum(with_it[:, :, m + 1], exactly[:, :, m])
    # swapped[j, l, r]: the best over 1 <= m <= r of taking m of load l less the m-th profit (the pair
    # then takes that place): add the pair's profit.
    swapped = np.full((n_companies, levels, most + 1), _NONE, dtype=np.int64)
    for m in range(1, most + 1):
        valid = (exactly[:, :, m] > _NONE // 2) & (found.top[:, :, m - 1] > _NONE // 2)
        gain = np.where(valid, exactly[:, :, m] - found.top[:, :, m - 1], _NONE)
        swapped[:, :, m] = np.maximum(swapped[:, :, m - 1], gain)
    order, rank = found.order, found.rank
    company = found.sorted_group // levels
    load = found.sorted_group - company * levels
    taken = np.where(rank < most, with_it[company, load, np.minimum(rank + 1, most + 1)], _NONE)
    room = swapped[company, load, np.minimum(rank, most)]
    replacing = np.where(room > _NONE // 2, room + profit[order], _NONE)
    forced = np.maximum(taken, replacing)
    loss = np.empty(inst.n_pairs, dtype=np.int64)
    # A pair no vector can take (its company takes no one of that load) is never in a plan.
    loss[order] = np.where(forced > _NONE // 2, found.best[company] - forced, np.iinfo(np.int64).max)
    return loss
