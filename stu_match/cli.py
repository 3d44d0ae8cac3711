"""The ``stu-match`` command line: a thin layer over features/, matching/ and optimizer/.

Each sub-command lives in ``stu_match.commands.<name>`` with ``register(subparsers)``
and ``run(args) -> int``. Bad input ends with a clear message on stderr and exit
code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence

from features.errors import DataValidationError, InputError

COMMANDS: tuple[str, ...] = (
    "generate",
    "validate",
    "shortlist",
    "pairs",
    "evaluate",
    "assign",
    "gaps",
    "fairness",
    "users",
    "audit",
    "retention",
    "subject-export",
    "outcomes",
    "retrain",
    "brief",
)

EXIT_BAD_INPUT = 2


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every sub-command, or of ``only`` that one (its module alone is imported)."""
    parser = argparse.ArgumentParser(
        prog="stu-match",
        description="Placement engine for STU job consultants and network coordinators.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS if only is None else (only,):
        module = importlib.import_module(f"stu_match.commands.{name.replace('-', '_')}")
        module.register(subparsers)
    return parser


def named_command(argv: Sequence[str]) -> str | None:
    """The sub-command ``argv`` starts with, if it names one; else None (help, or a mistake to report).

    The top level has no options but ``--help``, so a command line that runs
    something starts with its command. Only that command's module is then
    imported: ``validate`` does not wait for what ``assign`` needs.
    """
    return argv[0] if argv and argv[0] in COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(named_command(argv))
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except DataValidationError as error:
        if getattr(args, "json", False):
            print(
                json.dumps(
                    {"errors": [issue.as_dict() for issue in error.issues]}, ensure_ascii=False, indent=2
                )
            )
        _report(error.danish(), str(error))
        return EXIT_BAD_INPUT
    except InputError as error:
        if getattr(args, "json", False):
            print(
                json.dumps(
                    {"errors": [{"file": None, "row": None, "column": None, "message": str(error)}]},
                    ensure_ascii=False,
                    indent=2,
                )
            )
        _report(error.message_da, error.message)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except OSError as error:  # a file that cannot be read or written, named by the system
        where = f"{error.filename}: " if error.filename else ""
        print(f"fejl: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _report(danish: str, english: str) -> None:
    """A bad-input message on stderr: in Danish for the user, then in English for support."""
    print(f"fejl: {danish}", file=sys.stderr)
    if english.strip() != danish.strip():
        print(f"(in English: {english})", file=sys.stderr)


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1, with a clear message otherwise."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1; got {value}")
    return value


def int_in_range(low: int, high: int) -> Callable[[str], int]:
    """argparse type: a whole number from ``low`` to ``high``, naming the range when refused."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {low:,} to {high:,}; got {text!r}"
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {low:,} to {high:,}; got {value:,}"
            )
        return value

    return parse


def non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of at least 0; got {text!r}") from None
    if value < 0 or value != value:
        raise argparse.ArgumentTypeError(f"must be a number of at least 0; got {text!r}")
    return value


if __name__ == "__main__":
    sys.exit(main())
