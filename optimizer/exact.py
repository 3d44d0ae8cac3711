"""Exact placement with mentor limits: the steps in order, each plan feasible and each bound certified.

The objective is lexicographic: most students placed, then the largest total weight, written
``M * placed + weight`` with ``M`` above any total weight (``Instance.big_m``); a pair counts its
``lex_weight = M + weight``, and in a Lagrangian round ``priced_lex_weight = lex_weight - price_j *
load``. ``_solve_core`` runs the steps of ``docs/optimizer.md`` (the one page on the method; why
each constant below has its value: ``docs/optimizer-measurements.md``):

1. the transportation relaxation (``flow.PricedFlow``), optimal if it keeps every mentor row;
2. a plan by restrict-and-reflow (``load_limits``); if it places fewer than the relaxation, the
   count's LPs (``count_bound``, ``count_vectors``) and a search over load limits
   (``level_search``, ``_count_by_milp``); once the count is proven, the companies' knapsacks
   (``_at_proven_count``, ``knapsack_proof``);
3. Lagrangian rounds on the mentor prices (``lagrange``), each round's flow repaired into a plan;
4. the proof by decomposition (``decompose``), which hands a proven count over to step 2's
   knapsacks when its models grow too large (``_Handover``).

Above ``LARGE_INSTANCE_PAIRS`` a plan comes first (``large_plan.quick_plan``), steps 2-3 are left
out (step 4 never has the time its set-up needs there), and the relaxation or the companies' places
give the bound. On a time limit the result is
the best plan found with a valid bound, never an exception.

Index spaces (``docs/optimizer.md``): ``solve_exact`` takes an instance (from ``solve_placement``,
the free instance) and returns a mask over its pairs. It solves only the *usable subset*, the pairs
whose load fits their company's mentor capacity at a company with places (``usable_index[u]`` is
the instance's pair); everything from ``_solve_core`` down is numbered in it, and ``solve_exact``
maps the plan back. A step that solves on fewer pairs maps its answer back at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from time import perf_counter

import numpy as np

from optimizer.company_knapsacks import Configurations, configurations
from optimizer.count_bound import MAX_ROUNDS as LP_MAX_ROUNDS
from optimizer.count_bound import Prices, count_bound, weight_bound_at_count
from optimizer.count_vectors import count_vector_bound, heaviest_mix
from optimizer.decompose import Certificate, Decomposed, ModelLimit, prove_optimal
from optimizer.flow import (
    FlowError,
    PricedFlow,
    better_pairs,
    rank_per_student,
)
from optimizer.instance import Instance
from optimizer.knapsack_proof import improve_and_prove
from optimizer.lagrange import Round, lagrangian_rounds
from optimizer.large_plan import capacity_bound, improve, quick_plan
from optimizer.level_search import MAX_ROUNDS as SEARCH_MAX_ROUNDS
from optimizer.level_search import best_weight_placing, candidate_level_caps, search_level_caps
from optimizer.load_limits import (
    fitted_flow,
    fitting_level_caps,
    level_flow,
    repair,
    restrict_and_reflow,
    rounded_level_caps,
)
from optimizer.pace import Pace
from optimizer.plan_value import ExactSolution, Lex, better, lex_total, split_total, value_of, violations
from optimizer.solvers import load_solvers

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
mentor rows allow 672; 1,700 x 900 seed 5, 198,066 pairs: 106 s, 44 s on 4 December), and so does the
count's MILP on those rows; above, the LP grows by column generation (``count_vector_bound``)."""
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
KNAPSACK_MAX_PAIRS = 750_000
"""When the relaxation's own plan already places as many as its bound, the companies' knapsacks prove the
score at once up to this many pairs; above it the Lagrangian rounds and the decomposition do, handing
over to the knapsacks if its models grow (``DECOMPOSE_MAX_VARIABLES``). Plain national networks (1,700 x
5,000, 815,000-1.1 million pairs, seeds 1-5 and 2019) take 2.7-4.5 s by the decomposition, 4.9-6.9 s by
the knapsacks at once: a knapsack round sweeps every pair, the decomposition's models stay near the
binding companies. From 250,000 to 680,000 pairs (1,700 x 2,000 and 3,000, plain and tightened;
national-tight, 450,000-580,000) the knapsacks at once skip the Lagrangian rounds and the first models,
which end in a hand-over there anyway: 20 networks 0.78 of the time (median ratio 0.78), 18 within 5 s
instead of 8, the same plans (twenty-seventh session). When the count took the LPs or the search (tight
networks), the knapsacks run at any size."""
KNAPSACK_MAX_PAIRS_TIERED = 250_000
"""The same on tiered weights (interests first): there the knapsacks at once were faster on some of the
same networks and slower on others (1,700 x 3,000 seed 5 3.4 -> 14.2 s, national-tight seed 2 7.0 ->
13.6 s; seed 4 14.7 -> 7.3 s), 0.92 of the time in all, fewer within 5 s (twenty-seventh session)."""
DECOMPOSE_MAX_VARIABLES = 40_000
"""Above ``KNAPSACK_MAX_PAIRS``, once the count is proven, the proof by decomposition hands the score over
to the companies' knapsacks before a round whose CP-SAT models have more variables than this. Plain national
networks (1,700 x 5,000) never reach it (their largest models: 3,120-6,011; 1,700 x 3,000 seed 2:
27,542; handed over at 6,000, national seed 3 and that one took 2-2.5 times as long); national-tight
ones grow past it in their third round (seed 1: 7,969, 38,603, 64,930, ... 118,293 variables, 19.9 s
in all) and their knapsacks take 5.6-8.2 s. Measured before plain weights below 750,000 pairs went to the
knapsacks at once; under interests first those networks still come here (``KNAPSACK_MAX_PAIRS_TIERED``)."""
DECOMPOSE_INCHING_ROUNDS = 3
"""The same after this many rounds in a row of one model growing by under 1 % (``decompose.INCHING_GROWTH``):
there each round solves the whole model again for a few more variables (under interests first,
national-tight seed 4: 11,092 to 19,250 variables over 25 rounds of 0.3-0.5 s). Side by side, 22 networks
under interests first (national-tight and plain 1,700 x 3,000 seeds 1-8, plain national 1-6): national-
tight seed 4 12.4 -> 10.0 s, plain 3,000 seed 3 53.8 -> 46.3 s, the others within 0.96-1.04, the same
plans; national-tight seed 2, whose one model inches once and then proves, is left alone. Plain national
networks under count-then-score (seeds 1-6) never inch (twenty-eighth session)."""
DECOMPOSE_FIRST_MAX_VARIABLES = 6_500
"""The same for the first round: where the proof's first models already have more variables than this,
the mentor rows bind across wide components, and the knapsacks, handed the score before any model is
solved, end sooner (national-tight seeds 1-5: first rounds of 7,969-23,305 variables, 0.71-0.95 of the
time; plain 1,700 x 2,000 seeds 1-5 and 2019: 10,762-32,615, 0.78-0.92). Plain national networks
(seeds 1-5, 2019) start at 2,032-3,796 and plain 1,700 x 3,000 seed 2 at 5,055, and keep the faster
decomposition; plain 1,700 x 3,000 seed 2019 starts at 9,973 and its decomposition would have been
the faster proof (3.96 s against 5.68 s): a rule of thumb, not a bound."""
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
LARGE_INSTANCE_PAIRS = 2_000_000
"""Above this many pairs the first active set is each student's best pair only (no full sort), and
the flows' pricing watches each student's better pairs before it sweeps them all."""
WATCHED_PAIRS_PER_STUDENT = 48
FIRST_SEARCH_ROUNDS = 1
"""Above ``COUNT_VECTOR_MAX_PAIRS`` the search over load limits first has this many rounds: its first
flow, under the count LP's levels rounded down, proved the count of 1,700 x 900 seeds 1-4 and
national-tight at once; where it did not (900 seeds 5, 7 and 9), its next five rounds found no plan
placing more, and the search after the count-vector LP went much the same way (900 seed 9: nearly
the same counts in its first six rounds, the count in its seventh). With the count-vector LP first,
which it did not need, 900 seeds 1-4 took 0.5-4.0 s longer (fifteenth session)."""


def solve_exact(
    inst: Instance,
    *,
    time_limit: float | None = None,
    enough_placed: int | None = None,
    tier_base: int | None = None,
    count_only: bool = False,
    start: np.ndarray | None = None,
    placed_at_most: int | None = None,
) -> ExactSolution:
    """The lexicographically best plan (most placed, then most weight) respecting every limit.

    Never raises on a time limit: the best plan found comes back with its bound.
    ``enough_placed``: only ask whether ``enough_placed`` students can be placed; stop as
    soon as a plan placing that many is found (its weight is then not proven best) or
    the bound shows it is impossible.
    ``count_only``: stop once the number placed is settled (steps 1-2b of docs/optimizer.md; proven
    unless they leave it open): the plan places that many, but its weight is not proven best.
    ``start``: a feasible plan (a mask over ``inst``'s pairs) to start from where it is better than
    restrict-and-reflow's (fairness's last solve starts from its probe's plan, which the count's
    search does not always find again).
    ``placed_at_most``: no plan places more (a bound the caller has proven, on these pairs or on more):
    where ``start`` or restrict-and-reflow's plan places that many, the count's LPs and search are
    skipped (fairness's last solve, whose count its first solve proved).
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
    usable_index = None if usable.all() else np.flatnonzero(usable)
    core = inst if usable_index is None else inst.subset(usable_index)
    if start is not None and usable_index is not None:
        start = start[usable_index]  # a feasible plan's pairs are usable
    solution = _solve_core(core, deadline, stats, enough_placed, tier_base, count_only, start, placed_at_most)
    chosen = solution.chosen
    if usable_index is not None:
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


def _solve_core(
    inst: Instance,
    deadline: float,
    stats: dict[str, float],
    enough_placed: int | None = None,
    tier_base: int | None = None,
    count_only: bool = False,
    start: np.ndarray | None = None,
    placed_at_most: int | None = None,
) -> ExactSolution:
    if inst.n_pairs == 0:
        empty = np.zeros(0, dtype=bool)
        return ExactSolution(empty, Lex(0, 0), Lex(0, 0))
    entered = perf_counter()
    binding = inst.mentor_can_bind()
    # The solver libraries, where a caller has not loaded them (``solve_placement`` does, before its
    # clock): the time limit's shares below are measured after them, and the pace of the first flow
    # is the forecast for the next ones.
    load_solvers()

    big_m = inst.big_m()
    large = inst.n_pairs > LARGE_INSTANCE_PAIRS
    now = perf_counter()
    share = deadline - now
    pace = Pace(deadline)
    quick, places_bound = None, Lex(0, 0)
    placed_bound: int | None = None  # from the count's LP and the search over load limits, when they run
    weight_cap: int | None = None  # no plan placing ``placed_bound`` weighs more (the weight LP)
    if large:
        # A plan first: on millions of pairs the relaxation may not finish in time, and its flow on a
        # few pairs per student is a poor plan. Its narrow pool is the relaxation's first active set.
        quick, first_active, weight_bound = quick_plan(inst, big_m, binding, now, share, pace, tier_base)
        places_bound = capacity_bound(inst, weight_bound, big_m)
        stats["quick_plan_seconds"] = perf_counter() - now
        # One round of the relaxation (a flow, its duals, a sweep over every pair) takes about as long
        # as the first plan (16.7 s and 17.0 s at 45,000 x 20,000): it starts only if one can end in time
        # (the first plan says so itself when it leaves its narrow pool out).
        if first_active is None or perf_counter() + stats["quick_plan_seconds"] >= deadline:
            stats["first_flow_seconds"] = perf_counter() - entered
            return ExactSolution(quick, value_of(inst, quick), places_bound)
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
    relaxed_bound = split_total(first_round.bound, big_m)
    if first_round.optimal and violations(inst, relaxed, binding).size == 0:
        return ExactSolution(relaxed, relaxed_value, relaxed_value)
    if not first_round.optimal:  # out of time (or near-optimal on a large network): no proof
        if large and quick is not None:
            lower = improve(
                inst, quick, oracle.active, lex_weight, binding, now + LARGE_PLAN_SHARE * share, pace
            )
            return ExactSolution(lower, value_of(inst, lower), min(relaxed_bound, places_bound))
        lower = repair(inst, relaxed, oracle.active, pace=pace)
        return ExactSolution(
            lower, value_of(inst, lower), min(relaxed_bound, capacity_bound(inst, big_m=big_m))
        )
    if enough_placed is not None:
        repaired = repair(inst, relaxed, oracle.active, pace=pace)
        if relaxed_value.placed < enough_placed or int(repaired.sum()) >= enough_placed:
            return ExactSolution(repaired, value_of(inst, repaired), relaxed_value)

    first = Round(
        relaxed_value,
        np.zeros(inst.n_companies, dtype=np.int64),
        relaxed,
        first_round.student_price,
        first_round.company_price,
    )
    handover: _Handover | None = None

    def at_proven_count(plan: np.ndarray, placed: int, columns: np.ndarray) -> ExactSolution:
        """Step 2c from ``plan``, which places the proven count ``placed`` (the LPs start on ``columns``)."""
        return _at_proven_count(
            inst,
            binding,
            plan,
            placed,
            columns,
            now + LAGRANGE_SHARE * share,
            deadline,
            2 * stats["first_flow_seconds"],
            stats,
            tier_base,
        )

    if large and quick is not None:
        # Every priced flow sweeps all pairs: improve the first plan on the active pairs instead.
        lower = improve(inst, quick, oracle.active, lex_weight, binding, now + LARGE_PLAN_SHARE * share, pace)
        best = first
    else:
        # Restrict-and-reflow's flows keep every mentor limit by construction and place far more
        # than repairing the Lagrangian flows (on every pair, students move further to make room);
        # the rounds still tighten the bound.
        stats["relaxation_seconds"] = perf_counter() - entered
        reflowed: np.ndarray | None = None
        if start is not None and enough_placed is not None:
            # A probe (fairness): the search's first round from the probe's own plan, one or two short of
            # the count, usually finds it (1,700 x 900 seed 1: 0.25 s a kept probe). From
            # restrict-and-reflow's plan, as many placed and heavier, it seldom did, and the count's LPs
            # ran too (1.0 s); restrict-and-reflow runs only if that first round falls short (900 seed 8:
            # from the probe's own plan the count's search stalls one short, from restrict-and-reflow's
            # the count is found).
            start, _ = _search_count(
                inst,
                start,
                lex_weight,
                first.upper.placed,
                None,
                now + LEVEL_SEARCH_SHARE * share,
                stats,
                FIRST_SEARCH_ROUNDS,
            )
            if int(start.sum()) >= enough_placed:
                reflowed = start
        if reflowed is None:
            pool = (
                np.ones(inst.n_pairs, dtype=bool)
                if inst.n_pairs <= REFLOW_EVERY_PAIR_MAX
                else oracle.active | (rank < REFLOW_PAIRS_PER_STUDENT)
            )
            reflowed = restrict_and_reflow(
                inst, first.flow, pool, lex_weight, now + REFLOW_SHARE * share, pace
            )
            reflowed = better(inst, reflowed, start)
        stats["reflow_seconds"] = perf_counter() - entered - stats["relaxation_seconds"]
        stats["reflow_placed"] = int(reflowed.sum())
        # The LPs' first columns: each student's best pairs, the plan's and the relaxation's.
        first_columns = (rank < COUNT_LP_PAIRS_PER_STUDENT) | reflowed | relaxed
        enough_found = enough_placed is not None and int(reflowed.sum()) >= enough_placed
        if placed_at_most is not None and placed_at_most <= int(reflowed.sum()) < first.upper.placed:
            placed_bound = placed_at_most  # the caller's bound: the plan places the most
        elif int(reflowed.sum()) < first.upper.placed and not enough_found:
            # (A "yes" to ``enough_placed`` needs no bound on the count: its LPs and search are skipped.)
            # Places the relaxation has and the plan does not: the count's LPs may rule them out, and a
            # search over the companies' load limits may find them (it stops once it meets the bound).
            reflowed, placed_bound = _settle_count(
                inst,
                binding,
                reflowed,
                first.upper.placed,
                first_columns,
                lex_weight,
                now + COUNT_LP_SHARE * share,
                now + LEVEL_SEARCH_SHARE * share,
                stats,
                enough_placed,
            )
        counted = first.upper.placed if placed_bound is None else placed_bound
        answered = enough_placed is not None and (
            counted < enough_placed or int(reflowed.sum()) >= enough_placed
        )
        if count_only or answered:
            # No plan places ``enough_placed``, or this one does; or the count is all that was asked.
            # Going on would prove the weight, which the question does not ask (fairness's probe on
            # 1,700 x 900 seed 1, its count proven below the target at 0.8 s, went on to the time limit).
            solution = ExactSolution(reflowed, value_of(inst, reflowed), first.upper)
            return _counted_bound(inst, solution, placed_bound)
        if int(reflowed.sum()) >= counted:
            # No plan places more: how long proving the count took (the total score may stay open).
            stats["count_proven_seconds"] = perf_counter() - entered
            knapsack_max_pairs = KNAPSACK_MAX_PAIRS if tier_base is None else KNAPSACK_MAX_PAIRS_TIERED
            if enough_placed is None and placed_bound is None and inst.n_pairs > knapsack_max_pairs:
                if configurations(inst) is not None:  # the proof by decomposition may hand over to them
                    handover = _Handover(counted, reflowed, first_columns)
            elif enough_placed is None:
                at_count = at_proven_count(reflowed, counted, first_columns)
                if at_count.optimal:
                    return at_count
                reflowed = at_count.chosen
                placed_bound, weight_cap = at_count.bound.placed, at_count.bound.weight
        best, lower = lagrangian_rounds(
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
        lower = better(inst, lower, reflowed)
    stats["flow_solves"] = oracle.solves
    stats["active_pairs"] = int(oracle.active.sum())
    lower_value = value_of(inst, lower)
    enough = count_only or (enough_placed is not None and lower_value.placed >= enough_placed)
    too_late = perf_counter() + PROOF_SECONDS_PER_PAIR * inst.n_pairs >= deadline
    if lower_value == best.upper or too_late or enough:
        return _counted_bound(inst, ExactSolution(lower, lower_value, best.upper), placed_bound, weight_cap)
    max_variables = (
        None
        if handover is None
        else ModelLimit(DECOMPOSE_FIRST_MAX_VARIABLES, DECOMPOSE_MAX_VARIABLES, DECOMPOSE_INCHING_ROUNDS)
    )
    proof, stopped = _decompose(inst, best, lower, big_m, binding, deadline, stats, max_variables)
    if stopped and handover is not None:
        stats["handover_seconds"] = perf_counter() - entered
        placing = proof.chosen if proof.value.placed >= handover.placed else handover.plan
        at_count = at_proven_count(placing, handover.placed, handover.first_columns)
        kept = at_count if proof.value <= at_count.value else proof
        proof = ExactSolution(kept.chosen, kept.value, min(proof.bound, at_count.bound))
    return _counted_bound(inst, proof, placed_bound, weight_cap)


def _settle_count(
    inst: Instance,
    binding: np.ndarray,
    plan: np.ndarray,
    relaxed_placed: int,
    first_columns: np.ndarray,
    lex_weight: np.ndarray,
    lp_deadline: float,
    search_deadline: float,
    stats: dict[str, float],
    enough_placed: int | None = None,
) -> tuple[np.ndarray, int]:
    """Steps 2a-2b, when ``plan`` places fewer than the relaxation (``relaxed_placed``): the best plan
    found and a bound on the number placed (they meet when the count is proven).

    Asked only whether ``enough_placed`` can be placed (fairness's probes), the search's first round
    runs before the LPs: from the limits ``plan`` fits it usually finds the plan, and then the LPs'
    bound is not needed.

    The count's LP (``count_bound``), then up to ``COUNT_VECTOR_MAX_PAIRS`` the count-vector LP
    (``count_vectors``), bound the count; the search over load limits (``_search_count``), then up
    to the same size the count's MILP (``_count_by_milp``), look for a plan that places more. Above
    that size the search first, for ``FIRST_SEARCH_ROUNDS``, then the count-vector LP by column
    generation, then the search again from its levels.
    """
    if enough_placed is not None:
        plan, relaxed_placed = _search_count(
            inst, plan, lex_weight, relaxed_placed, None, search_deadline, stats, FIRST_SEARCH_ROUNDS
        )
        if int(plan.sum()) >= min(enough_placed, relaxed_placed):
            return plan, relaxed_placed
    started = perf_counter()
    # A round is an LP on a few pairs and a priced flow on all: about two of the first flows.
    lp = count_bound(
        inst, binding, first_columns, int(plan.sum()), lp_deadline, 2 * stats["first_flow_seconds"]
    )
    stats["count_lp_seconds"] = perf_counter() - started
    stats["count_lp_bound"] = lp.placed
    stats["count_lp_rounds"] = lp.rounds
    placed_bound = min(relaxed_placed, lp.placed)
    lp_levels = lp.lp_levels
    configs = configurations(inst)
    if configs is None or inst.n_pairs <= COUNT_VECTOR_MAX_PAIRS:
        if int(plan.sum()) < placed_bound and configs is not None:
            placed_bound, lp_levels = _count_vectors(
                inst, configs, plan, None, placed_bound, lp_levels, lp_deadline, stats
            )
        if int(plan.sum()) < placed_bound:
            plan, placed_bound = _search_count(
                inst, plan, lex_weight, placed_bound, lp_levels, search_deadline, stats
            )
        if int(plan.sum()) < placed_bound and configs is not None:
            plan, placed_bound = _count_by_milp(
                inst, configs, plan, lex_weight, binding, placed_bound, search_deadline, stats
            )
        return plan, placed_bound
    # Larger: the search's first round first, as it usually closes the count at once (1,700 x 900
    # seeds 1-4); the count-vector LP follows only if not, and the search again from it.
    if int(plan.sum()) < placed_bound:
        plan, placed_bound = _search_count(
            inst,
            plan,
            lex_weight,
            placed_bound,
            lp_levels,
            search_deadline,
            stats,
            FIRST_SEARCH_ROUNDS,
        )
    if int(plan.sum()) < placed_bound:
        placed_bound, lp_levels = _count_vectors(
            inst, configs, plan, first_columns | plan, placed_bound, lp_levels, lp_deadline, stats
        )
    if int(plan.sum()) < placed_bound:
        plan, placed_bound = _search_count(
            inst, plan, lex_weight, placed_bound, lp_levels, search_deadline, stats
        )
    return plan, placed_bound


def _count_vectors(
    inst: Instance,
    configs: Configurations,
    plan: np.ndarray,
    columns: np.ndarray | None,
    placed_bound: int,
    lp_levels: np.ndarray | None,
    deadline: float,
    stats: dict[str, float],
) -> tuple[int, np.ndarray | None]:
    """The count-vector LP's bound (on every pair, or by column generation from ``columns``) and
    its levels, where lower than ``placed_bound``."""
    started = perf_counter()
    mixed = count_vector_bound(inst, configs, deadline, columns, int(plan.sum()))
    stats["count_vector_seconds"] = perf_counter() - started
    if mixed is None:
        return placed_bound, lp_levels
    stats["count_vector_bound"] = mixed.placed
    return min(placed_bound, mixed.placed), mixed.lp_levels


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
    round_seconds: float,
    stats: dict[str, float],
    tier: int | None = None,
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
            inst,
            binding,
            plan,
            placed,
            prices.placement_price,
            prices.student_price,
            weight_cap,
            deadline,
            tier,
        )
        if knapsacks
        else None
    )
    stats["knapsack_seconds"] = perf_counter() - started
    if found is not None:
        stats["knapsack_rounds"] = found.rounds
        stats["knapsack_proof_pairs"] = found.proof_pairs
        stats["knapsack_core_pairs"] = found.core_pairs
        stats["knapsack_core_seconds"] = found.core_seconds
        solution = ExactSolution(found.plan, Lex(placed, found.weight), Lex(placed, found.weight_bound))
        if found.proven or perf_counter() + PROOF_SECONDS_PER_PAIR * inst.n_pairs >= deadline:
            return solution
    # The Lagrangian rounds price a placement at M, a placement above this count: their certificate
    # leaves every pair in the proof's models. The weight LP's prices value a placement at its own
    # price instead, and bound exactly the plans placing this many. If a plan placing fewer is worth
    # more at that price, the proof cannot close: the rounds and their proof follow.
    return _prove_at_count(
        inst, solution.chosen, placed, solution.bound.weight, prices, binding, deadline, stats
    )


def _prove_at_count(
    inst: Instance,
    plan: np.ndarray,
    placed: int,
    weight_cap: int,
    prices: Prices,
    binding: np.ndarray,
    deadline: float,
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
        stats,
    )
    best = better(inst, plan, result.plan)
    found = value_of(inst, best)
    weight = min(weight_cap, prices.upper_total - result.least_loss - placement_price * placed)
    bound = Lex(placed, weight)
    return ExactSolution(best, found, bound if found <= bound else found)


def _search_count(
    inst: Instance,
    plan: np.ndarray,
    lex_weight: np.ndarray,
    placed_bound: int,
    lp_levels: np.ndarray | None,
    deadline: float,
    stats: dict[str, float],
    max_rounds: int = SEARCH_MAX_ROUNDS,
) -> tuple[np.ndarray, int]:
    """A plan placing more than ``plan`` if the load limits' search finds one (in at most ``max_rounds``
    rounds), and its bound on the count.

    The search starts from the count LP's students per load level rounded down (``lp_levels``, when
    there are any: on 1,700 x 900, seeds 1 and 2, the flow under them placed the optimum at once), or
    else from the limits ``plan`` fits. The plan it returns is the flow of largest ``lex_weight`` under
    the limits found (as many placed as they allow, then the most weight).
    """
    started = perf_counter()
    kept = fitting_level_caps(inst, plan)
    start = kept if lp_levels is None else rounded_level_caps(inst, lp_levels, kept)
    found = search_level_caps(inst, start, deadline, placed_bound, max_rounds, keep=kept)
    stats["count_search_seconds"] = perf_counter() - started
    stats["count_search_rounds"] = found.rounds
    stats["count_search_found_in"] = found.found_in
    stats["count_search_placed"] = found.placed
    stats["count_search_bound"] = found.placed_bound
    if found.placed > int(plan.sum()):
        # The heaviest flow within the limits found, not refitted: the search gave every company it
        # could the limits ``plan`` fits, and the heaviest flow within those its own plan fits, another
        # flow on every pair, weighed more on one of 1,700 x 900 seeds 1-10 (by 581 of 12.9 million).
        plan = level_flow(inst, lex_weight, found.level_cap)
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
        plan = better(inst, plan, _refitted(inst, counted, lex_weight, binding, deadline, stats))
    return plan, placed_bound


def _refitted(
    inst: Instance,
    counted: np.ndarray,
    lex_weight: np.ndarray,
    binding: np.ndarray,
    deadline: float,
    stats: dict[str, float],
) -> np.ndarray:
    """The heavier of ``counted`` and the heaviest flow on every pair within the limits it fits; that
    flow only if one like the relaxation's first can still end by ``deadline``."""
    if perf_counter() + stats.get("first_flow_seconds", 0.0) > deadline:
        return counted
    everywhere = np.ones(inst.n_pairs, dtype=bool)
    return better(inst, counted, fitted_flow(inst, counted, everywhere, lex_weight, binding))


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


def _decompose(
    inst: Instance,
    best: Round,
    lower: np.ndarray,
    big_m: int,
    binding: np.ndarray,
    deadline: float,
    stats: dict[str, float],
    max_variables: ModelLimit | None = None,
) -> tuple[ExactSolution, bool]:
    """Certify the best Lagrangian round's flow with its integer duals, then prove optimality component
    by component; also whether it stopped before a round ``max_variables`` rules out (to hand over)."""
    upper_total = lex_total(best.upper, big_m)
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
        stats,
        max_variables,
    )
    found = value_of(inst, result.plan)
    bound = split_total(upper_total - result.least_loss, big_m)
    return ExactSolution(result.plan, found, bound if found <= bound else found), result.handed_over


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
    stats: dict[str, float],
    max_variables: ModelLimit | None = None,
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
    result = prove_optimal(inst, certificate, plan, binding, deadline, max_variables)
    stats["core_rounds"] = result.rounds
    stats["cpsat_models"] = result.models
    stats["largest_model"] = result.largest_model
    return result
