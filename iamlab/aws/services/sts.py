"""STS: GetSessionToken, AssumeRole, GetFederationToken, GetCallerIdentity.

(AssumeRoleWithWebIdentity lives in ``sts_federation``, AssumeRoleWithSAML in ``sts_saml``.)
Rules: ``docs/aws-behaviour.md``, "Lab decisions" D1, D6, D7 and "STS".
"""

from __future__ import annotations

from typing import Any

from ..context import with_call_mfa
from ..credentials import role_session_mfa, session_token_mfa
from ..errors import LabError
from ._call import Call
from ._registry import operation
from ._sts_common import (
    CHAINING,
    MAX_SESSION,
    check_mfa,
    credentials_dict,
    duration,
    issue,
    role_session_response,
    session_policies,
)


@operation("sts", "GetCallerIdentity")
def get_caller_identity(call: Call, params: dict) -> dict:
    """Who am I? Needs no permission and cannot be denied (``docs/aws-behaviour.md``, D7)."""
    call.note = "GetCallerIdentity needs no permission and cannot be denied"
    c = call.caller
    return {"UserId": c.userid, "Account": c.account, "Arn": c.arn}


@operation("sts", "GetSessionToken")
def get_session_token(call: Call, params: dict) -> dict:
    """Temporary credentials for an IAM user (or root), with MFA context if a code was given."""
    c = call.caller
    seconds = duration(call, params.get("DurationSeconds"), 43200, root_max=3600)
    if c.is_root:
        mfa_ok = False
        call.note = (
            "GetSessionToken needs no permission; MFA-protected API access is not available "
            "to the root user, so its session carries MultiFactorAuthPresent=false"
        )
    else:
        mfa_ok = check_mfa(call, params.get("SerialNumber"), params.get("TokenCode"))
        call.note = "GetSessionToken needs no permission" + (
            "; MFA code accepted" if mfa_ok else "; no MFA code, so the session cannot call IAM"
        )
    present, mfa_time = session_token_mfa(c.is_root, mfa_ok, call.now)
    s = issue(
        call,
        "GetSessionToken",
        "root" if c.is_root else "user",
        seconds,
        user=c.username,
        user_id=None if c.is_root else c.userid,
        mfa_present=present,
        mfa_time=mfa_time,
        mfa_used=mfa_ok,
    )
    return {"Credentials": credentials_dict(s)}


def _find_role(call: Call, role_arn: str) -> Any:
    parts = role_arn.split(":", 5)
    if (
        len(parts) != 6
        or parts[0] != "arn"
        or parts[2] != "iam"
        or not parts[5].startswith("role/")
    ):
        raise LabError("ValidationError", f"{role_arn} is not a valid role ARN.", 400)
    acct = call.lab.accounts.get(parts[4])
    if acct is None:
        return None
    role = acct.raw("roles").get(parts[5].rsplit("/", 1)[-1].lower())  # read only
    return role if role is not None and role.arn == role_arn else None


@operation("sts", "AssumeRole")
def assume_role(call: Call, params: dict) -> dict:
    """Role credentials, if the trust policy (and, cross-account, the caller's policies) allow."""
    c = call.caller
    role_arn = params["RoleArn"]
    session_name = params["RoleSessionName"]
    role = _find_role(call, role_arn)
    if c.is_root:
        # Widely reported AWS message, not in AWS documentation: root cannot assume roles.
        raise LabError("AccessDenied", "Roles may not be assumed by root accounts.", 403)
    mfa_ok = check_mfa(call, params.get("SerialNumber"), params.get("TokenCode"))
    if role is None:
        call.deny(
            "sts:AssumeRole",
            role_arn,
            "because no role trust policy allows the sts:AssumeRole action",
            reason="the role does not exist",
        )
    role_account = role_arn.split(":")[4]
    chained = c.session is not None
    seconds = params.get("DurationSeconds", 3600)  # the model bounds it to 900-43,200
    if chained and seconds > 3600:
        raise LabError("ValidationError", CHAINING, 400)
    if seconds > role.max_session_duration:
        raise LabError("ValidationError", MAX_SESSION, 400)
    policies, arns, packed = session_policies(call, params, role_account)

    ctx = with_call_mfa(call.context(), mfa_ok)
    ctx["sts:RoleSessionName"] = session_name
    if params.get("ExternalId") is not None:
        ctx["sts:ExternalId"] = params["ExternalId"]
    inherited = c.session.source_identity if c.session is not None else None
    source_identity = params.get("SourceIdentity")
    if source_identity is not None:
        if source_identity.lower().startswith("aws:"):
            raise LabError("ValidationError", "SourceIdentity must not start with 'aws:'.", 400)
        if inherited is not None and source_identity != inherited:
            call.deny(
                "sts:SetSourceIdentity",
                role.arn,
                "because the source identity of a session cannot be changed",
            )
        ctx["sts:SourceIdentity"] = source_identity
        call.authorize(
            "sts:SetSourceIdentity",
            role.arn,
            resource_policy=role.trust.parsed,
            resource_account=role_account,
            context=ctx,
        )
    call.authorize(
        "sts:AssumeRole",
        role.arn,
        resource_policy=role.trust.parsed,
        resource_account=role_account,
        context=ctx,
    )
    present, mfa_time = role_session_mfa(c.session, mfa_ok, call.now, call.lab.role_session_mfa)
    s = issue(
        call,
        "AssumeRole",
        "role",
        seconds,
        account=role_account,
        role_name=role.name,
        role_id=role.unique_id,
        role_arn=role.arn,
        session_name=session_name,
        mfa_present=present,
        mfa_time=mfa_time,
        mfa_used=mfa_ok,
        chained=chained,
        source_identity=source_identity or inherited,
        session_policies=policies,
        session_policy_arns=arns,
        has_session_policy=bool(policies or arns),
    )
    return role_session_response(s, role, role_account, packed)


@operation("sts", "GetFederationToken")
def get_federation_token(call: Call, params: dict) -> dict:
    """Federated-user credentials: the user's permissions intersected with the session policy."""
    c = call.caller
    name = params["Name"]
    arn = f"arn:aws:sts::{c.account}:federated-user/{name}"
    seconds = duration(call, params.get("DurationSeconds"), 43200, root_max=3600)
    policies, arns, packed = session_policies(call, params, c.account)
    call.authorize("sts:GetFederationToken", arn)
    s = issue(
        call,
        "GetFederationToken",
        "federated",
        seconds,
        user=c.username,
        user_id=None if c.is_root else c.userid,
        session_name=name,
        session_policies=policies,
        session_policy_arns=arns,
        has_session_policy=bool(policies or arns),
    )
    out: dict[str, Any] = {
        "Credentials": credentials_dict(s),
        "FederatedUser": {"FederatedUserId": f"{c.account}:{name}", "Arn": arn},
    }
    if packed is not None:
        out["PackedPolicySize"] = packed
    return out
