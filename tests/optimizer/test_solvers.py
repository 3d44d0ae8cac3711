"""The solver libraries are loading, not solving: a solve's clock starts after them."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from optimizer import PlacementProblem, SolveParams, replan, solve_placement
from tests.optimizer.util import random_table

SOLVER_PACKAGES = ("highspy", "ortools", "scipy")
# The modules themselves: ``optimizer.replan`` and ``optimizer.solve`` are also the package's functions.
replan_module = sys.modules["optimizer.replan"]
solve_module = sys.modules["optimizer.solve"]


def _order_of_loading_and_clock(monkeypatch: pytest.MonkeyPatch, module: object) -> list[str]:
    """What ``module`` does first: load the solvers or read its clock (a list filled as it runs)."""
    events: list[str] = []
    real_clock = module.perf_counter  # type: ignore[attr-defined]

    def clock() -> float:
        events.append("clock")
        return real_clock()

    monkeypatch.setattr(module, "load_solvers", lambda: events.append("load"))
    monkeypatch.setattr(module, "perf_counter", clock)
    return events


def test_a_solve_loads_its_libraries_before_its_clock_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = PlacementProblem.build(random_table(np.random.default_rng(5), 12, 5, density=0.5))
    events = _order_of_loading_and_clock(monkeypatch, solve_module)
    solve_placement(problem, SolveParams(time_limit_seconds=10))
    assert events[:2] == ["load", "clock"]


def test_a_replan_loads_its_libraries_before_its_clock_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = PlacementProblem.build(random_table(np.random.default_rng(6), 12, 5, density=0.5))
    first = solve_placement(problem, SolveParams(time_limit_seconds=10))
    previous = {a.student_id: a.company_id for a in first.assignments()}
    events = _order_of_loading_and_clock(monkeypatch, replan_module)
    replan(problem, previous, SolveParams(time_limit_seconds=10))
    assert events[:2] == ["load", "clock"]


_FRESH_PROCESS = """
import json, sys
import numpy as np
from optimizer import PlacementProblem, SolveParams, solve_placement
from optimizer.solvers import load_solvers
from tests.optimizer.util import random_table

packages = {packages!r}
def solver_modules():
    return {{name for name in sys.modules if name.split(".")[0] in packages}}

on_import = sorted(name for name in ("highspy", "ortools") if name in sys.modules)
load_solvers()
loaded = solver_modules()
statuses = []
for seed in range(4):  # tight random networks: the count's LPs, the search and the knapsacks run
    problem = PlacementProblem.build(random_table(np.random.default_rng(seed), 60, 12, density=0.4))
    for objective in ("count-then-score", "count-interest-score", "fairness"):
        statuses.append(solve_placement(problem, SolveParams(objective=objective)).status)
print(json.dumps({{"on_import": on_import, "later": sorted(solver_modules() - loaded), "statuses": statuses}}))
"""


def test_load_solvers_loads_every_solver_module_a_solve_imports() -> None:
    """In a fresh process: importing the optimizer loads no solver library, ``load_solvers`` loads
    them, and solves on tight networks with every objective import no further one."""
    done = subprocess.run(
        [sys.executable, "-c", _FRESH_PROCESS.format(packages=SOLVER_PACKAGES)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["on_import"] == []
    assert found["later"] == []
    assert found["statuses"] == ["OPTIMAL"] * 12
