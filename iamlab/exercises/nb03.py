"""Exercises of notebook 03 (cross-account delegation with MFA)."""

from __future__ import annotations

import json
from typing import Any

from iamlab.data import load_policy

from .checks import Case, as_document, case_problems, policy_problems
from .core import exercise

ROLE = "arn:aws:iam::111111111111:role/CrossAccountRole"
ROLE_SESSION = "arn:aws:sts::111111111111:assumed-role/CrossAccountRole/Richard"
TABLES = "arn:aws:dynamodb:us-east-1:111111111111:table/"
RICHARD = "arn:aws:iam::222222222222:user/Richard"
MARIA = "arn:aws:iam::222222222222:user/Maria"  # another user of account B
NIKHIL = "arn:aws:iam::333333333333:user/Nikhil"  # a user of account C

# what a request made with Richard's role session carries (the lab's default reading)
ROLE_SESSION_CONTEXT = {"aws:MultiFactorAuthPresent": "false"}
WITH_MFA = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "30"}
WITHOUT_MFA = {"aws:MultiFactorAuthPresent": "false"}  # temporary credentials without MFA
LONG_TERM: dict[str, str] = {}  # long-term access keys: no MFA key at all

ASSUME_ANY_ROLE = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
}


def _actions(doc: dict[str, Any]) -> list[str]:
    statements = doc.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    found: list[str] = []
    for st in statements:
        if not isinstance(st, dict):
            continue
        action = st.get("Action", [])
        found += [action] if isinstance(action, str) else [a for a in action if isinstance(a, str)]
    return found


def _mentions(doc: dict[str, Any], text: str) -> bool:
    return text.lower() in json.dumps(doc).lower()


# ---- 03.1 ---------------------------------------------------------------------------------


@exercise(
    "03.1",
    "A read-only permissions policy for CrossAccountRole",
    hints=[
        "Two statements work well: one for the three read actions on the Books table, "
        "one for listing the tables.",
        "A table ARN has the form arn:aws:dynamodb:REGION:ACCOUNT:table/NAME. ACCOUNT is the "
        "account that owns Books (look at the diagram); REGION may be *.",
        'ListTables is not about one table, so its statement needs Resource "*". The action '
        "names are dynamodb:GetItem, dynamodb:Query, dynamodb:Scan and dynamodb:ListTables.",
    ],
    solution=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ReadBooks",
                    "Effect": "Allow",
                    "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"],
                    "Resource": "arn:aws:dynamodb:*:111111111111:table/Books",
                },
                {
                    "Sid": "ListTables",
                    "Effect": "Allow",
                    "Action": "dynamodb:ListTables",
                    "Resource": "*",
                },
            ],
        }
    ),
)
def _read_only(answer: Any) -> list[str]:
    if answer is None:
        return ["replace None with the role's permissions policy (a dict)"]
    problems = policy_problems(answer)
    if problems:
        return problems
    doc = as_document(answer)
    assert doc is not None

    def case(label: str, expected: str, action: str, table: str | None = "Books") -> Case:
        resource = TABLES + table if table else "*"
        return Case(label, expected, action, resource, ROLE_SESSION, ROLE_SESSION_CONTEXT, [doc])

    problems = case_problems(
        [
            case("The role session reads a book (GetItem on Books)", "allowed", "dynamodb:GetItem"),
            case("The role session queries Books", "allowed", "dynamodb:Query"),
            case("The role session scans Books", "allowed", "dynamodb:Scan"),
            case("The role session lists the tables", "allowed", "dynamodb:ListTables", None),
            case("The role session adds a book (PutItem)", "denied", "dynamodb:PutItem"),
            case("The role session changes a book (UpdateItem)", "denied", "dynamodb:UpdateItem"),
            case("The role session deletes a book (DeleteItem)", "denied", "dynamodb:DeleteItem"),
            case("The role session deletes the table", "denied", "dynamodb:DeleteTable"),
            case(
                "The role session reads another table (GetItem on Authors)",
                "denied",
                "dynamodb:GetItem",
                "Authors",
            ),
        ],
    )
    if any(a.lower() == "dynamodb:listtable" for a in _actions(doc)):
        problems.append(
            "dynamodb:ListTable is not a DynamoDB action (IAM stores it anyway, "
            "and it allows nothing)"
        )
    if _mentions(doc, ":222222222222:"):
        problems.append("a Resource names account 222222222222 (B), but Books belongs to account A")
    if _mentions(doc, "MultiFactorAuth"):
        problems.append(
            "the role session's requests carry aws:MultiFactorAuthPresent = false: MFA is "
            "checked when Richard assumes the role, so this policy needs no MFA condition"
        )
    return problems


# ---- 03.2 and 03.3 ------------------------------------------------------------------------


def _trust_cases(doc: dict[str, Any], maria_expected: str) -> list[Case]:
    richard_policy = load_policy("richard-assume-role")

    def case(label: str, expected: str, who: str, context: dict[str, str]) -> Case:
        identity = ASSUME_ANY_ROLE if who == NIKHIL else richard_policy
        return Case(
            label, expected, "sts:AssumeRole", ROLE, who, context, [identity], doc, "111111111111"
        )

    return [
        case("Richard (account B) assumes the role with an MFA code", "allowed", RICHARD, WITH_MFA),
        case(
            "Maria, another user of account B allowed to assume it, with an MFA code",
            maria_expected,
            MARIA,
            WITH_MFA,
        ),
        case(
            "Richard assumes it from temporary credentials without MFA "
            "(aws:MultiFactorAuthPresent = false)",
            "denied",
            RICHARD,
            WITHOUT_MFA,
        ),
        case(
            "Richard assumes it with his long-term keys and no code (no MFA key at all)",
            "denied",
            RICHARD,
            LONG_TERM,
        ),
        case("Nikhil of account C, with an MFA code", "denied", NIKHIL, WITH_MFA),
    ]


def _trust_problems(answer: Any, maria_expected: str) -> list[str]:
    if answer is None:
        return ["replace None with a trust policy (a dict with a Principal)"]
    problems = policy_problems(answer, "trust")
    if problems:
        return problems
    doc = as_document(answer)
    assert doc is not None
    problems = case_problems(_trust_cases(doc, maria_expected), place="trust")
    if _mentions(doc, "IfExists") and any("no MFA key at all" in p for p in problems):
        problems.append(
            "an ...IfExists operator accepts a request that has no MFA key, which is exactly "
            "what long-term keys send"
        )
    return problems


@exercise(
    "03.2",
    "The trust policy: account B, only with MFA",
    hints=[
        "A trust policy is a resource policy on the role: it needs a Principal, the STS action "
        "for assuming a role, and here a Condition.",
        'Principal {"AWS": "ACCOUNT-ID"} trusts a whole account; MFA is tested with the Bool '
        "operator on the key aws:MultiFactorAuthPresent.",
        "Compare with the trust policy in Step 1: account 222222222222, action sts:AssumeRole, "
        'and Bool aws:MultiFactorAuthPresent "true" (not BoolIfExists).',
    ],
    solution=json.dumps(load_policy("cross-account-trust")),
)
def _trust_account_b(answer: Any) -> list[str]:
    return _trust_problems(answer, "allowed")


@exercise(
    "03.3",
    "The trust policy: only Richard, only with MFA",
    hints=[
        "Keep the MFA condition; change who the Principal is.",
        "A Principal can name one IAM user by its ARN instead of a whole account.",
        'Use "Principal": {"AWS": "arn:aws:iam::222222222222:user/Richard"} with the same '
        "Bool condition.",
    ],
    solution=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Principal": {"AWS": RICHARD},
                "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            },
        }
    ),
)
def _trust_only_richard(answer: Any) -> list[str]:
    return _trust_problems(answer, "denied")
