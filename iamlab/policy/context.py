"""The request context: condition keys and their values, looked up case-insensitively."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

ContextValue = str | bool | int | float | datetime | Iterable[Any] | None


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, (str, int, float)):
        return str(value)
    raise TypeError(
        f"context values must be str, bool, int, float, datetime or a list of those, "
        f"not {type(value).__name__}"
    )


class RequestContext:
    """Condition keys of one request.  Key names are case-insensitive, as in AWS.

    Every value is kept as a tuple of strings; a key given as a list is
    multivalued (an empty list is a present key with no values).
    """

    __slots__ = ("_names", "_values")

    def __init__(self, values: Mapping[str, ContextValue] | None = None) -> None:
        self._values: dict[str, tuple[str, ...]] = {}
        self._names: dict[str, str] = {}
        if values:
            for key, value in values.items():
                self.set(key, value)

    def set(self, key: str, value: ContextValue) -> None:
        """Set ``key`` (None removes it)."""
        if not isinstance(key, str):
            raise TypeError(f"context keys must be strings, not {type(key).__name__}")
        lower = key.lower()
        if type(value) is str:
            self._values[lower] = (value,)
            self._names[lower] = key
            return
        if value is None:
            self._values.pop(lower, None)
            self._names.pop(lower, None)
            return
        if isinstance(value, (list, tuple, set, frozenset)):
            items = sorted(value) if isinstance(value, (set, frozenset)) else value
            self._values[lower] = tuple(_scalar(v) for v in items)
        else:
            self._values[lower] = (_scalar(value),)
        self._names[lower] = key

    def setdefault(self, key: str, value: str) -> None:
        """Set ``key`` to a single string only when the request does not have it yet."""
        lower = key.lower()
        if lower not in self._values:
            self._values[lower] = (value,)
            self._names[lower] = key

    def get(self, key_lower: str) -> tuple[str, ...] | None:
        """Values of a key given in lower case, or None when absent."""
        return self._values.get(key_lower)

    def name(self, key_lower: str) -> str:
        """The key as the caller spelled it."""
        return self._names.get(key_lower, key_lower)

    def __contains__(self, key: str) -> bool:
        return key.lower() in self._values

    def items(self) -> list[tuple[str, tuple[str, ...]]]:
        """(name as given, values) pairs, in the order they were set."""
        return [(self._names[k], v) for k, v in self._values.items()]

    def copy(self) -> RequestContext:
        new = RequestContext()
        new._values = dict(self._values)
        new._names = dict(self._names)
        return new

    def __repr__(self) -> str:
        return f"RequestContext({dict(self.items())!r})"
