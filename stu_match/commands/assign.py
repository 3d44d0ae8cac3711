"""``stu-match assign``: the cohort's placement plan, with locks, forbids and re-planning."""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from features.errors import InputError
from features.loading import atomic_write_bytes, load_network
from matching.context import ScoringContext
from matching.eligibility import REASON_CODES, REASON_TEXT_EN
from matching.pairs import pair_table, score_pairs
from optimizer.decision_files import read_decisions, read_plan
from optimizer.explain import unplaced_reasons
from optimizer.problem import OBJECTIVES, PlacementProblem, SolveParams
from optimizer.replan import replan
from optimizer.result import PlacementResult, ReplanResult
from optimizer.solve import solve_placement
from stu_match.cli import non_negative_float
from stu_match.commands._scoring_options import add_scoring_options, context_from_args

PLAN_COLUMNS = ("student_id", "company_id", "company_name", "score", "travel_minutes", "locked", "reasons")


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
        "--time-limit", type=non_negative_float, default=60.0, metavar="S", help="seconds (default 60)"
    )
    parser.add_argument("--objective", choices=OBJECTIVES, default="count-then-score")
    parser.add_argument("--out", type=Path, metavar="plan.csv", help="write the plan as CSV")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    add_scoring_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    network = load_network(args.data)
    # The decision files are checked before the (slower) scoring, against the network's IDs.
    student_ids = [s.student_id for s in network.students]
    company_ids = [c.company_id for c in network.companies]
    locks = read_decisions(args.locks, student_ids, company_ids) if args.locks else []
    forbids = read_decisions(args.forbids, student_ids, company_ids) if args.forbids else []
    previous = read_plan(args.previous) if args.previous else None
    context = context_from_args(network, args)
    pairs = pair_table(context)
    names = [c.name for c in network.companies]
    problem = PlacementProblem.build(
        pairs, locks, forbids, company_names=names, why_ineligible=_why_ineligible(context)
    )
    try:
        params = SolveParams(objective=args.objective, time_limit_seconds=args.time_limit)
    except ValidationError as error:
        flags = {"time_limit_seconds": "--time-limit", "objective": "--objective"}
        raise InputError(
            "; ".join(f"{flags.get(str(d['loc'][0]), d['loc'][0])}: {d['msg']}" for d in error.errors())
        ) from None
    replanned: ReplanResult | None = None
    if previous is not None:
        replanned = replan(problem, previous, params)
        result = replanned.result
    else:
        result = solve_placement(problem, params)
    reasons = unplaced_reasons(result)
    if args.out:
        atomic_write_bytes(args.out, plan_csv(result, reasons))
    report = plan_report(result, reasons, replanned)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_text(report, args.out)
    return 0


def plan_report(
    result: PlacementResult, reasons: dict[str, list[Any]], replanned: ReplanResult | None = None
) -> dict[str, Any]:
    """The JSON document of ``stu-match assign --json``."""
    report: dict[str, Any] = result.summary()
    report["assignments"] = [a.as_dict() for a in result.assignments()]
    report["unplaced"] = [
        {
            "student_id": student_id,
            "reasons": [r.text for r in reasons.get(student_id, [])],
            "reason_codes": [r.code for r in reasons.get(student_id, [])],
        }
        for student_id in result.unplaced_ids()
    ]
    if replanned is not None:
        report["moves"] = [m.as_dict() for m in replanned.moves]
        report["moves_lower_bound"] = replanned.moves_lower_bound
        report["kept"] = replanned.kept
        report["departed"] = list(replanned.departed)
    return report


def plan_csv(result: PlacementResult, reasons: dict[str, list[Any]]) -> bytes:
    """One row per student: the company (empty if unplaced), score, travel, locked, and reasons if unplaced."""
    problem = result.problem
    pairs = problem.pairs
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(PLAN_COLUMNS)
    locked = problem.locked
    for i in range(pairs.n_students):
        student_id = str(pairs.student_ids[i])
        k = int(result.pair_of_student[i])
        if k < 0:
            text = " | ".join(r.text for r in reasons.get(student_id, []))
            writer.writerow([student_id, "", "", "", "", "no", text])
            continue
        j = int(pairs.company[k])
        name = "" if problem.company_names is None else problem.company_names[j]
        writer.writerow(
            [
                student_id,
                str(pairs.company_ids[j]),
                name,
                f"{float(pairs.score[k]):.2f}",
                f"{float(pairs.travel_minutes[k]):.1f}",
                "yes" if locked[i] else "no",
                "",
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _why_ineligible(context: ScoringContext) -> Callable[[int, int], str]:
    """Name the hard rules a (student, company) pair fails, in English, for lock conflicts."""

    def explain(student: int, company: int) -> str:
        scores = score_pairs(context, np.array([student]), np.array([company]))
        failed = [
            REASON_TEXT_EN.get(code, code)
            for code, bad in zip(REASON_CODES, scores.failures[0], strict=False)
            if bad
        ]
        return "; ".join(failed)

    return explain


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
