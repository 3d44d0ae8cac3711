"""``stu-match generate``: write a synthetic network as CSV files (or an Excel workbook)."""

from __future__ import annotations

import argparse
from pathlib import Path

from features.errors import InputError
from features.limits import MAX_GENERATED, MAX_SEED, danish_number
from features.loading import write_tables, write_workbook
from features.synthetic import DEFAULT_SEED, PILOT_COMPANIES, PILOT_STUDENTS, generate
from stu_match.cli import int_in_range
from stu_match.output import check_folder_out, check_workbook_out


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="write a synthetic network (default: calibrated to the Joballiancen pilot)",
        description="Write students.csv, companies.csv, history.csv and alumni.csv of a synthetic "
        "network to a folder, or to one workbook when --out ends in .xlsx. A folder that already holds "
        "data, or an existing workbook, is overwritten only with --force.",
    )
    parser.add_argument("--out", required=True, type=Path, help="folder (or .xlsx file) to write")
    parser.add_argument(
        "--students",
        type=int_in_range(1, MAX_GENERATED),
        default=PILOT_STUDENTS,
        help=f"students in the cohort, 1 to {MAX_GENERATED:,} (default {PILOT_STUDENTS})",
    )
    parser.add_argument(
        "--companies",
        type=int_in_range(1, MAX_GENERATED),
        default=PILOT_COMPANIES,
        help=f"companies, 1 to {MAX_GENERATED:,} (default {PILOT_COMPANIES})",
    )
    parser.add_argument(
        "--alumni",
        type=int_in_range(0, MAX_GENERATED),
        default=None,
        help=f"alumni with past placements, 0 to {MAX_GENERATED:,} (default: 3 per student, 300 to 5000)",
    )
    parser.add_argument(
        "--seed", type=int_in_range(0, MAX_SEED), default=DEFAULT_SEED, help=f"0 to {MAX_SEED:,}"
    )
    parser.add_argument("--force", action="store_true", help="overwrite data already at --out")
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
        raise InputError(f"cannot write --out {args.out}: {error.strerror or error}") from None
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
