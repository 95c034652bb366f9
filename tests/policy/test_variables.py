"""Policy variables in Resource and Condition values (IAM User Guide: policy variables)."""

from __future__ import annotations

from typing import Any

from iamlab import evaluate

USER = "arn:aws:iam::111111111111:user/Sofia"


def own_user_policy(resource: str, version: str | None = "2012-10-17") -> dict[str, Any]:
    doc: dict[str, Any] = {
        "Statement": {"Effect": "Allow", "Action": "iam:GetUser", "Resource": resource}
    }
    if version:
        doc["Version"] = version
    return doc


def allowed(
    resource: str,
    policy: dict[str, Any],
    context: dict[str, Any] | None = None,
    principal: str = USER,
) -> bool:
    return bool(
        evaluate(
            action="iam:GetUser",
            resource=resource,
            principal=principal,
            context=context,
            identity_policies=[policy],
        )
    )


def test_username_scopes_a_resource_to_the_caller() -> None:
    policy = own_user_policy("arn:aws:iam::*:user/${aws:username}")
    assert allowed("arn:aws:iam::111111111111:user/Sofia", policy)
    assert not allowed("arn:aws:iam::111111111111:user/Anaya", policy)


def test_username_comes_from_the_principal_when_the_context_lacks_it() -> None:
    policy = own_user_policy("arn:aws:iam::*:user/${aws:username}")
    assert allowed("arn:aws:iam::111111111111:user/Sofia", policy, context={})


def test_unresolvable_variable_matches_nothing() -> None:
    # role sessions have no aws:username
    policy = own_user_policy("arn:aws:iam::*:user/${aws:username}")
    session = "arn:aws:sts::111111111111:assumed-role/Admin/Sofia"
    assert not allowed("arn:aws:iam::111111111111:user/Sofia", policy, principal=session)


def test_default_value_is_used_when_the_key_is_missing() -> None:
    policy = own_user_policy("arn:aws:s3:::shared/${aws:PrincipalTag/team, 'company-wide'}/*")
    d = evaluate(
        action="iam:GetUser",
        resource="arn:aws:s3:::shared/company-wide/x",
        principal=USER,
        identity_policies=[policy],
    )
    assert d.decision == "allowed"
    d = evaluate(
        action="iam:GetUser",
        resource="arn:aws:s3:::shared/blue/x",
        principal=USER,
        context={"aws:PrincipalTag/team": "blue"},
        identity_policies=[policy],
    )
    assert d.decision == "allowed"


def test_substituted_values_never_act_as_wildcards() -> None:
    policy = own_user_policy("arn:aws:s3:::home/${aws:PrincipalTag/dir}/x")
    ctx = {"aws:PrincipalTag/dir": "*"}
    assert not allowed("arn:aws:s3:::home/anything/x", policy, ctx)
    assert allowed("arn:aws:s3:::home/*/x", policy, ctx)


def test_special_variables_are_literal_characters() -> None:
    policy = own_user_policy("arn:aws:s3:::b/${*}${?}${$}")
    assert allowed("arn:aws:s3:::b/*?$", policy)
    assert not allowed("arn:aws:s3:::b/ab$", policy)


def test_variables_are_literal_text_in_old_versions() -> None:
    policy = own_user_policy("arn:aws:iam::*:user/${aws:username}", version="2008-10-17")
    assert not allowed("arn:aws:iam::111111111111:user/Sofia", policy)
    assert allowed("arn:aws:iam::111111111111:user/${aws:username}", policy)


def test_variables_in_condition_values() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": "*",
            "Condition": {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
        },
    }
    assert allowed("*", policy | {}, {"s3:prefix": "home/Sofia/notes"}) is False  # wrong action
    d = evaluate(
        action="s3:ListBucket",
        resource="*",
        principal=USER,
        context={"s3:prefix": "home/Sofia/notes"},
        identity_policies=[policy],
    )
    assert d
    d = evaluate(
        action="s3:ListBucket",
        resource="*",
        principal=USER,
        context={"s3:prefix": "home/Anaya/notes"},
        identity_policies=[policy],
    )
    assert not d


def test_unresolved_variable_in_negated_condition_matches() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"s3:prefix": "${aws:PrincipalTag/home}"}},
        },
    }
    allow = {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
    d = evaluate(
        action="s3:ListBucket",
        resource="*",
        principal=USER,
        context={"s3:prefix": "x"},
        identity_policies=[allow, policy],
    )
    assert d.decision == "explicitDeny"
