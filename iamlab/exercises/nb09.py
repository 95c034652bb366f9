"""Exercises of notebook 09 (considerations: where MFA cannot help)."""

from __future__ import annotations

from typing import Any

from iamlab.data import load_policy

from .checks import Case, as_document, case_problems, policy_problems
from .core import exercise

# what a request made with each kind carries (FACTS A.1, the lab's default mode)
KINDS = {
    "IAM user's long-term access keys": None,
    "root user's GetSessionToken": "false",
    "GetFederationToken": None,
    "AssumeRoleWithWebIdentity": None,
    "AssumeRoleWithSAML": None,
    "IAM user's GetSessionToken with MFA": "true",
    "AssumeRole with GetSessionToken(MFA) credentials": "true",
}
_WHY_NOT = {
    "IAM user's long-term access keys": "long-term keys never carry aws:MultiFactorAuthPresent",
    "root user's GetSessionToken": "MFA-protected API access is not available to the root "
    'user: its sessions carry "false"',
    "GetFederationToken": "GetFederationToken takes no MFA code and its sessions carry no MFA keys",
    "AssumeRoleWithWebIdentity": "the identity provider may have asked for MFA, but AWS cannot "
    "see it: the session carries no MFA keys",
    "AssumeRoleWithSAML": "the identity provider may have asked for MFA, but AWS cannot see it: "
    "the session carries no MFA keys",
}


@exercise(
    "09.1",
    "Which credentials can ever satisfy Bool aws:MultiFactorAuthPresent true?",
    hints=[
        "Only credentials issued by an STS call that took SerialNumber and TokenCode from an "
        "IAM user can carry true. Which STS calls accept those parameters?",
        "GetSessionToken and AssumeRole are the only STS calls with SerialNumber and TokenCode; "
        "and the root user's sessions never carry true.",
        "Two kinds: the IAM user's GetSessionToken with MFA, and a role assumed with those "
        "credentials.",
    ],
    solution='["IAM user\'s GetSessionToken with MFA", '
    '"AssumeRole with GetSessionToken(MFA) credentials"]',
)
def _can_satisfy(answer: Any) -> list[str]:
    if answer is None:
        return ["replace None with a list of the kinds that can satisfy the condition"]
    if isinstance(answer, str):
        answer = [answer]
    try:
        chosen = set(answer)
    except TypeError:
        return ["answer with a list of kinds (strings)"]
    unknown = sorted(str(k) for k in chosen if k not in KINDS)
    if unknown:
        return [f"{k!r} is not one of the kinds listed" for k in unknown]
    problems = [
        f"{kind}: cannot satisfy it - {_WHY_NOT[kind]}"
        for kind in KINDS
        if kind in chosen and KINDS[kind] != "true"
    ]
    missing = [kind for kind in KINDS if KINDS[kind] == "true" and kind not in chosen]
    if missing:
        word = "kind" if len(missing) == 1 else "kinds"
        problems.append(
            f"you left out {len(missing)} {word} whose requests do carry "
            "aws:MultiFactorAuthPresent = true"
        )
    return problems


A = "111111111111"
ROLE = f"arn:aws:iam::{A}:role/CrossAccountRole"
RICHARD = "arn:aws:iam::222222222222:user/Richard"
MALLORY = "arn:aws:iam::222222222222:user/Mallory"
MFA = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "0"}


@exercise(
    "09.2",
    "Trust Richard, not the whole of account B",
    hints=[
        "The Principal decides who may assume the role. Which principal does "
        '{"AWS": "222222222222"} trust?',
        "Name the IAM user himself in Principal: an IAM user ARN has the form "
        "arn:aws:iam::ACCOUNT-ID:user/NAME. Keep the MFA condition.",
        'Principal {"AWS": "arn:aws:iam::222222222222:user/Richard"}, Action sts:AssumeRole, '
        'Condition {"Bool": {"aws:MultiFactorAuthPresent": "true"}}.',
    ],
    solution='{"Version": "2012-10-17", "Statement": {"Effect": "Allow", '
    '"Principal": {"AWS": "arn:aws:iam::222222222222:user/Richard"}, '
    '"Action": "sts:AssumeRole", '
    '"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}}',
)
def _tight_trust(answer: Any) -> list[str]:
    if answer is None:
        return ["replace None with your trust policy document (a dict)"]
    problems = policy_problems(answer, "trust")
    if problems:
        return problems
    trust = as_document(answer)
    may_assume = load_policy("richard-assume-role")  # both users' policies allow AssumeRole

    def case(label: str, expected: str, who: str, context: dict[str, str]) -> Case:
        return Case(
            label,
            expected,
            "sts:AssumeRole",
            ROLE,
            who,
            context,
            identity_policies=[may_assume],
            resource_policy=trust,
            resource_account=A,
        )

    problems = case_problems(
        [
            case("Richard with MFA", "allowed", RICHARD, MFA),
            case("Richard without MFA (long-term keys)", "denied", RICHARD, {}),
            case(
                "Richard without MFA (a session with false)",
                "denied",
                RICHARD,
                {"aws:MultiFactorAuthPresent": "false"},
            ),
            case("Mallory (account B) with her own MFA device", "denied", MALLORY, MFA),
            case(
                "account B's other users with MFA",
                "denied",
                "arn:aws:iam::222222222222:user/Intern",
                MFA,
            ),
        ],
        place="trust",
    )
    return problems
