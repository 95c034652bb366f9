"""Exercises of notebook 07 (revoking temporary credentials): model answers pass, typical
mistakes get specific feedback."""

from __future__ import annotations

import copy
import json

import pytest

from iamlab.data import load_policy
from iamlab.exercises import check, reset, solution
from iamlab.exercises.nb07 import ANSWERS, SITUATIONS, replay
from iamlab.scenarios.stories import REVOCATION_CHOICES


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


def revoke_policy(condition: dict, action: object = "*", resource: object = "*") -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Deny",
            "Action": action,
            "Resource": resource,
            "Condition": condition,
        },
    }


CUTOFF = "2026-01-15T10:00:00Z"

# ---- 07.1 -----------------------------------------------------------------------------


def test_07_1_model_answer_and_variants_pass() -> None:
    assert check("07.1", json.loads(solution("07.1", instructor=True)))
    assert check("07.1", revoke_policy({"DateLessThan": {"aws:TokenIssueTime": CUTOFF}}))
    # epoch seconds are a valid date too (FACTS part B, section 2)
    assert check("07.1", revoke_policy({"DateLessThan": {"aws:TokenIssueTime": "1768471200"}}))
    # the seed's example policy, with the cut-off changed
    seed = load_policy("revoke-older-sessions")
    seed["Statement"]["Condition"]["DateLessThan"]["aws:TokenIssueTime"] = CUTOFF
    assert check("07.1", seed)


def test_07_1_current_time_is_the_wrong_key() -> None:
    feedback = check("07.1", revoke_policy({"DateLessThan": {"aws:CurrentTime": CUTOFF}}))
    assert any("issued at 09:30" in p and "should be denied" in p for p in feedback.problems)


def test_07_1_wrong_direction_or_too_narrow() -> None:
    later = check("07.1", revoke_policy({"DateGreaterThan": {"aws:TokenIssueTime": CUTOFF}}))
    assert any("issued at 10:00:01" in p and "should be allowed" in p for p in later.problems)
    s3_only = check(
        "07.1", revoke_policy({"DateLessThan": {"aws:TokenIssueTime": CUTOFF}}, action="s3:*")
    )
    assert [p for p in s3_only.problems if "DynamoDB" in p]
    assert not [p for p in s3_only.problems if "ledger" in p]


def test_07_1_no_condition_denies_new_sessions_too() -> None:
    feedback = check(
        "07.1",
        {"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}},
    )
    assert any("issued at 11:00" in p and "should be allowed" in p for p in feedback.problems)


def test_07_1_none_and_invalid() -> None:
    assert "replace None" in check("07.1", None).problems[0]
    bad = revoke_policy({"DateLessThan": {"aws:TokenIssueTime": CUTOFF}})
    bad["Statement"]["Principal"] = "*"
    assert "IAM would reject" in check("07.1", bad).problems[0]


# ---- 07.2 -----------------------------------------------------------------------------


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


def test_07_2_model_answer_passes_and_is_the_only_one() -> None:
    assert check("07.2", ANSWERS)
    for key, needs in SITUATIONS.items():
        fitting = [
            c for c in REVOCATION_CHOICES if all(replay(c)[p] == w for p, w in needs.items())
        ]
        assert fitting == [ANSWERS[key]], key


def test_07_2_feedback_names_the_probe() -> None:
    answer = dict(
        ANSWERS,
        a="deny the role in the bucket policy",
        c="deny the session Mary in the bucket policy",
    )
    feedback = check("07.2", answer)
    assert len(feedback.problems) == 2
    assert feedback.problems[0].startswith("a:") and "must keep working" in feedback.problems[0]
    assert "report session still lists" in feedback.problems[1]


def test_07_2_none_partial_and_unknown() -> None:
    assert "dict" in check("07.2", None).problems[0]
    feedback = check("07.2", {"a": ANSWERS["a"], "b": "delete the bucket"})
    assert any(p.startswith("b:") and "not one of" in p for p in feedback.problems)
    assert any(p.startswith("c: no answer") for p in feedback.problems)


# ---- 07.3 -----------------------------------------------------------------------------


def test_07_3_model_and_variants_pass() -> None:
    assert check("07.3", json.loads(solution("07.3", instructor=True)))
    two = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": {
                    "AWS": load_policy("revoke-deny-role-session")["Statement"]["Principal"]["AWS"]
                },
                "Action": "s3:*",
                "Resource": r,
            }
            for r in ("arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*")
        ],
    }
    assert check("07.3", two)


def test_07_3_the_seed_policy_misses_the_objects() -> None:
    feedback = check("07.3", load_policy("revoke-deny-role-session"))
    assert any("reads ledger.csv" in p and "should be denied" in p for p in feedback.problems)
    assert not any("lists the bucket" in p for p in feedback.problems)


def test_07_3_objects_only_or_the_whole_role_fail() -> None:
    objects_only = load_policy("revoke-deny-role-session")
    objects_only["Statement"]["Resource"] = "arn:aws:s3:::example-bucket/*"
    assert any("lists the bucket" in p for p in check("07.3", objects_only).problems)
    role = load_policy("revoke-deny-role-session")
    role["Statement"]["Resource"] = ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"]
    role["Statement"]["Principal"] = {"AWS": "arn:aws:iam::111111111111:role/Accounting-Role"}
    assert any("report session" in p for p in check("07.3", role).problems)


def test_07_3_none_and_identity_policy() -> None:
    assert not check("07.3", None)
    no_principal = copy.deepcopy(load_policy("revoke-deny-role-session"))
    del no_principal["Statement"]["Principal"]
    assert "IAM would reject" in check("07.3", no_principal).problems[0]


def test_hints_grow_and_solutions_are_kept_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IAMLAB_INSTRUCTOR", raising=False)
    for ex in ("07.1", "07.2", "07.3"):
        hints = [check(ex, None).hint for _ in range(3)]
        assert len(set(hints)) == 3, ex
        assert "for instructors" in solution(ex)
    reset("07.1")
    assert "aws:TokenIssueTime" not in check("07.1", None).hint
