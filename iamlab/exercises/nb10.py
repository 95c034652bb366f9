"""Exercises of notebook 10 (capstone): write the policies yourself.

Each checker runs the learner's policy through the engine over a set of cases
(who, which credentials, which context); ``preview`` shows those cases as a
table so a learner can see what their draft decides before asking for a check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from .checks import Case, as_document, case_problems, decide, policy_problems
from .core import exercise

A, B, C = "111111111111", "222222222222", "333333333333"
ORDERS = f"arn:aws:dynamodb:us-east-1:{A}:table/Orders"
BOOKS = f"arn:aws:dynamodb:us-east-1:{A}:table/Books"
AUDITOR = f"arn:aws:iam::{A}:role/Auditor"
RICHARD = f"arn:aws:iam::{B}:user/Richard"
LOGS = "arn:aws:s3:::audit-logs"

LONG_TERM: dict[str, Any] = {}
NO_MFA = {"aws:MultiFactorAuthPresent": "false", "aws:TokenIssueTime": "2026-01-15T09:00:00Z"}


def mfa(age: int) -> dict[str, Any]:
    return {
        "aws:MultiFactorAuthPresent": "true",
        "aws:MultiFactorAuthAge": str(age),
        "aws:TokenIssueTime": "2026-01-15T09:00:00Z",
    }


def _orders_cases(doc: dict[str, Any]) -> list[Case]:
    op = f"arn:aws:iam::{A}:user/Operator"

    def case(label: str, expected: str, action: str, resource: str, ctx: dict) -> Case:
        return Case(label, expected, action, resource, op, ctx, [doc])

    return [
        case(
            "DeleteTable on Orders, MFA 2 minutes old",
            "allowed",
            "dynamodb:DeleteTable",
            ORDERS,
            mfa(120),
        ),
        case(
            "DeleteTable on Orders, MFA 14 minutes old",
            "allowed",
            "dynamodb:DeleteTable",
            ORDERS,
            mfa(840),
        ),
        case(
            "DeleteTable on Orders, MFA 20 minutes old",
            "denied",
            "dynamodb:DeleteTable",
            ORDERS,
            mfa(1200),
        ),
        case(
            "DeleteTable on Orders with long-term keys",
            "denied",
            "dynamodb:DeleteTable",
            ORDERS,
            LONG_TERM,
        ),
        case(
            "DeleteTable on Orders, session without MFA",
            "denied",
            "dynamodb:DeleteTable",
            ORDERS,
            NO_MFA,
        ),
        case("DeleteTable on Books, fresh MFA", "denied", "dynamodb:DeleteTable", BOOKS, mfa(60)),
        case("DeleteItem on Orders, fresh MFA", "denied", "dynamodb:DeleteItem", ORDERS, mfa(60)),
    ]


def _trust_cases(doc: dict[str, Any]) -> list[Case]:
    allow_assume = {"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}}

    def case(label: str, expected: str, who: str, ctx: dict) -> Case:
        return Case(label, expected, "sts:AssumeRole", AUDITOR, who, ctx, [allow_assume], doc)

    return [
        case(
            "Richard (account B) with MFA",
            "allowed",
            RICHARD,
            {"aws:MultiFactorAuthPresent": "true"},
        ),
        case("Richard without MFA", "denied", RICHARD, {"aws:MultiFactorAuthPresent": "false"}),
        case("Richard with long-term keys", "denied", RICHARD, {}),
        case(
            "Mallory (another user of account B) with MFA",
            "denied",
            f"arn:aws:iam::{B}:user/Mallory",
            {"aws:MultiFactorAuthPresent": "true"},
        ),
        case(
            "Nikhil (account C) with MFA",
            "denied",
            f"arn:aws:iam::{C}:user/Nikhil",
            {"aws:MultiFactorAuthPresent": "true"},
        ),
    ]


def _bucket_cases(doc: dict[str, Any]) -> list[Case]:
    writer = {"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}

    def case(label: str, expected: str, who: str, action: str, ctx: dict) -> Case:
        return Case(label, expected, action, f"{LOGS}/2026/01/15.log", who, ctx, [writer], doc, A)

    nikhil = f"arn:aws:iam::{C}:user/Nikhil"
    return [
        case("Richard (B) puts a log with MFA", "allowed", RICHARD, "s3:PutObject", mfa(60)),
        case("Nikhil (C) puts a log with MFA", "allowed", nikhil, "s3:PutObject", mfa(60)),
        case("Nikhil puts a log with long-term keys", "denied", nikhil, "s3:PutObject", LONG_TERM),
        case(
            "Nikhil puts a log from a session without MFA", "denied", nikhil, "s3:PutObject", NO_MFA
        ),
        case(
            "Eve (account 444455556666) puts a log with MFA",
            "denied",
            "arn:aws:iam::444455556666:user/Eve",
            "s3:PutObject",
            mfa(60),
        ),
        case("Richard deletes a log, even with MFA", "denied", RICHARD, "s3:DeleteObject", mfa(60)),
        case(
            "An operator of account A deletes a log with long-term keys",
            "denied",
            f"arn:aws:iam::{A}:user/Operator",
            "s3:DeleteObject",
            LONG_TERM,
        ),
    ]


def _revoke_cases(doc: dict[str, Any]) -> list[Case]:
    allow_all = {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
    session = f"arn:aws:sts::{A}:assumed-role/Deployer/ci"

    def case(label: str, expected: str, issued: str) -> Case:
        return Case(
            label,
            expected,
            "s3:PutObject",
            "arn:aws:s3:::releases/app.zip",
            session,
            {"aws:TokenIssueTime": issued},
            [allow_all, doc],
        )

    return [
        case("a session issued at 11:59:59", "explicitDeny", "2026-01-15T11:59:59Z"),
        case("a session issued at 09:00", "explicitDeny", "2026-01-15T09:00:00Z"),
        case("a session issued at 12:00:01", "allowed", "2026-01-15T12:00:01Z"),
        case("a session issued the next day", "allowed", "2026-01-16T08:00:00Z"),
    ]


CASES: dict[str, tuple[str, Callable[[dict[str, Any]], list[Case]]]] = {
    "10.1": ("identity", _orders_cases),
    "10.2": ("trust", _trust_cases),
    "10.3": ("resource", _bucket_cases),
    "10.4": ("identity", _revoke_cases),
}


def _checker(exercise_id: str) -> Callable[[Any], list[str]]:
    kind, cases = CASES[exercise_id]
    place = {"identity": "identity", "trust": "trust", "resource": "bucket"}[kind]

    def check_answer(answer: Any) -> list[str]:
        if answer is None:
            return ["replace None with your policy document"]
        problems = policy_problems(answer, kind)
        return problems or case_problems(cases(as_document(answer)), place)  # type: ignore[arg-type]

    return check_answer


def preview(exercise_id: str, answer: Any) -> pd.DataFrame:
    """What ``answer`` decides for each case the checker will try (expected vs your policy)."""
    kind, cases = CASES[exercise_id]
    problems = policy_problems(answer, kind)
    if problems:
        raise ValueError(problems[0])
    rows = []
    for case in cases(as_document(answer)):  # type: ignore[arg-type]
        d = decide(case)
        want = "allowed" if case.expected == "allowed" else "denied"
        got = "allowed" if d else "denied"
        rows.append([case.label, want, d.decision, "ok" if want == got else "WRONG"])
    return pd.DataFrame(rows, columns=["case", "should be", "your policy gives", ""])


exercise(
    "10.1",
    "Deleting the Orders table needs MFA younger than 15 minutes",
    hints=[
        "Two conditions must both hold: MFA present, and MFA age below a number of seconds.",
        'Bool aws:MultiFactorAuthPresent "true" plus NumericLessThan aws:MultiFactorAuthAge; '
        "15 minutes is 900 seconds.",
        "Scope Action to dynamodb:DeleteTable and Resource to the Orders table ARN "
        "(arn:aws:dynamodb:*:111111111111:table/Orders).",
    ],
    solution='{"Version": "2012-10-17", "Statement": {"Effect": "Allow", '
    '"Action": "dynamodb:DeleteTable", "Resource": "arn:aws:dynamodb:*:111111111111:table/Orders", '
    '"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}, '
    '"NumericLessThan": {"aws:MultiFactorAuthAge": "900"}}}}',
)(_checker("10.1"))

exercise(
    "10.2",
    "The Auditor role trusts only Richard of account B, and only with MFA",
    hints=[
        "A trust policy needs Principal and Action sts:AssumeRole, and no Resource.",
        'Trusting "222222222222" lets every principal of account B in (even Mallory): name one '
        "principal instead.",
        'Principal {"AWS": "arn:aws:iam::222222222222:user/Richard"} with '
        'Condition Bool aws:MultiFactorAuthPresent "true".',
    ],
    solution='{"Version": "2012-10-17", "Statement": {"Effect": "Allow", '
    '"Principal": {"AWS": "arn:aws:iam::222222222222:user/Richard"}, "Action": "sts:AssumeRole", '
    '"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}}',
)(_checker("10.2"))

exercise(
    "10.3",
    "audit-logs: accounts B and C may add logs with MFA; nobody deletes without MFA",
    hints=[
        "You need two statements: an Allow for s3:PutObject and a Deny for s3:DeleteObject.",
        "The Allow names accounts B and C as Principal and tests MFA with Bool; the Deny must "
        "also catch long-term keys, which carry no MFA key at all.",
        'Deny with Principal "*" and BoolIfExists aws:MultiFactorAuthPresent "false"; Resource '
        "arn:aws:s3:::audit-logs/* in both statements. Should B and C delete at all?",
    ],
    solution='{"Version": "2012-10-17", "Statement": [{"Sid": "WritersWithMFA", "Effect": "Allow", '
    '"Principal": {"AWS": ["222222222222", "333333333333"]}, "Action": "s3:PutObject", '
    '"Resource": "arn:aws:s3:::audit-logs/*", '
    '"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}, '
    '{"Sid": "NoDeleteWithoutMFA", "Effect": "Deny", "Principal": "*", '
    '"Action": "s3:DeleteObject", '
    '"Resource": "arn:aws:s3:::audit-logs/*", '
    '"Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}',
)(_checker("10.3"))

exercise(
    "10.4",
    "Revoke the Deployer role's sessions issued before 12:00 UTC",
    hints=[
        "Temporary credentials cannot be cancelled; deny what they may do instead.",
        "A Deny for every action and resource, with a Date condition on aws:TokenIssueTime.",
        'DateLessThan aws:TokenIssueTime "2026-01-15T12:00:00Z" (the console\'s '
        "AWSRevokeOlderSessions policy has exactly this shape).",
    ],
    solution='{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", '
    '"Resource": "*", "Condition": {"DateLessThan": {"aws:TokenIssueTime": '
    '"2026-01-15T12:00:00Z"}}}}',
)(_checker("10.4"))
