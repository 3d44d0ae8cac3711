"""Exact placement with mentor limits: priced min-cost flow, Lagrangian prices, proof by decomposition.

The objective is lexicographic: most students placed, then the largest total
weight. Written ``M * placed + weight`` with ``M`` above any total weight
(``Instance.big_m``: the sum of each student's best weight, plus one), each pair
counts its ``lex_weight = M + weight``; a Lagrangian round takes its mentor hours
off at the company's price: ``priced_lex_weight = lex_weight - price_j * load``.

1. **Transportation relaxation.** Drop the mentor limits and solve by min-cost
   flow (``optimizer.flow.PricedFlow``: on a growing subset of the pairs, certified
   on all of them by LP duals). If the flow respects every mentor limit it is
   optimal for the full problem: the relaxation's optimum bounds every plan.
2. **A plan by restrict and reflow.** Otherwise flows with nested limits on the
   number of students of each load level at every company, restricted until every
   company's students fit its mentor capacity (``_restrict_and_reflow``): every
   plan it returns is feasible, and on tight networks it places far more students
   than repairing a flow does. If it places fewer than the relaxation, the count's LP
   (``optimizer.count_bound``) may prove that nobody can place more, and a search over
   the companies' load limits (``optimizer.level_search``) may find a plan that does.
3. **Lagrangian rounds.** Then price mentor use: each company whose limit is
   exceeded gets a price ``lambda_j`` per unit of support load; the dual bound of
   the flow on ``priced_lex_weight`` plus ``sum(lambda_j * mentor_capacity_j)`` is
   again an upper bound, usually tighter. Subgradient (Polyak) steps, first with prices below one
   placement's worth, then, if the number placed is still open, up to it. Each
   round's flow is repaired into a feasible plan (unload over-full companies,
   re-place by a residual flow); the best bound (UB) and the best plan (LB) are kept.
4. **Proof by decomposition** (``optimizer.decompose``). The integer duals of the
   best Lagrangian round's flow split every plan's shortfall from UB into local
   terms; small CP-SAT models around the companies whose limits bind find the best plan there
   and prove that nothing outside them does better.

On networks of millions of pairs each priced flow sweeps every pair and the relaxation
may not finish in time, so a plan comes first (``_quick_plan``): maximum flows that only
count placements (fast) on each student's and company's best pairs, grown again under limits
every company fits (with a ``tier_base``, placements within interests counted first, and
their number bounded by the flow's minimum cut), then one weighted flow under limits the
counted plan fits. Step 3 is left
out; the relaxation then gives the bound (or, without time for it, the companies'
places: ``_capacity_bound``) and, with time left, a flow on its active pairs improves
the plan (``_improve``). The result is then usually FEASIBLE with its bound and gap. See
``docs/optimizer.md`` for the whole method on one page.

The result is proven optimal when every step closes; on a time limit it is the
best plan found with a valid upper bound, never an exception.

Index spaces (``docs/optimizer.md``): ``solve_exact`` takes an instance (from
``solve_placement``, the free instance) and returns a mask over its pairs. It
solves only the *usable subset*, the pairs whose load fits their company's mentor
capacity at a company with places (``usable_index[u]`` is the instance's pair);
everything from ``_solve_core`` down is numbered in it, and ``solve_exact`` maps
the plan back. A step that solves on fewer pairs (restrict-and-reflow's ``pool``, the
repair's open pairs) maps its answer back at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from time import perf_counter

import numpy as np

from optimizer.company_knapsacks import Configurations, configurations
from optimizer.count_bound import MAX_ROUNDS as LP_MAX_ROUNDS
from optimizer.count_bound import Prices, count_bound, weight_bound_at_count
from optimizer.count_vectors import count_vector_bound, heaviest_mix
from optimizer.decompose import Certificate, Decomposed, prove_optimal
from optimizer.flow import (
    Augmented,
    FlowError,
    PricedFlow,
    augment_transport,
    better_pairs,
    rank_per_student,
    solve_transport,
    weight_buckets,
)
from optimizer.instance import Instance, chunks_of, in_parts
from optimizer.knapsack_proof import improve_and_prove
from optimizer.level_search import best_weight_placing, candidate_level_caps, search_level_caps

MAX_LAGRANGE_ROUNDS = 25
"""At most this many Lagrangian rounds after the first flow, with prices below a placement's worth."""
COUNT_ROUNDS = 12
"""Then at most this many with prices up to a placement's worth, if the number placed is still open
(the proof by decomposition settles the rest)."""
MIN_STEP_FACTOR = 1 / 64
"""Stop the Lagrangian rounds once the step factor has halved this far without a better bound."""
FIRST_PAIRS_PER_STUDENT = 8
"""Pairs per student in the first active set of the priced flow (it grows as needed)."""
COUNT_LP_PAIRS_PER_STUDENT = 4
"""Pairs per student in the count LP's first columns (``count_bound``; with the plan's and the
relaxation's): on 1,700 x 900, seed 1, 2.0-2.4 s to its bound with 2 or 4, 4.6 s with 8, 7.7 s with 16."""
RELAXATION_SHARE = 0.6
LARGE_RELAXATION_SHARE = 0.75
REFLOW_SHARE = 0.7
LAGRANGE_SHARE = 0.85
COUNT_LP_SHARE = 0.75
"""The count's LP bound (``count_bound``, when the plan places fewer than the relaxation) ends by this
share of the time limit; the search over load limits after it stops as soon as it meets that bound."""
COUNT_VECTOR_MAX_PAIRS = 60_000
"""When the count LP leaves the plan short, the count-vector LP on every pair (``count_vectors``) runs up
to this many pairs (generate(700, 360, seed=3), 29,718 pairs: 669.5 in 1.5 s where the capacity and
mentor rows allow 672; 1,700 x 900 seed 5, 198,066 pairs: 106 s)."""
LEVEL_SEARCH_SHARE = 0.8
"""The search over the companies' load limits (when the plan places fewer than the relaxation) ends by
this share of the time limit, before the Lagrangian rounds' own end."""
LARGE_PLAN_SHARE = 0.85
"""Shares of the time limit by which the relaxation, restrict-and-reflow and the Lagrangian rounds must end."""
REFLOW_EVERY_PAIR_MAX = 250_000
"""Up to this many pairs restrict-and-reflow's flows use every pair (tight networks, up to 243,654 pairs:
there every pair places more); above it, the priced flow's active pairs and each student's
``REFLOW_PAIRS_PER_STUDENT`` best, so that one flow cannot take the whole time limit."""
KNAPSACK_WEIGHT_LP_ROUNDS = 3
"""Before the knapsacks the weight LP only gives prices to start from: three rounds, not eight (1,700 x
900 seeds 1-4: 3 of 4 proven in 30 s instead of 1; its eight rounds took 4.2 s of seed 2's 30)."""
KNAPSACK_MAX_PAIRS = 250_000
"""When the relaxation's own plan already places as many as its bound, the companies' knapsacks prove the
score up to this many pairs; above it the Lagrangian rounds and the decomposition do (national networks,
1,700 x 5,000, 0.8-1 million pairs, seeds 1-5 and the benchmark's: 2.7-6.1 s against the knapsacks'
8.3-15.0 s). When the count took the LPs or the search (tight networks), the knapsacks run at any size:
the benchmark's national-tight (452,615 pairs) 12.6 s against the decomposition's 33.0 s."""
DECOMPOSE_MAX_VARIABLES = 40_000
"""Above 250,000 pairs, once the count is proven, the proof by decomposition hands the score over to the
companies' knapsacks before a round whose CP-SAT models have more variables than this. Plain national
networks (1,700 x 5,000) never reach it (their largest models: 3,120-3,567; 1,700 x 3,000 seed 2:
27,542); national-tight ones grow past it in their third round (seed 1: 7,969, 38,603, 64,930, ...
118,293 variables, 19.9 s in all) and their knapsacks take 5.6-8.2 s."""
REFLOW_PAIRS_PER_STUDENT = 32
"""On national networks (1,700 x 5,000, about a million pairs) restrict-and-reflow on the active pairs and
each student's 32 best placed as many and led to the same proofs (same models) as on every pair, with
its flows 0.4-1.3 s instead of 2.7-6.3 s (seeds 2-4, load 4-5); on the active pairs alone the proof of
seed 3 grew to a model of 209,786 variables and did not finish in 60 s."""
PROOF_SECONDS_PER_PAIR = 2e-6
"""The proof starts only with at least this much time left per pair: its set-up alone (components and
their pairs) takes time in proportion to the pairs (measured 0.31 s for 978,537 pairs, 3.2e-7 s a pair, on
the 2-core machine at load 4.8; 5e-5 before its models were built in bulk kept national networks from
ever starting the proof under the default 60 s limit once the flows had taken 11 s)."""
REPAIR_ROUNDS = 3
"""Residual flows that re-place students after over-loaded companies are unloaded."""
LARGE_INSTANCE_PAIRS = 2_000_000
"""Above this many pairs the first active set is each student's best pair only (no full sort), and
the flows' pricing watches each student's better pairs before it sweeps them all."""
WATCHED_PAIRS_PER_STUDENT = 48
WEIGHT_SHARE = 0.9
"""On large networks the first plan's weighted flow (``_quick_plan``) starts only if forecast to end by this
share of the time limit: without it the plan's weights are whatever the counting flows gave."""
CANDIDATES_PER_STUDENT = 8
WIDE_PER_PLACE = 64
NARROW_PER_STUDENT = 4
NARROW_PER_PLACE = 2
"""The first plan's pools on a large network: best pairs per student, and per place at each company."""
LARGE_LEVEL_FLOW_PACE = 3.0
"""On large networks a flow with costs under nested load limits takes up to this many times as long per
pair as a priced flow (measured 2.9 on 443,000 pairs of 20,000 x 10,000, loaded 2-core machine)."""
WEIGHTED_FLOW_PACE = 50
"""A flow with costs takes up to this many times as long per pair as one that only counts (measured 16 to 50
on 20,000 x 10,000 under nested load limits, loaded 2-core machine): the first plan's weighted flow is
forecast so (at 16 it ran a 30 s solve at 45,000 x 20,000 to 40 s)."""
LEVEL_FLOW_PACE = 1.5
"""A flow with nested load limits (restrict-and-reflow) takes up to this many times as long per pair as a
priced flow (measured 1.2-1.3 on 1,700 x 5,000, loaded 2-core machine): its first flow is forecast so."""


@dataclass
class _Pace:
    """The time limit every step keeps: a flow starts only if one of its size can still finish by
    ``deadline`` at the pace of the last priced or restricted flow (``seconds_per_pair``).

    The shares of the time limit (``RELAXATION_SHARE`` ...) say when each stage should end; this
    says when nothing may start any more. Flows of a few hundred pairs take a millisecond or two.
    """

    deadline: float
    seconds_per_pair: float = 0.0

    def allows(self, pairs: float) -> bool:
        return perf_counter() + self.seconds_per_pair * pairs < self.deadline


@dataclass(frozen=True)
class Lex:
    """A lexicographic value: students placed, then total weight."""

    placed: int
    weight: int

    def __le__(self, other: Lex) -> bool:
        return (self.placed, self.weight) <= (other.placed, other.weight)

    def __lt__(self, other: Lex) -> bool:
        return (self.placed, self.weight) < (other.placed, other.weight)


@dataclass(frozen=True, eq=False)
class ExactSolution:
    """A plan (mask over the instance's pairs) with its value and a proven upper bound."""

    chosen: np.ndarray
    value: Lex
    bound: Lex  # no feasible plan is lexicographically above it
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def optimal(self) -> bool:
        return self.value == self.bound


def solve_exact(
    inst: Instance,
    *,
    time_limit: float | None = None,
    workers: int = 1,
    enough_placed: int | None = None,
    tier_base: int | None = None,
) -> ExactSolution:
    """The lexicographically best plan (most placed, then most weight) respecting every limit.

    Never raises on a time limit: the best plan found comes back with its bound.
    ``enough_placed``: only ask whether ``enough_placed`` students can be placed; stop as
    soon as a plan placing that many is found (its weight is then not proven best) or
    the bound shows it is impossible.
    ``tier_base``: weights at or above it are a higher tier (placements within the students'
    interests, ``PlacementProblem.interest_tier``); the first plan on a large network then
    counts placements in that tier first, and the Lagrangian rounds aim their steps at the gap
    within the tier. It changes no result that is proven, only how good a plan cut short by the
    time limit is and how soon the proof ends.
    """
    started = perf_counter()
    deadline = math.inf if time_limit is None else started + time_limit
    stats: dict[str, float] = {"flow_solves": 0, "lagrange_rounds": 0, "cpsat_models": 0}

    # Pairs that can never fit (the load alone exceeds the mentor capacity, or no slots) are dropped.
    usable = _usable(inst)
    if usable.all():
        solution = _solve_core(inst, deadline, workers, stats, enough_placed, tier_base)
        chosen = solution.chosen
    else:
        usable_index = np.flatnonzero(usable)
        solution = _solve_core(inst.subset(usable_index), deadline, workers, stats, enough_placed, tier_base)
        chosen = np.zeros(inst.n_pairs, dtype=bool)
        chosen[usable_index[solution.chosen]] = True
    stats["seconds"] = perf_counter() - started
    return ExactSolution(chosen, solution.value, solution.bound, stats)


def _usable(inst: Instance) -> np.ndarray:
    """Mask of the pairs whose load fits their company's mentor capacity, at a company with places.

    Small loads (int8, as the pair table keeps them) are compared with a per-company int8 limit:
    one byte per pair instead of two eight-byte gathers (gigabytes on 100 million pairs). When each
    company's heaviest pair fits (``Instance.load_counts``, kept for ``mentor_can_bind``), every pair
    is usable and no pass is needed."""
    if inst.n_pairs:
        counts = inst.load_counts
        loads = np.arange(counts.shape[1])
        heaviest = np.where(counts > 0, loads[None, :], -1).max(axis=1)
        has_pairs = heaviest >= 0
        if ((heaviest <= inst.mentor_capacity) & (inst.capacity > 0) | ~has_pairs).all():
            return np.ones(inst.n_pairs, dtype=bool)
    if inst.load.dtype == np.int8:
        limit = np.where(inst.capacity > 0, np.minimum(inst.mentor_capacity, 127), -1).astype(np.int8)
        return inst.load <= limit[inst.company]
    return (inst.load <= inst.mentor_capacity[inst.company]) & (inst.capacity[inst.company] > 0)


def value_of(inst: Instance, chosen: np.ndarray) -> Lex:
    """The lexicographic value of a plan."""
    return Lex(int(chosen.sum()), sum(inst.weight[chosen].tolist()))


def _solve_core(
    inst: Instance,
    deadline: float,
    workers: int,
    stats: dict[str, float],
    enough_placed: int | None = None,
    tier_base: int | None = None,
) -> ExactSolution:
    if inst.n_pairs == 0:
        empty = np.zeros(0, dtype=bool)
        return ExactSolution(empty, Lex(0, 0), Lex(0, 0))
    entered = perf_counter()
    binding = inst.mentor_can_bind()
    if binding.any():
        # The proof's graph library takes seconds to import on a cold start: import it now, so that
        # the time limit's shares below are measured after it and the proof does not overrun.
        import scipy.sparse.csgraph  # noqa: F401
    # Likewise OR-Tools' flows: the pace of the first flow is the forecast for the next ones.
    from ortools.graph.python import min_cost_flow  # noqa: F401

    big_m = inst.big_m()
    large = inst.n_pairs > LARGE_INSTANCE_PAIRS
    now = perf_counter()
    share = deadline - now
    pace = _Pace(deadline)
    quick, capacity_bound = None, Lex(0, 0)
    placed_bound: int | None = None  # from the count's LP and the search over load limits, when they run
    weight_cap: int | None = None  # no plan placing ``placed_bound`` weighs more (the weight LP)
    if large:
        # A plan first: on millions of pairs the relaxation may not finish in time, and its flow on a
        # few pairs per student is a poor plan. Its narrow pool is the relaxation's first active set.
        quick, first_active, weight_bound = _quick_plan(inst, big_m, binding, now, share, pace, tier_base)
        capacity_bound = _capacity_bound(inst, weight_bound, big_m)
        stats["quick_plan_seconds"] = perf_counter() - now
        # One round of the relaxation (a flow, its duals, a sweep over every pair) takes about as long
        # as the first plan (16.7 s and 17.0 s at 45,000 x 20,000): it starts only if one can end in time.
        if perf_counter() + stats["quick_plan_seconds"] >= deadline:
            stats["first_flow_seconds"] = perf_counter() - entered
            return ExactSolution(quick, value_of(inst, quick), capacity_bound)
    else:
        # Each pair's rank at its student, sorted once: the first active set and restrict-and-reflow's pool.
        rank = rank_per_student(inst.student, inst.weight)
        first_active = rank < FIRST_PAIRS_PER_STUDENT
    # A pair-sized array (800 MB on 100 million pairs): made only once the first plan is done.
    lex_weight = big_m + inst.weight
    oracle = PricedFlow(
        inst.n_students,
        inst.n_companies,
        inst.student,
        inst.company,
        inst.capacity,
        first_active,
        watch=better_pairs(inst.student, inst.weight, inst.n_students, WATCHED_PAIRS_PER_STUDENT)
        if large
        else None,
    )
    # A time limit is shared out: the relaxation may end by 60 % of it (75 % on large networks, counted
    # from before the first plan, which has taken its share by then), the Lagrangian rounds (or
    # restrict-and-reflow) by 85 %, and the proof the rest (each stage ends as soon as it is done).
    relaxation_share = LARGE_RELAXATION_SHARE if large else RELAXATION_SHARE
    first_round = oracle.solve(lex_weight, optional=False, deadline=now + relaxation_share * share)
    stats["flow_solves"] = oracle.solves
    # The least any solve of this instance takes (set-up and one priced flow): callers that solve
    # again (fairness's bisection) start another only with this much time left.
    stats["first_flow_seconds"] = perf_counter() - entered
    pace.seconds_per_pair = oracle.seconds_per_pair
    relaxed = first_round.chosen
    relaxed_value = value_of(inst, relaxed)
    relaxed_bound = _split_total(first_round.bound, big_m)
    if first_round.optimal and _violations(inst, relaxed, binding).size == 0:
        return ExactSolution(relaxed, relaxed_value, relaxed_value)
    if not first_round.optimal:  # out of time (or near-optimal on a large network): no proof
        if large and quick is not None:
            lower = _improve(
                inst, quick, oracle.active, lex_weight, binding, now + LARGE_PLAN_SHARE * share, pace
            )
            return ExactSolution(lower, value_of(inst, lower), min(relaxed_bound, capacity_bound))
        lower = _repair(inst, relaxed, oracle.active, pace=pace)
        return ExactSolution(
            lower, value_of(inst, lower), min(relaxed_bound, _capacity_bound(inst, big_m=big_m))
        )
    if enough_placed is not None:
        repaired = _repair(inst, relaxed, oracle.active, pace=pace)
        if relaxed_value.placed < enough_placed or int(repaired.sum()) >= enough_placed:
            return ExactSolution(repaired, value_of(inst, repaired), relaxed_value)

    first = _Round(
        relaxed_value,
        np.zeros(inst.n_companies, dtype=np.int64),
        relaxed,
        first_round.student_price,
        first_round.company_price,
    )
    handover: _Handover | None = None
    if large and quick is not None:
        # Every priced flow sweeps all pairs: improve the first plan on the active pairs instead.
        lower = _improve(
            inst, quick, oracle.active, lex_weight, binding, now + LARGE_PLAN_SHARE * share, pace
        )
        best = first
    else:
        # Restrict-and-reflow's flows keep every mentor limit by construction and place far more
        # than repairing the Lagrangian flows (on every pair, students move further to make room);
        # the rounds still tighten the bound.
        pool = (
            np.ones(inst.n_pairs, dtype=bool)
            if inst.n_pairs <= REFLOW_EVERY_PAIR_MAX
            else oracle.active | (rank < REFLOW_PAIRS_PER_STUDENT)
        )
        stats["relaxation_seconds"] = perf_counter() - entered
        reflowed = _restrict_and_reflow(inst, first.flow, pool, lex_weight, now + REFLOW_SHARE * share, pace)
        stats["reflow_seconds"] = perf_counter() - entered - stats["relaxation_seconds"]
        stats["reflow_placed"] = int(reflowed.sum())
        # The LPs' first columns: each student's best pairs, the plan's and the relaxation's.
        first_columns = (rank < COUNT_LP_PAIRS_PER_STUDENT) | reflowed | relaxed
        if int(reflowed.sum()) < first.upper.placed:
            # Places the relaxation has and the plan does not: the count's LP may rule them out, and a
            # search over the companies' load limits may find them (it stops once it meets the bound).
            started = perf_counter()
            # A round is an LP on a few pairs and a priced flow on all: about two of the first flows.
            lp = count_bound(
                inst,
                binding,
                first_columns,
                int(reflowed.sum()),
                now + COUNT_LP_SHARE * share,
                2 * stats["first_flow_seconds"],
            )
            stats["count_lp_seconds"] = perf_counter() - started
            stats["count_lp_bound"] = lp.placed
            stats["count_lp_rounds"] = lp.rounds
            placed_bound = min(first.upper.placed, lp.placed)
            lp_levels = lp.lp_levels
            configs = configurations(inst) if inst.n_pairs <= COUNT_VECTOR_MAX_PAIRS else None
            if int(reflowed.sum()) < placed_bound and configs is not None:
                started = perf_counter()
                mixed = count_vector_bound(inst, configs, now + COUNT_LP_SHARE * share)
                stats["count_vector_seconds"] = perf_counter() - started
                if mixed is not None:
                    stats["count_vector_bound"] = mixed.placed
                    placed_bound, lp_levels = min(placed_bound, mixed.placed), mixed.lp_levels
            if int(reflowed.sum()) < placed_bound:
                reflowed, placed_bound = _search_count(
                    inst,
                    reflowed,
                    lex_weight,
                    binding,
                    placed_bound,
                    lp_levels,
                    now + LEVEL_SEARCH_SHARE * share,
                    stats,
                )
            if int(reflowed.sum()) < placed_bound and configs is not None:
                reflowed, placed_bound = _count_by_milp(
                    inst,
                    configs,
                    reflowed,
                    lex_weight,
                    binding,
                    placed_bound,
                    now + LEVEL_SEARCH_SHARE * share,
                    stats,
                )
        counted = first.upper.placed if placed_bound is None else placed_bound
        if int(reflowed.sum()) >= counted:
            # No plan places more: how long proving the count took (the total score may stay open).
            stats["count_proven_seconds"] = perf_counter() - entered
            if enough_placed is None and placed_bound is None and inst.n_pairs > KNAPSACK_MAX_PAIRS:
                if configurations(inst) is not None:  # the proof by decomposition may hand over to them
                    handover = _Handover(counted, reflowed, first_columns)
            elif enough_placed is None:
                at_count = _at_proven_count(
                    inst,
                    binding,
                    reflowed,
                    counted,
                    first_columns,
                    now + LAGRANGE_SHARE * share,
                    deadline,
                    workers,
                    2 * stats["first_flow_seconds"],
                    stats,
                )
                if at_count.optimal:
                    return at_count
                reflowed = at_count.chosen
                placed_bound, weight_cap = at_count.bound.placed, at_count.bound.weight
        best, lower = _lagrange(
            inst,
            oracle,
            first,
            lex_weight,
            big_m,
            binding,
            now + LAGRANGE_SHARE * share,
            stats,
            pace,
            elsewhere=value_of(inst, reflowed),
            tier=tier_base,
        )
        stats["lagrange_seconds"] = (
            perf_counter() - entered - stats["relaxation_seconds"] - stats["reflow_seconds"]
        )
        stats["lagrange_placed"] = int(lower.sum())
        lower = _better(inst, lower, reflowed)
    stats["flow_solves"] = oracle.solves
    stats["active_pairs"] = int(oracle.active.sum())
    lower_value = value_of(inst, lower)
    enough = enough_placed is not None and lower_value.placed >= enough_placed
    too_late = perf_counter() + PROOF_SECONDS_PER_PAIR * inst.n_pairs >= deadline
    if lower_value == best.upper or too_late or enough:
        return _counted_bound(inst, ExactSolution(lower, lower_value, best.upper), placed_bound, weight_cap)
    max_variables = None if handover is None else DECOMPOSE_MAX_VARIABLES
    proof, too_large = _decompose(inst, best, lower, big_m, binding, deadline, workers, stats, max_variables)
    if too_large and handover is not None:
        stats["handover_seconds"] = perf_counter() - entered
        placing = proof.chosen if proof.value.placed >= handover.placed else handover.plan
        at_count = _at_proven_count(
            inst,
            binding,
            placing,
            handover.placed,
            handover.first_columns,
            now + LAGRANGE_SHARE * share,
            deadline,
            workers,
            2 * stats["first_flow_seconds"],
            stats,
        )
        better = at_count if proof.value <= at_count.value else proof
        proof = ExactSolution(better.chosen, better.value, min(proof.bound, at_count.bound))
    return _counted_bound(inst, proof, placed_bound, weight_cap)


@dataclass(frozen=True, eq=False)
class _Handover:
    """A proven count ``placed``, a plan placing it, and the LPs' first columns: what the companies'
    knapsacks need if the proof by decomposition grows too large (``DECOMPOSE_MAX_VARIABLES``)."""

    placed: int
    plan: np.ndarray
    first_columns: np.ndarray


def _at_proven_count(
    inst: Instance,
    binding: np.ndarray,
    plan: np.ndarray,
    placed: int,
    first_columns: np.ndarray,
    lp_deadline: float,
    deadline: float,
    workers: int,
    round_seconds: float,
    stats: dict[str, float],
) -> ExactSolution:
    """Once no plan places more than ``placed`` (which ``plan`` does): the weight at that count.

    The relaxation's bound prices a placement at ``M``; with the count settled, a placement may be
    worth any price, and the weight LP at this count finds a good one and the students' prices to
    start from (``weight_bound_at_count``). From there the companies' knapsacks improve the plan and
    prove it (``knapsack_proof``, where the companies' count vectors make a table); if they cannot, the proof by
    decomposition with the LP's prices. The solution's bound is at ``placed`` students.
    """
    started = perf_counter()
    plan_value = value_of(inst, plan)
    knapsacks = configurations(inst) is not None
    weight_cap, prices = weight_bound_at_count(
        inst,
        binding,
        placed,
        first_columns | plan,
        plan_value.weight,
        lp_deadline,
        round_seconds,
        KNAPSACK_WEIGHT_LP_ROUNDS if knapsacks else LP_MAX_ROUNDS,
    )
    stats["weight_lp_seconds"] = perf_counter() - started
    stats["weight_lp_bound"] = weight_cap
    solution = ExactSolution(plan, plan_value, max(Lex(placed, weight_cap), plan_value))
    if prices is None or perf_counter() + PROOF_SECONDS_PER_PAIR * inst.n_pairs >= deadline:
        return solution
    started = perf_counter()
    found = (
        improve_and_prove(
            inst, binding, plan, placed, prices.placement_price, prices.student_price, weight_cap, deadline
        )
        if knapsacks
        else None
    )
    stats["knapsack_seconds"] = perf_counter() - started
    if found is not None:
        stats["knapsack_rounds"] = found.rounds
        stats["knapsack_proof_pairs"] = found.proof_pairs
        solution = ExactSolution(found.plan, Lex(placed, found.weight), Lex(placed, found.weight_bound))
        if found.proven or perf_counter() + PROOF_SECONDS_PER_PAIR * inst.n_pairs >= deadline:
            return solution
    # The Lagrangian rounds price a placement at M, a placement above this count: their certificate
    # leaves every pair in the proof's models. The weight LP's prices value a placement at its own
    # price instead, and bound exactly the plans placing this many. If a plan placing fewer is worth
    # more at that price, the proof cannot close: the rounds and their proof follow.
    return _prove_at_count(
        inst, solution.chosen, placed, solution.bound.weight, prices, binding, deadline, workers, stats
    )


def _prove_at_count(
    inst: Instance,
    plan: np.ndarray,
    placed: int,
    weight_cap: int,
    prices: Prices,
    binding: np.ndarray,
    deadline: float,
    workers: int,
    stats: dict[str, float],
) -> ExactSolution:
    """The proof by decomposition once no plan places more than ``placed`` (which ``plan`` does).

    The certificate values a placement at ``prices.placement_price`` (the weight LP's price of the row
    "at least ``placed`` placed") instead of ``M``: every plan ``x`` has ``placement_price * placed(x) +
    weight(x) <= upper_total - least_loss``, so a plan placing ``placed`` weighs at most that less
    ``placement_price * placed``. A plan the proof finds that places fewer is worse whatever its
    weight, and is not kept.
    """
    placement_price = prices.placement_price
    result = _certified_proof(
        inst,
        placement_price + inst.weight,
        prices.student_price,
        prices.company_price,
        prices.mentor_price,
        prices.upper_total,
        plan,
        binding,
        deadline,
        workers,
        stats,
    )
    best = _better(inst, plan, result.plan)
    found = value_of(inst, best)
    weight = min(weight_cap, prices.upper_total - result.least_loss - placement_price * placed)
    bound = Lex(placed, weight)
    return ExactSolution(best, found, bound if found <= bound else found)


def _search_count(
    inst: Instance,
    plan: np.ndarray,
    lex_weight: np.ndarray,
    binding: np.ndarray,
    placed_bound: int,
    lp_levels: np.ndarray | None,
    deadline: float,
    stats: dict[str, float],
) -> tuple[np.ndarray, int]:
    """A plan placing more than ``plan`` if the load limits' search finds one, and its bound on the count.

    The search starts from the count LP's students per load level rounded down (``lp_levels``, when
    there are any: on 1,700 x 900, seeds 1 and 2, the flow under them placed the optimum at once), or
    else from the limits ``plan`` fits, and gives companies back the limits ``plan`` fits wherever the
    count holds. The plan it returns is the flow of largest ``lex_weight`` under the limits found (as
    many placed as they allow, then the most weight), refitted.
    """
    started = perf_counter()
    kept = fitting_level_caps(inst, plan)
    start = kept if lp_levels is None else _rounded_level_caps(inst, lp_levels, kept)
    found = search_level_caps(inst, start, deadline, placed_bound, keep=kept)
    stats["count_search_seconds"] = perf_counter() - started
    stats["count_search_rounds"] = found.rounds
    stats["count_search_found_in"] = found.found_in
    stats["count_search_placed"] = found.placed
    stats["count_search_bound"] = found.placed_bound
    if found.placed > int(plan.sum()):
        counted = _level_flow(inst, lex_weight, found.level_cap)
        # The limits were picked for the count alone: the heaviest flow within those its plan fits
        # (spare mentor hours handed to the lowest levels) places as many and often weighs more.
        everywhere = np.ones(inst.n_pairs, dtype=bool)
        refitted = _fitted_flow(inst, counted, everywhere, lex_weight, binding)
        plan = _better(inst, _better(inst, plan, counted), refitted)
    return plan, found.placed_bound


def _count_by_milp(
    inst: Instance,
    configs: Configurations,
    plan: np.ndarray,
    lex_weight: np.ndarray,
    binding: np.ndarray,
    placed_bound: int,
    deadline: float,
    stats: dict[str, float],
) -> tuple[np.ndarray, int]:
    """When the search over load limits stops short of the bound: the count's MILP on the count vectors.

    HiGHS places the most it can (``count_vectors.heaviest_mix`` with every weight 1) and its dual
    bound bounds the count; a better count becomes a plan by the heaviest flow within the limits it
    fits, as in ``_search_count``. Generate 700 x 360 seed 5: the search stalled at 672 of 673 in
    one run of three (80 rounds, 5 s; FEASIBLE at the limit), where this MILP places 673 in 4.3 s.
    """
    started = perf_counter()
    nobody = np.zeros(inst.n_students, dtype=bool)
    solved = heaviest_mix(
        inst, configs, np.arange(inst.n_pairs), np.ones(inst.n_pairs, dtype=np.int64), nobody, None, deadline
    )
    stats["count_milp_seconds"] = perf_counter() - started
    if solved is None:
        return plan, placed_bound
    counted, bound = solved
    placed_bound = min(placed_bound, max(bound, int(plan.sum())))
    if counted is not None and int(counted.sum()) > int(plan.sum()):
        everywhere = np.ones(inst.n_pairs, dtype=bool)
        refitted = _fitted_flow(inst, counted, everywhere, lex_weight, binding)
        plan = _better(inst, _better(inst, plan, counted), refitted)
    return plan, placed_bound


def _rounded_level_caps(inst: Instance, lp_levels: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Limits from an LP's (fractional) students of load ``l`` or more at each company: rounded down,
    with the spare mentor hours on the lowest levels (``_with_spare``); ``fallback``'s limits where
    the rounded ones would not fit the mentor capacity (the LP's own rounding errors)."""
    levels = fallback.shape[1]
    caps = np.zeros_like(fallback)
    width = min(levels, lp_levels.shape[1])
    caps[:, :width] = np.floor(lp_levels[:, :width] + 1e-9).astype(np.int64)
    caps = _with_spare(inst, np.minimum(caps, inst.capacity[:, None]))
    fits = caps.sum(axis=1) <= inst.mentor_capacity
    return np.where(fits[:, None], caps, fallback)


def _counted_bound(
    inst: Instance, solution: ExactSolution, placed_bound: int | None, weight_cap: int | None = None
) -> ExactSolution:
    """``solution`` with its bound lowered to ``placed_bound`` students where that is tighter (the
    weight bound is then that of the heaviest flow placing as many within the loosest load limits, and
    the count that flow's if those limits place fewer),
    and its weight bound to ``weight_cap`` (no plan placing ``placed_bound`` weighs more) if lower."""
    if placed_bound is None or placed_bound > solution.bound.placed:
        return solution
    if placed_bound < solution.bound.placed:
        # The loosest limits every plan keeps may rule out even ``placed_bound`` students.
        placed_bound, weight = best_weight_placing(inst, placed_bound, candidate_level_caps(inst))
    else:
        weight = solution.bound.weight
    bound = Lex(placed_bound, weight if weight_cap is None else min(weight, weight_cap))
    if bound == solution.bound:
        return solution  # nothing tighter
    return ExactSolution(
        solution.chosen, solution.value, bound if solution.value <= bound else solution.value
    )


def _capacity_bound(inst: Instance, weight_bound: int | None = None, big_m: int | None = None) -> Lex:
    """A bound that needs no flow: every student with a pair placed, within the companies' places,
    each at their best weight (or, if lower, ``weight_bound``: ``_quick_plan``'s).

    ``big_m``: ``inst.big_m()`` when known (the best weights' total plus one: one pass fewer)."""
    weight = inst.best_weight_total() if big_m is None else big_m - 1
    if weight_bound is not None:
        weight = min(weight, weight_bound)
    return Lex(_placed_bound(inst), weight)


def _placed_bound(inst: Instance) -> int:
    """At most this many placed: every student with a pair, within each company's places and pairs."""
    per_company = np.minimum(inst.capacity, inst.load_counts.sum(axis=1))  # pairs per company, counted once
    return min(inst.students_with_pairs(), int(per_company.sum()))


def _level_counts(inst: Instance, chosen: np.ndarray, levels: int) -> np.ndarray:
    """``(n_companies, levels)``: the chosen students of load ``l`` or more at each company."""
    counts = np.zeros((inst.n_companies, levels), dtype=np.int64)
    for level in range(1, levels + 1):
        counts[:, level - 1] = np.bincount(
            inst.company[chosen & (inst.load >= level)], minlength=inst.n_companies
        )
    return counts


def _company_weight(inst: Instance) -> int:
    """The sum over companies of their ``capacity`` largest (non-negative) weights: no plan weighs more.

    ``inst`` must hold at least those pairs of every company (``_quick_plan``'s wide pool does)."""
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


def _improve(
    inst: Instance,
    plan: np.ndarray,
    pool: np.ndarray,
    lex_weight: np.ndarray,
    binding: np.ndarray,
    deadline: float,
    pace: _Pace,
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
    improved = _fitted_flow(part, plan[index], np.ones(n_pairs, dtype=bool), lex_weight[index], binding)
    chosen = np.zeros(inst.n_pairs, dtype=bool)
    chosen[index[improved]] = True
    return _better(inst, plan, chosen)


def _quick_plan(
    inst: Instance,
    big_m: int,
    binding: np.ndarray,
    now: float,
    share: float,
    pace: _Pace,
    tier_base: int | None = None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """A feasible plan on a large network in three flows, the narrow pool of pairs it chose from, and a
    bound on any plan's weight (``_company_weight``, and with a ``tier_base`` ``_tier_bound``).

    1. *Most students*: on a wide pool (each student's best pairs and ``WIDE_PER_PLACE`` best per
       place at each company) a flow that only counts placements (fast: no costs) under the
       loosest nested load limits, then one under limits every company's students fit
       (``_fitted_flow``): it places at least the students the first keeps after unloading.
       With a ``tier_base``, the same flows first count placements in the higher tier only, and
       the others are then placed by residual flows (``_repair``); the plain count is made too,
       and kept, only if that places fewer than every place or student (``_tier_first``).
    2. *The best weights at that number*: one flow of ``lex_weight`` (``big_m + weight``) on the narrow pool (fewer best
       pairs, plus the counted plan) under the limits the counted plan fits: feasible, at least as
       many placed, the largest weight (if its forecast fits by ``WEIGHT_SHARE`` of the time).
    """
    bucket = weight_buckets(inst.weight, 64)
    places = np.maximum(inst.capacity, 1)
    wide = better_pairs(inst.student, inst.weight, inst.n_students, CANDIDATES_PER_STUDENT, bucket)
    wide |= better_pairs(inst.company, inst.weight, inst.n_companies, WIDE_PER_PLACE * places, bucket)
    del bucket
    index = np.flatnonzero(wide)
    del wide
    part = inst.subset(index)
    company_weight = _company_weight(part)
    # The narrow pool from the wide one, which holds each student's and company's best pairs already.
    narrow_part = better_pairs(part.student, part.weight, part.n_students, NARROW_PER_STUDENT)
    narrow_part |= better_pairs(part.company, part.weight, part.n_companies, NARROW_PER_PLACE * places)
    started = perf_counter()
    counted, tiered, top_flow = None, None, None
    if tier_base is not None:
        tiered, top_flow, short = _tier_first(part, binding, tier_base)
        # Short of every place or student, a plain count may place more: it takes two of the four
        # flows the tier took. Without time for it, the tier's plan is kept (its bound stays the true one).
        now_done = perf_counter()
        too_late = now_done + (now_done - started) / 2 >= pace.deadline
        counted = tiered if tiered is not None and (not short or too_late) else None
    if counted is None:
        counted = _counted(part, binding)
        if tiered is not None and value_of(part, tiered) > value_of(part, counted):
            counted = tiered  # as many placed as the count, and more within interests
    count_pace = (perf_counter() - started) / part.n_pairs
    weight_bound = company_weight
    if top_flow is not None and tier_base is not None:
        # Any plan's weight is tier_base per placement in the tier plus less than tier_base.
        in_tier = _tier_bound(inst, tier_base, top_flow, loosest_level_caps(part))
        weight_bound = min(weight_bound, tier_base * in_tier + tier_base - 1)
    pool = narrow_part | counted
    plan = counted
    n_pool = int(np.count_nonzero(pool))
    forecast = WEIGHTED_FLOW_PACE * count_pace * n_pool
    if perf_counter() + forecast < min(now + WEIGHT_SHARE * share, pace.deadline):
        started = perf_counter()
        weighted = _fitted_flow(part, counted, pool, big_m + part.weight, binding)
        pace.seconds_per_pair = (perf_counter() - started) / max(n_pool, 1) / LARGE_LEVEL_FLOW_PACE
        if value_of(part, counted) < value_of(part, weighted):
            plan = weighted
    else:  # a priced flow's forecast from the counting flow's pace
        pace.seconds_per_pair = WEIGHTED_FLOW_PACE * count_pace / LARGE_LEVEL_FLOW_PACE
    chosen = np.zeros(inst.n_pairs, dtype=bool)
    chosen[index[plan]] = True
    narrow = np.zeros(inst.n_pairs, dtype=bool)
    narrow[index[pool]] = True
    return chosen, narrow, weight_bound


def _counted(inst: Instance, binding: np.ndarray) -> np.ndarray:
    """A feasible plan by maximum flows that only count placements (no costs: fast), on every pair of ``inst``.

    The first keeps the loosest nested load limits; if some company is then over its mentor
    capacity, it is unloaded and the flow grown again under limits its kept students fit
    (``fitting_level_caps``): as many placed as a fresh flow under those limits."""
    loosest = loosest_level_caps(inst)
    counted = _augment(inst, np.zeros(inst.n_pairs, dtype=bool), loosest).chosen
    if (inst.mentor_use(counted) > inst.mentor_capacity).any():
        caps = np.where(binding[:, None], fitting_level_caps(inst, counted), loosest)
        counted = _augment(inst, _unload(inst, counted), caps).chosen
    return counted


def _tier_first(
    inst: Instance, binding: np.ndarray, tier_base: int
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
    first = _augment(upper, np.zeros(upper.n_pairs, dtype=bool), loosest)
    plan = np.zeros(inst.n_pairs, dtype=bool)
    plan[top[first.chosen]] = True
    # Limits under which any students fit where the mentor limit can bind (the loosest elsewhere):
    # every plan grown from here keeps every limit.
    caps = np.where(binding[:, None], fitting_level_caps(inst, plan), loosest)
    if (inst.mentor_use(plan) > inst.mentor_capacity).any():
        grown = _augment(upper, _unload(inst, plan)[top], caps).chosen
        plan = np.zeros(inst.n_pairs, dtype=bool)
        plan[top[grown]] = True
    placed_bound = _placed_bound(inst)
    plan = _add_unplaced(inst, plan, caps)
    if int(plan.sum()) < placed_bound:
        plan = _augment(inst, plan, caps).chosen
    return plan, first, int(plan.sum()) < placed_bound


def _add_unplaced(inst: Instance, plan: np.ndarray, level_cap: np.ndarray) -> np.ndarray:
    """``plan`` and the most students not in it that fit the places and nested limits it leaves.

    A maximum flow on the unplaced students' pairs alone: no student of ``plan`` moves."""
    placed = np.zeros(inst.n_students, dtype=bool)
    placed[inst.student[plan]] = True
    free = np.flatnonzero(~placed[inst.student])
    used = _level_counts(inst, plan, level_cap.shape[1])
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


def _fitted_flow(
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
    chosen[within[_level_flow(inst.subset(within), weight[within], caps)]] = True
    return chosen


def _level_flow(part: Instance, weight: np.ndarray, level_cap: np.ndarray) -> np.ndarray:
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


def _better(inst: Instance, plan: np.ndarray, other: np.ndarray | None) -> np.ndarray:
    """The better of two feasible plans (the first on a tie); ``other`` may be missing."""
    if other is None or not value_of(inst, plan) < value_of(inst, other):
        return plan
    return other


def _violations(inst: Instance, chosen: np.ndarray, binding: np.ndarray) -> np.ndarray:
    over = inst.mentor_use(chosen) > inst.mentor_capacity
    return np.flatnonzero(over & binding)


@dataclass(frozen=True, eq=False)
class _Round:
    """One Lagrangian round: its bound, the mentor prices, the flow and its LP duals."""

    upper: Lex
    mentor_price: np.ndarray
    flow: np.ndarray
    student_price: np.ndarray
    company_price: np.ndarray


def _lagrange(
    inst: Instance,
    oracle: PricedFlow,
    first: _Round,
    lex_weight: np.ndarray,
    big_m: int,
    binding: np.ndarray,
    deadline: float,
    stats: dict[str, float],
    pace: _Pace,
    elsewhere: Lex | None = None,
    tier: int | None = None,
) -> tuple[_Round, np.ndarray]:
    """Subgradient rounds on the mentor prices: the round with the best bound, and the best feasible plan.

    The prices are in the units of ``lex_weight`` (``M`` per placement plus the weight), so a
    high enough price makes leaving a student unplaced worth it, and the bound then
    also limits the number placed. Polyak steps towards the best feasible plan's value
    (in weight units while the numbers placed agree); the step factor halves after two
    rounds without a better bound. The rounds with prices up to a placement's worth run only if
    no plan found so far, here or elsewhere (``elsewhere``: another plan's value), places as many
    as the bound allows: on national networks restrict-and-reflow's plan always did, and those 12
    rounds never tightened the bound (seeds 1-5 of 1,700 x 5,000: the same bound without them).
    ``tier``: the weights are tiered (``PlacementProblem.interest_tier``'s base): the steps aim at the
    gap within the tier.
    """
    best = first
    lower = _repair(inst, first.flow, oracle.active, pace=pace)
    lower_value = value_of(inst, lower)
    price = np.zeros(inst.n_companies, dtype=np.float64)
    flow = first.flow
    # First the weights: prices up to the largest weight never cost a placement. Only if the
    # best plan then still places fewer than the bound allows, prices may reach a placement's worth.
    for price_cap, rounds in (
        (float(inst.weight.max()), MAX_LAGRANGE_ROUNDS),
        (float(lex_weight.max()), COUNT_ROUNDS),
    ):
        factor, stall, last = 1.0, 0, 0.0
        for _ in range(rounds):
            # A round starts only if one as long as the last can still finish in time.
            if lower_value == best.upper or perf_counter() + last >= deadline or factor < MIN_STEP_FACTOR:
                break
            if not pace.allows(int(oracle.active.sum())):
                break
            round_started = perf_counter()
            # Raise the price where mentor use exceeds the limit, lower it where there is room.
            excess = np.where(binding, inst.mentor_use(flow) - inst.mentor_capacity, 0).astype(np.float64)
            excess[(price <= 0) & (excess < 0)] = 0.0
            # Never all zero: the first round's flow exceeds a mentor limit (else it was optimal), and
            # a later round whose flow keeps every limit, each priced one exactly full, has a bound
            # equal to its own plan, so the check above has stopped the rounds (or the deadline has).
            norm = float(excess @ excess)
            if lower_value.placed == best.upper.placed:
                target_gap = float(best.upper.weight - lower_value.weight)
            elif price_cap < lex_weight.max():
                target_gap = 0.001 * best.upper.weight
            else:
                target_gap = float(_total(best.upper, big_m) - _total(lower_value, big_m))
            if tier is not None and elsewhere is not None and elsewhere.placed == best.upper.placed:
                # Tiered weights (``tier`` a placement within interests) put the total near
                # n * tier: 0.1 % of it, or a gap that counts whole tiers, is a thousand times the
                # gap in the score, and the prices overshoot until the steps have shrunk away. The
                # gap within the tier to a plan placing as many (restrict-and-reflow's) is the target.
                target_gap = min(target_gap, float((best.upper.weight - elsewhere.weight) % tier))
            price = np.clip(price + factor * max(target_gap, 1.0) / norm * excess, 0.0, price_cap)
            integer_price = np.rint(price).astype(np.int64)
            priced_lex_weight = lex_weight - integer_price[inst.company] * inst.load
            try:
                flow_round = oracle.solve(
                    priced_lex_weight, optional=price_cap >= lex_weight.max(), deadline=deadline
                )
            except FlowError:  # prices pushed some weights below the max-flow shortcut's reach
                flow_round = oracle.solve(priced_lex_weight, optional=True, deadline=deadline)
            flow = flow_round.chosen
            pace.seconds_per_pair = oracle.seconds_per_pair
            stats["lagrange_rounds"] += 1
            bound_total = flow_round.bound + sum((integer_price * inst.mentor_capacity).tolist())
            candidate = (
                flow
                if _violations(inst, flow, binding).size == 0
                else _repair(inst, flow, oracle.active, 1, pace=pace)
            )
            candidate_value = value_of(inst, candidate)
            if lower_value < candidate_value:
                lower, lower_value = candidate, candidate_value
            last = perf_counter() - round_started
            if bound_total < _total(best.upper, big_m):
                bound = _split_total(bound_total, big_m)
                best = _Round(bound, integer_price, flow, flow_round.student_price, flow_round.company_price)
                stall = 0
            else:
                stall += 1
                if stall >= 2:
                    factor, stall = factor / 2.0, 0
        if max(lower_value.placed, 0 if elsewhere is None else elsewhere.placed) >= best.upper.placed:
            break
    # One more, thorough repair of the flow behind the best bound, if there is time.
    if lower_value < best.upper and perf_counter() < deadline:
        candidate = _repair(inst, best.flow, oracle.active, pace=pace)
        if lower_value < value_of(inst, candidate):
            lower = candidate
    return best, lower


def _restrict_and_reflow(
    inst: Instance,
    flow: np.ndarray,
    pool: np.ndarray,
    lex_weight: np.ndarray,
    deadline: float,
    pace: _Pace | None = None,
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
    pace = _Pace(math.inf) if pace is None else pace
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
        chosen = _level_flow(part, lex_weight[index], level_cap)
        last = perf_counter() - started
        pace.seconds_per_pair = last / part.n_pairs / LEVEL_FLOW_PACE  # in priced-flow terms
    plan = np.zeros(inst.n_pairs, dtype=bool)
    plan[index[chosen]] = True
    # A flow within the limits everywhere is feasible; otherwise (out of time) it is repaired.
    return plan if inst.is_feasible(plan) else _repair(inst, plan, pool, 1, pace=pace)


def loosest_level_caps(inst: Instance) -> np.ndarray:
    """``(n_companies, L)``: at most ``min(capacity, M // l)`` students of load ``l`` or more; every plan keeps it."""
    levels = np.arange(1, max(int(inst.load.max()), 1) + 1, dtype=np.int64)
    return np.minimum(inst.capacity[:, None], inst.mentor_capacity[:, None] // levels[None, :])


def fitting_level_caps(inst: Instance, chosen: np.ndarray) -> np.ndarray:
    """``(n_companies, L)`` nested limits under which any students fit each company's mentor capacity.

    From the students ``chosen`` kept after unloading (``_unload``): the number of them
    of load ``l`` or more, then the spare mentor capacity added to the lowest levels
    first (room for more light students), never above the capacity or the level
    below. The limits sum to at most the mentor capacity, so any students within them
    fit: their load is the sum over the levels of how many reach each level.
    """
    kept = _unload(inst, chosen)
    return _with_spare(inst, _level_counts(inst, kept, max(int(inst.load.max()), 1)))


def _with_spare(inst: Instance, caps: np.ndarray) -> np.ndarray:
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


def _repair(
    inst: Instance,
    chosen: np.ndarray,
    pool: np.ndarray | None = None,
    rounds: int = REPAIR_ROUNDS,
    *,
    pace: _Pace,
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
    chosen = _unload(inst, chosen)
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
        chosen = _unload(inst, chosen)
    return chosen


def _unload(inst: Instance, chosen: np.ndarray) -> np.ndarray:
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


def _decompose(
    inst: Instance,
    best: _Round,
    lower: np.ndarray,
    big_m: int,
    binding: np.ndarray,
    deadline: float,
    workers: int,
    stats: dict[str, float],
    max_variables: int | None = None,
) -> tuple[ExactSolution, bool]:
    """Certify the best Lagrangian round's flow with its integer duals, then prove optimality component
    by component; also whether it stopped before a model above ``max_variables``."""
    upper_total = _total(best.upper, big_m)
    result = _certified_proof(
        inst,
        big_m + inst.weight,
        best.student_price,
        best.company_price,
        best.mentor_price,
        upper_total,
        lower,
        binding,
        deadline,
        workers,
        stats,
        max_variables,
    )
    found = value_of(inst, result.plan)
    bound = _split_total(upper_total - result.least_loss, big_m)
    return ExactSolution(result.plan, found, bound if found <= bound else found), result.too_large


def _certified_proof(
    inst: Instance,
    lex_weight: np.ndarray,
    student_price: np.ndarray,
    company_price: np.ndarray,
    mentor_price: np.ndarray,
    upper_total: int,
    plan: np.ndarray,
    binding: np.ndarray,
    deadline: float,
    workers: int,
    stats: dict[str, float],
    max_variables: int | None = None,
) -> Decomposed:
    """``decompose.prove_optimal`` from ``plan`` with a flow's integer duals as its certificate (checked:
    every pair's reduced cost non-negative, and the duals' objective ``upper_total``)."""
    priced_lex_weight = lex_weight - mentor_price[inst.company] * inst.load
    reduced = student_price[inst.student] + company_price[inst.company] - priced_lex_weight
    dual_total = (
        sum(student_price.tolist())
        + sum((inst.capacity * company_price).tolist())
        + sum((inst.mentor_capacity * mentor_price).tolist())
    )
    if (reduced < 0).any() or dual_total != upper_total:  # cannot happen for an optimal flow
        raise FlowError("the dual prices do not certify the flow bound")
    certificate = Certificate(lex_weight, student_price, company_price, mentor_price, reduced, upper_total)
    result = prove_optimal(inst, certificate, plan, binding, deadline, workers, max_variables)
    stats["core_rounds"] = result.rounds
    stats["cpsat_models"] = result.models
    stats["largest_model"] = result.largest_model
    return result


def _total(value: Lex, big_m: int) -> int:
    return value.placed * big_m + value.weight


def _split_total(total: int, big_m: int) -> Lex:
    """A bound ``M * placed + weight <= total`` as a lexicographic bound (placed first)."""
    placed = total // big_m
    return Lex(int(placed), int(total - placed * big_m))
