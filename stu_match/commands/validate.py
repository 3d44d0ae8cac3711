"""``stu-match validate``: load and check a data set; print its summary or every problem."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from features.danish import number
from features.limits import danish_number
from features.loading import load_network
from features.vocabulary import (
    IMPAIRMENT_GROUP_LABELS,
    STRESS_REACTION_LABELS,
    ImpairmentGroup,
    StressReaction,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="kontrollér en datamappe eller Excel-fil og vis et overblik",
        description="Kontrollerer hver fil, række og kolonne. Er der fejl, vises alle problemerne, og "
        "afslutningskoden er 2.",
    )
    parser.add_argument("--data", required=True, type=Path, help="datamappe eller Excel-fil (.xlsx)")
    parser.add_argument("--json", action="store_true", help="skriv overblikket (eller fejlene) som JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    summary = load_network(args.data).summary()
    if args.json:
        print(json.dumps(summary.model_dump(), ensure_ascii=False, indent=2))
    else:
        print(f"{args.data}: gyldige data")
        for name, value in summary.model_dump().items():
            if name == "most_common_impairment_groups":
                value = [IMPAIRMENT_GROUP_LABELS[ImpairmentGroup(v)].lower() for v in value]
            elif name == "most_common_stress_reactions":
                value = [STRESS_REACTION_LABELS[StressReaction(v)].lower() for v in value]
            print(f"  {SUMMARY_LABELS.get(name, name)}: {_shown(value)}")
    return 0


SUMMARY_LABELS: dict[str, str] = {
    "students": "Elever",
    "companies": "Virksomheder",
    "industries": "Brancher",
    "stu_sites": "STU-steder",
    "municipalities": "Bopælskommuner",
    "company_municipalities": "Virksomhedernes kommuner",
    "internship_slots": "Praktikpladser",
    "mentor_capacity": "Mentortimer om ugen i alt",
    "men": "Mænd",
    "women": "Kvinder",
    "aged_19_20": "19-20 år",
    "mean_impairments": "Funktionsnedsættelser pr. elev (gennemsnit)",
    "mean_stress_reactions": "Stressreaktioner pr. elev (gennemsnit)",
    "most_common_impairment_groups": "Hyppigste grupper af funktionsnedsættelser",
    "most_common_stress_reactions": "Hyppigste stressreaktioner",
    "history_placements": "Tidligere praktikker",
    "alumni": "Tidligere elever",
}


def _shown(value: object) -> str:
    if isinstance(value, float):
        return number(value, 2)
    if isinstance(value, int):
        return danish_number(value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)
