"""Exercises of notebook 06 (self-managed MFA, seed 002)."""

from __future__ import annotations

import copy
from typing import Any

from iamlab import evaluate
from iamlab.data import load_policy

from .checks import Case, as_document, case_problems, policy_problems
from .core import exercise

ACCOUNT = "111111111111"
ISSUED = "2026-01-15T09:00:00Z"

# the MFA keys each kind of credentials puts in a request (FACTS part A.1)
CONTEXTS: dict[str, dict[str, str]] = {
    "long-term keys": {},
    "GetSessionToken without MFA": {
        "aws:MultiFactorAuthPresent": "false",
        "aws:TokenIssueTime": ISSUED,
    },
    "MFA session": {
        "aws:MultiFactorAuthPresent": "true",
        "aws:MultiFactorAuthAge": "60",
        "aws:TokenIssueTime": ISSUED,
    },
}


def user_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:user/{name}"


def mfa_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:mfa/{name}"


def _case(
    label: str, expected: str, who: str, creds: str, action: str, resource: str, force_mfa: Any
) -> Case:
    """A Developers member's request, decided by ForceMFA (``force_mfa``) and DeveloperAccess."""
    return Case(
        f"{who} ({creds}) {label}",
        expected,
        action,
        resource,
        user_arn(who),
        context=dict(CONTEXTS[creds]),
        identity_policies=[force_mfa, load_policy("developer-access")],
    )


def _statement_list(doc: dict[str, Any]) -> list[Any]:
    statements = doc.get("Statement", [])
    return list(statements) if isinstance(statements, list) else [statements]


# ---- 06.1 --------------------------------------------------------------------------------


def _with_deny(answer: Any) -> tuple[dict[str, Any] | None, list[str]]:
    """The seed policy with its fourth statement replaced by the learner's statement(s)."""
    if answer is None:
        return None, ["replace the draft with your corrected Deny statement (a dict)"]
    if isinstance(answer, dict) and "Statement" in answer:
        doc = as_document(answer)
    elif isinstance(answer, dict) or (
        isinstance(answer, list) and answer and all(isinstance(s, dict) for s in answer)
    ):
        doc = load_policy("self-managed-mfa")
        new = answer if isinstance(answer, list) else [answer]
        doc["Statement"] = doc["Statement"][:3] + copy.deepcopy(new)
    else:
        return None, ["write your answer as one statement (a dict with Effect, NotAction, ...)"]
    problems = policy_problems(doc)
    return (None, problems) if problems else (doc, [])


@exercise(
    "06.1",
    "Deny without MFA, long-term access keys included",
    hints=[
        "Look at which requests escape the Deny. What does a request signed with long-term "
        "access keys carry for aws:MultiFactorAuthPresent?",
        "Long-term keys carry no aws:MultiFactorAuthPresent at all. With Bool a missing key "
        "makes the condition false, so the Deny does not apply. Which operators treat a "
        "missing key as a match?",
        "Append IfExists to the operator: BoolIfExists with aws:MultiFactorAuthPresent "
        '"false" matches both a "false" and a missing key.',
    ],
    solution='{"Sid": "DenyAllExceptListedIfNoMFA", "Effect": "Deny", "NotAction": [... the '
    'seven listed actions ...], "Resource": "*", "Condition": {"BoolIfExists": '
    '{"aws:MultiFactorAuthPresent": "false"}}}',
)
def _bool_if_exists(answer: Any) -> list[str]:
    doc, problems = _with_deny(answer)
    if doc is None:
        return problems

    def case(label: str, expected: str, who: str, creds: str, action: str, resource: str) -> Case:
        return _case(label, expected, who, creds, action, resource, doc)

    return case_problems(
        [
            case(
                "lists the buckets",
                "denied",
                "Nikhil",
                "long-term keys",
                "s3:ListAllMyBuckets",
                "*",
            ),
            case(
                "describes the EC2 instances",
                "denied",
                "Nikhil",
                "long-term keys",
                "ec2:DescribeInstances",
                "*",
            ),
            case(
                "lists the buckets",
                "denied",
                "Nikhil",
                "GetSessionToken without MFA",
                "s3:ListAllMyBuckets",
                "*",
            ),
            case(
                "deactivates his MFA device",
                "denied",
                "Nikhil",
                "long-term keys",
                "iam:DeactivateMFADevice",
                user_arn("Nikhil"),
            ),
            case(
                "creates his virtual MFA device",
                "allowed",
                "Nikhil",
                "long-term keys",
                "iam:CreateVirtualMFADevice",
                mfa_arn("Nikhil"),
            ),
            case(
                "enables his MFA device",
                "allowed",
                "Nikhil",
                "long-term keys",
                "iam:EnableMFADevice",
                user_arn("Nikhil"),
            ),
            case(
                "lists the buckets", "allowed", "Sofia", "MFA session", "s3:ListAllMyBuckets", "*"
            ),
            case(
                "describes the EC2 instances",
                "allowed",
                "Sofia",
                "MFA session",
                "ec2:DescribeInstances",
                "*",
            ),
        ]
    )


# ---- 06.2 --------------------------------------------------------------------------------


@exercise(
    "06.2",
    "Let users change their own password without MFA",
    hints=[
        "Two things must change: some statement must Allow the new action, and the Deny must "
        "stop blocking it when there is no MFA.",
        "The Allow belongs in the statement whose Resource is the user's own ARN (with "
        "${aws:username}); the Deny lets through only what its NotAction lists.",
        'Add "iam:ChangePassword" to the Action of AllowManageOwnUserMFA (statement 3) and '
        "to the NotAction of DenyAllExceptListedIfNoMFA (statement 4).",
    ],
    solution="In the seed policy, add iam:ChangePassword to the Action list of "
    "AllowManageOwnUserMFA and to the NotAction list of DenyAllExceptListedIfNoMFA.",
)
def _change_password(answer: Any) -> list[str]:
    if answer is None:
        return ["replace None with your policy (start from the seed policy)"]
    problems = policy_problems(answer)
    if problems:
        return problems
    doc = as_document(answer)

    def case(label: str, expected: str, who: str, creds: str, action: str, resource: str) -> Case:
        return _case(label, expected, who, creds, action, resource, doc)

    return case_problems(
        [
            case(
                "changes his own password",
                "allowed",
                "Nikhil",
                "long-term keys",
                "iam:ChangePassword",
                user_arn("Nikhil"),
            ),
            case(
                "changes her own password",
                "allowed",
                "Sofia",
                "long-term keys",
                "iam:ChangePassword",
                user_arn("Sofia"),
            ),
            case(
                "calls iam:ChangePassword on Anaya's user",
                "denied",
                "Nikhil",
                "long-term keys",
                "iam:ChangePassword",
                user_arn("Anaya"),
            ),
            case(
                "creates his virtual MFA device",
                "allowed",
                "Nikhil",
                "long-term keys",
                "iam:CreateVirtualMFADevice",
                mfa_arn("Nikhil"),
            ),
            case(
                "lists the buckets",
                "denied",
                "Nikhil",
                "long-term keys",
                "s3:ListAllMyBuckets",
                "*",
            ),
            case(
                "deactivates his MFA device",
                "denied",
                "Nikhil",
                "long-term keys",
                "iam:DeactivateMFADevice",
                user_arn("Nikhil"),
            ),
            case(
                "deletes his virtual MFA device",
                "denied",
                "Nikhil",
                "long-term keys",
                "iam:DeleteVirtualMFADevice",
                mfa_arn("Nikhil"),
            ),
            case(
                "creates an access key for herself",
                "denied",
                "Sofia",
                "MFA session",
                "iam:CreateAccessKey",
                user_arn("Sofia"),
            ),
            case(
                "lists the buckets", "allowed", "Sofia", "MFA session", "s3:ListAllMyBuckets", "*"
            ),
        ]
    )


# ---- 06.3 --------------------------------------------------------------------------------

WORDS = ("allowed", "explicitDeny", "implicitDeny")

# the requests of exercise 06.3: key -> (who, credentials, action, resource)
PREDICTIONS: dict[str, tuple[str, str, str, str]] = {
    "a": ("Nikhil", "long-term keys", "iam:DeactivateMFADevice", user_arn("Nikhil")),
    "b": ("Nikhil", "long-term keys", "iam:DeleteVirtualMFADevice", mfa_arn("Nikhil")),
    "c": ("Nikhil", "long-term keys", "iam:EnableMFADevice", user_arn("Anaya")),
    "d": ("Sofia", "MFA session", "iam:ListUsers", f"arn:aws:iam::{ACCOUNT}:user/"),
    "e": ("Sofia", "MFA session", "s3:ListAllMyBuckets", "*"),
}

_WHY = {
    ("allowed", "explicitDeny"): "check whether the Deny statement's NotAction list includes "
    "this action, and whether its condition is met",
    ("implicitDeny", "explicitDeny"): "look again at the Deny statement: its NotAction list "
    "and its condition",
    ("allowed", "implicitDeny"): "look at the Resource of the statement that would allow it, "
    "and at whether any statement mentions the action at all",
    ("explicitDeny", "implicitDeny"): "look again at the Deny statement: its NotAction list "
    "and its condition",
    ("explicitDeny", "allowed"): "look again at the Deny statement's condition: which "
    "credentials is this request signed with?",
    ("implicitDeny", "allowed"): "look at every policy of the Developers group, not only ForceMFA",
}


def truth(key: str) -> str:
    """What IAM decides for request ``key`` of exercise 06.3 (seed policy + DeveloperAccess)."""
    who, creds, action, resource = PREDICTIONS[key]
    return evaluate(
        action=action,
        resource=resource,
        principal=user_arn(who),
        context=CONTEXTS[creds],
        identity_policies=[load_policy("self-managed-mfa"), load_policy("developer-access")],
    ).decision


@exercise(
    "06.3",
    "Predict the decisions of the four-statement policy",
    hints=[
        "For each request ask, in order: does the Deny statement apply (is the action outside "
        "its NotAction list, and is MFA missing)? If not, does any Allow match action AND "
        "resource?",
        "The NotAction list has seven actions: CreateVirtualMFADevice, EnableMFADevice, GetUser, "
        "ListMFADevices, ListVirtualMFADevices, ResyncMFADevice and sts:GetSessionToken. "
        "An action that is allowed by a statement but missing from that list is still denied "
        "without MFA.",
        "With an MFA session the Deny never applies; then only the Allow statements and "
        "DeveloperAccess (s3:*, ec2:Describe*, dynamodb:*) decide. ${aws:username} limits the "
        "IAM statements to the caller's own user and device.",
    ],
    solution='{"a": "explicitDeny", "b": "explicitDeny", "c": "implicitDeny", '
    '"d": "implicitDeny", "e": "allowed"}',
)
def _predict(answer: Any) -> list[str]:
    if not isinstance(answer, dict):
        return ['answer with a dict such as {"a": "allowed", "b": ...} for the five requests']
    problems = []
    for key in PREDICTIONS:
        given = answer.get(key)
        if given is None:
            problems.append(f"{key}: no answer yet")
        elif given not in WORDS:
            problems.append(
                f'{key}: {given!r} is not one of "allowed", "explicitDeny", "implicitDeny"'
            )
        elif given != (want := truth(key)):
            problems.append(f"{key}: {given!r} is not right: {_WHY[(given, want)]}")
    return problems
