"""Exercises of notebook 02: the predictions follow the lab's one table of MFA keys per kind of
credentials (iamlab.scenarios.mfa_context; docs/aws-behaviour.md, "Lab decisions" D1), the first
check says only how many are wrong, and the lesson has its shape.

The queue policy of 02.1 follows the AWS page "Secure API access with MFA" (MFA conditions in
resource-based policies, such as an SQS queue's) and "Cross-account policy evaluation logic"."""

from __future__ import annotations

import json

import pytest

from iamlab.exercises import check, reset, solution
from iamlab.exercises.nb02 import PROPAGATE_KINDS, mfa_states, queue_outcomes
from iamlab.scenarios import mfa_context as m
from tests.layers import test_lesson_shape as shape


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


# ---- 02.1 ------------------------------------------------------------------------------------


def test_02_1_the_engine_decides_and_the_solution_agrees() -> None:
    truth = queue_outcomes()
    assert truth == json.loads(solution("02.1", instructor=True))
    assert check("02.1", truth)
    # only GetSessionToken credentials with a fresh MFA sign-in carry what the queue asks for
    assert [k for k, v in truth.items() if v == "allowed"] == [
        "GetSessionToken with MFA, 10 minutes later",
        "AssumeRole (Helper) with GetSessionToken(MFA) credentials, 10 minutes later",
    ]


def test_02_1_the_answer_depends_on_the_reading() -> None:
    """Under the other reading a role session assumed with a code carries MFA and passes."""
    default, propagate = queue_outcomes("mfa_page"), queue_outcomes("propagate")
    changed = [k for k in default if default[k] != propagate[k]]
    assert changed == ["AssumeRole (Helper) with an MFA code, 10 minutes later"]


def test_02_1_count_first_then_names() -> None:
    wrong = dict(queue_outcomes())
    wrong["GetSessionToken with MFA, 2 hours later"] = "allowed"
    wrong["AssumeRole (Helper) with an MFA code, 10 minutes later"] = "allowed"
    first = check("02.1", wrong)
    assert first.problems == [
        "2 of your 6 predictions are not what IAM decides. The checker does not say which yet: "
        "think each one through again, then change your answer"
    ]
    assert check("02.1", wrong) == first
    wrong["long-term keys"] = "allowed"
    named = [p.split(":")[0] for p in check("02.1", wrong).problems]
    assert named == [
        "long-term keys",
        "GetSessionToken with MFA, 2 hours later",
        "AssumeRole (Helper) with an MFA code, 10 minutes later",
    ]


def test_02_1_placeholder_and_bad_words() -> None:
    assert not check("02.1", dict.fromkeys(queue_outcomes())).answered
    assert "answer one of" in check("02.1", {"long-term keys": "yes"}).problems[0]
    assert "dict" in check("02.1", "allowed").problems[0]


# ---- 02.2 ------------------------------------------------------------------------------------


def test_02_2_comes_from_the_lab_s_one_table() -> None:
    truth = mfa_states("propagate")
    assert list(truth) == list(PROPAGATE_KINDS)
    table = m.credential_table("propagate")
    for kind, value in truth.items():
        assert value == table[kind].context.get("aws:MultiFactorAuthPresent", "absent")
    assert truth == json.loads(solution("02.2", instructor=True))
    assert check("02.2", truth)


def test_02_2_only_the_role_session_rows_change_with_the_reading() -> None:
    default, propagate = mfa_states("mfa_page"), mfa_states("propagate")
    assert [k for k in PROPAGATE_KINDS if default[k] != propagate[k]] == [m.CHAIN]
    # the row that shows the change directly is printed in the notebook: it is not asked
    assert m.AR_MFA not in PROPAGATE_KINDS


def test_02_2_the_default_column_is_not_the_answer() -> None:
    feedback = check("02.2", mfa_states("mfa_page"))
    assert not feedback and feedback.problems[0].startswith("1 of your 8 predictions")


def test_02_2_placeholder() -> None:
    assert not check("02.2", dict.fromkeys(PROPAGATE_KINDS)).answered


# ---- the lesson ------------------------------------------------------------------------------


def test_the_lesson_has_its_shape_and_reads_the_one_table() -> None:
    shape.test_sections_come_in_the_lesson_order("02")
    shape.test_learners_never_read_the_word_seed("02")
    shape.test_every_checked_id_exists_and_questions_are_asked("02")
    shape.test_the_aws_pages_are_linked_by_title_and_public_url("02")
    text = shape.source("02")
    assert "pd." not in text and "pandas" not in text
    assert "m.rows()" in text  # the table comes from iamlab.scenarios.mfa_context
    flat = " ".join(line.removeprefix("# ") for line in text.splitlines())
    for decision in ("D1", "D2", "D6"):  # each lab decision is labelled where it is met
        assert f'"Lab decisions" {decision}' in flat, decision
    assert "Where AWS's own pages disagree" in flat
    assert 'role_session_mfa="propagate"' in text
