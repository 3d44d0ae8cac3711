"""What-if scenarios change the network as stated, keep every decision, and compare with the decided plan."""

from __future__ import annotations

import random

import pytest

from features.errors import InputError
from features.network import Network
from placement_service import (
    AddedCompany,
    Decision,
    DecisionKind,
    DecisionSet,
    Plan,
    ScenarioSettings,
    plan_cohort,
    plan_with_decisions,
    prepare_scoring,
)
from placement_service.scenarios import apply_scenario, compare_plans, run_scenario


def plain_plan(network: Network, config=None) -> Plan:
    return plan_cohort(prepare_scoring(network, config))


def decided(network: Network, decisions: DecisionSet) -> Plan:
    return plan_with_decisions(prepare_scoring(network), decisions)


def decision_set(*items: tuple[str, str, DecisionKind]) -> DecisionSet:
    return DecisionSet.of(
        Decision(
            id=k + 1, student_id=s, company_id=c, kind=kind, user="Mette", at="2026-11-30T10:00:00+00:00"
        )
        for k, (s, c, kind) in enumerate(items)
    )


@pytest.fixture(scope="module")
def base(builtin_network: Network) -> Plan:
    return plain_plan(builtin_network)


def some_decisions(base: Plan, seed: int) -> DecisionSet:
    """Approvals, locks, rejections and forbids on the plan's own placements, chosen at random."""
    rng = random.Random(seed)
    assignments = base.assignments()
    rng.shuffle(assignments)
    kinds = [DecisionKind.APPROVE, DecisionKind.LOCK, DecisionKind.REJECT, DecisionKind.FORBID]
    return decision_set(*((a.student_id, a.company_id, kinds[k % 4]) for k, a in enumerate(assignments[:24])))


def test_no_change_gives_the_same_plan(builtin_network: Network, base: Plan) -> None:
    outcome = run_scenario(base, ScenarioSettings())
    diff = outcome.diff
    assert diff.moves == [] and diff.placed_change == 0 and diff.score_change == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_with_decisions_no_change_differs_by_zero_students_and_zero_points(
    builtin_network: Network, base: Plan, seed: int
) -> None:
    baseline = decided(builtin_network, some_decisions(base, seed))
    outcome = run_scenario(baseline, ScenarioSettings())
    assert (len(outcome.diff.moves), outcome.diff.placed_change, outcome.diff.score_change) == (0, 0, 0)


@pytest.mark.parametrize(
    "settings",
    [
        ScenarioSettings(weights={"travel": 40, "outcome": 5}),
        ScenarioSettings(travel_factor=0.5),
        ScenarioSettings(travel_factor=1.6),
        ScenarioSettings(capacity_factor=0.3),
        ScenarioSettings(capacity_factor=1.5, weights={"interest": 60}),
    ],
    ids=["weights", "shorter-travel", "longer-travel", "fewer-places", "more-places"],
)
@pytest.mark.parametrize("seed", [1, 2])
def test_every_decision_holds_in_a_scenario(
    builtin_network: Network, base: Plan, settings: ScenarioSettings, seed: int
) -> None:
    decisions = some_decisions(base, seed)
    outcome = run_scenario(decided(builtin_network, decisions), settings)
    placed = outcome.plan.mapping()
    for student_id, company_id in decisions.keep:
        assert placed[student_id] == company_id, f"kept {student_id} -> {company_id} moved"
    for student_id, company_id in decisions.avoid:
        assert placed[student_id] != company_id, f"avoided {student_id} -> {company_id} used"
    assert outcome.released == []


def test_removing_a_company_releases_its_kept_students_and_says_so(
    builtin_network: Network, base: Plan
) -> None:
    kept = base.assignments()[0]
    decisions = decision_set((kept.student_id, kept.company_id, DecisionKind.LOCK))
    outcome = run_scenario(
        decided(builtin_network, decisions), ScenarioSettings(removed_companies=[kept.company_id])
    )
    assert outcome.released == [(kept.student_id, kept.company_id)]
    assert outcome.plan.mapping()[kept.student_id] != kept.company_id
    assert kept.student_id in {m.student_id for m in outcome.diff.moves}


def test_removing_companies_and_shrinking_capacity_never_places_more(
    builtin_network: Network, base: Plan
) -> None:
    used = sorted({a.company_id for a in base.assignments()})[:5]
    changed, _ = apply_scenario(
        builtin_network, ScenarioSettings(removed_companies=used, capacity_factor=0.5)
    )
    assert not {c.company_id for c in changed.companies} & set(used)
    outcome = run_scenario(base, ScenarioSettings(removed_companies=used, capacity_factor=0.5))
    assert outcome.diff.placed_after <= outcome.diff.placed_before
    assert {m.student_id for m in outcome.diff.moves} >= {
        a.student_id for a in base.assignments() if a.company_id in used
    }


def test_longer_travel_limits_never_place_fewer(base: Plan) -> None:
    assert run_scenario(base, ScenarioSettings(travel_factor=1.5)).plan.result.placed >= base.result.placed


def test_an_added_company_is_scored_and_can_be_used(builtin_network: Network, base: Plan) -> None:
    added = AddedCompany(
        company_id="NEW1",
        name="Ny café",
        industry="hotel_cafe_restaurant",
        municipality="Aabenraa",
        capacity=3,
        mentor_capacity=9,
        mentor_trained=True,
        shielded_workstation=True,
    )
    changed, _ = apply_scenario(builtin_network, ScenarioSettings(added_companies=[added]))
    assert changed.companies[-1].company_id == "NEW1"
    assert (
        run_scenario(base, ScenarioSettings(added_companies=[added])).plan.result.placed >= base.result.placed
    )


def test_weights_change_the_scores_not_the_count(base: Plan) -> None:
    outcome = run_scenario(base, ScenarioSettings(weights={"travel": 40}))
    assert outcome.plan.result.placed == base.result.placed
    assert outcome.plan.result.total_score != pytest.approx(base.result.total_score)


def test_compare_plans_counts_moves_both_ways(builtin_network: Network, base: Plan) -> None:
    assert compare_plans(base, base).moves == []


def test_unknown_or_clashing_companies_are_refused(builtin_network: Network) -> None:
    with pytest.raises(InputError, match="Unknown company to remove: C9999"):
        apply_scenario(builtin_network, ScenarioSettings(removed_companies=["C9999"]))
    clash = AddedCompany(
        company_id="C0001", name="x", industry="retail", municipality="Aarhus", capacity=1, mentor_capacity=1
    )
    with pytest.raises(InputError, match="already in the network: C0001"):
        apply_scenario(builtin_network, ScenarioSettings(added_companies=[clash]))


def test_settings_reject_impossible_values() -> None:
    with pytest.raises(ValueError, match="capacity_factor"):
        ScenarioSettings(capacity_factor=-1)
