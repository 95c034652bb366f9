"""TOTP rules (docs/aws-behaviour.md, "Lab decisions" D2) and the virtual MFA IAM operations."""

from __future__ import annotations

import pyotp
import pytest
from botocore.exceptions import ClientError

from iamlab.aws.clock import DEFAULT_START
from iamlab.aws.mfa import MfaDevice, code_for_step, otpauth_uri, step_at

from .conftest import make_user

SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def device() -> MfaDevice:
    return MfaDevice(
        "arn:aws:iam::111111111111:mfa/x", "x", "/", "111111111111", SEED, DEFAULT_START
    )


def test_codes_are_rfc6238_sha1_6_digits_30_seconds() -> None:
    totp = pyotp.TOTP(SEED)  # pyotp defaults: SHA1, 6 digits, 30 s
    assert code_for_step(SEED, step_at(DEFAULT_START)) == totp.at(DEFAULT_START)
    assert len(code_for_step(SEED, 1)) == 6


@pytest.mark.parametrize(
    ("offset", "ok"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)]
)
def test_window_is_one_step_either_side(offset: int, ok: bool) -> None:
    d = device()
    code = code_for_step(SEED, step_at(DEFAULT_START) + offset)
    assert d.accept(code, DEFAULT_START) is ok


def test_accepted_code_is_refused_the_second_time() -> None:
    d = device()
    code = code_for_step(SEED, step_at(DEFAULT_START))
    assert d.accept(code, DEFAULT_START)
    assert not d.accept(code, DEFAULT_START)


def test_malformed_codes_are_refused() -> None:
    d = device()
    for bad in ("", "12345", "1234567", "abcdef"):
        assert not d.accept(bad, DEFAULT_START)


def test_pair_must_be_consecutive() -> None:
    s = step_at(DEFAULT_START)
    assert not device().accept_pair(code_for_step(SEED, s), code_for_step(SEED, s), DEFAULT_START)
    assert not device().accept_pair(
        code_for_step(SEED, s + 1), code_for_step(SEED, s), DEFAULT_START
    )
    assert device().accept_pair(code_for_step(SEED, s - 1), code_for_step(SEED, s), DEFAULT_START)


def test_otpauth_uri_form() -> None:
    assert otpauth_uri("Richard", "Richard", "ABC") == "otpauth://totp/Richard@Richard?secret=ABC"


def test_create_virtual_device_returns_seed_bytes_and_real_png(lab, a) -> None:
    import segno  # noqa: F401  (the PNG is made with segno)

    iam = a.client("iam")
    dev = iam.create_virtual_mfa_device(VirtualMFADeviceName="Dev", Path="/team/")[
        "VirtualMFADevice"
    ]
    assert dev["SerialNumber"] == "arn:aws:iam::111111111111:mfa/team/Dev"
    assert isinstance(dev["Base32StringSeed"], bytes) and len(dev["Base32StringSeed"]) == 32
    assert dev["QRCodePNG"].startswith(b"\x89PNG\r\n\x1a\n")
    assert lab.totp(dev["SerialNumber"]) == pyotp.TOTP(dev["Base32StringSeed"].decode()).at(
        lab.clock.now()
    )
    with pytest.raises(ClientError) as e:
        iam.create_virtual_mfa_device(VirtualMFADeviceName="Dev", Path="/team/")
    assert e.value.response["Error"]["Code"] == "EntityAlreadyExists"


def test_enable_needs_two_consecutive_codes(lab, a) -> None:
    iam = a.client("iam")
    iam.create_user(UserName="Ana")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="Ana")["VirtualMFADevice"][
        "SerialNumber"
    ]
    code = lab.totp(serial)
    with pytest.raises(ClientError) as e:
        iam.enable_mfa_device(
            UserName="Ana", SerialNumber=serial, AuthenticationCode1=code, AuthenticationCode2=code
        )
    err = e.value.response
    assert err["Error"] == {
        "Code": "InvalidAuthenticationCode",
        "Message": "Authentication code for device is not valid.",
        "Type": "Sender",
    }
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 403
    first = lab.totp(serial)
    lab.clock.advance(seconds=30)
    iam.enable_mfa_device(
        UserName="Ana",
        SerialNumber=serial,
        AuthenticationCode1=first,
        AuthenticationCode2=lab.totp(serial),
    )
    listed = iam.list_mfa_devices(UserName="Ana")["MFADevices"]
    assert [d["SerialNumber"] for d in listed] == [serial]
    assert listed[0]["EnableDate"] == lab.clock.now()


def test_delete_needs_deactivation_first(lab, a) -> None:
    p = make_user(lab, a, "Bo")
    iam = a.client("iam")
    with pytest.raises(ClientError) as e:
        iam.delete_virtual_mfa_device(SerialNumber=p.serial)
    assert e.value.response["Error"]["Code"] == "DeleteConflict"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    iam.deactivate_mfa_device(UserName="Bo", SerialNumber=p.serial)
    assert iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"] == [
        {"SerialNumber": p.serial}
    ]
    iam.delete_virtual_mfa_device(SerialNumber=p.serial)
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []


def test_resync_learns_a_drifting_phone(lab, a) -> None:
    p = make_user(lab, a, "Drift")
    lab.set_phone_clock_skew(p.serial, 300)  # the phone runs 5 minutes fast
    sts = p.client("sts")
    with pytest.raises(ClientError):
        sts.get_session_token(SerialNumber=p.serial, TokenCode=lab.totp(p.serial))
    iam = a.client("iam")
    c1 = lab.totp(p.serial)
    lab.clock.advance(seconds=30)
    iam.resync_mfa_device(
        UserName="Drift",
        SerialNumber=p.serial,
        AuthenticationCode1=c1,
        AuthenticationCode2=lab.totp(p.serial),
    )
    lab.clock.advance(seconds=30)
    sts.get_session_token(SerialNumber=p.serial, TokenCode=lab.totp(p.serial))
