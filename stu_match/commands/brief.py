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
        help="write the praktikbrief for a student and company as PDF",
        description="The brief for the company about one student, holding only what the student consented "
        "to share, with room for dates, contact persons and signatures, so it can serve as the praktikaftale. "
        "Without --company it is for the student's place in the approved plan in the database, or else in a "
        "fresh plan.",
    )
    parser.add_argument("--data", required=True, type=Path, help="data folder or .xlsx workbook")
    parser.add_argument("--student", required=True, metavar="ID")
    parser.add_argument("--company", metavar="ID", help="the company (default: the student's place in a plan)")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help="the PDF file to write")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    check_file_out(args.out, inputs=(args.data,), force=args.force)
    network = load_data(args.data)
    company, pdf = brief_pdf(network, args.student, args.company, cli_actor())
    write_out(args.out, pdf)
    print(f"Praktikbrevet for {args.student.strip()} hos {company} er skrevet til {args.out}.")
    return 0
