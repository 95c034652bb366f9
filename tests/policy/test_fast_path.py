"""``evaluate()`` reuses what it can between requests, and that never changes an answer.

Requests that differ only in their context share a plan (see ``iamlab.policy.evaluation``):
the outcome is remembered for each combination of what the context answers (condition
keys present, clauses met, values of policy variables in a Resource). Contexts of all-str
values are shared between requests with the same caller and content. Whatever was
evaluated before, every decision must equal the one worked out from scratch
(``decide(prepare(...))``, which remembers nothing) — decision, statements, missing keys,
reason and explanation — and must explain itself with its own context.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from iamlab import evaluate
from iamlab.policy.decision import Decision
from iamlab.policy.evaluation import decide, prepare

from .test_properties import CONTEXT_VALUES, requests

USER = "arn:aws:iam::111111111111:user/Anaya"


def seen(d: Decision) -> tuple[Any, ...]:
    """Everything a decision shows."""
    return (
        d.decision,
        d.denied_by,
        d.missing_context_values,
        [str(m) for m in d.matched_statements],
        [m.statement for m in d.matched_statements],
        d.reason,
        d.message(),
        d.to_simulation_result(),
        d.explain(),
    )


def from_scratch(request: dict[str, Any]) -> Decision:
    return decide(prepare(**request))


contexts = st.lists(st.fixed_dictionaries({}, optional=CONTEXT_VALUES), min_size=2, max_size=5)


@settings(max_examples=150, deadline=None)
@given(requests(), contexts)
def test_a_remembered_outcome_is_the_outcome_worked_out_from_scratch(
    request: dict[str, Any], others: list[dict[str, Any]]
) -> None:
    """One request under several contexts, twice over: every answer equals a fresh one."""
    for context in [request["context"], *others, request["context"], *others]:
        asked = {**request, "context": context}
        assert seen(evaluate(**asked)) == seen(from_scratch(asked))


def test_the_same_plan_with_a_condition_now_failing_is_decided_again() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
        },
    }

    def ask(context: dict[str, Any]) -> str:
        return evaluate(
            action="s3:GetObject",
            resource="arn:aws:s3:::b/k",
            principal=USER,
            context=context,
            identity_policies=[doc],
        ).decision

    assert ask({"aws:MultiFactorAuthAge": "60"}) == "allowed"
    assert ask({"aws:MultiFactorAuthAge": "7200"}) == "implicitDeny"
    assert ask({"aws:MultiFactorAuthAge": "61"}) == "allowed"
    assert ask({}) == "implicitDeny"
    assert ask({"aws:MultiFactorAuthAge": None}) == "implicitDeny"


def test_a_resource_with_a_policy_variable_is_matched_with_each_requests_value() -> None:
    """The same plan, with ``${aws:username}`` resolved from each request's own context."""
    doc = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::home/${aws:username}/*",
        },
    }

    def ask(context: dict[str, Any] | None) -> str:
        return evaluate(
            action="s3:GetObject",
            resource="arn:aws:s3:::home/Anaya/notes.txt",
            principal=USER,
            context=context,
            identity_policies=[doc],
        ).decision

    assert ask(None) == "allowed"  # aws:username comes from the principal
    assert ask({"aws:username": "Bob"}) == "implicitDeny"
    assert ask({"aws:username": None}) == "implicitDeny"  # absent on purpose
    assert ask({"aws:username": "Anaya"}) == "allowed"
    assert ask({}) == "allowed"


def test_each_decision_explains_itself_with_its_own_context() -> None:
    """Two requests with the same outcome share it, but each explanation shows its own age."""
    doc = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
        },
    }
    answers = [
        evaluate(
            action="s3:GetObject",
            resource="arn:aws:s3:::b/k",
            principal=USER,
            context={"aws:MultiFactorAuthAge": age},
            identity_policies=[doc],
        )
        for age in ("100", "200")
    ]
    assert [d.decision for d in answers] == ["allowed", "allowed"]
    assert '"100"' in answers[0].explain() and '"200"' not in answers[0].explain()
    assert '"200"' in answers[1].explain() and '"100"' not in answers[1].explain()


def test_a_shared_context_is_not_changed_by_the_callers_dict() -> None:
    """The context dict a caller passed may change afterwards; the decision keeps what it
    was given."""
    doc = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        },
    }
    context = {"aws:MultiFactorAuthPresent": "true"}
    d = evaluate(
        action="s3:GetObject",
        resource="arn:aws:s3:::b/k",
        principal=USER,
        context=context,
        identity_policies=[doc],
    )
    context["aws:MultiFactorAuthPresent"] = "false"
    again = evaluate(
        action="s3:GetObject",
        resource="arn:aws:s3:::b/k",
        principal=USER,
        context=context,
        identity_policies=[doc],
    )
    assert (d.decision, again.decision) == ("allowed", "implicitDeny")
    assert '"true"' in d.explain() and '"false"' in again.explain()


def test_str_subclasses_and_non_str_values_in_a_context_are_read_as_text() -> None:
    class Text(str):
        pass

    doc = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        },
    }

    def ask(value: Any) -> str:
        return evaluate(
            action="s3:GetObject",
            resource="arn:aws:s3:::b/k",
            principal=USER,
            context={"aws:MultiFactorAuthPresent": value},
            identity_policies=[doc],
        ).decision

    assert ask("true") == "allowed"
    assert ask(True) == "allowed"
    assert ask(Text("true")) == "allowed"
    assert ask(False) == "implicitDeny"
    assert ask(1) == "implicitDeny"  # "1" is not "true"
    assert ask(["true"]) == "allowed"
