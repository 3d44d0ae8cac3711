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
        help="skriv alt, der er registreret om én elev, som JSON (indsigtsret)",
        description="Elevens profil og rækker i historikken fra --data (hvis den er angivet) og alt, hvad "
        "appens database har om eleven (beslutninger, gemte planer, samtykke, revisionsspor, sletninger).",
    )
    parser.add_argument("--student", required=True, metavar="ID", help="elevens ID")
    parser.add_argument("--data", type=Path, help="datamappe eller Excel-fil (.xlsx) med elevens profil")
    parser.add_argument("--out", required=True, type=Path, metavar="FIL", help="JSON-filen, der skal skrives")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    network = load_data(args.data) if args.data else None
    document = subject_export(DecisionStore(), args.student, network, cli_actor())
    atomic_write_bytes(args.out, json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"))
    print(f"Alt om elev {document['student_id']} er skrevet til {args.out}.")
    return 0
