"""Condition keys' types and the operators that fit them.

Types: IAM User Guide, "AWS global condition context keys" (each key's "Data type"),
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html;
STS keys: "Available keys for IAM and AWS STS"; operators: "IAM JSON policy elements:
Condition operators".
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iamlab.policy.keys import KEY_TYPES, key_types, mismatches, operator_type


def policy(operator: str, key: str, value: object = "1") -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {operator: {key: value}},
        },
    }


@pytest.mark.parametrize(
    ("key", "types"),
    [
        ("aws:MultiFactorAuthPresent", ("Bool",)),
        ("aws:MultiFactorAuthAge", ("Numeric",)),
        ("aws:TokenIssueTime", ("Date",)),
        ("aws:CurrentTime", ("Date",)),
        ("aws:EpochTime", ("Date", "Numeric")),
        ("aws:SecureTransport", ("Bool",)),
        ("aws:SourceIp", ("IP",)),
        ("aws:PrincipalArn", ("ARN", "String")),
        ("aws:PrincipalAccount", ("String",)),
        ("aws:username", ("String",)),
        ("aws:userid", ("String",)),
        ("aws:PrincipalType", ("String",)),
        ("aws:RequestedRegion", ("String",)),
        ("sts:ExternalId", ("String",)),
        ("sts:RoleSessionName", ("String",)),
        ("sts:SourceIdentity", ("String",)),
        ("s3:prefix", ("String",)),
    ],
)
def test_the_keys_the_lab_uses_have_their_documented_type(key: str, types: tuple) -> None:
    """Global condition context keys page: each key's data type."""
    assert key_types(key) == types
    assert key_types(key.upper()) == types  # key names are case-insensitive


def test_tag_keys_are_strings_and_unknown_keys_have_no_type() -> None:
    assert key_types("aws:PrincipalTag/team") == ("String",)
    assert key_types("aws:ResourceTag/Project") == ("String",)
    assert key_types("example:NotAKey") is None


@pytest.mark.parametrize(
    ("operator", "family"),
    [
        ("NumericLessThan", "Numeric"),
        ("NumericGreaterThanEqualsIfExists", "Numeric"),
        ("DateLessThan", "Date"),
        ("BoolIfExists", "Bool"),
        ("ForAnyValue:StringLike", "String"),
        ("IpAddress", "IP"),
        ("NotIpAddress", "IP"),
        ("ArnNotLikeIfExists", "ARN"),
        ("BinaryEquals", "Binary"),
        ("Null", None),
        ("NoSuchOperator", None),
    ],
)
def test_operator_types(operator: str, family: str | None) -> None:
    """Condition operators page: the operator families and the IfExists / set forms."""
    assert operator_type(operator) == family


def test_a_date_operator_on_the_mfa_age_is_a_mismatch() -> None:
    """aws:MultiFactorAuthAge is a number of seconds: a Date operator reads it as a date."""
    found = mismatches(policy("DateGreaterThan", "aws:MultiFactorAuthAge", "3600"))
    assert len(found) == 1
    assert found[0].key == "aws:MultiFactorAuthAge" and found[0].operator_type == "Date"
    assert "use a Numeric operator" in str(found[0])
    assert str(found[0]).startswith("statement 1:")


@pytest.mark.parametrize(
    ("operator", "key"),
    [
        ("StringEquals", "aws:MultiFactorAuthPresent"),
        ("NumericLessThan", "aws:TokenIssueTime"),
        ("Bool", "aws:MultiFactorAuthAge"),
        ("StringEquals", "aws:SourceIp"),
        ("DateLessThan", "sts:ExternalId"),
        ("NumericEquals", "aws:CurrentTime"),
    ],
)
def test_other_mismatches(operator: str, key: str) -> None:
    assert mismatches(policy(operator, key))


@pytest.mark.parametrize(
    ("operator", "key"),
    [
        ("NumericLessThan", "aws:MultiFactorAuthAge"),
        ("NumericGreaterThanIfExists", "aws:MultiFactorAuthAge"),
        ("Bool", "aws:MultiFactorAuthPresent"),
        ("BoolIfExists", "aws:MultiFactorAuthPresent"),
        ("Null", "aws:MultiFactorAuthAge"),
        ("DateLessThan", "aws:TokenIssueTime"),
        ("DateGreaterThan", "aws:EpochTime"),
        ("NumericGreaterThan", "aws:EpochTime"),
        ("IpAddress", "aws:SourceIp"),
        ("ArnLike", "aws:PrincipalArn"),
        ("StringLike", "aws:PrincipalArn"),  # AWS allows it and recommends ARN operators
        ("StringEquals", "sts:ExternalId"),
        ("StringEquals", "aws:PrincipalTag/team"),
        ("NumericLessThan", "example:UnknownKey"),
    ],
)
def test_fitting_operators_are_not_reported(operator: str, key: str) -> None:
    assert mismatches(policy(operator, key)) == []


def test_the_statement_is_named_by_its_sid_and_json_text_works() -> None:
    doc = policy("DateLessThan", "aws:MultiFactorAuthAge")
    doc["Statement"]["Sid"] = "Fresh"
    found = mismatches(json.dumps(doc))
    assert str(found[0]).startswith('statement "Fresh":')


def test_every_catalogued_type_has_wording() -> None:
    from iamlab.policy.keys import FAMILY_EXAMPLES

    for types, _ in KEY_TYPES.values():
        assert all(t in FAMILY_EXAMPLES for t in types)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=12,
)


@given(
    st.dictionaries(st.sampled_from(["Version", "Statement", "Condition", "Id"]), _json, max_size=3)
    | _json
)
def test_anything_malformed_is_skipped_not_a_traceback(document: object) -> None:
    assert isinstance(mismatches(document), list)


@given(
    st.sampled_from(sorted(KEY_TYPES)),
    st.sampled_from(
        ["StringEquals", "NumericLessThan", "DateLessThan", "Bool", "IpAddress", "ArnLike"]
    ),
)
def test_a_mismatch_is_reported_exactly_when_the_types_differ(key: str, operator: str) -> None:
    wanted = operator_type(operator) not in key_types(key)  # type: ignore[operator]
    assert bool(mismatches(policy(operator, key))) == wanted
