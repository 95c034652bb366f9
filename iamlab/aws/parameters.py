"""A parameter the lab does not emulate is refused, never quietly dropped.

The pipeline calls :func:`check_supported` after validation and before the handler. A
request that carries an input member the operation's handler does not honour (the list
is data: :data:`iamlab.aws.services._parameters.HONOURED`) fails with the lab's
``NotImplementedInLab`` (HTTP 501), e.g.

    iamlab does not emulate the Tags parameter of sts:AssumeRole (session tags);
    supported parameters: RoleArn, RoleSessionName, ...

Members botocore fills in by itself on a plain call are always accepted: idempotency
tokens (``idempotencyToken`` in the model, e.g. EC2's ``ClientToken``) and the checksum
members named by the operation's ``httpChecksum`` trait (S3's ``ChecksumAlgorithm`` and
``ChecksumMode``). (``docs/aws-behaviour.md``, "Service errors".)
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from .errors import LabError
from .services._parameters import HONOURED, NOTES


def botocore_members(operation_model: Any) -> frozenset[str]:
    """Input members botocore may fill in itself: idempotency tokens and checksum members."""
    shape = operation_model.input_shape
    members = shape.members if shape is not None else {}
    out = {name for name, member in members.items() if member.metadata.get("idempotencyToken")}
    checksum = operation_model.http_checksum or {}
    for trait in ("requestAlgorithmMember", "requestValidationModeMember"):
        if checksum.get(trait):
            out.add(checksum[trait])
    return frozenset(out)


Plan = tuple[frozenset[str], dict[str, frozenset[str]]]
_PLANS: dict[tuple[str, str], Plan | None] = {}


def _plan(operation_model: Any) -> Plan | None:
    """(whole members accepted, structure -> accepted sub-members) of one operation, or None
    when the data has no row for it (computed once per operation)."""
    key = (operation_model.service_model.service_name, operation_model.name)
    if key in _PLANS:
        return _PLANS[key]
    honoured = HONOURED.get(key[0], {}).get(key[1])
    plan: Plan | None = None
    if honoured is not None:
        whole = {name for name in honoured if "." not in name} | botocore_members(operation_model)
        partial: dict[str, set[str]] = {}
        for name in honoured:
            if "." in name:
                top, sub = name.split(".", 1)
                partial.setdefault(top, set()).add(sub)
        plan = frozenset(whole), {k: frozenset(v) for k, v in partial.items()}
    _PLANS[key] = plan
    return plan


def unsupported(operation_model: Any, params: dict[str, Any]) -> list[str]:
    """The members of ``params`` the operation's handler does not honour, in model order
    (``Structure.Member`` for a member of a partly honoured structure)."""
    shape = operation_model.input_shape
    if shape is None or not params:
        return []
    plan = _plan(operation_model)
    if plan is None:
        return []
    whole, partial = plan
    out: list[str] = []
    for name, member in shape.members.items():
        if name not in params or name in whole:
            continue
        value = params[name]
        if name in partial and isinstance(value, dict) and member.type_name == "structure":
            accepted = partial[name]
            out += [
                f"{name}.{sub}" for sub in member.members if sub in value and sub not in accepted
            ]
        else:
            out.append(name)
    return out


def note(service: str, operation: str, name: str) -> str | None:
    """The AWS feature behind a refused parameter (``NOTES``), if one is recorded."""
    candidates = (f"{service}:{operation}.{name}", f"{service}:{name}")
    for key in candidates:
        if key in NOTES:
            return NOTES[key]
    for key in candidates:
        for pattern, text in NOTES.items():
            if "*" in pattern and fnmatchcase(key, pattern):
                return text
    return None


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def refusal(service: str, operation: str, names: list[str]) -> LabError:
    """``NotImplementedInLab`` (501) naming the parameters, the operation and what it supports."""
    notes = list(dict.fromkeys(n for n in (note(service, operation, x) for x in names) if n))
    why = f" ({'; '.join(notes)})" if notes else ""
    word = "parameter" if len(names) == 1 else "parameters"
    supported = HONOURED.get(service, {}).get(operation, ())
    return LabError(
        "NotImplementedInLab",
        f"iamlab does not emulate the {_and(names)} {word} of {service}:{operation}{why}; "
        f"supported parameters: {', '.join(supported) or 'none'}",
        501,
    )


def check_supported(operation_model: Any, params: dict[str, Any]) -> None:
    """Raise ``NotImplementedInLab`` if ``params`` carry a member the lab does not honour."""
    names = unsupported(operation_model, params)
    if names:
        raise refusal(operation_model.service_model.service_name, operation_model.name, names)
