"""IAM's policy simulator: ``SimulateCustomPolicy`` and ``SimulatePrincipalPolicy``.

The decisions come from the policy engine (:mod:`iamlab.policy.evaluation`); this
module turns the request into the engine's inputs and the engine's decisions into
IAM's ``EvaluationResults`` (docs/aws-behaviour.md, "IAM"; botocore's IAM model):

* one result per action; ``ResourceArns`` default to ``*``.  With specific ARNs the
  per-resource decisions are in ``ResourceSpecificResults`` and the top level holds the
  most restrictive decision, the union of the statements behind it and of the missing
  context keys.  The lab knows no ARN templates, so the top-level ``EvalResourceName``
  is ``*`` (the model's value "if no ARN format is defined for the action").
* ``MatchedStatements`` name only identity-based and resource-based statements (an
  explicit deny lists only the deny statement), with their start and end positions
  (1-based line and column of the statement's ``{`` and ``}``) in the JSON text given.
* the simulator uses only the context you pass (``ContextEntries``); the lab adds the
  keys the simulated caller's ARN implies (``aws:PrincipalArn``, ``aws:username``...)
  when there is a caller, as the engine does for ``evaluate``.
* SCP statements and keys never appear in ``MatchedStatements``/``MissingContextValues``.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re
from dataclasses import dataclass
from typing import Any

from ...policy.context import RequestContext
from ...policy.decision import ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY
from ...policy.evaluation import build_context, decide, prepare
from ...policy.principals import Caller as EngineCaller
from ..authz import parse
from ..errors import LabError
from ..state import AccountState, Principal
from ._call import Call
from ._iam_common import page
from ._registry import operation

# SourcePolicyType of policies passed in PolicyInputList: AWS answers "IAM Policy"
# (observed in real responses, though the botocore enum does not list it).
INPUT_TYPE = "IAM Policy"
# matched with fullmatch: a trailing newline is part of the value, not an end of line
_ACTION = re.compile(r"[A-Za-z0-9-]+:[A-Za-z0-9_-]+")
_CALLER = re.compile(
    r"arn:aws:iam::(\d{12}):(user|group|role)(/[\w+=,.@/-]*)?/([\w+=,.@-]+)", re.ASCII
)
_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?", re.ASCII
)
_RANK = {ALLOWED: 0, IMPLICIT_DENY: 1, EXPLICIT_DENY: 2}
_ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'


def invalid(message: str) -> LabError:
    """IAM's ``InvalidInput`` (HTTP 400)."""
    return LabError("InvalidInput", message, 400)


# ---- statement positions ---------------------------------------------------------------
def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def statement_spans(text: str) -> list[tuple[int, int]]:
    """Offsets ``(start, end)`` of each statement object in a policy's JSON text.

    ``start`` is the index of the statement's ``{`` and ``end`` that of its ``}``.
    Walks only the top-level object and the ``Statement`` array, decoding every
    other value with ``json.JSONDecoder.raw_decode``; returns ``[]`` if the text is
    not shaped like a policy (the parser reports the problem instead).
    """
    decoder = json.JSONDecoder()
    spans: list[tuple[int, int]] = []
    try:
        i = _skip_ws(text, 0)
        if text[i] != "{":
            return []
        i = _skip_ws(text, i + 1)
        while text[i] != "}":
            key, i = decoder.raw_decode(text, i)
            i = _skip_ws(text, i)
            if text[i] != ":":
                return []
            i = _skip_ws(text, i + 1)
            if key == "Statement" and text[i] == "[":
                spans = []
                i = _skip_ws(text, i + 1)
                while text[i] != "]":
                    start = i
                    _, i = decoder.raw_decode(text, i)
                    spans.append((start, i - 1))
                    i = _skip_ws(text, i)
                    if text[i] == ",":
                        i = _skip_ws(text, i + 1)
                i += 1
            elif key == "Statement":
                start = i
                _, i = decoder.raw_decode(text, i)
                spans = [(start, i - 1)]
            else:
                _, i = decoder.raw_decode(text, i)
            i = _skip_ws(text, i)
            if text[i] == ",":
                i = _skip_ws(text, i + 1)
    except (IndexError, ValueError):
        return []
    return spans


def position(text: str, offset: int) -> dict[str, int]:
    """IAM's ``Position``: 1-based line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return {"Line": line, "Column": column}


# ---- inputs ------------------------------------------------------------------------------
@dataclass
class Source:
    """One policy of the simulation: where it came from and its text."""

    source_id: str  # SourcePolicyId
    source_type: str  # SourcePolicyType
    text: str


@dataclass
class Inputs:
    """Everything one simulation evaluates, parsed."""

    identity: list[Any]
    boundary: list[Any] | None
    resource_policy: Any
    scps: list[list[Any]]
    sources: dict[str, Source]  # engine policy name -> source


def _add(inputs: Inputs, name: str, source: Source, kind: str) -> Any:
    """Parse ``source.text`` as a ``kind`` policy named ``name`` and remember its source."""
    inputs.sources[name] = source
    return parse(source.text, kind, name)


def _custom_policies(inputs: Inputs, params: dict) -> None:
    for n, text in enumerate(params.get("PolicyInputList", []), 1):
        sid = f"PolicyInputList.{n}"
        inputs.identity.append(_add(inputs, sid, Source(sid, INPUT_TYPE, text), "identity"))
    boundaries = params.get("PermissionsBoundaryPolicyInputList") or []
    if len(boundaries) > 1:
        raise invalid("You can specify only one permissions boundary policy.")
    if boundaries:
        sid = "PermissionsBoundaryPolicyInputList.1"
        src = Source(sid, "none", boundaries[0])
        inputs.boundary = [_add(inputs, sid, src, "boundary")]
    levels = params.get("OrderedOrganizationPolicyInputList") or []
    for n, level in enumerate(levels, 1):
        docs = level.get("ServiceControlPolicyInputList", [])
        parsed = []
        for m, text in enumerate(docs, 1):
            sid = f"OrderedOrganizationPolicyInputList.{n}.{m}"
            parsed.append(_add(inputs, sid, Source(sid, "none", text), "scp"))
        inputs.scps.append(parsed)
    if params.get("ResourcePolicy") is not None:
        src = Source("ResourcePolicy", "resource", params["ResourcePolicy"])
        inputs.resource_policy = _add(inputs, "ResourcePolicy", src, "resource")


def _context(entries: list[dict]) -> dict[str, Any]:
    """``ContextEntries`` as engine context values (empty value lists are ignored)."""
    out: dict[str, Any] = {}
    for entry in entries:
        name = entry.get("ContextKeyName")
        if not name:
            raise invalid("ContextKeyName is required in each ContextEntry.")
        values = [str(v) for v in entry.get("ContextKeyValues", [])]
        if not values:
            continue  # the simulator ignores empty context values (docs/aws-behaviour.md, "IAM")
        kind = entry.get("ContextKeyType") or ("string" if len(values) == 1 else "stringList")
        base = kind[:-4] if kind.endswith("List") else kind
        if base == kind and len(values) > 1:
            raise invalid(f"Context key {name} of type {kind} takes one value, not {len(values)}.")
        checked = [_typed(name, base, v) for v in values]
        out[name] = checked if base != kind else checked[0]
    return out


def _typed(name: str, kind: str, value: str) -> str:
    """Check one context value against its ``ContextKeyType`` and normalise it."""
    ok = True
    if kind == "numeric":
        try:
            float(value)
        except ValueError:
            ok = False
    elif kind == "boolean":
        ok = value.lower() in ("true", "false")
        value = value.lower()
    elif kind == "date":
        ok = bool(_DATE.fullmatch(value)) or (value.isascii() and value.isdigit())
    elif kind == "ip":
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            ok = False
    elif kind == "binary":
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            ok = False
    elif kind != "string":
        raise invalid(f"Invalid ContextKeyType {kind!r} for context key {name}.")
    if not ok:
        raise invalid(f"Invalid value {value!r} for context key {name} of type {kind}.")
    return value


def _actions(params: dict) -> list[str]:
    names = list(params["ActionNames"])
    for name in names:
        if "*" in name or "?" in name:
            raise invalid(f"Action names cannot contain wildcards: {name}")
        if not _ACTION.fullmatch(name):
            raise invalid(f"Invalid action name {name}; use service:Action, e.g. iam:CreateUser.")
    return names


def _caller_arn(arn: str | None) -> EngineCaller | None:
    """The simulated caller: an IAM user, group or role (never a session or service)."""
    if arn is None:
        return None
    m = _CALLER.fullmatch(arn)
    if m is None:
        raise invalid(
            f"Invalid CallerArn {arn}: the simulated caller must be an IAM user, group or "
            "role, not the root user, an assumed-role session, a federated user or a service."
        )
    account, kind, name = m.group(1), m.group(2), m.group(4)
    engine_type = {"user": "User", "group": "Group", "role": "Role"}[kind]
    return EngineCaller(arn, engine_type, account, name, role_name=name if kind == "role" else None)


# ---- evaluation ----------------------------------------------------------------------------
def _request(
    call: Call,
    inputs: Inputs,
    caller: EngineCaller | None,
    action: str,
    resource: str,
    context: dict[str, Any],
    owner: str,
    scps: bool = True,
    identity: list[Any] | None = None,
    boundary: list[Any] | None = None,
    resource_policy: Any = None,
) -> Any:
    """A prepared engine request for one action and resource."""
    parts = resource.split(":")
    resource_account = parts[4] if len(parts) > 5 and parts[4] else owner
    placeholder = f"arn:aws:iam::{caller.account if caller else owner}:user/iamlab-simulation"
    req = prepare(
        action,
        resource,
        placeholder,
        context,
        identity_policies=inputs.identity if identity is None else identity,
        resource_policy=resource_policy,
        resource_account=resource_account,
        permission_boundaries=boundary,
        scps=inputs.scps if scps else None,
    )
    req.caller = caller or EngineCaller(placeholder, "User", owner, "iamlab-simulation")
    req.same_account = resource_account == req.caller.account
    # the simulator uses only the context it is given, plus what a named caller implies
    req.context = build_context(context, caller) if caller else RequestContext(context)
    return req


def _matched(decision: Any, sources: dict[str, Source]) -> list[dict[str, Any]]:
    out = []
    for m in decision.matched_statements:
        if m.policy_type not in ("identity", "resource", "trust"):
            continue  # only identity-based and resource-based statements are listed
        src = sources.get(m.policy)
        if src is None:
            continue
        item: dict[str, Any] = {
            "SourcePolicyId": src.source_id,
            "SourcePolicyType": src.source_type,
        }
        spans = statement_spans(src.text)
        if m.index < len(spans):
            start, end = spans[m.index]
            item["StartPosition"] = position(src.text, start)
            item["EndPosition"] = position(src.text, end)
        out.append(item)
    return out


def _one(
    call: Call,
    inputs: Inputs,
    caller: EngineCaller | None,
    action: str,
    resource: str,
    context: dict[str, Any],
    owner: str,
) -> dict[str, Any]:
    """The decision for one action on one resource, as a ResourceSpecificResult-like dict."""
    req = _request(
        call, inputs, caller, action, resource, context, owner,
        boundary=inputs.boundary, resource_policy=inputs.resource_policy,
    )  # fmt: skip
    d = decide(req)
    missing = list(d.missing_context_values)
    if inputs.scps:  # keys only the SCPs ask for are not reported
        plain = _request(
            call, inputs, caller, action, resource, context, owner, scps=False,
            boundary=inputs.boundary, resource_policy=inputs.resource_policy,
        )  # fmt: skip
        missing = list(decide(plain).missing_context_values)
    out: dict[str, Any] = {
        "EvalResourceName": resource,
        "EvalResourceDecision": d.decision,
        "MatchedStatements": _matched(d, inputs.sources),
        "MissingContextValues": missing,
    }
    if inputs.boundary:
        alone = _request(
            call, inputs, caller, action, resource, context, owner, scps=False,
            identity=[parse(_ALLOW_ALL, "identity", "allow all")], boundary=inputs.boundary,
        )  # fmt: skip
        alone.same_account = True
        out["PermissionsBoundaryDecisionDetail"] = {
            "AllowedByPermissionsBoundary": decide(alone).decision == ALLOWED
        }
    if inputs.scps:
        alone = _request(
            call, inputs, caller, action, resource, context, owner,
            identity=[parse(_ALLOW_ALL, "identity", "allow all")],
        )  # fmt: skip
        alone.same_account = True
        out["_organizations"] = decide(alone).decision == ALLOWED
    return out


def simulate(
    call: Call,
    params: dict,
    inputs: Inputs,
    caller: EngineCaller | None,
) -> dict[str, Any]:
    """Evaluate every action on every resource and shape IAM's answer."""
    actions = _actions(params)
    resources = list(params.get("ResourceArns") or ["*"])
    context = _context(params.get("ContextEntries", []))
    owner: str = params.get("ResourceOwner") or (caller and caller.account) or call.account
    if inputs.resource_policy is not None and caller is None:
        raise invalid("CallerArn is required when you include a ResourcePolicy.")
    results = []
    for action in actions:
        per = [_one(call, inputs, caller, action, r, context, owner) for r in resources]
        worst = max((p["EvalResourceDecision"] for p in per), key=_RANK.__getitem__)
        matched: list[dict[str, Any]] = []
        for p in per:
            if p["EvalResourceDecision"] == worst:
                matched += [s for s in p["MatchedStatements"] if s not in matched]
        missing = sorted({k for p in per for k in p["MissingContextValues"]}, key=str.lower)
        result: dict[str, Any] = {
            "EvalActionName": action,
            "EvalResourceName": "*",
            "EvalDecision": worst,
            "MatchedStatements": matched,
            "MissingContextValues": missing,
        }
        if inputs.scps:
            result["OrganizationsDecisionDetail"] = {
                "AllowedByOrganizations": all(p["_organizations"] for p in per)
            }
        for p in per:
            p.pop("_organizations", None)
        if inputs.boundary:
            result["PermissionsBoundaryDecisionDetail"] = {
                "AllowedByPermissionsBoundary": all(
                    p["PermissionsBoundaryDecisionDetail"]["AllowedByPermissionsBoundary"]
                    for p in per
                )
            }
        if resources != ["*"]:
            result["ResourceSpecificResults"] = per
        results.append(result)
    return page(results, params, "EvaluationResults")


# ---- the two operations ----------------------------------------------------------------------
@operation("iam", "SimulateCustomPolicy")
def simulate_custom_policy(call: Call, params: dict) -> dict:
    """Simulate policies given as JSON text (nothing stored in the account is used)."""
    call.authorize("iam:SimulateCustomPolicy", "*")
    inputs = Inputs([], None, None, [], {})
    _custom_policies(inputs, params)
    return simulate(call, params, inputs, _caller_arn(params.get("CallerArn")))


def _entity(acct: AccountState, arn: str) -> tuple[str, Principal]:
    m = _CALLER.fullmatch(arn)
    if m is None:
        raise invalid(
            f"Invalid PolicySourceArn {arn}: it must be the ARN of an IAM user, group or role."
        )
    kind, name = m.group(2), m.group(4)
    entity = {"user": acct.user, "group": acct.group, "role": acct.role}[kind](name)
    if entity is None or entity.arn != arn or m.group(1) != acct.account_id:
        raise LabError("NoSuchEntity", f"The {kind} with name {name} cannot be found.", 404)
    return kind, entity


def _stored(inputs: Inputs, acct: AccountState, kind: str, entity: Principal) -> None:
    """The inline and attached managed policies of one user, group or role."""
    for name, stored in entity.inline.items():
        label = f"{kind}/{entity.name}/{name}"
        src = Source(name, kind, stored.document)
        inputs.identity.append(_add(inputs, label, src, "identity"))
    for arn in entity.attached:
        mp = acct.policies.get(arn)
        if mp is not None:
            src = Source(mp.name, "user-managed", mp.default.policy.document)
            inputs.identity.append(_add(inputs, f"{arn}@{mp.default_version}", src, "identity"))


@operation("iam", "SimulatePrincipalPolicy")
def simulate_principal_policy(call: Call, params: dict) -> dict:
    """Simulate the policies of a user (with its groups'), group or role, plus extra ones."""
    arn = params["PolicySourceArn"]
    call.authorize("iam:SimulatePrincipalPolicy", arn)
    acct = call.account_state()
    kind, entity = _entity(acct, arn)
    inputs = Inputs([], None, None, [], {})
    _stored(inputs, acct, kind, entity)
    if kind == "user":
        for group in acct.groups_of(entity.name):
            _stored(inputs, acct, "group", group)
    boundary_arn = getattr(entity, "boundary", None)
    if boundary_arn and not params.get("PermissionsBoundaryPolicyInputList"):
        mp = acct.policies.get(boundary_arn)
        if mp is not None:
            src = Source(mp.name, "user-managed", mp.default.policy.document)
            inputs.boundary = [_add(inputs, f"boundary {boundary_arn}", src, "boundary")]
    _custom_policies(inputs, params)
    caller = _caller_arn(params.get("CallerArn") or arn)
    return simulate(call, params, inputs, caller)
