"""STS operations (docs/aws-behaviour.md, "Lab decisions" D1, D6, D7 and "STS")."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from .conftest import A, B, doc, make_user

ALLOW_ALL = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
DENY_ALL = doc({"Effect": "Deny", "Action": "*", "Resource": "*"})
ROLE = f"arn:aws:iam::{A}:role/R"


def err(excinfo) -> tuple[str, str, int]:
    r = excinfo.value.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


def trust_account(account: str, **condition) -> str:
    st = {"Effect": "Allow", "Principal": {"AWS": account}, "Action": "sts:AssumeRole"}
    if condition:
        st["Condition"] = condition
    return doc(st)


def admin(lab, a):
    """An IAM user of account A allowed everything (root may not assume roles)."""
    return make_user(lab, a, "Admin", {"all": ALLOW_ALL}, mfa=False).session


def make_role(a, trust: str, name: str = "R", **kw) -> None:
    iam = a.client("iam")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, **kw)
    iam.put_role_policy(RoleName=name, PolicyName="all", PolicyDocument=ALLOW_ALL)


# ---- GetCallerIdentity --------------------------------------------------------------------
def test_get_caller_identity_cannot_be_denied(lab, a) -> None:
    p = make_user(lab, a, "Denied", {"deny": DENY_ALL}, mfa=False)
    r = p.client("sts").get_caller_identity()
    assert r["Arn"] == f"arn:aws:iam::{A}:user/Denied"
    assert r["UserId"].startswith("AIDA") and r["Account"] == A


# ---- GetSessionToken ----------------------------------------------------------------------
def test_gst_duration_defaults_and_limits(lab, a) -> None:
    p = make_user(lab, a, "Ana", mfa=False)
    sts = p.client("sts")
    now = lab.clock.now()
    assert sts.get_session_token()["Credentials"]["Expiration"] == now + timedelta(hours=12)
    assert sts.get_session_token(DurationSeconds=129600)["Credentials"][
        "Expiration"
    ] == now + timedelta(seconds=129600)
    with pytest.raises(ClientError) as e:
        sts.get_session_token(DurationSeconds=129601)
    assert err(e)[0] == "ValidationError" and err(e)[2] == 400
    root = a.client("sts")
    assert root.get_session_token()["Credentials"]["Expiration"] == now + timedelta(hours=1)
    assert root.get_session_token(DurationSeconds=7200)["Credentials"][
        "Expiration"
    ] == now + timedelta(hours=1)


def test_gst_needs_no_permission_even_with_explicit_deny(lab, a) -> None:
    p = make_user(lab, a, "Denied", {"deny": DENY_ALL}, mfa=False)
    creds = p.client("sts").get_session_token()["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    assert len(creds["AccessKeyId"]) == 20


def test_gst_with_session_credentials_is_refused(lab, a) -> None:
    p = make_user(lab, a, "Ana", mfa=False)
    temp = lab.session(p.client("sts").get_session_token()["Credentials"])
    with pytest.raises(ClientError) as e:
        temp.client("sts").get_session_token()
    assert err(e) == ("AccessDenied", "Cannot call GetSessionToken with session credentials", 403)
    with pytest.raises(ClientError) as e:
        temp.client("sts").get_federation_token(Name="fed")
    assert err(e) == (
        "AccessDenied",
        "Cannot call GetFederationToken with session credentials",
        403,
    )


def test_gst_mfa_error_messages(lab, a) -> None:
    p = make_user(lab, a, "Ana")
    sts = p.client("sts")
    with pytest.raises(ClientError) as e:
        sts.get_session_token(
            SerialNumber=p.serial,
            TokenCode="000000" if lab.totp(p.serial) != "000000" else "111111",
        )
    assert err(e) == (
        "AccessDenied",
        "MultiFactorAuthentication failed with invalid MFA one time pass code.",
        403,
    )
    with pytest.raises(ClientError) as e:
        sts.get_session_token(
            SerialNumber=f"arn:aws:iam::{A}:user/Ana", TokenCode=lab.totp(p.serial)
        )
    assert err(e)[1] == (
        "MultiFactorAuthentication failed, unable to validate MFA code.  "
        "Please verify your MFA serial number is valid and associated with this user."
    )
    with pytest.raises(ClientError) as e:
        sts.get_session_token(SerialNumber=p.serial)
    assert (
        err(e)[1]
        == "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code."  # noqa: E501
    )
    code = lab.totp(p.serial)
    sts.get_session_token(SerialNumber=p.serial, TokenCode=code)
    with pytest.raises(ClientError) as e:  # the same code twice
        sts.get_session_token(SerialNumber=p.serial, TokenCode=code)
    assert err(e)[1] == "MultiFactorAuthentication failed with invalid MFA one time pass code."


def test_another_users_device_is_not_associated(lab, a) -> None:
    ana = make_user(lab, a, "Ana")
    bo = make_user(lab, a, "Bo")
    with pytest.raises(ClientError) as e:
        bo.client("sts").get_session_token(SerialNumber=ana.serial, TokenCode=lab.totp(ana.serial))
    assert "unable to validate MFA code" in err(e)[1]


def test_gst_credentials_scope(lab, a) -> None:
    p = make_user(lab, a, "Ana", {"all": ALLOW_ALL})
    a.client("iam").create_role(RoleName="R", AssumeRolePolicyDocument=trust_account(A))
    plain = lab.session(p.client("sts").get_session_token()["Credentials"])
    with pytest.raises(ClientError) as e:
        plain.client("iam").list_users()
    assert err(e) == (
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
        403,
    )
    plain.client("sts").assume_role(RoleArn=ROLE, RoleSessionName="ok")
    plain.client("sts").get_caller_identity()
    mfa = lab.session(
        p.client("sts").get_session_token(SerialNumber=p.serial, TokenCode=lab.totp(p.serial))[
            "Credentials"
        ]
    )
    assert mfa.client("iam").list_users()["Users"][0]["UserName"] == "Ana"


def test_root_gst_carries_false_and_cannot_call_iam(lab, a) -> None:
    temp = lab.session(a.client("sts").get_session_token()["Credentials"])
    ctx = lab.request_context(temp)
    assert ctx["aws:MultiFactorAuthPresent"] == "false"
    assert temp.client("sts").get_caller_identity()["Arn"] == f"arn:aws:iam::{A}:root"
    with pytest.raises(ClientError):
        temp.client("iam").list_users()


# ---- AssumeRole ---------------------------------------------------------------------------
def test_root_cannot_assume_roles(lab, a) -> None:
    make_role(a, trust_account(A))
    with pytest.raises(ClientError) as e:
        a.client("sts").assume_role(RoleArn=ROLE, RoleSessionName="s1")
    assert err(e) == ("AccessDenied", "Roles may not be assumed by root accounts.", 403)


def test_assume_role_response_shape(lab, a) -> None:
    make_role(a, trust_account(A))
    r = admin(lab, a).client("sts").assume_role(RoleArn=ROLE, RoleSessionName="alice")
    role_id = a.client("iam").get_role(RoleName="R")["Role"]["RoleId"]
    assert r["AssumedRoleUser"] == {
        "AssumedRoleId": f"{role_id}:alice",
        "Arn": f"arn:aws:sts::{A}:assumed-role/R/alice",
    }
    assert r["Credentials"]["Expiration"] == lab.clock.now() + timedelta(hours=1)
    assert "PackedPolicySize" not in r
    who = lab.session(r["Credentials"]).client("sts").get_caller_identity()
    assert who == {
        **who,
        "Arn": f"arn:aws:sts::{A}:assumed-role/R/alice",
        "UserId": f"{role_id}:alice",
        "Account": A,
    }


def test_assume_role_durations(lab, a) -> None:
    make_role(a, trust_account(A), MaxSessionDuration=7200)
    sts = admin(lab, a).client("sts")
    sts.assume_role(RoleArn=ROLE, RoleSessionName="s1", DurationSeconds=7200)
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn=ROLE, RoleSessionName="s1", DurationSeconds=7201)
    assert err(e) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        400,
    )
    role = lab.session(sts.assume_role(RoleArn=ROLE, RoleSessionName="s1")["Credentials"])
    a.client("iam").update_assume_role_policy(
        RoleName="R",
        PolicyDocument=doc(
            {"Effect": "Allow", "Principal": {"AWS": [A, ROLE]}, "Action": "sts:AssumeRole"}
        ),
    )
    with pytest.raises(ClientError) as e:
        role.client("sts").assume_role(RoleArn=ROLE, RoleSessionName="chain", DurationSeconds=3601)
    assert err(e) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",  # noqa: E501
        400,
    )
    role.client("sts").assume_role(RoleArn=ROLE, RoleSessionName="chain")


def test_gst_mfa_then_assume_role_is_capped_and_keeps_mfa(lab, a) -> None:
    p = make_user(
        lab,
        a,
        "Ana",
        {"assume": doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE})},
    )
    make_role(
        a, trust_account(A, Bool={"aws:MultiFactorAuthPresent": "true"}), MaxSessionDuration=43200
    )
    gst = lab.session(
        p.client("sts").get_session_token(SerialNumber=p.serial, TokenCode=lab.totp(p.serial))[
            "Credentials"
        ]
    )
    lab.clock.advance(seconds=100)
    with pytest.raises(ClientError) as e:
        gst.client("sts").assume_role(RoleArn=ROLE, RoleSessionName="s1", DurationSeconds=7200)
    assert "1 hour session limit" in err(e)[1]
    role = lab.session(
        gst.client("sts").assume_role(RoleArn=ROLE, RoleSessionName="s1")["Credentials"]
    )
    lab.clock.advance(seconds=20)
    ctx = lab.request_context(role)
    assert ctx["aws:MultiFactorAuthPresent"] == "true"
    assert ctx["aws:MultiFactorAuthAge"] == "120"  # counted from the original code
    assert lab.trail().iloc[-1]["credentials"] == "GetSessionToken+MFA"
    role.client("sts").get_caller_identity()
    assert lab.trail().iloc[-1]["credentials"] == "AssumeRole"


@pytest.mark.parametrize(
    ("mode", "present", "age"), [("mfa_page", "false", None), ("propagate", "true", "60")]
)
def test_role_session_mfa_modes(mode, present, age) -> None:
    from iamlab.aws import Lab

    lab = Lab(role_session_mfa=mode)
    a = lab.create_account(A)
    p = make_user(
        lab,
        a,
        "Ana",
        {"assume": doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE})},
    )
    make_role(a, trust_account(A, Bool={"aws:MultiFactorAuthPresent": "true"}))
    creds = p.client("sts").assume_role(
        RoleArn=ROLE, RoleSessionName="s1", SerialNumber=p.serial, TokenCode=lab.totp(p.serial)
    )["Credentials"]
    lab.clock.advance(seconds=60)
    ctx = lab.request_context(creds)
    assert ctx["aws:MultiFactorAuthPresent"] == present
    assert ctx.get("aws:MultiFactorAuthAge") == age
    assert ctx["aws:TokenIssueTime"] == "2026-01-15T09:00:30Z"
    lab.session(creds).client("sts").get_caller_identity()
    assert lab.trail().iloc[-1]["credentials"] == "AssumeRole+MFA"


def test_external_id(lab, a, b) -> None:
    make_role(a, trust_account(B, StringEquals={"sts:ExternalId": "12345"}))
    p = make_user(
        lab,
        b,
        "Corp",
        {"assume": doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE})},
        mfa=False,
    )
    sts = p.client("sts")
    for kwargs in ({}, {"ExternalId": "67890"}):
        with pytest.raises(ClientError) as e:
            sts.assume_role(RoleArn=ROLE, RoleSessionName="s1", **kwargs)
        assert err(e) == (
            "AccessDenied",
            f"User: arn:aws:iam::{B}:user/Corp is not authorized to perform: sts:AssumeRole on resource: {ROLE} because no role trust policy allows the sts:AssumeRole action",  # noqa: E501
            403,
        )
    sts.assume_role(RoleArn=ROLE, RoleSessionName="s1", ExternalId="12345")
    assert "sts:ExternalId" not in lab.request_context(p.session)


def test_cross_account_needs_the_callers_identity_policy_too(lab, a, b) -> None:
    make_role(a, trust_account(B))
    p = make_user(lab, b, "NoPolicy", mfa=False)
    with pytest.raises(ClientError) as e:
        p.client("sts").assume_role(RoleArn=ROLE, RoleSessionName="s1")
    assert err(e)[1].endswith("because no identity-based policy allows the sts:AssumeRole action")


def test_nonexistent_role_is_access_denied(lab, a) -> None:
    with pytest.raises(ClientError) as e:
        admin(lab, a).client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{A}:role/Ghost", RoleSessionName="s1"
        )
    assert err(e)[0] == "AccessDenied"
    assert lab.trail().iloc[-1]["reason"] == "the role does not exist"


def test_session_policy_limits_the_role(lab, a) -> None:
    make_role(a, trust_account(A))
    sp = doc({"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"})
    sts = admin(lab, a).client("sts")
    r = sts.assume_role(RoleArn=ROLE, RoleSessionName="s1", Policy=sp)
    assert 0 < r["PackedPolicySize"] <= 100
    iam = lab.session(r["Credentials"]).client("iam")
    iam.list_users()
    with pytest.raises(ClientError) as e:
        iam.list_roles()
    assert err(e)[1].endswith("because no session policy allows the iam:ListRoles action")
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn=ROLE, RoleSessionName="s1", Policy='{"Version": "2012-10-17"')
    assert err(e)[0] == "MalformedPolicyDocument"


def test_source_identity_needs_set_source_identity(lab, a) -> None:
    make_role(a, trust_account(A))
    sts = admin(lab, a).client("sts")
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn=ROLE, RoleSessionName="s1", SourceIdentity="ana")
    assert "sts:SetSourceIdentity" in err(e)[1]
    a.client("iam").update_assume_role_policy(
        RoleName="R",
        PolicyDocument=doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": A},
                "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
            }
        ),
    )
    r = sts.assume_role(RoleArn=ROLE, RoleSessionName="s1", SourceIdentity="ana")
    assert r["SourceIdentity"] == "ana"
    assert lab.request_context(r["Credentials"])["aws:SourceIdentity"] == "ana"


# ---- GetFederationToken -------------------------------------------------------------------
def test_federation_token(lab, a) -> None:
    p = make_user(lab, a, "Broker", {"all": ALLOW_ALL}, mfa=False)
    sts = p.client("sts")
    r = sts.get_federation_token(Name="bob")
    assert r["FederatedUser"] == {
        "FederatedUserId": f"{A}:bob",
        "Arn": f"arn:aws:sts::{A}:federated-user/bob",
    }
    assert r["Credentials"]["Expiration"] == lab.clock.now() + timedelta(hours=12)
    fed = lab.session(r["Credentials"])
    assert fed.client("sts").get_caller_identity()["UserId"] == f"{A}:bob"
    ctx = lab.request_context(fed)
    assert "aws:MultiFactorAuthPresent" not in ctx and "aws:username" not in ctx
    with pytest.raises(ClientError) as e:
        fed.client("iam").list_users()
    assert err(e)[0] == "AccessDenied"
    with pytest.raises(ClientError) as e:
        fed.client("sts").assume_role(RoleArn=ROLE, RoleSessionName="s1")
    assert err(e)[0] == "AccessDenied"


def test_federation_token_needs_permission(lab, a) -> None:
    p = make_user(lab, a, "NoPolicy", mfa=False)
    with pytest.raises(ClientError) as e:
        p.client("sts").get_federation_token(Name="bob")
    assert "sts:GetFederationToken" in err(e)[1]


def test_federated_session_without_policy_has_no_permissions(lab, a) -> None:
    from iamlab.aws.authz import evaluate as authz_evaluate

    p = make_user(lab, a, "Broker", {"all": ALLOW_ALL}, mfa=False)
    bare = p.client("sts").get_federation_token(Name="bare")["Credentials"]
    scoped = p.client("sts").get_federation_token(
        Name="scoped",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
            }
        ),
    )["Credentials"]
    from iamlab.aws.authn import authenticate

    for creds, want in ((bare, False), (scoped, True)):
        caller = authenticate(
            lab, "s3", lab.session(creds).get_credentials().get_frozen_credentials()
        )
        d = authz_evaluate(
            lab,
            caller,
            "s3:GetObject",
            "arn:aws:s3:::bucket/key",
            lab.request_context(creds),
            resource_account=A,
        )
        assert bool(d) is want
