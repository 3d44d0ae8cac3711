"""``stu-match assign``: the cohort's placement plan, with locks, forbids and re-planning."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from features.danish import number
from features.errors import InputError, file_error_da
from placement_service import (
    DEFAULT_OBJECTIVE,
    DEFAULT_TIME_LIMIT_SECONDS,
    OBJECTIVES,
    Plan,
    load_data,
    plan_cohort,
    read_decision_file,
    read_plan_file,
    solve_params,
)
from placement_service.plan_status import bound_da
from placement_service.planning import OBJECTIVE_LABELS
from stu_match.cli import EXIT_BAD_INPUT, non_negative_float
from stu_match.commands._scoring_options import add_scoring_options, context_from_args
from stu_match.danish_argparse import report
from stu_match.output import check_file_out, save_elsewhere, write_out


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "assign",
        help="foreslå årgangens praktikplan (flest elever i praktik, se --objective for resten)",
        description="Lægger praktikplanen ud fra de egnede par, som `stu-match pairs` skriver (med de samme "
        "valgmuligheder for pointgivningen), og overholder låste og udelukkede par. Planen er bevist "
        "bedst mulig, eller, når --time-limit nås, den bedste fundet i tide med en grænse for, hvor god den "
        "kan blive. Med --previous flyttes så få elever som muligt i forhold til en godkendt plan.",
    )
    parser.add_argument("--data", required=True, type=Path, help="datamappe eller Excel-fil (.xlsx)")
    parser.add_argument(
        "--locks",
        type=Path,
        metavar="FIL",
        help="CSV med student_id, company_id: låste par, hvor eleven skal i praktik",
    )
    parser.add_argument(
        "--forbids",
        type=Path,
        metavar="FIL",
        help="CSV med student_id, company_id: udelukkede par, hvor eleven aldrig skal i praktik",
    )
    parser.add_argument(
        "--previous",
        type=Path,
        metavar="PLAN",
        help="en godkendt plan (CSV med student_id, company_id), som den nye plan skal ligge tæt på",
    )
    parser.add_argument(
        "--time-limit",
        type=non_negative_float,
        default=DEFAULT_TIME_LIMIT_SECONDS,
        metavar="S",
        help=f"tidsgrænse i sekunder (standard {number(DEFAULT_TIME_LIMIT_SECONDS)})",
    )
    parser.add_argument(
        "--objective",
        choices=OBJECTIVES,
        default=DEFAULT_OBJECTIVE,
        help="planens mål: "
        + "; ".join(f"{name}: {OBJECTIVE_LABELS[name].lower()}" for name in OBJECTIVES)
        + f" (standard {DEFAULT_OBJECTIVE})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="plan.csv",
        help="skriv planen til en fil: en Excel-fil, når navnet ender på .xlsx, ellers CSV",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="overskriv --out, også hvis den er en datafil eller en fil, kommandoen læser",
    )
    parser.add_argument("--json", action="store_true", help="skriv planen som JSON")
    add_scoring_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.out:
        inputs = (args.data, args.locks, args.forbids, args.previous, args.travel_matrix)
        check_file_out(args.out, inputs=inputs, force=args.force)
    network = load_data(args.data)
    # The decision files and options are checked before the (slower) scoring.
    locks = read_decision_file(args.locks, network) if args.locks else []
    forbids = read_decision_file(args.forbids, network) if args.forbids else []
    previous = read_plan_file(args.previous) if args.previous else None
    solve_params(args.objective, args.time_limit)
    plan = plan_cohort(
        context_from_args(network, args),
        locks,
        forbids,
        objective=args.objective,
        time_limit=args.time_limit,
        previous=previous,
    )
    written = _write_plan(plan, args.out) if args.out else None
    report = plan.report()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_text(report, written)
    return EXIT_BAD_INPUT if args.out and written != args.out else 0


def _write_plan(plan: Plan, out: Path) -> Path | None:
    """Write the plan to ``out``; if that fails, say so and keep the plan in a temporary file (or on stderr).

    Returns where the plan was written (``None`` when only printed): a solved plan is never lost.
    """
    workbook = out.suffix.lower() == ".xlsx"
    data = plan.workbook_bytes() if workbook else plan.csv_bytes()
    try:
        write_out(out, data)
        return out
    except InputError as error:
        report(error.message_da, error.message)
    try:
        elsewhere = save_elsewhere(data, ".xlsx" if workbook else ".csv")
    except OSError as error:
        report(
            f"planen kan heller ikke gemmes et andet sted ({file_error_da(error)}); her er den som CSV:",
            f"the plan cannot be saved elsewhere either ({error.strerror or error})",
        )
        sys.stderr.write(plan.csv_bytes().decode("utf-8"))
        return None
    print(f"Planen er i stedet gemt i {elsewhere}", file=sys.stderr)
    return elsewhere


def _print_text(report: dict[str, Any], out: Path | None) -> None:
    status = "Bedste plan (bevist optimal)" if report["status"] == "OPTIMAL" else "Bedste plan fundet i tide"
    print(
        f"{status}: {number(report['placed'])} af {number(report['students'])} elever placeret, "
        f"{number(report['in_interest'])} inden for deres egne interesser; samlet score "
        f"{number(report['objective_score'], 2)} (mål: {OBJECTIVE_LABELS.get(report['objective'], report['objective']).lower()}, "
        f"{number(report['solve_seconds'], 2)} s)"
    )
    bound = bound_da(report)
    if bound is not None:
        print(f"  {bound}")
    if "moves" in report:
        print(
            f"  Flytninger fra den godkendte plan: {number(len(report['moves']))} (beholdt {number(report['kept'])})"
        )
        for move in report["moves"]:
            print(f"    {move['student_id']}: {move['from']} -> {move['to'] or 'uden plads'}")
        if report["departed"]:
            print(f"  Ikke længere i data: {', '.join(report['departed'])}")
    print(f"  Uden plads: {number(len(report['unplaced']))}")
    for item in report["unplaced"][:20]:
        first = item["reasons"][0] if item["reasons"] else ""
        print(f"    {item['student_id']}: {first}")
    if len(report["unplaced"]) > 20:
        print(f"    ... og {number(len(report['unplaced']) - 20)} mere (se --json eller --out)")
    if out:
        print(f"Planen er skrevet til {out}")
