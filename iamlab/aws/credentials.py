"""Who is calling: temporary sessions, the authenticated caller, and MFA derivation.

The MFA rules are ``docs/aws-behaviour.md``, "Lab decisions" D1; the functions
:func:`session_token_mfa` and :func:`role_session_mfa` are pure so they can be
property-tested.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Kind = Literal["root", "user", "role", "federated", "anonymous"]
RoleSessionMfa = Literal["mfa_page", "propagate"]
MfaState = tuple[bool | None, datetime | None]  # (aws:MultiFactorAuthPresent, MFA time)


@dataclass
class TemporarySession:
    """Credentials issued by STS and everything they carry."""

    access_key_id: str
    secret: str
    token: str
    account: str
    issued_by: str  # GetSessionToken | AssumeRole | GetFederationToken | AssumeRoleWith...
    issued_at: datetime
    expiration: datetime
    kind: Kind  # "user"/"root" (GetSessionToken), "role", "federated"
    user: str | None = None  # user name (GetSessionToken/GetFederationToken by a user)
    user_id: str | None = None
    role_name: str | None = None
    role_id: str | None = None
    role_arn: str | None = None
    session_name: str | None = None  # role session name or federated user name
    mfa_present: bool | None = None  # None: key absent from the request context
    mfa_time: datetime | None = None
    mfa_used: bool = False  # a code was validated when these credentials were issued
    chained: bool = False
    source_identity: str | None = None
    session_policies: list[Any] = field(default_factory=list)  # parsed inline session policies
    session_policy_arns: list[str] = field(default_factory=list)
    has_session_policy: bool = False

    @property
    def label(self) -> str:
        """Trail label: the issuing API, ``+MFA`` when a code was validated."""
        return self.issued_by + ("+MFA" if self.mfa_used else "")


@dataclass
class Caller:
    """The authenticated principal behind one request."""

    account: str
    arn: str  # as GetCallerIdentity reports it (session ARN for roles)
    principal_arn: str  # aws:PrincipalArn (the role ARN for role sessions)
    principal_type: str  # Account | User | AssumedRole | FederatedUser | Anonymous
    userid: str  # aws:userid
    kind: Kind
    username: str | None = None  # aws:username (IAM users only)
    access_key_id: str | None = None
    session: TemporarySession | None = None

    @property
    def is_root(self) -> bool:
        """True for the account's root user (long-term keys or its STS sessions)."""
        return self.kind == "root"

    @property
    def label(self) -> str:
        """How the caller authenticated, for the trail."""
        if self.session is not None:
            return self.session.label
        if self.principal_type == "WebIdentityUser":
            return "web identity token"
        return {"root": "root", "anonymous": "anonymous"}.get(self.kind, "long-term")


def root_caller(account: str, access_key_id: str | None = None) -> Caller:
    """The root user of ``account`` with long-term keys."""
    return Caller(
        account=account,
        arn=f"arn:aws:iam::{account}:root",
        principal_arn=f"arn:aws:iam::{account}:root",
        principal_type="Account",
        userid=account,
        kind="root",
        access_key_id=access_key_id,
    )


def user_caller(
    account: str, name: str, arn: str, user_id: str, access_key_id: str | None = None
) -> Caller:
    """An IAM user with long-term keys."""
    return Caller(
        account=account,
        arn=arn,
        principal_arn=arn,
        principal_type="User",
        userid=user_id,
        kind="user",
        username=name,
        access_key_id=access_key_id,
    )


def session_caller(s: TemporarySession, user_arn: str | None = None) -> Caller:
    """The caller behind temporary credentials."""
    if s.kind == "root":
        caller = root_caller(s.account, s.access_key_id)
    elif s.kind == "user":
        assert s.user is not None and user_arn is not None and s.user_id is not None
        caller = user_caller(s.account, s.user, user_arn, s.user_id, s.access_key_id)
    elif s.kind == "role":
        caller = Caller(
            account=s.account,
            arn=f"arn:aws:sts::{s.account}:assumed-role/{s.role_name}/{s.session_name}",
            principal_arn=s.role_arn or "",
            principal_type="AssumedRole",
            userid=f"{s.role_id}:{s.session_name}",
            kind="role",
            access_key_id=s.access_key_id,
        )
    else:
        arn = f"arn:aws:sts::{s.account}:federated-user/{s.session_name}"
        caller = Caller(
            account=s.account,
            arn=arn,
            principal_arn=arn,
            principal_type="FederatedUser",
            userid=f"{s.account}:{s.session_name}",
            kind="federated",
            access_key_id=s.access_key_id,
        )
    caller.session = s
    return caller


ANONYMOUS = Caller(
    account="anonymous",
    arn="anonymous",
    principal_arn="",
    principal_type="Anonymous",
    userid="anonymous",
    kind="anonymous",
)


def session_token_mfa(caller_is_root: bool, mfa_ok: bool, now: datetime) -> MfaState:
    """MFA state of GetSessionToken credentials (``docs/aws-behaviour.md``, D1).

    A valid code gives ``true`` and an age counted from now; no code gives ``false``;
    the root user always gets ``false`` (no MFA-protected API access for root).
    """
    if mfa_ok and not caller_is_root:
        return True, now
    return False, None


def role_session_mfa(
    caller_session: TemporarySession | None,
    call_mfa_ok: bool,
    now: datetime,
    mode: RoleSessionMfa = "mfa_page",
) -> MfaState:
    """MFA state of a role session created by AssumeRole (``docs/aws-behaviour.md``, D1).

    * long-term keys: ``false``; with a valid code and ``mode="propagate"``: ``true``, age from now;
    * GetSessionToken credentials with MFA: ``true``, age from the original MFA;
    * role chaining: as the calling session (a fresh code under ``propagate`` restarts the age);
    * GetSessionToken without MFA: like long-term keys.
    """
    fresh: MfaState = (True, now) if (call_mfa_ok and mode == "propagate") else (False, None)
    if caller_session is None:
        return fresh
    if caller_session.issued_by == "GetSessionToken":
        if caller_session.mfa_present:
            return True, caller_session.mfa_time
        return fresh
    # role chaining
    if call_mfa_ok and mode == "propagate":
        return fresh
    return caller_session.mfa_present, caller_session.mfa_time
