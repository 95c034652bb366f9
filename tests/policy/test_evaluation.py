"""Evaluation logic in AWS's documented order (IAM User Guide: policy evaluation logic)."""

from __future__ import annotations

from typing import Any

import pytest

from iamlab import PolicyError, evaluate
from iamlab.policy.principals import federated_caller

A, B = "111111111111", "222222222222"
USER = f"arn:aws:iam::{A}:user/Anaya"
ROLE = f"arn:aws:iam::{A}:role/Admin"
SESSION = f"arn:aws:sts::{A}:assumed-role/Admin/anaya-session"
BUCKET = "arn:aws:s3:::reports/q1.csv"


def allow(action: str = "s3:GetObject", resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": action, "Resource": resource, **extra},
    }


def deny(action: str = "s3:GetObject", resource: str = "*", **extra: Any) -> dict[str, Any]:
    doc = allow(action, resource, **extra)
    doc["Statement"]["Effect"] = "Deny"
    return doc


def grant(
    principal: Any, action: str = "s3:GetObject", resource: str = BUCKET, effect: str = "Allow"
) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": effect,
            "Principal": principal,
            "Action": action,
            "Resource": resource,
        },
    }


def ev(
    principal: str = USER, action: str = "s3:GetObject", resource: str = BUCKET, **kwargs: Any
) -> Any:
    return evaluate(action=action, resource=resource, principal=principal, **kwargs)


class TestDefaults:
    def test_nothing_allows_means_implicit_deny(self) -> None:
        d = ev()
        assert d.decision == "implicitDeny" and not d
        assert d.because() == "because no identity-based policy allows the s3:GetObject action"

    def test_identity_allow(self) -> None:
        d = ev(identity_policies=[allow()])
        assert d.decision == "allowed" and d
        assert [m.policy_type for m in d.matched_statements] == ["identity"]

    def test_explicit_deny_beats_allow(self) -> None:
        d = ev(identity_policies=[allow(), deny()])
        assert d.decision == "explicitDeny"
        assert [m.effect for m in d.matched_statements] == ["Deny"]
        assert d.because() == "with an explicit deny in an identity-based policy"

    def test_action_matching_ignores_case(self) -> None:
        assert ev(action="S3:getobject", identity_policies=[allow("s3:GetObject")])
        assert ev(identity_policies=[allow("S3:Get*")])

    def test_resource_matching_is_case_sensitive(self) -> None:
        assert not ev(identity_policies=[allow(resource="arn:aws:s3:::REPORTS/*")])
        assert ev(identity_policies=[allow(resource="arn:aws:s3:::reports/*")])


class TestNotElements:
    def test_not_action_allows_everything_else(self) -> None:
        doc = {"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}
        assert ev(identity_policies=[doc])
        assert not ev(action="iam:CreateUser", identity_policies=[doc])

    def test_not_action_deny_denies_everything_else(self) -> None:
        doc = {"Statement": {"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"}}
        assert ev(action="s3:PutObject", identity_policies=[allow("s3:*"), doc]).decision == (
            "explicitDeny"
        )
        assert ev(identity_policies=[allow("s3:*"), doc]).decision == "allowed"

    def test_not_resource(self) -> None:
        doc = {
            "Statement": {
                "Effect": "Allow",
                "Action": "s3:*",
                "NotResource": "arn:aws:s3:::secret/*",
            }
        }
        assert ev(identity_policies=[doc])
        assert not ev(resource="arn:aws:s3:::secret/x", identity_policies=[doc])

    def test_not_principal_applies_to_everyone_else(self) -> None:
        doc = {
            "Statement": {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": USER},
                "Action": "s3:*",
                "Resource": "*",
            }
        }
        other = f"arn:aws:iam::{A}:user/Sofia"
        kw = {"identity_policies": [allow()], "resource_policy": doc, "resource_account": A}
        assert ev(principal=other, **kw).decision == "explicitDeny"
        assert ev(**kw).decision == "allowed"


class TestSameAccountResourcePolicies:
    def test_naming_the_user_is_enough_without_identity_policy(self) -> None:
        d = ev(resource_policy=grant({"AWS": USER}), resource_account=A)
        assert d.decision == "allowed"
        assert [m.policy_type for m in d.matched_statements] == ["resource"]

    def test_naming_the_session_is_enough_even_with_a_session_policy(self) -> None:
        d = ev(
            principal=SESSION,
            resource_policy=grant({"AWS": SESSION}),
            resource_account=A,
            session_policies=[allow("ec2:*")],
        )
        assert d.decision == "allowed"

    def test_naming_the_role_is_limited_by_the_boundary(self) -> None:
        rp = grant({"AWS": ROLE})
        assert ev(principal=SESSION, resource_policy=rp, resource_account=A)
        d = ev(
            principal=SESSION,
            resource_policy=rp,
            resource_account=A,
            permission_boundaries=[allow("ec2:*")],
        )
        assert d.decision == "implicitDeny" and d.denied_by == "boundary"

    def test_naming_the_role_is_limited_by_the_session_policy(self) -> None:
        d = ev(
            principal=SESSION,
            resource_policy=grant({"AWS": ROLE}),
            resource_account=A,
            session_policies=[allow("ec2:*")],
        )
        assert d.decision == "implicitDeny" and d.denied_by == "session"

    def test_role_with_a_path_still_matches_its_sessions(self) -> None:
        rp = grant({"AWS": f"arn:aws:iam::{A}:role/team/Admin"})
        assert ev(principal=SESSION, resource_policy=rp, resource_account=A)

    def test_naming_the_account_needs_an_identity_allow(self) -> None:
        rp = grant({"AWS": A})
        assert not ev(resource_policy=rp, resource_account=A)
        assert ev(resource_policy=rp, resource_account=A, identity_policies=[allow()])

    def test_identity_allow_alone_is_enough_in_the_same_account(self) -> None:
        rp = grant({"AWS": f"arn:aws:iam::{A}:user/Other"})
        assert ev(resource_policy=rp, resource_account=A, identity_policies=[allow()])

    def test_resource_policy_deny_wins(self) -> None:
        rp = grant({"AWS": USER}, effect="Deny")
        d = ev(resource_policy=rp, resource_account=A, identity_policies=[allow()])
        assert d.decision == "explicitDeny"
        assert d.because() == "with an explicit deny in a resource-based policy"


class TestFederatedUsers:
    bob = f"arn:aws:sts::{A}:federated-user/Bob"
    app = f"arn:aws:iam::{A}:user/token-app"

    def test_naming_the_creating_user_covers_its_federated_users(self) -> None:
        rp = grant({"AWS": self.app}, effect="Deny")
        bob = federated_caller(self.bob, self.app)
        d = ev(principal=bob, resource_policy=rp, resource_account=A, identity_policies=[allow()])
        assert d.decision == "explicitDeny"
        # without knowing who created Bob, the engine cannot tell
        d = ev(
            principal=self.bob, resource_policy=rp, resource_account=A, identity_policies=[allow()]
        )
        assert d.decision == "allowed"

    def test_a_grant_to_the_creating_user_is_limited_by_the_session_policy(self) -> None:
        bob = federated_caller(self.bob, self.app)
        kw = {"resource_policy": grant({"AWS": self.app}), "resource_account": A}
        assert ev(principal=bob, **kw).decision == "allowed"
        d = ev(principal=bob, session_policies=[allow("ec2:*")], **kw)
        assert d.decision == "implicitDeny" and d.denied_by == "session"


class TestCrossAccount:
    caller = f"arn:aws:iam::{B}:user/Richard"

    def test_both_sides_must_allow(self) -> None:
        rp = grant({"AWS": B})
        assert not ev(principal=self.caller, resource_policy=rp, resource_account=A)
        assert not ev(principal=self.caller, resource_account=A, identity_policies=[allow()])
        d = ev(
            principal=self.caller,
            resource_policy=rp,
            resource_account=A,
            identity_policies=[allow()],
        )
        assert d.decision == "allowed"
        assert {m.policy_type for m in d.matched_statements} == {"resource", "identity"}

    def test_naming_the_user_directly_still_needs_the_identity_side(self) -> None:
        rp = grant({"AWS": self.caller})
        d = ev(principal=self.caller, resource_policy=rp, resource_account=A)
        assert d.decision == "implicitDeny" and d.denied_by == "identity"

    def test_without_a_resource_policy_other_accounts_get_nothing(self) -> None:
        d = ev(principal=self.caller, resource_account=A, identity_policies=[allow()])
        assert d.decision == "implicitDeny" and d.denied_by == "resource"

    def test_resource_account_comes_from_the_arn(self) -> None:
        table = f"arn:aws:dynamodb:us-east-1:{A}:table/Books"
        d = ev(
            principal=self.caller,
            action="dynamodb:GetItem",
            resource=table,
            identity_policies=[allow("dynamodb:*")],
        )
        assert d.decision == "implicitDeny"
        assert ev(
            principal=f"arn:aws:iam::{A}:user/x",
            action="dynamodb:GetItem",
            resource=table,
            identity_policies=[allow("dynamodb:*")],
        )

    def test_unknown_resource_account_with_a_resource_policy_counts_as_cross_account(self) -> None:
        rp = grant({"AWS": USER})
        assert not ev(resource_policy=rp)
        assert ev(resource_policy=rp, identity_policies=[allow()])


class TestTrustPolicies:
    role = f"arn:aws:iam::{A}:role/CrossAccountRole"

    def test_trust_policy_must_allow_even_in_the_same_account(self) -> None:
        d = ev(action="sts:AssumeRole", resource=self.role, identity_policies=[allow("sts:*")])
        assert d.decision == "implicitDeny" and d.denied_by == "trust"
        assert d.because() == "because no role trust policy allows the sts:AssumeRole action"

    def test_trust_naming_the_user_needs_no_identity_policy(self) -> None:
        trust = {
            "Statement": {"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "sts:AssumeRole"}
        }
        assert ev(action="sts:AssumeRole", resource=self.role, resource_policy=trust)

    def test_trust_naming_the_account_needs_an_identity_allow(self) -> None:
        trust = {
            "Statement": {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{A}:root"},
                "Action": "sts:AssumeRole",
            }
        }
        assert not ev(action="sts:AssumeRole", resource=self.role, resource_policy=trust)
        assert ev(
            action="sts:AssumeRole",
            resource=self.role,
            resource_policy=trust,
            identity_policies=[allow("sts:AssumeRole", self.role)],
        )

    def test_explicit_deny_in_trust_policy(self) -> None:
        trust = {"Statement": {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}}
        d = ev(action="sts:AssumeRole", resource=self.role, resource_policy=trust)
        assert d.because() == "with an explicit deny in the role trust policy"

    def test_trust_policy_is_validated_as_a_trust_policy(self) -> None:
        with pytest.raises(PolicyError, match="Has prohibited field Resource"):
            ev(
                action="sts:AssumeRole",
                resource=self.role,
                resource_policy=grant({"AWS": USER}, "sts:AssumeRole"),
            )


class TestRoot:
    root = f"arn:aws:iam::{A}:root"

    def test_root_is_allowed_in_its_own_account_without_policies(self) -> None:
        d = ev(
            principal=self.root,
            resource=f"arn:aws:dynamodb:us-east-1:{A}:table/Books",
            action="dynamodb:DeleteTable",
        )
        assert d.decision == "allowed"
        assert "root" in d.reason

    def test_identity_policies_cannot_restrict_root(self) -> None:
        d = ev(principal=self.root, resource="arn:aws:s3:::x", identity_policies=[deny("*")])
        assert d.decision == "allowed"

    def test_root_still_needs_the_trust_policy_to_assume_a_role(self) -> None:
        role = f"arn:aws:iam::{A}:role/Admin"
        d = ev(principal=self.root, action="sts:AssumeRole", resource=role)
        assert d.decision == "implicitDeny" and d.denied_by == "trust"

    def test_root_gets_nothing_in_another_account_without_a_grant(self) -> None:
        d = ev(
            principal=f"arn:aws:iam::{B}:root",
            resource=f"arn:aws:dynamodb:us-east-1:{A}:table/Books",
            action="dynamodb:GetItem",
        )
        assert d.decision == "implicitDeny"

    def test_scps_still_restrict_member_account_root(self) -> None:
        scp = deny("s3:*")
        d = ev(principal=self.root, resource="arn:aws:s3:::x", scps=[[allow("*"), scp]])
        assert d.decision == "explicitDeny" and d.denied_by == "scp"


class TestOrganizationPolicies:
    def test_every_scp_level_must_allow(self) -> None:
        full = allow("*")
        assert ev(identity_policies=[allow()], scps=[[full], [full]])
        d = ev(identity_policies=[allow()], scps=[[full], [allow("ec2:*")]])
        assert d.decision == "implicitDeny" and d.denied_by == "scp"
        assert "level 2" in d.reason

    def test_scp_allow_does_not_grant_by_itself(self) -> None:
        assert not ev(scps=[[allow("*")]])

    def test_rcp_deny_applies_to_the_resource(self) -> None:
        rcp = {
            "Statement": {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        }
        full = {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}
        d = ev(
            identity_policies=[allow()], rcps=[[full, rcp]], context={"aws:SecureTransport": False}
        )
        assert d.decision == "explicitDeny" and d.denied_by == "rcp"
        assert ev(
            identity_policies=[allow()], rcps=[[full, rcp]], context={"aws:SecureTransport": True}
        )


class TestBoundariesAndSessions:
    def test_boundary_limits_identity_allow(self) -> None:
        d = ev(identity_policies=[allow("s3:*")], permission_boundaries=[allow("ec2:*")])
        assert d.decision == "implicitDeny" and d.denied_by == "boundary"
        assert "permissions boundary" in d.because()
        assert ev(identity_policies=[allow("s3:*")], permission_boundaries=[allow("s3:Get*")])

    def test_boundary_alone_grants_nothing(self) -> None:
        assert not ev(permission_boundaries=[allow("*")])

    def test_session_policy_limits_role_session(self) -> None:
        d = ev(
            principal=SESSION,
            identity_policies=[allow("s3:*")],
            session_policies=[allow("s3:PutObject")],
        )
        assert d.decision == "implicitDeny" and d.denied_by == "session"
        assert d.because() == "because no session policy allows the s3:GetObject action"


class TestDecisionDetails:
    mfa = {
        "Version": "2012-10-17",
        "Statement": {
            "Sid": "NeedMFA",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
            },
        },
    }

    def test_missing_context_values_lists_the_absent_keys(self) -> None:
        d = ev(identity_policies=[self.mfa], context={})
        assert d.missing_context_values == ["aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent"]
        d = ev(identity_policies=[self.mfa], context={"aws:MultiFactorAuthPresent": "true"})
        assert d.missing_context_values == ["aws:MultiFactorAuthAge"]

    def test_matched_statement_names_policy_sid_and_index(self) -> None:
        d = ev(
            identity_policies=[allow("ec2:*"), self.mfa],
            context={"aws:MultiFactorAuthPresent": True, "aws:MultiFactorAuthAge": 10},
        )
        (m,) = d.matched_statements
        assert (m.sid, m.index, m.effect) == ("NeedMFA", 0, "Allow")
        assert m.policy == "identity-based policy #2"

    def test_explain_names_the_failing_condition_with_values(self) -> None:
        d = ev(
            identity_policies=[self.mfa],
            context={"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "5000"},
        )
        text = d.explain()
        assert text.startswith("DENIED (implicit deny)")
        assert 'Sid "NeedMFA"' in text
        assert "NumericLessThan aws:MultiFactorAuthAge" in text
        assert '"5000"' in text and "not met" in text

    def test_explain_names_the_deciding_deny(self) -> None:
        d = ev(identity_policies=[allow(), deny(Sid="NoReports")])
        assert 'Sid "NoReports"' in d.reason

    def test_message_has_aws_form(self) -> None:
        d = ev()
        assert d.message() == (
            f"User: {USER} is not authorized to perform: s3:GetObject on resource: {BUCKET} "
            "because no identity-based policy allows the s3:GetObject action"
        )

    def test_simulation_result_shape(self) -> None:
        d = ev(identity_policies=[self.mfa], permission_boundaries=[allow()])
        result = d.to_simulation_result()
        assert result["EvalDecision"] == "implicitDeny"
        assert result["EvalActionName"] == "s3:GetObject"
        assert result["MissingContextValues"] == [
            "aws:MultiFactorAuthAge",
            "aws:MultiFactorAuthPresent",
        ]
        assert result["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}

    def test_context_values_of_every_type(self) -> None:
        doc = {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {
                    "Bool": {"aws:MultiFactorAuthPresent": "true"},
                    "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
                    "ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]},
                },
            },
        }
        ctx = {
            "aws:MultiFactorAuthPresent": True,
            "aws:MultiFactorAuthAge": 120,
            "aws:TagKeys": ["a", "b"],
        }
        assert ev(identity_policies=[doc], context=ctx)

    def test_bad_principal_is_a_clear_value_error(self) -> None:
        with pytest.raises(ValueError, match="not an ARN"):
            ev(principal="Anaya")
