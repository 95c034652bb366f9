"""Notebook 09's helpers: federation roles, the MFA summary, the extra-user diagram."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from iamlab.scenarios import build_cross_account
from iamlab.scenarios.considerations import (
    OIDC_URL,
    add_saml_role,
    add_user_with_mfa,
    add_web_identity_role,
    diagram_with_extra_users,
    mfa_keys,
    mfa_summary,
    satisfies_mfa,
)

A, B = "111111111111", "222222222222"


@pytest.fixture
def story():
    return build_cross_account()


def test_web_identity_sessions_carry_no_mfa_and_mfa_roles_refuse_them(story) -> None:
    lab = story.lab
    role = add_web_identity_role(story, A, "Web", subject="u1")
    strict = add_web_identity_role(story, A, "WebMFA", subject="u1", require_mfa=True)
    sts = lab.session().client("sts")
    token = lab.web_identity_token(OIDC_URL, "u1", "books-app")
    out = sts.assume_role_with_web_identity(
        RoleArn=role, RoleSessionName="u1", WebIdentityToken=token
    )
    assert mfa_keys(lab.request_context(out["Credentials"])) == {
        "aws:MultiFactorAuthPresent": "(absent)",
        "aws:MultiFactorAuthAge": "(absent)",
    }
    with pytest.raises(ClientError) as e:
        sts.assume_role_with_web_identity(
            RoleArn=strict, RoleSessionName="u1", WebIdentityToken=token
        )
    assert e.value.response["Error"]["Code"] == "AccessDenied"


def test_saml_sessions_carry_no_mfa(story) -> None:
    lab = story.lab
    provider, role = add_saml_role(story, A, "Saml")
    _, strict = add_saml_role(story, A, "SamlMFA", require_mfa=True)  # provider reused
    sts = lab.session().client("sts")
    out = sts.assume_role_with_saml(
        RoleArn=role,
        PrincipalArn=provider,
        SAMLAssertion=lab.saml_assertion(provider, "mary", role),
    )
    assert "aws:MultiFactorAuthPresent" not in lab.request_context(out["Credentials"])
    with pytest.raises(ClientError):
        sts.assume_role_with_saml(
            RoleArn=strict,
            PrincipalArn=provider,
            SAMLAssertion=lab.saml_assertion(provider, "mary", strict),
        )


def test_a_user_made_by_account_b_passes_the_trust_policy(story) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": story.cross_account_role,
        },
    }
    mallory = add_user_with_mfa(story, B, "Mallory", policy, "created by B's admin")
    assert story.actor("Mallory") is mallory
    code = story.lab.totp(mallory.mfa_serial)
    attempt = story.attempt(
        "Mallory assumes (MFA code)",
        "Mallory",
        "sts:AssumeRole",
        story.cross_account_role,
        lambda: mallory.client("sts").assume_role(
            RoleArn=story.cross_account_role,
            RoleSessionName="Mallory",
            SerialNumber=mallory.mfa_serial,
            TokenCode=code,
        ),
    )
    assert attempt.allowed
    source = diagram_with_extra_users(story, [attempt], [mallory]).source
    assert "Mallory" in source and "AssumeRole (MFA code)" in source


def test_summary_decides_with_the_engine(story) -> None:
    contexts = {
        "keys": {},
        "false": {"aws:MultiFactorAuthPresent": "false"},
        "true": {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "5"},
    }
    table = mfa_summary(contexts)
    assert list(table["passes Bool MFA true"]) == ["no", "no", "yes"]
    assert table.loc["keys", "aws:MultiFactorAuthPresent"] == "(absent)"
    assert not satisfies_mfa({}) and satisfies_mfa(contexts["true"])
    assert json.dumps(list(table.columns))  # plain, stable columns
