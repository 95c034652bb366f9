"""Every policy of the seed pages, decided the way the pages say (MFA, ages, external IDs)."""

from __future__ import annotations

from typing import Any

import pytest

from iamlab import evaluate
from iamlab.data import load_policy

A, B, C = "111111111111", "222222222222", "333333333333"
ROLE = f"arn:aws:iam::{A}:role/CrossAccountRole"
RICHARD = f"arn:aws:iam::{B}:user/Richard"
ROLE_SESSION = f"arn:aws:sts::{A}:assumed-role/CrossAccountRole/Richard"
BOOKS = f"arn:aws:dynamodb:us-east-1:{A}:table/Books"

MFA_TRUE = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "120"}
MFA_FALSE = {"aws:MultiFactorAuthPresent": "false"}
LONG_TERM: dict[str, Any] = {}  # long-term access keys carry no MFA keys at all


class TestCrossAccountDelegation:
    """Seed 000/001: Anaya's CrossAccountRole trusts account B only with MFA."""

    def assume(self, context: dict[str, Any]) -> Any:
        return evaluate(
            action="sts:AssumeRole",
            resource=ROLE,
            principal=RICHARD,
            context=context,
            identity_policies=[load_policy("richard-assume-role")],
            resource_policy=load_policy("cross-account-trust"),
        )

    def test_with_mfa_richard_assumes_the_role(self) -> None:
        assert self.assume(MFA_TRUE).decision == "allowed"

    @pytest.mark.parametrize("context", [MFA_FALSE, LONG_TERM], ids=["mfa-false", "mfa-absent"])
    def test_without_mfa_the_trust_policy_refuses(self, context: dict[str, Any]) -> None:
        d = self.assume(context)
        assert d.decision == "implicitDeny"
        assert d.denied_by == "trust"

    def test_without_his_own_permission_richard_cannot_assume(self) -> None:
        d = evaluate(
            action="sts:AssumeRole",
            resource=ROLE,
            principal=RICHARD,
            context=MFA_TRUE,
            resource_policy=load_policy("cross-account-trust"),
        )
        assert d.decision == "implicitDeny" and d.denied_by == "identity"

    def test_another_account_is_not_trusted(self) -> None:
        d = evaluate(
            action="sts:AssumeRole",
            resource=ROLE,
            principal=f"arn:aws:iam::{C}:user/Nikhil",
            context=MFA_TRUE,
            identity_policies=[
                {"Statement": {"Effect": "Allow", "Action": "sts:*", "Resource": "*"}}
            ],
            resource_policy=load_policy("cross-account-trust"),
        )
        assert d.decision == "implicitDeny" and d.denied_by == "trust"

    def test_role_permissions_need_no_mfa_once_assumed(self) -> None:
        d = evaluate(
            action="dynamodb:GetItem",
            resource=BOOKS,
            principal=ROLE_SESSION,
            context=MFA_FALSE,
            identity_policies=[load_policy("cross-account-role-permissions")],
        )
        assert d.decision == "allowed"
        d = evaluate(
            action="dynamodb:ListTables",
            resource="*",
            principal=ROLE_SESSION,
            identity_policies=[load_policy("cross-account-role-permissions")],
        )
        assert d.decision == "allowed"

    def test_the_seed_policy_as_printed_misses_books_in_account_a(self) -> None:
        seed = load_policy("cross-account-role-permissions.seed")
        d = evaluate(
            action="dynamodb:GetItem",
            resource=BOOKS,
            principal=ROLE_SESSION,
            identity_policies=[seed],
        )
        assert d.decision == "implicitDeny"  # its ARN names account B
        d = evaluate(
            action="dynamodb:ListTables",
            resource="*",
            principal=ROLE_SESSION,
            identity_policies=[seed],
        )
        assert d.decision == "implicitDeny"  # it grants "ListTable", not "ListTables"


class TestSameAccountEC2:
    """Seed 000/001: EC2-Admins may stop/terminate only with MFA (GetSessionToken)."""

    sofia = f"arn:aws:iam::{A}:user/Sofia"

    @pytest.mark.parametrize("action", ["ec2:StopInstances", "ec2:TerminateInstances"])
    @pytest.mark.parametrize(
        ("context", "expected"),
        [(MFA_TRUE, "allowed"), (MFA_FALSE, "implicitDeny"), (LONG_TERM, "implicitDeny")],
        ids=["gst-mfa", "gst-no-mfa", "long-term-keys"],
    )
    def test_only_with_mfa(self, action: str, context: dict[str, Any], expected: str) -> None:
        d = evaluate(
            action=action,
            resource=f"arn:aws:ec2:us-east-1:{A}:instance/i-0abc",
            principal=self.sofia,
            context=context,
            identity_policies=[load_policy("ec2-admins-mfa")],
        )
        assert d.decision == expected

    def test_other_ec2_actions_are_not_granted_by_this_policy(self) -> None:
        d = evaluate(
            action="ec2:RunInstances",
            resource="*",
            principal=self.sofia,
            context=MFA_TRUE,
            identity_policies=[load_policy("ec2-admins-mfa")],
        )
        assert d.decision == "implicitDeny"


class TestResourcePolicyS3:
    """Seed 000/001: account A's bucket trusts A, B and C with MFA; Nikhil is in C."""

    nikhil = f"arn:aws:iam::{C}:user/Nikhil"
    nikhil_role = f"arn:aws:sts::{C}:assumed-role/Uploader/Nikhil"
    obj = "arn:aws:s3:::account-a-bucket/report.csv"
    c_policy = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": ["s3:PutObject", "s3:DeleteObject"],
            "Resource": "arn:aws:s3:::account-a-bucket/*",
        },
    }

    def put(self, principal: str, context: dict[str, Any]) -> Any:
        return evaluate(
            action="s3:PutObject",
            resource=self.obj,
            principal=principal,
            context=context,
            identity_policies=[self.c_policy],
            resource_policy=load_policy("account-a-bucket-policy"),
            resource_account=A,
        )

    def test_getsessiontoken_with_mfa_succeeds(self) -> None:
        assert self.put(self.nikhil, MFA_TRUE).decision == "allowed"

    def test_assumerole_credentials_carry_no_mfa_and_fail(self) -> None:
        d = self.put(self.nikhil_role, MFA_FALSE)
        assert d.decision == "implicitDeny" and d.denied_by == "resource"

    def test_long_term_keys_fail(self) -> None:
        d = self.put(self.nikhil, LONG_TERM)
        assert d.decision == "implicitDeny"
        assert d.missing_context_values == ["aws:MultiFactorAuthPresent"]

    def test_an_untrusted_account_fails_even_with_mfa(self) -> None:
        d = self.put("arn:aws:iam::444444444444:user/Eve", MFA_TRUE)
        assert d.decision == "implicitDeny"

    def test_other_actions_are_not_granted(self) -> None:
        d = evaluate(
            action="s3:GetObject",
            resource=self.obj,
            principal=self.nikhil,
            context=MFA_TRUE,
            identity_policies=[
                {"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}
            ],
            resource_policy=load_policy("account-a-bucket-policy"),
            resource_account=A,
        )
        assert d.decision == "implicitDeny"


class TestSelfManagedMFA:
    """Seed 002: the four-statement policy; without MFA only the listed actions work."""

    user = f"arn:aws:iam::{A}:user/Sofia"

    def decide(self, action: str, resource: str, context: dict[str, Any]) -> str:
        full = {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
        return evaluate(
            action=action,
            resource=resource,
            principal=self.user,
            context=context,
            identity_policies=[load_policy("self-managed-mfa"), full],
        ).decision

    @pytest.mark.parametrize(
        ("action", "resource"),
        [
            ("iam:CreateVirtualMFADevice", f"arn:aws:iam::{A}:mfa/Sofia"),
            ("iam:EnableMFADevice", f"arn:aws:iam::{A}:user/Sofia"),
            ("iam:ListMFADevices", f"arn:aws:iam::{A}:user/Sofia"),
            ("iam:ListVirtualMFADevices", "*"),
            ("iam:GetUser", f"arn:aws:iam::{A}:user/Sofia"),
            ("sts:GetSessionToken", "*"),
        ],
    )
    @pytest.mark.parametrize("context", [LONG_TERM, MFA_FALSE], ids=["long-term", "mfa-false"])
    def test_listed_actions_work_without_mfa(
        self, action: str, resource: str, context: dict[str, Any]
    ) -> None:
        assert self.decide(action, resource, context) == "allowed"

    @pytest.mark.parametrize(
        ("action", "resource"),
        [
            ("s3:ListAllMyBuckets", "*"),
            ("ec2:DescribeInstances", "*"),
            ("iam:DeactivateMFADevice", f"arn:aws:iam::{A}:user/Sofia"),
            ("iam:DeleteVirtualMFADevice", f"arn:aws:iam::{A}:mfa/Sofia"),
        ],
    )
    @pytest.mark.parametrize("context", [LONG_TERM, MFA_FALSE], ids=["long-term", "mfa-false"])
    def test_everything_else_is_denied_without_mfa(
        self, action: str, resource: str, context: dict[str, Any]
    ) -> None:
        assert self.decide(action, resource, context) == "explicitDeny"

    def test_with_mfa_the_deny_lifts(self) -> None:
        assert self.decide("s3:ListAllMyBuckets", "*", MFA_TRUE) == "allowed"
        assert (
            self.decide("iam:DeactivateMFADevice", f"arn:aws:iam::{A}:user/Sofia", MFA_TRUE)
            == "allowed"
        )

    def test_username_scoping_refuses_another_users_device(self) -> None:
        only = [load_policy("self-managed-mfa")]
        d = evaluate(
            action="iam:CreateVirtualMFADevice",
            resource=f"arn:aws:iam::{A}:mfa/Anaya",
            principal=self.user,
            context=MFA_TRUE,
            identity_policies=only,
        )
        assert d.decision == "implicitDeny"
        d = evaluate(
            action="iam:EnableMFADevice",
            resource=f"arn:aws:iam::{A}:user/Anaya",
            principal=self.user,
            context=MFA_TRUE,
            identity_policies=only,
        )
        assert d.decision == "implicitDeny"


class TestRevocation:
    """Seed 003: deny by principal ARN in a resource policy; TokenIssueTime cut-off."""

    bucket = "arn:aws:s3:::example-bucket"
    any_s3 = {"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}

    def decide(self, principal: str, policy: str) -> str:
        return evaluate(
            action="s3:ListBucket",
            resource=self.bucket,
            principal=principal,
            identity_policies=[self.any_s3],
            resource_policy=load_policy(policy),
            resource_account=A,
        ).decision

    def test_deny_the_federated_user_bob(self) -> None:
        bob = f"arn:aws:sts::{A}:federated-user/Bob"
        assert self.decide(bob, "revoke-deny-federated-user") == "explicitDeny"
        assert (
            self.decide(f"arn:aws:sts::{A}:federated-user/Alice", "revoke-deny-federated-user")
            == "allowed"
        )

    def test_deny_the_role_session_mary_only(self) -> None:
        mary = f"arn:aws:sts::{A}:assumed-role/Accounting-Role/Mary"
        other = f"arn:aws:sts::{A}:assumed-role/Accounting-Role/Juan"
        assert self.decide(mary, "revoke-deny-role-session") == "explicitDeny"
        assert self.decide(other, "revoke-deny-role-session") == "allowed"

    def test_deny_the_role_hits_every_session(self) -> None:
        for name in ("Mary", "Juan"):
            session = f"arn:aws:sts::{A}:assumed-role/Accounting-Role/{name}"
            assert self.decide(session, "revoke-deny-role") == "explicitDeny"

    def test_deny_the_iam_user(self) -> None:
        assert self.decide(f"arn:aws:iam::{A}:user/token-app", "revoke-deny-iam-user") == (
            "explicitDeny"
        )

    @pytest.mark.parametrize(
        ("issued", "expected"),
        [("2014-05-07T23:00:00Z", "explicitDeny"), ("2014-05-08T09:00:00Z", "allowed")],
    )
    def test_token_issue_time_cut_off(self, issued: str, expected: str) -> None:
        session = f"arn:aws:sts::{A}:assumed-role/Accounting-Role/Mary"
        d = evaluate(
            action="s3:GetObject",
            resource=f"{self.bucket}/x",
            principal=session,
            context={"aws:TokenIssueTime": issued},
            identity_policies=[self.any_s3, load_policy("revoke-older-sessions")],
        )
        assert d.decision == expected

    def test_cut_off_does_not_touch_long_term_keys(self) -> None:
        d = evaluate(
            action="s3:GetObject",
            resource=f"{self.bucket}/x",
            principal=f"arn:aws:iam::{A}:user/token-app",
            context={},
            identity_policies=[self.any_s3, load_policy("revoke-older-sessions")],
        )
        assert d.decision == "allowed"

    def test_root_cannot_be_restricted(self) -> None:
        d = evaluate(
            action="s3:GetObject",
            resource=f"{self.bucket}/x",
            principal=f"arn:aws:iam::{A}:root",
            resource_account=A,
            context={"aws:TokenIssueTime": "2014-05-07T23:00:00Z"},
            identity_policies=[load_policy("revoke-older-sessions")],
        )
        assert d.decision == "allowed"


class TestConfusedDeputy:
    """Seed 004: Example Corp must present your external ID 12345."""

    role = "arn:aws:iam::111122223333:role/ExampleRole"
    example_corp = "arn:aws:iam::444455556666:user/monitor"
    may_assume = {"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}}

    @pytest.mark.parametrize(
        ("external_id", "expected"),
        [("12345", "allowed"), ("67890", "implicitDeny"), (None, "implicitDeny")],
        ids=["yours", "other-customer", "none"],
    )
    def test_external_id(self, external_id: str | None, expected: str) -> None:
        ctx = {"sts:ExternalId": external_id} if external_id else {}
        d = evaluate(
            action="sts:AssumeRole",
            resource=self.role,
            principal=self.example_corp,
            context=ctx,
            identity_policies=[self.may_assume],
            resource_policy=load_policy("example-corp-trust"),
        )
        assert d.decision == expected

    def test_missing_external_id_is_reported(self) -> None:
        d = evaluate(
            action="sts:AssumeRole",
            resource=self.role,
            principal=self.example_corp,
            identity_policies=[self.may_assume],
            resource_policy=load_policy("example-corp-trust"),
        )
        assert d.missing_context_values == ["sts:ExternalId"]
        assert "sts:ExternalId" in d.explain()
