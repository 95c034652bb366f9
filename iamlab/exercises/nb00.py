"""Exercises of notebook 00 (start here): a first least-privilege policy, and predictions.

The questions of the notebook (00.why, 00.quiz) are data: ``iamlab/data/questions/00.json``.
"""

from __future__ import annotations

from functools import lru_cache

from iamlab.data import account_id, principal_arn
from iamlab.policy import evaluate
from iamlab.scenarios.mfa_context import GST, GST_MFA, LONG_TERM

from .grid import (
    OTHER_SERVICES,
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
ANAYA = principal_arn("Anaya")
BUCKET = "team-notes"  # account A's bucket in the self-managed MFA story
OBJECTS = f"arn:aws:s3:::{BUCKET}/*"
TODO = f"arn:aws:s3:::{BUCKET}/todo.txt"
GET = "s3:GetObject"

# ---- 00.1 ------------------------------------------------------------------------------------

READ_NOTES = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": GET, "Resource": OBJECTS},
}


def _read_notes_task() -> PolicyTask:
    keys = caller(ANAYA, LONG_TERM, topic="context")
    anaya = [keys, caller(ANAYA, GST), caller(ANAYA, GST_MFA)]
    scope = {"bucket": BUCKET, "key": "todo.txt", "account": ACCOUNT_A, "user": "Anaya"}
    plan = f"arn:aws:s3:::{BUCKET}/2026/plan.txt"
    neighbours = [*resource_neighbours(TODO), (plan, "resource", "another object in it")]
    required = [
        Probe(GET, TODO, keys).named("Anaya reads team-notes/todo.txt", "allowed", "grant"),
        Probe(GET, plan, keys).named("Anaya reads team-notes/2026/plan.txt", "allowed", "grant"),
        Probe("s3:PutObject", TODO, keys).named("Anaya writes team-notes/todo.txt", "denied"),
        Probe("s3:ListBucket", f"arn:aws:s3:::{BUCKET}", keys).named(
            "Anaya lists the objects of team-notes", "denied"
        ),
        Probe(GET, f"arn:aws:s3:::{BUCKET}-logs/todo.txt", keys).named(
            "Anaya reads an object of the bucket team-notes-logs", "denied", "resource"
        ),
    ]
    grid = unique(
        vary_actions(scope, [keys], services=("s3",), others=OTHER_SERVICES)
        + vary_resources([GET, "s3:PutObject"], neighbours, [keys])
        + vary_callers([GET], TODO, anaya)
    )
    return PolicyTask("identity", READ_NOTES, required, grid)


policy_exercise(
    "00.1",
    "A policy that lets Anaya read the objects of team-notes, and nothing else",
    READ_NOTES,
    _read_notes_task,
    hints={
        "grant": [
            "Which S3 action reads an object? The API operation is GetObject; the IAM action "
            "has the service prefix in front.",
            "The Resource must name the objects of team-notes, not the bucket itself: what does "
            "an object's ARN look like?",
            "An object's ARN is the bucket's ARN followed by a slash and the object's key; a * "
            "after that slash stands for every key.",
        ],
    },
    placeholder="write your policy (a dict) in place of None, then run this cell again",
    secrets=(OBJECTS,),
)

# ---- 00.2 ------------------------------------------------------------------------------------

NOTES_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadNotes",
            "Effect": "Allow",
            "Action": "s3:Get*",
            "Resource": OBJECTS,
        },
        {
            "Sid": "NotThePrivateFolder",
            "Effect": "Deny",
            "Action": GET,
            "Resource": f"arn:aws:s3:::{BUCKET}/private/*",
        },
    ],
}
SALARIES = f"arn:aws:s3:::{BUCKET}/private/salaries.csv"
# item -> (action, resource) Anaya asks for, under NOTES_POLICY
REQUESTS = {
    "GetObject todo.txt": (GET, TODO),
    "GetObject private/salaries.csv": (GET, SALARIES),
    "GetObjectTagging private/salaries.csv": ("s3:GetObjectTagging", SALARIES),
    "GetBucketPolicy of team-notes": ("s3:GetBucketPolicy", f"arn:aws:s3:::{BUCKET}"),
    "DeleteObject todo.txt": ("s3:DeleteObject", TODO),
}
DECISIONS = ("allowed", "explicitDeny", "implicitDeny")


@lru_cache(maxsize=1)
def notes_outcomes() -> dict[str, str]:
    """What the policy engine decides for each request of 00.2."""
    return {
        item: evaluate(
            action=action, resource=resource, principal=ANAYA, identity_policies=[NOTES_POLICY]
        ).decision
        for item, (action, resource) in REQUESTS.items()
    }


prediction_exercise(
    "00.2",
    "Predict the decisions of a policy with a wildcard and a Deny",
    notes_outcomes,
    choices=DECISIONS,
    questions={
        "GetObject todo.txt": "which statement matches both the action and the resource, and "
        "does any Deny match too?",
        "GetObject private/salaries.csv": "does the Deny's Resource match a key under private/?",
        "GetObjectTagging private/salaries.csv": "the Deny names one action: is this it? And "
        "does the Allow's wildcard match this action?",
        "GetBucketPolicy of team-notes": "does an ARN ending in /* match the bucket's own ARN, "
        "which has no slash at all?",
        "DeleteObject todo.txt": "which statement mentions a Delete action at all?",
    },
    hints={
        "predictions": [
            "For each request, look first for a Deny whose Action and Resource both match; then "
            "for an Allow that matches; if neither matches, nothing allows it.",
            "Read the wildcards literally: s3:Get* matches every action whose name starts with "
            "Get, and team-notes/* matches every object of the bucket but not the bucket.",
        ],
        "general": [
            "An explicit Deny needs a Deny statement whose Action and Resource both match this "
            "request; an implicit deny is what is left when no Allow matches.",
            "Compare the request's action with each statement's Action, wildcard included, then "
            "its resource ARN with each Resource.",
        ],
    },
    solution={
        "GetObject todo.txt": "allowed",
        "GetObject private/salaries.csv": "explicitDeny",
        "GetObjectTagging private/salaries.csv": "allowed",
        "GetBucketPolicy of team-notes": "implicitDeny",
        "DeleteObject todo.txt": "implicitDeny",
    },
)
