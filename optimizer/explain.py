"""Explanations for consultants, in Danish: why a student is unplaced, and "why not company X?".

An unplaced student gets every reason that applies:

- ``no_eligible``: no company in the network meets the hard rules; the rules that
  ruled companies out are listed with how many companies each ruled out;
- ``all_forbidden``: the fitting companies were all ruled out by consultants;
- ``companies_full``: fitting companies are full, naming them and who took the places;
- ``mentor_full``: fitting companies have a place but not enough mentor hours per week left;
- ``mentor_too_small``: a company's mentor hours per week are below what the student needs;
- ``lower_score`` (fairness) or ``not_proven`` (time limit): a fitting company had
  room, but the objective or the time limit kept the student out.

Rule labels come from ``matching.eligibility.REASON_LABELS`` when it is there; any
mapping of reason code to Danish text can be passed instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from features import danish
from features.errors import InputError
from features.vocabulary import mentor_hours_da
from matching.lookup import closest_ids
from optimizer.blocking import blocking_mask
from optimizer.problem import PairIndex, PlacementProblem, SolveParams
from optimizer.result import PlacementResult

NAMED_COMPANIES = 3
"""How many companies a reason names before it says "and N more"."""


@dataclass(frozen=True)
class Reason:
    """One reason, with a stable code and the Danish text for the consultant."""

    code: str
    text: str


@dataclass(frozen=True)
class WhyNot:
    """The answer to "why is the student not at company X?"."""

    student_id: str
    company_id: str
    code: str
    text: str
    blocking: bool  # the student and the company would both rather have each other (contestable)
    placed_change: int | None = None  # forcing the pair: students placed, compared with the plan
    score_change: float | None = None  # forcing the pair: total score, compared with the plan


def default_reason_labels() -> dict[str, str]:
    """The scorer's Danish labels of the eligibility rules (empty if not available)."""
    try:
        from matching.eligibility import REASON_LABELS
    except ImportError:  # the scorer has not published its labels
        return {}
    return dict(REASON_LABELS)


def _grouped_by_student(student: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """``(order, student[order])`` with the pairs grouped by student; ``order`` is None when they already
    are (the pair table is sorted by student): no pair-sized sort or index on a national network."""
    if student.size < 2 or bool((student[1:] >= student[:-1]).all()):
        return None, student
    order = np.argsort(student, kind="stable")
    return order, student[order]


def _best_first(pair_index: np.ndarray, score: np.ndarray, k: int = NAMED_COMPANIES) -> np.ndarray:
    """``pair_index`` (in table order) with its ``k`` highest-scoring pairs first, best first (ties in
    table order); the others follow in no particular order. The reasons name only the first ``k``
    and count the rest: no sort of all of a student's pairs (thousands on a national network)."""
    if pair_index.size <= 1:
        return pair_index
    scores = score[pair_index]
    if pair_index.size > k:
        kth = np.partition(scores, pair_index.size - k)[pair_index.size - k]  # the k-th highest
        candidates = np.flatnonzero(scores >= kth)  # in table order, ties included
    else:
        candidates = np.arange(pair_index.size)
    lead = candidates[np.argsort(-scores[candidates], kind="stable")][:k]
    rest = np.ones(pair_index.size, dtype=bool)
    rest[lead] = False
    return np.concatenate([pair_index[lead], pair_index[rest]])


def unplaced_reasons(
    result: PlacementResult, reason_labels: Mapping[str, str] | None = None
) -> dict[str, list[Reason]]:
    """student_id -> the reasons each unplaced student is unplaced, in Danish."""
    problem = result.problem
    pairs = problem.pairs
    labels = default_reason_labels() if reason_labels is None else dict(reason_labels)
    plan = result.pair_of_student
    chosen = plan[plan >= 0]
    count = np.bincount(pairs.company[chosen], minlength=pairs.n_companies)
    used = np.bincount(pairs.company[chosen], weights=pairs.support_load[chosen], minlength=pairs.n_companies)
    order, by_student = _grouped_by_student(pairs.student)
    # Searched in the pairs' own integer type: no conversion of a national table's student column.
    students = np.arange(pairs.n_students, dtype=by_student.dtype)
    starts = np.searchsorted(by_student, students)
    ends = np.searchsorted(by_student, students, side="right")
    holders: dict[int, list[str]] = {}
    for k in chosen.tolist():
        holders.setdefault(int(pairs.company[k]), []).append(str(pairs.student_ids[pairs.student[k]]))
    lowest = result.min_score

    out: dict[str, list[Reason]] = {}
    for i in np.flatnonzero(plan < 0).tolist():
        # The student's pairs in table order; each list below names its best-scoring companies first.
        own = np.arange(starts[i], ends[i]) if order is None else order[starts[i] : ends[i]]
        reasons: list[Reason] = []
        if own.size == 0:
            reasons.append(Reason("no_eligible", _no_eligible_text(problem, i, labels)))
            out[str(pairs.student_ids[i])] = reasons
            continue
        allowed = own[problem.allowed[own]]
        forbidden = _best_first(own[problem.forbidden[own]], pairs.score)
        if forbidden.size:
            reasons.append(
                Reason(
                    "all_forbidden" if allowed.size == 0 else "forbidden",
                    f"{_companies(problem, forbidden)} er fravalgt af jobkonsulenten"
                    + (" (alle de virksomheder, der passer)" if allowed.size == 0 else ""),
                )
            )
        companies = pairs.company[allowed]
        load = pairs.support_load[allowed]
        too_big = load > pairs.mentor_capacity[companies]
        has_place = count[companies] < pairs.capacity[companies]
        fits_hours = load <= pairs.mentor_capacity[companies] - used[companies]
        too_small = _best_first(allowed[too_big], pairs.score)
        full = _best_first(allowed[~has_place & ~too_big], pairs.score)
        mentor_full = _best_first(allowed[has_place & ~fits_hours & ~too_big], pairs.score)
        open_place = _best_first(allowed[has_place & fits_hours], pairs.score)
        if full.size:
            named = "; ".join(
                f"{problem.company_label(int(pairs.company[k]))} (pladserne er taget af "
                f"{', '.join(holders.get(int(pairs.company[k]), []))})"
                for k in full[:NAMED_COMPANIES].tolist()
            )
            more = f" og {full.size - NAMED_COMPANIES} andre" if full.size > NAMED_COMPANIES else ""
            reasons.append(
                Reason(
                    "companies_full",
                    f"De virksomheder, der passer, er fuldt besat: {named}{more}. Planen placerer så mange "
                    "elever som muligt; skulle eleven have en af pladserne, ville en anden elev miste sin",
                )
            )
        if mentor_full.size:
            named = "; ".join(
                f"{problem.company_label(int(pairs.company[k]))} ("
                + _hours_in_use(
                    int(used[pairs.company[k]]),
                    int(pairs.mentor_capacity[pairs.company[k]]),
                    int(pairs.support_load[k]),
                )
                + ")"
                for k in mentor_full[:NAMED_COMPANIES].tolist()
            )
            more = (
                f" og {mentor_full.size - NAMED_COMPANIES} andre"
                if mentor_full.size > NAMED_COMPANIES
                else ""
            )
            reasons.append(Reason("mentor_full", f"Mentortimerne er brugt op hos {named}{more}"))
        if too_small.size:
            named = "; ".join(
                f"{problem.company_label(int(pairs.company[k]))} (eleven har brug for "
                f"{int(pairs.support_load[k])}, virksomheden kan give {int(pairs.mentor_capacity[pairs.company[k]])})"
                for k in too_small[:NAMED_COMPANIES].tolist()
            )
            reasons.append(
                Reason(
                    "mentor_too_small",
                    f"Virksomheden kan ikke give de mentortimer om ugen, eleven har brug for: {named}",
                )
            )
        if open_place.size:
            names = _companies(problem, open_place)
            if result.objective == "fairness" and lowest is not None:
                reasons.append(
                    Reason(
                        "lower_score",
                        f"{names} har plads, men eleven ville få en lavere score dér end planens laveste "
                        f"score ({lowest:.1f}); målet 'fairness' hæver den laveste score",
                    )
                )
            else:
                reasons.append(
                    Reason(
                        "not_proven",
                        f"{names} har plads; planen er ikke bevist optimal (tidsgrænsen blev nået), "
                        "så prøv igen med en længere tidsgrænse",
                    )
                )
        out[str(pairs.student_ids[i])] = reasons
    return out


def why_not(
    result: PlacementResult,
    student_id: str,
    company_id: str,
    *,
    reason_labels: Mapping[str, str] | None = None,
    params: SolveParams | None = None,
) -> WhyNot:
    """Why ``student_id`` is not at ``company_id`` in the plan, in Danish.

    For an eligible pair the plan did not use, the pair is also solved as a lock
    (with ``params``, default a 10-second limit) to say what it would cost: how many
    fewer students placed, or how much lower the total score.
    """
    problem = result.problem
    pairs = problem.pairs
    student_id, company_id = str(student_id).strip(), str(company_id).strip()
    i = _position(pairs.student_ids, student_id, "student", "elev")
    j = _position(pairs.company_ids, company_id, "company", "virksomhed")
    company = problem.company_label(j)
    current = int(result.pair_of_student[i])
    current_company = None if current < 0 else int(pairs.company[current])
    if current_company == j:
        return WhyNot(
            student_id, company_id, "placed_there", f"Eleven er placeret hos {company} i planen", False
        )
    k = PairIndex(pairs).get((i, j))
    if k is None:
        text = f"{company} opfylder ikke de faste krav for eleven, så den er ikke en mulighed"
        return WhyNot(student_id, company_id, "not_eligible", text, False)
    if problem.forbidden[k]:
        text = f"Jobkonsulenten har fravalgt {company} for eleven"
        return WhyNot(student_id, company_id, "forbidden", text, False)
    if problem.locked[i]:
        locked_to = problem.company_label(int(pairs.company[problem.lock_pair[i]]))
        return WhyNot(
            student_id, company_id, "locked", f"Jobkonsulenten har låst eleven til {locked_to}", False
        )
    if pairs.support_load[k] > pairs.mentor_capacity[j]:
        text = (
            f"{company} kan kun give {mentor_hours_da(int(pairs.mentor_capacity[j]))}, "
            f"og eleven har brug for {int(pairs.support_load[k])}"
        )
        return WhyNot(student_id, company_id, "mentor_too_small", text, False)
    blocking, displaced = blocking_mask(problem, result.pair_of_student)
    score = float(pairs.score[k])
    now = (
        "ingen plads"
        if current_company is None
        else f"score {float(pairs.score[current]):.1f} hos {problem.company_label(current_company)}"
    )
    chosen = result.chosen_pairs
    at_company = chosen[pairs.company[chosen] == j]
    count = at_company.size
    used = int(pairs.support_load[at_company].sum())
    if blocking[k]:
        text = f"Eleven og {company} ville begge hellere have hinanden: score {score:.1f} hos {company} mod {now}"
        if displaced[k] >= 0:
            text += f"; {company} skulle give slip på {pairs.student_ids[pairs.student[displaced[k]]]}"
        code = "blocking"
    elif current >= 0 and pairs.score[current] >= score:
        text = f"Eleven passer bedre til sin plads i planen ({now}) end til {company} (score {score:.1f})"
        code = "better_elsewhere"
    elif count >= pairs.capacity[j]:
        holders = ", ".join(
            f"{pairs.student_ids[pairs.student[m]]} ({float(pairs.score[m]):.1f})"
            for m in at_company.tolist()
        )
        text = f"{company} er fuldt besat af elever med mindst samme score: {holders}"
        code = "company_full"
    else:
        text = f"Mentortimerne hos {company} er brugt op: " + _hours_in_use(
            used, int(pairs.mentor_capacity[j]), int(pairs.support_load[k])
        )
        code = "mentor_full"
    placed_change, score_change = _cost_of_lock(result, student_id, company_id, params)
    if placed_change is not None and score_change is not None:
        if placed_change < 0:
            fewer = "én elev færre" if -placed_change == 1 else f"{-placed_change} elever færre"
            text += f". Låses eleven til {company}, bliver {fewer} placeret"
        elif score_change < 0:
            text += f". Låses eleven til {company}, falder den samlede score med {-score_change:.2f} point"
        else:
            text += f". Eleven kan låses til {company} uden at planen bliver dårligere"
    return WhyNot(student_id, company_id, code, text, code == "blocking", placed_change, score_change)


def _hours_in_use(used: int, capacity: int, load: int) -> str:
    """A company's mentor hours per week in use, and the student's need: '2 af 3 mentortimer om ugen …'."""
    return f"{used} af {mentor_hours_da(capacity)} er i brug, og eleven har brug for {load}"


def _cost_of_lock(
    result: PlacementResult, student_id: str, company_id: str, params: SolveParams | None
) -> tuple[int | None, float | None]:
    """Students placed and total score if the pair were locked, compared with the plan (None if not proven)."""
    from optimizer.solve import solve_placement

    problem = result.problem
    locks = [(s, c) for s, c in problem.locks if s != student_id] + [(student_id, company_id)]
    try:
        forced = PlacementProblem.build(problem.pairs, locks, problem.forbids, problem.company_names)
    except InputError:
        return None, None
    params = SolveParams(objective=result.objective, time_limit_seconds=10.0) if params is None else params
    other = solve_placement(forced, params)
    if other.status != "OPTIMAL" or result.status != "OPTIMAL":
        return None, None
    return other.placed - result.placed, round(other.objective_score - result.objective_score, 2)


def _no_eligible_text(problem: PlacementProblem, i: int, labels: Mapping[str, str]) -> str:
    pairs = problem.pairs
    text = "Ingen virksomhed i netværket opfylder de faste krav for eleven"
    if pairs.ineligible_counts.shape[0] != pairs.n_students or not pairs.reason_codes:
        return text
    counts = pairs.ineligible_counts[i]
    order = np.argsort(-counts, kind="stable")
    parts = [
        f"{labels.get(pairs.reason_codes[r], pairs.reason_codes[r])}: {_companies_count(int(counts[r]))}"
        for r in order.tolist()
        if counts[r] > 0
    ]
    return text + (" (" + "; ".join(parts) + ")" if parts else "")


def _companies_count(n: int) -> str:
    return danish.count(n, "virksomhed", "virksomheder")


def _companies(problem: PlacementProblem, pair_index: np.ndarray) -> str:
    names = [
        problem.company_label(int(problem.pairs.company[k])) for k in pair_index[:NAMED_COMPANIES].tolist()
    ]
    more = f" og {pair_index.size - NAMED_COMPANIES} andre" if pair_index.size > NAMED_COMPANIES else ""
    return ", ".join(names) + more


def _position(ids: np.ndarray, wanted: str, what: str, what_da: str) -> int:
    found = np.flatnonzero(ids == str(wanted).strip())
    if found.size:
        return int(found[0])
    close = closest_ids(str(wanted), [str(x) for x in ids.tolist()])
    hint = f" Closest: {', '.join(close)}." if close else ""
    hint_da = f" Nærmeste: {', '.join(close)}." if close else ""
    raise InputError(f"Unknown {what} ID '{wanted}'.{hint}", f"Ukendt {what_da}-ID '{wanted}'.{hint_da}")
