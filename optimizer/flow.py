"""The transportation relaxation: students to companies by OR-Tools min-cost flow, and its LP duals.

Without mentor constraints the placement problem is a transportation problem
(source -> student, capacity 1; student -> company, one arc per eligible pair;
company -> sink, capacity ``capacity``). Its linear relaxation has integral
optima, so min-cost flow solves it exactly, in well under a second at national
scale. ``solve_transport`` maximises the number placed first and then the sum of
weights (OR-Tools' ``solve_max_flow_with_min_cost``), so no big-M cost is needed
inside the flow. ``transport_duals`` recovers an optimal dual solution of the
same LP (one price per student and per company) from the optimal flow; the
exact solver uses the duals for reduced-cost fixing.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow


class FlowError(RuntimeError):
    """OR-Tools' min-cost flow did not return an optimal flow (it should never happen)."""


def solve_transport(
    n_students: int,
    n_companies: int,
    student: np.ndarray,
    company: np.ndarray,
    weight: np.ndarray,
    capacity: np.ndarray,
    *,
    optional: bool = False,
) -> np.ndarray:
    """Pairs chosen by an optimal flow, as a boolean mask over the pairs. Mentor capacity is ignored.

    ``optional=False``: lexicographic, as many students as the capacities allow, then
    the largest sum of ``weight``. ``optional=True``: the largest sum of ``weight``;
    a pair of negative weight is never worth using (each student also has an
    outside option worth 0). Weights are any integers.
    """
    n_pairs = int(student.shape[0])
    if n_pairs == 0:
        return np.zeros(0, dtype=bool)
    weight = np.asarray(weight, dtype=np.int64)
    shift = max(int(weight.max()), 0)
    source, sink = n_students + n_companies, n_students + n_companies + 1
    students = np.arange(n_students, dtype=np.int64)
    companies = n_students + np.arange(n_companies, dtype=np.int64)
    n_outside = n_students if optional else 0
    tails = np.concatenate(
        [
            np.full(n_students, source, dtype=np.int64),
            student.astype(np.int64),
            companies,
            students[:n_outside],
        ]
    )
    heads = np.concatenate(
        [
            students,
            n_students + company.astype(np.int64),
            np.full(n_companies + n_outside, sink, dtype=np.int64),
        ]
    )
    capacities = np.concatenate(
        [
            np.ones(n_students, dtype=np.int64),
            np.ones(n_pairs, dtype=np.int64),
            np.maximum(capacity.astype(np.int64), 0),
            np.ones(n_outside, dtype=np.int64),
        ]
    )
    # Every maximum flow uses the same number of arcs out of the students, so shifting their
    # costs by one constant keeps them non-negative without changing the optimum.
    costs = np.concatenate(
        [
            np.zeros(n_students, dtype=np.int64),
            shift - weight,
            np.zeros(n_companies, dtype=np.int64),
            np.full(n_outside, shift, dtype=np.int64),
        ]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_node_supply(source, n_students)
    flow.set_node_supply(sink, -n_students)
    status = flow.solve_max_flow_with_min_cost()
    if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
        raise FlowError(f"min-cost flow ended with status {status}")
    pair_arcs = np.arange(n_students, n_students + n_pairs, dtype=np.int64)
    return flow.flows(pair_arcs).astype(bool)


def transport_duals(
    n_students: int,
    n_companies: int,
    student: np.ndarray,
    company: np.ndarray,
    value: np.ndarray,
    chosen: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Optimal LP duals ``(student_price, company_price)`` for an optimal ``chosen`` set of pairs.

    The LP is: maximise sum(value * x) subject to at most one company per student
    (dual ``u >= 0``) and at most ``capacity`` students per company (dual ``v >= 0``).
    ``chosen`` must be optimal for it (for ``value = M + weight`` with ``M`` above any
    total weight, ``solve_transport``'s answer is). The company prices are the least
    solution of the complementary-slackness system, a longest-path problem over the
    companies solved by vectorised Bellman-Ford rounds; then ``u_i`` is the value of
    student i's pair minus its company's price. Every pair then has a reduced cost
    ``u_i + v_j - value_ij >= 0`` and the LP optimum equals
    ``sum(u) + sum(capacity * v)``.
    """
    value = np.asarray(value, dtype=np.int64)
    own_pair = np.full(n_students, -1, dtype=np.int64)
    own_pair[student[chosen]] = np.flatnonzero(chosen)
    assigned = own_pair >= 0
    safe_pair = np.maximum(own_pair, 0)
    own_value = np.where(assigned, value[safe_pair], 0)
    own_company = np.where(assigned, company[safe_pair].astype(np.int64), -1)

    order = np.argsort(company, kind="stable")
    counts = np.bincount(company, minlength=n_companies)
    has_pairs = counts > 0
    starts = (np.cumsum(counts) - counts)[has_pairs]
    # Moving student i from its own company a(i) to company j gains value_ij - value_i,a(i)
    # and frees a place at a(i); an unplaced student gains value_ij outright.
    gain = value[order] - own_value[student[order]]
    came_from = own_company[student[order]]
    from_a_company = came_from >= 0
    came_from_safe = np.maximum(came_from, 0)

    price = np.zeros(n_companies, dtype=np.int64)
    for _ in range(n_companies + 2):
        candidate = gain + np.where(from_a_company, price[came_from_safe], 0)
        new_price = np.zeros(n_companies, dtype=np.int64)
        new_price[has_pairs] = np.maximum.reduceat(candidate, starts)
        np.maximum(new_price, 0, out=new_price)
        if np.array_equal(new_price, price):
            break
        price = new_price
    else:  # a positive cycle: ``chosen`` was not optimal
        raise FlowError("the flow is not optimal: the dual prices do not converge")
    student_price = np.where(assigned, own_value - price[np.maximum(own_company, 0)], 0)
    if (student_price < 0).any():
        raise FlowError("the flow is not optimal: a student's dual price is negative")
    return student_price, price


class PricedFlow:
    """``solve_transport`` plus LP duals, solved on a growing subset of the pairs and certified on all.

    Most pairs never matter: a student's few best companies decide almost
    everything. Each solve works on the active pairs, computes duals there, and
    prices every pair with them; a pair with a negative reduced cost joins the
    active set and the solve repeats. When none is negative the duals are feasible
    for the full LP, so the flow is optimal for all pairs. The active set is kept
    between solves (the Lagrangian rounds change the weights only a little).
    """

    def __init__(
        self,
        n_students: int,
        n_companies: int,
        student: np.ndarray,
        company: np.ndarray,
        capacity: np.ndarray,
        first_active: np.ndarray,
    ):
        self.n_students = n_students
        self.n_companies = n_companies
        self.student = student
        self.company = company
        self.capacity = capacity
        self.active = first_active.copy()
        self.solves = 0

    def solve(self, value: np.ndarray, *, optional: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The flow of largest total ``value`` and its LP duals ``(u, v)``.

        ``optional=False`` solves a maximum flow of largest value instead (faster); it is
        the same optimum whenever every pair's value is positive and above any total
        weight difference, as with a big-M placement bonus and small prices.
        """
        while True:
            index = np.flatnonzero(self.active)
            chosen_active = solve_transport(
                self.n_students,
                self.n_companies,
                self.student[index],
                self.company[index],
                value[index],
                self.capacity,
                optional=optional,
            )
            self.solves += 1
            student_price, company_price = transport_duals(
                self.n_students,
                self.n_companies,
                self.student[index],
                self.company[index],
                value[index],
                chosen_active,
            )
            reduced = student_price[self.student] + company_price[self.company] - value
            missing = reduced < 0
            if not missing.any():
                chosen = np.zeros(self.student.shape[0], dtype=bool)
                chosen[index[chosen_active]] = True
                return chosen, student_price, company_price
            self.active |= missing


def best_pairs_per_student(student: np.ndarray, weight: np.ndarray, k: int) -> np.ndarray:
    """Mask of each student's ``k`` highest-weight pairs."""
    order = np.lexsort((-weight, student))
    sorted_student = student[order]
    first = np.searchsorted(sorted_student, sorted_student, side="left")
    rank = np.arange(order.size) - first
    mask = np.zeros(student.shape[0], dtype=bool)
    mask[order[rank < k]] = True
    return mask
