"""Where the network falls short: demand against supply per industry x area and per workplace need.

Definitions (one student counts once per table row):

- **industry x area**: *demand* is the students living in the area (home
  municipality, or its region) whose first interest is the industry;
  *fitting_slots* the internship slots at companies of that industry that are
  eligible for at least one of those students (so within their travel limits
  and every hard rule); *placed* those students placed in that industry;
  *placed_elsewhere* placed in another industry; *unplaced* not placed at all.
- **workplace needs**: *demand* is the students with the need; *fitting_slots*
  the slots at companies that offer it and are eligible for at least one of
  them; *placed* the students placed at a company that offers it; *unplaced*
  the students with the need who are not placed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel

from features.arrays import CompanyArrays, StudentArrays, network_arrays
from features.geography import REGION_LABELS, Region, region_of
from features.network import Network
from features.vocabulary import INDUSTRY_LABELS, Industry
from matching.needs import psychological
from matching.pair_table import PairTable

INDUSTRIES = tuple(Industry)
UNPLACED = -1


class IndustryAreaGap(BaseModel):
    industry: str
    industry_label: str
    area: str
    area_level: Literal["municipality", "region"]
    demand: int
    fitting_slots: int
    placed: int
    placed_elsewhere: int
    unplaced: int


class NeedGap(BaseModel):
    need: str
    label: str
    demand: int
    fitting_slots: int
    placed: int
    unplaced: int


@dataclass(frozen=True)
class WorkplaceNeed:
    """A need a student may have, and what a company must offer to meet it."""

    name: str
    label: str
    student_has: Callable[[StudentArrays], np.ndarray]
    company_offers: Callable[[CompanyArrays], np.ndarray]


WORKPLACE_NEEDS: tuple[WorkplaceNeed, ...] = (
    WorkplaceNeed(
        "shielded_workstation",
        "Skærmet arbejdsplads",
        lambda s: s.needs_shielded,
        lambda c: c.shielded_workstation,
    ),
    WorkplaceNeed(
        "routine_tasks",
        "Afgrænsede rutineopgaver",
        lambda s: s.needs_routine,
        lambda c: c.task_variety != 1,  # routine or both
    ),
    WorkplaceNeed(
        "trained_mentor",
        "Mentor uddannet til målgruppen",
        lambda s: s.needs_mentor & psychological(s),
        lambda c: c.mentor_trained,
    ),
    WorkplaceNeed(
        "low_complexity",
        "Enkle eller meget enkle opgaver",
        lambda s: s.complexity <= 2,
        lambda c: c.complexity_min <= 2,
    ),
    WorkplaceNeed(
        "daytime_short_hours",
        "Kun dagtimer og højst 20 timer om ugen",
        lambda s: s.daytime_only & (s.max_hours <= 20),
        lambda c: c.daytime_possible & (c.min_hours <= 20),
    ),
)


def industry_area_gaps(network: Network, pairs: PairTable, assigned: np.ndarray) -> list[IndustryAreaGap]:
    """Demand against supply for every industry x municipality and industry x region with demand.

    ``assigned`` holds each student's company index in ``pairs``, or -1 when unplaced.
    """
    students, companies = network_arrays(network)
    first_interest = np.argmax(students.interest_rank == 1, axis=1)
    municipality = np.array([s.home_municipality for s in network.students])
    region = np.array([region_of(m).value for m in municipality])
    placed_industry = np.where(assigned >= 0, companies.industry[np.maximum(assigned, 0)], -1)
    reachable = _reachable_matrix(pairs)
    rows: list[IndustryAreaGap] = []
    for level, areas, label_of in (
        ("municipality", municipality, lambda a: a),
        ("region", region, lambda a: REGION_LABELS[Region(a)]),
    ):
        for area in sorted(set(areas)):
            in_area = areas == area
            for k, industry in enumerate(INDUSTRIES):
                wanting = np.flatnonzero(in_area & (first_interest == k))
                if wanting.size == 0:
                    continue
                fitting = reachable[wanting].any(axis=0) & (companies.industry == k)
                placed_here = int((placed_industry[wanting] == k).sum())
                unplaced = int((assigned[wanting] == UNPLACED).sum())
                rows.append(
                    IndustryAreaGap(
                        industry=industry.value,
                        industry_label=INDUSTRY_LABELS[industry],
                        area=label_of(area),
                        area_level=level,  # type: ignore[arg-type]
                        demand=int(wanting.size),
                        fitting_slots=int(companies.capacity[fitting].sum()),
                        placed=placed_here,
                        placed_elsewhere=int(wanting.size) - placed_here - unplaced,
                        unplaced=unplaced,
                    )
                )
    return rows


def need_gaps(network: Network, pairs: PairTable, assigned: np.ndarray) -> list[NeedGap]:
    """Demand against supply for each workplace need."""
    students, companies = network_arrays(network)
    reachable = _reachable_matrix(pairs)
    rows = []
    for need in WORKPLACE_NEEDS:
        having = np.flatnonzero(need.student_has(students))
        offers = need.company_offers(companies)
        fitting = reachable[having].any(axis=0) & offers if having.size else np.zeros_like(offers)
        placed = assigned[having]
        rows.append(
            NeedGap(
                need=need.name,
                label=need.label,
                demand=int(having.size),
                fitting_slots=int(companies.capacity[fitting].sum()),
                placed=int(((placed >= 0) & offers[np.maximum(placed, 0)]).sum()),
                unplaced=int((placed == UNPLACED).sum()),
            )
        )
    return rows


def _reachable_matrix(pairs: PairTable) -> np.ndarray:
    """Boolean (n_students, n_companies): the pair is eligible. Small enough for network-size analysis."""
    matrix = np.zeros((pairs.n_students, pairs.n_companies), dtype=bool)
    matrix[pairs.student, pairs.company] = True
    return matrix
