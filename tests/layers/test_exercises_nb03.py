"""Exercises of notebook 03: the model solutions pass, typical slips get specific feedback."""

from __future__ import annotations

import json

import pytest

from iamlab.data import load_policy
from iamlab.exercises import check, reset, solution


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


def model(exercise_id: str) -> dict:
    return json.loads(solution(exercise_id, instructor=True))


def trust(principal: object, condition: dict | None = None) -> dict:
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    statement["Condition"] = condition or {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    return {"Version": "2012-10-17", "Statement": statement}


@pytest.mark.parametrize("exercise_id", ["03.1", "03.2", "03.3"])
def test_model_solutions_pass_and_none_fails(exercise_id: str) -> None:
    assert check(exercise_id, model(exercise_id))
    feedback = check(exercise_id, None)
    assert not feedback and "replace None" in feedback.problems[0]
    assert feedback.hint


def test_the_seed_policy_is_refused_with_both_slips_named() -> None:
    feedback = check("03.1", load_policy("cross-account-role-permissions.seed"))
    problems = "\n".join(feedback.problems)
    assert "reads a book (GetItem on Books)" in problems and "should be allowed" in problems
    assert "dynamodb:ListTable is not a DynamoDB action" in problems
    assert "names account 222222222222 (B)" in problems


def test_the_full_access_policy_is_too_broad_for_read_only() -> None:
    feedback = check("03.1", load_policy("cross-account-role-permissions"))
    assert any("adds a book (PutItem)" in p and "should be denied" in p for p in feedback.problems)
    assert not any("reads a book" in p for p in feedback.problems)


def test_read_only_without_list_tables_statement() -> None:
    doc = model("03.1")
    doc["Statement"] = doc["Statement"][:1]
    feedback = check("03.1", doc)
    assert [p.split(":")[0] for p in feedback.problems] == ["The role session lists the tables"]


def test_read_only_on_every_table_is_refused() -> None:
    doc = model("03.1")
    doc["Statement"][0]["Resource"] = "*"
    feedback = check("03.1", doc)
    assert any(p.startswith("The role session reads another table") for p in feedback.problems)


def test_an_mfa_condition_in_the_permissions_policy_is_explained() -> None:
    doc = model("03.1")
    for statement in doc["Statement"]:
        statement["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    feedback = check("03.1", doc)
    assert any("MFA is checked when Richard assumes the role" in p for p in feedback.problems)


def test_other_correct_trust_policies_pass() -> None:
    assert check("03.2", trust("arn:aws:iam::222222222222:root"))
    assert check("03.2", trust("222222222222", {"Bool": {"aws:MultiFactorAuthPresent": True}}))
    by_condition = trust(
        "222222222222",
        {
            "Bool": {"aws:MultiFactorAuthPresent": "true"},
            "ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::222222222222:user/Richard"},
        },
    )
    assert check("03.3", by_condition)


def test_bool_if_exists_lets_long_term_keys_in() -> None:
    feedback = check(
        "03.2", trust("222222222222", {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}})
    )
    assert any("no MFA key at all" in p and "should be denied" in p for p in feedback.problems)
    assert any("IfExists operator accepts" in p for p in feedback.problems)


def test_trusting_the_wrong_account_or_everyone() -> None:
    wrong = check("03.2", trust("333333333333"))
    assert any(p.startswith("Richard (account B) assumes") for p in wrong.problems)
    everyone = check("03.2", trust("*"))
    assert any(p.startswith("Nikhil of account C") for p in everyone.problems)


def test_a_trust_policy_without_principal_is_reported_like_iam() -> None:
    doc = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}}
    assert "IAM would reject this policy" in check("03.2", doc).problems[0]


def test_trusting_account_b_is_too_wide_for_only_richard() -> None:
    feedback = check("03.3", load_policy("cross-account-trust"))
    assert [p.split(":")[0] for p in feedback.problems] == [
        "Maria, another user of account B allowed to assume it, with an MFA code"
    ]


def test_only_richard_without_mfa_fails() -> None:
    doc = trust("arn:aws:iam::222222222222:user/Richard")
    del doc["Statement"]["Condition"]
    feedback = check("03.3", doc)
    assert any("without MFA" in p and "should be denied" in p for p in feedback.problems)


def test_hints_grow_and_the_first_does_not_give_the_answer() -> None:
    for exercise_id in ("03.1", "03.2", "03.3"):
        hints = [check(exercise_id, None).hint for _ in range(3)]
        assert len(set(hints)) == 3
        assert "sts:AssumeRole" not in hints[0] and "dynamodb:GetItem" not in hints[0]
