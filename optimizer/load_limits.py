"""Feasible plans from flows under nested load limits: restrict-and-reflow, repair, and the limits.

Limits on how many students of load ``l`` or more a company takes are what a flow can carry
(``restrict_and_reflow`` says why they fit mentor hours exactly). Every function here takes the
instance it is given (the exact solver's usable subset, or a part of it) and returns masks over
its pairs.
"""

from __future__ import annotations

import math
from time import perf_counter

import numpy as np

from optimizer.flow import solve_transport
from optimizer.instance import Instance
from optimizer.pace import Pace

REPAIR_ROUNDS = 3
"""Residual flows that re-place students after over-loaded companies are unloaded."""
LEVEL_FLOW_PACE = 1.5
"""A flow with nested load limits (restrict-and-reflow) takes up to this many times as long per pair as a
priced flow (measured 1.2-1.3 on 1,700 x 5,000, loaded 2-core machine): its first flow is forecast so."""


def restrict_and_reflow(
    inst: Instance,
    flow: np.ndarray,
    pool: np.ndarray,
    lex_weight: np.ndarray,
    deadline: float,
    pace: Pace | None = None,
) -> np.ndarray:
    """A feasible plan for large networks, by flows with nested load limits at each company.

    A set of students fits a company's mentor capacity ``M`` exactly when, with ``n_l``
    of them of load ``l`` or more, ``n_1 + n_2 + ... <= M``. Limits ``n_l <= b_l`` on those
    counts are what a flow can carry (a chain of nodes per company, see
    ``solve_transport``). Every company first gets the loosest limits any plan keeps,
    ``b_l = min(capacity, M // l)``; that is a relaxation, so some companies still end up
    over their mentor capacity. Each of those is then *restricted*: its students are
    unloaded until they fit, and its limits become the counts of the students it kept,
    with the spare mentor capacity handed back as room for more light students first
    (limits summing to at most ``M``: any students within them fit). The flow is solved
    again on ``pool`` (other students move to make room), new companies over capacity
    are restricted, and so on, until every company fits (or time is up: the last flow is
    then repaired into a feasible plan). The bound is not improved. No flow starts that
    ``pace`` (default: no limit) says cannot finish within the time limit.
    """
    pace = Pace(math.inf) if pace is None else pace
    index = np.flatnonzero(pool)
    part = inst.subset(index)
    chosen = flow[index]
    level_cap = loosest_level_caps(part)
    last = 0.0
    while True:
        over = part.mentor_use(chosen) > part.mentor_capacity
        if not over.any() or perf_counter() + last >= deadline:
            break
        if not pace.allows(LEVEL_FLOW_PACE * part.n_pairs):
            break
        started = perf_counter()
        level_cap[over] = fitting_level_caps(part, chosen)[over]
        chosen = level_flow(part, lex_weight[index], level_cap)
        last = perf_counter() - started
        pace.seconds_per_pair = last / part.n_pairs / LEVEL_FLOW_PACE  # in priced-flow terms
    plan = np.zeros(inst.n_pairs, dtype=bool)
    plan[index[chosen]] = True
    # A flow within the limits everywhere is feasible; otherwise (out of time) it is repaired.
    return plan if inst.is_feasible(plan) else repair(inst, plan, pool, 1, pace=pace)


def loosest_level_caps(inst: Instance) -> np.ndarray:
    """``(n_companies, L)``: at most ``min(capacity, M // l)`` students of load ``l`` or more; every plan keeps it."""
    levels = np.arange(1, max(int(inst.load.max()), 1) + 1, dtype=np.int64)
    return np.minimum(inst.capacity[:, None], inst.mentor_capacity[:, None] // levels[None, :])


def fitting_level_caps(inst: Instance, chosen: np.ndarray) -> np.ndarray:
    """``(n_companies, L)`` nested limits under which any students fit each company's mentor capacity.

    From the students ``chosen`` kept after unloading (``unload``): the number of them
    of load ``l`` or more, then the spare mentor capacity added to the lowest levels
    first (room for more light students), never above the capacity or the level
    below. The limits sum to at most the mentor capacity, so any students within them
    fit: their load is the sum over the levels of how many reach each level.
    """
    kept = unload(inst, chosen)
    return with_spare(inst, level_counts(inst, kept, max(int(inst.load.max()), 1)))


def with_spare(inst: Instance, caps: np.ndarray) -> np.ndarray:
    """Nested limits ``caps`` (``(n_companies, L)``) with each company's spare mentor hours added to the
    lowest levels first, never above the capacity or the level below."""
    caps = caps.copy()
    spare = np.maximum(inst.mentor_capacity - caps.sum(axis=1), 0)
    ceiling = inst.capacity.astype(np.int64).copy()
    for level in range(caps.shape[1]):
        room = np.minimum(np.maximum(ceiling - caps[:, level], 0), spare)
        caps[:, level] += room
        spare -= room
        ceiling = caps[:, level].copy()
    return caps


def level_counts(inst: Instance, chosen: np.ndarray, levels: int) -> np.ndarray:
    """``(n_companies, levels)``: the chosen students of load ``l`` or more at each company."""
    counts = np.zeros((inst.n_companies, levels), dtype=np.int64)
    for level in range(1, levels + 1):
        counts[:, level - 1] = np.bincount(
            inst.company[chosen & (inst.load >= level)], minlength=inst.n_companies
        )
    return counts


def rounded_level_caps(inst: Instance, lp_levels: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Limits from an LP's (fractional) students of load ``l`` or more at each company: rounded down,
    with the spare mentor hours on the lowest levels (``with_spare``); ``fallback``'s limits where
    the rounded ones would not fit the mentor capacity (the LP's own rounding errors)."""
    levels = fallback.shape[1]
    caps = np.zeros_like(fallback)
    width = min(levels, lp_levels.shape[1])
    caps[:, :width] = np.floor(lp_levels[:, :width] + 1e-9).astype(np.int64)
    caps = with_spare(inst, np.minimum(caps, inst.capacity[:, None]))
    fits = caps.sum(axis=1) <= inst.mentor_capacity
    return np.where(fits[:, None], caps, fallback)


def fitted_flow(
    inst: Instance, plan: np.ndarray, pool: np.ndarray, weight: np.ndarray, binding: np.ndarray
) -> np.ndarray:
    """A feasible plan at least as large as ``plan`` (after unloading), on ``pool`` and ``plan``'s pairs.

    Every company whose mentor limit can bind (``binding``) gets the nested load limits its
    students in ``plan`` fit (``fitting_level_caps``: any students within them fit), every other
    company the loosest (any ``capacity`` of its students fit): so the flow of largest ``weight``
    (a mask over ``pool``'s positions in ``inst``) keeps every limit, and places at least as many.
    """
    caps = np.where(binding[:, None], fitting_level_caps(inst, plan), loosest_level_caps(inst))
    within = np.flatnonzero(pool | plan)
    chosen = np.zeros(inst.n_pairs, dtype=bool)
    chosen[within[level_flow(inst.subset(within), weight[within], caps)]] = True
    return chosen


def level_flow(part: Instance, weight: np.ndarray, level_cap: np.ndarray) -> np.ndarray:
    """``solve_transport`` on all of ``part``'s pairs under nested load limits."""
    return solve_transport(
        part.n_students,
        part.n_companies,
        part.student,
        part.company,
        weight,
        part.capacity,
        load=part.load,
        level_cap=level_cap,
    )


def repair(
    inst: Instance,
    chosen: np.ndarray,
    pool: np.ndarray | None = None,
    rounds: int = REPAIR_ROUNDS,
    *,
    pace: Pace,
) -> np.ndarray:
    """A feasible plan near ``chosen``: unload over-loaded companies, then re-place by a residual flow.

    At each company over its mentor capacity the students whose removal loses least
    weight per unit of load freed leave first. Then every unplaced student may take a
    pair from ``pool`` (default: all pairs) at a company with a free place and enough
    mentor capacity left for them, by a maximum flow of maximum weight; a company that
    two newcomers overload is unloaded again. A few rounds, then a last unloading. No round
    starts that ``pace`` says cannot finish within the time limit; the plan is feasible after
    any round, or none.
    """
    chosen = unload(inst, chosen)
    # The pool's pairs once (the priced flow's active set: about 1 % of a national network's pairs),
    # so that each round tests only those.
    within = np.arange(inst.n_pairs) if pool is None else np.flatnonzero(pool)
    within_student, within_company = inst.student[within], inst.company[within]
    within_load, within_capacity = inst.load[within], inst.capacity[within_company]
    for _ in range(rounds):
        count = inst.students_at(chosen)
        room = inst.mentor_capacity - inst.mentor_use(chosen)
        placed = np.zeros(inst.n_students, dtype=bool)
        placed[inst.student[chosen]] = True
        open_pairs = within[
            ~placed[within_student]
            & (count[within_company] < within_capacity)
            & (within_load <= room[within_company])
        ]
        if open_pairs.size == 0 or not pace.allows(open_pairs.size):
            break
        added = solve_transport(
            inst.n_students,
            inst.n_companies,
            inst.student[open_pairs],
            inst.company[open_pairs],
            inst.weight[open_pairs],
            inst.capacity - count,
        )  # places at least one: every open pair's student is free and its company has room
        chosen = chosen.copy()
        chosen[open_pairs[added]] = True
        chosen = unload(inst, chosen)
    return chosen


def unload(inst: Instance, chosen: np.ndarray) -> np.ndarray:
    """Remove students from companies over their mentor capacity, least weight per unit of load first."""
    use = inst.mentor_use(chosen)
    over = np.flatnonzero(use > inst.mentor_capacity)
    if over.size == 0:
        return chosen
    chosen = chosen.copy()
    at_over = np.flatnonzero(chosen)
    at_over = at_over[np.isin(inst.company[at_over], over)]
    cost = (inst.weight[at_over] + 1) / np.maximum(inst.load[at_over], 1e-9)
    # Per company: the cheapest removals (by weight per unit of load, then heaviest load) first.
    order = np.lexsort((-inst.load[at_over], cost, inst.company[at_over]))
    for k in at_over[order].tolist():
        j = int(inst.company[k])
        if use[j] <= inst.mentor_capacity[j] or inst.load[k] == 0:
            continue
        chosen[k] = False
        use[j] -= inst.load[k]
    return chosen
