"""The scores of a block's eligible pairs in one compiled pass (numba), for large networks.

``matching.blockscore`` finds a block's eligible pairs with numpy on its dense grid
(travel by dot products, the hard rules as bits) and then scores them. On 100
million pairs the scoring, some thirty numpy operations each over every pair, is
most of the time; this kernel does the same arithmetic pair by pair in one loop,
in the same order, so the results equal the numpy path's to the last bits of
``asin`` and ``exp`` (tests check both paths against ``matching.pairs.score_pairs``).

It reads only tables that ``BlockScorer`` builds from the fit functions themselves
(look-up tables, per-student and per-company codes, the model's folded weights);
the formulas it repeats are the continuous ones: travel minutes
(``matching.candidates.minutes_between`` and ``features.travel.minutes_for_km``),
``environment_fit``, ``work_demands_fit``, ``travel_fit``, and the model's logit
(``_ModelTables.probability``) with ``logistic``. It releases the GIL, so the scoring threads run it in parallel.
Compiled once and cached next to this file (``cache=True``); numba is imported only
when a network is large enough to use it (``BlockScorer``).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from matching.blockscore import GAP_OFFSET, GAP_SPAN
from matching.candidates import EARTH_RADIUS_KM

MODEL_WEIGHTS = (
    "complexity_gap",
    "complexity_room",
    "hours_shortfall",
    "overload_total",
    "overload_max",
    "travel_ratio",
    "travel_over_half",
    "travel_over_three_quarters",
)
"""The model's weights the kernel reads, in the order of its ``weights`` argument."""


@njit(cache=True, nogil=True, error_model="numpy")
def score_eligible(
    rows,
    members,
    flat,
    pair_row,
    pair_column,
    short_grid,
    gap_grid,
    total_grid,
    student_xyz,
    company_xyz,
    transport,
    max_travel,
    fixed_minutes,
    minutes_per_km,
    interest_rank,
    industry,
    complexity,
    complexity_max,
    strain_factor,
    strain_level,
    reactions,
    structure_code,
    company_structure_code,
    support_code,
    company_support_code,
    interest_fit,
    complexity_lut,
    hours_lut,
    structure_lut,
    support_lut,
    points,
    overload_scale,
    comfortable_share,
    has_model,
    intercept,
    weights,
    student_part,
    company_part,
    interest_logit,
    worst_grid,
    model_structure,
    student_structure,
    company_structure,
    model_environment,
    student_environment,
    company_environment,
    model_support,
    student_need,
    company_support,
):
    """(company, score, minutes) of the pairs at ``flat`` in the block's b x width grid: rows ``pair_row``, columns ``pair_column``."""
    k = flat.shape[0]
    out_company = np.empty(k, dtype=np.int32)
    out_score = np.empty(k, dtype=np.float64)
    out_minutes = np.empty(k, dtype=np.float64)
    n_legs = fixed_minutes.shape[0]
    n_strains = strain_factor.shape[0]
    for p in range(k):
        cell = flat[p]
        s = rows[pair_row[p]]
        c = members[pair_column[p]]

        # Travel minutes: the great-circle km from the chord, then the fastest leg.
        dx = student_xyz[0, s] - company_xyz[0, c]
        dy = student_xyz[1, s] - company_xyz[1, c]
        dz = student_xyz[2, s] - company_xyz[2, c]
        km = dx * dx
        km += dy * dy
        km += dz * dz
        km = math.sqrt(km) * 0.5
        km = 2.0 * EARTH_RADIUS_KM * math.asin(min(km, 1.0))
        code = transport[s]
        minutes = minutes_per_km[0, code] * km + fixed_minutes[0, code]
        for leg in range(1, n_legs):
            minutes = min(minutes, minutes_per_km[leg, code] * km + fixed_minutes[leg, code])

        rank = interest_rank[s, industry[c]]
        gap = gap_grid[cell]
        under = complexity[s] - complexity_max[c]
        short = short_grid[cell]
        total = total_grid[cell]
        units = 0
        for strain in range(n_strains):
            units += strain_level[strain, c] * strain_factor[strain, s]
        reacting = reactions[s]
        environment = 1.0 - units / (8.0 * reacting) if reacting > 0 else 1.0
        travel = (1.0 - minutes / max_travel[s]) / (1.0 - comfortable_share)
        travel = min(max(travel, 0.0), 1.0)
        outcome = 0.0
        if has_model:
            ratio = minutes / max_travel[s]
            logit = intercept + student_part[s]
            logit += company_part[c]
            logit += interest_logit[rank]
            logit += weights[0] * max(gap, 0)
            logit += weights[1] * max(under, 0)
            logit += weights[2] * short
            logit += weights[3] * total
            logit += weights[4] * worst_grid[cell]
            logit += weights[5] * ratio
            logit += weights[6] * max(ratio - 0.5, 0.0)
            logit += weights[7] * max(ratio - 0.75, 0.0)
            logit += model_structure[student_structure[s] * 6 + company_structure[c]]
            logit += model_environment[student_environment[s] * 32 + company_environment[c]]
            logit += model_support[student_need[s] * 4 + company_support[c]]
            outcome = 1.0 / (1.0 + math.exp(-logit))

        score = 0.0
        score += interest_fit[rank] * points[0]
        score += complexity_lut[(gap + GAP_OFFSET) * GAP_SPAN + under + GAP_OFFSET] * points[1]
        score += hours_lut[short] * points[2]
        score += structure_lut[structure_code[s] * 12 + company_structure_code[c]] * points[3]
        score += environment * points[4]
        score += max(0.0, 1.0 - total / overload_scale) * points[5]
        score += support_lut[support_code[s] * 4 + company_support_code[c]] * points[6]
        score += travel * points[7]
        score += outcome * points[8]
        out_company[p] = c
        out_score[p] = min(max(score, 0.0), 100.0)
        out_minutes[p] = minutes
    return out_company, out_score, out_minutes
