"""``stu-match generate``: write a synthetic network as CSV files (or an Excel workbook)."""

from __future__ import annotations

import argparse
from pathlib import Path

from features.errors import InputError, file_error_da
from features.limits import MAX_GENERATED, MAX_SEED, danish_number
from features.loading import write_tables, write_workbook
from features.synthetic import DEFAULT_SEED, PILOT_COMPANIES, PILOT_STUDENTS, generate
from stu_match.cli import int_in_range
from stu_match.output import check_folder_out, check_workbook_out


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="skriv et syntetisk netværk (som standard som Joballiancens pilotprojekt)",
        description="Skriver students.csv, companies.csv, history.csv og alumni.csv for et syntetisk "
        "netværk til en mappe, eller til én Excel-fil, når --out ender på .xlsx. En mappe, der allerede "
        "har data, eller en Excel-fil, der findes i forvejen, overskrives kun med --force.",
    )
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="MAPPE",
        help="mappen (eller .xlsx-filen), der skal skrives",
    )
    parser.add_argument(
        "--students",
        type=int_in_range(1, MAX_GENERATED),
        default=PILOT_STUDENTS,
        metavar="N",
        help=f"elever i årgangen, 1 til {danish_number(MAX_GENERATED)} (standard {PILOT_STUDENTS})",
    )
    parser.add_argument(
        "--companies",
        type=int_in_range(1, MAX_GENERATED),
        default=PILOT_COMPANIES,
        metavar="N",
        help=f"virksomheder, 1 til {danish_number(MAX_GENERATED)} (standard {PILOT_COMPANIES})",
    )
    parser.add_argument(
        "--alumni",
        type=int_in_range(0, MAX_GENERATED),
        default=None,
        metavar="N",
        help=f"tidligere elever med afsluttede praktikforløb, 0 til {danish_number(MAX_GENERATED)} "
        "(standard: 3 pr. elev, dog mindst 300 og højst 5.000)",
    )
    parser.add_argument(
        "--seed",
        type=int_in_range(0, MAX_SEED),
        default=DEFAULT_SEED,
        metavar="S",
        help=f"startværdi for tilfældige tal, 0 til {danish_number(MAX_SEED)}; samme værdi giver samme "
        f"netværk (standard {DEFAULT_SEED})",
    )
    parser.add_argument("--force", action="store_true", help="overskriv data, der allerede ligger i --out")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    workbook = args.out.suffix.lower() == ".xlsx"
    if workbook:
        check_workbook_out(args.out, force=args.force)
    else:
        check_folder_out(args.out, force=args.force)
    network = generate(args.students, args.companies, seed=args.seed, n_alumni=args.alumni)
    try:
        if workbook:
            write_workbook(network.tables, args.out)
        else:
            write_tables(network.tables, args.out)
    except OSError as error:
        raise InputError(
            f"cannot write --out {args.out}: {error.strerror or error}",
            f"kan ikke skrive --out {args.out}: {file_error_da(error, 'filen kan ikke skrives')}",
        ) from None
    names = {
        "students": "elever",
        "companies": "virksomheder",
        "history": "tidligere praktikker",
        "alumni": "tidligere elever",
    }
    rows = ", ".join(
        f"{danish_number(len(frame))} {names.get(name, name)}" for name, frame in network.tables.items()
    )
    print(f"Skrev {rows} til {args.out}")
    return 0
