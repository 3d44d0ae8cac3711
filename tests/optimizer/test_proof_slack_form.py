"""The proof's CP-SAT models minimise each component's loss in slack form (``decompose._fill_model``).

A model used to maximise ``sum(kept2 * x)``, whose coefficients reach about 6e10 under the
interest-first objective's tiers; it now minimises ``sum_i 2u_i s_i + sum_j (2v_j t_j + 2l_j r_j) +
sum(charge * x)`` with slack variables of equality rows, domains cut to what the hint's loss allows.
These tests check, on every model the proof builds for random tight networks, that this objective is
the same loss for every assignment of the pair variables, that the hint (the current plan) is
feasible under the cut domains (so the cut leaves the optimum in), and that the proven plan is still
the independent MILP's optimum.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import optimizer.decompose
from optimizer import PlacementProblem, SolveParams, solve_placement
from tests.optimizer.util import integer_weight, random_table, reference


def _slack_values(proto: Any, x: np.ndarray) -> dict[int, int]:
    """Each slack variable's value under the pair variables ``x``: the rest of its equality row
    (the slack is the row's last variable, coefficient 1), or 1 for the variable fixed at 1."""
    n = x.size
    values: dict[int, int] = {}
    for constraint in proto.constraints:
        if not constraint.has_linear():
            continue
        # (the proto's repeated fields take no negative index: read them as lists)
        variables, coeffs, domain = (
            list(constraint.linear.vars),
            list(constraint.linear.coeffs),
            list(constraint.linear.domain),
        )
        if domain[0] != domain[1] or variables[-1] < n:
            continue
        assert coeffs[-1] == 1
        rest = sum(int(c) * int(x[v]) for v, c in zip(variables[:-1], coeffs[:-1], strict=True))
        values[int(variables[-1])] = int(domain[0]) - rest
    for index in range(n, len(proto.variables)):
        if index not in values:
            assert list(proto.variables[index].domain) == [1, 1]
            values[index] = 1
    return values


def _objective(proto: Any, x: np.ndarray) -> int:
    values = {**{m: int(x[m]) for m in range(x.size)}, **_slack_values(proto, x)}
    assert proto.objective.scaling_factor == 1.0
    return sum(
        int(c) * values[int(v)] for v, c in zip(proto.objective.vars, proto.objective.coeffs, strict=True)
    )


def _satisfied(proto: Any, values: dict[int, int]) -> bool:
    for index, variable in enumerate(proto.variables):
        domain = list(variable.domain)
        low, high = domain[0], domain[-1]
        if not low <= values[index] <= high:
            return False
    for constraint in proto.constraints:
        if constraint.has_at_most_one():
            if sum(values[v] for v in constraint.at_most_one.literals) > 1:
                return False
        elif constraint.has_linear():
            linear = constraint.linear
            total = sum(int(c) * values[int(v)] for v, c in zip(linear.vars, linear.coeffs, strict=True))
            low, high = list(linear.domain)
            if not low <= total <= high:
                return False
        else:
            raise AssertionError(f"unexpected constraint {constraint}")
    return True


@pytest.mark.parametrize("objective", ["count-then-score", "count-interest-score"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(20, 60), st.integers(8, 25))
def test_the_slack_form_is_the_components_loss_and_the_proof_still_ends_at_the_milp_optimum(
    objective: str, seed: int, n_students: int, n_companies: int
) -> None:
    rng = np.random.default_rng(seed)
    table = random_table(rng, n_students, n_companies, density=0.25)
    rank = rng.integers(0, 4, table.n_pairs).astype(np.int8)
    problem = PlacementProblem.build(table, interest_rank=rank)
    original = optimizer.decompose._fill_model
    checked = 0

    def checked_fill(proto, inst, cert, parts, owner, pairs, internal, kept2, plan, *rest):  # type: ignore[no-untyped-def]
        nonlocal checked
        original(proto, inst, cert, parts, owner, pairs, internal, kept2, plan, *rest)
        share2 = sum(p.share2 for p in parts)
        # The same loss as ``share2 - sum(kept2 * x)`` for any assignment, feasible or not.
        for _ in range(5):
            x = rng.random(pairs.size) < rng.uniform(0.0, 0.5)
            assert _objective(proto, x) == share2 - sum(kept2[x].tolist())
        # The hint is the current plan, feasible in the model with its cut domains: the cut never
        # removes the optimum.
        hint = plan[pairs] & internal
        values = {
            int(v): int(h) for v, h in zip(proto.solution_hint.vars, proto.solution_hint.values, strict=True)
        }
        assert values == {**{m: int(hint[m]) for m in range(pairs.size)}, **_slack_values(proto, hint)}
        assert _satisfied(proto, values)
        assert _objective(proto, hint) == share2 - sum(kept2[hint].tolist()) > 0
        # Every objective coefficient is at most the hint's loss, or its variable is fixed at 0.
        for v, c in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
            if v >= pairs.size and c > share2 - sum(kept2[hint].tolist()):
                assert list(proto.variables[v].domain)[-1] == 0 or list(proto.variables[v].domain) == [1, 1]
        checked += 1

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(optimizer.decompose, "_fill_model", checked_fill)
        result = solve_placement(problem, SolveParams(objective=objective, time_limit_seconds=30))
    weight = integer_weight(table.score).astype(float)
    in_interest = (rank > 0).astype(float)
    stages = [in_interest, weight] if objective == "count-interest-score" else None
    expected = reference(table, stages=stages)
    assert result.status == "OPTIMAL"
    assert result.placed == expected.placed
    assert round(result.objective_score * 100) == expected.weight
    if objective == "count-interest-score":
        assert result.in_interest == int(in_interest[expected.chosen].sum())


def test_random_tight_networks_reach_the_proofs_models() -> None:
    """The networks of the test above do build proof models, under both objectives."""
    models = {"count-then-score": 0, "count-interest-score": 0}
    for seed in range(6):
        rng = np.random.default_rng(seed)
        table = random_table(rng, 50, 20, density=0.25)
        rank = rng.integers(0, 4, table.n_pairs).astype(np.int8)
        problem = PlacementProblem.build(table, interest_rank=rank)
        for objective in models:
            result = solve_placement(problem, SolveParams(objective=objective, time_limit_seconds=30))
            models[objective] += int(result.stats.get("cpsat_models", 0))
    assert all(count > 0 for count in models.values()), models
