"""Every eligible student-company pair with its score: the table the optimizer and gap analysis read.

``eligible_pairs(network)`` checks the hard rules and scores every eligible
pair, block by block of students, never building an n x m matrix: only
companies within a student's travel reach are compared (see
``matching.candidates``) and scored on a dense grid per block
(``matching.blockscore``). ``score_pairs`` scores any given pairs, eligible or
not, with the full component breakdown, pair by pair; tests check that both
give the same scores, so a breakdown adds up to the score in the pair table.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np
from threadpoolctl import threadpool_limits

from features.arrays import StudentArrays
from features.errors import InputError
from features.network import Network
from matching.blockscore import BlockResult, BlockScorer
from matching.candidates import DEFAULT_BLOCK_SIZE, candidate_blocks, min_dot, pair_minutes
from matching.components import component_fits, component_points, total_score
from matching.config import COMPONENTS, ScoringConfig
from matching.context import (
    OutcomeModelOption,
    ScoringContext,
    TravelMatrixOption,
    auto_outcome_model,
    fit_outcome_model,
    network_arrays_cached,
    scoring_context,
)
from matching.eligibility import ELIGIBLE, REASON_CODES, PairMeasures, first_reason, rule_failures, too_far
from matching.lookup import position
from matching.outcome_features import pair_features
from matching.pair_table import PairTable

RELEASE_EVERY = 64
"""Blocks copied into the table between two calls of ``release_freed_memory``."""
THREADS_VARIABLE = "STU_MATCH_THREADS"
"""Environment variable: how many threads score the eligible pairs (1 scores them in the calling thread)."""

__all__ = [
    "THREADS_VARIABLE",
    "OutcomeModelOption",
    "PairScores",
    "ScoringContext",
    "TravelMatrixOption",
    "auto_outcome_model",
    "company_position",
    "component_breakdown",
    "eligible_pairs",
    "fit_outcome_model",
    "network_arrays_cached",
    "pair_table",
    "score_pairs",
    "scoring_context",
    "scoring_threads",
    "student_position",
]


@dataclass(frozen=True, eq=False)
class PairScores:
    """Scores of given pairs, eligible or not, with the reasons and the component breakdown."""

    s: np.ndarray  # (k,) int64 student position
    c: np.ndarray  # (k,) int64 company position
    minutes: np.ndarray  # (k,) float64 one-way travel
    failures: np.ndarray  # (k, len(REASON_CODES)) bool: every rule each pair fails
    reason: np.ndarray  # (k,) int8 first failed rule (index into REASON_CODES) or -1
    support_load: np.ndarray  # (k,) int64 mentor hours per week the student needs at the company
    fits: np.ndarray  # (k, len(COMPONENTS)) in [0, 1]
    points: np.ndarray  # (k, len(COMPONENTS)) adding up to score
    score: np.ndarray  # (k,) in [0, 100]
    outcome_probability: np.ndarray | None  # (k,) learned P(job or fleksjob), None without a model

    @property
    def eligible(self) -> np.ndarray:
        return self.reason == ELIGIBLE

    def breakdown(self, k: int) -> dict[str, float]:
        """Component name to points for pair ``k``; the values add up to ``score[k]``."""
        return {name: float(self.points[k, j]) for j, name in enumerate(COMPONENTS)}


def eligible_pairs(
    network: Network,
    config: ScoringConfig | None = None,
    travel_matrix: TravelMatrixOption = None,
    outcome_model: OutcomeModelOption = "auto",
    *,
    block_size: int = DEFAULT_BLOCK_SIZE,
    threads: int | None = None,
) -> PairTable:
    """Every eligible pair of the network with its score, travel time and support load.

    ``ineligible_counts[i, r]`` is how many companies rule ``REASON_CODES[r]``
    ruled out for student ``i`` (each ineligible pair counted once, under the
    first rule it fails); with the eligible pairs they add up to the number of
    companies. ``travel_matrix`` (a file, table or ``TravelMatrix``) replaces
    estimated travel times pair by pair; ``outcome_model="auto"`` learns from the
    network's history when it has enough, None scores by the rules only. ``threads``: how many
    threads score blocks of students (default ``scoring_threads()``); the table is the same for any.
    """
    context = scoring_context(network, config, travel_matrix, outcome_model)
    return pair_table(context, block_size=block_size, threads=threads)


def pair_table(
    context: ScoringContext,
    block_size: int = DEFAULT_BLOCK_SIZE,
    threads: int | None = None,
    compiled: bool | None = None,
) -> PairTable:
    """``eligible_pairs`` for a prepared context.

    ``compiled``: score with the compiled kernel (True), numpy (False) or by the network's size (None;
    ``matching.blockscore.BlockScorer``); the table is the same.
    """
    students, companies = context.students, context.companies
    n = students.n
    counts = np.zeros((n, len(REASON_CODES)), dtype=np.int64)
    threads = scoring_threads() if threads is None else threads
    with threadpool_limits(limits=1, user_api="blas"):  # tiny products: threads only add overhead
        blocks = _score_blocks(context, block_size, threads, compiled)
    per_student = np.zeros(n, dtype=np.int64)
    for block in blocks:
        counts[block.rows] = block.counts
        per_student[block.rows] = block.per_row
    start = np.concatenate(([0], np.cumsum(per_student)[:-1]))
    total = int(per_student.sum())
    # A block's pairs come grouped by student with companies ascending: each student's run goes to the
    # student's offset, so the table is sorted by student, then company, without sorting it.
    out: dict[str, np.ndarray] = {
        "student": np.repeat(np.arange(n, dtype=np.int32), per_student),
        "company": np.empty(total, dtype=np.int32),
        "score": np.empty(total, dtype=np.float64),
        "travel_minutes": np.empty(total, dtype=np.float64),
        "support_load": np.empty(total, dtype=np.int8),  # mentor hours a week: small; 1 byte a pair
    }
    if threads <= 1:
        _copy_blocks(blocks, start, out)
    else:
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="pair-table") as pool:
            for done in [pool.submit(_copy_blocks, blocks, start, out) for _ in range(threads)]:
                done.result()
    release_freed_memory()
    return PairTable(
        student_ids=students.ids,
        company_ids=companies.ids,
        capacity=companies.capacity.astype(np.int64),
        mentor_capacity=companies.mentor_capacity.astype(np.int64),
        reason_codes=REASON_CODES,
        ineligible_counts=counts,
        **out,
    )


def _copy_blocks(blocks: list[BlockResult], start: np.ndarray, out: dict[str, np.ndarray]) -> None:
    """Take blocks off ``blocks`` until it is empty and put their pairs at their students' offsets.

    Several threads may share ``blocks``: each block is taken by one, and its students' runs are
    disjoint from every other block's. A block is released once copied, so the table takes the
    blocks' place in memory.
    """
    copied = 0
    while True:
        try:
            block = blocks.pop()
        except IndexError:
            return
        first = np.cumsum(block.per_row) - block.per_row
        at = np.repeat(start[block.rows] - first, block.per_row)
        at += np.arange(at.shape[0])
        out["company"][at] = block.c
        out["score"][at] = block.score
        out["travel_minutes"][at] = block.minutes
        out["support_load"][at] = block.support_load
        del block, at
        copied += 1
        if copied % RELEASE_EVERY == 0:
            release_freed_memory()


def release_freed_memory() -> None:
    """Hand memory freed by the blocks back to the operating system (glibc's ``malloc_trim``; elsewhere nothing).

    Each block's arrays (a few megabytes) live on the heap; freed, they stay in the process
    (on 100 million pairs 2-3 GB more than the table itself) unless the heap is trimmed."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def scoring_threads() -> int:
    """How many threads score blocks: the cores this process may run on, or ``$STU_MATCH_THREADS`` (1: none)."""
    configured = os.environ.get(THREADS_VARIABLE, "").strip()
    if configured:
        try:
            return max(1, int(configured))
        except ValueError:
            raise InputError(
                f"{THREADS_VARIABLE} must be a whole number of threads. Got {configured!r} instead.",
                f"{THREADS_VARIABLE} skal være et helt antal tråde (fik {configured!r}).",
            ) from None
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _score_blocks(
    context: ScoringContext, block_size: int, threads: int, compiled: bool | None = None
) -> list[BlockResult]:
    """Every block's eligible pairs, in block order; with ``threads`` > 1 blocks are scored in parallel.

    numpy releases the GIL in the array operations that make up nearly all of a block's time, so
    threads use the cores without copying the network into other processes.
    """
    blocks = candidate_blocks(context.students, context.companies, block_size)
    score: Callable[[np.ndarray, np.ndarray], BlockResult] = (
        BlockScorer(context, compiled).score_block
        if context.lookup is None
        else partial(_matrix_block, context)
    )
    if threads <= 1:
        return [score(rows, members) for rows, members in blocks]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="pair-blocks") as pool:
        return list(pool.map(lambda block: score(*block), blocks))


def _matrix_block(context: ScoringContext, rows: np.ndarray, members: np.ndarray) -> BlockResult:
    """A block scored pair by pair: with a travel matrix, pairs beyond the estimated reach may be in reach."""
    companies = context.companies
    rows = np.sort(rows)  # the pairs below come sorted by student position: so they are grouped in row order
    b = rows.shape[0]
    reachable = min_dot(context.students)[rows][:, None]
    near = (context.student_xyz[:, rows].T @ context.company_xyz[:, members]) >= reachable
    i, j = np.nonzero(near)
    s, c = rows[i], members[j]
    assert context.lookup is not None
    extra_s, extra_c, _ = context.lookup.pairs_for(rows)
    s, c = np.concatenate([s, extra_s]), np.concatenate([c, extra_c])
    key = np.unique(s * companies.n + c)
    s, c = key // companies.n, key % companies.n
    scores = score_pairs(context, s, c)
    within = ~scores.failures[:, 0]
    slot = np.zeros(context.students.n, dtype=np.int64)
    slot[rows] = np.arange(b)
    counts = np.zeros((b, len(REASON_CODES)), dtype=np.int64)
    counts[:, 0] = companies.n - np.bincount(slot[s[within]], minlength=b)
    ruled_out = within & ~scores.eligible
    np.add.at(counts, (slot[s[ruled_out]], scores.reason[ruled_out]), 1)
    e = scores.eligible
    return BlockResult(
        rows=rows,
        per_row=np.bincount(slot[s[e]], minlength=b),
        c=c[e].astype(np.int32),
        score=scores.score[e],
        minutes=scores.minutes[e],
        support_load=scores.support_load[e],
        counts=counts,
    )


def score_pairs(context: ScoringContext, s: np.ndarray, c: np.ndarray) -> PairScores:
    """Scores, eligibility (every failed rule) and breakdown of the given pairs (student, company positions)."""
    s = np.asarray(s, dtype=np.int64).reshape(-1)
    c = np.asarray(c, dtype=np.int64).reshape(-1)
    if s.shape != c.shape:
        raise InputError(
            f"s and c must have the same length. Got {s.shape[0]} and {c.shape[0]} instead.",
            f"Der skal være lige mange elever og virksomheder i parrene (fik {s.shape[0]} og {c.shape[0]}).",
        )
    students, companies = context.students, context.companies
    minutes = pair_minutes(
        students, companies, s, c, context.lookup, context.student_xyz, context.company_xyz
    )
    measures = PairMeasures.of(context.rule_students.at(s), context.rule_companies.at(c))
    rules = rule_failures(measures, context.config)
    failures = np.concatenate([too_far(minutes, students.max_travel[s])[:, None], rules], axis=1)
    reason = np.where(failures[:, 0], 0, first_reason(rules)).astype(np.int8)
    points, fits, probability = _points(context, students, s, c, minutes, measures.overload_total)
    return PairScores(
        s=s,
        c=c,
        minutes=minutes,
        failures=failures,
        reason=reason,
        support_load=measures.support_load.astype(np.int64),
        fits=fits,
        points=points,
        score=total_score(points),
        outcome_probability=probability,
    )


def component_breakdown(context: ScoringContext, s: np.ndarray, c: np.ndarray) -> dict[str, np.ndarray]:
    """Component name to points (aligned with the given pairs); the components add up to the score."""
    points = score_pairs(context, s, c).points
    return {name: points[:, j] for j, name in enumerate(COMPONENTS)}


def student_position(network: Network, student_id: str) -> int:
    """The position of a student of the cohort; an unknown ID names the closest ones."""
    return position(network.student_position, student_id, "student", "elev")


def company_position(network: Network, company_id: str) -> int:
    """The position of a company; an unknown ID names the closest ones."""
    return position(network.company_position, company_id, "company", "virksomhed")


def _points(
    context: ScoringContext,
    students: StudentArrays,
    s: np.ndarray,
    c: np.ndarray,
    minutes: np.ndarray,
    overload_total: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    probability = None
    if context.model is not None:
        features = pair_features(students, context.companies, s, c, minutes)
        probability = context.model.lasting_probability(features) if len(s) else np.zeros(0)
    fits = component_fits(
        students, context.companies, s, c, minutes, probability, context.config, overload_total
    )
    return component_points(fits, context.config, probability is not None), fits, probability
