"""The placement service: every use case of the CLI and the app, and the store of what users decide.

The CLI (``stu_match``) and the app (``app_streamlit``) import this package and
``features`` (vocabularies, labels, profiles), nothing below it. Data flows one
way: files → ``features`` → ``matching`` → ``optimizer`` → here → CLI and app.
See docs/architecture.md.
"""

from __future__ import annotations

from features.errors import DataValidationError, InputError
from matching.config import COMPONENT_LABELS, RULE_COMPONENTS, ScoringConfig
from matching.context import ScoringContext
from matching.explain import PairExplanation
from matching.pair_table import PairTable
from optimizer.explain import Reason, WhyNot
from optimizer.result import Assignment, Move
from placement_service.clock import COPENHAGEN, danish_time
from placement_service.decisions import (
    AVOIDING,
    DECISION_ACTIONS,
    DECISION_HELP,
    DECISION_LABELS,
    KEEPING,
    Decision,
    DecisionKind,
    DecisionSet,
)
from placement_service.network_report import (
    REASON_GROUP_LABELS,
    GapReport,
    NetworkGaps,
    Recruitment,
    UnplacedGroup,
    gap_report,
    network_gaps,
    recruitment,
)
from placement_service.networks import (
    BUILTIN_NETWORK_NAME,
    NetworkChanges,
    OpenNetwork,
    load_builtin,
    load_data,
    open_as_new,
    open_as_version,
    open_builtin,
    preview_version,
    read_upload,
    same_files_as,
    uploadable_networks,
)
from placement_service.planning import (
    DEFAULT_OBJECTIVE,
    DEFAULT_TIME_LIMIT_SECONDS,
    OBJECTIVES,
    PLAN_COLUMNS,
    Plan,
    eligible_pairs,
    plan_cohort,
    plan_with_decisions,
    prepare_scoring,
    read_decision_file,
    read_plan_file,
    scoring_config,
    solve_params,
)
from placement_service.scenarios import AddedCompany, PlanDiff, ScenarioOutcome, ScenarioSettings
from placement_service.scoring import (
    DEFAULT_TOP_K,
    PAIR_COLUMNS,
    REASON_TEXT_EN,
    companies_for_student,
    evaluate_ranking,
    pairs_csv,
    pairs_summary,
    students_for_company,
)
from placement_service.store import (
    BUILTIN_NETWORK_ID,
    DATABASE_ENV,
    AuditEntry,
    DecisionConflictError,
    DecisionStore,
    NetworkInfo,
    SavedPlan,
    Scenario,
    database_path,
)
from placement_service.use_cases import (
    approve_plan,
    compare_scenario,
    current_decisions,
    decide,
    decided_plan,
)

__all__ = [
    "AVOIDING",
    "BUILTIN_NETWORK_ID",
    "BUILTIN_NETWORK_NAME",
    "COMPONENT_LABELS",
    "COPENHAGEN",
    "DATABASE_ENV",
    "DECISION_ACTIONS",
    "DECISION_HELP",
    "DECISION_LABELS",
    "DEFAULT_OBJECTIVE",
    "DEFAULT_TIME_LIMIT_SECONDS",
    "DEFAULT_TOP_K",
    "KEEPING",
    "OBJECTIVES",
    "PAIR_COLUMNS",
    "PLAN_COLUMNS",
    "REASON_GROUP_LABELS",
    "REASON_TEXT_EN",
    "RULE_COMPONENTS",
    "AddedCompany",
    "Assignment",
    "AuditEntry",
    "DataValidationError",
    "Decision",
    "DecisionConflictError",
    "DecisionKind",
    "DecisionSet",
    "DecisionStore",
    "GapReport",
    "InputError",
    "Move",
    "NetworkChanges",
    "NetworkGaps",
    "NetworkInfo",
    "OpenNetwork",
    "PairExplanation",
    "PairTable",
    "Plan",
    "PlanDiff",
    "Reason",
    "Recruitment",
    "SavedPlan",
    "Scenario",
    "ScenarioOutcome",
    "ScenarioSettings",
    "ScoringConfig",
    "ScoringContext",
    "UnplacedGroup",
    "WhyNot",
    "approve_plan",
    "companies_for_student",
    "compare_scenario",
    "current_decisions",
    "danish_time",
    "database_path",
    "decide",
    "decided_plan",
    "eligible_pairs",
    "evaluate_ranking",
    "gap_report",
    "load_builtin",
    "load_data",
    "network_gaps",
    "open_as_new",
    "open_as_version",
    "open_builtin",
    "pairs_csv",
    "pairs_summary",
    "plan_cohort",
    "plan_with_decisions",
    "prepare_scoring",
    "preview_version",
    "read_decision_file",
    "read_plan_file",
    "read_upload",
    "recruitment",
    "same_files_as",
    "scoring_config",
    "solve_params",
    "students_for_company",
    "uploadable_networks",
]
