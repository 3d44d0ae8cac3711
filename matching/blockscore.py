"""The fast path of ``eligible_pairs``: all pairs of a block of students at once, on a dense grid.

For a block of students and the companies in its bounding box, the hard rules
(the table ``matching.eligibility.RULES``, read on a column of students against a
row of companies), the overloads and the environment strain are small-integer
grids computed by broadcasting (cheap: int8 arithmetic, no gathers); only the
eligible pairs are then pulled out and scored. Fits come from the same functions as
``matching.components.component_fits`` (directly, or through look-up tables
built from them), and the learned model's logit is its folded linear form split
into per-student, per-company and small per-code tables. The results equal
``matching.pairs.score_pairs`` to float rounding (tests check it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from features.arrays import INDUSTRY_ORDER, STRESS_ORDER, CompanyArrays, StudentArrays
from features.travel import FIXED_MINUTES_BY_CODE, MINUTES_PER_KM_BY_CODE
from matching.candidates import minutes_between, reach_dots
from matching.components import (
    ENVIRONMENT_STRAINS,
    INTEREST_FIT,
    complexity_fit,
    environment_fit,
    environment_level,
    hours_fit,
    structure_fit,
    support_fit,
    travel_fit,
    wants_own_workstation,
    work_demands_fit,
)
from matching.context import LinearOutcome, ScoringContext
from matching.eligibility import REASON_CODES, RULES, PairMeasures, first_reason, too_far
from matching.needs import psychological
from matching.outcome_features import _NEEDS, _SUPPORTS, FEATURE_NAMES, logistic, need_flags

ASPECTS = ("noise", "pace", "physical_demands", "customer_contact", "change")
_N_REASONS = len(REASON_CODES)
_FIRST_REASON = first_reason((np.arange(1 << len(RULES))[:, None] >> np.arange(len(RULES))) & 1 == 1)
"""The first failed rule (index into REASON_CODES) for each bit pattern of ``RULES`` (bit k: ``RULES[k]``).

Patterns are uint16, so up to 16 rules."""
GAP_OFFSET, GAP_SPAN = 4, 9  # complexity gap and under-challenge lie in -4..4


@dataclass(frozen=True, eq=False)
class BlockResult:
    """Eligible pairs of one block and its ineligible counts.

    The pairs come grouped by student in the order of ``rows``, companies ascending: the first
    ``per_row[0]`` pairs are those of student ``rows[0]``, and so on.
    """

    rows: np.ndarray  # (b,) student positions of the block
    per_row: np.ndarray  # (b,) int64 eligible pairs of each of the block's students
    c: np.ndarray  # (k,) int32
    score: np.ndarray  # (k,) float64
    minutes: np.ndarray  # (k,) float64
    support_load: np.ndarray  # (k,) int8 mentor hours per week
    counts: np.ndarray  # (b, len(REASON_CODES)) int64


COMPILED_MIN_CELLS = 20_000_000
"""Students x companies from which the eligible pairs are scored by the compiled kernel
(``matching.pair_kernel``): below it, importing numba and loading the kernel (about 0.7 s)
costs more than it saves."""


class BlockScorer:
    """Per-network preparation (codes, look-up tables, model tables) and the per-block computation.

    ``compiled``: score the eligible pairs with ``matching.pair_kernel`` (True) or numpy (False);
    None chooses by the network's size (``COMPILED_MIN_CELLS``). Both give the same scores.
    """

    def __init__(self, context: ScoringContext, compiled: bool | None = None):
        students, companies, config = context.students, context.companies, context.config
        if compiled is None:
            compiled = students.n * companies.n >= COMPILED_MIN_CELLS
        self.config = config
        self.points = np.asarray(config.points_per_component(context.model is not None))
        self.m = companies.n

        # Students.
        self.student_xyz = context.student_xyz
        self.surely_within, self.possibly_within = reach_dots(students)
        self.max_travel = students.max_travel
        self.transport = students.transport
        self.rule_students = context.rule_students
        self.complexity = students.complexity.astype(np.int8)
        level = students.support_max
        psych = psychological(students)
        stress = {reaction: students.stress[:, k] for k, reaction in enumerate(STRESS_ORDER)}
        self.strain_factor = np.stack(
            [np.maximum(stress[reaction] + 1, 0) for reaction, _ in ENVIRONMENT_STRAINS]
        ).astype(np.int8)
        self.reactions = (self.strain_factor > 0).sum(axis=0).astype(np.int8)
        self.interest_rank = students.interest_rank
        wants_own = wants_own_workstation(students)
        self.structure_code = (students.needs_routine * 2 + wants_own).astype(np.int8)
        self.support_code = (students.needs_mentor * 4 + psych * 2 + (level >= 2)).astype(np.int8)

        # Companies.
        self.company_xyz = context.company_xyz
        self.rule_companies = context.rule_companies
        self.industry = companies.industry.astype(np.intp)
        self.complexity_max = companies.complexity_max.astype(np.int8)
        everyone = np.arange(companies.n)
        aspect_level = {aspect: environment_level(companies, aspect, everyone) for aspect in ASPECTS}
        self.strain_level = np.stack([aspect_level[aspect] for _, aspect in ENVIRONMENT_STRAINS]).astype(
            np.int8
        )
        self.company_structure_code = (
            companies.task_variety * 4 + companies.shielded_workstation * 2 + companies.team_work
        ).astype(np.intp)
        self.company_support_code = (companies.mentor_trained * 2 + companies.flexible_management).astype(
            np.intp
        )

        # Look-up tables built from the fit functions themselves.
        gap, under = np.divmod(np.arange(GAP_SPAN * GAP_SPAN), GAP_SPAN)
        self.complexity_lut = complexity_fit(gap - GAP_OFFSET, under - GAP_OFFSET)
        self.hours_lut = hours_fit(np.arange(64))
        s_code, c_code = np.divmod(np.arange(4 * 12), 12)
        variety, rest = np.divmod(c_code, 4)
        self.structure_lut = structure_fit(
            (s_code // 2).astype(bool),
            (s_code % 2).astype(bool),
            variety,
            (rest // 2).astype(bool),
            rest % 2 == 1,
        )
        s_code, c_code = np.divmod(np.arange(8 * 4), 4)
        self.support_lut = support_fit(
            (s_code // 4).astype(bool),
            ((s_code // 2) % 2).astype(bool),
            (s_code % 2).astype(bool),
            (c_code // 2).astype(bool),
            (c_code % 2).astype(bool),
        )

        self.model = (
            None if context.model is None else _ModelTables(context.model, students, companies, aspect_level)
        )
        self._kernel = _KernelTables(self) if compiled else None

    def score_block(self, rows: np.ndarray, members: np.ndarray) -> BlockResult:
        """Eligible pairs and ineligible counts of students ``rows`` against companies ``members``."""
        config = self.config
        b, width = rows.shape[0], members.shape[0]
        counts = np.zeros((b, _N_REASONS), dtype=np.int64)
        counts[:, 0] = self.m

        # Travel: surely within reach, possibly within reach or beyond by the dot product of unit vectors;
        # in the narrow band between, the exact minutes decide (``matching.candidates.reach_dots``).
        xyz, box = self.student_xyz[:, rows], self.company_xyz[:, members]
        dot = xyz.T @ box
        flat = np.flatnonzero(dot >= self.possibly_within[rows][:, None])
        i, j = np.divmod(flat, width)
        within = dot.ravel()[flat] >= self.surely_within[rows][i]
        del dot
        band = np.flatnonzero(~within)
        if band.shape[0]:
            minutes = self._minutes(xyz, box, rows, i[band], j[band])
            within[band] = ~too_far(minutes, self.max_travel[rows][i[band]])
        counts[:, 0] -= np.bincount(i[within], minlength=b)

        # The other rules on the dense grid (the block's students as a column, its companies as a row),
        # as bits: bit k for RULES[k].
        grid = PairMeasures.of(self.rule_students.at(rows[:, None]), self.rule_companies.at(members[None, :]))
        bits = np.zeros((b, width), dtype=np.uint16)
        for k, rule in enumerate(RULES):
            bits |= rule.fails(grid, config).astype(np.uint16) << k
        reason = _FIRST_REASON[bits.ravel()[flat]]
        ruled_out = within & (reason >= 0)
        counts += np.bincount(
            i[ruled_out] * _N_REASONS + reason[ruled_out], minlength=b * _N_REASONS
        ).reshape(b, _N_REASONS)
        keep = np.flatnonzero(within & (reason < 0))
        flat, i, j = flat[keep], i[keep], j[keep]
        score = self._numpy_scores if self._kernel is None else self._kernel.score
        c, scores, minutes = score(rows, members, flat, i, j, grid)
        return BlockResult(
            rows=rows,
            per_row=np.bincount(i, minlength=b),
            c=c,
            score=scores,
            minutes=minutes,
            support_load=grid.support_load.ravel()[flat],
            counts=counts,
        )

    def _numpy_scores(
        self,
        rows: np.ndarray,
        members: np.ndarray,
        flat: np.ndarray,
        i: np.ndarray,
        j: np.ndarray,
        grid: PairMeasures,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(company int32, score, minutes) of the block's eligible pairs at ``flat``: rows ``i``, columns ``j``."""
        config = self.config
        c = members[j]
        minutes = self._minutes(self.student_xyz[:, rows], self.company_xyz[:, members], rows, i, j)
        short, gap = grid.hours_shortfall.ravel()[flat], grid.complexity_gap.ravel()[flat]
        total, worst = grid.overload_total.ravel()[flat], grid.overload_worst.ravel()[flat]
        units = np.zeros((rows.shape[0], members.shape[0]), dtype=np.int8)
        for k in range(self.strain_level.shape[0]):
            units += self.strain_level[k, members][None, :] * self.strain_factor[k, rows][:, None]
        units = units.ravel()[flat]
        s = rows[i]
        rank = self.interest_rank[s, self.industry[c]]
        under = self.complexity[s] - self.complexity_max[c]
        probability = None
        if self.model is not None:
            probability = self.model.probability(s, c, rank, gap, under, short, total, worst, minutes)
        fits = (
            INTEREST_FIT[rank],
            self.complexity_lut[(gap.astype(np.intp) + GAP_OFFSET) * GAP_SPAN + under + GAP_OFFSET],
            self.hours_lut[short],
            self.structure_lut[self.structure_code[s] * 12 + self.company_structure_code[c]],
            environment_fit(units, self.reactions[s]),
            work_demands_fit(total, config.overload_scale),
            self.support_lut[self.support_code[s] * 4 + self.company_support_code[c]],
            travel_fit(minutes, self.max_travel[s], config.comfortable_travel_share),
            probability,
        )
        score = np.zeros(s.shape[0])
        for k, fit in enumerate(fits):
            score = score + (0.0 if fit is None else fit) * self.points[k]
        return c.astype(np.int32), np.clip(score, 0.0, 100.0), minutes

    def _minutes(
        self, xyz: np.ndarray, box: np.ndarray, rows: np.ndarray, i: np.ndarray, j: np.ndarray
    ) -> np.ndarray:
        """Travel minutes from the block's students ``i`` to its companies ``j`` (as ``pair_minutes`` estimates them)."""
        return minutes_between(
            (xyz[0][i], xyz[1][i], xyz[2][i]), (box[0][j], box[1][j], box[2][j]), self.transport[rows][i]
        )


class _KernelTables:
    """The scorer's per-network tables as the compiled kernel takes them (``matching.pair_kernel``)."""

    def __init__(self, scorer: BlockScorer) -> None:
        from matching import pair_kernel  # imports numba: only for networks that use it

        self.kernel: Callable[..., tuple[np.ndarray, np.ndarray, np.ndarray]] = pair_kernel.score_eligible
        intp = np.intp
        self.student_company = (
            np.ascontiguousarray(scorer.student_xyz),
            np.ascontiguousarray(scorer.company_xyz),
            scorer.transport.astype(intp),
            scorer.max_travel.astype(np.float64),
            np.ascontiguousarray(FIXED_MINUTES_BY_CODE),
            np.ascontiguousarray(MINUTES_PER_KM_BY_CODE),
            scorer.interest_rank.astype(intp),
            scorer.industry.astype(intp),
            scorer.complexity.astype(intp),
            scorer.complexity_max.astype(intp),
            scorer.strain_factor.astype(intp),
            scorer.strain_level.astype(intp),
            scorer.reactions.astype(intp),
            scorer.structure_code.astype(intp),
            scorer.company_structure_code.astype(intp),
            scorer.support_code.astype(intp),
            scorer.company_support_code.astype(intp),
            INTEREST_FIT.astype(np.float64),
            scorer.complexity_lut.astype(np.float64),
            scorer.hours_lut.astype(np.float64),
            scorer.structure_lut.astype(np.float64),
            scorer.support_lut.astype(np.float64),
            np.asarray(scorer.points, dtype=np.float64),
            float(scorer.config.overload_scale),
            float(scorer.config.comfortable_travel_share),
        )
        model = scorer.model
        if model is None:  # tables of the right types, never read
            unused, unused_codes = np.zeros(1), np.zeros(1, dtype=intp)
            self.model_head: tuple[object, ...] = (
                False,
                0.0,
                np.zeros(len(pair_kernel.MODEL_WEIGHTS)),
                unused,
                unused,
                unused,
            )
            self.model_tables: tuple[np.ndarray, ...] = (unused, unused_codes, unused_codes) * 3
            return
        self.model_head = (
            True,
            float(model.intercept),
            np.array([model.w[name] for name in pair_kernel.MODEL_WEIGHTS], dtype=np.float64),
            model.student_part.astype(np.float64),
            model.company_part.astype(np.float64),
            model.interest.astype(np.float64),
        )
        self.model_tables = (
            model.structure.astype(np.float64),
            model.student_structure.astype(intp),
            model.company_structure.astype(intp),
            model.environment.astype(np.float64),
            model.student_environment.astype(intp),
            model.company_environment.astype(intp),
            model.support.astype(np.float64),
            model.student_need.astype(intp),
            model.company_support.astype(intp),
        )

    def score(
        self,
        rows: np.ndarray,
        members: np.ndarray,
        flat: np.ndarray,
        i: np.ndarray,
        j: np.ndarray,
        grid: PairMeasures,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(company int32, score, minutes) of the block's pairs at ``flat``: rows ``i``, columns ``j``."""
        intp = np.intp
        return self.kernel(
            rows.astype(intp, copy=False),
            members.astype(intp, copy=False),
            flat.astype(intp, copy=False),
            i.astype(intp, copy=False),
            j.astype(intp, copy=False),
            grid.hours_shortfall.ravel(),
            grid.complexity_gap.ravel(),
            grid.overload_total.ravel(),
            *self.student_company,
            *self.model_head,
            grid.overload_worst.ravel(),
            *self.model_tables,
        )


class _ModelTables:
    """The fitted logistic model as a sum of per-student, per-company and small per-code tables.

    Exactly the folded linear model of ``OutcomeModel`` on ``pair_features``,
    regrouped so that a pair needs a handful of look-ups instead of a feature row.
    """

    def __init__(
        self,
        model: LinearOutcome,
        students: StudentArrays,
        companies: CompanyArrays,
        aspect_level: dict[str, np.ndarray],
    ) -> None:
        w = dict(zip(FEATURE_NAMES, model.folded_coef_, strict=True))
        self.max_travel = students.max_travel
        self.intercept = model.folded_intercept_
        self.w = w
        level = students.support_max
        need = need_flags(students)
        self.student_part = (
            w["support_level"] * level
            + w["high_support"] * need["high_support"]
            + w["needs_mentor"] * need["needs_mentor"]
            + w["psychological"] * need["psychological"]
            + w["cognitive"] * need["cognitive"]
            + w["physical"] * need["physical"]
        )
        self.company_part = (
            w["mentor_trained"] * companies.mentor_trained
            + w["flexible_management"] * companies.flexible_management
            + w["shielded_workstation"] * companies.shielded_workstation
            + w["team_work"] * companies.team_work
        )
        rank = np.arange(len(INDUSTRY_ORDER) + 1)
        self.interest = (
            w["interest_first"] * (rank == 1)
            + w["interest_second"] * (rank == 2)
            + w["interest_later"] * (rank >= 3)
        )
        # Routine and shielded needs: student (needs_routine, needs_shielded) x company (variety, shielded).
        s_code, c_code = np.divmod(np.arange(4 * 6), 6)
        routine, shielded_need = s_code // 2 == 1, s_code % 2 == 1
        variety, shielded = c_code // 2, c_code % 2 == 1
        self.structure = (
            w["routine_need_met"] * (routine & (variety == 0))
            + w["routine_need_unmet"] * (routine & (variety == 1))
            + w["shielded_need_met"] * (shielded_need & shielded)
            + w["shielded_need_unmet"] * (shielded_need & ~shielded)
        )
        self.student_structure = (students.needs_routine * 2 + students.needs_shielded).astype(np.intp)
        self.company_structure = (companies.task_variety * 2 + companies.shielded_workstation).astype(np.intp)
        # High environment levels against stress reactions: 7 reaction bits x 5 aspect bits.
        s_code, c_code = np.divmod(np.arange(128 * 32), 32)
        self.environment = np.zeros(128 * 32)
        student_env = np.zeros(students.n, dtype=np.intp)
        for k, (reaction, aspect) in enumerate(ENVIRONMENT_STRAINS):
            present = (s_code >> k) & 1 == 1
            high = (c_code >> ASPECTS.index(aspect)) & 1 == 1
            self.environment += w[f"high_{aspect}_{reaction.value}"] * (present & high)
            student_env |= (students.stress[:, STRESS_ORDER.index(reaction)] >= 0).astype(np.intp) << k
        self.student_environment = student_env
        self.company_environment = np.zeros(companies.n, dtype=np.intp)
        for a, aspect in enumerate(ASPECTS):
            self.company_environment |= (aspect_level[aspect] == 2).astype(np.intp) << a
        # Support x need: 5 need bits x (trained, flexible).
        s_code, c_code = np.divmod(np.arange(32 * 4), 4)
        support_bits = {"mentor_trained": c_code // 2 == 1, "flexible_management": c_code % 2 == 1}
        self.support = np.zeros(32 * 4)
        student_need = np.zeros(students.n, dtype=np.intp)
        for k, need_name in enumerate(_NEEDS):
            has = (s_code >> k) & 1 == 1
            for support_name in _SUPPORTS:
                self.support += w[f"{support_name}_x_{need_name}"] * (has & support_bits[support_name])
            student_need |= need[need_name].astype(np.intp) << k
        self.student_need = student_need
        self.company_support = (companies.mentor_trained * 2 + companies.flexible_management).astype(np.intp)

    def probability(
        self,
        s: np.ndarray,
        c: np.ndarray,
        rank: np.ndarray,
        gap: np.ndarray,
        under: np.ndarray,
        short: np.ndarray,
        total: np.ndarray,
        worst: np.ndarray,
        minutes: np.ndarray,
    ) -> np.ndarray:
        w = self.w
        ratio = minutes / self.max_travel[s]
        logit = (
            self.intercept
            + self.student_part[s]
            + self.company_part[c]
            + self.interest[rank]
            + w["complexity_gap"] * np.maximum(gap, 0)
            + w["complexity_room"] * np.maximum(under, 0)
            + w["hours_shortfall"] * short
            + w["overload_total"] * total
            + w["overload_max"] * worst
            + w["travel_ratio"] * ratio
            + w["travel_over_half"] * np.maximum(ratio - 0.5, 0.0)
            + w["travel_over_three_quarters"] * np.maximum(ratio - 0.75, 0.0)
            + self.structure[self.student_structure[s] * 6 + self.company_structure[c]]
            + self.environment[self.student_environment[s] * 32 + self.company_environment[c]]
            + self.support[self.student_need[s] * 4 + self.company_support[c]]
        )
        return logistic(logit)
