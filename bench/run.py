"""Run every method on every instance, each run in a process of its own, and check the results.

The order is round-robin: round 1 runs every method once, round 2 again, and so
on, so that a noisy neighbour on a shared machine slows all methods alike and
the ratios stay fair. Time is the median over the rounds; memory the highest
peak. Plans are scored here, by ``bench.evaluate``, not by the methods.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.child import run_for_json
from bench.evaluate import PlanStats, plan_stats
from bench.instances import InstanceSpec
from bench.problem import BenchProblem
from bench.sections import ROOT
from bench.worker import METHODS

EXACT_TIME_LIMIT = 600.0
"""Solver time limit of the exact method (seconds). The optimizer runs with its own default, as users run it."""
PROCESS_TIMEOUT = 1800.0
"""A method run still going after this long is stopped and reported as timed out (seconds)."""
BUILD_TIMEOUT = 1800.0


@dataclass
class MethodRun:
    """One method on one instance: its timed runs, memory, own report and the scored plan."""

    method: str
    seconds: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    info: dict[str, Any] = field(default_factory=dict)
    stats: PlanStats | None = None
    error: str | None = None

    @property
    def median_seconds(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None


@dataclass
class InstanceRun:
    spec: InstanceSpec
    summary: dict[str, Any]
    problem_path: Path
    runs: dict[str, MethodRun]


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def build_instance(spec: InstanceSpec, folder: Path) -> tuple[Path, dict[str, Any]]:
    """Build ``spec`` in a subprocess; the problem file and the build summary."""
    path = folder / f"{spec.name}.npz"
    summary = run_for_json(
        [sys.executable, "-m", "bench.instances", spec.name, str(path)],
        f"building {spec.name}",
        timeout=BUILD_TIMEOUT,
    )
    return path, summary


def run_once(method: str, problem_path: Path, plan_path: Path, timeout: float) -> dict[str, Any]:
    """One timed run of ``method`` in a fresh process; its JSON report (or ``{"error": ...}``)."""
    command = [
        sys.executable,
        "-m",
        "bench.worker",
        method,
        str(problem_path),
        str(plan_path),
    ]
    if method == "exact":
        command += ["--time-limit", str(EXACT_TIME_LIMIT)]
    # A session of its own, so a timeout also stops the worker's children (the `matching` venv).
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return {"error": f"stopped after {timeout:.0f} s"}
    if process.returncode != 0:
        last = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit code {process.returncode}"
        return {"error": last[:300]}
    return json.loads(stdout.strip().splitlines()[-1])


def run_instance(
    spec: InstanceSpec,
    folder: Path,
    methods: Sequence[str] = METHODS,
    repeats: int | None = None,
    timeout: float = PROCESS_TIMEOUT,
    progress: Progress = _quiet,
) -> InstanceRun:
    """Build one instance and run ``methods`` on it, round-robin, ``repeats`` rounds (default: the spec's)."""
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"The methods must be among {', '.join(METHODS)}. Got {unknown!r} instead.")
    progress(f"{spec.name}: building")
    problem_path, summary = build_instance(spec, folder)
    progress(f"{spec.name}: {summary['pairs']:,} eligible pairs")
    runs = {method: MethodRun(method) for method in methods}
    for round_index in range(spec.repeats if repeats is None else repeats):
        for method in methods:
            run = runs[method]
            if run.error is not None:
                continue  # a failed or timed-out method is not retried
            plan_path = folder / f"{spec.name}.{method}.npy"
            report = run_once(method, problem_path, plan_path, timeout)
            if "error" in report:
                run.error = report["error"]
                progress(f"{spec.name}: {method} failed: {run.error}")
                continue
            run.seconds.append(float(report["seconds"]))
            # A child process (the `matching` venv) runs while the worker holds its data: count both.
            run.peak_mb = max(run.peak_mb, float(report["peak_mb"]) + float(report["children_peak_mb"]))
            run.info = report["info"]
            progress(f"{spec.name}: {method} round {round_index + 1}: {report['seconds']:.3f} s")
    problem = BenchProblem.read(problem_path)
    for method, run in runs.items():
        plan_path = folder / f"{spec.name}.{method}.npy"
        if run.seconds and plan_path.exists() and run.info.get("has_plan", True):
            run.stats = plan_stats(problem, np.load(plan_path))
    return InstanceRun(spec, summary, problem_path, runs)


@dataclass(frozen=True)
class Check:
    """One invariant or target on one instance: passed, failed, or not checkable (None)."""

    instance: str
    name: str
    passed: bool | None
    detail: str = ""


def checks(result: InstanceRun) -> list[Check]:
    """The harness's invariants on one instance: limits kept, optimizer equal to the optimum, never behind."""
    name = result.spec.name
    out: list[Check] = []
    stats = {m: r.stats for m, r in result.runs.items() if r.stats is not None}
    for method, run in result.runs.items():
        if run.stats is None:
            # The optimizer must always deliver; the others are reported, not failed, when they cannot.
            detail = run.error or (f"bound only ({run.info.get('status')})" if run.info else "no plan")
            out.append(
                Check(name, f"{method} produced a plan", False if method == "optimizer" else None, detail)
            )
    for method, s in stats.items():
        out.append(
            Check(
                name,
                f"{method} keeps every limit",
                s.feasible,
                f"{s.students_placed_twice} placed twice, {s.companies_over_capacity} over capacity, "
                f"{s.companies_over_mentor} over mentor capacity",
            )
        )
    project = stats.get("optimizer")
    if project is None:
        if "optimizer" in result.runs:  # every comparison with the optimizer fails without its plan
            for check in (
                "equals the exact optimum",
                "places at least as many as greedy",
                "places at least as many as stable",
            ):
                out.append(Check(name, f"optimizer {check}", False, "the optimizer produced no plan"))
        return out
    exact_run = result.runs.get("exact")
    if exact_run is not None and exact_run.info:
        out.append(
            Check(
                name,
                "optimizer equals the exact optimum",
                *_against_exact(project, stats.get("exact"), exact_run.info),
            )
        )
    for rival in ("greedy", "stable"):
        if rival in result.runs and rival not in stats:
            out.append(
                Check(
                    name, f"optimizer places at least as many as {rival}", None, f"{rival} produced no plan"
                )
            )
        if rival in stats:
            out.append(
                Check(
                    name,
                    f"optimizer places at least as many as {rival}",
                    project.placed >= stats[rival].placed,
                    f"{project.placed} vs {stats[rival].placed}",
                )
            )
    return out


def _against_exact(
    project: PlanStats, exact: PlanStats | None, info: dict[str, Any]
) -> tuple[bool | None, str]:
    """Compare the optimizer with the independent method: equal when proven; else inside its plan and bound."""
    ours = (project.placed, project.weight)
    theirs = (exact.placed, exact.weight) if exact is not None else (0, 0)
    method = info.get("method")
    scale = project.scale
    if info.get("optimal") and exact is not None:
        detail = (
            f"placed {project.placed} vs {exact.placed}, score {project.total_score:.2f} vs "
            f"{exact.total_score:.2f} ({method})"
        )
        return ours == theirs, detail
    bound = (int(info["bound_placed"]), int(info["bound_weight"]))
    # The count is proven when any feasible plan (the reference's or the optimizer's) reaches its bound.
    count_proven = max(theirs[0], project.placed) == bound[0]
    plan = "no plan" if exact is None else f"its plan: {exact.placed} placed, score {exact.total_score:.2f}"
    summary = (
        f"{method} not proven optimal; {plan}; "
        f"its upper bound: {bound[0]} placed{' (proven)' if count_proven else ''}, then score "
        f"{bound[1] / scale:.2f}; optimizer: {project.placed} placed, score {project.total_score:.2f}"
    )
    if ours > bound:
        return False, summary + " (above a proven bound)"
    if theirs > ours:
        return False, summary + " (the independent plan is better)"
    if count_proven and project.placed < bound[0]:
        return False, summary + " (fewer than the proven maximum placed)"
    if ours == bound:
        return True, summary + " (the optimizer reaches the bound: optimal)"
    if project.placed < bound[0]:
        gap = 100 * (bound[0] - project.placed) / bound[0]
        return None, summary + f" (placed within {gap:.3f} % of the bound; not proven)"
    gap = 100 * (bound[1] - project.weight) / bound[1] if bound[1] else 0.0
    return None, summary + f" (as many placed as the bound; score within {gap:.3f} % of it; not proven)"
