"""Exercises of notebook 01: model answers pass, typical mistakes get specific feedback."""

from __future__ import annotations

import pytest

from iamlab.exercises import check, reset, solution


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


def deny(operator: str, value: str = "false", action: str = "ec2:TerminateInstances") -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Deny",
            "Action": action,
            "Resource": "*",
            "Condition": {operator: {"aws:MultiFactorAuthPresent": value}},
        },
    }


def allow(condition: dict, action: object = None) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": action or ["ec2:StopInstances", "ec2:TerminateInstances"],
            "Resource": "*",
            "Condition": condition,
        },
    }


@pytest.mark.parametrize("exercise", ["01.1", "01.2", "01.3"])
def test_none_fails_with_a_first_hint(exercise: str) -> None:
    feedback = check(exercise, None)
    assert not feedback and feedback.problems and feedback.hint


@pytest.mark.parametrize("exercise", ["01.1", "01.2", "01.3"])
def test_model_solution_passes(exercise: str) -> None:
    import json

    answer = json.loads(solution(exercise, instructor=True))
    assert check(exercise, answer), check(exercise, answer).problems


def test_01_1_bool_false_is_the_missing_key_trap() -> None:
    feedback = check("01.1", deny("Bool"))
    assert not feedback
    assert feedback.problems[0].startswith("long-term access keys terminate an instance")
    assert any("no aws:MultiFactorAuthPresent at all" in p for p in feedback.problems)
    assert len(feedback.problems) == 2  # everything else is right


def test_01_1_other_correct_answers_pass() -> None:
    # two statements: deny when the key is missing, deny when it is false
    both = {
        "Version": "2012-10-17",
        "Statement": [
            deny("Null", "true")["Statement"],
            deny("Bool", "false")["Statement"],
        ],
    }
    assert check("01.1", both)


def test_01_1_too_broad_or_an_allow_fails() -> None:
    too_broad = check("01.1", deny("BoolIfExists", action="ec2:*"))
    assert any("long-term access keys stop an instance" in p for p in too_broad.problems)
    an_allow = check("01.1", allow({"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    assert any("should be denied" in p for p in an_allow.problems)


def test_01_1_invalid_policy_is_reported() -> None:
    feedback = check("01.1", {"Statement": {"Effect": "deny", "Action": "ec2:*", "Resource": "*"}})
    assert "IAM would reject this policy" in feedback.problems[0]


def test_01_2_age_alone_is_enough() -> None:
    assert check("01.2", allow({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}))


def test_01_2_less_than_or_equal_is_off_by_one() -> None:
    feedback = check("01.2", allow({"NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"}}))
    assert any("MFA 3600 s old" in p for p in feedback.problems)
    assert any("strict comparison" in p for p in feedback.problems)


def test_01_2_if_exists_lets_long_term_keys_in() -> None:
    feedback = check("01.2", allow({"NumericLessThanIfExists": {"aws:MultiFactorAuthAge": "3600"}}))
    assert any("with long-term access keys" in p for p in feedback.problems)
    assert any("IfExists operator lets them in" in p for p in feedback.problems)


def test_01_2_no_age_limit_and_too_many_actions() -> None:
    no_age = check("01.2", allow({"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    assert any("with MFA 3600 s old" in p for p in no_age.problems)
    too_many = check(
        "01.2", allow({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}, "ec2:*")
    )
    assert [p.split(":")[0] for p in too_many.problems] == [
        "RunInstances with MFA 0 s old (not one of the two actions)"
    ]


def test_01_3_predictions_are_checked_cell_by_cell() -> None:
    feedback = check(
        "01.3",
        {
            "long-term keys": "allowed",
            "GetSessionToken without MFA": "explicitDeny",
            "GetSessionToken with MFA": "allowed",
        },
    )
    assert len(feedback.problems) == 2
    assert feedback.problems[0].startswith("long-term keys: not 'allowed'")
    assert feedback.problems[1].startswith("GetSessionToken without MFA: not 'explicitDeny'")
    assert "not one of" in check("01.3", {"long-term keys": "denied"}).problems[0]
    assert "dict" in check("01.3", "explicitDeny").problems[0]


def test_hints_grow_and_the_first_does_not_give_the_answer() -> None:
    hints = [check("01.1", deny("Bool")).hint for _ in range(3)]
    assert len(set(hints)) == 3
    assert "BoolIfExists" not in hints[0]
