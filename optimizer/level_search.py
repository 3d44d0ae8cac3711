"""The most students any plan places, by a search over each company's nested load limits.

Works in the usable subset of ``exact.py`` (pairs whose load fits their company).

A set of students fits a company's mentor capacity ``M`` exactly when, with ``n_l`` of them of
load ``l`` or more, ``n_1 + n_2 + ... <= M`` (``exact.fitting_level_caps``). So every plan keeps,
at each company, limits ``u_l`` on those counts that are non-increasing in ``l`` and sum to at most
``M``; and under any such limits the most students placed is a maximum flow ``F(u)`` (source ->
student -> the company's node for the pair's load -> a chain of level nodes -> sink), whose every
plan keeps every mentor limit. The count's optimum is the largest ``F(u)``.

``F`` is the least capacity of a cut of that network, and a cut's capacity is a constant plus the
limits ``u_l`` of the level arcs it crosses. The search (Benders' decomposition of the count)
alternates between a CP-SAT model over integer limits of the companies whose mentor limits can
bind, which maximises the least capacity of the cuts found so far (an upper bound on every plan's
count, since each plan's own counts are limits the model allows), and a maximum flow under the
limits it picks (a lower bound, and the minimum cut added to the model). It ends when the two
meet, the count then proven, or at its deadline. On tight networks it finds plans placing one or
two students more than restrict-and-reflow in one or two seconds (docs/optimizer-measurements.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from time import perf_counter
from typing import Any

import numpy as np

from optimizer.flow import LevelNetwork
from optimizer.instance import Instance

MASTER_WORKERS = 2
"""CP-SAT workers for the model over the limits (small: a few thousand integer variables)."""
MAX_ROUNDS = 200
"""Rounds (a model and a flow each, about 0.13 s on 175,000 pairs) at most: on tight networks of
1,700 x 900 (seeds 1-5) the plans that place more were found in rounds 11-76, while the bound may take
hundreds of rounds (the proof after the search is exact anyway)."""
PATIENCE = 80
"""The search also ends after this many rounds in a row that improve neither the count nor its bound."""
CLOSEST_FLOWS = 40
"""Maximum flows' worth of time kept at the end for ``_closest_caps`` (1,700 x 900, seed 2: 15 of them,
0.18 s in all, for 201 companies of which one mattered)."""


@dataclass(frozen=True, eq=False)
class LevelSearch:
    """The limits of the flow that placed the most, how many it placed, and a bound on every plan."""

    level_cap: np.ndarray  # (n_companies, L): limits under which a flow places ``placed``
    placed: int
    placed_bound: int  # no plan places more
    rounds: int
    found_in: int  # the round of the best count

    @property
    def proven(self) -> bool:
        return self.placed >= self.placed_bound


def candidate_level_caps(inst: Instance) -> np.ndarray:
    """``(n_companies, L)``: the loosest limits every plan keeps: ``min(capacity, M // l)`` and the
    number of the company's pairs of load ``l`` or more."""
    levels = max(int(inst.load.max(initial=0)), 1)
    per_load = np.zeros((inst.n_companies, levels + 1), dtype=np.int64)
    np.add.at(per_load, (inst.company, np.minimum(inst.load, levels)), 1)
    at_least = np.cumsum(per_load[:, ::-1], axis=1)[:, ::-1][:, 1:]
    divided = inst.mentor_capacity[:, None] // np.arange(1, levels + 1, dtype=np.int64)[None, :]
    return np.minimum(np.minimum(inst.capacity[:, None], divided), at_least)


def search_level_caps(
    inst: Instance,
    start: np.ndarray,
    deadline: float,
    placed_bound: int | None = None,
    max_rounds: int = MAX_ROUNDS,
    patience: int = PATIENCE,
    keep: np.ndarray | None = None,
) -> LevelSearch:
    """Search nested load limits for the plan that places the most, until proven or ``deadline``.

    ``start``: limits to try first (``(n_companies, L)``, non-increasing, summing to at most the mentor
    capacity where that can bind), e.g. those the best plan so far fits. ``placed_bound``: a bound
    known already (the flow relaxation's), kept if tighter. At most ``max_rounds`` rounds, and at most
    ``patience`` in a row that improve neither the count nor the bound. ``keep``: limits to give the
    companies back wherever the count holds (``_closest_caps``; default ``start``), e.g. those of the
    best plan so far, within which plans weigh more.
    """
    from ortools.graph.python import max_flow
    from ortools.sat.python import cp_model

    loosest = candidate_level_caps(inst)
    n_levels = loosest.shape[1]
    binding = loosest.sum(axis=1) > inst.mentor_capacity
    start_caps = np.where(binding[:, None], np.minimum(start[:, :n_levels], loosest), loosest)
    caps = start_caps.copy()
    bound = inst.n_students if placed_bound is None else min(placed_bound, inst.n_students)

    # The transport network with a chain of load levels per company (``flow.LevelNetwork``).
    net = _network(inst, caps)
    level_node = net.level_node()
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(net.tail, net.head, net.capacity)
    chain = np.arange(net.level_arcs.start, net.level_arcs.stop, dtype=np.int64)
    counter = _MaxFlow(flow, net, chain)

    # The model over the limits of the companies whose mentor limit can bind.
    model = cp_model.CpModel()
    searched = np.flatnonzero(binding)
    limit = {
        int(j): [model.new_int_var(0, int(loosest[j, lv]), f"u_{j}_{lv + 1}") for lv in range(n_levels)]
        for j in searched
    }
    for j, limits in limit.items():
        model.add(sum(limits) <= int(inst.mentor_capacity[j]))
        for lower, higher in pairwise(limits):
            model.add(higher <= lower)
    count = model.new_int_var(0, bound, "placed")
    model.maximize(count)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = MASTER_WORKERS

    best_caps, best, rounds, last_gain, found_in = caps.copy(), -1, 0, 0, 0
    while True:
        rounds += 1
        flow_started = perf_counter()
        placed = counter.placed(caps)
        if rounds == 1:  # time kept for giving companies back their start limits (``_closest_caps``)
            rounds_end = deadline - CLOSEST_FLOWS * (perf_counter() - flow_started)
        if placed > best:
            best, best_caps, last_gain, found_in = placed, caps.copy(), rounds, rounds
        if (
            best >= bound
            or perf_counter() >= rounds_end
            or rounds >= max_rounds
            or rounds - last_gain >= patience
        ):
            break
        source_side = np.zeros(net.sink + 1, dtype=bool)
        source_side[np.asarray(flow.get_source_side_min_cut())] = True
        # The cut's capacity: its fixed arcs, plus the limits of the level arcs it crosses.
        fixed = int((~source_side[: inst.n_students]).sum())
        fixed += int((source_side[inst.student] & ~source_side[net.entry]).sum())
        fixed += int(np.maximum(inst.capacity, 0)[source_side[level_node[:, 0]]].sum())
        crosses = source_side[level_node[:, 1:]] & ~source_side[level_node[:, :-1]]
        fixed += int(loosest[crosses & ~binding[:, None]].sum())
        crossing = [
            limit[int(j)][int(lv)] for j, lv in zip(*np.nonzero(crosses & binding[:, None]), strict=True)
        ]
        model.add(count <= fixed + sum(crossing))
        model.clear_hints()
        for j, limits in limit.items():
            for lv, variable in enumerate(limits):
                model.add_hint(variable, int(caps[j, lv]))
        solver.parameters.max_time_in_seconds = max(rounds_end - perf_counter(), 0.01)
        status = solver.solve(model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            tighter = math.floor(solver.best_objective_bound + 1e-6)
            if tighter < bound:
                bound, last_gain = tighter, rounds
            for j, limits in limit.items():
                caps[j] = [solver.value(variable) for variable in limits]
        elif status == cp_model.INFEASIBLE:  # cannot happen: the limits of any plan are a solution
            raise RuntimeError("the model over nested load limits has no solution")
        else:  # out of time before a solution
            break
    kept = (
        start_caps
        if keep is None
        else np.where(binding[:, None], np.minimum(keep[:, :n_levels], loosest), loosest)
    )
    if best > 0 and (best_caps != kept).any():
        best_caps = _closest_caps(best_caps, kept, best, counter, deadline)
    return LevelSearch(best_caps, best, bound, rounds, found_in)


@dataclass(frozen=True, eq=False)
class _MaxFlow:
    """The search's maximum flow, to be solved again under other limits."""

    flow: object  # ortools.graph.python.max_flow.SimpleMaxFlow
    net: LevelNetwork
    chain: np.ndarray  # the level arcs' indices, level by level (``LevelNetwork``)

    def placed(self, level_cap: np.ndarray) -> int:
        flow: Any = self.flow
        flow.set_arcs_capacity(self.chain, level_cap.T.ravel())
        if flow.solve(self.net.source, self.net.sink) != flow.OPTIMAL:
            raise RuntimeError("the maximum flow under nested load limits did not solve")
        return int(flow.optimal_flow())

    def level_arc_flows(self) -> np.ndarray:
        """``(n_companies, L)``: the last flow's students of load ``l + 1`` or more at each company."""
        flow: Any = self.flow
        return np.asarray(flow.flows(self.chain)).reshape(-1, self.net.n_companies).T


def _closest_caps(
    found: np.ndarray, keep: np.ndarray, placed: int, flow: _MaxFlow, deadline: float
) -> np.ndarray:
    """``found``'s limits with as many companies as possible given back their ``keep`` limits, placing
    as many (``placed``).

    The model picks limits for the count alone and changes many companies that the count does not
    need (1,700 x 900, seed 2: 201 companies, of which one mattered); the plans within them weigh
    less than those within ``keep``, the limits of the best plan so far. A company whose students in
    the last flow fit its ``keep`` limits goes back at once: that flow, placing as many, stays
    within them. The others go back in groups: a group that keeps the count stays back, one that
    does not is split in two (a few dozen maximum flows where a few companies matter). On 1,700 x 900
    seed 7, 19 of 69 companies keep ``found``: 58 maximum flows, 0.8 s, where the groups alone took 93.
    """
    caps = found.copy()
    if flow.placed(caps) < placed:  # cannot happen: ``found`` is the limits of a flow placing ``placed``
        raise RuntimeError("the maximum flow under the found limits places fewer than found")
    waiting = [np.flatnonzero((found != keep).any(axis=1))]
    kept_count = True  # the last flow solved places ``placed`` within ``caps``
    while True:
        if kept_count:
            fits = np.asarray((flow.level_arc_flows() <= keep).all(axis=1))
            caps[fits] = keep[fits]
            waiting = [group[~fits[group]] for group in waiting if (~fits[group]).any()]
        if not waiting or perf_counter() >= deadline:
            return caps
        group = waiting.pop()
        trial = caps.copy()
        trial[group] = keep[group]
        kept_count = flow.placed(trial) >= placed
        if kept_count:
            caps = trial
        elif group.size > 1:
            waiting += [group[group.size // 2 :], group[: group.size // 2]]


def best_weight_placing(inst: Instance, placed: int, level_cap: np.ndarray) -> tuple[int, int]:
    """The most students within nested load limits ``level_cap``, up to ``placed``, and the largest
    total weight of that many.

    A min-cost maximum flow of at most ``placed`` units. With limits every plan keeps
    (``candidate_level_caps``) no plan places more than the count it returns, and none placing that
    many weighs more: mentor limits themselves are relaxed to those limits. The count is below
    ``placed`` when these limits alone rule ``placed`` out (a bound from elsewhere may not see that).
    """
    from ortools.graph.python import min_cost_flow

    if placed <= 0 or inst.n_pairs == 0:
        return 0, 0
    net = _network(inst, level_cap)
    weight = inst.weight.astype(np.int64)
    shift = max(int(weight.max()), 0)  # costs shift - weight >= 0; each unit crosses one pair
    costs = np.zeros(net.tail.shape[0], dtype=np.int64)
    np.subtract(shift, weight, out=costs[net.pair_arcs])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(net.tail, net.head, net.capacity, costs)
    flow.set_node_supply(net.source, placed)
    flow.set_node_supply(net.sink, -placed)
    if flow.solve_max_flow_with_min_cost() != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
        raise RuntimeError("the min-cost flow within the load limits did not solve")
    reached = int(flow.maximum_flow())
    return reached, reached * shift - int(flow.optimal_cost())


def _network(inst: Instance, level_cap: np.ndarray) -> LevelNetwork:
    """The transport network of ``inst``'s pairs under the nested load limits ``level_cap``."""
    return LevelNetwork.of(
        inst.n_students,
        inst.n_companies,
        inst.student,
        inst.company,
        inst.capacity,
        load=inst.load,
        level_cap=level_cap,
    )
