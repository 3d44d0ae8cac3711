"""Run the PyPI package ``matching`` on preferences from a file; runs inside bench/.venv-matching.

Usage: ``python -I stable_worker.py preferences.npz matching.npz [--build direct|package]``.
Only the standard library, numpy and ``matching`` are imported here: this file
must not see the project's own ``matching/`` package. Prints one JSON line of
timings and the package version.

Either way the matching comes from the package's own ``HospitalResident.solve``
(resident-optimal); the two builds differ only in how the game is made:

- ``package``: ``HospitalResident.create_from_dictionaries``, as documented. It
  does not scale. ``__init__`` deep-copies every player, and ``copy.deepcopy``
  recurses from player to player through the preference lists (beyond a few
  hundred players it needs a raised recursion limit and a large stack, and at
  45,000 x 20,000 it fails with "SystemError: error return without exception
  set"). Then ``check_inputs`` only warns, but with checks that scan whole lists
  per player: ``_check_inputs_player_reciprocated_all_prefs`` scans every
  resident's list for every hospital, ``_check_inputs_player_prefs_all_in_party``
  looks every ranked player up in the list of the whole other side. On the
  national instance (340,000 pairs) they take 25 and 11 of the 42 s of
  ``create_from_dictionaries`` (profiled), the deep copy 3 s. This build runs in
  a thread with a large stack and a raised recursion limit.
- ``direct`` (the harness's default): the package's ``Player`` and ``Hospital``
  objects (subclassed only to add ``__deepcopy__``), made and given their
  preferences (``set_prefs``) exactly as ``create_from_dictionaries`` does, then
  the package's own ``__init__``, with two things left out. The players share
  themselves instead of being deep-copied: nobody else holds them, so a copy
  protects nothing. And ``check_inputs`` is skipped: it only warns, it never
  changes the game unless ``clean=True``, and our preferences are valid by
  construction (every list strict and without repeats, every pair ranked by both
  sides, every list non-empty, every capacity at least 1), which the parent
  verifies in numpy before it starts this process
  (``bench.methods.stable.check_preferences``). ``tests/bench`` shows that both
  builds give the same matching.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import warnings
from importlib.metadata import version
from time import perf_counter
from typing import Any

import numpy as np

STACK_BYTES = 1 << 30
RECURSION_LIMIT = 10_000_000
BUILDS = ("direct", "package")


def _lists(ptr: np.ndarray, ranks: np.ndarray) -> dict[int, list[int]]:
    """Row ``r`` of a compressed ranking as a list, for the rows that are not empty."""
    return {r: ranks[ptr[r] : ptr[r + 1]].tolist() for r in range(ptr.size - 1) if ptr[r + 1] > ptr[r]}


Inputs = tuple[dict[int, list[int]], dict[int, list[int]], dict[int, int]]


def package_inputs(data: dict[str, np.ndarray]) -> Inputs:
    """The three dictionaries ``create_from_dictionaries`` takes: both sides' lists and the capacities."""
    resident_prefs = _lists(data["student_ptr"], data["student_ranks"])
    hospital_prefs = _lists(data["company_ptr"], data["company_ranks"])
    capacities = {j: int(data["capacity"][j]) for j in hospital_prefs}
    return resident_prefs, hospital_prefs, capacities


def build_with_package(inputs: Inputs) -> Any:
    """The game as ``HospitalResident.create_from_dictionaries`` makes it (deep copy and input checks)."""
    from matching.games import HospitalResident

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return HospitalResident.create_from_dictionaries(*inputs)


def build_directly(data: dict[str, np.ndarray]) -> Any:
    """The same game without the deep copy and the input checks (see the module docstring)."""
    from matching.games import HospitalResident
    from matching.players import Hospital, Player

    class SharedResident(Player):  # type: ignore[misc]
        def __deepcopy__(self, memo: dict[int, Any]) -> SharedResident:
            return self

    class SharedHospital(Hospital):  # type: ignore[misc]
        def __deepcopy__(self, memo: dict[int, Any]) -> SharedHospital:
            return self

    class TrustedHospitalResident(HospitalResident):  # type: ignore[misc]
        def check_inputs(self) -> None:
            """Skipped: the parent has verified what these checks would warn about."""

    student_ptr, student_ranks = data["student_ptr"], data["student_ranks"]
    company_ptr, company_ranks = data["company_ptr"], data["company_ranks"]
    capacity = data["capacity"]
    # The players and their order are those of create_from_dictionaries: every student (company)
    # with a non-empty list, by index, named by its index.
    residents: dict[int, Any] = {
        i: SharedResident(name=i) for i in np.flatnonzero(np.diff(student_ptr) > 0).tolist()
    }
    hospitals: dict[int, Any] = {
        j: SharedHospital(name=j, capacity=int(capacity[j]))
        for j in np.flatnonzero(np.diff(company_ptr) > 0).tolist()
    }
    for i, resident in residents.items():
        resident.set_prefs(
            [hospitals[j] for j in student_ranks[student_ptr[i] : student_ptr[i + 1]].tolist()]
        )
    for j, hospital in hospitals.items():
        hospital.set_prefs(
            [residents[i] for i in company_ranks[company_ptr[j] : company_ptr[j + 1]].tolist()]
        )
    return TrustedHospitalResident(list(residents.values()), list(hospitals.values()))


def main(given: str, answer: str, build: str = "direct") -> None:
    with np.load(given) as stored:
        data = {name: stored[name] for name in stored.files}
    started = perf_counter()
    if build == "package":
        inputs = package_inputs(data)
        prepared = perf_counter()
        game = build_with_package(inputs)
    else:
        prepared = started  # the numpy rows become the players' lists while the players are made
        game = build_directly(data)
    created = perf_counter()
    result = game.solve(optimal="resident")
    solved = perf_counter()
    students = [resident.name for hospital, residents in result.items() for resident in residents]
    companies = [hospital.name for hospital, residents in result.items() for _ in residents]
    np.savez(
        answer, student=np.asarray(students, dtype=np.int64), company=np.asarray(companies, dtype=np.int64)
    )
    timings = {
        "build": build,
        "prepare_seconds": prepared - started,
        "create_seconds": created - prepared,
        "solve_seconds": solved - created,
        "matching_version": version("matching"),
        "peak_mb": own_peak_mb(),
    }
    print(json.dumps(timings))


def own_peak_mb() -> float | None:
    """This process's peak resident memory since its ``exec`` (VmHWM), or None off Linux.

    Not ``getrusage``: a child's ``ru_maxrss`` starts from its parent's resident size at the
    fork, so for a worker holding a large problem it reports the parent's memory, not ours.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def run_with_deep_stack(given: str, answer: str, build: str) -> None:
    """``main`` in a thread whose stack fits the package's deep copy; errors propagate."""
    sys.setrecursionlimit(RECURSION_LIMIT)
    threading.stack_size(STACK_BYTES)
    failure: list[BaseException] = []

    def target() -> None:
        try:
            main(given, answer, build)
        except BaseException as error:
            failure.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="stable_worker.py")
    parser.add_argument("preferences")
    parser.add_argument("matching")
    parser.add_argument("--build", choices=BUILDS, default="direct")
    args = parser.parse_args()
    if args.build == "package":
        run_with_deep_stack(args.preferences, args.matching, args.build)
    else:
        main(args.preferences, args.matching, args.build)
