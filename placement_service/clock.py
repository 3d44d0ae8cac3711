"""Timestamps: stored in UTC (ISO 8601), shown in Danish local time (Europe/Copenhagen)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")  # the tzdata package provides it on a bare machine


def now() -> str:
    """The current time as stored: UTC, ISO 8601, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def danish_time(at: str) -> str:
    """A stored timestamp as a Dane reads it: '30.11.2026 kl. 14.05'."""
    moment = datetime.fromisoformat(at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(COPENHAGEN)
    return f"{local:%d.%m.%Y} kl. {local:%H.%M}"


def danish_clock(at: str) -> str:
    """Only the time of day: 'kl. 14.05'."""
    return danish_time(at).split(" ", 1)[1]


def danish_date(day: str | None) -> str:
    """An ISO date as a Dane writes it: '30.11.2026' (empty when unknown)."""
    if not day:
        return ""
    return datetime.fromisoformat(day).strftime("%d.%m.%Y")
