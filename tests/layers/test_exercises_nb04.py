"""Exercises of notebook 04: the right answers, every kind of over-broad answer, wrong answers,
the placeholders, and the lesson's shape.

The rules come from the AWS page "Secure API access with MFA" (the EC2-Admins story) and the
Service Authorization Reference for EC2 (instance ARNs name region and account)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from iamlab.exercises import check, reset, solution
from iamlab.exercises.nb04 import A_INSTANCES, lab_outcomes
from tests.layers import test_lesson_shape as shape

PRESENT, AGE = "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"
STOP, TERMINATE = "ec2:StopInstances", "ec2:TerminateInstances"
MFA = {"Bool": {PRESENT: "true"}}
RECENT = {"Bool": {PRESENT: "true"}, "NumericLessThan": {AGE: "900"}}


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any, condition: dict | None, resource: Any = A_INSTANCES) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition is not None:
        statement["Condition"] = condition
    return statement


def two(stop: dict | None = None, terminate: dict | None = None, **kw: Any) -> dict[str, Any]:
    """The task's two statements, with parts replaced."""
    return policy(
        stop or allow(kw.get("stop_action", STOP), MFA, kw.get("stop_resource", A_INSTANCES)),
        terminate or allow(kw.get("terminate_action", TERMINATE), RECENT),
    )


def says(answer: Any, text: str) -> list[str]:
    feedback = check("04.1", answer)
    assert not feedback
    assert any(text in p for p in feedback.problems), feedback.problems
    return feedback.problems


# ---- 04.1 ------------------------------------------------------------------------------------


def test_04_1_right_answers_pass() -> None:
    assert check("04.1", json.loads(solution("04.1", instructor=True)))
    assert check("04.1", two())
    # the age condition alone also requires MFA: the key exists only after an MFA sign-in
    assert check("04.1", two(terminate=allow(TERMINATE, {"NumericLessThan": {AGE: "900"}})))
    # the Resource as a list, and the account's instances named with a lower-case action name
    assert check("04.1", two(stop=allow("ec2:stopinstances", MFA, [A_INSTANCES])))
    # a Deny that restates the task is fine
    restate = two()
    restate["Statement"].append(
        {
            "Effect": "Deny",
            "Action": TERMINATE,
            "Resource": "*",
            "Condition": {"NumericGreaterThanEqualsIfExists": {AGE: "900"}},
        }
    )
    assert check("04.1", restate)


def test_04_1_placeholder_spends_nothing() -> None:
    feedback = check("04.1", None)
    assert not feedback.answered and feedback.hint is None
    assert not check("04.1", ...).answered


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        # wildcard actions: every one is refused, even one that catches nothing else today
        (policy(allow("ec2:*", MFA)), "Sofía starts an instance with MFA"),
        (policy(allow("*", MFA)), "also allows"),
        (two(stop_action="ec2:Stop*"), 'the Action "ec2:Stop*" is a wildcard'),
        (two(stop_action="ec2:St*"), "also allows ec2:StartInstances"),
        (two(stop_action="ec2:*Instances"), "also allows ec2:RebootInstances"),
        (two(terminate_action="ec2:Terminate*"), 'the Action "ec2:Terminate*" is a wildcard'),
        (two(stop_action="ec2:St?pInstances"), "is a wildcard"),
        # an unrelated action beside the ones asked for
        (two(stop_action=[STOP, "ec2:RebootInstances"]), "also allows ec2:RebootInstances"),
        (two(stop_action=[STOP, "ec2:StartInstances"]), "Sofía starts an instance with MFA"),
        # an extra statement that grants something else
        (
            policy(*two()["Statement"], allow("s3:GetObject", None, "*")),
            "also allows s3:GetObject",
        ),
        (
            policy(*two()["Statement"], allow("ec2:DescribeInstances", None, "*")),
            "also allows ec2:DescribeInstances",
        ),
        # an extra statement that denies something else
        (
            policy(*two()["Statement"], {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}),
            "also denies iam:",
        ),
        # other instances: Resource "*", other regions, other accounts
        (two(stop_resource="*"), "Sofía stops an instance of account A in eu-west-1"),
        (
            two(stop_resource="arn:aws:ec2:*:111111111111:instance/*"),
            "Sofía stops an instance of account A in eu-west-1",
        ),
        (
            two(stop_resource="arn:aws:ec2:us-east-1:*:instance/*"),
            'has "*" in its account field',
        ),
        (
            two(stop_resource="arn:aws:ec2:us-east-1:11111111111?:instance/*"),
            "in its account field",
        ),
        # the wrong type of operator for the key
        (two(terminate=allow(TERMINATE, {"DateLessThan": {AGE: "900"}})), "is a Numeric key"),
        (two(stop=allow(STOP, {"StringEquals": {PRESENT: "true"}})), "Bool"),
    ],
)
def test_04_1_over_broad_answers_are_refused(answer: dict, text: str) -> None:
    says(answer, text)


@pytest.mark.parametrize(
    ("answer", "text", "explained"),
    [
        (
            two(stop=allow(STOP, {"BoolIfExists": {PRESENT: "true"}})),
            "stops an instance with her long-term access keys",
            "an ...IfExists operator counts the missing key as a match",
        ),
        (
            two(terminate=allow(TERMINATE, {"NumericLessThanEquals": {AGE: "900"}})),
            "exactly 15 minutes old",
            "use a strict comparison",
        ),
        (
            two(terminate=allow(TERMINATE, {"NumericLessThan": {AGE: "15"}})),
            "14 minutes old",
            "counts seconds, not minutes",
        ),
    ],
)
def test_04_1_typical_slips_are_explained(answer: dict, text: str, explained: str) -> None:
    problems = says(answer, text)
    assert any(explained in p for p in problems), problems


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        (policy(allow([STOP, TERMINATE], MFA)), "2 hours old: your identity policy gives allowed"),
        (policy(allow(STOP, MFA)), "terminates an instance, MFA sign-in 1 minute old"),
        (two(stop=allow(STOP, None)), "with her long-term access keys"),
        (two(terminate=allow(TERMINATE, {"NumericLessThan": {AGE: "3600"}})), "15 minutes old"),
        (
            two(stop_resource="arn:aws:ec2:us-east-1:111111111111:instance/i-0123456789abcdef0"),
            "does not allow ec2:StopInstances",
        ),
        (policy(allow([STOP, TERMINATE], RECENT)), "MFA sign-in 2 hours old"),
    ],
)
def test_04_1_wrong_answers_are_refused(answer: dict, text: str) -> None:
    says(answer, text)


def test_04_1_hints_follow_the_answer_and_do_not_repeat() -> None:
    first = check("04.1", two(stop_action="ec2:*"))
    assert check("04.1", two(stop_action="ec2:*")) == first
    second = check("04.1", two(stop_action="ec2:*Instances"))
    assert second.hint != first.hint and "action" in second.topics


# ---- 04.2 ------------------------------------------------------------------------------------


def test_04_2_the_lab_decides_and_the_solution_agrees() -> None:
    truth = lab_outcomes()
    assert truth == json.loads(solution("04.2", instructor=True))
    assert list(truth.values()).count("allowed") == 2
    assert check("04.2", truth)


def test_04_2_count_first_then_names() -> None:
    wrong = dict(lab_outcomes())
    wrong["GetSessionToken with MFA, 11 hours later"] = "denied"
    first = check("04.2", wrong)
    assert first.problems[0].startswith("1 of your 5 predictions is not what IAM decides")
    wrong["long-term access keys"] = "allowed"
    named = check("04.2", wrong).problems
    assert [p.split(":")[0] for p in named] == [
        "long-term access keys",
        "GetSessionToken with MFA, 11 hours later",
    ]


def test_04_2_placeholder_and_bad_words() -> None:
    assert not check("04.2", dict.fromkeys(lab_outcomes())).answered
    assert "answer one of" in check("04.2", {"long-term access keys": "no"}).problems[0]


# ---- the lesson ------------------------------------------------------------------------------


def test_the_lesson_has_its_shape() -> None:
    shape.test_sections_come_in_the_lesson_order("04")
    shape.test_learners_never_read_the_word_seed("04")
    shape.test_every_checked_id_exists_and_questions_are_asked("04")
    shape.test_the_aws_pages_are_linked_by_title_and_public_url("04")
    text = shape.source("04")
    assert "pd." not in text and "pandas" not in text
    assert "Sofia" in text and "Sofía" in text  # the IAM user's ASCII name, and hers
