"""Lagrangian rounds on the companies' mentor prices: a tighter bound than the relaxation's, and plans.

Each company whose mentor row the flow breaks gets a price per mentor hour; the flow on
``priced_lex_weight = lex_weight - price_j * load`` plus ``sum(price_j * mentor_capacity_j)`` bounds
every plan (its dual bound certifies it on every pair), and each round's flow, repaired
(``load_limits.repair``), is a plan. The best round's duals are the proof's certificate
(``exact._decompose``). Works in the exact solver's usable subset.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter

import numpy as np

from optimizer.flow import FlowError, PricedFlow
from optimizer.instance import Instance
from optimizer.load_limits import repair
from optimizer.pace import Pace
from optimizer.plan_value import Lex, lex_total, split_total, value_of, violations

MAX_LAGRANGE_ROUNDS = 25
"""At most this many Lagrangian rounds after the first flow, with prices below a placement's worth."""
COUNT_ROUNDS = 12
"""Then at most this many with prices up to a placement's worth, if the number placed is still open
(the proof by decomposition settles the rest)."""
MIN_STEP_FACTOR = 1 / 64
"""Stop the Lagrangian rounds once the step factor has halved this far without a better bound."""


@dataclass(frozen=True, eq=False)
class Round:
    """One Lagrangian round: its bound, the mentor prices, the flow and its LP duals."""

    upper: Lex
    mentor_price: np.ndarray
    flow: np.ndarray
    student_price: np.ndarray
    company_price: np.ndarray


def lagrangian_rounds(
    inst: Instance,
    oracle: PricedFlow,
    first: Round,
    lex_weight: np.ndarray,
    big_m: int,
    binding: np.ndarray,
    deadline: float,
    stats: dict[str, float],
    pace: Pace,
    elsewhere: Lex | None = None,
    tier: int | None = None,
) -> tuple[Round, np.ndarray]:
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
    if perf_counter() >= deadline:  # no time for the rounds: the plans found before them stand
        return best, np.zeros(inst.n_pairs, dtype=bool)
    lower = repair(inst, first.flow, oracle.active, pace=pace)
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
                target_gap = float(lex_total(best.upper, big_m) - lex_total(lower_value, big_m))
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
                if violations(inst, flow, binding).size == 0
                else repair(inst, flow, oracle.active, 1, pace=pace)
            )
            candidate_value = value_of(inst, candidate)
            if lower_value < candidate_value:
                lower, lower_value = candidate, candidate_value
            last = perf_counter() - round_started
            if bound_total < lex_total(best.upper, big_m):
                bound = split_total(bound_total, big_m)
                best = Round(bound, integer_price, flow, flow_round.student_price, flow_round.company_price)
                stall = 0
            else:
                stall += 1
                if stall >= 2:
                    factor, stall = factor / 2.0, 0
        if max(lower_value.placed, 0 if elsewhere is None else elsewhere.placed) >= best.upper.placed:
            break
    # One more, thorough repair of the flow behind the best bound, if there is time.
    if lower_value < best.upper and perf_counter() < deadline:
        candidate = repair(inst, best.flow, oracle.active, pace=pace)
        if lower_value < value_of(inst, candidate):
            lower = candidate
    return best, lower
