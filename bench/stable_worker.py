"""Run the PyPI package ``matching`` on preferences from a file; runs inside bench/.venv-matching.

Usage: ``python -I stable_worker.py preferences.npz matching.npz``. Only the
standard library, numpy and ``matching`` are imported here: this file must not
see the project's own ``matching/`` package. Prints one JSON line of timings
and the package version.

``HospitalResident`` deep-copies its players, and ``copy.deepcopy`` recurses
through the preference lists from player to player: beyond a few hundred
players it exceeds Python's default recursion limit. The game is therefore
built and solved in a thread with a large stack and a raised recursion limit.
"""

from __future__ import annotations

import json
import sys
import threading
import warnings
from importlib.metadata import version
from time import perf_counter

import numpy as np
from matching.games import HospitalResident

STACK_BYTES = 1 << 30
RECURSION_LIMIT = 10_000_000


def main(given: str, answer: str) -> None:
    with np.load(given) as data:
        student_ptr, student_ranks = data["student_ptr"], data["student_ranks"]
        company_ptr, company_ranks = data["company_ptr"], data["company_ranks"]
        capacity = data["capacity"]
    started = perf_counter()
    resident_prefs = {
        i: student_ranks[student_ptr[i] : student_ptr[i + 1]].tolist()
        for i in range(student_ptr.size - 1)
        if student_ptr[i + 1] > student_ptr[i]
    }
    hospital_prefs = {
        j: company_ranks[company_ptr[j] : company_ptr[j + 1]].tolist()
        for j in range(company_ptr.size - 1)
        if company_ptr[j + 1] > company_ptr[j]
    }
    capacities = {j: int(capacity[j]) for j in hospital_prefs}
    prepared = perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
    created = perf_counter()
    result = game.solve(optimal="resident")
    solved = perf_counter()
    students = [resident.name for hospital, residents in result.items() for resident in residents]
    companies = [hospital.name for hospital, residents in result.items() for _ in residents]
    np.savez(
        answer, student=np.asarray(students, dtype=np.int64), company=np.asarray(companies, dtype=np.int64)
    )
    timings = {
        "prepare_seconds": prepared - started,
        "create_seconds": created - prepared,
        "solve_seconds": solved - created,
        "matching_version": version("matching"),
    }
    print(json.dumps(timings))


def run_with_deep_stack(given: str, answer: str) -> None:
    """``main`` in a thread whose stack fits the package's deep recursion; errors propagate."""
    sys.setrecursionlimit(RECURSION_LIMIT)
    threading.stack_size(STACK_BYTES)
    failure: list[BaseException] = []

    def target() -> None:
        try:
            main(given, answer)
        except BaseException as error:
            failure.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


if __name__ == "__main__":
    run_with_deep_stack(sys.argv[1], sys.argv[2])
