"""``stu-match retrain``: the learned model learns from history.csv plus the outcomes recorded in the store."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from placement_service import DecisionStore, cli_actor, load_data
from placement_service.learning import retrain
from placement_service.store import BUILTIN_NETWORK_ID


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "retrain",
        help="lad modellen lære igen af history.csv og de registrerede udfald",
        description="Modellen lærer kun igen, når du beder om det: indtil da giver den point ud fra det, den "
        "lærte sidst. Viser NDCG@5 og præcision@5 før og efter, hver på sine egne rækker holdt ude af "
        "læringen (5 dele efter elev, rangeret inden for STU-sted og år), og registrerer, hvad modellen har "
        "lært af.",
    )
    parser.add_argument(
        "--data", required=True, type=Path, help="datamappe eller Excel-fil (.xlsx) med history.csv"
    )
    parser.add_argument(
        "--network", default=BUILTIN_NETWORK_ID, metavar="ID", help="netværket (standard builtin)"
    )
    parser.add_argument("--json", action="store_true", help="skriv rapporten som JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    report = retrain(DecisionStore(), args.network, load_data(args.data), cli_actor())
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    before, after = report["before"], report["after"]
    print("Modellen er genoptrænet.")
    for label, part in (("Før", before), ("Efter", after)):
        ndcg = f"{part['ndcg_at_5']:.3f}".replace(".", ",")
        precision = f"{part['precision_at_5']:.3f}".replace(".", ",")
        print(f"  {label:<6} {part['training_rows']:>6} rækker  NDCG@5 {ndcg}  præcision@5 {precision}")
    return 0
