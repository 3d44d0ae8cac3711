"""``stu-match pairs``: write every eligible pair with its score, and summarise the ineligible ones."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from features.loading import atomic_write_bytes, load_network
from matching.eligibility import REASON_TEXT_EN
from matching.pair_table import PairTable
from matching.pairs import pair_table
from stu_match.commands._scoring_options import add_scoring_options, context_from_args

CSV_COLUMNS = ("student_id", "company_id", "score", "travel_minutes", "support_load")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "pairs",
        help="write every eligible student-company pair with its score to a CSV file",
        description="Check the hard rules for every student and company, score every eligible pair and "
        "write student_id, company_id, score, travel_minutes, support_load to --out. Prints how many "
        "pairs each rule ruled out.",
    )
    parser.add_argument("--data", required=True, type=Path, help="data folder or .xlsx workbook")
    parser.add_argument("--out", required=True, type=Path, help="CSV file to write")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    add_scoring_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    network = load_network(args.data)
    context = context_from_args(network, args)
    table = pair_table(context)
    atomic_write_bytes(args.out, pairs_csv(table))
    summary = summarise(table)
    summary["out"] = str(args.out)
    summary["outcome_model"] = context.model is not None
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(
            f"wrote {summary['eligible_pairs']} eligible pairs of {summary['students']} students x "
            f"{summary['companies']} companies to {args.out}"
        )
        print(f"students without any eligible company: {summary['students_without_pairs']}")
        print("ineligible pairs by reason (each counted under the first rule it fails):")
        for code, count in summary["ineligible_by_reason"].items():
            print(f"  {code:<22} {count:>12}  {REASON_TEXT_EN[code]}")
    return 0


def summarise(table: PairTable) -> dict[str, Any]:
    per_student = np.bincount(table.student, minlength=table.n_students)
    return {
        "students": table.n_students,
        "companies": table.n_companies,
        "eligible_pairs": table.n_pairs,
        "students_without_pairs": int((per_student == 0).sum()),
        "ineligible_by_reason": {
            code: int(count)
            for code, count in zip(table.reason_codes, table.ineligible_counts.sum(axis=0), strict=True)
        },
    }


def pairs_csv(table: PairTable) -> bytes:
    """The pair table as CSV bytes (UTF-8): scores to 4 decimals, minutes to 2."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    columns = {
        "student_id": pa.DictionaryArray.from_arrays(table.student, pa.array(table.student_ids.astype(str))),
        "company_id": pa.DictionaryArray.from_arrays(table.company, pa.array(table.company_ids.astype(str))),
        "score": np.round(table.score, 4),
        "travel_minutes": np.round(table.travel_minutes, 2),
        "support_load": table.support_load,
    }
    frame = pa.table({name: columns[name] for name in CSV_COLUMNS})
    frame = frame.cast(
        pa.schema(
            [
                ("student_id", pa.string()),
                ("company_id", pa.string()),
                ("score", pa.float64()),
                ("travel_minutes", pa.float64()),
                ("support_load", pa.int64()),
            ]
        )
    )
    buffer = io.BytesIO()
    # IDs are letters, digits, '_', '.', '-' (features.profiles.ID_PATTERN): nothing to quote.
    pacsv.write_csv(frame, buffer, pacsv.WriteOptions(quoting_style="none", quoting_header="none"))
    return buffer.getvalue()
