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
        help="network gaps, recruitment recommendations and critical companies (for coordinators)",
        description="Demand against supply per industry x area and per workplace need, unplaced students "
        "by reason, the companies to recruit (gain verified by re-solving the plan), the companies whose "
        "withdrawal would cost placements, and for unplaced students which one hard rule lifted at which "
        "company would place the most (also verified). Uses the plan `stu-match assign` proposes with the "
        "same options.",
    )
    parser.add_argument("--data", required=True, type=Path, help="data folder or .xlsx workbook")
    parser.add_argument(
        "--top", type=positive_int, default=10, help="recommendations and rule lifts to show (default 10)"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
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
    print(f"Placed {report.placed} of {report.students} students.")
    print("\nStudents left over, by industry and municipality (demand / fitting slots / placed / unplaced):")
    rows = [r for r in report.industry_area if r.area_level == "municipality" and r.unplaced > 0]
    for row in sorted(rows, key=lambda r: (-r.unplaced, r.industry, r.area))[:15]:
        print(
            f"  {row.industry:<24} {row.area:<18} {row.demand:>3} / {row.fitting_slots:>3} / {row.placed:>3} / {row.unplaced:>3}"
        )
    print("\nWorkplace needs (demand / fitting slots / placed / unplaced):")
    for need in report.needs:
        print(
            f"  {need.need:<22} {need.demand:>3} / {need.fitting_slots:>3} / {need.placed:>3} / {need.unplaced:>3}"
        )
    print("\nUnplaced students by reason:")
    for group in report.unplaced_by_reason:
        print(f"  {group.reason:<18} {group.count:>3}: {', '.join(group.students)}")
    print("\nRecommended companies to recruit (gain verified by re-solving):")
    for rec in report.recommendations:
        print(
            f"  +{rec.gain} {rec.industry} in {rec.municipality}, {rec.slots} slot(s): {', '.join(rec.students)}"
        )
    print("\nCritical companies (placements lost if they leave):")
    for company in report.critical_companies:
        print(f"  -{company.loss} {company.company_id} {company.name}")
    print("\nOne hard rule lifted at one company (gain verified):")
    for lift in report.rule_lifts:
        print(
            f"  +{lift.gain} {lift.company_id} {lift.company_name}: {lift.rule} ({lift.lift}): {', '.join(lift.students)}"
        )
        for student_id, text in lift.arrangements.items():
            print(f"      {student_id}: {text}")
