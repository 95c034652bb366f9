"""Exercises of notebook 07 (revoking temporary credentials): the right answers, every kind of
over-broad answer, wrong answers and the placeholders, and the questions. The bucket policies
follow the IAM User Guide page "Disable permissions for temporary security credentials": a
Principal naming a role covers all its sessions, naming the IAM user who called
GetFederationToken covers the federated users it created, and long-term keys carry no
aws:TokenIssueTime."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from iamlab.exercises import check, reset, solution
from iamlab.exercises.nb07 import (
    ANSWERS,
    BUCKET,
    FEDERATED_ONLY,
    OBJECTS,
    ROLE,
    ROLE_BEFORE_CUTOFF,
    SITUATIONS,
    TOKEN_APP,
    federated,
    fitting,
    narrowest,
    replay,
)

CUTOFF = "2026-01-15T10:00:00Z"
ISSUED = "aws:TokenIssueTime"


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


def says(exercise: str, answer: Any, text: str) -> list[str]:
    feedback = check(exercise, answer)
    assert not feedback, exercise
    assert any(text in p for p in feedback.problems), feedback.problems
    return feedback.problems


def changed(model: dict, change: Callable[[dict], Any]) -> dict:
    doc = copy.deepcopy(model)
    change(doc["Statement"][0])
    return doc


# ---- 07.1 · revoke the role's older sessions at the bucket -----------------------------------


def cutoff(change: Callable[[dict], Any]) -> dict:
    return changed(ROLE_BEFORE_CUTOFF, change)


def test_07_1_right_answers_pass() -> None:
    assert check("07.1", json.loads(solution("07.1", instructor=True)))
    # everyone, narrowed to the role by a condition on the caller
    by_condition = cutoff(
        lambda st: st.update(
            Principal="*",
            Condition={"DateLessThan": {ISSUED: CUTOFF}, "ArnEquals": {"aws:PrincipalArn": ROLE}},
        )
    )
    assert check("07.1", by_condition)
    # the cut-off as epoch seconds (2026-01-15T10:00:00Z)
    assert check(
        "07.1", cutoff(lambda st: st.update(Condition={"DateLessThan": {ISSUED: "1768471200"}}))
    )
    # "*" in a bucket policy's Action means every S3 action on this bucket
    assert check("07.1", cutoff(lambda st: st.update(Action="*")))
    # one statement for the bucket, one for its objects
    two = copy.deepcopy(ROLE_BEFORE_CUTOFF)
    first = two["Statement"][0]
    two["Statement"] = [dict(first, Resource=BUCKET), dict(first, Sid="Objects", Resource=OBJECTS)]
    assert check("07.1", two)


def test_07_1_placeholder() -> None:
    feedback = check("07.1", None)
    assert not feedback.answered and feedback.hint is None


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        # the bucket, not its objects (the AWS page's own policies name only the bucket)
        (cutoff(lambda st: st.update(Resource=BUCKET)), "reads ledger.csv"),
        (cutoff(lambda st: st.update(Resource=OBJECTS)), "lists the bucket"),
        # the wrong time key, the wrong direction, the boundary, the wrong operator type
        (
            cutoff(lambda st: st.update(Condition={"DateLessThan": {"aws:CurrentTime": CUTOFF}})),
            "aws:CurrentTime is the time of the request",
        ),
        (
            cutoff(lambda st: st.update(Condition={"DateGreaterThan": {ISSUED: CUTOFF}})),
            "issued at 10:00:01 reads ledger.csv",
        ),
        (
            cutoff(lambda st: st.update(Condition={"DateLessThanEquals": {ISSUED: CUTOFF}})),
            "issued at exactly 10:00:00",
        ),
        (
            cutoff(lambda st: st.update(Condition={"NumericLessThan": {ISSUED: "1768471200"}})),
            "is a Date key",
        ),
        # no condition: later sessions are stopped too
        (cutoff(lambda st: st.pop("Condition")), "issued at 10:00:01"),
        # one session name instead of the role
        (
            cutoff(lambda st: st.update(Principal={"AWS": f"{ROLE.replace(':iam:', ':sts:')}"})),
            "Invalid principal",
        ),
        (
            cutoff(
                lambda st: st.update(
                    Principal={"AWS": "arn:aws:sts::111111111111:assumed-role/Accounting-Role/Mary"}
                )
            ),
            "the report session issued at 09:59:59",
        ),
        # too many principals: everyone's temporary credentials, the whole account
        (cutoff(lambda st: st.update(Principal="*")), "Bob (a federated user of token-app)"),
        (cutoff(lambda st: st.update(Principal={"AWS": "111111111111"})), "Bob"),
        # fewer actions than "nothing at all"
        (
            cutoff(lambda st: st.update(Action=["s3:ListBucket", "s3:GetObject", "s3:PutObject"])),
            "deletes ledger.csv",
        ),
        (cutoff(lambda st: st.update(Action="s3:Get*")), "lists the bucket"),
        # other resources: S3 refuses them, or they reach other buckets
        (cutoff(lambda st: st.update(Resource="*")), "Policy has invalid resource"),
        (cutoff(lambda st: st.update(Resource="arn:aws:s3:::*/*")), "also matches buckets"),
        (
            cutoff(lambda st: st.update(Resource=["arn:aws:s3:::example-bucket*"])),
            "also matches buckets whose names start like",
        ),
    ],
)
def test_07_1_wrong_and_over_broad_answers_are_refused(answer: dict, text: str) -> None:
    says("07.1", answer, text)


def test_07_1_an_extra_statement_that_grants_something_else() -> None:
    extra = copy.deepcopy(ROLE_BEFORE_CUTOFF)
    extra["Statement"].append(
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": OBJECTS}
    )
    says("07.1", extra, "also allows s3:GetObject")


# ---- 07.2 · the narrowest revocation ---------------------------------------------------------


def test_07_2_replay_matches_the_story() -> None:
    older = replay("revoke older sessions of the role")
    assert older == {
        "Mary's earlier session": False,
        "the earlier report session": False,
        "Bob's earlier session": True,
        "Carol's earlier session": True,
        "Mary's new session (after the revocation)": True,
    }
    assert all(replay("nothing").values())


def test_07_2_each_situation_has_exactly_one_answer() -> None:
    for key in SITUATIONS:
        assert fitting(key) == [ANSWERS[key]], key
    assert narrowest() == ANSWERS
    assert check("07.2", ANSWERS)


def test_07_2_count_first_then_questions() -> None:
    answer = dict(ANSWERS, c="deny the session Mary in the bucket policy")
    first = check("07.2", answer)
    assert first.problems[0].startswith("1 of your 3 predictions")
    second = check("07.2", dict(answer, a="deny the role in the bucket policy"))
    assert [p.split(":")[0] for p in second.problems] == ["a", "c"]


def test_07_2_placeholder_and_unknown_choices() -> None:
    assert not check("07.2", {"a": None, "b": None, "c": None}).answered
    feedback = check("07.2", {"a": ANSWERS["a"], "b": "delete the bucket", "c": None})
    assert any(p.startswith("b: answer one of") for p in feedback.problems)
    assert any(p.startswith("c: no prediction") for p in feedback.problems)


# ---- 07.3 · token-app's federated users, not its keys ----------------------------------------


def like_federated() -> dict:
    return {"ArnLike": {"aws:PrincipalArn": "arn:aws:sts::111111111111:federated-user/*"}}


def federated_only(change: Callable[[dict], Any]) -> dict:
    return changed(FEDERATED_ONLY, change)


def test_07_3_right_answers_pass() -> None:
    assert check("07.3", json.loads(solution("07.3", instructor=True)))
    # the callers' ARNs are federated users' ARNs
    like = {"ArnLike": {"aws:PrincipalArn": "arn:aws:sts::111111111111:federated-user/*"}}
    assert check("07.3", federated_only(lambda st: st.update(Condition=like)))
    # every temporary credential was issued before the year 2100
    later = {"DateLessThan": {ISSUED: "2100-01-01T00:00:00Z"}}
    assert check("07.3", federated_only(lambda st: st.update(Condition=later)))


def test_07_3_placeholder() -> None:
    assert not check("07.3", None).answered


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        # naming token-app alone also stops its own keys
        (federated_only(lambda st: st.pop("Condition")), "naming token-app in the Principal"),
        (
            federated_only(lambda st: st.update(Condition={"Null": {ISSUED: "true"}})),
            "token-app lists the bucket with its own access keys",
        ),
        # federated users one by one miss tomorrow's
        (
            federated_only(
                lambda st: (
                    st.update(Principal={"AWS": [federated("Bob"), federated("Carol")]}),
                    st.pop("Condition"),
                )
            ),
            "federated users named one by one",
        ),
        # everyone's temporary credentials
        (federated_only(lambda st: st.update(Principal="*")), "Mary's role session"),
        (
            federated_only(lambda st: st.update(Principal="*", Condition={**like_federated()})),
            "Dana, a federated user that Anaya",
        ),
        # the bucket without its objects, wildcards in the actions
        (federated_only(lambda st: st.update(Resource=BUCKET)), "Carol (federated) reads"),
        (federated_only(lambda st: st.update(Action="s3:Get*")), "Bob (federated) lists"),
        # other resources
        (federated_only(lambda st: st.update(Resource="*")), "Policy has invalid resource"),
        (
            federated_only(lambda st: st.update(Resource="arn:aws:s3:::other-bucket/*")),
            "Policy has invalid resource",
        ),
        # a condition operator of the wrong type
        (
            federated_only(
                lambda st: st.update(Condition={"NumericLessThan": {ISSUED: "4102444800"}})
            ),
            "is a Date key",
        ),
    ],
)
def test_07_3_wrong_and_over_broad_answers_are_refused(answer: dict, text: str) -> None:
    says("07.3", answer, text)


def test_07_3_an_extra_statement_that_grants_something_else() -> None:
    extra = copy.deepcopy(FEDERATED_ONLY)
    extra["Statement"].append(
        {
            "Effect": "Allow",
            "Principal": {"AWS": TOKEN_APP},
            "Action": "s3:ListBucket",
            "Resource": BUCKET,
        }
    )
    # token-app's own policy already allows listing; an Allow for everyone is what leaks
    assert check("07.3", extra)
    extra["Statement"][1]["Principal"] = "*"
    says("07.3", extra, "also allows s3:ListBucket")


# ---- questions -------------------------------------------------------------------------------


def test_questions_right_answers_and_misconceptions() -> None:
    assert check("07.why", "c")
    assert check("07.quiz", {1: "b", 2: "a", 3: "c", 4: "b"})
    wrong = check("07.why", "a")
    assert "No policy can restrict the root user" in wrong.problems[0]


def test_solutions_stay_with_instructors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IAMLAB_INSTRUCTOR", raising=False)
    for ex in ("07.1", "07.2", "07.3", "07.why", "07.quiz"):
        assert "instructor guide" in solution(ex)


def test_the_sts_operations_notebook_07_prints_do_not_depend_on_botocore_s_version() -> None:
    """Notebook 07 prints the STS operations that accept an MFA code (STS API Reference:
    AssumeRole and GetSessionToken take SerialNumber and TokenCode) and those that revoke
    credentials (none), not botocore's whole operation list."""
    import boto3

    sts = boto3.session.Session(
        aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x", region_name="us-east-1"
    ).client("sts")
    model = sts.meta.service_model

    def takes(operation: str, *parameters: str) -> bool:
        shape = model.operation_model(operation).input_shape
        return shape is not None and set(parameters) <= set(shape.members)

    names = model.operation_names
    assert [op for op in names if takes(op, "SerialNumber", "TokenCode")] == [
        "AssumeRole",
        "GetSessionToken",
    ]
    assert [op for op in names if "Revoke" in op] == []
