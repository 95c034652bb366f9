"""A virtual UTC clock: it starts at a fixed instant and only moves when told.

Nothing in :mod:`iamlab.aws` reads wall time; every timestamp (credential
expiry, MFA codes, ``aws:CurrentTime``, the trail) comes from a :class:`Clock`.
A lab's clock shares the lab's lock, so ``advance`` waits for the call being
answered: a call never sees the time jump halfway through.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Any

DEFAULT_START = datetime(2026, 1, 15, 9, 0, 0, tzinfo=timezone.utc)


def parse_instant(value: datetime | str) -> datetime:
    """An aware UTC datetime from a datetime or an ISO 8601 string (``...Z`` allowed)."""
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            value = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"not an ISO 8601 instant: {value!r}") from exc
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime or ISO 8601 string, got {type(value).__name__}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def iso(when: datetime) -> str:
    """ISO 8601 in the form AWS uses in condition keys: ``2026-01-15T09:00:00Z``."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Clock:
    """Virtual UTC time for one lab."""

    def __init__(self, start: datetime | str = DEFAULT_START, lock: Any = None) -> None:
        self._start = parse_instant(start)
        self._now = self._start
        self._lock = lock if lock is not None else threading.RLock()

    def __deepcopy__(self, memo: dict[int, Any]) -> Clock:
        twin = Clock(self._start)
        twin._now = self._now
        return twin

    def set(self, now: datetime, start: datetime | None = None) -> None:
        """Put the clock at ``now`` (and its start at ``start``): a restored lab snapshot."""
        with self._lock:
            if start is not None:
                self._start = start
            self._now = now

    @property
    def start(self) -> datetime:
        """The instant the clock started at."""
        return self._start

    def now(self) -> datetime:
        """The current virtual time (aware, UTC, whole seconds unless advanced by fractions)."""
        return self._now

    def epoch(self) -> int:
        """Whole seconds since 1970-01-01T00:00:00Z at the current virtual time."""
        return int(self._now.timestamp())

    def advance(
        self, seconds: float = 0, minutes: float = 0, hours: float = 0, days: float = 0
    ) -> datetime:
        """Move the clock forward and return the new time. Time never goes backwards."""
        delta = timedelta(seconds=seconds, minutes=minutes, hours=hours, days=days)
        if delta < timedelta(0):
            raise ValueError("the lab clock only moves forward")
        with self._lock:
            self._now = self._now + delta
            return self._now

    def reset(self) -> None:
        """Go back to the start instant (used by ``Lab.reset``)."""
        with self._lock:
            self._now = self._start

    def __repr__(self) -> str:
        return f"Clock(now={iso(self._now)!r})"
