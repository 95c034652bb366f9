"""Parsed policies are cached, and a cached parse is never stale.

Policies passed as dicts are cached by an exact serialisation of their content
(see ``iamlab.policy.document``): a dict changed after being passed is parsed
afresh, and values that Python calls equal but JSON tells apart (``1``,
``1.0``, ``True``) are never confused.
"""

from __future__ import annotations

import copy
import json
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iamlab import PolicyError, evaluate, parse_policy

USER = "arn:aws:iam::111111111111:user/Anaya"


def allow(action: str = "s3:GetObject", **extra: Any) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": action, "Resource": "*", **extra},
    }


def decide(doc: Any, action: str = "s3:GetObject", context: Any = None) -> str:
    return evaluate(
        action=action,
        resource="arn:aws:s3:::b/x",
        principal=USER,
        context=context,
        identity_policies=[doc],
    ).decision


def test_a_dict_mutated_after_being_passed_is_parsed_afresh() -> None:
    doc = allow()
    assert decide(doc) == "allowed"
    doc["Statement"]["Effect"] = "Deny"
    assert decide(doc) == "explicitDeny"
    doc["Statement"]["Effect"] = "Allow"
    doc["Statement"]["Action"] = ["s3:PutObject"]
    assert decide(doc) == "implicitDeny"
    doc["Statement"]["Action"].append("s3:GetObject")  # a list changed in place
    assert decide(doc) == "allowed"


def test_a_nested_condition_changed_in_place_is_seen() -> None:
    doc = allow(Condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})
    context = {"aws:MultiFactorAuthAge": "100"}
    assert decide(doc, context=context) == "allowed"
    doc["Statement"]["Condition"]["NumericLessThan"]["aws:MultiFactorAuthAge"] = "60"
    assert decide(doc, context=context) == "implicitDeny"


def test_true_one_and_one_point_zero_are_not_confused() -> None:
    # Python says True == 1 == 1.0; in a policy they are "true", "1" and "1.0"
    doc = allow(Condition={"Bool": {"aws:SecureTransport": True}})
    context = {"aws:SecureTransport": "true"}
    assert decide(doc, context=context) == "allowed"
    doc["Statement"]["Condition"]["Bool"]["aws:SecureTransport"] = 1
    assert decide(doc, context=context) == "implicitDeny"
    doc = allow(Condition={"StringEquals": {"s3:max-keys": 1}})
    assert decide(doc, context={"s3:max-keys": "1"}) == "allowed"
    doc["Statement"]["Condition"]["StringEquals"]["s3:max-keys"] = 1.0
    assert decide(doc, context={"s3:max-keys": "1"}) == "implicitDeny"


def test_fresh_dicts_with_the_same_content_share_one_parse() -> None:
    first = parse_policy(allow())
    assert parse_policy(copy.deepcopy(allow())) is first
    assert parse_policy(json.loads(json.dumps(allow()))) is first


def test_dict_subclasses_and_other_mappings_are_parsed_not_cached_wrongly() -> None:
    doc = OrderedDict(allow())
    assert decide(doc) == "allowed"
    doc["Statement"] = {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}
    assert decide(doc) == "explicitDeny"


def test_a_str_subclass_is_read_as_its_text() -> None:
    class Text(str):
        pass

    assert decide(allow(Text("s3:GetObject"))) == "allowed"
    assert decide(allow(Text("s3:PutObject"))) == "implicitDeny"


def test_nan_and_infinity_in_a_dict_are_refused_like_in_text() -> None:
    for number in (float("nan"), float("inf"), float("-inf")):
        doc = allow(Condition={"NumericLessThan": {"aws:MultiFactorAuthAge": number}})
        with pytest.raises(PolicyError, match="is not a JSON number"):
            parse_policy(doc)


def test_a_dict_that_is_not_json_is_a_policy_error() -> None:
    with pytest.raises(PolicyError, match="invalid Json"):
        parse_policy(allow(Condition={"StringEquals": {"aws:username": object()}}))
    loop: dict[str, Any] = allow()
    loop["Statement"]["Condition"] = {"StringEquals": {"aws:username": loop}}
    with pytest.raises(PolicyError, match="invalid Json"):
        parse_policy(loop)


leaves = st.one_of(
    st.booleans(),
    st.integers(-2, 2),
    st.sampled_from([0.0, 1.0, -0.0, 2.5]),
    st.sampled_from(["true", "1", "1.0", "Anaya", ""]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(leaves, min_size=1, max_size=3), st.lists(leaves, min_size=1, max_size=3))
def test_the_parse_always_matches_the_document_given(a: list[Any], b: list[Any]) -> None:
    """Whatever was parsed before, a document parses to what its own JSON text says."""
    doc_a = allow(Condition={"StringEquals": {"aws:username": a}})
    doc_b = allow(Condition={"StringEquals": {"aws:username": b}})
    parse_policy(doc_a)
    parsed = parse_policy(doc_b)
    expected = parse_policy(json.dumps(doc_b))
    assert parsed.statements[0].conditions[0].values == expected.statements[0].conditions[0].values


def test_what_a_policy_remembers_per_caller_never_mixes_callers() -> None:
    """Principal matching is remembered per policy, action, resource and caller."""
    from iamlab.policy.principals import federated_caller

    app = "arn:aws:iam::111111111111:user/token-app"
    bob = "arn:aws:sts::111111111111:federated-user/Bob"
    deny_app = {
        "Statement": {
            "Effect": "Deny",
            "Principal": {"AWS": app},
            "Action": "s3:*",
            "Resource": "*",
        }
    }
    allow_all = allow("s3:*")
    kwargs = {
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::b/x",
        "resource_policy": deny_app,
        "resource_account": "111111111111",
        "identity_policies": [allow_all],
    }
    for _ in range(3):  # alternate, so that each caller follows the other
        made_by_app = federated_caller(bob, app)
        made_by_other = federated_caller(bob, "arn:aws:iam::111111111111:user/other")
        assert evaluate(principal=made_by_app, **kwargs).decision == "explicitDeny"
        assert evaluate(principal=made_by_other, **kwargs).decision == "allowed"
        assert evaluate(principal=app, **kwargs).decision == "explicitDeny"
        assert evaluate(principal=USER, **kwargs).decision == "allowed"
