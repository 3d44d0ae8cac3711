"""Benchmark of scoring: eligible_pairs, one shortlist, peak memory, on pilot to 45,000 x 20,000 scale.

Run on its own to refresh the "Scoring" section of docs/benchmarks.md::

    .venv/bin/python bench/bench_scoring.py            # pilot, national and 45,000 x 20,000
    .venv/bin/python bench/bench_scoring.py --quick    # pilot and national only

Each instance runs in its own process, so that its peak resident memory
(``ru_maxrss``) is its own. Times are medians of several runs after one warm-up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.child import run_for_json  # noqa: E402
from bench.machine import machine_summary  # noqa: E402

INSTANCES: dict[str, tuple[int, int, int]] = {
    # name: (students, companies, runs)
    "pilot": (140, 220, 7),
    "national": (1700, 5000, 7),
    "45k": (45000, 20000, 2),
}
QUICK = ("pilot", "national")
SHORTLISTS = 40


def measure(name: str) -> dict[str, object]:
    """Measure one instance in this process (called in a fresh subprocess)."""
    import numpy as np

    from features.loading import network_from_tables
    from features.synthetic import generate
    from matching.context import scoring_context
    from matching.pairs import pair_table
    from matching.shortlist import shortlist_companies, shortlist_students

    n, m, runs = INSTANCES[name]
    started = time.perf_counter()
    tables = generate(n, m).tables
    generated = time.perf_counter()
    network = network_from_tables(tables)
    del tables
    loaded = time.perf_counter()
    context = scoring_context(network)  # encodes the arrays and fits the outcome model
    prepared = time.perf_counter()
    rule_only = scoring_context(network, outcome_model=None)

    def median_seconds(action: Callable[[], object], repeats: int) -> float:
        action()
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            action()
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    table = pair_table(context)
    n_pairs = table.n_pairs
    del table
    # The pipeline's peak: network loaded, model fitted, one pair table built.
    pipeline_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    score_time = median_seconds(lambda: pair_table(context), runs)
    rule_time = median_seconds(lambda: pair_table(rule_only), runs)
    rng = np.random.default_rng(0)
    student_ids = [network.students[i].student_id for i in rng.choice(n, min(SHORTLISTS, n), replace=False)]
    company_ids = [network.companies[j].company_id for j in rng.choice(m, min(SHORTLISTS, m), replace=False)]
    shortlist_companies(context, student_ids[0], 5)
    shortlist = []
    for student_id in student_ids:
        t = time.perf_counter()
        shortlist_companies(context, student_id, 5)
        shortlist.append(time.perf_counter() - t)
    reverse = []
    for company_id in company_ids:
        t = time.perf_counter()
        shortlist_students(context, company_id, 5)
        reverse.append(time.perf_counter() - t)
    return {
        "instance": name,
        "students": n,
        "companies": m,
        "eligible_pairs": n_pairs,
        "generate_s": generated - started,
        "load_s": loaded - generated,
        "prepare_s": prepared - loaded,
        "eligible_pairs_s": score_time,
        "eligible_pairs_rule_only_s": rule_time,
        "runs": runs,
        "shortlist_ms_median": statistics.median(shortlist) * 1000,
        "shortlist_ms_max": max(shortlist) * 1000,
        "reverse_shortlist_ms_median": statistics.median(reverse) * 1000,
        "peak_rss_mb": pipeline_rss,
    }


def run_instance(name: str) -> dict[str, object]:
    """Measure ``name`` in a subprocess and return its JSON result."""
    return run_for_json(
        [sys.executable, str(Path(__file__).resolve()), "--worker", name], f"the scoring benchmark of {name}"
    )


def machine() -> str:
    """The machine line, with the load average when measuring started (other jobs skew the times)."""
    load = f", load average {os.getloadavg()[0]:.1f} when started" if hasattr(os, "getloadavg") else ""
    return machine_summary(("numpy", "scikit-learn")) + load


def markdown_section(quick: bool = False) -> str:
    """Run the measurements and return the "Scoring" section of docs/benchmarks.md."""
    names = QUICK if quick else tuple(INSTANCES)
    busy = hasattr(os, "getloadavg") and os.getloadavg()[0] > (os.cpu_count() or 1)
    results = [run_instance(name) for name in names]
    lines = [
        "## Scoring",
        "",
        "`matching.pairs.eligible_pairs` (hard rules and score of every eligible pair, with the learned",
        "outcome model), one shortlist (`matching.shortlist.shortlist_companies`, top 5 with Danish",
        "explanations) and the reverse shortlist (best students for a company), on synthetic networks",
        "from `features.synthetic.generate(students, companies)` (seed 2019).",
        "",
        f"Reproduce: `.venv/bin/python bench/bench_scoring.py{' --quick' if quick else ''}`. "
        f"Measured {dt.date.today().isoformat()} on {machine()}. The machine is shared, so times vary by",
        "some tens of percent between runs. Each instance runs in a fresh process; times are medians of the",
        "stated runs after a warm-up; shortlist times are over 40 different students (companies), and their",
        "maximum can include a Python garbage-collection pause. Peak memory is the process's peak resident",
        "set (`ru_maxrss`) after generating and loading the network, fitting the model and building one",
        "pair table, i.e. what the pipeline holds at its peak.",
        *(
            [
                "",
                "**The load average was above the number of cores: other jobs competed for the CPU, so these",
                "times are pessimistic.**",
            ]
            if busy
            else []
        ),
        "",
        "| instance | students x companies | eligible pairs | eligible_pairs | rule-only | shortlist "
        "(median / max) | reverse shortlist | prepare (arrays + model fit) | load (validate) | peak memory |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['instance']} | {r['students']:,} x {r['companies']:,} | {r['eligible_pairs']:,} "
            f"| {r['eligible_pairs_s']:.3f} s ({r['runs']} runs) | {r['eligible_pairs_rule_only_s']:.3f} s "
            f"| {r['shortlist_ms_median']:.1f} / {r['shortlist_ms_max']:.1f} ms "
            f"| {r['reverse_shortlist_ms_median']:.1f} ms | {r['prepare_s']:.2f} s | {r['load_s']:.2f} s "
            f"| {r['peak_rss_mb']:,.0f} MB |"
        )
    lines += [
        "",
        "Targets (issue 3): national scoring at most 1 s, one shortlist at most 50 ms after loading, peak",
        "memory under 1 GB; 45,000 x 20,000 within the whole pipeline's 60 s and 8 GB. Students are scored",
        "in spatial blocks against the companies within travel reach (no n x m matrix); see",
        "`matching/blockscore.py`.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="pilot and national only")
    parser.add_argument("--worker", choices=tuple(INSTANCES), help=argparse.SUPPRESS)
    parser.add_argument("--print", action="store_true", help="print the section instead of writing it")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(args.worker)))
        return
    section = markdown_section(quick=args.quick)
    if args.print:
        print(section)
        return
    from bench.sections import replace_section

    replace_section("scoring", section)
    print(section)


if __name__ == "__main__":
    main()
