"""Nested load limits (restrict-and-reflow on large networks): what must always hold."""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from optimizer import PlacementProblem
from optimizer.flow import LevelNetwork, solve_transport
from optimizer.instance import Instance
from optimizer.load_limits import fitting_level_caps, loosest_level_caps, restrict_and_reflow, unload
from optimizer.plan_value import value_of
from tests.optimizer.util import pair_tables, reference

CASES = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def at_least(inst: Instance, chosen: np.ndarray, n_levels: int) -> np.ndarray:
    """``(n_companies, n_levels)``: chosen students of load ``l`` or more at each company."""
    counts = np.zeros((inst.n_companies, n_levels), dtype=np.int64)
    for level in range(1, n_levels + 1):
        heavy = chosen & (inst.load >= level)
        counts[:, level - 1] = np.bincount(inst.company[heavy], minlength=inst.n_companies)
    return counts


def random_feasible_plan(inst: Instance, order: list[int], mentor: bool = True) -> np.ndarray:
    """Pairs taken in ``order`` whenever the student is free and the company has room for them
    (``mentor=False``: a place, whatever their load, as a flow without mentor limits may choose)."""
    chosen = np.zeros(inst.n_pairs, dtype=bool)
    placed: set[int] = set()
    count = np.zeros(inst.n_companies, dtype=np.int64)
    use = np.zeros(inst.n_companies, dtype=np.int64)
    for k in order:
        s, c, load = int(inst.student[k]), int(inst.company[k]), int(inst.load[k])
        if (
            s in placed
            or count[c] >= inst.capacity[c]
            or (mentor and use[c] + load > inst.mentor_capacity[c])
        ):
            continue
        chosen[k] = True
        placed.add(s)
        count[c] += 1
        use[c] += load
    return chosen


@CASES
@given(table=pair_tables(max_students=8, max_companies=4), data=st.data())
def test_every_feasible_plan_keeps_the_loosest_limits(table, data) -> None:
    inst, _ = PlacementProblem.build(table).free_instance()
    if inst.n_pairs == 0:
        return
    order = data.draw(st.permutations(range(inst.n_pairs)))
    plan = random_feasible_plan(inst, order)
    assert inst.is_feasible(plan)
    caps = loosest_level_caps(inst)
    assert (at_least(inst, plan, caps.shape[1]) <= caps).all()


@CASES
@given(table=pair_tables(max_students=8, max_companies=4), data=st.data())
def test_any_students_within_fitting_limits_fit_the_mentor_capacity(table, data) -> None:
    inst, _ = PlacementProblem.build(table).free_instance()
    if inst.n_pairs == 0:
        return
    chosen = random_feasible_plan(inst, data.draw(st.permutations(range(inst.n_pairs))), mentor=False)
    caps = fitting_level_caps(inst, chosen)
    # The heaviest students the limits allow weigh sum(caps): never more than the mentor capacity.
    assert (caps.sum(axis=1) <= inst.mentor_capacity).all()
    assert (caps >= 0).all()
    assert (caps[:, 0] <= inst.capacity).all()
    assert (np.diff(caps, axis=1) <= 0).all()  # nested: fewer students reach each higher level
    # The students kept after unloading stay allowed.
    kept = unload(inst, chosen)
    assert (at_least(inst, kept, caps.shape[1]) <= caps).all()


def nested_optimum(inst: Instance, caps: np.ndarray) -> tuple[int, int]:
    """Most placed, then most weight, under capacity and the nested limits, by a MILP."""
    n = inst.n_pairs
    columns = np.arange(n)
    rows = [
        sp.csr_matrix((np.ones(n), (inst.student, columns)), shape=(inst.n_students, n)),
        sp.csr_matrix((np.ones(n), (inst.company, columns)), shape=(inst.n_companies, n)),
    ]
    upper = [np.ones(inst.n_students), inst.capacity.astype(float)]
    for level in range(1, caps.shape[1] + 1):
        heavy = (inst.load >= level).astype(float)
        rows.append(sp.csr_matrix((heavy, (inst.company, columns)), shape=(inst.n_companies, n)))
        upper.append(caps[:, level - 1].astype(float))
    big = float(np.abs(inst.weight).sum() + 1)
    result = milp(
        -(big + inst.weight.astype(float)),
        constraints=LinearConstraint(sp.vstack(rows), -np.inf, np.concatenate(upper)),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
    )
    chosen = np.rint(result.x).astype(bool)
    return int(chosen.sum()), int(inst.weight[chosen].sum())


@CASES
@given(table=pair_tables(max_students=8, max_companies=4), data=st.data())
def test_the_flow_with_nested_limits_is_optimal_and_keeps_them(table, data) -> None:
    inst, _ = PlacementProblem.build(table).free_instance()
    if inst.n_pairs == 0:
        return
    n_levels = max(int(inst.load.max()), 1)
    caps = np.asarray(
        data.draw(
            st.lists(
                st.lists(st.integers(0, 4), min_size=n_levels, max_size=n_levels),
                min_size=inst.n_companies,
                max_size=inst.n_companies,
            )
        ),
        dtype=np.int64,
    ).reshape(inst.n_companies, n_levels)
    chosen = solve_transport(
        inst.n_students,
        inst.n_companies,
        inst.student,
        inst.company,
        inst.weight,
        inst.capacity,
        load=inst.load,
        level_cap=caps,
    )
    assert (np.bincount(inst.student[chosen], minlength=inst.n_students) <= 1).all()
    assert (inst.students_at(chosen) <= inst.capacity).all()
    assert (at_least(inst, chosen, n_levels) <= caps).all()
    assert (int(chosen.sum()), int(inst.weight[chosen].sum())) == nested_optimum(inst, caps)


@CASES
@given(table=pair_tables(max_students=8, max_companies=4), levels=st.integers(0, 3), data=st.data())
def test_the_level_network_numbers_its_arcs_as_its_users_index_them(table, levels, data) -> None:
    """The order ``level_search`` (the level arcs' capacities by ``level_cap.T.ravel()``) and the flows
    (the pairs' arcs by pair) rely on: source -> students, the pairs, companies -> sink, then level by
    level each company's arc down one level."""
    inst, _ = PlacementProblem.build(table).free_instance()
    caps = np.asarray(
        data.draw(
            st.lists(
                st.integers(-1, 4), min_size=inst.n_companies * levels, max_size=inst.n_companies * levels
            )
        ),
        dtype=np.int64,
    ).reshape(inst.n_companies, levels)
    net = LevelNetwork.of(
        inst.n_students,
        inst.n_companies,
        inst.student,
        inst.company,
        inst.capacity,
        load=inst.load,
        level_cap=caps if levels else None,
    )
    s = inst.n_students
    node = net.level_node()
    assert net.tail.dtype == net.head.dtype == np.int32
    assert (net.tail[:s] == net.source).all() and (net.head[:s] == np.arange(s)).all()
    pair_level = np.minimum(inst.load, levels)
    assert (net.tail[net.pair_arcs] == inst.student).all()
    assert (net.head[net.pair_arcs] == node[inst.company, pair_level]).all()
    assert (net.capacity[: net.company_arcs.start] == 1).all()
    assert (net.tail[net.company_arcs] == node[:, 0]).all() and (net.head[net.company_arcs] == net.sink).all()
    assert (net.capacity[net.company_arcs] == np.maximum(inst.capacity, 0)).all()
    arcs = net.level_arcs
    assert (net.tail[arcs] == node[:, 1:].T.ravel()).all() and (
        net.head[arcs] == node[:, :-1].T.ravel()
    ).all()
    assert (net.capacity[arcs] == np.maximum(caps, 0).T.ravel()).all()
    assert arcs.stop == net.tail.shape[0] and net.sink == net.n_nodes + 1 == node.max() + 2


@CASES
@given(table=pair_tables(max_students=8, max_companies=4))
def test_restrict_and_reflow_returns_a_feasible_plan_no_better_than_the_optimum(table) -> None:
    inst, _ = PlacementProblem.build(table).free_instance()
    usable = (inst.load <= inst.mentor_capacity[inst.company]) & (inst.capacity[inst.company] > 0)
    inst = inst.subset(np.flatnonzero(usable))
    if inst.n_pairs == 0:
        return
    lex_weight = inst.big_m() + inst.weight
    relaxed = solve_transport(
        inst.n_students, inst.n_companies, inst.student, inst.company, lex_weight, inst.capacity
    )
    pool = np.ones(inst.n_pairs, dtype=bool)
    plan = restrict_and_reflow(inst, relaxed, pool, lex_weight, math.inf)
    assert inst.is_feasible(plan)
    best = reference(table)
    found = value_of(inst, plan)
    assert (found.placed, found.weight) <= (best.placed, best.weight)
