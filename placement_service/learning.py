"""Recorded outcomes teach the model: the training data of a network, and explicit retraining.

The learned model trains on ``history.csv`` plus the outcomes recorded in the store. Retraining is
explicit: until a user retrains, the model keeps learning from the outcomes it was last retrained
on (the store remembers which), so a page does not change under a consultant because someone
recorded an outcome. History rows and outcomes naming a company that has left the network use
its last known profile from the store.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import ValidationError

from features.network import Network
from features.profiles import Company, Placement
from features.vocabulary import Outcome
from matching.config import ScoringConfig
from matching.context import ScoringContext, as_travel_matrix, auto_outcome_model, scoring_context
from placement_service.access import Actor, Role, require_role
from placement_service.after_match import Measured
from placement_service.after_match_store import OutcomeRecord
from placement_service.planning import model_cache_dir, prepare_scoring
from placement_service.store import DecisionStore, database_path


def outcome_placements(records: list[OutcomeRecord]) -> list[Placement]:
    """Recorded outcomes as history rows: the 12-month outcome where there is one, else the one at STU's end."""
    chosen: dict[tuple[str, str, int], OutcomeRecord] = {}
    for record in records:
        key = (record.student_id, record.company_id, record.year)
        if key not in chosen or record.measured == Measured.TWELVE_MONTHS:
            chosen[key] = record
    return [
        Placement(student_id=r.student_id, company_id=r.company_id, year=r.year, outcome=Outcome(r.outcome))
        for r in chosen.values()
    ]


def training_network(
    store: DecisionStore, network_id: str, network: Network, *, up_to: int | None = None
) -> Network:
    """The network as the model learns from it: its history plus recorded outcomes (those with id up to
    ``up_to``; all when None), and the last known profiles of companies that have left.

    A history row and an outcome of the same student, company and year count once (the outcome).
    The companies that have left are there only to give their rows features: the training network
    is never planned.
    """
    records = [r for r in store.outcomes(network_id) if up_to is None or r.id <= up_to]
    recorded = outcome_placements(records)
    keys = {(p.student_id, p.company_id, p.year) for p in recorded}
    history = [p for p in network.history if (p.student_id, p.company_id, p.year) not in keys] + recorded
    named = {p.company_id for p in history} - set(network.company_position)
    former = []
    for company_id, row in store.company_profiles(network_id).items():
        if company_id in named:
            try:
                former.append(Company.model_validate(row))
            except ValidationError:
                continue  # a profile from an older file format that no longer validates: its rows stay unused
    return dataclasses.replace(network, companies=(*network.companies, *former), history=tuple(history))


def trained_up_to(store: DecisionStore, network_id: str) -> int:
    """The newest outcome the model was retrained on (0: only history.csv)."""
    record = store.training_record(network_id)
    return 0 if record is None else int(record.get("outcomes_up_to", 0))


def learning_status(store: DecisionStore, network_id: str, network: Network) -> dict[str, Any]:
    """What the model learns from now, and how many recorded outcomes it has not learned from yet."""
    record = store.training_record(network_id)
    up_to = trained_up_to(store, network_id)
    outcomes = store.outcomes(network_id)
    return {
        "retrained": record,
        "training_rows": len(training_network(store, network_id, network, up_to=up_to).usable_history),
        "outcomes": len(outcomes),
        "not_learned": sum(1 for r in outcomes if r.id > up_to),
    }


def scoring_for(
    store: DecisionStore,
    network_id: str,
    network: Network,
    config: ScoringConfig | None = None,
    travel_matrix: Any = None,
) -> ScoringContext:
    """Scoring for a network with the model learned from its history and the outcomes retrained on."""
    learned_from = training_network(store, network_id, network, up_to=trained_up_to(store, network_id))
    matrix = as_travel_matrix(travel_matrix, learned_from)
    model = auto_outcome_model(learned_from, matrix, model_cache_dir())
    return scoring_context(network, config, travel_matrix=matrix, outcome_model=model)


def scoring_for_files(
    network: Network,
    config: ScoringConfig | None = None,
    travel_matrix: Any = None,
    rule_only: bool = False,
) -> ScoringContext:
    """Scoring for files given on the command line: the model of the network whose files these are.

    When the database (``$STU_MATCH_DB``) knows exactly one network with these very files, the
    model learns as the app's does (history, the outcomes last retrained on, companies that have
    left), so the command line and the app score alike; otherwise from ``history.csv`` alone.
    """
    if rule_only or not database_path().exists():
        return prepare_scoring(network, config, travel_matrix, rule_only)
    from placement_service.networks import same_files_as

    store = DecisionStore()
    matches = same_files_as(store, network)
    if len(matches) != 1:
        return prepare_scoring(network, config, travel_matrix, rule_only)
    return scoring_for(store, matches[0].network_id, network, config, travel_matrix)


def retrain(
    store: DecisionStore, network_id: str, network: Network, actor: Actor, *, folds: int = 5, seed: int = 0
) -> dict[str, Any]:
    """Retrain on history plus every recorded outcome; report NDCG@5 and precision@5 before and after.

    Each side is evaluated on its own held-out rows (``folds``-fold by student, ranked within STU
    site and year, as ``stu-match evaluate``). The store records what the model learned from.
    """
    require_role(
        actor,
        (Role.JOBKONSULENT, Role.NETVAERKSKOORDINATOR, Role.ADMINISTRATOR),
        "retrain",
        "genoptræne modellen",
    )
    from matching.evaluation import evaluate_history  # fits models: imported only here

    previous = trained_up_to(store, network_id)
    newest = max((r.id for r in store.outcomes(network_id)), default=0)
    before = training_network(store, network_id, network, up_to=previous)
    after = training_network(store, network_id, network, up_to=newest)
    report: dict[str, Any] = {"network": network_id}
    for label, data in (("before", before), ("after", after)):
        evaluation = evaluate_history(data, folds=folds, seed=seed)
        report[label] = {
            "training_rows": len(data.usable_history),
            "ndcg_at_5": evaluation.blended.ndcg_at_5,
            "precision_at_5": evaluation.blended.precision_at_5,
        }
    info = {
        "outcomes_up_to": newest,
        "history_rows": len(network.usable_history),
        "outcome_rows": sum(1 for r in store.outcomes(network_id) if r.id <= newest),
        "training_rows": report["after"]["training_rows"],
        "ndcg_at_5": report["after"]["ndcg_at_5"],
        "precision_at_5": report["after"]["precision_at_5"],
    }
    store.record_training(network_id, info, actor.name)
    auto_outcome_model(after, None, model_cache_dir())  # fit and keep the new model now, not on the next page
    report["learned_from"] = info
    return report
