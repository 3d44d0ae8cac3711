"""The time limit every step of the exact solver keeps: no flow starts that cannot end in time."""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter


@dataclass
class Pace:
    """The time limit every step keeps: a flow starts only if one of its size can still finish by
    ``deadline`` at the pace of the last priced or restricted flow (``seconds_per_pair``).

    The shares of the time limit (``RELAXATION_SHARE`` ...) say when each stage should end; this
    says when nothing may start any more. Flows of a few hundred pairs take a millisecond or two.
    """

    deadline: float
    seconds_per_pair: float = 0.0

    def allows(self, pairs: float) -> bool:
        return perf_counter() + self.seconds_per_pair * pairs < self.deadline
