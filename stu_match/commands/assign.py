"""``stu-match assign``: the cohort's placement plan, with locks, forbids and re-planning."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from features.loading import atomic_write_bytes
from placement_service import (
    DEFAULT_OBJECTIVE,
    DEFAULT_TIME_LIMIT_SECONDS,
    OBJECTIVES,
    load_data,
    plan_cohort,
    read_decision_file,
    read_plan_file,
    solve_params,
)
from stu_match.cli import non_negative_float
from stu_match.commands._scoring_options import add_scoring_options, context_from_args


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "assign",
        help="propose the cohort's placement plan (most students placed, then the best scores)",
        description="Solve the placement plan on the eligible pairs that `stu-match pairs` writes (same "
        "scoring options), honouring locks and forbids. Proven optimal, or the best plan with its bound "
        "when --time-limit is hit. With --previous, move as few students of an approved plan as possible.",
    )
    parser.add_argument("--data", required=True, type=Path, help="data folder or .xlsx workbook")
    parser.add_argument(
        "--locks", type=Path, metavar="FILE", help="CSV student_id, company_id: must be placed there"
    )
    parser.add_argument(
        "--forbids", type=Path, metavar="FILE", help="CSV student_id, company_id: never there"
    )
    parser.add_argument(
        "--previous",
        type=Path,
        metavar="PLAN",
        help="an approved plan (CSV student_id, company_id) to stay close to",
    )
    parser.add_argument(
        "--time-limit",
        type=non_negative_float,
        default=DEFAULT_TIME_LIMIT_SECONDS,
        metavar="S",
        help=f"seconds (default {DEFAULT_TIME_LIMIT_SECONDS:g})",
    )
    parser.add_argument("--objective", choices=OBJECTIVES, default=DEFAULT_OBJECTIVE)
    parser.add_argument("--out", type=Path, metavar="plan.csv", help="write the plan as CSV")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    add_scoring_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
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
    if args.out:
        atomic_write_bytes(args.out, plan.csv_bytes())
    report = plan.report()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_text(report, args.out)
    return 0


def _print_text(report: dict[str, Any], out: Path | None) -> None:
    print(
        f"{report['status']}: placed {report['placed']} of {report['students']} students, "
        f"total score {report['objective_score']:.2f} ({report['objective']}, {report['solve_seconds']:.2f} s)"
    )
    if report["status"] != "OPTIMAL":
        print(
            f"  time limit reached: at most {report['placed_bound']} can be placed"
            + (
                f", total score at most {report['score_bound']:.2f}"
                if report["score_bound"] is not None
                else ""
            )
            + f" (gap {100 * report['gap']:.2f} %)"
        )
    if "moves" in report:
        print(f"  moves from the approved plan: {len(report['moves'])} (kept {report['kept']})")
        for move in report["moves"]:
            print(f"    {move['student_id']}: {move['from']} -> {move['to'] or 'unplaced'}")
        if report["departed"]:
            print(f"  no longer in the data: {', '.join(report['departed'])}")
    print(f"  unplaced: {len(report['unplaced'])}")
    for item in report["unplaced"][:20]:
        first = item["reasons"][0] if item["reasons"] else ""
        print(f"    {item['student_id']}: {first}")
    if len(report["unplaced"]) > 20:
        print(f"    ... and {len(report['unplaced']) - 20} more (see --json or --out)")
    if out:
        print(f"wrote the plan to {out}")
