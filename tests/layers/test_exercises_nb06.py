"""Exercises of notebook 06 (self-managed MFA): model answers pass, typical mistakes get
specific feedback."""

from __future__ import annotations

import copy

import pytest

from iamlab.data import load_policy
from iamlab.exercises import check, reset, solution
from iamlab.exercises.nb06 import PREDICTIONS, truth


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


def seed_deny() -> dict:
    return copy.deepcopy(load_policy("self-managed-mfa")["Statement"][3])


# ---- 06.1 -----------------------------------------------------------------------------


def test_06_1_the_seed_statement_passes() -> None:
    assert check("06.1", seed_deny())


def test_06_1_bool_lets_long_term_keys_escape() -> None:
    draft = seed_deny()
    draft["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "false"}}
    feedback = check("06.1", draft)
    assert not feedback
    assert any(
        "Nikhil (long-term keys) lists the buckets" in p and "should be denied" in p
        for p in feedback.problems
    )
    # GetSessionToken without MFA carries "false": Bool still catches it
    assert not any("GetSessionToken without MFA" in p for p in feedback.problems)
    assert "BoolIfExists" not in feedback.hint


def test_06_1_other_correct_answers_pass() -> None:
    bool_part = seed_deny()
    bool_part["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "false"}}
    null_part = seed_deny()
    null_part["Sid"] = "DenyLongTermKeys"
    null_part["Condition"] = {"Null": {"aws:MultiFactorAuthPresent": "true"}}
    assert check("06.1", [bool_part, null_part])
    whole = load_policy("self-managed-mfa")
    assert check("06.1", whole)


def test_06_1_null_alone_misses_sessions_without_mfa() -> None:
    only_null = seed_deny()
    only_null["Condition"] = {"Null": {"aws:MultiFactorAuthPresent": "true"}}
    feedback = check("06.1", only_null)
    assert any("GetSessionToken without MFA" in p for p in feedback.problems)


def test_06_1_dropping_the_condition_locks_out_mfa_users() -> None:
    no_condition = seed_deny()
    del no_condition["Condition"]
    feedback = check("06.1", no_condition)
    assert any(
        "Sofia (MFA session) lists the buckets" in p and "should be allowed" in p
        for p in feedback.problems
    )


def test_06_1_none_and_invalid_answers() -> None:
    assert "replace the draft" in check("06.1", None).problems[0]
    assert "one statement" in check("06.1", 42).problems[0]
    bad = seed_deny()
    bad["Effect"] = "deny"
    assert "IAM would reject" in check("06.1", bad).problems[0]


# ---- 06.2 -----------------------------------------------------------------------------


def with_change_password(allow_in: int = 2, resource: str | None = None) -> dict:
    doc = load_policy("self-managed-mfa")
    doc["Statement"][allow_in]["Action"].append("iam:ChangePassword")
    if resource is not None:
        doc["Statement"][allow_in]["Resource"] = resource
    doc["Statement"][3]["NotAction"].append("iam:ChangePassword")
    return doc


def test_06_2_model_answer_passes() -> None:
    assert check("06.2", with_change_password())


def test_06_2_a_separate_statement_passes_too() -> None:
    doc = load_policy("self-managed-mfa")
    doc["Statement"].append(
        {
            "Effect": "Allow",
            "Action": "iam:ChangePassword",
            "Resource": "arn:aws:iam::*:user/${aws:username}",
        }
    )
    doc["Statement"][3]["NotAction"].append("iam:ChangePassword")
    assert check("06.2", doc)


def test_06_2_the_unchanged_seed_fails() -> None:
    feedback = check("06.2", load_policy("self-managed-mfa"))
    assert any("changes his own password" in p and "explicit Deny" in p for p in feedback.problems)


def test_06_2_allow_without_the_notaction_is_not_enough() -> None:
    doc = load_policy("self-managed-mfa")
    doc["Statement"][2]["Action"].append("iam:ChangePassword")
    assert not check("06.2", doc)


def test_06_2_notaction_without_an_allow_is_not_enough() -> None:
    doc = load_policy("self-managed-mfa")
    doc["Statement"][3]["NotAction"].append("iam:ChangePassword")
    feedback = check("06.2", doc)
    assert any(
        "changes his own password" in p and "nothing allows it" in p for p in feedback.problems
    )


def test_06_2_every_user_not_just_nikhil() -> None:
    doc = with_change_password(resource="arn:aws:iam::*:user/Nikhil")
    feedback = check("06.2", doc)
    assert any("Sofia (long-term keys) changes her own password" in p for p in feedback.problems)


def test_06_2_too_broad_answers_fail() -> None:
    star_resource = with_change_password(resource="*")
    feedback = check("06.2", star_resource)
    assert any("Anaya's user" in p for p in feedback.problems)
    iam_star = load_policy("self-managed-mfa")
    iam_star["Statement"][3]["NotAction"].append("iam:*")
    iam_star["Statement"][2]["Action"].append("iam:ChangePassword")
    feedback = check("06.2", iam_star)
    assert any("deactivates his MFA device" in p for p in feedback.problems)
    no_deny = load_policy("self-managed-mfa")
    no_deny["Statement"] = no_deny["Statement"][:3]
    no_deny["Statement"][2]["Action"].append("iam:ChangePassword")
    feedback = check("06.2", no_deny)
    assert any("lists the buckets" in p and "should be denied" in p for p in feedback.problems)


def test_06_2_none() -> None:
    assert not check("06.2", None)


# ---- 06.3 -----------------------------------------------------------------------------

MODEL = {
    "a": "explicitDeny",
    "b": "explicitDeny",
    "c": "implicitDeny",
    "d": "implicitDeny",
    "e": "allowed",
}


def test_06_3_truth_matches_the_model_answer() -> None:
    assert {k: truth(k) for k in PREDICTIONS} == MODEL
    assert check("06.3", MODEL)


def test_06_3_feedback_names_each_wrong_request() -> None:
    answer = dict(MODEL, b="allowed", c="explicitDeny")
    feedback = check("06.3", answer)
    assert [p.split(":")[0] for p in feedback.problems] == ["b", "c"]
    assert "NotAction" in feedback.problems[0]


def test_06_3_none_and_partial_answers() -> None:
    assert "dict" in check("06.3", None).problems[0]
    feedback = check("06.3", {"a": "explicitDeny", "b": "denied"})
    assert any(p.startswith("b:") and "not one of" in p for p in feedback.problems)
    assert any(p.startswith("e: no answer") for p in feedback.problems)


def test_hints_grow_and_solutions_are_kept_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IAMLAB_INSTRUCTOR", raising=False)
    for ex in ("06.1", "06.2", "06.3"):
        hints = [check(ex, None).hint for _ in range(3)]
        assert len(set(hints)) == 3, ex
        assert "for instructors" in solution(ex)
    assert "BoolIfExists" in solution("06.1", instructor=True)
