"""``stu-match fairness``: placement by group in the proposed plan, and the outcome model's calibration by group."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from features.danish import number
from placement_service import load_data, plan_cohort
from placement_service.fairness import (
    GROUP_LABELS_DA,
    GROUPS,
    MAX_GAP,
    MIN_GROUP_SIZE,
    FairnessReport,
    GroupCalibration,
    GroupPlacement,
    calibration_by_group,
    fairness_report,
    value_label,
)
from stu_match.commands._scoring_options import add_scoring_options, context_from_args


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fairness",
        help="placering og modellens træfsikkerhed pr. gruppe (STU-sted, køn, alder, "
        "funktionsnedsættelse, transport)",
        description="For hvert STU-sted, køn, aldersgruppe, gruppe af funktionsnedsættelser og transportform: "
        "elever, placerede, placerede inden for egne interesser, gennemsnitlige point og elever uden plads "
        "efter årsag (ingen egnet virksomhed; de egnede virksomheder er fulde; ikke valgt) i den plan, "
        "`stu-match assign` foreslår med de samme valgmuligheder. Desuden udfaldsmodellens træfsikkerhed "
        "(kalibrering) pr. gruppe på historik, der er holdt ude af læringen: den gennemsnitlige forudsagte "
        "mod den faktiske andel i job af enhver art, med 95\u00a0%-konfidensinterval (Wilson). Grupper under "
        f"{MIN_GROUP_SIZE} viser deres antal og ingen andel; en større gruppe markeres, når forudsagt og "
        f"faktisk afviger med mere end {number(100 * MAX_GAP)} procentpoint. Se docs/outcome-model.md.",
    )
    parser.add_argument("--data", required=True, type=Path, help="datamappe eller Excel-fil (.xlsx)")
    parser.add_argument(
        "--by",
        action="append",
        choices=GROUPS,
        metavar="GRUPPE",
        help=f"kun denne opdeling (kan gentages): {', '.join(GROUPS)}",
    )
    parser.add_argument("--json", action="store_true", help="skriv rapporten som JSON")
    add_scoring_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    network = load_data(args.data)
    context = context_from_args(network, args)
    report = fairness_report(plan_cohort(context), calibration_by_group(network))
    if args.by:
        keep = [group for group in GROUPS if group in args.by]
        report = report.model_copy(
            update={
                "placement_by_group": {g: report.placement_by_group[g] for g in keep},
                "calibration": report.calibration.model_copy(
                    update={"groups": {g: rows for g, rows in report.calibration.groups.items() if g in keep}}
                ),
            }
        )
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        _print_text(report)
    return 0


def _number(value: float, decimals: int = 0) -> str:
    """A number as a Dane writes it: '1.234,5'."""
    return f"{value:,.{decimals}f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _share(part: int, whole: int) -> str:
    return f"{_number(100 * part / whole)} %" if whole else "–"


def _placement_line(row: GroupPlacement) -> str:
    name = value_label(row.group, row.value)
    if row.small:  # counts only: a rate of a few students would be over-read
        placed = f"{row.placed}"
        inside = f"{row.in_interest}"
    else:
        placed = f"{row.placed} ({_share(row.placed, row.students)})"
        inside = f"{row.in_interest} ({_share(row.in_interest, row.placed)})"
    score = "–" if row.mean_score is None or row.small else _number(row.mean_score, 1)
    causes = f"{row.unplaced_no_eligible} / {row.unplaced_full} / {row.unplaced_other}"
    mark = "  (lille gruppe)" if row.small else ""
    return f"  {name:<28} {row.students:>6}  {placed:<11} {inside:<12} {score:>7}   {causes}{mark}"


def _calibration_line(row: GroupCalibration) -> str:
    name = value_label(row.group, row.value)
    if row.predicted is None or row.observed is None or row.low is None or row.high is None:
        return f"  {name:<28} {row.n:>6}  (under {MIN_GROUP_SIZE}: ingen andel vises)"
    gap = 100 * (row.predicted - row.observed)
    signed = ("+" if gap >= 0 else "−") + _number(abs(gap), 1)
    flag = "  !" if row.flagged else ""
    return (
        f"  {name:<28} {row.n:>6}  {_number(100 * row.predicted, 1):>6} %   {_number(100 * row.observed, 1):>6} %"
        f"   {_number(100 * row.low, 1)}–{_number(100 * row.high, 1)} %   {signed:>5} point{flag}"
    )


def _print_text(report: FairnessReport) -> None:
    print("Retfærdighed på tværs af grupper")
    print(
        f"\nPlacering pr. gruppe i den plan, som stu-match assign foreslår: {report.placed} af "
        f"{report.students} elever er placeret. En elev med flere slags funktionsnedsættelse tæller med i hver. "
        f"Grupper med under {MIN_GROUP_SIZE} elever vises med antal, uden andele og gennemsnit. "
        "I interesser: placeret i en branche, eleven selv har valgt (andelen er af de placerede)."
    )
    for group, rows in report.placement_by_group.items():
        print(f"\n{GROUP_LABELS_DA[group]}")
        print(
            f"  {'Gruppe':<28} {'Elever':>6}  {'Placeret':<11} {'I interesser':<12} {'Gns. score':>7}   "
            "Uden plads: ingen passende / fuldt besat / ikke valgt"
        )
        for row in rows:
            print(_placement_line(row))
    calibration = report.calibration
    print("\nModellens kalibrering pr. gruppe")
    if calibration.reason_da is not None:
        print(f"  {calibration.reason_da}")
        return
    print(
        f"  {calibration.placements} tidligere praktikker, hver forudsagt af en model lært uden den tidligere elev "
        f"({calibration.folds} dele). Sandsynlighed for job af enhver art: forudsagt mod observeret, med 95 %-"
        f"interval for den observerede andel (Wilson). Markeret med ! når forskellen er over "
        f"{_number(100 * MAX_GAP)} procentpoint; grupper under {MIN_GROUP_SIZE} markeres aldrig."
    )
    for group, cal_rows in calibration.groups.items():
        print(f"\n{GROUP_LABELS_DA[group]}")
        print(
            f"  {'Gruppe':<28} {'Antal':>6}  Forudsagt  Observeret  Interval         Forskel (forudsagt − observeret)"
        )
        for cal in cal_rows:
            print(_calibration_line(cal))
    flagged = calibration.flagged
    print(
        f"\n{len(flagged)} gruppe{'' if len(flagged) == 1 else 'r'} markeret."
        if flagged
        else "\nIngen gruppe er markeret."
    )
