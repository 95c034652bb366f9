"""Exercises of notebook 05 (MFA in a bucket policy shared by several accounts).

Every caller gets an identity policy that allows everything, so only the learner's bucket
policy decides. The questions of the notebook (05.why, 05.quiz) are data:
``iamlab/data/questions/05.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache, partial
from typing import Any

from iamlab.data import account_id, load_policy, principal_arn
from iamlab.scenarios.mfa_context import AR_MFA, GST, GST_MFA, LONG_TERM

from .core import Problem
from .grid import (
    Caller,
    Probe,
    anonymous,
    caller,
    role_session,
    unique,
    vary_actions,
    vary_callers,
    vary_resources,
)
from .policy_task import PolicyTask, policy_exercise
from .predictions import prediction_exercise

ACCOUNT_A, ACCOUNT_B, ACCOUNT_C = account_id("A"), account_id("B"), account_id("C")
ANAYA = principal_arn("Anaya")  # account A
RICHARD = principal_arn("Richard")  # account B
NIKHIL = principal_arn("Nikhil", scenario="resource-policy-s3")  # account C
UPLOADER = role_session(principal_arn("Uploader"), "Nikhil")  # Nikhil's role session in C
MATEO = f"arn:aws:iam::{ACCOUNT_A}:user/Mateo"  # created in the notebook, in account A
# not a story account: a stranger the bucket does not trust
DANA = "arn:aws:iam::999988887777:user/Dana"
# users of the bucket owners' accounts with no permissions of their own (not story characters)
INTERNS = {f"arn:aws:iam::{account_id(a)}:user/Intern" for a in "AB"}
ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"},
}
GET, PUT, DELETE = "s3:GetObject", "s3:PutObject", "s3:DeleteObject"
MFA_AGE = "aws:MultiFactorAuthAge"


def _identity(probe: Probe) -> list[Any]:
    """Every signed caller's own account allows everything (only the bucket policy decides),
    except the interns, who have no permissions."""
    who = probe.caller.principal
    return [] if who is None or who in INTERNS else [ALLOW_ALL]


def _nikhil(ages: tuple[int, ...]) -> list[Caller]:
    return [caller(NIKHIL, LONG_TERM), caller(NIKHIL, GST)] + [
        caller(NIKHIL, GST_MFA, age) for age in ages
    ]


def _uses(doc: Mapping[str, Any], text: str) -> bool:
    return text in json.dumps(doc)


# ---- 05.1 ------------------------------------------------------------------------------------

REPORTS = "account-b-reports"  # account B's bucket in this exercise
REPORT = f"arn:aws:s3:::{REPORTS}/q1.csv"
READ_RECENT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadWithRecentMFA",
            "Effect": "Allow",
            "Principal": {"AWS": [ACCOUNT_A, ACCOUNT_C]},
            "Action": GET,
            "Resource": f"arn:aws:s3:::{REPORTS}/*",
            "Condition": {"NumericLessThan": {MFA_AGE: "3600"}},
        }
    ],
}


def _read_recent_task() -> PolicyTask:
    fresh = caller(NIKHIL, GST_MFA, 600)
    anaya = caller(ANAYA, GST_MFA, 600)
    dana = caller(DANA, GST_MFA, 600, topic="principal")
    required = [
        Probe(GET, REPORT, fresh).named(
            "Nikhil (account C) reads an object, MFA sign-in 10 minutes old", "allowed", "grant"
        ),
        Probe(GET, REPORT, anaya).named(
            "Anaya (account A) reads an object, MFA sign-in 10 minutes old", "allowed", "grant"
        ),
        Probe(GET, REPORT, caller(NIKHIL, GST_MFA, 3660)).named(
            "Nikhil reads an object, MFA sign-in 61 minutes old", "denied", "age"
        ),
        Probe(GET, REPORT, caller(NIKHIL, LONG_TERM)).named(
            "Nikhil reads an object with long-term access keys", "denied", "missing-key"
        ),
        Probe(GET, REPORT, caller(NIKHIL, GST)).named(
            "Nikhil reads an object with GetSessionToken without MFA", "denied", "missing-key"
        ),
        Probe(PUT, REPORT, fresh).named(
            "Nikhil writes an object, MFA sign-in 10 minutes old", "denied", "action"
        ),
        Probe(GET, REPORT, dana).named(
            "Dana of account 999988887777 (not trusted) reads, MFA sign-in 10 minutes old",
            "denied",
            "principal",
        ),
        Probe(GET, REPORT, anonymous()).named(
            "an anonymous request reads an object", "denied", "principal"
        ),
    ]
    scope = {"bucket": REPORTS, "key": "q1.csv"}
    everyone = [
        *_nikhil((0, 60, 3599, 3600, 3601, 7200)),
        caller(UPLOADER, AR_MFA, topic="principal"),
        caller(ANAYA, LONG_TERM, topic="principal"),
        anaya.with_topic("principal"),
        caller(RICHARD, GST_MFA, 600, topic="principal"),
        caller(f"arn:aws:iam::{ACCOUNT_B}:user/Intern", GST_MFA, 600, topic="principal"),
        dana,
        caller(DANA, LONG_TERM, topic="principal"),
        anonymous(),
    ]
    other = f"arn:aws:s3:::{REPORTS}/2025/q4.csv"
    grid = unique(
        vary_actions(
            scope,
            [fresh, anaya, dana, anonymous()],
            services=("s3",),
            others=(),
            types=("bucket", "object"),
        )
        + vary_callers([GET, PUT, DELETE], REPORT, everyone)
        + vary_resources([GET], [(other, "resource", "another object")], [fresh])
    )
    return PolicyTask(
        "resource",
        READ_RECENT,
        required,
        grid,
        identity=_identity,
        owner=ACCOUNT_B,
        bucket=REPORTS,
        deny_ok=[GET],
    )


def _read_recent_extra(doc: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    extra = []
    said = " ".join(p.text for p in problems)
    if "with long-term access keys: your bucket policy gives allowed" in said and _uses(
        doc, "IfExists"
    ):
        extra.append(
            Problem(
                "an ...IfExists operator accepts a request without the MFA key, which is exactly "
                "what long-term keys send",
                "missing-key",
            )
        )
    if "MFA 3600 s ago" in said and "also allows" in said:
        extra.append(
            Problem("an MFA sign-in exactly 3600 s old is not less than one hour old", "age")
        )
    if "MFA sign-in 10 minutes old: your bucket policy gives denied" in said and _uses(
        doc, f'"arn:aws:s3:::{REPORTS}"'
    ):
        extra.append(
            Problem(
                f"arn:aws:s3:::{REPORTS} is the bucket itself; GetObject acts on its objects",
                "level",
            )
        )
    return extra


policy_exercise(
    "05.1",
    "A bucket policy: accounts A and C read account B's reports within an hour of MFA",
    READ_RECENT,
    _read_recent_task,
    hints={
        "grant": [
            "A bucket policy needs a Principal: which accounts does the task trust? Then the "
            "one action, the objects of the bucket, and a condition on the MFA sign-in.",
            "GetObject acts on objects, so the Resource names the bucket's objects, not the "
            "bucket; the Principal lists the two trusted accounts' ids.",
            "The condition compares the age of the MFA sign-in, in seconds, with one hour.",
        ],
        "age": [
            "Which key holds the seconds since the MFA sign-in, and which operator compares "
            "numbers?",
            "One hour is 3600 seconds; an age of 3660 must be refused.",
        ],
        "missing-key": [
            "Requests signed with long-term keys carry no MFA key at all, and sessions without "
            "MFA carry no age. What does your operator do with a missing key?",
            "In an Allow, an operator without IfExists is false on a missing key: that is what "
            "keeps those requests out.",
        ],
        "principal": [
            "Who does your Principal let in? The task trusts two accounts, not everyone and "
            "not the bucket owner's account.",
            'Name the accounts by their ids in {"AWS": [...]}; "*" also lets in strangers and '
            "anonymous callers.",
        ],
        "action": [
            "The task allows reading only: which single action reads an object?",
            "Leave out wildcards such as s3:* or s3:Get*: they also match writes or bucket-level "
            "actions such as reading the bucket policy.",
        ],
    },
    secrets=(f"arn:aws:s3:::{REPORTS}/*",),
    extra=_read_recent_extra,
)

# ---- 05.2 ------------------------------------------------------------------------------------

BUCKET = "account-a-bucket"
OBJECT = f"arn:aws:s3:::{BUCKET}/report.csv"
STALE_DENY = {
    "Sid": "DenyStaleMFA",
    "Effect": "Deny",
    "Principal": "*",
    "Action": [PUT, DELETE],
    "Resource": f"arn:aws:s3:::{BUCKET}/*",
    "Condition": {"NumericGreaterThan": {MFA_AGE: "3600"}},
}
FRESH_ONLY = {
    "Version": "2012-10-17",
    "Statement": load_policy("account-a-bucket-policy")["Statement"] + [STALE_DENY],
}


def _template_05_2() -> dict[str, Any]:
    draft = load_policy("account-a-bucket-policy")
    draft["Statement"].append(None)
    return draft


def _fresh_only_task() -> PolicyTask:
    def nikhil(age: int) -> Caller:
        return caller(NIKHIL, GST_MFA, age)

    def mateo(age: int) -> Caller:
        return caller(MATEO, GST_MFA, age, topic="principal")

    required = [
        Probe(PUT, OBJECT, nikhil(600)).named(
            "Nikhil puts an object, MFA sign-in 10 minutes old", "allowed", "too-strict"
        ),
        Probe(DELETE, OBJECT, nikhil(3000)).named(
            "Nikhil deletes an object, MFA sign-in 50 minutes old", "allowed", "too-strict"
        ),
        Probe(PUT, OBJECT, nikhil(4000)).named(
            "Nikhil puts an object, MFA sign-in 67 minutes old", "denied", "age"
        ),
        Probe(DELETE, OBJECT, nikhil(7200)).named(
            "Nikhil deletes an object, MFA sign-in 2 hours old", "denied", "age"
        ),
        Probe(PUT, OBJECT, mateo(600)).named(
            "Mateo, administrator of account A, puts an object, MFA sign-in 10 minutes old",
            "allowed",
            "too-strict",
        ),
        Probe(PUT, OBJECT, mateo(7200)).named(
            "Mateo, administrator of account A, puts an object, MFA sign-in 2 hours old",
            "explicitDeny",
            "explicit",
        ),
        Probe(PUT, OBJECT, caller(MATEO, LONG_TERM, topic="missing-key")).named(
            "Mateo puts an object with long-term access keys (no MFA sign-in at all, so "
            "nothing to be stale)",
            "allowed",
            "missing-key",
        ),
    ]
    ages = (0, 600, 3599, 3600, 3601, 7200)
    everyone = [
        *_nikhil(ages),
        *(mateo(age) for age in ages),
        caller(MATEO, LONG_TERM, topic="principal"),
        caller(MATEO, GST, topic="principal"),
        caller(UPLOADER, AR_MFA, topic="principal"),
        caller(RICHARD, GST_MFA, 600, topic="principal"),
        caller(RICHARD, GST_MFA, 7200, topic="principal"),
        caller(DANA, GST_MFA, 600, topic="principal"),
        caller(f"arn:aws:iam::{ACCOUNT_A}:user/Intern", GST_MFA, 600, topic="principal"),
        anonymous(),
    ]
    grid = unique(
        vary_actions(
            {"bucket": BUCKET, "key": "report.csv"},
            [nikhil(600), nikhil(7200), mateo(600), mateo(7200), caller(MATEO, LONG_TERM)],
            services=("s3",),
            others=(),
            types=("bucket", "object"),
        )
        + vary_callers([PUT, DELETE, GET], OBJECT, everyone)
    )
    return PolicyTask(
        "resource",
        FRESH_ONLY,
        required,
        grid,
        identity=_identity,
        owner=ACCOUNT_A,
        bucket=BUCKET,
        deny_ok=[PUT, DELETE],
        changes=True,
    )


def _fresh_only_extra(doc: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    extra = []
    said = " ".join(p.text for p in problems)
    if "MFA sign-in 2 hours old: your bucket policy gives allowed" in said and "Mateo" in said:
        extra.append(
            Problem(
                "Mateo's own AdministratorAccess policy allows everything in account A; only an "
                "explicit Deny in the bucket policy can stop him",
                "explicit",
            )
        )
    if "no longer allows" in said and "MFA 3600 s ago" in said:
        extra.append(
            Problem("an MFA sign-in exactly 3600 s old is not more than an hour old", "age")
        )
    if "Mateo puts an object with long-term access keys" in said and _uses(doc, "IfExists"):
        extra.append(
            Problem(
                "an ...IfExists operator in a Deny also matches requests that carry no MFA age "
                "at all: it stops every write signed with long-term keys, which the task leaves "
                "as they are",
                "missing-key",
            )
        )
    return extra


policy_exercise(
    "05.2",
    "Deny writes when the MFA sign-in is more than an hour old",
    FRESH_ONLY,
    _fresh_only_task,
    hints={
        "explicit": [
            "Mateo's own policy allows everything in account A: only an explicit Deny in the "
            "bucket policy stops him. Does your answer have a Deny that applies to him?",
            "The Deny must stop every writer whose sign-in is stale, whatever account they are "
            "in: its Principal must name all of them.",
        ],
        "age": [
            "Compare aws:MultiFactorAuthAge (in seconds) with 3600, using a Numeric operator "
            "that matches ages above the limit.",
            "More than an hour old means an age greater than 3600; exactly 3600 is not more.",
        ],
        "too-strict": [
            "Your Deny also stops writes whose MFA sign-in is recent: check its operator, "
            "its number and its actions.",
            "The limit is one hour, in seconds; the Deny applies only above it.",
        ],
        "missing-key": [
            "A request signed with long-term keys carries no MFA age at all. Should the task's "
            "Deny apply to it?",
            "In a Deny, an ...IfExists operator matches a missing key: it would stop every "
            "write made without an MFA sign-in, which the task does not ask for.",
        ],
    },
    template=_template_05_2(),
    placeholder="write your Deny statement in place of None in the Statement list",
    secrets=('"NumericGreaterThan": {"aws:MultiFactorAuthAge": "3600"}',),
    extra=_fresh_only_extra,
)

# ---- 05.3 ------------------------------------------------------------------------------------

WAYS = (
    "long-term access keys",
    "GetSessionToken without MFA",
    "GetSessionToken with MFA",
    "AssumeRole (Uploader) with MFA",
)
QUESTIONS = {
    "long-term access keys": "which MFA key does a request signed with long-term keys carry?",
    "GetSessionToken without MFA": "what value does aws:MultiFactorAuthPresent have here?",
    "GetSessionToken with MFA": "what does the bucket policy's condition ask for?",
    "AssumeRole (Uploader) with MFA": "what MFA value does a role session carry in the lab's "
    "default reading?",
}


@lru_cache(maxsize=1)
def lab_outcomes() -> dict[str, str]:
    """What a fresh lab (default reading) answers for each way in :data:`WAYS`."""
    from iamlab.scenarios import build_resource_policy_s3

    story = build_resource_policy_s3()
    outcomes = {}
    for way in WAYS:
        story.rewind()
        if way == "GetSessionToken without MFA":
            creds = story.nikhil.client("sts").get_session_token()["Credentials"]
            session = story.lab.session(creds)
        elif way == "AssumeRole (Uploader) with MFA":
            session = story.nikhil_session("AssumeRole with MFA")
        elif way == "GetSessionToken with MFA":
            session = story.nikhil_session("GetSessionToken with MFA")
        else:
            session = story.nikhil_session("long-term keys")
        s3 = session.client("s3")
        result = story.attempt(
            way,
            "Nikhil",
            PUT,
            OBJECT,
            partial(s3.put_object, Bucket=BUCKET, Key="report.csv", Body=b"q1,42\n"),
        )
        outcomes[way] = "allowed" if result.allowed else "denied"
    story.rewind()
    return outcomes


prediction_exercise(
    "05.3",
    "Which of Nikhil's credentials can write to the bucket?",
    lab_outcomes,
    choices=("allowed", "denied"),
    questions=QUESTIONS,
    hints={
        "predictions": [
            'The bucket policy\'s condition is Bool aws:MultiFactorAuthPresent "true": which '
            "credentials carry that key, with that value?",
            "Long-term keys carry no MFA key; a session without a code carries false. What does "
            "a role session carry in the lab's default reading (notebook 02)?",
        ],
        "general": [
            "Go through the four kinds one by one: is the key there, and is it true?",
            "Only the kind the AWS page recommends for resource-based policies passes.",
        ],
    },
    solution={
        "long-term access keys": "denied",
        "GetSessionToken without MFA": "denied",
        "GetSessionToken with MFA": "allowed",
        "AssumeRole (Uploader) with MFA": "denied",
    },
)
