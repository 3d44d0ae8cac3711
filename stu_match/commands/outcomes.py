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
        help="indlæs eller udlæs registrerede udfald (beskæftigelse ved STU's afslutning og 12 måneder efter)",
        description="Modellen lærer af udfaldene sammen med history.csv. En fil har history.csv's kolonner "
        "(student_id, company_id, year, outcome) og kan have measured (stu_end eller 12_months; standard "
        "stu_end) og hours_per_week. outcome er en af job (ordinært job), flexjob (fleksjob), wage_subsidy "
        "(job med løntilskud), small_job (småjob), education (uddannelse), in_progress (i gang / "
        "afklaring), public_support (offentlig forsørgelse). En fil med én forkert række afvises helt; "
        "en række, der allerede er indlæst, tilføjer intet.",
    )
    actions = parser.add_subparsers(
        dest="outcomes_action", required=True, metavar="HANDLING", title="handlinger"
    )
    read = actions.add_parser(
        "import",
        help="læs en fil med udfald ind i databasen",
        description="Læser en fil med udfald ind i databasen.",
    )
    read.add_argument("file", type=Path, metavar="FIL", help="CSV-filen med udfald")
    read.add_argument("--data", type=Path, help="tjek ID'erne mod denne datamappe eller Excel-fil (.xlsx)")
    read.add_argument(
        "--network",
        default=BUILTIN_NETWORK_ID,
        metavar="ID",
        help="netværket, udfaldene hører til (standard builtin)",
    )
    read.set_defaults(run=run_import)
    write = actions.add_parser(
        "export",
        help="skriv databasens udfald til en CSV-fil",
        description="Skriver databasens udfald til en CSV-fil.",
    )
    write.add_argument("--out", required=True, type=Path, metavar="FIL", help="CSV-filen, der skal skrives")
    write.add_argument(
        "--network", default=BUILTIN_NETWORK_ID, metavar="ID", help="netværket (standard builtin)"
    )
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
