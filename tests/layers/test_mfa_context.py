"""The MFA keys each kind of credentials carries, computed from a real lab, follow the lab's
documented rules (docs/aws-behaviour.md, "Lab decisions" D1, from the AWS page "Secure API
access with MFA" and the global condition keys page)."""

from __future__ import annotations

import pytest

from iamlab import Lab
from iamlab.scenarios import mfa_context as m

ABSENT = None
# kind -> (MultiFactorAuthPresent, has MultiFactorAuthAge, has TokenIssueTime) by mode
RULES = {
    m.LONG_TERM: {"mfa_page": (ABSENT, False, False), "propagate": (ABSENT, False, False)},
    m.GST: {"mfa_page": ("false", False, True), "propagate": ("false", False, True)},
    m.GST_MFA: {"mfa_page": ("true", True, True), "propagate": ("true", True, True)},
    m.AR: {"mfa_page": ("false", False, True), "propagate": ("false", False, True)},
    m.AR_MFA: {"mfa_page": ("false", False, True), "propagate": ("true", True, True)},
    m.GST_MFA_AR: {"mfa_page": ("true", True, True), "propagate": ("true", True, True)},
    m.CHAIN: {"mfa_page": ("false", False, True), "propagate": ("true", True, True)},
    m.GFT: {"mfa_page": (ABSENT, False, True), "propagate": (ABSENT, False, True)},
    m.ROOT: {"mfa_page": (ABSENT, False, False), "propagate": (ABSENT, False, False)},
    m.ROOT_GST: {"mfa_page": ("false", False, True), "propagate": ("false", False, True)},
}


@pytest.mark.parametrize("mode", m.MODES)
@pytest.mark.parametrize("kind", m.KINDS)
def test_each_kind_carries_the_documented_keys(kind: str, mode: str) -> None:
    present, age, issued = RULES[kind][mode]
    keys = m.mfa_keys(kind, mode=mode)
    assert keys.get("aws:MultiFactorAuthPresent") == present
    assert ("aws:MultiFactorAuthAge" in keys) is age
    assert ("aws:TokenIssueTime" in keys) is issued
    if age:
        assert keys["aws:MultiFactorAuthAge"] == "0"  # read right after the code was accepted


def test_every_kind_is_in_the_table_with_its_caller() -> None:
    table = m.credential_table()
    assert list(table) == list(m.KINDS)
    assert table[m.LONG_TERM].principal == "arn:aws:iam::111111111111:user/Sofia"
    assert table[m.AR_MFA].principal == "arn:aws:sts::111111111111:assumed-role/EC2Operator/Sofia"
    assert table[m.CHAIN].principal == "arn:aws:sts::111111111111:assumed-role/Auditor/Sofia"
    assert table[m.GFT].principal == "arn:aws:sts::111111111111:federated-user/Sofia"
    assert table[m.ROOT_GST].principal == "arn:aws:iam::111111111111:root"


def test_the_age_counts_on_as_in_a_lab_whose_clock_moves() -> None:
    """mfa_keys(kind, age) is what the same credentials carry ``age`` seconds later."""
    lab = Lab()
    root = lab.create_account("111111111111")
    iam = root.client("iam")
    iam.create_user(UserName="Sofia")
    sofia = lab.session(iam.create_access_key(UserName="Sofia")["AccessKey"])
    from iamlab.scenarios import enable_virtual_mfa

    serial = enable_virtual_mfa(lab, iam, "Sofia")
    lab.clock.advance(seconds=30)
    creds = sofia.client("sts").get_session_token(SerialNumber=serial, TokenCode=lab.totp(serial))
    session = lab.session(creds["Credentials"])
    lab.clock.advance(seconds=3600)
    real = lab.request_context(session)
    computed = m.mfa_keys(m.GST_MFA, age=3600)
    assert computed["aws:MultiFactorAuthAge"] == real["aws:MultiFactorAuthAge"] == "3600"
    assert computed["aws:MultiFactorAuthPresent"] == real["aws:MultiFactorAuthPresent"]


def test_the_table_is_deterministic_and_cached() -> None:
    assert m.credential_table() is not m.credential_table()  # a fresh dict each time...
    assert m.credential_table()[m.GST_MFA] is m.credential_table()[m.GST_MFA]  # ...same rows
    assert m.rows()[0] == {
        "credentials": m.LONG_TERM,
        "aws:MultiFactorAuthPresent": "(absent)",
        "aws:MultiFactorAuthAge": "(absent)",
        "aws:TokenIssueTime": "(absent)",
    }


def test_unknown_kinds_and_modes_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        m.mfa_keys("smart card")
    with pytest.raises(ValueError, match="mode must be one of"):
        m.credential_table("sometimes")


def test_the_exercises_do_not_import_the_widgets() -> None:
    """iamlab.exercises sits below iamlab.widgets: importing it must not load widgets."""
    import subprocess
    import sys

    code = (
        "import sys, iamlab.exercises.catalog\n"
        "leaks = [m for m in sys.modules if m.startswith('iamlab.widgets')]\n"
        "assert not leaks, leaks\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_request_keys_are_the_lab_s_context_without_the_caller_and_move_with_time() -> None:
    row = m.credential_table()[m.GST_MFA]
    keys = row.request_keys(3600)
    assert "aws:PrincipalArn" not in keys and "aws:username" not in keys
    assert keys["aws:SecureTransport"] == "true" and keys["aws:RequestedRegion"] == "us-east-1"
    assert keys["aws:MultiFactorAuthAge"] == "3600"
    assert int(keys["aws:EpochTime"]) == int(row.context["aws:EpochTime"]) + 3600
    assert keys["aws:CurrentTime"] == "2026-01-15T10:00:30Z"  # issued at 09:00:30
    assert m.request_keys(m.LONG_TERM).keys() >= {"aws:CurrentTime", "aws:SecureTransport"}
