"""Exercises of notebook 01 (MFA condition keys)."""

from __future__ import annotations

from typing import Any

from iamlab.policy import evaluate
from iamlab.widgets.mfa_keys import context_for

from .checks import Case, as_document, case_problems, policy_problems
from .core import exercise

SOFIA = "arn:aws:iam::111111111111:user/Sofia"
INSTANCE = "arn:aws:ec2:us-east-1:111111111111:instance/i-0123456789abcdef0"
BROAD_ALLOW = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
}
LONG_TERM = "long-term access keys"
NO_MFA = "GetSessionToken without MFA"
WITH_MFA = "GetSessionToken with MFA"
ROLE = "AssumeRole with MFA (role session)"
DECISIONS = ("allowed", "explicitDeny", "implicitDeny")


def _ctx(credentials: str, age: int = 120) -> dict[str, str]:
    return context_for(credentials, age)


def _policy_or_problems(answer: Any) -> tuple[dict[str, Any] | None, list[str]]:
    if answer is None:
        return None, ["replace None with your policy document (a dict)"]
    problems = policy_problems(answer)
    return (None, problems) if problems else (as_document(answer), [])


@exercise(
    "01.1",
    "A Deny that stops long-term keys and non-MFA sessions from terminating instances",
    hints=[
        "Your Deny must also match requests that carry no aws:MultiFactorAuthPresent key at "
        "all (long-term access keys). Which operators accept a missing key?",
        "An operator ending in IfExists counts the condition as met when the key is absent, "
        "and tests the value when it is present.",
        "One Deny statement for ec2:TerminateInstances with the condition "
        '{"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}.',
    ],
    solution='{"Version": "2012-10-17", "Statement": {"Effect": "Deny", '
    '"Action": "ec2:TerminateInstances", "Resource": "*", '
    '"Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}}',
)
def _deny_without_mfa(answer: Any) -> list[str]:
    doc, problems = _policy_or_problems(answer)
    if doc is None:
        return problems

    def case(label: str, expected: str, action: str, credentials: str) -> Case:
        return Case(
            label,
            expected,
            action,
            INSTANCE,
            SOFIA,
            _ctx(credentials),
            identity_policies=[BROAD_ALLOW, doc],
        )

    terminate = "ec2:TerminateInstances"
    problems = case_problems(
        [
            case("long-term access keys terminate an instance", "denied", terminate, LONG_TERM),
            case("GetSessionToken without MFA terminates", "denied", terminate, NO_MFA),
            case("a role session (MFA false) terminates", "denied", terminate, ROLE),
            case("GetSessionToken with MFA terminates", "allowed", terminate, WITH_MFA),
            case(
                "long-term access keys stop an instance", "allowed", "ec2:StopInstances", LONG_TERM
            ),
            case(
                "long-term access keys describe instances",
                "allowed",
                "ec2:DescribeInstances",
                LONG_TERM,
            ),
        ]
    )
    if problems and problems[0].startswith("long-term access keys terminate"):
        problems.append(
            "a request signed with long-term keys carries no aws:MultiFactorAuthPresent at all; "
            "a plain Bool condition on a missing key is not met, so your Deny does not apply"
        )
    return problems


@exercise(
    "01.2",
    "Allow stopping and terminating only within an hour of the MFA sign-in",
    hints=[
        "Two things to test: that MFA was used, and how many seconds ago. "
        "Which condition key holds the seconds?",
        "aws:MultiFactorAuthAge is a number of seconds since the code was accepted: compare it "
        "with a Numeric operator against 3600.",
        'Allow the two actions with "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"} '
        '(alone, or next to "Bool": {"aws:MultiFactorAuthPresent": "true"}).',
    ],
    solution='{"Version": "2012-10-17", "Statement": {"Effect": "Allow", '
    '"Action": ["ec2:StopInstances", "ec2:TerminateInstances"], "Resource": "*", '
    '"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}, '
    '"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}}',
)
def _recent_mfa(answer: Any) -> list[str]:
    doc, problems = _policy_or_problems(answer)
    if doc is None:
        return problems
    cases = []
    for action in ("ec2:StopInstances", "ec2:TerminateInstances"):
        verb = action.split(":")[1]
        for age, expected in (
            (0, "allowed"),
            (3599, "allowed"),
            (3600, "denied"),
            (7200, "denied"),
        ):
            cases.append(
                Case(
                    f"{verb} with MFA {age} s old",
                    expected,
                    action,
                    INSTANCE,
                    SOFIA,
                    _ctx(WITH_MFA, age),
                    identity_policies=[doc],
                )
            )
        for credentials in (LONG_TERM, NO_MFA, ROLE):
            cases.append(
                Case(
                    f"{verb} with {credentials}",
                    "denied",
                    action,
                    INSTANCE,
                    SOFIA,
                    _ctx(credentials),
                    identity_policies=[doc],
                )
            )
    cases.append(
        Case(
            "RunInstances with MFA 0 s old (not one of the two actions)",
            "denied",
            "ec2:RunInstances",
            INSTANCE,
            SOFIA,
            _ctx(WITH_MFA, 0),
            identity_policies=[doc],
        )
    )
    problems = case_problems(cases)
    text = " ".join(problems)
    if "MFA 3600 s old" in text and "3599" not in text:
        problems.append(
            "an age of exactly 3600 s is one hour, not less than one hour: use a strict comparison"
        )
    if "long-term access keys" in text:
        problems.append(
            "long-term access keys carry neither MFA key: an ...IfExists operator lets them in"
        )
    return problems


_PREDICT = {"long-term keys": LONG_TERM, NO_MFA: NO_MFA, WITH_MFA: WITH_MFA}
_TRAP = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "ec2:StopInstances", "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": "ec2:StopInstances",
            "Resource": "*",
            "Condition": {"Null": {"aws:MultiFactorAuthPresent": "true"}},
        },
    ],
}
_WHY = {
    "long-term keys": "does a request signed with long-term keys carry the key at all?",
    NO_MFA: 'the key is present (with the value "false"): is it missing?',
    WITH_MFA: 'the key is present (with the value "true"): is it missing?',
}


def trap_decision(credentials: str) -> str:
    """What IAM decides for the Null policy (Allow + Deny if Null true) and ``credentials``."""
    return evaluate(
        action="ec2:StopInstances",
        resource=INSTANCE,
        principal=SOFIA,
        context=_ctx(_PREDICT[credentials]),
        identity_policies=[_TRAP],
    ).decision


@exercise(
    "01.3",
    "Predict the decisions of a Deny with Null",
    hints=[
        'Null asks one question: is the key missing? "true" means "the key is missing".',
        "Which of the three kinds of credentials sends no aws:MultiFactorAuthPresent at all? "
        "Only that kind matches the Deny; the broad Allow decides the others.",
        "The Deny matches long-term keys only: explicitDeny there, allowed elsewhere.",
    ],
    solution='{"long-term keys": "explicitDeny", "GetSessionToken without MFA": "allowed", '
    '"GetSessionToken with MFA": "allowed"}',
)
def _predict(answer: Any) -> list[str]:
    if not isinstance(answer, dict):
        return ["answer with a dict: one prediction for each kind of credentials"]
    problems = []
    for credentials in _PREDICT:
        got = answer.get(credentials)
        if got is None:
            problems.append(f"{credentials}: no prediction yet")
        elif got not in DECISIONS:
            problems.append(f"{credentials}: {got!r} is not one of {', '.join(DECISIONS)}")
        elif got != trap_decision(credentials):
            problems.append(f"{credentials}: not {got!r} - {_WHY[credentials]}")
    return problems
