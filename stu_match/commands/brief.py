"""``stu-match brief``: the praktikbrief for one student and company as a PDF, holding only what the student shares."""

from __future__ import annotations

import argparse
from pathlib import Path

from placement_service import cli_actor, load_data
from placement_service.briefs import brief_pdf
from stu_match.output import check_file_out, write_out


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "brief",
        help="skriv praktikbriefen for en elev og en virksomhed som PDF",
        description="Praktikbriefen til virksomheden om én elev, med kun det, eleven har sagt ja til at dele, "
        "og med plads til datoer, kontaktpersoner og underskrifter, så den kan bruges som praktikaftale. "
        "Uden --company gælder den elevens plads i den godkendte plan i databasen, eller ellers i en ny plan.",
    )
    parser.add_argument("--data", required=True, type=Path, help="datamappe eller Excel-fil (.xlsx)")
    parser.add_argument("--student", required=True, metavar="ID", help="elevens ID")
    parser.add_argument(
        "--company", metavar="ID", help="virksomhedens ID (standard: elevens plads i en plan)"
    )
    parser.add_argument("--out", required=True, type=Path, metavar="FIL", help="PDF-filen, der skal skrives")
    parser.add_argument("--force", action="store_true", help="overskriv en fil, der findes i forvejen")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    check_file_out(args.out, inputs=(args.data,), force=args.force)
    network = load_data(args.data)
    company, pdf = brief_pdf(network, args.student, args.company, cli_actor())
    write_out(args.out, pdf)
    print(f"Praktikbriefen for {args.student.strip()} hos {company} er skrevet til {args.out}.")
    return 0
