"""Exercise checks: specific feedback, hints that grow more specific, solutions kept back."""

from __future__ import annotations

import pytest

from iamlab.exercises import check, exercises, reset, solution

GOOD = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
}


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


def test_a_correct_answer_is_accepted() -> None:
    feedback = check("00.1", GOOD)
    assert feedback.solved and bool(feedback)
    assert "Correct" in str(feedback)


def test_feedback_names_what_is_wrong() -> None:
    too_broad = {"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}
    feedback = check("00.1", too_broad)
    assert not feedback
    assert any("Anaya deletes a bucket" in p and "should be denied" in p for p in feedback.problems)


def test_invalid_policies_are_reported_like_iam() -> None:
    feedback = check("00.1", {"Statement": {"Effect": "allow", "Action": "s3:*", "Resource": "*"}})
    assert "IAM would reject this policy" in feedback.problems[0]


def test_hints_get_more_specific_and_never_reveal_the_solution_first() -> None:
    hints = [check("00.1", None).hint for _ in range(4)]
    assert hints[0] != hints[1] != hints[2]
    assert hints[3] == hints[2]  # the last hint repeats
    assert "ListAllMyBuckets" not in hints[0]


def test_solutions_are_for_instructors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IAMLAB_INSTRUCTOR", raising=False)
    assert "for instructors" in solution("00.1")
    assert "s3:ListAllMyBuckets" in solution("00.1", instructor=True)
    monkeypatch.setenv("IAMLAB_INSTRUCTOR", "1")
    assert "s3:ListAllMyBuckets" in solution("00.1")


def test_any_answer_gets_feedback_not_a_traceback() -> None:
    for answer in (42, "not json", ["a"], {"Version": 1}):
        assert not check("00.1", answer)


def test_every_exercise_has_hints_and_a_solution() -> None:
    from iamlab.exercises.core import _REGISTRY

    assert exercises()
    for ex_id in exercises():
        ex = _REGISTRY[ex_id]
        assert ex.hints and ex.solution, ex_id


def test_unknown_exercise_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="no exercise"):
        check("99.9", None)


def test_implicit_deny_answer() -> None:
    assert check("00.2", "implicitDeny")
    assert "explicit deny needs a Deny" in check("00.2", "explicitDeny").problems[0]


def test_the_solutions_page_is_fresh() -> None:
    from tools.solutions import TARGET, render

    assert TARGET.exists(), "docs/solutions.md is missing: run `python -m tools.solutions`"
    assert TARGET.read_text(encoding="utf-8") == render(), "run `python -m tools.solutions`"
