"""Exercises of notebook 05: the right answers, every kind of over-broad answer, wrong answers
and the placeholders."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from iamlab.data import load_policy
from iamlab.exercises import check, reset, solution
from iamlab.exercises.nb05 import WAYS, lab_outcomes

AGE, PRESENT = "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent"


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


def model(exercise_id: str) -> dict:
    return json.loads(solution(exercise_id, instructor=True))


def changed(exercise_id: str, index: int, change: Callable[[dict], Any]) -> dict:
    doc = copy.deepcopy(model(exercise_id))
    change(doc["Statement"][index])
    return doc


def says(exercise: str, answer: Any, text: str) -> list[str]:
    feedback = check(exercise, answer)
    assert not feedback, exercise
    assert any(text in p for p in feedback.problems), feedback.problems
    return feedback.problems


# ---- 05.1 ------------------------------------------------------------------------------------


def read_with(**changes: Any) -> dict:
    return changed("05.1", 0, lambda st: st.update(changes))


def test_05_1_right_answers_pass() -> None:
    assert check("05.1", model("05.1"))
    both = {"Bool": {PRESENT: "true"}, "NumericLessThan": {AGE: "3600"}}
    assert check("05.1", read_with(Condition=both))
    by_condition = read_with(
        Principal="*",
        Condition={
            "NumericLessThan": {AGE: "3600"},
            "StringEquals": {"aws:PrincipalAccount": ["111111111111", "333333333333"]},
        },
    )
    assert check("05.1", by_condition)
    roots = {"AWS": ["arn:aws:iam::111111111111:root", "arn:aws:iam::333333333333:root"]}
    assert check("05.1", read_with(Principal=roots))


def test_05_1_placeholder() -> None:
    feedback = check("05.1", None)
    assert not feedback.answered and feedback.hint is None


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        # wildcards where the task asks for one action, bucket-level ones included
        (read_with(Action="s3:Get*"), "also allows s3:GetObjectAcl"),
        (
            read_with(
                Action="s3:Get*",
                Resource=["arn:aws:s3:::account-b-reports", "arn:aws:s3:::account-b-reports/*"],
            ),
            "also allows s3:GetBucketPolicy on arn:aws:s3:::account-b-reports to "
            "arn:aws:iam::333333333333:user/Nikhil",
        ),
        (
            read_with(
                Action="s3:Put*",
                Resource=["arn:aws:s3:::account-b-reports", "arn:aws:s3:::account-b-reports/*"],
            ),
            "also allows s3:PutBucketPolicy on arn:aws:s3:::account-b-reports to "
            "arn:aws:iam::333333333333:user/Nikhil",
        ),
        (
            read_with(Action=["s3:GetObject", "s3:Delete*"]),
            "also allows s3:DeleteObject on arn:aws:s3:::account-b-reports/q1.csv",
        ),
        (
            read_with(
                Action=["s3:GetObject", "s3:List*"],
                Resource=["arn:aws:s3:::account-b-reports", "arn:aws:s3:::account-b-reports/*"],
            ),
            "also allows s3:ListBucket on arn:aws:s3:::account-b-reports",
        ),
        (read_with(Action="s3:*"), "Nikhil writes an object"),
        # an unrelated action beside the one asked for
        (read_with(Action=["s3:GetObject", "s3:PutObjectAcl"]), "also allows s3:PutObjectAcl"),
        # other resources through wildcards: S3 refuses them, or they match other buckets
        (read_with(Resource="*"), "Policy has invalid resource"),
        (read_with(Resource="arn:aws:s3:::*/*"), "also matches buckets whose names start like"),
        (read_with(Resource="arn:aws:s3:::account-a-bucket/*"), "Policy has invalid resource"),
        (read_with(Resource="arn:aws:s3:::account-b-reports*"), "account-b-reports-logs"),
        # other principals
        (read_with(Principal="*"), "Dana of account 999988887777"),
        (read_with(Principal={"AWS": "*"}), "Dana of account 999988887777"),
        (
            read_with(Principal={"AWS": ["111111111111", "333333333333", "999988887777"]}),
            "Dana of account 999988887777",
        ),
        (
            read_with(
                Principal={
                    "AWS": ["111111111111", "333333333333", "arn:aws:iam::222222222222:user/Intern"]
                }
            ),
            "also allows s3:GetObject on arn:aws:s3:::account-b-reports/q1.csv to "
            "arn:aws:iam::222222222222:user/Intern",
        ),
        # conditions that let in more requests, or compare the wrong type
        (read_with(Condition={"NumericLessThanIfExists": {AGE: "3600"}}), "long-term access keys"),
        (read_with(Condition={"Bool": {PRESENT: "true"}}), "61 minutes old"),
        (read_with(Condition={"NumericLessThanEquals": {AGE: "3600"}}), "MFA 3600 s ago"),
        (read_with(Condition={"DateLessThan": {AGE: "3600"}}), "is a Numeric key"),
        (
            read_with(
                Condition={"NumericLessThan": {AGE: "3600"}, "BoolIfExists": {PRESENT: "false"}}
            ),
            "should be allowed",
        ),
    ],
)
def test_05_1_over_broad_and_wrong_answers_are_refused(answer: dict, text: str) -> None:
    says("05.1", answer, text)


def test_05_1_an_extra_statement_that_grants_something_else() -> None:
    extra = copy.deepcopy(model("05.1"))
    extra["Statement"].append(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "333333333333"},
            "Action": "s3:ListBucket",
            "Resource": "arn:aws:s3:::account-b-reports",
        }
    )
    says("05.1", extra, "also allows s3:ListBucket on arn:aws:s3:::account-b-reports")


def test_05_1_explanations_for_the_typical_slips() -> None:
    problems = says("05.1", read_with(Condition={"NumericLessThanEquals": {AGE: "3600"}}), "3600")
    assert "an MFA sign-in exactly 3600 s old is not less than one hour old" in problems
    problems = says("05.1", read_with(Resource="arn:aws:s3:::account-b-reports"), "should be")
    assert any("is the bucket itself; GetObject acts on its objects" in p for p in problems)
    problems = says(
        "05.1", read_with(Condition={"NumericLessThanIfExists": {AGE: "3600"}}), "long-term"
    )
    assert any("IfExists operator accepts a request without the MFA key" in p for p in problems)


# ---- 05.2 ------------------------------------------------------------------------------------


def deny_with(**changes: Any) -> dict:
    return changed("05.2", 1, lambda st: st.update(changes))


def test_05_2_right_answers_pass() -> None:
    assert check("05.2", model("05.2"))
    assert check("05.2", deny_with(Principal={"AWS": "*"}, Sid="Other"))
    assert check("05.2", deny_with(Condition={"NumericGreaterThanEquals": {AGE: "3601"}}))


def test_05_2_the_untouched_draft_is_not_an_answer() -> None:
    draft = load_policy("account-a-bucket-policy")
    draft["Statement"].append(None)
    feedback = check("05.2", draft)
    assert not feedback.answered
    assert feedback.problems == ["write your Deny statement in place of None in the Statement list"]
    assert not check("05.2", None).answered


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        (deny_with(Action="s3:*"), "also denies s3:GetObject"),
        (deny_with(Action="s3:Put*"), "s3:PutObjectAcl"),
        (deny_with(Action=["s3:PutObject", "s3:DeleteObject", "s3:GetObject"]), "s3:GetObject"),
        (
            deny_with(Condition={"NumericGreaterThanIfExists": {AGE: "3600"}}),
            "Mateo puts an object with long-term access keys",
        ),
        (deny_with(Condition={"NumericGreaterThanEquals": {AGE: "3600"}}), "MFA 3600 s ago"),
        (deny_with(Condition={"NumericGreaterThan": {AGE: "60"}}), "10 minutes old"),
        (deny_with(Condition={"DateGreaterThan": {AGE: "3600"}}), "is a Numeric key"),
        (deny_with(Principal={"AWS": "333333333333"}), "Mateo, administrator of account A"),
        (deny_with(Resource="*"), "Policy has invalid resource"),
        (deny_with(Resource="arn:aws:s3:::account-a-bucket-archive/*"), "invalid resource"),
    ],
)
def test_05_2_answers_that_change_something_else_are_refused(answer: dict, text: str) -> None:
    says("05.2", answer, text)


def test_05_2_an_age_limit_on_the_allow_does_not_stop_an_administrator() -> None:
    doc = load_policy("account-a-bucket-policy")
    doc["Statement"][0]["Condition"]["NumericLessThan"] = {AGE: "3600"}
    problems = says("05.2", doc, "Mateo, administrator of account A, puts an object, MFA")
    assert any("only an explicit Deny" in p for p in problems)
    assert check("05.2", doc).topics[0] == "explicit"


def test_05_2_an_extra_statement_that_grants_something_else() -> None:
    doc = model("05.2")
    doc["Statement"].append(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::account-a-bucket/*",
        }
    )
    says("05.2", doc, "also allows s3:GetObject on arn:aws:s3:::account-a-bucket/report.csv")


def test_05_2_explanations() -> None:
    problems = says(
        "05.2", deny_with(Condition={"NumericGreaterThanEquals": {AGE: "3600"}}), "3600"
    )
    assert "an MFA sign-in exactly 3600 s old is not more than an hour old" in problems
    problems = says(
        "05.2", deny_with(Condition={"NumericGreaterThanIfExists": {AGE: "3600"}}), "long-term"
    )
    assert any("it stops every write signed with long-term keys" in p for p in problems)


# ---- 05.3 ------------------------------------------------------------------------------------


def test_05_3_the_lab_decides_the_predictions() -> None:
    assert lab_outcomes() == model("05.3")
    assert set(lab_outcomes()) == set(WAYS)
    assert check("05.3", model("05.3"))


def test_05_3_count_first_then_questions() -> None:
    answer = dict(model("05.3"))
    answer["AssumeRole (Uploader) with MFA"] = "allowed"
    first = check("05.3", answer)
    assert first.problems[0].startswith("1 of your 4 predictions is not what IAM decides")
    answer["long-term access keys"] = "allowed"
    assert check("05.3", answer).problems == [
        "long-term access keys: not 'allowed'. Ask yourself: which MFA key does a request "
        "signed with long-term keys carry?",
        "AssumeRole (Uploader) with MFA: not 'allowed'. Ask yourself: what MFA value does a "
        "role session carry in the lab's default reading?",
    ]


def test_05_3_placeholder() -> None:
    assert not check("05.3", dict.fromkeys(WAYS)).answered
