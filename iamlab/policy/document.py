"""Policy documents: validation like IAM's and the parsed form the evaluator uses.

``parse_policy`` turns a JSON string or dict into a :class:`Policy` of compiled
statements, raising :class:`PolicyError` (worded like IAM's
``MalformedPolicyDocument``) for anything IAM would reject, and accepting what
IAM accepts (IAM User Guide, "IAM JSON policy element reference" and "Policy
grammar"; the lab's account is ``docs/aws-behaviour.md``, "Policy validation").

A document used again is parsed once.  Texts are cached by the text itself;
dicts by an exact serialisation of their content (``marshal``, computed in C,
which tells ``1``, ``1.0`` and ``True`` apart, keeps the order of keys and
refuses anything but the builtin JSON-like types), so a dict that is mutated
after being passed is parsed afresh, and a fresh dict with the same content as
an earlier one costs one serialisation and one lookup.
"""

from __future__ import annotations

import json
import marshal
import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .conditions import Clause, parse_condition
from .context import RequestContext
from .errors import PolicyError
from .glob import Glob, arn_glob, glob
from .principals import BOUNDED_TYPES, DIRECT, Caller, PrincipalSpec, parse_principal
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
# names that are labels in their own right (a KMS key policy is a resource-based policy)
OWN_LABELS = frozenset({"key policy"})
_ALNUM = string.ascii_letters + string.digits
# IAM accepts a vendor of letters, digits, "-" and "." (or "*"); the action name is not checked
_VENDOR_CHARS = _ALNUM + ".-"
# an action name that can match a real action; any other name is accepted and matches nothing
_ACTION_NAME_CHARS = _ALNUM + "*?_-"
_ALLOWED_CHARS = re.compile(r"[^\t\n\r\u0020-\u00ff]")
# the characters IAM allows, as Latin-1 bytes (see _check_characters)
_ALLOWED_BYTES = bytes([9, 10, 13, *range(0x20, 0x100)])
PARTITIONS = frozenset(
    {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}
)
# the path prefixes IAM accepts in an IAM resource ARN (IAM's own error message lists them)
IAM_RESOURCE_PATHS = (
    "user/",
    "federated-user/",
    "role/",
    "group/",
    "instance-profile/",
    "mfa/",
    "server-certificate/",
    "policy/",
    "sms-mfa/",
    "saml-provider/",
    "oidc-provider/",
    "report/",
    "access-report/",
)
_MEMO_SIZE = 512
# flags of a statement that may apply (see Policy.applicable)
RECHECK_RESOURCE = 1  # its Resource has policy variables: resolve them per request
RECHECK_BOUNDARY = 2  # a Deny whose NotPrincipal names the caller: applies if it has a boundary


def _is_action_name(name: str) -> bool:
    """Whether ``name`` is made of letters, digits, ``*``, ``?``, ``_`` and ``-`` only."""
    return bool(name) and not name.strip(_ACTION_NAME_CHARS)


class ActionSet:
    """The actions a statement lists: exact names in a set, wildcards as globs.

    An entry whose name part cannot be an action name (a comma, a space, an
    empty name: IAM accepts these) matches nothing; it is kept in ``inert``.
    """

    __slots__ = ("any", "exact", "globs", "inert", "items")

    def __init__(self, items: tuple[str, ...]) -> None:
        self.items = items
        self.any = "*" in items
        inert: list[str] = []
        exact: list[str] = []
        globs: list[Glob] = []
        for a in items:
            if a == "*":
                continue
            if not _is_action_name(a.partition(":")[2]):
                inert.append(a)
            elif "*" in a or "?" in a:
                globs.append(glob(a, True))
            else:
                exact.append(a.lower())
        self.inert = tuple(inert)
        self.exact = frozenset(exact)
        self.globs = tuple(globs)

    def match(self, action_lower: str) -> bool:
        """Whether the (lower-cased) action is listed."""
        return (
            self.any or action_lower in self.exact or any(g.match(action_lower) for g in self.globs)
        )


class ResourceSet:
    """The resources a statement lists; patterns with variables resolve per request."""

    __slots__ = ("any", "exact", "items", "memo", "patterns", "templates")

    def __init__(self, items: tuple[str, ...], versioned: bool, where: str) -> None:
        self.items = items
        self.any = "*" in items
        self.memo: dict[str, bool] = {}
        exact: set[str] = set()
        patterns = []
        templates: list[Template] = []
        for item in items:
            tpl = compile_template(item, where) if versioned and "${" in item else None
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
        if self.any:
            return True
        hit = self.memo.get(resource)
        if hit is None:
            hit = resource in self.exact or any(p.match(resource) for p in self.patterns)
            if len(self.memo) >= _MEMO_SIZE:
                self.memo.clear()
            self.memo[resource] = hit
        if hit:
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

    @classmethod
    def _new(
        cls,
        index: int,
        sid: str | None,
        effect: str,
        principal: PrincipalSpec | None,
        not_principal: PrincipalSpec | None,
        actions: ActionSet,
        not_action: bool,
        resources: ResourceSet | None,
        not_resource: bool,
        conditions: tuple[Clause, ...],
        source: dict[str, Any],
    ) -> Statement:
        """``Statement(...)`` without the frozen dataclass's ``__init__``, which sets each
        field through ``object.__setattr__`` (three times slower; parsing makes many)."""
        st = object.__new__(cls)
        st.__dict__.update(
            {
                "index": index,
                "sid": sid,
                "effect": effect,
                "principal": principal,
                "not_principal": not_principal,
                "actions": actions,
                "not_action": not_action,
                "resources": resources,
                "not_resource": not_resource,
                "conditions": conditions,
                "source": source,
            }
        )
        return st

    @property
    def allow(self) -> bool:
        return self.effect == "Allow"

    @property
    def label(self) -> str:
        """``Statement 2 (Sid "ListTable")``: 1-based, as a learner counts."""
        sid = f' (Sid "{self.sid}")' if self.sid else ""
        return f"statement {self.index + 1}{sid}"


# (statement, how its Principal names the caller, RECHECK_* flags)
Applicable = tuple[Statement, str, int]


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
    # action (lower case) -> the statements whose Action/NotAction admit it
    by_action: dict[str, tuple[Statement, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    # name -> this policy under that name (see named())
    renamed: dict[str, Policy] = field(default_factory=dict, repr=False, compare=False)
    # (action, resource, caller ARN) -> (caller, what applicable() found for that caller)
    static: dict[tuple[str, str, str], tuple[Caller, tuple[Applicable, ...]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def candidates(self, action_lower: str) -> tuple[Statement, ...]:
        """The statements whose Action (or NotAction) element admits ``action_lower``."""
        found = self.by_action.get(action_lower)
        if found is None:
            found = tuple(
                st for st in self.statements if st.actions.match(action_lower) != st.not_action
            )
            if len(self.by_action) >= _MEMO_SIZE:
                self.by_action.clear()
            self.by_action[action_lower] = found
        return found

    def label(self, position: int | None = None) -> str:
        """How explanations name this policy."""
        if self.name:
            if self.name.startswith(self.kind_label) or self.name in OWN_LABELS:
                return self.name
            return f'{self.kind_label} "{self.name}"'
        if position is not None:
            return f"{self.kind_label} #{position + 1}"
        return self.kind_label

    def __deepcopy__(self, memo: dict[int, Any]) -> Policy:
        return self  # parsed policies are immutable: copies of a lab share them

    def applicable(
        self, action_lower: str, resource: str, caller: Caller
    ) -> tuple[Applicable, ...]:
        """The statements that may apply to this action, resource and caller.

        Action, Resource (without policy variables) and Principal are checked
        here, once per (action, resource, caller); each entry is (statement, how
        the Principal names the caller, RECHECK_* flags for what depends on the
        request), and only the conditions and the flagged parts remain to test.
        """
        key = (action_lower, resource, caller.arn)
        found = self.static.get(key)
        if found is not None and (found[0] is caller or found[0] == caller):
            return found[1]
        entries: list[Applicable] = []
        for st in self.candidates(action_lower):
            flags = 0
            rs = st.resources
            if rs is not None:
                hit = rs.any or resource in rs.exact or any(p.match(resource) for p in rs.patterns)
                if hit:
                    if st.not_resource:
                        continue
                elif rs.templates:
                    flags |= RECHECK_RESOURCE
                elif not st.not_resource:
                    continue
            how = ""
            if st.principal is not None:
                named = st.principal.match(caller)
                if named is None:
                    continue
                how = named
            elif st.not_principal is not None:
                how = DIRECT
                if st.not_principal.match(caller) is not None:
                    if st.effect != "Deny" or caller.type not in BOUNDED_TYPES:
                        continue
                    flags |= RECHECK_BOUNDARY
            entries.append((st, how, flags))
        result = tuple(entries)
        if len(self.static) >= _MEMO_SIZE:
            self.static.clear()
        self.static[key] = (caller, result)
        return result

    def named(self, name: str) -> Policy:
        """:meth:`with_name`, remembered: the same object for the same name."""
        found = self.renamed.get(name)
        if found is None:
            if len(self.renamed) >= _MEMO_SIZE:
                self.renamed.clear()
            found = self.renamed[name] = self.with_name(name)
        return found

    def with_name(self, name: str | None) -> Policy:
        """The same policy under another name."""
        return Policy(
            self.kind,
            name,
            self.version,
            self.id,
            self.statements,
            self.document,
            self.text,
            self.by_action,
            {},
            self.static,
        )


def _strings(value: Any, element: str, where: str) -> tuple[str, ...]:
    if type(value) is str and value:  # the common case: one entry
        return (value,)
    items = value if isinstance(value, list) else [value]
    if not items:
        raise PolicyError(f"{element} must not be an empty list", where)
    for item in items:
        if not isinstance(item, str) or not item:
            raise PolicyError(f"{element} entries must be non-empty strings", where)
    return tuple(items)


def _check_action(action: str, where: str) -> None:
    """``*`` or ``vendor:name`` with one colon; IAM does not check the name part."""
    if action == "*":
        return
    vendor, colon, name = action.partition(":")
    if not colon:
        raise PolicyError(
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", where
        )
    if ":" in name:
        raise PolicyError("Actions/Condition can contain only one colon.", where)
    if not vendor:
        raise PolicyError(
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", where
        )
    if vendor != "*" and vendor.strip(_VENDOR_CHARS):
        raise PolicyError(f"Vendor {vendor} is not valid", where)


def _check_resource(resource: str, where: str) -> None:
    """IAM's checks of a Resource/NotResource entry (a short ARN is accepted, matches nothing)."""
    if resource == "*":
        return
    fields = resource.split(":")
    if len(fields) == 1:
        raise PolicyError(f'Resource {resource} must be in ARN format or "*".', where)
    partition = fields[1]
    if partition != "*" and partition not in PARTITIONS:
        rest = fields[2:] + ["*"] * (4 - len(fields[2:]))
        shown = ":".join([*rest[:3], ":".join(rest[3:])])
        raise PolicyError(
            f'Partition "{partition}" is not valid for resource "arn:{partition}:{shown}".', where
        )
    if len(fields) == 2:
        raise PolicyError(
            "Resource vendor must be fully qualified and cannot contain regexes.", where
        )
    vendor = fields[2]
    if not vendor or ("::" in resource and resource.count(":") < 5):
        raise PolicyError("The policy failed legacy parsing", where)
    if len(fields) < 6:
        return  # accepted; an ARN of fewer than six parts matches nothing
    region, account = fields[3], fields[4]
    if vendor == "iam":
        path = ":".join(fields[5:])
        if region:
            raise PolicyError(f"IAM resource {resource} cannot contain region information.", where)
        if path != "*" and not path.startswith(IAM_RESOURCE_PATHS):
            raise PolicyError(
                'IAM resource path must either be "*" or start with '
                + ", ".join(IAM_RESOURCE_PATHS)
                + ".",
                where,
            )
    elif vendor == "s3" and region and not account:
        # bucket and object ARNs name no region and no account; access points may have both
        raise PolicyError(f"Resource {resource} can not contain region information.", where)


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
        if kind not in ("resource", "rcp") and sid and not (sid.isascii() and sid.isalnum()):
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
    action_where = f"{where}.{action_key}"
    actions = _strings(raw[action_key], action_key, action_where)
    for action in actions:
        _check_action(action, action_where)

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
        resource_where = f"{where}.{resource_key}"
        items = _strings(raw[resource_key], resource_key, resource_where)
        for item in items:
            _check_resource(item, resource_where)
        resources = ResourceSet(items, versioned, resource_where)

    conditions: tuple[Clause, ...] = ()
    if "Condition" in raw:
        conditions = parse_condition(raw["Condition"], versioned, f"{where}.Condition")

    return Statement._new(
        index,
        sid,
        effect,
        principal,
        not_principal,
        ActionSet(actions),
        action_key == "NotAction",
        resources,
        resource_key == "NotResource" and resources is not None,
        conditions,
        raw,
    )


class _NotJson(ValueError):
    """A number literal that JSON does not have (NaN, Infinity, -Infinity)."""


def _refuse_constant(name: str) -> Any:
    raise _NotJson(name)


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def _loads(text: str) -> Any:
    """``json.loads``, refusing NaN and Infinity (Python's json accepts them; IAM does not)."""
    try:
        if text.startswith("\ufeff"):  # json.loads's own error for a byte order mark
            return json.loads(text, parse_constant=_refuse_constant)
        return _DECODER.decode(text)
    except _NotJson as exc:
        raise PolicyError(
            f"This policy contains invalid Json: {exc} is not a JSON number"
        ) from None
    except (ValueError, RecursionError) as exc:
        detail = (
            f": {exc.msg} at line {exc.lineno} column {exc.colno}"
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        raise PolicyError(f"This policy contains invalid Json{detail}") from None


def _dumps(document: dict[str, Any]) -> str:
    """The JSON text of a dict policy (NaN and Infinity come out as such and are refused)."""
    try:
        return json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        raise PolicyError("This policy contains invalid Json") from None


def _load(document: Any) -> tuple[dict[str, Any], str]:
    """The document as a fresh dict of its own, and its JSON text."""
    if isinstance(document, (bytes, bytearray)):
        try:
            document = bytes(document).decode("utf-8")
        except UnicodeDecodeError:
            raise PolicyError("This policy contains invalid Json") from None
    if isinstance(document, str):
        text = str(document)
    elif isinstance(document, dict):
        text = _dumps(document)
    else:
        raise PolicyError(
            f"A policy document must be a JSON object (dict or str), not {type(document).__name__}"
        )
    loaded = _loads(text)
    if not isinstance(loaded, dict):
        raise PolicyError("Syntax errors in policy: the document must be a JSON object")
    return loaded, text


@lru_cache(maxsize=2048)
def _parse_text(text: str, kind: str) -> Policy:
    document, _ = _load(text)
    try:
        return _build(document, text, kind)
    except RecursionError:
        raise PolicyError("This policy contains invalid Json") from None


# (exact serialisation of a dict, kind, default name) -> parsed policy.
# ``marshal`` writes only the exact builtin types (dict, list, tuple, str, int, float, bool,
# None), each with its own type code, and refuses subclasses and other objects: its bytes
# read back as the same values of the same types, keys in the same order, so two dicts with
# the same bytes hold the same document.  (Format 4 may write an object met twice as a
# back-reference, so equal documents can give different bytes: that costs a parse, never a
# wrong one.)
_BY_CONTENT: dict[tuple[bytes, str, str | None], Policy] = {}
_BY_CONTENT_SIZE = 2048


def _parse_dict(
    document: dict[str, Any], kind: str, name: str | None = None, content: bytes | None = None
) -> Policy:
    """A dict policy, cached by its exact content (see ``_BY_CONTENT``); ``content`` is
    ``marshal.dumps(document, 4)`` when the caller has it already."""
    key = None
    if type(document) is dict:
        try:
            key = (content or marshal.dumps(document, 4), kind, name)
        except (ValueError, TypeError, RecursionError):
            key = None
        else:
            found = _BY_CONTENT.get(key)
            if found is not None:
                return found
    policy = _parse_text(_dumps(document), kind)
    if name is not None and policy.name is None:
        policy = policy.named(name)
    if key is not None:
        if len(_BY_CONTENT) >= _BY_CONTENT_SIZE:
            _BY_CONTENT.clear()
        _BY_CONTENT[key] = policy
    return policy


def _check_characters(text: str) -> None:
    """Raise unless every character is a tab, line feed, carriage return or U+0020-U+00FF."""
    try:
        if not text.encode("latin-1").translate(None, _ALLOWED_BYTES):
            return
    except UnicodeEncodeError:
        pass
    bad = _ALLOWED_CHARS.search(text)
    if bad:
        raise PolicyError(
            f"Policy contains the character {bad.group()!r} (U+{ord(bad.group()):04X}); "
            "IAM allows only tab, line feed, carriage return and U+0020 to U+00FF"
        )


def _build(document: dict[str, Any], text: str, kind: str) -> Policy:
    _check_characters(text)
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
    policy = _parse_any(document, kind)
    return policy if name is None else policy.with_name(name)


def _parse_any(
    document: Any, kind: str, name: str | None = None, content: bytes | None = None
) -> Policy:
    """:func:`parse_policy`, cached and shared; ``name`` names it only if it has no name.
    ``content`` is the ``marshal`` bytes of a dict document, when the caller has them."""
    kind_of = type(document)
    if kind_of is dict:
        return _parse_dict(document, kind, name, content)
    if kind_of is str:
        policy = _parse_text(document, kind)
    elif isinstance(document, Policy):
        if document.kind == kind or (document.kind, kind) in _COMPATIBLE:
            policy = document
        else:
            return _parse_dict(document.document, kind, name)
    elif isinstance(document, dict):
        return _parse_dict(document, kind, name)
    elif isinstance(document, (str, bytes, bytearray)):
        policy = _parse_text(_load(document)[1], kind)
    else:
        _load(document)  # raises with a clear message
        raise AssertionError("unreachable")
    if name is not None and policy.name is None:
        return policy.named(name)
    return policy


_COMPATIBLE = {("resource", "trust"), ("trust", "resource")}


def validate_policy(document: Any, kind: str = "identity") -> None:
    """Raise :class:`PolicyError` if IAM would reject ``document`` as a ``kind`` policy."""
    parse_policy(document, kind)
