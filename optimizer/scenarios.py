"""What-if scenarios: change weights, travel limits, capacities, remove or add companies; re-plan; compare.

A scenario is a small, serialisable ``ScenarioSettings`` (saved by name in the
decision store). ``apply_scenario`` turns the network and settings into the
changed network and scoring configuration; ``plan_network`` runs the standard
pipeline (score, eligible pairs, solve) exactly as ``stu-match assign`` does;
``compare_plans`` says what changed against a saved plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict, Field

from features.errors import InputError
from features.network import Network
from features.profiles import Company
from features.vocabulary import Industry, TaskVariety, WorkDemand
from matching.config import ScoringConfig
from matching.context import scoring_context
from matching.lookup import closest_ids
from matching.pairs import pair_table
from optimizer.problem import PlacementProblem, SolveParams
from optimizer.result import PlacementResult
from optimizer.solve import solve_placement


class AddedCompany(BaseModel):
    """A company added in a scenario; what is not given takes moderate defaults."""

    model_config = ConfigDict(extra="forbid")

    company_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
    name: str = Field(min_length=1, max_length=120)
    industry: Industry
    municipality: str
    capacity: int = Field(ge=0, le=100)
    mentor_capacity: int = Field(ge=0, le=400)
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


class Move(BaseModel):
    student_id: str
    before: str | None
    after: str | None


class PlanDiff(BaseModel):
    """What a scenario changes against a saved plan."""

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
        return self.score_after - self.score_before


def apply_scenario(network: Network, settings: ScenarioSettings) -> tuple[Network, ScoringConfig]:
    """The changed network and scoring configuration; unknown company IDs raise InputError."""
    config = ScoringConfig().with_changes(**settings.weights) if settings.weights else ScoringConfig()
    known = {c.company_id for c in network.companies}
    unknown = [c for c in settings.removed_companies if c not in known]
    if unknown:
        hints = "; ".join(f"{c} (closest: {', '.join(closest_ids(c, known)) or 'none'})" for c in unknown)
        raise InputError(f"Unknown company to remove: {hints}", f"Ukendt virksomhed at fjerne: {hints}")
    clashes = [a.company_id for a in settings.added_companies if a.company_id in known]
    if clashes:
        raise InputError(
            f"Added companies need new IDs; already in the network: {', '.join(clashes)}",
            f"Tilføjede virksomheder skal have nye ID'er; findes allerede: {', '.join(clashes)}",
        )
    removed = set(settings.removed_companies)
    companies = [
        c.model_copy(update={"capacity": round(c.capacity * settings.capacity_factor)})
        for c in network.companies
        if c.company_id not in removed
    ]
    companies += [added.company() for added in settings.added_companies]
    students = network.students
    if settings.travel_factor != 1.0:
        students = tuple(
            s.model_copy(
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


def plan_network(
    network: Network,
    config: ScoringConfig | None = None,
    locks: Iterable[tuple[str, str]] = (),
    forbids: Iterable[tuple[str, str]] = (),
    params: SolveParams | None = None,
) -> PlacementResult:
    """The cohort plan of ``network``: the pipeline of ``stu-match assign``."""
    context = scoring_context(network, config)
    pairs = pair_table(context)
    problem = PlacementProblem.build(pairs, locks, forbids, company_names=[c.name for c in network.companies])
    return solve_placement(problem, params)


def plan_mapping(result: PlacementResult) -> dict[str, str | None]:
    """student_id -> company_id (None when unplaced)."""
    mapping: dict[str, str | None] = {sid: None for sid in result.problem.pairs.student_ids.tolist()}
    for assignment in result.assignments():
        mapping[assignment.student_id] = assignment.company_id
    return mapping


def compare_plans(
    before: Mapping[str, str | None],
    after: PlacementResult,
    score_before: float,
) -> PlanDiff:
    """The difference between a saved plan (student -> company) and a new result."""
    new = plan_mapping(after)
    students = sorted(set(before) | set(new))
    moves = [
        Move(student_id=s, before=before.get(s), after=new.get(s))
        for s in students
        if before.get(s) != new.get(s)
    ]
    return PlanDiff(
        placed_before=sum(c is not None for c in before.values()),
        placed_after=after.placed,
        score_before=round(score_before, 2),
        score_after=round(after.total_score, 2),
        moves=moves,
    )
