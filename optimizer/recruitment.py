"""Which companies to recruit, and which ones the network cannot afford to lose.

Every number here is verified by re-solving, not estimated:

- a candidate's **gain** is the maximum number of students placed with the
  candidate added, minus the maximum without it;
- a company's **loss** is the maximum placed with all companies, minus the
  maximum placed without that company.

Only the number placed matters for both, so the solves ask the exact solver for
the largest number placed (all scores set to zero), which is unique even when
many plans reach it, and equal to what ``stu-match assign`` reports as ``placed``.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np
from pydantic import BaseModel

from features.arrays import student_arrays
from features.geography import MUNICIPALITIES
from features.network import Network, profile_row
from features.profiles import Company, Student
from features.travel import TRANSPORT_ORDER, estimate_minutes
from features.vocabulary import INDUSTRY_LABELS, Industry, StressReaction, WorkDemand, mentor_hours_da
from matching.context import ScoringContext, scoring_context
from matching.eligibility import mentor_hours_per_week
from matching.needs import psychological
from matching.pair_table import PairTable
from matching.pairs import score_pairs
from optimizer.exact import solve_exact
from optimizer.problem import PlacementProblem
from optimizer.solve import solve_placement

MAX_CANDIDATE_SLOTS = 4
CANDIDATE_ID_PREFIX = "REKRUT"


class Recommendation(BaseModel):
    """A company profile to recruit, with its verified gain and a ready ``companies.csv`` row."""

    industry: str
    industry_label: str
    municipality: str
    slots: int
    features: list[str]  # Danish: the workplace structure the students need
    gain: int
    students: list[str]  # students unplaced today whom the re-solved plan places
    company_row: dict[str, str]


class CriticalCompany(BaseModel):
    company_id: str
    name: str
    industry: str
    loss: int
    students: list[str]  # the students placed there in the current plan


@dataclasses.dataclass(frozen=True)
class PlacementCount:
    placed: int
    company_of_student: np.ndarray  # (n_students,) company index or -1


def max_placed(pairs: PairTable, enough: int | None = None) -> PlacementCount:
    """The largest number of students that can be placed (mentor capacity included), proven.

    With ``enough``, stop as soon as a plan placing that many is found (the count is
    then ``enough``); when none exists the count is solved exactly.
    """
    problem = PlacementProblem.build(pairs)
    inst, index = problem.free_instance(weight=np.zeros(pairs.n_pairs, dtype=np.int64))
    solution = solve_exact(inst, enough_placed=enough)
    if enough is not None and solution.value.placed < enough:
        solution = solve_exact(inst)  # not enough: the bound proved it, now find the true maximum
    chosen = index.of(solution.chosen)
    company_of_student = np.full(pairs.n_students, -1, dtype=np.int64)
    company_of_student[pairs.student[chosen]] = pairs.company[chosen]
    return PlacementCount(int(solution.value.placed), company_of_student)


def placed_upper_bound(pairs: PairTable) -> int:
    """The most students that can be placed if mentor hours were unlimited: a bound on ``max_placed``.

    A maximum flow from the students (one place each) through their eligible pairs to the
    companies (their internship slots); far cheaper than a solve, so a candidate company
    that cannot raise even this bound above today's number placed needs no solve at all.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow

    n, m = pairs.n_students, pairs.n_companies
    source, sink = n + m, n + m + 1
    tails = np.concatenate([np.full(n, source), pairs.student, n + np.arange(m)])
    heads = np.concatenate([np.arange(n), n + pairs.company, np.full(m, sink)])
    capacities = np.concatenate([np.ones(n + pairs.n_pairs, dtype=np.int32), pairs.capacity.astype(np.int32)])
    graph = csr_matrix((capacities, (tails, heads)), shape=(n + m + 2, n + m + 2))
    return int(maximum_flow(graph, source, sink).flow_value)


def critical_companies(
    network: Network,
    pairs: PairTable,
    company_of_student: np.ndarray,
    progress: Callable[[int, int], None] | None = None,
) -> list[CriticalCompany]:
    """Companies whose withdrawal lowers the number placed, largest loss first.

    A company with no student in the plan costs nothing when it leaves (the plan
    stays feasible), so only companies holding placements are re-solved.
    ``progress(done, total)`` is called after each company is checked.
    """
    baseline = int((company_of_student >= 0).sum())
    out = []
    holding = np.unique(company_of_student[company_of_student >= 0]).tolist()
    for done, j in enumerate(holding):
        if progress is not None:
            progress(done, len(holding))
        if _students_fit_elsewhere(pairs, company_of_student, j):
            continue  # they move to free places elsewhere: nothing is lost
        capacity = pairs.capacity.copy()
        capacity[j] = 0  # the company leaves: its pairs can no longer be used
        left = dataclasses.replace(pairs, capacity=capacity)
        # Stop at the first plan that places as many as before, or as many as the flow bound allows:
        # either is proven best, so no search for a better one (nor a failed search for `baseline`).
        without = max_placed(left, enough=min(baseline, placed_upper_bound(left))).placed
        loss = baseline - without
        if loss > 0:
            company = network.companies[j]
            out.append(
                CriticalCompany(
                    company_id=company.company_id,
                    name=company.name,
                    industry=company.industry.value,
                    loss=loss,
                    students=[
                        network.students[i].student_id for i in np.flatnonzero(company_of_student == j)
                    ],
                )
            )
    return sorted(out, key=lambda c: (-c.loss, c.company_id))


def _students_fit_elsewhere(pairs: PairTable, company_of_student: np.ndarray, leaving: int) -> bool:
    """Can every student of ``leaving`` move, one by one, to a free place (with mentor room) elsewhere?"""
    placed = company_of_student >= 0
    on_plan = placed[pairs.student] & (pairs.company == company_of_student[pairs.student])
    free_slots = pairs.capacity - np.bincount(pairs.company[on_plan], minlength=pairs.n_companies)
    free_mentor = pairs.mentor_capacity - np.bincount(
        pairs.company[on_plan], weights=pairs.support_load[on_plan], minlength=pairs.n_companies
    ).astype(np.int64)
    for i in np.flatnonzero(company_of_student == leaving).tolist():
        options = np.flatnonzero((pairs.student == i) & (pairs.company != leaving))
        options = options[
            (free_slots[pairs.company[options]] > 0)
            & (free_mentor[pairs.company[options]] >= pairs.support_load[options])
        ]
        if options.size == 0:
            return False
        k = options[0]
        free_slots[pairs.company[k]] -= 1
        free_mentor[pairs.company[k]] -= pairs.support_load[k]
    return True


def recommend_companies(
    context: ScoringContext,
    pairs: PairTable,
    company_of_student: np.ndarray,
    top: int = 10,
    progress: Callable[[int, int], None] | None = None,
) -> list[Recommendation]:
    """Candidate companies for today's unplaced students, ranked by verified gain (top ``top``).

    ``progress(done, total)`` is called before each candidate is verified.
    """
    network = context.network
    baseline = int((company_of_student >= 0).sum())
    unplaced = [network.students[i] for i in np.flatnonzero(company_of_student < 0)]
    taken_ids = {c.company_id for c in network.companies}
    scored = []
    groups = _candidate_groups(unplaced)
    for number, (industry, municipality, group) in enumerate(groups, start=1):
        if progress is not None:
            progress(number - 1, len(groups))
        candidate = candidate_company(_fresh_id(number, taken_ids), industry, municipality, group)
        merged = _pairs_with(context, pairs, candidate)
        if placed_upper_bound(merged) <= baseline:
            continue  # proven without solving: not even ignoring mentor hours can more be placed
        gain = max_placed(merged).placed - baseline
        if gain > 0:
            scored.append((gain, candidate, merged))
    scored.sort(key=lambda item: (-item[0], item[1].capacity, item[1].industry.value, item[1].municipality))
    results = []
    for gain, candidate, merged in scored[:top]:
        # The plan `stu-match assign` would propose with the candidate: who gets a place that has none today.
        plan = solve_placement(PlacementProblem.build(merged)).company_of_student
        newly_placed = np.flatnonzero((company_of_student < 0) & (plan[: len(company_of_student)] >= 0))
        results.append(
            Recommendation(
                industry=candidate.industry.value,
                industry_label=INDUSTRY_LABELS[candidate.industry],
                municipality=candidate.municipality,
                slots=candidate.capacity,
                features=candidate_features(candidate),
                gain=gain,
                students=[network.students[i].student_id for i in newly_placed],
                company_row=profile_row(candidate),
            )
        )
    return results


def candidate_company(
    company_id: str, industry: Industry, municipality: str, students: Sequence[Student]
) -> Company:
    """The workplace these students need: in their municipality and industry, built around their needs."""
    needs_shielded = any(s.needs_shielded_workstation for s in students)
    needs_routine = any(s.needs_routine for s in students)
    sensory = any(StressReaction.SENSORY_SENSITIVITY in s.stress_reactions for s in students)
    social = any(StressReaction.SOCIAL_LIMITATIONS in s.stress_reactions for s in students)
    slots = min(len(students), MAX_CANDIDATE_SLOTS)
    arrays = student_arrays(students)
    mentor_trained = bool(psychological(arrays).any()) or any(s.needs_mentor for s in students)
    # Mentor hours per week enough for any `slots` students of the group: those who need the most.
    needed = np.sort(mentor_hours_per_week(arrays, mentor_trained))[::-1]
    row: dict[str, object] = {
        "company_id": company_id,
        "name": f"Ny virksomhed: {INDUSTRY_LABELS[industry]} i {municipality}",
        "industry": industry,
        "municipality": municipality,
        "capacity": slots,
        "mentor_capacity": int(needed[:slots].sum()),
        "mentor_trained": mentor_trained,
        "complexity_min": 1,
        "complexity_max": max(2, max(s.max_task_complexity for s in students)),
        "task_variety": "routine" if needs_routine else "both",
        "shielded_workstation": needs_shielded,
        "team_work": not (needs_shielded or social),
        "min_hours_per_week": min(s.min_hours_per_week for s in students),
        "max_hours_per_week": max(s.max_hours_per_week for s in students),
        "daytime_possible": True,
        "noise": "low" if sensory else "medium",
        "pace": "low",
        "customer_contact": "low" if social else "medium",
        "physical_demands": "low" if any(s.ability_physical_strength <= 2 for s in students) else "medium",
        "wheelchair_accessible": any(s.needs_wheelchair_access for s in students),
        "flexible_management": True,
    }
    for demand in WorkDemand:
        row[f"demand_{demand.value}"] = max(1, min(getattr(s, f"ability_{demand.value}") for s in students))
    return Company.model_validate(row)


def candidate_features(company: Company) -> list[str]:
    """The workplace structure a candidate must offer, in Danish, for the coordinator."""
    features = [f"{company.capacity} praktikplads{'er' if company.capacity > 1 else ''}"]
    if company.shielded_workstation:
        features.append("skærmet arbejdsplads")
    if company.task_variety == "routine":
        features.append("afgrænsede rutineopgaver")
    if company.mentor_trained:
        features.append("mentor uddannet til målgruppen")
    if company.mentor_capacity:
        features.append(mentor_hours_da(company.mentor_capacity))
    if company.complexity_max <= 2:
        features.append("enkle opgaver")
    if company.noise == "low":
        features.append("lavt støjniveau")
    if company.customer_contact == "low":
        features.append("lidt kundekontakt")
    if company.wheelchair_accessible:
        features.append("adgang for kørestol")
    features.append(f"{company.min_hours_per_week}–{company.max_hours_per_week} timer om ugen i dagtimerne")
    features.append("nærværende og fleksibel ledelse")
    return features


def _candidate_groups(unplaced: Sequence[Student]) -> list[tuple[Industry, str, list[Student]]]:
    """For every industry an unplaced student wants, one candidate per home municipality of those
    students, serving every such student who can reach that municipality's town in time.
    Largest groups first."""
    wanting: dict[Industry, list[Student]] = defaultdict(list)
    for student in unplaced:
        for industry in student.interests[: 1 if student.single_industry_only else None]:
            wanting[industry].append(student)
    groups = []
    for industry, students in wanting.items():
        for municipality in sorted({s.home_municipality for s in students}):
            town = MUNICIPALITIES[municipality]
            minutes = estimate_minutes(
                np.array([s.home_lat for s in students]),
                np.array([s.home_lon for s in students]),
                np.array([TRANSPORT_ORDER.index(s.transport_mode) for s in students]),
                np.full(len(students), town.lat),
                np.full(len(students), town.lon),
            )
            within = [s for s, m in zip(students, minutes, strict=True) if m <= s.max_travel_minutes]
            if within:
                groups.append((industry, municipality, within))
    groups.sort(key=lambda g: (-len(g[2]), g[0].value, g[1]))
    return groups


def _pairs_with(context: ScoringContext, pairs: PairTable, candidate: Company) -> PairTable:
    """The eligible pairs with ``candidate`` appended to the network, scoring only its new pairs."""
    network = context.network
    extended = Network(
        students=network.students,
        companies=(*network.companies, candidate),
        history=network.history,
        alumni=network.alumni,
        source=network.source,
    )
    extended_context = scoring_context(extended, context.config, outcome_model=context.model)
    new_j = len(network.companies)
    students = np.arange(len(network.students))
    scores = score_pairs(extended_context, students, np.full(students.shape, new_j))
    eligible = np.flatnonzero(scores.reason < 0)
    return PairTable(
        student_ids=pairs.student_ids,
        company_ids=np.append(pairs.company_ids, candidate.company_id),
        student=np.concatenate([pairs.student, eligible.astype(pairs.student.dtype)]),
        company=np.concatenate([pairs.company, np.full(eligible.size, new_j, dtype=pairs.company.dtype)]),
        score=np.concatenate([pairs.score, scores.score[eligible]]),
        travel_minutes=np.concatenate([pairs.travel_minutes, scores.minutes[eligible]]),
        support_load=np.concatenate([pairs.support_load, scores.support_load[eligible]]),
        capacity=np.append(pairs.capacity, candidate.capacity),
        mentor_capacity=np.append(pairs.mentor_capacity, candidate.mentor_capacity),
    )


def _fresh_id(number: int, taken: set[str]) -> str:
    candidate = f"{CANDIDATE_ID_PREFIX}{number:02d}"
    while candidate in taken:
        number += 100
        candidate = f"{CANDIDATE_ID_PREFIX}{number:02d}"
    return candidate
