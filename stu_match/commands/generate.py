"""``stu-match generate``: write a synthetic network as CSV files (or an Excel workbook)."""

from __future__ import annotations

import argparse
from pathlib import Path

from features.loading import write_tables, write_workbook
from features.synthetic import DEFAULT_SEED, PILOT_COMPANIES, PILOT_STUDENTS, generate
from stu_match.cli import positive_int


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="write a synthetic network (default: calibrated to the Joballiancen pilot)",
        description="Write students.csv, companies.csv, history.csv and alumni.csv of a synthetic "
        "network to a folder, or to one workbook when --out ends in .xlsx.",
    )
    parser.add_argument("--out", required=True, type=Path, help="folder (or .xlsx file) to write")
    parser.add_argument("--students", type=positive_int, default=PILOT_STUDENTS)
    parser.add_argument("--companies", type=positive_int, default=PILOT_COMPANIES)
    parser.add_argument(
        "--alumni",
        type=int,
        default=None,
        help="alumni with past placements (default: 3 per student, 300 to 5000)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from features.errors import InputError

    if args.alumni is not None and args.alumni < 0:
        raise InputError(f"--alumni must be at least 0; got {args.alumni}")
    network = generate(args.students, args.companies, seed=args.seed, n_alumni=args.alumni)
    if args.out.suffix.lower() == ".xlsx":
        write_workbook(network.tables, args.out)
    else:
        write_tables(network.tables, args.out)
    rows = ", ".join(f"{len(frame)} {name}" for name, frame in network.tables.items())
    print(f"wrote {rows} to {args.out}")
    return 0
