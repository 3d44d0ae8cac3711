"""A plan cut short says, in Danish, which criterion is still open and how far its proven bound lies."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from features.loading import BUILTIN_DATA_DIR
from placement_service.plan_status import CUT_SHORT, bound_da
from stu_match.cli import main


def summary(**changes: Any) -> dict[str, Any]:
    """A FEASIBLE plan's headline figures (``PlacementResult.summary()``), everything closed but ``changes``."""
    figures: dict[str, Any] = {
        "status": "FEASIBLE",
        "objective": "count-interest-score",
        "placed": 1659,
        "students": 1700,
        "in_interest": 1422,
        "in_interest_bound": 1422,
        "objective_score": 130149.42,
        "min_score": 41.5,
        "placed_bound": 1659,
        "score_bound": 130160.0,
        "min_score_bound": None,
        "gap": 0.0,
        "solve_seconds": 58.7,
    }
    return figures | changes


def test_a_proven_plan_has_no_bound_to_tell() -> None:
    assert bound_da(summary(status="OPTIMAL")) is None


def test_an_open_count_names_the_most_that_can_be_placed() -> None:
    text = bound_da(summary(placed_bound=1671, in_interest_bound=None, score_bound=None, gap=12 / 1671))
    assert text == (
        f"{CUT_SHORT} Ingen plan kan placere flere end 1.671 elever (planen placerer 1.659), en afstand på 0,72 %."
    )


def test_an_open_number_within_interests_is_named_once_the_count_is_closed() -> None:
    text = bound_da(summary(in_interest_bound=1424, score_bound=None, gap=2 / 1424))
    assert text == (
        f"{CUT_SHORT} Ingen plan placerer flere elever, og ingen kan placere flere end 1.424 inden for "
        "deres egne interesser (planen har 1.422), en afstand på 0,14 %."
    )


@pytest.mark.parametrize(
    ("objective", "settled"),
    [
        ("count-interest-score", "flere elever eller flere inden for deres egne interesser"),
        ("count-then-score", "flere elever"),
    ],
)
def test_an_open_total_score_says_what_is_settled_before_it(objective: str, settled: str) -> None:
    text = bound_da(summary(objective=objective, gap=10.58 / 130160.0))
    assert text == (
        f"{CUT_SHORT} Ingen plan placerer {settled}, og ingen har en samlet score over 130.160,00 "
        "(planen har 130.149,42), en afstand på 0,01 %."
    )


def test_a_score_the_solve_could_not_bound_is_said_to_be_open() -> None:
    text = bound_da(summary(objective="count-then-score", score_bound=None))
    assert text == f"{CUT_SHORT} Ingen plan placerer flere elever; den samlede score er ikke afgjort."


def test_fairness_names_the_lowest_score() -> None:
    text = bound_da(summary(objective="fairness", min_score_bound=44.25, gap=(44.25 - 41.5) / 44.25))
    assert text == (
        f"{CUT_SHORT} Ingen plan placerer flere elever, og ingen med så mange placerede har en laveste "
        "score over 44,25 (planen har 41,50), en afstand på 6,21 %."
    )
    assert bound_da(summary(objective="fairness")) == (
        f"{CUT_SHORT} Ingen plan placerer flere elever; den laveste score er ikke afgjort."
    )


def test_the_command_line_tells_a_plan_cut_short_by_its_bound(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STU_MATCH_DB", str(tmp_path / "app.sqlite3"))
    assert main(["assign", "--data", str(BUILTIN_DATA_DIR), "--time-limit", "0"]) == 0
    first, second = capsys.readouterr().out.splitlines()[:2]
    assert first.startswith("Bedste plan fundet i tide: ") and " af 140 elever placeret" in first
    assert second.startswith(f"  {CUT_SHORT} Ingen plan ")
    assert re.search(r", en afstand på \d+,\d\d %\.$", second), second
