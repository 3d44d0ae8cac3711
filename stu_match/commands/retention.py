"""``stu-match retention run``: delete what the store holds on students whose STU ended long enough ago."""

from __future__ import annotations

import argparse

from placement_service import DEFAULT_RETENTION_MONTHS, DecisionStore, cli_actor, run_retention


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "retention",
        help="delete personal data past its retention period (administrator)",
        description="Deletes decisions, consent records, places in saved plans and profile digests of every "
        f"student whose STU ended more than --months ago (default {DEFAULT_RETENTION_MONTHS}: twelve months "
        "after the 12-month outcome is due). A deletion record without health data is kept. The app runs "
        "the same at start-up.",
    )
    actions = parser.add_subparsers(dest="retention_action", required=True, metavar="ACTION")
    run = actions.add_parser("run", help="delete what is due now")
    run.add_argument("--months", type=int, default=DEFAULT_RETENTION_MONTHS, metavar="N")
    run.set_defaults(run=run_now)


def run_now(args: argparse.Namespace) -> int:
    deleted = run_retention(DecisionStore(), cli_actor(), months=args.months)
    if not deleted:
        print("Ingen elevers data skal slettes nu.")
    for record in deleted:
        print(f"Slettet: {record.student_id} (netværk {record.network_key}, STU sluttede {record.stu_end})")
    return 0
