"""``stu-match retention run``: delete what the store holds on students whose STU ended long enough ago."""

from __future__ import annotations

import argparse

from placement_service import DEFAULT_RETENTION_MONTHS, DecisionStore, cli_actor, run_retention


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "retention",
        help="slet personoplysninger, når de ikke længere må opbevares (administrator)",
        description="Sletter beslutninger, samtykker, pladser i gemte planer og profilernes kontrolsummer "
        "for hver elev, hvis STU sluttede for mere end --months måneder siden (standard "
        f"{DEFAULT_RETENTION_MONTHS}: tolv måneder efter, at udfaldet 12 måneder efter STU skal være "
        "registreret). En note om sletningen uden helbredsoplysninger bliver gemt. Appen gør det samme, "
        "når den starter.",
    )
    actions = parser.add_subparsers(
        dest="retention_action", required=True, metavar="HANDLING", title="handlinger"
    )
    run = actions.add_parser(
        "run", help="slet det, der skal slettes nu", description="Sletter det, der skal slettes nu."
    )
    run.add_argument(
        "--months",
        type=int,
        default=DEFAULT_RETENTION_MONTHS,
        metavar="N",
        help=f"måneder efter STU's afslutning (standard {DEFAULT_RETENTION_MONTHS})",
    )
    run.set_defaults(run=run_now)


def run_now(args: argparse.Namespace) -> int:
    deleted = run_retention(DecisionStore(), cli_actor(), months=args.months)
    if not deleted:
        print("Ingen elevers data skal slettes nu.")
    for record in deleted:
        print(f"Slettet: {record.student_id} (netværk {record.network_key}, STU sluttede {record.stu_end})")
    return 0
