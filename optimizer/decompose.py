"""Proof of optimality by decomposition: small CP-SAT models around the conflicts, certified by duals.

Integer LP duals of a transportation flow (on ``priced_lex_weight``, see
``optimizer.exact``) give every pair a reduced cost ``rc >= 0`` and split the
*loss* of any feasible plan ``x`` below the bound ``UB`` into non-negative local
terms (``value(x)``: the plan's total ``lex_weight``)::

    UB - value(x) = sum_i u_i (1 - placed_i)                       (students)
                  + sum_j v_j (cap_j - count_j) + l_j (mcap_j - load_j)   (companies)
                  + sum_e rc_e x_e                                  (pairs used)

Group students and companies into *components* linked by *core* pairs (at first
the pairs with ``rc = 0``). Give each pair with ends in two components half its
``rc`` on each side. Then ``UB - value(x)`` is the sum over components of the
component's loss, counting the pairs that leave it (*escapes*) at half their
``rc``. The least loss of a component *with* its escapes, ``loss*_c``, is
therefore a lower bound that holds for every plan at once:
``value(x) <= UB - sum_c loss*_c``. It is found by a small CP-SAT model. When
the best plan of every component uses no escape, the union of the components'
plans reaches the bound and is optimal. When it uses escapes, those pairs join
the core, the components they link merge, and the merged component is solved
again. The core only grows, so this ends; in practice after a few rounds, with
models of a few hundred to a few thousand pairs around the companies whose
mentor limits bind.

All arithmetic is on integers (losses are kept doubled so that half an ``rc`` is
whole); CP-SAT's proven bounds are used as they are, so a time limit still
leaves a valid bound.

Index spaces (``docs/optimizer.md``): plans, certificates and components are over
the exact solver's usable subset. One CP-SAT model holds several parts side by
side, and its variables are *part-local*: variable ``m`` of part ``p`` stands for
the pair ``p.pairs[m]``; a pair between two components is a variable in each.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter
from typing import Any

import numpy as np

from optimizer.instance import Instance

VARIABLES_PER_SECOND = 20_000
"""A conservative rate at which the proof's CP-SAT models are built and solved, to keep them within the
time left: building is now a small part (models are filled in bulk); the national network's models of
13,000-32,000 variables were solved in 0.2-2.9 s each on the loaded 2-core machine."""
INCHING_GROWTH = 0.01
"""A round whose one model has less than this share more variables than the round before's inches
(``ModelLimit.inching``)."""
CPSAT_MARGIN_PER_VARIABLE = 1e-5
"""CP-SAT's time limit is the time left less this much per variable of its model."""
PROOF_WORKERS = 1
"""CP-SAT's workers on the proof's models. One: the proof rests on its LP with cuts (``linearization_level``
2), and CP-SAT's portfolio at two workers has no worker with that LP: on national networks (1,700 x 5,000,
seeds 1-5 and 2019) two workers proved seed 1 in 42-48 s and left the others FEASIBLE at the 60 s limit,
where one proves each in 2.2-3.7 s; two workers that both keep that LP (``subsolvers`` ``max_lp``) took
as long as one (docs/optimizer-measurements.md, *thirty-fourth session*)."""


@dataclass(frozen=True, eq=False)
class Certificate:
    """Integer duals of a transportation LP whose optimum is ``upper_total``.

    The LP maximises the total ``lex_weight`` with mentor hours priced at ``mentor_price``.
    """

    lex_weight: np.ndarray  # (n_pairs,) int64: big_m + weight
    student_price: np.ndarray  # (n_students,) u >= 0
    company_price: np.ndarray  # (n_companies,) v >= 0
    mentor_price: np.ndarray  # (n_companies,) per unit of support load, >= 0
    reduced: np.ndarray  # (n_pairs,) rc = u + v + mentor_price * load - lex_weight >= 0
    upper_total: int  # sum(u) + sum(cap * v) + sum(mcap * mentor_price)


@dataclass(frozen=True, eq=False)
class Decomposed:
    """The best plan found, its loss below the certificate's bound, and the proven least loss."""

    plan: np.ndarray  # (n_pairs,) bool
    loss: int  # upper_total - value(plan)
    least_loss: int  # no feasible plan loses less; equal to ``loss`` when proven optimal
    rounds: int
    models: int
    largest_model: int
    handed_over: bool = False  # stopped before a round its ``ModelLimit`` rules out (too large, or inching)


@dataclass(frozen=True)
class ModelLimit:
    """The most variables a round's models may have: ``first`` in the first round (at most ``later``),
    ``later`` after it; and with ``inching`` set, how many rounds in a row one model may grow by less
    than ``INCHING_GROWTH`` (``prove_optimal`` hands over after them)."""

    first: int
    later: int
    inching: int | None = None

    def at(self, round_number: int) -> int:
        return min(self.first, self.later) if round_number == 1 else self.later


def prove_optimal(
    inst: Instance,
    certificate: Certificate,
    plan: np.ndarray,
    mentor_rows: np.ndarray,
    deadline: float,
    max_variables: ModelLimit | None = None,
) -> Decomposed:
    """Improve the feasible ``plan`` to an optimal one and prove it, or stop at ``deadline`` with a bound.

    ``mentor_rows`` marks the companies whose mentor limit can bind (the others need no row). With
    ``max_variables``, it also stops, with the bound proven so far, before a round whose models
    would have more variables than it allows that round, or that would follow its ``inching`` rounds
    (``handed_over``).
    """
    cert = certificate
    student_share = cert.student_price
    company_share = inst.capacity * cert.company_price + inst.mentor_capacity * cert.mentor_price
    # A pair costing at least twice the plan's whole loss can never lower a component's loss:
    # index only the others (on large networks a small share of the pairs).
    start_loss = cert.upper_total - sum(cert.lex_weight[plan].tolist())
    candidates = np.flatnonzero((cert.reduced < 2 * start_loss) | plan)
    by_student = _index(inst.student[candidates], inst.n_students, candidates)
    by_company = _index(inst.company[candidates], inst.n_companies, candidates)
    student_of, company_of = inst.student[candidates], inst.company[candidates]

    plan = plan.copy()
    in_core = (cert.reduced == 0) | plan
    # A student or company with a share of the bound but no core pair gets its cheapest pair,
    # so that it belongs to a component and its share is examined like any other.
    for owners, shares, index in (
        (inst.student, student_share, by_student),
        (inst.company, company_share, by_company),
    ):
        lonely = (shares > 0) & (np.bincount(owners[in_core], minlength=shares.size) == 0)
        for node in np.flatnonzero(lonely).tolist():
            options = index.members(node)
            if options.size:
                in_core[options[np.argmin(cert.reduced[options])]] = True

    def unlabeled_share(student_label: np.ndarray, company_label: np.ndarray) -> int:
        return sum(student_share[student_label < 0].tolist()) + sum(company_share[company_label < 0].tolist())

    # Doubled least loss proven for the component of each node; zero is always valid.
    least_student = np.zeros(inst.n_students, dtype=np.int64)
    least_company = np.zeros(inst.n_companies, dtype=np.int64)
    # Solved groups: the nodes of a component an optimal model has solved carry its id, and
    # ``group_least[id]`` is its doubled least loss. Components only merge, so the groups stay disjoint
    # parts of today's components, and their least losses stay valid for every plan.
    groups = _Groups(
        np.full(inst.n_students, -1, dtype=np.int64), np.full(inst.n_companies, -1, dtype=np.int64), []
    )
    changed: np.ndarray | None = None  # core pairs added in the last round (None: look at all)
    rounds = models = largest = 0
    last_variables, inching = 0, 0  # the round before's variables; rounds in a row that inched

    def stopped(handed_over: bool = False) -> Decomposed:
        """The plan now, with the least loss its components have proven (today's labels)."""
        loss = cert.upper_total - sum(cert.lex_weight[plan].tolist())
        least = _least_loss(student_label, company_label, least_student, least_company, unlabeled_share)
        return Decomposed(plan, loss, min(loss, least), rounds, models, largest, handed_over)

    while True:
        rounds += 1
        student_label, company_label = _components(inst, np.flatnonzero(in_core))
        if perf_counter() >= deadline:  # out of time: the least losses proven so far stand
            return stopped()
        n_components = int(max(student_label.max(initial=-1), company_label.max(initial=-1))) + 1
        share2 = 2 * (
            _sum_by(student_label, student_share, n_components)
            + _sum_by(company_label, company_share, n_components)
        )
        kept2 = 2 * _sum_by(student_label[inst.student[plan]], cert.lex_weight[plan], n_components)
        loss2 = share2 - kept2  # each component's doubled loss under the current plan
        look = np.zeros(n_components, dtype=bool)
        if changed is None:
            look[:] = True
        else:
            look[student_label[inst.student[changed]]] = True
        new_pairs: list[np.ndarray] = []
        members_s = _index(np.where(student_label >= 0, student_label, n_components), n_components + 1)
        members_c = _index(np.where(company_label >= 0, company_label, n_components), n_components + 1)
        for c in np.flatnonzero(look & (loss2 == 0)).tolist():
            least_student[members_s.members(c)] = 0
            least_company[members_c.members(c)] = 0
        parts: list[_Part] = []
        solve = look & (loss2 > 0)
        by_component = _pairs_by_component(
            candidates, student_label[student_of], company_label[company_of], solve
        )
        for c in np.flatnonzero(solve).tolist():
            students, companies = members_s.members(c), members_c.members(c)
            if perf_counter() >= deadline:  # out of time: this component waits, its least loss zero
                least_student[students] = least_company[companies] = 0
                continue
            own = by_component.members(c)
            parts.append(
                _part(
                    inst,
                    cert,
                    c,
                    own,
                    students,
                    companies,
                    student_label,
                    company_label,
                    plan,
                    int(share2[c]),
                    groups,
                )
            )
        time_left = deadline - perf_counter()
        # Models that could not even be built in the time left wait (their bound stays zero).
        parts.sort(key=lambda part: part.pairs.size)
        room = int(min(time_left * VARIABLES_PER_SECOND, 2**62))
        sizes = np.cumsum([part.pairs.size for part in parts]) if parts else np.zeros(0, dtype=np.int64)
        waiting = parts[int(np.searchsorted(sizes, room, side="right")) :] if time_left > 0 else parts
        parts = parts[: len(parts) - len(waiting)]
        for part in waiting:
            least_student[part.students] = least_company[part.companies] = 0
        n_variables = sum(part.pairs.size for part in parts)
        inches = len(parts) == 1 and 0 < n_variables < (1 + INCHING_GROWTH) * last_variables
        inching, last_variables = (inching + 1 if inches else 0), n_variables
        if max_variables is not None and (
            n_variables > max_variables.at(rounds)
            or (max_variables.inching is not None and inching >= max_variables.inching)
        ):
            for part in parts:  # not solved: these components have proven nothing
                least_student[part.students] = least_company[part.companies] = 0
            return stopped(handed_over=True)
        if parts:
            batch = _solve_parts(inst, cert, parts, plan, mentor_rows, company_label, deadline)
            models += 1
            largest = max(largest, batch.n_variables)
            for part, chosen, least in zip(parts, batch.chosen, batch.least, strict=True):
                internal_chosen = chosen & part.internal
                hinted = plan[part.pairs] & part.internal
                if sum(part.kept2[internal_chosen].tolist()) < sum(part.kept2[hinted].tolist()):
                    internal_chosen = hinted  # never keep a worse plan than the one we came with
                plan[part.pairs[part.internal]] = False
                plan[part.pairs[internal_chosen]] = True
                least_student[part.students] = least_company[part.companies] = least
                if batch.optimal:
                    new_pairs.append(part.pairs[chosen])
                    groups.add(part.students, part.companies, least)
        added = np.unique(np.concatenate(new_pairs)) if new_pairs else np.zeros(0, dtype=np.int64)
        added = added[~in_core[added]]
        if added.size == 0 or perf_counter() >= deadline:
            # What every component has proven, those not looked at in this round too (a component
            # that waited in an earlier round has proven nothing): the loss itself when every
            # component's best plan is the plan's own.
            return stopped()
        in_core[added] = True
        changed = added


@dataclass(frozen=True, eq=False)
class _Part:
    """One component's variables: its own pairs and its escapes, with what each keeps of its share."""

    students: np.ndarray
    companies: np.ndarray
    pairs: np.ndarray  # pair indices (a pair between two parts appears in both, as two variables)
    internal: np.ndarray  # both ends in the component (else an escape)
    kept2: np.ndarray  # doubled share of the bound kept when the variable is 1
    share2: int  # the component's doubled share of the bound


def _part(
    inst: Instance,
    cert: Certificate,
    component: int,
    own: np.ndarray,
    students: np.ndarray,
    companies: np.ndarray,
    student_label: np.ndarray,
    company_label: np.ndarray,
    plan: np.ndarray,
    share2: int,
    groups: _Groups,
) -> _Part:
    """The variables of one component: pairs inside it, and escapes charged half their reduced cost.

    A plan's doubled loss in the component is the sum of its losses in the solved groups inside it
    (a pair between two groups charged half its reduced cost, doubled, to each), and a group loses
    at least its proven least loss in every plan. So a pair can lower the component's loss only if
    its own charge (twice its reduced cost inside, once for an escape) plus the least losses of the
    groups holding neither of its ends stays below the current loss; the others are left out.
    """
    reduced = cert.reduced[own]
    student_in = student_label[inst.student[own]] == component
    company_in = company_label[inst.company[own]] == component
    internal = student_in & company_in
    loss2 = share2 - 2 * sum(cert.lex_weight[own[internal & plan[own]]].tolist())
    least = np.append(np.asarray(groups.least, dtype=np.int64), 0)  # id -1 (no group) reads 0
    inside = np.unique(np.concatenate([groups.student[students], groups.company[companies]]))
    group_i = np.where(student_in, groups.student[inst.student[own]], -1)
    group_j = np.where(company_in, groups.company[inst.company[own]], -1)
    group_j[group_j == group_i] = -1  # both ends in one group: count it once
    others = int(least[inside].sum()) - least[group_i] - least[group_j]
    useful = np.where(internal, 2 * reduced + others < loss2, reduced + others < loss2) | (
        internal & plan[own]
    )
    company_side = (
        cert.company_price[inst.company[own]] + cert.mentor_price[inst.company[own]] * inst.load[own]
    )
    kept2 = np.where(
        internal,
        2 * cert.lex_weight[own],
        np.where(student_in, 2 * cert.student_price[inst.student[own]], 2 * company_side) - reduced,
    )
    keep = useful & (internal | (kept2 > 0))
    # An escape from a student of the component is in no constraint of the model but the student's
    # "at most one" (its company's limits belong to another component): a plan using one may as well
    # use the student's escape that keeps the most, so only that one is kept. On national networks these
    # were most of a large component's variables (CP-SAT's presolve removed them again, at a cost).
    outward = np.flatnonzero(keep & student_in & ~company_in)
    keep[outward[_dominated_escapes(inst.student[own[outward]], kept2[outward])]] = False
    return _Part(students, companies, own[keep], internal[keep], kept2[keep], share2)


def _dominated_escapes(student: np.ndarray, kept2: np.ndarray) -> np.ndarray:
    """Positions of the escapes that are not their student's best (most ``kept2``; ties: the first)."""
    if student.size < 2:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((-kept2, student))
    student_sorted = student[order]
    return order[1:][student_sorted[1:] == student_sorted[:-1]]


@dataclass(frozen=True, eq=False)
class _Groups:
    """Nodes of components solved to optimality: each node's group id (-1: none) and each group's
    doubled least loss."""

    student: np.ndarray
    company: np.ndarray
    least: list[int]

    def add(self, students: np.ndarray, companies: np.ndarray, least: int) -> None:
        self.student[students] = self.company[companies] = len(self.least)
        self.least.append(int(least))


@dataclass(frozen=True, eq=False)
class _Batch:
    chosen: list[np.ndarray]  # per part: mask over its variables
    least: list[
        int
    ]  # per part: proven least doubled loss (a batch-wide bound on the first part if not optimal)
    optimal: bool
    n_variables: int


def _solve_parts(
    inst: Instance,
    cert: Certificate,
    parts: list[_Part],
    plan: np.ndarray,
    mentor_rows: np.ndarray,
    company_label: np.ndarray,
    deadline: float,
) -> _Batch:
    """One CP-SAT model holding every part side by side (they share no variable or constraint)."""
    # OR-Tools and scipy.sparse are imported when a plan is solved, not by every command.
    from ortools.sat.python import cp_model

    owner = np.concatenate([np.full(p.pairs.size, k, dtype=np.int64) for k, p in enumerate(parts)])
    pairs = np.concatenate([p.pairs for p in parts])
    internal = np.concatenate([p.internal for p in parts])
    kept2 = np.concatenate([p.kept2 for p in parts])
    component_of_part = np.array([int(company_label[p.companies[0]]) for p in parts], dtype=np.int64)

    model = cp_model.CpModel()
    offset = _fill_model(
        model.proto,
        inst,
        cert,
        parts,
        owner,
        pairs,
        internal,
        kept2,
        plan,
        mentor_rows,
        company_label,
        component_of_part,
    )
    hinted = plan[pairs] & internal

    solver = cp_model.CpSolver()
    # The time left after building the model, less a margin: CP-SAT ends past its own limit on large
    # models (by up to 1.9 s on 174,410 variables at load 5.4) and the answer is still to be read.
    time_left = deadline - perf_counter() - CPSAT_MARGIN_PER_VARIABLE * pairs.size
    solver.parameters.max_time_in_seconds = max(time_left, 0.001)
    solver.parameters.num_workers = PROOF_WORKERS
    # The full LP relaxation with cuts: it proves the knapsack-like mentor limits quickly. Without
    # symmetry detection and probing in presolve the models of a national network's proof were solved
    # in 5.6 s instead of 7.7 s (11 models of 13,000-32,000 variables, 1,700 x 5,000 seed 3).
    solver.parameters.linearization_level = 2
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_probing_level = 0
    status = solver.solve(model)
    optimal = status == cp_model.OPTIMAL
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = np.asarray(solver.response_proto.solution, dtype=np.int64)[: pairs.size] > 0
    else:
        chosen = hinted
    split = np.cumsum([p.pairs.size for p in parts])[:-1]
    chosen_parts = np.split(chosen, split)
    if optimal:
        least = [p.share2 - sum(p.kept2[c].tolist()) for p, c in zip(parts, chosen_parts, strict=True)]
    else:
        # The model's objective plus ``offset`` is the parts' total doubled loss (``_fill_model``), an
        # integer: CP-SAT's bound on the objective (a small whole number, exact as a double), rounded up,
        # plus the offset is a least loss; without a bound, a loss is never below zero.
        found = sum(p.share2 - sum(p.kept2[c].tolist()) for p, c in zip(parts, chosen_parts, strict=True))
        bound = math.ceil(solver.best_objective_bound - 1e-6) + offset if status == cp_model.FEASIBLE else 0
        total_least = max(0, min(found, bound))
        least = [total_least] + [0] * (len(parts) - 1)
    return _Batch(chosen_parts, least, optimal, int(pairs.size))


def _fill_model(
    proto: Any,
    inst: Instance,
    cert: Certificate,
    parts: list[_Part],
    owner: np.ndarray,
    pairs: np.ndarray,
    internal: np.ndarray,
    kept2: np.ndarray,
    plan: np.ndarray,
    mentor_rows: np.ndarray,
    company_label: np.ndarray,
    component_of_part: np.ndarray,
) -> int:
    """Write the parts' model into CP-SAT's ``proto`` in bulk: variable ``m`` is ``pairs[m]`` (0/1).

    Filled field by field from numpy arrays (no Python object per variable): building
    the model was most of the proof's time on national networks.

    The objective is the parts' doubled loss ``sum(share2) - sum(kept2 * x)``, minimised, written with
    small coefficients. ``kept2`` of a variable is twice the prices of its ends inside its component
    less its *charge* (twice its reduced cost inside, once for an escape), so a part's loss is exactly

        sum_i 2u_i (1 - placed_i) + sum_j 2v_j (cap_j - count_j) + 2l_j (mcap_j - load_j) + sum(charge * x)

    over the component's students and companies (a node without a variable counts its whole share).
    Every term is non-negative, so in a plan losing no more than the hint (the current plan, feasible
    here) a term whose price exceeds the hint's loss is zero: such a student is placed (exactly one
    pair) and such a company keeps ``cap_j - count_j`` (or ``mcap_j - load_j``) below the hint's loss
    over its price, its row's lower end. Those terms leave the objective; the others stay, expanded
    into coefficients on the pairs and a constant (returned: the objective plus it is the loss). The optimum and every bound are those of the
    same problem, but no coefficient is far above the hint's loss: under the interest-first objective's
    tiers ``kept2`` reaches about 6e10, and CP-SAT's floating-point LP could not close a gap of a few
    units at that scale (``docs/optimizer-measurements.md``, "The interest-first objective
    proven").
    """
    students, companies = inst.student[pairs], inst.company[pairs]
    loads = inst.load[pairs]
    n = int(pairs.size)
    if n:
        first = proto.variables.add()
        first.domain.extend((0, 1))
        proto.variables.extend([first] * (n - 1))
    hint = plan[pairs] & internal
    company_in = company_label[companies] == component_of_part[owner]
    student_in = internal | ~company_in
    side2 = np.where(student_in, 2 * cert.student_price[students], 0) + np.where(
        company_in, 2 * (cert.company_price[companies] + cert.mentor_price[companies] * loads), 0
    )
    coeff = side2 - kept2  # the charge: 2 rc inside the component, rc for an escape, never negative
    # Each part's doubled loss under the hint: no term of a plan losing less exceeds it.
    hint_loss = [
        p.share2 - sum(p.kept2[h].tolist()) for p, h in zip(parts, _split_by(hint, parts), strict=True)
    ]
    offset = 0
    seen_students: set[tuple[int, int]] = set()
    for at_student in _groups(owner * inst.n_students + students):
        first_pair = int(at_student[0])
        i, part = int(students[first_pair]), int(owner[first_pair])
        price = 2 * int(cert.student_price[i])
        if student_in[first_pair] and price > 0:
            seen_students.add((part, i))
            if price > hint_loss[part]:
                # Left unplaced the student alone would lose more than the hint: placed, term zero.
                proto.constraints.add().exactly_one.literals.extend(at_student.tolist())
                continue
            offset += price  # 2u_i (1 - placed_i)
            coeff[at_student] -= price
        if at_student.size > 1:
            # Each student takes at most one internship, inside or outside the component.
            proto.constraints.add().at_most_one.literals.extend(at_student.tolist())
    seen_companies: set[tuple[int, int]] = set()
    for at_company in _groups(owner * inst.n_companies + companies):
        first_pair = int(at_company[0])
        j, part = int(companies[first_pair]), int(owner[first_pair])
        if not company_in[first_pair]:
            continue  # a company of another component: its limits belong to that component
        seen_companies.add((part, j))
        members = at_company.tolist()
        capacity, mentor_capacity = int(inst.capacity[j]), int(inst.mentor_capacity[j])
        price, mentor_price = 2 * int(cert.company_price[j]), 2 * int(cert.mentor_price[j])
        low = 0
        if price > 0:
            low = max(0, capacity - hint_loss[part] // price)
            if low < capacity:  # else the company is full in every plan of the model: term zero
                offset += price * capacity  # 2v_j (cap_j - count_j)
                coeff[at_company] -= price
        if low > 0 or at_company.size > capacity:
            # A company takes at most `capacity` students (and at least `low`, see above).
            _add_range(proto, members, [1] * len(members), low, capacity)
        member_loads = loads[at_company].astype(np.int64)
        low = 0
        if mentor_price > 0:
            low = max(0, mentor_capacity - hint_loss[part] // mentor_price)
            if low < mentor_capacity:
                offset += mentor_price * mentor_capacity  # 2l_j (mcap_j - load_j)
                coeff[at_company] -= mentor_price * member_loads
        if low > 0 or mentor_rows[j]:
            # The students at a company use at most its mentor capacity.
            _add_range(proto, members, member_loads.tolist(), low, mentor_capacity)
    for k, p in enumerate(parts):  # nodes with no variable in the model lose their whole share
        for i in p.students.tolist():
            if (k, i) not in seen_students:
                offset += 2 * int(cert.student_price[i])
        for j in p.companies.tolist():
            if (k, j) not in seen_companies:
                offset += 2 * (
                    int(inst.capacity[j]) * int(cert.company_price[j])
                    + int(inst.mentor_capacity[j]) * int(cert.mentor_price[j])
                )
    # Least doubled loss less the constant: CP-SAT minimises as written. The constant stays out of the
    # model (a double there), so the bound read back is exact.
    proto.objective.vars.extend(range(n))
    proto.objective.coeffs.extend(coeff.tolist())
    proto.objective.scaling_factor = 1.0
    proto.solution_hint.vars.extend(range(n))
    proto.solution_hint.values.extend(hint.astype(np.int64).tolist())
    return offset


def _add_range(proto: Any, variables: list[int], coeffs: list[int], low: int, high: int) -> None:
    """``low <= sum(coeffs * variables) <= high``."""
    linear = proto.constraints.add().linear
    linear.vars.extend(variables)
    linear.coeffs.extend(coeffs)
    linear.domain.extend((low, high))


def _split_by(values: np.ndarray, parts: list[_Part]) -> list[np.ndarray]:
    """``values`` over the parts' variables side by side, split into one array per part."""
    return np.split(values, np.cumsum([p.pairs.size for p in parts])[:-1])


def _sum_by(label: np.ndarray, amount: np.ndarray, n: int) -> np.ndarray:
    """Exact integer sums of ``amount`` per label 0..n-1 (label -1 ignored), as Python-int objects."""
    inside = label >= 0
    total = np.zeros(n, dtype=object)
    np.add.at(total, label[inside], amount[inside].astype(object))
    return total


def _least_loss(
    student_label: np.ndarray,
    company_label: np.ndarray,
    least_student: np.ndarray,
    least_company: np.ndarray,
    unlabeled_share: Callable[[np.ndarray, np.ndarray], int],
) -> int:
    """The least loss proven: each component's doubled least loss once, halved and rounded up
    (losses are whole), plus the shares of nodes in no component.

    A node in no component has no pair cheaper than twice the first plan's loss, so a plan
    better than ours leaves it empty and loses all of its share.
    """
    labels = np.concatenate([student_label, company_label])
    least = np.concatenate([least_student, least_company])
    inside = labels >= 0
    _, first = np.unique(labels[inside], return_index=True)
    least2 = sum(least[inside][first].tolist())
    return (least2 + 1) // 2 + unlabeled_share(student_label, company_label)


@dataclass(frozen=True, eq=False)
class _Index:
    """Positions grouped by a key: ``members(k)`` is every position whose key is ``k``."""

    order: np.ndarray
    starts: np.ndarray

    def members(self, key: int) -> np.ndarray:
        return self.order[self.starts[key] : self.starts[key + 1]]


def _index(key: np.ndarray, n: int, positions: np.ndarray | None = None) -> _Index:
    """Group ``positions`` (default 0..len(key)-1) by ``key`` (their keys, 0..n-1)."""
    order = np.argsort(key, kind="stable")
    counts = np.bincount(key, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)])
    return _Index(order if positions is None else positions[order], starts)


def _pairs_by_component(
    pairs: np.ndarray, student_label: np.ndarray, company_label: np.ndarray, wanted: np.ndarray
) -> _Index:
    """``pairs`` grouped by the ``wanted`` components they touch (by their student, their company,
    or both, once). The labels are those of each pair's ends (-1: in no component)."""
    wanted = np.append(wanted, False)  # label -1 reads the last entry: never wanted
    by_student = wanted[student_label]
    by_company = wanted[company_label] & (company_label != student_label)
    component = np.concatenate([student_label[by_student], company_label[by_company]])
    members = np.concatenate([pairs[by_student], pairs[by_company]])
    order = np.argsort(component, kind="stable")
    counts = np.bincount(component, minlength=wanted.size - 1)
    return _Index(members[order], np.concatenate([[0], np.cumsum(counts)]))


def _groups(key: np.ndarray) -> list[np.ndarray]:
    """Positions grouped by equal ``key``."""
    if key.size == 0:
        return []
    order = np.argsort(key, kind="stable")
    cuts = np.flatnonzero(np.diff(key[order])) + 1
    return np.split(order, cuts)


def _components(inst: Instance, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Connected-component labels of students and companies linked by the given pairs (-1: no pair)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = inst.n_students + inst.n_companies
    graph = coo_matrix(
        (np.ones(pairs.size, dtype=np.int8), (inst.student[pairs], inst.n_students + inst.company[pairs])),
        shape=(n, n),
    )
    _, labels = connected_components(graph, directed=False)
    has_pair = np.zeros(n, dtype=bool)
    has_pair[inst.student[pairs]] = True
    has_pair[inst.n_students + inst.company[pairs]] = True
    out = np.full(n, -1, dtype=np.int64)
    _, out[has_pair] = np.unique(labels[has_pair], return_inverse=True)
    return out[: inst.n_students], out[inst.n_students :]
