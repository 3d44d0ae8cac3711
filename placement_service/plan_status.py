"""What a plan's status and proven bounds mean, in the Danish a consultant reads (app and command line).

A plan cut short by the time limit (FEASIBLE) carries the optimizer's proven bounds: no plan places
more than ``placed_bound``; once the count is closed, none has more within interests than
``in_interest_bound`` (interests first), none a higher total score than ``score_bound``, and under
fairness none a higher lowest score than ``min_score_bound``. The text names the first criterion that
is still open, what the plan has there and how far the bound lies above it, so a consultant can judge
whether to wait for a longer solve. Both read ``PlacementResult.summary()`` (or the CLI's JSON report,
which holds it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from features.danish import number, percent

CUT_SHORT = "Tidsgrænsen blev nået, før planen var bevist bedst mulig."


def bound_da(summary: Mapping[str, Any]) -> str | None:
    """The proven bound of a plan cut short, as a Danish sentence; None for a proven plan."""
    if summary["status"] == "OPTIMAL":
        return None
    gap = f"en afstand på {percent(summary['gap'], 1, 2)}"
    placed, placed_bound = summary["placed"], summary["placed_bound"]
    if placed_bound > placed:
        return (
            f"{CUT_SHORT} Ingen plan kan placere flere end {number(placed_bound)} elever "
            f"(planen placerer {number(placed)}), {gap}."
        )
    interests_first = summary["objective"] == "count-interest-score"
    interest_bound = summary.get("in_interest_bound")
    if interests_first and interest_bound is not None and interest_bound > summary["in_interest"]:
        return (
            f"{CUT_SHORT} Ingen plan placerer flere elever, og ingen kan placere flere end "
            f"{number(interest_bound)} inden for deres egne interesser (planen har "
            f"{number(summary['in_interest'])}), {gap}."
        )
    settled = (
        "flere elever eller flere inden for deres egne interesser" if interests_first else "flere elever"
    )
    if summary["objective"] == "fairness":
        if summary.get("min_score_bound") is None or summary.get("min_score") is None:
            return f"{CUT_SHORT} Ingen plan placerer {settled}; den laveste score er ikke afgjort."
        return (
            f"{CUT_SHORT} Ingen plan placerer {settled}, og ingen med så mange placerede har en laveste "
            f"score over {number(summary['min_score_bound'], 2)} (planen har "
            f"{number(summary['min_score'], 2)}), {gap}."
        )
    if summary.get("score_bound") is None:
        return f"{CUT_SHORT} Ingen plan placerer {settled}; den samlede score er ikke afgjort."
    return (
        f"{CUT_SHORT} Ingen plan placerer {settled}, og ingen har en samlet score over "
        f"{number(summary['score_bound'], 2)} (planen har {number(summary['objective_score'], 2)}), {gap}."
    )
