"""The proof's CP-SAT models minimise each component's loss with small coefficients (``decompose._fill_model``).

A model used to maximise ``sum(kept2 * x)``, whose coefficients reach about 6e10 under the
interest-first objective's tiers; it now minimises the loss written through the certificate's prices
(``sum_i 2u_i (1 - placed_i) + sum_j 2v_j (cap_j - count_j) + 2l_j (mcap_j - load_j) + sum(charge * x)``),
where a term whose price exceeds the hint's loss is zero (its row tightened) and the others are
expanded into the pairs' coefficients and a constant. These tests check, on every model the proof
builds for random tight networks, that the objective plus the constant is ``share2 - sum(kept2 * x)``
for every plan of the model (the hint and random others), that the hint (the current plan) is one
of them (so the tightened rows leave the optimum in), that no coefficient is far above the hint's
loss, and that the proven plan is still the independent MILP's optimum.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

import optimizer.decompose
from optimizer import PlacementProblem, SolveParams, solve_placement
from tests.optimizer.util import integer_weight, random_table, reference, without_knapsacks


def _objective(proto: Any, x: np.ndarray) -> int:
    assert proto.objective.scaling_factor == 1.0 and proto.objective.offset == 0.0
    return sum(int(c) * int(x[v]) for v, c in zip(proto.objective.vars, proto.objective.coeffs, strict=True))


def _satisfied(proto: Any, x: np.ndarray) -> bool:
    for index, variable in enumerate(proto.variables):
        low, high = list(variable.domain)
        if not low <= x[index] <= high:
            return False
    for constraint in proto.constraints:
        if constraint.has_at_most_one():
            if sum(int(x[v]) for v in constraint.at_most_one.literals) > 1:
                return False
        elif constraint.has_exactly_one():
            if sum(int(x[v]) for v in constraint.exactly_one.literals) != 1:
                return False
        elif constraint.has_linear():
            linear = constraint.linear
            total = sum(int(c) * int(x[v]) for v, c in zip(linear.vars, linear.coeffs, strict=True))
            low, high = list(linear.domain)
            if not low <= total <= high:
                return False
        else:
            raise AssertionError(f"unexpected constraint {constraint}")
    return True


def _random_plans(proto: Any, rng: np.random.Generator, count: int) -> list[np.ndarray]:
    """Plans of the model: its constraints solved for random objectives."""
    plans = []
    for _ in range(count):
        model = cp_model.CpModel()
        model.proto.copy_from(proto)
        model.proto.clear_objective()
        model.proto.objective.vars.extend(range(len(proto.variables)))
        model.proto.objective.coeffs.extend(rng.integers(-5, 6, len(proto.variables)).tolist())
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        # Any plan will do (the best for the objective is not needed). The hint is kept: it is a plan,
        # so CP-SAT has one at once; without it, 0.3 s did not always find one on a loaded machine.
        # Short: these solves run inside the proof, on its clock (three of 5 s each used up the solve's
        # time limit on seed 123, 46 x 23, and the plan came back FEASIBLE).
        solver.parameters.max_time_in_seconds = 0.5
        status = solver.solve(model)
        assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE)  # the hint at least is a plan
        plans.append(np.asarray(solver.response_proto.solution, dtype=np.int64) > 0)
    return plans


@pytest.mark.parametrize("objective", ["count-then-score", "count-interest-score"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(20, 60), st.integers(8, 25))
@example(seed=23, n_students=49, n_companies=23)  # CP-SAT found no plan in 0.3 s without the hint (CI)
@example(seed=123, n_students=46, n_companies=23)  # the checks used up a 30 s limit (CI)
def test_the_model_minimises_the_components_loss_and_the_proof_still_ends_at_the_milp_optimum(
    objective: str, seed: int, n_students: int, n_companies: int
) -> None:
    rng = np.random.default_rng(seed)
    table = random_table(rng, n_students, n_companies, density=0.25)
    rank = rng.integers(0, 4, table.n_pairs).astype(np.int8)
    problem = PlacementProblem.build(table, interest_rank=rank)
    original = optimizer.decompose._fill_model

    def checked_fill(proto, inst, cert, parts, owner, pairs, internal, kept2, plan, *rest):  # type: ignore[no-untyped-def]
        constant = original(proto, inst, cert, parts, owner, pairs, internal, kept2, plan, *rest)
        share2 = sum(p.share2 for p in parts)
        # The hint is the current plan and a plan of the model: the tightened rows keep the optimum in.
        hint = plan[pairs] & internal
        assert list(proto.solution_hint.values) == hint.astype(int).tolist()
        assert _satisfied(proto, hint)
        hint_loss = share2 - sum(kept2[hint].tolist())
        assert _objective(proto, hint) + constant == hint_loss > 0
        # Every plan of the model: the objective plus the constant is its loss.
        for x in _random_plans(proto, rng, 3):
            assert _satisfied(proto, x)
            assert _objective(proto, x) + constant == share2 - sum(kept2[x].tolist())
        # No coefficient far above the hint's loss (a charge, less at most a student's and a company's
        # prices at or below it, the mentor price times a load of at most 3 in these networks).
        assert max((abs(int(c)) for c in proto.objective.coeffs), default=0) <= 5 * hint_loss
        return constant

    with pytest.MonkeyPatch.context() as patch:
        without_knapsacks(patch)
        patch.setattr(optimizer.decompose, "_fill_model", checked_fill)
        # A limit the checks above cannot use up (the proof itself takes well under a second here).
        result = solve_placement(problem, SolveParams(objective=objective, time_limit_seconds=120))
    weight = integer_weight(table.score).astype(float)
    in_interest = (rank > 0).astype(float)
    stages = [in_interest, weight] if objective == "count-interest-score" else None
    expected = reference(table, stages=stages)
    assert result.status == "OPTIMAL"
    assert result.placed == expected.placed
    assert round(result.objective_score * 100) == expected.weight
    if objective == "count-interest-score":
        assert result.in_interest == int(in_interest[expected.chosen].sum())


def test_random_tight_networks_reach_the_proofs_models_and_their_tightened_rows() -> None:
    """The networks of the test above build proof models under both objectives, and some of them fix
    a student as placed (an exactly-one row) or a company's count or load from below."""
    models = {"count-then-score": 0, "count-interest-score": 0}
    tightened = 0
    original = optimizer.decompose._fill_model

    def counted(proto, *args):  # type: ignore[no-untyped-def]
        nonlocal tightened
        constant = original(proto, *args)
        for constraint in proto.constraints:
            if constraint.has_exactly_one() or (
                constraint.has_linear() and min(constraint.linear.domain) > 0
            ):
                tightened += 1
        return constant

    with pytest.MonkeyPatch.context() as patch:
        without_knapsacks(patch)
        patch.setattr(optimizer.decompose, "_fill_model", counted)
        for seed in range(6):
            rng = np.random.default_rng(seed)
            table = random_table(rng, 50, 20, density=0.25)
            rank = rng.integers(0, 4, table.n_pairs).astype(np.int8)
            problem = PlacementProblem.build(table, interest_rank=rank)
            for objective in models:
                result = solve_placement(problem, SolveParams(objective=objective, time_limit_seconds=30))
                models[objective] += int(result.stats.get("cpsat_models", 0))
    assert all(count > 0 for count in models.values()), models
    assert tightened > 0
