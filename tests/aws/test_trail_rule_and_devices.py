"""The trail's fifth decision, ``refusedByRule``, and the MFA device each MFA call names.

``refusedByRule``: the policies allowed the call and a rule of the service refused it. The
one such rule today is IAM's MFA-device rule of security bulletin AWS-2023-001
(docs/aws-behaviour.md, "Lab decisions" D8; IAM User Guide, "Assign MFA devices in the
AWS CLI or AWS API"): a user who has an MFA device and signs with long-term keys cannot
enable or deactivate one of his own. It is not IAM's implicit deny: a policy allows it.

The MFA device: GetSessionToken and the IAM calls that enable, deactivate or resync a user's
device carry it in their ``SerialNumber`` parameter, which the trail row's resource (the
user, or nothing) does not show; CloudTrail records request parameters, and the lab's
trail names the device at the end of the reason.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from iamlab.aws import Lab
from iamlab.aws.trail import DECISIONS, device_of, rule_parts, rule_reason

from .conftest import A, B, make_user
from .test_mfa_device_rule import OWN_MFA, enable, mfa_session, new_device

ALLOWED_BY = "allowed by user/Bob: own-mfa, statement 1"


@pytest.fixture
def bob(lab, a):
    """Bob manages his own MFA devices and already has one, mfa/Bob."""
    person = make_user(lab, a, "Bob", {"own-mfa": OWN_MFA}, mfa=False)
    serial, totp = new_device(lab, person.client("iam"), "Bob")
    enable(lab, person.client("iam"), "Bob", serial, totp)
    lab.clock.advance(seconds=60)
    person.serial = serial
    return person


def _second(lab: Lab, iam) -> tuple[str, object]:
    serial, totp = new_device(lab, iam, "Bob-2")
    with pytest.raises(ClientError) as e:
        enable(lab, iam, "Bob", serial, totp)
    return serial, e.value


def test_a_second_device_is_recorded_as_refused_by_the_rule(lab, bob) -> None:
    _, error = _second(lab, bob.client("iam"))
    assert error.response["Error"]["Code"] == "AccessDenied"  # what the learner gets
    row = lab.trail().iloc[-1]
    assert (row["operation"], row["decision"], row["error"]) == (
        "EnableMFADevice",
        "refusedByRule",
        "AccessDenied",
    )
    assert row["reason"] == (
        "refused by IAM's MFA-device rule (AWS-2023-001): Bob already has an MFA device, so "
        "changing their own devices needs MFA-authenticated credentials (GetSessionToken "
        f"with an existing device). The policies allowed it: {ALLOWED_BY} "
        "[MFA device mfa/Bob-2]"
    )
    assert "refusedByRule" in DECISIONS


def test_explain_last_says_the_policy_allowed_it_and_the_rule_refused_it(lab, bob) -> None:
    _second(lab, bob.client("iam"))
    text = lab.explain_last()
    head, _, rest = text.partition("\n\n")
    assert head == (
        "iam:EnableMFADevice on arn:aws:iam::111111111111:user/Bob\n"
        "by arn:aws:iam::111111111111:user/Bob (long-term): refused by a service rule"
    )
    assert rest.startswith(
        f"The policies allowed it: {ALLOWED_BY}.\n"
        "Then IAM's MFA-device rule (AWS-2023-001) refused it (AccessDenied): Bob already has"
    )
    assert "No policy can allow what this rule refuses." in rest
    assert "ALLOWED - identity-based policy" in rest  # the engine's decision, in full
    assert "DENIED" not in text


def test_deactivating_ones_own_device_is_refused_by_the_rule_too(lab, bob) -> None:
    with pytest.raises(ClientError):
        bob.client("iam").deactivate_mfa_device(UserName="Bob", SerialNumber=bob.serial)
    row = lab.trail().iloc[-1]
    assert (row["operation"], row["decision"]) == ("DeactivateMFADevice", "refusedByRule")
    assert row["reason"].endswith("[MFA device mfa/Bob]")


def test_a_policy_deny_stays_a_policy_decision(lab, a) -> None:
    """Without an Allow the policy decides first (implicit deny): the rule never runs."""
    nobody = make_user(lab, a, "Carol", {}, mfa=True)
    with pytest.raises(ClientError):
        nobody.client("iam").deactivate_mfa_device(UserName="Carol", SerialNumber=nobody.serial)
    assert lab.trail().iloc[-1]["decision"] == "implicitDeny"


def test_with_an_mfa_session_or_in_2022_the_call_is_allowed(lab, bob) -> None:
    with_mfa = mfa_session(lab, bob, bob.serial).client("iam")
    serial, totp = new_device(lab, with_mfa, "Bob-2")
    enable(lab, with_mfa, "Bob", serial, totp)
    assert lab.trail().iloc[-1]["decision"] == "allowed"
    old = Lab(mfa_device_rule="2022")
    root = old.create_account(A, name="A")
    past = make_user(old, root, "Bob", {"own-mfa": OWN_MFA}, mfa=True)
    serial, totp = new_device(old, past.client("iam"), "Bob-2")
    enable(old, past.client("iam"), "Bob", serial, totp)
    assert old.trail().iloc[-1]["decision"] == "allowed"


# ---- the MFA device named in the trail ------------------------------------------------------
def test_get_session_token_names_the_device_it_was_given(lab, bob) -> None:
    sts = bob.client("sts")
    sts.get_session_token(SerialNumber=bob.serial, TokenCode=lab.totp(bob.serial))
    accepted = lab.trail().iloc[-1]["reason"]
    assert accepted.endswith("; MFA code accepted [MFA device mfa/Bob]")
    assert device_of(accepted, A) == f"arn:aws:iam::{A}:mfa/Bob"
    with pytest.raises(ClientError):  # the same code again: refused, device still named
        sts.get_session_token(SerialNumber=bob.serial, TokenCode=lab.totp(bob.serial))
    row = lab.trail().iloc[-1]
    assert (row["decision"], row["error"]) == ("error", "AccessDenied")
    assert row["reason"].endswith("[MFA device mfa/Bob]")
    sts.get_session_token()
    assert "[MFA device" not in lab.trail().iloc[-1]["reason"]
    assert device_of(lab.trail().iloc[-1]["reason"], A) is None


def test_a_device_of_another_account_is_named_by_its_arn(lab, bob, b) -> None:
    foreign = f"arn:aws:iam::{B}:mfa/Bob"
    with pytest.raises(ClientError):
        bob.client("sts").get_session_token(SerialNumber=foreign, TokenCode="123456")
    reason = lab.trail().iloc[-1]["reason"]
    assert reason.endswith(f"[MFA device {foreign}]")
    assert device_of(reason, A) == foreign


def test_other_calls_name_no_device(lab, a, bob) -> None:
    bob.client("iam").list_mfa_devices(UserName="Bob")
    assert "[MFA device" not in lab.trail().iloc[-1]["reason"]
    with pytest.raises(ClientError):  # its resource is the device itself: nothing to add
        a.client("iam").delete_virtual_mfa_device(SerialNumber=f"arn:aws:iam::{A}:mfa/none")
    assert "[MFA device" not in lab.trail().iloc[-1]["reason"]


def test_rule_reasons_read_back() -> None:
    reason = rule_reason("a rule (X-1)", "because of this.", "allowed by p, statement 1")
    assert rule_parts(reason + " [MFA device mfa/Bob]") == (
        "a rule (X-1)",
        "because of this.",
        "allowed by p, statement 1",
    )
    assert rule_parts("something else") == ("a service rule", "something else", "")
