"""Check a handler's response against the operation's output shape in botocore's model.

A mismatch is a bug in the handler, not the learner's mistake: the pipeline turns it
into the service's internal error. Structure and types are checked (required
members, strings, numbers, booleans, timestamps, blobs, lists, maps); lengths and
ranges are not, because AWS itself breaks some of them in responses (the root user's
``UserId`` is the 12-digit account id). Members the installed botocore's model does
not know are dropped, as botocore's parser drops what a newer service sends an older
SDK (handlers follow the newest model; an older botocore still works). Uses only
botocore's public ``Shape`` API.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

_SCALARS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "character": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "float": (float, int, Decimal),
    "double": (float, int, Decimal),
    "timestamp": (datetime, str),
}


def problems(value: Any, shape: Any, path: str = "") -> list[str]:
    """What is wrong with ``value`` as an instance of ``shape`` (empty when nothing).

    Structure members the shape does not define are removed from ``value`` in place.
    """
    kind = shape.type_name
    where = path or "response"
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where}: expected a structure (dict), got {type(value).__name__}"]
        out = [
            f"{where}: missing required member {name!r}"
            for name in shape.required_members
            if name not in value
        ]
        for name in [n for n in value if n not in shape.members]:
            del value[name]  # unknown to this botocore: its parser would drop it too
        for name, member in value.items():
            out += problems(member, shape.members[name], f"{path}.{name}" if path else name)
        return out
    if kind == "list":
        if not isinstance(value, (list, tuple)):
            return [f"{where}: expected a list, got {type(value).__name__}"]
        out = []
        for i, item in enumerate(value):
            out += problems(item, shape.member, f"{where}[{i}]")
        return out
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{where}: expected a map (dict), got {type(value).__name__}"]
        out = []
        for key, item in value.items():
            out += problems(key, shape.key, f"{where} key")
            out += problems(item, shape.value, f"{where}[{key!r}]")
        return out
    if kind == "blob":
        if isinstance(value, (bytes, bytearray, str)) or hasattr(value, "read"):
            return []
        return [f"{where}: expected bytes or a stream, got {type(value).__name__}"]
    types = _SCALARS.get(kind)
    if types is None:  # document and other free-form shapes
        return []
    if isinstance(value, bool) and kind != "boolean":
        return [f"{where}: expected {kind}, got bool"]
    if not isinstance(value, types):
        return [f"{where}: expected {kind}, got {type(value).__name__}"]
    return []


def check_output(operation_model: Any, body: dict[str, Any]) -> None:
    """Raise ``RuntimeError`` naming every problem when ``body`` does not fit the output
    (after dropping the members the model does not define)."""
    shape = operation_model.output_shape
    if shape is None:
        return
    found = problems(body, shape)
    if found:
        raise RuntimeError(
            f"the {operation_model.name} response does not match botocore's output shape: "
            + "; ".join(found)
        )
