"""Exercises of notebook 04 (MFA for sensitive EC2 actions in one account)."""

from __future__ import annotations

import contextlib
import json
from functools import lru_cache
from typing import Any

from .checks import Case, as_document, case_problems, policy_problems, prediction_problems
from .core import exercise

SOFIA = "arn:aws:iam::111111111111:user/Sofia"
INSTANCE = "arn:aws:ec2:us-east-1:111111111111:instance/i-0df374732a7ee8b77"


def _mfa(age: int) -> dict[str, str]:
    return {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": str(age)}


NO_MFA = {"aws:MultiFactorAuthPresent": "false"}  # GetSessionToken without MFA
LONG_TERM: dict[str, str] = {}  # long-term access keys: no MFA key at all


# ---- 04.1 ---------------------------------------------------------------------------------


@exercise(
    "04.1",
    "Stop with MFA; terminate only within 15 minutes of MFA",
    hints=[
        "Use two statements, one for ec2:StopInstances and one for ec2:TerminateInstances, "
        "each with its own Condition.",
        "aws:MultiFactorAuthAge is a number of seconds; compare it with a Numeric operator, "
        "and keep the Bool test on aws:MultiFactorAuthPresent.",
        'For TerminateInstances: "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}, '
        '"NumericLessThan": {"aws:MultiFactorAuthAge": "900"}}.',
    ],
    solution=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "StopWithMFA",
                    "Effect": "Allow",
                    "Action": "ec2:StopInstances",
                    "Resource": "*",
                    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
                },
                {
                    "Sid": "TerminateWithRecentMFA",
                    "Effect": "Allow",
                    "Action": "ec2:TerminateInstances",
                    "Resource": "*",
                    "Condition": {
                        "Bool": {"aws:MultiFactorAuthPresent": "true"},
                        "NumericLessThan": {"aws:MultiFactorAuthAge": "900"},
                    },
                },
            ],
        }
    ),
)
def _terminate_recent(answer: Any) -> list[str]:
    if answer is None:
        return ["replace None with a policy for the EC2-Admins group (a dict)"]
    problems = policy_problems(answer)
    if problems:
        return problems
    doc = as_document(answer)
    assert doc is not None

    def case(label: str, expected: str, action: str, context: dict[str, str]) -> Case:
        return Case(label, expected, action, INSTANCE, SOFIA, context, [doc])

    stop, terminate = "ec2:StopInstances", "ec2:TerminateInstances"
    problems = case_problems(
        [
            case("Stop, MFA typed 1 minute ago", "allowed", stop, _mfa(60)),
            case("Stop, MFA typed 2 hours ago", "allowed", stop, _mfa(7200)),
            case("Stop with GetSessionToken credentials without MFA", "denied", stop, NO_MFA),
            case("Stop with long-term keys (no MFA key)", "denied", stop, LONG_TERM),
            case("Terminate, MFA typed 1 minute ago", "allowed", terminate, _mfa(60)),
            case("Terminate, MFA typed 14 minutes ago", "allowed", terminate, _mfa(840)),
            case("Terminate, MFA typed 20 minutes ago", "denied", terminate, _mfa(1200)),
            case("Terminate, MFA typed 2 hours ago", "denied", terminate, _mfa(7200)),
            case(
                "Terminate with GetSessionToken credentials without MFA",
                "denied",
                terminate,
                NO_MFA,
            ),
            case("Terminate with long-term keys (no MFA key)", "denied", terminate, LONG_TERM),
            case(
                "Delete a volume (ec2:DeleteVolume), MFA typed 1 minute ago",
                "denied",
                "ec2:DeleteVolume",
                _mfa(60),
            ),
        ]
    )
    too_short = any(p.startswith("Terminate, MFA typed 14 minutes ago") for p in problems)
    recent_ok = not any(p.startswith("Terminate, MFA typed 1 minute ago") for p in problems)
    if too_short and (recent_ok or any(value <= 60 for value in _age_limits(doc))):
        problems.append("aws:MultiFactorAuthAge counts seconds: 15 minutes is 900 seconds")
    return problems


def _age_limits(doc: dict[str, Any]) -> list[float]:
    """Every number the policy compares aws:MultiFactorAuthAge with."""
    statements = doc.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    limits = []
    for st in statements:
        condition = st.get("Condition", {}) if isinstance(st, dict) else {}
        for keys in condition.values() if isinstance(condition, dict) else []:
            for key, values in keys.items() if isinstance(keys, dict) else []:
                if key.lower() != "aws:multifactorauthage":
                    continue
                for value in values if isinstance(values, list) else [values]:
                    with contextlib.suppress(TypeError, ValueError):
                        limits.append(float(value))
    return limits


# ---- 04.2 ---------------------------------------------------------------------------------

# each way Sofia may call ec2:StopInstances: (credentials, DurationSeconds, seconds later)
WAYS = {
    "long-term access keys": ("long-term keys", None, 0),
    "GetSessionToken without MFA": ("GetSessionToken without MFA", 43200, 0),
    "GetSessionToken with MFA, 10 minutes later": ("GetSessionToken with MFA", 43200, 600),
    "GetSessionToken with MFA, 11 hours later": ("GetSessionToken with MFA", 43200, 39600),
    "GetSessionToken with MFA and DurationSeconds=3600, 2 hours later": (
        "GetSessionToken with MFA",
        3600,
        7200,
    ),
}

QUESTIONS = {
    "long-term access keys": "which MFA key does a request signed with long-term keys carry?",
    "GetSessionToken without MFA": "what value does aws:MultiFactorAuthPresent have here?",
    "GetSessionToken with MFA, 10 minutes later": "does the seed's policy look at the MFA age?",
    "GetSessionToken with MFA, 11 hours later": "how long do GetSessionToken credentials last "
    "by default?",
    "GetSessionToken with MFA and DurationSeconds=3600, 2 hours later": "are these credentials "
    "still valid?",
}


@lru_cache(maxsize=1)
def lab_outcomes() -> dict[str, str]:
    """What a fresh lab answers for each way in :data:`WAYS` ("allowed" or "denied")."""
    from iamlab.scenarios import build_same_account_ec2

    story = build_same_account_ec2()
    first = story.instances[0]
    outcomes = {}
    for way, (credentials, duration, later) in WAYS.items():
        story.rewind()
        if duration is None:
            session = story.sofia_session(credentials)
        else:
            session = story.sofia_session(credentials, duration=duration)
        story.lab.clock.advance(seconds=later)
        ec2 = session.client("ec2")
        result = story.attempt(
            way,
            "Sofia",
            "ec2:StopInstances",
            first,
            lambda ec2=ec2: ec2.stop_instances(InstanceIds=[first]),
        )
        outcomes[way] = "allowed" if result.allowed else "denied"
    story.rewind()
    return outcomes


@exercise(
    "04.2",
    "Which of Sofia's credentials can stop an instance?",
    hints=[
        "The seed's policy needs aws:MultiFactorAuthPresent to be present and true; nothing "
        "else. But a call also needs credentials that are still valid.",
        "Long-term keys send no MFA key; GetSessionToken without MFA sends false. "
        "GetSessionToken credentials last 12 hours unless DurationSeconds says otherwise.",
        "Two of the five are allowed: the two GetSessionToken-with-MFA credentials that have "
        "not expired yet.",
    ],
    solution=json.dumps(
        {
            "long-term access keys": "denied",
            "GetSessionToken without MFA": "denied",
            "GetSessionToken with MFA, 10 minutes later": "allowed",
            "GetSessionToken with MFA, 11 hours later": "allowed",
            "GetSessionToken with MFA and DurationSeconds=3600, 2 hours later": "denied",
        }
    ),
)
def _which_credentials(answer: Any) -> list[str]:
    if answer is None or not isinstance(answer, dict):
        return prediction_problems(answer, {}, {})
    return prediction_problems(answer, lab_outcomes(), QUESTIONS)
