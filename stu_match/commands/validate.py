"""``stu-match validate``: load and check a data set; print its summary or every problem."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from features.loading import load_network


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check a data folder or workbook and summarise it",
        description="Validate every file, row and column. Exit code 2 and a list of all problems on failure.",
    )
    parser.add_argument("--data", required=True, type=Path, help="data folder or .xlsx workbook")
    parser.add_argument("--json", action="store_true", help="print a JSON summary (or the errors) to stdout")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    summary = load_network(args.data).summary()
    if args.json:
        print(json.dumps(summary.model_dump(), ensure_ascii=False, indent=2))
    else:
        print(f"{args.data}: valid")
        for name, value in summary.model_dump().items():
            print(f"  {name}: {value}")
    return 0
