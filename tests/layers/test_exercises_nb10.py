"""Exercises of notebook 10 (the capstone): the right answers, over-broad variants of every
kind (wildcard and extra actions, extra statements, wildcards in the account, region and name,
other buckets and objects, "*" principals and resources, operators of the wrong type,
...IfExists in the wrong place), wrong answers, the drafts, ``preview``, and the end-to-end
run of task 10.1 that the notebook's text describes.

AWS pages behind the rules: "Secure API access with MFA" (aws:MultiFactorAuthAge,
Bool on a missing key), "Access to AWS accounts owned by third parties" (sts:ExternalId),
"Disable permissions for temporary security credentials" (aws:TokenIssueTime and
DateLessThan), "Condition operators" (...IfExists, types), and S3's PutBucketPolicy (a
bucket policy names only its own bucket).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from iamlab.exercises import check, reset, solution
from iamlab.exercises.nb10 import (
    DRAFT_10_1,
    DRAFT_10_2,
    DRAFT_10_3,
    DRAFT_10_4,
    preview,
)

A, B, C = "111111111111", "222222222222", "333333333333"
PRESENT, AGE = "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"
ORDERS = f"arn:aws:dynamodb:us-east-1:{A}:table/Orders"
SHIPPER = f"arn:aws:iam::{C}:role/shipper"
DRAFTS = {"10.1": DRAFT_10_1, "10.2": DRAFT_10_2, "10.3": DRAFT_10_3, "10.4": DRAFT_10_4}


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


def model(exercise_id: str) -> Any:
    return json.loads(solution(exercise_id, instructor=True))


def changed(exercise_id: str, change: Callable[[dict], Any], index: int | None = None) -> dict:
    doc = copy.deepcopy(model(exercise_id))
    statements = doc["Statement"]
    change(statements if index is None else statements[index])
    return doc


def says(exercise: str, answer: Any, text: str) -> list[str]:
    feedback = check(exercise, answer)
    assert not feedback and feedback.answered, exercise
    assert any(text in p for p in feedback.problems), feedback.problems
    return feedback.problems


@pytest.mark.parametrize("exercise", sorted(DRAFTS))
def test_the_model_answers_pass_and_the_drafts_spend_nothing(exercise: str) -> None:
    assert check(exercise, model(exercise))
    for answer in (None, DRAFTS[exercise]):
        feedback = check(exercise, answer)
        assert not feedback.answered and feedback.hint is None


# ---- 10.1 ------------------------------------------------------------------------------------


def orders(**changes: Any) -> dict:
    return changed("10.1", lambda st: st.update(changes))


def test_10_1_other_right_answers() -> None:
    assert check("10.1", orders(Condition={"NumericLessThan": {AGE: "900"}}))
    assert check("10.1", orders(Action=["dynamodb:DeleteTable"], Resource=[ORDERS]))


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        # the draft's slips, one at a time
        (orders(Condition={"Bool": {PRESENT: "true"}}), "MFA sign-in 20 minutes old"),
        (orders(Resource=f"arn:aws:dynamodb:*:{A}:table/Orders"), "in eu-west-1"),
        # wildcard and extra actions
        (orders(Action="dynamodb:Delete*"), "DeleteItem on Orders, fresh MFA"),
        (orders(Action="dynamodb:*"), "DeleteItem on Orders, fresh MFA"),
        (orders(Action="dynamodb:DeleteTab*"), 'the Action "dynamodb:DeleteTab*" is a wildcard'),
        (orders(Action=["dynamodb:DeleteTable", "dynamodb:UpdateTable"]), "dynamodb:UpdateTable"),
        (orders(Action="*"), "DeleteItem on Orders"),
        # other resources through wildcards
        (orders(Resource="*"), "DeleteTable on Books, fresh MFA"),
        (orders(Resource=f"arn:aws:dynamodb:us-east-1:{A}:table/*"), "DeleteTable on Books"),
        (orders(Resource=f"arn:aws:dynamodb:us-east-1:{A}:table/Orders*"), "OrdersArchive"),
        (orders(Resource="arn:aws:dynamodb:us-east-1:*:table/Orders"), "in its account field"),
        # conditions: the boundary, missing keys, wrong types
        (orders(Condition={"NumericLessThanEquals": {AGE: "900"}}), "exactly 900 s old"),
        (orders(Condition={"NumericLessThan": {AGE: "1200"}}), "exactly 15 minutes old"),
        (orders(Condition={"NumericLessThanIfExists": {AGE: "900"}}), "accepts a request"),
        (orders(Condition={"BoolIfExists": {PRESENT: "true"}}), "long-term access keys"),
        (orders(Condition={"DateLessThan": {AGE: "900"}}), "is a Numeric key"),
        (orders(Condition={"StringEquals": {PRESENT: "true"}}), "is a Bool key"),
        # an identity policy has no Principal
        (orders(Principal={"AWS": A}), "IAM would reject this policy"),
    ],
)
def test_10_1_over_broad_and_wrong_answers_are_refused(answer: dict, text: str) -> None:
    says("10.1", answer, text)


def test_10_1_an_extra_statement() -> None:
    doc = orders()
    doc["Statement"] = [
        doc["Statement"],
        {"Effect": "Allow", "Action": "dynamodb:DescribeTable", "Resource": ORDERS},
    ]
    says("10.1", doc, "also allows dynamodb:DescribeTable")


def test_10_1_the_end_to_end_run_shows_what_the_notebook_says() -> None:
    """With the draft both deletions succeed; with the model answer the second, 20 minutes
    later with the same MFA credentials, is refused (and the credentials are still valid)."""
    assert _orders_run(DRAFT_10_1) == ["OK", "OK"]
    once, later = _orders_run(model("10.1"))
    assert once == "OK" and later.startswith("AccessDeniedException")


def _orders_run(policy: dict) -> list[str]:
    from iamlab import Lab
    from iamlab.notebook import attempt
    from iamlab.scenarios import enable_virtual_mfa

    lab = Lab()
    root = lab.create_account(A, name="Production")
    iam, ddb = root.client("iam"), root.client("dynamodb")
    iam.create_user(UserName="Operator")
    iam.put_user_policy(UserName="Operator", PolicyName="Orders", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="Operator")["AccessKey"]
    serial = enable_virtual_mfa(lab, iam, "Operator")

    def create_orders() -> None:
        ddb.create_table(
            TableName="Orders",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        )

    create_orders()
    lab.clock.advance(seconds=30)
    sts = lab.session(key).client("sts")
    creds = sts.get_session_token(SerialNumber=serial, TokenCode=lab.totp(serial))["Credentials"]
    mfa_ddb = lab.session(creds).client("dynamodb")
    outcomes = [str(attempt(lambda: mfa_ddb.delete_table(TableName="Orders")))]
    create_orders()
    lab.clock.advance(minutes=20)
    outcomes.append(str(attempt(lambda: mfa_ddb.delete_table(TableName="Orders"))))
    assert lab.session(creds).client("sts").get_caller_identity()  # still valid
    return outcomes


# ---- 10.2 ------------------------------------------------------------------------------------


def shipper(**changes: Any) -> dict:
    return changed("10.2", lambda st: st.update(changes))


def test_10_2_other_right_answers() -> None:
    assert check("10.2", shipper(Principal={"AWS": [SHIPPER]}))
    by_arn = shipper(
        Principal={"AWS": C},
        Condition={
            "StringEquals": {"sts:ExternalId": "bookshop-7731"},
            "ArnEquals": {"aws:PrincipalArn": SHIPPER},
        },
    )
    assert check("10.2", by_arn)


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        # the draft's slips: the whole account, and an MFA condition a program cannot meet
        (shipper(Principal={"AWS": C}), "Nikhil (a user of account C) passes the bookshop's ID"),
        (
            shipper(Condition={"Bool": {PRESENT: "true"}}),
            "an MFA condition keeps it out for good",
        ),
        (
            shipper(
                Condition={
                    "StringEquals": {"sts:ExternalId": "bookshop-7731"},
                    "Bool": {PRESENT: "true"},
                }
            ),
            "an MFA condition keeps it out for good",
        ),
        # other principals
        (shipper(Principal="*"), "Richard (account B) passes the bookshop's ID"),
        (shipper(Principal={"AWS": "*"}), "Nikhil (a user of account C)"),
        (shipper(Principal={"AWS": f"arn:aws:iam::{C}:root"}), "Nikhil (a user of account C)"),
        (
            shipper(Principal={"AWS": [SHIPPER, f"arn:aws:iam::{C}:role/Admin"]}),
            "a session of another role of account C (Admin)",
        ),
        (
            shipper(Principal={"AWS": f"arn:aws:sts::{C}:assumed-role/shipper/bookshop"}),
            "assumed-role/shipper/nightly",
        ),
        # conditions that let in more IDs, or none
        (shipper(Condition=None), "passes no external ID"),
        (shipper(Condition={"StringLike": {"sts:ExternalId": "bookshop-*"}}), "bookshop-773)"),
        (shipper(Condition={"StringLike": {"sts:ExternalId": "bookshop-7731*"}}), "bookshop-77310"),
        (
            shipper(Condition={"StringEqualsIgnoreCase": {"sts:ExternalId": "bookshop-7731"}}),
            "(AssumeRole without MFA, external ID BOOKSHOP-7731)",
        ),
        (
            shipper(Condition={"StringEqualsIfExists": {"sts:ExternalId": "bookshop-7731"}}),
            "the shipper service passes no external ID: your trust policy gives allowed",
        ),
        (
            shipper(Condition={"StringEquals": {"sts:ExternalId": ["bookshop-7731", "acme-4410"]}}),
            "acme-4410, the ID of another of its customers",
        ),
        (shipper(Condition={"Null": {"sts:ExternalId": "false"}}), "acme-4410"),
        # wildcard and extra actions
        (shipper(Action="sts:*"), "also allows sts:TagSession"),
        (shipper(Action="sts:AssumeRol?"), 'the Action "sts:AssumeRol?" is a wildcard'),
        (shipper(Action=["sts:AssumeRole", "sts:SetSourceIdentity"]), "sts:SetSourceIdentity"),
        # wrong types, and what IAM refuses in a trust policy
        (shipper(Condition={"NumericEquals": {"sts:ExternalId": "7731"}}), "is a String key"),
        (shipper(Resource="*"), "Has prohibited field Resource"),
        (shipper(Principal={"AWS": "arn:aws:iam::*:role/shipper"}), "Invalid principal"),
    ],
)
def test_10_2_over_broad_and_wrong_answers_are_refused(answer: dict, text: str) -> None:
    if "Condition" in answer["Statement"] and answer["Statement"]["Condition"] is None:
        del answer["Statement"]["Condition"]
    says("10.2", answer, text)


def test_10_2_an_extra_statement() -> None:
    doc = shipper()
    extra = {"Effect": "Allow", "Principal": {"AWS": B}, "Action": "sts:AssumeRole"}
    doc["Statement"] = [doc["Statement"], extra]
    says("10.2", doc, "Richard (account B) passes the bookshop's ID")


# ---- 10.3 ------------------------------------------------------------------------------------


def allow(**changes: Any) -> dict:
    return changed("10.3", lambda st: st.update(changes), 0)


def deny(**changes: Any) -> dict:
    return changed("10.3", lambda st: st.update(changes), 1)


def test_10_3_other_right_answers() -> None:
    assert check("10.3", deny(Condition={"Null": {AGE: "true"}}))
    roots = [f"arn:aws:iam::{B}:root", f"arn:aws:iam::{C}:root"]
    assert check("10.3", allow(Principal={"AWS": roots}))
    assert check("10.3", deny(Principal={"AWS": "*"}))


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        # the Allow: wildcard and extra actions, bucket-level ones included
        (allow(Action="s3:Put*"), "s3:PutObjectAcl"),
        (
            allow(
                Action="s3:Put*", Resource=["arn:aws:s3:::audit-logs", "arn:aws:s3:::audit-logs/*"]
            ),
            "also allows s3:PutBucketPolicy on arn:aws:s3:::audit-logs",
        ),
        (allow(Action=["s3:PutObject", "s3:DeleteObject"]), "Richard deletes a log"),
        (allow(Action=["s3:PutObject", "s3:GetObject"]), "Nikhil reads a log"),
        (allow(Action="s3:*"), "Richard deletes a log"),
        (allow(Action="s3:PutObjec?"), 'the Action "s3:PutObjec?" is a wildcard'),
        # the Allow: other resources and principals
        (allow(Resource="*"), "Policy has invalid resource"),
        (allow(Resource="arn:aws:s3:::audit-logs*/*"), "also matches buckets whose names start"),
        (allow(Resource="arn:aws:s3:::*/*"), "also matches buckets whose names start"),
        (allow(Resource="arn:aws:s3:::other-bucket/*"), "Policy has invalid resource"),
        (allow(Principal="*"), "Eve (account 444455556666) adds a log with MFA"),
        (allow(Principal={"AWS": [B, C, "444455556666"]}), "Eve (account 444455556666)"),
        # the Allow: conditions
        (allow(Condition={"BoolIfExists": {PRESENT: "true"}}), "with long-term access keys"),
        (allow(Condition={"Null": {PRESENT: "false"}}), "from a session without MFA"),
        (allow(Condition={"NumericLessThan": {PRESENT: "1"}}), "is a Bool key"),
        # the Deny: too narrow, too wide, the wrong operator
        (deny(Condition={"Bool": {PRESENT: "false"}}), "with long-term access keys: your bucket"),
        (deny(Action="s3:DeleteObject"), "deletes a version of a log"),
        (deny(Action="s3:Delete*"), 'the Action "s3:Delete*" is a wildcard'),
        (deny(Action="s3:*"), "s3:GetObject"),
        (deny(Principal={"AWS": [B, C]}), "the Operator of account A (who may do anything)"),
        (
            deny(Condition={"BoolIfExists": {PRESENT: "true"}}),
            "the Operator deletes a log with MFA",
        ),
        (deny(Condition=None), "the Operator deletes a log with MFA"),
        (deny(Resource="arn:aws:s3:::audit-logs"), "deletes a log with long-term access keys"),
    ],
)
def test_10_3_over_broad_and_wrong_answers_are_refused(answer: dict, text: str) -> None:
    for st in answer["Statement"]:
        if "Condition" in st and st["Condition"] is None:
            del st["Condition"]
    says("10.3", answer, text)


def test_10_3_an_extra_statement() -> None:
    doc = model("10.3")
    doc["Statement"].append(
        {
            "Effect": "Allow",
            "Principal": {"AWS": [B, C]},
            "Action": "s3:ListBucket",
            "Resource": "arn:aws:s3:::audit-logs",
        }
    )
    says("10.3", doc, "also allows s3:ListBucket on arn:aws:s3:::audit-logs")
    doc = model("10.3")
    doc["Statement"].append(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::audit-logs/*",
            "Condition": {"BoolIfExists": {PRESENT: "false"}},
        }
    )
    says("10.3", doc, "does not allow s3:PutObject on arn:aws:s3:::audit-logs/2026/01/15.log")


# ---- 10.4 ------------------------------------------------------------------------------------


def revoke(**changes: Any) -> dict:
    return changed("10.4", lambda st: st.update(changes))


def test_10_4_other_right_answers() -> None:
    assert check("10.4", revoke(Action=["*"], Resource=["*"]))
    date = "2026-01-15T12:00:00Z"
    both = {"DateLessThan": {"aws:TokenIssueTime": date}, "Null": {"aws:TokenIssueTime": "false"}}
    assert check("10.4", revoke(Condition=both))


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        # the condition: the key, the operator, the boundary, missing keys
        (
            revoke(
                Condition={"DateLessThanIfExists": {"aws:TokenIssueTime": "2026-01-15T12:00:00Z"}}
            ),
            "it locks out the new key too",
        ),
        (
            revoke(
                Condition={"DateLessThanEquals": {"aws:TokenIssueTime": "2026-01-15T12:00:00Z"}}
            ),
            "exactly 12:00:00",
        ),
        (
            revoke(Condition={"DateLessThan": {"aws:CurrentTime": "2026-01-15T12:00:00Z"}}),
            "a session issued at 09:00 uploads a release",
        ),
        (
            revoke(Condition={"DateLessThan": {"aws:TokenIssueTime": "2026-01-15T13:00:00Z"}}),
            "12:00:01",
        ),
        (
            revoke(Condition={"NumericLessThan": {"aws:TokenIssueTime": "1768478400"}}),
            "is a Date key",
        ),
        (
            revoke(Condition={"Bool": {PRESENT: "false"}}),
            "a session issued at 11:59:59 with MFA",
        ),
        # a Deny narrower than "everything"
        (revoke(Action="s3:*"), "a session issued at 11:59:59 with MFA deletes a table"),
        (revoke(Action=["s3:*", "dynamodb:*"]), "does not deny"),
        (revoke(Resource="arn:aws:s3:::*"), "deletes a table"),
        # an Allow where a Deny is needed
        (revoke(Effect="Allow"), "a session issued at 09:00 uploads a release"),
    ],
)
def test_10_4_over_broad_and_wrong_answers_are_refused(answer: dict, text: str) -> None:
    says("10.4", answer, text)


def test_10_4_an_extra_statement() -> None:
    doc = model("10.4")
    doc["Statement"] = [
        doc["Statement"],
        {"Effect": "Deny", "Action": "iam:CreateAccessKey", "Resource": "*"},
    ]
    says("10.4", doc, "no longer allows iam:CreateAccessKey")


# ---- preview -------------------------------------------------------------------------------


def test_preview_shows_the_named_requests_and_counts_the_neighbours() -> None:
    table = preview("10.1", DRAFT_10_1)
    rows = list(table["check"])
    assert rows.count("WRONG") == 4 and rows[-1] == "WRONG"
    assert list(preview("10.1", model("10.1"))["check"]) == ["ok"] * len(rows)
    assert "other requests" in list(table["request"])[-1]
    assert not check("10.1", None).answered  # preview spent nothing: still no hint given


def test_preview_reports_what_iam_rejects() -> None:
    with pytest.raises(ValueError, match="IAM would reject this policy"):
        preview("10.2", {"Version": "2012-10-17", "Statement": {"Effect": "Allow"}})
    with pytest.raises(KeyError, match="preview knows the tasks"):
        preview("09.2", DRAFT_10_2)


def test_solutions_are_kept_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IAMLAB_INSTRUCTOR", raising=False)
    for ex in ("10.1", "10.2", "10.3", "10.4", "10.why", "10.quiz"):
        assert "instructor guide" in solution(ex)


def test_preview_works_without_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    """The browser site has no pandas: preview returns the lab's own Table there."""
    from iamlab import tables

    monkeypatch.setattr(tables, "pandas", lambda: None)
    table = preview("10.4", DRAFT_10_4)
    assert isinstance(table, tables.Table)
    assert list(table["check"]).count("WRONG") == 4
