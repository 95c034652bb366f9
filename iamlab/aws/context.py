"""The request context (global condition keys) of a call, from its caller and the clock.

``docs/aws-behaviour.md`` ("Lab decisions" D1 and "Condition keys") decides which
keys are present for which
credentials. Values are strings, as AWS passes them to conditions.
"""

from __future__ import annotations

from datetime import datetime

from .clock import iso
from .credentials import Caller


def request_context(caller: Caller, now: datetime, region: str = "us-east-1") -> dict[str, str]:
    """The global condition keys for a request made by ``caller`` at ``now``."""
    ctx: dict[str, str] = {
        "aws:CurrentTime": iso(now),
        "aws:EpochTime": str(int(now.timestamp())),
        "aws:SecureTransport": "true",
        "aws:RequestedRegion": region,
        "aws:userid": caller.userid,
        "aws:PrincipalType": caller.principal_type,
        "aws:PrincipalAccount": caller.account,
    }
    if caller.principal_arn:
        ctx["aws:PrincipalArn"] = caller.principal_arn
    if caller.kind == "user" and caller.username:
        ctx["aws:username"] = caller.username
    s = caller.session
    if s is not None:
        ctx["aws:TokenIssueTime"] = iso(s.issued_at)
        if s.mfa_present is not None:
            ctx["aws:MultiFactorAuthPresent"] = "true" if s.mfa_present else "false"
            if s.mfa_present and s.mfa_time is not None:
                ctx["aws:MultiFactorAuthAge"] = str(mfa_age(s.mfa_time, now))
        if s.source_identity:
            ctx["aws:SourceIdentity"] = s.source_identity
    return ctx


def mfa_age(mfa_time: datetime, now: datetime) -> int:
    """Whole seconds since the MFA code was accepted (never negative)."""
    return max(0, int((now - mfa_time).total_seconds()))


def with_call_mfa(ctx: dict[str, str], mfa_ok: bool) -> dict[str, str]:
    """The context a trust policy sees when this AssumeRole call carried a valid code."""
    out = dict(ctx)
    if mfa_ok:
        out["aws:MultiFactorAuthPresent"] = "true"
        out["aws:MultiFactorAuthAge"] = "0"
    return out
