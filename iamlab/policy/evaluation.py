"""Policy evaluation in AWS's documented order.

0. ``sts:GetCallerIdentity`` is answered for any signed-in caller: it needs no
   permission and no policy, not even an explicit Deny or an SCP, can block it
   (STS API reference, GetCallerIdentity).
1. An explicit Deny in any applicable policy (SCP, RCP, resource-based,
   identity-based, permissions boundary, session) decides: ``explicitDeny``.
   A resource-based Deny with ``NotPrincipal`` applies to every IAM user, role
   or role session that has a permissions boundary, whatever NotPrincipal lists
   (IAM User Guide, "Permissions boundaries for IAM entities").
2. ``kms:CreateAlias``, ``kms:UpdateAlias`` and ``kms:DeleteAlias`` on an
   AWS managed alias (``alias/aws/...``) never succeed (AWS KMS Developer Guide,
   "Aliases in AWS KMS").
3. Every level of resource control policies and (for principals of an
   account) of service control policies must allow the request.
4. An anonymous (unsigned) request is allowed only by a resource-based policy
   that allows everyone (``"*"``); identity policies and SCPs do not apply to it.
   An AWS service principal (``*.amazonaws.com``) is allowed only by a
   resource-based or trust policy that allows it; identity policies,
   boundaries, session policies and the account rules do not apply to it.
5. The root user is allowed everything on its own account's resources;
   identity policies, boundaries and session policies never restrict it.
6. Same account: a resource-based policy that names the IAM user, role session
   or federated user (or ``*``) allows on its own; one that names the role is
   still limited by the boundary and session policies; one that names the
   account delegates to the identity-based policies.
   Cross account: the resource-based policy *and* the principal's side
   (identity-based policy, boundary, session policies) must both allow.
7. Role trust policies (``sts:AssumeRole*`` on a role) and KMS key policies
   (``kms:*`` on a ``key/...`` ARN) must allow explicitly, whatever the
   identity-based policies say; no key policy means nothing allows.
8. Otherwise identity-based policies must allow, and the boundary and session
   policies, when present, must allow too; anything else is ``implicitDeny``.

Sources: IAM User Guide, "Policy evaluation logic", "Cross-account policy
evaluation logic" and "AWS JSON policy elements: Principal"; the lab's account
is ``docs/aws-behaviour.md``, "Policy evaluation".
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .arn import parse_arn
from .conditions import Clause
from .context import NO_KEYS, ContextValue, RequestContext
from .decision import ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY, Decision
from .document import (
    KIND_LABELS,
    RECHECK_BOUNDARY,
    RECHECK_RESOURCE,
    Policy,
    Statement,
    _parse_any,
    _parse_dict,
)
from .principals import ANONYMOUS, BOUNDED_TYPES, DIRECT, ROLE, Caller, caller_from

PolicyInput = Policy | Mapping[str, Any] | str
TRUST_ACTIONS = frozenset(
    {
        "sts:assumerole",
        "sts:assumerolewithsaml",
        "sts:assumerolewithwebidentity",
        "sts:tagsession",
        "sts:setsourceidentity",
        "sts:setcontext",
    }
)
GET_CALLER_IDENTITY = "sts:getcalleridentity"
MANAGED_ALIAS_ACTIONS = frozenset({"kms:createalias", "kms:updatealias", "kms:deletealias"})
# callers that no identity-based policy, boundary, session policy or SCP applies to:
# only the resource-based (or trust) policy, and the RCPs, decide for them
OUTSIDE_ACCOUNTS = frozenset({"Anonymous", "Service", "WebIdentity"})

Reason = str | Callable[[], str]


@dataclass(slots=True)
class Request:
    """Everything one evaluation looks at, parsed."""

    action: str
    action_lower: str
    resource: str
    caller: Caller
    context: RequestContext
    resource_account: str | None
    same_account: bool
    identity: list[Policy]
    resource_policy: Policy | None
    boundaries: list[Policy]
    sessions: list[Policy] | None
    scps: list[list[Policy]]
    rcps: list[list[Policy]]
    needs_resource_allow: bool
    kms_key: bool = False
    managed_alias: bool = False


# a statement that applied: (policy, statement, how the Principal named the caller)
Hit = tuple[Policy, Statement, str]
Scan = tuple[list[Hit], list[Hit]]


_PARAMETERS = {
    "identity": "identity_policies",
    "boundary": "permission_boundaries",
    "session": "session_policies",
    "scp": "scps",
    "rcp": "rcps",
}
_DOCUMENTS = (dict, str, bytes, bytearray, Policy)


def _listed(items: Any, kind: str, what: str) -> list[Any]:
    """``items`` as a list (one document alone counts as a list of one)."""
    if isinstance(items, _DOCUMENTS):
        return [items]
    try:
        return list(items)
    except TypeError:
        raise TypeError(
            f"{_PARAMETERS[kind]} must be a list of {what}, not {type(items).__name__}"
        ) from None


def _parse_all(
    docs: Any, kind: str, label: str, contents: tuple[Any, ...] | None = None
) -> list[Policy]:
    """Each document parsed; ``contents`` may give the ``marshal`` bytes of the dicts."""
    if not docs:
        return []
    if type(docs) is not list:
        docs = _listed(docs, kind, "policy documents (dicts, JSON strings or Policy objects)")
    policies = []
    for i, doc in enumerate(docs):
        if type(doc) is Policy and doc.kind == kind and doc.name is not None:
            policies.append(doc)
            continue
        name = f"{label} #{i + 1}" if i or label.endswith("level") else label
        if type(doc) is dict:
            policies.append(_parse_dict(doc, kind, name, contents[i] if contents else None))
        else:
            policies.append(_parse_any(doc, kind, name))
    return policies


def _levels(levels: Any, kind: str, label: str) -> list[list[Policy]]:
    levels = _listed(levels, kind, "levels (organization root first), each a list of policies")
    return [_parse_all(level, kind, f"{label} level {n + 1}") for n, level in enumerate(levels)]


def implied_keys(caller: Caller) -> tuple[tuple[str, str], ...]:
    """Condition keys a principal ARN implies (``aws:PrincipalArn``, ``aws:username``, ...)."""
    return tuple((name, values[0]) for _, name, values in caller.implied)


# (caller ARN, the context's (key, value) pairs) -> (caller, the context built for it);
# only contexts whose keys and values are all str are kept.  A built context is never
# changed afterwards, so requests with the same caller and context share it.
_CONTEXTS: dict[tuple[str, tuple[tuple[str, str], ...]], tuple[Caller, RequestContext]] = {}
_CONTEXTS_SIZE = 1024
_NO_ITEMS: tuple[tuple[str, str], ...] = ()


def build_context(
    context: Mapping[str, ContextValue] | None,
    caller: Caller,
    items: tuple[tuple[str, Any], ...] | None = None,
) -> RequestContext:
    """The request context, completed with the keys the principal ARN implies.

    Keys the caller gave win over implied ones; a key given as None stays absent.
    ``items`` may give ``tuple(context.items())`` for a dict context.
    """
    key: tuple[str, tuple[tuple[str, str], ...]] | None = None
    if context is None or type(context) is dict:
        if items is None:
            items = tuple(context.items()) if context else _NO_ITEMS
        try:
            key = (caller.arn, items)
            found = _CONTEXTS.get(key)
        except TypeError:  # an unhashable value, such as a list: built below
            key = found = None
        # equal pairs are equal strs: only all-str contexts are kept
        if found is not None and found[0] is caller:
            return found[1]
    ctx = RequestContext.__new__(RequestContext)
    ctx.absent = NO_KEYS
    if not context:
        if context is not None and type(context) is not dict and not isinstance(context, Mapping):
            RequestContext(context)  # raises TypeError naming what a context must be
        ctx._values = dict(caller.implied_values)
        ctx._names = {}
        return _remember(key, caller, ctx)
    if type(context) is dict:
        # the common case, every key and value a str, without RequestContext's checks
        values = dict(caller.implied_values)
        names: dict[str, str] = {}
        for name, value in context.items():
            if type(value) is not str or type(name) is not str:
                break
            lower = name.lower()
            values[lower] = (value,)
            names[lower] = name
        else:
            ctx._values = values
            ctx._names = names
            return _remember(key, caller, ctx)
    given = RequestContext(context)  # validates, converts and finds the absent keys
    values = dict(caller.implied_values)
    values.update(given._values)
    for name in given.absent:
        values.pop(name, None)
    ctx._values = values
    ctx._names = given._names
    ctx.absent = given.absent
    return ctx


def _remember(
    key: tuple[str, tuple[tuple[str, str], ...]] | None, caller: Caller, ctx: RequestContext
) -> RequestContext:
    if key is not None:
        if len(_CONTEXTS) >= _CONTEXTS_SIZE:
            _CONTEXTS.clear()
        _CONTEXTS[key] = (caller, ctx)
    return ctx


# (action, resource) -> (action in lower case, trust policy must allow, key policy must allow,
#                        AWS managed alias write, account in the resource ARN, resource is valid)
Traits = tuple[str, bool, bool, bool, str | None, bool]
_TRAITS: dict[tuple[str, str], Traits] = {}


def _request_traits(action: str, resource: str) -> Traits:
    """What the action and resource alone decide (remembered: requests repeat)."""
    found = _TRAITS.get((action, resource))
    if found is not None:
        return found
    action_lower = action.lower()
    arn = parse_arn(resource)
    if arn is None:
        found = (action_lower, False, False, False, None, resource == "*")
    else:
        is_role = arn.service == "iam" and arn.resource.startswith("role/")
        kms = arn.service == "kms" and action_lower.startswith("kms:")
        found = (
            action_lower,
            action_lower in TRUST_ACTIONS and is_role,
            kms and arn.resource.startswith("key/"),
            kms and arn.resource.startswith("alias/aws/") and action_lower in MANAGED_ALIAS_ACTIONS,
            arn.account or None,
            bool(arn.partition and arn.service),
        )
    if len(_TRAITS) >= 8192:
        _TRAITS.clear()
    _TRAITS[(action, resource)] = found
    return found


def resource_policy_kind(action: str, resource: str) -> str:
    """``trust`` when the resource policy of this request is a role trust policy, else
    ``resource`` (the kind :func:`evaluate` validates it as)."""
    return "trust" if _request_traits(str(action), str(resource))[1] else "resource"


def check_resource(resource: Any) -> None:
    """Raise ValueError unless ``resource`` is ``*`` or an ARN (six colon-separated parts)."""
    if not isinstance(resource, str) or not resource:
        raise ValueError("resource must be an ARN or '*', e.g. 'arn:aws:s3:::bucket/key'")
    if resource == "*":
        return
    arn = parse_arn(resource)
    if arn is None or not arn.partition or not arn.service:
        raise ValueError(
            f"resource {resource!r} is not an ARN (arn:partition:service:region:account:resource, "
            "e.g. 'arn:aws:s3:::bucket/key') or '*'"
        )


def _caller(principal: Any) -> Caller:
    if principal is None:
        return ANONYMOUS
    if isinstance(principal, Caller):
        return principal
    if isinstance(principal, str):
        return caller_from(str(principal))
    raise TypeError(
        "principal must be an ARN string, a Caller, or None for an anonymous request, "
        f"not {type(principal).__name__}"
    )


def prepare(
    action: str,
    resource: str,
    principal: str | Caller | None,
    context: Mapping[str, ContextValue] | None = None,
    identity_policies: Iterable[PolicyInput] | None = None,
    resource_policy: PolicyInput | None = None,
    resource_account: str | None = None,
    permission_boundaries: Iterable[PolicyInput] | None = None,
    session_policies: Iterable[PolicyInput] | None = None,
    scps: Iterable[Iterable[PolicyInput]] | None = None,
    rcps: Iterable[Iterable[PolicyInput]] | None = None,
) -> Request:
    """Parse every input of :func:`evaluate` into a :class:`Request`."""
    return _prepare(
        action,
        resource,
        principal,
        context,
        identity_policies,
        resource_policy,
        resource_account,
        permission_boundaries,
        session_policies,
        scps,
        rcps,
        False,
    )


def _prepare(
    action: Any,
    resource: Any,
    principal: Any,
    context: Any,
    identity_policies: Any,
    resource_policy: Any,
    resource_account: Any,
    permission_boundaries: Any,
    session_policies: Any,
    scps: Any,
    rcps: Any,
    check: bool,
    contents: tuple[Any, ...] | None = None,
) -> Request:
    """:func:`prepare`; with ``check`` the resource must be ``*`` or an ARN.  ``contents``
    are the resource policy's and identity policies' parts of the request's key in
    ``_ASKED``, whose ``marshal`` bytes of dicts are reused."""
    if type(action) is not str or type(resource) is not str or not action or not resource:
        if not isinstance(action, str) or not action:
            raise ValueError("action must be a string such as 's3:GetObject'")
        if not isinstance(resource, str) or not resource:
            raise ValueError("resource must be an ARN or '*', e.g. 'arn:aws:s3:::bucket/key'")
        action, resource = str(action), str(resource)
    traits = _TRAITS.get((action, resource)) or _request_traits(action, resource)
    action_lower, trust, kms_key, managed_alias, arn_account, valid = traits
    if check and not valid:
        check_resource(resource)
    caller = caller_from(principal) if type(principal) is str else _caller(principal)
    rp = None
    if resource_policy is not None:
        content = contents[0] if contents and type(resource_policy) is dict else None
        if trust:
            rp = _parse_any(resource_policy, "trust", "role trust policy", content)
        else:
            label = "key policy" if kms_key else "resource-based policy"
            rp = _parse_any(resource_policy, "resource", label, content)
    if resource_account is None:
        resource_account = arn_account
    elif type(resource_account) is not str:
        raise TypeError(
            "resource_account must be an account id such as '111111111111', "
            f"not {type(resource_account).__name__}"
        )
    # an ARN without an account (S3) counts as the caller's own only without a resource policy
    same = resource_account == caller.account if resource_account is not None else rp is None
    identity = _parse_all(
        identity_policies, "identity", "identity-based policy", contents[1:] if contents else None
    )
    return Request(
        action,
        action_lower,
        resource,
        caller,
        build_context(context, caller),
        resource_account,
        same,
        identity,
        rp,
        _parse_all(permission_boundaries, "boundary", "permissions boundary")
        if permission_boundaries
        else [],
        (_parse_all(session_policies, "session", "session policy") or None)
        if session_policies is not None
        else None,
        _levels(scps, "scp", "service control policy") if scps else [],
        _levels(rcps, "rcp", "resource control policy") if rcps else [],
        trust or kms_key,
        kms_key,
        managed_alias,
    )


def ignores_not_principal(st: Statement, req: Request) -> bool:
    """A Deny with NotPrincipal applies to a principal with a permissions boundary, whatever
    NotPrincipal lists (IAM User Guide, "Permissions boundaries for IAM entities")."""
    return (
        st.not_principal is not None
        and st.effect == "Deny"
        and bool(req.boundaries)
        and req.caller.type in BOUNDED_TYPES
    )


def statement_applies(st: Statement, req: Request, missing: dict[str, str] | None) -> str | None:
    """How ``st`` applies to the request (DIRECT/ROLE/ACCOUNT, "" if it names no
    principal), or None when it does not.  Condition keys the statement asks for
    that the request lacks are added to ``missing``."""
    if st.actions.match(req.action_lower) == st.not_action:
        return None
    return _applies(st, req, missing)


def _applies(st: Statement, req: Request, missing: dict[str, str] | None) -> str | None:
    """:func:`statement_applies` for a statement whose action is known to match."""
    resources = st.resources
    if resources is not None and resources.match(req.resource, req.context) == st.not_resource:
        return None
    how: str | None = ""
    if st.principal is not None:
        how = st.principal.match(req.caller)
        if how is None:
            return None
    elif st.not_principal is not None:
        if st.not_principal.match(req.caller) is not None and not ignores_not_principal(st, req):
            return None
        how = DIRECT
    conditions = st.conditions
    if conditions:
        ctx = req.context
        if missing is not None:
            values = ctx._values
            for clause in conditions:
                if clause.key_lower not in values:
                    missing.setdefault(clause.key_lower, clause.key)
        for clause in conditions:
            if not clause.test(ctx):
                return None
    return how


def _scan(policies: Iterable[Policy], req: Request, missing: dict[str, str]) -> Scan:
    """The statements of ``policies`` that apply: (allows, denies)."""
    allows: list[Hit] = []
    denies: list[Hit] = []
    action, resource, caller = req.action_lower, req.resource, req.caller
    ctx = req.context
    values = ctx._values
    key = (action, resource, caller.arn)
    for policy in policies:
        found = policy.static.get(key)  # Policy.applicable's memo, looked up inline
        if found is not None and found[0] is caller:
            entries = found[1]
        else:
            entries = policy.applicable(action, resource, caller)
        for st, how, flags in entries:
            if flags:
                if flags & RECHECK_RESOURCE and (
                    st.resources.match(resource, ctx) == st.not_resource  # type: ignore[union-attr]
                ):
                    continue
                if flags & RECHECK_BOUNDARY and not ignores_not_principal(st, req):
                    continue
            conditions = st.conditions
            if conditions:
                met = True
                for clause in conditions:
                    if clause.key_lower not in values:
                        missing.setdefault(clause.key_lower, clause.key)
                    if met and not clause.test(ctx):
                        met = False
                if not met:
                    continue
            (allows if st.effect == "Allow" else denies).append((policy, st, how))
    return allows, denies


def _where(hit: Hit) -> str:
    policy, st, _ = hit
    return f"{policy.label()} {st.label}"


_NONE: Scan = ([], [])
_GCI_REASON = (
    "sts:GetCallerIdentity needs no permission: AWS answers it for any signed-in caller, "
    "whatever the policies say (even an explicit Deny or a service control policy)."
)
_GCI_UNSIGNED = (
    "sts:GetCallerIdentity answers signed requests only: an unsigned (anonymous) request "
    "has no identity to report."
)
_MANAGED_ALIAS_REASON = (
    "{resource} is an AWS managed alias (alias/aws/...): AWS creates, updates and deletes "
    "these aliases itself, and no policy lets anyone call {action} on one."
)


def _deny_reason(hit: Hit, req: Request) -> Reason:
    def reason() -> str:
        text = (
            f"An explicit Deny in {_where(hit)} matches this request, "
            "and an explicit Deny overrides every Allow."
        )
        if ignores_not_principal(hit[1], req):
            text += (
                " Its NotPrincipal does not exempt this principal: a Deny with NotPrincipal "
                "applies to every IAM user, role or role session that has a permissions "
                "boundary, whatever NotPrincipal lists."
            )
        return text

    return reason


def _done(
    req: Request,
    missing: dict[str, str],
    decision: str,
    hits: list[Hit],
    reason: Reason,
    by: str | None = None,
) -> Decision:
    """The :class:`Decision`, with the condition keys the request lacked."""
    names = sorted(missing.values(), key=str.lower) if missing else []
    return Decision(decision, req, hits, reason, by, names)


def decide(req: Request) -> Decision:
    """Evaluate a prepared request."""
    caller = req.caller
    kind = caller.type
    if req.action_lower == GET_CALLER_IDENTITY and kind != "Anonymous":
        return Decision(ALLOWED, req, [], _GCI_REASON, None, [])
    missing: dict[str, str] = {}
    outside = kind in OUTSIDE_ACCOUNTS
    # root may do anything in its own account, except what a trust or key policy must allow
    root_own = kind == "Account" and req.same_account and not req.needs_resource_allow
    skip = root_own or outside

    identity = _NONE if skip or not req.identity else _scan(req.identity, req, missing)
    boundary = _NONE if skip or not req.boundaries else _scan(req.boundaries, req, missing)
    session = _NONE if skip or req.sessions is None else _scan(req.sessions, req, missing)
    rp = req.resource_policy
    resource = _scan((rp,), req, missing) if rp is not None else _NONE
    scp_levels = (
        [_scan(level, req, missing) for level in req.scps] if req.scps and not outside else []
    )
    rcp_levels = [_scan(level, req, missing) for level in req.rcps] if req.rcps else []

    # 1. an explicit deny anywhere decides
    if resource[1] or identity[1] or boundary[1] or session[1] or scp_levels or rcp_levels:
        for group, hits in (
            ("scp", [h for level in scp_levels for h in level[1]]),
            ("rcp", [h for level in rcp_levels for h in level[1]]),
            (rp.kind if rp is not None else "resource", resource[1]),
            ("identity", identity[1]),
            ("boundary", boundary[1]),
            ("session", session[1]),
        ):
            if hits:
                return _done(req, missing, EXPLICIT_DENY, hits, _deny_reason(hits[0], req), group)

    # 2. AWS managed aliases are AWS's own
    if req.managed_alias:
        text = _MANAGED_ALIAS_REASON.format(resource=req.resource, action=req.action)
        return _done(req, missing, IMPLICIT_DENY, [], text, None)

    # 3. organization guardrails: every level must allow
    for group, levels in (
        (("rcp", rcp_levels), ("scp", scp_levels)) if rcp_levels or scp_levels else ()
    ):
        for n, (allows, _) in enumerate(levels):
            if not allows:
                label = KIND_LABELS[group]
                return _done(
                    req,
                    missing,
                    IMPLICIT_DENY,
                    [],
                    f"No statement in the {label}s at level {n + 1} allows {req.action}; "
                    f"every level of the organization's {label}s must allow it.",
                    group,
                )

    res_allows = resource[0]
    # 4. callers outside any account: only the resource-based policy can allow
    if outside:
        if kind == "Anonymous":
            return _anonymous(req, res_allows, missing)
        return _service(req, res_allows, missing)

    # 5. root in its own account
    if root_own:
        return _done(
            req,
            missing,
            ALLOWED,
            res_allows,
            lambda: (
                f"The principal is the root user of account {caller.account}, which owns "
                "the resource: root may do everything in its own account, and identity-based "
                "policies cannot restrict it."
            ),
        )

    # 6./7. resource-based policies
    if req.same_account:
        return _same_account(req, res_allows, identity, boundary, session, missing)
    return _cross_account(req, res_allows, identity, boundary, session, missing)


def _anonymous(req: Request, res_allows: list[Hit], missing: dict[str, str]) -> Decision:
    rp = req.resource_policy
    if res_allows:
        return _done(
            req,
            missing,
            ALLOWED,
            res_allows,
            lambda: (
                f"{_where(res_allows[0])} allows everyone, which includes unsigned (anonymous) "
                "requests; no identity-based policy or SCP applies to an anonymous request."
            ),
        )
    if req.action_lower == GET_CALLER_IDENTITY:
        return _done(req, missing, IMPLICIT_DENY, [], _GCI_UNSIGNED, "resource")
    have = (
        f'no statement of the {rp.label()} that allows everyone ("*") applies to this request'
        if rp is not None
        else "the resource has no resource-based policy"
    )
    return _done(
        req,
        missing,
        IMPLICIT_DENY,
        [],
        "An anonymous (unsigned) request can be allowed only by a resource-based policy that "
        f'allows everyone ("Principal": "*"), and {have}.',
        rp.kind if rp is not None else "resource",
    )


def _service(req: Request, res_allows: list[Hit], missing: dict[str, str]) -> Decision:
    rp = req.resource_policy
    caller = req.caller
    # only a statement naming the service (or identity provider) itself, or "*", allows it:
    # naming an account hands the decision to that account's IAM policies, which it has none of
    by_account = [h for h in res_allows if h[2] != DIRECT]
    res_allows = [h for h in res_allows if h[2] == DIRECT]
    if by_account and not res_allows:
        return _done(
            req,
            missing,
            IMPLICIT_DENY,
            [],
            lambda: (
                f"{_where(by_account[0])} names an account, not the {caller.kind_words} "
                f"{caller.arn} itself: naming an account hands the decision to that account's "
                f"IAM policies, and those do not apply to a {caller.kind_words}."
            ),
            rp.kind if rp is not None else "resource",
        )
    if res_allows:
        return _done(
            req,
            missing,
            ALLOWED,
            res_allows,
            lambda: (
                f"{_where(res_allows[0])} allows the {caller.kind_words} {caller.arn} and "
                "nothing denies it; identity-based policies, boundaries, session policies and "
                "the account rules do not apply to it."
            ),
        )
    label = rp.label() if rp is not None else "resource-based or trust policy"
    have = f"no statement in the {label} allows it" if rp is not None else "none was given"
    return _done(
        req,
        missing,
        IMPLICIT_DENY,
        [],
        f"The {caller.kind_words} {caller.arn} is allowed only by a resource-based or trust "
        f"policy that names it, and {have}.",
        rp.kind if rp is not None else "resource",
    )


def _limits(req: Request, boundary: Scan, session: Scan) -> tuple[list[Hit], str | None, str]:
    """The permissions boundary and session policies, which only ever limit."""
    hits: list[Hit] = []
    if req.boundaries:
        if not boundary[0]:
            return [], "boundary", f"the permissions boundary does not allow {req.action}"
        hits += boundary[0]
    if req.sessions is not None:
        if not session[0]:
            return (
                [],
                "session",
                (
                    f"the session policy passed when the session was created does not allow "
                    f"{req.action}"
                ),
            )
        hits += session[0]
    return hits, None, ""


def _principal_side(
    req: Request, identity: Scan, boundary: Scan, session: Scan
) -> tuple[list[Hit], str | None, str]:
    """The principal's side: an identity-based Allow within the boundary and session limits."""
    if not identity[0]:
        return [], "identity", f"no identity-based policy allows {req.action}"
    if not req.boundaries and req.sessions is None:
        return identity[0], None, ""
    hits, by, why = _limits(req, boundary, session)
    if by is not None:
        return [], by, f"an identity-based policy allows {req.action}, but {why}"
    return identity[0] + hits, None, ""


def _same_account(
    req: Request,
    res_allows: list[Hit],
    identity: Scan,
    boundary: Scan,
    session: Scan,
    missing: dict[str, str],
) -> Decision:
    rp = req.resource_policy
    direct = [h for h in res_allows if h[2] == DIRECT]
    if direct:
        return _done(
            req,
            missing,
            ALLOWED,
            direct,
            lambda: (
                f"{_where(direct[0])} allows it and names this principal directly; in the "
                "same account that is enough, without an identity-based policy."
            ),
        )
    by_role = [h for h in res_allows if h[2] == ROLE]
    if by_role:
        hits, by, why = _limits(req, boundary, session)
        if by is None:
            return _done(
                req,
                missing,
                ALLOWED,
                by_role + hits,
                lambda: (
                    f"{_where(by_role[0])} allows it by naming the session's role; the "
                    "permissions boundary and session policy, if any, allow it too."
                ),
            )
        return _done(
            req,
            missing,
            IMPLICIT_DENY,
            [],
            lambda: f"{_where(by_role[0])} allows it, but {why}.",
            by,
        )
    if req.needs_resource_allow and not res_allows:
        return _done(
            req,
            missing,
            IMPLICIT_DENY,
            [],
            _must_allow(req),
            rp.kind if rp is not None else _kind(req),
        )
    if req.kms_key and req.caller.is_root:
        return _done(
            req,
            missing,
            ALLOWED,
            res_allows,
            lambda: (
                f"{_where(res_allows[0])} allows the account, which hands the decision to its "
                "IAM policies, and the root user holds every permission of its own account."
            ),
        )
    hits, by, why = _principal_side(req, identity, boundary, session)
    if by is not None:
        return _done(req, missing, IMPLICIT_DENY, [], f"Not allowed: {why}.", by)

    def reason() -> str:
        text = f"{_where(hits[0])} allows it and nothing denies it."
        if res_allows:
            text += (
                f" {_where(res_allows[0])} names the account, which hands the decision to "
                "the account's identity-based policies."
            )
        return text

    return _done(req, missing, ALLOWED, res_allows + hits, reason)


def _kind(req: Request) -> str:
    return "resource" if req.kms_key else "trust"


def _must_allow(req: Request) -> str:
    rp = req.resource_policy
    if req.kms_key:
        if rp is None:
            return (
                "No key policy was given: a KMS key can be used only when its key policy "
                "allows it (naming the principal, or the account to hand the decision to IAM "
                "policies), so nothing allows this request."
            )
        return (
            f"No statement in the {rp.label()} allows this principal to {req.action}: a KMS "
            "key policy must allow it (naming the principal, or the account to hand the "
            "decision to IAM policies), whatever the identity-based policies say."
        )
    label = rp.label() if rp is not None else "role trust policy"
    return (
        f"No statement in the {label} allows this principal to {req.action}; the {label} "
        "must allow it explicitly, whatever the identity-based policies say."
    )


def _accounts(req: Request) -> str:
    if req.resource_account:
        return (
            f"the resource belongs to account {req.resource_account}, the principal to "
            f"account {req.caller.account}"
        )
    return "the resource ARN names no account, so it is treated as another account's"


def _cross_account(
    req: Request,
    res_allows: list[Hit],
    identity: Scan,
    boundary: Scan,
    session: Scan,
    missing: dict[str, str],
) -> Decision:
    rp = req.resource_policy
    if not res_allows:
        if rp is not None:
            have = f"no statement in the {rp.label()} allows this principal"
        elif req.kms_key:
            have = "no key policy was given"
        else:
            have = "the resource has no resource-based policy"
        return _done(
            req,
            missing,
            IMPLICIT_DENY,
            [],
            lambda: (
                f"Cross-account request ({_accounts(req)}): the resource's account must allow it, "
                f"but {have}."
            ),
            rp.kind if rp is not None else "resource",
        )
    if req.caller.is_root:
        # the root user needs no identity-based policy in its own account, so its side allows
        return _done(
            req,
            missing,
            ALLOWED,
            res_allows,
            lambda: (
                f"Cross-account request ({_accounts(req)}): {_where(res_allows[0])} allows it on "
                "the resource's side, and the principal is the root user of its account, which "
                "needs no identity-based policy to act for that account."
            ),
        )
    hits, by, why = _principal_side(req, identity, boundary, session)
    if by is None:
        return _done(
            req,
            missing,
            ALLOWED,
            res_allows + hits,
            lambda: (
                f"Cross-account request ({_accounts(req)}): {_where(res_allows[0])} allows it on "
                f"the resource's side, and {_where(hits[0])} allows it on the principal's side."
            ),
        )
    return _done(
        req,
        missing,
        IMPLICIT_DENY,
        [],
        lambda: (
            f"Cross-account request ({_accounts(req)}): {_where(res_allows[0])} allows it on the "
            f"resource's side, but on the principal's side {why}. Both sides must allow."
        ),
        by,
    )


def evaluate(
    action: str,
    resource: str,
    principal: str | Caller | None,
    context: Mapping[str, ContextValue] | None = None,
    identity_policies: Iterable[PolicyInput] | None = None,
    resource_policy: PolicyInput | None = None,
    resource_account: str | None = None,
    permission_boundaries: Iterable[PolicyInput] | None = None,
    session_policies: Iterable[PolicyInput] | None = None,
    scps: Iterable[Iterable[PolicyInput]] | None = None,
    rcps: Iterable[Iterable[PolicyInput]] | None = None,
) -> Decision:
    """Decide one request the way AWS would: ``allowed``, ``explicitDeny`` or ``implicitDeny``.

    ``principal`` is the caller's ARN (or a :class:`~iamlab.policy.principals.Caller`, e.g.
    from ``federated_caller`` for a federated user and its creating IAM user); ``None``
    is an anonymous (unsigned) request, and a service name such as ``ec2.amazonaws.com``
    is an AWS service principal.  ``resource`` is an ARN or ``*``.
    Policies may be dicts, JSON strings or parsed :class:`Policy` objects;
    ``scps``/``rcps`` are lists of levels (organization root first), each a list
    of documents.  Context keys are case-insensitive; values may be str,
    list[str], bool or int, and ``None`` means the key is absent (even one the
    engine would derive from the principal, such as ``aws:username``).
    Raises :class:`PolicyError` for a malformed policy, ``ValueError`` for a bad
    action, resource or principal, and ``TypeError`` for a context that is not a
    mapping of keys to supported values.
    """
    if (
        resource_account is None
        and permission_boundaries is None
        and session_policies is None
        and scps is None
        and rcps is None
        and (context is None or type(context) is dict)
    ):
        key = _asked_key(action, resource, principal, identity_policies, resource_policy)
        if key is not None:
            asked = _ASKED.get(key)
            if asked is not None:
                return asked.answer(context)
            return _ask(
                key, action, resource, principal, context, identity_policies, resource_policy
            )
    return decide_planned(
        _prepare(
            action,
            resource,
            principal,
            context,
            identity_policies,
            resource_policy,
            resource_account,
            permission_boundaries,
            session_policies,
            scps,
            rcps,
            True,
        )
    )


# -- requests asked again -------------------------------------------------------------
#
# A request of the common shape (no resource account, boundaries, session policies, SCPs
# or RCPs; a dict or no context) asked again is not prepared again.  ``_ASKED`` keeps it
# less its context, keyed by the action, resource and principal ARN, every dict policy by
# an exact serialisation of its content (``marshal``, as in ``iamlab.policy.document``: a
# dict changed after being passed gives another key), policy texts by their text, and
# parsed policies by identity (they never change).  Each entry keeps the decisions of the
# contexts it was asked with, keyed by the context's (key, value) pairs; only contexts of
# str keys and str or None values are kept, whose equal pairs are alike (True == 1, but
# neither is kept).  A decision shares the prepared request of the earlier one with the
# same context, so it explains itself the same way.

_ASKED: dict[tuple[Any, ...], _Asked] = {}
_ASKED_SIZE = 1024
_CONTEXTS_KEPT = 64  # contexts kept per entry of _ASKED
# the kinds a parsed policy must already be to be used as given (see _parse_all, _parse_any)
_RESOURCE_KINDS = ("resource", "trust")
_IDENTITY_KINDS = ("identity",)


class _Unkept(Exception):
    """A document that ``_ASKED`` does not key (a request of it is prepared every time)."""


def _content(doc: Any, kinds: tuple[str, ...] = _IDENTITY_KINDS) -> Any:
    """What identifies a policy document's content: its ``marshal`` bytes for a dict, the
    text for a str, the object for a parsed policy of one of ``kinds`` (used as given)."""
    of = type(doc)
    if of is dict:
        return marshal.dumps(doc, 4)
    if of is str or (of is Policy and doc.kind in kinds):
        return doc
    raise _Unkept


def _asked_key(
    action: Any, resource: Any, principal: Any, identity_policies: Any, resource_policy: Any
) -> tuple[Any, ...] | None:
    """The key of a request in ``_ASKED``, or None for one that is not kept."""
    if type(action) is not str or type(resource) is not str:
        return None
    if principal is not None and type(principal) is not str:
        return None
    try:
        # a parsed policy of the kind it is used as is its own key: checked inline
        rp = resource_policy
        if rp is not None and (type(rp) is not Policy or rp.kind not in _RESOURCE_KINDS):
            rp = _content(rp, _RESOURCE_KINDS)
        if identity_policies is None:
            return (action, resource, principal, rp)
        if type(identity_policies) is list:
            if len(identity_policies) == 1:  # the common case, without a list of keys
                doc = identity_policies[0]
                if type(doc) is not Policy or doc.kind != "identity":
                    doc = _content(doc)
                return (action, resource, principal, rp, doc)
            docs = [_content(doc) for doc in identity_policies]
            return (action, resource, principal, rp, *docs)
    except (_Unkept, ValueError, TypeError, RecursionError):
        pass  # not marshal's builtin types, or nested too deep
    return None


def _ask(
    key: tuple[Any, ...],
    action: str,
    resource: str,
    principal: Any,
    context: dict[str, Any] | None,
    identity_policies: Any,
    resource_policy: Any,
) -> Decision:
    """:func:`evaluate` of a request of the common shape asked for the first time (or no
    longer in ``_ASKED``)."""
    contents = key[3:]  # the marshal bytes of dict policies, reused to parse them
    req = _prepare(
        action,
        resource,
        principal,
        context,
        identity_policies,
        resource_policy,
        None,
        None,
        None,
        None,
        None,
        True,
        contents,
    )
    asked = _Asked(req)
    if len(_ASKED) >= _ASKED_SIZE:
        _ASKED.clear()
    _ASKED[key] = asked
    return asked.decide(req, tuple(context.items()) if context else _NO_ITEMS)


class _Asked:
    """A request less its context, prepared once, and the decisions of the contexts it was
    asked with: context (key, value) pairs -> (prepared request, outcome)."""

    __slots__ = ("by_context", "plan", "request")

    def __init__(self, req: Request) -> None:
        self.request = req
        self.plan = _plan_of(req)
        self.by_context: dict[tuple[tuple[str, Any], ...], tuple[Request, Outcome]] = {}

    def answer(self, context: dict[str, Any] | None) -> Decision:
        """The decision with ``context``."""
        items = tuple(context.items()) if context else _NO_ITEMS
        try:
            found = self.by_context.get(items)
        except TypeError:  # an unhashable value, such as a list
            found = None
        if found is not None:
            req, (decision, hits, reason, by, missing) = found
            return Decision(decision, req, hits, reason, by, list(missing))
        req = _with_context(self.request, build_context(context, self.request.caller, items))
        return self.decide(req, items)

    def decide(self, req: Request, items: tuple[tuple[str, Any], ...]) -> Decision:
        """Decide ``req`` (this request with the context given as ``items``); keep it."""
        d, outcome = _decide_by(self.plan, req)
        for name, value in items:
            if type(name) is not str or (type(value) is not str and value is not None):
                return d
        if len(self.by_context) >= _CONTEXTS_KEPT:
            self.by_context.clear()
        self.by_context[items] = (req, outcome)
        return d


def _with_context(req: Request, context: RequestContext) -> Request:
    """``req`` with another context."""
    return Request(
        req.action,
        req.action_lower,
        req.resource,
        req.caller,
        context,
        req.resource_account,
        req.same_account,
        req.identity,
        req.resource_policy,
        req.boundaries,
        req.sessions,
        req.scps,
        req.rcps,
        req.needs_resource_allow,
        req.kms_key,
        req.managed_alias,
    )


def _outcome(d: Decision) -> Outcome:
    """What a decision holds besides its request."""
    return (d.decision, d._hits, d._reason, d.denied_by, tuple(d.missing_context_values))


# -- requests that differ only in their context -------------------------------------
#
# A request's outcome depends on its context only through what ``_scan`` reads from it:
# whether each condition key the applicable statements test is present, whether each
# of their condition clauses holds, and (for a Resource with policy variables) the
# values of the keys its variables name.  A plan lists those for one request without
# its context (action, resource, caller, policies); the outcome of ``decide`` is
# remembered per plan for each combination of those answers, so a request whose
# context gives the same answers is decided without scanning the policies again.
# Reasons (built only when asked) read nothing but the plan and the statements that
# decided; explanations are built from each decision's own request.


class _Plan:
    """What the outcome of one request, less its context, can depend on."""

    __slots__ = ("caller", "clauses", "keys", "outcomes", "variables")

    def __init__(self, req: Request) -> None:
        self.caller = req.caller
        keys: dict[str, None] = {}
        variables: dict[str, None] = {}
        clauses: list[Clause] = []
        for policy in _policies(req):
            for st, _, flags in policy.applicable(req.action_lower, req.resource, req.caller):
                if flags & RECHECK_RESOURCE:
                    for tpl in st.resources.templates:  # type: ignore[union-attr]
                        variables.update(dict.fromkeys(tpl.keys))
                for clause in st.conditions:
                    keys[clause.key_lower] = None
                    clauses.append(clause)
        self.keys = tuple(keys)
        self.variables = tuple(variables)
        self.clauses = tuple(clauses)
        # answers -> (decision, statements that decided, reason, denied by, missing keys)
        self.outcomes: dict[tuple[Any, ...], Outcome] = {}


Outcome = tuple[str, list[Hit], Reason, str | None, tuple[str, ...]]


def _policies(req: Request) -> list[Policy]:
    found = list(req.identity)
    found += req.boundaries
    if req.sessions:
        found += req.sessions
    if req.resource_policy is not None:
        found.append(req.resource_policy)
    for levels in (req.scps, req.rcps):
        for level in levels:
            found += level
    return found


_PLANS: dict[tuple[Any, ...], _Plan] = {}
_PLANS_SIZE = 4096
_OUTCOMES_SIZE = 256


def _plan_key(req: Request) -> tuple[Any, ...]:
    """The request without its context (policies by identity: parsed policies never change)."""
    more: Any = None
    if req.boundaries or req.sessions is not None or req.scps or req.rcps:
        more = (
            tuple(req.boundaries),
            None if req.sessions is None else tuple(req.sessions),
            tuple(tuple(level) for level in req.scps),
            tuple(tuple(level) for level in req.rcps),
        )
    return (
        req.action,
        req.resource,
        req.caller.arn,
        req.resource_account,
        req.same_account,
        req.resource_policy,
        more,
        *req.identity,
    )


def _plan_of(req: Request) -> _Plan:
    """The plan of ``req``, made once per request less its context."""
    if req.boundaries or req.sessions is not None or req.scps or req.rcps:
        key = _plan_key(req)
    else:  # the common case, inline
        key = (
            req.action,
            req.resource,
            req.caller.arn,
            req.resource_account,
            req.same_account,
            req.resource_policy,
            None,
            *req.identity,
        )
    plan = _PLANS.get(key)
    if plan is None or plan.caller is not req.caller:
        if len(_PLANS) >= _PLANS_SIZE:
            _PLANS.clear()
        plan = _PLANS[key] = _Plan(req)
    return plan


def _decide_by(plan: _Plan, req: Request) -> tuple[Decision, Outcome]:
    """The decision of ``req`` and its outcome, reusing the outcome of ``plan`` for the
    same answers of the context."""
    ctx = req.context
    values = ctx._values
    answers: list[Any] = []
    for name in plan.keys:
        answers.append(name in values)
    for clause in plan.clauses:
        answers.append(clause.test(ctx))
    if plan.variables:
        answers += [values.get(k) for k in plan.variables]
    signature = tuple(answers)
    outcome = plan.outcomes.get(signature)
    if outcome is None:
        d = decide(req)
        if len(plan.outcomes) >= _OUTCOMES_SIZE:
            plan.outcomes.clear()
        outcome = plan.outcomes[signature] = _outcome(d)
        return d, outcome
    decision, hits, reason, by, missing = outcome
    return Decision(decision, req, hits, reason, by, list(missing)), outcome


def decide_planned(req: Request) -> Decision:
    """:func:`decide`, reusing the outcome of an earlier request with the same plan whose
    context gave the same answers (see above)."""
    return _decide_by(_plan_of(req), req)[0]
