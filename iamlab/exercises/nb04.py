"""Exercises of notebook 04 (MFA for sensitive EC2 actions in one account).

Sofía (IAM user ``Sofia``) signs with the MFA keys the lab computes for each kind of
credentials (:mod:`iamlab.scenarios.mfa_context`). The questions of the notebook (04.why,
04.quiz) are data: ``iamlab/data/questions/04.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache, partial
from typing import Any

from iamlab.data import account_id, principal_arn
from iamlab.scenarios.mfa_context import GST, GST_MFA, LONG_TERM

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

ACCOUNT_A, ACCOUNT_B = account_id("A"), account_id("B")
SOFIA = principal_arn("Sofia")
INSTANCE = f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:instance/i-0123456789abcdef0"
A_INSTANCES = f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:instance/*"
SCOPE = {"account": ACCOUNT_A, "region": "us-east-1", "user": "Sofia"}
STOP, TERMINATE = "ec2:StopInstances", "ec2:TerminateInstances"
START, REBOOT = "ec2:StartInstances", "ec2:RebootInstances"
MFA_PRESENT, MFA_AGE = "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"


def _sofia(ages: tuple[int, ...]) -> list[Caller]:
    """Sofía with long-term keys, a session without MFA, and MFA sessions of these ages."""
    return [caller(SOFIA, LONG_TERM), caller(SOFIA, GST)] + [
        caller(SOFIA, GST_MFA, age) for age in ages
    ]


def _conditions(doc: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    """(operator, key, value) of every condition of a policy document."""
    statements = doc.get("Statement", [])
    statements = [statements] if isinstance(statements, Mapping) else statements
    found = []
    for st in statements if isinstance(statements, list) else []:
        condition = st.get("Condition", {}) if isinstance(st, Mapping) else {}
        for operator, block in condition.items() if isinstance(condition, Mapping) else []:
            for key, value in block.items() if isinstance(block, Mapping) else []:
                found.append((str(operator), str(key), value))
    return found


def _said(problems: list[Problem], text: str) -> bool:
    return any(text in p.text for p in problems)


# ---- 04.1 ------------------------------------------------------------------------------------

SHORT_LEASH = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "StopWithMFA",
            "Effect": "Allow",
            "Action": STOP,
            "Resource": A_INSTANCES,
            "Condition": {"Bool": {MFA_PRESENT: "true"}},
        },
        {
            "Sid": "TerminateWithRecentMFA",
            "Effect": "Allow",
            "Action": TERMINATE,
            "Resource": A_INSTANCES,
            "Condition": {
                "Bool": {MFA_PRESENT: "true"},
                "NumericLessThan": {MFA_AGE: "900"},
            },
        },
    ],
}


def _short_leash_task() -> PolicyTask:
    def mfa(age: int) -> Caller:
        return caller(SOFIA, GST_MFA, age)

    keys, no_mfa = caller(SOFIA, LONG_TERM), caller(SOFIA, GST)
    required = [
        Probe(STOP, INSTANCE, mfa(60)).named(
            "Sofía stops an instance, MFA sign-in 1 minute old", "allowed", "grant"
        ),
        Probe(STOP, INSTANCE, mfa(7200)).named(
            "Sofía stops an instance, MFA sign-in 2 hours old", "allowed", "grant"
        ),
        Probe(STOP, INSTANCE, no_mfa).named(
            "Sofía stops an instance with GetSessionToken credentials without MFA",
            "denied",
            "missing-key",
        ),
        Probe(STOP, INSTANCE, keys).named(
            "Sofía stops an instance with her long-term access keys", "denied", "missing-key"
        ),
        Probe(TERMINATE, INSTANCE, mfa(60)).named(
            "Sofía terminates an instance, MFA sign-in 1 minute old", "allowed", "grant"
        ),
        Probe(TERMINATE, INSTANCE, mfa(840)).named(
            "Sofía terminates an instance, MFA sign-in 14 minutes old", "allowed", "age"
        ),
        Probe(TERMINATE, INSTANCE, mfa(900)).named(
            "Sofía terminates an instance, MFA sign-in exactly 15 minutes old", "denied", "age"
        ),
        Probe(TERMINATE, INSTANCE, mfa(7200)).named(
            "Sofía terminates an instance, MFA sign-in 2 hours old", "denied", "age"
        ),
        Probe(TERMINATE, INSTANCE, no_mfa).named(
            "Sofía terminates with GetSessionToken credentials without MFA",
            "denied",
            "missing-key",
        ),
        Probe(TERMINATE, INSTANCE, keys).named(
            "Sofía terminates with her long-term access keys", "denied", "missing-key"
        ),
        Probe(START, INSTANCE, mfa(60)).named(
            "Sofía starts an instance with MFA (this policy is not about starting)",
            "denied",
            "action",
        ),
        Probe(STOP, INSTANCE.replace("us-east-1", "eu-west-1"), mfa(60)).named(
            "Sofía stops an instance of account A in eu-west-1", "denied", "region"
        ),
        Probe(STOP, INSTANCE.replace(ACCOUNT_A, ACCOUNT_B), mfa(60)).named(
            f"Sofía stops an instance of account B ({ACCOUNT_B})", "denied", "account"
        ),
    ]
    ages = (0, 60, 600, 899, 900, 901, 3600, 7200)
    grid = unique(
        vary_actions(SCOPE, [mfa(60), mfa(7200), keys], services=("ec2",), others=OTHER_SERVICES)
        + vary_callers([STOP, TERMINATE, REBOOT], INSTANCE, _sofia(ages))
        + vary_resources(
            [STOP, TERMINATE],
            resource_neighbours(INSTANCE, accounts=[ACCOUNT_B]),
            [mfa(60), keys],
        )
    )
    return PolicyTask(
        "identity",
        SHORT_LEASH,
        required,
        grid,
        deny_ok=[STOP, TERMINATE],
        named_actions=[STOP, TERMINATE],
    )


def _short_leash_extra(doc: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    found = _conditions(doc)
    extra = []
    if _said(problems, "with her long-term access keys: your identity policy gives allowed") and (
        any(op.endswith("IfExists") for op, _, _ in found)
    ):
        extra.append(
            Problem(
                "long-term access keys carry no MFA key at all: in an Allow, an ...IfExists "
                "operator counts the missing key as a match and lets them in",
                "missing-key",
            )
        )
    if _said(problems, "exactly 15 minutes old: your identity policy gives allowed"):
        extra.append(
            Problem(
                "an MFA sign-in exactly 900 s old is not younger than 15 minutes: use a strict "
                "comparison",
                "age",
            )
        )
    if _said(problems, "14 minutes old: your identity policy gives") and any(
        key.lower() == MFA_AGE.lower() and str(value) in ("15", "0.25") for _, key, value in found
    ):
        extra.append(Problem("aws:MultiFactorAuthAge counts seconds, not minutes", "age"))
    return extra


policy_exercise(
    "04.1",
    "Stop with MFA; terminate only within 15 minutes of MFA, on account A's instances",
    SHORT_LEASH,
    _short_leash_task,
    hints={
        "grant": [
            "Two actions with two different conditions: one statement each is the clearest "
            "way. Which condition key says that MFA was used?",
            "An instance ARN is arn:aws:ec2:REGION:ACCOUNT:instance/ID; a * in place of the "
            "ID means every instance there.",
        ],
        "age": [
            "aws:MultiFactorAuthAge is the number of seconds since the code was accepted: how "
            "many seconds are 15 minutes?",
            "Allow only ages below the limit: which Numeric operator is false at the limit itself?",
        ],
        "missing-key": [
            "Requests signed with long-term keys carry no MFA key; sessions without MFA carry "
            'aws:MultiFactorAuthPresent "false" and no age. What does your condition do with '
            "each?",
            "In an Allow, an operator without IfExists is false on a missing key: that is what "
            "keeps long-term keys out.",
        ],
        "action": [
            "Your policy reaches EC2 actions the task does not name: only stopping and "
            "terminating belong in it (Developers already gives the rest).",
            "Write both action names in full: wildcards such as ec2:*, ec2:St* or "
            "ec2:*Instances also match starting, rebooting or monitoring instances.",
        ],
        "resource": [
            "The task is about every instance of account A in us-east-1: not one instance, "
            "and not instances elsewhere.",
            "After instance/ in the ARN, one wildcard stands for every instance id.",
        ],
        "region": [
            'The task names one region: "*" (or a Resource of "*") also allows every other '
            "region's instances.",
            "Write us-east-1 in the region field of the instance ARN.",
        ],
        "account": [
            "The task names account A: a wildcard in the account field also matches other "
            "accounts' instances.",
            "Write account A's id in the account field of the instance ARN.",
        ],
    },
    secrets=(A_INSTANCES,),
    extra=_short_leash_extra,
)

# ---- 04.2 ------------------------------------------------------------------------------------

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
    "GetSessionToken with MFA, 10 minutes later": "does the AWS page's policy look at the MFA "
    "age at all?",
    "GetSessionToken with MFA, 11 hours later": "how long do GetSessionToken credentials last "
    "when DurationSeconds is not given?",
    "GetSessionToken with MFA and DurationSeconds=3600, 2 hours later": "are these credentials "
    "still valid when the call is made?",
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
            STOP,
            first,
            partial(ec2.stop_instances, InstanceIds=[first]),
        )
        outcomes[way] = "allowed" if result.allowed else "denied"
    story.rewind()
    return outcomes


prediction_exercise(
    "04.2",
    "Which of Sofía's credentials can stop an instance?",
    lab_outcomes,
    choices=("allowed", "denied"),
    questions=QUESTIONS,
    hints={
        "predictions": [
            "Two things decide each call: are the credentials still valid, and does the request "
            'carry aws:MultiFactorAuthPresent "true"?',
            "Long-term keys carry no MFA key; a session without a code carries false. For the "
            "others, compare each one's lifetime with the moment of the call.",
        ],
        "general": [
            "The AWS page's policy has only the Bool condition: the age of the sign-in does "
            "not matter to it, but the credentials' expiry does.",
            "GetSessionToken credentials last 12 hours unless DurationSeconds says otherwise.",
        ],
    },
    solution={
        "long-term access keys": "denied",
        "GetSessionToken without MFA": "denied",
        "GetSessionToken with MFA, 10 minutes later": "allowed",
        "GetSessionToken with MFA, 11 hours later": "allowed",
        "GetSessionToken with MFA and DurationSeconds=3600, 2 hours later": "denied",
    },
)
