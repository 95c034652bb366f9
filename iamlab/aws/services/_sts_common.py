"""Pieces STS operations share: MFA checks, duration limits, session policies, issuing."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from typing import Any

from ..credentials import Kind, TemporarySession
from ..errors import LabError
from ._call import Call

MFA_BOTH = (
    "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code."
)
MFA_UNKNOWN = (
    "MultiFactorAuthentication failed, unable to validate MFA code.  "
    "Please verify your MFA serial number is valid and associated with this user."
)
MFA_INVALID = "MultiFactorAuthentication failed with invalid MFA one time pass code."
MFA_REUSED = "the code was right but had already been accepted once; each code works only once"
MAX_SESSION = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
CHAINING = (
    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
    "role chaining."
)
PACKED_LIMIT = 2048  # plaintext characters of session policies (STS API reference)


def constraint(value: Any, field: str, text: str) -> LabError:
    """AWS's generic ValidationError for a server-side constraint."""
    return LabError(
        "ValidationError",
        f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy "
        f"constraint: {text}",
        400,
    )


def check_mfa(call: Call, serial: str | None, code: str | None) -> bool:
    """Validate SerialNumber+TokenCode for the calling IAM user; False when none was given."""
    if not serial and not code:
        return False
    if not serial or not code:
        raise LabError("AccessDenied", MFA_BOTH, 403)
    caller = call.caller
    acct = call.lab.accounts.get(caller.account)
    device = acct.mfa_devices.get(serial) if acct else None
    if (
        device is None
        or caller.kind != "user"
        or caller.username is None
        or device.user != caller.username.lower()
    ):
        raise LabError("AccessDenied", MFA_UNKNOWN, 403)
    if not device.accept(code, call.now):
        # AWS words a wrong code and a reused one alike; the trail tells them apart
        reused = device.was_used(code, call.now)
        raise LabError("AccessDenied", MFA_INVALID, 403, note=MFA_REUSED if reused else "")
    return True


def duration(call: Call, requested: int | None, default: int, root_max: int | None = None) -> int:
    """Session duration in seconds: the request's (the model bounds it), else ``default``;
    root gets at most ``root_max`` (a longer request gets ``root_max``)."""
    if call.caller.is_root and root_max is not None:
        return min(requested or root_max, root_max)
    return default if requested is None else requested


def session_policies(
    call: Call, params: dict, policy_account: str
) -> tuple[list, list[str], int | None]:
    """Parse ``Policy`` and check ``PolicyArns``: (parsed policies, ARNs, PackedPolicySize)."""
    from .. import authz

    text = params.get("Policy")
    arns = [entry["arn"] for entry in params.get("PolicyArns", [])]
    if text is None and not arns:
        return [], [], None
    parsed = []
    size = sum(len(a) for a in arns)
    if text is not None:
        # The models of GetFederationToken, AssumeRoleWithWebIdentity and AssumeRoleWithSAML
        # bound Policy to 2,048 characters; AssumeRole's does not, STS does (API reference).
        if len(text) > PACKED_LIMIT:
            raise constraint(
                text, "policy", f"Member must have length less than or equal to {PACKED_LIMIT}"
            )
        who = params.get("RoleSessionName") or params.get("Name")
        label = f"session policy ({call.operation} {who})"
        parsed.append(authz.parse(text, "session", label))
        try:
            size += len(json.dumps(json.loads(text), separators=(",", ":")))
        except ValueError:
            size += len(text)
    acct = call.lab.accounts.get(policy_account)
    for arn in arns:
        if acct is None or arn not in acct.raw("policies"):
            raise LabError(
                "MalformedPolicyDocument", f"Policy {arn} does not exist or is not attachable.", 400
            )
    packed = math.ceil(100 * size / PACKED_LIMIT)
    if packed > 100:
        raise LabError(
            "PackedPolicyTooLarge",
            f"Packed policy consumes {packed}% of allotted space, please use smaller policy.",
            400,
        )
    return parsed, arns, packed


def issue(call: Call, issued_by: str, kind: Kind, seconds: int, **fields: Any) -> TemporarySession:
    """Create, store and return a new temporary session.

    The session token is at least the request's ``MinimumSessionTokenSize`` bytes long
    (STS API reference, AssumeRole and the other credential-issuing calls).
    """
    lab = call.lab
    now = call.now
    s = TemporarySession(
        access_key_id=lab.ids.access_key_id(temporary=True),
        secret=lab.ids.secret_access_key(),
        token=lab.ids.session_token(call.params.get("MinimumSessionTokenSize") or 0),
        account=fields.pop("account", call.caller.account),
        issued_by=issued_by,
        issued_at=now,
        expiration=now + timedelta(seconds=seconds),
        kind=kind,
        **fields,
    )
    lab.sessions[s.access_key_id] = s
    return s


def federated_role_session(
    call: Call,
    issued_by: str,
    role: Any,
    account: str,
    session_name: str,
    params: dict,
    source_identity: str | None = None,
) -> tuple[TemporarySession, int | None]:
    """A role session for a federated identity (web identity or SAML): the duration within
    the role's maximum, the session policies, then the credentials. Returns the session and
    the packed policy size."""
    seconds = params.get("DurationSeconds", 3600)
    if seconds > role.max_session_duration:
        raise LabError("ValidationError", MAX_SESSION, 400)
    named = dict(params, RoleSessionName=session_name)
    policies, arns, packed = session_policies(call, named, account)
    s = issue(
        call,
        issued_by,
        "role",
        seconds,
        account=account,
        role_name=role.name,
        role_id=role.unique_id,
        role_arn=role.arn,
        session_name=session_name,
        source_identity=source_identity,
        session_policies=policies,
        session_policy_arns=arns,
        has_session_policy=bool(policies or arns),
    )
    return s, packed


def role_session_response(
    s: TemporarySession, role: Any, account: str, packed: int | None, **extra: Any
) -> dict[str, Any]:
    """The response every AssumeRole* call shares: Credentials, AssumedRoleUser, and
    PackedPolicySize / SourceIdentity when they apply; ``extra`` adds the call's own fields."""
    out: dict[str, Any] = {
        "Credentials": credentials_dict(s),
        "AssumedRoleUser": {
            "AssumedRoleId": f"{role.unique_id}:{s.session_name}",
            "Arn": f"arn:aws:sts::{account}:assumed-role/{role.name}/{s.session_name}",
        },
        **extra,
    }
    if packed is not None:
        out["PackedPolicySize"] = packed
    if s.source_identity:
        out["SourceIdentity"] = s.source_identity
    return out


def credentials_dict(s: TemporarySession) -> dict[str, Any]:
    """The STS ``Credentials`` structure."""
    return {
        "AccessKeyId": s.access_key_id,
        "SecretAccessKey": s.secret,
        "SessionToken": s.token,
        "Expiration": s.expiration,
    }
