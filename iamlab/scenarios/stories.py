"""One builder per seed story, each with the story's key calls as a function of settings.

``build_*()`` returns a ready :class:`Scenario` subclass with named actors;
``*.play(**settings)`` rewinds the lab to the freshly built state and makes the
story's calls, returning the :class:`Attempt` list (what the widgets, diagrams
and notebooks show).  Everything is deterministic.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from iamlab.aws import Lab
from iamlab.data import load_policy

from .base import Actor, Attempt, Scenario, build_world

MFA_CHOICES = ("MFA code", "no MFA", "wrong code")


def _mfa_args(lab: Lab, actor: Actor, mfa: str) -> dict[str, str]:
    """SerialNumber/TokenCode parameters for the MFA choice."""
    if mfa == "no MFA":
        return {}
    code = lab.totp(actor.mfa_serial)  # type: ignore[arg-type]
    if mfa == "wrong code":
        code = f"{(int(code) + 1) % 1_000_000:06d}"
    elif mfa != "MFA code":
        raise ValueError(f"mfa must be one of {MFA_CHOICES}, not {mfa!r}")
    return {"SerialNumber": actor.mfa_serial, "TokenCode": code}  # type: ignore[dict-item]


class CrossAccount(Scenario):
    """Seed 000/001: Richard (account B) assumes CrossAccountRole in account A with MFA."""

    @property
    def anaya(self) -> Actor:
        return self.actor("Anaya")

    @property
    def richard(self) -> Actor:
        return self.actor("Richard")

    @property
    def cross_account_role(self) -> str:
        """The ARN of CrossAccountRole in account A."""
        return self.roles["111111111111/CrossAccountRole"]

    def play(self, mfa: str = "MFA code") -> list[Attempt]:
        """Richard assumes the role (with a code, without, with a wrong one), then reads Books."""
        self.rewind()
        sts = self.richard.client("sts")
        args = _mfa_args(self.lab, self.richard, mfa)
        assume = self.attempt(
            f"Richard assumes CrossAccountRole ({mfa})",
            "Richard",
            "sts:AssumeRole",
            self.cross_account_role,
            lambda: sts.assume_role(
                RoleArn=self.cross_account_role, RoleSessionName="Richard", **args
            ),
        )
        attempts = [assume]
        if assume.allowed:
            role = self.session_for(assume.result["Credentials"])
            ddb = self.client_of(role, "dynamodb")
            books = self.resources["Books"]
            attempts.append(
                self.attempt(
                    "The role session reads a book from Books",
                    "CrossAccountRole",
                    "dynamodb:GetItem",
                    books,
                    lambda: ddb.get_item(TableName="Books", Key={"title": {"S": "Dune"}}),
                )
            )
            attempts.append(
                self.attempt(
                    "The role session lists the tables",
                    "CrossAccountRole",
                    "dynamodb:ListTables",
                    books,
                    lambda: ddb.list_tables(),
                )
            )
        return attempts


def build_cross_account(**lab_options: Any) -> CrossAccount:
    """Anaya's account A, Richard's account B, CrossAccountRole and the Books table."""
    return build_world("cross-account", cls=CrossAccount, **lab_options)  # type: ignore[return-value]


CREDENTIAL_CHOICES = ("long-term keys", "GetSessionToken without MFA", "GetSessionToken with MFA")


class SameAccountEC2(Scenario):
    """Seed 000/001: Sofia (EC2-Admins) stops and terminates instances only with MFA."""

    @property
    def sofia(self) -> Actor:
        return self.actor("Sofia")

    @property
    def instances(self) -> list[str]:
        return [name for name in self.resources if name.startswith("i-")]

    def sofia_session(self, credentials: str, duration: int = 129600) -> Any:
        """Sofia's boto3 session for one of ``CREDENTIAL_CHOICES``."""
        if credentials == "long-term keys":
            return self.sofia.session
        args = (
            {}
            if credentials == "GetSessionToken without MFA"
            else _mfa_args(self.lab, self.sofia, "MFA code")
        )
        creds = self.sofia.client("sts").get_session_token(DurationSeconds=duration, **args)
        return self.session_for(creds["Credentials"])

    def play(
        self, credentials: str = "GetSessionToken with MFA", mfa_age: int = 0
    ) -> list[Attempt]:
        """Sofia gets credentials, waits ``mfa_age`` seconds, then stops and terminates."""
        self.rewind()
        session = self.sofia_session(credentials)
        self.lab.clock.advance(seconds=mfa_age)
        ec2 = self.client_of(session, "ec2")
        first, second = self.instances[:2]
        return [
            self.attempt(
                "Sofia describes the instances",
                "Sofia",
                "ec2:DescribeInstances",
                "*",
                lambda: ec2.describe_instances(),
            ),
            self.attempt(
                f"Sofia stops {first}",
                "Sofia",
                "ec2:StopInstances",
                self.resources[first],
                lambda: ec2.stop_instances(InstanceIds=[first]),
            ),
            self.attempt(
                f"Sofia terminates {second}",
                "Sofia",
                "ec2:TerminateInstances",
                self.resources[second],
                lambda: ec2.terminate_instances(InstanceIds=[second]),
            ),
        ]


def build_same_account_ec2(**lab_options: Any) -> SameAccountEC2:
    """Account A with EC2-Admins, Sofia and two running instances."""
    return build_world("same-account-ec2", cls=SameAccountEC2, **lab_options)  # type: ignore[return-value]


NIKHIL_CHOICES = ("GetSessionToken with MFA", "AssumeRole with MFA", "long-term keys")


class ResourcePolicyS3(Scenario):
    """Seed 000/001: Nikhil (account C) writes to account A's bucket only with MFA."""

    @property
    def nikhil(self) -> Actor:
        return self.actor("Nikhil")

    def nikhil_session(self, credentials: str) -> Any:
        """Nikhil's boto3 session for one of ``NIKHIL_CHOICES``."""
        if credentials == "long-term keys":
            return self.nikhil.session
        args = _mfa_args(self.lab, self.nikhil, "MFA code")
        sts = self.nikhil.client("sts")
        if credentials == "GetSessionToken with MFA":
            return self.session_for(sts.get_session_token(**args)["Credentials"])
        if credentials == "AssumeRole with MFA":
            role = self.roles["333333333333/Uploader"]
            out = sts.assume_role(RoleArn=role, RoleSessionName="Nikhil", **args)
            return self.session_for(out["Credentials"])
        raise ValueError(f"credentials must be one of {NIKHIL_CHOICES}, not {credentials!r}")

    def play(self, credentials: str = "GetSessionToken with MFA") -> list[Attempt]:
        """Nikhil puts, then deletes, an object in account-a-bucket."""
        self.rewind()
        s3 = self.client_of(self.nikhil_session(credentials), "s3")
        who = "Uploader" if credentials.startswith("AssumeRole") else "Nikhil"
        bucket = self.resources["account-a-bucket"]
        return [
            self.attempt(
                f"Nikhil ({credentials}) puts report.csv",
                who,
                "s3:PutObject",
                bucket,
                lambda: s3.put_object(Bucket="account-a-bucket", Key="report.csv", Body=b"q1,42\n"),
            ),
            self.attempt(
                f"Nikhil ({credentials}) deletes report.csv",
                who,
                "s3:DeleteObject",
                bucket,
                lambda: s3.delete_object(Bucket="account-a-bucket", Key="report.csv"),
            ),
        ]


def build_resource_policy_s3(**lab_options: Any) -> ResourcePolicyS3:
    """Accounts A, B, C; account-a-bucket with the MFA bucket policy; Nikhil in C."""
    return build_world("resource-policy-s3", cls=ResourcePolicyS3, **lab_options)  # type: ignore[return-value]


class SelfManagedMFA(Scenario):
    """Seed 002: the four-statement policy; Nikhil has no MFA yet, Sofia has."""

    def play(self, who: str = "Nikhil", mfa: bool = False) -> list[Attempt]:
        """What ``who`` can do with long-term keys (``mfa=False``) or MFA session credentials."""
        self.rewind()
        actor = self.actor(who)
        session = actor.session
        if mfa:
            if actor.mfa_serial is None:
                raise ValueError(f"{who} has no MFA device yet; set one up first (Sofia has one)")
            args = _mfa_args(self.lab, actor, "MFA code")
            session = self.session_for(actor.client("sts").get_session_token(**args)["Credentials"])
        iam, s3 = self.client_of(session, "iam"), self.client_of(session, "s3")
        me = f"arn:aws:iam::111111111111:user/{who}"
        return [
            self.attempt(
                f"{who} lists virtual MFA devices",
                who,
                "iam:ListVirtualMFADevices",
                "*",
                lambda: iam.list_virtual_mfa_devices(),
            ),
            self.attempt(
                f"{who} reads his or her own user",
                who,
                "iam:GetUser",
                me,
                lambda: iam.get_user(UserName=who),
            ),
            self.attempt(
                f"{who} lists his or her MFA devices",
                who,
                "iam:ListMFADevices",
                me,
                lambda: iam.list_mfa_devices(UserName=who),
            ),
            self.attempt(
                f"{who} reads Anaya's user",
                who,
                "iam:GetUser",
                "arn:aws:iam::111111111111:user/Anaya",
                lambda: iam.get_user(UserName="Anaya"),
            ),
            self.attempt(
                f"{who} lists the buckets",
                who,
                "s3:ListAllMyBuckets",
                "*",
                lambda: s3.list_buckets(),
            ),
        ]


def build_self_managed_mfa(**lab_options: Any) -> SelfManagedMFA:
    """Account A whose Developers group carries the seed-002 policy."""
    return build_world("self-managed-mfa", cls=SelfManagedMFA, **lab_options)  # type: ignore[return-value]


REVOCATION_CHOICES = (
    "nothing",
    "revoke older sessions of the role",
    "deny the session Mary in the bucket policy",
    "deny the role in the bucket policy",
    "deny the federated user Bob in the bucket policy",
    "deny the user token-app in the bucket policy",
)


# each "deny ... in the bucket policy" choice is one of seed 003's bucket policies
_DENY_POLICIES = {
    "deny the session Mary in the bucket policy": "revoke-deny-role-session",
    "deny the role in the bucket policy": "revoke-deny-role",
    "deny the federated user Bob in the bucket policy": "revoke-deny-federated-user",
    "deny the user token-app in the bucket policy": "revoke-deny-iam-user",
}


_SESSION_ARNS = {
    "Mary": "arn:aws:sts::111111111111:assumed-role/Accounting-Role/Mary",
    "Bob": "arn:aws:sts::111111111111:federated-user/Bob",
}


class Revoking(Scenario):
    """Seed 003: taking away access from temporary credentials already handed out."""

    def sessions(self, *names: str) -> dict[str, Any]:
        """Mary's role session and Bob's federated-user session (or only ``names``), issued
        now."""
        wanted = names or ("Mary", "Bob")
        out = {}
        if "Mary" in wanted:
            mary = (
                self.actor("Mary")
                .client("sts")
                .assume_role(
                    RoleArn=self.roles["111111111111/Accounting-Role"], RoleSessionName="Mary"
                )
            )
            out["Mary"] = self.session_for(mary["Credentials"])
        if "Bob" in wanted:
            bob = (
                self.actor("token-app")
                .client("sts")
                .get_federation_token(
                    Name="Bob",
                    Policy=json.dumps(
                        {
                            "Version": "2012-10-17",
                            "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                        }
                    ),
                )
            )
            out["Bob"] = self.session_for(bob["Credentials"])
        return out

    def revoke(self, how: str) -> None:
        """Apply one of ``REVOCATION_CHOICES`` as the account's administrator."""
        if how == "nothing":
            return
        if how == "revoke older sessions of the role":
            cutoff = self.lab.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
            doc = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Action": ["*"],
                        "Resource": ["*"],
                        "Condition": {"DateLessThan": {"aws:TokenIssueTime": cutoff}},
                    }
                ],
            }
            self.root_client("111111111111", "iam").put_role_policy(
                RoleName="Accounting-Role",
                PolicyName="AWSRevokeOlderSessions",
                PolicyDocument=json.dumps(doc),
            )
            return
        if how not in _DENY_POLICIES:
            raise ValueError(f"how must be one of {REVOCATION_CHOICES}, not {how!r}")
        doc = load_policy(_DENY_POLICIES[how])
        self.root_client("111111111111", "s3").put_bucket_policy(
            Bucket="example-bucket", Policy=json.dumps(doc)
        )

    def play(
        self, how: str = "revoke older sessions of the role", new_session_after: bool = True
    ) -> list[Attempt]:
        """Sessions are issued, the administrator revokes ``how``, then all list the bucket."""
        self.rewind()
        old = self.sessions()
        self.lab.clock.advance(minutes=5)
        self.revoke(how)
        self.lab.clock.advance(seconds=1)
        attempts = []
        for name, session in old.items():
            s3 = self.client_of(session, "s3")
            attempts.append(
                self.attempt(
                    f"{name}'s earlier session lists example-bucket",
                    _SESSION_ARNS[name],
                    "s3:ListBucket",
                    self.resources["example-bucket"],
                    partial(s3.list_objects_v2, Bucket="example-bucket"),
                )
            )
        if new_session_after:
            fresh = self.client_of(self.sessions("Mary")["Mary"], "s3")
            attempts.append(
                self.attempt(
                    "Mary's new session (after the revocation) lists example-bucket",
                    _SESSION_ARNS["Mary"],
                    "s3:ListBucket",
                    self.resources["example-bucket"],
                    lambda: fresh.list_objects_v2(Bucket="example-bucket"),
                )
            )
        root_s3 = self.root_client("111111111111", "s3")
        attempts.append(
            self.attempt(
                "The root user lists example-bucket",
                "root",
                "s3:ListBucket",
                self.resources["example-bucket"],
                lambda: root_s3.list_objects_v2(Bucket="example-bucket"),
            )
        )
        return attempts


def build_revoking(**lab_options: Any) -> Revoking:
    """Account A with Accounting-Role, Mary, token-app and example-bucket."""
    return build_world("revoking-sessions", cls=Revoking, **lab_options)  # type: ignore[return-value]


class ConfusedDeputy(Scenario):
    """Seed 004: Example Corp assumes its customers' roles; the external ID keeps them apart."""

    @property
    def your_role(self) -> str:
        return self.roles["111122223333/ExampleRole"]

    @property
    def other_role(self) -> str:
        return self.roles["777788889999/ExampleRole"]

    def play(self, external_id: str | None = "12345", role: str = "yours") -> list[Attempt]:
        """Example Corp assumes ``role`` ("yours" or "other") passing ``external_id``."""
        self.rewind()
        arn = self.your_role if role == "yours" else self.other_role
        sts = self.actor("monitor").client("sts")
        args = {"ExternalId": external_id} if external_id else {}
        shown = f"external ID {external_id}" if external_id else "no external ID"
        whose = "your" if role == "yours" else "the other customer's"
        assume = self.attempt(
            f"Example Corp assumes {whose} ExampleRole ({shown})",
            "monitor",
            "sts:AssumeRole",
            arn,
            lambda: sts.assume_role(RoleArn=arn, RoleSessionName="ExampleCorp", **args),
        )
        attempts = [assume]
        if assume.allowed:
            s3 = self.client_of(self.session_for(assume.result["Credentials"]), "s3")
            bucket = "aws1-billing-reports" if role == "yours" else "aws2-billing-reports"
            attempts.append(
                self.attempt(
                    f"The role session reads {bucket}/2026-01.csv",
                    arn,
                    "s3:GetObject",
                    f"{self.resources[bucket]}/2026-01.csv",
                    lambda: s3.get_object(Bucket=bucket, Key="2026-01.csv"),
                )
            )
        return attempts


def build_confused_deputy(**lab_options: Any) -> ConfusedDeputy:
    """Your account, Example Corp's and another customer's, each customer with ExampleRole."""
    return build_world("confused-deputy", cls=ConfusedDeputy, **lab_options)  # type: ignore[return-value]
