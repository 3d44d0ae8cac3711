"""A plan's value and a bound in the exact solver: the number placed first, then the total weight."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from optimizer.instance import Instance


@dataclass(frozen=True)
class Lex:
    """A lexicographic value: students placed, then total weight."""

    placed: int
    weight: int

    def __le__(self, other: Lex) -> bool:
        return (self.placed, self.weight) <= (other.placed, other.weight)

    def __lt__(self, other: Lex) -> bool:
        return (self.placed, self.weight) < (other.placed, other.weight)


@dataclass(frozen=True, eq=False)
class ExactSolution:
    """A plan (mask over the instance's pairs) with its value and a proven upper bound."""

    chosen: np.ndarray
    value: Lex
    bound: Lex  # no feasible plan is lexicographically above it
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def optimal(self) -> bool:
        return self.value == self.bound


def value_of(inst: Instance, chosen: np.ndarray) -> Lex:
    """The lexicographic value of a plan."""
    return Lex(int(chosen.sum()), sum(inst.weight[chosen].tolist()))


def better(inst: Instance, plan: np.ndarray, other: np.ndarray | None) -> np.ndarray:
    """The better of two feasible plans (the first on a tie); ``other`` may be missing."""
    if other is None or not value_of(inst, plan) < value_of(inst, other):
        return plan
    return other


def violations(inst: Instance, chosen: np.ndarray, binding: np.ndarray) -> np.ndarray:
    """The companies whose mentor limit can bind (``binding``) and ``chosen`` exceeds."""
    over = inst.mentor_use(chosen) > inst.mentor_capacity
    return np.flatnonzero(over & binding)


def lex_total(value: Lex, big_m: int) -> int:
    return value.placed * big_m + value.weight


def split_total(total: int, big_m: int) -> Lex:
    """A bound ``M * placed + weight <= total`` as a lexicographic bound (placed first)."""
    placed = total // big_m
    return Lex(int(placed), int(total - placed * big_m))
