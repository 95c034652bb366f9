"""The operation registry: ``(service, OperationName) -> handler``."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._call import Call

Handler = Callable[["Call", dict[str, Any]], dict[str, Any]]

_HANDLERS: dict[tuple[str, str], Handler] = {}
_loaded = False


def operation(service: str, name: str) -> Callable[[Handler], Handler]:
    """Register ``handler(call, params) -> response dict`` for ``service:name``.

    ``service`` is botocore's service name (``"s3"``, ``"ec2"``, ``"dynamodb"``);
    ``name`` is the API operation name exactly as in the botocore model (``"PutObject"``).
    """

    def register(handler: Handler) -> Handler:
        key = (service, name)
        if key in _HANDLERS and _HANDLERS[key] is not handler:
            raise RuntimeError(f"{service}:{name} is registered twice")
        _HANDLERS[key] = handler
        return handler

    return register


def load_all() -> None:
    """Import every service module in this package (names not starting with ``_``)."""
    global _loaded
    if _loaded:
        return
    from . import __name__ as package
    from . import __path__ as path

    for info in sorted(pkgutil.iter_modules(path), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{package}.{info.name}")
    _loaded = True


def handler_for(service: str, name: str) -> Handler | None:
    """The handler of ``service:name``, or None when the lab does not emulate it."""
    load_all()
    return _HANDLERS.get((service, name))


def supported(service: str) -> list[str]:
    """Operation names the lab emulates for ``service``, sorted."""
    load_all()
    return sorted(op for svc, op in _HANDLERS if svc == service)


def services() -> list[str]:
    """Service names the lab emulates at least one operation of, sorted."""
    load_all()
    return sorted({svc for svc, _ in _HANDLERS})
