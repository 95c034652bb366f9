"""Exercises of notebook 06 (the self-managed MFA policy), and the story helpers of its
"Break it, then fix it" section.

The members of Developers sign their requests with the group's two policies: ForceMFA (the
policy of the AWS page "AWS: Allows MFA-authenticated IAM users to manage their own MFA device
on the Security credentials page", or the learner's version of it) and DeveloperAccess. Their
requests carry the MFA keys the lab computes for each kind of credentials
(:mod:`iamlab.scenarios.mfa_context`). The questions of the notebook (06.gap, 06.why, 06.quiz)
are data: ``iamlab/data/questions/06.json``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from iamlab.data import account_id, load_policy, principal_arn
from iamlab.policy import evaluate
from iamlab.scenarios.mfa_context import GST, GST_MFA, LONG_TERM

from .core import FORMAT, Attempt, Problem, define
from .grid import (
    OTHER_SERVICES,
    Caller,
    Probe,
    caller,
    unique,
    vary_actions,
    vary_callers,
    vary_resources,
)
from .policy_task import GRID_HINTS, PolicyTask
from .predictions import prediction_exercise

if TYPE_CHECKING:
    from iamlab.scenarios.base import Actor, Scenario
    from iamlab.scenarios.base import Attempt as StoryAttempt

SCENARIO = "self-managed-mfa"
ACCOUNT_A = account_id("A")
SOFIA = principal_arn("Sofia", scenario=SCENARIO)
NIKHIL = principal_arn("Nikhil", scenario=SCENARIO)
ANAYA = principal_arn("Anaya", scenario=SCENARIO)
BOB = f"arn:aws:iam::{ACCOUNT_A}:user/Bob"  # added to the story by the notebook (add_bob)
FORCE_MFA = load_policy("self-managed-mfa")
DEVELOPER_ACCESS = load_policy("developer-access")
NOT_ACTION = list(FORCE_MFA["Statement"][3]["NotAction"])
# the AWS page writes "*" in the account field of its IAM ARNs: an identity policy cannot reach
# another account's IAM users or devices (IAM has no resource-based policies for them), so the
# checker does not count a "*" there as over-broad
IAM_ANY_ACCOUNT = "arn:aws:iam::*:"
MFA_PRESENT, MFA_AGE = "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"


def user_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT_A}:user/{name}"


def mfa_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT_A}:mfa/{name}"


def _scope(user: str) -> dict[str, str]:
    return {"account": ACCOUNT_A, "user": user}


def _members(who: str, ages: tuple[int, ...]) -> list[Caller]:
    """A member with long-term keys, a session without MFA, and MFA sessions of these ages."""
    return [caller(who, LONG_TERM), caller(who, GST)] + [caller(who, GST_MFA, a) for a in ages]


def _statements(doc: Mapping[str, Any]) -> list[Any]:
    statements = doc.get("Statement", [])
    return list(statements) if isinstance(statements, list) else [statements]


def _uses(doc: Mapping[str, Any], text: str) -> bool:
    return text in json.dumps(doc)


def _iam_account_problem(problem: Problem) -> bool:
    return problem.topic == "account" and problem.text.startswith(
        f'the Resource "{IAM_ANY_ACCOUNT}'
    )


def _force_mfa_problems(task: PolicyTask, doc: Any, extra: Any) -> list[Problem]:
    """The task's problems with ``doc`` as ForceMFA, except "*" in IAM ARNs' account field."""
    return [p for p in task.problems(doc, extra) if not _iam_account_problem(p)]


# ---- 06.1 · a working-day gate ---------------------------------------------------------------

WORKING_DAY = 8 * 3600  # seconds
GATE_STATEMENT = {
    "Sid": "DenyAllExceptListedUnlessRecentMFA",
    "Effect": "Deny",
    "NotAction": NOT_ACTION,
    "Resource": "*",
    "Condition": {"NumericGreaterThanIfExists": {MFA_AGE: str(WORKING_DAY)}},
}
WORKING_DAY_GATE = {
    "Version": "2012-10-17",
    "Statement": [*copy.deepcopy(FORCE_MFA["Statement"][:3]), GATE_STATEMENT],
}
TEMPLATE_06_1 = copy.deepcopy(FORCE_MFA["Statement"][3])


def as_force_mfa(answer: Any) -> tuple[dict[str, Any] | None, str | None]:
    """The whole ForceMFA policy an answer stands for: a policy as it is, or the AWS page's
    statements 1-3 followed by the answer's statement (or list of statements)."""
    if isinstance(answer, str):
        try:
            answer = json.loads(answer)
        except ValueError:
            return None, "write your statement as a dict (or a JSON string)"
    if isinstance(answer, Mapping) and "Statement" in answer:
        return dict(answer), None
    if isinstance(answer, Mapping):
        answer = [answer]
    if isinstance(answer, list) and answer and all(isinstance(s, Mapping) for s in answer):
        return {
            "Version": "2012-10-17",
            "Statement": [*copy.deepcopy(FORCE_MFA["Statement"][:3]), *copy.deepcopy(answer)],
        }, None
    return None, "answer with one statement (a dict with Effect, NotAction, ...), or a list of them"


def _gate_task() -> PolicyTask:
    fresh, late = caller(SOFIA, GST_MFA, 600), caller(SOFIA, GST_MFA, WORKING_DAY + 600)
    keys = caller(NIKHIL, LONG_TERM, topic="missing-key")
    no_code = caller(NIKHIL, GST, topic="missing-key")
    required = [
        Probe("s3:ListAllMyBuckets", "*", keys).named(
            "Nikhil lists the buckets with his long-term access keys", "explicitDeny", "missing-key"
        ),
        Probe("ec2:DescribeInstances", "*", no_code).named(
            "Nikhil describes the EC2 instances with GetSessionToken credentials issued without "
            "an MFA code",
            "explicitDeny",
            "missing-key",
        ),
        Probe("s3:ListAllMyBuckets", "*", fresh).named(
            "Sofía lists the buckets, MFA sign-in 10 minutes old", "allowed", "too-strict"
        ),
        Probe("dynamodb:Scan", "*", caller(SOFIA, GST_MFA, WORKING_DAY)).named(
            "Sofía scans a table, MFA sign-in exactly 8 hours old", "allowed", "age"
        ),
        Probe("s3:ListAllMyBuckets", "*", late).named(
            "Sofía lists the buckets, MFA sign-in 8 hours 10 minutes old", "explicitDeny", "age"
        ),
        Probe("iam:EnableMFADevice", user_arn("Nikhil"), keys).named(
            "Nikhil enables his own MFA device with his long-term access keys",
            "allowed",
            "list",
        ),
        Probe("iam:DeactivateMFADevice", user_arn("Sofia"), late).named(
            "Sofía deactivates her MFA device, MFA sign-in 8 hours 10 minutes old",
            "explicitDeny",
            "list",
        ),
    ]
    ages = (0, 60, WORKING_DAY - 1, WORKING_DAY, WORKING_DAY + 1, 2 * WORKING_DAY)
    grid = unique(
        vary_actions(
            _scope("Nikhil"),
            [caller(NIKHIL, LONG_TERM), caller(NIKHIL, GST)],
            services=("iam", "sts"),
            others=OTHER_SERVICES,
        )
        + vary_actions(
            _scope("Sofia"),
            [fresh, late],
            services=("iam", "sts"),
            others=OTHER_SERVICES,
        )
        + vary_callers(
            ["s3:ListAllMyBuckets", "ec2:DescribeInstances", "iam:ListMFADevices"],
            "*",
            _members(SOFIA, ages),
        )
    )
    return PolicyTask(
        "identity", WORKING_DAY_GATE, required, grid, beside=[DEVELOPER_ACCESS], changes=True
    )


def _gate_extra(doc: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    said = " ".join(p.text for p in problems)
    extra = []
    conditions = [
        st.get("Condition", {})
        for st in _statements(doc)
        if isinstance(st, Mapping) and st.get("Effect") == "Deny"
    ]
    operators = [op for c in conditions if isinstance(c, Mapping) for op in c]
    if "with his long-term access keys: your identity policy gives allowed" in said:
        if any(op.startswith("Numeric") and not op.endswith("IfExists") for op in operators):
            extra.append(
                Problem(
                    "requests without an MFA sign-in carry no aws:MultiFactorAuthAge at all; a "
                    "Numeric operator without IfExists is false on a missing key, so the Deny "
                    "lets them by",
                    "missing-key",
                )
            )
        if any(len(c) > 1 for c in conditions if isinstance(c, Mapping)):
            extra.append(
                Problem(
                    "the operators of one Condition must all match for the statement to apply "
                    "(they are joined with AND); a request that is either unsigned-by-MFA or "
                    "too old needs one operator that covers both, or two Deny statements",
                    "missing-key",
                )
            )
    if "exactly 8 hours old: your identity policy gives denied" in said:
        extra.append(
            Problem(
                "an MFA sign-in exactly 28800 s old is not more than 8 hours old: use a strict "
                "comparison",
                "age",
            )
        )
    return extra


_GATE_HINTS = {
    **GRID_HINTS,
    "missing-key": [
        "Requests signed with long-term keys carry no MFA key at all, and sessions issued "
        "without a code carry no MFA age. Does your Deny apply to them?",
        "Only ...IfExists operators (and Null) count a missing key as a match; every other "
        "operator is false on a missing key, so a Deny with it does not apply.",
        "One operator on the age can match both a missing age and a too-large age.",
    ],
    "age": [
        "aws:MultiFactorAuthAge counts the seconds since the MFA code was accepted; 8 hours is "
        "28800 seconds.",
        "Deny only ages greater than 28800: which Numeric operator is false at 28800 itself?",
    ],
    "too-strict": [
        "Your Deny also stops requests with a recent MFA sign-in: check its operator and its "
        "number.",
        "The Deny must step aside for an MFA sign-in of 8 hours or less.",
    ],
    "list": [
        "The NotAction list says what the Deny never touches: the actions a member needs to set "
        "up MFA. Did it change?",
        "Keep the seven actions of the AWS page in NotAction, and nothing else.",
    ],
    "general": [
        "Three kinds of requests must be denied: long-term keys, sessions without an MFA code, "
        "and MFA sign-ins older than 8 hours. Check each against your condition.",
        "Start from statement 4 as AWS wrote it and change only its Condition.",
    ],
}


@lru_cache(maxsize=1)
def gate_task() -> PolicyTask:
    """The task of exercise 06.1 (built once)."""
    return _gate_task()


@define(
    "06.1",
    "A working-day gate: no MFA, or an MFA sign-in older than 8 hours, gets only the MFA set-up",
    hints=_GATE_HINTS,
    solution=GATE_STATEMENT,
    template=TEMPLATE_06_1,
    placeholder="this is statement 4 as AWS wrote it: change its condition as the task asks, then "
    "run this cell again",
    secrets=("NumericGreaterThanIfExists",),
    notes=(
        "Also right: the AWS page's statement 4 unchanged plus a second Deny with the same "
        'NotAction and "NumericGreaterThan": {"aws:MultiFactorAuthAge": "28800"} (two '
        "statements OR what one Condition would AND).",
        "Typical slip: both operators in one Condition; they are joined with AND, so long-term "
        "keys (no age) escape.",
    ),
    warm=lambda: gate_task().reference_decisions(),
)
def _working_day_gate(answer: Any, attempt: Attempt) -> list[Problem]:
    doc, error = as_force_mfa(answer)
    if doc is None:
        return [Problem(error or "", FORMAT)]
    return _force_mfa_problems(gate_task(), doc, _gate_extra)


# ---- 06.2 · the console's Users page, without re-opening a gap ------------------------------

USERS_PAGE = copy.deepcopy(FORCE_MFA)
USERS_PAGE["Statement"][0]["Action"] = ["iam:ListVirtualMFADevices", "iam:ListUsers"]
USERS_PAGE["Statement"][3]["NotAction"] = [*NOT_ACTION, "iam:ListUsers"]
USERS_PAGE_ARN = f"arn:aws:iam::{ACCOUNT_A}:user/"  # what ListUsers is authorized on (path /)


def _users_page_task() -> PolicyTask:
    bob_keys = caller(BOB, LONG_TERM, topic="gap")
    bob_mfa = caller(BOB, GST_MFA, 600)
    nikhil_keys = caller(NIKHIL, LONG_TERM)
    required = [
        Probe("iam:ListUsers", USERS_PAGE_ARN, nikhil_keys).named(
            "Nikhil, with no MFA device yet, opens the Users page (iam:ListUsers)",
            "allowed",
            "users-page",
        ),
        Probe("iam:ListUsers", USERS_PAGE_ARN, caller(SOFIA, GST_MFA, 600)).named(
            "Sofía, signed in with MFA, opens the Users page", "allowed", "users-page"
        ),
        Probe("iam:DeactivateMFADevice", user_arn("Bob"), bob_keys).named(
            "with Bob's access keys alone, someone deactivates Bob's MFA device (the gap "
            "Duo's review found)",
            "explicitDeny",
            "gap-deactivate",
        ),
        Probe("iam:DeleteVirtualMFADevice", mfa_arn("Bob"), bob_keys).named(
            "with Bob's access keys alone, someone deletes the virtual MFA device named Bob",
            "explicitDeny",
            "gap-deactivate",
        ),
        Probe("iam:EnableMFADevice", user_arn("Sofia"), bob_keys).named(
            "with Bob's access keys alone, someone adds an MFA device to Sofía's user, who "
            "already has one (AWS's 2023 fix guards only a user's own devices)",
            "denied",
            "gap-add",
        ),
        Probe("iam:CreateVirtualMFADevice", mfa_arn("Sofia-2"), bob_keys).named(
            "with Bob's access keys alone, someone creates a virtual MFA device named Sofia-2",
            "denied",
            "gap-add",
        ),
        Probe("s3:ListAllMyBuckets", "*", bob_keys).named(
            "with Bob's access keys alone, someone lists the buckets", "explicitDeny", "gap"
        ),
        Probe("s3:ListAllMyBuckets", "*", bob_mfa).named(
            "Bob, signed in with MFA, lists the buckets", "allowed", "too-strict"
        ),
    ]
    others = [user_arn(n) for n in ("Sofia", "Anaya", "Nikhil")]
    grid = unique(
        vary_actions(
            _scope("Bob"),
            [caller(BOB, LONG_TERM), caller(BOB, GST), bob_mfa],
            services=("iam", "sts"),
            others=OTHER_SERVICES,
        )
        + vary_resources(
            [
                "iam:EnableMFADevice",
                "iam:DeactivateMFADevice",
                "iam:ResyncMFADevice",
                "iam:ListMFADevices",
                "iam:GetUser",
                "iam:ChangePassword",
                "iam:CreateAccessKey",
            ],
            [(arn, "gap-add", "another member") for arn in others],
            [caller(BOB, LONG_TERM), bob_mfa],
        )
        + vary_resources(
            ["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"],
            [(mfa_arn(n), "gap-add", "another name") for n in ("Sofia", "Anaya", "Bob-2")],
            [caller(BOB, LONG_TERM), bob_mfa],
        )
        + vary_callers(
            ["iam:ListUsers", "iam:ListVirtualMFADevices", "iam:GetUser"],
            USERS_PAGE_ARN,
            _members(NIKHIL, (60, 3600)),
        )
    )
    # ListUsers is authorized on the account's user path: a statement may name it as "*" (as
    # the AWS page does) or as the account's users, so the catalogue's "*" probe is left out
    grid = [p for p in grid if not (p.action == "iam:ListUsers" and p.resource == "*")]
    return PolicyTask(
        "identity", USERS_PAGE, required, grid, beside=[DEVELOPER_ACCESS], changes=True
    )


def _users_page_extra(doc: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    said = " ".join(p.text for p in problems)
    extra = []
    if "deactivates Bob's MFA device" in said:
        extra.append(
            Problem(
                "your NotAction list lets iam:DeactivateMFADevice through without MFA: a stolen "
                "access key could then remove the owner's device and enrol its own",
                "gap-deactivate",
            )
        )
    reaches = "also allows" in said and ("(another member)" in said or "(another name)" in said)
    if "Sofía's user" in said or "named Sofia-2" in said or reaches:
        extra.append(
            Problem(
                "one of your statements reaches other members' users or devices: "
                "${aws:username} is what keeps each member to his or her own",
                "gap-add",
            )
        )
    if "opens the Users page" in said and _uses(doc, "iam:ListUsers"):
        extra.append(
            Problem(
                "iam:ListUsers lists the account's users: it acts on no user of its own, so it "
                "cannot be limited to the caller's user ARN",
                "users-page",
            )
        )
    return extra


_USERS_PAGE_HINTS = {
    **GRID_HINTS,
    "users-page": [
        "Two things must change: a statement must Allow the new action, and the Deny must stop "
        "blocking it when there is no MFA.",
        "iam:ListUsers cannot be limited to one user: it belongs with the other list action, in "
        'the statement whose Resource is "*".',
    ],
    "gap-deactivate": [
        "Turning MFA off must itself need MFA. Which action turns a device off, and is it on "
        "the list of actions the Deny leaves alone?",
        "Check your NotAction entries one by one, wildcards included: none may match "
        "DeactivateMFADevice or DeleteVirtualMFADevice.",
    ],
    "gap-add": [
        "Your policy lets a member's keys reach another member's user or devices. What does "
        "${aws:username} do in the AWS page's statements?",
        "Leave the Resource of the statements that manage devices as the AWS page wrote them; "
        "put the new action where it belongs instead.",
    ],
    "gap": [
        "Long-term keys alone must still reach only the MFA set-up actions.",
        "Your Deny no longer applies to a request it must stop: check its NotAction list and "
        "its condition.",
    ],
    "too-strict": [
        "A member signed in with MFA must keep everything DeveloperAccess allows.",
        "Check that your Deny's condition still steps aside for MFA sessions.",
    ],
    "general": [
        "Change as little as possible: one action added in two places.",
        "Compare your policy with the AWS page's, statement by statement.",
    ],
}


@lru_cache(maxsize=1)
def users_page_task() -> PolicyTask:
    """The task of exercise 06.2 (built once)."""
    return _users_page_task()


@define(
    "06.2",
    "The console's Users page before MFA, without re-opening a gap",
    hints=_USERS_PAGE_HINTS,
    solution=USERS_PAGE,
    template=FORCE_MFA,
    placeholder="this is the AWS page's policy, unchanged: change it as the task asks, then run "
    "this cell again",
    secrets=('["iam:ListVirtualMFADevices", "iam:ListUsers"]',),
    notes=(
        'Also right: a separate Allow of iam:ListUsers on "*" or on the account\'s users '
        "(arn:aws:iam::ACCOUNT:user/*), with iam:ListUsers added to the NotAction list.",
        "The checker refuses answers that re-open Duo's gap (DeactivateMFADevice or "
        "DeleteVirtualMFADevice reachable without MFA, also through wildcards) or the part of "
        "AWS-2023-001 that AWS's rule leaves to policies (reaching other members' users or "
        "devices, e.g. statement 3 widened to user/*).",
    ),
    warm=lambda: users_page_task().reference_decisions(),
)
def _users_page(answer: Any, attempt: Attempt) -> list[Problem]:
    if isinstance(answer, Mapping) and "Statement" not in answer:
        return [Problem("answer with the whole policy (a dict with Version and Statement)", FORMAT)]
    return _force_mfa_problems(users_page_task(), answer, _users_page_extra)


# ---- 06.3 · predictions ----------------------------------------------------------------------

WORDS = ("allowed", "explicitDeny", "implicitDeny")
# the requests of exercise 06.3: item -> (who, credentials, action, resource)
PREDICTIONS: dict[str, tuple[str, str, str, str]] = {
    "a": ("Sofia", GST_MFA, "iam:DeactivateMFADevice", user_arn("Nikhil")),
    "b": ("Nikhil", LONG_TERM, "iam:ResyncMFADevice", user_arn("Nikhil")),
    "c": ("Nikhil", GST, "dynamodb:GetItem", f"arn:aws:dynamodb:us-east-1:{ACCOUNT_A}:table/Books"),
    "d": ("Nikhil", LONG_TERM, "iam:ChangePassword", user_arn("Nikhil")),
    "e": ("Sofia", GST_MFA, "iam:DeleteVirtualMFADevice", mfa_arn("Nikhil")),
}
PREDICTION_SOLUTION = {
    "a": "implicitDeny",
    "b": "allowed",
    "c": "explicitDeny",
    "d": "explicitDeny",
    "e": "implicitDeny",
}


@lru_cache(maxsize=1)
def predicted() -> dict[str, str]:
    """IAM's decision for each request of exercise 06.3 (ForceMFA and DeveloperAccess)."""
    out = {}
    for item, (who, kind, action, resource) in PREDICTIONS.items():
        probe = caller(user_arn(who), kind, 60)
        out[item] = evaluate(
            action=action,
            resource=resource,
            principal=user_arn(who),
            context=dict(probe.context),
            identity_policies=[FORCE_MFA, DEVELOPER_ACCESS],
        ).decision
    return out


prediction_exercise(
    "06.3",
    "Predict five decisions of ForceMFA and DeveloperAccess",
    predicted,
    choices=WORDS,
    questions={
        "a": "whose user does statement 3 cover, and does DeveloperAccess mention IAM?",
        "b": "is the action on the Deny's list, and does a statement allow it on this resource?",
        "c": "what value of aws:MultiFactorAuthPresent does a session issued without a code "
        "carry, and what does BoolIfExists do with it?",
        "d": "is iam:ChangePassword on the Deny's list? If not, what does the Deny do to it "
        "without MFA?",
        "e": "which device names does statement 2 cover for Sofía?",
    },
    hints={
        "predictions": [
            "For each request ask, in order: does the Deny apply (is the action off its list, "
            "and is MFA missing or false)? If not, does an Allow match both action and resource?",
            "${aws:username} is the caller's own name: statements 2 and 3 cover only the "
            "caller's own device and user. DeveloperAccess allows S3, DynamoDB and "
            "ec2:Describe*, nothing in IAM.",
        ],
        "general": [
            "Work through the four statements in order for each request.",
            "Only an explicit Deny gives explicitDeny; no matching Allow gives implicitDeny.",
        ],
    },
    solution=PREDICTION_SOLUTION,
)


# ---- the story helpers of "Break it, then fix it" --------------------------------------------

PHONE = "Bob-phone"  # the virtual MFA device on Bob's phone
THIEF_DEVICE = "Bob"  # the name the thief gives his own device: the policy allows it


def add_bob(story: Scenario) -> Actor:
    """Anaya adds Bob to Developers, gives him access keys and enables a virtual MFA device
    named ``Bob-phone`` on his phone (an administrator acting on another user, which AWS's 2023
    rule does not concern). Returns his actor (long-term keys); the lab's ``totp`` plays his
    phone. The lab's clock moves on 60 seconds (two codes, then a fresh one)."""
    from iamlab.scenarios.base import Actor

    lab = story.lab
    admin = story.actor("Anaya").client("iam")
    admin.create_user(UserName="Bob")
    admin.add_user_to_group(GroupName="Developers", UserName="Bob")
    key = admin.create_access_key(UserName="Bob")["AccessKey"]
    serial = admin.create_virtual_mfa_device(VirtualMFADeviceName=PHONE)["VirtualMFADevice"][
        "SerialNumber"
    ]
    first = lab.totp(serial)
    lab.clock.advance(seconds=30)
    admin.enable_mfa_device(
        UserName="Bob",
        SerialNumber=serial,
        AuthenticationCode1=first,
        AuthenticationCode2=lab.totp(serial),
    )
    lab.clock.advance(seconds=30)
    bob = Actor("Bob", ACCOUNT_A, BOB, lab.session(key), key, serial, "his access keys leaked")
    story.actors["Bob"] = bob
    return bob


def attack(story: Scenario, thief: Actor) -> list[StoryAttempt]:
    """What someone holding only ``thief``'s long-term access keys tries: list the buckets,
    create a virtual MFA device named after the user, enable it with two of its codes, get
    MFA credentials with it, list the buckets with those. Stops at the first refusal."""
    lab = story.lab
    iam, sts, s3 = thief.client("iam"), thief.client("sts"), thief.client("s3")
    user = thief.name
    done = [
        story.attempt(
            "list the buckets with the keys", user, "s3:ListAllMyBuckets", "*", s3.list_buckets
        )
    ]
    made = story.attempt(
        f"create a virtual MFA device named {THIEF_DEVICE}",
        user,
        "iam:CreateVirtualMFADevice",
        mfa_arn(THIEF_DEVICE),
        lambda: iam.create_virtual_mfa_device(VirtualMFADeviceName=THIEF_DEVICE),
    )
    done.append(made)
    if not made.allowed:
        return done
    serial = made.result["VirtualMFADevice"]["SerialNumber"]
    first = lab.totp(serial)
    lab.clock.advance(seconds=30)
    second = lab.totp(serial)
    enabled = story.attempt(
        f"enable it for {user} (a second device)",
        user,
        "iam:EnableMFADevice",
        user_arn(user),
        lambda: iam.enable_mfa_device(
            UserName=user,
            SerialNumber=serial,
            AuthenticationCode1=first,
            AuthenticationCode2=second,
        ),
    )
    done.append(enabled)
    lab.clock.advance(seconds=30)
    token = story.attempt(
        "GetSessionToken with the new device",
        user,
        "sts:GetSessionToken",
        user_arn(user),
        lambda: sts.get_session_token(SerialNumber=serial, TokenCode=lab.totp(serial)),
    )
    done.append(token)
    if not token.allowed:
        return done
    stolen = story.session_for(token.result["Credentials"])
    done.append(
        story.attempt(
            "list the buckets with the MFA credentials",
            user,
            "s3:ListAllMyBuckets",
            "*",
            story.client_of(stolen, "s3").list_buckets,
        )
    )
    return done
