"""The ``stu-match`` command line: a thin layer over features/, matching/ and optimizer/.

Each sub-command lives in ``stu_match.commands.<name>`` with ``register(subparsers)``
and ``run(args) -> int``. Bad input ends with a clear message on stderr, in Danish and
then in English, and exit code 2, never a traceback; argparse's own texts are Danish
too (``stu_match.danish_argparse``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence

from features.errors import FILE_ERRORS_DA as FILE_ERRORS_DA  # re-exported: the CLI's file reasons
from features.errors import DataValidationError, InputError, file_error_da
from features.limits import danish_number
from stu_match.danish_argparse import DanishArgumentParser, DanishArgumentTypeError, report

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
    parser = DanishArgumentParser(
        prog="stu-match",
        description="Praktikpladser til STU-elever: forslag, plan og netværk for jobkonsulenter og "
        "netværkskoordinatorer. Se hjælpen til en kommando med: stu-match KOMMANDO --help",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO", title="kommandoer")
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
        report(error.danish(), str(error))
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
        report(error.message_da, error.message)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except OSError as error:  # a file that cannot be read or written, named by the system
        where = f"{error.filename}: " if error.filename else ""
        english = f"{where}{error.strerror or error}"
        report(f"{where}{file_error_da(error)}", english)
        return EXIT_BAD_INPUT


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1, with a clear message otherwise."""
    try:
        value = int(text)
    except ValueError:
        raise _refused("a whole number of at least 1", "et helt tal på mindst 1", repr(text)) from None
    if value < 1:
        raise _refused("a whole number of at least 1", "et helt tal på mindst 1", value)
    return value


def int_in_range(low: int, high: int) -> Callable[[str], int]:
    """argparse type: a whole number from ``low`` to ``high``, naming the range when refused."""
    wanted = f"a whole number from {low:,} to {high:,}"
    wanted_da = f"et helt tal fra {danish_number(low)} til {danish_number(high)}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise _refused(wanted, wanted_da, repr(text)) from None
        if not low <= value <= high:
            raise _refused(wanted, wanted_da, value)
        return value

    return parse


def non_negative_float(text: str) -> float:
    """argparse type: a number of at least 0 (a decimal point, as on any command line)."""
    try:
        value = float(text)
    except ValueError:
        decimal_comma = _is_number(text.replace(",", "."))
        hint = f"; skriv decimaler med punktum: {text.replace(',', '.')}" if decimal_comma else ""
        raise _refused("a number of at least 0", "et tal på mindst 0", repr(text), hint) from None
    if value < 0 or value != value:
        raise _refused("a number of at least 0", "et tal på mindst 0", repr(text))
    return value


def _refused(wanted: str, wanted_da: str, got: int | str, hint_da: str = "") -> DanishArgumentTypeError:
    """'must be <wanted>; got <got>' in English, 'skal være <wanted_da> (fik <got>)' in Danish.

    ``got`` is the number read, or the text typed as ``repr`` shows it.
    """
    if isinstance(got, int):
        return DanishArgumentTypeError(
            f"must be {wanted}; got {got:,}", f"skal være {wanted_da} (fik {danish_number(got)})"
        )
    return DanishArgumentTypeError(
        f"must be {wanted}; got {got}", f"skal være {wanted_da} (fik {got}{hint_da})"
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
