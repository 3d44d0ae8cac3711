"""The exact solver asked only about the count: ``count_only``, ``enough_placed`` and a plan to ``start`` from.

Fairness's bisection asks "can the maximum number still be placed on the pairs scoring at least
this?" a dozen times, and once "how many at most?". Both are answered once the count is settled
(docs/optimizer.md, steps 1-2b); a solver that goes on to prove the weight spends the time limit on a
question nobody asked (1,700 x 900 seed 1: a probe answered at 0.8 s ran to the limit).
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import optimizer.exact
from matching.pair_table import PairTable
from optimizer import PlacementProblem
from optimizer.exact import solve_exact
from optimizer.plan_value import value_of
from tests.optimizer.test_tight_properties import tight_tables
from tests.optimizer.util import integer_weight, reference

QUESTIONS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _free(table: PairTable):  # type: ignore[no-untyped-def]
    inst, _ = PlacementProblem.build(table).free_instance()
    return inst


@QUESTIONS
@given(table=tight_tables(max_students=10, max_companies=4))
def test_count_only_settles_the_count_and_proves_no_weight(table: PairTable) -> None:
    inst = _free(table)
    answer = solve_exact(inst, count_only=True)
    best = reference(table)
    assert inst.is_feasible(answer.chosen)
    assert answer.value.placed == best.placed == answer.bound.placed
    assert answer.bound >= value_of(inst, best.chosen)  # a bound on every plan, the optimum's too
    # Nothing after the count ran: no Lagrangian round, no CP-SAT model, no knapsack.
    assert answer.stats["lagrange_rounds"] == 0 and answer.stats["cpsat_models"] == 0
    assert "knapsack_rounds" not in answer.stats


@QUESTIONS
@given(table=tight_tables(max_students=10, max_companies=4), more=st.integers(-2, 2))
def test_enough_placed_is_answered_once_the_count_is_settled(table: PairTable, more: int) -> None:
    inst = _free(table)
    best = reference(table)
    enough = max(best.placed + more, 1)
    answer = solve_exact(inst, enough_placed=enough)
    assert inst.is_feasible(answer.chosen)
    if enough <= best.placed:
        assert answer.value.placed >= enough
    else:
        assert answer.bound.placed < enough  # proven impossible
    assert answer.stats["lagrange_rounds"] == 0 and answer.stats["cpsat_models"] == 0


def test_a_plan_to_start_from_is_kept_where_restrict_and_reflow_finds_worse(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With restrict-and-reflow made to find nothing, the count is settled at once from ``start``."""
    from tests.optimizer.util import random_table

    table = random_table(np.random.default_rng(5), 40, 12, density=0.35)
    inst = _free(table)
    full = solve_exact(inst)
    monkeypatch.setattr(
        optimizer.exact, "restrict_and_reflow", lambda inst, *args: np.zeros(inst.n_pairs, dtype=bool)
    )
    started = solve_exact(inst, count_only=True, start=full.chosen)
    assert started.value.placed == full.value.placed
    assert started.value >= full.value  # the start itself, or better
    assert "count_search_rounds" not in started.stats  # nothing left to search for
    unstarted = solve_exact(inst, count_only=True)  # the count's own steps still find the count
    assert unstarted.value.placed == full.value.placed


@QUESTIONS
@given(table=tight_tables(max_students=10, max_companies=4))
def test_a_count_the_caller_has_proven_skips_the_counts_steps(table: PairTable) -> None:
    """Fairness's last solve: its first solve proved the count, and its probe's plan places that many
    (``start``); the count's LPs and search do not run again, and the plan is still the optimum."""
    inst = _free(table)
    best = reference(table)
    lightest = reference(table, stages=[-integer_weight(table.score).astype(float)])  # most placed
    answer = solve_exact(inst, start=lightest.chosen, placed_at_most=best.placed)
    assert inst.is_feasible(answer.chosen)
    assert answer.optimal and answer.value == value_of(inst, best.chosen)
    assert "count_lp_seconds" not in answer.stats and "count_search_rounds" not in answer.stats


def _one_short(chosen: np.ndarray) -> np.ndarray:
    short = chosen.copy()
    short[np.flatnonzero(chosen)[0]] = False
    return short


@QUESTIONS
@given(table=tight_tables(max_students=10, max_companies=4))
def test_a_probe_started_one_short_of_the_count_is_answered_right(table: PairTable) -> None:
    """Fairness's probes start from the best plan's placements on their pairs, often one short of the
    count; asked whether the count can be placed, the answer is yes, with a plan, whichever step finds
    it (the search's first round from that plan, or restrict-and-reflow and the count's LPs after it)."""
    inst = _free(table)
    best = reference(table)
    assume(best.placed >= 1)
    answer = solve_exact(inst, enough_placed=best.placed, start=_one_short(best.chosen))
    assert inst.is_feasible(answer.chosen)
    assert answer.value.placed >= best.placed


def test_a_probe_one_short_is_answered_by_the_search_before_the_counts_lps(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Asked only whether the count can be placed, the search's first round from the start plan's load
    limits comes before restrict-and-reflow and the count's LPs, and where it finds the count neither
    runs (1,700 x 900 seed 13: a probe 1.5 s with the LPs, 0.55 s without; seed 1: 1.0 s from
    restrict-and-reflow's plan, 0.25 s from the probe's own)."""
    from tests.optimizer.util import random_table

    # A network whose relaxation breaks a mentor limit, so that the count is asked at all.
    table = random_table(np.random.default_rng(2), 40, 12, density=0.35)
    inst = _free(table)
    full = solve_exact(inst)

    def no_reflow(*args):  # type: ignore[no-untyped-def]
        raise AssertionError("restrict-and-reflow ran though the search's first round found the count")

    with monkeypatch.context() as patch:
        patch.setattr(optimizer.exact, "restrict_and_reflow", no_reflow)
        answer = solve_exact(inst, enough_placed=full.value.placed, start=_one_short(full.chosen))
    assert inst.is_feasible(answer.chosen) and answer.value.placed == full.value.placed
    assert answer.stats["count_search_rounds"] == 1
    assert "count_lp_seconds" not in answer.stats and "count_vector_seconds" not in answer.stats
    # Asked the whole question (restrict-and-reflow finding nothing), the count's LPs still bound it.
    monkeypatch.setattr(
        optimizer.exact, "restrict_and_reflow", lambda inst, *args: np.zeros(inst.n_pairs, dtype=bool)
    )
    counted = solve_exact(inst, count_only=True, start=_one_short(full.chosen))
    assert "count_lp_seconds" in counted.stats and counted.value.placed == full.value.placed


def test_a_probe_whose_first_search_round_falls_short_restricts_and_reflows(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Where the search's first round from the probe's own plan falls short, restrict-and-reflow runs,
    and the count's LPs and search go on from the better of the two plans (1,700 x 900 seed 8: from the
    probe's own plan alone the search stalled one short through a 33 s retry)."""
    from tests.optimizer.util import random_table

    table = random_table(np.random.default_rng(2), 40, 12, density=0.35)
    inst = _free(table)
    full = solve_exact(inst)
    reflows: list[int] = []
    real_reflow, real_search = optimizer.exact.restrict_and_reflow, optimizer.exact._search_count

    def recorded_reflow(*args):  # type: ignore[no-untyped-def]
        reflows.append(1)
        return real_reflow(*args)

    def first_round_short(inst, plan, *args):  # type: ignore[no-untyped-def]
        if not reflows:  # the probe's first round: finds nothing
            return plan, inst.n_students
        return real_search(inst, plan, *args)

    monkeypatch.setattr(optimizer.exact, "restrict_and_reflow", recorded_reflow)
    monkeypatch.setattr(optimizer.exact, "_search_count", first_round_short)
    answer = solve_exact(inst, enough_placed=full.value.placed, start=_one_short(full.chosen))
    assert reflows == [1]
    assert inst.is_feasible(answer.chosen) and answer.value.placed == full.value.placed
