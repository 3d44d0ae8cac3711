"""The benchmark's plain CP-SAT baseline (``bench/cpsat.py``) against the independent exact MILP."""

from __future__ import annotations

from hypothesis import given, settings

from bench.cpsat import solve_cpsat
from optimizer import PlacementProblem
from tests.optimizer.util import pair_tables, reference


@settings(max_examples=30, deadline=None)
@given(table=pair_tables())
def test_the_plain_cpsat_baseline_agrees(table) -> None:
    """The benchmark's plain CP-SAT model is a fair baseline: same optimum as the MILP."""
    inst, _ = PlacementProblem.build(table).free_instance()
    outcome = solve_cpsat(inst, time_limit=10, linearization_level=None)
    expected = reference(table)
    assert outcome.status == "OPTIMAL"
    assert (int(outcome.chosen.sum()), int(inst.weight[outcome.chosen].sum())) == (
        expected.placed,
        expected.weight,
    )
