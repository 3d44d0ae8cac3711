"""Every bad-input message a consultant can see has Danish words: a source scan and the CLI's behaviour.

``InputError(message)`` without ``message_da`` shows the English to a Danish user, and a
plain ``ArgumentTypeError`` or a ``ValueError`` in the scoring options' validators reaches
the command line in English too; the scan finds each such call by its syntax.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from features.errors import FILE_ERRORS_DA, InputError
from features.synthetic import generate
from placement_service.fairness import value_label
from placement_service.planning import scoring_config, solve_params
from stu_match.cli import main

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("features", "matching", "optimizer", "placement_service", "stu_match")
VALIDATED_MODULES = ("matching/config.py", "optimizer/problem.py")
"""Pydantic models whose validators' messages reach the command line and the app (``--weight``, ``--time-limit``)."""


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == name)
            or (isinstance(node.func, ast.Attribute) and node.func.attr == name)
        )
    ]


def _sources() -> list[tuple[str, ast.AST]]:
    return [
        (str(path.relative_to(ROOT)), ast.parse(path.read_text(encoding="utf-8")))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    ]


def test_every_input_error_has_a_danish_message() -> None:
    missing = [
        f"{where}:{call.lineno}"
        for where, tree in _sources()
        for call in _calls(tree, "InputError")
        if len(call.args) < 2 and not any(keyword.arg in ("message_da", None) for keyword in call.keywords)
    ]
    assert not missing, f"InputError without message_da (the Danish user would read English): {missing}"


def test_no_argument_type_error_without_danish() -> None:
    plain = [
        f"{where}:{call.lineno}" for where, tree in _sources() for call in _calls(tree, "ArgumentTypeError")
    ]
    assert not plain, f"use DanishArgumentTypeError(message, message_da): {plain}"


def test_scoring_and_solver_validators_raise_errors_with_danish() -> None:
    english_only = [
        f"{module}:{node.lineno}"
        for module in VALIDATED_MODULES
        for node in ast.walk(ast.parse((ROOT / module).read_text(encoding="utf-8")))
        if isinstance(node, ast.Raise)
        and isinstance(node.exc, ast.Call)
        and isinstance(node.exc.func, ast.Name)
        and node.exc.func.id == "ValueError"
    ]
    assert not english_only, f"raise InputError(message, message_da) instead of ValueError: {english_only}"


# --- behaviour ---------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def danish_then_english(err: str, danish: str, english: str) -> None:
    """'fejl: <Danish>' first, '(in English: <English>)' after it."""
    assert err.startswith("fejl: "), err
    first, _, rest = err.partition("(in English: ")
    assert danish in first, err
    assert english in rest, err


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    for name, frame in generate(20, 25, seed=5, n_alumni=0).tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


def test_generate_into_a_folder_under_a_file_says_why_in_danish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    code, err = run(capsys, "generate", "--out", str(a_file / "sub"))
    assert code == 2
    danish_then_english(
        err,
        f"kan ikke skrive --out {a_file / 'sub'}: {a_file} er en fil, så mappen {a_file / 'sub'} kan ikke oprettes",
        f"cannot write --out {a_file / 'sub'}: {a_file} is a file",
    )


def test_a_failed_write_gives_the_danish_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import stu_match.commands.generate as generate_command

    def disk_full(tables: object, out: Path) -> None:
        raise OSError(28, "No space left on device", str(out))

    monkeypatch.setattr(generate_command, "write_tables", disk_full)
    code, err = run(capsys, "generate", "--out", str(tmp_path / "net"))
    assert code == 2
    danish_then_english(
        err,
        f"kan ikke skrive --out {tmp_path / 'net'}: der er ikke plads nok på disken",
        "No space left on device",
    )


def test_an_out_that_holds_data_is_refused_in_danish(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(capsys, "generate", "--out", str(data_folder))
    assert code == 2
    danish_then_english(
        err, f"--out {data_folder} indeholder allerede data", f"--out {data_folder} already holds data"
    )
    assert "tilføj --force" in err


@pytest.mark.parametrize(
    ("weight", "danish", "english"),
    [
        ("travel=-1.5", "Vægten 'travel' skal være et tal på mindst 0 (fik -1,5).", "The 'travel' weight"),
        ("travle=3", "Ukendt indstilling for pointgivningen 'travle'. Mente du 'travel'?", "Did you mean"),
        ("travel", "--weight skal skrives som NAVN=VÆRDI, fx travel=3 (fik 'travel').", "NAME=VALUE"),
        ("hours_tolerance=50", "'hours_tolerance' skal være et helt tal fra 0 til 45 (fik 50).", "[0, 45]"),
    ],
)
def test_a_bad_weight_is_refused_in_danish(
    weight: str,
    danish: str,
    english: str,
    data_folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = str(tmp_path / "pairs.csv")
    code, err = run(
        capsys, "pairs", "--data", str(data_folder), "--out", out, "--weight", weight, "--rule-only"
    )
    assert code == 2
    danish_then_english(err, danish, english)


def test_an_unknown_id_in_the_locks_is_named_in_danish(
    data_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locks = tmp_path / "locks.csv"
    locks.write_text("student_id,company_id\nS9999,C0001\n", encoding="utf-8")
    code, err = run(capsys, "assign", "--data", str(data_folder), "--locks", str(locks), "--rule-only")
    assert code == 2
    assert err.startswith("fejl: ") and "S9999" in err and "elev" in err.split("(in English:")[0]


def test_conflicting_locks_are_explained_in_danish(
    data_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    students = generate(20, 25, seed=5, n_alumni=0).tables["students"]["student_id"].tolist()
    companies = generate(20, 25, seed=5, n_alumni=0).tables["companies"]
    small = companies.loc[companies["capacity"].idxmin()]
    over = int(small["capacity"]) + 1
    rows = "".join(f"{s},{small['company_id']}\n" for s in students[:over])
    locks = tmp_path / "locks.csv"
    locks.write_text("student_id,company_id\n" + rows, encoding="utf-8")
    code, err = run(capsys, "assign", "--data", str(data_folder), "--locks", str(locks), "--rule-only")
    assert code == 2
    danish = err.split("(in English:")[0]
    assert danish.startswith("fejl: ") and "jobkonsulenternes beslutninger" in danish
    assert "(er)" not in danish


def test_service_errors_carry_danish() -> None:
    with pytest.raises(InputError) as bad_weight:
        scoring_config({"travel": "x"})
    assert bad_weight.value.message_da == "Vægten 'travel' skal være et tal på mindst 0 (fik 'x')."
    with pytest.raises(InputError) as bad_time:
        solve_params("count-then-score", 100_000.0)
    assert bad_time.value.message_da == (
        "--time-limit skal være et tal fra 0 til 86.400 sekunder (fik 100.000)"
    )
    with pytest.raises(InputError) as bad_group:
        value_label("shoe_size", "42")
    assert "Ukendt gruppering 'shoe_size'" in bad_group.value.message_da
    assert "stu_site (STU-sted)" in bad_group.value.message_da


def test_the_cli_still_offers_its_file_reasons() -> None:
    from stu_match import cli

    assert cli.FILE_ERRORS_DA is FILE_ERRORS_DA


def test_evaluate_without_history_says_so_in_danish(
    data_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = Path(shutil.copytree(data_folder, tmp_path / "data"))
    (folder / "history.csv").unlink(missing_ok=True)
    code, err = run(capsys, "evaluate", "--data", str(folder))
    assert code == 2
    danish_then_english(
        err,
        "Der er ingen history.csv i data; evalueringen kræver tidligere praktikker og deres udfald.",
        "The data has no history.csv",
    )
