"""Each seed story, built with boto3 calls, gives the outcomes its seed page describes."""

from __future__ import annotations

import pytest

from iamlab.scenarios import (
    build_confused_deputy,
    build_cross_account,
    build_resource_policy_s3,
    build_revoking,
    build_same_account_ec2,
    build_self_managed_mfa,
)
from iamlab.scenarios.base import classify
from iamlab.scenarios.stories import REVOCATION_CHOICES


def outcomes(attempts: list) -> list[str]:
    return [a.outcome if not a.error or a.outcome != "allowed" else "error" for a in attempts]


@pytest.mark.parametrize(
    ("decision", "error", "outcome"),
    [
        ("allowed", "", "allowed"),
        ("implicitDeny", "AccessDenied", "implicitDeny"),
        ("explicitDeny", "AccessDeniedException", "explicitDeny"),
        ("allowed", "NoSuchKey", "allowed"),  # allowed, then failed: Attempt.allowed is False
        ("error", "AccessDenied", "refused"),  # e.g. a wrong MFA code
        ("error", "InvalidClientTokenId", "refused"),
        ("error", "ExpiredToken", "refused"),
        ("error", "RequestExpired", "refused"),
        ("error", "ValidationError", "error"),
        ("error", "NoSuchEntity", "error"),
    ],
)
def test_classify_separates_refusals_from_policy_decisions(
    decision: str, error: str, outcome: str
) -> None:
    assert classify(decision, error) == outcome


@pytest.fixture(scope="module")
def cross():
    return build_cross_account()


class TestCrossAccount:
    def test_with_mfa_richard_reads_books(self, cross) -> None:
        attempts = cross.play("MFA code")
        assert outcomes(attempts) == ["allowed", "allowed", "allowed"]
        assert attempts[1].result["Item"]["title"] == {"S": "Dune"}

    def test_without_mfa_the_trust_policy_refuses(self, cross) -> None:
        (assume,) = cross.play("no MFA")
        assert (assume.outcome, assume.error, assume.denied_by) == (
            "implicitDeny",
            "AccessDenied",
            "trust",
        )
        assert "Bool aws:MultiFactorAuthPresent" in assume.explanation

    def test_a_wrong_code_is_refused_by_sts_before_any_policy(self, cross) -> None:
        """IAM User Guide, "Configuring MFA-protected API access": STS checks the code; a
        wrong one is refused with AccessDenied, and no policy is evaluated, so the outcome
        is "refused", not the policy engine's implicit deny."""
        (assume,) = cross.play("wrong code")
        assert (assume.outcome, assume.error) == ("refused", "AccessDenied")
        assert assume.message == (
            "MultiFactorAuthentication failed with invalid MFA one time pass code."
        )
        assert assume.denied_by is None and not assume.allowed
        row = cross.lab.trail().iloc[assume.trail_index]
        assert (row["decision"], row["error"]) == ("error", "AccessDenied")

    def test_an_implicit_deny_keeps_its_trail_row(self, cross) -> None:
        (assume,) = cross.play("no MFA")
        row = cross.lab.trail().iloc[assume.trail_index]
        assert (row["decision"], row["principal"]) == ("implicitDeny", cross.richard.arn)
        assert assume.principal == cross.richard.arn
        assert assume.resource == cross.cross_account_role

    def test_explain_last_does_not_repeat_an_older_decision(self, cross) -> None:
        cross.play("no MFA")
        assert "DENIED (implicit deny)" in cross.lab.explain_last()
        cross.play("wrong code")
        text = cross.lab.explain_last()
        assert "made no policy decision" in text
        assert "invalid MFA one time pass code" in text

    def test_play_is_repeatable(self, cross) -> None:
        first = [a.summary() for a in cross.play("MFA code")]
        trail = cross.lab.trail()
        assert [a.summary() for a in cross.play("MFA code")] == first
        assert cross.lab.trail().equals(trail)

    def test_built_with_the_learners_boto3_calls(self, cross) -> None:
        trail = build_cross_account().lab.trail()
        assert {"CreateRole", "PutRolePolicy", "EnableMFADevice", "CreateTable"} <= set(
            trail["operation"]
        )


@pytest.fixture(scope="module")
def ec2():
    return build_same_account_ec2()


class TestSameAccountEC2:
    @pytest.mark.parametrize(
        ("credentials", "code"),
        [
            ("long-term keys", "UnauthorizedOperation"),
            ("GetSessionToken without MFA", "UnauthorizedOperation"),
            ("GetSessionToken with MFA", ""),
        ],
    )
    def test_stop_and_terminate_need_mfa(self, ec2, credentials: str, code: str) -> None:
        describe, stop, terminate = ec2.play(credentials)
        assert describe.outcome == "allowed"
        assert stop.error == terminate.error == code

    def test_credentials_expire_after_their_duration(self, ec2) -> None:
        # EC2 reports expired STS credentials as RequestExpired (other services: ExpiredToken)
        *_, terminate = ec2.play("GetSessionToken with MFA", mfa_age=129600)
        assert (terminate.error, terminate.outcome) == ("RequestExpired", "refused")
        *_, terminate = ec2.play("GetSessionToken with MFA", mfa_age=7200)
        assert terminate.outcome == "allowed"


@pytest.fixture(scope="module")
def s3():
    return build_resource_policy_s3()


class TestResourcePolicyS3:
    def test_getsessiontoken_with_mfa_writes(self, s3) -> None:
        assert outcomes(s3.play("GetSessionToken with MFA")) == ["allowed", "allowed"]

    def test_assumerole_credentials_carry_no_mfa_so_the_bucket_refuses(self, s3) -> None:
        put, _ = s3.play("AssumeRole with MFA")
        assert put.error == "AccessDenied" and put.denied_by == "resource"
        assert 'the request has "false"' in put.explanation

    def test_long_term_keys_have_no_mfa_key_at_all(self, s3) -> None:
        put, _ = s3.play("long-term keys")
        assert put.error == "AccessDenied"
        assert "aws:MultiFactorAuthPresent" in put.explanation


@pytest.fixture(scope="module")
def sm():
    return build_self_managed_mfa()


class TestSelfManagedMFA:
    def test_without_mfa_only_the_listed_actions_work(self, sm) -> None:
        attempts = sm.play("Nikhil", mfa=False)
        assert outcomes(attempts) == [
            "allowed",
            "allowed",
            "allowed",
            "implicitDeny",  # ${aws:username} scopes GetUser to himself
            "explicitDeny",  # DenyAllExceptListedIfNoMFA
        ]

    def test_with_mfa_the_deny_lifts(self, sm) -> None:
        assert outcomes(sm.play("Sofia", mfa=True))[-1] == "allowed"

    def test_no_device_no_mfa_session(self, sm) -> None:
        with pytest.raises(ValueError, match="no MFA device"):
            sm.play("Nikhil", mfa=True)


@pytest.fixture(scope="module")
def rv():
    return build_revoking()


class TestRevoking:
    EXPECTED = {  # Mary's old session, Bob's old session, Mary's new session, root
        "nothing": ["allowed", "allowed", "allowed", "allowed"],
        "revoke older sessions of the role": ["explicitDeny", "allowed", "allowed", "allowed"],
        "deny the session Mary in the bucket policy": [
            "explicitDeny",
            "allowed",
            "explicitDeny",
            "allowed",
        ],
        "deny the role in the bucket policy": [
            "explicitDeny",
            "allowed",
            "explicitDeny",
            "allowed",
        ],
        "deny the federated user Bob in the bucket policy": [
            "allowed",
            "explicitDeny",
            "allowed",
            "allowed",
        ],
        # naming the IAM user covers every federated user it created (seed 003)
        "deny the user token-app in the bucket policy": [
            "allowed",
            "explicitDeny",
            "allowed",
            "allowed",
        ],
    }

    @pytest.mark.parametrize("how", REVOCATION_CHOICES)
    def test_each_mechanism(self, rv, how: str) -> None:
        assert outcomes(rv.play(how)) == self.EXPECTED[how]


@pytest.fixture(scope="module")
def cd():
    return build_confused_deputy()


class TestConfusedDeputy:
    @pytest.mark.parametrize(
        ("external_id", "role", "expected"),
        [
            ("12345", "yours", "allowed"),
            ("67890", "yours", "implicitDeny"),
            (None, "yours", "implicitDeny"),
            ("67890", "other", "allowed"),
            ("12345", "other", "implicitDeny"),
        ],
    )
    def test_external_id_decides(self, cd, external_id, role, expected) -> None:
        assume = cd.play(external_id, role)[0]
        assert assume.outcome == expected

    def test_the_role_session_reads_only_that_customers_bucket(self, cd) -> None:
        _, read = cd.play("12345", "yours")
        assert read.result["Body"].read().startswith(b"service,cost")
