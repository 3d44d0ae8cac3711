"""The scoring configuration: component weights and eligibility tolerances, validated once.

A pair's score is the sum of its components. Each component has a *fit* in
[0, 1] (how well the pair does on it) and a *weight*; its points are
``100 * weight * fit / total weight``, so the points add up to a score in
[0, 100] and a component's weight is the most points it can give (the default
weights sum to 100). Without a learned outcome model the ``outcome`` weight is
left out and the other weights are rescaled to 100.
"""

from __future__ import annotations

import difflib
import math
import numbers
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from features.danish import shown as shown_da
from features.errors import InputError

COMPONENTS: tuple[str, ...] = (
    "interest",
    "complexity",
    "hours",
    "structure",
    "environment",
    "work_demands",
    "support",
    "travel",
    "outcome",
)
"""Score components, in the order of every component array and breakdown."""

COMPONENT_LABELS: dict[str, str] = {
    "interest": "Interesse for branchen",
    "complexity": "Opgavernes sværhedsgrad",
    "hours": "Arbejdstid",
    "structure": "Arbejdspladsens struktur",
    "environment": "Belastninger og arbejdsmiljø",
    "work_demands": "Krav og forudsætninger",
    "support": "Mentor og ledelse",
    "travel": "Transport",
    "outcome": "Forventet udfald (lært model)",
}
"""Danish labels of the components, for the app and the CLI."""

RULE_COMPONENTS: tuple[str, ...] = COMPONENTS[:-1]
OUTCOME = "outcome"


class ScoringConfig(BaseModel):
    """Weights of the score components and the tolerances of the eligibility rules.

    Weights (points when a component is fully met; the defaults sum to 100):

    - ``interest`` (18): the company's industry among the student's interests, first choice best.
    - ``complexity`` (8): the company has tasks at the student's level of complexity.
    - ``hours`` (6): the company's weekly hours overlap the student's.
    - ``structure`` (8): routine tasks for a student who needs routine; an own
      workstation for a student with social limitations or sensory sensitivity.
    - ``environment`` (8): noise, pace, customer contact, physical demands and
      change against the student's stress reactions and their support levels.
    - ``work_demands`` (10): the company's work demands against the student's
      abilities on the 11 MELBA-style dimensions (overloads cost points).
    - ``support`` (7): a trained mentor for a student who needs one (most for
      psychological impairments); present and flexible management (most for high support needs).
    - ``travel`` (5): full points up to ``comfortable_travel_share`` of the
      student's maximum travel time, then falling to 0 at the maximum.
    - ``outcome`` (30): the learned estimate of P(a job of any kind), points = weight x probability.
      The largest single weight because it ranks best against the synthetic ground truth
      (docs/outcome-model.md); the rules keep 70 points so that the score stays explainable
      and works without history.

    Eligibility tolerances:

    - ``complexity_tolerance`` (1): the company's simplest tasks may lie this many
      levels above the student's maximum; the pair then needs adjusted tasks.
    - ``hours_tolerance`` (4): weekly hours may miss the student's range by this
      many hours; the pair then needs adjusted hours.
    - ``overload_limit`` (3): a work demand more than this many points above the
      student's ability on any dimension rules the pair out.
    - ``overload_scale`` (8.0): total overload points at which ``work_demands`` gives 0.
    - ``comfortable_travel_share`` (0.5): travel up to this share of the student's maximum costs nothing.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    interest: float = 18.0
    complexity: float = 8.0
    hours: float = 6.0
    structure: float = 8.0
    environment: float = 8.0
    work_demands: float = 10.0
    support: float = 7.0
    travel: float = 5.0
    outcome: float = 30.0

    complexity_tolerance: int = 1
    hours_tolerance: int = 4
    overload_limit: int = 3
    overload_scale: float = 8.0
    comfortable_travel_share: float = 0.5

    @model_validator(mode="before")
    @classmethod
    def _known_names(cls, data: Any) -> Any:
        if isinstance(data, dict):
            known = list(cls.model_fields)
            for name in data:
                if name not in known:
                    close = difflib.get_close_matches(str(name), known, n=1)
                    hint = f" Did you mean '{close[0]}'?" if close else ""
                    hint_da = f" Mente du '{close[0]}'?" if close else ""
                    raise InputError(
                        f"Unknown scoring option '{name}'.{hint} Known options: {', '.join(known)}.",
                        f"Ukendt indstilling for pointgivningen '{name}'.{hint_da} "
                        f"Indstillingerne er: {', '.join(known)}.",
                    )
        return data

    @field_validator(*COMPONENTS, mode="before")
    @classmethod
    def _weight_in_range(cls, value: Any, info: Any) -> float:
        if not _is_real(value) or not math.isfinite(value) or value < 0:
            raise InputError(
                f"The '{info.field_name}' weight must be a number in [0, inf). Got {_shown(value)} instead.",
                f"Vægten '{info.field_name}' skal være et tal på mindst 0 (fik {shown_da(value)}).",
            )
        return float(value)

    @field_validator("complexity_tolerance", "overload_limit", mode="before")
    @classmethod
    def _small_int(cls, value: Any, info: Any) -> int:
        return _int_in_range(value, info.field_name, 0, 4)

    @field_validator("hours_tolerance", mode="before")
    @classmethod
    def _hours(cls, value: Any, info: Any) -> int:
        return _int_in_range(value, info.field_name, 0, 45)

    @field_validator("overload_scale", mode="before")
    @classmethod
    def _scale(cls, value: Any, info: Any) -> float:
        if not _is_real(value) or not (0 < value < math.inf):
            raise InputError(
                f"The '{info.field_name}' parameter must be a number in (0, inf). Got {_shown(value)} instead.",
                f"'{info.field_name}' skal være et tal større end 0 (fik {shown_da(value)}).",
            )
        return float(value)

    @field_validator("comfortable_travel_share", mode="before")
    @classmethod
    def _share(cls, value: Any, info: Any) -> float:
        if not _is_real(value) or not (0 <= value < 1):
            raise InputError(
                f"The '{info.field_name}' parameter must be a number in [0, 1). Got {_shown(value)} instead.",
                f"'{info.field_name}' skal være et tal fra 0 til under 1 (fik {shown_da(value)}).",
            )
        return float(value)

    @model_validator(mode="after")
    def _some_weight(self) -> ScoringConfig:
        if not any(getattr(self, name) > 0 for name in RULE_COMPONENTS):
            raise InputError(
                "At least one weight other than 'outcome' must be positive, so that every pair can be scored "
                "without a learned model. Got all zero.",
                "Mindst én vægt ud over 'outcome' skal være større end 0, så alle par kan få point uden "
                "den lærte model. Alle var 0.",
            )
        return self

    def weights(self) -> dict[str, float]:
        """Component name to weight, in ``COMPONENTS`` order."""
        return {name: float(getattr(self, name)) for name in COMPONENTS}

    def points_per_component(self, with_outcome: bool) -> tuple[float, ...]:
        """The most points each component can give, rescaled to sum to 100."""
        raw = [w if (name != OUTCOME or with_outcome) else 0.0 for name, w in self.weights().items()]
        total = sum(raw)
        return tuple(100.0 * w / total for w in raw)

    def with_changes(self, **changes: Any) -> ScoringConfig:
        """A validated copy with some options changed (``model_copy`` does not validate)."""
        return ScoringConfig.model_validate({**self.model_dump(), **changes})


def _int_in_range(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= int(value) <= high:
        raise InputError(
            f"The '{name}' parameter must be an int in the range [{low}, {high}]. Got {_shown(value)} instead.",
            f"'{name}' skal være et helt tal fra {low} til {high} (fik {shown_da(value)}).",
        )
    return int(value)


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _shown(value: Any) -> str:
    """A value as a user typed it: ``-3`` rather than ``np.int64(-3)``; text in quotes."""
    if _is_real(value):
        return str(value.item() if hasattr(value, "item") else value)
    return repr(value)
