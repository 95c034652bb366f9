"""Exercises of notebook 05 (MFA in a bucket policy shared by three accounts)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from iamlab.data import load_policy

from .checks import Case, as_document, case_problems, policy_problems, prediction_problems
from .core import exercise

BUCKET = "account-a-bucket"
OBJECT = f"arn:aws:s3:::{BUCKET}/report.csv"
OWNER = "111111111111"
MATEO = "arn:aws:iam::111111111111:user/Mateo"  # account A (the owner)
RICHARD = "arn:aws:iam::222222222222:user/Richard"  # account B
NIKHIL = "arn:aws:iam::333333333333:user/Nikhil"  # account C
DANA = "arn:aws:iam::444455556666:user/Dana"  # an account the bucket does not trust

# every caller's own account lets them use S3 objects: only the bucket policy decides
S3_OBJECTS = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Action": ["s3:PutObject", "s3:DeleteObject", "s3:GetObject"],
        "Resource": "*",
    },
}
ADMINISTRATOR = load_policy("administrator-access")


def _mfa(age: int = 60) -> dict[str, str]:
    return {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": str(age)}


NO_MFA = {"aws:MultiFactorAuthPresent": "false"}  # GetSessionToken without MFA, or a role session
LONG_TERM: dict[str, str] = {}  # long-term access keys: no MFA key at all


def _case(
    label: str,
    expected: str,
    action: str,
    who: str,
    context: dict[str, str],
    doc: dict[str, Any],
    identity: dict[str, Any] = S3_OBJECTS,
) -> Case:
    return Case(label, expected, action, OBJECT, who, context, [identity], doc, OWNER)


def _resources(doc: dict[str, Any]) -> list[str]:
    statements = doc.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    found: list[str] = []
    for st in statements:
        resource = st.get("Resource", []) if isinstance(st, dict) else []
        found += [resource] if isinstance(resource, str) else list(resource)
    return found


# ---- 05.1 ---------------------------------------------------------------------------------


@exercise(
    "05.1",
    "A bucket policy for three accounts, with MFA",
    hints=[
        "A bucket policy needs a Principal. You need the three accounts, the two object "
        "actions, the objects of the bucket and an MFA condition.",
        'Principal {"AWS": [three account IDs]}. PutObject and DeleteObject act on objects, so '
        "the Resource ends with /*.",
        'Resource "arn:aws:s3:::account-a-bucket/*" and Condition '
        '{"Bool": {"aws:MultiFactorAuthPresent": "true"}}.',
    ],
    solution=json.dumps(load_policy("account-a-bucket-policy")),
)
def _bucket_policy(answer: Any) -> list[str]:
    if answer is None:
        return ["replace None with a bucket policy (a dict with a Principal)"]
    problems = policy_problems(answer, "resource")
    if problems:
        return problems
    doc = as_document(answer)
    assert doc is not None
    put, delete, get = "s3:PutObject", "s3:DeleteObject", "s3:GetObject"
    problems = case_problems(
        [
            _case(
                "Nikhil (account C) puts an object with MFA", "allowed", put, NIKHIL, _mfa(), doc
            ),
            _case("Nikhil deletes an object with MFA", "allowed", delete, NIKHIL, _mfa(), doc),
            _case(
                "Richard (account B) puts an object with MFA", "allowed", put, RICHARD, _mfa(), doc
            ),
            _case("Mateo (account A) puts an object with MFA", "allowed", put, MATEO, _mfa(), doc),
            _case(
                "Nikhil puts an object with temporary credentials without MFA "
                "(aws:MultiFactorAuthPresent = false)",
                "denied",
                put,
                NIKHIL,
                NO_MFA,
                doc,
            ),
            _case(
                "Nikhil puts an object with long-term keys (no MFA key at all)",
                "denied",
                put,
                NIKHIL,
                LONG_TERM,
                doc,
            ),
            _case("Nikhil reads an object with MFA", "denied", get, NIKHIL, _mfa(), doc),
            _case(
                "Dana of account 444455556666 puts an object with MFA",
                "denied",
                put,
                DANA,
                _mfa(),
                doc,
            ),
        ],
        place="bucket",
    )
    if any("with MFA: " in p and "should be allowed" in p for p in problems) and any(
        r.rstrip("/") == f"arn:aws:s3:::{BUCKET}" for r in _resources(doc)
    ):
        problems.append(
            f"arn:aws:s3:::{BUCKET} is the bucket itself; objects are arn:aws:s3:::{BUCKET}/*"
        )
    if "IfExists" in json.dumps(doc) and any("no MFA key at all" in p for p in problems):
        problems.append(
            "an ...IfExists operator accepts a request without the MFA key, which is exactly "
            "what long-term keys send"
        )
    return problems


# ---- 05.2 ---------------------------------------------------------------------------------


@exercise(
    "05.2",
    "Deny writes when the MFA sign-in is more than an hour old",
    hints=[
        'A Deny statement in a bucket policy needs a Principal too; "*" means everyone.',
        "Compare aws:MultiFactorAuthAge (in seconds) with 3600, using a Numeric operator that "
        "matches ages above the limit.",
        '{"Effect": "Deny", "Principal": "*", "Action": ["s3:PutObject", "s3:DeleteObject"], '
        '"Resource": "arn:aws:s3:::account-a-bucket/*", '
        '"Condition": {"NumericGreaterThan": {"aws:MultiFactorAuthAge": "3600"}}}',
    ],
    solution=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": load_policy("account-a-bucket-policy")["Statement"]
            + [
                {
                    "Sid": "DenyStaleMFA",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": ["s3:PutObject", "s3:DeleteObject"],
                    "Resource": f"arn:aws:s3:::{BUCKET}/*",
                    "Condition": {"NumericGreaterThan": {"aws:MultiFactorAuthAge": "3600"}},
                }
            ],
        }
    ),
)
def _deny_stale(answer: Any) -> list[str]:
    if answer is None:
        return ["replace None with the bucket policy (the seed's, plus your Deny statement)"]
    doc = as_document(answer)
    statements = doc.get("Statement") if doc is not None else None
    if isinstance(statements, list) and any(st is None for st in statements):
        return ["the Statement list still holds None: replace it with your Deny statement"]
    problems = policy_problems(answer, "resource")
    if problems:
        return problems
    assert doc is not None
    put, delete = "s3:PutObject", "s3:DeleteObject"
    problems = case_problems(
        [
            _case(
                "Nikhil puts an object, MFA 10 minutes old", "allowed", put, NIKHIL, _mfa(600), doc
            ),
            _case(
                "Nikhil deletes an object, MFA 50 minutes old",
                "allowed",
                delete,
                NIKHIL,
                _mfa(3000),
                doc,
            ),
            _case(
                "Nikhil puts an object, MFA 67 minutes old", "denied", put, NIKHIL, _mfa(4000), doc
            ),
            _case(
                "Nikhil deletes an object, MFA 2 hours old",
                "denied",
                delete,
                NIKHIL,
                _mfa(7200),
                doc,
            ),
            _case(
                "Nikhil puts an object with long-term keys", "denied", put, NIKHIL, LONG_TERM, doc
            ),
            _case(
                "Mateo, administrator of account A, puts an object, MFA 10 minutes old",
                "allowed",
                put,
                MATEO,
                _mfa(600),
                doc,
                ADMINISTRATOR,
            ),
            _case(
                "Mateo, administrator of account A, puts an object, MFA 2 hours old",
                "denied",
                put,
                MATEO,
                _mfa(7200),
                doc,
                ADMINISTRATOR,
            ),
        ],
        place="bucket",
    )
    if any(
        p.startswith("Mateo, administrator of account A, puts an object, MFA 2") for p in problems
    ):
        problems.append(
            "Mateo's own AdministratorAccess policy allows everything in account A; only an "
            "explicit Deny in the bucket policy can stop him"
        )
    return problems


# ---- 05.3 ---------------------------------------------------------------------------------

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
            "s3:PutObject",
            OBJECT,
            lambda s3=s3: s3.put_object(Bucket=BUCKET, Key="report.csv", Body=b"q1,42\n"),
        )
        outcomes[way] = "allowed" if result.allowed else "denied"
    story.rewind()
    return outcomes


@exercise(
    "05.3",
    "Which of Nikhil's credentials can write to the bucket?",
    hints=[
        'The bucket policy\'s condition is Bool aws:MultiFactorAuthPresent "true": which '
        "credentials carry that key, with that value?",
        "Long-term keys carry no MFA key; GetSessionToken without MFA carries false; in the "
        "lab's default reading a role session carries false too.",
        "Only one of the four is allowed: the one the seed page recommends.",
    ],
    solution=json.dumps(
        {
            "long-term access keys": "denied",
            "GetSessionToken without MFA": "denied",
            "GetSessionToken with MFA": "allowed",
            "AssumeRole (Uploader) with MFA": "denied",
        }
    ),
)
def _which_credentials(answer: Any) -> list[str]:
    if answer is None or not isinstance(answer, dict):
        return prediction_problems(answer, {}, {})
    return prediction_problems(answer, lab_outcomes(), QUESTIONS)
