"""Policy documents: validation like IAM's and the parsed form the evaluator uses.

``parse_policy`` turns a JSON string or dict into a :class:`Policy` of compiled
statements, raising :class:`PolicyError` (worded like IAM's
``MalformedPolicyDocument``) for anything IAM would reject.  Parsed policies are
cached by their text, so a document used again is parsed once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .conditions import Clause, parse_condition
from .context import RequestContext
from .errors import PolicyError
from .glob import arn_glob, glob
from .principals import PrincipalSpec, parse_principal
from .variables import Template, compile_template

VERSIONS = ("2012-10-17", "2008-10-17")
KINDS = ("identity", "resource", "trust", "boundary", "session", "scp", "rcp")
KIND_LABELS = {
    "identity": "identity-based policy",
    "resource": "resource-based policy",
    "trust": "role trust policy",
    "boundary": "permissions boundary",
    "session": "session policy",
    "scp": "service control policy",
    "rcp": "resource control policy",
}
_TOP_KEYS = {"Version", "Id", "Statement"}
_STATEMENT_KEYS = {
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
}
_WITH_PRINCIPAL = {"resource", "trust", "rcp"}
_IAM_SID = re.compile(r"^[A-Za-z0-9]*$")
_VENDOR = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_ACTION_NAME = re.compile(r"^[A-Za-z0-9*?_-]+$")
_ALLOWED_CHARS = re.compile(r"[^\t\n\r\u0020-\u00ff]")


class ActionSet:
    """The actions a statement lists: exact names in a set, wildcards as globs."""

    __slots__ = ("any", "exact", "globs", "items")

    def __init__(self, items: tuple[str, ...]) -> None:
        self.items = items
        self.any = "*" in items
        self.exact = frozenset(a.lower() for a in items if "*" not in a and "?" not in a)
        self.globs = tuple(glob(a, True) for a in items if ("*" in a or "?" in a) and a != "*")

    def match(self, action_lower: str) -> bool:
        """Whether the (lower-cased) action is listed."""
        return (
            self.any or action_lower in self.exact or any(g.match(action_lower) for g in self.globs)
        )


class ResourceSet:
    """The resources a statement lists; patterns with variables resolve per request."""

    __slots__ = ("any", "exact", "items", "patterns", "templates")

    def __init__(self, items: tuple[str, ...], versioned: bool, where: str) -> None:
        self.items = items
        self.any = "*" in items
        exact: set[str] = set()
        patterns = []
        templates: list[Template] = []
        for item in items:
            tpl = compile_template(item, where) if versioned else None
            if tpl is not None:
                templates.append(tpl)
            elif "*" in item or "?" in item:
                if item != "*":
                    patterns.append(arn_glob(item))
            else:
                exact.add(item)
        self.exact = frozenset(exact)
        self.patterns = tuple(patterns)
        self.templates = tuple(templates)

    def match(self, resource: str, context: RequestContext) -> bool:
        """Whether ``resource`` is listed (variables resolved from ``context``)."""
        if self.any or resource in self.exact:
            return True
        if any(p.match(resource) for p in self.patterns):
            return True
        for tpl in self.templates:
            text = tpl.resolve(context, as_pattern=True)
            if text is not None and arn_glob(text).match(resource):
                return True
        return False


@dataclass(frozen=True, eq=False)
class Statement:
    """One parsed statement of a policy."""

    index: int
    sid: str | None
    effect: str
    principal: PrincipalSpec | None
    not_principal: PrincipalSpec | None
    actions: ActionSet
    not_action: bool
    resources: ResourceSet | None
    not_resource: bool
    conditions: tuple[Clause, ...]
    source: dict[str, Any]

    @property
    def allow(self) -> bool:
        return self.effect == "Allow"

    @property
    def label(self) -> str:
        """``Statement 2 (Sid "ListTable")``: 1-based, as a learner counts."""
        sid = f' (Sid "{self.sid}")' if self.sid else ""
        return f"statement {self.index + 1}{sid}"


@dataclass(frozen=True, eq=False)
class Policy:
    """A parsed, validated policy document."""

    kind: str
    name: str | None
    version: str | None
    id: str | None
    statements: tuple[Statement, ...]
    document: dict[str, Any] = field(repr=False)
    text: str = field(repr=False)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def label(self, position: int | None = None) -> str:
        """How explanations name this policy."""
        if self.name:
            if self.name.startswith(self.kind_label):
                return self.name
            return f'{self.kind_label} "{self.name}"'
        if position is not None:
            return f"{self.kind_label} #{position + 1}"
        return self.kind_label

    def __deepcopy__(self, memo: dict[int, Any]) -> Policy:
        return self  # parsed policies are immutable: copies of a lab share them

    def with_name(self, name: str | None) -> Policy:
        """The same policy under another name."""
        return Policy(
            self.kind, name, self.version, self.id, self.statements, self.document, self.text
        )


def _strings(value: Any, element: str, where: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise PolicyError(f"{element} must not be an empty list", where)
    for item in items:
        if not isinstance(item, str) or not item:
            raise PolicyError(f"{element} entries must be non-empty strings", where)
    return tuple(items)


def _check_action(action: str, where: str) -> None:
    if action == "*":
        return
    if ":" not in action:
        raise PolicyError(
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", where
        )
    if action.count(":") > 1:
        raise PolicyError("Actions/Condition can contain only one colon.", where)
    vendor, name = action.split(":")
    if not _VENDOR.match(vendor):
        raise PolicyError(f"Vendor {vendor} is not valid", where)
    if not name or not _ACTION_NAME.match(name):
        raise PolicyError(f"Action {action} is not valid", where)


def _check_resource(resource: str, where: str) -> None:
    if resource == "*" or resource.startswith("${"):
        return
    parts = resource.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2]:
        raise PolicyError(f'Resource {resource} must be in ARN format or "*".', where)


def _parse_statement(raw: Any, index: int, kind: str, versioned: bool, location: str) -> Statement:
    where = f"{location}[{index}]"
    if not isinstance(raw, dict):
        raise PolicyError("Each statement must be a JSON object", where)
    for key in raw:
        if key not in _STATEMENT_KEYS:
            raise PolicyError(f"Statement has unknown field {key}", where)
    sid = raw.get("Sid")
    if sid is not None:
        if not isinstance(sid, str):
            raise PolicyError("Sid must be a string", f"{where}.Sid")
        if kind not in ("resource", "rcp") and not _IAM_SID.match(sid):
            raise PolicyError(
                f'Statement IDs (SID) must be alpha-numeric; "{sid}" is not', f"{where}.Sid"
            )
    effect = raw.get("Effect")
    if effect is None:
        raise PolicyError("Missing required field Effect", where)
    if effect not in ("Allow", "Deny"):
        raise PolicyError(
            f'Invalid effect: {effect}; Effect must be "Allow" or "Deny"', f"{where}.Effect"
        )

    has_principal = "Principal" in raw or "NotPrincipal" in raw
    if kind in _WITH_PRINCIPAL:
        if not has_principal:
            raise PolicyError("Missing required field Principal", where)
        if "Principal" in raw and "NotPrincipal" in raw:
            raise PolicyError("Statement cannot have both Principal and NotPrincipal", where)
        if kind == "trust" and "NotPrincipal" in raw:
            raise PolicyError("Has prohibited field NotPrincipal", where)
    elif has_principal:
        field_name = "Principal" if "Principal" in raw else "NotPrincipal"
        raise PolicyError(f"Has prohibited field {field_name}", where)
    principal = (
        parse_principal(raw["Principal"], f"{where}.Principal") if "Principal" in raw else None
    )
    not_principal = (
        parse_principal(raw["NotPrincipal"], f"{where}.NotPrincipal")
        if "NotPrincipal" in raw
        else None
    )

    if "Action" in raw and "NotAction" in raw:
        raise PolicyError("Statement cannot have both Action and NotAction", where)
    if "Action" not in raw and "NotAction" not in raw:
        raise PolicyError("Policy statement must contain actions.", where)
    action_key = "Action" if "Action" in raw else "NotAction"
    actions = _strings(raw[action_key], action_key, f"{where}.{action_key}")
    for action in actions:
        _check_action(action, f"{where}.{action_key}")

    if "Resource" in raw and "NotResource" in raw:
        raise PolicyError("Statement cannot have both Resource and NotResource", where)
    resources = None
    resource_key = "Resource" if "Resource" in raw else "NotResource"
    if kind == "trust":
        if "Resource" in raw or "NotResource" in raw:
            raise PolicyError(f"Has prohibited field {resource_key}", where)
    else:
        if resource_key not in raw:
            raise PolicyError("Policy statement must contain resources.", where)
        items = _strings(raw[resource_key], resource_key, f"{where}.{resource_key}")
        for item in items:
            _check_resource(item, f"{where}.{resource_key}")
        resources = ResourceSet(items, versioned, f"{where}.{resource_key}")

    conditions: tuple[Clause, ...] = ()
    if "Condition" in raw:
        conditions = parse_condition(raw["Condition"], versioned, f"{where}.Condition")

    return Statement(
        index=index,
        sid=sid,
        effect=effect,
        principal=principal,
        not_principal=not_principal,
        actions=ActionSet(actions),
        not_action=action_key == "NotAction",
        resources=resources,
        not_resource=resource_key == "NotResource" and resources is not None,
        conditions=conditions,
        source=raw,
    )


def _load(document: Any) -> tuple[dict[str, Any], str]:
    if isinstance(document, (bytes, bytearray)):
        try:
            document = document.decode("utf-8")
        except UnicodeDecodeError:
            raise PolicyError("This policy contains invalid Json") from None
    if isinstance(document, str):
        text = document
        try:
            loaded = json.loads(text)
        except (ValueError, RecursionError) as exc:
            detail = (
                f": {exc.msg} at line {exc.lineno} column {exc.colno}"
                if hasattr(exc, "msg")
                else ""
            )
            raise PolicyError(f"This policy contains invalid Json{detail}") from None
    elif isinstance(document, dict):
        loaded = document
        try:
            text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            raise PolicyError("This policy contains invalid Json") from None
    else:
        raise PolicyError(
            f"A policy document must be a JSON object (dict or str), not {type(document).__name__}"
        )
    if not isinstance(loaded, dict):
        raise PolicyError("Syntax errors in policy: the document must be a JSON object")
    return loaded, text


@lru_cache(maxsize=2048)
def _parse_text(text: str, kind: str) -> Policy:
    document, _ = _load(text)
    return _build(document, text, kind)


def _build(document: dict[str, Any], text: str, kind: str) -> Policy:
    bad = _ALLOWED_CHARS.search(text)
    if bad:
        raise PolicyError(
            f"Policy contains the character {bad.group()!r} (U+{ord(bad.group()):04X}); "
            "IAM allows only tab, line feed, carriage return and U+0020 to U+00FF"
        )
    for key in document:
        if key not in _TOP_KEYS:
            raise PolicyError(f"Syntax errors in policy: unknown top-level field {key}")
    version = document.get("Version")
    if version is not None and version not in VERSIONS:
        raise PolicyError(
            f"Policy document must be version 2012-10-17 or 2008-10-17; got {version!r}",
            "Version",
        )
    policy_id = document.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise PolicyError("Id must be a string", "Id")
    if "Statement" not in document:
        raise PolicyError("Missing required field Statement")
    raw = document["Statement"]
    if isinstance(raw, dict):
        raws, location = [raw], "Statement"
    elif isinstance(raw, list) and raw:
        raws, location = raw, "Statement"
    else:
        raise PolicyError("Statement must be an object or a non-empty list", "Statement")
    versioned = version == "2012-10-17"
    statements = tuple(
        _parse_statement(item, i, kind, versioned, location) for i, item in enumerate(raws)
    )
    sids = [s.sid for s in statements if s.sid]
    if len(sids) != len(set(sids)):
        raise PolicyError("Statement IDs (SID) in a single policy must be unique.", "Statement")
    return Policy(kind, None, version, policy_id, statements, document, text)


def parse_policy(document: Any, kind: str = "identity", name: str | None = None) -> Policy:
    """Validate and parse a policy document (dict, JSON str/bytes, or :class:`Policy`).

    ``kind`` is one of identity, resource, trust, boundary, session, scp, rcp;
    it decides which elements are required or prohibited (a resource or trust
    policy needs Principal, an identity policy must not have one).
    Raises :class:`PolicyError` for anything IAM would reject.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown policy kind {kind!r}; expected one of {', '.join(KINDS)}")
    if isinstance(document, Policy):
        if document.kind == kind or (document.kind, kind) in _COMPATIBLE:
            return document if name is None else document.with_name(name)
        document = document.document
    if isinstance(document, dict):
        _, text = _load(document)
        try:
            policy = _parse_text(text, kind)
        except RecursionError:
            raise PolicyError("This policy contains invalid Json") from None
    elif isinstance(document, (str, bytes, bytearray)):
        text = document.decode("utf-8", "replace") if not isinstance(document, str) else document
        try:
            policy = _parse_text(text, kind)
        except RecursionError:
            raise PolicyError("This policy contains invalid Json") from None
    else:
        _load(document)  # raises with a clear message
        raise AssertionError("unreachable")
    return policy if name is None else policy.with_name(name)


_COMPATIBLE = {("resource", "trust"), ("trust", "resource")}


def validate_policy(document: Any, kind: str = "identity") -> None:
    """Raise :class:`PolicyError` if IAM would reject ``document`` as a ``kind`` policy."""
    parse_policy(document, kind)
