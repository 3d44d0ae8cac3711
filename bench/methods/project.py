"""This project's optimizer: ``optimizer.solve_placement``, count-then-score, mentor limits included."""

from __future__ import annotations

from typing import Any

import numpy as np

from matching.pair_table import PairTable
from optimizer.problem import PlacementProblem, SolveParams
from optimizer.solve import solve_placement


def solve_project(pairs: PairTable, time_limit: float | None = None) -> tuple[np.ndarray, dict[str, Any]]:
    """The optimizer's plan as a mask over the pairs, and what it reports (status, bound, gap).

    Without ``time_limit`` the optimizer's own default applies, as in ``stu-match assign``.
    """
    problem = PlacementProblem.build(pairs)
    params = SolveParams(objective="count-then-score")
    if time_limit is not None:
        params = params.model_copy(update={"time_limit_seconds": time_limit})
    result = solve_placement(problem, params)
    chosen = np.zeros(pairs.n_pairs, dtype=bool)
    chosen[result.chosen_pairs] = True
    info: dict[str, Any] = {
        "status": result.status,
        "gap": result.gap,
        "placed_bound": result.placed_bound,
        "score_bound": result.score_bound,
        **{key: float(value) for key, value in result.stats.items()},
    }
    return chosen, info
