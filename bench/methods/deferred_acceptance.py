"""Our own resident-optimal deferred acceptance, for instances where the package ``matching`` cannot run.

Gale and Shapley's deferred acceptance, students proposing, as Roth adapted it to
hospitals and residents: a free student proposes to the best company it has not yet
proposed to; the company holds its best ``capacity`` proposers by its own ranking and
rejects the rest, who propose again. The package's ``HospitalResident.solve(optimal=
"resident")`` runs the same proposals and in addition deletes, whenever a hospital is
full, the pairs it would reject anyway; here the company rejects them when they come.
With strict preferences both give the unique resident-optimal stable matching,
whatever order students propose in; the tests check that ours equals the package's on
the pilot instances (``tests/bench``).

Why not the package at every size: its ``solve()`` deletes every pair it rules out
with ``BasePlayer._forget``, which rebuilds the player's whole preference list, on
both sides, for each deleted pair. The time then grows with pairs x list length, the
cube of the instance's side: measured on subsets of the 45,000 x 20,000 instance,
4.6 s at 0.4 million pairs, 36 s at 1.6 million, 123 s at 3.7 million, so over an hour
at its 40 million. Here each proposal costs a heap operation at the company.
"""

from __future__ import annotations

import heapq
from time import perf_counter

import numpy as np

from bench.methods.stable import Preferences


def company_rank_of_proposals(prefs: Preferences) -> np.ndarray:
    """For each entry of the students' lists, the student's position in that company's list (0 = best)."""
    n_students, n_companies = prefs.student_ptr.size - 1, prefs.company_ptr.size - 1
    by_student = np.repeat(np.arange(n_students, dtype=np.int64), np.diff(prefs.student_ptr))
    by_company = np.repeat(np.arange(n_companies, dtype=np.int64), np.diff(prefs.company_ptr))
    position = np.arange(by_company.size, dtype=np.int64) - prefs.company_ptr[by_company]
    company_key = prefs.company_ranks.astype(np.int64) * n_companies + by_company
    order = np.argsort(company_key)
    at = order[np.searchsorted(company_key[order], by_student * n_companies + prefs.student_ranks)]
    return position[at]


def deferred_acceptance(prefs: Preferences) -> tuple[np.ndarray, np.ndarray, dict[str, float | str]]:
    """Resident-optimal stable matching: (matched students, their companies, timings)."""
    started = perf_counter()
    # Memory views: indexing them gives Python ints, fast, without a 40-million-element list.
    ranks = np.ascontiguousarray(company_rank_of_proposals(prefs), dtype=np.int64).data
    choices = np.ascontiguousarray(prefs.student_ranks, dtype=np.int64).data
    prepared = perf_counter()
    ptr = prefs.student_ptr.tolist()
    capacity = prefs.capacity.tolist()
    next_choice = ptr[:-1]  # index into the students' lists of each student's next proposal
    # Per company, the students it holds as a heap of (-rank, student): its worst on top.
    held: list[list[tuple[int, int]]] = [[] for _ in capacity]
    free = [i for i in range(len(next_choice) - 1, -1, -1) if ptr[i + 1] > ptr[i]]
    proposals = 0
    while free:
        i = free.pop()
        k = next_choice[i]
        if k == ptr[i + 1]:
            continue  # rejected everywhere it is eligible: stays unplaced
        next_choice[i] = k + 1
        proposals += 1
        j, rank = choices[k], ranks[k]
        heap = held[j]
        if len(heap) < capacity[j]:
            heapq.heappush(heap, (-rank, i))
        elif heap and -heap[0][0] > rank:  # the company prefers i to the worst student it holds
            free.append(heapq.heapreplace(heap, (-rank, i))[1])
        else:
            free.append(i)
    solved = perf_counter()
    students = np.array([i for heap in held for _, i in heap], dtype=np.int64)
    companies = np.repeat(np.arange(len(held), dtype=np.int64), [len(heap) for heap in held])
    return (
        students,
        companies,
        {
            "matcher": "own",
            "prepare_seconds": prepared - started,
            "solve_seconds": solved - prepared,
            "proposals": proposals,
        },
    )
