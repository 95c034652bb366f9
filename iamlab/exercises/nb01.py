"""Exercises of notebook 01 (MFA condition keys).

Sofia's requests carry the MFA keys the lab computes for each kind of credentials
(:mod:`iamlab.scenarios.mfa_context`). The questions of the notebook (01.why, 01.quiz) are data:
``iamlab/data/questions/01.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from iamlab.data import account_id, principal_arn
from iamlab.policy import evaluate
from iamlab.scenarios.mfa_context import AR_MFA, GST, GST_MFA, LONG_TERM, credential_table

from .core import Problem
from .grid import (
    OTHER_SERVICES,
    Caller,
    Probe,
    caller,
    resource_neighbours,
    unique,
    vary_actions,
    vary_callers,
    vary_resources,
)
from .policy_task import PolicyTask, policy_exercise
from .predictions import prediction_exercise

ACCOUNT_A = account_id("A")
ACCOUNT_B = account_id("B")
SOFIA = principal_arn("Sofia")
INSTANCE = f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:instance/i-0123456789abcdef0"
SCOPE = {"account": ACCOUNT_A, "region": "us-east-1", "user": "Sofia"}
TERMINATE, STOP = "ec2:TerminateInstances", "ec2:StopInstances"
BROAD_ALLOW = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
}
MFA_AGE = "aws:MultiFactorAuthAge"
MFA_PRESENT = "aws:MultiFactorAuthPresent"


def _sofia(ages: tuple[int, ...]) -> list[Caller]:
    """Sofia with long-term keys, a session without MFA, and MFA sessions of these ages."""
    return [caller(SOFIA, LONG_TERM), caller(SOFIA, GST)] + [
        caller(SOFIA, GST_MFA, age) for age in ages
    ]


def _conditions(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(operator, key) of every condition of a policy document."""
    statements = doc.get("Statement", [])
    statements = [statements] if isinstance(statements, Mapping) else statements
    found = []
    for st in statements if isinstance(statements, list) else []:
        condition = st.get("Condition", {}) if isinstance(st, Mapping) else {}
        for operator, block in condition.items() if isinstance(condition, Mapping) else []:
            found += [(str(operator), str(k)) for k in block] if isinstance(block, Mapping) else []
    return found


def _said(problems: list[Problem], start: str) -> bool:
    return any(p.text.startswith(start) for p in problems)


# ---- 01.1 ------------------------------------------------------------------------------------

FRESH_MFA_DENY = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Deny",
        "Action": TERMINATE,
        "Resource": "*",
        "Condition": {"NumericGreaterThanEqualsIfExists": {MFA_AGE: "900"}},
    },
}
DRAFT_01_1 = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Action": TERMINATE,
            "Resource": "*",
            "Condition": {"Bool": {MFA_PRESENT: "false"}},
        }
    ],
}


def _fresh_mfa_task() -> PolicyTask:
    keys, no_mfa = caller(SOFIA, LONG_TERM), caller(SOFIA, GST)
    required = [
        Probe(TERMINATE, INSTANCE, keys).named(
            "long-term access keys terminate an instance", "denied", "missing-key"
        ),
        Probe(TERMINATE, INSTANCE, no_mfa).named(
            "GetSessionToken without MFA terminates", "denied", "no-mfa"
        ),
        Probe(TERMINATE, INSTANCE, caller(SOFIA, GST_MFA, 600)).named(
            "an MFA sign-in 10 minutes old terminates", "allowed", "age"
        ),
        Probe(TERMINATE, INSTANCE, caller(SOFIA, GST_MFA, 1200)).named(
            "an MFA sign-in 20 minutes old terminates", "denied", "age"
        ),
        Probe(STOP, INSTANCE, keys).named(
            "long-term access keys stop an instance (the broad policy allows it)", "allowed"
        ),
    ]
    ages = (0, 60, 899, 900, 901, 3600)
    grid = unique(
        vary_actions(
            SCOPE,
            [keys, no_mfa, caller(SOFIA, GST_MFA, 60), caller(SOFIA, GST_MFA, 1200)],
            services=("ec2",),
            others=OTHER_SERVICES,
        )
        + vary_callers([TERMINATE, STOP, "ec2:RebootInstances"], INSTANCE, _sofia(ages))
        + vary_resources(
            [TERMINATE],
            resource_neighbours(INSTANCE, accounts=[ACCOUNT_B]),
            [keys, caller(SOFIA, GST_MFA, 60)],
        )
    )
    return PolicyTask(
        "identity",
        FRESH_MFA_DENY,
        required,
        grid,
        beside=[BROAD_ALLOW],
        deny_ok=[TERMINATE],
        changes=True,
    )


def _fresh_mfa_extra(doc: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    found = _conditions(doc)
    extra = []
    if _said(problems, "long-term access keys terminate"):
        if any(op == "Bool" for op, _ in found):
            extra.append(
                Problem(
                    "a request signed with long-term keys carries no aws:MultiFactorAuthPresent "
                    "at all; a plain Bool condition on a missing key is not met, so that Deny "
                    "does not apply to them",
                    "missing-key",
                )
            )
        if any(op.startswith("Numeric") and not op.endswith("IfExists") for op, _ in found):
            extra.append(
                Problem(
                    "a request made without MFA carries no aws:MultiFactorAuthAge; a Numeric "
                    "condition on a missing key is not met, so that Deny lets such requests by",
                    "missing-key",
                )
            )
    if any("MFA 900 s ago" in p.text and "no longer allows" not in p.text for p in problems):
        extra.append(
            Problem("an MFA sign-in exactly 900 s old is not less than 15 minutes old", "age")
        )
    return extra


policy_exercise(
    "01.1",
    "Deny terminating unless the MFA sign-in is less than 15 minutes old",
    FRESH_MFA_DENY,
    _fresh_mfa_task,
    hints={
        "missing-key": [
            "Your Deny must also match requests that carry no MFA key at all (long-term access "
            "keys, sessions without MFA). Which operators are met when the key is missing?",
            "Only ...IfExists operators and Null count a missing key as a match; every other "
            "operator is false on a missing key, so its Deny does not apply.",
            "Write the Deny so that it applies when the age key is missing and when it is too "
            "big: one ...IfExists operator on the age can do both.",
        ],
        "no-mfa": [
            'A session from GetSessionToken without a code carries aws:MultiFactorAuthPresent "'
            'false" and no age at all. Does your Deny match it?',
            "A Deny on the age alone must also apply when the age key is missing.",
        ],
        "age": [
            "aws:MultiFactorAuthAge is the number of seconds since the MFA code was accepted; "
            "15 minutes is 900 seconds.",
            "Deny from 900 seconds on: which Numeric operator matches 900 itself and every "
            "larger age?",
        ],
        "action": [
            "The broad policy allows every EC2 action; your Deny must take away only "
            "ec2:TerminateInstances.",
            "Check the Action of each Deny statement: no wildcard, no other action.",
        ],
        "general": [
            "Three kinds of requests must be refused: long-term keys (no MFA key), sessions "
            "without MFA, and MFA sign-ins 15 minutes old or more.",
            "Check each kind of credentials against your condition, one by one.",
        ],
    },
    template=DRAFT_01_1,
    placeholder="this is the draft from the notebook, still with its hole: change it, then run "
    "this cell again",
    secrets=("NumericGreaterThanEqualsIfExists",),
    extra=_fresh_mfa_extra,
)

# ---- 01.2 ------------------------------------------------------------------------------------

REBOOT, MODIFY = "ec2:RebootInstances", "ec2:ModifyInstanceAttribute"
A_INSTANCES = f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:instance/*"
RECENT_MFA_ALLOW = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Action": [REBOOT, MODIFY],
        "Resource": A_INSTANCES,
        "Condition": {"NumericLessThan": {MFA_AGE: "1800"}},
    },
}


def _recent_mfa_task() -> PolicyTask:
    fresh = caller(SOFIA, GST_MFA, 600)
    required = [
        Probe(REBOOT, INSTANCE, fresh).named(
            "Sofía reboots an instance, MFA sign-in 10 minutes old", "allowed", "grant"
        ),
        Probe(MODIFY, INSTANCE, caller(SOFIA, GST_MFA, 1740)).named(
            "Sofía modifies an instance, MFA sign-in 29 minutes old", "allowed", "grant"
        ),
        Probe(REBOOT, INSTANCE, caller(SOFIA, GST_MFA, 1800)).named(
            "Sofía reboots, MFA sign-in exactly 30 minutes old", "denied", "age"
        ),
        Probe(REBOOT, INSTANCE, caller(SOFIA, LONG_TERM)).named(
            "Sofía reboots with long-term access keys", "denied", "missing-key"
        ),
        Probe(REBOOT, INSTANCE, caller(SOFIA, GST)).named(
            "Sofía reboots with GetSessionToken without MFA", "denied", "missing-key"
        ),
        Probe(REBOOT, INSTANCE.replace("us-east-1", "eu-west-1"), fresh).named(
            "Sofía reboots an instance in eu-west-1", "denied", "region"
        ),
        Probe(REBOOT, INSTANCE.replace(ACCOUNT_A, ACCOUNT_B), fresh).named(
            f"Sofía reboots an instance of account B ({ACCOUNT_B})", "denied", "account"
        ),
        Probe(TERMINATE, INSTANCE, fresh).named(
            "Sofía terminates an instance, MFA sign-in 10 minutes old", "denied", "action"
        ),
    ]
    ages = (0, 60, 1799, 1800, 1801, 7200)
    grid = unique(
        vary_actions(
            SCOPE,
            [fresh, caller(SOFIA, LONG_TERM)],
            services=("ec2",),
            others=OTHER_SERVICES,
        )
        + vary_callers([REBOOT, MODIFY], INSTANCE, _sofia(ages))
        + vary_resources(
            [REBOOT, MODIFY],
            resource_neighbours(INSTANCE, accounts=[ACCOUNT_B]),
            [fresh, caller(SOFIA, LONG_TERM)],
        )
    )
    return PolicyTask("identity", RECENT_MFA_ALLOW, required, grid, deny_ok=[REBOOT, MODIFY])


def _recent_mfa_extra(doc: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    extra = []
    if _said(problems, "Sofía reboots, MFA sign-in exactly 30") and not _said(
        problems, "Sofía modifies"
    ):
        extra.append(
            Problem(
                "an MFA sign-in exactly 1800 s old is not less than 30 minutes old: use a "
                "strict comparison",
                "age",
            )
        )
    if _said(problems, "Sofía reboots with long-term") and any(
        op.endswith("IfExists") for op, _ in _conditions(doc)
    ):
        extra.append(
            Problem(
                "long-term access keys carry neither MFA key: in an Allow, an ...IfExists "
                "operator lets them in",
                "missing-key",
            )
        )
    return extra


policy_exercise(
    "01.2",
    "Allow rebooting and modifying account A's instances in us-east-1 within 30 minutes of MFA",
    RECENT_MFA_ALLOW,
    _recent_mfa_task,
    hints={
        "grant": [
            "Two actions, on account A's instances in us-east-1, under one condition on the MFA "
            "sign-in. Which condition key holds its age?",
            "An instance ARN is arn:aws:ec2:REGION:ACCOUNT:instance/ID; a * in place of the ID "
            "means every instance there.",
        ],
        "age": [
            "aws:MultiFactorAuthAge counts seconds since the MFA code was accepted: 30 minutes "
            "is 1800 seconds.",
            "Allow only ages below 1800: which Numeric operator is false at 1800 itself?",
        ],
        "missing-key": [
            "Requests without MFA carry no aws:MultiFactorAuthAge. What does your operator do "
            "when the key is missing?",
            "In an Allow, an operator without IfExists is false on a missing key: that is what "
            "refuses long-term keys here.",
        ],
        "region": [
            'The task names one region: "*" in the ARN\'s region field allows every region.',
            "Write the region (us-east-1) in the instance ARN.",
        ],
        "account": [
            'The task names one account: "*" in the ARN\'s account field allows every account.',
            "Write account A's id in the instance ARN.",
        ],
        "action": [
            "Name exactly the two actions of the task; a wildcard such as ec2:* or ec2:*Instance* "
            "also matches TerminateInstances and more.",
            "List both actions in full in one Action array.",
        ],
    },
    secrets=(A_INSTANCES,),
    extra=_recent_mfa_extra,
)

# ---- 01.3 ------------------------------------------------------------------------------------

NULL_TRAP = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": STOP, "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": STOP,
            "Resource": "*",
            "Condition": {"Null": {MFA_PRESENT: "true"}},
        },
    ],
}
# item -> the kind of credentials Sofia signs with
PREDICT = {
    "long-term keys": LONG_TERM,
    "GetSessionToken without MFA": GST,
    "GetSessionToken with MFA": GST_MFA,
    "AssumeRole with MFA (role session)": AR_MFA,
}


@lru_cache(maxsize=1)
def trap_outcomes() -> dict[str, str]:
    """What IAM decides for the Null policy and each kind of credentials (lab default)."""
    table = credential_table()
    return {
        item: evaluate(
            action=STOP,
            resource=INSTANCE,
            principal=table[kind].principal,
            context=table[kind].request_keys(60),
            identity_policies=[NULL_TRAP],
        ).decision
        for item, kind in PREDICT.items()
    }


prediction_exercise(
    "01.3",
    "Predict the decisions of a Deny with Null",
    trap_outcomes,
    choices=("allowed", "explicitDeny", "implicitDeny"),
    questions={
        "long-term keys": "does a request signed with long-term keys carry the key at all?",
        "GetSessionToken without MFA": 'the key is present, with the value "false": is it missing?',
        "GetSessionToken with MFA": 'the key is present, with the value "true": is it missing?',
        "AssumeRole with MFA (role session)": "in the lab's default reading a role session "
        "carries the key: is it missing?",
    },
    hints={
        "predictions": [
            'Null asks one question: is the key missing? "true" in the policy means "the key '
            'is missing".',
            "Which kinds of credentials send no aws:MultiFactorAuthPresent at all? Only those "
            "match the Deny; the Allow decides every other one.",
        ],
        "general": [
            "The value of the key (true or false) does not matter to Null: only whether the key "
            "is there.",
            "For each kind, decide first whether the key is in the request; then apply the Deny, "
            "then the Allow.",
        ],
    },
    solution={
        "long-term keys": "explicitDeny",
        "GetSessionToken without MFA": "allowed",
        "GetSessionToken with MFA": "allowed",
        "AssumeRole with MFA (role session)": "allowed",
    },
)

__all__ = ["BROAD_ALLOW", "DRAFT_01_1", "NULL_TRAP", "json"]
