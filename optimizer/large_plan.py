"""The first plan on large networks (above ``exact.LARGE_INSTANCE_PAIRS``), and bounds without a priced flow.

On 100 million pairs the relaxation's priced flows may not end within the time limit, so a plan
comes first: maximum flows that only count placements on each student's and company's best pairs,
grown again under limits every company fits, then one weighted flow (``quick_plan``); with the
interest tiers, placements within interests are counted first and bounded by a minimum cut
(``_tier_first``, ``_tier_bound``). Works on the instance it is given (the exact solver's usable
subset) and maps plans on its pools back at once.
"""

from __future__ import annotations

import math
from time import perf_counter

import numpy as np

from optimizer.flow import Augmented, augment_transport, better_pairs, weight_buckets
from optimizer.instance import Instance, chunks_of, in_parts
from optimizer.load_limits import fitted_flow, fitting_level_caps, level_counts, loosest_level_caps, unload
from optimizer.pace import Pace
from optimizer.plan_value import Lex, better, value_of

WEIGHT_SHARE = 0.9
"""On large networks the first plan's weighted flow (``quick_plan``) starts only if forecast to end by this
share of the time limit: without it the plan's weights are whatever the counting flows gave."""
CANDIDATES_PER_STUDENT = 8
WIDE_PER_PLACE = 64
NARROW_PER_STUDENT = 4
NARROW_PER_PLACE = 2
"""The first plan's pools on a large network: best pairs per student, and per place at each company."""
COUNTING_FLOW_MARGIN = 1.3
"""A counting flow grown from a plan takes up to this many times as long per pair as the first, cold
one (they usually take 0.5-0.9 times; 1.24 measured once at 45,000 x 20,000 on a loaded machine)."""
CLOSING_SWEEPS = 0.5
"""What follows the first plan within the time limit when it takes the whole limit (its value, the
count's bound, the result's mapping back to the pair table), in sweeps over every pair: 0.38 measured
(0.37 s against a sweep of 0.97 s at 45,000 x 20,000)."""
LARGE_LEVEL_FLOW_PACE = 3.0
"""On large networks a flow with costs under nested load limits takes up to this many times as long per
pair as a priced flow (measured 2.9 on 443,000 pairs of 20,000 x 10,000, loaded 2-core machine)."""
WEIGHTED_FLOW_PACE = 50
"""A flow with costs takes up to this many times as long per pair as one that only counts (measured 16 to 50
on 20,000 x 10,000 under nested load limits, loaded 2-core machine): the first plan's weighted flow is
forecast so (at 16 it ran a 30 s solve at 45,000 x 20,000 to 40 s)."""


def capacity_bound(inst: Instance, weight_bound: int | None = None, big_m: int | None = None) -> Lex:
    """A bound that needs no flow: every student with a pair placed, within the companies' places,
    each at their best weight (or, if lower, ``weight_bound``: ``quick_plan``'s).

    ``big_m``: ``inst.big_m()`` when known (the best weights' total plus one: one pass fewer)."""
    weight = inst.best_weight_total() if big_m is None else big_m - 1
    if weight_bound is not None:
        weight = min(weight, weight_bound)
    return Lex(_placed_bound(inst), weight)


def _placed_bound(inst: Instance) -> int:
    """At most this many placed: every student with a pair, within each company's places and pairs."""
    per_company = np.minimum(inst.capacity, inst.load_counts.sum(axis=1))  # pairs per company, counted once
    return min(inst.students_with_pairs(), int(per_company.sum()))


def _company_weight(inst: Instance) -> int:
    """The sum over companies of their ``capacity`` largest (non-negative) weights: no plan weighs more.

    ``inst`` must hold at least those pairs of every company (``quick_plan``'s wide pool does)."""
    if inst.n_pairs == 0:
        return 0
    low, high = int(inst.weight.min()), int(inst.weight.max())
    span = high - low + 1
    if span * inst.n_companies < 2**62:
        # One sort of a single key (company, then weight from the highest) instead of a two-key lexsort.
        key = inst.company.astype(np.int64) * span + (high - inst.weight)
        key.sort()
        company = key // span
        weight = high - (key - company * span)
    else:
        order = np.lexsort((-inst.weight, inst.company))
        company, weight = inst.company[order].astype(np.int64), inst.weight[order]
    rank = np.arange(company.size) - np.searchsorted(company, company, side="left")
    top = rank < inst.capacity[company]
    return sum(np.maximum(weight[top], 0).tolist())


def improve(
    inst: Instance,
    plan: np.ndarray,
    pool: np.ndarray,
    lex_weight: np.ndarray,
    binding: np.ndarray,
    deadline: float,
    pace: Pace,
) -> np.ndarray:
    """``plan`` or, if a flow on ``pool`` (under the limits ``plan`` fits) is forecast to end by ``deadline``, a better one."""
    within = pool | plan
    n_pairs = int(np.count_nonzero(within))
    if perf_counter() + LARGE_LEVEL_FLOW_PACE * pace.seconds_per_pair * n_pairs >= min(
        deadline, pace.deadline
    ):
        return plan
    index = np.flatnonzero(within)
    part = inst.subset(index)
    improved = fitted_flow(part, plan[index], np.ones(n_pairs, dtype=bool), lex_weight[index], binding)
    chosen = np.zeros(inst.n_pairs, dtype=bool)
    chosen[index[improved]] = True
    return better(inst, plan, chosen)


def quick_plan(
    inst: Instance,
    big_m: int,
    binding: np.ndarray,
    now: float,
    share: float,
    pace: Pace,
    tier_base: int | None = None,
) -> tuple[np.ndarray, np.ndarray | None, int]:
    """A feasible plan on a large network in three flows, the narrow pool of pairs it chose from, and a
    bound on any plan's weight (``_company_weight``, and with a ``tier_base`` ``_tier_bound``).

    The narrow pool is None when the plan took too long for the relaxation after it (``exact``: one of
    its rounds takes about as long as this plan), and the weighted flow of step 2 is then left out too.

    1. *Most students*: on a wide pool (each student's best pairs and ``WIDE_PER_PLACE`` best per
       place at each company) a flow that only counts placements (fast: no costs) under the
       loosest nested load limits, then one under limits every company's students fit
       (``fitted_flow``): it places at least the students the first keeps after unloading.
       With a ``tier_base``, the same flows first count placements in the higher tier only, and
       the others are then placed by residual flows (``repair``); the plain count is made too,
       and kept, only if that places fewer than every place or student (``_tier_first``).
    2. *The best weights at that number*: one flow of ``lex_weight`` (``big_m + weight``) on the narrow pool (fewer best
       pairs, plus the counted plan) under the limits the counted plan fits: feasible, at least as
       many placed, the largest weight (if its forecast fits by ``WEIGHT_SHARE`` of the time).

    The time limit (``pace.deadline``, less ``CLOSING_SWEEPS`` for what follows): past the sweeps
    that choose the pools and the first counting flow, every flow and the tier's bound start only if
    forecast, at the pace of the first of their kind, to end by it; the plan is feasible after each
    step, and a step left out only leaves it (or the bound) weaker.
    """
    swept = perf_counter()
    bucket = weight_buckets(inst.weight, 64)
    places = np.maximum(inst.capacity, 1)
    wide = better_pairs(inst.student, inst.weight, inst.n_students, CANDIDATES_PER_STUDENT, bucket)
    wide |= better_pairs(inst.company, inst.weight, inst.n_companies, WIDE_PER_PLACE * places, bucket)
    del bucket
    # Three sweeps over every pair (the buckets, each side's best pairs): the pace of one, for the
    # sweep of the tier's bound below. The first plan ends early enough for what follows it within
    # the time limit (its value, the bound, the result: ``CLOSING_SWEEPS`` sweeps).
    sweep_seconds = (perf_counter() - swept) / 3
    end = pace.deadline - CLOSING_SWEEPS * sweep_seconds
    sweep = Pace(end, sweep_seconds / max(inst.n_pairs, 1))
    index = np.flatnonzero(wide)
    del wide
    part = inst.subset(index)
    company_weight = _company_weight(part)
    started = perf_counter()
    counted, tiered, top_flow = None, None, None
    if tier_base is not None:
        tiered, top_flow, short = _tier_first(part, binding, tier_base, end)
        # Short of every place or student, a plain count may place more: two flows, the first from
        # nothing on every pair (about the tier's first and last flows together, up to all four
        # when those were left out for time). Without time for it, the tier's plan is kept (its bound
        # stays the true one).
        now_done = perf_counter()
        too_late = now_done + (now_done - started) >= end
        counted = tiered if tiered is not None and (not short or too_late) else None
    if counted is None:
        counted = _counted(part, binding, end)
        if tiered is not None and value_of(part, tiered) > value_of(part, counted):
            counted = tiered  # as many placed as the count, and more within interests
    count_pace = (perf_counter() - started) / part.n_pairs
    # A priced flow's forecast from the counting flows' pace (the weighted flow's own, when it runs).
    pace.seconds_per_pair = WEIGHTED_FLOW_PACE * count_pace / LARGE_LEVEL_FLOW_PACE
    weight_bound = company_weight
    if top_flow is not None and tier_base is not None and sweep.allows(inst.n_pairs):
        # Any plan's weight is tier_base per placement in the tier plus less than tier_base.
        in_tier = _tier_bound(inst, tier_base, top_flow, loosest_level_caps(part))
        weight_bound = min(weight_bound, tier_base * in_tier + tier_base - 1)

    def on_inst(mask: np.ndarray) -> np.ndarray:
        """A mask over ``part``'s pairs as one over ``inst``'s."""
        on = np.zeros(inst.n_pairs, dtype=bool)
        on[index[mask]] = True
        return on

    done = perf_counter()
    if done + (done - now) >= pace.deadline:
        # No time for the relaxation, whose round takes about as long as this plan (``exact``), nor
        # for the weighted flow, which takes longer: no narrow pool.
        return on_inst(counted), None, weight_bound
    # The narrow pool from the wide one, which holds each student's and company's best pairs already.
    pool = better_pairs(part.student, part.weight, part.n_students, NARROW_PER_STUDENT)
    pool |= better_pairs(part.company, part.weight, part.n_companies, NARROW_PER_PLACE * places)
    pool |= counted
    n_pool = int(np.count_nonzero(pool))
    forecast = WEIGHTED_FLOW_PACE * count_pace * n_pool
    plan = counted
    if perf_counter() + forecast < min(now + WEIGHT_SHARE * share, end):
        started = perf_counter()
        weighted = fitted_flow(part, counted, pool, big_m + part.weight, binding)
        pace.seconds_per_pair = (perf_counter() - started) / max(n_pool, 1) / LARGE_LEVEL_FLOW_PACE
        if value_of(part, counted) < value_of(part, weighted):
            plan = weighted
    return on_inst(plan), on_inst(pool), weight_bound


def _counted(inst: Instance, binding: np.ndarray, deadline: float = math.inf) -> np.ndarray:
    """A feasible plan by maximum flows that only count placements (no costs: fast), on every pair of ``inst``.

    The first keeps the loosest nested load limits; if some company is then over its mentor
    capacity, it is unloaded and, if forecast at the first flow's pace to end by ``deadline``, the
    flow grown again under limits its kept students fit (``fitting_level_caps``): as many placed as
    a fresh flow under those limits."""
    loosest = loosest_level_caps(inst)
    started = perf_counter()
    counted = _augment(inst, np.zeros(inst.n_pairs, dtype=bool), loosest).chosen
    in_time = _counting_pace(started, inst.n_pairs, deadline)
    if (inst.mentor_use(counted) > inst.mentor_capacity).any():
        caps = np.where(binding[:, None], fitting_level_caps(inst, counted), loosest)
        counted = unload(inst, counted)
        if in_time.allows(inst.n_pairs):
            counted = _augment(inst, counted, caps).chosen
    return counted


def _counting_pace(started: float, n_pairs: int, deadline: float) -> Pace:
    """The pace of a counting flow on ``n_pairs`` pairs started at ``started`` (and just ended), with
    ``COUNTING_FLOW_MARGIN``: the flows grown after it start only if one of their size at that pace
    ends by ``deadline``."""
    return Pace(deadline, COUNTING_FLOW_MARGIN * (perf_counter() - started) / max(n_pairs, 1))


def _tier_first(
    inst: Instance, binding: np.ndarray, tier_base: int, deadline: float = math.inf
) -> tuple[np.ndarray | None, Augmented | None, bool]:
    """A feasible plan that counts placements in the higher tier (weights at least ``tier_base``) first,
    and the maximum flow of that tier alone (its minimum cut bounds the tier: ``_tier_bound``).

    1. A maximum flow on the higher tier's pairs under the loosest nested load limits.
    2. Companies over their mentor capacity are unloaded, and that flow grown again on the same
       pairs under limits any students fit where the mentor limit can bind (``fitting_level_caps``
       of the students kept).
    3. Then grown on every pair under those limits, first keeping every placement (augmenting paths
       that move no student already placed), then, if that places fewer than every place or
       student, letting them move (students placed stay placed, a few outside the tier).

    Steps 2 and 3 each start only if forecast at the first flow's pace to end by ``deadline``
    (without step 2 the plan is the unloaded first flow's: feasible, fewer placed).

    Returns the plan, the tier's flow, and whether the plan places fewer than every place or every
    student (a plain count may then place more, and the number placed comes first); the plan and
    the flow are None when no pair is in the tier. On 45,000 x 20,000 (seed 2019) a flow that only
    counts placed all 37,282 students, 34,960 within their interests; this places all of them, 36,627
    within their interests (at most 36,768 can be, ``_tier_bound``), in four maximum flows (a flow
    costing the tier instead took 29 s, not 4)."""
    top = np.flatnonzero(inst.weight >= tier_base)
    if top.size == 0:
        return None, None, True
    upper = inst.subset(top)
    loosest = loosest_level_caps(inst)
    started = perf_counter()
    first = _augment(upper, np.zeros(upper.n_pairs, dtype=bool), loosest)
    in_time = _counting_pace(started, upper.n_pairs, deadline)
    plan = np.zeros(inst.n_pairs, dtype=bool)
    plan[top[first.chosen]] = True
    # Limits under which any students fit where the mentor limit can bind (the loosest elsewhere):
    # every plan grown from here keeps every limit.
    caps = np.where(binding[:, None], fitting_level_caps(inst, plan), loosest)
    if (inst.mentor_use(plan) > inst.mentor_capacity).any():
        plan = unload(inst, plan)
        if in_time.allows(upper.n_pairs):
            grown = _augment(upper, plan[top], caps).chosen
            plan = np.zeros(inst.n_pairs, dtype=bool)
            plan[top[grown]] = True
    placed_bound = _placed_bound(inst)
    plan = _add_unplaced(inst, plan, caps, in_time)
    if int(plan.sum()) < placed_bound and in_time.allows(inst.n_pairs):
        plan = _augment(inst, plan, caps).chosen
    return plan, first, int(plan.sum()) < placed_bound


def _add_unplaced(inst: Instance, plan: np.ndarray, level_cap: np.ndarray, in_time: Pace) -> np.ndarray:
    """``plan`` and the most students not in it that fit the places and nested limits it leaves.

    A maximum flow on the unplaced students' pairs alone: no student of ``plan`` moves. Only if
    ``in_time`` allows a flow on that many pairs; else ``plan``."""
    placed = np.zeros(inst.n_students, dtype=bool)
    placed[inst.student[plan]] = True
    free = np.flatnonzero(~placed[inst.student])
    if not in_time.allows(free.size):
        return plan
    used = level_counts(inst, plan, level_cap.shape[1])
    rest = Instance.of(
        inst.n_students,
        inst.n_companies,
        inst.student[free],
        inst.company[free],
        inst.weight[free],
        inst.load[free],
        inst.capacity - inst.students_at(plan),
        inst.mentor_capacity,
    )
    added = _augment(rest, np.zeros(free.size, dtype=bool), level_cap - used).chosen
    grown = plan.copy()
    grown[free[added]] = True
    return grown


def _augment(inst: Instance, plan: np.ndarray, level_cap: np.ndarray) -> Augmented:
    """``augment_transport`` on ``inst``'s pairs from ``plan`` under nested load limits."""
    return augment_transport(
        inst.n_students,
        inst.n_companies,
        inst.student,
        inst.company,
        inst.capacity,
        plan,
        load=inst.load,
        level_cap=level_cap,
    )


def _tier_bound(inst: Instance, tier_base: int, top_flow: Augmented, level_cap: np.ndarray) -> int:
    """At most this many placements in the higher tier (weights at least ``tier_base``) in any plan.

    ``top_flow`` is a maximum flow on some of the tier's pairs under the loosest nested load limits
    ``level_cap`` (which every plan keeps). Its minimum cut (source side ``S``) is extended to every
    pair of the tier in ``inst``: a student outside ``S`` costs one, a student in ``S`` one if any of its
    pairs leads to a node outside ``S`` (else nothing), a company level in ``S`` its arc's capacity
    where the arc leaves ``S``. That is the capacity of a cut of the tier's whole network, so no plan
    places more in the tier (max-flow min-cut); it equals the flow when the pairs left out cross no cut.
    """
    side, levels = top_flow.source_side, top_flow.levels
    n_s, n_c = inst.n_students, inst.n_companies
    student_in = side[:n_s]

    def crossing_in(part: slice) -> np.ndarray:
        crossing = np.zeros(n_s, dtype=bool)
        for chunk in chunks_of(part):
            student = inst.student[chunk]
            node = n_s + inst.company[chunk].astype(np.int64)
            if levels:
                node += n_c * np.minimum(inst.load[chunk], levels).astype(np.int64)
            across = (inst.weight[chunk] >= tier_base) & student_in[student] & ~side[node]
            crossing[student[across]] = True
        return crossing

    crossing = np.logical_or.reduce(in_parts(inst.n_pairs, crossing_in))
    bound = int(np.count_nonzero(~student_in)) + int(np.count_nonzero(crossing))
    company_side = side[n_s:].reshape(levels + 1, n_c)
    bound += sum(inst.capacity[company_side[0]].tolist())
    for level in range(1, levels + 1):  # the arc from level l down to l - 1, where it leaves S
        leaves = company_side[level] & ~company_side[level - 1]
        bound += sum(np.maximum(level_cap[leaves, level - 1], 0).tolist())
    return bound
