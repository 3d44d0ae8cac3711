"""The solver libraries, loaded before a solve starts its clock.

The optimizer imports HiGHS (``highspy``), OR-Tools' flows and CP-SAT, and SciPy's optimize and
sparse-graph modules only when a plan is solved, so that commands that never solve start fast. In a
fresh process loading them took 0.3-0.45 s of the first solve on the tight networks (1,700 x 700 to
1,100; docs/benchmarks.md, *A solve with its libraries loaded*). ``solve_placement`` and ``replan``
load them before their clock starts, so that their time limit and ``solve_seconds`` are the solve's
own, in a fresh ``stu-match assign`` as in the app after its first plan.
"""

from __future__ import annotations


def load_solvers() -> None:
    """Import every solver library the optimizer may call (at once if they are already loaded)."""
    import highspy  # noqa: F401
    import scipy.optimize
    import scipy.sparse.csgraph  # noqa: F401
    from ortools.graph.python import max_flow, min_cost_flow  # noqa: F401
    from ortools.sat.python import cp_model  # noqa: F401
