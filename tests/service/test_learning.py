"""Recorded outcomes teach the model, explicitly; history naming a company that left uses its last known profile."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from features.loading import BUILTIN_DATA_DIR
from features.network import Network
from placement_service import DecisionStore
from placement_service.access import Actor, Role
from placement_service.learning import retrain, scoring_for, trained_up_to, training_network
from placement_service.networks import open_builtin
from stu_match.cli import main

NETWORK = "builtin"
ADMIN = Actor("Anne", Role.ADMINISTRATOR, frozenset())


def outcome_rows(network: Network, n: int, seed: int = 0) -> list[dict[str, object]]:
    """Outcomes of current students at companies of their own site's network, half of them jobs."""
    rng = np.random.default_rng(seed)
    rows = []
    for k, student in enumerate(network.students[:n]):
        company = network.companies[int(rng.integers(len(network.companies)))]
        outcome = "flexjob" if k % 2 else "public_support"
        rows.append(
            {
                "student_id": student.student_id,
                "company_id": company.company_id,
                "year": 2027,
                "outcome": outcome,
                "measured": "12_months",
            }
        )
    return rows


@pytest.fixture
def store(tmp_path: Path) -> DecisionStore:
    return DecisionStore(tmp_path / "store.sqlite3")


def test_recorded_outcomes_join_the_history_the_model_learns_from(
    store: DecisionStore, builtin_network: Network
) -> None:
    store.insert_outcomes(NETWORK, outcome_rows(builtin_network, 10), "import", "Anne")
    learned = training_network(store, NETWORK, builtin_network)
    assert len(learned.usable_history) == len(builtin_network.usable_history) + 10
    assert len(training_network(store, NETWORK, builtin_network, up_to=0).usable_history) == len(
        builtin_network.usable_history
    )


def test_the_12_month_outcome_counts_over_the_one_at_stu_end(
    store: DecisionStore, builtin_network: Network
) -> None:
    student, company = builtin_network.students[0].student_id, builtin_network.companies[0].company_id
    base = {"student_id": student, "company_id": company, "year": 2027}
    store.insert_outcomes(
        NETWORK,
        [
            {**base, "outcome": "in_progress", "measured": "stu_end"},
            {**base, "outcome": "small_job", "measured": "12_months"},
        ],
        "app",
        "Mette",
    )
    (row,) = [p for p in training_network(store, NETWORK, builtin_network).history if p.student_id == student]
    assert row.outcome.value == "small_job"


def test_history_at_a_company_that_left_uses_its_last_known_profile(
    store: DecisionStore, builtin_network: Network
) -> None:
    open_builtin(store, builtin_network)  # remembers every company's profile
    gone = builtin_network.history[0].company_id
    smaller = dataclasses.replace(
        builtin_network, companies=tuple(c for c in builtin_network.companies if c.company_id != gone)
    )
    lost = sum(p.company_id == gone for p in builtin_network.history)
    assert len(smaller.usable_history) == len(builtin_network.usable_history) - lost
    assert smaller.history_note() is not None
    learned = training_network(store, NETWORK, smaller)
    assert len(learned.usable_history) == len(builtin_network.usable_history)
    assert gone in learned.company_position and gone not in smaller.company_position


def test_retraining_is_explicit_reports_before_and_after_and_records_what_it_learned_from(
    store: DecisionStore, builtin_network: Network
) -> None:
    before = scoring_for(store, NETWORK, builtin_network)
    store.insert_outcomes(NETWORK, outcome_rows(builtin_network, 60, seed=1), "import", "Anne")
    unchanged = scoring_for(store, NETWORK, builtin_network)
    assert unchanged.model is not None and before.model is not None
    assert np.array_equal(unchanged.model.folded_coef_, before.model.folded_coef_)  # not until retrained
    report = retrain(store, NETWORK, builtin_network, ADMIN)
    assert report["before"]["training_rows"] == len(builtin_network.usable_history)
    assert report["after"]["training_rows"] == len(builtin_network.usable_history) + 60
    for side in ("before", "after"):
        assert 0 < report[side]["ndcg_at_5"] <= 1 and 0 < report[side]["precision_at_5"] <= 1
    assert trained_up_to(store, NETWORK) == max(r.id for r in store.outcomes(NETWORK))
    recorded = store.training_record(NETWORK)
    assert recorded is not None and recorded["outcome_rows"] == 60 and recorded["user"] == "Anne"
    after = scoring_for(store, NETWORK, builtin_network)
    assert after.model is not None
    assert not np.array_equal(after.model.folded_coef_, before.model.folded_coef_)
    assert "model:retrain" in [e.action for e in store.audit_trail(NETWORK)]


def test_retrain_and_evaluate_on_the_command_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    builtin_network: Network,
) -> None:
    database = tmp_path / "app.sqlite3"
    monkeypatch.setenv("STU_MATCH_DB", str(database))
    assert main(["evaluate", "--data", str(BUILTIN_DATA_DIR), "--no-ground-truth", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["training_rows"] == len(builtin_network.usable_history)
    assert not database.exists()  # evaluate only reads
    file = tmp_path / "udfald.csv"
    rows = outcome_rows(builtin_network, 40, seed=2)
    file.write_text(
        "student_id,company_id,year,outcome,measured\n"
        + "".join(
            f"{r['student_id']},{r['company_id']},{r['year']},{r['outcome']},{r['measured']}\n" for r in rows
        ),
        encoding="utf-8",
    )
    assert main(["outcomes", "import", str(file)]) == 0
    capsys.readouterr()
    assert main(["evaluate", "--data", str(BUILTIN_DATA_DIR), "--no-ground-truth", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["training_rows"] == first["training_rows"] + 40
    assert second["history"] != first["history"]
    assert main(["retrain", "--data", str(BUILTIN_DATA_DIR)]) == 0
    out = capsys.readouterr().out
    assert "Modellen er genoptrænet" in out and "NDCG@5" in out and "0," in out


def test_the_command_line_learns_as_the_app_does_for_files_the_database_knows(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    builtin_network: Network,
) -> None:
    """After a retrain, `shortlist` on the built-in files uses the retrained model, as the app's pages do."""
    database = tmp_path / "app.sqlite3"
    monkeypatch.setenv("STU_MATCH_DB", str(database))
    command = [
        "shortlist",
        "--data",
        str(BUILTIN_DATA_DIR),
        "--student",
        "S0001",
        "--json",
        "--all-industries",
    ]

    def outcome_points() -> list[float]:
        assert main(command) == 0
        result = json.loads(capsys.readouterr().out)
        return [item["outcome_probability"] for item in result["items"]]

    before = outcome_points()
    store = DecisionStore(database)
    open_builtin(store, builtin_network)
    store.insert_outcomes(NETWORK, outcome_rows(builtin_network, 60, seed=3), "import", "Anne")
    assert outcome_points() == before  # recorded, not yet learned from
    retrain(store, NETWORK, builtin_network, ADMIN)
    after = outcome_points()
    assert after != before
    app_model = scoring_for(store, NETWORK, builtin_network).model
    assert app_model is not None
