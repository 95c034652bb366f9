"""Exercises of notebook 06 (the self-managed MFA policy): the right answers, every kind of
over-broad answer, wrong answers and the placeholders; the questions; and the story helpers
of "Break it, then fix it" under AWS's rule before and after the fix of security bulletin
AWS-2023-001 (docs/aws-behaviour.md, "Lab decisions" D8)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from iamlab.data import load_policy
from iamlab.exercises import check, reset, solution
from iamlab.exercises.nb06 import (
    FORCE_MFA,
    GATE_STATEMENT,
    PREDICTION_SOLUTION,
    TEMPLATE_06_1,
    USERS_PAGE,
    add_bob,
    as_force_mfa,
    attack,
    predicted,
)
from iamlab.scenarios import build_self_managed_mfa

AGE, PRESENT = "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent"


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


def says(exercise: str, answer: Any, text: str) -> list[str]:
    feedback = check(exercise, answer)
    assert not feedback, exercise
    assert any(text in p for p in feedback.problems), feedback.problems
    return feedback.problems


# ---- 06.1 · a working-day gate ---------------------------------------------------------------


def gate(**changes: Any) -> dict:
    statement = copy.deepcopy(GATE_STATEMENT)
    statement.update(changes)
    return statement


def with_list(change: Callable[[list[str]], Any]) -> dict:
    statement = gate()
    statement["NotAction"] = list(statement["NotAction"])
    change(statement["NotAction"])
    return statement


def test_06_1_right_answers_pass() -> None:
    assert check("06.1", json.loads(solution("06.1", instructor=True)))
    assert check("06.1", gate())
    assert check("06.1", [gate()])
    assert check("06.1", json.dumps(gate()))
    assert check("06.1", as_force_mfa(gate())[0])  # the whole policy
    # two Deny statements: no MFA at all, or an MFA sign-in that is too old
    too_old = gate(Sid="DenyOldMFA", Condition={"NumericGreaterThan": {AGE: "28800"}})
    assert check("06.1", [copy.deepcopy(TEMPLATE_06_1), too_old])
    # whole seconds: "28801 or more" is "more than 28800"
    assert check("06.1", gate(Condition={"NumericGreaterThanEqualsIfExists": {AGE: "28801"}}))


def test_06_1_placeholders_spend_nothing() -> None:
    for answer in (None, ..., copy.deepcopy(TEMPLATE_06_1)):
        feedback = check("06.1", answer)
        assert not feedback.answered and feedback.hint is None
    assert "statement 4 as AWS wrote it" in check("06.1", TEMPLATE_06_1).problems[0]


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        # the missing-key trap: without IfExists, long-term keys and sessions without a code
        # carry no age, so the Deny does not apply to them
        (
            gate(Condition={"NumericGreaterThan": {AGE: "28800"}}),
            "Nikhil lists the buckets with his long-term access keys",
        ),
        # two operators in one condition are joined with AND
        (
            gate(
                Condition={"BoolIfExists": {PRESENT: "false"}, "NumericGreaterThan": {AGE: "28800"}}
            ),
            "joined with AND",
        ),
        # the AWS page's statement itself: an old MFA sign-in keeps everything
        (
            as_force_mfa(copy.deepcopy(TEMPLATE_06_1))[0],
            "Sofía lists the buckets, MFA sign-in 8 hours 10 minutes old",
        ),
        # the boundary: exactly 8 hours is not more than 8 hours
        (
            gate(Condition={"NumericGreaterThanEqualsIfExists": {AGE: "28800"}}),
            "exactly 28800 s old is not more than 8 hours old",
        ),
        # the wrong direction locks out fresh MFA sign-ins
        (
            gate(Condition={"NumericLessThanIfExists": {AGE: "28800"}}),
            "Sofía lists the buckets, MFA sign-in 10 minutes old",
        ),
        # a Date operator on a number of seconds
        (gate(Condition={"DateGreaterThanIfExists": {AGE: "28800"}}), "is a Numeric key"),
        # no condition at all: MFA sessions lose everything
        ({k: v for k, v in gate().items() if k != "Condition"}, "should be allowed"),
    ],
)
def test_06_1_wrong_answers_are_refused(answer: Any, text: str) -> None:
    says("06.1", answer, text)


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        # an extra action on the list: turning MFA off without a fresh sign-in
        (
            with_list(lambda acts: acts.append("iam:DeactivateMFADevice")),
            "Sofía deactivates her MFA device",
        ),
        # wildcards on the list catch actions nobody asked for
        (with_list(lambda acts: acts.append("iam:List*")), "iam:ListUsers"),
        (with_list(lambda acts: acts.append("iam:*")), "Sofía deactivates her MFA device"),
        (with_list(lambda acts: acts.append("s3:*")), "Nikhil lists the buckets"),
        # an action taken off the list: new users can no longer enrol
        (
            with_list(lambda acts: acts.remove("iam:EnableMFADevice")),
            "Nikhil enables his own MFA device",
        ),
        # a Deny that covers less than every resource
        (gate(Resource="arn:aws:s3:::*"), "Nikhil describes the EC2 instances"),
    ],
)
def test_06_1_answers_that_change_the_list_or_the_reach_are_refused(answer: Any, text: str) -> None:
    says("06.1", answer, text)


def test_06_1_extra_statements_that_grant_or_deny_something_else() -> None:
    grant = {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}
    says("06.1", [gate(), grant], "also allows iam:ListUsers")
    deny = {"Effect": "Deny", "Action": "dynamodb:*", "Resource": "*"}
    says("06.1", [gate(), deny], "dynamodb:")


def test_06_1_formats() -> None:
    assert "one statement" in check("06.1", 42).problems[0]
    assert "as a dict" in check("06.1", "not json").problems[0]
    assert "IAM would reject" in check("06.1", gate(Effect="deny")).problems[0]


def test_06_1_hints_follow_the_answer_and_keep_the_secret() -> None:
    first = check("06.1", gate(Condition={"NumericGreaterThan": {AGE: "28800"}}))
    second = check("06.1", gate(Condition={"NumericGreaterThan": {AGE: "30000"}}))
    assert first.hint and second.hint and first.hint != second.hint
    again = check("06.1", gate(Condition={"NumericGreaterThan": {AGE: "28800"}}))
    assert again.hint == first.hint
    assert all("NumericGreaterThanIfExists" not in (h or "") for h in (first.hint, second.hint))


# ---- 06.2 · the Users page, without re-opening a gap ---------------------------------------


def users_page(change: Callable[[dict], Any]) -> dict:
    doc = copy.deepcopy(USERS_PAGE)
    change(doc)
    return doc


def page(change: Callable[[dict], Any]) -> dict:
    """The AWS page's policy with ``change`` applied."""
    doc = copy.deepcopy(FORCE_MFA)
    change(doc)
    return doc


def test_06_2_right_answers_pass() -> None:
    assert check("06.2", json.loads(solution("06.2", instructor=True)))

    def separate(doc: dict) -> None:
        doc["Statement"].append({"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"})
        doc["Statement"][3]["NotAction"].append("iam:ListUsers")

    assert check("06.2", page(separate))

    def account_users(doc: dict) -> None:
        doc["Statement"].append(
            {
                "Effect": "Allow",
                "Action": "iam:ListUsers",
                "Resource": "arn:aws:iam::111111111111:user/*",
            }
        )
        doc["Statement"][3]["NotAction"].append("iam:ListUsers")

    assert check("06.2", page(account_users))

    def any_account(doc: dict) -> None:
        # "*" in an IAM ARN's account field reaches nothing more: as on the AWS page
        account_users(doc)
        doc["Statement"][-1]["Resource"] = "arn:aws:iam::*:user/*"

    assert check("06.2", page(any_account))


def test_06_2_placeholders_spend_nothing() -> None:
    for answer in (None, copy.deepcopy(FORCE_MFA)):
        feedback = check("06.2", answer)
        assert not feedback.answered and feedback.hint is None


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        # Duo's gap: turning the owner's device off with keys alone
        (
            users_page(lambda d: d["Statement"][3]["NotAction"].append("iam:DeactivateMFADevice")),
            "deactivates Bob's MFA device (the gap Duo's review found)",
        ),
        (
            users_page(lambda d: d["Statement"][3]["NotAction"].append("iam:*MFADevice")),
            "deactivates Bob's MFA device",
        ),
        (
            users_page(
                lambda d: d["Statement"][3]["NotAction"].append("iam:DeleteVirtualMFADevice")
            ),
            "deletes the virtual MFA device named Bob",
        ),
        # the gap AWS's 2023 rule leaves to the policy: other members' devices
        (
            users_page(lambda d: d["Statement"][2].update(Resource="arn:aws:iam::*:user/*")),
            "adds an MFA device to Sofía's user",
        ),
        (
            users_page(lambda d: d["Statement"][2].update(Resource="*")),
            "adds an MFA device to Sofía's user",
        ),
        (
            users_page(lambda d: d["Statement"][1].update(Resource="arn:aws:iam::*:mfa/*")),
            "creates a virtual MFA device named Sofia-2",
        ),
        # a name-prefix wildcard reaches other names
        (
            users_page(
                lambda d: d["Statement"][1].update(Resource="arn:aws:iam::*:mfa/${aws:username}*")
            ),
            "iam:CreateVirtualMFADevice on arn:aws:iam::111111111111:mfa/Bob-2",
        ),
        # wildcards on the list, and an action beside the one asked for
        (
            users_page(lambda d: d["Statement"][3]["NotAction"].append("iam:List*")),
            "iam:ListRoles",
        ),
        (
            users_page(lambda d: d["Statement"][0]["Action"].append("iam:ListRoles")),
            "also allows iam:ListRoles",
        ),
        (
            users_page(lambda d: d["Statement"][3]["NotAction"].append("sts:AssumeRole")),
            "sts:AssumeRole",
        ),
        # a condition operator of the wrong type for its key
        (
            users_page(
                lambda d: d["Statement"][3].update(
                    Condition={"NumericLessThanIfExists": {PRESENT: "1"}}
                )
            ),
            "is a Bool key",
        ),
        # an extra statement that grants something else
        (
            users_page(
                lambda d: d["Statement"].append(
                    {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}
                )
            ),
            "also allows iam:GetUser",
        ),
    ],
)
def test_06_2_answers_that_reopen_a_gap_or_grant_more_are_refused(answer: dict, text: str) -> None:
    says("06.2", answer, text)


def test_06_2_half_answers_and_wrong_places() -> None:
    only_list = page(lambda d: d["Statement"][3]["NotAction"].append("iam:ListUsers"))
    says("06.2", only_list, "opens the Users page")
    only_allow = page(
        lambda d: d["Statement"][0].update(Action=["iam:ListVirtualMFADevices", "iam:ListUsers"])
    )
    says("06.2", only_allow, "Nikhil, with no MFA device yet, opens the Users page")

    def in_statement_3(doc: dict) -> None:
        doc["Statement"][2]["Action"].append("iam:ListUsers")
        doc["Statement"][3]["NotAction"].append("iam:ListUsers")

    problems = says("06.2", page(in_statement_3), "opens the Users page")
    assert any("cannot be limited to the caller's user ARN" in p for p in problems)
    no_deny = users_page(lambda d: d["Statement"].pop(3))
    says("06.2", no_deny, "with Bob's access keys alone, someone lists the buckets")


def test_06_2_extra_explanations_name_the_gap() -> None:
    duo = users_page(lambda d: d["Statement"][3]["NotAction"].append("iam:DeactivateMFADevice"))
    problems = says("06.2", duo, "Duo")
    assert any("remove the owner's device" in p for p in problems)
    assert not any("${aws:username} is what keeps" in p for p in problems)
    wide = users_page(lambda d: d["Statement"][2].update(Resource="*"))
    problems = says("06.2", wide, "Sofía's user")
    assert any("${aws:username} is what keeps" in p for p in problems)
    assert check("06.2", wide).topics[0] == "gap-add"


def test_06_2_formats() -> None:
    assert "whole policy" in check("06.2", dict(GATE_STATEMENT)).problems[0]
    bad = users_page(lambda d: d["Statement"][0].update(Effect="allow"))
    assert "IAM would reject" in check("06.2", bad).problems[0]


# ---- 06.3 · predictions ----------------------------------------------------------------------


def test_06_3_the_engine_decides_the_predictions() -> None:
    assert predicted() == PREDICTION_SOLUTION
    assert len(set(PREDICTION_SOLUTION.values())) == 3  # all three words are needed
    assert check("06.3", PREDICTION_SOLUTION)


def test_06_3_count_first_then_questions() -> None:
    answer = dict(PREDICTION_SOLUTION, a="explicitDeny")
    first = check("06.3", answer)
    assert first.problems[0].startswith("1 of your 5 predictions is not what IAM decides")
    second = check("06.3", dict(answer, e="allowed"))
    assert [p.split(":")[0] for p in second.problems] == ["a", "e"]


def test_06_3_placeholder() -> None:
    assert not check("06.3", dict.fromkeys("abcde")).answered


# ---- questions -------------------------------------------------------------------------------


def test_questions_right_answers_and_misconceptions() -> None:
    assert check("06.gap", "c") and check("06.why", "b")
    assert check("06.quiz", {1: "b", 2: "c", 3: "a", 4: "b"})
    wrong = check("06.gap", "a")
    assert "Bool in the Deny is stricter than BoolIfExists" in wrong.problems[0]
    wrong = check("06.gap", "d")
    assert "AWS fixed AWS-2023-001 by changing the sample policy" in wrong.problems[0]


def test_solutions_stay_with_instructors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IAMLAB_INSTRUCTOR", raising=False)
    for ex in ("06.1", "06.2", "06.3", "06.gap", "06.why", "06.quiz"):
        assert "instructor guide" in solution(ex)
    assert "NumericGreaterThanIfExists" in solution("06.1", instructor=True)


# ---- "Break it, then fix it": the story helpers ------------------------------------------------


def test_the_2022_replay_lets_a_stolen_key_reach_mfa_access() -> None:
    """AWS-2023-001: between 2022-11-16 and 2023-04-21, long-term keys alone could enable a
    second MFA device under the self-managed MFA policy and pass every MFA condition."""
    story = build_self_managed_mfa(mfa_device_rule="2022")
    bob = add_bob(story)
    tried = attack(story, bob)
    assert [a.outcome for a in tried] == [
        "explicitDeny",
        "allowed",
        "allowed",
        "allowed",
        "allowed",
    ]
    assert tried[-1].allowed and tried[-1].action == "s3:ListAllMyBuckets"


def test_today_the_second_device_is_refused_and_the_keys_stay_gated() -> None:
    """Since 2023-04-21 a user who has an MFA device and signs with long-term keys cannot
    enable another one for himself (security bulletin AWS-2023-001)."""
    story = build_self_managed_mfa()
    bob = add_bob(story)
    tried = attack(story, bob)
    assert [a.outcome for a in tried] == ["explicitDeny", "allowed", "refusedByRule", "refused"]
    assert "AWS-2023-001" in tried[2].message
    assert len(tried) == 4  # no MFA credentials, so no second bucket listing


def test_add_bob_gives_him_a_working_phone() -> None:
    story = build_self_managed_mfa()
    bob = add_bob(story)
    assert bob.mfa_serial == "arn:aws:iam::111111111111:mfa/Bob-phone"
    lab = story.lab
    creds = bob.client("sts").get_session_token(
        SerialNumber=bob.mfa_serial, TokenCode=lab.totp(bob.mfa_serial)
    )["Credentials"]
    assert lab.request_context(lab.session(creds))["aws:MultiFactorAuthPresent"] == "true"
    assert story.actor("Bob") is bob
    assert load_policy("self-managed-mfa") == FORCE_MFA  # the helpers change no shipped data
