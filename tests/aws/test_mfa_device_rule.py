"""Enabling or deactivating one's own MFA device once one exists (AWS-2023-001).

AWS security bulletin AWS-2023-001 (https://aws.amazon.com/security/security-bulletins/
AWS-2023-001/, fixed 2023-04-21): an IAM user who already has an MFA device and signs
with long-term access keys can no longer enable or deactivate an MFA device for
themselves; they first get MFA-authenticated credentials with GetSessionToken and an
existing device. Administrators acting on the user are not affected. AWS does not
document the error it returns: the lab answers AccessDenied naming the rule
(docs/aws-behaviour.md, "Lab decisions" D8). ``Lab(mfa_device_rule="2022")`` replays
2022-11-16 to 2023-04-21, when the sample self-managed MFA policy of the IAM User
Guide ("Allows MFA-authenticated IAM users to manage their own MFA device") let a
stolen access key add a second device and reach the access reserved for MFA.
"""

from __future__ import annotations

import json

import pyotp
import pytest
from botocore.exceptions import ClientError

from iamlab.aws import Lab, LabUsageError
from iamlab.data import load_policy

from .conftest import A, doc, make_user

OWN_MFA = doc(
    {
        "Effect": "Allow",
        "Action": [
            "iam:CreateVirtualMFADevice",
            "iam:EnableMFADevice",
            "iam:DeactivateMFADevice",
            "iam:ListMFADevices",
            "iam:DeleteVirtualMFADevice",
        ],
        "Resource": ["arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::*:mfa/*"],
    }
)
ADMIN = doc({"Effect": "Allow", "Action": "iam:*", "Resource": "*"})
RULE_TEXT = (
    "User: arn:aws:iam::111111111111:user/Bob is not authorized to perform: {action} on "
    "resource: arn:aws:iam::111111111111:user/Bob because the user already has an MFA "
    "device and the request was not authenticated with MFA: call GetSessionToken with an "
    "existing MFA device first (AWS security bulletin AWS-2023-001)"
)


def new_device(lab: Lab, iam, name: str) -> tuple[str, pyotp.TOTP]:
    dev = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
    return dev["SerialNumber"], pyotp.TOTP(dev["Base32StringSeed"].decode())


def enable(lab: Lab, iam, user: str, serial: str, totp: pyotp.TOTP) -> None:
    now = lab.clock.now()
    iam.enable_mfa_device(
        UserName=user,
        SerialNumber=serial,
        AuthenticationCode1=totp.at(now, counter_offset=-1),
        AuthenticationCode2=totp.at(now),
    )


def mfa_session(lab: Lab, bob, serial: str) -> object:
    lab.clock.advance(seconds=60)  # a fresh code
    creds = bob.client("sts").get_session_token(SerialNumber=serial, TokenCode=lab.totp(serial))[
        "Credentials"
    ]
    return lab.session(creds)


def devices(a, user: str = "Bob") -> list[str]:
    return [
        d["SerialNumber"] for d in a.client("iam").list_mfa_devices(UserName=user)["MFADevices"]
    ]


@pytest.fixture
def bob(lab, a):
    """Bob manages his own MFA devices and has none yet."""
    return make_user(lab, a, "Bob", {"own-mfa": OWN_MFA}, mfa=False)


def test_first_device_with_long_term_keys_is_allowed(lab, a, bob) -> None:
    iam = bob.client("iam")
    serial, totp = new_device(lab, iam, "Bob")
    enable(lab, iam, "Bob", serial, totp)
    assert devices(a) == [serial]


def test_second_device_with_long_term_keys_is_refused(lab, a, bob) -> None:
    iam = bob.client("iam")
    first, totp1 = new_device(lab, iam, "Bob")
    enable(lab, iam, "Bob", first, totp1)
    lab.clock.advance(seconds=60)
    second, totp2 = new_device(lab, iam, "Bob-2")
    with pytest.raises(ClientError) as e:
        enable(lab, iam, "Bob", second, totp2)
    err = e.value.response
    assert err["Error"]["Code"] == "AccessDenied"
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert err["Error"]["Message"] == RULE_TEXT.format(action="iam:EnableMFADevice")
    assert devices(a) == [first]
    row = lab.trail().iloc[-2]  # the refused EnableMFADevice (list_mfa_devices came after)
    assert (row.operation, row.decision, row.error) == (
        "EnableMFADevice",
        "refusedByRule",  # the policy allowed it; IAM's rule refused it
        "AccessDenied",
    )
    assert "AWS-2023-001" in row.reason


def test_second_device_with_an_mfa_session_is_allowed(lab, a, bob) -> None:
    iam = bob.client("iam")
    first, totp1 = new_device(lab, iam, "Bob")
    enable(lab, iam, "Bob", first, totp1)
    with_mfa = mfa_session(lab, bob, first).client("iam")
    second, totp2 = new_device(lab, with_mfa, "Bob-2")
    enable(lab, with_mfa, "Bob", second, totp2)
    assert devices(a) == [first, second]


def test_deactivate_with_long_term_keys_is_refused_even_for_the_only_device(lab, a, bob) -> None:
    iam = bob.client("iam")
    first, totp1 = new_device(lab, iam, "Bob")
    enable(lab, iam, "Bob", first, totp1)
    with pytest.raises(ClientError) as e:
        iam.deactivate_mfa_device(UserName="Bob", SerialNumber=first)
    assert e.value.response["Error"]["Code"] == "AccessDenied"
    assert e.value.response["Error"]["Message"] == RULE_TEXT.format(
        action="iam:DeactivateMFADevice"
    )
    assert devices(a) == [first]


def test_deactivate_with_an_mfa_session_is_allowed(lab, a, bob) -> None:
    iam = bob.client("iam")
    first, totp1 = new_device(lab, iam, "Bob")
    enable(lab, iam, "Bob", first, totp1)
    mfa_session(lab, bob, first).client("iam").deactivate_mfa_device(
        UserName="Bob", SerialNumber=first
    )
    assert devices(a) == []


def test_an_administrator_acting_on_the_user_is_not_affected(lab, a, bob) -> None:
    admin = make_user(lab, a, "Admin", {"admin": ADMIN}, mfa=False).client("iam")
    first, totp1 = new_device(lab, admin, "Bob")
    enable(lab, admin, "Bob", first, totp1)
    lab.clock.advance(seconds=60)
    second, totp2 = new_device(lab, admin, "Bob-2")
    enable(lab, admin, "Bob", second, totp2)  # long-term keys, but not for himself
    admin.deactivate_mfa_device(UserName="Bob", SerialNumber=first)
    root = a.client("iam")  # the root user too
    root.deactivate_mfa_device(UserName="Bob", SerialNumber=second)
    assert devices(a) == []


def test_the_admin_himself_is_bound_by_the_rule_for_his_own_devices(lab, a) -> None:
    admin = make_user(lab, a, "Admin", {"admin": ADMIN}, mfa=True)
    with pytest.raises(ClientError) as e:
        admin.client("iam").deactivate_mfa_device(UserName="Admin", SerialNumber=admin.serial)
    assert "AWS-2023-001" in e.value.response["Error"]["Message"]


def test_policies_still_apply(lab, a) -> None:
    """Without a policy allowing it, the policy's denial comes first, with or without MFA."""
    carol = make_user(lab, a, "Carol", mfa=True)  # root enabled her device; no policies
    serial, totp = new_device(lab, a.client("iam"), "Carol-2")
    with pytest.raises(ClientError) as e:
        enable(lab, carol.client("iam"), "Carol", serial, totp)
    assert e.value.response["Error"]["Message"].endswith(
        "because no identity-based policy allows the iam:EnableMFADevice action"
    )
    with pytest.raises(ClientError) as e:
        enable(lab, mfa_session(lab, carol, carol.serial).client("iam"), "Carol", serial, totp)
    assert e.value.response["Error"]["Message"].endswith(
        "because no identity-based policy allows the iam:EnableMFADevice action"
    )


def test_replaying_2022_allows_both_with_long_term_keys() -> None:
    lab = Lab(mfa_device_rule="2022")
    a = lab.create_account(A)
    bob = make_user(lab, a, "Bob", {"own-mfa": OWN_MFA}, mfa=False)
    iam = bob.client("iam")
    first, totp1 = new_device(lab, iam, "Bob")
    enable(lab, iam, "Bob", first, totp1)
    lab.clock.advance(seconds=60)
    second, totp2 = new_device(lab, iam, "Bob-2")
    enable(lab, iam, "Bob", second, totp2)
    iam.deactivate_mfa_device(UserName="Bob", SerialNumber=first)
    assert devices(a) == [second]


def _attack_world(rule: str) -> tuple[Lab, object]:
    """Bob: the self-managed MFA policy, an Allow * (which the policy's Deny limits to MFA
    sessions) and one device, ``Bob-phone``, enabled by an administrator. The attacker
    holds only Bob's access keys."""
    lab = Lab(mfa_device_rule=rule)
    a = lab.create_account(A)
    allow_all = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
    policies = {"self-managed-mfa": json.dumps(load_policy("self-managed-mfa")), "all": allow_all}
    bob = make_user(lab, a, "Bob", policies, mfa=False)
    phone, totp = new_device(lab, a.client("iam"), "Bob-phone")
    enable(lab, a.client("iam"), "Bob", phone, totp)
    lab.clock.advance(seconds=60)
    return lab, lab.session(bob.key)


def test_the_2022_hole_stolen_keys_add_a_device_and_reach_mfa_access() -> None:
    lab, stolen = _attack_world("2022")
    iam = stolen.client("iam")
    with pytest.raises(ClientError):  # without MFA the policy denies everything else
        iam.list_users()
    serial, totp = new_device(lab, iam, "Bob")  # the policy lets Bob create mfa/Bob
    enable(lab, iam, "Bob", serial, totp)  # ... and enable it, without MFA
    lab.clock.advance(seconds=60)
    creds = stolen.client("sts").get_session_token(SerialNumber=serial, TokenCode=lab.totp(serial))
    attacker = lab.session(creds["Credentials"]).client("iam")
    assert [u["UserName"] for u in attacker.list_users()["Users"]] == ["Bob"]  # full access


def test_the_2023_fix_stops_the_attack_at_enable() -> None:
    lab, stolen = _attack_world("2023")
    iam = stolen.client("iam")
    serial, totp = new_device(lab, iam, "Bob")
    with pytest.raises(ClientError) as e:
        enable(lab, iam, "Bob", serial, totp)
    assert e.value.response["Error"]["Code"] == "AccessDenied"
    assert "AWS-2023-001" in e.value.response["Error"]["Message"]
    lab.clock.advance(seconds=60)
    with pytest.raises(ClientError) as e:  # the new device is not Bob's: no MFA session
        stolen.client("sts").get_session_token(SerialNumber=serial, TokenCode=lab.totp(serial))
    assert e.value.response["Error"]["Code"] == "AccessDenied"


def test_the_option_is_checked() -> None:
    with pytest.raises(LabUsageError, match="mfa_device_rule"):
        Lab(mfa_device_rule="2024")  # type: ignore[arg-type]
