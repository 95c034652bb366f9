"""Exercises of notebook 00: the right answer, every kind of over-broad answer, wrong answers
and the placeholder."""

from __future__ import annotations

import json
from typing import Any

import pytest

from iamlab.exercises import check, reset, solution
from iamlab.exercises.nb00 import NOTES_POLICY, notes_outcomes


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def read(action: Any = "s3:GetObject", resource: Any = "arn:aws:s3:::team-notes/*") -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def test_00_1_the_model_answer_and_equivalent_ones_pass() -> None:
    assert check("00.1", json.loads(solution("00.1", instructor=True)))
    assert check("00.1", policy(read(["s3:GetObject"], ["arn:aws:s3:::team-notes/*"])))
    assert check("00.1", json.dumps(policy(read())))
    # a condition every real request meets changes nothing: the grid's requests carry the
    # keys a lab request carries (TLS, time, region), not only the MFA ones
    tls = {**read(), "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
    assert check("00.1", policy(tls))


def test_00_1_placeholder() -> None:
    feedback = check("00.1", None)
    assert not feedback.answered and feedback.hint is None
    assert "in place of None" in feedback.problems[0]


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        # a wildcard where the task asks for one action, catching bucket-level actions
        (policy(read("s3:Get*")), "also allows s3:GetObjectAcl on arn:aws:s3:::team-notes/"),
        (
            policy(read("s3:Get*", ["arn:aws:s3:::team-notes", "arn:aws:s3:::team-notes/*"])),
            "also allows s3:GetBucketPolicy on arn:aws:s3:::team-notes to",
        ),
        (policy(read("s3:*")), "Anaya writes team-notes/todo.txt: your identity policy gives"),
        (policy(read("s3:List*", "*"), read()), "also allows s3:ListAllMyBuckets on * to"),
        (policy(read("s3:Put*"), read()), "Anaya writes team-notes/todo.txt"),
        (policy(read("s3:Delete*"), read()), "also allows s3:DeleteObject on"),
        # an unrelated action beside the one asked for
        (policy(read(["s3:GetObject", "iam:CreateUser"], "*")), "also allows iam:CreateUser"),
        # an extra statement that grants something else
        (policy(read(), read("dynamodb:GetItem", "*")), "also allows dynamodb:GetItem"),
        # an extra statement that denies something else
        (
            policy(read(), {"Effect": "Deny", "Action": "s3:PutBucketPolicy", "Resource": "*"}),
            "also denies s3:PutBucketPolicy on arn:aws:s3:::team-notes",
        ),
        # other resources through wildcards
        (policy(read(resource="*")), "Anaya reads an object of the bucket team-notes-logs"),
        (
            policy(read(resource="arn:aws:s3:::team-notes*")),
            "Anaya reads an object of the bucket team-notes-logs",
        ),
        (policy(read(resource="arn:aws:s3:::*/*")), "team-notes-logs"),
        # everything
        (policy(read("*", "*")), "also allows"),
        (policy({"Effect": "Allow", "NotAction": "s3:PutObject", "Resource": "*"}), "also allows"),
    ],
)
def test_00_1_over_broad_answers_are_refused(answer: dict, says: str) -> None:
    feedback = check("00.1", answer)
    assert not feedback
    assert any(says in p for p in feedback.problems), feedback.problems


@pytest.mark.parametrize(
    ("answer", "says", "topic"),
    [
        (
            policy(read(resource="arn:aws:s3:::team-notes")),
            "Anaya reads team-notes/todo.txt: your identity policy gives denied",
            "grant",
        ),
        (
            policy(read("s3:GetObject", "arn:aws:s3:::team-notes/todo.txt")),
            "Anaya reads team-notes/2026/plan.txt",
            "grant",
        ),
        (policy(read("s3:ListBucket")), "Anaya reads team-notes/todo.txt", "grant"),
        (
            policy({**read(), "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}),
            "Anaya reads team-notes/todo.txt",
            "grant",
        ),
        (policy({**read(), "Effect": "allow"}), "IAM would reject this policy", "format"),
        (policy({**read(), "Principal": "*"}), "IAM would reject", "format"),
        ("not json", "write the policy as a dict", "format"),
    ],
)
def test_00_1_wrong_answers_name_what_is_wrong(answer: Any, says: str, topic: str) -> None:
    feedback = check("00.1", answer)
    assert not feedback and feedback.problems[0].startswith(says), feedback.problems
    assert feedback.topics[0] == topic


def test_00_1_feedback_names_the_over_broad_grant_precisely() -> None:
    problems = check("00.1", policy(read("s3:*", "*"))).problems
    assert (
        "your identity policy also allows s3:ListAllMyBuckets on * to "
        "arn:aws:iam::111111111111:user/Anaya (long-term access keys)" in problems
    )
    assert problems[-1].startswith("... and ") and "more neighbouring requests" in problems[-1]


def test_00_2_the_engine_decides_the_predictions() -> None:
    assert notes_outcomes() == json.loads(solution("00.2", instructor=True))
    assert NOTES_POLICY["Statement"][0]["Action"] == "s3:Get*"
    assert check("00.2", json.loads(solution("00.2", instructor=True)))


def test_00_2_placeholder_and_partial_answers() -> None:
    template = dict.fromkeys(notes_outcomes())
    assert not check("00.2", template).answered
    feedback = check("00.2", {**template, "GetObject todo.txt": "allowed"})
    assert feedback.answered
    assert sum("no prediction yet" in p for p in feedback.problems) == 4


def test_00_2_a_first_wrong_answer_gets_only_a_count() -> None:
    wrong = dict.fromkeys(notes_outcomes(), "implicitDeny")
    feedback = check("00.2", wrong)
    assert feedback.problems[0].startswith("3 of your 5 predictions are not what IAM decides")
    assert "GetObjectTagging" not in " ".join(feedback.problems)
    wrong["GetObject todo.txt"] = "allowed"
    named = check("00.2", wrong).problems
    assert [p.split(":")[0] for p in named] == [
        "GetObject private/salaries.csv",
        "GetObjectTagging private/salaries.csv",
    ]
