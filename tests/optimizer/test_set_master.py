"""The knapsack bound sharpened by a master LP over the companies' sets (``optimizer.set_master``).

Whatever prices the master gives, the bound the caller takes is a knapsack bound at whole prices, so
it must hold for every plan placing the count (checked against a MILP), never rise above the start,
and be what those prices give when priced again, whether its boxes grow at each lower bound or not.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import subprocess
import sys

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from optimizer import set_master
from optimizer.company_knapsacks import configurations
from optimizer.instance import Instance
from optimizer.knapsack_proof import master_priced
from optimizer.set_master import Priced, _Master, sharpen
from tests.optimizer.test_knapsack_proof import _lex_milp
from tests.optimizer.test_level_search import _usable_instance
from tests.optimizer.test_tight_properties import tight_tables
from tests.optimizer.util import random_table

PROPERTIES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _pricer(inst: Instance, placed: int):  # type: ignore[no-untyped-def]
    """What ``knapsack_proof._sharpened`` gives ``sharpen`` (``master_priced``): the bound at whole
    prices with the placement price of least bound, and the sets at the master's own price."""
    configs = configurations(inst)
    assert configs is not None

    def price(student_price: np.ndarray, placement_price: int) -> Priced:
        return master_priced(inst, configs, placed, student_price, placement_price)

    return price


def _dantzig_wolfe_bound(inst: Instance, placed: int) -> float:
    """The LP over every set of students each company can take (enumerated), each student at most
    once, each company at most one set, ``placed`` placed: the least bound any prices can give."""
    columns: list[tuple[int, np.ndarray, int]] = []
    for company in range(inst.n_companies):
        pairs = np.flatnonzero(inst.company == company)
        for size in range(1, int(inst.capacity[company]) + 1):
            for taken in itertools.combinations(pairs.tolist(), size):
                taken_pairs = np.array(taken)
                students = inst.student[taken_pairs]
                if (
                    np.unique(students).size == size
                    and inst.load[taken_pairs].sum() <= inst.mentor_capacity[company]
                ):
                    columns.append((company, students, int(inst.weight[taken_pairs].sum())))
    rows, cols = [], []
    for column, (company, students, _) in enumerate(columns):
        rows += [*students.tolist(), inst.n_students + company]
        cols += [column] * (students.size + 1)
    at_most_once = csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(inst.n_students + inst.n_companies, len(columns))
    )
    sizes = np.array([[students.size for _, students, _ in columns]], dtype=np.float64)
    solved = linprog(
        -np.array([weight for _, _, weight in columns], dtype=np.float64),
        A_ub=at_most_once,
        b_ub=np.ones(at_most_once.shape[0]),
        A_eq=sizes,
        b_eq=[placed],
        method="highs",
    )
    assert solved.status == 0
    return -float(solved.fun)


def test_given_iterations_enough_the_master_reaches_the_dantzig_wolfe_bound(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """From prices of zero on networks of 30 students and 8 companies, mentor limits binding: with the
    sets at its own placement price among its columns the master ends at the LP over every company
    set. With only the sets at the price of least bound it stalled above it (seeds 0, 20, 21 and 24:
    64 to 6,172 weight units)."""
    monkeypatch.setattr(set_master, "WIDENINGS", 40)
    for seed in range(25):
        inst = _usable_instance(random_table(np.random.default_rng(seed), 30, 8, density=0.4))
        placed = int(_lex_milp(inst, heaviest=True).sum())
        price = _pricer(inst, placed)
        start = price(np.zeros(inst.n_students, dtype=np.int64), 0)
        found = sharpen(inst, start, price, placed, [], math.inf, max_iterations=2_000)
        assert found.bound == math.ceil(_dantzig_wolfe_bound(inst, placed) - 1e-6), seed


@PROPERTIES
@given(table=tight_tables(max_students=10, max_companies=4), data=st.data())
def test_the_sharpened_bound_holds_and_never_rises(table, data) -> None:  # type: ignore[no-untyped-def]
    inst = _usable_instance(table)
    assume(inst.n_pairs > 0)
    heaviest = _lex_milp(inst, heaviest=True)
    placed, optimum = int(heaviest.sum()), int(inst.weight[heaviest].sum())
    price = _pricer(inst, placed)
    start_prices = np.array(
        data.draw(st.lists(st.integers(0, 3000), min_size=inst.n_students, max_size=inst.n_students))
    )
    start = price(start_prices, data.draw(st.integers(0, 3000)))
    seeds = [np.flatnonzero(heaviest)] if data.draw(st.booleans()) else []
    grow_above = data.draw(st.sampled_from([None, optimum, optimum + 1000]))
    found = sharpen(inst, start, price, placed, seeds, math.inf, grow_above=grow_above)
    assert optimum <= found.bound <= start.bound
    assert found.student_price.dtype == np.int64 and (found.student_price >= 0).all()
    assert price(found.student_price, found.placement_price).bound == found.bound


def test_from_poor_prices_it_comes_down_close_to_the_optimum() -> None:
    """A network of 60 students and 15 companies, mentor limits binding: from prices of zero and the
    placement price of least bound for them, the master's prices cut the bound's excess over the
    optimum to under a tenth."""
    table = random_table(np.random.default_rng(7), 60, 15, density=0.35)
    inst = _usable_instance(table)
    assert inst.mentor_can_bind().any()
    heaviest = _lex_milp(inst, heaviest=True)
    placed, optimum = int(heaviest.sum()), int(inst.weight[heaviest].sum())
    price = _pricer(inst, placed)
    start = price(np.zeros(inst.n_students, dtype=np.int64), 0)
    found = sharpen(inst, start, price, placed, [np.flatnonzero(heaviest)], math.inf)
    assert optimum <= found.bound
    assert found.bound - optimum < (start.bound - optimum) / 10


def test_growing_boxes_reach_a_bound_on_tiered_weights_at_least_as_low() -> None:
    """On tiered weights (a tier per placement within interests, as the interest-first objective
    weighs pairs), from prices two tiers too high: boxes of a fixed size crawl and stay dozens of tiers
    above the optimum after their iterations; boxes that double at each lower bound end at it."""
    rng = np.random.default_rng(11)
    table = random_table(rng, 60, 15, density=0.35)
    base = 1_000_000
    inst = _usable_instance(table)
    inst = dataclasses.replace(inst, weight=base * (rng.random(inst.n_pairs) < 0.5) + inst.weight)
    heaviest = _lex_milp(inst, heaviest=True)
    placed, optimum = int(heaviest.sum()), int(inst.weight[heaviest].sum())
    price = _pricer(inst, placed)
    start = price(np.full(inst.n_students, 2 * base, dtype=np.int64), 0)
    fixed = sharpen(inst, start, price, placed, [], math.inf)
    growing = sharpen(inst, start, price, placed, [], math.inf, grow_above=optimum)
    assert optimum <= growing.bound <= fixed.bound
    assert growing.bound - optimum < base < fixed.bound - optimum


def test_highs_prints_nothing_on_standard_output() -> None:
    """HiGHS's constructor prints a banner once per process, on file descriptor 1 (under the CLI's
    text): a fresh process shows whether the master keeps it quiet."""
    script = "from optimizer.highs import quiet_highs\nquiet_highs()\nprint('ok')\n"
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert shown.stdout == "ok\n"


def test_each_company_set_enters_the_master_once() -> None:
    """Choices at three sets of prices, one of them twice: the master gains one column per distinct
    (company, students), and nothing when they come again."""
    from optimizer.set_master import _Master

    table = random_table(np.random.default_rng(3), 40, 12, density=0.35)
    inst = _usable_instance(table)
    placed = int(_lex_milp(inst, heaviest=True).sum())
    price = _pricer(inst, placed)
    rng = np.random.default_rng(0)
    choices = [np.flatnonzero(price(rng.integers(0, 4000, inst.n_students), 2000).chosen) for _ in range(3)]
    choices.append(choices[0])
    distinct = {
        (
            int(inst.company[k]),
            tuple(sorted(int(inst.student[m]) for m in chosen if inst.company[m] == inst.company[k])),
        )
        for chosen in choices
        for k in chosen
    }
    master = _Master(inst, placed)
    assert master.add_sets(choices) == len(distinct)
    assert master.add_sets(choices[1:3]) == 0
    assert master.highs.getNumCol() == master.n_box + len(distinct)


def test_the_boxes_narrow_to_no_less_than_they_started() -> None:
    """The trust region's halving after a step that lowers nothing stops at the first boxes."""
    inst = _usable_instance(random_table(np.random.default_rng(3), 20, 6, density=0.4))
    master = _Master(inst, 5)
    first = (master.box, master.placement_box)
    master.widen()
    master.widen()
    master.narrow()
    assert (master.box, master.placement_box) == (2 * first[0], 2 * first[1])
    master.narrow()
    master.narrow()
    assert (master.box, master.placement_box) == first
