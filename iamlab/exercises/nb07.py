"""Exercises of notebook 07 (revoking temporary credentials, seed 003)."""

from __future__ import annotations

import json
from functools import cache, lru_cache
from typing import Any

from iamlab.data import load_policy

from .checks import Case, as_document, case_problems, policy_problems
from .core import exercise

ACCOUNT = "111111111111"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/Accounting-Role"
MARY = f"arn:aws:sts::{ACCOUNT}:assumed-role/Accounting-Role/Mary"
REPORT = f"arn:aws:sts::{ACCOUNT}:assumed-role/Accounting-Role/report"
BUCKET = "arn:aws:s3:::example-bucket"
LEDGER = f"{BUCKET}/ledger.csv"
TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Ledger"
ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"},
}

# ---- 07.1 --------------------------------------------------------------------------------


def _session_context(issued: str, now: str) -> dict[str, str]:
    """The time keys of a request made at ``now`` by a role session issued at ``issued``."""
    return {
        "aws:TokenIssueTime": issued,
        "aws:CurrentTime": now,
        "aws:MultiFactorAuthPresent": "false",
    }


@exercise(
    "07.1",
    "An AWSRevokeOlderSessions policy for a given cut-off",
    hints=[
        "This policy does not allow anything: it denies, every action on every resource, but "
        "only for credentials issued before the cut-off.",
        "The condition key that holds when the credentials were issued is aws:TokenIssueTime; "
        "compare it with a date operator (DateLessThan) and the cut-off as "
        '"2026-01-15T10:00:00Z". aws:CurrentTime is the time of the request, not of the '
        "credentials.",
        '{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"DateLessThan": '
        '{"aws:TokenIssueTime": "2026-01-15T10:00:00Z"}}}, inside a policy with Version '
        '"2012-10-17".',
    ],
    solution='{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["*"], '
    '"Resource": ["*"], "Condition": {"DateLessThan": {"aws:TokenIssueTime": '
    '"2026-01-15T10:00:00Z"}}}]}',
)
def _revoke_older(answer: Any) -> list[str]:
    if answer is None:
        return ["replace None with your policy document"]
    problems = policy_problems(answer)
    if problems:
        return problems
    doc = as_document(answer)

    def case(label: str, expected: str, issued: str, now: str, action: str, res: str) -> Case:
        # the role may do everything: any denial must come from the learner's Deny
        return Case(
            label,
            expected,
            action,
            res,
            MARY,
            context=_session_context(issued, now),
            identity_policies=[ALLOW_ALL, doc],
        )

    return case_problems(
        [
            case(
                "a session issued at 09:30 reads the ledger at 10:05",
                "denied",
                "2026-01-15T09:30:00Z",
                "2026-01-15T10:05:00Z",
                "s3:GetObject",
                LEDGER,
            ),
            case(
                "a session issued at 09:30 scans a DynamoDB table at 10:05",
                "denied",
                "2026-01-15T09:30:00Z",
                "2026-01-15T10:05:00Z",
                "dynamodb:Scan",
                TABLE,
            ),
            case(
                "a session issued at 09:59:59 lists the bucket at 10:05",
                "denied",
                "2026-01-15T09:59:59Z",
                "2026-01-15T10:05:00Z",
                "s3:ListBucket",
                BUCKET,
            ),
            case(
                "a session issued the day before reads the ledger at 10:05",
                "denied",
                "2026-01-14T23:00:00Z",
                "2026-01-15T10:05:00Z",
                "s3:GetObject",
                LEDGER,
            ),
            case(
                "a session issued at 10:00:01 reads the ledger at 10:05",
                "allowed",
                "2026-01-15T10:00:01Z",
                "2026-01-15T10:05:00Z",
                "s3:GetObject",
                LEDGER,
            ),
            case(
                "a session issued at 11:00 scans a DynamoDB table at 11:05",
                "allowed",
                "2026-01-15T11:00:00Z",
                "2026-01-15T11:05:00Z",
                "dynamodb:Scan",
                TABLE,
            ),
        ]
    )


# ---- 07.2 --------------------------------------------------------------------------------

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
            "s3:ListBucket",
            BUCKET,
            lambda s=session: s.client("s3").list_objects_v2(Bucket="example-bucket"),
        )
        out[name] = attempt.allowed
    story.rewind()
    return out


@exercise(
    "07.2",
    "The narrowest revocation for each situation",
    hints=[
        "For each situation list who must be stopped and who must keep working, then look for "
        "the choice that stops exactly the first group. The panel above replays every choice.",
        "A session ARN in a bucket policy names one session name; a role ARN names every "
        "session of the role, now and later; AWSRevokeOlderSessions stops only sessions issued "
        "before the click. Situation c says you may change only the bucket.",
        "a: the role's older sessions; b: one federated user in the bucket policy; c: the whole "
        "role in the bucket policy.",
    ],
    solution=json.dumps(ANSWERS),
)
def _narrowest(answer: Any) -> list[str]:
    from iamlab.scenarios.stories import REVOCATION_CHOICES

    if not isinstance(answer, dict):
        return ['answer with a dict {"a": ..., "b": ..., "c": ...} of REVOCATION_CHOICES']
    problems = []
    for key, needs in SITUATIONS.items():
        choice = answer.get(key)
        if choice is None:
            problems.append(f"{key}: no answer yet")
            continue
        if choice not in REVOCATION_CHOICES:
            problems.append(f"{key}: {choice!r} is not one of REVOCATION_CHOICES")
            continue
        got = replay(choice)
        wrong = [probe for probe, works in needs.items() if got[probe] != works]
        if wrong:
            probe = wrong[0]
            should = "keep working" if needs[probe] else "be stopped"
            did = "still lists the bucket" if got[probe] else "is stopped"
            problems.append(f"{key}: with {choice!r}, {probe} {did}, but it must {should}")
    return problems


# ---- 07.3 --------------------------------------------------------------------------------


@exercise(
    "07.3",
    "Deny one role session the bucket and its objects",
    hints=[
        "A bucket and its objects are different resources: arn:aws:s3:::example-bucket is the "
        "bucket, arn:aws:s3:::example-bucket/ledger.csv is an object.",
        "Resource may be a list. Keep the bucket ARN (for ListBucket) and add an ARN that "
        "matches every object in the bucket.",
        'Resource: ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"], with '
        "Mary's session ARN as the Principal and Effect Deny.",
    ],
    solution='{"Version": "2012-10-17", "Statement": {"Principal": {"AWS": '
    '"arn:aws:sts::111111111111:assumed-role/Accounting-Role/Mary"}, "Effect": "Deny", '
    '"Action": "s3:*", "Resource": ["arn:aws:s3:::example-bucket", '
    '"arn:aws:s3:::example-bucket/*"]}}',
)
def _bucket_and_objects(answer: Any) -> list[str]:
    if answer is None:
        return ["replace None with your bucket policy"]
    problems = policy_problems(answer, kind="resource")
    if problems:
        return problems
    doc = as_document(answer)
    role_policy = load_policy("accounting-role-permissions")

    def case(label: str, expected: str, who: str, action: str, resource: str) -> Case:
        return Case(
            label,
            expected,
            action,
            resource,
            who,
            context={"aws:TokenIssueTime": "2026-01-15T09:00:00Z"},
            identity_policies=[role_policy],
            resource_policy=doc,
            resource_account=ACCOUNT,  # S3 ARNs name no account: the bucket is account A's
        )

    return case_problems(
        [
            case("Mary's session lists the bucket", "denied", MARY, "s3:ListBucket", BUCKET),
            case("Mary's session reads ledger.csv", "denied", MARY, "s3:GetObject", LEDGER),
            case(
                "Mary's session writes new.csv", "denied", MARY, "s3:PutObject", f"{BUCKET}/new.csv"
            ),
            case(
                "Mary's session reads reports/2026/q1.csv",
                "denied",
                MARY,
                "s3:GetObject",
                f"{BUCKET}/reports/2026/q1.csv",
            ),
            case(
                "the report session (same role) reads ledger.csv",
                "allowed",
                REPORT,
                "s3:GetObject",
                LEDGER,
            ),
            case(
                "the report session (same role) lists the bucket",
                "allowed",
                REPORT,
                "s3:ListBucket",
                BUCKET,
            ),
        ],
        place="bucket",
    )
