"""Options shared by the scoring commands (shortlist, pairs, evaluate): weights, travel matrix, model."""

from __future__ import annotations

import argparse
from pathlib import Path

from features.errors import InputError
from features.network import Network
from placement_service import ScoringConfig, ScoringContext, scoring_config
from placement_service.learning import scoring_for_files


def add_scoring_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--travel-matrix",
        type=Path,
        default=None,
        metavar="FIL",
        help="CSV med student_id, company_id, minutes fra en ruteplanlægger; erstatter de anslåede "
        "transporttider",
    )
    parser.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="NAVN=VÆRDI",
        help="ændr en indstilling for pointgivningen, fx --weight travel=3 (kan gentages; se docs/scoring.md)",
    )
    parser.add_argument(
        "--rule-only",
        action="store_true",
        help="giv kun point efter reglerne, uden modellen, der har lært af tidligere udfald (history.csv)",
    )


def config_from_args(args: argparse.Namespace) -> ScoringConfig:
    """The scoring configuration with the ``--weight NAME=VALUE`` changes; bad values raise InputError."""
    changes: dict[str, object] = {}
    for item in args.weight:
        name, separator, raw = item.partition("=")
        if not separator or not name.strip():
            raise InputError(
                f"--weight must look like NAME=VALUE, e.g. travel=3. Got {item!r} instead.",
                f"--weight skal skrives som NAVN=VÆRDI, fx travel=3 (fik {item!r}).",
            )
        changes[name.strip()] = _number(raw.strip())
    return scoring_config(changes)


def context_from_args(network: Network, args: argparse.Namespace) -> ScoringContext:
    return scoring_for_files(
        network, config_from_args(args), travel_matrix=args.travel_matrix, rule_only=args.rule_only
    )


def _number(text: str) -> object:
    for kind in (int, float):
        try:
            return kind(text.replace(",", "."))
        except ValueError:
            continue
    return text
