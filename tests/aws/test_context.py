"""Request-context derivation (docs/aws-behaviour.md, "Lab decisions" D1), property-based where
natural."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from iamlab.aws.clock import DEFAULT_START, iso
from iamlab.aws.context import request_context, with_call_mfa
from iamlab.aws.credentials import (
    TemporarySession,
    role_session_mfa,
    root_caller,
    session_caller,
    session_token_mfa,
    user_caller,
)

MFA_KEYS = {"aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge", "aws:TokenIssueTime"}
NOW = DEFAULT_START
seconds = st.integers(min_value=0, max_value=200_000)
modes = st.sampled_from(["mfa_page", "propagate"])


def session(
    issued_by: str, kind: str = "role", present=None, mfa_time=None, issued=NOW
) -> TemporarySession:
    return TemporarySession(
        "ASIAX",
        "s",
        "t",
        "111111111111",
        issued_by,
        issued,
        issued + timedelta(hours=1),
        kind,
        user="Ana" if kind == "user" else None,
        user_id="AIDAX" if kind == "user" else None,
        role_name="R",
        role_id="AROAX",
        role_arn="arn:aws:iam::111111111111:role/R",
        session_name="s1",
        mfa_present=present,
        mfa_time=mfa_time,
    )


@given(age=seconds)
def test_long_term_keys_carry_no_mfa_or_token_keys(age: int) -> None:
    now = NOW + timedelta(seconds=age)
    for caller in (
        root_caller("111111111111"),
        user_caller("111111111111", "Ana", "arn:aws:iam::111111111111:user/Ana", "AIDAX"),
    ):
        ctx = request_context(caller, now)
        assert not MFA_KEYS & ctx.keys()
        assert ctx["aws:CurrentTime"] == iso(now)
        assert ctx["aws:EpochTime"] == str(int(now.timestamp()))
        assert ctx["aws:SecureTransport"] == "true"


def test_principal_keys_per_kind() -> None:
    root = request_context(root_caller("111111111111"), NOW)
    assert (root["aws:PrincipalType"], root["aws:userid"], root["aws:PrincipalArn"]) == (
        "Account",
        "111111111111",
        "arn:aws:iam::111111111111:root",
    )
    assert "aws:username" not in root
    user = request_context(
        user_caller("111111111111", "Ana", "arn:aws:iam::111111111111:user/Ana", "AIDAX"), NOW
    )
    assert (user["aws:PrincipalType"], user["aws:username"], user["aws:userid"]) == (
        "User",
        "Ana",
        "AIDAX",
    )
    role = request_context(session_caller(session("AssumeRole")), NOW)
    assert role["aws:PrincipalType"] == "AssumedRole"
    assert (
        role["aws:PrincipalArn"] == "arn:aws:iam::111111111111:role/R"
    )  # the role, not the session
    assert role["aws:userid"] == "AROAX:s1"
    assert "aws:username" not in role
    fed = session("GetFederationToken", kind="federated")
    ctx = request_context(session_caller(fed), NOW)
    assert ctx["aws:PrincipalType"] == "FederatedUser"
    assert ctx["aws:userid"] == "111111111111:s1"
    assert ctx["aws:PrincipalArn"] == "arn:aws:sts::111111111111:federated-user/s1"
    assert "aws:MultiFactorAuthPresent" not in ctx and "aws:username" not in ctx
    gst = session("GetSessionToken", kind="user", present=False)
    assert (
        request_context(session_caller(gst, "arn:aws:iam::111111111111:user/Ana"), NOW)[
            "aws:username"
        ]
        == "Ana"
    )


@given(after=seconds, mfa_ago=seconds)
def test_gst_with_mfa_age_counts_from_the_code(after: int, mfa_ago: int) -> None:
    mfa_time = NOW - timedelta(seconds=mfa_ago)
    s = session("GetSessionToken", kind="user", present=True, mfa_time=mfa_time)
    now = NOW + timedelta(seconds=after)
    ctx = request_context(session_caller(s, "arn:aws:iam::111111111111:user/Ana"), now)
    assert ctx["aws:MultiFactorAuthPresent"] == "true"
    assert ctx["aws:MultiFactorAuthAge"] == str(after + mfa_ago)
    assert ctx["aws:TokenIssueTime"] == "2026-01-15T09:00:00Z"


@given(mfa_ok=st.booleans(), root=st.booleans())
def test_session_token_mfa(mfa_ok: bool, root: bool) -> None:
    present, when = session_token_mfa(root, mfa_ok, NOW)
    assert present is (mfa_ok and not root)
    assert (when is not None) is present


@given(call_mfa=st.booleans(), mode=modes)
def test_assume_role_from_long_term_keys(call_mfa: bool, mode: str) -> None:
    present, when = role_session_mfa(None, call_mfa, NOW, mode)  # type: ignore[arg-type]
    if call_mfa and mode == "propagate":
        assert (present, when) == (True, NOW)
    else:  # default: the seed pages' "no MFA information" -> present and false
        assert (present, when) == (False, None)


@given(call_mfa=st.booleans(), mode=modes, ago=seconds)
def test_assume_role_from_gst_mfa_keeps_original_age(call_mfa: bool, mode: str, ago: int) -> None:
    original = NOW - timedelta(seconds=ago)
    caller = session("GetSessionToken", kind="user", present=True, mfa_time=original)
    assert role_session_mfa(caller, call_mfa, NOW, mode) == (True, original)  # type: ignore[arg-type]


@given(present=st.sampled_from([None, False, True]), mode=modes, ago=seconds)
def test_role_chaining_inherits_the_calling_session(present, mode: str, ago: int) -> None:
    when = NOW - timedelta(seconds=ago) if present else None
    caller = session("AssumeRole", present=present, mfa_time=when)
    assert role_session_mfa(caller, False, NOW, mode) == (present, when)  # type: ignore[arg-type]


def test_call_mfa_overrides_only_when_valid() -> None:
    base = {"aws:PrincipalType": "User"}
    assert with_call_mfa(base, False) == base
    assert with_call_mfa(base, True)["aws:MultiFactorAuthPresent"] == "true"
