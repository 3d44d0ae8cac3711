"""Consultants' decisions that cannot all hold get one clear InputError naming them, before any solving."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from features.errors import InputError
from matching.pair_table import PairTable
from optimizer import PlacementProblem, SolveParams, solve_placement
from tests.optimizer.util import make_table, pair_tables


def network():
    """Three students, two companies: C001 has one place and mentor capacity 2, C002 two places."""
    return make_table(
        3,
        2,
        student=[0, 0, 1, 1, 2],
        company=[0, 1, 0, 1, 0],
        score=[80.0, 60.0, 70.0, 65.0, 50.0],
        load=[1, 0, 2, 1, 2],
        capacity=[1, 2],
        mentor_capacity=[2, 4],
    )


def test_two_locks_on_a_one_place_company() -> None:
    with pytest.raises(
        InputError, match=r"2 students are locked to company C001 \(S001, S002\), but it has 1 place"
    ) as error:
        PlacementProblem.build(network(), locks=[("S001", "C001"), ("S002", "C001")])
    assert "2 elever er låst til virksomhed C001 (S001, S002), men den har 1 plads" in error.value.message_da


def test_locks_above_the_mentor_capacity() -> None:
    table = make_table(2, 1, [0, 1], [0, 0], [80.0, 70.0], [2, 1], [2], [2])
    with pytest.raises(
        InputError,
        match=r"locked to company C001 \(S001, S002\) need 3 mentor hours a week, but it can give 2",
    ) as error:
        PlacementProblem.build(table, locks=[("S001", "C001"), ("S002", "C001")])
    assert (
        "eleverne låst til virksomhed C001 (S001, S002) har brug for 3 mentortimer om ugen, "
        "men virksomheden kan give 2 mentortimer om ugen" in error.value.message_da
    )


def test_lock_on_a_pair_that_is_not_eligible_names_the_rules_when_told() -> None:
    with pytest.raises(
        InputError, match=r"student S003 is locked to company C002, but that pair is not eligible \(too far\)"
    ) as told:
        PlacementProblem.build(
            network(), locks=[("S003", "C002")], why_ineligible=lambda s, c: ("too far", "for langt væk")
        )
    assert told.value.message_da.endswith("men parret opfylder ikke de faste krav (for langt væk)")
    with pytest.raises(InputError, match=r"but that pair is not eligible$") as error:
        PlacementProblem.build(network(), locks=[("S003", "C002")])
    assert error.value.message_da == (
        "1 konflikt i jobkonsulenternes beslutninger: "
        "eleven S003 er låst til virksomhed C002, men parret opfylder ikke de faste krav"
    )


def test_lock_and_forbid_on_the_same_pair() -> None:
    with pytest.raises(InputError, match="student S001 is both locked to and forbidden at company C001"):
        PlacementProblem.build(network(), locks=[("S001", "C001")], forbids=[("S001", "C001")])


def test_two_locks_for_one_student() -> None:
    with pytest.raises(InputError, match=r"student S001 is locked to 2 companies \(C001, C002\)"):
        PlacementProblem.build(network(), locks=[("S001", "C001"), ("S001", "C002")])


def test_unknown_ids_name_the_closest_and_every_conflict_is_reported_together() -> None:
    with pytest.raises(InputError) as error:
        PlacementProblem.build(
            network(),
            locks=[("S01", "C001"), ("S002", "C001"), ("S003", "C001")],
            forbids=[("S001", "C0002")],
        )
    message = str(error.value)
    assert message.startswith("4 conflict(s)")
    assert "lock (S01, C001): unknown student ID 'S01'; closest: S001" in message
    assert "(S002, S003) need 4 mentor hours a week, but it can give 2" in message
    assert "forbid (S001, C0002): unknown company ID 'C0002'; closest: C002" in message
    assert "2 students are locked to company C001 (S002, S003)" in message


def test_duplicate_decisions_and_forbids_on_ineligible_pairs_are_harmless() -> None:
    problem = PlacementProblem.build(
        network(), locks=[("S001", "C001"), ("S001", "C001")], forbids=[("S003", "C002")]
    )
    assert problem.locks == (("S001", "C001"),)
    assert not problem.forbidden.any()


def test_locks_are_placed_and_forbids_never_used() -> None:
    problem = PlacementProblem.build(network(), locks=[("S003", "C001")], forbids=[("S002", "C002")])
    result = solve_placement(problem)
    plan = result.plan()
    assert plan["S003"] == "C001"
    assert plan.get("S002") != "C002"
    assert result.status == "OPTIMAL"
    assert {a.student_id: a.locked for a in result.assignments()}["S003"] is True


def test_solve_params_are_validated() -> None:
    with pytest.raises(ValueError, match="objective"):
        SolveParams(objective="most-happy")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="greater than or equal to 0"):
        SolveParams(time_limit_seconds=-1)
    # No worker count: the proof's CP-SAT models are solved by one worker, whose LP proves them
    # (``decompose.PROOF_WORKERS``); CP-SAT's two-worker portfolio left national networks unproven.
    with pytest.raises(ValueError, match="workers"):
        SolveParams(workers=2)  # type: ignore[call-arg]


@settings(max_examples=60, deadline=None)
@given(pair_tables(), st.data())
def test_each_free_pair_maps_to_the_table_pair_of_its_student_and_company(
    table: PairTable, data: st.DataObject
) -> None:
    """Without decisions the free instance is the table itself (no index array is made); with a forbid
    its pairs are the others; either way each instance pair, and any choice of them, maps back to the
    table pair of the same student and company, and per-table-pair values to its own."""
    forbid = data.draw(st.booleans())
    k = data.draw(st.integers(0, table.n_pairs - 1)) if table.n_pairs else 0
    forbids = (
        [(str(table.student_ids[table.student[k]]), str(table.company_ids[table.company[k]]))]
        if forbid and table.n_pairs
        else []
    )
    problem = PlacementProblem.build(table, forbids=forbids)
    inst, index = problem.free_instance()
    assert (index.positions is None) == (not forbids)
    every = index.of(np.ones(inst.n_pairs, dtype=bool))
    np.testing.assert_array_equal(every, np.flatnonzero(problem.allowed))
    np.testing.assert_array_equal(table.student[every], inst.student)
    np.testing.assert_array_equal(table.company[every], inst.company)
    chosen = np.asarray(
        data.draw(st.lists(st.booleans(), min_size=inst.n_pairs, max_size=inst.n_pairs)), dtype=bool
    )
    np.testing.assert_array_equal(index.of(chosen), every[chosen])
    np.testing.assert_array_equal(index.gather(np.arange(table.n_pairs) * 3), every * 3)
