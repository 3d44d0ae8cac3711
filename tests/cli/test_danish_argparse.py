"""argparse's own texts are Danish: usage errors (Danish, then English for support) and every --help."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest

from stu_match.cli import COMMANDS, build_parser, main

ENGLISH_LEFTOVERS = ("show this help", "options:", "usage:", "positional arguments", "error:")
ENGLISH_WORDS = re.compile(
    r"\b(the|and|or|of|with|from|default|write|print|folder|workbook|file|show|seconds|students|companies|"
    r"repeatable|only|argument|arguments|required|invalid|unrecognized|expected|choose|must)\b",
    re.IGNORECASE,
)
IDENTIFIERS = re.compile(
    r"\S*[._$@=/`-]\S*"
)  # options, file and column names, `stu-match pairs`, $STU_MATCH_DB


def danish_words(text: str) -> str:
    """The text without the identifiers that stay as they are (options, file names, column names)."""
    return IDENTIFIERS.sub(" ", text)


def usage_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[str, str]:
    """(the Danish lines, the English line) of a refused command line; it must exit with code 2."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("fejl: ")
    english = [line for line in err.splitlines() if line.startswith("(in English: ")]
    assert len(english) == 1, err
    danish = "\n".join(line for line in err.splitlines() if not line.startswith("(in English: "))
    return danish, english[0]


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("assign", ["--data skal angives"]),
        ("brief --data x", ["--student", "--out", "skal angives"]),
        ("asign", ["ukendt kommando 'asign'", "Mente du 'assign'?", "generate, validate"]),
        ("users ad", ["ukendt kommando 'ad'", "Mente du 'add'?"]),
        ("", ["angiv en kommando: generate"]),
        ("validate --data x --bogus", ["ukendt valgmulighed '--bogus'"]),
        ("assign --data x --time-limt 3", ["'--time-limt'", "Mente du '--time-limit'?"]),
        ("assign --data x --time-limit abc", ["--time-limit skal være et tal på mindst 0", "'abc'"]),
        ("assign --data x --time-limit 1,5", ["--time-limit", "punktum: 1.5"]),
        ("gaps --data x --top 0", ["--top skal være et helt tal på mindst 1 (fik 0)"]),
        ("generate --out x --students 100001", ["--students", "fra 1 til 100.000 (fik 100.001)"]),
        ("shortlist --data x --student S1 --top x", ["--top skal være et helt tal (fik 'x')"]),
        ("shortlist --data x", ["angiv --student eller --company"]),
        ("shortlist --data x --student S1 --company C1", ["--company kan ikke bruges sammen"]),
        ("assign --data", ["efter --data mangler en værdi"]),
        ("assign --data x --objective fair", ["'fair' for --objective", "Mente du 'fairness'?"]),
        ("assign --data x --rule-only=ja", ["--rule-only tager ingen værdi"]),
        ("shortlist --data x --t 3", ["--t kan betyde flere valgmuligheder: --top, --travel-matrix"]),
    ],
)
def test_a_usage_error_is_danish_then_english_then_the_usage_line(
    line: str, named: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = line.split()
    danish, english = usage_error(capsys, argv)
    first = danish.splitlines()[0]
    for part in named:
        assert part in first, first
    assert not ENGLISH_WORDS.findall(danish_words(first)), first
    for leftover in ENGLISH_LEFTOVERS:
        assert leftover not in danish
    command = " ".join(word for word in argv[:2] if word in COMMANDS or word in ("add",))
    assert danish.splitlines()[1].startswith(f"brug: stu-match {command}".rstrip())
    assert english.endswith(")")


def test_the_english_line_is_argparses_own_message(capsys: pytest.CaptureFixture[str]) -> None:
    _, english = usage_error(capsys, ["generate", "--out", "x", "--alumni", "-1"])
    assert english == "(in English: argument --alumni: must be a whole number from 0 to 100,000; got -1)"
    _, english = usage_error(capsys, ["assign"])
    assert english == "(in English: the following arguments are required: --data)"


@pytest.mark.parametrize(
    ("english", "danish"),
    [
        # Python 3.12.8 and later list the choices without quotes
        (
            "argument KOMMANDO: invalid choice: 'asign' (choose from generate, assign)",
            "ukendt kommando 'asign'",
        ),
        ("the following arguments are required: --data, --out", "fejl: --data og --out skal angives\n"),
        ("the following arguments are required: KOMMANDO", "fejl: angiv en kommando: generate, validate"),
        ("argument --top: expected one argument", "fejl: efter --top mangler en værdi\n"),
        ("argument --top: expected 2 arguments", "fejl: efter --top skal der stå 2 værdier\n"),
        ("argparse may say something new one day", "fejl: kommandolinjen kan ikke forstås"),
    ],
)
def test_argparse_messages_are_translated_by_their_form(
    english: str, danish: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().error(english)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("fejl: ") and danish in err
    assert f"(in English: {english})\nbrug: stu-match [-h] KOMMANDO" in err


def command_lines() -> list[list[str]]:
    """Every (sub-)command as it is typed: ['assign'], ['users', 'add'], …"""
    found: list[list[str]] = []

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    found.append([*path, name])
                    walk(child, [*path, name])

    walk(build_parser(), [])
    return found


def parser_of(path: list[str]) -> argparse.ArgumentParser:
    parser = build_parser()
    for name in path:
        (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    return parser


def test_every_command_is_walked() -> None:
    assert {path[0] for path in command_lines()} == set(COMMANDS)
    assert ["users", "add"] in command_lines() and ["outcomes", "export"] in command_lines()


@pytest.mark.parametrize("path", [[], *command_lines()], ids=lambda path: " ".join(path) or "stu-match")
def test_every_help_is_danish_and_explains_every_option(
    path: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*path, "--help"])
    assert exit_info.value.code == 0
    shown = capsys.readouterr().out
    assert shown.startswith(f"brug: stu-match {' '.join(path)}".rstrip())
    for leftover in ENGLISH_LEFTOVERS:
        assert leftover not in shown
    assert "vis denne hjælp og afslut" in shown
    assert not re.findall(r"\S+-\n", shown), "wrapped inside an option or a word"
    parser = parser_of(path)
    assert parser.description, f"{path}: no description"
    assert not ENGLISH_WORDS.findall(danish_words(shown)), ENGLISH_WORDS.findall(danish_words(shown))
    unwrapped = "".join(shown.split())  # help lines are wrapped anywhere, even after a hyphen
    for action in parser._actions:
        explained = action._get_subactions() if isinstance(action, argparse._SubParsersAction) else [action]
        for each in explained:
            assert each.help, f"{path}: {each.option_strings or each.dest} has no help"
            assert "".join(str(each.help).split()) in unwrapped, each.help


def test_python_dash_m_shows_the_danish_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "stu_match.cli", "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("brug: stu-match [-h] KOMMANDO")
    assert "kommandoer:" in done.stdout and "assign" in done.stdout
