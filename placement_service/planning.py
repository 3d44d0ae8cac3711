"""The cohort plan, written once: score → eligible pairs → problem with decisions → solve → explain.

``stu-match assign``, the plan page, scenarios and the coordinator's report all
call ``plan_cohort`` (or ``plan_with_decisions``), with one default time limit.
A plan carries the decision version it was solved from, so a decision made on
it can be checked against what happened since (see ``store.DecisionStore``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from features import danish
from features.danish import shown as shown_da
from features.errors import InputError
from features.limits import danish_number
from features.network import Network
from features.safe_files import danish_csv_bytes, safe_workbook_bytes
from matching.config import ScoringConfig
from matching.context import ScoringContext, scoring_context
from matching.eligibility import REASON_CODES, REASON_LABELS, REASON_TEXT_EN
from matching.pair_table import PairTable
from matching.pairs import pair_table, score_pairs
from matching.shortlist import interest_notice
from optimizer.decision_files import read_decisions, read_plan
from optimizer.explain import Reason, WhyNot, unplaced_reasons, why_not
from optimizer.instance import in_chunks
from optimizer.problem import OBJECTIVES, PlacementProblem, SolveParams
from optimizer.replan import replan
from optimizer.result import Assignment, PlacementResult, ReplanResult
from optimizer.solve import solve_placement
from placement_service.clock import danish_time
from placement_service.decisions import DECISION_LABELS, DecisionSet
from placement_service.result_cache import ResultCache

MODEL_CACHE_ENV = "STU_MATCH_CACHE"
"""Environment variable naming the folder where fitted outcome models are kept (default: the user's cache)."""

DEFAULT_TIME_LIMIT_SECONDS = 60.0
"""One time limit for every plan, in the CLI and the app alike."""

DEFAULT_OBJECTIVE = "count-interest-score"
"""Most students placed; at that number, most within their own interests (IPS: the person's own
preferences first); then the highest total score."""

PLAN_COLUMNS = (
    "student_id",
    "company_id",
    "company_name",
    "interest_rank",
    "score",
    "travel_minutes",
    "locked",
    "reasons",
)


OBJECTIVE_LABELS: dict[str, str] = {
    "count-interest-score": "Flest placerede, derefter flest inden for egne interesser",
    "count-then-score": "Flest placerede, derefter højeste samlede score",
    "fairness": "Flest placerede, derefter løft den laveste score",
}
"""The objectives as a consultant reads them (app and command line)."""

TRADE_OFF_DA: dict[str, str] = {
    "count-interest-score": "får færre en plads eller færre en plads inden for deres interesser",
    "count-then-score": "får færre en plads, eller den samlede score bliver ikke højere",
    "fairness": "får færre en plads, eller den laveste score bliver ikke højere",
}
"""What moving a student to a place within their interests would cost, by objective: the reason a placement
lies outside them where such places exist (``Plan.outside_interests``)."""


def prepare_scoring(
    network: Network,
    config: ScoringConfig | None = None,
    travel_matrix: str | os.PathLike[str] | None = None,
    rule_only: bool = False,
) -> ScoringContext:
    """Everything scoring needs for ``network``: arrays, travel times, the learned outcome model.

    The model is fitted once per training data and kept in ``model_cache_dir()``.
    """
    return scoring_context(
        network,
        config,
        travel_matrix=travel_matrix,
        outcome_model=None if rule_only else "auto",
        model_cache=None if rule_only else model_cache_dir(),
    )


def model_cache_dir() -> Path | None:
    """Where fitted outcome models are kept: ``$STU_MATCH_CACHE``, else the user's cache folder.

    The user's cache folder is ``$XDG_CACHE_HOME/stu-match``, or ``~/.cache/stu-match``;
    never the repository or the data folder. None when there is no home folder to
    find it in: models are then fitted and not kept.
    """
    given = os.environ.get(MODEL_CACHE_ENV, "").strip()
    if given:
        return Path(given).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "stu-match"
    try:
        return Path.home() / ".cache" / "stu-match"
    except RuntimeError:
        return None


def scoring_config(changes: Mapping[str, object] | None = None) -> ScoringConfig:
    """The default scoring configuration with ``changes``; a bad name or value raises ``InputError``."""
    try:
        return ScoringConfig().with_changes(**dict(changes or {}))
    except ValidationError as error:
        messages = "; ".join(str(detail["msg"]).removeprefix("Value error, ") for detail in error.errors())
        raise InputError(messages, "; ".join(_config_error_da(detail) for detail in error.errors())) from None


def _config_error_da(detail: Any) -> str:
    """One refused scoring option in Danish: ``ScoringConfig`` raises ``InputError``s that carry it."""
    cause = (detail.get("ctx") or {}).get("error")
    if isinstance(cause, InputError):
        return cause.message_da
    name = ".".join(str(part) for part in detail["loc"]) or "indstillingerne"
    return f"'{name}' har en værdi, der ikke kan bruges (fik {shown_da(detail.get('input'))})"


def eligible_pairs(context: ScoringContext) -> PairTable:
    """Every pair that passes the hard rules, with its score, travel time and mentor load."""
    return pair_table(context)


def solve_params(
    objective: str = DEFAULT_OBJECTIVE, time_limit: float = DEFAULT_TIME_LIMIT_SECONDS
) -> SolveParams:
    """Solver settings; a bad value raises ``InputError`` naming the CLI flag."""
    try:
        return SolveParams(objective=objective, time_limit_seconds=time_limit)  # type: ignore[arg-type]
    except ValidationError as error:
        flags = {"time_limit_seconds": "--time-limit", "objective": "--objective"}
        raise InputError(
            "; ".join(f"{flags.get(str(d['loc'][0]), d['loc'][0])}: {d['msg']}" for d in error.errors()),
            "; ".join(_solve_error_da(d, flags) for d in error.errors()),
        ) from None


def _solve_error_da(detail: Any, flags: Mapping[str, str]) -> str:
    """One refused solver setting in Danish, naming the CLI flag, what is allowed and what was given."""
    name = str(detail["loc"][0]) if detail["loc"] else ""
    allowed = {
        "objective": f"en af {', '.join(OBJECTIVES)}",
        "time_limit_seconds": f"et tal fra 0 til {danish_number(86_400)} sekunder",
    }.get(name, "en anden værdi")
    return f"{flags.get(name, name)} skal være {allowed} (fik {shown_da(detail.get('input'))})"


@dataclass(frozen=True, eq=False)
class Plan:
    """A solved cohort plan: the result, its pairs and scoring, and where it came from."""

    context: ScoringContext
    result: PlacementResult
    replanned: ReplanResult | None = None
    decision_version: int = 0  # the store's decision version the plan was solved from
    decisions: DecisionSet = field(default_factory=DecisionSet.empty)  # the decisions it honours

    @property
    def network(self) -> Network:
        return self.context.network

    @property
    def pairs(self) -> PairTable:
        return self.result.problem.pairs

    @cached_property
    def reasons(self) -> dict[str, list[Reason]]:
        """Danish reasons for every unplaced student, the binding one first."""
        return unplaced_reasons(self.result)

    def assignments(self) -> list[Assignment]:
        return self.result.assignments()

    def mapping(self) -> dict[str, str | None]:
        """student_id -> company_id, None when unplaced."""
        out: dict[str, str | None] = {sid: None for sid in self.pairs.student_ids.tolist()}
        out.update({a.student_id: a.company_id for a in self.assignments()})
        return out

    @property
    def lowest_score(self) -> float | None:
        """The lowest score of any placement in the plan, decided or proposed."""
        chosen = self.result.chosen_pairs
        return None if chosen.size == 0 else float(self.pairs.score[chosen].min())

    @property
    def all_decided(self) -> bool:
        """Every placement was kept by a decision: nothing was left for the optimizer to choose."""
        return bool(self.result.placed) and bool(self.result.problem.locked.sum() == self.result.placed)

    def outside_interests(self) -> dict[str, str]:
        """For every placement outside the student's interests, why no place within them was possible (Danish)."""
        result, context = self.result, self.context
        problem, pairs = result.problem, self.pairs
        in_interest = problem.in_interest
        usable = problem.allowed | (problem.lock_pair[pairs.student] >= 0)
        # One pass over the pairs: the usable pairs within interests, grouped by student, so that each
        # student's options are a slice (a pass per student took minutes on large networks).
        within = np.flatnonzero(in_interest & usable)
        within = within[np.argsort(pairs.student[within], kind="stable")]
        owners = pairs.student[within]
        reasons: dict[str, str] = {}
        for a in self.assignments():
            if a.interest_rank is not None:
                continue
            i = self.network.student_position[a.student_id]
            if problem.locked[i]:
                reasons[a.student_id] = "Eleven er låst til virksomheden af en jobkonsulent."
                continue
            first, last = np.searchsorted(owners, [i, i + 1])
            options = within[first:last]
            if options.size:
                taken = ", ".join(sorted({str(pairs.company_ids[pairs.company[k]]) for k in options[:5]}))
                reasons[a.student_id] = (
                    f"Der er {danish.count(options.size, 'passende virksomhed', 'passende virksomheder')} "
                    f"inden for elevens interesser ({taken}"
                    f"{' …' if options.size > 5 else ''}), men pladserne eller mentortimerne bruges af andre elever: "
                    f"flyttes eleven dertil, {TRADE_OFF_DA[result.objective]}."
                )
                continue
            reasons[a.student_id] = _no_interest_reason(context, i)
        return reasons

    def why_not(self, student_id: str, company_id: str) -> WhyNot:
        """Why the student is not at the company in this plan, in Danish."""
        return why_not(self.result, student_id, company_id)

    def report(self) -> dict[str, Any]:
        """The JSON document of ``stu-match assign --json``."""
        report: dict[str, Any] = self.result.summary()
        report["assignments"] = [a.as_dict() for a in self.assignments()]
        report["unplaced"] = [
            {
                "student_id": student_id,
                "reasons": [r.text for r in self.reasons.get(student_id, [])],
                "reason_codes": [r.code for r in self.reasons.get(student_id, [])],
            }
            for student_id in self.result.unplaced_ids()
        ]
        if self.replanned is not None:
            report["moves"] = [m.as_dict() for m in self.replanned.moves]
            report["moves_lower_bound"] = self.replanned.moves_lower_bound
            report["kept"] = self.replanned.kept
            report["departed"] = list(self.replanned.departed)
        return report

    def table(self) -> pd.DataFrame:
        """One row per student (``PLAN_COLUMNS``): company (empty if unplaced), score, travel, locked, reasons.

        Score and minutes are numbers (empty for an unplaced student); this is the table
        ``stu-match assign --out`` writes and ``read_plan_file`` reads back.
        """
        result = self.result
        problem = result.problem
        pairs = problem.pairs
        locked = problem.locked
        rows: list[tuple[object, ...]] = []
        for i in range(pairs.n_students):
            student_id = str(pairs.student_ids[i])
            k = int(result.pair_of_student[i])
            if k < 0:
                text = " | ".join(r.text for r in self.reasons.get(student_id, []))
                rows.append((student_id, "", "", None, None, None, "no", text))
                continue
            j = int(pairs.company[k])
            name = "" if problem.company_names is None else problem.company_names[j]
            rows.append(
                (
                    student_id,
                    str(pairs.company_ids[j]),
                    name,
                    int(problem.interest_rank[k]) or None,
                    round(float(pairs.score[k]), 2),
                    round(float(pairs.travel_minutes[k]), 1),
                    "yes" if locked[i] else "no",
                    "",
                )
            )
        return pd.DataFrame(rows, columns=list(PLAN_COLUMNS)).astype(
            {"interest_rank": "Int64", "score": "float64", "travel_minutes": "float64"}
        )

    def csv_bytes(self) -> bytes:
        """The plan table as CSV for a Danish office (semicolons, decimal comma, UTF-8 with BOM), safe to
        open in a spreadsheet; ``--previous`` and the lock files read it back."""
        return danish_csv_bytes(self.table())

    def workbook_bytes(self) -> bytes:
        """The plan as an .xlsx workbook: sheets *Plan*, *Uden plads* (with every reason) and *Beslutninger*,
        Danish headers, numbers as numbers, no formulas, header row frozen, columns sized to their text."""
        table = self.table()
        placed = table[table["company_id"] != ""]
        plan = pd.DataFrame(
            {
                "Elev": placed["student_id"],
                "Virksomhed": placed["company_id"],
                "Navn": placed["company_name"],
                "Interesse (valg nr.)": placed["interest_rank"].map(lambda r: "uden for" if r is None else r),
                "Score": placed["score"],
                "Rejsetid (min)": placed["travel_minutes"],
                "Låst": placed["locked"].map({"yes": "ja", "no": "nej"}),
            }
        )
        return safe_workbook_bytes(
            {"Plan": plan, "Uden plads": self.unplaced_table(), "Beslutninger": self.decisions_table()}
        )

    def unplaced_table(self, students: set[str] | None = None) -> pd.DataFrame:
        """Every reason of every unplaced student (of ``students``, if given), in Danish: *Elev*, *Årsag*."""
        return pd.DataFrame(
            [
                {"Elev": student_id, "Årsag": reason.text}
                for student_id, reasons in self.reasons.items()
                if students is None or student_id in students
                for reason in reasons
            ],
            columns=["Elev", "Årsag"],
        )

    def decisions_table(self, students: set[str] | None = None) -> pd.DataFrame:
        """The decisions the plan honours (on ``students``, if given), in Danish, with who and when."""
        return pd.DataFrame(
            [
                {
                    "Elev": d.student_id,
                    "Virksomhed": d.company_id,
                    "Beslutning": DECISION_LABELS[d.kind],
                    "Af": d.user,
                    "Tidspunkt": danish_time(d.at),
                }
                for d in self.decisions.decisions
                if students is None or d.student_id in students
            ],
            columns=["Elev", "Virksomhed", "Beslutning", "Af", "Tidspunkt"],
        )


def build_problem(
    context: ScoringContext,
    pairs: PairTable,
    keep: Iterable[tuple[str, str]] = (),
    avoid: Iterable[tuple[str, str]] = (),
) -> PlacementProblem:
    """The placement problem with the pairs to keep (locks) and avoid (forbids), checked for conflicts."""
    names = [c.name for c in context.network.companies]
    return PlacementProblem.build(
        pairs,
        keep,
        avoid,
        company_names=names,
        why_ineligible=_why_ineligible(context),
        interest_rank=interest_ranks(context, pairs),
    )


def interest_ranks(context: ScoringContext, pairs: PairTable) -> np.ndarray:
    """(n_pairs,) the company's industry's place in the student's interests (1 = first choice; 0 = outside)."""
    table = np.ascontiguousarray(context.students.interest_rank, dtype=np.int8)
    n_industries = table.shape[1]
    industry = np.asarray(context.companies.industry, dtype=np.int64)
    ranks = np.empty(pairs.n_pairs, dtype=np.int8)

    def fill(chunk: slice) -> None:  # in chunks: no pair-sized int64 index at once
        flat = pairs.student[chunk].astype(np.int64) * n_industries + industry[pairs.company[chunk]]
        np.take(table.ravel(), flat, out=ranks[chunk])

    in_chunks(pairs.n_pairs, fill)
    return ranks


def plan_cohort(
    context: ScoringContext,
    keep: Iterable[tuple[str, str]] = (),
    avoid: Iterable[tuple[str, str]] = (),
    *,
    objective: str = DEFAULT_OBJECTIVE,
    time_limit: float = DEFAULT_TIME_LIMIT_SECONDS,
    previous: Mapping[str, str] | None = None,
    pairs: PairTable | None = None,
    decision_version: int = 0,
    decisions: DecisionSet | None = None,
    results: ResultCache | None = None,
) -> Plan:
    """The cohort's plan: most students placed, then the objective; keeping and avoiding the given pairs.

    With ``previous`` (an approved plan, student -> company), move as few of its
    students as possible. Conflicting decisions raise ``InputError`` naming them.
    With ``results``, a problem solved before (same pairs, decisions and settings)
    is read back instead of solved again.
    """
    params = solve_params(objective, time_limit)
    pairs = eligible_pairs(context) if pairs is None else pairs
    problem = build_problem(context, pairs, keep, avoid)
    decisions = DecisionSet.empty() if decisions is None else decisions
    if previous is not None:
        replanned = replan(problem, previous, params)
        return Plan(context, replanned.result, replanned, decision_version, decisions)
    solve = solve_placement if results is None else results.solve
    return Plan(context, solve(problem, params), None, decision_version, decisions)


def plan_with_decisions(
    context: ScoringContext,
    decisions: DecisionSet,
    *,
    objective: str = DEFAULT_OBJECTIVE,
    time_limit: float = DEFAULT_TIME_LIMIT_SECONDS,
    pairs: PairTable | None = None,
    decision_version: int = 0,
    results: ResultCache | None = None,
) -> Plan:
    """The plan honouring every current decision: approved and locked kept, rejected and forbidden avoided."""
    return plan_cohort(
        context,
        decisions.keep,
        decisions.avoid,
        objective=objective,
        time_limit=time_limit,
        pairs=pairs,
        decision_version=decision_version,
        decisions=decisions,
        results=results,
    )


def read_decision_file(path: str | os.PathLike[str], network: Network) -> list[tuple[str, str]]:
    """(student_id, company_id) rows of a lock or forbid CSV file; every ID must be in ``network``."""
    return read_decisions(
        path, [s.student_id for s in network.students], [c.company_id for c in network.companies]
    )


def read_plan_file(path: str | os.PathLike[str]) -> dict[str, str]:
    """student_id -> company_id of an approved plan file (``assign --out`` writes one)."""
    return read_plan(path)


def _no_interest_reason(context: ScoringContext, i: int) -> str:
    """Why no company within the student's interests is eligible: the shortlist's note, said once."""
    notice = interest_notice(context, context.network.students[i].student_id)
    if notice is None:  # eligible ones exist but a consultant forbade or rejected them
        return "De passende virksomheder inden for elevens interesser er fravalgt af en jobkonsulent."
    return notice.message_da


def _why_ineligible(context: ScoringContext) -> Callable[[int, int], tuple[str, str]]:
    """Name the hard rules a (student, company) pair fails, in English and in Danish, for lock conflicts."""

    def explain(student: int, company: int) -> tuple[str, str]:
        scores = score_pairs(context, np.array([student]), np.array([company]))
        failed = [code for code, bad in zip(REASON_CODES, scores.failures[0], strict=False) if bad]
        danish = [REASON_LABELS.get(code, code) for code in failed]
        return (
            "; ".join(REASON_TEXT_EN.get(code, code) for code in failed),
            "; ".join(text[:1].lower() + text[1:] for text in danish),
        )

    return explain


__all__ = [
    "DEFAULT_OBJECTIVE",
    "DEFAULT_TIME_LIMIT_SECONDS",
    "OBJECTIVES",
    "PLAN_COLUMNS",
    "Plan",
    "build_problem",
    "eligible_pairs",
    "plan_cohort",
    "plan_with_decisions",
    "prepare_scoring",
    "read_decision_file",
    "read_plan_file",
    "scoring_config",
    "solve_params",
]
