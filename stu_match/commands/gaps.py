"""``stu-match gaps``: where the network falls short, whom to recruit, and which companies are critical."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from placement_service import GapReport, gap_report, load_data
from stu_match.cli import positive_int
from stu_match.commands._scoring_options import add_scoring_options, context_from_args


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "gaps",
        help="huller i netværket, virksomheder at rekruttere og kritiske virksomheder (til "
        "netværkskoordinatorer)",
        description="Efterspørgsel mod udbud pr. branche og område og pr. behov på arbejdspladsen; elever "
        "uden plads og hvorfor; de virksomheder, der bør rekrutteres (gevinsten er prøvet ved at lægge "
        "planen igen); de virksomheder, hvis praktikpladser ikke kan undværes; og for elever uden plads: "
        "hvilket af de faste krav, løsnet hos hvilken virksomhed, der ville give flest elever en plads "
        "(også prøvet). Bruger den plan, `stu-match assign` foreslår med de samme valgmuligheder.",
    )
    parser.add_argument("--data", required=True, type=Path, help="datamappe eller Excel-fil (.xlsx)")
    parser.add_argument(
        "--top",
        type=positive_int,
        default=10,
        metavar="K",
        help="hvor mange anbefalinger og løsnede krav der vises (standard 10)",
    )
    parser.add_argument("--json", action="store_true", help="skriv rapporten som JSON")
    add_scoring_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    network = load_data(args.data)
    report = gap_report(context_from_args(network, args), top=args.top)
    if args.json:
        print(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        _print_text(report)
    return 0


def report_json(report: GapReport) -> dict[str, object]:
    data = report.model_dump()
    data["industry_area"] = [
        {**row, "area": row["area"], "level": row.pop("area_level")} for row in data["industry_area"]
    ]
    return data


def _print_text(report: GapReport) -> None:
    print(f"{report.placed} af {report.students} elever er placeret.")
    print(
        "\nElever uden plads efter branche og kommune (efterspørgsel / passende pladser / placeret / uden plads):"
    )
    rows = [r for r in report.industry_area if r.area_level == "municipality" and r.unplaced > 0]
    for row in sorted(rows, key=lambda r: (-r.unplaced, r.industry, r.area))[:15]:
        print(
            f"  {row.industry_label:<30} {row.area:<18} "
            f"{row.demand:>3} / {row.fitting_slots:>3} / {row.placed:>3} / {row.unplaced:>3}"
        )
    print("\nBehov på arbejdspladsen (efterspørgsel / passende pladser / placeret / uden plads):")
    for need in report.needs:
        print(
            f"  {need.label:<40} {need.demand:>3} / {need.fitting_slots:>3} / {need.placed:>3} / {need.unplaced:>3}"
        )
    print("\nElever uden plads efter årsag:")
    for group in report.unplaced_by_reason:
        print(f"  {group.label}: {group.count} ({', '.join(group.students)})")
    print("\nVirksomheder at rekruttere (gevinsten er efterprøvet ved at løse planen igen):")
    for rec in report.recommendations:
        slots = f"{rec.slots} plads" if rec.slots == 1 else f"{rec.slots} pladser"
        print(f"  +{rec.gain} {rec.industry_label} i {rec.municipality}, {slots}: {', '.join(rec.students)}")
    print("\nKritiske virksomheder (placeringer, der går tabt, hvis de træder ud):")
    for company in report.critical_companies:
        print(f"  -{company.loss} {company.company_id} {company.name}")
    print("\nÉt fast krav løftet hos én virksomhed (gevinsten er efterprøvet):")
    for lift in report.rule_lifts:
        print(
            f"  +{lift.gain} {lift.company_id} {lift.company_name}: {lift.rule_da} ({lift.lift_label}): "
            f"{', '.join(lift.students)}"
        )
        for student_id, text in lift.arrangements.items():
            print(f"      {student_id}: {text}")
