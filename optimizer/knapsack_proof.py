"""Once the count is proven: better plans and a proof of the weight from the companies' own knapsacks.

When no plan places more than ``placed`` students, the plans left to compare place exactly that
many, and a placement may be priced at any ``placement_price`` on top of its weight (the weight
LP's price of its count row to start from, ``exact._at_proven_count``). Four steps
(``docs/optimizer.md``, step 2c):

1. **Subgradient rounds on the students' prices** (``company_knapsacks``): each round's bound
   ``total - placement_price * placed`` holds for the weight of every plan placing ``placed``. The
   placement price is, each round, the one of least bound for the round's prices
   (``best_placement_price``; unless it is ``M``), and the prices step along the subgradient
   deflected by the steps before (``DEFLECTION``). The
   count vectors each company picks, as nested load limits, bound a flow that is a plan: the
   heaviest placing as many as those limits allow (a Lagrangian heuristic; on 1,700 x 700 seed 4 it
   found the optimum that restrict-and-reflow missed by 0.11 %). Every ``FIX_EVERY`` rounds the
   pairs no plan heavier than the best can use are ruled out for good (their ``forced_loss``
   reaches the gap), so later rounds are faster and their bound, on fewer pairs, lower.
2. **Sharper prices.** The subgradient stops well above the best bound these knapsacks can give
   (on plain weights above ``EARLY_MASTER_PAIRS`` pairs it stops after ``EARLY_MASTER_ROUNDS``);
   a master LP over the company sets the last rounds chose, held near their best prices
   (``set_master.sharpen``), brings it most of the way in well under a second (1,700 x 900 seed 3:
   1,364 weight units above the optimum after the rounds, about 800 after it), and the pairs open
   at the smaller gap are fewer.
3. **A MILP on the pairs the companies chose lately.** Where many pairs are open at that gap
   (``CORE_MIN_PAIRS``), those some company chose in the last rounds or the master's pricing (with
   the best plan's) are a few thousand of them; HiGHS finds the heaviest plan on these in well under
   a second, and it is often the optimum (1,700 x 900 seed 2: +206 in 0.4 s), which narrows the gap
   and so the pairs open for the last step (there 7,078 to 4,636, its MILP 6.7 s to 2.7 s).
4. **A MILP on what is left.** A plan weighing more than the best has a shortfall from the bound
   below the gap, so it takes no pair whose ``forced_loss`` reaches the gap, leaves out no student
   whose price does, and gives no company a count vector whose ``vector_loss`` does (nor leaves a
   company whose best reaches the gap without anyone). HiGHS solves the rest exactly ("placed ==
   placed", each company's limits as a mix of the count vectors left to it), five to twenty
   thousand pairs where the whole network has over a hundred thousand: its optimum is the network's,
   or, cut short, its dual bound bounds the weight. Ruling out the count vectors halves that MILP on
   1,700 x 900 seeds 5 and 8 (21 s to 10 s) though its LP stays the same: most companies are left
   one to five vectors, and HiGHS's presolve and cuts work on far fewer columns.

Works in the exact solver's usable subset.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from dataclasses import dataclass
from time import perf_counter

import numpy as np

from optimizer.company_knapsacks import (
    CompanyBest,
    Configurations,
    best_placement_price,
    company_best,
    configurations,
    forced_loss,
    vector_loss,
    with_placement_price,
)
from optimizer.count_vectors import heaviest_mix
from optimizer.flow import rank_per_student
from optimizer.instance import Instance
from optimizer.load_limits import fitted_flow
from optimizer.set_master import MAX_ITERATIONS, Priced, sharpen

MAX_ROUNDS = 1_500
"""Subgradient rounds at most (1,700 x 900: 15-40 ms each, fewer pairs each time some are ruled out;
600 stopped 1,700 x 1,100 seed 3 at 22 s of a 60 s limit with too many pairs left for the MILP)."""
EARLY_MASTER_PAIRS = 60_000
"""On plain weights and more pairs than this, the rounds stop after ``EARLY_MASTER_ROUNDS`` and the set
master takes over (``EARLY_SHARPEN_SHARE``, ``EARLY_SHARPEN_ITERATIONS``): there a round costs 20-80 ms
and the master reaches in 20-50 iterations a lower bound than hundreds of rounds do (1,700 x 900
seed 3: about 200 above the optimum after 40 rounds and the master, about 1,070 after 361 rounds and
the master). Not on tiered weights (interests first), where the rounds' ruling out is what shrinks
the last MILP (``generate(700, 360, seed=3)``: 29,710 pairs open
after 40 rounds and the master, 18,814 after 507 rounds) while they rule pairs out
(``TIERED_CHECK_ROUNDS``), nor on small networks, whose rounds are cheap."""
GROW_MIN_PAIRS = 60_000
"""On more pairs than this the set master's boxes are a trust region (``set_master.sharpen``): they
double at each lower bound (on tiered weights only while the bound leaves a placement within
interests open) and halve after a step that lowers nothing. On tiered weights that proved 700 seed 4,
900 seed 2 and 1,100 seed 1 (20-41 s instead of FEASIBLE at 60 s); on plain weights 1,700 x 900
seed 7's master reached in 26 iterations (1.1 s) a bound that fixed boxes had not reached after 100
(2.6 s, 3,000 weight units higher, too many pairs left open for the last MILP: FEASIBLE at 58 s; now
OPTIMAL in 9 s). On generated 700 x 360 networks (about 30,000 pairs) the bound was already near the
tier, and the changed path made seeds 1 and 3 two and three times slower (their last MILP)."""
EARLY_MASTER_ROUNDS = 40
"""The rounds before an early master: enough for its first sets and for a plan every ``PLAN_EVERY``
(after 20, 1,700 x 900 seed 2's best plan was 4,676 below the optimum and the MILPs found no better
in time)."""
TIERED_CHECK_ROUNDS = 100
"""On tiered weights (interests first) and more pairs than ``GROW_MIN_PAIRS``, every this many rounds
the rounds compare the pairs left with those at the check before, and hand over to the set master when
they ruled out less than ``TIERED_CHECK_SHARE`` of them since: there the master's growing boxes go
further in seconds than the rounds do in their share of the time (1,700 x 700 seed 4: 1,200 rounds,
35 s, ruled out 6 % of the pairs, all in their first 200, and left the bound 19 million weight units
above the optimum; the master then brought it to 7,827 in 2 s. Handing over after 100 rounds: 9 s
instead of 41 s; the 15 tight networks 418 s instead of 472 s)."""
TIERED_CHECK_SHARE = 0.01
TIERED_SEED_ROUNDS = 10
"""After that hand-over only this many last rounds count as recent: the master starts from their sets
and the MILP on the pairs chosen lately takes theirs (with the master's). From 50, the master's first
LP on 1,700 x 1,100 seed 1 did not finish within 8 s; from 10 it took 26 iterations, 2.7 s."""
EARLY_SHARPEN_SHARE = 0.6
"""The share of the time left an early master may use."""
EARLY_SHARPEN_ITERATIONS = 100
"""Master LPs at most in an early master (the tight and national-tight networks stopped by themselves
after 20-50)."""
FIX_EVERY = 10
"""Every this many rounds the pairs no heavier plan can use are ruled out (``forced_loss``)."""
MILP_START_PAIRS = 12_000
"""The rounds stop once this few pairs are left (1,700 x 900 seed 1: 11,183 proven in 3.0 s; at 6,000
seed 3 went on to 500 rounds and 10,331 pairs, 4 s slower in all)."""
PLAN_EVERY = 10
"""A round's count vectors become a plan every this many rounds (a flow under the limits they fit)."""
PLAN_PAIRS_PER_STUDENT = 16
"""After the first, that flow runs on the pairs left that some company chose in the last ``SEED_ROUNDS``
rounds, the best plan's, and each student's this many heaviest, not on every pair left: on
280,000-580,000 pairs 0.07-0.10 s a flow instead of 0.26-0.50 s, with the same plans on 1,700 x 3,000
seeds 3-4 (on the chosen pairs alone the flows placed up to 108 fewer). The first stays on every pair:
pooled, it placed one student fewer on 1,700 x 700 seed 5 under interests first, the gap stayed wide
and no pair was ruled out for 100 rounds (2.9 -> 4.7 s). Side by side with the flows on every pair, 40
networks (1,700 x 700 to 5,000, plain and tightened): the same optima, median 0.95 of the time (209.2 s
against 222.5 s); under interests first, six networks, 0.92-1.01 (twenty-sixth session)."""
STALL_ROUNDS = 15
"""Rounds without a lower bound before the step halves (5 halved it too soon: the bound stalled)."""
START_STEP_FACTOR = 0.25
"""The first steps' share of the gap: the weight LP's prices start near the least bound, and full steps
left it for 50 rounds (national-tight: the first round's bound 14,565,589, the 15th 14,583,601)."""
MIN_STEP_FACTOR = 1 / 1024
DEFLECTION = 0.1
"""The share of each round's subgradient in the step's direction; the rest is the direction before
(plain subgradients zigzag: 900 seed 1, 630 above the optimum after 600 rounds; at 0.1, 154 after
300; at 0.3, 179)."""
ROUNDS_SHARE = 0.6
"""The rounds may use this share of the time left; the MILP the rest."""
SEED_ROUNDS = 50
"""The company sets of this many last rounds start the master of ``set_master.sharpen`` (on 900 seed 3
they left it 809 above the optimum after 60 iterations, the best prices' sets alone 1,291)."""
SHARPEN_MIN_PAIRS = 8_000
"""``set_master.sharpen`` runs only when more pairs than this are left: below, HiGHS's MILP takes well
under a second (``generate(340, 180)``, interests first: 4,000-6,500 pairs, 0.3 s) and the master's
0.2-0.3 s made those solves 0.3-0.4 s slower."""
SHARPEN_SHARE = 0.3
"""``set_master.sharpen`` may use this share of the time left after the rounds (it takes 0.4-1.2 s)."""
TIERED_SHARPEN_SHARE = 0.5
"""The same on tiered weights (interests first), where the master takes 2-15 s on 1,700 x 900. Until
its bound comes within the best plan's tier, the steps after it leave too many pairs open to prove
anything, so its time is the proof's. 900 seed 3's master runs 39 LPs to 1,443.89 tiers (the cap then
proves 1,442 within interests), ending at 20.5-27 s; with 30 % of the time left (to 23.3-23.9 s) it was
cut after 18-20 whenever the steps before took a second longer or another process shared the core,
and the solve ended FEASIBLE at 58.6-58.9 s; with half it ends by itself and the solve is proven in
38.7-39.3 s (docs/optimizer-measurements.md, *thirty-ninth session*)."""
CORE_MIN_PAIRS = 5_000
"""The MILP on the pairs chosen lately runs only when more pairs than this are open: below, the last
MILP takes half a second or less (1,700 x 700 seeds 3-5, 3,600-5,300 pairs: 0.4-1.0 s; above, 0.6-5 s),
and the first's 0.1-0.25 s do not pay (``generate(700, 360, seed=2)``, interests first: 3,364 open
pairs became 1,210, the solve 0.1-0.2 s slower)."""
CORE_SHARE = 0.8
"""The MILP on the pairs chosen lately runs only when they are fewer than this share of the open ones
(else it is nearly the last MILP itself)."""
CORE_TIME_SHARE = 0.2
"""That MILP may use this share of the time left, and no longer than the rounds took (or a second):
HiGHS on a restricted set of pairs is erratic, and what it finds late the last MILP finds too."""
FINISH_SECONDS = 0.5
"""The last MILP stops this long before the deadline: HiGHS returns a few tenths of a second past its
limit on 20,000-pair models (interest-first on 1,700 x 900, cut short: 60.1-60.3 s under a 60 s limit),
and the plan is still to be checked and reported."""
MAX_PROOF_PAIRS = 80_000
"""No MILP above this many pairs left (HiGHS on the capacity and mentor rows: 5.5-8 s on 13,000
pairs, 15 s on 41,000; on count vectors 2-7 s on 9,000-12,000), unless the time left allows it
(``LARGE_PROOF_SECONDS_PER_PAIR``)."""
LARGE_PROOF_SECONDS_PER_PAIR = 2e-4
"""Above ``MAX_PROOF_PAIRS`` open pairs the last MILP still runs where at least this much time per pair
is left: what would follow instead, the proof by decomposition, has not closed the gap on any network
of this size (fairness's last solve on held-out 1,700 x 900 seed 13: 52 s, the bound unchanged;
interests first on 900 seeds 6 and 9: neither number changed), and that last MILP proved 900 seed 13's
on 154,066 pairs in 25 s (interests first on 900 seed 9, 138,764 pairs: 40.9 s). With less time, HiGHS's
presolve and first LP on such a model run past the limit (12 s given at 7 s left: 14.9 s)."""
FINISH_PAIRS = 20_000
"""``FINISH_SECONDS`` is for a last MILP of up to this many pairs; a larger one stops earlier in
proportion (136,479 pairs under interests first cut short at 60.9 s of a 60 s limit)."""
CORE_FIRST_SHARE = 1 / 8
"""The MILP on the pairs chosen lately first looks only at the plans falling short of the bound by less
than this share of the gap, then twice as much, and so on (``_heaviest_on_core``): the rounds' plan is
often ten times further from the bound than the optimum (1,700 x 900 seed 8: 12,638 against 964), and
the MILP on the fewer pairs and count vectors such plans can use takes 1.4 s instead of 5 s there."""
CORE_ENOUGH_SHARE = 1 / 8
"""The MILPs on the pairs chosen lately look for a heavy plan, not a proof: each may stop once its plan
lies within this share of the gap it looks in (``CORE_FIRST_SHARE`` of the whole, or twice that, ...)
of its own bound. On 1,700 x 900 seed 11 (``count-then-score``) HiGHS had the plan after its root's
cuts at 4.7 s, 97 weight units below its bound (the gap looked in: 1,634), and took until 9.4 s to prove
it the heaviest on those pairs; the solve took 16.5 s instead of 21.2, the same plan. The plan found
is at most this share of the gap lighter than the heaviest on those pairs, so the last MILP's gap
widens by at most that much (docs/optimizer-measurements.md, *fortieth session*)."""
CORE_ALONE_SHARE = 0.5
"""Where more pairs than ``MAX_PROOF_PAIRS`` are open, no last MILP of the usual size can follow the one
on the pairs chosen lately (a larger one only with time enough, ``LARGE_PROOF_SECONDS_PER_PAIR``): a
heavier plan from it is what narrows the gap, so it may use this share of the time left (1,700 x 900
seed 8: the rounds' best plan 11,674 weight units below the optimum, 183,289 pairs open; in 4.2 s that
MILP found a plan 69 below it, leaving 16,898 open, where under the usual limit of 3.6 s it found none
and the solve ended FEASIBLE at 58 s)."""


@dataclass(frozen=True, eq=False)
class AtCount:
    """The best plan placing ``placed`` found, and a bound on the weight of every such plan."""

    plan: np.ndarray
    weight: int
    weight_bound: int
    rounds: int
    proof_pairs: int  # pairs left for the last MILP (0: it did not run)
    core_pairs: int = 0  # pairs of the MILP on the pairs chosen lately (0: it did not run)
    core_seconds: float = 0.0

    @property
    def proven(self) -> bool:
        return self.weight >= self.weight_bound


def improve_and_prove(
    inst: Instance,
    binding: np.ndarray,
    plan: np.ndarray,
    placed: int,
    placement_price: int,
    student_price: np.ndarray,
    weight_cap: int,
    deadline: float,
    tier: int | None = None,
) -> AtCount | None:
    """Plans and a weight bound at the proven count ``placed`` (which ``plan`` places).

    ``placement_price`` is what a placement is worth on top of its weight and ``student_price`` the
    prices to start from (a flow's or an LP's duals in those units); ``weight_cap`` a bound already
    known; ``tier``: the weights are tiered, a tier worth this much, as
    ``PlacementProblem.interest_tier`` tiers them (``tier * in_interest + weight``, no plan's weight
    reaching ``tier``; interests first, ``EARLY_MASTER_PAIRS``, ``set_master.sharpen``, ``_tier_cap``,
    ``_one_tier``).
    None when the companies' count vectors would make too large a table (``configurations``).
    """
    configs = configurations(inst)
    if configs is None:
        return None
    lex_weight = inst.big_m() + inst.weight
    weight = int(inst.weight[plan].sum())
    price = np.maximum(np.asarray(student_price, dtype=np.float64), 0.0)
    # The pairs a plan heavier than ``plan`` may still use: a pair whose company falls at least the
    # gap below its best when it takes it is out for good (for a heavier plan than any later one too).
    alive = np.arange(inst.n_pairs)
    part = inst
    best: tuple[int, int, np.ndarray] | None = None  # the least weight bound, its placement price, the prices
    # A placement price of M or more (count first, as in the relaxation) stays as it is; any other is,
    # each round, the one that gives the least bound for the round's prices (``best_placement_price``).
    free_price = placement_price < inst.big_m()
    early_master = free_price and tier is None and inst.n_pairs > EARLY_MASTER_PAIRS
    factor, stall, rounds = START_STEP_FACTOR, 0, 0
    direction: np.ndarray | None = None
    started = perf_counter()
    rounds_end = started + ROUNDS_SHARE * (deadline - started)
    # The last rounds' choices: (alive, chosen), the pairs of inst chosen being alive[chosen].
    recent: deque[tuple[np.ndarray, np.ndarray]] = deque(maxlen=SEED_ROUNDS)
    last_round = EARLY_MASTER_ROUNDS if early_master else MAX_ROUNDS
    # On tiered weights, the rounds stop when they no longer rule pairs out (``TIERED_CHECK_ROUNDS``).
    check_rounds = free_price and tier is not None and inst.n_pairs > GROW_MIN_PAIRS
    left_at_check = inst.n_pairs
    heaviest: np.ndarray | None = None  # each student's PLAN_PAIRS_PER_STUDENT heaviest pairs of inst
    while rounds < last_round and factor >= MIN_STEP_FACTOR and perf_counter() < rounds_end:
        integer_price = np.rint(price).astype(np.int64)
        found, placement_price, profit = _priced(
            part, configs, integer_price, placed, placement_price, free_price
        )
        round_bound = found.total - placement_price * placed
        recent.append((alive, found.chosen))
        if best is None or round_bound < best[0]:
            best, stall = (round_bound, placement_price, integer_price), 0
        else:
            stall += 1
            if stall >= STALL_ROUNDS:
                factor, stall = factor / 2, 0
        if rounds % PLAN_EVERY == 0:
            # The companies' choices fit their limits, so the limits they fit make a plan's flow.
            if rounds == 0:  # the first plan on every pair: the gap it leaves rules pairs out
                pool = np.ones(part.n_pairs, dtype=bool)
            else:
                if heaviest is None:
                    heaviest = rank_per_student(inst.student, inst.weight) < PLAN_PAIRS_PER_STUDENT
                pool = _chosen_in(recent, plan | heaviest)[alive]
            candidate = alive[fitted_flow(part, found.chosen, pool, lex_weight[alive], binding)]
            if candidate.size >= placed and int(inst.weight[candidate].sum()) > weight:
                plan = np.zeros(inst.n_pairs, dtype=bool)
                plan[candidate] = True
                weight = int(inst.weight[candidate].sum())
        rounds += 1
        gap = best[0] - weight
        if gap <= 0:
            break
        if check_rounds and rounds % TIERED_CHECK_ROUNDS == 0:
            if alive.size > (1 - TIERED_CHECK_SHARE) * left_at_check:
                # Too few ruled out since the last check: hand over, with the last rounds' sets only.
                recent = deque(list(recent)[-TIERED_SEED_ROUNDS:], maxlen=SEED_ROUNDS)
                break
            left_at_check = alive.size
        if rounds % FIX_EVERY == 0:
            keep = forced_loss(part, configs, found, profit) < round_bound - weight
            if not keep.all():
                alive, part = alive[keep], part.subset(np.flatnonzero(keep))
                if alive.size <= MILP_START_PAIRS:
                    break
                continue  # the round's choices are over the pairs before
        # Lower the price of students no company takes (it only adds to the bound), raise it for
        # those two or more take, along the subgradient deflected by the steps before (``DEFLECTION``).
        subgradient = 1.0 - np.bincount(part.student[found.chosen], minlength=inst.n_students)
        direction = (
            subgradient if direction is None else DEFLECTION * subgradient + (1 - DEFLECTION) * direction
        )
        step = direction.copy()
        step[(price <= 0) & (step > 0)] = 0
        norm = float(step @ step)
        if norm == 0:
            break
        price = np.maximum(price - factor * gap / norm * step, 0.0)
    if best is None:  # no time for a round
        return AtCount(plan, weight, max(weight_cap, weight), 0, 0)
    # The best prices once more on the pairs left: a bound for every plan heavier than ``plan``.
    _, placement_price, integer_price = best
    # The pairs some company chose lately (the last rounds', the master's pricing), as pairs of inst.
    chosen_lately = _chosen_in(recent, np.zeros(inst.n_pairs, dtype=bool))
    if free_price and best[0] > weight and part.n_pairs > SHARPEN_MIN_PAIRS and perf_counter() < deadline:
        # Sharper prices than the subgradient's, from a master LP over the companies' sets.
        sharpened = _sharpened(
            inst,
            part,
            alive,
            configs,
            placed,
            best,
            recent,
            plan,
            chosen_lately,
            deadline,
            early_master,
            tier,
        )
        integer_price, placement_price = sharpened.student_price, sharpened.placement_price
    found, placement_price, profit = _priced(
        part, configs, integer_price, placed, placement_price, free_price=False
    )
    bound_at_price = found.total - placement_price * placed
    bound = max(min(weight_cap, bound_at_price), weight)
    if tier is not None and bound // tier > weight // tier:
        bound = max(
            min(bound, _tier_cap(part, configs, tier, integer_price, placement_price, placed)), weight
        )
    if weight >= bound or perf_counter() >= deadline:
        return AtCount(plan, weight, bound, rounds, 0)
    terms = shortfalls(part, configs, found, profit, integer_price)
    heavier = terms.below(bound_at_price - weight)
    open_pairs = alive[heavier.pairs]
    core = _core(open_pairs, chosen_lately, plan)
    core_pairs, core_seconds = 0, 0.0
    if core is not None:
        # A heavier plan on the pairs chosen lately narrows the gap, and so the pairs left open.
        now = perf_counter()
        if open_pairs.size > MAX_PROOF_PAIRS:  # no last MILP unless this one narrows the gap
            seconds = CORE_ALONE_SHARE * (deadline - now)
        else:
            seconds = min(CORE_TIME_SHARE * (deadline - now), max(now - started, 1.0))
        for kept_to in _tiers_down(tier, weight, bound):
            # (A plan with ``kept_to``'s count in the tier weighs at least that many tiers: a narrower gap.)
            chosen = _heaviest_on_core(
                inst,
                configs,
                terms,
                alive,
                bound_at_price,
                weight if kept_to is None else max(weight, kept_to[0] * kept_to[1] - 1),
                core,
                placed,
                now + seconds,
                kept_to,
            )
            if chosen is not None and int(inst.weight[chosen].sum()) > weight:
                break
        core_pairs, core_seconds = core.size, perf_counter() - now
        if chosen is not None and (core_weight := int(inst.weight[chosen].sum())) > weight:
            plan, weight = chosen, core_weight
            bound = max(bound, weight)
            if weight >= bound:
                return AtCount(plan, weight, bound, rounds, 0, core_pairs, core_seconds)
            heavier = terms.below(bound_at_price - weight)
            open_pairs = alive[heavier.pairs]
    if open_pairs.size > MAX_PROOF_PAIRS and (
        perf_counter() + LARGE_PROOF_SECONDS_PER_PAIR * open_pairs.size > deadline
    ):
        return AtCount(plan, weight, bound, rounds, 0, core_pairs, core_seconds)
    solved = _best_within(
        inst,
        configs,
        open_pairs,
        heavier,
        placed,
        deadline - FINISH_SECONDS * max(1.0, open_pairs.size / FINISH_PAIRS),
        True,
        _one_tier(tier, weight, bound),
    )
    if solved is None:
        return AtCount(plan, weight, bound, rounds, open_pairs.size, core_pairs, core_seconds)
    chosen, upper = solved
    if chosen is not None and int(inst.weight[chosen].sum()) > weight:
        plan, weight = chosen, int(inst.weight[chosen].sum())
    bound = max(min(bound, upper), weight)
    return AtCount(plan, weight, bound, rounds, open_pairs.size, core_pairs, core_seconds)


def _chosen_in(recent: deque[tuple[np.ndarray, np.ndarray]], also: np.ndarray) -> np.ndarray:
    """A mask over inst's pairs: those the ``recent`` rounds chose (each ``(alive, chosen)``, the pairs
    of inst chosen being ``alive[chosen]``), and ``also``'s."""
    lately = also.copy()
    for pairs, chose in recent:
        lately[pairs[chose]] = True
    return lately


@dataclass(frozen=True, eq=False)
class HeavierPlans:
    """What every plan worth more than the best keeps to (``Shortfalls.below``): the ``pairs`` it may
    use (taking one costs its company less than the gap), the students it must place (leaving one
    out costs its price), and the count ``vectors`` each company may take (``(n_companies, K)``;
    where the empty one is left out, the company takes someone)."""

    pairs: np.ndarray
    must: np.ndarray
    vectors: np.ndarray


def _heaviest_on_core(
    inst: Instance,
    configs: Configurations,
    terms: Shortfalls,
    alive: np.ndarray,
    bound: int,
    weight: int,
    core: np.ndarray,
    placed: int,
    deadline: float,
    tier: tuple[int, int] | None = None,
) -> np.ndarray | None:
    """The heaviest plan on ``core`` (pairs of ``inst``) placing ``placed`` and weighing more than
    ``weight`` (the best plan's), or the heaviest found by ``deadline``; None if none. A plan found
    heavier than the best is returned at once if it leaves no more than ``MAX_PROOF_PAIRS`` open: the
    last MILP takes it from there. ``tier``: as in ``_best_within``.

    ``terms``: the shortfall terms from ``bound`` (over the pairs ``alive`` of ``inst``). The plans
    falling short of it by less than ``CORE_FIRST_SHARE`` of the gap come first: they keep to
    ``terms.below`` that smaller gap, a smaller MILP. If the heaviest of them falls short by less than that, it is the
    heaviest on ``core``: a heavier plan would fall short by less still, and so be among them.
    Otherwise the share doubles, up to the whole gap. Each MILP may first stop once its plan lies
    within ``CORE_ENOUGH_SHARE`` of that share of its bound (the plan is what it is there for); where
    that plan leaves more pairs open than the last MILP takes, the MILP runs again to the heaviest.
    """
    gap = bound - weight
    heaviest: np.ndarray | None = None
    heaviest_weight = weight
    share = CORE_FIRST_SHARE
    while True:
        within = min(max(int(share * gap), 1), gap)
        heavier = terms.below(within)
        usable = np.zeros(inst.n_pairs, dtype=bool)
        usable[alive[heavier.pairs]] = True
        shortfall = gap
        # A plan close to the heaviest first; the heaviest itself only where that plan leaves the last
        # MILP out (then this plan is the solve's).
        for enough in dict.fromkeys((int(CORE_ENOUGH_SHARE * within), 0)):
            solved = _best_within(
                inst, configs, core[usable[core]], heavier, placed, deadline, False, tier, enough
            )
            if solved is None:  # out of time
                return heaviest
            chosen = solved[0]
            if chosen is None:
                break
            chosen_weight = int(inst.weight[chosen].sum())
            if heaviest is None or chosen_weight > heaviest_weight:
                heaviest, heaviest_weight = chosen, chosen_weight
            shortfall = bound - heaviest_weight
            if shortfall < gap and np.count_nonzero(terms.pair < shortfall) <= MAX_PROOF_PAIRS:
                return heaviest  # heavier than the best: the last MILP takes it from there
            if chosen_weight >= solved[1]:
                break  # already proven the heaviest on these pairs: the same MILP again adds nothing
        if shortfall < within or within >= gap:
            return heaviest
        share *= 2


def _core(open_pairs: np.ndarray, chosen_lately: np.ndarray, plan: np.ndarray) -> np.ndarray | None:
    """The open pairs some company chose lately, with ``plan``'s, if a MILP of their own is worth it:
    more than ``CORE_MIN_PAIRS`` are open and these are fewer than ``CORE_SHARE`` of them."""
    if open_pairs.size <= CORE_MIN_PAIRS:
        return None
    core = np.union1d(open_pairs[chosen_lately[open_pairs]], np.flatnonzero(plan))
    return core if core.size < CORE_SHARE * open_pairs.size else None


def _sharpened(
    inst: Instance,
    part: Instance,
    alive: np.ndarray,
    configs: Configurations,
    placed: int,
    best: tuple[int, int, np.ndarray],
    recent: deque[tuple[np.ndarray, np.ndarray]],
    plan: np.ndarray,
    chosen_lately: np.ndarray,
    deadline: float,
    early: bool,
    tier: int | None,
) -> Priced:
    """``set_master.sharpen`` from the rounds' best prices, on the pairs left (``part``, whose pair
    ``p`` is ``alive[p]`` of ``inst``), started with the sets of the last rounds and of ``plan``;
    the pairs the companies choose at its prices are marked in ``chosen_lately``; ``early``: after the
    early master's few rounds (``EARLY_MASTER_PAIRS``). Above ``GROW_MIN_PAIRS`` the master's boxes
    are a trust region; ``tier``: the weights are tiered, and the boxes grow only while the bound is
    a tier or more above ``plan``."""

    def on_inst(chosen_in_part: np.ndarray) -> np.ndarray:
        chosen = np.zeros(inst.n_pairs, dtype=bool)
        chosen[alive[chosen_in_part]] = True
        return chosen

    def price(student_price: np.ndarray, placement_price: int) -> Priced:
        found = master_priced(part, configs, placed, student_price, placement_price)
        chosen = on_inst(found.chosen)
        chosen_lately[chosen] = True
        asked = None if found.at_asked_price is None else on_inst(found.at_asked_price)
        return Priced(found.bound, found.placement_price, student_price, chosen, asked)

    seeds = [pairs[chosen] for pairs, chosen in recent]
    seeds.append(np.flatnonzero(plan))
    if early:
        share, iterations = EARLY_SHARPEN_SHARE, EARLY_SHARPEN_ITERATIONS
    else:
        share, iterations = (SHARPEN_SHARE if tier is None else TIERED_SHARPEN_SHARE), MAX_ITERATIONS
    until = perf_counter() + share * (deadline - perf_counter())
    grow_above = None
    if inst.n_pairs > GROW_MIN_PAIRS:  # boxes as a trust region; on tiered weights, while a tier is open
        grow_above = int(inst.weight[plan].sum()) + (0 if tier is None else tier)
    return sharpen(inst, price(best[2], best[1]), price, placed, seeds, until, iterations, grow_above)


def master_priced(
    inst: Instance,
    configs: Configurations,
    placed: int,
    student_price: np.ndarray,
    placement_price: int,
) -> Priced:
    """``set_master.sharpen``'s pricing: the knapsack bound at ``student_price`` and the placement
    price of least bound, with the sets the companies choose there, and, where that price is not
    ``placement_price`` (the master's own), the sets they choose at ``placement_price``: the master's
    columns at its duals. With only the former, the master stalled on 1,700 x 900 seed 3 973 weight
    units above the optimum where it reached 225 with both (its last MILP 15,317 pairs, then 4,988)."""
    found, least, _ = _priced(inst, configs, student_price, placed, placement_price, free_price=True)
    asked = None
    if least != placement_price:  # ``found`` has a placement worth ``least``: add the difference
        asked = with_placement_price(inst, configs, found, placement_price - least).chosen
    return Priced(found.total - least * placed, least, student_price, found.chosen, asked)


def _priced(
    inst: Instance,
    configs: Configurations,
    student_price: np.ndarray,
    placed: int,
    placement_price: int,
    free_price: bool,
) -> tuple[CompanyBest, int, np.ndarray]:
    """Each company's best at ``student_price`` and a placement price: ``placement_price``, or if
    ``free_price`` the one of least bound (searched from ``placement_price``); with that price and the
    pairs' profits."""
    weight_less_price = inst.weight - student_price[inst.student]
    if not free_price:
        profit = placement_price + weight_less_price
        return company_best(inst, configs, profit, student_price), placement_price, profit
    found = company_best(inst, configs, weight_less_price, student_price)
    placement_price = best_placement_price(configs, found, placed, placement_price)
    return (
        with_placement_price(inst, configs, found, placement_price),
        placement_price,
        placement_price + weight_less_price,
    )


@dataclass(frozen=True, eq=False)
class Shortfalls:
    """The least each choice adds to a plan's shortfall from the knapsacks' bound: taking a pair
    (``forced_loss``), leaving a student out (its price), giving a company a count vector
    (``vector_loss``, ``(n_companies, K)``)."""

    pair: np.ndarray
    student: np.ndarray
    vector: np.ndarray

    def below(self, gap: int) -> HeavierPlans:
        """What every plan whose shortfall is below ``gap`` keeps to (``gap``: the bound less the best
        plan's value, so what any plan worth more than the best must do)."""
        return HeavierPlans(self.pair < gap, self.student >= gap, self.vector < gap)


def shortfalls(
    inst: Instance,
    configs: Configurations,
    found: CompanyBest,
    profit: np.ndarray,
    student_price: np.ndarray,
) -> Shortfalls:
    """The shortfall terms from ``found.total`` at these profits and students' prices."""
    return Shortfalls(forced_loss(inst, configs, found, profit), student_price, vector_loss(configs, found))


def _best_within(
    inst: Instance,
    configs: Configurations,
    pairs: np.ndarray,
    heavier: HeavierPlans,
    placed: int,
    deadline: float,
    proving: bool = False,
    tier: tuple[int, int] | None = None,
    enough: int = 0,
) -> tuple[np.ndarray | None, int] | None:
    """The heaviest plan on ``pairs`` placing exactly ``placed`` that keeps to ``heavier`` (its
    ``must`` students placed, each company taking one of its ``vectors``): ``count_vectors.heaviest_mix``
    (1,700 x 900 seed 3, 11,808 pairs: 3.5 s where the capacity and mentor rows took 11; ruling out
    the count vectors no heavier plan can take halves the last MILP on 900 seeds 5 and 8). ``proving``:
    the last MILP, there for its bound; ``enough``: a plan within this much of the heaviest will do
    (both as in ``highs.maximise_milp``).

    ``tier``: ``(base, count)`` from ``_one_tier``: every plan heavier than the best has ``count``
    pairs in the tier ``base`` (interests first). The MILP then keeps to exactly that many and
    weighs the pairs without the tier: the same plans, and its bound with ``base * count`` added
    back is the same bound on them, but HiGHS no longer weighs whole weight units against
    multiples of 14 million (docs/optimizer-measurements.md, *thirty-eighth session*). The plans with
    fewer, which it leaves out, are lighter than the best."""
    if tier is None:
        return heaviest_mix(
            inst,
            configs,
            pairs,
            inst.weight,
            heavier.must,
            placed,
            deadline,
            heavier.vectors,
            proving,
            enough=enough,
        )
    base, count = tier
    in_tier = inst.weight >= base
    solved = heaviest_mix(
        inst,
        configs,
        pairs,
        inst.weight - base * in_tier,
        heavier.must,
        placed,
        deadline,
        heavier.vectors,
        proving,
        (in_tier, count),
        enough,
    )
    if solved is None or solved[1] < 0:  # out of time, or no plan with that many in the tier
        return solved
    return solved[0], solved[1] + base * count


TIER_PRICE_SCALE = 1_000_000
"""``_tier_cap``'s unit: a placement within interests is worth this much, the prices scaled to match."""


def _tier_cap(
    inst: Instance,
    configs: Configurations,
    tier: int,
    student_price: np.ndarray,
    placement_price: int,
    placed: int,
) -> int:
    """A bound on every plan placing ``placed`` on tiered weights (a tier worth ``tier``) from a bound on
    its number within interests alone: ``tier * (I + 1) - 1``, ``I`` the companies' knapsack bound on
    that number (``TIER_PRICE_SCALE`` a placement within interests) at the tiered prices scaled by
    ``TIER_PRICE_SCALE / tier``, rounded down.

    The tiered bound adds the number within interests and the weight in one sum, so a fraction of a
    placement within interests and a weight of most of a tier cross the next tier together: on 1,700 x
    700 seed 1 the set master's bound is 0.3 of a tier above 1,208 within interests, the knapsacks on
    that number alone bound it by 1,207.63, and the optimum has 1,207. Any prices give a bound."""
    counting = dataclasses.replace(inst, weight=(inst.weight >= tier).astype(np.int64) * TIER_PRICE_SCALE)
    price = np.rint(np.asarray(student_price, dtype=np.float64) * (TIER_PRICE_SCALE / tier)).astype(np.int64)
    start = round(placement_price * TIER_PRICE_SCALE / tier)
    found, least, _ = _priced(counting, configs, np.maximum(price, 0), placed, start, free_price=True)
    most_within = (found.total - least * placed) // TIER_PRICE_SCALE
    return tier * (most_within + 1) - 1


def _tiers_down(tier: int | None, weight: int, bound: int) -> list[tuple[int, int] | None]:
    """The numbers within interests the MILP on the pairs chosen lately keeps to, one after another
    until one gives a plan heavier than the best (``weight``): on tiered weights (a tier worth
    ``tier``), ``(tier, count)`` from the ``bound``'s number down to the best plan's, each a MILP on
    plain weights (``_best_within``'s ``tier``); else ``[None]``, one MILP on the weights as they are.

    A heavier plan has one of these numbers (fewer would make it lighter, more would pass the bound),
    so nothing is lost, and each such plan weighs at least its number of tiers, so it looks only
    within the gap above that. On tiered weights HiGHS seldom closes its own gap: on 1,700 x 900 seed 25
    under interests first (the best plan 1,422 within interests, the bound 1,425) it ran 114 s without
    ending, where kept to 1,425 it found the optimum's number in 1.7 s (docs/optimizer-measurements.md,
    *forty-fifth session*)."""
    if tier is None:
        return [None]
    return [(tier, count) for count in range(bound // tier, weight // tier - 1, -1)]


def _one_tier(tier: int | None, weight: int, bound: int) -> tuple[int, int] | None:
    """On tiered weights (a tier worth ``tier``, ``PlacementProblem.interest_tier``): where the best
    plan's ``weight`` and the ``bound`` lie in one tier, ``(tier, count)``, the number of the best
    plan's pairs in the higher tier, which every plan heavier than it has too (its weight lies
    between the two: ``tier * count`` plus less than one tier); else None."""
    if tier is None or bound // tier != weight // tier:
        return None
    return tier, weight // tier
