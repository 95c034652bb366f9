"""Exercises of notebook 08 (the confused deputy): the right answers, every kind of over-broad
answer, wrong answers, test functions that skip a case, and the placeholders.

The cases follow the AWS page "Access to AWS accounts owned by third parties"
(id_roles_create_for-user_externalid.html): Principal is the third party's account, the
condition is StringEquals on sts:ExternalId, and the third party tests a role with and without
the right external ID before storing it.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from iamlab.data import load_policy
from iamlab.exercises import check, reset, solution
from iamlab.exercises.nb08 import ONBOARDING, OTHER_IDS, onboarding_lab

EXAMPLE_CORP, LUMEN, OTHER = "444455556666", "555544443333", "777788889999"
EXTERNAL_ID = "sts:ExternalId"


@pytest.fixture(autouse=True)
def fresh() -> None:
    reset()


def model(exercise_id: str) -> Any:
    text = solution(exercise_id, instructor=True)
    return json.loads(text) if text.startswith("{") else text


def says(exercise: str, answer: Any, text: str) -> list[str]:
    feedback = check(exercise, answer)
    assert not feedback and feedback.answered, exercise
    assert any(text in p for p in feedback.problems), feedback.problems
    return feedback.problems


# ---- 08.1 ------------------------------------------------------------------------------------


def statement(principal: Any, condition: dict | None, action: Any = "sts:AssumeRole") -> dict:
    st: dict = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition is not None:
        st["Condition"] = condition
    return st


def equals(value: Any) -> dict:
    return {"StringEquals": {EXTERNAL_ID: value}}


def policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


CORP = statement({"AWS": EXAMPLE_CORP}, equals("12345"))
LUMEN_OK = statement({"AWS": LUMEN}, equals("67890"))


def lumen_with(**changes: Any) -> dict:
    return policy(CORP, {**LUMEN_OK, **changes})


def corp_with(**changes: Any) -> dict:
    return policy({**CORP, **changes}, LUMEN_OK)


def test_08_1_right_answers_pass() -> None:
    assert check("08.1", model("08.1"))
    assert check("08.1", policy(LUMEN_OK, CORP))  # the order of statements does not matter
    roots = policy(
        statement({"AWS": f"arn:aws:iam::{EXAMPLE_CORP}:root"}, equals("12345")),
        statement({"AWS": f"arn:aws:iam::{LUMEN}:root"}, equals(["67890"])),
    )
    assert check("08.1", roots)
    assert check("08.1", json.dumps(model("08.1")))  # a JSON string


def test_08_1_placeholders_spend_nothing() -> None:
    for answer in (None, load_policy("example-corp-trust")):
        feedback = check("08.1", answer)
        assert not feedback.answered and feedback.hint is None


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        # the answer printed in the notebook (as a list): Lumen is left out
        (policy(CORP), "Lumen's service passes the ID Lumen gave you"),
        # both parties and both IDs in one statement: Example Corp gets in with 67890
        (
            policy(statement({"AWS": [EXAMPLE_CORP, LUMEN]}, equals(["12345", "67890"]))),
            "one statement that names both third parties and both IDs accepts every pair",
        ),
        # the IDs swapped between the parties
        (
            policy(
                statement({"AWS": EXAMPLE_CORP}, equals("67890")),
                statement({"AWS": LUMEN}, equals("12345")),
            ),
            "(the attack of Part 1): your trust policy gives allowed",
        ),
        # wildcard and extra actions
        (lumen_with(Action="sts:*"), "also allows sts:TagSession"),
        (lumen_with(Action=["sts:AssumeRole", "sts:SetSourceIdentity"]), "sts:SetSourceIdentity"),
        (lumen_with(Action="sts:AssumeRol*"), 'the Action "sts:AssumeRol*" is a wildcard'),
        # other principals
        (lumen_with(Principal="*"), "(the attack of Part 1): your trust policy gives allowed"),
        (
            corp_with(Principal={"AWS": "*"}),
            "the other customer's administrator passes your ID 12345: your trust policy gives "
            "allowed",
        ),
        (lumen_with(Principal={"AWS": [LUMEN, OTHER]}), "777788889999:user/admin"),
        # a condition that lets in more IDs, or none
        (corp_with(Condition={"StringLike": {EXTERNAL_ID: "1234*"}}), "(external ID 123456)"),
        (corp_with(Condition={"StringLike": {EXTERNAL_ID: "*"}}), "(the attack of Part 1)"),
        (corp_with(Condition=equals(["12345", "67890"])), "(the attack of Part 1)"),
        (
            lumen_with(Condition={"StringEqualsIfExists": {EXTERNAL_ID: "67890"}}),
            "Lumen's service passes no external ID: your trust policy gives allowed",
        ),
        (lumen_with(Condition={"Null": {EXTERNAL_ID: "false"}}), "Lumen's service passes 12345"),
        (policy(statement({"AWS": EXAMPLE_CORP}, None), LUMEN_OK), "passes no external ID"),
        # a condition operator of the wrong type for its key
        (corp_with(Condition={"NumericEquals": {EXTERNAL_ID: "12345"}}), "is a String key"),
        # what IAM itself refuses in a trust policy
        (corp_with(Resource="*"), "Has prohibited field Resource"),
        (
            corp_with(Principal={"AWS": "arn:aws:iam::*:root"}),
            "IAM would reject this policy: Invalid principal",
        ),
    ],
)
def test_08_1_over_broad_and_wrong_answers_are_refused(answer: dict, text: str) -> None:
    says("08.1", answer, text)


def test_08_1_an_extra_statement_that_lets_someone_else_in() -> None:
    extra = policy(CORP, LUMEN_OK, statement({"AWS": OTHER}, None))
    says("08.1", extra, "the other customer's administrator passes your ID 12345")
    tagging = policy(CORP, LUMEN_OK, statement({"AWS": LUMEN}, None, "sts:TagSession"))
    says("08.1", tagging, "also allows sts:TagSession")


def test_08_1_the_hint_follows_the_pairing_mistake() -> None:
    merged = policy(statement({"AWS": [EXAMPLE_CORP, LUMEN]}, equals(["12345", "67890"])))
    feedback = check("08.1", merged)
    assert feedback.topics[0] == "pairing"
    assert "67890" in feedback.hint and "Lumen" not in feedback.hint


# ---- 08.2 ------------------------------------------------------------------------------------


def works(sts: Any, role_arn: str, **extra: str) -> bool:
    try:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="onboarding", **extra)
    except ClientError:
        return False
    return True


def thorough(sts: Any, role_arn: str, external_id: str, other_ids: Any) -> bool:
    return (
        works(sts, role_arn, ExternalId=external_id)
        and not works(sts, role_arn)
        and not works(sts, role_arn, ExternalId="made-up-" + external_id)
        and not any(works(sts, role_arn, ExternalId=o) for o in other_ids)
    )


def test_08_2_the_lab_matches_the_table() -> None:
    _, sts = onboarding_lab()
    for account, (_what, _trust, safe) in ONBOARDING.items():
        role = f"arn:aws:iam::{account}:role/ExampleRole"
        assert thorough(sts, role, "12345", OTHER_IDS) is safe, account


def test_08_2_right_answers_pass() -> None:
    assert check("08.2", thorough)
    assert check("08.2", model("08.2"))  # the instructor's text runs as it is
    namespace: dict = {"ClientError": ClientError}
    exec(model("08.2"), namespace)
    assert check("08.2", namespace["safe_to_store"])


def test_08_2_the_untouched_draft_spends_nothing() -> None:
    def safe_to_store(sts: Any, role_arn: str, external_id: str, other_ids: Any) -> None:
        """Example Corp's onboarding test: may we store this customer's role ARN?"""
        ...

    for answer in (None, safe_to_store, lambda *args: None):
        feedback = check("08.2", answer)
        assert not feedback.answered and feedback.hint is None


def skipping(case: str) -> Any:
    """A test function that skips one of the cases the lesson lists."""

    def test(sts: Any, role_arn: str, external_id: str, other_ids: Any) -> bool:
        ok = True
        if case != "with":
            ok = ok and works(sts, role_arn, ExternalId=external_id)
        if case != "without":
            ok = ok and not works(sts, role_arn)
        if case != "wrong":
            ok = ok and not works(sts, role_arn, ExternalId="nobody-" + external_id)
        others = () if case == "other" else other_ids[1:] if case == "first other" else other_ids
        return ok and not any(works(sts, role_arn, ExternalId=o) for o in others)

    return test


@pytest.mark.parametrize(
    ("case", "role", "missing"),
    [
        ("with", "requires a different ID", "with the customer's own ID"),
        ("without", "or no ID at all", "without any ExternalId"),
        ("wrong", "a deny-list", "with an ID that nobody was given"),
        ("other", "also another customer's ID", "with the ID of another customer, 67890"),
        ("first other", "also another customer's ID", "with the ID of another customer, 67890"),
    ],
)
def test_08_2_a_test_that_skips_a_case_is_refused(case: str, role: str, missing: str) -> None:
    problems = says("08.2", skipping(case), role)
    assert any(p.endswith(f"never assumed it {missing}") for p in problems), problems


def test_08_2_a_made_up_id_that_is_another_customer_s_is_not_a_made_up_id() -> None:
    def reuses(sts: Any, role_arn: str, external_id: str, other_ids: Any) -> bool:
        return (
            works(sts, role_arn, ExternalId=external_id)
            and not works(sts, role_arn)
            and not any(works(sts, role_arn, ExternalId=o) for o in other_ids)
        )

    problems = says("08.2", reuses, "a deny-list")
    assert any("with an ID that nobody was given" in p for p in problems)


def test_08_2_a_function_that_knows_the_answers_by_account_is_refused() -> None:
    def by_account(sts: Any, role_arn: str, external_id: str, other_ids: Any) -> bool:
        return role_arn.startswith("arn:aws:iam::111122223333:")

    problems = check("08.2", by_account).problems
    assert any("never assumed it with the customer's own ID" in p for p in problems)
    assert any("never assumed it without any ExternalId" in p for p in problems)


def test_08_2_only_the_right_id_is_not_enough() -> None:
    def with_id_only(sts: Any, role_arn: str, external_id: str, other_ids: Any) -> bool:
        return works(sts, role_arn, ExternalId=external_id)

    problems = says("08.2", with_id_only, "no condition at all: your function says safe")
    assert sum("your function says safe to store, but it is not safe" in p for p in problems) == 5


def test_08_2_uncaught_errors_bad_returns_and_wrong_signatures() -> None:
    def raises(sts: Any, role_arn: str, external_id: str, other_ids: Any) -> bool:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="probe")
        return False

    says("08.2", raises, "raised ClientError (a refused call raises it: catch it)")
    says("08.2", lambda *a: "yes", "returned 'yes', not True or False")
    says("08.2", lambda sts, role_arn, external_id: True, "raised TypeError")
    assert "answer with a function" in check("08.2", 42).problems[0]


def test_08_2_hints_follow_the_missing_case() -> None:
    assert check("08.2", skipping("without")).topics[0] == "without"
    assert check("08.2", skipping("other")).topics[0] == "other"


def test_solutions_are_kept_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IAMLAB_INSTRUCTOR", raising=False)
    for ex in ("08.1", "08.2", "08.why", "08.quiz"):
        assert "instructor guide" in solution(ex)


def test_the_template_is_the_policy_the_notebook_prints() -> None:
    edited = copy.deepcopy(load_policy("example-corp-trust"))
    assert not check("08.1", edited).answered


def test_08_2_running_the_same_cell_again_spends_no_hint() -> None:
    """A function with a nested helper and a comprehension, defined again by re-running its
    cell, is the same answer: it gets the same feedback and unlocks no hint."""
    source = (
        "def safe_to_store(sts, role_arn, external_id, other_ids):\n"
        "    def works(**extra):\n"
        "        try:\n"
        '            sts.assume_role(RoleArn=role_arn, RoleSessionName="x1", **extra)\n'
        "        except ClientError:\n"
        "            return False\n"
        "        return True\n"
        "    return works(ExternalId=external_id) and not any([works() for _ in 'a'])\n"
    )
    answers = []
    for _ in range(2):
        namespace: dict = {"ClientError": ClientError}
        exec(source, namespace)
        answers.append(namespace["safe_to_store"])
    first, again = check("08.2", answers[0]), check("08.2", answers[1])
    assert again is first
    other = check("08.2", skipping("wrong"))
    assert other.hint != first.hint or other.topics[0] != first.topics[0]


def test_08_2_answers_known_in_advance_are_refused() -> None:
    """A function that makes every try but answers from a list of the first round's safe
    accounts (or the first round's ID) fails on the second round's customers."""

    def knows_the_accounts(sts: Any, role_arn: str, external_id: str, other_ids: Any) -> bool:
        thorough(sts, role_arn, external_id, other_ids)
        return role_arn.startswith("arn:aws:iam::111122223333:")

    says("08.2", knows_the_accounts, "a role that requires exactly the customer's ID")

    def knows_the_id(sts: Any, role_arn: str, external_id: str, other_ids: Any) -> bool:
        return thorough(sts, role_arn, "12345", ("67890", "24680"))

    says("08.2", knows_the_id, "your function says not safe, but it is safe")
