"""Exercises of notebook 02: model answers pass, typical mistakes get specific feedback."""

from __future__ import annotations

import json

import pytest

from iamlab.exercises import check, reset, solution
from iamlab.exercises.nb02 import KINDS, mfa_states


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


@pytest.mark.parametrize("exercise", ["02.1", "02.2"])
def test_none_fails_with_a_first_hint(exercise: str) -> None:
    feedback = check(exercise, None)
    assert not feedback and feedback.problems and feedback.hint


@pytest.mark.parametrize("exercise", ["02.1", "02.2"])
def test_model_solution_passes(exercise: str) -> None:
    assert check(exercise, json.loads(solution(exercise, instructor=True)))


def test_02_1_each_wrong_choice_says_why() -> None:
    role = check("02.1", "AssumeRole with MFA")
    assert "role session itself carries" in role.problems[0]
    keys = check("02.1", "long-term keys")
    assert "no aws:MultiFactorAuthPresent" in keys.problems[0]
    assert '"false"' in check("02.1", "GetSessionToken without MFA").problems[0]
    assert "is not one of" in check("02.1", "GetSessionToken").problems[0]


def test_02_2_the_default_column_is_wrong_in_one_row_only() -> None:
    default = mfa_states("mfa_page")
    feedback = check("02.2", default)
    assert feedback.problems == [
        "AssumeRole with MFA: not 'false' - this row is one of those the mode changes"
    ]


def test_02_2_other_mistakes() -> None:
    answer = dict(json.loads(solution("02.2", instructor=True)))
    answer["GetSessionToken by root"] = "true"
    answer["long-term keys"] = "false"
    answer["AssumeRole with GetSessionToken(MFA) credentials"] = "maybe"
    problems = check("02.2", answer).problems
    assert any(p.startswith("GetSessionToken by root") and "root user" in p for p in problems)
    assert any(p.startswith("long-term keys") and "never carry" in p for p in problems)
    assert any("is not one of" in p for p in problems)
    assert check("02.2", {**answer, **json.loads(solution("02.2", True))})


def test_the_truth_is_measured_in_a_real_lab() -> None:
    assert list(mfa_states("propagate")) == list(KINDS)
    changed = [k for k in KINDS if mfa_states("propagate")[k] != mfa_states("mfa_page")[k]]
    assert changed == ["AssumeRole with MFA"]


def test_hints_grow() -> None:
    hints = [check("02.2", {}).hint for _ in range(3)]
    assert len(set(hints)) == 3
