"""The CLI and the app give the same plan for the same data and decisions: both call one service."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from features.loading import BUILTIN_DATA_DIR
from features.network import Network
from placement_service import (
    BUILTIN_NETWORK_ID,
    DecisionKind,
    DecisionSet,
    DecisionStore,
    plan_cohort,
    prepare_scoring,
)
from stu_match.cli import main

APP = str(Path(__file__).resolve().parents[2] / "app_streamlit" / "app.py")


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "app.sqlite3"
    monkeypatch.setenv("STU_MATCH_DB", str(path))
    st.cache_resource.clear()
    yield path
    st.cache_resource.clear()


def write_pairs(path: Path, pairs: tuple[tuple[str, str], ...]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "company_id"])
        writer.writerows(pairs)
    return path


def test_the_cli_with_lock_and_forbid_files_gives_the_apps_plan(
    builtin_network: Network, database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = plan_cohort(prepare_scoring(builtin_network)).assignments()
    store = DecisionStore(database)
    kinds = [DecisionKind.LOCK, DecisionKind.APPROVE, DecisionKind.REJECT, DecisionKind.FORBID]
    chosen = [(a.student_id, a.company_id, kinds[k % 4]) for k, a in enumerate(base[5:21])]
    store.record_many(BUILTIN_NETWORK_ID, chosen, "Mette")

    app = AppTest.from_file(APP, default_timeout=120).run()
    app.switch_page("views/plan.py").run()
    assert not app.exception
    table = app.dataframe[0].value
    in_app = dict(zip(table["Elev"], table["Virksomhed"], strict=True))

    decisions = DecisionSet.of(store.current_decisions(BUILTIN_NETWORK_ID))
    locks = write_pairs(tmp_path / "laase.csv", decisions.keep)
    forbids = write_pairs(tmp_path / "udelukkede.csv", decisions.avoid)
    capsys.readouterr()
    code = main(
        [
            "assign",
            "--data",
            str(BUILTIN_DATA_DIR),
            "--locks",
            str(locks),
            "--forbids",
            str(forbids),
            "--json",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    in_cli = {a["student_id"]: a["company_id"] for a in report["assignments"]}

    assert in_cli == in_app
    assert report["placed"] == len(in_app)
    # The decisions hold in both.
    for student_id, company_id in decisions.keep:
        assert in_cli[student_id] == company_id
    for student_id, company_id in decisions.avoid:
        assert in_cli.get(student_id) != company_id
