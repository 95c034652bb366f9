"""Authorization: which policies apply to a caller, and one call to the policy engine.

The engine (:mod:`iamlab.policy`) is pure; this module supplies it with the
caller's identity policies, permissions boundary and session policies as they
are *now* (policy changes take effect instantly: ``docs/aws-behaviour.md``, "Lab
decisions" D4). It only reads the lab's state (through ``AccountState.raw``), so a
call's undo journal copies nothing for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from iamlab.policy import evaluate as policy_evaluate
from iamlab.policy import parse_policy
from iamlab.policy.principals import federated_caller

from .credentials import Caller

if TYPE_CHECKING:
    from .lab import Lab
    from .state import AccountState, Principal

# Root is never restricted in its own account; sessions made by root with
# GetFederationToken get root's permissions intersected with the session policy.
_ROOT_FULL_ACCESS = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
)


# A session policy that allows nothing (its only statement can never apply).
_NO_SESSION_POLICY = (
    '{"Version":"2012-10-17","Statement":[{"Sid":"NoSessionPolicyPassed",'
    '"Effect":"Deny","NotAction":"*","Resource":"*"}]}'
)
_NO_SESSION_LABEL = "no session policy (GetFederationToken was called without one)"


def parse(document: str | dict, kind: str, label: str) -> Any:
    """Parse a policy once (raises ``PolicyError`` with IAM's wording)."""
    return parse_policy(document, kind=kind, name=label)


def _attached(acct: AccountState, entity: Principal) -> list[Any]:
    out = []
    policies = acct.raw("policies")
    for arn in entity.attached:
        mp = policies.get(arn)
        if mp is not None:
            out.append(mp.default.policy.parsed)
    return out


def _user_policies(acct: AccountState, user_name: str) -> tuple[list[Any], list[Any] | None]:
    user = acct.raw("users").get(user_name.lower())
    if user is None:  # deleted since the credentials were issued
        return [], None
    policies = [p.parsed for p in user.inline.values()] + _attached(acct, user)
    key = user.name.lower()
    for group in acct.raw("groups").values():
        if key in group.members:
            policies += [p.parsed for p in group.inline.values()] + _attached(acct, group)
    return policies, _boundary(acct, user.boundary)


def _boundary(acct: AccountState, arn: str | None) -> list[Any] | None:
    if arn is None:
        return None
    mp = acct.raw("policies").get(arn)
    return [mp.default.policy.parsed] if mp is not None else None


def caller_policies(lab: Lab, caller: Caller) -> dict[str, Any]:
    """Keyword arguments for ``evaluate``: identity policies, boundaries, session policies."""
    acct = lab.accounts.get(caller.account)
    session_policies: list[Any] | None = None
    identity: list[Any] = []
    boundaries: list[Any] | None = None
    s = caller.session
    if acct is None or caller.kind == "anonymous":
        pass
    elif caller.kind == "user":
        identity, boundaries = _user_policies(acct, caller.username or "")
    elif caller.kind == "role" and s is not None:
        role = acct.raw("roles").get((s.role_name or "").lower())
        if role is not None and role.unique_id == s.role_id:  # the role, not a namesake
            identity = [p.parsed for p in role.inline.values()] + _attached(acct, role)
            boundaries = _boundary(acct, role.boundary)
    elif caller.kind == "federated" and s is not None:
        if s.user is None:
            identity = [parse(_ROOT_FULL_ACCESS, "identity", "root user (full access)")]
        else:
            identity, boundaries = _user_policies(acct, s.user)
    if s is not None and (s.kind in ("role", "federated")):
        if s.kind == "federated" and not s.has_session_policy:
            # GetFederationToken without a session policy: no permissions
            # (docs/aws-behaviour.md, "STS").
            session_policies = [parse(_NO_SESSION_POLICY, "session", _NO_SESSION_LABEL)]
        elif s.has_session_policy:
            session_policies = list(s.session_policies)
            for arn in s.session_policy_arns:
                mp = acct.raw("policies").get(arn) if acct else None
                if mp is not None:
                    session_policies.append(mp.default.policy.parsed)
    return {
        "identity_policies": identity,
        "permission_boundaries": boundaries,
        "session_policies": session_policies,
    }


def _principal(lab: Lab, caller: Caller) -> Any:
    """The caller's ARN; for a federated user, with the IAM user who created it."""
    s = caller.session
    if caller.kind != "federated" or s is None or s.user is None:
        return caller.arn
    acct = lab.accounts.get(caller.account)
    user = acct.raw("users").get(s.user.lower()) if acct is not None else None
    parent = user.arn if user is not None else f"arn:aws:iam::{caller.account}:user/{s.user}"
    return federated_caller(caller.arn, parent)


def evaluate(
    lab: Lab,
    caller: Caller,
    action: str,
    resource: str,
    context: dict[str, str],
    resource_policy: Any = None,
    resource_account: str | None = None,
) -> Any:
    """One authorization decision for ``caller`` (an ``iamlab.policy.Decision``)."""
    kwargs = caller_policies(lab, caller)
    return policy_evaluate(
        action=action,
        resource=resource,
        principal=_principal(lab, caller),
        context=context,
        resource_policy=resource_policy,
        resource_account=resource_account,
        **kwargs,
    )
