"""Exercises of notebook 09: model answers pass, typical mistakes get specific feedback."""

from __future__ import annotations

import json

import pytest

from iamlab.exercises import check, reset, solution
from iamlab.exercises.nb09 import KINDS


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


def trust(principal: object, condition: bool = True) -> dict:
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    return {"Version": "2012-10-17", "Statement": statement}


@pytest.mark.parametrize("exercise", ["09.1", "09.2"])
def test_none_fails_with_a_first_hint(exercise: str) -> None:
    feedback = check(exercise, None)
    assert not feedback and feedback.problems and feedback.hint


@pytest.mark.parametrize("exercise", ["09.1", "09.2"])
def test_model_solution_passes(exercise: str) -> None:
    assert check(exercise, json.loads(solution(exercise, instructor=True)))


def test_09_1_wrong_kinds_are_named_with_a_reason() -> None:
    feedback = check("09.1", ["AssumeRoleWithSAML", "IAM user's GetSessionToken with MFA"])
    assert feedback.problems[0].startswith("AssumeRoleWithSAML: cannot satisfy it")
    assert "you left out 1 kind" in feedback.problems[1]
    root = check("09.1", ["root user's GetSessionToken"]).problems
    assert any("root" in p and '"false"' in p for p in root)
    assert "not one of the kinds" in check("09.1", ["GetSessionToken"]).problems[0]


def test_09_1_truth_matches_a_real_lab() -> None:
    """The exercise's table agrees with what the lab's requests carry."""
    from iamlab.scenarios import build_cross_account

    story = build_cross_account()
    lab, richard = story.lab, story.richard
    sts = richard.client("sts")
    gst = sts.get_session_token(
        SerialNumber=richard.mfa_serial, TokenCode=lab.totp(richard.mfa_serial)
    )
    role = (
        lab.session(gst["Credentials"])
        .client("sts")
        .assume_role(RoleArn=story.cross_account_role, RoleSessionName="Richard")
    )
    root = story.root("111111111111").client("sts").get_session_token()
    fed = story.anaya.client("sts").get_federation_token(Name="Bob")
    measured = {
        "IAM user's long-term access keys": lab.request_context(richard.session),
        "root user's GetSessionToken": lab.request_context(root["Credentials"]),
        "GetFederationToken": lab.request_context(fed["Credentials"]),
        "IAM user's GetSessionToken with MFA": lab.request_context(gst["Credentials"]),
        "AssumeRole with GetSessionToken(MFA) credentials": lab.request_context(
            role["Credentials"]
        ),
    }
    for kind, context in measured.items():
        assert context.get("aws:MultiFactorAuthPresent") == KINDS[kind], kind


def test_09_2_the_whole_account_lets_mallory_in() -> None:
    feedback = check("09.2", trust("222222222222"))
    assert [p.split(":")[0] for p in feedback.problems] == [
        "Mallory (account B) with her own MFA device",
        "account B's other users with MFA",
    ]


def test_09_2_dropping_the_mfa_condition_is_caught() -> None:
    feedback = check("09.2", trust("arn:aws:iam::222222222222:user/Richard", condition=False))
    assert all("Richard without MFA" in p for p in feedback.problems)


def test_09_2_a_trust_policy_needs_a_principal() -> None:
    feedback = check(
        "09.2",
        {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}},
    )
    assert "IAM would reject this policy" in feedback.problems[0]


def test_hints_grow() -> None:
    hints = [check("09.2", trust("222222222222")).hint for _ in range(3)]
    assert len(set(hints)) == 3
    assert "user/Richard" not in hints[0]
