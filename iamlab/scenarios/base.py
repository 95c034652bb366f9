"""Scenario building blocks: actors, attempts, and a lab world built from a definition.

A definition (``iamlab/data/scenarios/*.json``) lists accounts, groups, users,
roles and resources; :func:`build_world` creates them with the same boto3 calls a
learner would type, as each account's root user.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
import pyotp
from botocore.exceptions import ClientError, ParamValidationError

from iamlab.aws import Lab
from iamlab.data import load_policy, load_scenario

# error codes that mean "refused", whether or not a policy was evaluated
DENIAL_CODES = frozenset({"AccessDenied", "UnauthorizedOperation", "AccessDeniedException"})
# error codes of a request turned away before any policy was evaluated: a wrong, reused or
# expired MFA code (AccessDenied without a policy decision), an unknown or inactive access
# key, a bad signature, expired temporary credentials (each service's own code)
REFUSAL_CODES = DENIAL_CODES | frozenset(
    {
        "InvalidClientTokenId",
        "InvalidAccessKeyId",
        "UnrecognizedClientException",
        "AuthFailure",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "InvalidIdentityToken",
        # a parameter the service's model refuses (STS, IAM: ValidationError; DynamoDB:
        # ValidationException), or that botocore refuses before sending the request
        "ValidationError",
        "ValidationException",
        "ParamValidationError",
    }
)
# refused by a service rule: the policies allowed the call and a rule of the service refused
# it (the MFA-device rule of AWS-2023-001); the trail's own word for it
REFUSED_BY_RULE = "refusedByRule"
OUTCOMES = ("allowed", "explicitDeny", "implicitDeny", "refused", REFUSED_BY_RULE, "error")
_CACHED = 64  # boto3 sessions a story keeps for credentials it issues again on replay


@dataclass
class Actor:
    """A person or program in a story: an IAM user with access keys (and maybe MFA)."""

    name: str
    account: str
    arn: str
    session: boto3.Session
    access_key: dict[str, Any] = field(repr=False)
    mfa_serial: str | None = None
    detail: str = ""
    _clients: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def client(self, service: str) -> Any:
        """A boto3 client signed with this actor's long-term access keys (made once)."""
        if service not in self._clients:
            self._clients[service] = self.session.client(service)
        return self._clients[service]


@dataclass
class Attempt:
    """One call a story made, and what AWS (the lab) answered."""

    label: str
    who: str
    action: str
    target: str
    # allowed | explicitDeny | implicitDeny: the policy decision recorded in the trail;
    # refused: turned away before any policy was evaluated (wrong MFA code, unknown key,
    # expired token, a parameter the service or botocore refuses); refusedByRule: the
    # policies allowed it and a rule of the service refused it (AWS-2023-001);
    # error: allowed, or not authorized at all, and then failed
    outcome: str
    error: str = ""
    message: str = ""
    reason: str = ""
    explanation: str = ""
    result: Any = field(default=None, repr=False)
    denied_by: str | None = None  # the kind of policy that denied: identity, resource, trust...
    principal: str = ""  # the caller's ARN as the trail recorded it ("" if unauthenticated)
    resource: str = ""  # the resource the policy decision was about, as in the trail
    trail_index: int | None = None  # the call's row in lab.trail() (None: no call was made)
    credentials: str = ""  # how the caller signed, as the trail shows it ("GetSessionToken+MFA")

    @property
    def allowed(self) -> bool:
        return self.outcome == "allowed" and not self.error

    def __repr__(self) -> str:
        return f"<Attempt {self.summary()}>"

    def summary(self) -> str:
        """One line: what was tried and what happened."""
        if self.allowed:
            return f"{self.label}: allowed"
        return f"{self.label}: {self.error or self.outcome} - {self.message or self.reason}"


@dataclass
class Scenario:
    """A built story: the lab, its accounts, actors, roles and resources."""

    name: str
    title: str
    summary: str
    lab: Lab
    definition: dict[str, Any] = field(repr=False)
    accounts: dict[str, str] = field(default_factory=dict)  # id -> display name
    actors: dict[str, Actor] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)  # "account/name" -> role ARN
    resources: dict[str, str] = field(default_factory=dict)  # name -> ARN
    _roots: dict[str, boto3.Session] = field(default_factory=dict, repr=False)
    _snapshot: Any = field(default=None, repr=False)
    _root_clients: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)
    _sessions: dict[tuple[str, ...], boto3.Session] = field(default_factory=dict, repr=False)
    _clients: dict[tuple[int, str], Any] = field(default_factory=dict, repr=False)

    def actor(self, name: str) -> Actor:
        """The actor called ``name``."""
        try:
            return self.actors[name]
        except KeyError:
            raise KeyError(
                f"no actor {name!r} in this story; actors: {sorted(self.actors)}"
            ) from None

    def root(self, account_id: str) -> boto3.Session:
        """The root user's session of ``account_id`` (the account's administrator)."""
        return self._roots[account_id]

    def root_client(self, account_id: str, service: str) -> Any:
        """A boto3 client of ``account_id``'s root user (made once)."""
        key = (account_id, service)
        if key not in self._root_clients:
            self._root_clients[key] = self.root(account_id).client(service)
        return self._root_clients[key]

    def session_for(self, credentials: dict[str, Any]) -> boto3.Session:
        """A boto3 session for STS ``Credentials``, made once for the same credentials.

        :meth:`rewind` restores the lab's clock and ids, so replaying a story issues the
        same credentials again: their session (and clients, :meth:`client_of`) are reused.
        """
        key = (
            credentials["AccessKeyId"],
            credentials["SecretAccessKey"],
            credentials.get("SessionToken") or "",
        )
        if key not in self._sessions:
            if len(self._sessions) >= _CACHED:
                self._sessions.clear()
                self._clients.clear()
            self._sessions[key] = self.lab.session(credentials)
        return self._sessions[key]

    def client_of(self, session: boto3.Session, service: str) -> Any:
        """A client of ``session``, made once for a session of :meth:`session_for` or an
        actor's long-term keys."""
        key = (id(session), service)
        for actor in self.actors.values():
            if actor.session is session:
                return actor.client(service)
        if session not in self._sessions.values():
            return session.client(service)
        if key not in self._clients:
            self._clients[key] = session.client(service)
        return self._clients[key]

    def role_arn(self, name: str, account: str | None = None) -> str:
        """The ARN of role ``name`` (in ``account`` when several accounts have one)."""
        matches = [
            arn
            for key, arn in self.roles.items()
            if key.split("/", 1)[1] == name and (account is None or key.startswith(account))
        ]
        if len(matches) != 1:
            raise KeyError(f"role {name!r} is ambiguous or unknown; roles: {sorted(self.roles)}")
        return matches[0]

    def rewind(self) -> None:
        """Put the lab back exactly as it was when the story was built."""
        self.lab.restore(self._snapshot)

    def attempt(
        self, label: str, who: str, action: str, target: str, call: Callable[[], Any]
    ) -> Attempt:
        """Run ``call`` (one boto3 call), catching AWS errors and the parameters botocore
        refuses before sending anything, and record what happened."""
        before = self.lab.call_count()
        before_decision = self.lab.last_decision()
        result = None
        error = message = ""
        try:
            result = call()
        except ClientError as exc:
            error = exc.response["Error"]["Code"]
            message = exc.response["Error"]["Message"]
        except ParamValidationError as exc:  # botocore's own check: nothing was sent
            error = "ParamValidationError"
            message = " ".join(str(exc).split())
        after = self.lab.call_count()
        row = self.lab.last_call() if after > before else None
        outcome = classify(row.decision if row is not None else "", error)
        reason = row.reason if row is not None else message
        decision = self.lab.last_decision()
        if decision is before_decision or row is None or row.decision not in _DECISIONS:
            decision = None  # this call made no policy decision (e.g. a refused MFA code)
        explanation = decision.explain() if decision is not None else reason
        if outcome == REFUSED_BY_RULE:
            explanation = self.lab.explain_last()  # the policies allowed it; the rule refused
        return Attempt(
            label,
            who,
            action,
            target,
            outcome,
            error,
            message,
            reason,
            explanation,
            result,
            decision.denied_by if decision is not None and not decision else None,
            row.principal if row is not None else "",
            row.resource if row is not None else "",
            after - 1 if row is not None else None,
            row.credentials if row is not None else "",
        )


_DECISIONS = ("allowed", "explicitDeny", "implicitDeny")


def classify(decision: str, error: str) -> str:
    """The outcome of one call from its trail decision and error code.

    The trail's decision is the policy engine's; a call that made no policy decision
    ("error" in the trail) and failed with an authentication, MFA or validation error was
    refused before any policy: that is not "no policy allows it". A call the policies
    allowed and a rule of the service refused keeps the trail's ``refusedByRule``.
    """
    if decision in _DECISIONS or decision == REFUSED_BY_RULE:
        return decision
    if not error:
        return "allowed"
    return "refused" if error in REFUSAL_CODES else "error"


def _policy_text(name: str) -> str:
    return json.dumps(load_policy(name))


def enable_virtual_mfa(lab: Lab, iam: Any, user: str) -> str:
    """Create and enable a virtual MFA device for ``user``; return its serial number.

    Uses two consecutive codes as a phone shows them 30 seconds apart; advance the clock
    30 seconds before using the device again (its codes are single-use).
    """
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=user)["VirtualMFADevice"]
    serial = device["SerialNumber"]
    totp = pyotp.TOTP(device["Base32StringSeed"].decode())
    now = lab.clock.now()
    # two consecutive codes, as the phone shows them 30 seconds apart
    iam.enable_mfa_device(
        UserName=user,
        SerialNumber=serial,
        AuthenticationCode1=totp.at(now, counter_offset=-1),
        AuthenticationCode2=totp.at(now),
    )
    return serial


def build_world(
    name: str, cls: type[Scenario] = Scenario, lab: Lab | None = None, **lab_options: Any
) -> Scenario:
    """Build the scenario definition ``name`` into a fresh (or given) lab, as a ``cls``."""
    spec = load_scenario(name)
    lab = lab or Lab(**lab_options)
    sc = cls(name, spec["title"], spec["summary"], lab, spec)
    for account in spec["accounts"]:
        sc.accounts[account["id"]] = account["name"]
        sc._roots[account["id"]] = lab.create_account(account["id"], name=account["name"])
    for group in spec.get("groups", []):
        iam = sc.root(group["account"]).client("iam")
        iam.create_group(GroupName=group["name"])
        for policy_name, policy in group.get("policies", {}).items():
            iam.put_group_policy(
                GroupName=group["name"], PolicyName=policy_name, PolicyDocument=_policy_text(policy)
            )
    any_mfa = False
    for user in spec.get("users", []):
        account, uname = user["account"], user["name"]
        iam = sc.root(account).client("iam")
        arn = iam.create_user(UserName=uname)["User"]["Arn"]
        for policy_name, policy in user.get("policies", {}).items():
            iam.put_user_policy(
                UserName=uname, PolicyName=policy_name, PolicyDocument=_policy_text(policy)
            )
        for group in user.get("groups", []):
            iam.add_user_to_group(GroupName=group, UserName=uname)
        key = iam.create_access_key(UserName=uname)["AccessKey"]
        serial = enable_virtual_mfa(lab, iam, uname) if user.get("mfa") else None
        any_mfa = any_mfa or serial is not None
        sc.actors[uname] = Actor(
            uname, account, arn, lab.session(key), key, serial, user.get("detail", "")
        )
    for role in spec.get("roles", []):
        iam = sc.root(role["account"]).client("iam")
        arn = iam.create_role(
            RoleName=role["name"], AssumeRolePolicyDocument=_policy_text(role["trust"])
        )["Role"]["Arn"]
        for policy_name, policy in role.get("policies", {}).items():
            iam.put_role_policy(
                RoleName=role["name"], PolicyName=policy_name, PolicyDocument=_policy_text(policy)
            )
        sc.roles[f"{role['account']}/{role['name']}"] = arn
    for bucket in spec.get("buckets", []):
        s3 = sc.root(bucket["account"]).client("s3")
        s3.create_bucket(Bucket=bucket["name"])
        if bucket.get("policy"):
            s3.put_bucket_policy(Bucket=bucket["name"], Policy=_policy_text(bucket["policy"]))
        for key_name, body in bucket.get("objects", {}).items():
            s3.put_object(Bucket=bucket["name"], Key=key_name, Body=body.encode())
        sc.resources[bucket["name"]] = f"arn:aws:s3:::{bucket['name']}"
    for table in spec.get("tables", []):
        ddb = sc.root(table["account"]).client("dynamodb")
        key = table["key"]
        desc = ddb.create_table(
            TableName=table["name"],
            KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )["TableDescription"]
        for item in table.get("items", []):
            ddb.put_item(TableName=table["name"], Item={k: {"S": str(v)} for k, v in item.items()})
        sc.resources[table["name"]] = desc["TableArn"]
    for spec_i in spec.get("instances", []):
        ec2 = sc.root(spec_i["account"]).client("ec2")
        reservation = ec2.run_instances(
            ImageId=spec_i["image"],
            MinCount=spec_i["count"],
            MaxCount=spec_i["count"],
            InstanceType=spec_i["type"],
        )
        for inst in reservation["Instances"]:
            iid = inst["InstanceId"]
            sc.resources[iid] = f"arn:aws:ec2:{lab.region}:{spec_i['account']}:instance/{iid}"
    if any_mfa:
        lab.clock.advance(seconds=30)  # the codes used to enable the devices are spent
    sc._snapshot = lab.snapshot()
    return sc
