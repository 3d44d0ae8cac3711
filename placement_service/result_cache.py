"""Results the app computes once per network version, kept on disk so that a restart does not redo them.

Three kinds are kept: a plan's solve (which pair each student got, its status and
bounds; never the data it was solved from), the verified recruitment report
(gains, critical companies, rules to lift) and the outcome model's calibration by
group. Each is one JSON file in ``results/`` under the cache folder
(``model_cache_dir()``: ``$STU_MATCH_CACHE`` or the user's cache folder, never the
repository), named by the SHA-256 of its key.

A key holds everything its result depends on, so a changed input is a new key and
an old file is never read for it:

- a solve: the problem's own arrays (every eligible pair with its score, travel
  time and mentor load, the capacities, the locks and forbids that decisions and
  departed companies became, the interest ranks), the objective and time limit;
- the recruitment report: the solve's key and the plan it found, the network's
  content digest (the store's digest of that version), the scoring configuration
  and the outcome model's training key;
- the calibration: the network's content digest and the folds;

and every key holds ``FORMAT_VERSION`` and the package version, so new code never
reads what older code wrote. The file repeats the key's parts it was written for
and is checked against them (and a solve against its problem's pairs) when read;
anything missing, unreadable or inconsistent reads as None and is computed again.

A small record per pair table and objective says which problem's plan was solved
last (its locked pair per student and its forbidden pairs, as numbers). A decision
that only narrows that problem and that its plan keeps (approving or locking a
proposed placement, forbidding a pair the plan does not use) leaves the plan allowed
and its bounds valid under the objectives that add up over the placements
(``SUMMED_OBJECTIVES``): a proven plan is carried over, marked ``carried_over``,
instead of solved again; a plan cut short is solved again, and kept where the new
solve finds a worse one.

The files are derived from health data: the folder is created owner-only (0700),
each file is written to a temporary file with mode 0600 and moved into place,
and only the ``KEEP_RESULTS`` most recently used files are kept.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from time import perf_counter
from typing import Any, TypeVar

import numpy as np
from pydantic import BaseModel, ValidationError

from matching.pair_table import PairTable
from optimizer.problem import SUMMED_OBJECTIVES, PlacementProblem, SolveParams
from optimizer.result import PlacementResult
from optimizer.solve import solve_placement

FORMAT_VERSION = 1
KEEP_RESULTS = 64
"""Result files kept per folder, the most recently used: results of data since changed are deleted."""
MAX_FILE_BYTES = 16 << 20
"""A result is at most a few megabytes (a national plan); a larger file is not one of ours and is not read."""
SUBFOLDER = "results"

Report = TypeVar("Report", bound=BaseModel)


def _package_version() -> str:
    try:
        return version("stu-match")
    except PackageNotFoundError:
        return "unknown"


def pairs_digest(pairs: PairTable) -> str:
    """The digest of a pair table: its students and companies, every eligible pair and the capacities."""
    digest = hashlib.sha256()
    digest.update(json.dumps([pairs.student_ids.tolist(), pairs.company_ids.tolist()]).encode())
    for array, dtype in (
        (pairs.student, "<i8"),
        (pairs.company, "<i8"),
        (pairs.score, "<f8"),
        (pairs.travel_minutes, "<f8"),
        (pairs.support_load, "<i8"),
        (pairs.capacity, "<i8"),
        (pairs.mentor_capacity, "<i8"),
    ):
        digest.update(np.ascontiguousarray(array, dtype=dtype).tobytes())
    return digest.hexdigest()


def problem_key(problem: PlacementProblem, params: SolveParams, pairs: str | None = None) -> str:
    """The digest of everything a solve of ``problem`` under ``params`` depends on (``pairs``: its pair
    table's ``pairs_digest``, if known)."""
    digest = hashlib.sha256()
    head = {
        "kind": "solve",
        "format": FORMAT_VERSION,
        "code": _package_version(),
        "objective": params.objective,
        "time_limit": params.time_limit_seconds,
        "pairs": pairs_digest(problem.pairs) if pairs is None else pairs,
    }
    digest.update(json.dumps(head, sort_keys=True).encode())
    for array, dtype in (
        (problem.lock_pair, "<i8"),
        (problem.allowed, "|b1"),
        (problem.interest_rank, "<i8"),
    ):
        digest.update(np.ascontiguousarray(array, dtype=dtype).tobytes())
    return digest.hexdigest()


def lineage_key(problem: PlacementProblem, objective: str, pairs: str | None = None) -> str:
    """The digest of what a solve depends on except the decisions and the time limit: the problems
    sharing it differ only in their locks and forbids, so a proven plan of one may hold for another
    (``ResultCache.solve``)."""
    ranks = np.ascontiguousarray(problem.interest_rank, dtype="<i8").tobytes()
    return report_key(
        "lineage",
        objective=objective,
        pairs=pairs_digest(problem.pairs) if pairs is None else pairs,
        interest_ranks=hashlib.sha256(ranks).hexdigest(),
    )


def report_key(kind: str, **parts: object) -> str:
    """The digest of a report's kind, the code that computes it, and everything it depends on (``parts``)."""
    head = {"kind": kind, "format": FORMAT_VERSION, "code": _package_version(), **parts}
    return hashlib.sha256(json.dumps(head, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class ResultCache:
    """The results folder; ``None`` folder: nothing is kept (every call computes)."""

    folder: Path | None

    @classmethod
    def under(cls, cache_dir: Path | None) -> ResultCache:
        """The results folder inside a cache folder (``model_cache_dir()``)."""
        return cls(None if cache_dir is None else cache_dir / SUBFOLDER)

    def solve(self, problem: PlacementProblem, params: SolveParams) -> PlacementResult:
        """``solve_placement(problem, params)``, read back if this very problem was solved before.

        Otherwise, under a summed objective (``SUMMED_OBJECTIVES``), the plan last solved for the same
        pairs and objective may hold: if the decisions since only narrow its problem and it keeps them
        (approving or locking a proposed placement, forbidding a pair it does not use), a proven plan
        is carried over (``carried_over``: no solve), and a plan cut short is a floor for the new solve
        (``PlacementResult.at_least``: an approval never makes the plan worse)."""
        started = perf_counter()
        pairs = pairs_digest(problem.pairs)
        key = problem_key(problem, params, pairs)
        lineage = lineage_key(problem, params.objective, pairs)
        stored = self.read(key)
        found = None if stored is None else _result_from_json(problem, stored)
        if found is None:
            earlier = self.last_plan(lineage, problem, params)
            if earlier is not None and earlier.status == "OPTIMAL":
                found = dataclasses.replace(
                    earlier, carried_over=True, solve_seconds=perf_counter() - started
                )
            else:
                found = solve_placement(problem, params)
                if earlier is not None:
                    found = found.at_least(earlier.pair_of_student)
            self.write(key, _result_as_json(found))
        if not found.carried_over and params.objective in SUMMED_OBJECTIVES:
            # The problem in use now: the decisions that follow it start from its plan.
            self.write(
                lineage,
                {
                    "result": key,
                    "lock_pair": problem.lock_pair.tolist(),
                    "forbidden": np.flatnonzero(problem.forbidden).tolist(),
                },
            )
        return found

    def last_plan(
        self, lineage: str, problem: PlacementProblem, params: SolveParams
    ) -> PlacementResult | None:
        """The plan last solved for ``lineage`` (``lineage_key``), as a result on ``problem``, where it
        holds there: the objective adds up over the placements, ``problem`` only narrows the problem
        it was solved for (``PlacementProblem.narrows``) and the plan keeps ``problem``'s decisions.
        Its status and bounds are those it had, and they hold for ``problem`` too. None otherwise."""
        if params.objective not in SUMMED_OBJECTIVES:
            return None
        last = self.read(lineage)
        if last is None:
            return None
        try:
            earlier_key = str(last["result"])
            lock_pair = np.asarray(last["lock_pair"], dtype=np.int64)
            forbidden_pairs = np.asarray(last["forbidden"], dtype=np.int64)
            if forbidden_pairs.ndim != 1 or (forbidden_pairs < 0).any():
                return None
            forbidden = np.zeros(problem.pairs.n_pairs, dtype=bool)
            forbidden[forbidden_pairs] = True
        except (KeyError, TypeError, ValueError, IndexError):
            return None
        if not problem.narrows(lock_pair, forbidden):
            return None
        stored = self.read(earlier_key)
        earlier = None if stored is None else _result_from_json(problem, stored)
        if earlier is None or earlier.objective != params.objective:
            return None
        return earlier

    def report(self, key: str, model: type[Report]) -> Report | None:
        """The report stored under ``key``, validated as ``model``; None if there is none or it is unusable."""
        stored = self.read(key)
        if stored is None:
            return None
        try:
            return model.model_validate(stored)
        except ValidationError:
            return None

    def report_or_compute(self, key: str, model: type[Report], compute: Callable[[], Report]) -> Report:
        """The report stored under ``key``, else ``compute()``'s, kept under ``key`` for next time."""
        found = self.report(key, model)
        if found is None:
            found = compute()
            self.keep_report(key, found)
        return found

    def keep_report(self, key: str, report: BaseModel) -> bool:
        return self.write(key, report.model_dump(mode="json"))

    def read(self, key: str) -> dict[str, Any] | None:
        """The JSON object stored under ``key``; None if missing, too large, unreadable or for another key."""
        if self.folder is None:
            return None
        path = self.folder / f"{key}.json"
        try:
            with path.open("rb") as file:
                raw = file.read(MAX_FILE_BYTES + 1)
            if len(raw) > MAX_FILE_BYTES:
                return None
            stored = json.loads(raw)
        except (OSError, ValueError):
            return None
        if (
            not isinstance(stored, dict)
            or stored.get("key") != key
            or not isinstance(stored.get("value"), dict)
        ):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: kept when older results are deleted
        return stored["value"]

    def write(self, key: str, value: dict[str, Any]) -> bool:
        """Store ``value`` under ``key`` (owner only); False when it cannot be written (it is then not kept)."""
        if self.folder is None:
            return False
        temporary: str | None = None
        try:
            text = json.dumps({"key": key, "value": value}, allow_nan=False)
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".result-", suffix=".tmp", dir=self.folder)
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                os.fchmod(file.fileno(), 0o600)
                file.write(text)
            os.replace(temporary, self.folder / f"{key}.json")
            temporary = None
        except (OSError, ValueError):
            return False
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
        self._delete_least_recently_used()
        return True

    def _delete_least_recently_used(self, keep: int = KEEP_RESULTS) -> None:
        assert self.folder is not None
        with contextlib.suppress(OSError):
            found = []
            for path in self.folder.glob("*.json"):
                with contextlib.suppress(OSError):
                    found.append((path.stat().st_mtime_ns, path))
            for _, path in sorted(found, reverse=True)[keep:]:
                with contextlib.suppress(OSError):
                    path.unlink()


def _result_as_json(result: PlacementResult) -> dict[str, Any]:
    return {
        "status": result.status,
        "objective": result.objective,
        "pair_of_student": result.pair_of_student.tolist(),
        "placed_bound": result.placed_bound,
        "score_bound": result.score_bound,
        "min_score_bound": result.min_score_bound,
        "solve_seconds": result.solve_seconds,
        "interest_bound": result.interest_bound,
        "stats": result.stats,
        "carried_over": result.carried_over,
    }


def _result_from_json(problem: PlacementProblem, stored: dict[str, Any]) -> PlacementResult | None:
    """The stored solve on ``problem``, or None when it does not fit the problem's pairs and locks."""
    try:
        if stored["status"] not in ("OPTIMAL", "FEASIBLE"):
            return None
        pair_of_student = np.asarray(stored["pair_of_student"], dtype=np.int64)
        if not problem.allows(pair_of_student):
            return None
        return PlacementResult(
            problem=problem,
            status=stored["status"],
            objective=str(stored["objective"]),
            pair_of_student=pair_of_student,
            placed_bound=int(stored["placed_bound"]),
            score_bound=None if stored["score_bound"] is None else float(stored["score_bound"]),
            min_score_bound=None if stored["min_score_bound"] is None else float(stored["min_score_bound"]),
            solve_seconds=float(stored["solve_seconds"]),
            interest_bound=None if stored["interest_bound"] is None else int(stored["interest_bound"]),
            stats={str(k): float(v) for k, v in dict(stored["stats"]).items()},
            carried_over=stored.get("carried_over") is True,
        )
    except (KeyError, TypeError, ValueError, IndexError):
        return None
