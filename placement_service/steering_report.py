"""The steering group's report: per STU site and cohort, placements, follow-ups on time and outcomes.

The seeds' steering group follows the results every six months. Counts only, never a single
student's details, so the network coordinator may see it. A cohort is the year a placement
started (for outcomes: the year recorded with the outcome). Outcomes are set against the pilot
(81 % in a job 12 months after STU) and the national figure (7-15 %).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from features.geography import SITES_BY_ID
from features.network import Network
from features.safe_files import safe_workbook_bytes
from features.vocabulary import OUTCOME_LABELS, Outcome
from placement_service.access import Actor, Role, require_role
from placement_service.after_match import (
    DEFAULT_FOLLOWUP_MONTHS,
    MEASURED_LABELS,
    Measured,
    PlacementStatus,
    add_months,
    followup_interval,
)
from placement_service.after_match_store import FollowUpRecord, PlacementRecord
from placement_service.store import DecisionStore

PILOT_IN_JOB = 0.81
NATIONAL_IN_JOB = (0.07, 0.15)
GRACE_DAYS = 14
"""A follow-up counts as on time up to two weeks after its due date."""


@dataclass
class SiteCohort:
    stu_site: str
    cohort: int
    students: int = 0  # of the site in the current files (same for every cohort of the site)
    placed: int = 0  # placements agreed, started or ended that started in the cohort year
    in_internship: int = 0  # started and not ended
    followups_due: int = 0
    followups_on_time: int = 0
    outcomes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def in_job(self, measured: Measured) -> tuple[int, int]:
        counts = self.outcomes.get(measured.value, Counter())
        jobs = sum(n for o, n in counts.items() if Outcome(o).is_lasting_attachment)
        return jobs, sum(counts.values())


def followups_on_time(
    placement: PlacementRecord,
    followups: list[FollowUpRecord],
    today: date,
    every_months: int = DEFAULT_FOLLOWUP_MONTHS,
) -> tuple[int, int]:
    """(due, on time): each due date until the placement ended (or today) is met by a follow-up held
    after the previous due date and at most ``GRACE_DAYS`` after it."""
    if not placement.start_date or placement.status not in (PlacementStatus.STARTED, PlacementStatus.ENDED):
        return 0, 0
    start = date.fromisoformat(placement.start_date)
    until = date.fromisoformat(placement.end_date) if placement.end_date else today
    held = sorted(date.fromisoformat(f.held_on) for f in followups)
    due = on_time = 0
    previous, k = start, 1
    while (due_on := add_months(start, every_months * k)) <= until:
        due += 1
        met = next((h for h in held if previous < h <= due_on + timedelta(days=GRACE_DAYS)), None)
        if met is not None:
            on_time += 1
            held.remove(met)  # one follow-up meets one due date
        previous, k = due_on, k + 1
    return due, on_time


def steering_report(
    store: DecisionStore, network_id: str, network: Network, actor: Actor, *, today: date | None = None
) -> list[SiteCohort]:
    require_role(
        actor,
        (Role.JOBKONSULENT, Role.NETVAERKSKOORDINATOR),
        "see the steering group's report",
        "se styregruppens rapport",
    )
    today = today or date.today()
    every_months = followup_interval(store, network_id)
    site_of = {s.student_id: s.stu_site for s in (*network.alumni, *network.students)}
    students = Counter(s.stu_site for s in network.students)
    rows: dict[tuple[str, int], SiteCohort] = {}

    def row(site: str, cohort: int) -> SiteCohort:
        if (site, cohort) not in rows:
            rows[(site, cohort)] = SiteCohort(site, cohort, students.get(site, 0))
        return rows[(site, cohort)]

    placements = [p for p in store.placements(network_id) if p.student_id in site_of]
    by_placement: dict[int, list[FollowUpRecord]] = defaultdict(list)
    for f in store.followups(network_id, [p.id for p in placements]):
        by_placement[f.placement_id].append(f)
    for p in placements:
        if p.status == PlacementStatus.PROPOSED or not p.start_date:
            continue
        r = row(site_of[p.student_id], int(p.start_date[:4]))
        r.placed += 1
        r.in_internship += p.status == PlacementStatus.STARTED
        due, on_time = followups_on_time(p, by_placement[p.id], today, every_months)
        r.followups_due += due
        r.followups_on_time += on_time
    for o in store.outcomes(network_id):
        if o.student_id in site_of:
            row(site_of[o.student_id], o.year).outcomes[o.measured][o.outcome] += 1
    return sorted(rows.values(), key=lambda r: (r.stu_site, r.cohort))


def _share(part: int, whole: int) -> str:
    return "" if whole == 0 else f"{100 * part / whole:.0f} %".replace(".", ",")


def report_table(rows: list[SiteCohort]) -> pd.DataFrame:
    """The report as a Danish table: one row per STU site and cohort."""
    records = []
    for r in rows:
        record: dict[str, object] = {
            "STU-sted": SITES_BY_ID[r.stu_site].name if r.stu_site in SITES_BY_ID else r.stu_site,
            "Årgang": r.cohort,
            "Elever": r.students,
            "Praktikker aftalt": r.placed,
            "I praktik nu": r.in_internship,
            "Opfølgninger til tiden": f"{r.followups_on_time} af {r.followups_due}"
            if r.followups_due
            else "",
        }
        for measured in Measured:
            jobs, total = r.in_job(measured)
            label = MEASURED_LABELS[measured]
            record[f"I job, {label[0].lower()}{label[1:]}"] = (
                f"{jobs} af {total} ({_share(jobs, total)})" if total else ""
            )
        records.append(record)
    return pd.DataFrame(records)


def outcome_table(rows: list[SiteCohort]) -> pd.DataFrame:
    """Outcomes by employment type, at the end of STU and 12 months after, over all sites and cohorts."""
    records = []
    for measured in Measured:
        total: Counter[str] = Counter()
        for r in rows:
            total.update(r.outcomes.get(measured.value, Counter()))
        n = sum(total.values())
        for outcome in Outcome:
            records.append(
                {
                    "Målt": MEASURED_LABELS[measured],
                    "Beskæftigelse": OUTCOME_LABELS[outcome],
                    "Antal": total.get(outcome.value, 0),
                    "Andel": _share(total.get(outcome.value, 0), n),
                }
            )
    return pd.DataFrame(records)


def benchmark_text(rows: list[SiteCohort]) -> str:
    """One Danish sentence setting the 12-month share in a job against the pilot and the national figure."""
    jobs = total = 0
    for r in rows:
        j, t = r.in_job(Measured.TWELVE_MONTHS)
        jobs, total = jobs + j, total + t
    low, high = (round(100 * x) for x in NATIONAL_IN_JOB)
    if not total:
        return (
            "Der er endnu ingen udfald 12 måneder efter STU. Til sammenligning: i Joballiancens pilot var "
            f"{round(100 * PILOT_IN_JOB)} % i job, på landsplan {low}–{high} %."
        )
    return (
        f"12 måneder efter STU er {jobs} af {total} i job ({_share(jobs, total)}). Joballiancens pilot: "
        f"{round(100 * PILOT_IN_JOB)} %; på landsplan {low}–{high} %."
    )


def report_workbook(rows: list[SiteCohort]) -> bytes:
    """The report as an Excel workbook: the site-by-cohort table and outcomes by employment type."""
    return safe_workbook_bytes({"Styregruppe": report_table(rows), "Udfald": outcome_table(rows)})
