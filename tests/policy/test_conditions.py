"""Every condition operator, IfExists, Null, set operators and missing keys (IAM User Guide)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iamlab.policy.conditions import parse_condition
from iamlab.policy.context import RequestContext


def holds(condition: dict[str, Any], context: dict[str, Any], versioned: bool = True) -> bool:
    clauses = parse_condition(condition, versioned, "Condition")
    ctx = RequestContext(context)
    return all(c.test(ctx) for c in clauses)


K = "aws:username"


@pytest.mark.parametrize(
    ("operator", "policy", "request_value", "expected"),
    [
        ("StringEquals", "Anaya", "Anaya", True),
        ("StringEquals", "Anaya", "anaya", False),
        ("StringEquals", "An*", "Anaya", False),  # wildcards are literal in StringEquals
        ("StringEquals", "An*", "An*", True),
        ("StringNotEquals", "Anaya", "Richard", True),
        ("StringNotEquals", "Anaya", "Anaya", False),
        ("StringEqualsIgnoreCase", "ANAYA", "anaya", True),
        ("StringNotEqualsIgnoreCase", "ANAYA", "anaya", False),
        ("StringLike", "An?ya", "Anaya", True),
        ("StringLike", "An*", "Anaya", True),
        ("StringLike", "an*", "Anaya", False),  # StringLike is case-sensitive
        ("StringNotLike", "Ri*", "Anaya", True),
        ("StringNotLike", "An*", "Anaya", False),
    ],
)
def test_string_operators(operator: str, policy: str, request_value: str, expected: bool) -> None:
    assert holds({operator: {K: policy}}, {K: request_value}) is expected


@pytest.mark.parametrize(
    ("operator", "request_value", "expected"),
    [
        ("NumericLessThan", "3599", True),
        ("NumericLessThan", "3600", False),
        ("NumericLessThanEquals", "3600", True),
        ("NumericGreaterThan", "3601", True),
        ("NumericGreaterThan", "3600", False),
        ("NumericGreaterThanEquals", "3600", True),
        ("NumericEquals", "3600.0", True),
        ("NumericNotEquals", "3600", False),
        ("NumericLessThan", "not-a-number", False),
    ],
)
def test_numeric_operators_on_mfa_age(operator: str, request_value: str, expected: bool) -> None:
    cond = {operator: {"aws:MultiFactorAuthAge": "3600"}}
    assert holds(cond, {"aws:MultiFactorAuthAge": request_value}) is expected


def test_numeric_accepts_ints_and_decimals_from_either_side() -> None:
    assert holds(
        {"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}}, {"aws:MultiFactorAuthAge": 120}
    )
    assert holds({"NumericLessThan": {"s3:max-keys": "10.5"}}, {"s3:max-keys": "10.25"})


@pytest.mark.parametrize(
    ("operator", "request_value", "expected"),
    [
        ("DateLessThan", "2014-05-07T23:46:59Z", True),
        ("DateLessThan", "2014-05-07T23:47:00Z", False),
        ("DateLessThanEquals", "2014-05-07T23:47:00Z", True),
        ("DateGreaterThan", "2014-05-08T00:00:00Z", True),
        ("DateGreaterThanEquals", "2014-05-07T23:47:00Z", True),
        ("DateEquals", "2014-05-07T23:47:00+00:00", True),
        ("DateNotEquals", "2014-05-07T23:47:00Z", False),
        ("DateLessThan", "1399506419", True),  # epoch seconds, one second before
        ("DateLessThan", "2014-05-08T01:46:59+02:00", True),  # offsets are honoured
        ("DateLessThan", "yesterday", False),
    ],
)
def test_date_operators_on_token_issue_time(
    operator: str, request_value: str, expected: bool
) -> None:
    cond = {operator: {"aws:TokenIssueTime": "2014-05-07T23:47:00Z"}}
    assert holds(cond, {"aws:TokenIssueTime": request_value}) is expected


def test_date_policy_value_may_be_epoch() -> None:
    cond = {"DateGreaterThan": {"aws:CurrentTime": "1399506420"}}
    assert holds(cond, {"aws:CurrentTime": "2014-05-08T00:00:00Z"})


@pytest.mark.parametrize(
    ("policy", "request_value", "expected"),
    [
        ("true", "true", True),
        ("true", "false", False),
        (True, True, True),
        ("true", "True", True),
        ("false", "false", True),
        (False, "true", False),
    ],
)
def test_bool(policy: Any, request_value: Any, expected: bool) -> None:
    cond = {"Bool": {"aws:MultiFactorAuthPresent": policy}}
    assert holds(cond, {"aws:MultiFactorAuthPresent": request_value}) is expected


def test_binary_equals_compares_decoded_bytes() -> None:
    cond = {"BinaryEquals": {"aws:x": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}
    assert holds(cond, {"aws:x": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="})
    assert not holds(cond, {"aws:x": "b3RoZXI="})


@pytest.mark.parametrize(
    ("operator", "address", "expected"),
    [
        ("IpAddress", "203.0.113.7", True),
        ("IpAddress", "198.51.100.7", False),
        ("NotIpAddress", "198.51.100.7", True),
        ("IpAddress", "2001:db8::1", True),
        ("IpAddress", "garbage", False),
    ],
)
def test_ip_operators(operator: str, address: str, expected: bool) -> None:
    cond = {operator: {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}
    assert holds(cond, {"aws:SourceIp": address}) is expected


def test_bare_ip_address_means_slash_32() -> None:
    cond = {"IpAddress": {"aws:SourceIp": "203.0.113.7"}}
    assert holds(cond, {"aws:SourceIp": "203.0.113.7"})
    assert not holds(cond, {"aws:SourceIp": "203.0.113.8"})


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("ArnLike", "arn:aws:iam::111111111111:role/CrossAccountRole", True),
        ("ArnEquals", "arn:aws:iam::111111111111:role/CrossAccountRole", True),  # same as ArnLike
        ("ArnLike", "arn:aws:iam::222222222222:role/CrossAccountRole", False),
        ("ArnNotLike", "arn:aws:iam::222222222222:role/x", True),
        ("ArnNotEquals", "arn:aws:iam::111111111111:role/Admin", False),
    ],
)
def test_arn_operators(operator: str, value: str, expected: bool) -> None:
    cond = {operator: {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/*"}}
    assert holds(cond, {"aws:PrincipalArn": value}) is expected


def test_arn_star_does_not_cross_colons_but_string_like_does() -> None:
    value = "arn:aws:iam::111111111111:role/x"
    assert not holds({"ArnLike": {"aws:SourceArn": "arn:aws:*"}}, {"aws:SourceArn": value})
    assert holds({"StringLike": {"aws:SourceArn": "arn:aws:*"}}, {"aws:SourceArn": value})


class TestMissingKeys:
    """A missing key is false, except for negated operators, IfExists and Null (IAM docs)."""

    def test_positive_operator_is_false(self) -> None:
        assert not holds({"Bool": {"aws:MultiFactorAuthPresent": "true"}}, {})
        assert not holds({"Bool": {"aws:MultiFactorAuthPresent": "false"}}, {})
        assert not holds({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}, {})

    def test_negated_operator_is_true(self) -> None:
        assert holds({"StringNotEquals": {"sts:ExternalId": "12345"}}, {})
        assert holds({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {})

    def test_if_exists_is_true(self) -> None:
        assert holds({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}, {})
        assert holds({"NumericLessThanIfExists": {"aws:MultiFactorAuthAge": "3600"}}, {})

    def test_if_exists_checks_normally_when_present(self) -> None:
        cond = {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
        assert holds(cond, {"aws:MultiFactorAuthPresent": "false"})
        assert not holds(cond, {"aws:MultiFactorAuthPresent": "true"})

    def test_null_tests_presence(self) -> None:
        assert holds({"Null": {"aws:MultiFactorAuthPresent": "true"}}, {})
        assert not holds(
            {"Null": {"aws:MultiFactorAuthPresent": "true"}},
            {"aws:MultiFactorAuthPresent": "false"},
        )
        assert holds(
            {"Null": {"aws:MultiFactorAuthPresent": "false"}},
            {"aws:MultiFactorAuthPresent": "false"},
        )


def test_several_values_are_ored_and_several_keys_anded() -> None:
    cond = {"StringEquals": {"sts:ExternalId": ["12345", "67890"], "aws:username": "Anaya"}}
    assert holds(cond, {"sts:ExternalId": "67890", "aws:username": "Anaya"})
    assert not holds(cond, {"sts:ExternalId": "67890", "aws:username": "Richard"})


def test_negated_operator_with_several_values_must_match_none() -> None:
    cond = {"StringNotEquals": {"sts:ExternalId": ["12345", "67890"]}}
    assert not holds(cond, {"sts:ExternalId": "67890"})
    assert holds(cond, {"sts:ExternalId": "11111"})


def test_several_operators_are_anded() -> None:
    cond = {
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
        "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
    }
    assert holds(cond, {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60"})
    assert not holds(cond, {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "7200"})


def test_key_names_are_case_insensitive() -> None:
    assert holds(
        {"Bool": {"AWS:multifactorauthpresent": "true"}}, {"aws:MultiFactorAuthPresent": True}
    )


class TestSetOperators:
    cond_all = {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost"]}}
    cond_any = {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team", "cost"]}}

    def test_for_all_values_needs_every_request_value_listed(self) -> None:
        assert holds(self.cond_all, {"aws:TagKeys": ["team"]})
        assert holds(self.cond_all, {"aws:TagKeys": ["team", "cost"]})
        assert not holds(self.cond_all, {"aws:TagKeys": ["team", "owner"]})

    def test_for_all_values_is_true_for_missing_or_empty_keys(self) -> None:
        assert holds(self.cond_all, {})
        assert holds(self.cond_all, {"aws:TagKeys": []})

    def test_for_any_value_needs_one_match(self) -> None:
        assert holds(self.cond_any, {"aws:TagKeys": ["owner", "cost"]})
        assert not holds(self.cond_any, {"aws:TagKeys": ["owner"]})

    def test_for_any_value_is_false_for_missing_or_empty_keys(self) -> None:
        assert not holds(self.cond_any, {})
        assert not holds(self.cond_any, {"aws:TagKeys": []})

    def test_negated_set_operators(self) -> None:
        cond = {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret"]}}
        assert holds(cond, {"aws:TagKeys": ["team", "cost"]})
        assert not holds(cond, {"aws:TagKeys": ["team", "secret"]})
        cond = {"ForAnyValue:StringNotLike": {"aws:TagKeys": ["t*"]}}
        assert holds(cond, {"aws:TagKeys": ["team", "cost"]})
        assert not holds(cond, {"aws:TagKeys": ["team", "tier"]})


def test_explanations_show_both_sides_and_the_verdict() -> None:
    (clause,) = parse_condition({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}, True, "C")
    note = clause.explain(RequestContext({"aws:MultiFactorAuthAge": "4000"})).describe()
    assert (
        '"4000"' in note and "less than" in note and '"3600"' in note and note.endswith("not met")
    )
    missing = clause.explain(RequestContext({})).describe()
    assert "not in the request context" in missing and "IfExists" in missing


@given(st.integers(min_value=0, max_value=200000), st.integers(min_value=0, max_value=200000))
def test_numeric_less_than_agrees_with_python(age: int, limit: int) -> None:
    cond = {"NumericLessThan": {"aws:MultiFactorAuthAge": str(limit)}}
    assert holds(cond, {"aws:MultiFactorAuthAge": str(age)}) is (age < limit)
