"""Exercises of notebook 05: the model solutions pass, typical slips get specific feedback."""

from __future__ import annotations

import json

import pytest

from iamlab.data import load_policy
from iamlab.exercises import check, reset, solution
from iamlab.exercises.nb05 import WAYS, lab_outcomes


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


def model(exercise_id: str) -> dict:
    return json.loads(solution(exercise_id, instructor=True))


def seed_bucket_policy() -> dict:
    return load_policy("account-a-bucket-policy")


@pytest.mark.parametrize("exercise_id", ["05.1", "05.2", "05.3"])
def test_model_solutions_pass_and_none_fails(exercise_id: str) -> None:
    assert check(exercise_id, model(exercise_id))
    feedback = check(exercise_id, None)
    assert not feedback and "replace None" in feedback.problems[0]
    assert feedback.hint


def test_another_correct_bucket_policy_passes() -> None:
    doc = seed_bucket_policy()
    statement = doc["Statement"][0]
    statement["Principal"] = "*"
    statement["Condition"]["StringEquals"] = {
        "aws:PrincipalAccount": ["111111111111", "222222222222", "333333333333"]
    }
    assert check("05.1", doc)


def test_bucket_arn_instead_of_objects_is_named() -> None:
    doc = seed_bucket_policy()
    doc["Statement"][0]["Resource"] = "arn:aws:s3:::account-a-bucket"
    feedback = check("05.1", doc)
    assert any(p.startswith("Nikhil (account C) puts") for p in feedback.problems)
    assert "is the bucket itself" in feedback.problems[-1]


def test_bool_if_exists_and_missing_condition_let_long_term_keys_in() -> None:
    doc = seed_bucket_policy()
    doc["Statement"][0]["Condition"] = {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}
    feedback = check("05.1", doc)
    assert any("long-term keys" in p and "should be denied" in p for p in feedback.problems)
    assert "IfExists operator" in feedback.problems[-1]
    del doc["Statement"][0]["Condition"]
    assert len(check("05.1", doc).problems) == 2


def test_everyone_or_reading_is_too_broad() -> None:
    doc = seed_bucket_policy()
    doc["Statement"][0]["Principal"] = "*"
    assert [p.split(":")[0] for p in check("05.1", doc).problems] == [
        "Dana of account 444455556666 puts an object with MFA"
    ]
    doc = seed_bucket_policy()
    doc["Statement"][0]["Action"] = "s3:*"
    assert [p.split(":")[0] for p in check("05.1", doc).problems] == [
        "Nikhil reads an object with MFA"
    ]


def test_missing_account_b() -> None:
    doc = seed_bucket_policy()
    doc["Statement"][0]["Principal"] = {"AWS": ["111111111111", "333333333333"]}
    assert check("05.1", doc).problems[0].startswith("Richard (account B) puts")


def test_bucket_policy_without_principal_is_reported_like_iam() -> None:
    doc = seed_bucket_policy()
    del doc["Statement"][0]["Principal"]
    assert "IAM would reject this policy" in check("05.1", doc).problems[0]


def test_the_untouched_draft_of_05_2_says_what_to_do() -> None:
    doc = seed_bucket_policy()
    doc["Statement"].append(None)
    assert "still holds None" in check("05.2", doc).problems[0]


def test_an_age_limit_on_the_allow_does_not_stop_an_administrator() -> None:
    doc = seed_bucket_policy()
    doc["Statement"][0]["Condition"]["NumericLessThan"] = {"aws:MultiFactorAuthAge": "3600"}
    feedback = check("05.2", doc)
    assert feedback.problems[0].startswith(
        "Mateo, administrator of account A, puts an object, MFA 2"
    )
    assert "only an explicit Deny" in feedback.problems[-1]


def test_a_deny_with_if_exists_also_passes() -> None:
    doc = seed_bucket_policy()
    doc["Statement"].append(
        {
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "s3:*",
            "Resource": "arn:aws:s3:::account-a-bucket/*",
            "Condition": {"NumericGreaterThanIfExists": {"aws:MultiFactorAuthAge": 3600}},
        }
    )
    assert check("05.2", doc)


def test_a_deny_that_is_too_strict() -> None:
    doc = model("05.2")
    doc["Statement"][1]["Condition"]["NumericGreaterThan"]["aws:MultiFactorAuthAge"] = "60"
    feedback = check("05.2", doc)
    assert any(p.startswith("Nikhil puts an object, MFA 10 minutes old") for p in feedback.problems)


def test_a_deny_without_principal_is_reported_like_iam() -> None:
    doc = model("05.2")
    del doc["Statement"][1]["Principal"]
    assert "IAM would reject this policy" in check("05.2", doc).problems[0]


def test_the_lab_decides_the_predictions() -> None:
    assert lab_outcomes() == model("05.3")
    assert set(lab_outcomes()) == set(WAYS)


def test_a_wrong_prediction_asks_a_question() -> None:
    answer = dict(model("05.3"))
    answer["AssumeRole (Uploader) with MFA"] = "allowed"
    feedback = check("05.3", answer)
    assert feedback.problems == [
        "AssumeRole (Uploader) with MFA: not what the lab decides. Ask yourself: what MFA value "
        "does a role session carry in the lab's default reading?"
    ]


def test_hints_grow() -> None:
    for exercise_id in ("05.1", "05.2", "05.3"):
        hints = [check(exercise_id, None).hint for _ in range(3)]
        assert len(set(hints)) == 3
    reset("05.1")
    assert "account-a-bucket/*" not in check("05.1", None).hint
