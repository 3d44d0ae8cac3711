"""Hard eligibility rules: when a student cannot be placed at a company, with a named reason.

Every rule works on aligned pair arrays (``s`` and ``c`` index the student and
company arrays), so a whole block of pairs is checked at once. Small shortfalls
(simplest tasks one level too complex, hours a few hours short, an overload on a
work-demand dimension) are *not* rules: the pair stays eligible and the
shortfall becomes an arrangement (see ``matching.explain``).

An ineligible pair is counted once, under the first rule it fails in
``REASON_CODES`` order; travel comes first, so the later counts are about
companies within the student's reach.
"""

from __future__ import annotations

import numpy as np

from features.arrays import CompanyArrays, StudentArrays
from features.vocabulary import ImpairmentGroup
from matching.config import ScoringConfig
from matching.needs import psychological

REASON_CODES: tuple[str, ...] = (
    "travel",
    "no_capacity",
    "industry_preference",
    "wheelchair_access",
    "daytime",
    "hours",
    "complexity",
    "shielded_workstation",
    "mentor",
    "work_demands",
)
"""Ineligibility reasons, in the order rules are checked (the columns of ``ineligible_counts``)."""

REASON_LABELS: dict[str, str] = {
    "travel": "Transporttiden er længere end elevens maksimum",
    "no_capacity": "Virksomheden har ingen praktikpladser",
    "industry_preference": "Eleven ønsker kun sin førstevalgsbranche",
    "wheelchair_access": "Arbejdspladsen er ikke tilgængelig for kørestol",
    "daytime": "Eleven kan kun arbejde i dagtimerne, og det kan virksomheden ikke tilbyde",
    "hours": "Arbejdstiden kan ikke tilpasses elevens timetal",
    "complexity": "Opgaverne er for komplekse for eleven",
    "shielded_workstation": "Eleven har brug for en skærmet arbejdsplads, som virksomheden ikke har",
    "mentor": "Virksomheden kan ikke give den mentorstøtte, eleven har brug for",
    "work_demands": "Et arbejdskrav ligger langt over elevens forudsætninger",
}
"""Danish text of each reason, for the app."""

REASON_TEXT_EN: dict[str, str] = {
    "travel": "travel time above the student's maximum",
    "no_capacity": "the company has no internship slots",
    "industry_preference": "the student wants only their first-choice industry",
    "wheelchair_access": "the workplace is not wheelchair accessible",
    "daytime": "the student can only work daytime hours, which the company cannot offer",
    "hours": "the company's weekly hours cannot be adjusted to the student's",
    "complexity": "the tasks are far more complex than the student handles",
    "shielded_workstation": "the student needs a shielded workstation the company does not have",
    "mentor": "the student needs more mentor support than the company can give",
    "work_demands": "a work demand far beyond the student's ability",
}
"""English text of each reason, for the CLI."""

ELIGIBLE = -1
"""The reason index of an eligible pair."""


def support_load(
    students: StudentArrays, companies: CompanyArrays, s: np.ndarray, c: np.ndarray
) -> np.ndarray:
    """(n_pairs,) int64: the units of the company's ``mentor_capacity`` the student would use.

    A student who needs a mentor uses 1 unit, 2 with a high support level
    (some), 3 with the highest (most). A trained mentor saves one unit for a
    student with a psychological or cognitive impairment who needs 2 or more.
    A student who does not need a mentor uses none.
    """
    level = students.support_max[s].astype(np.int64)
    base = students.needs_mentor[s] * (1 + (level >= 2) + (level >= 3))
    group = psychological(students) | students.has_group(ImpairmentGroup.COGNITIVE)
    relief = companies.mentor_trained[c] & group[s] & (base >= 2)
    return (base - relief).astype(np.int64)


def hours_shortfall(
    students: StudentArrays, companies: CompanyArrays, s: np.ndarray, c: np.ndarray
) -> np.ndarray:
    """(n_pairs,) int: hours per week by which the company's range misses the student's (0 = overlap)."""
    short_of_min = students.min_hours[s].astype(np.int32) - companies.max_hours[c]
    above_max = companies.min_hours[c].astype(np.int32) - students.max_hours[s]
    return np.maximum(np.maximum(short_of_min, above_max), 0)


def complexity_gap(
    students: StudentArrays, companies: CompanyArrays, s: np.ndarray, c: np.ndarray
) -> np.ndarray:
    """(n_pairs,) int: levels by which the company's simplest tasks exceed the student's maximum."""
    return companies.complexity_min[c].astype(np.int32) - students.complexity[s]


def overloads(students: StudentArrays, companies: CompanyArrays, s: np.ndarray, c: np.ndarray) -> np.ndarray:
    """(n_pairs, 11) int8: requirement above ability on each work-demand dimension (0 = none).

    Column-major, so that sums and maxima over the dimensions are fast.
    """
    out = np.empty((s.shape[0], companies.demands.shape[1]), dtype=np.int8, order="F")
    demands, abilities = companies.demands.T, students.abilities.T
    for k in range(out.shape[1]):
        out[:, k] = np.maximum(demands[k][c] - abilities[k][s], 0)
    return out


def rule_failures(
    students: StudentArrays,
    companies: CompanyArrays,
    s: np.ndarray,
    c: np.ndarray,
    config: ScoringConfig,
    load: np.ndarray | None = None,
    overload: np.ndarray | None = None,
) -> np.ndarray:
    """(n_pairs, len(REASON_CODES) - 1) bool: which rules after ``travel`` each pair fails.

    Travel is checked where travel times are known (``matching.candidates``).
    """
    if load is None:
        load = support_load(students, companies, s, c)
    if overload is None:
        overload = overloads(students, companies, s, c)
    first_interest = students.interest_rank[s, companies.industry[c]] == 1
    checks = (
        # The company offers no internship slots.
        companies.capacity[c] < 1,
        # The student wants their first-choice industry only.
        students.single_industry_only[s] & ~first_interest,
        # The student uses a wheelchair and the workplace is not accessible.
        students.needs_wheelchair[s] & ~companies.wheelchair_accessible[c],
        # The student can only work daytime on weekdays, and the company cannot offer that.
        students.daytime_only[s] & ~(companies.daytime_possible[c] & companies.weekdays[c, :5].any(axis=1)),
        # The weekly hours miss the student's range by more than can be adjusted.
        hours_shortfall(students, companies, s, c) > config.hours_tolerance,
        # Even the simplest tasks are far beyond the complexity the student handles.
        complexity_gap(students, companies, s, c) > config.complexity_tolerance,
        # The student needs a shielded workstation and the company has none.
        students.needs_shielded[s] & ~companies.shielded_workstation[c],
        # The student needs a mentor and the company's mentor capacity can never cover them.
        students.needs_mentor[s] & (load > companies.mentor_capacity[c]),
        # A work demand lies far beyond the student's ability on some dimension.
        overload.max(axis=1, initial=0) > config.overload_limit,
    )
    return np.stack(checks, axis=0).T  # column-major (n_pairs, n_rules)


def first_reason(failures: np.ndarray) -> np.ndarray:
    """(n_pairs,) int8: index into REASON_CODES of the first failed rule, or ELIGIBLE.

    ``failures`` has the columns of ``rule_failures`` (the rules after travel).
    """
    reason = np.full(failures.shape[0], ELIGIBLE, dtype=np.int8)
    for k in range(failures.shape[1] - 1, -1, -1):
        reason[failures[:, k]] = k + 1
    return reason
