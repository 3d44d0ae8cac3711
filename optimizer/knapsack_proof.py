"""Once the count is proven: better plans and a proof of the weight from the companies' own knapsacks.

When no plan places more than ``placed`` students, the plans left to compare place exactly that
many, and a placement may be valued at any ``value`` on top of its weight (the weight LP's price of
its count row to start from, ``exact._at_proven_count``). Two steps (``docs/optimizer.md``, step 2c):

1. **Subgradient rounds on the students' prices** (``company_knapsacks``): each round's bound
   ``total - value * placed`` holds for the weight of every plan placing ``placed`` (the value moves
   too, unless it is ``M``), and the count vectors each company picks, as nested load limits, bound a
   flow that is a plan: the heaviest placing as many as those limits allow (a Lagrangian heuristic; on
   1,700 x 700 seed 4 it found the optimum that restrict-and-reflow missed by 0.11 %). Every
   ``FIX_EVERY`` rounds the pairs no plan heavier than the best can use are ruled out for good
   (``heavier_plans_use``), so later rounds are faster and their bound, on fewer pairs, lower.
2. **A MILP on what is left.** A plan weighing more than the best has a shortfall from the bound
   below the gap, so it takes no pair whose ``forced_loss`` reaches the gap and leaves out no student
   whose price does. HiGHS solves the rest exactly ("placed == placed", every limit), ten to forty
   thousand pairs where the whole network has over a hundred thousand: its optimum is the network's,
   or, cut short, its dual bound bounds the weight.

Works in the exact solver's usable subset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from time import perf_counter

import numpy as np

from optimizer.company_knapsacks import (
    CompanyBest,
    Configurations,
    company_best,
    configurations,
    forced_loss,
)
from optimizer.instance import Instance

MAX_ROUNDS = 1_500
"""Subgradient rounds at most (1,700 x 900: 15-40 ms each, fewer pairs each time some are ruled out;
600 stopped 1,700 x 1,100 seed 3 at 22 s of a 60 s limit with too many pairs left for the MILP)."""
FIX_EVERY = 20
"""Every this many rounds the pairs no heavier plan can use are ruled out (``heavier_plans_use``)."""
MILP_START_PAIRS = 12_000
"""The rounds stop once this few pairs are left: HiGHS proved 1,700 x 900 seed 1 on 12,770 in 5.5 s."""
PLAN_EVERY = 10
"""A round's count vectors become a plan every this many rounds (a flow on the pairs left)."""
STALL_ROUNDS = 15
"""Rounds without a lower bound before the step halves (5 halved it too soon: the bound stalled)."""
MIN_STEP_FACTOR = 1 / 1024
ROUNDS_SHARE = 0.6
"""The rounds may use this share of the time left; the MILP the rest."""
MAX_PROOF_PAIRS = 80_000
"""No MILP above this many pairs left (HiGHS: 5.5-8 s on 13,000 pairs, 15 s on 41,000)."""


@dataclass(frozen=True, eq=False)
class AtCount:
    """The best plan placing ``placed`` found, and a bound on the weight of every such plan."""

    plan: np.ndarray
    weight: int
    weight_bound: int
    rounds: int
    proof_pairs: int  # pairs left for the MILP (0: it did not run)

    @property
    def proven(self) -> bool:
        return self.weight >= self.weight_bound


def improve_and_prove(
    inst: Instance,
    binding: np.ndarray,
    plan: np.ndarray,
    placed: int,
    value: int,
    student_price: np.ndarray,
    weight_cap: int,
    deadline: float,
) -> AtCount | None:
    """Plans and a weight bound at the proven count ``placed`` (which ``plan`` places).

    ``value`` is what a placement is worth on top of its weight and ``student_price`` the prices to
    start from (a flow's or an LP's duals in those units); ``weight_cap`` a bound already known.
    None when the companies' count vectors would make too large a table (``configurations``).
    """
    configs = configurations(inst)
    if configs is None:
        return None
    from optimizer.exact import _fitted_flow

    lex_weight = inst.big_m() + inst.weight
    weight = int(inst.weight[plan].sum())
    price = np.maximum(np.asarray(student_price, dtype=np.float64), 0.0)
    # The pairs a plan heavier than ``plan`` may still use: a pair whose company falls at least the
    # gap below its best when it takes it is out for good (for a heavier plan than any later one too).
    alive = np.arange(inst.n_pairs)
    part = inst
    best: tuple[int, int, np.ndarray] | None = None  # the least weight bound, its value and prices
    placement_value = float(value)
    # A value of M or more (count first, as in the relaxation) stays as it is; any other follows the
    # count's subgradient (the companies' choices place more or fewer than ``placed`` in all).
    free_value = value < inst.big_m()
    factor, stall, rounds = 1.0, 0, 0
    rounds_end = perf_counter() + ROUNDS_SHARE * (deadline - perf_counter())
    while rounds < MAX_ROUNDS and factor >= MIN_STEP_FACTOR and perf_counter() < rounds_end:
        integer_price = np.rint(price).astype(np.int64)
        value = round(placement_value)
        profit = value + part.weight - integer_price[part.student]
        found = company_best(part, configs, profit, integer_price)
        round_bound = found.total - value * placed
        if best is None or round_bound < best[0]:
            best, stall = (round_bound, value, integer_price), 0
        else:
            stall += 1
            if stall >= STALL_ROUNDS:
                factor, stall = factor / 2, 0
        if rounds % PLAN_EVERY == 0:
            # The companies' choices fit their limits, so the limits they fit make a plan's flow.
            everywhere = np.ones(part.n_pairs, dtype=bool)
            candidate = alive[_fitted_flow(part, found.chosen, everywhere, lex_weight[alive], binding)]
            if candidate.size >= placed and int(inst.weight[candidate].sum()) > weight:
                plan = np.zeros(inst.n_pairs, dtype=bool)
                plan[candidate] = True
                weight = int(inst.weight[candidate].sum())
        rounds += 1
        gap = best[0] - weight
        if gap <= 0:
            break
        if rounds % FIX_EVERY == 0:
            keep, _ = heavier_plans_use(part, configs, found, profit, integer_price, round_bound - weight)
            if not keep.all():
                alive, part = alive[keep], part.subset(np.flatnonzero(keep))
                if alive.size <= MILP_START_PAIRS:
                    break
                continue  # the round's choices are over the pairs before
        # Raise the price of students no company takes, lower it for those two or more take; and the
        # placement's value down when the companies take more than ``placed`` in all, up when fewer.
        step = 1 - np.bincount(part.student[found.chosen], minlength=inst.n_students)
        step[(price <= 0) & (step > 0)] = 0
        value_step = int(found.chosen.sum()) - placed if free_value else 0
        norm = float(step @ step) + value_step**2
        if norm == 0:
            break
        price = np.maximum(price - factor * gap / norm * step, 0.0)
        placement_value -= factor * gap / norm * value_step
    if best is None:  # no time for a round
        return AtCount(plan, weight, max(weight_cap, weight), 0, 0)
    # The best prices once more on the pairs left: a bound for every plan heavier than ``plan``.
    _, value, integer_price = best
    profit = value + part.weight - integer_price[part.student]
    found = company_best(part, configs, profit, integer_price)
    bound = max(min(weight_cap, found.total - value * placed), weight)
    if weight >= bound or perf_counter() >= deadline:
        return AtCount(plan, weight, bound, rounds, 0)
    gap = found.total - value * placed - weight
    left_open, must = heavier_plans_use(part, configs, found, profit, integer_price, gap)
    open_pairs = alive[left_open]
    if open_pairs.size > MAX_PROOF_PAIRS:
        return AtCount(plan, weight, bound, rounds, 0)
    solved = _best_within(inst, binding, open_pairs, must, placed, deadline)
    if solved is None:
        return AtCount(plan, weight, bound, rounds, open_pairs.size)
    chosen, upper = solved
    if chosen is not None and int(inst.weight[chosen].sum()) > weight:
        plan, weight = chosen, int(inst.weight[chosen].sum())
    return AtCount(plan, weight, max(min(bound, upper), weight), rounds, open_pairs.size)


def heavier_plans_use(
    inst: Instance,
    configs: Configurations,
    found: CompanyBest,
    profit: np.ndarray,
    student_price: np.ndarray,
    gap: int,
) -> tuple[np.ndarray, np.ndarray]:
    """What every plan whose shortfall from ``found.total`` is below ``gap`` keeps to: the pairs it may
    use (their company falls less than ``gap`` below its best when taking them), and the students it
    must place (leaving one out costs its price). ``gap``: the bound less the best plan's value, so
    these are what any plan worth more than the best must do."""
    return forced_loss(inst, configs, found, profit) < gap, student_price >= gap


def _best_within(
    inst: Instance,
    binding: np.ndarray,
    pairs: np.ndarray,
    must: np.ndarray,
    placed: int,
    deadline: float,
) -> tuple[np.ndarray | None, int] | None:
    """The heaviest plan on ``pairs`` placing exactly ``placed``, every ``must`` student among them.

    HiGHS (``scipy.optimize.milp``) with no relative gap: the plan (None if there is none, or none
    within the time) and a bound on the weight of every such plan (its dual bound; weights are
    whole, so rounded down). None if HiGHS stopped without either.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix

    student, company = inst.student[pairs], inst.company[pairs]
    columns = np.arange(pairs.size)
    ones = np.ones(pairs.size)
    has_pair = np.bincount(student, minlength=inst.n_students) > 0
    if (must & ~has_pair).any():
        return None, -1  # a student every better plan places has no pair left: none is better
    lowest = np.where(must, 1.0, 0.0)
    mentor = binding[company]
    constraints = [
        LinearConstraint(
            csr_matrix((ones, (student, columns)), shape=(inst.n_students, pairs.size)), lowest, 1.0
        ),
        LinearConstraint(
            csr_matrix((ones, (company, columns)), shape=(inst.n_companies, pairs.size)),
            0.0,
            inst.capacity.astype(np.float64),
        ),
        LinearConstraint(
            csr_matrix(
                (inst.load[pairs][mentor].astype(np.float64), (company[mentor], columns[mentor])),
                shape=(inst.n_companies, pairs.size),
            ),
            0.0,
            inst.mentor_capacity.astype(np.float64),
        ),
        LinearConstraint(ones.reshape(1, -1), float(placed), float(placed)),
    ]
    time_left = deadline - perf_counter()
    if time_left <= 0.1:
        return None
    solved = milp(
        -inst.weight[pairs].astype(np.float64),
        constraints=constraints,
        integrality=np.ones(pairs.size),
        bounds=Bounds(0.0, 1.0),
        options={"time_limit": time_left, "mip_rel_gap": 0.0},
    )
    dual = getattr(solved, "mip_dual_bound", None)
    if solved.status == 2:  # infeasible: no plan on these pairs places that many
        return None, -1
    if dual is None or not math.isfinite(dual):
        return None
    upper = math.floor(-dual + 1e-6)
    if solved.x is None:
        return None, upper
    chosen = np.zeros(inst.n_pairs, dtype=bool)
    chosen[pairs[np.asarray(solved.x) > 0.5]] = True
    if not inst.is_feasible(chosen) or int(chosen.sum()) != placed:
        return None, upper
    return chosen, upper
