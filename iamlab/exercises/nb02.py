"""Exercises of notebook 02 (GetSessionToken vs AssumeRole)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from iamlab.data import load_policy
from iamlab.policy import evaluate

from .core import exercise

# the kinds of credentials of notebook 02, in its order
KINDS = (
    "long-term keys",
    "GetSessionToken with MFA",
    "GetSessionToken without MFA",
    "GetSessionToken by root",
    "AssumeRole with MFA",
    "AssumeRole without MFA",
    "AssumeRole with GetSessionToken(MFA) credentials",
)
STATES = ("absent", "false", "true")
HELPER = "arn:aws:iam::222222222222:role/Helper"


def helper_role(story: Any) -> str:
    """Create role Helper in account B: Richard may assume it (no MFA needed) and it may
    assume CrossAccountRole (role chaining). Returns its ARN."""
    iam = story.root("222222222222").client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": {"AWS": story.richard.arn},
            "Action": "sts:AssumeRole",
        },
    }
    chain = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": story.cross_account_role,
        },
    }
    iam.create_role(RoleName="Helper", AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(
        RoleName="Helper", PolicyName="AssumeCrossAccountRole", PolicyDocument=json.dumps(chain)
    )
    return HELPER


@lru_cache(maxsize=2)
def mfa_states(mode: str = "mfa_page") -> dict[str, str]:
    """aws:MultiFactorAuthPresent of each kind in ``KINDS``, measured in a fresh lab."""
    from iamlab.scenarios import build_cross_account

    story = build_cross_account(role_session_mfa=mode)
    lab, richard = story.lab, story.richard
    sts = richard.client("sts")
    role = story.cross_account_role
    helper = helper_role(story)

    def code() -> dict[str, str]:
        lab.clock.advance(seconds=30)  # codes are single-use: wait for the next one
        return {
            "SerialNumber": richard.mfa_serial or "",
            "TokenCode": lab.totp(richard.mfa_serial or ""),
        }

    gst_mfa = sts.get_session_token(**code())["Credentials"]
    role_mfa = sts.assume_role(RoleArn=role, RoleSessionName="Richard", **code())["Credentials"]
    creds: dict[str, Any] = {
        "long-term keys": richard.session,
        "GetSessionToken with MFA": gst_mfa,
        "GetSessionToken without MFA": sts.get_session_token()["Credentials"],
        "GetSessionToken by root": story.root("222222222222")
        .client("sts")
        .get_session_token()["Credentials"],
        "AssumeRole with MFA": role_mfa,
        "AssumeRole without MFA": sts.assume_role(RoleArn=helper, RoleSessionName="Richard")[
            "Credentials"
        ],
        "AssumeRole with GetSessionToken(MFA) credentials": lab.session(gst_mfa)
        .client("sts")
        .assume_role(RoleArn=role, RoleSessionName="Richard")["Credentials"],
    }
    return {
        kind: lab.request_context(c).get("aws:MultiFactorAuthPresent", "absent")
        for kind, c in creds.items()
    }


_WHY = {
    "long-term keys": "long-term access keys never carry MFA keys",
    "GetSessionToken by root": "MFA-protected API access is not available to the root user",
    "GetSessionToken without MFA": "temporary credentials carry the key; no code was given",
    "AssumeRole without MFA": "temporary credentials carry the key; no code was given",
}


@exercise(
    "02.2",
    "Fill in the MultiFactorAuthPresent column for the propagate mode",
    hints=[
        "Start from the table the notebook built in the default mode: only the rows that "
        "involve a role session and an MFA code can change.",
        'Under "propagate", a role session created with a valid SerialNumber and TokenCode '
        "carries true, with an age counted from that code.",
        "Compared with the default mode, exactly one row changes from false to true.",
    ],
    solution=json.dumps(
        {
            "long-term keys": "absent",
            "GetSessionToken with MFA": "true",
            "GetSessionToken without MFA": "false",
            "GetSessionToken by root": "false",
            "AssumeRole with MFA": "true",
            "AssumeRole without MFA": "false",
            "AssumeRole with GetSessionToken(MFA) credentials": "true",
        }
    ),
)
def _propagate_column(answer: Any) -> list[str]:
    if not isinstance(answer, dict):
        return ["answer with a dict: one value for each kind of credentials"]
    truth = mfa_states("propagate")
    default = mfa_states("mfa_page")
    problems = []
    for kind in KINDS:
        got = answer.get(kind)
        if got is None:
            problems.append(f"{kind}: no value yet")
            continue
        got = str(got).lower()
        if got not in STATES:
            problems.append(f"{kind}: {got!r} is not one of {', '.join(STATES)}")
        elif got != truth[kind]:
            if kind in _WHY:
                why = _WHY[kind]
            elif default[kind] == truth[kind]:
                why = "this row is the same in both modes"
            else:
                why = "this row is one of those the mode changes"
            problems.append(f"{kind}: not {got!r} - {why}")
    return problems


BUCKET = "arn:aws:s3:::account-a-bucket/report.csv"
NIKHIL = "arn:aws:iam::333333333333:user/Nikhil"
UPLOADER_SESSION = "arn:aws:sts::333333333333:assumed-role/Uploader/Nikhil"
CHOICES = (
    "long-term keys",
    "GetSessionToken without MFA",
    "GetSessionToken with MFA",
    "AssumeRole with MFA",
)
_CONTEXTS = {
    "long-term keys": (NIKHIL, {}),
    "GetSessionToken without MFA": (NIKHIL, {"aws:MultiFactorAuthPresent": "false"}),
    "GetSessionToken with MFA": (
        NIKHIL,
        {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "300"},
    ),
    # the lab's default mode, following the AWS page on MFA-protected API access
    "AssumeRole with MFA": (UPLOADER_SESSION, {"aws:MultiFactorAuthPresent": "false"}),
}


def bucket_decision(choice: str, mode: str = "mfa_page") -> Any:
    """The bucket policy's decision for Nikhil's PutObject with credentials ``choice``."""
    principal, context = _CONTEXTS[choice]
    if choice == "AssumeRole with MFA" and mode == "propagate":
        context = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "300"}
    return evaluate(
        action="s3:PutObject",
        resource=BUCKET,
        principal=principal,
        context=context,
        identity_policies=[load_policy("nikhil-bucket-access")],
        resource_policy=load_policy("account-a-bucket-policy"),
        resource_account="111111111111",
    )


_BUCKET_WHY = {
    "long-term keys": "requests signed with long-term keys carry no aws:MultiFactorAuthPresent, "
    "and Bool is not met on a missing key",
    "GetSessionToken without MFA": 'the key is present but "false"',
    "AssumeRole with MFA": "the code was checked when the role was assumed, but the role "
    'session itself carries "false" (the AWS page on MFA-protected API access)',
}


@exercise(
    "02.1",
    "The credentials that pass an MFA bucket policy",
    hints=[
        "The bucket policy tests aws:MultiFactorAuthPresent on every PutObject request, "
        "not once at sign-in.",
        "Which credentials carry MultiFactorAuthPresent = true on each later request, "
        "according to the AWS page on MFA-protected API access?",
        "That page says a role session carries no MFA information; the other STS call with "
        "an MFA code is the one to use.",
    ],
    solution='"GetSessionToken with MFA"',
)
def _bucket_choice(answer: Any) -> list[str]:
    if answer is None:
        return [f"replace None with one of: {', '.join(CHOICES)}"]
    if answer not in CHOICES:
        return [f"{answer!r} is not one of: {', '.join(CHOICES)}"]
    if bucket_decision(answer):
        return []
    return [f"{answer}: the bucket policy denies PutObject - {_BUCKET_WHY[answer]}"]
