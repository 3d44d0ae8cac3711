"""The cohort placement plan: optimal, fast, explainable, and respectful of consultants' decisions.

Public API::

    problem = PlacementProblem.build(pairs, locks=[(student_id, company_id)], forbids=[...])
    result = solve_placement(problem, SolveParams(objective="count-then-score", time_limit_seconds=60))
    unplaced_reasons(result)              # student_id -> Danish reasons
    why_not(result, student_id, company_id)
    blocking_pairs(problem, result.pair_of_student)
    replan(problem, previous_plan)        # fewest moves from an approved plan
"""

from optimizer.blocking import BlockingPair, blocking_pairs
from optimizer.explain import Reason, WhyNot, unplaced_reasons, why_not
from optimizer.problem import SCORE_SCALE, PlacementProblem, SolveParams
from optimizer.replan import replan
from optimizer.result import Assignment, Move, PlacementResult, ReplanResult
from optimizer.solve import solve_placement

__all__ = [
    "SCORE_SCALE",
    "Assignment",
    "BlockingPair",
    "Move",
    "PlacementProblem",
    "PlacementResult",
    "Reason",
    "ReplanResult",
    "SolveParams",
    "WhyNot",
    "blocking_pairs",
    "replan",
    "solve_placement",
    "unplaced_reasons",
    "why_not",
]
