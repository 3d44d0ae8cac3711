"""argparse in Danish: the usage line, the help's section titles and every usage error.

``DanishArgumentParser`` is the class of the top parser; ``add_subparsers`` hands it on
to every sub-command and action. A usage error is reported as the other bad-input
errors are (``fejl: …`` in Danish, then ``(in English: …)`` with argparse's own
message, for support), followed by the usage line, and ends with exit code 2.

argparse builds its messages in English in two ways, and both are caught here rather
than by replacing argparse's module-level ``gettext``:

- an ``ArgumentError`` (a bad value, an unknown choice, a missing value, options that
  exclude each other) is raised inside the parse; argparse's own catch is turned off
  (``exit_on_error=False``) so that it reaches ``parse_known_args`` here with the
  argument's name and, for a refused ``type``, the ``ArgumentTypeError`` as its cause;
- missing required arguments, an ambiguous abbreviation and unrecognised arguments
  come to ``error`` as a finished message (``parse_args`` here sends the unrecognised
  ones to the sub-command they were given to, for its usage line and its options).

Either way the message is translated by its form (``_danish``); a form not known here
is still reported, in Danish words that say so, with the English text after it.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import re
import sys
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

USAGE_PREFIX = "brug: "
POSITIONALS_TITLE = "argumenter"
OPTIONALS_TITLE = "valgmuligheder"
HELP_HELP = "vis denne hjælp og afslut"

_ABOUT_ARGUMENT = re.compile(r"argument (?P<name>\S+): (?P<message>.+)")
_REQUIRED = re.compile(r"the following arguments are required: (?P<names>.+)")
_ONE_OF_REQUIRED = re.compile(r"one of the arguments (?P<names>.+) is required")
_UNRECOGNISED = re.compile(r"unrecognized arguments: (?P<args>.+)")
_AMBIGUOUS = re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)")
_INVALID_CHOICE = re.compile(r"invalid choice: (?P<value>.+?) \(choose from .*\)")
_INVALID_TYPE = re.compile(r"invalid (?P<type>\S+) value: (?P<value>.+)")
_EXPECTED_COUNT = re.compile(r"expected (?P<count>\d+) arguments?")
_NOT_ALLOWED_WITH = re.compile(r"not allowed with argument (?P<other>.+)")
_IGNORED_VALUE = re.compile(r"ignored explicit argument (?P<value>.+)")

_SPACES = re.compile(r"\s+", re.ASCII)
_EXPECTED = {
    "expected one argument": "efter {name} mangler en værdi",
    "expected at most one argument": "{name} tager højst én værdi",
    "expected at least one argument": "efter {name} mangler mindst én værdi",
}
_TYPE_WORDS = {"int": "et helt tal", "float": "et tal"}


def report(danish: str, english: str) -> None:
    """A bad-input message on stderr: in Danish for the user, then in English for support."""
    print(f"fejl: {danish}", file=sys.stderr)
    if english.strip() != danish.strip():
        print(f"(in English: {english})", file=sys.stderr)


class DanishArgumentTypeError(argparse.ArgumentTypeError):
    """A refused option value, in English (``str``) and in Danish (``message_da``, after the option's name)."""

    def __init__(self, message: str, message_da: str):
        super().__init__(message)
        self.message_da = message_da


class DanishHelpFormatter(argparse.HelpFormatter):
    """argparse's help layout with the usage line starting 'brug: ', wrapped at spaces only.

    argparse wraps at hyphens too, which splits option names and Danish compounds
    ('--no-ground-' / 'truth', 'Excel-' / 'fil') over two lines.
    """

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, USAGE_PREFIX if prefix is None else prefix)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(_one_line(text), width, break_on_hyphens=False)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return textwrap.fill(
            _one_line(text),
            width,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
        )


class DanishArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and usage errors are Danish (see the module docstring)."""

    def __init__(self, *, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", DanishHelpFormatter)
        kwargs["exit_on_error"] = False  # the ArgumentError comes to parse_known_args below
        super().__init__(add_help=False, **kwargs)
        self._positionals.title = POSITIONALS_TITLE
        self._optionals.title = OPTIONALS_TITLE
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=HELP_HELP)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:  # reported by the (sub-)command they were given to, with its usage line
            self._chosen_parser(parsed).error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        try:
            return super().parse_known_args(args, namespace)
        except argparse.ArgumentError as error:
            danish = self._danish(error.argument_name, error.message, error.__context__)
            self._fail(danish, str(error))

    def error(self, message: str) -> NoReturn:
        # An ArgumentError may come as text too, 'argument --top: …', as argparse passes it when exiting.
        about = _ABOUT_ARGUMENT.fullmatch(message)
        name, text = (about["name"], about["message"]) if about else (None, message)
        self._fail(self._danish(name, text, None), message)

    def _fail(self, danish: str, english: str) -> NoReturn:
        report(danish, english)
        self.print_usage(sys.stderr)
        self.exit(2)

    def _danish(self, name: str | None, message: str, cause: BaseException | None) -> str:
        """argparse's English ``message`` about the argument ``name`` (None: the whole command line) in Danish."""
        shown = name or "argumentet"
        if isinstance(cause, DanishArgumentTypeError):
            return f"{shown} {cause.message_da}"
        if message in _EXPECTED:
            return _EXPECTED[message].format(name=shown)
        if match := _REQUIRED.fullmatch(message):
            return self._missing(match["names"].split(", "))
        if match := _ONE_OF_REQUIRED.fullmatch(message):
            return f"angiv {_joined(match['names'].split(), 'eller')}"
        if match := _UNRECOGNISED.fullmatch(message):
            return self._unrecognised(match["args"].split())
        if match := _AMBIGUOUS.fullmatch(message):
            return f"{match['option']} kan betyde flere valgmuligheder: {match['matches']}"
        if match := _INVALID_CHOICE.fullmatch(message):
            return self._unknown_choice(shown, _literal(match["value"]))
        if match := _INVALID_TYPE.fullmatch(message):
            wanted = _TYPE_WORDS.get(match["type"])
            if wanted is None:
                return f"{shown} kan ikke være {match['value']}"
            return f"{shown} skal være {wanted} (fik {match['value']})"
        if match := _EXPECTED_COUNT.fullmatch(message):
            return f"efter {shown} skal der stå {match['count']} værdier"
        if match := _NOT_ALLOWED_WITH.fullmatch(message):
            return f"{shown} kan ikke bruges sammen med {match['other']}"
        if match := _IGNORED_VALUE.fullmatch(message):
            return f"{shown} tager ingen værdi (fik {match['value']})"
        where = f" ved {name}" if name else ""
        return f"kommandolinjen kan ikke forstås{where} (se forklaringen på engelsk herunder)"

    def _missing(self, names: list[str]) -> str:
        for name in names:
            action = self._action_named(name)
            if isinstance(action, argparse._SubParsersAction):
                return f"angiv en kommando: {', '.join(action.choices)}"
        return f"{_joined(names, 'og')} skal angives"

    def _unknown_choice(self, name: str, value: str) -> str:
        action = self._action_named(name)
        choices = [str(choice) for choice in (action.choices or [])] if action else []
        if isinstance(action, argparse._SubParsersAction):
            text = f"ukendt kommando '{value}'."
        else:
            text = f"ukendt værdi '{value}' for {name}."
        if closest := difflib.get_close_matches(value, choices, n=1):
            text += f" Mente du '{closest[0]}'?"
        return f"{text} Mulige: {', '.join(choices)}" if choices else text

    def _unrecognised(self, args: list[str]) -> str:
        if len(args) == 1:
            what = "ukendt valgmulighed" if args[0].startswith("-") else "ukendt argument"
            text = f"{what} '{args[0]}'"
        else:
            text = "ukendte argumenter: " + ", ".join(f"'{arg}'" for arg in args)
        known = {option.lstrip("-"): option for action in self._actions for option in action.option_strings}
        for arg in args:
            typed = arg.partition("=")[0].lstrip("-")
            if arg.startswith("--") and (
                closest := difflib.get_close_matches(typed, known, n=1, cutoff=0.75)
            ):
                return f"{text}. Mente du '{known[closest[0]]}'?"
        return text

    def _action_named(self, name: str) -> argparse.Action | None:
        """The action argparse names ``name`` in its messages ('--data', 'COMMAND', '-h/--help')."""
        for action in self._actions:
            if name in ("/".join(action.option_strings), action.metavar, action.dest):
                return action
        return None

    def _chosen_parser(self, namespace: argparse.Namespace) -> DanishArgumentParser:
        """The innermost (sub-)command parser that the parsed command line chose."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                chosen = action.choices.get(getattr(namespace, action.dest, None) or "")
                if isinstance(chosen, DanishArgumentParser):
                    return chosen._chosen_parser(namespace)
        return self


def _one_line(text: str) -> str:
    """Runs of spaces and line breaks as one space; a no-break space (fairness's '95 %') is kept."""
    return _SPACES.sub(" ", text).strip()


def _joined(names: Sequence[str], word: str) -> str:
    """'a', 'a og b', 'a, b og c'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"


def _literal(text: str) -> str:
    """The value argparse shows with repr(), as it was typed."""
    try:
        return str(ast.literal_eval(text))
    except (ValueError, SyntaxError):
        return text.strip("'\"")
