"""Why a placement lies outside the student's interests: each student's own options, found without a pass per student."""

from __future__ import annotations

import re

import numpy as np
import pytest

from features.network import Network
from placement_service import plan_cohort, prepare_scoring
from placement_service.planning import TRADE_OFF_DA


@pytest.mark.parametrize("objective", ["count-then-score", "count-interest-score", "fairness"])
def test_each_reason_counts_and_names_the_students_own_usable_options_within_interests(
    builtin_network: Network, objective: str
) -> None:
    plan = plan_cohort(prepare_scoring(builtin_network), objective=objective)
    problem, pairs = plan.result.problem, plan.pairs
    reasons = plan.outside_interests()
    outside = [a for a in plan.assignments() if a.interest_rank is None]
    assert outside, "the built-in network should place someone outside their interests"
    assert set(reasons) == {a.student_id for a in outside}
    usable = problem.allowed | (problem.lock_pair[pairs.student] >= 0)
    listed = 0
    for a in outside:
        i = builtin_network.student_position[a.student_id]
        options = np.flatnonzero((pairs.student == i) & problem.in_interest & usable)  # the direct way
        text = reasons[a.student_id]
        if options.size == 0:
            assert "passende virksom" not in text
            continue
        listed += 1
        companies = sorted({str(pairs.company_ids[pairs.company[k]]) for k in options[:5]})
        assert re.search(rf"\b{options.size} passende virksomhed", text), text
        assert f"({', '.join(companies)}{' …' if options.size > 5 else ''})" in text
        # What the move would cost is what this objective ranks by, not another's.
        assert text.endswith(f"flyttes eleven dertil, {TRADE_OFF_DA[objective]}."), text
    assert listed, "some student outside their interests should have options within them taken by others"
