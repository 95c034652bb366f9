"""Policy evaluation in AWS's documented order.

1. An explicit Deny in any applicable policy (SCP, RCP, resource-based,
   identity-based, permissions boundary, session) decides: ``explicitDeny``.
2. Every level of resource control policies and of service control policies
   must allow the request.
3. The root user is allowed everything on its own account's resources;
   identity policies, boundaries and session policies never restrict it.
4. Same account: a resource-based policy that names the IAM user, role session
   or federated user (or ``*``) allows on its own; one that names the role is
   still limited by the boundary and session policies; one that names the
   account delegates to the identity-based policies.
   Cross account: the resource-based policy *and* the principal's side
   (identity-based policy, boundary, session policies) must both allow.
5. Role trust policies (``sts:AssumeRole*`` on a role) and KMS key policies
   must allow explicitly, whatever the identity-based policies say.
6. Otherwise identity-based policies must allow, and the boundary and session
   policies, when present, must allow too; anything else is ``implicitDeny``.

Sources: IAM User Guide, "Policy evaluation logic", "Cross-account policy
evaluation logic" and "AWS JSON policy elements: Principal".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .arn import account_of, parse_arn
from .context import ContextValue, RequestContext
from .decision import ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY, Decision
from .document import KIND_LABELS, Policy, Statement, parse_policy
from .principals import DIRECT, ROLE, Caller, caller_from

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


# a statement that applied: (policy, statement, how the Principal named the caller)
Hit = tuple[Policy, Statement, str]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (dict, str, bytes, Policy)):
        return [value]
    return list(value)


@lru_cache(maxsize=4096)
def _named(policy: Policy, name: str) -> Policy:
    return policy.with_name(name)


def _parse_all(docs: Any, kind: str, label: str) -> list[Policy]:
    if not docs:
        return []
    policies = []
    for i, doc in enumerate(_as_list(docs)):
        if type(doc) is Policy and doc.kind == kind and doc.name is not None:
            policies.append(doc)
            continue
        policy = parse_policy(doc, kind)
        if policy.name is None:
            policy = _named(policy, f"{label} #{i + 1}" if i or label.endswith("level") else label)
        policies.append(policy)
    return policies


def _levels(levels: Any, kind: str, label: str) -> list[list[Policy]]:
    out = []
    for n, level in enumerate(_as_list(levels)):
        out.append(_parse_all(level, kind, f"{label} level {n + 1}"))
    return out


@lru_cache(maxsize=4096)
def implied_keys(caller: Caller) -> tuple[tuple[str, str], ...]:
    """Condition keys a principal ARN implies (``aws:PrincipalArn``, ``aws:username``, ...)."""
    if caller.type == "Anonymous":
        return (("aws:PrincipalType", "Anonymous"),)
    keys = [("aws:PrincipalArn", caller.principal_arn)]
    if caller.account:
        keys.append(("aws:PrincipalAccount", caller.account))
    if caller.type in ("Account", "User", "AssumedRole", "FederatedUser"):
        keys.append(("aws:PrincipalType", caller.type))
    if caller.type == "User":
        keys.append(("aws:username", caller.name))  # type: ignore[arg-type]
    elif caller.type == "Account":
        keys.append(("aws:userid", caller.account))  # type: ignore[arg-type]
    elif caller.type == "FederatedUser":
        keys.append(("aws:userid", f"{caller.account}:{caller.name}"))
    return tuple(keys)


def build_context(context: Mapping[str, ContextValue] | None, caller: Caller) -> RequestContext:
    """The request context, completed with the keys the principal ARN implies.

    Keys the caller gave win over implied ones.
    """
    ctx = RequestContext(context)
    values = ctx._values
    for key, value in implied_keys(caller):
        lower = key.lower()
        if lower not in values:
            values[lower] = (value,)
            ctx._names[lower] = key
    return ctx


@lru_cache(maxsize=8192)
def _resource_facts(action_lower: str, resource: str) -> tuple[bool, bool]:
    """(role trust policy must allow, KMS key policy must allow) for this action/resource."""
    arn = parse_arn(resource)
    if arn is None:
        return False, False
    is_role = arn.service == "iam" and arn.resource.startswith("role/")
    return (
        action_lower in TRUST_ACTIONS and is_role,
        arn.service == "kms" and action_lower.startswith("kms:"),
    )


def prepare(
    action: str,
    resource: str,
    principal: str | Caller,
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
    if not isinstance(action, str) or not action:
        raise ValueError("action must be a string such as 's3:GetObject'")
    if not isinstance(resource, str) or not resource:
        raise ValueError("resource must be an ARN or '*'")
    caller = principal if isinstance(principal, Caller) else caller_from(principal)
    action_lower = action.lower()
    trust, kms = _resource_facts(action_lower, resource)
    rp = None
    if resource_policy is not None:
        rp = parse_policy(resource_policy, "trust" if trust else "resource")
        if rp.name is None:
            rp = rp.with_name("role trust policy" if trust else "resource-based policy")
    if resource_account is None:
        resource_account = account_of(resource)
    # an ARN without an account (S3) counts as the caller's own only without a resource policy
    same = resource_account == caller.account if resource_account is not None else rp is None
    sessions = None
    if session_policies is not None:
        sessions = _parse_all(session_policies, "session", "session policy") or None
    return Request(
        action=action,
        action_lower=action_lower,
        resource=resource,
        caller=caller,
        context=build_context(context, caller),
        resource_account=resource_account,
        same_account=same,
        identity=_parse_all(identity_policies, "identity", "identity-based policy"),
        resource_policy=rp,
        boundaries=_parse_all(permission_boundaries, "boundary", "permissions boundary"),
        sessions=sessions,
        scps=_levels(scps, "scp", "service control policy") if scps else [],
        rcps=_levels(rcps, "rcp", "resource control policy") if rcps else [],
        needs_resource_allow=trust or (kms and rp is not None),
    )


def statement_applies(st: Statement, req: Request, missing: dict[str, str] | None) -> str | None:
    """How ``st`` applies to the request (DIRECT/ROLE/ACCOUNT, "" if it names no
    principal), or None when it does not.  Condition keys the statement asks for
    that the request lacks are added to ``missing``."""
    if st.actions.match(req.action_lower) == st.not_action:
        return None
    if st.resources is not None and (
        st.resources.match(req.resource, req.context) == st.not_resource
    ):
        return None
    how = ""
    if st.principal is not None:
        how = st.principal.match(req.caller)  # type: ignore[assignment]
        if how is None:
            return None
    elif st.not_principal is not None:
        if st.not_principal.match(req.caller) is not None:
            return None
        how = DIRECT
    if st.conditions:
        ctx = req.context
        if missing is not None:
            for clause in st.conditions:
                if ctx.get(clause.key_lower) is None:
                    missing.setdefault(clause.key_lower, clause.key)
        for clause in st.conditions:
            if not clause.test(ctx):
                return None
    return how


def _scan(
    policies: Iterable[Policy], req: Request, missing: dict[str, str]
) -> tuple[list[Hit], list[Hit]]:
    allows: list[Hit] = []
    denies: list[Hit] = []
    for policy in policies:
        for st in policy.statements:
            how = statement_applies(st, req, missing)
            if how is not None:
                (allows if st.effect == "Allow" else denies).append((policy, st, how))
    return allows, denies


def _where(hit: Hit) -> str:
    policy, st, _ = hit
    return f"{policy.label()} {st.label}"


_NONE: tuple[list[Hit], list[Hit]] = ([], [])


def _deny_reason(hit: Hit) -> Any:
    return lambda: (
        f"An explicit Deny in {_where(hit)} matches this request, "
        "and an explicit Deny overrides every Allow."
    )


def decide(req: Request) -> Decision:
    """Evaluate a prepared request."""
    missing: dict[str, str] = {}
    caller = req.caller
    # root may do anything in its own account, except what a trust or key policy must allow
    root_own = caller.is_root and req.same_account and not req.needs_resource_allow

    identity = _NONE if root_own else _scan(req.identity, req, missing)
    boundary = _NONE if root_own or not req.boundaries else _scan(req.boundaries, req, missing)
    session = _NONE if root_own or req.sessions is None else _scan(req.sessions, req, missing)
    rp = req.resource_policy
    resource = _scan((rp,), req, missing) if rp is not None else _NONE
    scp_levels = [_scan(level, req, missing) for level in req.scps]
    rcp_levels = [_scan(level, req, missing) for level in req.rcps]

    def result(decision: str, hits: list[Hit], reason: Any, by: str | None = None) -> Decision:
        names = sorted(missing.values(), key=str.lower) if missing else []
        return Decision(decision, req, hits, reason, by, names)

    # 1. an explicit deny anywhere decides
    if (
        resource[1]
        or identity[1]
        or boundary[1]
        or session[1]
        or any(level[1] for level in scp_levels)
        or any(level[1] for level in rcp_levels)
    ):
        deny_groups = (
            ("scp", [h for level in scp_levels for h in level[1]]),
            ("rcp", [h for level in rcp_levels for h in level[1]]),
            (rp.kind if rp is not None else "resource", resource[1]),
            ("identity", identity[1]),
            ("boundary", boundary[1]),
            ("session", session[1]),
        )
        for kind, hits in deny_groups:
            if hits:
                return result(EXPLICIT_DENY, hits, _deny_reason(hits[0]), kind)

    # 2. organization guardrails: every level must allow
    for kind, levels in (("rcp", rcp_levels), ("scp", scp_levels)):
        for n, (allows, _) in enumerate(levels):
            if not allows:
                label = KIND_LABELS[kind]
                return result(
                    IMPLICIT_DENY,
                    [],
                    f"No statement in the {label}s at level {n + 1} allows {req.action}; "
                    f"every level of the organization's {label}s must allow it.",
                    kind,
                )

    res_allows = resource[0]
    # 3. root in its own account
    if root_own:
        return result(
            ALLOWED,
            res_allows,
            lambda: (
                f"The principal is the root user of account {caller.account}, which owns "
                "the resource: root may do everything in its own account, and identity-based "
                "policies cannot restrict it."
            ),
        )

    # 4./5. resource-based policies
    if req.same_account:
        return _same_account(req, res_allows, identity, boundary, session, result)
    return _cross_account(req, res_allows, identity, boundary, session, result)


def _limits(
    req: Request, boundary: tuple[list[Hit], list[Hit]], session: tuple[list[Hit], list[Hit]]
) -> tuple[list[Hit], str | None, str]:
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
    req: Request,
    identity: tuple[list[Hit], list[Hit]],
    boundary: tuple[list[Hit], list[Hit]],
    session: tuple[list[Hit], list[Hit]],
) -> tuple[list[Hit], str | None, str]:
    """The principal's side: an identity-based Allow within the boundary and session limits."""
    if not identity[0]:
        return [], "identity", f"no identity-based policy allows {req.action}"
    hits, by, why = _limits(req, boundary, session)
    if by is not None:
        return [], by, f"an identity-based policy allows {req.action}, but {why}"
    return identity[0] + hits, None, ""


def _same_account(req, res_allows, identity, boundary, session, result):  # type: ignore[no-untyped-def]
    rp = req.resource_policy
    direct = [h for h in res_allows if h[2] == DIRECT]
    if direct:
        return result(
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
            return result(
                ALLOWED,
                by_role + hits,
                lambda: (
                    f"{_where(by_role[0])} allows it by naming the session's role; the "
                    "permissions boundary and session policy, if any, allow it too."
                ),
            )
        return result(IMPLICIT_DENY, [], lambda: f"{_where(by_role[0])} allows it, but {why}.", by)
    if req.needs_resource_allow and not res_allows:
        label = KIND_LABELS[rp.kind] if rp is not None else "role trust policy"
        return result(
            IMPLICIT_DENY,
            [],
            f"No statement in the {label} allows this principal to {req.action}; the {label} "
            "must allow it explicitly, whatever the identity-based policies say.",
            rp.kind if rp is not None else "trust",
        )
    hits, by, why = _principal_side(req, identity, boundary, session)
    if by is not None:
        return result(IMPLICIT_DENY, [], f"Not allowed: {why}.", by)

    def reason() -> str:
        text = f"{_where(hits[0])} allows it and nothing denies it."
        if res_allows:
            text += (
                f" {_where(res_allows[0])} names the account, which hands the decision to "
                "the account's identity-based policies."
            )
        return text

    return result(ALLOWED, res_allows + hits, reason)


def _cross_account(req, res_allows, identity, boundary, session, result):  # type: ignore[no-untyped-def]
    rp = req.resource_policy
    caller = req.caller

    def where() -> str:
        if req.resource_account:
            return (
                f"the resource belongs to account {req.resource_account}, the principal to "
                f"account {caller.account}"
            )
        return "the resource ARN names no account, so it is treated as another account's"

    if not res_allows:
        have = (
            f"no statement in the {KIND_LABELS[rp.kind]} allows this principal"
            if rp is not None
            else "the resource has no resource-based policy"
        )
        return result(
            IMPLICIT_DENY,
            [],
            lambda: (
                f"Cross-account request ({where()}): the resource's account must allow it, "
                f"but {have}."
            ),
            rp.kind if rp is not None else "resource",
        )
    hits, by, why = _principal_side(req, identity, boundary, session)
    if by is None:
        return result(
            ALLOWED,
            res_allows + hits,
            lambda: (
                f"Cross-account request ({where()}): {_where(res_allows[0])} allows it on "
                f"the resource's side, and {_where(hits[0])} allows it on the principal's side."
            ),
        )
    return result(
        IMPLICIT_DENY,
        [],
        lambda: (
            f"Cross-account request ({where()}): {_where(res_allows[0])} allows it on the "
            f"resource's side, but on the principal's side {why}. Both sides must allow."
        ),
        by,
    )


def evaluate(
    action: str,
    resource: str,
    principal: str | Caller,
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
    from ``federated_caller`` for a federated user and its creating IAM user).
    Policies may be dicts, JSON strings or parsed :class:`Policy` objects;
    ``scps``/``rcps`` are lists of levels (organization root first), each a list
    of documents.  Context keys are case-insensitive; values may be str,
    list[str], bool or int.  Raises :class:`PolicyError` for a malformed policy.
    """
    return decide(
        prepare(
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
        )
    )
