"""Exercises of notebook 10 (capstone): write the policies yourself.

The capstone's checkers are the strictest of the lab: each task names the requests the story
decides, and a grid of neighbours (every catalogued action of every service the lab knows,
other tables, accounts, regions and buckets, every kind of credentials at ages around each
limit, other principals of every account, other external IDs, issue times around the
cut-off) must be decided exactly as the reference answer decides it. ``preview`` shows what a
draft decides for the named requests, and how many neighbours it gets wrong, without
spending a hint. The questions (10.why, 10.quiz) are data: ``iamlab/data/questions/10.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from iamlab.data import account_id, principal_arn
from iamlab.policy import PolicyError, parse_policy
from iamlab.scenarios.mfa_context import (
    AR,
    AR_MFA,
    GST,
    GST_MFA,
    GST_MFA_AR,
    LONG_TERM,
    request_keys,
)

from .checks import as_document
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
from .nb08 import assuming
from .policy_task import PolicyTask, policy_exercise

A, B, C = account_id("A"), account_id("B"), account_id("C")
RICHARD = principal_arn("Richard")  # account B
NIKHIL = principal_arn("Nikhil", scenario="resource-policy-s3")  # account C
ANAYA = principal_arn("Anaya")  # account A's administrator
# not story characters: the capstone's own users and roles, and a stranger
OPERATOR = f"arn:aws:iam::{A}:user/Operator"
DEPLOYER = f"arn:aws:iam::{A}:user/deployer"
EVE = "arn:aws:iam::444455556666:user/Eve"
PRESENT, AGE, ISSUED = "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge", "aws:TokenIssueTime"
ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"},
}
ASSUME = "sts:AssumeRole"


def _everyone(probe: Probe) -> list[Any]:
    """Every signed caller's own account lets it do anything (only the learner's resource or
    trust policy decides), except interns, who have no permissions."""
    who = probe.caller.principal
    return [] if who is None or who.endswith(":user/Intern") else [ALLOW_ALL]


# ---- 10.1 · deleting Orders needs fresh MFA -------------------------------------------------

ORDERS = f"arn:aws:dynamodb:us-east-1:{A}:table/Orders"
BOOKS = f"arn:aws:dynamodb:us-east-1:{A}:table/Books"
DELETE_TABLE = "dynamodb:DeleteTable"
FRESH_DELETE = {
    "Version": "2012-10-17",
    "Statement": {
        "Sid": "DeleteOrdersWithFreshMFA",
        "Effect": "Allow",
        "Action": DELETE_TABLE,
        "Resource": ORDERS,
        "Condition": {"Bool": {PRESENT: "true"}, "NumericLessThan": {AGE: "900"}},
    },
}
DRAFT_10_1 = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Action": DELETE_TABLE,
        "Resource": f"arn:aws:dynamodb:*:{A}:table/Orders",
        "Condition": {"Bool": {PRESENT: "true"}},
    },
}


def _operator(age: int, topic: str = "age") -> Caller:
    return caller(OPERATOR, GST_MFA, age, topic=topic)


def _fresh_delete_task() -> PolicyTask:
    keys = caller(OPERATOR, LONG_TERM, topic="missing-key")
    no_mfa = caller(OPERATOR, GST, topic="missing-key")
    in_ireland = ORDERS.replace("us-east-1", "eu-west-1")
    required = [
        Probe(DELETE_TABLE, ORDERS, _operator(120, "grant")).named(
            "DeleteTable on Orders, MFA sign-in 2 minutes old", "allowed", "grant"
        ),
        Probe(DELETE_TABLE, ORDERS, _operator(840)).named(
            "DeleteTable on Orders, MFA sign-in 14 minutes old", "allowed", "age"
        ),
        Probe(DELETE_TABLE, ORDERS, _operator(900)).named(
            "DeleteTable on Orders, MFA sign-in exactly 15 minutes old", "denied", "age"
        ),
        Probe(DELETE_TABLE, ORDERS, _operator(1200)).named(
            "DeleteTable on Orders, MFA sign-in 20 minutes old", "denied", "age"
        ),
        Probe(DELETE_TABLE, ORDERS, keys).named(
            "DeleteTable on Orders with long-term access keys", "denied", "missing-key"
        ),
        Probe(DELETE_TABLE, ORDERS, no_mfa).named(
            "DeleteTable on Orders from a session without MFA", "denied", "missing-key"
        ),
        Probe(DELETE_TABLE, BOOKS, _operator(60, "resource")).named(
            "DeleteTable on Books, fresh MFA", "denied", "resource"
        ),
        Probe(DELETE_TABLE, in_ireland, _operator(60, "region")).named(
            "DeleteTable on a table called Orders in eu-west-1, fresh MFA", "denied", "region"
        ),
        Probe("dynamodb:DeleteItem", ORDERS, _operator(60, "action")).named(
            "DeleteItem on Orders, fresh MFA", "denied", "action"
        ),
    ]
    ages = (0, 60, 840, 899, 900, 901, 1200, 3600)
    callers = [keys, no_mfa, *(_operator(age) for age in ages)]
    grid = unique(
        vary_actions(
            {"account": A, "table": "Orders"},
            [_operator(60, "action"), keys],
            services=("dynamodb",),
            others=OTHER_SERVICES,
        )
        + vary_callers(
            [DELETE_TABLE, "dynamodb:DeleteItem", "dynamodb:UpdateTable"], ORDERS, callers
        )
        + vary_resources(
            [DELETE_TABLE],
            [*resource_neighbours(ORDERS, accounts=[B]), (BOOKS, "resource", "another table")],
            [_operator(60), keys],
        )
    )
    return PolicyTask("identity", FRESH_DELETE, required, grid, named_actions=[DELETE_TABLE])


def _fresh_delete_extra(doc: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    said = " ".join(p.text for p in problems)
    extra = []
    if "exactly 15 minutes old: your identity policy gives allowed" in said:
        extra.append(
            Problem("an MFA sign-in exactly 900 s old is not less than 15 minutes old", "age")
        )
    if "with long-term access keys: your identity policy gives allowed" in said and (
        "IfExists" in json.dumps(doc)
    ):
        extra.append(
            Problem(
                "an ...IfExists operator in an Allow accepts a request without the key, which "
                "is exactly what long-term keys send",
                "missing-key",
            )
        )
    return extra


policy_exercise(
    "10.1",
    "Deleting the Orders table needs MFA younger than 15 minutes",
    FRESH_DELETE,
    _fresh_delete_task,
    hints={
        "grant": [
            "Which action deletes a table, and which ARN names the Orders table of account A "
            "in us-east-1?",
            "A DynamoDB table ARN is arn:aws:dynamodb:REGION:ACCOUNT:table/NAME.",
        ],
        "age": [
            "Which key holds the seconds since the MFA sign-in, and which operator compares "
            "numbers?",
            "15 minutes is 900 seconds; less than 15 minutes means an age strictly below it.",
        ],
        "missing-key": [
            "Requests signed with long-term keys carry no MFA key at all, and sessions without "
            "MFA carry no age. What does your operator do with a missing key?",
            "In an Allow, an operator without IfExists is false on a missing key: that keeps "
            "those requests out.",
        ],
        "resource": [
            "Your Resource matches more tables than Orders: look for a wildcard in the name.",
            "Name the one table by its full ARN, with no wildcard.",
        ],
        "region": [
            'A "*" in the region field matches a table called Orders in every region.',
            "Write the region of the task, us-east-1, in the ARN.",
        ],
        "action": [
            "The task allows one action: does your Action match others too?",
            "dynamodb:Delete* also matches DeleteItem; dynamodb:* matches everything: name the "
            "one action in full.",
        ],
    },
    template=DRAFT_10_1,
    placeholder="edit the draft policy (it is deliberately wrong), then run this cell again",
    secrets=('"NumericLessThan": {"aws:MultiFactorAuthAge": "900"}',),
    extra=_fresh_delete_extra,
)

# ---- 10.2 · LogWriter trusts one role of the log shipper, with the bookshop's external ID ---

LOG_WRITER = f"arn:aws:iam::{A}:role/LogWriter"
SHIPPER = f"arn:aws:iam::{C}:role/shipper"
BOOKSHOP_ID = "bookshop-7731"  # the ID Nikhil's company assigned to the bookshop
SHIPPER_TRUST = {
    "Version": "2012-10-17",
    "Statement": {
        "Sid": "LogShipperForTheBookshop",
        "Effect": "Allow",
        "Principal": {"AWS": SHIPPER},
        "Action": ASSUME,
        "Condition": {"StringEquals": {"sts:ExternalId": BOOKSHOP_ID}},
    },
}
DRAFT_10_2 = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Principal": {"AWS": C},
        "Action": ASSUME,
        "Condition": {"Bool": {PRESENT: "true"}},
    },
}


def _shipper(external_id: str | None, topic: str, name: str = "bookshop", kind: str = AR) -> Caller:
    return assuming(role_session(SHIPPER, name), external_id, topic, name, kind)


def _shipper_trust_task() -> PolicyTask:
    c_admin = role_session(f"arn:aws:iam::{C}:role/Admin", "admin")
    required = [
        Probe(ASSUME, LOG_WRITER, _shipper(BOOKSHOP_ID, "grant")).named(
            "the shipper service (a session of C's role shipper, no MFA) passes the bookshop's ID",
            "allowed",
            "grant",
        ),
        Probe(ASSUME, LOG_WRITER, _shipper(None, "missing-id")).named(
            "the shipper service passes no external ID", "denied", "missing-id"
        ),
        Probe(ASSUME, LOG_WRITER, _shipper("acme-4410", "exact")).named(
            "the shipper service passes acme-4410, the ID of another of its customers",
            "denied",
            "exact",
        ),
        Probe(ASSUME, LOG_WRITER, assuming(NIKHIL, BOOKSHOP_ID, kind=GST_MFA)).named(
            "Nikhil (a user of account C) passes the bookshop's ID, with MFA",
            "denied",
            "principal",
        ),
        Probe(ASSUME, LOG_WRITER, assuming(c_admin, BOOKSHOP_ID, kind=AR)).named(
            "a session of another role of account C (Admin) passes the bookshop's ID",
            "denied",
            "principal",
        ),
        Probe(ASSUME, LOG_WRITER, assuming(RICHARD, BOOKSHOP_ID, kind=GST_MFA)).named(
            "Richard (account B) passes the bookshop's ID, with MFA", "denied", "principal"
        ),
    ]
    ids = (BOOKSHOP_ID, None, "acme-4410", "bookshop-773", "bookshop-77310", "BOOKSHOP-7731")
    topic = {None: "missing-id", BOOKSHOP_ID: "grant"}
    callers = [
        *(_shipper(i, topic.get(i, "exact")) for i in ids),
        _shipper(BOOKSHOP_ID, "grant", name="nightly"),
        _shipper(BOOKSHOP_ID, "grant", kind=GST_MFA_AR),
        *(assuming(NIKHIL, i, kind=k) for i in (BOOKSHOP_ID, None) for k in (LONG_TERM, GST_MFA)),
        assuming(c_admin, BOOKSHOP_ID, kind=AR),
        assuming(f"arn:aws:iam::{C}:user/Intern", BOOKSHOP_ID),
        assuming(role_session(f"arn:aws:iam::{B}:role/shipper", "x1"), BOOKSHOP_ID, kind=AR),
        assuming(RICHARD, BOOKSHOP_ID, kind=GST_MFA),
        assuming(ANAYA, BOOKSHOP_ID, kind=GST_MFA),
        assuming(EVE, BOOKSHOP_ID),
        assuming(None, BOOKSHOP_ID),
        anonymous(),
    ]
    grid = unique(
        vary_actions(
            {"account": A, "role": "LogWriter"},
            [_shipper(BOOKSHOP_ID, "action"), assuming(NIKHIL, BOOKSHOP_ID)],
            services=("sts",),
            others=(),
            types=("role",),
        )
        + vary_callers([ASSUME], LOG_WRITER, callers)
    )
    return PolicyTask(
        "trust",
        SHIPPER_TRUST,
        required,
        grid,
        identity=_everyone,
        owner=A,
        deny_ok=[ASSUME],
        named_actions=[ASSUME],
    )


def _shipper_trust_extra(doc: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    said = " ".join(p.text for p in problems)
    if "passes the bookshop's ID: your trust policy gives denied" in said and PRESENT in (
        json.dumps(doc)
    ):
        return [
            Problem(
                "the shipper is a program: its role session carries aws:MultiFactorAuthPresent "
                "false, so an MFA condition keeps it out for good",
                "grant",
            )
        ]
    return []


policy_exercise(
    "10.2",
    "LogWriter trusts one role of the log shipper, with the bookshop's external ID",
    SHIPPER_TRUST,
    _shipper_trust_task,
    hints={
        "grant": [
            "Who calls AssumeRole here: a person with an MFA device, or a program running as a "
            "role of account C? What can that caller's session carry?",
            "Name the shipper's role by its role ARN (arn:aws:iam::ACCOUNT:role/NAME), and "
            "test the external ID the shipper's company assigned to the bookshop.",
        ],
        "missing-id": [
            "A call without ExternalId carries no sts:ExternalId key. What does your condition "
            "do with a missing key?",
            "An ...IfExists operator accepts a request that lacks the key.",
        ],
        "exact": [
            "Your condition accepts IDs that are not exactly the bookshop's. Which operator "
            "compares a whole string, character by character, case included?",
            "Wildcards, IgnoreCase and extra values accept more IDs than the one the shipper "
            "sends for the bookshop.",
        ],
        "principal": [
            "Who does your Principal let in? The task names one role of account C, not the "
            "account and not its users.",
            'An account id (or "*") matches every identity of that account, including any '
            "that its administrator creates tomorrow.",
        ],
        "action": [
            "The shipper only assumes the role: which single action is that?",
            "Leave out sts:* and the session-tagging actions: the task asks for none of them.",
        ],
    },
    template=DRAFT_10_2,
    placeholder="edit the draft trust policy (it is deliberately wrong), then run this cell again",
    secrets=(f'"Principal": {{"AWS": "{SHIPPER}"}}',),
    extra=_shipper_trust_extra,
)

# ---- 10.3 · the audit-logs bucket -----------------------------------------------------------

LOGS = "audit-logs"
LOG = f"arn:aws:s3:::{LOGS}/2026/01/15.log"
PUT, DELETE, DELETE_VERSION, GET = (
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:GetObject",
)
LOGS_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "WritersWithMFA",
            "Effect": "Allow",
            "Principal": {"AWS": [B, C]},
            "Action": PUT,
            "Resource": f"arn:aws:s3:::{LOGS}/*",
            "Condition": {"Bool": {PRESENT: "true"}},
        },
        {
            "Sid": "NoDeleteWithoutMFA",
            "Effect": "Deny",
            "Principal": "*",
            "Action": [DELETE, DELETE_VERSION],
            "Resource": f"arn:aws:s3:::{LOGS}/*",
            "Condition": {"BoolIfExists": {PRESENT: "false"}},
        },
    ],
}
DRAFT_10_3 = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": [B, C]},
            "Action": [PUT, DELETE],
            "Resource": f"arn:aws:s3:::{LOGS}/*",
            "Condition": {"Bool": {PRESENT: "true"}},
        }
    ],
}


def _logs_task() -> PolicyTask:
    richard, nikhil = caller(RICHARD, GST_MFA, 60, "grant"), caller(NIKHIL, GST_MFA, 60, "grant")
    op_keys = caller(OPERATOR, LONG_TERM, topic="deny")
    op_no_mfa = caller(OPERATOR, GST, topic="deny")
    op_mfa = caller(OPERATOR, GST_MFA, 60, topic="too-strict")
    required = [
        Probe(PUT, LOG, richard).named("Richard (B) adds a log with MFA", "allowed", "grant"),
        Probe(PUT, LOG, nikhil).named("Nikhil (C) adds a log with MFA", "allowed", "grant"),
        Probe(PUT, LOG, caller(NIKHIL, LONG_TERM, topic="missing-key")).named(
            "Nikhil adds a log with long-term access keys", "denied", "missing-key"
        ),
        Probe(PUT, LOG, caller(NIKHIL, GST, topic="mfa")).named(
            "Nikhil adds a log from a session without MFA", "denied", "mfa"
        ),
        Probe(PUT, LOG, caller(EVE, GST_MFA, 60, "principal")).named(
            "Eve (account 444455556666) adds a log with MFA", "denied", "principal"
        ),
        Probe(DELETE, LOG, caller(RICHARD, GST_MFA, 60, "action")).named(
            "Richard deletes a log, even with MFA (B and C may only add)", "denied", "action"
        ),
        Probe(GET, LOG, caller(NIKHIL, GST_MFA, 60, "action")).named(
            "Nikhil reads a log (B and C may only add)", "denied", "action"
        ),
        Probe(DELETE, LOG, op_keys).named(
            "the Operator of account A (who may do anything) deletes a log with long-term "
            "access keys",
            "explicitDeny",
            "deny",
        ),
        Probe(DELETE, LOG, op_no_mfa).named(
            "the Operator deletes a log from a session without MFA", "explicitDeny", "deny"
        ),
        Probe(DELETE_VERSION, LOG, op_keys).named(
            "the Operator deletes a version of a log with long-term access keys",
            "explicitDeny",
            "deny",
        ),
        Probe(DELETE, LOG, op_mfa).named(
            "the Operator deletes a log with MFA", "allowed", "too-strict"
        ),
    ]
    everyone = [
        *(caller(who, k, 60, "principal") for who in (RICHARD, NIKHIL) for k in (LONG_TERM, GST)),
        richard,
        nikhil,
        caller(role_session(f"arn:aws:iam::{C}:role/Uploader", "Nikhil"), AR_MFA),
        caller(role_session(f"arn:aws:iam::{B}:role/Auditor", "Richard"), GST_MFA_AR),
        op_keys,
        op_no_mfa,
        op_mfa,
        caller(role_session(f"arn:aws:iam::{A}:role/Deployer", "ci"), AR),
        caller(f"arn:aws:iam::{B}:user/Intern", GST_MFA, 60, "principal"),
        caller(f"arn:aws:iam::{A}:user/Intern", GST_MFA, 60, "principal"),
        caller(EVE, GST_MFA, 60, "principal"),
        caller(EVE, LONG_TERM, topic="principal"),
        anonymous(),
    ]
    grid = unique(
        vary_actions(
            {"bucket": LOGS, "key": "2026/01/15.log"},
            [richard, nikhil, op_keys, op_mfa, caller(EVE, GST_MFA, 60, "principal"), anonymous()],
            services=("s3",),
            others=(),
            types=("bucket", "object"),
        )
        + vary_callers([PUT, DELETE, DELETE_VERSION, GET, "s3:PutObjectAcl"], LOG, everyone)
        + vary_resources(
            [PUT], [(f"arn:aws:s3:::{LOGS}/other/app.log", "resource", "another key")], [nikhil]
        )
    )
    return PolicyTask(
        "resource",
        LOGS_POLICY,
        required,
        grid,
        identity=_everyone,
        owner=A,
        bucket=LOGS,
        deny_ok=[PUT, GET],
        named_actions=[PUT, DELETE, DELETE_VERSION],
    )


def _logs_extra(doc: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    said = " ".join(p.text for p in problems)
    extra = []
    if "deletes a log with long-term access keys: your bucket policy gives allowed" in said:
        extra.append(
            Problem(
                "the Operator's own policy allows everything in account A: only an explicit "
                "Deny in the bucket policy stops him, and long-term keys carry no MFA key, so "
                "the Deny must match a missing key too",
                "deny",
            )
        )
    return extra


policy_exercise(
    "10.3",
    "audit-logs: accounts B and C may add logs with MFA; nobody deletes without MFA",
    LOGS_POLICY,
    _logs_task,
    hints={
        "grant": [
            "B and C must be able to add logs with MFA: which principals, which action, which "
            "resource (the objects, not the bucket), which condition?",
            "Name the two accounts by their ids; PutObject acts on arn:aws:s3:::audit-logs/*.",
        ],
        "missing-key": [
            "Requests signed with long-term keys carry no aws:MultiFactorAuthPresent. What does "
            "your Allow's operator do with a missing key?",
            "In an Allow, an ...IfExists operator lets long-term keys in: use the plain one.",
        ],
        "mfa": [
            "A session without MFA carries aws:MultiFactorAuthPresent false: does your Allow "
            "check that MFA is present?",
        ],
        "principal": [
            "Who does your Principal let in? The task trusts two accounts to add logs.",
            'Name the accounts by their ids; "*" in an Allow also lets in strangers.',
        ],
        "action": [
            "B and C may add logs, nothing else: does your Allow also let them delete or read?",
            "Give the Allow one action; a wildcard such as s3:Put* or s3:* also matches "
            "bucket-level actions such as s3:PutBucketPolicy.",
        ],
        "deny": [
            "Nobody may delete without MFA, whatever their own policies say: what kind of "
            "statement overrides an Allow in the caller's own identity policy?",
            "A Deny for everyone (all principals), on both ways of deleting a log, whose "
            "condition also matches requests that carry no MFA key at all.",
        ],
        "too-strict": [
            "With MFA, account A's own users may still delete logs (their policies allow it): "
            "does your Deny stop them anyway?",
            "The Deny applies only when MFA is missing or false; check its operator and value.",
        ],
    },
    template=DRAFT_10_3,
    placeholder="edit the draft bucket policy (it is deliberately wrong), then run this cell again",
    secrets=('"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}',),
    extra=_logs_extra,
)

# ---- 10.4 · revoke the deployer's leaked sessions -------------------------------------------

CUTOFF = "2026-01-15T12:00:00Z"
NOW = datetime(2026, 1, 15, 12, 30, tzinfo=timezone.utc)  # when the policy is in place
REVOKE = {
    "Version": "2012-10-17",
    "Statement": {
        "Sid": "RevokeSessionsIssuedBeforeNoon",
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"DateLessThan": {ISSUED: CUTOFF}},
    },
}
DRAFT_10_4 = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"},
}


def _deployer(issued: str | None, mfa: bool = False, topic: str = "cutoff") -> Caller:
    """The deployer's request at 12:30: a GetSessionToken session issued at ``issued`` (with
    or without MFA), or the new access key (``issued`` None)."""
    keys = dict(request_keys(LONG_TERM if issued is None else GST_MFA if mfa else GST))
    keys["aws:CurrentTime"] = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    keys["aws:EpochTime"] = str(int(NOW.timestamp()))
    if issued is None:
        return Caller(DEPLOYER, "the new access key, at 12:30", tuple(sorted(keys.items())), topic)
    keys[ISSUED] = issued
    if mfa:
        started = datetime.strptime(issued, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        keys[AGE] = str(int((NOW - started).total_seconds()))
    how = f"a session issued at {issued[11:19]}{' with MFA' if mfa else ''}, at 12:30"
    return Caller(DEPLOYER, how, tuple(sorted(keys.items())), topic)


def _revoke_task() -> PolicyTask:
    release = "arn:aws:s3:::releases/app.zip"
    old, new_key = _deployer("2026-01-15T09:00:00Z"), _deployer(None, topic="missing-key")
    required = [
        Probe(PUT, release, old).named(
            "a session issued at 09:00 uploads a release", "explicitDeny", "cutoff"
        ),
        Probe(DELETE_TABLE, ORDERS, _deployer("2026-01-15T11:59:59Z", mfa=True)).named(
            "a session issued at 11:59:59 with MFA deletes a table", "explicitDeny", "cutoff"
        ),
        Probe(PUT, release, _deployer("2026-01-15T12:00:00Z", topic="boundary")).named(
            "a session issued at exactly 12:00:00 uploads a release", "allowed", "boundary"
        ),
        Probe(PUT, release, _deployer("2026-01-15T12:00:01Z", topic="too-strict")).named(
            "a session issued at 12:00:01 uploads a release", "allowed", "too-strict"
        ),
        Probe(PUT, release, new_key).named(
            "the new access key (created at 12:05) uploads a release", "allowed", "missing-key"
        ),
    ]
    times = (
        "2026-01-14T23:00:00Z",
        "2026-01-15T09:00:00Z",
        "2026-01-15T11:59:59Z",
        "2026-01-15T12:00:00Z",
        "2026-01-15T12:00:01Z",
        "2026-01-15T12:25:00Z",
    )
    callers = [
        *(_deployer(t, mfa) for t in times for mfa in (False, True)),
        new_key,
    ]
    grid = unique(
        vary_actions(
            {"account": A, "bucket": "releases", "key": "app.zip", "table": "Orders"},
            [old, _deployer("2026-01-15T12:25:00Z", topic="too-strict"), new_key],
            services=("s3", "dynamodb"),
            others=OTHER_SERVICES,
        )
        + vary_callers([PUT, DELETE_TABLE, "iam:CreateAccessKey", ASSUME], release, callers)
    )
    return PolicyTask("identity", REVOKE, required, grid, beside=[ALLOW_ALL], changes=True)


def _revoke_extra(doc: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    said = " ".join(p.text for p in problems)
    if "the new access key (created at 12:05) uploads a release: your identity policy gives" in (
        said
    ) and "IfExists" in json.dumps(doc):
        return [
            Problem(
                "a request signed with an access key carries no aws:TokenIssueTime; in a Deny, "
                "an ...IfExists operator matches a missing key, so it locks out the new key too",
                "missing-key",
            )
        ]
    return []


policy_exercise(
    "10.4",
    "Revoke the deployer's sessions issued before 12:00 UTC, and nothing else",
    REVOKE,
    _revoke_task,
    hints={
        "cutoff": [
            "Temporary credentials cannot be cancelled; deny what they may do instead. Which "
            "condition key holds the moment a session was issued?",
            "A Deny of every action on every resource, with a Date operator on that key and "
            "the cut-off written as 2026-01-15T12:00:00Z.",
        ],
        "boundary": [
            "A session issued at exactly 12:00:00 was not issued before 12:00: does your "
            "operator include the boundary?",
        ],
        "too-strict": [
            "Your Deny also stops sessions issued after the cut-off: check the key (the moment "
            "the session was issued, not the moment of the request) and the operator.",
        ],
        "missing-key": [
            "The new access key signs requests with long-term credentials: which MFA or time "
            "keys do such requests lack?",
            "In a Deny, an ...IfExists operator matches a missing key: the Deny would stop the "
            "new key too.",
        ],
        "action": [
            "A leaked session may try anything: does your Deny cover every action?",
        ],
        "service": [
            "A leaked session may try any service: does your Deny cover every action of every "
            "service?",
        ],
    },
    template=DRAFT_10_4,
    placeholder="edit the draft policy (it is deliberately wrong), then run this cell again",
    secrets=('"DateLessThan": {"aws:TokenIssueTime": "2026-01-15T12:00:00Z"}',),
    extra=_revoke_extra,
)

# ---- preview -------------------------------------------------------------------------------

TASKS: dict[str, Callable[[], PolicyTask]] = {
    "10.1": _fresh_delete_task,
    "10.2": _shipper_trust_task,
    "10.3": _logs_task,
    "10.4": _revoke_task,
}
_BUILT: dict[str, PolicyTask] = {}
_WORDS = {"allowed": "allowed", "explicitDeny": "denied (explicit)", "implicitDeny": "denied"}
_SHOULD = {"allowed": "allowed", "denied": "denied", "explicitDeny": "denied (explicit)"}


def _task(exercise_id: str) -> PolicyTask:
    if exercise_id not in TASKS:
        raise KeyError(f"preview knows the tasks {', '.join(TASKS)}, not {exercise_id!r}")
    if exercise_id not in _BUILT:
        _BUILT[exercise_id] = TASKS[exercise_id]()
    return _BUILT[exercise_id]


def preview(exercise_id: str, answer: Any) -> Any:
    """What ``answer`` decides for each request the task names (what it should be, what your
    policy gives), and how many of the checker's other requests it decides differently.
    Spends no hint. A DataFrame where pandas is installed, else an
    :class:`iamlab.tables.Table`."""
    from iamlab import tables

    task = _task(exercise_id)
    doc = as_document(answer)
    if doc is None:
        raise ValueError("write the policy as a dict (or a JSON string) with Version and Statement")
    try:
        policy = parse_policy(doc, task.kind, name=f"your {task.place}")
    except PolicyError as exc:
        raise ValueError(f"IAM would reject this policy: {exc}") from None
    rows = []
    for probe in task.required:
        got, want = task.decide(policy, probe), probe.expected or "allowed"
        ok = got == want or (want == "denied" and got != "allowed")
        rows.append([probe.label, _SHOULD[want], _WORDS[got], "ok" if ok else "WRONG"])
    diffs = len(task.differences(policy))
    rows.append(
        [
            f"the checker's {len(task.grid)} other requests (neighbours)",
            "as the task decides them",
            f"{diffs} decided differently",
            "ok" if diffs == 0 else "WRONG",
        ]
    )
    return tables.frame(rows, columns=["request", "should be", "your policy gives", "check"])
