"""``stu-match subject-export``: everything held on one student, as JSON (GDPR article 15)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from features.loading import atomic_write_bytes
from placement_service import DecisionStore, cli_actor, load_data, subject_export


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "subject-export",
        help="write everything held on one student as JSON (right of access)",
        description="The student's profile, history and alumni rows from --data (if given) and every record "
        "the application database holds on them (decisions, saved plans, consent, audit rows, deletions).",
    )
    parser.add_argument("--student", required=True, metavar="ID")
    parser.add_argument("--data", type=Path, help="data folder or .xlsx workbook holding the student's profile")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help="the JSON file to write")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    network = load_data(args.data) if args.data else None
    document = subject_export(DecisionStore(), args.student, network, cli_actor())
    atomic_write_bytes(args.out, json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"))
    print(f"Alt om elev {document['student_id']} er skrevet til {args.out}.")
    return 0
