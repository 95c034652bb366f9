"""A call completes or changes nothing: the undo journal of the call being answered.

(``docs/aws-behaviour.md``, "Lab decisions" D11.)

While a call runs, the pipeline keeps a :class:`Journal` open on the answering thread.

* The first time the call touches an *area* of an account (its users, its roles, its
  MFA devices, one service's extension state, ...) the area is deep-copied into the
  journal (:class:`~iamlab.aws.state.AccountState` calls :func:`touch`). Reads count
  as touches: a handler may change any object it reached through an area.
* The lab's registries (sessions, long-term key index, web tokens) are
  :class:`JournaledDict` objects that log the old value of each key they change.

When the call fails (a service error or a bug in a handler) :meth:`Journal.rollback`
puts every touched area and key back, newest first; when it succeeds the journal is
dropped. The cost is one deep copy per area the call touches, and nothing for the
others: a DynamoDB PutItem copies that account's DynamoDB state, never its IAM users.
Authentication and policy evaluation only read, so they use
:meth:`~iamlab.aws.state.AccountState.raw` and copy nothing.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

MISSING: Any = object()  # "this key/area did not exist before the call"

# Values that never change in place: copies share them.
_ATOMIC = frozenset(
    {str, bytes, int, float, bool, complex, type(None), Decimal, frozenset, range, type}
    | {dt.datetime, dt.date, dt.time, dt.timedelta, dt.timezone}
)


def copy_state(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """A deep copy of lab state, several times faster than ``copy.deepcopy`` on it.

    Plain dicts, lists, sets, tuples and dataclass instances are copied member by
    member; immutable values (strings, numbers, datetimes, ...) are shared; anything
    else (and any type with its own ``__deepcopy__``, such as parsed policies, which
    are shared) goes to ``copy.deepcopy``. Shared references stay shared, as with
    ``deepcopy``.
    """
    kind = type(value)
    if kind in _ATOMIC:
        return value
    if memo is None:
        memo = {}
    key = id(value)
    if key in memo:
        return memo[key]
    if kind is dict:
        out: Any = {}
        memo[key] = out
        for k, v in value.items():
            out[k] = v if type(v) in _ATOMIC else copy_state(v, memo)
    elif kind is list:
        out = []
        memo[key] = out
        out.extend(v if type(v) in _ATOMIC else copy_state(v, memo) for v in value)
    elif kind is set:
        out = set(value)  # members are hashable, hence immutable in practice
        memo[key] = out
    elif kind is tuple:
        out = tuple(copy_state(v, memo) for v in value)
        memo[key] = out
    elif (
        dataclasses.is_dataclass(value)
        and not hasattr(kind, "__deepcopy__")
        and not hasattr(kind, "__slots__")
    ):
        out = object.__new__(kind)
        memo[key] = out
        out.__dict__.update({k: copy_state(v, memo) for k, v in value.__dict__.items()})
    else:
        out = copy.deepcopy(value, memo)
        memo[key] = out
    return out


_local = threading.local()


class Journal:
    """What one call changed, so that it can be undone."""

    def __init__(self) -> None:
        self._seen: set[tuple[int, str]] = set()
        self._undo: list[tuple[Any, str, Any]] = []  # (owner, area or key, saved value)

    def save_area(self, owner: Any, area: str, value: Any) -> None:
        """Keep a deep copy of ``owner``'s ``area`` as it is before its first change."""
        key = (id(owner), area)
        if key not in self._seen:
            self._seen.add(key)
            saved = MISSING if value is MISSING else copy_state(value)
            self._undo.append((owner, area, saved))

    def save_key(self, owner: dict, key: Any) -> None:
        """Keep the value ``owner[key]`` has before its first change (or MISSING)."""
        mark = (id(owner), f"key:{key!r}")
        if mark not in self._seen:
            self._seen.add(mark)
            self._undo.append((owner, key, dict.get(owner, key, MISSING)))

    def absorb(self, inner: Journal) -> None:
        """Take over what a finished inner call saved (where this call saved nothing yet)."""
        for entry in inner._undo:
            owner, name, _ = entry
            mark = (
                (id(owner), f"key:{name!r}")
                if isinstance(owner, JournaledDict)
                else (id(owner), name)
            )
            if mark not in self._seen:
                self._seen.add(mark)
                self._undo.append(entry)

    def rollback(self) -> None:
        """Put back everything saved, newest first (an area saved after one of its parts
        holds the part already changed, so the older copy of the part must win)."""
        for owner, name, value in reversed(self._undo):
            if isinstance(owner, JournaledDict):
                if value is MISSING:
                    dict.pop(owner, name, None)
                else:
                    dict.__setitem__(owner, name, value)
            else:
                owner.restore_area(name, value)
        self._undo.clear()
        self._seen.clear()


def active() -> Journal | None:
    """The journal of the call this thread is answering, if any."""
    return getattr(_local, "journal", None)


@contextmanager
def journal() -> Iterator[Journal]:
    """Open a journal on this thread for the duration of one call.

    A call answered while another is open on the same thread (a handler calling back
    into the lab) gets its own journal; when it ends, whatever it did not undo joins
    the outer journal, so undoing the outer call undoes the inner one too.
    """
    parent = active()
    j = Journal()
    _local.journal = j
    try:
        yield j
    finally:
        _local.journal = parent
        if parent is not None:
            parent.absorb(j)


def touch(owner: Any, area: str, value: Any) -> None:
    """Called by state objects before handing out ``area``: journal it once per call."""
    j = getattr(_local, "journal", None)
    if j is not None:
        j.save_area(owner, area, value)


class JournaledDict(dict):
    """A dict that logs the old value of every key it changes while a journal is open."""

    def _log(self, key: Any) -> None:
        j = getattr(_local, "journal", None)
        if j is not None:
            j.save_key(self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._log(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        self._log(key)
        super().__delitem__(key)

    def pop(self, key: Any, *default: Any) -> Any:
        self._log(key)
        return super().pop(key, *default)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        self._log(key)
        return super().setdefault(key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def popitem(self) -> tuple[Any, Any]:
        if self:
            self._log(next(reversed(self)))
        return super().popitem()

    def clear(self) -> None:
        for key in list(self):
            self._log(key)
        super().clear()

    def __ior__(self, other: Any) -> JournaledDict:  # type: ignore[misc]
        self.update(other)
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> JournaledDict:
        return JournaledDict({k: copy_state(v, memo) for k, v in self.items()})
