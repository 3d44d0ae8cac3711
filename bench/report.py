"""docs/benchmarks.md from the results: tables, ratios, targets, the plot, machine and command."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from bench.run import Check, InstanceRun, MethodRun
from optimizer.problem import SCORE_SCALE

METHOD_LABELS = {
    "optimizer": "this project (optimizer)",
    "greedy": "greedy, best pair first",
    "stable": "stable matching (resident-optimal)",
    "exact": "exact optimum (independent)",
}
PLOT_NAME = "time_vs_pairs.png"
NATIONAL_SECONDS = 2.0
SCALE_SECONDS = 60.0
SCALE_MEGABYTES = 8 * 1024


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _ratio(value: float) -> str:
    return f"{value:.1f}x" if value >= 1 else f"{value:.2g}x"


def _percent(ours: int, theirs: int) -> str:
    if theirs == 0:
        return "–"
    return f"{100 * (ours - theirs) / theirs:+.1f} %"


def method_note(run: MethodRun) -> str:
    """What a reader must know about one method's row."""
    info = run.info
    if run.error is not None and not run.seconds:
        return f"no result: {run.error}"
    if run.method == "stable" and info:
        solve = info.get("solve_seconds")
        create = info.get("create_seconds")
        parts = [
            f"{info.get('raw_placed')} placed before the mentor repair, "
            f"{info.get('companies_over_mentor')} companies over mentor capacity, "
            f"{info.get('students_dropped')} students dropped by the repair"
        ]
        if info.get("matcher") == "own" and solve is not None:
            parts.append(
                f"our own deferred acceptance (the package's `solve()` does not scale this far): "
                f"{info.get('prepare_seconds', 0.0):.2f} s ranks, {solve:.2f} s proposals"
            )
        elif solve is not None and create is not None:
            built = (
                " (directly, without its deep copy and input checks)" if info.get("build") == "direct" else ""
            )
            parts.append(f"package: building the game{built} {create:.2f} s, `solve()` {solve:.2f} s")
        return "; ".join(parts)
    if run.method == "exact" and info:
        note = f"{info.get('method')}: {info.get('status')}"
        if not info.get("optimal"):
            note += f"; upper bound {info.get('bound_placed')} placed, then score {info.get('bound_weight', 0) / SCORE_SCALE:,.2f}"
        if "subset_weight_stage" in info:
            note += f"; last MILP over {info['subset_weight_stage']:,} priced pairs"
        return note
    if run.method == "optimizer" and info:
        note = f"{info.get('status')}"
        if info.get("gap"):
            note += f", gap {100 * float(info['gap']):.3f} %"
        return note
    return ""


def results_table(results: Sequence[InstanceRun]) -> list[str]:
    lines = [
        "| instance | method | placed | total score | lowest score | time (s) | runs | peak memory (MB) | notes |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for result in results:
        for method, run in result.runs.items():
            stats = run.stats
            placed = f"{stats.placed:,}" if stats else "–"
            score = f"{stats.total_score:,.2f}" if stats else "–"
            lowest = f"{stats.min_score:.2f}" if stats and stats.min_score is not None else "–"
            memory = f"{run.peak_mb:,.0f}" if run.seconds else "–"
            lines.append(
                f"| {result.spec.name} | {METHOD_LABELS[method]} | {placed} | {score} | {lowest} | "
                f"{_seconds(run.median_seconds)} | {len(run.seconds)} | {memory} | {method_note(run)} |"
            )
    return lines


def instances_table(results: Sequence[InstanceRun]) -> list[str]:
    lines = [
        "| instance | students | companies | slots | eligible pairs | students with a pair | "
        "mentor limits that can bind | generate + validate (s) | `eligible_pairs` (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        s = result.summary
        lines.append(
            f"| {result.spec.name} | {s['students']:,} | {s['companies']:,} | {s['slots']:,} | {s['pairs']:,} | "
            f"{s['students_with_pairs']:,} | {s['mentor_limits_that_can_bind']:,} | "
            f"{s['generate_and_validate_seconds']:.1f} | {s['eligible_pairs_seconds']:.1f} |"
        )
    tight = [r for r in results if r.spec.tight]
    for result in tight:
        s = result.summary
        lines.append("")
        lines.append(
            f"`{result.spec.name}` keeps a third of the slots (and the same share of mentor capacity) at the "
            f"{s['companies_cut']:,} companies in the industries {', '.join(s['cut_industries'])} or the "
            f"municipalities {', '.join(s['cut_municipalities'])}: {s['slots_before']:,} slots become "
            f"{s['slots_after']:,}. In those industries {s['first_interest_in_cut_industries']:,} students name "
            f"one as their first interest and {s['slots_in_cut_industries']:,} slots remain; in those "
            f"municipalities {s['students_in_cut_municipalities']:,} students live and "
            f"{s['slots_in_cut_municipalities']:,} slots remain."
        )
    return lines


def ratios_table(results: Sequence[InstanceRun]) -> list[str]:
    lines = [
        "| instance | placed: optimizer vs greedy | vs stable | score: optimizer vs greedy | vs stable | "
        "time: greedy / optimizer | stable / optimizer | exact / optimizer |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        runs = result.runs
        ours = runs.get("optimizer")
        if ours is None or ours.stats is None:
            continue
        cells = []
        for rival in ("greedy", "stable"):
            other = runs.get(rival)
            cells.append(_percent(ours.stats.placed, other.stats.placed) if other and other.stats else "–")
        for rival in ("greedy", "stable"):
            other = runs.get(rival)
            cells.append(_percent(ours.stats.weight, other.stats.weight) if other and other.stats else "–")
        base = ours.median_seconds
        for rival in ("greedy", "stable", "exact"):
            other = runs.get(rival)
            median = other.median_seconds if other else None
            cells.append(_ratio(median / base) if median is not None and base else "–")
        lines.append(f"| {result.spec.name} | " + " | ".join(cells) + " |")
    return lines


def target_lines(results: Sequence[InstanceRun], all_checks: Sequence[Check]) -> list[str]:
    """Each target of the issue, met or missed, with the measured figure."""

    def verdict(ok: bool | None) -> str:
        return {True: "**met**", False: "**MISSED**", None: "**not checked**"}[ok]

    lines = []
    equal = [c for c in all_checks if c.name == "optimizer equals the exact optimum"]
    equal_ok = _all_passed(equal)
    detail = "; ".join(f"{c.instance}: {c.detail}" for c in equal if c.passed is not True)
    lines.append(
        f"- Equals the independent optimum on every instance: {verdict(equal_ok)}"
        + (f" ({detail})" if detail else "")
    )
    ahead = [c for c in all_checks if c.name.startswith("optimizer places at least as many")]
    ahead_ok = _all_passed(ahead)
    behind = "; ".join(f"{c.instance}: {c.name}: {c.detail}" for c in ahead if not c.passed)
    lines.append(
        f"- Places at least as many as greedy and stable matching everywhere: {verdict(ahead_ok)}"
        + (f" ({behind})" if behind else "")
    )
    missing = [c for c in all_checks if c.name.endswith("produced a plan")]
    if missing:
        lines.append(
            "- Every method delivered a plan on every instance: "
            + verdict(_all_passed(missing))
            + " ("
            + "; ".join(f"{c.instance}: {c.name.split()[0]}: {c.detail}" for c in missing)
            + ")"
        )
    limits = [c for c in all_checks if c.name.endswith("keeps every limit")]
    broken = "; ".join(f"{c.instance}: {c.name.split()[0]} {c.detail}" for c in limits if not c.passed)
    lines.append(
        f"- Every reported plan keeps capacity and mentor capacity: {verdict(_all_passed(limits))}"
        + (f" ({broken})" if broken else "")
    )
    for result in results:
        ours = result.runs.get("optimizer")
        if ours is None:
            continue
        seconds = ours.median_seconds
        if result.spec.name == "national":
            lines.append(_time_target(result.spec.name, ours, NATIONAL_SECONDS, verdict))
        elif result.spec.n_students == 1700:
            lines.append(
                f"- `{result.spec.name}` (no target of its own; the national target for comparison): "
                f"median {_seconds(seconds)} s, {ours.info.get('status', 'no result')}, "
                f"{'within' if seconds is not None and seconds <= NATIONAL_SECONDS else 'over'} "
                f"{NATIONAL_SECONDS:.0f} s"
            )
        if result.spec.n_students >= 45000:
            ok_memory = None if not ours.seconds else ours.peak_mb <= SCALE_MEGABYTES
            scoring = result.summary["eligible_pairs_seconds"]
            lines.append(
                _time_target(result.spec.name, ours, SCALE_SECONDS, verdict)
                + f"; `eligible_pairs` took {scoring:.1f} s before it"
            )
            lines.append(
                f"- `{result.spec.name}` in at most 8 GB: {verdict(ok_memory)} "
                f"(peak {ours.peak_mb:,.0f} MB for the optimizer's process, loading the pairs included; "
                f"building the instance peaked at {result.summary['build_peak_mb']:,.0f} MB)"
            )
    return lines


def _time_target(name: str, ours: MethodRun, limit: float, verdict: Callable[[bool | None], str]) -> str:
    """A time target is met by a proven optimum within the limit; a plan without the proof meets it in part."""
    seconds = ours.median_seconds
    status = ours.info.get("status")
    head = f"- `{name}` solved to proven optimality in at most {limit:.0f} s: "
    if seconds is None:
        return head + verdict(None) + " (no result)"
    figures = f"median {_seconds(seconds)} s, {status}"
    if status != "OPTIMAL" and ours.info.get("gap") is not None:
        figures += f", gap {100 * float(ours.info['gap']):.3f} %"
    if seconds <= limit and status == "OPTIMAL":
        return head + verdict(True) + f" ({figures})"
    if seconds <= limit:
        return head + "**partly met**: a plan in time, not proven optimal" + f" ({figures})"
    return head + verdict(False) + f" ({figures})"


def _all_passed(found: Sequence[Check]) -> bool | None:
    """False if any check failed, None if none ran or some could not be decided, else True."""
    if any(c.passed is False for c in found):
        return False
    if not found or any(c.passed is None for c in found):
        return None
    return True


def plot_path(out: Path) -> Path:
    """Where the plot of a report goes: ``docs/benchmarks.md`` -> ``docs/benchmarks/time_vs_pairs.png``."""
    return out.parent / out.stem / PLOT_NAME


def draw_plot(results: Sequence[InstanceRun], path: Path) -> bool:
    """Median time against eligible pairs, one line per method (log-log). False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    figure, axes = plt.subplots(figsize=(7.5, 4.8), dpi=120)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for (method, label), color in zip(METHOD_LABELS.items(), colors, strict=False):
        for tight, style in ((False, "-"), (True, "--")):
            # Only runs that produced a plan: a bound-only reference is not a solve.
            points = sorted(
                (r.summary["pairs"], r.runs[method].median_seconds)
                for r in results
                if r.spec.tight == tight and method in r.runs and r.runs[method].stats is not None
            )
            if points:
                x, y = zip(*points, strict=True)
                name = "_nolegend_" if tight else label.replace("`", "")
                axes.plot(x, y, style, marker="o", color=color, label=name)
    axes.plot([], [], "--", color="gray", label="dashed: the tight variants")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("eligible pairs")
    axes.set_ylabel("wall time, median (s)")
    axes.set_title("Time against the number of eligible pairs")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize="small")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return True
