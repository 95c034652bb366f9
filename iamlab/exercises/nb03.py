"""Exercises of notebook 03 (cross-account delegation with MFA).

Requests carry the MFA keys the lab computes for each kind of credentials
(:mod:`iamlab.scenarios.mfa_context`). During AssumeRole with a valid ``SerialNumber`` and
``TokenCode`` the trust policy sees ``aws:MultiFactorAuthPresent`` ``true`` and an age of 0,
whatever the caller signs with (``docs/aws-behaviour.md``, "Lab decisions" D1). The questions
of the notebook (03.why, 03.quiz) are data: ``iamlab/data/questions/03.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from iamlab.data import account_id, load_policy, principal_arn
from iamlab.scenarios.mfa_context import AR_MFA, GST, GST_MFA, GST_MFA_AR, LONG_TERM, request_keys

from .core import Problem
from .grid import (
    OTHER_SERVICES,
    Caller,
    Probe,
    anonymous,
    caller,
    resource_neighbours,
    role_session,
    unique,
    vary_actions,
    vary_callers,
    vary_resources,
)
from .policy_task import PolicyTask, policy_exercise

ACCOUNT_A, ACCOUNT_B, ACCOUNT_C = account_id("A"), account_id("B"), account_id("C")
ROLE = principal_arn("CrossAccountRole")
ROLE_SESSION = role_session(ROLE, "Richard")
RICHARD = principal_arn("Richard")  # account B
ANAYA = principal_arn("Anaya")  # account A
NIKHIL = principal_arn("Nikhil", scenario="resource-policy-s3")  # account C
# not story characters: other users of the story's accounts, and a stranger
MARIA = f"arn:aws:iam::{ACCOUNT_B}:user/Maria"
AUDITOR = f"arn:aws:iam::{ACCOUNT_C}:user/Auditor"
DANA = "arn:aws:iam::999988887777:user/Dana"
HELPER_SESSION = role_session(f"arn:aws:iam::{ACCOUNT_B}:role/Helper", "Richard")
UPLOADER_SESSION = role_session(principal_arn("Uploader"), "Nikhil")  # account C

TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT_A}:table/Books"
GET, QUERY, SCAN = "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"
LIST = "dynamodb:ListTables"
ASSUME = "sts:AssumeRole"
MFA_PRESENT, MFA_AGE = "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"
ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"},
}


def spanish_edition_policy() -> dict[str, Any]:
    """CrossAccountRole's permissions policy as the Spanish edition of the AWS page "Secure API
    access with MFA" prints it (account B in the table ARN, and ``dynamodb:ListTable``), with
    the page's placeholders filled in; the Italian edition prints account A and ListTables."""
    return load_policy("cross-account-role-permissions.seed")


def _uses(doc: Mapping[str, Any], text: str) -> bool:
    return text.lower() in json.dumps(doc).lower()


def _said(problems: list[Problem], text: str) -> bool:
    return any(text in p.text for p in problems)


def with_code(principal: str, topic: str = "context") -> Caller:
    """``principal`` calling AssumeRole with long-term keys and a valid MFA code: the trust
    policy sees ``aws:MultiFactorAuthPresent`` true and an age of 0 for this call."""
    keys = {**request_keys(LONG_TERM), MFA_PRESENT: "true", MFA_AGE: "0"}
    return Caller(principal, "AssumeRole with a valid MFA code", tuple(sorted(keys.items())), topic)


# ---- 03.1 ------------------------------------------------------------------------------------

READ_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadBooks",
            "Effect": "Allow",
            "Action": [GET, QUERY, SCAN],
            "Resource": TABLE,
        },
        {"Sid": "ListTables", "Effect": "Allow", "Action": LIST, "Resource": "*"},
    ],
}


def _read_only_task() -> PolicyTask:
    session = caller(ROLE_SESSION, AR_MFA)  # the role session (the lab's default reading)

    def probe(label: str, expected: str, action: str, resource: str, topic: str) -> Probe:
        return Probe(action, resource, session).named(label, expected, topic)

    required = [
        probe("The role session reads a book (GetItem on Books)", "allowed", GET, TABLE, "grant"),
        probe("The role session queries Books", "allowed", QUERY, TABLE, "grant"),
        probe("The role session scans Books", "allowed", SCAN, TABLE, "grant"),
        probe("The role session lists the tables", "allowed", LIST, "*", "list"),
        probe(
            "The role session adds a book (PutItem)", "denied", "dynamodb:PutItem", TABLE, "action"
        ),
        probe(
            "The role session changes a book (UpdateItem)",
            "denied",
            "dynamodb:UpdateItem",
            TABLE,
            "action",
        ),
        probe(
            "The role session deletes a book (DeleteItem)",
            "denied",
            "dynamodb:DeleteItem",
            TABLE,
            "action",
        ),
        probe(
            "The role session deletes the table", "denied", "dynamodb:DeleteTable", TABLE, "action"
        ),
        probe(
            "The role session reads another table of account A (BooksArchive)",
            "denied",
            GET,
            TABLE.replace("Books", "BooksArchive"),
            "resource",
        ),
        probe(
            f"The role session reads a Books table of account B ({ACCOUNT_B})",
            "denied",
            GET,
            TABLE.replace(ACCOUNT_A, ACCOUNT_B),
            "account",
        ),
    ]
    scope = {"account": ACCOUNT_A, "table": "Books"}
    propagate = caller(ROLE_SESSION, AR_MFA, mode="propagate")
    grid = unique(
        vary_actions(scope, [session], services=("dynamodb",), others=OTHER_SERVICES)
        + vary_resources(
            [GET, QUERY, SCAN, "dynamodb:PutItem"],
            resource_neighbours(TABLE, accounts=[ACCOUNT_B]),
            [session],
        )
        + vary_callers([GET, SCAN], TABLE, [propagate.with_topic("context")])
    )
    return PolicyTask(
        "identity",
        READ_ONLY,
        required,
        grid,
        deny_ok=[GET, QUERY, SCAN, LIST],
        named_actions=[GET, QUERY, SCAN, LIST],
    )


def _read_only_extra(doc: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    extra = []
    if _uses(doc, '"dynamodb:ListTable"'):
        extra.append(
            Problem(
                "dynamodb:ListTable is not a DynamoDB action: IAM stores it without complaint, "
                "and it allows nothing (the Spanish edition of the AWS page has this slip)",
                "list",
            )
        )
    if _uses(doc, f":{ACCOUNT_B}:table"):
        extra.append(
            Problem(
                f"a Resource names account {ACCOUNT_B} (B), but Books belongs to account A: a "
                "table ARN names the account that owns the table",
                "account",
            )
        )
    if _uses(doc, "MultiFactorAuth") and _said(problems, "reads a book (GetItem on Books)"):
        extra.append(
            Problem(
                "in the lab's default reading the role session's requests carry "
                "aws:MultiFactorAuthPresent false: MFA is checked when Richard assumes the role, "
                "so a condition on it here locks him out",
                "mfa",
            )
        )
    return extra


policy_exercise(
    "03.1",
    "A read-only permissions policy for CrossAccountRole",
    READ_ONLY,
    _read_only_task,
    hints={
        "grant": [
            "Three read actions on the Books table of account A, in us-east-1. Which account "
            "does a table ARN name: the caller's, or the owner's?",
            "A table ARN has the form arn:aws:dynamodb:REGION:ACCOUNT:table/NAME.",
        ],
        "list": [
            "Listing tables is not about one table: which Resource does its statement need?",
            "Copy the action's name from the service's list of actions: it is the operation "
            "that lists tables, in the plural.",
        ],
        "action": [
            "Read only: which DynamoDB actions read items? Leave out everything that writes, "
            "deletes or changes a table.",
            "Wildcards such as dynamodb:* or dynamodb:Get* also match writes or other actions "
            "(GetResourcePolicy, for one): name each action in full.",
        ],
        "resource": [
            "Your policy reaches other tables: the table name must be exactly Books.",
            "A * after table/Books (or in place of the name) also matches BooksArchive and "
            "every other table.",
        ],
        "account": [
            "The table belongs to account A: which account id goes in its ARN?",
            "A * in the account field also matches tables of other accounts.",
        ],
        "region": [
            "The task names the table of us-east-1; a * in the region field also matches the "
            "tables of every other region.",
            "Write us-east-1 in the region field.",
        ],
        "mfa": [
            "Is MFA checked again after the role is assumed? What does the role session carry "
            "in the lab's default reading?",
            "The trust policy is where MFA belongs; this permissions policy needs no condition.",
        ],
        "context": [
            "Your policy decides differently for role sessions that carry MFA and those that do "
            "not: this policy needs no MFA condition at all.",
            "Remove the condition: MFA was checked when the role was assumed.",
        ],
    },
    secrets=(TABLE,),
    extra=_read_only_extra,
)

# ---- 03.2 and 03.3: trust policies ---------------------------------------------------------

AUDITOR_ROLE = f"arn:aws:iam::{ACCOUNT_A}:role/BooksAuditor"
AUDITOR_TRUST = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Principal": {"AWS": ACCOUNT_C},
        "Action": ASSUME,
        "Condition": {
            "Bool": {MFA_PRESENT: "true"},
            "NumericLessThan": {MFA_AGE: "3600"},
        },
    },
}
ONLY_RICHARD = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Principal": {"AWS": RICHARD},
        "Action": ASSUME,
        "Condition": {"Bool": {MFA_PRESENT: "true"}},
    },
}


def _trust_task(
    reference: Mapping[str, Any],
    role: str,
    required: list[Probe],
    callers: list[Caller],
) -> PolicyTask:
    scope = {"account": ACCOUNT_A, "role": role.rsplit("/", 1)[1]}
    strangers = [with_code(DANA, "principal"), anonymous()]
    grid = unique(
        vary_actions(
            scope,
            [c for c in callers if c.topic == "context"][:2],
            services=("sts",),
            others=(),
            types=("role",),
        )
        + vary_callers([ASSUME], role, [*callers, *strangers])
    )
    return PolicyTask(
        "trust",
        reference,
        required,
        grid,
        identity=lambda probe: [] if probe.caller.principal is None else [ALLOW_ALL],
        owner=ACCOUNT_A,
        deny_ok=[ASSUME],
        named_actions=[ASSUME],
    )


def _auditor_task() -> PolicyTask:
    def mfa(age: int) -> Caller:
        return caller(NIKHIL, GST_MFA, age)

    required = [
        Probe(ASSUME, AUDITOR_ROLE, with_code(NIKHIL)).named(
            "Nikhil (account C) assumes BooksAuditor with a valid MFA code", "allowed", "grant"
        ),
        Probe(ASSUME, AUDITOR_ROLE, with_code(AUDITOR)).named(
            "another user of account C assumes it with a valid MFA code", "allowed", "principal"
        ),
        Probe(ASSUME, AUDITOR_ROLE, mfa(600)).named(
            "Nikhil assumes it with GetSessionToken credentials whose MFA sign-in is "
            "10 minutes old",
            "allowed",
            "age",
        ),
        Probe(ASSUME, AUDITOR_ROLE, mfa(7200)).named(
            "Nikhil assumes it with GetSessionToken credentials whose MFA sign-in is 2 hours old",
            "denied",
            "age",
        ),
        Probe(ASSUME, AUDITOR_ROLE, caller(NIKHIL, LONG_TERM)).named(
            "Nikhil assumes it with his long-term keys and no code (no MFA key at all)",
            "denied",
            "missing-key",
        ),
        Probe(ASSUME, AUDITOR_ROLE, caller(NIKHIL, GST)).named(
            "Nikhil assumes it with GetSessionToken credentials without MFA",
            "denied",
            "missing-key",
        ),
        Probe(ASSUME, AUDITOR_ROLE, with_code(RICHARD, "principal")).named(
            f"Richard of account B ({ACCOUNT_B}) assumes it with a valid MFA code",
            "denied",
            "principal",
        ),
    ]
    ages = (0, 60, 3599, 3600, 3601, 7200)
    callers = [
        with_code(NIKHIL),
        caller(NIKHIL, LONG_TERM),
        caller(NIKHIL, GST),
        *(mfa(age) for age in ages),
        with_code(AUDITOR, "principal"),
        caller(UPLOADER_SESSION, AR_MFA, topic="principal"),
        caller(UPLOADER_SESSION, GST_MFA_AR, 600, topic="principal"),
        with_code(RICHARD, "principal"),
        caller(RICHARD, GST_MFA, 60, topic="principal"),
        with_code(ANAYA, "principal"),
    ]
    return _trust_task(AUDITOR_TRUST, AUDITOR_ROLE, required, callers)


def _only_richard_task() -> PolicyTask:
    required = [
        Probe(ASSUME, ROLE, with_code(RICHARD)).named(
            "Richard (account B) assumes the role with a valid MFA code", "allowed", "grant"
        ),
        Probe(ASSUME, ROLE, with_code(MARIA, "principal")).named(
            "Maria, another user of account B allowed to assume it, with a valid MFA code",
            "denied",
            "principal",
        ),
        Probe(ASSUME, ROLE, caller(HELPER_SESSION, GST_MFA_AR, 60, topic="principal")).named(
            "a session of account B's role Helper (it carries MFA) assumes the role",
            "denied",
            "principal",
        ),
        Probe(ASSUME, ROLE, caller(RICHARD, GST)).named(
            "Richard assumes it with GetSessionToken credentials without MFA "
            "(aws:MultiFactorAuthPresent false)",
            "denied",
            "missing-key",
        ),
        Probe(ASSUME, ROLE, caller(RICHARD, LONG_TERM)).named(
            "Richard assumes it with his long-term keys and no code (no MFA key at all)",
            "denied",
            "missing-key",
        ),
        Probe(ASSUME, ROLE, with_code(NIKHIL, "principal")).named(
            f"Nikhil of account C ({ACCOUNT_C}) with a valid MFA code", "denied", "principal"
        ),
    ]
    callers = [
        with_code(RICHARD),
        caller(RICHARD, LONG_TERM),
        caller(RICHARD, GST),
        *(caller(RICHARD, GST_MFA, age) for age in (0, 600, 7200, 43200)),
        with_code(MARIA, "principal"),
        caller(MARIA, GST_MFA, 60, topic="principal"),
        caller(HELPER_SESSION, GST_MFA_AR, 60, topic="principal"),
        with_code(NIKHIL, "principal"),
        with_code(ANAYA, "principal"),
    ]
    return _trust_task(ONLY_RICHARD, ROLE, required, callers)


def _trust_extra(doc: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    extra = []
    if _said(problems, "no MFA key at all") and _uses(doc, "IfExists"):
        extra.append(
            Problem(
                "an ...IfExists operator accepts a request that has no MFA key, which is exactly "
                "what long-term keys without a code send",
                "missing-key",
            )
        )
    if _said(problems, "MFA 3600 s ago") and _uses(doc, "NumericLessThanEquals"):
        extra.append(
            Problem("an MFA sign-in exactly 3600 s old is not less than one hour old", "age")
        )
    return extra


_TRUST_HINTS = {
    "missing-key": [
        "Requests signed with long-term keys and no code carry no MFA key; sessions without "
        'MFA carry "false". What does your condition do with each?',
        "In an Allow, an operator without IfExists is false on a missing key: that is what "
        "keeps long-term keys out.",
    ],
    "action": [
        "A trust policy that lets callers in names the one STS action for assuming a role.",
        "Wildcards such as sts:* or sts:Assume* also allow tagging the session, setting a "
        "source identity or other ways of assuming: name the action in full.",
    ],
}

policy_exercise(
    "03.2",
    "A trust policy for BooksAuditor: account C, MFA sign-in less than an hour old",
    AUDITOR_TRUST,
    _auditor_task,
    hints={
        **_TRUST_HINTS,
        "grant": [
            "A trust policy needs a Principal (who may assume the role), the STS action for "
            "assuming a role, and here a Condition on the MFA sign-in.",
            "To trust every user of an account, the Principal names the account by its id.",
        ],
        "principal": [
            "Which account does the task trust? Richard's account is not it.",
            'Name account C by its id in {"AWS": ...}; "*" or account B would let others in.',
        ],
        "age": [
            "The age of an MFA sign-in is a number of seconds in aws:MultiFactorAuthAge: how "
            "many seconds are one hour, and which Numeric operator refuses the limit itself?",
            "During AssumeRole with a code the age is 0; with GetSessionToken credentials it "
            "counts from the original sign-in.",
        ],
    },
    secrets=('"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}',),
    extra=_trust_extra,
)

policy_exercise(
    "03.3",
    "The trust policy of CrossAccountRole: only Richard, only with MFA",
    ONLY_RICHARD,
    _only_richard_task,
    hints={
        **_TRUST_HINTS,
        "grant": [
            "Keep the MFA condition of the trust policy you read in Step 1; change who the "
            "Principal is.",
            "A Principal can name one IAM user by its ARN instead of a whole account.",
        ],
        "principal": [
            "Your Principal still lets in other callers of account B (another user, or a "
            "session of one of B's roles). Who exactly should be trusted?",
            "Name Richard's user ARN (arn:aws:iam::ACCOUNT:user/NAME) instead of the account.",
        ],
    },
    secrets=(f'"Principal": {{"AWS": "{RICHARD}"}}',),
    extra=_trust_extra,
)
