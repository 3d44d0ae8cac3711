"""``stu-match outcomes import|export``: recorded outcomes (employment type and hours) in and out of the store."""

from __future__ import annotations

import argparse
from pathlib import Path

from features.loading import atomic_write_bytes
from placement_service import DecisionStore, cli_actor, load_data
from placement_service.after_match import import_outcomes, outcomes_csv
from placement_service.store import BUILTIN_NETWORK_ID


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "outcomes",
        help="import or export recorded outcomes (employment type at the end of STU and 12 months after)",
        description="Outcomes teach the learned model beside history.csv. A file has history.csv's columns "
        "(student_id, company_id, year, outcome) plus optional measured (stu_end or 12_months; default "
        "stu_end) and hours_per_week. outcome is one of job, flexjob, wage_subsidy, small_job, education, "
        "in_progress, public_support. A file with any bad row is refused whole; the same row imported "
        "again adds nothing.",
    )
    actions = parser.add_subparsers(dest="outcomes_action", required=True, metavar="ACTION")
    read = actions.add_parser("import", help="read an outcomes file into the store")
    read.add_argument("file", type=Path, metavar="FILE")
    read.add_argument("--data", type=Path, help="check the IDs against this data folder or workbook")
    read.add_argument(
        "--network",
        default=BUILTIN_NETWORK_ID,
        metavar="ID",
        help="the network to file them under (default builtin)",
    )
    read.set_defaults(run=run_import)
    write = actions.add_parser("export", help="write the store's outcomes to a CSV file")
    write.add_argument("--out", required=True, type=Path, metavar="FILE")
    write.add_argument("--network", default=BUILTIN_NETWORK_ID, metavar="ID")
    write.set_defaults(run=run_export)


def run_import(args: argparse.Namespace) -> int:
    network = load_data(args.data) if args.data else None
    rows, added = import_outcomes(DecisionStore(), args.network, args.file, cli_actor(), network)
    print(
        f"{rows} rækker læst fra {args.file.name}; {added} nye udfald gemt, {rows - added} fandtes i forvejen."
    )
    return 0


def run_export(args: argparse.Namespace) -> int:
    records = DecisionStore().outcomes(args.network)
    atomic_write_bytes(args.out, outcomes_csv(records))
    print(f"{len(records)} udfald skrevet til {args.out}.")
    return 0
