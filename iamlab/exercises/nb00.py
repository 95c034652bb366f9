"""Exercises of notebook 00 (start here)."""

from __future__ import annotations

from typing import Any

from .checks import Case, as_document, case_problems, policy_problems
from .core import exercise

ANAYA = "arn:aws:iam::111111111111:user/Anaya"


@exercise(
    "00.1",
    "A policy that allows only s3:ListAllMyBuckets",
    hints=[
        'A policy is a dict with "Version": "2012-10-17" and a "Statement" (one or a list).',
        "One Allow statement is enough; its Action is the S3 action behind ListBuckets.",
        'Action "s3:ListAllMyBuckets" with Resource "*": no wildcards in the action.',
    ],
    solution='{"Version": "2012-10-17", "Statement": {"Effect": "Allow", '
    '"Action": "s3:ListAllMyBuckets", "Resource": "*"}}',
)
def _list_only(answer: Any) -> list[str]:
    if answer is None:
        return ["replace None with your policy document"]
    problems = policy_problems(answer)
    if problems:
        return problems
    doc = as_document(answer)

    def case(label: str, expected: str, action: str) -> Case:
        return Case(label, expected, action, "*", ANAYA, identity_policies=[doc])

    return case_problems(
        [
            case("Anaya lists the buckets", "allowed", "s3:ListAllMyBuckets"),
            case("Anaya deletes a bucket", "denied", "s3:DeleteBucket"),
            case("Anaya reads an object", "denied", "s3:GetObject"),
            case("Anaya creates a user", "denied", "iam:CreateUser"),
        ]
    )


@exercise(
    "00.2",
    "The decision for an action no policy mentions",
    hints=[
        "Does any statement mention s3:DeleteBucket, as an Allow or as a Deny?",
        "No Deny statement matches, and no Allow does either: that is IAM's default.",
    ],
    solution='"implicitDeny": nothing allows s3:DeleteBucket and no Deny matches it.',
)
def _default_deny(answer: Any) -> list[str]:
    if answer is None:
        return ['replace None with one of "allowed", "explicitDeny", "implicitDeny"']
    if answer not in ("allowed", "explicitDeny", "implicitDeny"):
        return [f'{answer!r} is not one of IAM\'s words: "allowed", "explicitDeny", "implicitDeny"']
    if answer == "allowed":
        return ["no statement allows s3:DeleteBucket, so it cannot be allowed"]
    if answer == "explicitDeny":
        return ["an explicit deny needs a Deny statement that matches; there is none"]
    return []
