"""AssumeRoleWithWebIdentity against a lab OIDC provider."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from .conftest import A

URL = "https://accounts.example.com"
ROLE = f"arn:aws:iam::{A}:role/Web"


@pytest.fixture
def web(lab, a):
    iam = a.client("iam")
    arn = iam.create_open_id_connect_provider(
        Url=URL, ClientIDList=["app"], ThumbprintList=["a" * 40]
    )["OpenIDConnectProviderArn"]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {"accounts.example.com:sub": "user-1"}},
            }
        ],
    }
    iam.create_role(RoleName="Web", AssumeRolePolicyDocument=json.dumps(trust))
    return lab.session().client("sts")  # unsigned call: no credentials needed


def assume(sts, token):
    return sts.assume_role_with_web_identity(
        RoleArn=ROLE, RoleSessionName="web1", WebIdentityToken=token
    )


def test_valid_token_gives_a_role_session_without_mfa_keys(lab, web) -> None:
    assert lab.account(A).providers  # registered
    r = assume(web, lab.web_identity_token(URL, "user-1", "app"))
    assert r["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{A}:assumed-role/Web/web1"
    assert (r["SubjectFromWebIdentityToken"], r["Audience"]) == ("user-1", "app")
    ctx = lab.request_context(r["Credentials"])
    assert "aws:MultiFactorAuthPresent" not in ctx and ctx["aws:PrincipalType"] == "AssumedRole"
    row = lab.trail().iloc[-1]
    assert row["principal"] == f"arn:aws:iam::{A}:oidc-provider/accounts.example.com"
    lab.session(r["Credentials"]).client("sts").get_caller_identity()
    assert lab.trail().iloc[-1]["credentials"] == "AssumeRoleWithWebIdentity"


@pytest.mark.parametrize(
    ("subject", "audience", "code"),
    [("user-2", "app", "AccessDenied"), ("user-1", "other", "InvalidIdentityToken")],
)
def test_trust_conditions_and_audience(lab, web, subject, audience, code) -> None:
    with pytest.raises(ClientError) as e:
        assume(web, lab.web_identity_token(URL, subject, audience))
    assert e.value.response["Error"]["Code"] == code


def test_forged_and_expired_tokens_fail(lab, web) -> None:
    token = lab.web_identity_token(URL, "user-1", "app", expires_in=900)
    head, body, sig = token.split(".")
    with pytest.raises(ClientError) as e:
        assume(web, f"{head}.{body}.{sig[:-2]}AA")
    assert e.value.response["Error"]["Code"] == "InvalidIdentityToken"
    lab.clock.advance(seconds=900)
    with pytest.raises(ClientError) as e:
        assume(web, token)
    assert e.value.response["Error"]["Code"] == "ExpiredTokenException"


def test_unknown_provider(lab, web) -> None:
    with pytest.raises(ClientError) as e:
        assume(web, lab.web_identity_token("https://other.example.org", "user-1", "app"))
    assert "No OpenIDConnect provider found" in e.value.response["Error"]["Message"]
