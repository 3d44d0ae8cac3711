"""The app's link to the placement service: the store, the network in use, and cached results.

Everything expensive is cached by the network's stable ID and version (and, for
plans, the decision version they were solved from), so a new decision means a
new plan and the same question is answered from memory.

Plans, the verified recruitment report and the calibration by group are also kept
on disk (``placement_service.result_cache``, in the user's cache folder), keyed by
the content they were computed from, so that the first visit after a restart reads
them instead of solving again. The recruitment report, 40-60 solves for a network
never seen before, is computed in a background thread (``recruitment_job``): the
Netværk page draws everything else at once and shows the progress of the rest.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import streamlit as st

from placement_service import (
    DEFAULT_OBJECTIVE,
    DecisionSet,
    DecisionStore,
    InputError,
    NetworkGaps,
    OpenNetwork,
    Plan,
    Recruitment,
    ScenarioOutcome,
    ScenarioSettings,
    ScoringConfig,
    ScoringContext,
    compare_scenario,
    current_decisions,
    eligible_pairs,
    load_builtin,
    network_gaps,
    open_builtin,
    plan_with_decisions,
    recruitment,
    run_retention,
    system_actor,
)
from placement_service.company_changes import inactive_companies, without_companies, without_decisions_at
from placement_service.fairness import Calibration, FairnessReport, calibration_by_group, fairness_report
from placement_service.learning import scoring_for, trained_up_to
from placement_service.network_report import recruitment_key as report_key_of_recruitment
from placement_service.networks import fingerprint
from placement_service.planning import model_cache_dir
from placement_service.result_cache import ResultCache, report_key

OPEN_NETWORK = "open_network"  # session state: this session's uploaded network (an OpenNetwork)
T = TypeVar("T")


@st.cache_resource
def store() -> DecisionStore:
    """The application database (location from $STU_MATCH_DB); past-retention data is deleted at start-up."""
    opened = DecisionStore()
    run_retention(opened, system_actor())
    return opened


@st.cache_resource(show_spinner="Indlæser netværket …")
def builtin() -> OpenNetwork:
    """The built-in synthetic network, loaded and recorded once per server process."""
    return open_builtin(store(), load_builtin())


def current() -> OpenNetwork:
    """The network this session works on: its upload, or the built-in synthetic network."""
    opened = st.session_state.get(OPEN_NETWORK)
    return opened if isinstance(opened, OpenNetwork) else builtin()


def use(opened: OpenNetwork | None) -> None:
    """Work on ``opened`` from now on (None: the built-in network)."""
    if opened is None:
        st.session_state.pop(OPEN_NETWORK, None)
    else:
        st.session_state[OPEN_NETWORK] = opened


def results() -> ResultCache:
    """The on-disk results folder (inside ``$STU_MATCH_CACHE`` or the user's cache folder)."""
    return ResultCache.under(model_cache_dir())


@st.cache_resource(show_spinner=False, max_entries=16)
def _content_digest(_opened: OpenNetwork, network_id: str, version: int) -> str:
    latest = store().latest_version(network_id)
    if latest is not None and latest.number == version:
        return latest.digest
    return fingerprint(_opened.network, store().secret()).digest


def content_digest(opened: OpenNetwork) -> str:
    """The digest of the network version's files (keyed with the database's secret): a key for its results."""
    return _content_digest(opened, opened.network_id, opened.version)


def _token(opened: OpenNetwork) -> str:
    """The network version and the recorded outcomes the model was last retrained on."""
    return f"{opened.network_id}@{opened.version}~{trained_up_to(store(), opened.network_id)}"


@st.cache_resource(show_spinner="Beregner matchscorer …", max_entries=16)
def _scoring(_opened: OpenNetwork, token: str, config_json: str) -> ScoringContext:
    config = ScoringConfig.model_validate_json(config_json)
    return scoring_for(store(), _opened.network_id, _opened.network, config)


def scoring(opened: OpenNetwork, config: ScoringConfig | None = None) -> ScoringContext:
    """The scoring context of a network (cached per network version and configuration)."""
    return _scoring(opened, _token(opened), (config or ScoringConfig()).model_dump_json())


def decisions(opened: OpenNetwork) -> tuple[int, DecisionSet]:
    """The decision version and current decisions of a network (read fresh on every run)."""
    return current_decisions(store(), opened.network_id, opened.network)


def _plan_token(opened: OpenNetwork) -> str:
    """The network version and the companies that have left it: a plan depends on both."""
    return f"{_token(opened)}#{','.join(sorted(inactive_companies(store(), opened.network_id)))}"


@st.cache_resource(show_spinner=False, max_entries=32)
def _plan(_opened: OpenNetwork, token: str, version: int, objective: str, _decided: DecisionSet) -> Plan:
    inactive = inactive_companies(store(), _opened.network_id)
    context = scoring(_opened)
    pairs = without_companies(eligible_pairs(context), inactive) if inactive else None
    return plan_with_decisions(
        context,
        without_decisions_at(_decided, inactive),
        objective=objective,
        decision_version=version,
        pairs=pairs,
        results=results(),
    )


def decided_plan(opened: OpenNetwork, objective: str = DEFAULT_OBJECTIVE) -> Plan:
    """The plan with every current decision applied, without companies that have withdrawn or closed
    (cached per decision version and set of such companies)."""
    version, decided = decisions(opened)
    return _plan(opened, _plan_token(opened), version, objective, decided)


@dataclass(eq=False)
class Job(Generic[T]):
    """A result computed in a background thread: ready, refused or failed (``error``), or still running."""

    started: float  # time.monotonic() when the computation started
    result: T | None = None
    error: Exception | None = None  # an InputError (e.g. conflicting decisions) or what went wrong
    thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def pending(self) -> bool:
        return self.result is None and self.error is None


PlanJob = Job[Plan]
"""The decided plan of one decision version, solved in the background."""


QUICK_SECONDS = 1.0
"""A result ready within this is waited for, so a page draws at once without a progress bar."""
WAIT_UP_TO_STUDENTS = 500
"""On a network of at most this many students (the pilot has 140) the plan is solved in a few seconds: its
pages wait for it as they always did. On larger ones they show the progress after ``QUICK_SECONDS``."""
PLAN_THREAD = "stu-match-plan"
SCORING_THREAD = "stu-match-scoring"


@st.cache_resource(show_spinner=False)
def _plan_jobs() -> dict[str, PlanJob]:
    """Plan jobs of this server process by key, the newest last (shared by every session)."""
    return {}


@st.cache_resource(show_spinner=False)
def _scoring_jobs() -> dict[str, Job[ScoringContext]]:
    """Scoring jobs of this server process by network version, the newest last (shared by every session)."""
    return {}


def plan_job(opened: OpenNetwork, objective: str = DEFAULT_OBJECTIVE) -> PlanJob:
    """The decided plan (as ``decided_plan``), solved in a background thread so that a page can show its
    progress instead of blocking: waits up to ``QUICK_SECONDS`` for it (on a small network, until it is
    ready), then returns it pending."""
    version, decided = decisions(opened)
    token = _plan_token(opened)
    return _in_background(
        _plan_jobs(),
        f"{token}|{version}|{objective}",
        lambda: _plan(opened, token, version, objective, decided),
        PLAN_THREAD,
        wait=len(opened.network.students) <= WAIT_UP_TO_STUDENTS,
    )


def scoring_job(opened: OpenNetwork) -> Job[ScoringContext]:
    """The network's scoring (as ``scoring``), computed in a background thread (or found ready, e.g. from the
    plan's solve) so that a page can show its progress: waits as ``plan_job`` does."""
    return _in_background(
        _scoring_jobs(),
        _token(opened),
        lambda: scoring(opened),
        SCORING_THREAD,
        wait=len(opened.network.students) <= WAIT_UP_TO_STUDENTS,
    )


def _in_background(
    jobs: dict[str, Job[T]], key: str, compute: Callable[[], T], name: str, *, wait: bool
) -> Job[T]:
    """The job ``key`` of ``jobs``, started if new; waited for until done if ``wait``, else ``QUICK_SECONDS``."""
    with _JOBS_LOCK:
        job = jobs.get(key)
        if job is None:
            job = Job[T](started=time.monotonic())
            job.thread = threading.Thread(
                target=_compute,
                args=(job, compute, name),
                name=name,
                daemon=False,  # as for the recruitment report: CP-SAT aborts the process if torn down mid-solve
            )
            _keep(jobs, key, job)
            job.thread.start()
    if job.pending and job.thread is not None:
        job.thread.join(None if wait else QUICK_SECONDS)
    return job


def _compute(job: Job[T], compute: Callable[[], T], name: str) -> None:
    """The background part: the cached computation (so the page finds it afterwards), nothing drawn."""
    try:
        job.result = compute()
    except InputError as error:  # e.g. conflicting decisions: the page says which
        job.error = error
    except Exception as error:  # logged, and the page says so, instead of lost in the thread
        logging.getLogger(__name__).exception("The background computation %s failed", name)
        job.error = error


def prepare(opened: OpenNetwork) -> None:
    """Start solving a network's decided plan (and so its scoring) in the background, e.g. right after an upload."""
    plan_job(opened)


@st.cache_resource(show_spinner=False, max_entries=8)
def _gaps(_opened: OpenNetwork, token: str, version: int, _plan: Plan) -> NetworkGaps:
    return network_gaps(_plan)


def gaps(opened: OpenNetwork) -> tuple[Plan, NetworkGaps]:
    """The coordinator's view of the decided plan: demand, supply, needs, unplaced by reason."""
    plan = decided_plan(opened)
    return plan, _gaps(opened, _plan_token(opened), plan.decision_version, plan)


@dataclass(eq=False)
class RecruitmentJob:
    """The verified recruitment report of one plan: ready, or being computed in the background."""

    result: Recruitment | None = None
    share_done: float = 0.0  # 0 to 1
    failed: str | None = None  # the error, when the computation failed
    thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def pending(self) -> bool:
        return self.result is None and self.failed is None


_JOBS_LOCK = threading.Lock()
KEEP_JOBS = 8
RECRUITMENT_THREAD = "stu-match-recruitment"


@st.cache_resource(show_spinner=False)
def _jobs() -> dict[str, RecruitmentJob]:
    """Recruitment jobs of this server process by key, the newest last (shared by every session)."""
    return {}


def recruitment_key(opened: OpenNetwork, plan: Plan, top: int = 10) -> str:
    """The key of ``plan``'s recruitment report on this network version's files."""
    return report_key_of_recruitment(plan, content_digest(opened), top)


def recruitment_job(opened: OpenNetwork) -> RecruitmentJob:
    """Companies to recruit, critical companies and rules to lift for the decided plan, each verified by
    solving again: read from memory or disk, else started in a background thread and returned pending."""
    plan = decided_plan(opened)
    key = recruitment_key(opened, plan)
    with _JOBS_LOCK:
        jobs = _jobs()
        job = jobs.get(key)
        if job is not None:
            return job
        job = RecruitmentJob(result=results().report(key, Recruitment))
        _keep(jobs, key, job)
        if job.result is None:
            # Not a daemon: a process that ends (a server stopped, a test run over) waits for the solver,
            # which aborts the process if it is torn down mid-solve.
            job.thread = threading.Thread(
                target=_verify, args=(job, plan, key, results()), name=RECRUITMENT_THREAD, daemon=False
            )
            job.thread.start()
    return job


STOPPING = threading.Event()
"""Set when the server stops: background verifications end at their next step instead of holding the
process for minutes (on a national network the recruitment report is many solves)."""


class StoppingError(Exception):
    """A background computation ended early because the server is stopping."""


def stop_background_work() -> None:
    """Ask the background computations to end at their next step (the launcher calls this on shutdown)."""
    STOPPING.set()


def retry_failed_work() -> None:
    """Forget the background computations that failed with an error (not refused input such as conflicting
    decisions, not stopped): the next page that needs one starts it again (a consultant's "Prøv igen")."""
    with _JOBS_LOCK:
        for jobs in (_plan_jobs(), _scoring_jobs()):
            for key in [key for key, job in jobs.items() if job.error is not None and not refused(job.error)]:
                del jobs[key]
        recruitment_jobs = _jobs()
        for key in [key for key, job in recruitment_jobs.items() if job.failed not in (None, "stopped")]:
            del recruitment_jobs[key]


def refused(error: Exception) -> bool:
    """The input was refused (e.g. conflicting decisions): the same input gives the same answer; no retry."""
    return isinstance(error, InputError)


def _keep(
    jobs: dict[str, Job[T]] | dict[str, RecruitmentJob], key: str, job: Job[T] | RecruitmentJob
) -> None:
    """Add ``job`` as the newest; forget finished ones beyond the ``KEEP_JOBS`` newest (call under ``_JOBS_LOCK``)."""
    jobs[key] = job  # type: ignore[assignment]
    for old in list(jobs)[:-KEEP_JOBS]:
        if not jobs[old].pending:
            del jobs[old]


def _verify(job: RecruitmentJob, plan: Plan, key: str, cache: ResultCache) -> None:
    """The background part: no Streamlit calls here, only the computation, its progress and the disk."""
    try:
        report = compute_recruitment(plan, job)
    except StoppingError:  # nothing kept: the next server computes it again
        job.failed = "stopped"
        return
    except Exception as error:  # logged, and the page says so, instead of lost in the thread
        logging.getLogger(__name__).exception("Verifying the recruitment report failed")
        job.failed = f"{type(error).__name__}: {error}"
        return
    cache.keep_report(key, report)
    job.share_done = 1.0
    job.result = report


def compute_recruitment(plan: Plan, job: RecruitmentJob) -> Recruitment:
    """The verification itself (a seam for tests, which hold it back to see the page while it runs)."""

    def advance(share: float) -> None:
        if STOPPING.is_set():
            raise StoppingError
        job.share_done = share

    return recruitment(plan, progress=advance)


@st.cache_resource(show_spinner=False, max_entries=8)
def _calibration(_opened: OpenNetwork, token: str) -> Calibration:
    key = report_key("calibration", network=content_digest(_opened), folds=5, seed=0)
    return results().report_or_compute(
        key, Calibration, lambda: calibration_by_group(_opened.network, folds=5, seed=0)
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def _fairness(_opened: OpenNetwork, token: str, version: int, _plan: Plan) -> FairnessReport:
    return fairness_report(_plan, _calibration(_opened, _token(_opened)))


def fairness(opened: OpenNetwork) -> FairnessReport:
    """Placement by group in the decided plan (cached per decision version) and the outcome model's
    calibration by group on the network's history (cached per network version)."""
    plan = decided_plan(opened)
    return _fairness(opened, _plan_token(opened), plan.decision_version, plan)


@st.cache_resource(show_spinner=False, max_entries=32)
def _scenario(
    _opened: OpenNetwork, token: str, version: int, settings_json: str, _baseline: Plan
) -> ScenarioOutcome:
    return compare_scenario(_baseline, ScenarioSettings.model_validate_json(settings_json))


def scenario(opened: OpenNetwork, settings: ScenarioSettings) -> ScenarioOutcome:
    """A what-if scenario against the decided plan, with every decision applied."""
    baseline = decided_plan(opened)
    return _scenario(
        opened, _plan_token(opened), baseline.decision_version, settings.model_dump_json(), baseline
    )
