"""Which MFA-related condition keys each kind of credentials carries, read from a real lab.

Nothing here is typed in by hand: :func:`credential_table` creates Sofia (an IAM user of
account A with a virtual MFA device) and two roles in a lab, creates each kind of
credentials with the boto3 calls a learner would make, and reads the request context the
emulator gives a call signed with them (what ``lab.request_context(...)`` returns) right
after each one is issued. The lab is built once; each table (one per ``role_session_mfa``
mode) starts from a snapshot taken right after it was built, so both tables replay the same
timeline. The rules it shows are the lab's (``docs/aws-behaviour.md``,
"Lab decisions" D1): long-term keys carry no MFA key, ``GetSessionToken`` carries ``true``
only with a code, a role session from ``AssumeRole`` with MFA carries ``false`` unless the lab
propagates MFA, and federated users carry none.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from botocore.credentials import ReadOnlyCredentials

from iamlab.aws import Lab
from iamlab.aws.authn import authenticate
from iamlab.aws.context import request_context
from iamlab.policy import evaluate

from .base import enable_virtual_mfa

MFA_KEYS = ("aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge", "aws:TokenIssueTime")
# keys that name the caller: the policy engine derives them from the caller's ARN
PRINCIPAL_KEYS = (
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalType",
    "aws:username",
    "aws:userid",
)
AGE_KEY = "aws:MultiFactorAuthAge"
MODES = ("mfa_page", "propagate")

LONG_TERM = "long-term access keys"
GST = "GetSessionToken without MFA"
GST_MFA = "GetSessionToken with MFA"
AR = "AssumeRole without MFA"
AR_MFA = "AssumeRole with MFA"
GST_MFA_AR = "GetSessionToken with MFA, then AssumeRole"
CHAIN = "role chaining (after AssumeRole with MFA)"
GFT = "GetFederationToken"
ROOT = "root user's access keys"
ROOT_GST = "root user's GetSessionToken"
KINDS = (LONG_TERM, GST, GST_MFA, AR, AR_MFA, GST_MFA_AR, CHAIN, GFT, ROOT, ROOT_GST)

ACCOUNT = "111111111111"
OPERATOR_ROLE = "EC2Operator"  # Sofia may assume it (its trust policy names her)
AUDITOR_ROLE = "Auditor"  # EC2Operator's sessions may assume it (role chaining)


@dataclass(frozen=True)
class Credentials:
    """One kind of credentials: who signs with them and the request context they give."""

    kind: str
    principal: str  # the caller's ARN, as GetCallerIdentity shows it
    context: dict[str, str] = field(repr=False)

    def mfa_keys(self, age: int = 0) -> dict[str, str]:
        """The MFA-related keys of a request made ``age`` seconds after the credentials were
        issued (absent keys are left out)."""
        keys = {k: self.context[k] for k in MFA_KEYS if k in self.context}
        if AGE_KEY in keys:
            keys[AGE_KEY] = str(int(keys[AGE_KEY]) + age)
        return keys

    def request_keys(self, age: int = 0) -> dict[str, str]:
        """Every key of a request made ``age`` seconds after the credentials were issued,
        except those that name the caller: the MFA keys, the time, TLS and the region."""
        keys = {k: v for k, v in self.context.items() if k not in PRINCIPAL_KEYS}
        keys.update(self.mfa_keys(age))
        if "aws:CurrentTime" in keys:
            now = datetime.strptime(keys["aws:CurrentTime"], "%Y-%m-%dT%H:%M:%SZ")
            keys["aws:CurrentTime"] = (now + timedelta(seconds=age)).strftime("%Y-%m-%dT%H:%M:%SZ")
        if "aws:EpochTime" in keys:
            keys["aws:EpochTime"] = str(int(keys["aws:EpochTime"]) + age)
        return keys


def _trust(principal: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Principal": {"AWS": principal},
                "Action": "sts:AssumeRole",
            },
        }
    )


@dataclass
class _World:
    lab: Lab
    root: Any  # account A's root session
    root_keys: Any  # its long-term keys (botocore frozen credentials)
    sofia_keys: Any  # Sofia's long-term keys
    sts: Any  # an STS client signed with Sofia's keys
    root_sts: Any  # an STS client signed with root's keys
    serial: str  # her MFA device
    start: Any  # the lab right after the world was built (a LabSnapshot)


def _keys(creds: Mapping[str, str]) -> Any:
    """STS's or IAM's credentials dict as botocore's frozen credentials."""
    return ReadOnlyCredentials(
        creds["AccessKeyId"], creds["SecretAccessKey"], creds.get("SessionToken")
    )


def _sts(world: _World, keys: Any) -> Any:
    """An STS client signed with ``keys`` (from the root session: no new boto3 session)."""
    return world.root.client(
        "sts",
        aws_access_key_id=keys.access_key,
        aws_secret_access_key=keys.secret_key,
        aws_session_token=keys.token,
    )


def _context(lab: Lab, keys: Any) -> dict[str, str]:
    """The request context of a call signed with ``keys`` now: what ``lab.request_context``
    reads, without building a boto3 session for it."""
    caller = authenticate(lab, "sts", keys)
    return request_context(caller, lab.clock.now(), lab.region)


def _issue(world: _World, kind: str) -> tuple[Any, str]:
    """Credentials of ``kind`` (botocore frozen credentials) and the caller ARN their calls
    show (the ARN STS returned with them). MFA codes are used at most once."""
    lab = world.lab
    sts = world.sts
    sofia = f"arn:aws:iam::{ACCOUNT}:user/Sofia"

    def code() -> dict[str, str]:
        lab.clock.advance(seconds=30)  # a fresh code: each one is accepted once
        return {"SerialNumber": world.serial, "TokenCode": lab.totp(world.serial)}

    def assume(caller_sts: Any, role: str, **mfa: str) -> tuple[Any, str]:
        out = caller_sts.assume_role(
            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{role}", RoleSessionName="Sofia", **mfa
        )
        return _keys(out["Credentials"]), out["AssumedRoleUser"]["Arn"]

    if kind == LONG_TERM:
        return world.sofia_keys, sofia
    if kind == GST:
        return _keys(sts.get_session_token()["Credentials"]), sofia
    if kind == GST_MFA:
        return _keys(sts.get_session_token(**code())["Credentials"]), sofia
    if kind == AR:
        return assume(sts, OPERATOR_ROLE)
    if kind == AR_MFA:
        return assume(sts, OPERATOR_ROLE, **code())
    if kind == GST_MFA_AR:
        first = _keys(sts.get_session_token(**code())["Credentials"])
        return assume(_sts(world, first), OPERATOR_ROLE)
    if kind == CHAIN:
        first, _ = assume(sts, OPERATOR_ROLE, **code())
        return assume(_sts(world, first), AUDITOR_ROLE)
    if kind == GFT:
        token = sts.get_federation_token(Name="Sofia", Policy=_ANY_S3)
        return _keys(token["Credentials"]), token["FederatedUser"]["Arn"]
    root = f"arn:aws:iam::{ACCOUNT}:root"
    if kind == ROOT:
        return world.root_keys, root
    if kind == ROOT_GST:
        creds = world.root_sts.get_session_token(DurationSeconds=3600)
        return _keys(creds["Credentials"]), root
    raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")


_ANY_S3 = json.dumps(
    {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}
)
_SOFIA_STS = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Action": ["sts:AssumeRole", "sts:GetFederationToken"],
        "Resource": "*",
    },
}


@lru_cache(maxsize=1)
def _world() -> _World:
    """Account A with Sofia (access keys, MFA, may assume EC2Operator and federate) and two
    roles: EC2Operator trusts Sofia, Auditor trusts EC2Operator. Built once; each table
    starts from the snapshot taken right after."""
    lab = Lab()
    root = lab.create_account(ACCOUNT, name="Account A")
    iam = root.client("iam")
    iam.create_user(UserName="Sofia")
    iam.put_user_policy(
        UserName="Sofia", PolicyName="MfaContextTable", PolicyDocument=json.dumps(_SOFIA_STS)
    )
    sofia_keys = _keys(iam.create_access_key(UserName="Sofia")["AccessKey"])
    serial = enable_virtual_mfa(lab, iam, "Sofia")
    iam.create_role(
        RoleName=OPERATOR_ROLE,
        AssumeRolePolicyDocument=_trust(f"arn:aws:iam::{ACCOUNT}:user/Sofia"),
    )
    iam.put_role_policy(
        RoleName=OPERATOR_ROLE, PolicyName="Chain", PolicyDocument=json.dumps(_SOFIA_STS)
    )
    iam.create_role(
        RoleName=AUDITOR_ROLE,
        AssumeRolePolicyDocument=_trust(f"arn:aws:iam::{ACCOUNT}:role/{OPERATOR_ROLE}"),
    )
    root_keys = root.get_credentials().get_frozen_credentials()
    world = _World(lab, root, root_keys, sofia_keys, None, None, serial, lab.snapshot())
    world.sts = _sts(world, sofia_keys)
    world.root_sts = _sts(world, root_keys)
    return world


_BUILDING = threading.Lock()


@lru_cache(maxsize=len(MODES))
def _table(mode: str) -> tuple[Credentials, ...]:
    """The table in a lab whose ``role_session_mfa`` is ``mode``: the world as built, then
    every kind issued in order (each table replays the same timeline)."""
    with _BUILDING:
        world = _world()
        lab = world.lab
        lab.restore(world.start)
        lab.role_session_mfa = mode  # type: ignore[assignment]  # read at each AssumeRole
        rows = []
        for kind in KINDS:
            keys, principal = _issue(world, kind)
            rows.append(Credentials(kind, principal, _context(lab, keys)))
        return tuple(rows)


def credential_table(mode: str = "mfa_page") -> dict[str, Credentials]:
    """Every kind of :data:`KINDS` with its caller ARN and request context, in a lab whose
    ``role_session_mfa`` is ``mode``. Computed once per mode (deterministic)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    return {row.kind: row for row in _table(mode)}


def mfa_keys(kind: str, age: int = 0, mode: str = "mfa_page") -> dict[str, str]:
    """The MFA-related keys a request signed with ``kind`` carries ``age`` seconds after the
    credentials were issued, e.g. ``{"aws:MultiFactorAuthPresent": "false", ...}``."""
    table = credential_table(mode)
    if kind not in table:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    return table[kind].mfa_keys(age)


def request_keys(kind: str, age: int = 0, mode: str = "mfa_page") -> dict[str, str]:
    """Every key a request signed with ``kind`` carries ``age`` seconds after the credentials
    were issued, except the keys that name the caller (see :meth:`Credentials.request_keys`)."""
    table = credential_table(mode)
    if kind not in table:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    return table[kind].request_keys(age)


def rows(mode: str = "mfa_page") -> list[dict[str, Any]]:
    """One row per kind: its MFA keys, ``(absent)`` where the request lacks one (for a table)."""
    return [
        {"credentials": row.kind, **{k: row.context.get(k, "(absent)") for k in MFA_KEYS}}
        for row in credential_table(mode).values()
    ]


def decisions(
    action: str,
    resource: str,
    callers: Mapping[str, str],
    resource_policy: Any = None,
    identity_policies: Any = None,
    age: int = 60,
    mode: str = "mfa_page",
) -> dict[str, str]:
    """IAM's decision for each ``{kind: caller ARN}`` calling ``action`` on ``resource``,
    with the MFA keys that kind of credentials carries ``age`` seconds after it was issued.

    ``identity_policies`` default to one that allows exactly this call, so that the resource
    policy decides.
    """
    if identity_policies is None:
        identity_policies = [
            {
                "Version": "2012-10-17",
                "Statement": {"Effect": "Allow", "Action": action, "Resource": resource},
            }
        ]
    return {
        kind: evaluate(
            action=action,
            resource=resource,
            principal=arn,
            context=request_keys(kind, age, mode),
            identity_policies=identity_policies,
            resource_policy=resource_policy,
        ).decision
        for kind, arn in callers.items()
    }
