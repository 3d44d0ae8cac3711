"""The last MILP of the knapsack proof on a tight network, captured and solved again in other forms.

    .venv/bin/python bench/last_milp.py capture --companies 900 --seed 8
    .venv/bin/python bench/last_milp.py solve bench/.out/last_milp/900s8.2.pkl --form rows --milp
    .venv/bin/python bench/last_milp.py solve bench/.out/last_milp/900s8.2.pkl --form sets --subset-rows
    .venv/bin/python bench/last_milp.py solve bench/.out/last_milp/900s8.2.pkl --milp --highs-seed 1 \
        --option mip_heuristic_run_feasibility_jump=false
    .venv/bin/python bench/last_milp.py solve bench/.out/last_milp/900s8.2.pkl --milp --cut-pool

``capture`` solves one network of ``bench/bench_tight.py`` (``count-then-score``, 60 s) and writes each
MILP of step 2c (``knapsack_proof._best_within``: the one on the pairs chosen lately, then the last one)
to ``bench/.out/last_milp/<companies>s<seed>.<n>.pkl``, with the companies' last prices (each open
pair's profit, each company's best) and the plan that MILP returned. ``solve`` builds the captured MILP
again and solves its LP (and with ``--milp`` the MILP, HiGHS) in one of two forms:

- ``rows``: the count-vector rows the optimizer uses (``count_vectors.mix_rows``, only the count
  vectors a heavier plan can take);
- ``sets``: each company's own sets of open pairs that a plan at least as heavy as the captured
  result may use (those falling less than the gap below the company's best at the captured prices),
  as columns: the set master's bound on these pairs. ``--subset-rows`` then adds, round after round,
  every violated subset-row cut on three students (the sets holding two or more of them add up to at
  most 1) and solves the LP again.

With ``--milp``, ``--highs-seed`` and ``--option NAME=VALUE`` (repeatable) set HiGHS's random seed and
its other options; ``--cut-pool`` turns presolve off (so that HiGHS's columns are the model's) and
reads HiGHS's cut pool after its root (``cbMipGetCutPool``): how many cuts lie on one company's pairs
(with count vectors, or on count vectors alone), and how many students and companies the others span.

What it measured (1,700 x 900 seeds 5 and 8) is in docs/optimizer-measurements.md, *eighteenth
session* (the forms), *thirty-sixth* (whole count vectors) and *thirty-seventh* (HiGHS's options and its
cut pool). A tool for the next step of issue 16, not part of ``python -m bench``.
"""

from __future__ import annotations

import argparse
import inspect
import itertools
import pickle
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / ".out" / "last_milp"
SUBSET_ROW_CUTS_PER_ROUND = 400


def capture(companies: int, seed: int, time_limit: float) -> list[Path]:
    """Solve one tight network and write each MILP of the knapsack proof (see the module's text)."""
    import optimizer.knapsack_proof as knapsack_proof
    from bench.bench_tight import pairs_file
    from bench.problem import read_pair_table
    from optimizer import PlacementProblem, SolveParams, solve_placement

    last_priced: dict[str, Any] = {}
    written: list[Path] = []
    priced, best_within = knapsack_proof._priced, knapsack_proof._best_within

    def priced_kept(part, configs, student_price, placed, placement_price, free_price):  # type: ignore[no-untyped-def]
        found, price, profit = priced(part, configs, student_price, placed, placement_price, free_price)
        if not free_price:  # the prices the open pairs were ruled in by
            last_priced.update(
                key=part.student.astype(np.int64) * part.n_companies + part.company,
                profit=profit.copy(),
                best=found.best.copy(),
                bound=int(found.total - price * placed),
            )
        return found, price, profit

    # The arguments by name, whatever else ``_best_within`` takes: a wrapper naming them all broke
    # twice when it gained one (``tier``, then ``enough``).
    signature = inspect.signature(best_within)

    def best_within_captured(*args, **kwargs):  # type: ignore[no-untyped-def]
        solved = best_within(*args, **kwargs)
        given = signature.bind(*args, **kwargs)
        given.apply_defaults()
        inst, pairs, heavier = given.arguments["inst"], given.arguments["pairs"], given.arguments["heavier"]
        key = inst.student[pairs].astype(np.int64) * inst.n_companies + inst.company[pairs]
        order = np.argsort(last_priced["key"])
        at = order[np.searchsorted(last_priced["key"], key, sorter=order)]
        chosen = None if solved is None else solved[0]
        record = {
            "inst": inst,
            "configs": given.arguments["configs"],
            "pairs": pairs,
            "must": heavier.must,
            "vectors": heavier.vectors,
            "placed": given.arguments["placed"],
            "profit": last_priced["profit"][at],
            "best": last_priced["best"],
            "bound": last_priced["bound"],
            "result_weight": None if chosen is None else int(inst.weight[chosen].sum()),
            "proving": given.arguments["proving"],
        }
        path = OUT / f"{companies}s{seed}.{len(written) + 1}.pkl"
        OUT.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            pickle.dump(record, handle)
        written.append(path)
        return solved

    knapsack_proof._priced = priced_kept
    knapsack_proof._best_within = best_within_captured
    problem = PlacementProblem.build(read_pair_table(pairs_file(companies, seed)))
    started = time.perf_counter()
    result = solve_placement(
        problem, SolveParams(objective="count-then-score", time_limit_seconds=time_limit)
    )
    print(f"{companies} x seed {seed}: {result.status} in {time.perf_counter() - started:.1f} s")
    return written


def company_sets(record: dict[str, Any]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each company's sets of open pairs within the gap (a plan at least as heavy as the captured result
    may use no other): their companies and their members (positions among the open pairs)."""
    inst, pairs = record["inst"], record["pairs"]
    gap = record["bound"] - record["result_weight"]
    company, load, profit = inst.company[pairs], inst.load[pairs].astype(int), record["profit"]
    set_company: list[int] = []
    members: list[np.ndarray] = []
    for j in np.unique(company):
        mine = np.flatnonzero(company == j)
        mine = mine[np.argsort(-profit[mine], kind="stable")]
        least = int(record["best"][j]) - gap
        for chosen in _sets_reaching(
            profit[mine].tolist(),
            load[mine].tolist(),
            int(inst.capacity[j]),
            int(inst.mentor_capacity[j]),
            least,
        ):
            set_company.append(int(j))
            members.append(mine[chosen])
    return np.asarray(set_company, dtype=np.int64), members


def _sets_reaching(
    gains: list[int], loads: list[int], capacity: int, hours: int, least: int
) -> list[list[int]]:
    """Every non-empty set of positions (``gains`` falling) within ``capacity`` students and ``hours``
    of load whose gains add up to at least ``least``: a depth-first search that stops wherever the
    best positive gains still open cannot reach it."""
    found: list[list[int]] = []
    chosen: list[int] = []

    def extend(start: int, used_hours: int, value: int) -> None:
        reach, room, q = value, capacity - len(chosen), start
        while room > 0 and q < len(gains) and gains[q] > 0:
            reach, room, q = reach + gains[q], room - 1, q + 1
        if reach < least:
            return
        if chosen and value >= least:
            found.append(list(chosen))
        for q in range(start, len(gains)):
            if len(chosen) < capacity and used_hours + loads[q] <= hours:
                chosen.append(q)
                extend(q + 1, used_hours + loads[q], value + gains[q])
                chosen.pop()

    extend(0, 0, 0)
    return found


def solve(
    path: Path,
    form: str,
    milp: bool,
    subset_rows: bool,
    highs_seed: int = 0,
    options: Sequence[str] = (),
    cut_pool: bool = False,
) -> None:
    """The captured MILP's LP (and MILP) in ``form``; see the module's text."""
    import highspy
    from scipy.sparse import coo_matrix

    from optimizer.count_vectors import mix_rows, whole_columns
    from optimizer.highs import PROVING_OPTIONS, maximisation, quiet_highs

    with path.open("rb") as handle:
        record = pickle.load(handle)
    inst, pairs, placed = record["inst"], record["pairs"], record["placed"]
    n_x = pairs.size
    started = time.perf_counter()
    if form == "rows":
        vectors = record.get("vectors")  # None in captures before the count vectors were ruled out
        model, matrix, lower, upper = mix_rows(
            inst, record["configs"], pairs, record["must"], placed, vectors
        )
        n_y = model.n_vectors
        whole = whole_columns(model, bool(record.get("proving")))  # as the optimizer solves it
        set_members: list[np.ndarray] = []
    else:
        set_company, set_members = company_sets(record)
        n_y = set_company.size
        whole = np.r_[np.ones(n_x, dtype=bool), np.zeros(n_y, dtype=bool)]  # the pairs; sets follow
        sizes = np.array([m.size for m in set_members], dtype=np.int64)
        in_set = np.concatenate(set_members) if n_y else np.zeros(0, dtype=np.int64)
        set_columns = n_x + np.arange(n_y)
        link = inst.n_students + inst.n_companies  # x_p = the sets holding p
        rows = [inst.student[pairs], inst.n_students + set_company, link + np.arange(n_x), link + in_set]
        columns = [np.arange(n_x), set_columns, np.arange(n_x), np.repeat(set_columns, sizes)]
        values = [np.ones(n_x), np.ones(n_y), np.ones(n_x), -np.ones(in_set.size)]
        count_row = link + n_x
        rows.append(np.full(n_x, count_row))
        columns.append(np.arange(n_x))
        values.append(np.ones(n_x))
        matrix = coo_matrix(
            (np.concatenate(values), (np.concatenate(rows), np.concatenate(columns))),
            shape=(count_row + 1, n_x + n_y),
        )
        lower = np.r_[np.where(record["must"], 1.0, 0.0), np.zeros(inst.n_companies + n_x), placed]
        upper = np.r_[np.ones(inst.n_students + inst.n_companies), np.zeros(n_x), placed]
        print(f"{n_y:,} sets within the gap, enumerated in {time.perf_counter() - started:.1f} s")
    highs = quiet_highs()
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("random_seed", highs_seed)
    for name, value in (PROVING_OPTIONS if record.get("proving") else {}).items():
        highs.setOptionValue(name, value)  # as the optimizer solves its last MILP (``maximise_milp``)
    weight = np.r_[inst.weight[pairs].astype(np.float64), np.zeros(n_y)]
    highs.passModel(maximisation(weight, matrix, lower, upper, np.zeros(n_x + n_y, dtype=bool)))
    optimum = record["result_weight"]
    print(f"{path.name}: {n_x:,} open pairs, {n_y:,} columns more, captured result {optimum:,}")
    cuts = 0
    for _ in range(30 if subset_rows else 1):
        started = time.perf_counter()
        highs.run()
        bound = highs.getInfo().objective_function_value
        print(
            f"LP ({form}, {cuts} subset-row cuts): {bound:,.1f}, {bound - optimum:+,.1f} above the result,"
            f" {time.perf_counter() - started:.2f} s"
        )
        if not subset_rows or form != "sets":
            break
        in_use = np.asarray(highs.getSolution().col_value)[n_x:]
        violated = _violated_subset_rows(inst.student[pairs], set_members, in_use)
        if not violated:
            break
        for members in violated[:SUBSET_ROW_CUTS_PER_ROUND]:
            index = (n_x + np.asarray(members)).astype(np.int32)
            highs.addRow(-highspy.kHighsInf, 1.0, index.size, index, np.ones(index.size))
        cuts += min(len(violated), SUBSET_ROW_CUTS_PER_ROUND)
    if milp:
        index = np.flatnonzero(whole).astype(np.int32)
        highs.changeColsIntegrality(index.size, index, np.full(index.size, highspy.HighsVarType.kInteger))
        for option in options:
            option_name, _, option_text = option.partition("=")
            if highs.setOptionValue(option_name, _option_value(option_text)) != highspy.HighsStatus.kOk:
                raise SystemExit(f"--option {option}: HiGHS has no such option, or not with that value")
        if cut_pool:
            highs.setOptionValue("presolve", "off")
            company_of_pair, student_of_pair = inst.company[pairs], inst.student[pairs]
            highs.cbMipGetCutPool.subscribe(
                lambda event: _describe_cut_pool(event.data_out, n_x, company_of_pair, student_of_pair)
            )
        started = time.perf_counter()
        highs.run()
        info = highs.getInfo()
        print(
            f"MILP ({form}): {highs.modelStatusToString(highs.getModelStatus())},"
            f" {info.objective_function_value:,.0f}, bound {info.mip_dual_bound:,.1f},"
            f" {info.mip_node_count} nodes, {time.perf_counter() - started:.2f} s"
        )


def _option_value(text: str) -> bool | int | float | str:
    """A HiGHS option's value from ``--option``'s text: true/false, a number, or the text itself."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _describe_cut_pool(data: Any, n_x: int, company_of_pair: np.ndarray, student_of_pair: np.ndarray) -> None:
    """Print how HiGHS's cut pool spans the companies, by the companies of the pairs in each cut: cuts
    on one company's pairs (and count vectors; a cut on count vectors alone is counted here too) and
    cuts across companies."""
    n_cuts = int(data.cutpool_num_cut)
    start = np.asarray(data.cutpool_start[: n_cuts + 1])
    index = np.asarray(data.cutpool_index[: start[-1]])
    value = np.asarray(data.cutpool_value[: start[-1]])
    across: list[tuple[int, int, int, float]] = []
    for cut in range(n_cuts):
        columns, coefficients = index[start[cut] : start[cut + 1]], value[start[cut] : start[cut + 1]]
        on_pairs = columns[columns < n_x]
        companies = np.unique(company_of_pair[on_pairs]).size
        if companies > 1:
            students = np.unique(student_of_pair[on_pairs]).size
            across.append((students, companies, columns.size, float(np.abs(coefficients).max())))
    spans = np.asarray(across, dtype=np.float64).reshape(-1, 4)
    print(
        f"cut pool: {n_cuts} cuts, dual bound {data.mip_dual_bound:,.1f}; on one company: {n_cuts - len(across)}"
    )
    if len(across):
        print(
            f"across companies: {len(across)}; students median {np.median(spans[:, 0]):.0f}, most"
            f" {spans[:, 0].max():.0f}; companies median {np.median(spans[:, 1]):.0f}, most"
            f" {spans[:, 1].max():.0f}; nonzeros most {spans[:, 2].max():.0f}; largest |coefficient|"
            f" {spans[:, 3].max():g}"
        )


def _violated_subset_rows(
    pair_student: np.ndarray, set_members: list[np.ndarray], values: np.ndarray
) -> list[list[int]]:
    """The sets of each violated subset-row cut on three students, most violated first: triples two of
    whom share a set in use and the third a set in use with one of them."""
    students = [frozenset(pair_student[m].tolist()) for m in set_members]
    holding: dict[int, list[int]] = defaultdict(list)
    for k, members in enumerate(students):
        for student in members:
            holding[student].append(k)
    used = set(np.flatnonzero(values > 1e-6).tolist())
    seen: set[tuple[int, int, int]] = set()
    found: list[tuple[float, list[int]]] = []
    for fractional in np.flatnonzero((values > 1e-6) & (values < 1 - 1e-6)).tolist():
        for a, b in itertools.combinations(sorted(students[fractional]), 2):
            for other in (k2 for s in (a, b) for k2 in holding[s] if k2 in used and k2 != fractional):
                for c in students[other] - {a, b}:
                    triple = tuple(sorted((a, b, c)))
                    if triple in seen:
                        continue
                    seen.add(triple)  # type: ignore[arg-type]
                    touching = set(holding[triple[0]]) | set(holding[triple[1]]) | set(holding[triple[2]])
                    two_or_more = [q for q in touching if len(students[q] & set(triple)) >= 2]
                    total = float(values[two_or_more].sum())
                    if total > 1 + 1e-4:
                        found.append((total, two_or_more))
    found.sort(key=lambda item: -item[0])
    return [members for _, members in found]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    taking = verbs.add_parser("capture", help="solve a tight network and write its knapsack proof's MILPs")
    taking.add_argument("--companies", type=int, default=900)
    taking.add_argument("--seed", type=int, default=8)
    taking.add_argument("--time-limit", type=float, default=60.0)
    solving = verbs.add_parser("solve", help="solve a captured MILP again in another form")
    solving.add_argument("file", type=Path)
    solving.add_argument("--form", choices=("rows", "sets"), default="rows")
    solving.add_argument("--milp", action="store_true", help="the MILP too, not only its LP")
    solving.add_argument("--subset-rows", action="store_true", help="with --form sets: add subset-row cuts")
    solving.add_argument("--highs-seed", type=int, default=0, help="HiGHS's random seed")
    solving.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="another HiGHS option (repeatable)",
    )
    solving.add_argument(
        "--cut-pool", action="store_true", help="with --milp: read HiGHS's cut pool (presolve off)"
    )
    args = parser.parse_args(argv)
    if args.verb == "solve" and not args.milp and (args.option or args.cut_pool or args.highs_seed):
        parser.error("--highs-seed, --option and --cut-pool act on the MILP: add --milp")
    if args.verb == "capture":
        for path in capture(args.companies, args.seed, args.time_limit):
            print(path)
    else:
        solve(args.file, args.form, args.milp, args.subset_rows, args.highs_seed, args.option, args.cut_pool)


if __name__ == "__main__":
    main()
