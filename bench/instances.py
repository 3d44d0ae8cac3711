"""The benchmark instances: synthetic networks from the pilot to 45,000 x 20,000, and tight variants.

Each instance is built the way the product builds it: ``features.synthetic.generate``
-> ``features.loading.network_from_tables`` -> ``matching.pairs.eligible_pairs``,
then stored as a ``BenchProblem`` file that every method reads.

A *tight* variant cuts internship slots where students want them most: in the
industries most often named as a first interest and in the municipalities where
the most students live, every company keeps a third of its slots (rounded down,
so companies with one or two slots drop out) and the same share of its mentor
capacity (rounded up). Total capacity then falls below demand there, and the
order in which students are placed starts to matter.

Run as ``python -m bench.instances NAME OUT.npz`` it builds one instance in a
process of its own and prints a JSON line with its size and build times.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
from dataclasses import dataclass
from time import perf_counter

import numpy as np
import pandas as pd

from bench.problem import BenchProblem, pairs_path, write_pair_table
from matching.pair_table import PairTable

TIGHT_INDUSTRIES = 4
"""Industries whose companies lose slots in a tight variant (the most wanted as first interest)."""
TIGHT_STUDENT_SHARE = 0.3
"""A tight variant cuts slots in the most populous home municipalities that house this share of students."""
TIGHT_KEEP = 3
"""A cut company keeps ``capacity // TIGHT_KEEP`` slots."""


@dataclass(frozen=True)
class InstanceSpec:
    name: str
    n_students: int
    n_companies: int
    tight: bool = False
    seed: int = 2019
    repeats: int = 5
    """Timed runs of each method (the median is reported)."""

    @property
    def label(self) -> str:
        size = f"{self.n_students:,} x {self.n_companies:,}"
        return f"{self.name} ({size}{', tight' if self.tight else ''})"


INSTANCES: tuple[InstanceSpec, ...] = (
    InstanceSpec("pilot", 140, 220),
    InstanceSpec("pilot-tight", 140, 220, tight=True),
    InstanceSpec("national", 1700, 5000, repeats=3),
    InstanceSpec("national-tight", 1700, 5000, tight=True, repeats=3),
    InstanceSpec("all-45k", 45000, 20000, repeats=3),
)
QUICK: tuple[str, ...] = ("pilot", "pilot-tight")


def spec_named(name: str) -> InstanceSpec:
    for spec in INSTANCES:
        if spec.name == name:
            return spec
    names = ", ".join(spec.name for spec in INSTANCES)
    raise ValueError(f"The instance must be one of {names}. Got {name!r} instead.")


def tighten(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], dict[str, object]]:
    """Tables with slots cut in the most wanted industries and the most populous municipalities."""
    students, companies = tables["students"], tables["companies"].copy()
    first_interest = students["interests"].str.split("|").str[0]
    industries = first_interest.value_counts().index[:TIGHT_INDUSTRIES].tolist()
    homes = students["home_municipality"].value_counts()
    enough = int(np.searchsorted(homes.cumsum().to_numpy(), TIGHT_STUDENT_SHARE * len(students))) + 1
    municipalities = homes.index[:enough].tolist()
    cut = companies["industry"].isin(industries) | companies["municipality"].isin(municipalities)
    capacity = companies["capacity"].astype(int)
    mentor = companies["mentor_capacity"].astype(int)
    kept = capacity // TIGHT_KEEP
    share = np.divide(kept, capacity, out=np.zeros(len(capacity)), where=capacity > 0)
    new_mentor = np.ceil(mentor * share).astype(int)
    companies.loc[cut, "capacity"] = kept[cut].astype(str)
    companies.loc[cut, "mentor_capacity"] = new_mentor[cut].astype(str)
    slots = companies["capacity"].astype(int)
    summary = {
        "first_interest_in_cut_industries": int(first_interest.isin(industries).sum()),
        "slots_in_cut_industries": int(slots[companies["industry"].isin(industries)].sum()),
        "students_in_cut_municipalities": int(students["home_municipality"].isin(municipalities).sum()),
        "slots_in_cut_municipalities": int(slots[companies["municipality"].isin(municipalities)].sum()),
        "cut_industries": industries,
        "cut_municipalities": municipalities,
        "companies_cut": int(cut.sum()),
        "slots_before": int(capacity.sum()),
        "slots_after": int(companies["capacity"].astype(int).sum()),
    }
    return {**tables, "companies": companies}, summary


def build(spec: InstanceSpec) -> tuple[BenchProblem, PairTable, dict[str, object]]:
    """Generate, validate and score one instance; the problem, its pair table and a summary with timings."""
    from features.loading import network_from_tables
    from features.synthetic import generate
    from matching.pairs import eligible_pairs

    started = perf_counter()
    tables = generate(spec.n_students, spec.n_companies, seed=spec.seed).tables
    summary: dict[str, object] = {}
    if spec.tight:
        tables, summary = tighten(tables)
    network = network_from_tables(tables, source=spec.name)
    loaded = perf_counter()
    pairs = eligible_pairs(network)
    scored = perf_counter()
    problem = BenchProblem.from_pairs(pairs)
    summary.update(
        {
            "students": problem.n_students,
            "companies": problem.n_companies,
            "pairs": problem.n_pairs,
            "students_with_pairs": int(np.unique(problem.student).size),
            "slots": int(problem.capacity.sum()),
            "mentor_limits_that_can_bind": int(problem.mentor_can_bind().sum()),
            "generate_and_validate_seconds": loaded - started,
            "eligible_pairs_seconds": scored - loaded,
            "build_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )
    return problem, pairs, summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.instances")
    parser.add_argument("name", help=", ".join(spec.name for spec in INSTANCES))
    parser.add_argument("out", help="the .npz file to write")
    args = parser.parse_args(argv)
    problem, pairs, summary = build(spec_named(args.name))
    problem.write(args.out)
    write_pair_table(pairs, pairs_path(args.out))
    sys.stdout.write(json.dumps(summary) + "\n")


if __name__ == "__main__":
    main()
