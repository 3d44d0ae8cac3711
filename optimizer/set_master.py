"""A tighter knapsack bound at the proven count: stabilised column generation over the companies' sets.

The knapsack rounds (``knapsack_proof``) step the students' prices along a deflected subgradient and
stop well above the best bound those prices can give (1,700 x 900 seed 2: 518 weight units above the
optimum, where the best is about 190). That best bound is the LP over each company's own sets of
students (Dantzig-Wolfe): maximise the weight of a mix of sets, each company at most one set in
all, each student at most once, ``placed`` students. Its duals are the students' prices and the
placement price of least Lagrangian bound.

Solved from scratch that LP is slow and its duals erratic (a master over few sets gives students
outside them no price); here it is solved near the rounds' best prices only (a *box step*): the
master's student duals are held within a box (``BOX_SHARE``) of the best prices so far, and its
placement price within its own (``PLACEMENT_BOX_SHARE``), by penalty columns. Each iteration prices
every company at the master's duals (``company_knapsacks``), adds the sets they choose as columns (at
the master's own placement price, and at the one of least bound, which gives the iteration's bound),
and moves the boxes to those prices when their bound is lower (and, while that bound is a tier or more
above the best plan on tiered weights, doubles them: a trust region that grows while its steps
succeed), or widens them when nothing changed.
HiGHS (``highspy``) re-solves the master from its last basis in a few milliseconds;
``scipy.optimize.linprog`` would start it afresh each time.

Nothing here is a certificate by itself: the caller prices the companies once more at the prices
returned, and that knapsack bound holds for any prices. Works in the exact solver's usable subset.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from time import perf_counter

import numpy as np

from optimizer.highs import quiet_highs, run_for
from optimizer.instance import Instance

BOX_SHARE = 0.005
"""How far the master's student prices may move from the best prices so far, as a share of the mean
pair weight (about 6,150 on the tight networks: 31 units; 10 left 1,700 x 900 seed 2 at 267 above the
optimum after 100 iterations, 20-50 at 195-211, 100 at 372). Tiered weights (interests first, a tier
of millions) move the prices in steps as much larger."""
PLACEMENT_BOX_SHARE = 0.16
"""The same for the placement price (1,000 units on the tight networks; the rounds' best was up to 500
off the master's on 900 seed 3)."""
WIDENINGS = 2
"""How often the boxes double when an iteration adds no set and lowers no bound."""
MAX_ITERATIONS = 60
"""Master LPs at most (900 seeds 1-3 stopped improving after 20-40)."""


@dataclass(frozen=True, eq=False)
class Priced:
    """The knapsack bound at one set of integer prices, and the pairs the companies chose there."""

    bound: int
    placement_price: int
    student_price: np.ndarray
    chosen: np.ndarray  # (n_pairs,) bool
    # The sets the companies choose at the placement price asked for, where the bound's differs: the
    # master's own columns at its duals (None: the same as ``chosen``).
    at_asked_price: np.ndarray | None = None


def sharpen(
    inst: Instance,
    start: Priced,
    price: Callable[[np.ndarray, int], Priced],
    placed: int,
    seeds: Sequence[np.ndarray],
    deadline: float,
    max_iterations: int = MAX_ITERATIONS,
    grow_above: int | None = None,
) -> Priced:
    """The prices of least bound found from ``start`` (``start`` itself if none is lower).

    ``price(student_price, placement_price)`` evaluates integer prices (the placement price a start
    for its own search); ``seeds``: arrays of pairs whose company sets start the master (the
    rounds' recent choices, the best plan's). Stops when an iteration adds no set and lowers no
    bound with the boxes widened ``WIDENINGS`` times, after ``max_iterations`` master LPs or at
    ``deadline``. ``grow_above``: a trust region: double the boxes at each lower bound that is still
    at least this, and halve them (to no less than they started) after an iteration that adds sets
    but lowers no bound (boxes of a fixed size crawl: on the tight networks, about 90 weight units an
    iteration; on tiered weights, while the bound leaves a placement within interests open, a box's
    width an iteration where a tier is worth millions).
    """
    import highspy

    master = _Master(inst, placed)
    master.add_sets([np.flatnonzero(start.chosen), *seeds])
    best, widenings = start, 0
    master.centre(best)
    for _ in range(max_iterations):
        time_left = deadline - perf_counter()
        if time_left <= 0:
            break
        run_for(master.highs, min(time_left, 1e6))
        if master.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        student_price, placement_price = master.duals()
        found = price(np.rint(student_price).astype(np.int64), round(placement_price))
        asked = [] if found.at_asked_price is None else [np.flatnonzero(found.at_asked_price)]
        added = master.add_sets([np.flatnonzero(found.chosen), *asked])
        if found.bound < best.bound:
            # A lower bound: move there, and while it is at least ``grow_above`` let the next step go
            # twice as far. With boxes of a fixed size the bound fell by about the box's width an
            # iteration: 900 seed 3 on 0/1 weights for "within interests" (times 1,000) took 680
            # iterations and 46 s to reach 1,443,000, doubling on each success 20 iterations and 3.6 s.
            # Doubling without halving (below) ended 1,700 x 1,100 seed 1 and 900 seed 10 a little
            # higher than fixed boxes, and their last MILPs took 2-3 s longer; with it, at the same
            # bound in fewer iterations. Not on generated 700 x 360 networks (``GROW_MIN_PAIRS``).
            best = found
            if grow_above is not None and found.bound >= grow_above:
                master.widen()
        elif added > 0:
            # New sets, no lower bound: the step went too far for what the master knows. (On tiered
            # weights within a tier too: 1,700 x 900 seed 3 under interests first proven in 38-40 s
            # instead of FEASIBLE at 60 s; seed 2 took 7 s longer, 17 more iterations, same bound.)
            if grow_above is not None:
                master.narrow()
        else:
            # The master would give the same prices again: they lie on the box's edge, or are as good
            # as these sets can tell. A wider box, at most ``WIDENINGS`` times.
            if widenings == WIDENINGS:
                break
            widenings += 1
            master.widen()
        master.centre(best)
    return best


class _Master:
    """The restricted master LP in HiGHS: rows for the students (``<= 1``), the companies (``<= 1``)
    and the count (``== placed``); first the box's penalty columns, then one column per company set."""

    def __init__(self, inst: Instance, placed: int) -> None:
        import highspy

        self.inst = inst
        mean_weight = max(float(np.abs(inst.weight).mean()), 1.0)
        self.box, self.placement_box = BOX_SHARE * mean_weight, PLACEMENT_BOX_SHARE * mean_weight
        self.first_box, self.first_placement_box = self.box, self.placement_box
        n, m = inst.n_students, inst.n_companies
        self.count_row = n + m
        self.seen: set[tuple[int, int]] = set()  # (company, hash) of each set in the master
        highs = quiet_highs()
        highs.setOptionValue("solver", "simplex")
        highs.setOptionValue("simplex_strategy", 4)  # primal: new columns keep the basis feasible
        infinity = highspy.kHighsInf
        rows = n + m + 1
        lower = np.r_[np.full(n + m, -infinity), float(placed)]
        upper = np.r_[np.ones(n + m), float(placed)]
        highs.addRows(
            rows, lower, upper, 0, np.zeros(rows, dtype=np.int32), np.zeros(0, np.int32), np.zeros(0)
        )
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        # Penalty columns: +1 and -1 on each student's row, +1 and -1 on the count row. Their costs
        # (``centre``) hold each dual within its box.
        self.n_box = 2 * n + 2
        index = np.r_[np.arange(n), np.arange(n), self.count_row, self.count_row].astype(np.int32)
        values = np.r_[np.ones(n), -np.ones(n), 1.0, -1.0]
        highs.addCols(
            self.n_box,
            np.zeros(self.n_box),
            np.zeros(self.n_box),
            np.full(self.n_box, infinity),
            self.n_box,
            np.arange(self.n_box, dtype=np.int32),
            index,
            values,
        )
        self.highs = highs

    def centre(self, at: Priced) -> None:
        """Hold the duals within the boxes around ``at``'s prices: a student's price ``u`` in
        ``[u0 - box, u0 + box]`` (and ``>= 0``), the placement price within ``placement_box``."""
        centre = at.student_price.astype(np.float64)
        costs = np.r_[
            np.maximum(centre - self.box, 0.0),
            -(centre + self.box),
            -at.placement_price - self.placement_box,
            at.placement_price - self.placement_box,
        ]
        self.highs.changeColsCost(self.n_box, np.arange(self.n_box, dtype=np.int32), costs)

    def widen(self) -> None:
        """Double both boxes (``centre`` applies them)."""
        self.box, self.placement_box = 2 * self.box, 2 * self.placement_box

    def narrow(self) -> None:
        """Halve both boxes, to no less than their first size (``centre`` applies them)."""
        self.box = max(self.box / 2, self.first_box)
        self.placement_box = max(self.placement_box / 2, self.first_placement_box)

    def duals(self) -> tuple[np.ndarray, float]:
        """The students' prices (``>= 0``) and the placement price of the master's last solution."""
        row_dual = np.asarray(self.highs.getSolution().row_dual)
        # HiGHS's duals of this maximisation are >= 0 on the "<= 1" rows; a placement price (what a
        # placement is worth on top of its weight) is the negated dual of "== placed".
        return np.maximum(row_dual[: self.inst.n_students], 0.0), -float(row_dual[self.count_row])

    def add_sets(self, choices: Sequence[np.ndarray]) -> int:
        """Add the company sets in ``choices`` (each an array of pairs: what the companies chose at
        one set of prices) not yet in the master; how many were new.

        A set is known by its company and the sum of its pairs' hashes (``_pair_hash``): a clash
        would only leave a set out of the master, which changes its prices, never a bound.
        """
        inst = self.inst
        sizes = np.array([len(chosen) for chosen in choices], dtype=np.int64)
        if sizes.sum() == 0:
            return 0
        pairs = np.concatenate([np.asarray(chosen, dtype=np.int64) for chosen in choices])
        choice = np.repeat(np.arange(sizes.size), sizes)
        company = inst.company[pairs].astype(np.int64)
        order = np.lexsort((inst.student[pairs], company, choice))
        pairs, choice, company = pairs[order], choice[order], company[order]
        starts = np.flatnonzero(np.r_[True, (choice[1:] != choice[:-1]) | (company[1:] != company[:-1])])
        set_hash = np.add.reduceat(_pair_hash(pairs), starts)
        set_company = company[starts]
        # The first of each distinct (company, hash) among these, and only those the master lacks.
        _, first = np.unique(np.stack([set_company, set_hash.view(np.int64)]), axis=1, return_index=True)
        first = np.sort(first)
        keys = list(zip(set_company[first].tolist(), set_hash[first].tolist(), strict=True))
        fresh = np.array([key not in self.seen for key in keys], dtype=bool)
        if not fresh.any():
            return 0
        self.seen.update(key for key, new in zip(keys, fresh.tolist(), strict=True) if new)
        ends = np.r_[starts[1:], pairs.size]
        new_start, new_end = starts[first[fresh]], ends[first[fresh]]
        size = new_end - new_start
        # Column c: its students' rows, then its company's row and the count row (coefficient |S|).
        column = np.repeat(np.arange(size.size), size)
        within = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size)
        members = np.repeat(new_start, size) + within  # positions in ``pairs``, set by set
        length = size + 2
        col_starts = np.cumsum(length) - length
        slot = col_starts[column] + within
        index = np.empty(int(length.sum()), dtype=np.int32)
        values = np.ones(int(length.sum()))
        index[slot] = inst.student[pairs[members]]
        index[col_starts + size] = inst.n_students + company[new_start]
        index[col_starts + size + 1] = self.count_row
        values[col_starts + size + 1] = size
        costs = np.bincount(column, weights=inst.weight[pairs[members]], minlength=size.size).astype(
            np.float64
        )
        self.highs.addCols(
            size.size,
            costs,
            np.zeros(size.size),
            np.full(size.size, np.inf),
            index.size,
            col_starts.astype(np.int32),
            index,
            values,
        )
        return int(size.size)


def _pair_hash(pairs: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each pair index (Fibonacci hashing, then a xor-shift), summed per set."""
    mixed = pairs.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return mixed ^ (mixed >> np.uint64(29))
