"""Exercises of notebook 04: the model solutions pass, typical slips get specific feedback."""

from __future__ import annotations

import json

import pytest

from iamlab.data import load_policy
from iamlab.exercises import check, reset, solution
from iamlab.exercises.nb04 import WAYS, lab_outcomes


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


def model(exercise_id: str) -> dict:
    return json.loads(solution(exercise_id, instructor=True))


@pytest.mark.parametrize("exercise_id", ["04.1", "04.2"])
def test_model_solutions_pass_and_none_fails(exercise_id: str) -> None:
    assert check(exercise_id, model(exercise_id))
    feedback = check(exercise_id, None)
    assert not feedback and "replace None" in feedback.problems[0]
    assert feedback.hint


def test_another_correct_policy_passes() -> None:
    # Allow both with MFA, then an explicit Deny on terminate after 15 minutes
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["ec2:StopInstances", "ec2:TerminateInstances"],
                "Resource": "*",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            },
            {
                "Effect": "Deny",
                "Action": "ec2:TerminateInstances",
                "Resource": "*",
                "Condition": {"NumericGreaterThanEquals": {"aws:MultiFactorAuthAge": 900}},
            },
        ],
    }
    assert check("04.1", doc)


def test_the_seed_policy_lets_old_mfa_terminate() -> None:
    feedback = check("04.1", load_policy("ec2-admins-mfa"))
    assert [p.split(":")[0] for p in feedback.problems] == [
        "Terminate, MFA typed 20 minutes ago",
        "Terminate, MFA typed 2 hours ago",
    ]


def test_minutes_instead_of_seconds_is_named() -> None:
    doc = model("04.1")
    doc["Statement"][1]["Condition"]["NumericLessThan"]["aws:MultiFactorAuthAge"] = "15"
    feedback = check("04.1", doc)
    assert any(p.startswith("Terminate, MFA typed 1 minute ago") for p in feedback.problems)
    assert "counts seconds: 15 minutes is 900 seconds" in feedback.problems[-1]


def test_the_age_limit_on_both_actions_is_too_strict_for_stop() -> None:
    doc = model("04.1")
    doc["Statement"][0]["Condition"] = doc["Statement"][1]["Condition"]
    feedback = check("04.1", doc)
    assert [p.split(":")[0] for p in feedback.problems] == ["Stop, MFA typed 2 hours ago"]


def test_bool_if_exists_lets_long_term_keys_through() -> None:
    doc = model("04.1")
    for statement in doc["Statement"]:
        statement["Condition"]["BoolIfExists"] = statement["Condition"].pop("Bool")
    feedback = check("04.1", doc)
    assert any(p.startswith("Stop with long-term keys") for p in feedback.problems)


def test_ec2_star_is_too_broad() -> None:
    doc = model("04.1")
    doc["Statement"][0]["Action"] = "ec2:*"
    feedback = check("04.1", doc)
    assert any(p.startswith("Delete a volume") for p in feedback.problems)


def test_the_lab_decides_the_predictions() -> None:
    assert lab_outcomes() == model("04.2")
    assert set(lab_outcomes()) == set(WAYS)


def test_wrong_predictions_are_named_with_a_question() -> None:
    answer = dict(model("04.2"))
    answer["long-term access keys"] = "allowed"
    answer["GetSessionToken with MFA and DurationSeconds=3600, 2 hours later"] = "allowed"
    feedback = check("04.2", answer)
    assert len(feedback.problems) == 2
    assert feedback.problems[0].startswith("long-term access keys: not what the lab decides")
    assert "still valid" in feedback.problems[1]


def test_incomplete_or_malformed_predictions() -> None:
    feedback = check("04.2", {"long-term access keys": "denied", "root": "maybe"})
    problems = "\n".join(feedback.problems)
    assert "predict these too" in problems and "'root' is not one of the ways" in problems
    assert check("04.2", {w: "yes" for w in WAYS}).problems[0].endswith("not 'yes'")
    assert "answer with a dict" in check("04.2", ["denied"]).problems[0]


def test_hints_grow() -> None:
    for exercise_id in ("04.1", "04.2"):
        hints = [check(exercise_id, None).hint for _ in range(3)]
        assert len(set(hints)) == 3
    reset("04.1")
    assert "900" not in check("04.1", None).hint
