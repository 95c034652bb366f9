"""Exercises of notebook 09 (considerations: where MFA cannot help).

09.1 asks which credentials can ever pass an MFA condition (the lab measures each kind);
09.2 rewrites CrossAccountRole's trust policy for two principals of account B with different
needs, so that identities B's administrators create later cannot get in. The questions of
the notebook (09.why, 09.quiz) are data: ``iamlab/data/questions/09.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from iamlab.data import account_id, load_policy, principal_arn
from iamlab.scenarios.mfa_context import (
    AR,
    GST,
    GST_MFA,
    GST_MFA_AR,
    LONG_TERM,
    request_keys,
)

from .core import Problem
from .grid import Caller, Probe, anonymous, caller, role_session, unique, vary_actions, vary_callers
from .policy_task import PolicyTask, policy_exercise
from .predictions import prediction_exercise

A, B, C = account_id("A"), account_id("B"), account_id("C")
ROLE = principal_arn("CrossAccountRole")
RICHARD = principal_arn("Richard")
ANAYA = principal_arn("Anaya")
# not story characters: the user B's administrator creates in the notebook, B's nightly job
MALLORY = f"arn:aws:iam::{B}:user/Mallory"
BOOKS_SYNC = f"arn:aws:iam::{B}:role/BooksSync"
ASSUME = "sts:AssumeRole"
PRESENT, AGE = "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"
ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"},
}

# ---- 09.1 ------------------------------------------------------------------------------------

KINDS = (
    "IAM user's long-term access keys",
    "root user's GetSessionToken",
    "GetFederationToken",
    "AssumeRoleWithWebIdentity",
    "AssumeRoleWithSAML",
    "IAM user's GetSessionToken with MFA",
    "AssumeRole with GetSessionToken(MFA) credentials",
)
QUESTIONS = {
    "IAM user's long-term access keys": "which MFA key does a request signed with long-term "
    "keys carry at all?",
    "root user's GetSessionToken": "is MFA-protected API access available to the root user?",
    "GetFederationToken": "does GetFederationToken take a SerialNumber and a TokenCode?",
    "AssumeRoleWithWebIdentity": "can AWS see what the identity provider asked the user for?",
    "AssumeRoleWithSAML": "can AWS see what the identity provider asked the user for?",
    "IAM user's GetSessionToken with MFA": "what does GetSessionToken with a valid code put in "
    "the session?",
    "AssumeRole with GetSessionToken(MFA) credentials": "what does a role session carry when "
    "the caller's own credentials already carry MFA?",
}


@lru_cache(maxsize=1)
def lab_outcomes() -> dict[str, str]:
    """What a fresh lab (default mode) gives each kind, asked with MFA wherever the API takes
    a code: ``"can"`` when the request context passes ``Bool aws:MultiFactorAuthPresent
    true``, else ``"never"``."""
    from iamlab.scenarios import build_cross_account
    from iamlab.scenarios.considerations import (
        OIDC_URL,
        add_saml_role,
        add_web_identity_role,
        satisfies_mfa,
    )

    story = build_cross_account()
    lab, richard = story.lab, story.richard
    serial = richard.mfa_serial
    assert serial is not None  # Richard has a virtual MFA device in the story
    gst = (
        richard.client("sts")
        .get_session_token(SerialNumber=serial, TokenCode=lab.totp(serial))
        .get("Credentials")
    )
    chained = (
        lab.session(gst)
        .client("sts")
        .assume_role(RoleArn=story.cross_account_role, RoleSessionName="Richard")["Credentials"]
    )
    root = story.root(A).client("sts").get_session_token()["Credentials"]
    federated = story.anaya.client("sts").get_federation_token(Name="Bob")["Credentials"]
    unsigned = lab.session().client("sts")
    web_role = add_web_identity_role(story, A, "WebReader", subject="reader-42")
    token = lab.web_identity_token(OIDC_URL, subject="reader-42", audience="books-app")
    web = unsigned.assume_role_with_web_identity(
        RoleArn=web_role, RoleSessionName="reader-42", WebIdentityToken=token
    )["Credentials"]
    provider, saml_role = add_saml_role(story, A, "SamlReader")
    saml = unsigned.assume_role_with_saml(
        RoleArn=saml_role,
        PrincipalArn=provider,
        SAMLAssertion=lab.saml_assertion(provider, "mary", saml_role),
    )["Credentials"]
    sessions: dict[str, Any] = {
        "IAM user's long-term access keys": richard.session,
        "root user's GetSessionToken": root,
        "GetFederationToken": federated,
        "AssumeRoleWithWebIdentity": web,
        "AssumeRoleWithSAML": saml,
        "IAM user's GetSessionToken with MFA": gst,
        "AssumeRole with GetSessionToken(MFA) credentials": chained,
    }
    return {
        kind: "can" if satisfies_mfa(lab.request_context(sessions[kind])) else "never"
        for kind in KINDS
    }


prediction_exercise(
    "09.1",
    "Which credentials can ever satisfy Bool aws:MultiFactorAuthPresent true?",
    lab_outcomes,
    choices=("can", "never"),
    questions=QUESTIONS,
    hints={
        "predictions": [
            "Only an STS call that takes SerialNumber and TokenCode from an IAM user can put "
            "true into a session. Which calls accept those two parameters (the table of "
            "section 2)?",
            "Federation of every kind hands AWS no MFA information, and the root user has no "
            "MFA-protected API access. What is left?",
        ],
        "general": [
            "Go through the kinds one by one: could this request carry the key, and could it "
            "be true?",
        ],
    },
    solution={
        "IAM user's long-term access keys": "never",
        "root user's GetSessionToken": "never",
        "GetFederationToken": "never",
        "AssumeRoleWithWebIdentity": "never",
        "AssumeRoleWithSAML": "never",
        "IAM user's GetSessionToken with MFA": "can",
        "AssumeRole with GetSessionToken(MFA) credentials": "can",
    },
)

# ---- 09.2 ------------------------------------------------------------------------------------

RICHARD_AND_SYNC = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "RichardWithMFA",
            "Effect": "Allow",
            "Principal": {"AWS": RICHARD},
            "Action": ASSUME,
            "Condition": {"Bool": {PRESENT: "true"}},
        },
        {
            "Sid": "NightlySync",
            "Effect": "Allow",
            "Principal": {"AWS": BOOKS_SYNC},
            "Action": ASSUME,
        },
    ],
}


def with_code(principal: str, topic: str = "principal") -> Caller:
    """``principal`` calling AssumeRole with long-term keys and a valid MFA code: the trust
    policy sees MFA present and 0 seconds old (docs/aws-behaviour.md, "Lab decisions" D1)."""
    keys = dict(request_keys(LONG_TERM))
    keys.update({PRESENT: "true", AGE: "0"})
    return Caller(
        principal, "long-term access keys and a valid MFA code", tuple(sorted(keys.items())), topic
    )


def _richard_and_sync_task() -> PolicyTask:
    nightly = role_session(BOOKS_SYNC, "nightly")
    admin_session = role_session(f"arn:aws:iam::{B}:role/Admin", "admin")
    required = [
        Probe(ASSUME, ROLE, with_code(RICHARD, "grant")).named(
            "Richard assumes the role with a valid MFA code", "allowed", "grant"
        ),
        Probe(ASSUME, ROLE, caller(RICHARD, LONG_TERM, topic="mfa")).named(
            "Richard assumes the role with his access keys and no code", "denied", "mfa"
        ),
        Probe(ASSUME, ROLE, caller(RICHARD, GST, topic="mfa")).named(
            "Richard assumes the role with GetSessionToken credentials obtained without MFA",
            "denied",
            "mfa",
        ),
        Probe(ASSUME, ROLE, with_code(MALLORY)).named(
            "Mallory, created by B's administrator, with a valid code from her new device",
            "denied",
            "principal",
        ),
        Probe(ASSUME, ROLE, caller(admin_session, GST_MFA_AR)).named(
            "a session of another role of account B (Admin), with MFA", "denied", "principal"
        ),
        Probe(ASSUME, ROLE, caller(nightly, AR, topic="job")).named(
            "the nightly job, a session of B's role BooksSync (no person, no MFA device)",
            "allowed",
            "job",
        ),
    ]
    callers = [
        with_code(RICHARD, "mfa"),
        *(caller(RICHARD, GST_MFA, age, topic="mfa") for age in (0, 600, 7200)),
        caller(RICHARD, LONG_TERM, topic="mfa"),
        caller(RICHARD, GST, topic="mfa"),
        *(caller(role_session(BOOKS_SYNC, n), AR, topic="job") for n in ("nightly", "manual")),
        caller(role_session(BOOKS_SYNC, "nightly"), GST_MFA_AR, topic="job"),
        with_code(MALLORY),
        caller(MALLORY, LONG_TERM),
        caller(MALLORY, GST_MFA, 60),
        with_code(f"arn:aws:iam::{B}:user/Intern"),
        caller(admin_session, AR),
        caller(admin_session, GST_MFA_AR),
        with_code(ANAYA),
        with_code(principal_arn("Nikhil", scenario="resource-policy-s3")),
        caller(role_session(f"arn:aws:iam::{C}:role/BooksSync", "nightly"), AR),
        anonymous(),
    ]
    grid = unique(
        vary_actions(
            {"account": A, "role": "CrossAccountRole"},
            [with_code(RICHARD), caller(role_session(BOOKS_SYNC, "nightly"), AR)],
            services=("sts",),
            others=(),
            types=("role",),
        )
        + vary_callers([ASSUME], ROLE, callers)
    )
    return PolicyTask(
        "trust",
        RICHARD_AND_SYNC,
        required,
        grid,
        identity=lambda probe: [] if probe.caller.principal is None else [ALLOW_ALL],
        owner=A,
        deny_ok=[ASSUME],
        named_actions=[ASSUME],
    )


def _statements(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    statements = doc.get("Statement", [])
    statements = [statements] if isinstance(statements, Mapping) else statements
    return [s for s in statements if isinstance(s, Mapping)] if isinstance(statements, list) else []


def _richard_and_sync_extra(doc: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    said = " ".join(p.text for p in problems)
    extra = []
    if "(no person, no MFA device): your trust policy gives denied" in said and any(
        "BooksSync" in json.dumps(st) and PRESENT in json.dumps(st) for st in _statements(doc)
    ):
        extra.append(
            Problem(
                "the job's role session carries aws:MultiFactorAuthPresent false: nobody typed "
                "a code when it was assumed, so an MFA condition can never let it in",
                "job",
            )
        )
    if "with a valid code from her new device: your trust policy gives allowed" in said:
        extra.append(
            Problem(
                "Mallory's code is as valid as Richard's: any principal of account B that your "
                "Principal matches can be given an MFA device by B's administrator",
                "principal",
            )
        )
    return extra


policy_exercise(
    "09.2",
    "Richard with MFA and B's nightly job, and no one else from account B",
    RICHARD_AND_SYNC,
    _richard_and_sync_task,
    hints={
        "grant": [
            "Richard must still get in with his MFA code: does a statement name him, with a "
            "condition his code satisfies?",
            "An IAM user is named by his user ARN, arn:aws:iam::ACCOUNT:user/NAME.",
        ],
        "mfa": [
            "Richard without a code must be refused: which condition checks that the call "
            "carried MFA, and does it apply to his statement?",
            "An operator ending in IfExists lets in requests without the key, such as those "
            "signed with long-term keys alone.",
        ],
        "job": [
            "The nightly job is a role session that nobody assumed with a code. Can any MFA "
            "condition ever let it in?",
            "A condition applies to the whole statement it sits in: the job needs a statement "
            "of its own, and a role is named by its role ARN (not by one session's ARN).",
        ],
        "principal": [
            'Who does your Principal let in? "222222222222" means every identity of account '
            "B, including any that B's administrator creates tomorrow.",
            "Name exactly the two principals of the task, one per statement, by their ARNs.",
        ],
        "action": [
            "Both principals only assume the role: which single action is that?",
            "Leave out sts:* and the session-tagging actions: the task asks for none of them.",
        ],
    },
    template=load_policy("cross-account-trust"),
    placeholder="rewrite the trust policy for Richard and BooksSync, then run this cell again",
    secrets=(f'"Principal": {{"AWS": "{BOOKS_SYNC}"}}',),
    extra=_richard_and_sync_extra,
)
