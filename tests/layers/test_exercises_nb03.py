"""Exercises of notebook 03: the right answers, every kind of over-broad answer, wrong answers,
the placeholders, the lesson's shape, and the trail's word on a code used twice.

The rules come from the AWS page "Secure API access with MFA" (the cross-account story), the
IAM User Guide's "Cross-account policy evaluation logic" (both accounts must allow) and the
Service Authorization Reference for DynamoDB (table ARNs name region and account)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from iamlab.exercises import check, reset, solution
from iamlab.exercises.nb03 import TABLE, spanish_edition_policy
from iamlab.notebook import attempt
from iamlab.scenarios import build_cross_account
from tests.layers import test_lesson_shape as shape

PRESENT, AGE = "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"
READS = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"]
RICHARD = "arn:aws:iam::222222222222:user/Richard"
MFA = {"Bool": {PRESENT: "true"}}
RECENT = {"NumericLessThan": {AGE: "3600"}}


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any, resource: Any = TABLE, condition: dict | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


LIST = allow("dynamodb:ListTables", "*")


def reads(action: Any = READS, resource: Any = TABLE, **kw: Any) -> dict[str, Any]:
    return policy(allow(action, resource, kw.get("condition")), kw.get("listing", LIST))


def trust(principal: Any, condition: dict | None, action: Any = "sts:AssumeRole") -> dict:
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": action}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": statement}


def says(exercise: str, answer: Any, text: str) -> list[str]:
    feedback = check(exercise, answer)
    assert not feedback, exercise
    assert any(text in p for p in feedback.problems), feedback.problems
    return feedback.problems


@pytest.mark.parametrize("exercise", ["03.1", "03.2", "03.3"])
def test_model_answers_pass_and_the_placeholder_spends_nothing(exercise: str) -> None:
    assert check(exercise, json.loads(solution(exercise, instructor=True)))
    feedback = check(exercise, None)
    assert not feedback.answered and feedback.hint is None


# ---- 03.1 ------------------------------------------------------------------------------------


def test_03_1_other_right_answers_pass() -> None:
    assert check("03.1", reads())
    split = policy(*(allow(a) for a in READS), LIST)
    assert check("03.1", split)
    assert check("03.1", reads(resource=[TABLE]))


def test_03_1_the_spanish_edition_s_policy_is_refused_with_both_slips_named() -> None:
    problems = says("03.1", spanish_edition_policy(), "dynamodb:ListTable is not a DynamoDB action")
    assert any(
        "names account 222222222222 (B), but Books belongs to account A" in p for p in problems
    )


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        # wildcard actions, on both kinds of resource
        (reads("dynamodb:*"), "adds a book (PutItem)"),
        (reads(["dynamodb:Get*", "dynamodb:Query", "dynamodb:Scan"]), "GetResourcePolicy"),
        (reads(listing=allow("dynamodb:List*", "*")), "also allows dynamodb:ListBackups"),
        (reads(listing=allow("dynamodb:ListTable?", "*")), "is a wildcard"),
        (reads(["dynamodb:*Item", "dynamodb:Query", "dynamodb:Scan"]), "adds a book (PutItem)"),
        (reads(["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Sc*"]), "is a wildcard"),
        # an extra action beside the ones asked for
        (reads([*READS, "dynamodb:BatchGetItem"]), "also allows dynamodb:BatchGetItem"),
        (reads([*READS, "dynamodb:DescribeTable"]), "also allows dynamodb:DescribeTable"),
        # an extra statement that grants or denies something else
        (policy(*reads()["Statement"], allow("s3:GetObject", "*")), "also allows s3:GetObject"),
        (
            policy(*reads()["Statement"], {"Effect": "Deny", "Action": "sqs:*", "Resource": "*"}),
            "also denies sqs:",
        ),
        # other tables: name prefix, account, region, "*"
        (reads(resource=TABLE + "*"), "reads another table of account A (BooksArchive)"),
        (reads(resource=TABLE.replace("Books", "*")), "BooksArchive"),
        (reads(resource=TABLE.replace("111111111111", "*")), 'has "*" in its account field'),
        (reads(resource=TABLE.replace("us-east-1", "*")), "in eu-west-1"),
        (reads(resource="*"), "BooksArchive"),
        (reads(resource="arn:aws:dynamodb:us-east-1:111111111111:table/*"), "BooksArchive"),
        # a listing statement that lists more than tables
        (reads(listing=allow(["dynamodb:ListTables", "dynamodb:DescribeLimits"], "*")), "Limits"),
    ],
)
def test_03_1_over_broad_answers_are_refused(answer: dict, text: str) -> None:
    says("03.1", answer, text)


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        (policy(allow(READS)), "lists the tables"),
        (reads(listing=allow("dynamodb:ListTable", "*")), "is not a DynamoDB action"),
        (reads(listing=allow("dynamodb:ListTables", TABLE)), "lists the tables"),
        (reads(resource=TABLE.replace("111111111111", "222222222222")), "belongs to account A"),
        (reads(["dynamodb:GetItem", "dynamodb:Scan"]), "queries Books"),
        (reads(condition=MFA), "a condition on it here locks him out"),
        (reads(resource="arn:aws:dynamodb:us-east-1:111111111111:table/books"), "reads a book"),
    ],
)
def test_03_1_wrong_answers_are_refused(answer: dict, text: str) -> None:
    says("03.1", answer, text)


# ---- 03.2 ------------------------------------------------------------------------------------


def test_03_2_other_right_answers_pass() -> None:
    assert check("03.2", trust("333333333333", RECENT))  # the age exists only after MFA
    assert check("03.2", trust("arn:aws:iam::333333333333:root", {**MFA, **RECENT}))
    assert check("03.2", trust(["333333333333"], RECENT))


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        # copying Step 1's trust policy: the wrong account, and no age limit
        (trust("222222222222", MFA), "Richard of account B (222222222222) assumes it"),
        # wildcard and extra actions
        (trust("333333333333", RECENT, "sts:*"), "also allows sts:TagSession"),
        (trust("333333333333", RECENT, "sts:Assume*"), "is a wildcard"),
        (trust("333333333333", RECENT, ["sts:AssumeRole", "sts:SetSourceIdentity"]), "Source"),
        # other principals
        (trust("*", RECENT), "Richard of account B"),
        (trust(["333333333333", "222222222222"], RECENT), "Richard of account B"),
        (trust(["333333333333", "111111111111"], RECENT), "Anaya"),
        # the MFA conditions too loose or of the wrong type
        (trust("333333333333", MFA), "2 hours old"),
        (trust("333333333333", {"NumericLessThanIfExists": {AGE: "3600"}}), "no MFA key at all"),
        (trust("333333333333", {"NumericLessThanEquals": {AGE: "3600"}}), "MFA 3600 s ago"),
        (trust("333333333333", {"DateLessThan": {AGE: "3600"}}), "is a Numeric key"),
        (trust("333333333333", None), "no MFA key at all"),
    ],
)
def test_03_2_over_broad_and_wrong_answers_are_refused(answer: dict, text: str) -> None:
    says("03.2", answer, text)


def test_03_2_typical_slips_are_explained() -> None:
    problems = says("03.2", trust("333333333333", {"NumericLessThanIfExists": {AGE: "3600"}}), "")
    assert any(
        "an ...IfExists operator accepts a request that has no MFA key" in p for p in problems
    )
    problems = says("03.2", trust("333333333333", {"NumericLessThanEquals": {AGE: "3600"}}), "")
    assert "an MFA sign-in exactly 3600 s old is not less than one hour old" in problems


def test_03_2_a_trust_policy_is_validated_as_one() -> None:
    with_resource = trust("333333333333", RECENT)
    with_resource["Statement"]["Resource"] = "*"
    says("03.2", with_resource, "IAM would reject this policy")
    no_principal = trust("333333333333", RECENT)
    del no_principal["Statement"]["Principal"]
    says("03.2", no_principal, "IAM would reject this policy")


# ---- 03.3 ------------------------------------------------------------------------------------


def test_03_3_other_right_answers_pass() -> None:
    assert check("03.3", trust([RICHARD], MFA))
    assert check("03.3", trust(RICHARD, {"Bool": {PRESENT: True}}))


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        (trust("222222222222", MFA), "Maria, another user of account B"),
        (trust("arn:aws:iam::222222222222:root", MFA), "Maria"),
        (trust([RICHARD, "arn:aws:iam::222222222222:user/Maria"], MFA), "Maria"),
        (trust("*", MFA), "Nikhil of account C"),
        (trust(RICHARD, MFA, "sts:*"), "also allows sts:TagSession"),
        (trust(RICHARD, MFA, "sts:AssumeRole*"), "is a wildcard"),
        (trust(RICHARD, {"BoolIfExists": {PRESENT: "true"}}), "no MFA key at all"),
        (trust(RICHARD, None), "without MFA"),
        (trust(RICHARD, {"StringEquals": {PRESENT: "true"}}), "Bool"),
    ],
)
def test_03_3_over_broad_and_wrong_answers_are_refused(answer: dict, text: str) -> None:
    says("03.3", answer, text)


# ---- the lab behaviour the notebook shows ------------------------------------------------------


def test_a_reused_code_reads_like_a_wrong_one_and_only_the_trail_tells() -> None:
    """AWS words a wrong code and a reused one alike (docs/aws-behaviour.md, "STS"); single use
    is the lab's decision D2, and the trail's note on it is the lab's own."""
    story = build_cross_account()
    lab, richard = story.lab, story.richard
    sts = richard.client("sts")
    args = {"RoleArn": story.cross_account_role, "RoleSessionName": "Richard"}
    code = lab.totp(richard.mfa_serial)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    mistyped = attempt(
        lambda: sts.assume_role(**args, SerialNumber=richard.mfa_serial, TokenCode=wrong)
    )
    assert attempt(lambda: sts.assume_role(**args, SerialNumber=richard.mfa_serial, TokenCode=code))
    reused = attempt(
        lambda: sts.assume_role(**args, SerialNumber=richard.mfa_serial, TokenCode=code)
    )
    assert (mistyped.code, mistyped.message) == (reused.code, reused.message)
    reasons = list(lab.trail()["reason"])
    assert reasons[-3] == mistyped.message
    assert reasons[-1].startswith(reused.message) and "already been accepted once" in reasons[-1]
    assert "already been accepted" in lab.explain_last()
    lab.clock.advance(seconds=90)  # the used code is out of the window: just a wrong code now
    stale = attempt(
        lambda: sts.assume_role(**args, SerialNumber=richard.mfa_serial, TokenCode=code)
    )
    assert stale.message == mistyped.message
    assert list(lab.trail()["reason"])[-1] == mistyped.message


def test_a_serial_number_that_is_not_the_caller_s_device_is_refused() -> None:
    """ "Secure API access with MFA": a request with an invalid MFA device identifier is
    refused."""
    story = build_cross_account()
    richard = story.richard
    outcome = attempt(
        lambda: richard.client("sts").assume_role(
            RoleArn=story.cross_account_role,
            RoleSessionName="Richard",
            SerialNumber=richard.mfa_serial.replace("Richard", "Maria"),
            TokenCode=story.lab.totp(richard.mfa_serial),
        )
    )
    assert outcome.code == "AccessDenied" and "serial number is valid" in outcome.message


# ---- the lesson ------------------------------------------------------------------------------


def test_the_lesson_has_its_shape() -> None:
    shape.test_sections_come_in_the_lesson_order("03")
    shape.test_learners_never_read_the_word_seed("03")
    shape.test_every_checked_id_exists_and_questions_are_asked("03")
    shape.test_the_aws_pages_are_linked_by_title_and_public_url("03")
    text = shape.source("03")
    assert "pd." not in text and "pandas" not in text
    # the two slips are the Spanish edition's; the Italian edition is named for contrast
    assert "docs.aws.amazon.com/es_es/" in text and "docs.aws.amazon.com/it_it/" in text
    assert "`ACCOUNT-A-ID`" in text and "Only Richard" in text
