"""``stu-match shortlist``: the best companies for a student (or students for a company), explained."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from features.danish import number
from features.errors import InputError
from features.vocabulary import INDUSTRY_LABELS, Industry
from placement_service import (
    COMPONENT_LABELS,
    DEFAULT_TOP_K,
    InterestNotice,
    NearMiss,
    PairExplanation,
    companies_for_student,
    interests_out_of_reach,
    load_data,
    near_misses_for_student,
    students_for_company,
)
from stu_match.cli import int_in_range
from stu_match.commands._scoring_options import add_scoring_options, context_from_args

DEFAULT_NEAR_MISSES = 10


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "shortlist",
        help="de bedste virksomheder til en elev (eller de bedste elever til en virksomhed), med begrundelser",
        description="Rangerer de egnede virksomheder til én elev, fordelt på brancher og med dem inden for "
        "elevens egne interesser først (medmindre --all-industries): point, hvad de består af, hvad der "
        "taler for og imod, og hvad der skal aftales. Siger til, hvis ingen af elevens interesser kan nås, og "
        "viser de næsten egnede virksomheder: dem, hvor ét af de faste krav står i vejen, hvad der skal til, "
        "og hvor mange point parret så ville få. Med --company rangeres årgangens elever til én virksomhed "
        "i stedet.",
    )
    parser.add_argument("--data", required=True, type=Path, help="datamappe eller Excel-fil (.xlsx)")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--student", metavar="ID", help="elevens ID: find virksomheder til eleven")
    who.add_argument("--company", metavar="ID", help="virksomhedens ID: find elever til virksomheden")
    parser.add_argument(
        "--top",
        type=int,
        default=DEFAULT_TOP_K,
        metavar="K",
        help=f"hvor mange der vises (standard {DEFAULT_TOP_K})",
    )
    parser.add_argument(
        "--industry",
        action="append",
        default=None,
        metavar="BRANCHE",
        help="kun denne branche (ID eller dansk navn; kan gentages)",
    )
    parser.add_argument(
        "--max-travel",
        type=float,
        default=None,
        metavar="MIN",
        help="kun virksomheder inden for så mange minutters transport",
    )
    parser.add_argument(
        "--no-diversity", action="store_true", help="ren rækkefølge efter point, ikke fordelt på brancher"
    )
    parser.add_argument(
        "--all-industries",
        action="store_true",
        help="ranger alle brancher efter point alene (som standard kommer virksomheder inden for elevens "
        "egne interesser først)",
    )
    parser.add_argument(
        "--near-misses",
        type=int_in_range(0, 1000),
        default=None,
        metavar="K",
        help=f"hvor mange næsten egnede virksomheder der vises (standard {DEFAULT_NEAR_MISSES}; 0: ingen)",
    )
    parser.add_argument("--json", action="store_true", help="skriv listen som JSON")
    add_scoring_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    network = load_data(args.data)
    if args.company is not None:
        for option, given, what, what_da in (
            ("--industry", args.industry, "filters", "filtrerer"),
            ("--all-industries", args.all_industries, "orders", "ordner"),
            ("--near-misses", args.near_misses is not None, "lists", "viser"),
        ):
            if given:
                raise InputError(
                    f"{option} {what} companies for a student; it cannot be used with --company",
                    f"{option} {what_da} virksomheder for en elev; det kan ikke bruges med --company",
                )
    context = context_from_args(network, args)
    if args.company is not None:
        items = students_for_company(context, args.company, args.top, max_travel_minutes=args.max_travel)
        if args.json:
            payload: dict[str, object] = {
                "company_id": args.company,
                "outcome_model": context.model is not None,
                "items": [item.as_json("student") for item in items],
            }
            print(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            _print_text(items, "student", args.company)
        return 0
    items = companies_for_student(
        context,
        args.student,
        args.top,
        industries=args.industry,
        max_travel_minutes=args.max_travel,
        diverse=not args.no_diversity,
        all_industries=args.all_industries,
    )
    notice = interests_out_of_reach(context, args.student)
    near = near_misses_for_student(context, args.student)
    shown = near[: DEFAULT_NEAR_MISSES if args.near_misses is None else args.near_misses]
    if args.json:
        payload = {
            "student_id": args.student,
            "outcome_model": context.model is not None,
            "all_industries": args.all_industries,
            "items": [item.as_json("company") for item in items],
            "interest_notice": None if notice is None else notice.model_dump(),
            "near_misses": [miss.as_json() for miss in shown],
            "near_misses_total": len(near),
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_notice(notice)
        _print_text(items, "company", args.student)
        _print_near_misses(shown, len(near))
    return 0


def _print_notice(notice: InterestNotice | None) -> None:
    if notice is not None:
        print(f"Bemærk: {notice.message_da}\n")


def _print_near_misses(shown: list[NearMiss], total: int) -> None:
    if not shown:
        return
    more = f" (de {len(shown)} første af {total})" if total > len(shown) else ""
    print(f"\nNæsten egnede virksomheder: ét fast krav står i vejen{more}.")
    for miss in shown:
        industry = INDUSTRY_LABELS[Industry(miss.industry)]
        print(
            f"- {miss.company_id} {miss.company_name} ({industry}): {number(miss.score, 1)} point, hvis det løses"
        )
        print(f"   Krav: {miss.rule_da}. {miss.values_da}")
        print(f"   Løsning: {miss.lift_da}")


def _print_text(items: list[PairExplanation], counterpart: str, who: str) -> None:
    if not items:
        print(f"Ingen egnede {'virksomheder' if counterpart == 'company' else 'elever'} for {who}.")
        return
    for rank, item in enumerate(items, start=1):
        if counterpart == "company":
            industry = INDUSTRY_LABELS[Industry(item.industry)]
            print(
                f"{rank}. {item.company_id} {item.company_name} ({industry}): {number(item.score, 1)} point"
            )
        else:
            print(f"{rank}. {item.student_id}: {number(item.score, 1)} point")
        print(f"   Transport: ca. {item.travel_minutes:.0f} min.")
        parts = ", ".join(
            f"{COMPONENT_LABELS[name]} {number(points, 1)}" for name, points in item.components.items()
        )
        print(f"   Point: {parts}")
        for line in item.reasons_for:
            print(f"   + {line}")
        for line in item.reasons_against:
            print(f"   - {line}")
        for line in item.arrangements:
            print(f"   * {line}")
