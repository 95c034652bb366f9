"""Validation: what IAM rejects as MalformedPolicyDocument, with messages like IAM's."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iamlab import PolicyError, parse_policy, validate_policy
from iamlab.data import load_policy, policy_names

ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"},
}


def stmt(**fields: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [fields]}


def error_of(doc: Any, kind: str = "identity") -> str:
    with pytest.raises(PolicyError) as info:
        parse_policy(doc, kind)
    return str(info.value)


def test_statement_may_be_an_object_or_a_list() -> None:
    assert len(parse_policy(ALLOW_ALL).statements) == 1
    two = {"Statement": [ALLOW_ALL["Statement"], ALLOW_ALL["Statement"]]}
    assert len(parse_policy(two).statements) == 2


def test_json_string_and_dict_parse_alike() -> None:
    a = parse_policy(json.dumps(ALLOW_ALL))
    b = parse_policy(ALLOW_ALL)
    assert a.statements[0].effect == b.statements[0].effect == "Allow"


def test_invalid_json_is_reported_like_iam() -> None:
    assert "This policy contains invalid Json" in error_of('{"Version": ')


def test_effect_is_required_and_case_sensitive() -> None:
    assert "Missing required field Effect" in error_of(stmt(Action="*", Resource="*"))
    assert 'Effect must be "Allow" or "Deny"' in error_of(
        stmt(Effect="allow", Action="*", Resource="*")
    )


def test_actions_and_resources_are_required() -> None:
    assert "Policy statement must contain actions." in error_of(stmt(Effect="Allow", Resource="*"))
    assert "Policy statement must contain resources." in error_of(stmt(Effect="Allow", Action="*"))


def test_action_and_notaction_exclude_each_other() -> None:
    msg = error_of(stmt(Effect="Allow", Action="s3:*", NotAction="iam:*", Resource="*"))
    assert "both Action and NotAction" in msg


def test_action_needs_a_vendor_and_one_colon() -> None:
    assert "must be prefaced by a vendor" in error_of(
        stmt(Effect="Allow", Action="GetObject", Resource="*")
    )
    assert "only one colon" in error_of(stmt(Effect="Allow", Action="s3:Get:Object", Resource="*"))


def test_resource_must_be_an_arn_or_star() -> None:
    msg = error_of(stmt(Effect="Allow", Action="s3:*", Resource="my-bucket"))
    assert 'Resource my-bucket must be in ARN format or "*".' in msg


def test_identity_policies_must_not_name_a_principal() -> None:
    doc = stmt(Effect="Allow", Principal="*", Action="*", Resource="*")
    assert "Has prohibited field Principal" in error_of(doc)


def test_resource_policies_must_name_a_principal() -> None:
    assert "Missing required field Principal" in error_of(ALLOW_ALL, "resource")


def test_trust_policies_have_no_resource() -> None:
    doc = stmt(
        Effect="Allow", Principal={"AWS": "111111111111"}, Action="sts:AssumeRole", Resource="*"
    )
    assert "Has prohibited field Resource" in error_of(doc, "trust")


def test_partial_wildcards_are_invalid_principals() -> None:
    doc = stmt(
        Effect="Allow",
        Principal={"AWS": "arn:aws:iam::111111111111:user/*"},
        Action="s3:*",
        Resource="*",
    )
    assert 'Invalid principal in policy: "AWS":"arn:aws:iam::111111111111:user/*"' in error_of(
        doc, "resource"
    )


def test_sids_must_be_unique() -> None:
    doc = {
        "Statement": [dict(ALLOW_ALL["Statement"], Sid="A"), dict(ALLOW_ALL["Statement"], Sid="A")]
    }
    assert "Statement IDs (SID) in a single policy must be unique." in error_of(doc)


def test_unknown_elements_are_rejected() -> None:
    assert "unknown field Actions" in error_of(stmt(Effect="Allow", Actions="*", Resource="*"))
    assert "unknown top-level field Statements" in error_of({"Statements": []})


def test_version_must_be_a_known_one() -> None:
    assert "2012-10-17 or 2008-10-17" in error_of(dict(ALLOW_ALL, Version="2020-01-01"))


def test_unknown_condition_operator_is_rejected() -> None:
    doc = stmt(
        Effect="Allow", Action="*", Resource="*", Condition={"StringEqualz": {"aws:username": "x"}}
    )
    assert "Invalid Condition type : StringEqualz" in error_of(doc)
    doc["Statement"][0]["Condition"] = {"NullIfExists": {"aws:username": "true"}}
    assert "Invalid Condition type : NullIfExists" in error_of(doc)


def test_error_names_the_offending_element() -> None:
    doc = {
        "Statement": [ALLOW_ALL["Statement"], {"Effect": "Allow", "Action": "x", "Resource": "*"}]
    }
    with pytest.raises(PolicyError) as info:
        parse_policy(doc)
    assert info.value.location == "Statement[1].Action"
    assert info.value.code == "MalformedPolicyDocument"


def test_characters_outside_iam_range_are_rejected() -> None:
    doc = stmt(Effect="Allow", Action="s3:*", Resource="arn:aws:s3:::b/\u2603")
    assert "U+2603" in error_of(doc)


def policy_kind(name: str) -> str:
    """The kind of a shipped policy, from its file name."""
    if name.endswith("-trust"):
        return "trust"
    if name.startswith("revoke-deny") or name.endswith("bucket-policy"):
        return "resource"
    return "identity"


def test_validate_policy_accepts_every_shipped_policy() -> None:
    for name in policy_names():
        validate_policy(load_policy(name), policy_kind(name))


def test_parsing_is_cached_by_text() -> None:
    assert parse_policy(json.dumps(ALLOW_ALL)) is parse_policy(json.dumps(ALLOW_ALL))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Version",
                    "Statement",
                    "Effect",
                    "Action",
                    "NotAction",
                    "Resource",
                    "Principal",
                    "Condition",
                    "Sid",
                    "AWS",
                    "StringEquals",
                    "Bool",
                    "aws:username",
                    "x",
                ]
            )
            | st.text(max_size=6),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=400)
@given(json_values, st.sampled_from(["identity", "resource", "trust", "scp"]))
def test_any_json_gives_a_policy_or_a_policy_error(doc: Any, kind: str) -> None:
    for form in (doc, json.dumps(doc)):
        try:
            parse_policy(form, kind)
        except PolicyError as exc:
            assert str(exc)


@settings(max_examples=200)
@given(st.text(max_size=60))
def test_any_text_gives_a_policy_or_a_policy_error(text: str) -> None:
    with contextlib.suppress(PolicyError):
        parse_policy(text)
