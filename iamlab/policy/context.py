"""The request context: condition keys and their values, looked up case-insensitively."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

ContextValue = str | bool | int | float | datetime | Iterable[Any] | None

_KINDS = "str, bool, int, float, datetime or a list of those"
NO_KEYS: frozenset[str] = frozenset()
# how keys the engine derives from the principal are spelled (lower case -> name)
DERIVED_NAMES = {
    name.lower(): name
    for name in (
        "aws:PrincipalArn",
        "aws:PrincipalAccount",
        "aws:PrincipalType",
        "aws:PrincipalServiceName",
        "aws:username",
        "aws:userid",
    )
}


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return str(value.strftime("%Y-%m-%dT%H:%M:%SZ"))
    if isinstance(value, (int, float)):
        return str(value)
    raise TypeError(f"not {type(value).__name__}")


def _values(key: str, value: Any) -> tuple[str, ...]:
    """A context value as a tuple of strings; TypeError naming ``key`` for anything else."""
    try:
        if isinstance(value, (list, tuple, set, frozenset)):
            items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
            return tuple(_scalar(v) for v in items)
        return (_scalar(value),)
    except TypeError as exc:
        raise TypeError(f"context value of {key!r} must be {_KINDS}, {exc}") from None


class RequestContext:
    """Condition keys of one request.  Key names are case-insensitive, as in AWS.

    Every value is kept as a tuple of strings; a key given as a list is
    multivalued (an empty list is a present key with no values).  A key given
    the value None is absent, and stays absent: the engine will not derive it
    from the principal either (``absent`` holds such keys, in lower case).
    """

    __slots__ = ("_names", "_values", "absent")

    def __init__(self, values: Mapping[str, ContextValue] | None = None) -> None:
        self._values: dict[str, tuple[str, ...]] = {}
        self._names: dict[str, str] = {}
        self.absent: frozenset[str] = NO_KEYS
        if values is None:
            return
        if type(values) is not dict and not isinstance(values, Mapping):
            raise TypeError(
                "context must be a mapping of condition keys to values "
                f"(a dict such as {{'aws:MultiFactorAuthPresent': 'true'}}), "
                f"not {type(values).__name__}"
            )
        store, names = self._values, self._names
        absent: list[str] = []
        for key, value in values.items():
            if type(key) is not str:
                if not isinstance(key, str):
                    raise TypeError(
                        f"context keys must be strings, not {type(key).__name__} ({key!r})"
                    )
                key = str(key)
            lower = key.lower()
            if type(value) is str:
                store[lower] = (value,)
            elif value is None:
                store.pop(lower, None)
                absent.append(lower)
            else:
                store[lower] = _values(key, value)
            names[lower] = key
        if absent:
            self.absent = frozenset(k for k in absent if k not in store)

    def set(self, key: str, value: ContextValue) -> None:
        """Set ``key`` (None removes it)."""
        if not isinstance(key, str):
            raise TypeError(f"context keys must be strings, not {type(key).__name__}")
        lower = key.lower()
        if value is None:
            self._values.pop(lower, None)
            self._names.pop(lower, None)
            return
        self._values[lower] = (value,) if type(value) is str else _values(key, value)
        self._names[lower] = key

    def setdefault(self, key: str, value: str) -> None:
        """Set ``key`` to a single string only when the request does not have it yet."""
        lower = key.lower()
        if lower not in self._values and lower not in self.absent:
            self._values[lower] = (value,)
            self._names[lower] = key

    def get(self, key_lower: str) -> tuple[str, ...] | None:
        """Values of a key given in lower case, or None when absent."""
        return self._values.get(key_lower)

    def name(self, key_lower: str) -> str:
        """The key as the caller spelled it."""
        return self._names.get(key_lower) or DERIVED_NAMES.get(key_lower, key_lower)

    def __contains__(self, key: str) -> bool:
        return key.lower() in self._values

    def items(self) -> list[tuple[str, tuple[str, ...]]]:
        """(name as given, values) pairs: the keys given first, then those derived."""
        names = self._names
        given = [(names[k], v) for k, v in self._values.items() if k in names]
        derived = [(self.name(k), v) for k, v in self._values.items() if k not in names]
        return given + derived

    def copy(self) -> RequestContext:
        new = RequestContext()
        new._values = dict(self._values)
        new._names = dict(self._names)
        new.absent = self.absent
        return new

    def __repr__(self) -> str:
        return f"RequestContext({dict(self.items())!r})"
