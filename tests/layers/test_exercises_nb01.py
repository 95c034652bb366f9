"""Exercises of notebook 01: the right answers, every kind of over-broad answer, wrong answers
and the placeholders."""

from __future__ import annotations

import json
from typing import Any

import pytest

from iamlab.exercises import check, reset, solution
from iamlab.exercises.nb01 import DRAFT_01_1, trap_outcomes

AGE, PRESENT = "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent"
A_INSTANCES = "arn:aws:ec2:us-east-1:111111111111:instance/*"


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def deny(condition: dict, action: Any = "ec2:TerminateInstances", resource: Any = "*") -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, "Condition": condition}


def allow(
    condition: dict | None = None,
    action: Any = ("ec2:RebootInstances", "ec2:ModifyInstanceAttribute"),
    resource: Any = A_INSTANCES,
) -> dict:
    statement = {"Effect": "Allow", "Action": list(action) if isinstance(action, tuple) else action}
    statement["Resource"] = resource
    if condition is not None:
        statement["Condition"] = condition
    return statement


FRESH = {"NumericGreaterThanEqualsIfExists": {AGE: "900"}}
RECENT = {"NumericLessThan": {AGE: "1800"}}


def says(exercise: str, answer: Any, text: str) -> list[str]:
    feedback = check(exercise, answer)
    assert not feedback, exercise
    assert any(text in p for p in feedback.problems), feedback.problems
    return feedback.problems


# ---- 01.1 ------------------------------------------------------------------------------------


def test_01_1_right_answers_pass() -> None:
    assert check("01.1", json.loads(solution("01.1", instructor=True)))
    two = policy(
        deny({"BoolIfExists": {PRESENT: "false"}}),
        deny({"NumericGreaterThanEquals": {AGE: "900"}}),
    )
    assert check("01.1", two)
    null = policy(deny({"Null": {AGE: "true"}}), deny({"NumericGreaterThanEquals": {AGE: "900"}}))
    assert check("01.1", null)


@pytest.mark.parametrize("answer", [None, DRAFT_01_1, json.dumps(DRAFT_01_1)])
def test_01_1_placeholder_and_the_untouched_draft(answer: Any) -> None:
    feedback = check("01.1", answer)
    assert not feedback.answered and feedback.hint is None


def test_01_1_the_missing_key_trap_is_explained() -> None:
    trap = policy(
        deny({"Bool": {PRESENT: "false"}}), deny({"NumericGreaterThanEquals": {AGE: "900"}})
    )
    problems = says("01.1", trap, "long-term access keys terminate an instance")
    assert any("a plain Bool condition on a missing key is not met" in p for p in problems)
    assert check("01.1", trap).topics[0] == "missing-key"
    age_only = policy(deny({"NumericGreaterThanEquals": {AGE: "900"}}))
    assert any(
        "a Numeric condition on a missing key" in p for p in check("01.1", age_only).problems
    )


def test_01_1_the_age_limit_is_needed_and_exact() -> None:
    says("01.1", policy(deny({"BoolIfExists": {PRESENT: "false"}})), "20 minutes old terminates")
    off_by_one = policy(deny({"NumericGreaterThanIfExists": {AGE: "900"}}))
    problems = says("01.1", off_by_one, "MFA 900 s ago), which the task denies")
    assert "an MFA sign-in exactly 900 s old is not less than 15 minutes old" in problems


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        # a wildcard action: takes away more than the task says
        (policy(deny(FRESH, "ec2:*")), "long-term access keys stop an instance"),
        (
            policy(deny(FRESH, "ec2:Terminate*")),
            "no longer allows ec2:TerminateClientVpnConnections",
        ),
        (policy(deny(FRESH, "ec2:*Instances")), "no longer allows ec2:StartInstances"),
        # an unrelated action listed beside
        (
            policy(deny(FRESH, ["ec2:TerminateInstances", "ec2:RebootInstances"])),
            "no longer allows ec2:RebootInstances",
        ),
        # an extra statement that denies something else (other services included)
        (
            policy(deny(FRESH), {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}),
            "also denies s3:",
        ),
        # an extra statement that grants something else
        (policy(deny(FRESH), allow(None, "iam:CreateUser", "*")), "also allows iam:CreateUser"),
        # the wrong type of operator
        (policy(deny({"DateGreaterThanEqualsIfExists": {AGE: "900"}})), "is a Numeric key"),
        # too few instances: the Deny misses other instances, accounts or regions
        (
            policy(
                deny(
                    FRESH,
                    resource="arn:aws:ec2:us-east-1:111111111111:instance/i-0123456789abcdef0",
                )
            ),
            "does not deny ec2:TerminateInstances on arn:aws:ec2:us-east-1:111111111111:"
            "instance/i-0123456789abcdef1",
        ),
    ],
)
def test_01_1_answers_that_change_something_else_are_refused(answer: dict, text: str) -> None:
    says("01.1", answer, text)


def test_01_1_an_allow_is_not_a_deny() -> None:
    says(
        "01.1",
        policy(allow({"Bool": {PRESENT: "true"}}, "ec2:TerminateInstances", "*")),
        "should be denied",
    )


# ---- 01.2 ------------------------------------------------------------------------------------


def test_01_2_right_answers_pass() -> None:
    assert check("01.2", json.loads(solution("01.2", instructor=True)))
    with_bool = allow({**RECENT, "Bool": {PRESENT: "true"}}, resource=[A_INSTANCES])
    assert check("01.2", policy(with_bool))
    split = policy(
        allow(RECENT, "ec2:RebootInstances"), allow(RECENT, "ec2:ModifyInstanceAttribute")
    )
    assert check("01.2", split)
    # a Deny that restates the task is fine
    restate = policy(
        allow(RECENT),
        deny(
            {"NumericGreaterThanEqualsIfExists": {AGE: "1800"}},
            ["ec2:RebootInstances", "ec2:ModifyInstanceAttribute"],
        ),
    )
    assert check("01.2", restate)


def test_01_2_placeholder() -> None:
    assert not check("01.2", None).answered


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        (policy(allow(RECENT, "ec2:*")), "Sofía terminates an instance"),
        (
            policy(allow(RECENT, ["ec2:Reboot*", "ec2:Modify*"])),
            "also allows ec2:ModifyInstanceMetadataOptions",
        ),
        (
            policy(allow(RECENT, ["ec2:Reboot*", "ec2:Modify*"], "*")),
            "also allows ec2:ModifyVolume",
        ),
        (
            policy(
                allow(
                    RECENT,
                    ["ec2:RebootInstances", "ec2:ModifyInstanceAttribute", "ec2:StopInstances"],
                )
            ),
            "also allows ec2:StopInstances",
        ),
        (
            policy(allow(RECENT), allow(None, "ec2:DescribeInstances", "*")),
            "also allows ec2:DescribeInstances",
        ),
        (policy(allow(RECENT), allow(None, "s3:GetObject", "*")), "also allows s3:GetObject"),
        (policy(allow(RECENT, resource="*")), "Sofía reboots an instance in eu-west-1"),
        (policy(allow(RECENT, resource="arn:aws:ec2:*:111111111111:instance/*")), "eu-west-1"),
        (
            policy(allow(RECENT, resource="arn:aws:ec2:us-east-1:*:instance/*")),
            'has "*" in its account field',
        ),
        (
            policy(allow(RECENT, resource="arn:aws:ec2:us-east-1:1111111111??:instance/*")),
            'has "1111111111??" in its account field',
        ),
        (policy(allow({"NumericLessThanIfExists": {AGE: "1800"}})), "with long-term access keys"),
        (policy(allow({"NumericLessThanEquals": {AGE: "1800"}})), "exactly 30 minutes old"),
        (policy(allow({"DateLessThan": {AGE: "1800"}})), "is a Numeric key"),
        (policy(allow({"Bool": {PRESENT: "true"}})), "exactly 30 minutes old"),
        (policy(allow()), "with long-term access keys"),
        (
            policy(
                allow({"BoolIfExists": {PRESENT: "true"}, "NumericLessThanIfExists": {AGE: "1800"}})
            ),
            "long-term",
        ),
    ],
)
def test_01_2_over_broad_answers_are_refused(answer: dict, text: str) -> None:
    says("01.2", answer, text)


def test_01_2_explanations_for_the_typical_slips() -> None:
    problems = says("01.2", policy(allow({"NumericLessThanEquals": {AGE: "1800"}})), "30 minutes")
    assert any("use a strict comparison" in p for p in problems)
    problems = says("01.2", policy(allow({"NumericLessThanIfExists": {AGE: "1800"}})), "long-term")
    assert any("an ...IfExists operator lets them in" in p for p in problems)


def test_01_2_too_narrow_answers_are_refused() -> None:
    says("01.2", policy(allow(RECENT, "ec2:RebootInstances")), "Sofía modifies an instance")
    says("01.2", policy(allow({"NumericLessThan": {AGE: "900"}})), "29 minutes old")


# ---- 01.3 ------------------------------------------------------------------------------------


def test_01_3_the_engine_decides_with_the_lab_s_contexts() -> None:
    assert trap_outcomes() == json.loads(solution("01.3", instructor=True))
    assert check("01.3", trap_outcomes())


def test_01_3_count_first_then_names() -> None:
    wrong = dict.fromkeys(trap_outcomes(), "allowed")
    wrong["GetSessionToken with MFA"] = "explicitDeny"
    first = check("01.3", wrong)
    assert first.problems[0].startswith("2 of your 4 predictions")
    assert check("01.3", wrong) == first
    wrong["GetSessionToken with MFA"] = "implicitDeny"
    named = check("01.3", wrong).problems
    assert [p.split(":")[0] for p in named] == ["long-term keys", "GetSessionToken with MFA"]


def test_01_3_placeholder_and_bad_words() -> None:
    assert not check("01.3", dict.fromkeys(trap_outcomes())).answered
    assert "answer one of" in check("01.3", {"long-term keys": "denied"}).problems[0]
    assert "dict" in check("01.3", "explicitDeny").problems[0]
