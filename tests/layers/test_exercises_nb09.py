"""Exercises of notebook 09 (where MFA cannot help): the lab decides the predictions, and the
trust policy for Richard and B's nightly job refuses every over-broad and wrong answer.

The rules come from the AWS page "Secure API access with MFA"
(id_credentials_mfa_configure-api-require.html): only GetSessionToken and AssumeRole take an
MFA code, root has no MFA-protected API access, federated sessions carry no MFA, and a
trusted account can give its own identities MFA devices.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from iamlab.data import load_policy
from iamlab.exercises import check, reset, solution
from iamlab.exercises.nb09 import KINDS, lab_outcomes

A, B = "111111111111", "222222222222"
RICHARD = f"arn:aws:iam::{B}:user/Richard"
SYNC = f"arn:aws:iam::{B}:role/BooksSync"
PRESENT = "aws:MultiFactorAuthPresent"
MFA = {"Bool": {PRESENT: "true"}}


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


def model(exercise_id: str) -> Any:
    return json.loads(solution(exercise_id, instructor=True))


def says(exercise: str, answer: Any, text: str) -> list[str]:
    feedback = check(exercise, answer)
    assert not feedback and feedback.answered, exercise
    assert any(text in p for p in feedback.problems), feedback.problems
    return feedback.problems


# ---- 09.1 ------------------------------------------------------------------------------------


def test_09_1_the_lab_decides_the_predictions() -> None:
    assert lab_outcomes() == model("09.1")
    assert set(lab_outcomes()) == set(KINDS)
    assert check("09.1", model("09.1"))


def test_09_1_count_first_then_questions() -> None:
    answer = dict(model("09.1"))
    answer["AssumeRoleWithSAML"] = "can"
    first = check("09.1", answer)
    assert first.problems[0].startswith("1 of your 7 predictions is not what IAM decides")
    answer["root user's GetSessionToken"] = "can"
    assert check("09.1", answer).problems == [
        "root user's GetSessionToken: not 'can'. Ask yourself: is MFA-protected API access "
        "available to the root user?",
        "AssumeRoleWithSAML: not 'can'. Ask yourself: can AWS see what the identity provider "
        "asked the user for?",
    ]


def test_09_1_placeholder_and_slips() -> None:
    assert not check("09.1", dict.fromkeys(KINDS)).answered
    slips = check("09.1", {**model("09.1"), "GetFederationToken": "maybe"})
    assert any('answer one of "can", "never"' in p for p in slips.problems)


# ---- 09.2 ------------------------------------------------------------------------------------


def richard(condition: dict | None = MFA, principal: Any = None) -> dict:
    st: dict = {"Effect": "Allow", "Principal": principal or {"AWS": RICHARD}}
    st["Action"] = "sts:AssumeRole"
    if condition is not None:
        st["Condition"] = condition
    return st


def sync(**changes: Any) -> dict:
    return {"Effect": "Allow", "Principal": {"AWS": SYNC}, "Action": "sts:AssumeRole", **changes}


def policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_09_2_right_answers_pass() -> None:
    assert check("09.2", model("09.2"))
    assert check("09.2", policy(sync(), richard()))
    by_condition = policy(
        richard(
            {"Bool": {PRESENT: "true"}, "ArnEquals": {"aws:PrincipalArn": RICHARD}},
            {"AWS": B},
        ),
        sync(),
    )
    assert check("09.2", by_condition)


def test_09_2_placeholders_spend_nothing() -> None:
    for answer in (None, load_policy("cross-account-trust")):
        feedback = check("09.2", answer)
        assert not feedback.answered and feedback.hint is None


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        # the answer of notebook 03 (only Richard): the nightly job is left out
        (policy(richard()), "the nightly job, a session of B's role BooksSync"),
        # the whole account, as today
        (policy(richard(principal={"AWS": B})), "Mallory, created by B's administrator"),
        (policy(richard(principal={"AWS": B}), sync()), "Mallory's code is as valid"),
        (policy(richard(principal="*"), sync()), "Mallory, created by B's administrator"),
        # both principals in one statement, with or without the condition
        (
            policy(richard(MFA, {"AWS": [RICHARD, SYNC]})),
            "an MFA condition can never let it in",
        ),
        (
            policy(richard(None, {"AWS": [RICHARD, SYNC]})),
            "Richard assumes the role with his access keys and no code: your trust policy "
            "gives allowed",
        ),
        # conditions that let Richard in without MFA, or keep the job out
        (policy(richard({"BoolIfExists": {PRESENT: "true"}}), sync()), "his access keys"),
        (
            policy(richard({"Null": {PRESENT: "false"}}), sync()),
            "GetSessionToken credentials obtained without MFA",
        ),
        (policy(richard(), sync(Condition=MFA)), "an MFA condition can never let it in"),
        # one session of the role instead of the role
        (
            policy(
                richard(),
                sync(Principal={"AWS": f"arn:aws:sts::{B}:assumed-role/BooksSync/nightly"}),
            ),
            "assumed-role/BooksSync/manual",
        ),
        # another role of B beside the job
        (
            policy(richard(), sync(Principal={"AWS": [SYNC, f"arn:aws:iam::{B}:role/Admin"]})),
            "a session of another role of account B (Admin)",
        ),
        # wildcard and extra actions
        (policy(richard(), sync(Action="sts:*")), "also allows sts:TagSession"),
        (policy(richard(), sync(Action="sts:Assume*")), 'the Action "sts:Assume*" is a wildcard'),
        (
            policy(richard(), sync(Action=["sts:AssumeRole", "sts:SetSourceIdentity"])),
            "also allows sts:SetSourceIdentity",
        ),
        # a condition operator of the wrong type for its key
        (policy(richard({"StringEquals": {PRESENT: "true"}}), sync()), "is a Bool key"),
        # what IAM itself refuses in a trust policy
        (policy(richard(), sync(Resource="*")), "Has prohibited field Resource"),
    ],
)
def test_09_2_over_broad_and_wrong_answers_are_refused(answer: dict, text: str) -> None:
    says("09.2", answer, text)


def test_09_2_an_extra_statement_that_lets_someone_else_in() -> None:
    doc = copy.deepcopy(model("09.2"))
    doc["Statement"].append(richard(MFA, {"AWS": f"arn:aws:iam::{B}:user/Intern"}))
    says("09.2", doc, "also allows sts:AssumeRole on arn:aws:iam::111111111111:role/")


def test_09_2_the_hint_follows_what_the_answer_gets_wrong() -> None:
    account = check("09.2", policy(richard(principal={"AWS": B}), sync()))
    assert account.topics[0] == "principal"
    merged = check("09.2", policy(richard(MFA, {"AWS": [RICHARD, SYNC]})))
    assert merged.topics[0] == "job"
    assert SYNC not in merged.hint


def test_solutions_are_kept_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IAMLAB_INSTRUCTOR", raising=False)
    for ex in ("09.1", "09.2", "09.why", "09.quiz"):
        assert "instructor guide" in solution(ex)
