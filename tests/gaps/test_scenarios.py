"""What-if scenarios change the network as stated and compare honestly with a saved plan."""

from __future__ import annotations

import pytest

from features.errors import InputError
from features.network import Network
from optimizer.scenarios import (
    AddedCompany,
    ScenarioSettings,
    apply_scenario,
    compare_plans,
    plan_mapping,
    plan_network,
)


def test_no_change_gives_the_same_plan(builtin_network: Network) -> None:
    base = plan_network(builtin_network)
    changed, config = apply_scenario(builtin_network, ScenarioSettings())
    again = plan_network(changed, config)
    diff = compare_plans(plan_mapping(base), again, base.total_score)
    assert diff.moves == [] and diff.placed_change == 0 and diff.score_change == pytest.approx(0, abs=0.01)


def test_removing_companies_and_shrinking_capacity_never_places_more(builtin_network: Network) -> None:
    base = plan_network(builtin_network)
    used = sorted({a.company_id for a in base.assignments()})[:5]
    changed, config = apply_scenario(
        builtin_network, ScenarioSettings(removed_companies=used, capacity_factor=0.5)
    )
    assert not {c.company_id for c in changed.companies} & set(used)
    result = plan_network(changed, config)
    diff = compare_plans(plan_mapping(base), result, base.total_score)
    assert diff.placed_after <= diff.placed_before
    assert {m.student_id for m in diff.moves} >= {
        a.student_id for a in base.assignments() if a.company_id in used
    }


def test_longer_travel_limits_never_place_fewer(builtin_network: Network) -> None:
    base = plan_network(builtin_network)
    changed, config = apply_scenario(builtin_network, ScenarioSettings(travel_factor=1.5))
    assert plan_network(changed, config).placed >= base.placed


def test_an_added_company_is_scored_and_can_be_used(builtin_network: Network) -> None:
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
    changed, config = apply_scenario(builtin_network, ScenarioSettings(added_companies=[added]))
    assert changed.companies[-1].company_id == "NEW1"
    assert plan_network(changed, config).placed >= plan_network(builtin_network).placed


def test_weights_change_the_scores_not_the_count(builtin_network: Network) -> None:
    base = plan_network(builtin_network)
    changed, config = apply_scenario(builtin_network, ScenarioSettings(weights={"travel": 40}))
    result = plan_network(changed, config)
    assert result.placed == base.placed
    assert result.total_score != pytest.approx(base.total_score)


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
