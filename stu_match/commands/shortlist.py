"""``stu-match shortlist``: the best companies for a student (or students for a company), explained."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from features.errors import InputError
from features.vocabulary import INDUSTRY_LABELS, Industry
from placement_service import (
    COMPONENT_LABELS,
    DEFAULT_TOP_K,
    PairExplanation,
    companies_for_student,
    load_data,
    students_for_company,
)
from stu_match.commands._scoring_options import add_scoring_options, context_from_args


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "shortlist",
        help="the best companies for a student (or the best students for a company), with reasons",
        description="Rank the eligible companies for one student, spread over industries, with the score, "
        "its components, reasons for and against and the arrangements needed (in Danish). "
        "With --company, rank the students of the cohort for one company instead.",
    )
    parser.add_argument("--data", required=True, type=Path, help="data folder or .xlsx workbook")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--student", metavar="ID", help="student ID: shortlist companies for this student")
    who.add_argument("--company", metavar="ID", help="company ID: shortlist students for this company")
    parser.add_argument("--top", type=int, default=DEFAULT_TOP_K, metavar="K", help="how many (default 5)")
    parser.add_argument(
        "--industry",
        action="append",
        default=None,
        metavar="INDUSTRY",
        help="keep only this industry (identifier or Danish label; repeatable)",
    )
    parser.add_argument(
        "--max-travel", type=float, default=None, metavar="MIN", help="drop companies farther away"
    )
    parser.add_argument(
        "--no-diversity", action="store_true", help="plain score order, not spread over industries"
    )
    parser.add_argument("--json", action="store_true", help="print the shortlist as JSON")
    add_scoring_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    network = load_data(args.data)
    context = context_from_args(network, args)
    if args.company is not None:
        if args.industry:
            raise InputError("--industry filters companies; it cannot be used with --company")
        items = students_for_company(context, args.company, args.top, max_travel_minutes=args.max_travel)
        counterpart = "student"
    else:
        items = companies_for_student(
            context,
            args.student,
            args.top,
            industries=args.industry,
            max_travel_minutes=args.max_travel,
            diverse=not args.no_diversity,
        )
        counterpart = "company"
    if args.json:
        payload = {
            "student_id" if counterpart == "company" else "company_id": args.student or args.company,
            "outcome_model": context.model is not None,
            "items": [item.as_json(counterpart) for item in items],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_text(items, counterpart, args.student or args.company)
    return 0


def _print_text(items: list[PairExplanation], counterpart: str, who: str) -> None:
    if not items:
        print(f"Ingen egnede {'virksomheder' if counterpart == 'company' else 'elever'} for {who}.")
        return
    for rank, item in enumerate(items, start=1):
        if counterpart == "company":
            industry = INDUSTRY_LABELS[Industry(item.industry)]
            print(f"{rank}. {item.company_id} {item.company_name} ({industry}): {item.score:.1f} point")
        else:
            print(f"{rank}. {item.student_id}: {item.score:.1f} point")
        print(f"   Transport: ca. {item.travel_minutes:.0f} min.")
        parts = ", ".join(
            f"{COMPONENT_LABELS[name]} {points:.1f}" for name, points in item.components.items()
        )
        print(f"   Point: {parts}")
        for line in item.reasons_for:
            print(f"   + {line}")
        for line in item.reasons_against:
            print(f"   - {line}")
        for line in item.arrangements:
            print(f"   * {line}")
