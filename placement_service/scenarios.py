"""What-if scenarios: change weights, travel limits, capacities, remove or add companies; re-plan; compare.

A scenario starts from the plan the consultants have decided on: every decision
applies in it (approved and locked students keep their places, rejected and
forbidden pairs are never used), and it is compared with that same plan, so a
scenario with no change differs by zero students and zero points.

Students kept by a decision keep their travel limit, and a company keeps at
least the places its kept students use; a kept student whose company is
removed in the scenario must move, and is listed as released.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, ConfigDict, Field

from features.errors import InputError
from features.network import Network
from features.profiles import Company
from features.vocabulary import Industry, TaskVariety, WorkDemand
from matching.config import ScoringConfig
from matching.lookup import closest_ids
from optimizer.result import Move
from placement_service.decisions import DecisionSet
from placement_service.planning import DEFAULT_TIME_LIMIT_SECONDS, Plan, plan_cohort, prepare_scoring


class AddedCompany(BaseModel):
    """A company added in a scenario; what is not given takes moderate defaults."""

    model_config = ConfigDict(extra="forbid")

    company_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
    name: str = Field(min_length=1, max_length=120)
    industry: Industry
    municipality: str
    capacity: int = Field(ge=0, le=100)
    mentor_capacity: int = Field(ge=0, le=400)  # mentor hours per week
    mentor_trained: bool = False
    shielded_workstation: bool = False
    task_variety: TaskVariety = TaskVariety.BOTH
    complexity_min: int = Field(default=1, ge=1, le=5)
    complexity_max: int = Field(default=3, ge=1, le=5)

    def company(self) -> Company:
        row: dict[str, object] = {
            **self.model_dump(),
            "team_work": not self.shielded_workstation,
            "min_hours_per_week": 8,
            "max_hours_per_week": 37,
            "daytime_possible": True,
            "noise": "medium",
            "pace": "medium",
            "customer_contact": "medium",
            "physical_demands": "medium",
            "wheelchair_accessible": False,
            "flexible_management": True,
        }
        row.update({f"demand_{d.value}": 2 for d in WorkDemand})
        return Company.model_validate(row)


class ScenarioSettings(BaseModel):
    """The changes of one what-if scenario."""

    model_config = ConfigDict(extra="forbid")

    weights: dict[str, float] = Field(default_factory=dict)
    travel_factor: float = Field(default=1.0, ge=0.25, le=4.0)
    capacity_factor: float = Field(default=1.0, ge=0.0, le=4.0)
    removed_companies: list[str] = Field(default_factory=list)
    added_companies: list[AddedCompany] = Field(default_factory=list)

    @property
    def changes_network(self) -> bool:
        return bool(
            self.travel_factor != 1.0
            or self.capacity_factor != 1.0
            or self.removed_companies
            or self.added_companies
        )


class PlanDiff(BaseModel):
    """What a scenario changes against the decided plan."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    placed_before: int
    placed_after: int
    score_before: float
    score_after: float
    moves: list[Move]

    @property
    def placed_change(self) -> int:
        return self.placed_after - self.placed_before

    @property
    def score_change(self) -> float:
        return round(self.score_after - self.score_before, 2)


class ScenarioOutcome(BaseModel):
    """A scenario's plan against the decided plan, and the decisions it could not keep."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    plan: Plan
    baseline: Plan
    diff: PlanDiff
    released: list[tuple[str, str]]  # kept pairs whose company the scenario removes


def apply_scenario(
    network: Network, settings: ScenarioSettings, decisions: DecisionSet | None = None
) -> tuple[Network, ScoringConfig]:
    """The changed network and scoring configuration; unknown company IDs raise InputError.

    With no change to the network, the same network object comes back (so its
    prepared arrays and learned model are reused).
    """
    config = ScoringConfig().with_changes(**settings.weights) if settings.weights else ScoringConfig()
    known = {c.company_id for c in network.companies}
    unknown = [c for c in settings.removed_companies if c not in known]
    if unknown:
        hints = "; ".join(f"{c} (nærmeste: {', '.join(closest_ids(c, known)) or 'ingen'})" for c in unknown)
        raise InputError(f"Unknown company to remove: {hints}", f"Ukendt virksomhed at fjerne: {hints}")
    clashes = [a.company_id for a in settings.added_companies if a.company_id in known]
    if clashes:
        raise InputError(
            f"Added companies need new IDs; already in the network: {', '.join(clashes)}",
            f"Tilføjede virksomheder skal have nye ID'er; findes allerede: {', '.join(clashes)}",
        )
    if not settings.changes_network:
        return network, config
    keep = decisions.keep if decisions is not None else ()
    kept_students = {s for s, _ in keep}
    kept_at = Counter(c for _, c in keep)
    removed = set(settings.removed_companies)
    companies = [
        c.model_copy(
            update={"capacity": max(round(c.capacity * settings.capacity_factor), kept_at[c.company_id])}
        )
        for c in network.companies
        if c.company_id not in removed
    ]
    companies += [added.company() for added in settings.added_companies]
    students = network.students
    if settings.travel_factor != 1.0:
        students = tuple(
            s
            if s.student_id in kept_students
            else s.model_copy(
                update={
                    "max_travel_minutes": int(
                        min(180, max(5, round(s.max_travel_minutes * settings.travel_factor)))
                    )
                }
            )
            for s in students
        )
    history = tuple(h for h in network.history if h.company_id not in removed)
    changed = Network(
        students=tuple(students),
        companies=tuple(companies),
        history=history,
        alumni=network.alumni,
        source=network.source,
    )
    return changed, config


def run_scenario(
    baseline: Plan, settings: ScenarioSettings, time_limit: float = DEFAULT_TIME_LIMIT_SECONDS
) -> ScenarioOutcome:
    """Solve the scenario with the decisions ``baseline`` honours, and compare it with ``baseline``.

    ``baseline`` is the decided plan (``plan_with_decisions`` on the unchanged network).
    """
    decisions = baseline.decisions
    network, config = apply_scenario(baseline.network, settings, decisions)
    removed = set(settings.removed_companies)
    released = [pair for pair in decisions.keep if pair[1] in removed]
    keep = [pair for pair in decisions.keep if pair[1] not in removed]
    avoid = [pair for pair in decisions.avoid if pair[1] not in removed]
    if network is baseline.network and config == baseline.context.config:
        plan = baseline
    else:
        context = prepare_scoring(network, config)
        plan = plan_cohort(
            context,
            keep,
            avoid,
            objective=baseline.result.objective,
            time_limit=time_limit,
            decision_version=baseline.decision_version,
            decisions=decisions,
        )
    return ScenarioOutcome(
        plan=plan, baseline=baseline, diff=compare_plans(baseline, plan), released=released
    )


def compare_plans(before: Plan, after: Plan) -> PlanDiff:
    """Who moves, and how the number placed and the total score change, from ``before`` to ``after``."""
    old, new = before.mapping(), after.mapping()
    moves = [
        Move(student_id=s, from_company_id=old.get(s), to_company_id=new.get(s))
        for s in sorted(set(old) | set(new))
        if old.get(s) != new.get(s)
    ]
    return PlanDiff(
        placed_before=before.result.placed,
        placed_after=after.result.placed,
        score_before=round(before.result.total_score, 2),
        score_after=round(after.result.total_score, 2),
        moves=moves,
    )
