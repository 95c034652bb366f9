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
        # a parameter the service's model refuses, or botocore before sending: no policy read
        ("error", "ValidationError", "refused"),
        ("", "ParamValidationError", "refused"),
        ("refusedByRule", "AccessDenied", "refusedByRule"),  # AWS-2023-001: policy allowed it
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

    @pytest.mark.parametrize("external_id", ["!", "a", "\u00e9"])
    def test_an_external_id_botocore_refuses_is_a_refused_attempt(self, cd, external_id) -> None:
        """STS API Reference, AssumeRole: ExternalId is 2 to 1,224 characters; botocore
        checks the length before sending, so nothing reaches the lab (no trail row)."""
        cd.rewind()
        built = cd.lab.call_count()
        (assume,) = cd.play(external_id, "yours")
        assert (assume.outcome, assume.error) == ("refused", "ParamValidationError")
        assert "valid min length: 2" in assume.message and "\n" not in assume.message
        assert assume.trail_index is None and assume.principal == ""
        assert not assume.allowed and assume.denied_by is None
        assert cd.lab.call_count() == built  # botocore sent nothing

    @pytest.mark.parametrize("external_id", ["12 345", " 12345", "12345!", "x" * 1225])
    def test_an_external_id_the_model_refuses_is_a_validation_error(self, cd, external_id) -> None:
        """STS API Reference, AssumeRole: ExternalId matches [\\w+=,.@:\\/-]* and is at most
        1,224 characters; STS answers ValidationError before reading any policy."""
        (assume,) = cd.play(external_id, "yours")
        assert (assume.outcome, assume.error) == ("refused", "ValidationError")
        assert "externalId" in assume.message
        row = cd.lab.trail().iloc[assume.trail_index]
        assert (row["decision"], row["error"]) == ("error", "ValidationError")


# ---- refused by a service rule (docs/aws-behaviour.md, "Lab decisions" D8) --------------------
def _bobs_second_device(rule: str = "2023"):
    from iamlab.exercises.nb06 import add_bob, attack

    story = build_self_managed_mfa(mfa_device_rule=rule)
    bob = add_bob(story)
    return story, attack(story, bob)


def test_a_second_device_refused_by_the_rule_is_its_own_outcome() -> None:
    """Security bulletin AWS-2023-001: the policy allows EnableMFADevice on Bob's own user,
    and IAM's rule refuses it because Bob already has a device and signs with his keys. The
    attempt says so: not "no policy allows it"."""
    story, tried = _bobs_second_device()
    enable = tried[2]
    assert (enable.outcome, enable.error) == ("refusedByRule", "AccessDenied")
    assert enable.denied_by is None and not enable.allowed
    row = story.lab.trail().iloc[enable.trail_index]
    assert row["decision"] == "refusedByRule"
    assert row["reason"].startswith("refused by IAM's MFA-device rule (AWS-2023-001): ")
    allowed_by = 'allowed by group/Developers: ForceMFA, statement 3 (Sid "AllowManageOwnUserMFA")'
    assert f"The policies allowed it: {allowed_by}" in row["reason"]
    assert "policies allowed it" in enable.explanation
    assert "IAM's MFA-device rule (AWS-2023-001) refused it" in enable.explanation
    assert "ALLOWED - identity-based policy" in enable.explanation  # the engine's own words


def test_in_2022_the_same_call_is_allowed() -> None:
    """Lab(mfa_device_rule="2022") replays 2022-11-16 to 2023-04-21: no rule, so allowed."""
    _, tried = _bobs_second_device("2022")
    assert tried[2].outcome == "allowed" and tried[3].outcome == "allowed"


def test_an_administrator_is_not_refused_by_the_rule() -> None:
    """The rule concerns a user's changes to his own devices: Anaya (administrator) enables
    a second device for Bob with her long-term keys."""
    from iamlab.exercises.nb06 import add_bob

    story = build_self_managed_mfa()
    add_bob(story)
    admin = story.actor("Anaya").client("iam")
    serial = admin.create_virtual_mfa_device(VirtualMFADeviceName="Bob-token")["VirtualMFADevice"][
        "SerialNumber"
    ]
    first = story.lab.totp(serial)
    story.lab.clock.advance(seconds=30)
    second = story.lab.totp(serial)
    done = story.attempt("Anaya enables Bob-token for Bob", "Anaya", "iam:EnableMFADevice",
                         "arn:aws:iam::111111111111:user/Bob",
                         lambda: admin.enable_mfa_device(UserName="Bob", SerialNumber=serial,
                                                         AuthenticationCode1=first,
                                                         AuthenticationCode2=second))  # fmt: skip
    assert done.outcome == "allowed" and not done.error
