"""The seed stories that need only STS and IAM, end to end through boto3."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from botocore.exceptions import ClientError

from iamlab.aws import Lab

from .conftest import A, B, doc, make_user

CROSS_ROLE = f"arn:aws:iam::{A}:role/CrossAccountRole"
# Seeds 000/001: the trust policy of CrossAccountRole in account A (ACCOUNT-B-ID filled in).
SEED_TRUST = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Principal": {"AWS": B},
        "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    },
}
SEED_ASSUME = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole"], "Resource": [CROSS_ROLE]}],
}
# Seed 002, verbatim.
SEED_002 = json.loads(
    '{ "Version": "2012-10-17", "Statement": [ { "Sid": "AllowViewAccountInfo", "Effect": "Allow", '
    '"Action": "iam:ListVirtualMFADevices", "Resource": "*" }, { "Sid": "AllowManageOwnVirtualMFADevice", '  # noqa: E501
    '"Effect": "Allow", "Action": [ "iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice" ], '
    '"Resource": "arn:aws:iam::*:mfa/${aws:username}" }, { "Sid": "AllowManageOwnUserMFA", "Effect": "Allow", '  # noqa: E501
    '"Action": [ "iam:DeactivateMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices", '  # noqa: E501
    '"iam:ResyncMFADevice" ], "Resource": "arn:aws:iam::*:user/${aws:username}" }, { "Sid": '
    '"DenyAllExceptListedIfNoMFA", "Effect": "Deny", "NotAction": [ "iam:CreateVirtualMFADevice", '
    '"iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices", "iam:ListVirtualMFADevices", '
    '"iam:ResyncMFADevice", "sts:GetSessionToken" ], "Resource": "*", "Condition": { "BoolIfExists": '  # noqa: E501
    '{"aws:MultiFactorAuthPresent": "false"} } } ] }'
)


@pytest.fixture
def cross(lab, a, b):
    """Anaya (A) creates CrossAccountRole trusting B with MFA; Richard (B) may assume it."""
    iam_a = a.client("iam")
    iam_a.create_role(RoleName="CrossAccountRole", AssumeRolePolicyDocument=json.dumps(SEED_TRUST))
    return make_user(lab, b, "Richard", {"AllowAssume": json.dumps(SEED_ASSUME)})


def test_richard_with_valid_code_is_allowed(lab, cross) -> None:
    r = cross.client("sts").assume_role(
        RoleArn=CROSS_ROLE,
        RoleSessionName="Richard",
        SerialNumber=cross.serial,
        TokenCode=lab.totp(cross.serial),
    )
    assert r["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{A}:assumed-role/CrossAccountRole/Richard"
    row = lab.trail().iloc[-1]
    assert (row["decision"], row["account"], row["resource"]) == ("allowed", B, CROSS_ROLE)


def test_richard_without_code_is_denied(lab, cross) -> None:
    with pytest.raises(ClientError) as e:
        cross.client("sts").assume_role(RoleArn=CROSS_ROLE, RoleSessionName="Richard")
    assert e.value.response["Error"]["Message"] == (
        f"User: arn:aws:iam::{B}:user/Richard is not authorized to perform: sts:AssumeRole on "
        f"resource: {CROSS_ROLE} because no role trust policy allows the sts:AssumeRole action"
    )
    assert lab.trail().iloc[-1]["decision"] == "implicitDeny"
    assert "aws:MultiFactorAuthPresent" in lab.explain_last()


def test_richard_with_wrong_code_is_denied(lab, cross) -> None:
    wrong = "123456" if lab.totp(cross.serial) != "123456" else "654321"
    with pytest.raises(ClientError) as e:
        cross.client("sts").assume_role(
            RoleArn=CROSS_ROLE,
            RoleSessionName="Richard",
            SerialNumber=cross.serial,
            TokenCode=wrong,
        )
    assert e.value.response["Error"] == {
        "Code": "AccessDenied",
        "Message": "MultiFactorAuthentication failed with invalid MFA one time pass code.",
        "Type": "Sender",
    }
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_richard_reusing_a_code_is_refused_until_the_next_one(lab, cross) -> None:
    sts = cross.client("sts")
    code = lab.totp(cross.serial)
    sts.assume_role(
        RoleArn=CROSS_ROLE, RoleSessionName="Richard", SerialNumber=cross.serial, TokenCode=code
    )
    with pytest.raises(ClientError) as e:
        sts.assume_role(
            RoleArn=CROSS_ROLE, RoleSessionName="Richard", SerialNumber=cross.serial, TokenCode=code
        )
    assert "invalid MFA one time pass code" in e.value.response["Error"]["Message"]
    lab.clock.advance(seconds=30)
    sts.assume_role(
        RoleArn=CROSS_ROLE,
        RoleSessionName="Richard",
        SerialNumber=cross.serial,
        TokenCode=lab.totp(cross.serial),
    )


def test_role_session_from_cross_account_mfa_carries_false_by_default(lab, cross) -> None:
    creds = cross.client("sts").assume_role(
        RoleArn=CROSS_ROLE,
        RoleSessionName="Richard",
        SerialNumber=cross.serial,
        TokenCode=lab.totp(cross.serial),
    )["Credentials"]
    ctx = lab.request_context(creds)
    assert ctx["aws:MultiFactorAuthPresent"] == "false"
    assert "aws:MultiFactorAuthAge" not in ctx
    assert ctx["aws:PrincipalArn"] == CROSS_ROLE


# ---- seed 002: self-managed MFA -----------------------------------------------------------
@pytest.fixture
def diego(lab, a):
    iam = a.client("iam")
    iam.create_policy(PolicyName="SelfManageMFA", PolicyDocument=json.dumps(SEED_002))
    iam.create_user(UserName="Diego")
    iam.create_user(UserName="Other")
    iam.attach_user_policy(UserName="Diego", PolicyArn=f"arn:aws:iam::{A}:policy/SelfManageMFA")
    iam.put_user_policy(
        UserName="Diego",
        PolicyName="Work",
        PolicyDocument=doc({"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}),
    )
    key = iam.create_access_key(UserName="Diego")["AccessKey"]
    return lab.session(key)


def denied(fn, **kw) -> ClientError:
    with pytest.raises(ClientError) as e:
        fn(**kw)
    assert e.value.response["Error"]["Code"] == "AccessDenied"
    return e.value


def test_seed_002_without_mfa_only_listed_actions_work(lab, diego) -> None:
    iam = diego.client("iam")
    # listed actions work, scoped to Diego himself
    assert iam.get_user()["User"]["UserName"] == "Diego"
    iam.list_virtual_mfa_devices()
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="Diego")["VirtualMFADevice"][
        "SerialNumber"
    ]
    iam.list_mfa_devices()
    # ${aws:username} scoping
    denied(iam.get_user, UserName="Other")
    denied(iam.create_virtual_mfa_device, VirtualMFADeviceName="Other")
    # everything else is denied explicitly while there is no MFA (BoolIfExists: key absent -> true)
    e = denied(iam.list_users)
    assert e.response["Error"]["Message"].endswith(
        "with an explicit deny in an identity-based policy"
    )
    assert lab.trail().iloc[-1]["decision"] == "explicitDeny"
    # a device made by someone else can't be deleted; his own can (DeleteVirtualMFADevice is not in NotAction)  # noqa: E501
    denied(iam.delete_virtual_mfa_device, SerialNumber=serial)
    # enable his device, get an MFA session: now the rest of his permissions work
    c1 = lab.totp(serial)
    lab.clock.advance(seconds=30)
    iam.enable_mfa_device(
        UserName="Diego",
        SerialNumber=serial,
        AuthenticationCode1=c1,
        AuthenticationCode2=lab.totp(serial),
    )
    denied(iam.list_users)  # long-term keys still carry no MFA
    lab.clock.advance(seconds=30)
    creds = diego.client("sts").get_session_token(SerialNumber=serial, TokenCode=lab.totp(serial))[
        "Credentials"
    ]
    mfa_iam = lab.session(creds).client("iam")
    assert [u["UserName"] for u in mfa_iam.list_users()["Users"]] == ["Diego", "Other"]
    denied(mfa_iam.get_user, UserName="Other")  # still only himself
    # GetSessionToken without a code: MFAPresent false -> the Deny applies; and no IAM at all
    plain = lab.session(diego.client("sts").get_session_token()["Credentials"])
    with pytest.raises(ClientError) as e:
        plain.client("iam").get_user()
    assert e.value.response["Error"]["Code"] == "InvalidClientTokenId"


# ---- GetSessionToken context table ----------------------------------------------------------
def test_context_table(lab, a) -> None:
    p = make_user(lab, a, "Ana")
    sts = p.client("sts")
    long_term = lab.request_context(p.session)
    with_mfa = lab.session(
        sts.get_session_token(SerialNumber=p.serial, TokenCode=lab.totp(p.serial))["Credentials"]
    )
    without = lab.session(sts.get_session_token()["Credentials"])
    lab.clock.advance(seconds=75)
    table = {
        "long-term": long_term,
        "GST+MFA": lab.request_context(with_mfa),
        "GST": lab.request_context(without),
        "root": lab.request_context(a),
    }
    keys = [
        "aws:MultiFactorAuthPresent",
        "aws:MultiFactorAuthAge",
        "aws:TokenIssueTime",
        "aws:username",
    ]
    got = {k: {key: ctx.get(key) for key in keys} for k, ctx in table.items()}
    assert got == {
        "long-term": {
            "aws:MultiFactorAuthPresent": None,
            "aws:MultiFactorAuthAge": None,
            "aws:TokenIssueTime": None,
            "aws:username": "Ana",
        },
        "GST+MFA": {
            "aws:MultiFactorAuthPresent": "true",
            "aws:MultiFactorAuthAge": "75",
            "aws:TokenIssueTime": "2026-01-15T09:00:30Z",
            "aws:username": "Ana",
        },
        "GST": {
            "aws:MultiFactorAuthPresent": "false",
            "aws:MultiFactorAuthAge": None,
            "aws:TokenIssueTime": "2026-01-15T09:00:30Z",
            "aws:username": "Ana",
        },
        "root": {
            "aws:MultiFactorAuthPresent": None,
            "aws:MultiFactorAuthAge": None,
            "aws:TokenIssueTime": None,
            "aws:username": None,
        },
    }


# ---- seed 003: revoking sessions ---------------------------------------------------------------
def test_revoke_older_sessions_hits_live_sessions_immediately(lab, a) -> None:
    iam = a.client("iam")
    iam.create_role(
        RoleName="Worker",
        AssumeRolePolicyDocument=doc(
            {"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"}
        ),
    )
    iam.put_role_policy(
        RoleName="Worker",
        PolicyName="list",
        PolicyDocument=doc({"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}),
    )
    p = make_user(
        lab,
        a,
        "Ana",
        {"assume": doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})},
        mfa=False,
    )
    old = lab.session(
        p.client("sts").assume_role(RoleArn=f"arn:aws:iam::{A}:role/Worker", RoleSessionName="old")[
            "Credentials"
        ]
    )
    old.client("iam").list_users()
    lab.clock.advance(minutes=10)
    cutoff = "2026-01-15T09:10:00Z"
    revoke = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": ["*"],
                "Resource": ["*"],
                "Condition": {"DateLessThan": {"aws:TokenIssueTime": cutoff}},
            }
        ],
    }
    iam.put_role_policy(
        RoleName="Worker", PolicyName="AWSRevokeOlderSessions", PolicyDocument=json.dumps(revoke)
    )
    e = denied(old.client("iam").list_users)
    assert e.response["Error"]["Message"].endswith(
        "with an explicit deny in an identity-based policy"
    )
    fresh = lab.session(
        p.client("sts").assume_role(RoleArn=f"arn:aws:iam::{A}:role/Worker", RoleSessionName="new")[
            "Credentials"
        ]
    )
    fresh.client("iam").list_users()
    a.client("iam").list_users()  # root is never restricted


# ---- the trail ------------------------------------------------------------------------------
def _script() -> pd.DataFrame:
    lab = Lab(seed=3)
    a = lab.create_account(A)
    p = make_user(lab, a, "Ana")
    p.client("sts").get_session_token(SerialNumber=p.serial, TokenCode=lab.totp(p.serial))
    with pytest.raises(ClientError):
        p.client("iam").list_users()
    return lab.trail()


def test_trail_columns_and_determinism() -> None:
    one, two = _script(), _script()
    assert list(one.columns) == [
        "time",
        "account",
        "principal",
        "credentials",
        "service",
        "operation",
        "action",
        "resource",
        "decision",
        "error",
        "reason",
    ]
    pd.testing.assert_frame_equal(one, two)
    last = one.iloc[-1].to_dict()
    assert last["decision"] == "implicitDeny" and last["error"] == "AccessDenied"
    assert last["credentials"] == "long-term" and last["action"] == "iam:ListUsers"
    assert (
        one.iloc[-2]["credentials"] == "long-term"
        and one.iloc[-2]["operation"] == "GetSessionToken"
    )


def test_reset_forgets_everything(lab, a) -> None:
    a.client("iam").create_user(UserName="Gone")
    lab.clock.advance(hours=1)
    lab.reset()
    assert lab.accounts == {} and lab.trail().empty
    assert lab.clock.now() == lab.clock.start
    assert "No authorization" in lab.explain_last()
