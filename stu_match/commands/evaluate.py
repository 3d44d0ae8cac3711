"""``stu-match evaluate``: how well blended, rule-only and random rankings do on held-out history."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from features.danish import number
from features.limits import MAX_GENERATED, MAX_SEED, danish_number
from placement_service import DecisionStore, evaluate_ranking, load_data
from placement_service.learning import training_network
from placement_service.store import BUILTIN_NETWORK_ID, database_path
from stu_match.cli import int_in_range
from stu_match.commands._scoring_options import config_from_args

DEFAULT_TRUTH_SEED = 7
DEFAULT_TRUTH_ALUMNI = 1500


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="NDCG@5 og præcision@5 for de samlede point, kun reglerne og tilfældig rækkefølge på "
        "historik, der er holdt ude af læringen",
        description="Evaluerer rangeringen på datasættets egen historik (delt i --folds dele efter tidligere "
        "elev, med de udfald, der faktisk kom) og, medmindre --no-ground-truth, på et nyt syntetisk netværk "
        "af samme størrelse, hvor de sande sandsynligheder for udfaldene er kendt. Metoden er beskrevet i "
        "docs/outcome-model.md.",
    )
    parser.add_argument(
        "--data", required=True, type=Path, help="datamappe eller Excel-fil (.xlsx) med history.csv"
    )
    parser.add_argument(
        "--folds",
        type=int_in_range(2, 100),
        default=5,
        metavar="N",
        help="antal dele i evalueringen på historikken, 2 til 100 (standard 5)",
    )
    parser.add_argument(
        "--seed",
        type=int_in_range(0, MAX_SEED),
        default=0,
        metavar="S",
        help="startværdi for tilfældige tal i opdelingen (standard 0)",
    )
    parser.add_argument(
        "--no-ground-truth", action="store_true", help="spring evalueringen på et nyt syntetisk netværk over"
    )
    parser.add_argument(
        "--truth-seed",
        type=int_in_range(0, MAX_SEED),
        default=DEFAULT_TRUTH_SEED,
        metavar="S",
        help=f"startværdi for tilfældige tal i det nye syntetiske netværk (standard {DEFAULT_TRUTH_SEED})",
    )
    parser.add_argument(
        "--truth-alumni",
        type=int_in_range(100, MAX_GENERATED),
        default=DEFAULT_TRUTH_ALUMNI,
        metavar="N",
        help="tidligere elever (afsluttede praktikforløb) i det nye syntetiske netværk, "
        f"100 til {danish_number(MAX_GENERATED)} (standard {danish_number(DEFAULT_TRUTH_ALUMNI)})",
    )
    parser.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="NAVN=VÆRDI",
        help="ændr en indstilling for pointgivningen, fx --weight travel=3 (kan gentages)",
    )
    parser.add_argument(
        "--network",
        default=BUILTIN_NETWORK_ID,
        metavar="ID",
        help="lær også af de udfald, der er registreret i databasen ($STU_MATCH_DB) under dette netværk "
        "(standard builtin); databasen bliver kun læst",
    )
    parser.add_argument("--json", action="store_true", help="skriv resultaterne som JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    network = load_data(args.data)
    if database_path().exists():  # only read: no database is created for an evaluation
        network = training_network(DecisionStore(), args.network, network)
    result: dict[str, object] = {"data": str(args.data), "training_rows": len(network.usable_history)}
    result |= evaluate_ranking(
        network,
        config,
        folds=args.folds,
        seed=args.seed,
        ground_truth=not args.no_ground_truth,
        truth_seed=args.truth_seed,
        truth_alumni=args.truth_alumni,
    )
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_text(result)
    return 0


RANKING_LABELS = {
    "blended": "samlet score",
    "rule_only": "kun reglerne",
    "model_only": "kun modellen",
    "random": "tilfældig",
    "ideal": "ideel",
}


def _print_text(result: dict) -> None:
    history = result["history"]
    print(
        f"Historikken i {result['data']}: {history['placements']} praktikker ({result.get('training_rows', '')} "
        f"at lære af), {history['folds']} dele efter elev,"
    )
    print(
        f"rangeret inden for {history['queries']} grupper af STU-sted og år (relevant: et job af enhver art)."
    )
    _table(history, ("blended", "rule_only", "random"))
    model = history["model"]
    print(
        f"Modellen på udeladte praktikker: Brier {number(model['brier'], 3)} (basisrate "
        f"{number(model['brier_base_rate'], 3)}), ROC AUC {number(model['roc_auc'], 3)} (reglernes score "
        f"{number(model['roc_auc_rule_score'], 3)}), forudsagt {number(model['mean_predicted'], 3)} mod "
        f"observeret {number(model['observed_rate'], 3)}."
    )
    truth = result.get("ground_truth")
    if truth:
        print()
        print(
            f"Nyt syntetisk netværk (frø {truth['seed']}, {truth['students']} elever, {truth['companies']} "
            f"virksomheder, {danish_number(truth['alumni'])} tidligere elever): {truth['held_out_alumni']} udeladte "
            f"tidligere elever med {number(truth['mean_candidates'], 1)} egnede virksomheder hver, rangeret mod "
            "den sande sandsynlighed for job."
        )
        _table(truth, ("blended", "rule_only", "model_only", "random", "ideal"))


def _table(section: dict, names: tuple[str, ...]) -> None:
    print(f"  {'rangering':<14} {'NDCG@5':>8} {'præc@5':>8} {'P(job)@5':>9}")
    for name in names:
        row = section[name]
        mean = row.get("mean_true_probability_at_5")
        shown = "" if mean is None else number(mean, 3)
        print(
            f"  {RANKING_LABELS[name]:<14} {number(row['ndcg_at_5'], 3):>8} "
            f"{number(row['precision_at_5'], 3):>8} {shown:>9}"
        )
