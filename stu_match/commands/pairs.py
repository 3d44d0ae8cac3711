"""``stu-match pairs``: write every eligible pair with its score, and summarise the ineligible ones."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from features.limits import danish_number
from placement_service import eligible_pairs, load_data, pairs_csv, pairs_summary
from placement_service.scoring import REASON_LABELS
from stu_match.commands._scoring_options import add_scoring_options, context_from_args
from stu_match.output import check_file_out, write_out


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "pairs",
        help="skriv alle egnede par af elev og virksomhed med deres point til en CSV-fil",
        description="Tjekker de faste krav for hver elev og virksomhed, giver hvert egnet par point og "
        "skriver student_id, company_id, score, travel_minutes, support_load (elevens mentortimer om ugen "
        "hos virksomheden) til --out. Viser, hvor mange par hvert krav sorterede fra.",
    )
    parser.add_argument("--data", required=True, type=Path, help="datamappe eller Excel-fil (.xlsx)")
    parser.add_argument("--out", required=True, type=Path, metavar="FIL", help="CSV-filen, der skal skrives")
    parser.add_argument(
        "--force",
        action="store_true",
        help="overskriv --out, også hvis den er en datafil eller en fil, kommandoen læser",
    )
    parser.add_argument("--json", action="store_true", help="skriv opsummeringen som JSON")
    add_scoring_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    check_file_out(args.out, inputs=(args.data, args.travel_matrix), force=args.force)
    network = load_data(args.data)
    context = context_from_args(network, args)
    table = eligible_pairs(context)
    write_out(args.out, pairs_csv(table))
    summary = pairs_summary(table)
    summary["out"] = str(args.out)
    summary["outcome_model"] = context.model is not None
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(
            f"{danish_number(summary['eligible_pairs'])} egnede par af {summary['students']} elever x "
            f"{summary['companies']} virksomheder er skrevet til {args.out} (maskinformat: komma og decimalpunktum)"
        )
        print(f"Elever uden nogen egnet virksomhed: {summary['students_without_pairs']}")
        print("Uegnede par efter årsag (hvert talt under det første krav, det ikke opfylder):")
        for code, count in summary["ineligible_by_reason"].items():
            print(f"  {danish_number(count):>12}  {REASON_LABELS[code]} ({code})")
    return 0
