"""``stu-match users`` and ``stu-match audit verify``: passwords from standard input, exit codes, no tracebacks."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from placement_service import DecisionStore, log_in
from stu_match.cli import main


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "app.sqlite3"
    monkeypatch.setenv("STU_MATCH_DB", str(path))
    return path


def run(args: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(args)


def test_a_user_is_added_with_the_password_from_standard_input(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(
        ["users", "add", "Mette", "--role", "jobkonsulent", "--site", "castberggaard", "--email", "m@x.dk"],
        monkeypatch,
        "et-godt-kodeord\n",
    )
    assert code == 0 and "Mette: jobkonsulent" in capsys.readouterr().out
    actor = log_in(DecisionStore(database), "Mette", "et-godt-kodeord")
    assert actor is not None and actor.sites == frozenset({"castberggaard"})
    assert run(["users", "list", "--json"], monkeypatch) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed == {
        "name": "Mette",
        "role": "jobkonsulent",
        "sites": ["castberggaard"],
        "email": "m@x.dk",
        "has_password": True,
        "at": listed["at"],
    }
    assert run(["users", "remove", "Mette"], monkeypatch) == 0
    assert DecisionStore(database).users() == []


def test_the_password_is_never_an_argument(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit) as refused:
        run(["users", "add", "Mette", "--role", "administrator", "--password", "x"], monkeypatch)
    assert refused.value.code == 2


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["users", "add", "Bo", "--role", "administrator"], "kort\n", "at least 10 characters"),
        (["users", "add", "Bo", "--role", "jobkonsulent"], "et-godt-kodeord\n", "--site"),
        (["users", "add", "Bo", "--role", "administrator"], "", "needs a password"),
        (["users", "remove", "Ingen"], "", "No user named 'Ingen'"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args, stdin, message
) -> None:  # type: ignore[no-untyped-def]
    assert run(args, monkeypatch, stdin) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_audit_verify_exits_0_when_intact_and_1_naming_the_broken_row(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = DecisionStore(database)
    for k in range(5):
        store.record("builtin", f"S{k}", "C1", "forbid", "Mette")
    assert run(["audit", "verify"], monkeypatch) == 0
    assert "intakt (5 rækker)" in capsys.readouterr().out
    with sqlite3.connect(database) as connection:
        connection.execute("DROP TRIGGER audit_no_update")
        connection.execute("UPDATE audit SET user = 'Eve' WHERE id = 4")
    assert run(["audit", "verify"], monkeypatch) == 1
    assert "brudt ved række 4" in capsys.readouterr().out


def test_a_corrupt_database_exits_2_without_a_traceback(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database.write_bytes(b"garbage" * 1000)
    assert run(["audit", "verify"], monkeypatch) == 2
    err = capsys.readouterr().err
    assert str(database) in err and "Traceback" not in err


def test_subject_export_writes_everything_held_as_json(
    database: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    DecisionStore(database).record("builtin", "S0001", "C0001", "forbid", "Mette")
    out = tmp_path / "s0001.json"
    assert (
        run(
            ["subject-export", "--student", "S0001", "--data", "data/synthetic", "--out", str(out)],
            monkeypatch,
        )
        == 0
    )
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["profile"]["student_id"] == "S0001"
    assert document["store"]["decisions_log"][0]["decision"] == "forbid"
    assert run(["subject-export", "--student", "S9999", "--out", str(out)], monkeypatch) == 2
    assert "Nothing is held on student 'S9999'" in capsys.readouterr().err


def test_retention_run_reports_and_refuses_bad_months(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["retention", "run"], monkeypatch) == 0
    assert "Ingen elevers data skal slettes nu" in capsys.readouterr().out
    assert run(["retention", "run", "--months", "-3"], monkeypatch) == 2
    assert "between 0 and 240" in capsys.readouterr().err
