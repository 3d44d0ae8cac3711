"""The transportation relaxation: students to companies by OR-Tools min-cost flow, and its LP duals.

Without mentor constraints the placement problem is a transportation problem
(source -> student, capacity 1; student -> company, one arc per eligible pair;
company -> sink, capacity ``capacity``). Its linear relaxation has integral
optima, so min-cost flow solves it exactly, in well under a second at national
scale. ``solve_transport`` maximises the number placed first and then the sum of
weights (OR-Tools' ``solve_max_flow_with_min_cost``), so no big-M cost is needed
inside the flow. ``transport_duals`` recovers an optimal dual solution of the
same LP (one price per student and per company) from the optimal flow; the
exact solver's proof by decomposition is built on them.

``weight`` here is whatever integer per pair the caller's flow maximises: the
exact solver passes its ``weight``, ``lex_weight`` or ``priced_lex_weight``
(``optimizer.exact``).

Index spaces (``docs/optimizer.md``): ``PricedFlow`` is given the exact solver's
usable subset; its *active set* (``PricedFlow.active``) is a mask over those pairs.
Each round solves on ``index = flatnonzero(active)`` and maps the flow back at once,
so every mask and price it returns is over all the pairs it was given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from time import perf_counter

import numpy as np

from optimizer.instance import PAIR_CHUNK, bincount_in_parts, in_chunks


class FlowError(RuntimeError):
    """OR-Tools' min-cost flow did not return an optimal flow (it should never happen)."""


def solve_transport(
    n_students: int,
    n_companies: int,
    student: np.ndarray,
    company: np.ndarray,
    weight: np.ndarray,
    capacity: np.ndarray,
    *,
    optional: bool = False,
    load: np.ndarray | None = None,
    level_cap: np.ndarray | None = None,
) -> np.ndarray:
    """Pairs chosen by an optimal flow, as a boolean mask over the pairs. Mentor capacity is ignored.

    ``optional=False``: lexicographic, as many students as the capacities allow, then
    the largest sum of ``weight``. ``optional=True``: the largest sum of ``weight``;
    a pair of negative weight is never worth using (each student also has an
    outside option worth 0). Weights are any integers.

    ``level_cap`` (``(n_companies, L)``, with ``load`` per pair, at most ``L``): nested limits
    by load, ``level_cap[j, l - 1]`` students of load ``l`` or more at company ``j``
    (``LevelNetwork``).
    """
    n_pairs = int(student.shape[0])
    if n_pairs == 0:
        return np.zeros(0, dtype=bool)
    weight = np.asarray(weight, dtype=np.int64)
    shift = max(int(weight.max()), 0)
    net = LevelNetwork.of(n_students, n_companies, student, company, capacity, load=load, level_cap=level_cap)
    # Every maximum flow uses the same number of arcs out of the students, so shifting their
    # costs by one constant keeps them non-negative without changing the optimum.
    costs = np.zeros(net.tail.shape[0], dtype=np.int64)
    np.subtract(shift, weight, out=costs[net.pair_arcs])
    from ortools.graph.python import min_cost_flow  # imported when a plan is solved, not by every command

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(net.tail, net.head, net.capacity, costs)
    if optional:  # a student may stay unplaced: an arc to the sink worth 0 (costing the shift)
        outside = np.arange(n_students, dtype=np.int32)
        flow.add_arcs_with_capacity_and_unit_cost(
            outside,
            np.full(n_students, net.sink, dtype=np.int32),
            np.ones(n_students, dtype=np.int64),
            np.full(n_students, shift, dtype=np.int64),
        )
    flow.set_node_supply(net.source, n_students)
    flow.set_node_supply(net.sink, -n_students)
    status = flow.solve_max_flow_with_min_cost()
    if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
        raise FlowError(f"min-cost flow ended with status {status}")
    pair_arcs = np.arange(net.pair_arcs.start, net.pair_arcs.stop, dtype=np.int64)
    return flow.flows(pair_arcs).astype(bool)


@dataclass(frozen=True, eq=False)
class LevelNetwork:
    """The transportation network with a chain of load levels per company, its arcs built once.

    Nodes: students ``0..n_students-1``, then the companies at each load level ``0..levels``
    (company ``j`` at level ``l`` is ``n_students + l * n_companies + j``; level 0 is the company
    itself), then the source and the sink. Arcs, in this order: source -> each student (capacity 1);
    one arc per pair (capacity 1), entering its company at its load's level; each company -> sink
    (its ``capacity``); then, level by level, each company's arc from level ``l`` down to ``l - 1``
    (``level_cap[:, l - 1]``: at most so many students of load ``l`` or more). Without ``level_cap``
    (or ``load``) there are no levels. Nodes are int32, as OR-Tools takes them: on millions of pairs,
    int64 arrays and their conversion took a second a flow.
    """

    n_students: int
    n_companies: int
    levels: int
    tail: np.ndarray  # int32, per arc
    head: np.ndarray  # int32, per arc
    capacity: np.ndarray  # int64, per arc
    pair_level: np.ndarray | None  # int32 per pair: the level its arc enters (None without levels)

    @staticmethod
    def of(
        n_students: int,
        n_companies: int,
        student: np.ndarray,
        company: np.ndarray,
        capacity: np.ndarray,
        *,
        load: np.ndarray | None = None,
        level_cap: np.ndarray | None = None,
    ) -> LevelNetwork:
        n_pairs = int(student.shape[0])
        levels = 0 if level_cap is None or load is None else int(level_cap.shape[1])
        n_nodes = n_students + n_companies * (levels + 1)
        source, sink = n_nodes, n_nodes + 1
        first_pair, first_company = n_students, n_students + n_pairs
        first_level = first_company + n_companies
        n_arcs = first_level + n_companies * levels
        tail = np.empty(n_arcs, dtype=np.int32)
        head = np.empty(n_arcs, dtype=np.int32)
        cap = np.empty(n_arcs, dtype=np.int64)
        tail[:first_pair] = source
        head[:first_pair] = np.arange(n_students, dtype=np.int32)
        cap[:first_company] = 1
        tail[first_pair:first_company] = student
        pairs_head = head[first_pair:first_company]
        np.add(company, n_students, out=pairs_head, casting="unsafe")
        companies = np.arange(n_students, n_students + n_companies, dtype=np.int32)
        tail[first_company:first_level] = companies
        head[first_company:first_level] = sink
        np.maximum(capacity, 0, out=cap[first_company:first_level])
        pair_level = None
        if levels:
            assert level_cap is not None and load is not None
            pair_level = np.minimum(load, levels).astype(np.int32)
            pairs_head += pair_level * np.int32(n_companies)  # a pair enters its company at its load's level
            for level in range(1, levels + 1):
                arcs = slice(first_level + (level - 1) * n_companies, first_level + level * n_companies)
                tail[arcs] = companies + n_companies * level
                head[arcs] = companies + n_companies * (level - 1)
                np.maximum(level_cap[:, level - 1], 0, out=cap[arcs])
        return LevelNetwork(n_students, n_companies, levels, tail, head, cap, pair_level)

    @property
    def n_nodes(self) -> int:
        """Students and the companies' level nodes (the source and the sink come after them)."""
        return self.n_students + self.n_companies * (self.levels + 1)

    @property
    def source(self) -> int:
        return self.n_nodes

    @property
    def sink(self) -> int:
        return self.n_nodes + 1

    @property
    def pair_arcs(self) -> slice:
        """The pairs' arcs, pair ``k`` at ``pair_arcs.start + k``."""
        return slice(self.n_students, self.tail.shape[0] - self.n_companies * (self.levels + 1))

    @property
    def company_arcs(self) -> slice:
        """Each company's arc to the sink."""
        start = self.pair_arcs.stop
        return slice(start, start + self.n_companies)

    @property
    def level_arcs(self) -> slice:
        """The arcs down the levels, level by level (``level_cap.T.ravel()`` sets their capacities)."""
        return slice(self.company_arcs.stop, self.tail.shape[0])

    @property
    def entry(self) -> np.ndarray:
        """The node each pair's arc enters (its company at its load's level)."""
        return self.head[self.pair_arcs]

    def level_node(self) -> np.ndarray:
        """``(n_companies, levels + 1)``: company ``j``'s node at load level ``l``."""
        levels = np.arange(self.levels + 1, dtype=np.int64)
        return (
            self.n_students + np.arange(self.n_companies, dtype=np.int64)[:, None] + self.n_companies * levels
        )


def augment_transport(
    n_students: int,
    n_companies: int,
    student: np.ndarray,
    company: np.ndarray,
    capacity: np.ndarray,
    chosen: np.ndarray,
    *,
    load: np.ndarray | None = None,
    level_cap: np.ndarray | None = None,
) -> Augmented:
    """A maximum flow (most students placed) grown from the feasible ``chosen``, and a minimum cut.

    The network is ``solve_transport``'s without costs (``LevelNetwork``). One maximum flow on the
    residual network of ``chosen`` (each arc's room forward, its flow backward) finds the augmenting
    paths, so every student placed stays placed and every company keeps at least its students; pairs
    change only along those paths. ``chosen`` must keep ``capacity`` and, with ``level_cap``, the
    nested limits.
    """
    net = LevelNetwork.of(n_students, n_companies, student, company, capacity, load=load, level_cap=level_cap)
    pairs, companies = net.pair_arcs, net.company_arcs
    flow = np.zeros(net.tail.shape[0], dtype=np.int64)
    flow[:n_students][student[chosen]] = 1
    flow[pairs] = chosen
    chosen_company = company[chosen]
    flow[companies] = np.bincount(chosen_company, minlength=n_companies)
    if net.pair_level is not None:  # the arc from level l down to l - 1: students of load l or more
        chosen_level = net.pair_level[chosen]
        by_level = flow[net.level_arcs].reshape(net.levels, n_companies)  # a view, a row per level
        for level in range(1, net.levels + 1):
            by_level[level - 1] = np.bincount(chosen_company[chosen_level >= level], minlength=n_companies)
    if (flow > net.capacity).any():
        raise FlowError("the plan to grow exceeds a capacity of the network")
    from ortools.graph.python import max_flow  # imported when a plan is solved, not by every command

    network = max_flow.SimpleMaxFlow()
    forward = network.add_arcs_with_capacity(net.tail, net.head, net.capacity - flow)
    # An arc without flow has no room backward: only arcs with flow get a backward arc.
    with_flow = np.flatnonzero(flow)
    backward = network.add_arcs_with_capacity(net.head[with_flow], net.tail[with_flow], flow[with_flow])
    status = network.solve(net.source, net.sink)
    if status != max_flow.SimpleMaxFlow.OPTIMAL:
        raise FlowError(f"max flow ended with status {status}")
    pushed = network.flows(np.asarray(forward)[pairs])
    back_pair = (with_flow >= pairs.start) & (with_flow < pairs.stop)
    pushed[with_flow[back_pair] - pairs.start] -= network.flows(np.asarray(backward)[back_pair])
    # The largest source side of a minimum cut: every node that cannot reach the sink in the residual
    # network (``_tier_bound`` extends the cut to pairs outside the network; few of them cross this one).
    source_side = np.ones(net.n_nodes + 2, dtype=bool)
    source_side[np.asarray(network.get_sink_side_min_cut(), dtype=np.int64)] = False
    return Augmented((chosen.astype(np.int64) + pushed) > 0, source_side[: net.n_nodes], net.levels)


@dataclass(frozen=True, eq=False)
class Augmented:
    """``augment_transport``'s maximum flow and the source side of a minimum cut.

    ``source_side`` is over the network's nodes: students ``0..n_students-1``, then each load level
    ``0..levels`` of the companies (company ``j`` at level ``l`` is ``n_students + l * n_companies + j``).
    """

    chosen: np.ndarray
    source_side: np.ndarray
    levels: int


def transport_duals(
    n_students: int,
    n_companies: int,
    student: np.ndarray,
    company: np.ndarray,
    weight: np.ndarray,
    chosen: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Optimal LP duals ``(student_price, company_price)`` for an optimal ``chosen`` set of pairs.

    The LP is: maximise sum(weight * x) subject to at most one company per student
    (dual ``u >= 0``) and at most ``capacity`` students per company (dual ``v >= 0``).
    ``chosen`` must be optimal for it (for the exact solver's ``lex_weight = M + weight``
    with ``M`` above any total weight, ``solve_transport``'s answer is). The company
    prices are the least solution of the complementary-slackness system, a longest-path
    problem over the companies solved by vectorised Bellman-Ford rounds; then ``u_i``
    is the weight of student i's pair minus its company's price. Every pair then has a
    reduced cost ``u_i + v_j - weight_ij >= 0`` and the LP optimum equals
    ``sum(u) + sum(capacity * v)``.
    """
    weight = np.asarray(weight, dtype=np.int64)
    own_pair = np.full(n_students, -1, dtype=np.int64)
    own_pair[student[chosen]] = np.flatnonzero(chosen)
    assigned = own_pair >= 0
    safe_pair = np.maximum(own_pair, 0)
    own_weight = np.where(assigned, weight[safe_pair], 0)
    own_company = np.where(assigned, company[safe_pair].astype(np.int64), -1)

    order = np.argsort(company, kind="stable")
    counts = np.bincount(company, minlength=n_companies)
    has_pairs = counts > 0
    starts = (np.cumsum(counts) - counts)[has_pairs]
    # Moving student i from its own company a(i) to company j gains weight_ij - weight_i,a(i)
    # and frees a place at a(i); an unplaced student gains weight_ij outright.
    move_gain = weight[order] - own_weight[student[order]]
    came_from = own_company[student[order]]
    from_a_company = came_from >= 0
    came_from_safe = np.maximum(came_from, 0)

    price = np.zeros(n_companies, dtype=np.int64)
    for _ in range(n_companies + 2):
        candidate = move_gain + np.where(from_a_company, price[came_from_safe], 0)
        new_price = np.zeros(n_companies, dtype=np.int64)
        new_price[has_pairs] = np.maximum.reduceat(candidate, starts)
        np.maximum(new_price, 0, out=new_price)
        if np.array_equal(new_price, price):
            break
        price = new_price
    else:  # a positive cycle: ``chosen`` was not optimal
        raise FlowError("the flow is not optimal: the dual prices do not converge")
    student_price = np.where(assigned, own_weight - price[np.maximum(own_company, 0)], 0)
    if (student_price < 0).any():
        raise FlowError("the flow is not optimal: a student's dual price is negative")
    return student_price, price


@dataclass(frozen=True, eq=False)
class FlowRound:
    """A flow over all pairs with LP duals that are feasible for every pair.

    ``bound`` is the dual objective ``sum(u) + sum(capacity * v)``: an upper bound on
    the total weight of any flow. It equals the flow's total weight when ``optimal``; when
    the pricing was cut short by the deadline, the student prices were raised just
    enough to cover every pair, so the bound stays valid.
    """

    chosen: np.ndarray  # (n_pairs,) bool
    student_price: np.ndarray  # (n_students,) u >= 0
    company_price: np.ndarray  # (n_companies,) v >= 0
    bound: int
    optimal: bool


class PricedFlow:
    """``solve_transport`` plus LP duals, solved on a growing subset of the pairs and certified on all.

    Most pairs never matter: a student's few best companies decide almost
    everything. Each solve works on the *active* pairs, computes duals there, and
    prices pairs with them; the most attractive pairs with a negative reduced cost
    (at most ``add_per_round``) join the active set and the solve repeats. When no
    pair at all has a negative reduced cost the duals are feasible for the full LP,
    so the flow is optimal for all pairs. On large networks the pricing first looks
    only at ``watch`` (each student's better pairs) and sweeps every pair only when
    those are settled. The active set is kept between solves (the Lagrangian rounds
    change the weights only a little).
    """

    def __init__(
        self,
        n_students: int,
        n_companies: int,
        student: np.ndarray,
        company: np.ndarray,
        capacity: np.ndarray,
        first_active: np.ndarray,
        watch: np.ndarray | None = None,
    ):
        self.n_students = n_students
        self.n_companies = n_companies
        self.student = student
        self.company = company
        self.capacity = capacity
        self.active = first_active.copy()
        self.add_per_round = max(4 * n_students, 10_000)
        self.watched = None if watch is None else watch | first_active
        self.watch = None if self.watched is None else np.flatnonzero(self.watched)
        self.solves = 0
        self.seconds_per_pair = 0.0  # how fast the last flow went (a forecast for the next ones)

    def solve(self, weight: np.ndarray, *, optional: bool = True, deadline: float = math.inf) -> FlowRound:
        """The flow of largest total ``weight`` and its LP duals.

        ``optional=False`` solves a maximum flow of largest weight instead (faster); it is
        the same optimum whenever every pair's weight is positive and above any total
        weight difference, as with ``lex_weight`` (a big-M placement bonus) and small prices.
        """
        last = 0.0  # seconds the previous round took: a new round starts only if it can finish
        while True:
            round_started = perf_counter()
            index = np.flatnonzero(self.active)
            flow_started = perf_counter()
            chosen_active = solve_transport(
                self.n_students,
                self.n_companies,
                self.student[index],
                self.company[index],
                weight[index],
                self.capacity,
                optional=optional,
            )
            self.solves += 1
            self.seconds_per_pair = (perf_counter() - flow_started) / max(index.size, 1)
            student_price, company_price = transport_duals(
                self.n_students,
                self.n_companies,
                self.student[index],
                self.company[index],
                weight[index],
                chosen_active,
            )
            chosen = np.zeros(self.student.shape[0], dtype=bool)
            chosen[index[chosen_active]] = True
            last = perf_counter() - round_started
            out_of_time = perf_counter() + last >= deadline
            missing, reduced = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
            if self.watch is not None and not out_of_time:  # the watched pairs first
                missing, reduced = self._negative(self.watch, weight, student_price, company_price)
            if missing.size == 0:  # a sweep over every pair
                missing, reduced = self._negative(None, weight, student_price, company_price)
                if missing.size and self.watched is not None:
                    self.watched[missing] = True
                    self.watch = np.flatnonzero(self.watched)
            if missing.size == 0:
                bound = sum(student_price.tolist()) + sum((self.capacity * company_price).tolist())
                return FlowRound(chosen, student_price, company_price, bound, True)
            if out_of_time:
                # Raise each student's price by its most negative reduced cost: feasible duals.
                shortfall = np.zeros(self.n_students, dtype=np.int64)
                np.maximum.at(shortfall, self.student[missing], -reduced)
                student_price = student_price + shortfall
                bound = sum(student_price.tolist()) + sum((self.capacity * company_price).tolist())
                return FlowRound(chosen, student_price, company_price, bound, False)
            if missing.size > self.add_per_round:
                cut = np.argpartition(reduced, self.add_per_round)[: self.add_per_round]
                missing = missing[cut]
            self.active[missing] = True

    def _negative(
        self,
        among: np.ndarray | None,
        weight: np.ndarray,
        student_price: np.ndarray,
        company_price: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (of ``among``, or all) with a negative reduced cost, and those costs.

        A sweep over every pair goes in chunks, so that its temporaries stay small (on 100 million
        pairs, whole-array ones took gigabytes)."""
        if among is None and self.student.shape[0] > PAIR_CHUNK:
            n_pairs = self.student.shape[0]
            chunks = (
                np.arange(start, min(start + PAIR_CHUNK, n_pairs)) for start in range(0, n_pairs, PAIR_CHUNK)
            )
            found = [self._negative(chunk, weight, student_price, company_price) for chunk in chunks]
            return np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found])
        student = self.student if among is None else self.student[among]
        pair_weight = weight if among is None else weight[among]
        # Only a pair weighing more than its student's price can have a negative reduced cost
        # (company prices are >= 0): a cheap first pass, then the exact test on those.
        worth = np.flatnonzero(pair_weight > student_price[student])
        company = self.company[worth] if among is None else self.company[among[worth]]
        reduced = student_price[student[worth]] + company_price[company] - pair_weight[worth]
        negative = reduced < 0
        positions = worth[negative] if among is None else among[worth[negative]]
        return positions, reduced[negative]


def better_pairs(
    group: np.ndarray,
    weight: np.ndarray,
    n_groups: int,
    k: int | np.ndarray,
    bucket: np.ndarray | None = None,
    buckets: int = 64,
) -> np.ndarray:
    """Mask of roughly each group's ``k`` best pairs (``group``: the pairs' students or companies), in linear time.

    Weights are bucketed by their quantiles (``weight_buckets``), so tiered weights (interests
    far above scores) are split as finely as plain ones; every pair in the bucket that reaches
    the ``k``-th best is kept, so a group may keep a few more. ``k`` is one number or one per group;
    ``bucket``: ``weight_buckets(weight, buckets)`` when already known.
    """
    bucket = weight_buckets(weight, buckets) if bucket is None else bucket

    def key(chunk: slice) -> np.ndarray:
        return group[chunk].astype(np.int64) * buckets + bucket[chunk]

    counts = bincount_in_parts(group.shape[0], key, n_groups * buckets)
    from_top = np.cumsum(counts.reshape(n_groups, buckets)[:, ::-1], axis=1)
    wanted = np.broadcast_to(np.asarray(k, dtype=np.int64), (n_groups,))
    reach = (buckets - 1 - np.argmax(from_top >= wanted[:, None], axis=1)).astype(np.uint8)
    reach[from_top[:, -1] < wanted] = 0  # fewer than k pairs: keep them all
    kept = np.empty(group.shape[0], dtype=bool)

    def keep(chunk: slice) -> None:
        np.greater_equal(bucket[chunk], reach[group[chunk]], out=kept[chunk])

    in_chunks(group.shape[0], keep)
    return kept


BUCKET_TABLE_MAX = 1 << 25
"""Whole-number weights are bucketed through a look-up table of at most this many entries (32 MB), and of
no more entries than there are pairs (``bucket_edges``)."""


def weight_buckets(weight: np.ndarray, buckets: int) -> np.ndarray:
    """Each pair's bucket (uint8, ``0 .. buckets - 1``, higher is better) by the quantiles of a sample of the
    weights: ``np.searchsorted(edges, weight, side="right")`` with ``edges, _ = bucket_edges(weight, buckets)``."""
    edges, shift = bucket_edges(weight, buckets)
    out = np.empty(weight.shape[0], dtype=np.uint8)
    if shift is not None:
        _buckets_by_table(weight, edges, shift, out)
        return out

    def search(chunk: slice) -> None:
        out[chunk] = np.searchsorted(edges, weight[chunk], side="right")

    in_chunks(weight.shape[0], search)
    return out


def bucket_edges(weight: np.ndarray, buckets: int) -> tuple[np.ndarray, int | None]:
    """The edges of ``weight_buckets``, and the table's cells (``2**shift`` whole numbers; None: no table).

    Edges are quantiles of a sample, as whole numbers for whole-number weights (a weight is at least an
    edge exactly when it is at least its ceiling). Whole-number weights are then looked up in a table
    of cells of their range (``_buckets_by_table``); when weights span more values than the table
    holds (tiered weights: interests far above scores span hundreds of millions), each edge is moved up
    to the start of its cell, so that no cell is split (by under ``2**shift``, a few hundredths of a
    score point at 45,000 x 20,000), unless that would merge two edges.
    """
    step = max(weight.shape[0] // 200_000, 1)
    quantiles = np.quantile(weight[::step], np.linspace(0.0, 1.0, buckets + 1)[1:-1])
    if weight.dtype.kind not in "iu":
        return np.unique(quantiles), None
    edges = np.unique(np.ceil(quantiles)).astype(weight.dtype)
    table_size = min(BUCKET_TABLE_MAX, weight.shape[0])
    if table_size == 0:
        return edges, None
    low, high = int(weight.min()), int(weight.max())
    shift = max((high - low) // table_size, 0).bit_length()  # then (high - low) >> shift < table_size
    if shift:
        cell = 1 << shift
        moved = low + (edges.astype(np.int64) - low + cell - 1) // cell * cell
        if np.unique(moved).size < edges.size or moved.max() > np.iinfo(weight.dtype).max:
            return edges, None
        edges = moved.astype(weight.dtype)
    return edges, shift


def _buckets_by_table(weight: np.ndarray, edges: np.ndarray, shift: int, out: np.ndarray) -> None:
    """``np.searchsorted(edges, weight, side="right")`` looked up by each weight's cell (every edge starts one).

    Cell ``c`` holds the weights from ``low + c * 2**shift`` up to the next cell's first: one gather a
    pair instead of a binary search (about 3 times faster on 100 million pairs), the same buckets.
    The table counts, for each cell, the edges at or below its first weight: edge ``e`` (in rising
    order) counts from cell ``ceil((e - low) / 2**shift)`` on, so the table is runs of 0, 1, 2, ...
    between those cells (a binary search of every cell's first weight among the edges took 1.2 s of
    a 15 s solve at 45,000 x 20,000).
    """
    low, high = int(weight.min()), int(weight.max())
    n_cells = ((high - low) >> shift) + 1
    # -((low - e) >> shift) is ceil((e - low) / 2**shift) in whole numbers; edges below low count from 0.
    starts = np.clip(-((low - edges.astype(np.int64)) >> shift), 0, n_cells)
    runs = np.diff(np.concatenate(([0], starts, [n_cells])))
    table = np.repeat(np.arange(runs.size, dtype=np.uint8), runs)

    def look_up(chunk: slice) -> None:
        part = weight[chunk]
        cell = part - low if shift == 0 else (part.astype(np.int64) - low) >> shift
        np.take(table, cell, out=out[chunk])

    in_chunks(weight.shape[0], look_up)


def rank_per_student(student: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Each pair's rank among its student's pairs: 0 for the highest weight (ties by position)."""
    order = np.lexsort((-weight, student))
    sorted_student = student[order]
    first = np.searchsorted(sorted_student, sorted_student, side="left")
    rank = np.empty(student.shape[0], dtype=np.int64)
    rank[order] = np.arange(order.size) - first
    return rank
