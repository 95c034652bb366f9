"""Exercises of notebook 02 (GetSessionToken vs AssumeRole).

Which MFA keys each kind of credentials carries has one home,
:mod:`iamlab.scenarios.mfa_context`, which reads them from a real lab in both of the lab's
readings of AWS's pages (``docs/aws-behaviour.md``, "Lab decisions" D1). The exercises here
ask the policy engine with those keys. The questions of the notebook (02.why, 02.quiz) are
data: ``iamlab/data/questions/02.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from iamlab.data import account_id, principal_arn
from iamlab.policy import evaluate
from iamlab.scenarios.mfa_context import (
    AR,
    AR_MFA,
    CHAIN,
    GFT,
    GST,
    GST_MFA,
    GST_MFA_AR,
    LONG_TERM,
    ROOT_GST,
    credential_table,
    request_keys,
)

from .grid import role_session
from .predictions import prediction_exercise

ACCOUNT_A, ACCOUNT_B = account_id("A"), account_id("B")
RICHARD = principal_arn("Richard")
HELPER = f"arn:aws:iam::{ACCOUNT_B}:role/Helper"  # the role account B creates in the notebook
HELPER_SESSION = role_session(HELPER, "Richard")
MFA_PRESENT = "aws:MultiFactorAuthPresent"
ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"},
}


# ---- 02.1: a queue policy with an age limit ---------------------------------------------------

QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT_A}:orders"
QUEUE_POLICY = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Principal": {"AWS": ACCOUNT_B},
        "Action": "sqs:SendMessage",
        "Resource": QUEUE,
        "Condition": {
            "Bool": {MFA_PRESENT: "true"},
            "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
        },
    },
}
# item -> (caller, kind of credentials, seconds after they were issued)
QUEUE_WAYS: dict[str, tuple[str, str, int]] = {
    "long-term keys": (RICHARD, LONG_TERM, 0),
    "GetSessionToken without MFA": (RICHARD, GST, 600),
    "GetSessionToken with MFA, 10 minutes later": (RICHARD, GST_MFA, 600),
    "GetSessionToken with MFA, 2 hours later": (RICHARD, GST_MFA, 7200),
    "AssumeRole (Helper) with an MFA code, 10 minutes later": (HELPER_SESSION, AR_MFA, 600),
    "AssumeRole (Helper) with GetSessionToken(MFA) credentials, 10 minutes later": (
        HELPER_SESSION,
        GST_MFA_AR,
        600,
    ),
}


@lru_cache(maxsize=2)
def queue_outcomes(mode: str = "mfa_page") -> dict[str, str]:
    """IAM's decision ("allowed"/"denied") for Richard's SendMessage to account A's queue with
    each way in :data:`QUEUE_WAYS` (his own account allows everything)."""
    return {
        item: "allowed"
        if evaluate(
            action="sqs:SendMessage",
            resource=QUEUE,
            principal=principal,
            context=request_keys(kind, age, mode),
            identity_policies=[ALLOW_ALL],
            resource_policy=QUEUE_POLICY,
        )
        else "denied"
        for item, (principal, kind, age) in QUEUE_WAYS.items()
    }


prediction_exercise(
    "02.1",
    "Which of Richard's credentials can send to account A's queue?",
    queue_outcomes,
    choices=("allowed", "denied"),
    questions={
        "long-term keys": "which MFA keys does a request signed with long-term keys carry?",
        "GetSessionToken without MFA": "what value does aws:MultiFactorAuthPresent have here?",
        "GetSessionToken with MFA, 10 minutes later": "is the MFA sign-in younger than the "
        "queue's limit?",
        "GetSessionToken with MFA, 2 hours later": "the credentials are still valid: but how "
        "old is the MFA sign-in?",
        "AssumeRole (Helper) with an MFA code, 10 minutes later": "what does a role session "
        "carry after AssumeRole with a code, in the lab's default reading?",
        "AssumeRole (Helper) with GetSessionToken(MFA) credentials, 10 minutes later": "what "
        "did the role session carry when it was assumed with MFA credentials (Hands-on 1)?",
    },
    hints={
        "predictions": [
            "The queue policy asks two things of every request: aws:MultiFactorAuthPresent "
            "true, and an MFA sign-in younger than one hour. Check each way against both.",
            "Look back at the table: which kinds carry true, and from when does their age count?",
        ],
        "general": [
            "A role session keeps MFA only when the credentials that assumed it carried MFA; "
            "a code given to AssumeRole itself opens the trust policy and is not kept.",
            "An MFA age counts from the original sign-in, whichever credentials carry it on.",
        ],
    },
    solution={
        "long-term keys": "denied",
        "GetSessionToken without MFA": "denied",
        "GetSessionToken with MFA, 10 minutes later": "allowed",
        "GetSessionToken with MFA, 2 hours later": "denied",
        "AssumeRole (Helper) with an MFA code, 10 minutes later": "denied",
        "AssumeRole (Helper) with GetSessionToken(MFA) credentials, 10 minutes later": "allowed",
    },
)

# ---- 02.2: the other reading ------------------------------------------------------------------

PROPAGATE_KINDS = (LONG_TERM, GST, GST_MFA, AR, GST_MFA_AR, CHAIN, GFT, ROOT_GST)


@lru_cache(maxsize=2)
def mfa_states(mode: str = "propagate") -> dict[str, str]:
    """aws:MultiFactorAuthPresent of each kind in :data:`PROPAGATE_KINDS` ("absent", "false" or
    "true"), from :mod:`iamlab.scenarios.mfa_context`."""
    table = credential_table(mode)
    return {kind: table[kind].context.get(MFA_PRESENT, "absent") for kind in PROPAGATE_KINDS}


def _questions() -> Mapping[str, str]:
    return {
        LONG_TERM: "do long-term keys carry any MFA key, in either reading?",
        GST: "was a code given when these credentials were issued?",
        GST_MFA: "does the reading change anything for GetSessionToken?",
        AR: "was any code given on the way to this role session?",
        GST_MFA_AR: "what did the credentials that called AssumeRole carry?",
        CHAIN: "a chained session carries what the calling session carries: what does a role "
        "session from AssumeRole with a code carry in this reading?",
        GFT: "does AWS have MFA for federated users at all?",
        ROOT_GST: "is MFA-protected API access available to the root user?",
    }


prediction_exercise(
    "02.2",
    'aws:MultiFactorAuthPresent in the lab\'s other reading, role_session_mfa="propagate"',
    mfa_states,
    choices=("absent", "false", "true"),
    questions=_questions(),
    hints={
        "predictions": [
            "Start from the table of the default reading: the reading changes only what a role "
            "session created with an MFA code carries.",
            "Which rows involve such a role session, directly or through a chain?",
        ],
        "general": [
            "Rows without a role session are the same in both readings.",
            "A chained session carries what the session that called AssumeRole carries.",
        ],
    },
    solution={
        LONG_TERM: "absent",
        GST: "false",
        GST_MFA: "true",
        AR: "false",
        GST_MFA_AR: "true",
        CHAIN: "true",
        GFT: "absent",
        ROOT_GST: "false",
    },
)
