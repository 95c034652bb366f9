"""Exercises of notebook 07 (revoking temporary credentials).

The two policy exercises are bucket policies of ``example-bucket``: every caller's own
policies allow everything, so only the learner's bucket policy decides. Requests are made at
10:05 on 15 January 2026 by credentials issued at the times the task names. The questions of
the notebook (07.why, 07.quiz) are data: ``iamlab/data/questions/07.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache, lru_cache
from typing import Any

from iamlab.data import account_id, principal_arn
from iamlab.policy import Policy, evaluate
from iamlab.policy.principals import federated_caller
from iamlab.scenarios.mfa_context import GFT, LONG_TERM, ROOT, request_keys

from .core import Problem
from .grid import (
    Caller,
    Probe,
    anonymous,
    role_session,
    unique,
    vary_actions,
    vary_callers,
)
from .policy_task import PolicyTask, policy_exercise
from .predictions import prediction_exercise

SCENARIO = "revoking-sessions"
ACCOUNT = account_id("A")
ROLE = principal_arn("Accounting-Role", scenario=SCENARIO)
TOKEN_APP = principal_arn("token-app", scenario=SCENARIO)
ANAYA = principal_arn("Anaya", scenario=SCENARIO)
ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"
BUCKET_NAME = "example-bucket"
BUCKET = f"arn:aws:s3:::{BUCKET_NAME}"
LEDGER = f"{BUCKET}/ledger.csv"
OBJECTS = f"{BUCKET}/*"
SCOPE = {"bucket": BUCKET_NAME, "key": "ledger.csv"}
LIST, GET, PUT = "s3:ListBucket", "s3:GetObject", "s3:PutObject"
NOW = "2026-01-15T10:05:00Z"
CUTOFF = "2026-01-15T10:00:00Z"
ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"},
}


def federated(name: str) -> str:
    return f"arn:aws:sts::{ACCOUNT}:federated-user/{name}"


# who called GetFederationToken for each federated user of the exercises
PARENTS = {
    federated("Bob"): TOKEN_APP,
    federated("Carol"): TOKEN_APP,
    federated("Erin"): TOKEN_APP,
    federated("Dana"): ANAYA,  # a federated user another IAM user created
}


def _epoch(moment: str) -> str:
    when = datetime.strptime(moment, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return str(int(when.timestamp()))


def issued(principal: str, kind: str, at: str, topic: str = "principal") -> Caller:
    """``principal`` signing at 10:05 with temporary credentials of ``kind`` issued at ``at``
    (``HH:MM:SS`` on 15 January 2026, or a whole timestamp)."""
    moment = at if "T" in at else f"2026-01-15T{at}Z"
    keys = dict(request_keys(kind))
    keys.update(
        {"aws:TokenIssueTime": moment, "aws:CurrentTime": NOW, "aws:EpochTime": _epoch(NOW)}
    )
    how = f"{kind}, issued {moment[11:19] if moment.startswith('2026-01-15') else moment}"
    return Caller(principal, how, tuple(sorted(keys.items())), topic)


def _keys(principal: str, kind: str = LONG_TERM, topic: str = "principal") -> Caller:
    """``principal`` signing at 10:05 with long-term keys (``kind``: whose keys)."""
    keys = dict(request_keys(kind))
    keys.update({"aws:CurrentTime": NOW, "aws:EpochTime": _epoch(NOW)})
    return Caller(principal, kind, tuple(sorted(keys.items())), topic)


def _identity(probe: Probe) -> list[Any]:
    """Every caller's own policies allow everything: only the bucket policy decides."""
    return [] if probe.caller.principal is None else [ALLOW_ALL]


@dataclass
class BucketTask(PolicyTask):
    """A bucket-policy task whose callers may be federated users: ``parents`` names the IAM
    user whose GetFederationToken created each one (a Principal naming that user covers
    them)."""

    parents: Mapping[str, str] = field(default_factory=dict)

    def decide(self, policy: Policy, probe: Probe, alone: bool = False) -> str:
        who: Any = probe.caller.principal
        if who in self.parents:
            who = federated_caller(who, self.parents[who])
        return evaluate(
            action=probe.action,
            resource=probe.resource,
            principal=who,
            context=dict(probe.caller.context),
            identity_policies=self._identity_for(probe),
            resource_policy=policy,
            resource_account=probe.owner or self.owner,
        ).decision


def _bucket_grid(callers: list[Caller], probes_by: list[Caller]) -> list[Probe]:
    """Every S3 action on the bucket and on ledger.csv by ``probes_by``; list, read and write
    by every caller of ``callers``."""
    return unique(
        vary_actions(SCOPE, probes_by, services=("s3",), others=(), types=("bucket", "object"))
        + vary_callers([LIST], BUCKET, callers)
        + vary_callers([GET, PUT], LEDGER, callers)
        + vary_callers([GET], f"{BUCKET}/reports/2026/q1.csv", callers)
    )


# ---- 07.1 · revoke by time, at the bucket ---------------------------------------------------

ROLE_BEFORE_CUTOFF = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyAccountingRoleSessionsIssuedBefore10",
            "Effect": "Deny",
            "Principal": {"AWS": ROLE},
            "Action": "s3:*",
            "Resource": [BUCKET, OBJECTS],
            "Condition": {"DateLessThan": {"aws:TokenIssueTime": CUTOFF}},
        }
    ],
}


def _role_cutoff_task() -> BucketTask:
    mary = role_session(ROLE, "Mary")
    report = role_session(ROLE, "report")
    old_mary = issued(mary, "AssumeRole without MFA", "09:00:00", "role")
    old_report = issued(report, "AssumeRole without MFA", "09:59:59", "role")
    new_mary = issued(mary, "AssumeRole without MFA", "10:00:01", "cutoff")
    at_cutoff = issued(report, "AssumeRole without MFA", "10:00:00", "cutoff")
    bob = issued(federated("Bob"), GFT, "09:00:00")
    required = [
        Probe(LIST, BUCKET, old_mary).named(
            "Mary's session issued at 09:00 lists the bucket", "explicitDeny", "role"
        ),
        Probe(GET, LEDGER, old_mary).named(
            "Mary's session issued at 09:00 reads ledger.csv", "explicitDeny", "level"
        ),
        Probe(PUT, f"{BUCKET}/new.csv", old_report).named(
            "the report session issued at 09:59:59 writes new.csv", "explicitDeny", "role"
        ),
        Probe("s3:DeleteObject", LEDGER, old_report).named(
            "the report session issued at 09:59:59 deletes ledger.csv", "explicitDeny", "action"
        ),
        Probe(GET, LEDGER, new_mary).named(
            "Mary's session issued at 10:00:01 reads ledger.csv", "allowed", "cutoff"
        ),
        Probe(LIST, BUCKET, at_cutoff).named(
            "a report session issued at exactly 10:00:00 lists the bucket", "allowed", "cutoff"
        ),
        Probe(GET, LEDGER, bob).named(
            "Bob (a federated user of token-app) issued at 09:00 reads ledger.csv",
            "allowed",
            "principal",
        ),
        Probe(LIST, BUCKET, _keys(TOKEN_APP)).named(
            "token-app lists the bucket with its access keys", "allowed", "principal"
        ),
    ]
    everyone = [
        old_mary,
        old_report,
        new_mary,
        at_cutoff,
        issued(mary, "AssumeRole without MFA", "2026-01-14T23:00:00Z", "role"),
        issued(mary, "AssumeRole without MFA", "10:04:00", "cutoff"),
        bob,
        issued(federated("Carol"), GFT, "09:30:00"),
        _keys(TOKEN_APP),
        _keys(ANAYA),
        _keys(ROOT_ARN, ROOT),
        anonymous(),
    ]
    grid = _bucket_grid(everyone, [old_mary, new_mary, bob, _keys(ANAYA)])
    return BucketTask(
        "resource",
        ROLE_BEFORE_CUTOFF,
        required,
        grid,
        identity=_identity,
        owner=ACCOUNT,
        bucket=BUCKET_NAME,
        parents=PARENTS,
    )


def _said(problems: list[Problem], text: str) -> bool:
    return any(text in p.text for p in problems)


def _uses(doc: Mapping[str, Any], text: str) -> bool:
    return text in json.dumps(doc)


def _role_cutoff_extra(doc: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    extra = []
    if _said(problems, "reads ledger.csv: your bucket policy gives allowed") and not _uses(
        doc, f"{BUCKET}/"
    ):
        extra.append(
            Problem(
                f"{BUCKET} is the bucket itself: objects such as ledger.csv have their own "
                "ARNs, which it does not cover",
                "level",
            )
        )
    if _uses(doc, "aws:CurrentTime"):
        extra.append(
            Problem(
                "aws:CurrentTime is the time of the request, which is after 10:00 for every "
                "request here; when the credentials were issued is another key",
                "cutoff",
            )
        )
    if _said(problems, "the report session issued at 09:59:59") and _uses(doc, "assumed-role"):
        extra.append(
            Problem(
                "a role session ARN names one session name; the role's ARN names every session "
                "of the role",
                "role",
            )
        )
    return extra


policy_exercise(
    "07.1",
    "A bucket policy that revokes the role's sessions issued before 10:00",
    ROLE_BEFORE_CUTOFF,
    _role_cutoff_task,
    hints={
        "role": [
            "Which principal covers every session of Accounting-Role, whatever its session name?",
            "A role session ARN names one session; the role's own ARN in a Principal covers "
            "all of its sessions.",
        ],
        "cutoff": [
            "Only credentials issued before 10:00:00 are to be stopped. Which condition key "
            "says when the credentials were issued?",
            "Compare that key with a Date operator that matches times strictly before the "
            "cut-off; a session issued at exactly 10:00:00 keeps working.",
        ],
        "level": [
            "The bucket and its objects are different resources: which ARN covers ledger.csv?",
            "Name the bucket and every object in it, in one Resource list.",
        ],
        "action": [
            'The sessions issued before the cut-off may do "nothing at all" in the bucket: a '
            "list of three actions leaves the others, such as deleting, open.",
            "Deny every S3 action: the role's permissions may grow later.",
        ],
        "principal": [
            "Your policy also stops callers who are not sessions of Accounting-Role. Check the "
            "Principal and the condition.",
            'A Principal of "*" with only a time condition stops every temporary credential, '
            "federated users included.",
        ],
    },
    secrets=('"DateLessThan": {"aws:TokenIssueTime": "2026-01-15T10:00:00Z"}',),
    notes=(
        'Also right: Principal "*" with "ArnEquals": {"aws:PrincipalArn": <the role\'s ARN>} '
        "(aws:PrincipalArn of a role session is its role's ARN); the cut-off as epoch seconds "
        '(1768471200); "Action": "*" (a bucket policy reaches only S3 actions on its bucket).',
    ),
    extra=_role_cutoff_extra,
)


# ---- 07.2 · the narrowest revocation for each situation -------------------------------------

# what each situation needs: probe -> must it still list the bucket?
SITUATIONS: dict[str, dict[str, bool]] = {
    "a": {
        "Mary's earlier session": False,
        "the earlier report session": False,
        "Mary's new session (after the revocation)": True,
        "Bob's earlier session": True,
    },
    "b": {
        "Bob's earlier session": False,
        "Carol's earlier session": True,
        "Mary's earlier session": True,
        "Mary's new session (after the revocation)": True,
    },
    "c": {
        "Mary's earlier session": False,
        "the earlier report session": False,
        "Mary's new session (after the revocation)": False,
        "Bob's earlier session": True,
    },
}
ANSWERS = {
    "a": "revoke older sessions of the role",
    "b": "deny the federated user Bob in the bucket policy",
    "c": "deny the role in the bucket policy",
}


@lru_cache(maxsize=1)
def _story() -> Any:
    from iamlab.scenarios import build_revoking

    return build_revoking()


@cache
def replay(how: str) -> dict[str, bool]:
    """In a fresh lab: sessions at 09:00, revocation ``how`` at 09:05, then who can list."""
    story = _story()
    story.rewind()
    lab = story.lab
    app = story.actor("token-app").client("sts")
    role = story.roles[f"{ACCOUNT}/Accounting-Role"]
    s3_all = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        }
    )
    sessions = story.sessions()
    report = app.assume_role(RoleArn=role, RoleSessionName="report")["Credentials"]
    carol = app.get_federation_token(Name="Carol", Policy=s3_all)["Credentials"]
    probes = {
        "Mary's earlier session": sessions["Mary"],
        "the earlier report session": lab.session(report),
        "Bob's earlier session": sessions["Bob"],
        "Carol's earlier session": lab.session(carol),
    }
    lab.clock.advance(minutes=5)
    story.revoke(how)
    lab.clock.advance(seconds=1)
    probes["Mary's new session (after the revocation)"] = story.sessions()["Mary"]
    out = {}
    for name, session in probes.items():
        attempt = story.attempt(
            name,
            name,
            LIST,
            BUCKET,
            lambda s=session: s.client("s3").list_objects_v2(Bucket=BUCKET_NAME),
        )
        out[name] = attempt.allowed
    story.rewind()
    return out


def fitting(key: str) -> list[str]:
    """The revocation choices that do exactly what situation ``key`` asks, in a fresh lab."""
    from iamlab.scenarios.stories import REVOCATION_CHOICES

    needs = SITUATIONS[key]
    return [c for c in REVOCATION_CHOICES if all(replay(c)[p] == w for p, w in needs.items())]


@lru_cache(maxsize=1)
def narrowest() -> dict[str, str]:
    """The one choice that fits each situation (the lab replays every choice)."""
    out = {}
    for key in SITUATIONS:
        found = fitting(key)
        if len(found) != 1:
            raise ValueError(f"situation {key} fits {found}, not exactly one choice")
        out[key] = found[0]
    return out


def _choices() -> tuple[str, ...]:
    from iamlab.scenarios.stories import REVOCATION_CHOICES

    return tuple(REVOCATION_CHOICES)


prediction_exercise(
    "07.2",
    "The narrowest revocation for each situation",
    narrowest,
    choices=_choices(),
    questions={
        "a": "who must be stopped: sessions that exist now, or every session of the role? And "
        "may a later session be stopped too?",
        "b": "which principal ARN names Bob alone, and not every federated user of token-app?",
        "c": "which choice stops later sessions of the role too, without changing the role?",
    },
    hints={
        "predictions": [
            "For each situation list who must be stopped and who must keep working, then look "
            "for the choice that stops exactly the first group. The panel above replays every "
            "choice.",
            "A session ARN in a bucket policy names one session name; a role ARN names every "
            "session of the role, now and later; AWSRevokeOlderSessions stops only sessions "
            "issued before the click.",
        ],
        "general": [
            "Read each situation for what must keep working, not only for what must stop.",
            "The narrowest choice is the one that stops nobody the situation wants working.",
        ],
    },
    solution=ANSWERS,
    placeholder="replace each None with one of REVOCATION_CHOICES, then run this cell again",
)


# ---- 07.3 · every federated user of token-app, not its keys ---------------------------------

FEDERATED_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyFederatedUsersOfTokenApp",
            "Effect": "Deny",
            "Principal": {"AWS": TOKEN_APP},
            "Action": "s3:*",
            "Resource": [BUCKET, OBJECTS],
            "Condition": {"Null": {"aws:TokenIssueTime": "false"}},
        }
    ],
}


def _federated_task() -> BucketTask:
    bob = issued(federated("Bob"), GFT, "09:00:00", "federated")
    carol = issued(federated("Carol"), GFT, "09:30:00", "federated")
    erin = issued(federated("Erin"), GFT, "10:04:00", "federated")
    keys = _keys(TOKEN_APP, topic="keys")
    mary = issued(role_session(ROLE, "Mary"), "AssumeRole without MFA", "09:00:00")
    dana = issued(federated("Dana"), GFT, "09:00:00")
    required = [
        Probe(LIST, BUCKET, bob).named("Bob (federated) lists the bucket", "denied", "federated"),
        Probe(GET, LEDGER, carol).named("Carol (federated) reads ledger.csv", "denied", "level"),
        Probe(PUT, f"{BUCKET}/new.csv", erin).named(
            "Erin, a federated user token-app created at 10:04 (after your policy), writes new.csv",
            "denied",
            "federated",
        ),
        Probe(LIST, BUCKET, keys).named(
            "token-app lists the bucket with its own access keys", "allowed", "keys"
        ),
        Probe(GET, LEDGER, keys).named(
            "token-app reads ledger.csv with its own access keys", "allowed", "keys"
        ),
        Probe(GET, LEDGER, dana).named(
            "Dana, a federated user that Anaya (not token-app) created, reads ledger.csv",
            "allowed",
            "principal",
        ),
        Probe(GET, LEDGER, mary).named(
            "Mary's role session reads ledger.csv", "allowed", "principal"
        ),
    ]
    everyone = [
        bob,
        carol,
        erin,
        issued(federated("Bob"), GFT, "2026-01-14T20:00:00Z", "federated"),
        keys,
        dana,
        mary,
        _keys(ANAYA),
        _keys(ROOT_ARN, ROOT),
        anonymous(),
    ]
    grid = _bucket_grid(everyone, [bob, keys, dana])
    return BucketTask(
        "resource",
        FEDERATED_ONLY,
        required,
        grid,
        identity=_identity,
        owner=ACCOUNT,
        bucket=BUCKET_NAME,
        parents=PARENTS,
    )


def _federated_extra(doc: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    extra = []
    if _said(problems, "with its own access keys: your bucket policy gives denied"):
        extra.append(
            Problem(
                "naming token-app in the Principal covers its own access keys as well as its "
                "federated users: something in the request must tell them apart",
                "keys",
            )
        )
    if _said(problems, "Erin, a federated user token-app created at 10:04"):
        extra.append(
            Problem(
                "federated users named one by one miss the ones token-app creates later: name "
                "the IAM user whose GetFederationToken created them",
                "federated",
            )
        )
    return extra


policy_exercise(
    "07.3",
    "Stop every federated user of token-app at the bucket, not token-app's own keys",
    FEDERATED_ONLY,
    _federated_task,
    hints={
        "federated": [
            "Which single principal covers every federated user token-app creates, including "
            "tomorrow's?",
            "Naming the IAM user who called GetFederationToken covers all the federated users "
            "it created (mechanism 3).",
        ],
        "keys": [
            "The same principal also covers token-app's own access keys. What does a request "
            "signed with temporary credentials carry that one signed with long-term keys does "
            "not (mechanism 4)?",
            "Long-term keys carry no aws:TokenIssueTime. A condition that asks whether that "
            "key is present separates the two.",
        ],
        "level": [
            "The bucket and its objects are different resources: which ARN covers ledger.csv?",
            "Name the bucket and every object in it, in one Resource list.",
        ],
        "principal": [
            "Your policy stops callers that token-app did not create. Check the Principal.",
            'A Principal of "*" reaches Mary\'s role session and federated users of other IAM '
            "users too.",
        ],
    },
    secrets=('"Null": {"aws:TokenIssueTime": "false"}',),
    notes=(
        'Also right: the same Principal with "ArnLike": {"aws:PrincipalArn": '
        '"arn:aws:sts::111111111111:federated-user/*"}, or any Date condition on '
        "aws:TokenIssueTime that every temporary credential meets: long-term keys carry no "
        "issue time.",
    ),
    extra=_federated_extra,
)
