"""The CLI never ends in a traceback, never destroys its input, never loses a solved plan, and writes safe files."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import stu_match.output
from features.loading import load_network
from features.synthetic import generate
from placement_service import PLAN_COLUMNS, read_plan_file
from stu_match.cli import main

DANGEROUS_NAMES = ['=HYPERLINK("http://127.0.0.1:9999/x","klik")', "+1", "-2", "@SUM(1)", "\tTab først"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    assert exit_info.value.code == 2
    return capsys.readouterr().err


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small network whose first companies have names a spreadsheet would run as formulas."""
    folder = tmp_path_factory.mktemp("data")
    tables = generate(30, 40, seed=3, n_alumni=0).tables
    tables["companies"].loc[: len(DANGEROUS_NAMES) - 1, "name"] = DANGEROUS_NAMES
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


@pytest.fixture
def data_copy(data_folder: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(data_folder, tmp_path / "data"))


# --- 6. absurd arguments --------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "allowed"),
    [
        ("--alumni", "99999999999", "from 0 to 100,000"),
        ("--students", "99999999999", "from 1 to 100,000"),
        ("--companies", "100001", "from 1 to 100,000"),
        ("--seed", "-1", "from 0 to 4,294,967,295"),
    ],
)
def test_generate_refuses_absurd_sizes_with_the_allowed_range(
    option: str, value: str, allowed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = usage_error(capsys, "generate", "--out", str(tmp_path / "x"), option, value)
    assert f"argument {option}: must be a whole number {allowed}" in err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("option", "value"), [("--seed", "-1"), ("--truth-seed", "-5"), ("--truth-alumni", "99999999999")]
)
def test_evaluate_refuses_absurd_arguments(
    option: str, value: str, data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = usage_error(capsys, "evaluate", "--data", str(data_folder), option, value)
    assert f"argument {option}: must be a whole number from" in err


# --- 7. --out that cannot be written: exit 2, the path named, no traceback ------------


def out_cases(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    return {"folder": tmp_path / "a-folder", "parent is a file": tmp_path / "a-file" / "sub" / "plan.csv"}


@pytest.mark.parametrize("command", ["assign", "pairs"])
@pytest.mark.parametrize("case", ["folder", "parent is a file"])
def test_an_out_that_cannot_be_written_exits_2_naming_it(
    command: str, case: str, data_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = out_cases(tmp_path)[case]
    code, _, err = run(capsys, command, "--data", str(data_folder), "--out", str(out))
    assert code == 2 and str(out) in err


def test_generate_into_a_folder_that_cannot_be_made_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = out_cases(tmp_path)["parent is a file"].parent
    code, _, err = run(capsys, "generate", "--out", str(out))
    assert code == 2 and str(out) in err and "a-file is a file" in err
    code, _, err = run(capsys, "generate", "--out", str(tmp_path / "a-file"))
    assert code == 2 and "is a file, not a folder" in err
    code, _, err = run(capsys, "generate", "--out", str(tmp_path / "a-folder"))
    assert code == 0  # an existing folder without data is fine


def refuse_writing_in(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder takes no new files (as a read-only folder does, even for root)."""
    real = stu_match.output.tempfile.TemporaryFile

    def temporary_file(*args: object, dir: Path | None = None, **kwargs: object) -> object:
        if dir is not None and Path(dir) == folder:
            raise PermissionError(13, "Permission denied", str(folder))
        return real(*args, dir=dir, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(stu_match.output.tempfile, "TemporaryFile", temporary_file)


@pytest.mark.parametrize("command", ["assign", "pairs", "generate"])
def test_an_out_in_a_folder_that_is_not_writable_exits_2(
    command: str,
    data_folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    refuse_writing_in(locked, monkeypatch)
    out = locked / ("net" if command == "generate" else "out.csv")
    data = [] if command == "generate" else ["--data", str(data_folder)]
    code, _, err = run(capsys, command, *data, "--out", str(out))
    assert code == 2 and str(out) in err and "Permission denied" in err


def test_a_solved_plan_is_kept_when_its_file_cannot_be_written(
    data_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan.csv"

    def disk_full(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(stu_match.output, "atomic_write_bytes", disk_full)
    code, printed, err = run(capsys, "assign", "--data", str(data_folder), "--out", str(out), "--json")
    assert code == 2
    assert f"cannot write --out {out}: No space left on device" in err
    saved = Path(err.split("Planen er i stedet gemt i ")[1].strip().splitlines()[0])
    report = json.loads(printed)  # the report is still printed, whole
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert len(rows) == report["students"] and sum(bool(r["company_id"]) for r in rows) == report["placed"]
    saved.unlink()


# --- 7. never overwrite input without --force -------------------------------------


@pytest.mark.parametrize("name", ["students.csv", "companies.csv", "history.csv", "alumni.csv"])
def test_pairs_does_not_replace_a_data_file(
    name: str, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = data_copy / name
    target.write_bytes(target.read_bytes() if target.exists() else b"student_id\n")
    before = target.read_bytes()
    code, _, err = run(capsys, "pairs", "--data", str(data_copy), "--out", str(target))
    assert code == 2 and f"--out {target} is a data file" in err and "--force" in err
    assert target.read_bytes() == before


def test_force_allows_overwriting_a_data_file(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = data_copy / "history.csv"
    target.write_text("student_id,company_id,year,outcome\n", encoding="utf-8")
    code, _, _ = run(capsys, "pairs", "--data", str(data_copy), "--out", str(target), "--force")
    assert code == 0 and target.read_text(encoding="utf-8").startswith("student_id,company_id,score")


def test_assign_does_not_overwrite_its_own_inputs(
    data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locks = tmp_path / "locks.csv"
    locks.write_text("student_id,company_id\n", encoding="utf-8")
    code, _, err = run(capsys, "assign", "--data", str(data_copy), "--locks", str(locks), "--out", str(locks))
    assert code == 2 and "is also an input of this command" in err
    assert locks.read_text(encoding="utf-8") == "student_id,company_id\n"


def test_generate_does_not_overwrite_an_existing_network(
    data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p.name: p.read_bytes() for p in data_copy.iterdir()}
    code, _, err = run(capsys, "generate", "--out", str(data_copy), "--students", "10", "--companies", "10")
    assert code == 2 and f"--out {data_copy} already holds data" in err and "--force" in err
    assert {p.name: p.read_bytes() for p in data_copy.iterdir()} == before
    workbook = tmp_path / "net.xlsx"
    assert run(capsys, "generate", "--out", str(workbook), "--students", "10", "--companies", "10")[0] == 0
    code, _, err = run(capsys, "generate", "--out", str(workbook), "--students", "10", "--companies", "10")
    assert code == 2 and "already exists" in err
    code, _, _ = run(
        capsys, "generate", "--out", str(data_copy), "--students", "10", "--companies", "10", "--force"
    )
    assert code == 0 and len(load_network(data_copy).students) == 10


def test_assign_does_not_overwrite_a_data_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data_folder: Path
) -> None:
    workbook = tmp_path / "net.xlsx"
    assert run(capsys, "generate", "--out", str(workbook), "--students", "10", "--companies", "10")[0] == 0
    code, _, err = run(capsys, "assign", "--data", str(data_folder), "--out", str(workbook))
    assert code == 2 and "is a data file" in err


# --- 5. the files written are safe to open and read back ----------------------------


def test_assign_writes_a_safe_csv_that_reads_back(
    data_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan.csv"
    code, _, _ = run(capsys, "assign", "--data", str(data_folder), "--out", str(out))
    assert code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.splitlines()[0].count(b";") == len(PLAN_COLUMNS) - 1
    plan = pd.read_csv(out, dtype=str, keep_default_na=False, sep=";", encoding="utf-8-sig")
    placed_scores = plan["score"][plan["company_id"] != ""]
    assert (
        placed_scores.str.contains(",").any() and not placed_scores.str.contains(r"\.").any()
    )  # decimal comma
    names = plan["company_name"][plan["company_name"] != ""]
    assert not names.str.match(r"^[=+\-@\t\r]").any()
    placed = dict(zip(plan["student_id"], plan["company_id"], strict=True))
    assert read_plan_file(out) == {s: c for s, c in placed.items() if c}
    code, printed, _ = run(capsys, "assign", "--data", str(data_folder), "--previous", str(out), "--json")
    assert code == 0 and json.loads(printed)["moves"] == []


def test_assign_out_xlsx_writes_a_real_workbook_without_formulas(
    data_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan.xlsx"
    code, printed, _ = run(capsys, "assign", "--data", str(data_folder), "--out", str(out), "--json")
    assert code == 0
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["Plan", "Uden plads", "Beslutninger"]
    report = json.loads(printed)
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    rows = list(workbook["Plan"].iter_rows())
    header = [c.value for c in rows[0]]
    assert header == ["Elev", "Virksomhed", "Navn", "Interesse (valg nr.)", "Score", "Rejsetid (min)", "Låst"]
    assert len(rows) - 1 == report["placed"]
    assert workbook["Plan"].column_dimensions["C"].width > 20  # sized to the company names
    score, name = header.index("Score"), header.index("Navn")
    scores = [row[score].value for row in rows[1:]]
    assert scores and all(isinstance(value, int | float) for value in scores)
    names = {row[name].value for row in rows[1:] if row[name].value}
    assert not {n for n in names if str(n)[0] in "=+-@\t\r"}
    unplaced = list(workbook["Uden plads"].iter_rows(values_only=True))
    assert unplaced[0] == ("Elev", "Årsag")
    assert {r[0] for r in unplaced[1:]} == {u["student_id"] for u in report["unplaced"]}


def test_pairs_output_is_safe_and_numbers_stay_numbers(
    data_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pairs.csv"
    assert run(capsys, "pairs", "--data", str(data_folder), "--out", str(out))[0] == 0
    pairs = pd.read_csv(out)
    assert list(pairs.columns) == ["student_id", "company_id", "score", "travel_minutes", "support_load"]
    assert pairs["score"].dtype == float and pairs["support_load"].dtype == int
