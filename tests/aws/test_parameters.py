"""A parameter the lab does not emulate is refused (``NotImplementedInLab``), never dropped.

The rule is ``docs/aws-behaviour.md``, "Service errors" (the lab's own errors) and "Not
emulated"; the per-operation lists are ``iamlab/aws/services/_parameters.py``. These tests
check the data against botocore's models, that a plain boto3 call is never refused (whatever
botocore adds to it), that every operation the notebooks make passes, and one refusal per
family of parameters the lab does not emulate.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError

from iamlab.aws import Lab
from iamlab.aws.parameters import botocore_members, unsupported
from iamlab.aws.services import _registry
from iamlab.aws.services._parameters import HONOURED, NOTES

from .conftest import A, B, doc, make_user

ROOT = Path(__file__).resolve().parents[2]
_MODELS = botocore.session.get_session()


def model(service: str, operation: str) -> Any:
    return _MODELS.get_service_model(service).operation_model(operation)


def emulated() -> list[tuple[str, str]]:
    _registry.load_all()
    return sorted(_registry._HANDLERS)


def err(excinfo) -> tuple[str, str, int]:
    r = excinfo.value.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


# ---- the data ---------------------------------------------------------------------------
# Members the lab honours that botocore added after the declared floor (constraints-floor.txt):
# an older client cannot send them, so the lab needs nothing from it.
NEWER_THAN_FLOOR = {"MinimumSessionTokenSize"}


def test_every_emulated_operation_has_its_list() -> None:
    missing = [f"{s}:{o}" for s, o in emulated() if o not in HONOURED.get(s, {})]
    assert missing == [], "add these operations to iamlab/aws/services/_parameters.py"
    extra = [f"{s}:{o}" for s in HONOURED for o in HONOURED[s] if (s, o) not in emulated()]
    assert extra == [], "these rows name operations without a handler"


@pytest.mark.parametrize("service,operation", emulated())
def test_listed_names_are_model_members_and_required_ones_are_listed(
    service: str, operation: str
) -> None:
    shape = model(service, operation).input_shape
    members = shape.members if shape is not None else {}
    listed = HONOURED[service][operation]
    assert len(set(listed)) == len(listed)
    for name in listed:
        top, _, sub = name.partition(".")
        if top in NEWER_THAN_FLOOR and top not in members:
            continue
        assert top in members, f"{service}:{operation} has no member {top}"
        if sub:
            assert sub in members[top].members, f"{top} has no member {sub}"
    required = set(shape.required_members) if shape is not None else set()
    assert required <= {n.partition(".")[0] for n in listed}


def test_notes_name_real_services() -> None:
    for key in NOTES:
        service, _, rest = key.partition(":")
        assert service in HONOURED and rest, key


# ---- what a plain boto3 call sends --------------------------------------------------------
def _minimal(shape: Any, depth: int = 0) -> Any:
    """The smallest value botocore's client accepts for ``shape`` (required members only)."""
    kind = shape.type_name
    if kind == "structure":
        return {name: _minimal(shape.members[name], depth + 1) for name in shape.required_members}
    if kind == "list":
        return [
            _minimal(shape.member, depth + 1) for _ in range(max(1, shape.metadata.get("min", 1)))
        ]
    if kind == "map":
        return {}
    if kind in ("integer", "long"):
        return max(1, shape.metadata.get("min", 1))
    if kind in ("float", "double"):
        return 1.0
    if kind == "boolean":
        return False
    if kind == "blob":
        return b"x"
    if kind == "timestamp":
        return dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    enum = getattr(shape, "enum", None)
    if enum:
        return enum[0]
    return "x" * max(1, shape.metadata.get("min", 1))


class _Sent(Exception):
    """Raised by the probe once botocore has built the request's parameters."""


def sent_by_botocore(service: str, operation: str, params: dict) -> dict:
    """The parameters a real botocore client passes on for ``params`` (after its own
    ``before-parameter-build`` customisations), without sending anything."""
    seen: dict = {}
    client = boto3.Session(
        aws_access_key_id="AKIAPROBE", aws_secret_access_key="x", region_name="us-east-1"
    ).client(service)
    events = client.meta.events

    def keep(params: dict, **kwargs: Any) -> None:
        seen["params"] = params

    def stop(**kwargs: Any) -> None:
        raise _Sent

    events.register_last("before-parameter-build", keep)
    events.register_first("before-call", stop)
    method = getattr(client, botocore.xform_name(operation))
    with pytest.raises(_Sent):
        method(**params)
    return dict(seen["params"])


@pytest.mark.parametrize("service,operation", emulated())
def test_what_botocore_adds_to_a_plain_call_is_never_refused(service: str, operation: str) -> None:
    """Every member botocore adds by itself (idempotency tokens, checksum members, S3's
    EncodingType...) is accepted, so a call with default arguments is never refused."""
    op = model(service, operation)
    given = _minimal(op.input_shape) if op.input_shape is not None else {}
    if service == "s3" and "Bucket" in given:
        given["Bucket"] = "probe-bucket"
    sent = sent_by_botocore(service, operation, given)
    added = {k: v for k, v in sent.items() if k not in given}
    assert unsupported(op, added) == [], f"botocore adds {sorted(added)}"
    assert unsupported(op, given) == []


def test_botocore_members_come_from_the_model() -> None:
    assert botocore_members(model("ec2", "RunInstances")) == {"ClientToken"}
    assert botocore_members(model("s3", "GetObject")) == {"ChecksumMode"}
    assert botocore_members(model("s3", "PutObject")) == {"ChecksumAlgorithm"}
    assert botocore_members(model("sts", "AssumeRole")) == set()


# ---- every operation the notebooks make -----------------------------------------------------
_SNAKE = re.compile(r"\.([a-z][a-z0-9_]*)\(")


def notebook_operations() -> set[tuple[str, str]]:
    """Emulated operations called in the notebooks' sources, the scenarios, the exercises
    and the widgets (by their boto3 method names)."""
    by_method = {botocore.xform_name(o): (s, o) for s, o in emulated()}
    found: set[tuple[str, str]] = set()
    sources = [*(ROOT / "labs" / "src").glob("*.py")]
    for package in ("scenarios", "exercises", "widgets", "diagrams"):
        sources += (ROOT / "iamlab" / package).rglob("*.py")
    for path in sources:
        for name in _SNAKE.findall(path.read_text(encoding="utf-8")):
            if name in by_method:
                found.add(by_method[name])
    return found


def _policy(*statements: dict) -> str:
    return doc(*statements)


ALLOW_ALL = _policy({"Effect": "Allow", "Action": "*", "Resource": "*"})


def run_notebook_calls(lab: Lab) -> set[tuple[str, str]]:
    """Each operation the notebooks make, with the arguments they pass; returns what ran."""
    import pyotp

    a = lab.create_account(A, name="A")
    b = lab.create_account(B, name="B")
    iam, sts = a.client("iam"), a.client("sts")
    iam.create_user(UserName="Ana")
    iam.create_group(GroupName="Admins")
    iam.add_user_to_group(GroupName="Admins", UserName="Ana")
    iam.put_group_policy(GroupName="Admins", PolicyName="all", PolicyDocument=ALLOW_ALL)
    iam.get_group_policy(GroupName="Admins", PolicyName="all")
    iam.put_user_policy(UserName="Ana", PolicyName="all", PolicyDocument=ALLOW_ALL)
    iam.get_user_policy(UserName="Ana", PolicyName="all")
    iam.delete_user_policy(UserName="Ana", PolicyName="all")
    key = iam.create_access_key(UserName="Ana")["AccessKey"]
    dev = iam.create_virtual_mfa_device(VirtualMFADeviceName="Ana")["VirtualMFADevice"]
    totp = pyotp.TOTP(dev["Base32StringSeed"].decode())
    now = lab.clock.now()
    iam.enable_mfa_device(
        UserName="Ana",
        SerialNumber=dev["SerialNumber"],
        AuthenticationCode1=totp.at(now, counter_offset=-1),
        AuthenticationCode2=totp.at(now),
    )
    iam.list_mfa_devices()
    iam.list_mfa_devices(UserName="Ana")
    iam.list_virtual_mfa_devices()
    iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")
    iam.get_user()
    iam.get_user(UserName="Ana")
    iam.list_users()
    trust = _policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{A}:root"},
            "Action": "sts:AssumeRole",
        }
    )
    iam.create_role(RoleName="Reader", AssumeRolePolicyDocument=trust)
    iam.update_assume_role_policy(RoleName="Reader", PolicyDocument=trust)
    iam.put_role_policy(RoleName="Reader", PolicyName="all", PolicyDocument=ALLOW_ALL)
    iam.get_role_policy(RoleName="Reader", PolicyName="all")
    iam.list_role_policies(RoleName="Reader")
    iam.get_role(RoleName="Reader")
    role = f"arn:aws:iam::{A}:role/Reader"
    ana = lab.session(key)
    ana_sts = ana.client("sts")
    lab.clock.advance(seconds=30)
    ana_sts.get_session_token()
    ana_sts.get_session_token(DurationSeconds=3600)
    ana_sts.get_session_token(
        SerialNumber=dev["SerialNumber"], TokenCode=lab.totp(dev["SerialNumber"])
    )
    lab.clock.advance(seconds=30)
    ana_sts.get_session_token(
        DurationSeconds=900,
        SerialNumber=dev["SerialNumber"],
        TokenCode=lab.totp(dev["SerialNumber"]),
    )
    lab.clock.advance(seconds=30)
    ana_sts.assume_role(RoleArn=role, RoleSessionName="s1")
    ana_sts.assume_role(RoleArn=role, RoleSessionName="s2", DurationSeconds=900)
    ana_sts.assume_role(RoleArn=role, RoleSessionName="s3", ExternalId="12345")
    ana_sts.assume_role(
        RoleArn=role,
        RoleSessionName="s4",
        SerialNumber=dev["SerialNumber"],
        TokenCode=lab.totp(dev["SerialNumber"]),
    )
    ana_sts.get_federation_token(Name="Bob")
    ana_sts.get_federation_token(Name="Bob", Policy=ALLOW_ALL)
    sts.get_caller_identity()
    # web identity and SAML
    iam.create_open_id_connect_provider(
        Url="https://id.example.com", ClientIDList=["app"], ThumbprintList=["a" * 40]
    )
    iam.list_open_id_connect_providers()
    oidc_trust = _policy(
        {
            "Effect": "Allow",
            "Principal": {"Federated": f"arn:aws:iam::{A}:oidc-provider/id.example.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
        }
    )
    iam.create_role(RoleName="Web", AssumeRolePolicyDocument=oidc_trust)
    token = lab.web_identity_token("https://id.example.com", "alice", "app")
    lab.session().client("sts").assume_role_with_web_identity(
        RoleArn=f"arn:aws:iam::{A}:role/Web", RoleSessionName="alice", WebIdentityToken=token
    )
    from iamlab.aws.services.sts_saml import saml_metadata

    issuer = "https://idp.example.com"
    iam.create_saml_provider(Name="Corp", SAMLMetadataDocument=saml_metadata(issuer))
    iam.list_saml_providers()
    provider = f"arn:aws:iam::{A}:saml-provider/Corp"
    iam.get_saml_provider(SAMLProviderArn=provider)
    saml_trust = _policy(
        {
            "Effect": "Allow",
            "Principal": {"Federated": provider},
            "Action": "sts:AssumeRoleWithSAML",
        }
    )
    iam.create_role(RoleName="Saml", AssumeRolePolicyDocument=saml_trust)
    assertion = lab.saml_assertion(provider, "alice", f"arn:aws:iam::{A}:role/Saml")
    lab.session().client("sts").assume_role_with_saml(
        RoleArn=f"arn:aws:iam::{A}:role/Saml", PrincipalArn=provider, SAMLAssertion=assertion
    )
    iam.deactivate_mfa_device(UserName="Ana", SerialNumber=dev["SerialNumber"])
    iam.delete_virtual_mfa_device(SerialNumber=dev["SerialNumber"])
    # S3
    s3 = a.client("s3")
    s3.create_bucket(Bucket="account-a-bucket")
    bucket_policy = _policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": B},
            "Action": "s3:*",
            "Resource": "arn:aws:s3:::account-a-bucket/*",
        }
    )
    s3.put_bucket_policy(Bucket="account-a-bucket", Policy=bucket_policy)
    s3.get_bucket_policy(Bucket="account-a-bucket")
    s3.put_object(Bucket="account-a-bucket", Key="report.csv", Body=b"a,b\n")
    s3.get_object(Bucket="account-a-bucket", Key="report.csv")["Body"].read()
    s3.list_objects_v2(Bucket="account-a-bucket")
    s3.list_buckets()
    s3.delete_object(Bucket="account-a-bucket", Key="report.csv")
    s3.delete_bucket_policy(Bucket="account-a-bucket")
    # EC2
    ec2 = a.client("ec2")
    ids = [
        i["InstanceId"]
        for i in ec2.run_instances(
            ImageId="ami-0abcdef1234567890", MinCount=2, MaxCount=2, InstanceType="t3.micro"
        )["Instances"]
    ]
    ec2.describe_instances()
    ec2.stop_instances(InstanceIds=ids[:1])
    ec2.start_instances(InstanceIds=ids[:1])
    ec2.terminate_instances(InstanceIds=ids)
    # DynamoDB
    ddb = b.client("dynamodb")
    ddb.create_table(
        TableName="Books",
        KeySchema=[{"AttributeName": "title", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "title", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.list_tables()
    ddb.put_item(TableName="Books", Item={"title": {"S": "Dune"}})
    ddb.get_item(TableName="Books", Key={"title": {"S": "Dune"}})
    ddb.scan(TableName="Books")
    ddb.delete_table(TableName="Books")
    ran = set()
    for row in lab._trail:
        ran.add((row.service, row.operation))
    return ran


def test_every_operation_the_notebooks_make_is_answered(lab: Lab) -> None:
    ran = run_notebook_calls(lab)
    refused = [r for r in lab._trail if r.error == "NotImplementedInLab"]
    assert refused == []
    failed = [(r.service, r.operation, r.error) for r in lab._trail if r.error]
    assert failed == []
    used = notebook_operations()
    assert used, "found no boto3 calls in labs/src"
    assert used <= ran, f"add to run_notebook_calls: {sorted(used - ran)}"


# ---- refusals, one per family ---------------------------------------------------------------
def refused(call: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as e:
        call()
    return err(e)


def test_session_tags_are_refused_with_the_exact_message(lab: Lab, a: boto3.Session) -> None:
    """Session tags (IAM User Guide, "Passing session tags in AWS STS") are not emulated:
    AssumeRole with Tags or TransitiveTagKeys fails with 501 naming them, creates no session
    and records the refusal in the trail."""
    trust = doc(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"}, "Action": "sts:*"}
    )
    a.client("iam").create_role(RoleName="R", AssumeRolePolicyDocument=trust)
    ana = make_user(lab, a, "Ana", {"all": ALLOW_ALL}, mfa=False).client("sts")
    sessions = len(lab.sessions)
    code, message, status = refused(
        lambda: ana.assume_role(
            RoleArn=f"arn:aws:iam::{A}:role/R",
            RoleSessionName="s1",
            Tags=[{"Key": "team", "Value": "red"}],
            TransitiveTagKeys=["team"],
        )
    )
    assert (code, status) == ("NotImplementedInLab", 501)
    assert message == (
        "iamlab does not emulate the Tags and TransitiveTagKeys parameters of sts:AssumeRole "
        "(session tags); supported parameters: RoleArn, RoleSessionName, PolicyArns, Policy, "
        "DurationSeconds, ExternalId, SerialNumber, TokenCode, SourceIdentity, "
        "MinimumSessionTokenSize"
    )
    assert len(lab.sessions) == sessions
    row = lab._trail[-1]
    assert (row.operation, row.decision, row.error) == (
        "AssumeRole",
        "error",
        "NotImplementedInLab",
    )
    code, message, _ = refused(
        lambda: ana.get_federation_token(Name="Bob", Tags=[{"Key": "team", "Value": "red"}])
    )
    assert code == "NotImplementedInLab"
    assert message.startswith(
        "iamlab does not emulate the Tags parameter of sts:GetFederationToken (session tags); "
    )


def test_other_sts_parameters(lab: Lab, a: boto3.Session) -> None:
    ana = make_user(lab, a, "Ana", {"all": ALLOW_ALL}, mfa=False).client("sts")
    role = f"arn:aws:iam::{A}:role/R"
    _, message, _ = refused(
        lambda: ana.assume_role(
            RoleArn=role,
            RoleSessionName="s1",
            ProvidedContexts=[
                {"ProviderArn": "arn:aws:iam::aws:contextProvider/x", "ContextAssertion": "x" * 4}
            ],
        )
    )
    assert (
        "the ProvidedContexts parameter of sts:AssumeRole (trusted identity propagation)" in message
    )
    _, message, _ = refused(
        lambda: (
            lab.session()
            .client("sts")
            .assume_role_with_web_identity(
                RoleArn=role,
                RoleSessionName="s1",
                WebIdentityToken="x" * 4,
                ProviderId="www.amazon.com",
            )
        )
    )
    assert "the ProviderId parameter of sts:AssumeRoleWithWebIdentity (OAuth 2.0" in message


def test_iam_parameters(a: boto3.Session) -> None:
    iam = a.client("iam")
    code, message, status = refused(
        lambda: iam.create_virtual_mfa_device(
            VirtualMFADeviceName="d", Tags=[{"Key": "k", "Value": "v"}]
        )
    )
    assert (code, status) == ("NotImplementedInLab", 501)
    assert message == (
        "iamlab does not emulate the Tags parameter of iam:CreateVirtualMFADevice "
        "(tags on MFA devices); supported parameters: Path, VirtualMFADeviceName"
    )
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []
    _, message, _ = refused(lambda: iam.list_policies(PolicyUsageFilter="PermissionsBoundary"))
    assert "PolicyUsageFilter parameter of iam:ListPolicies" in message
    _, message, _ = refused(
        lambda: iam.simulate_custom_policy(
            PolicyInputList=[ALLOW_ALL],
            ActionNames=["s3:GetObject"],
            ResourceHandlingOption="EC2-VPC-Instance",
        )
    )
    assert "ResourceHandlingOption parameter of iam:SimulateCustomPolicy" in message
    _, message, _ = refused(
        lambda: iam.create_saml_provider(
            Name="Corp", SAMLMetadataDocument="x" * 1000, AssertionEncryptionMode="Required"
        )
    )
    assert "(encrypted SAML assertions)" in message


def test_s3_parameters(a: boto3.Session) -> None:
    s3 = a.client("s3")
    _, message, _ = refused(lambda: s3.create_bucket(Bucket="b-acl", ACL="public-read"))
    assert message.startswith("iamlab does not emulate the ACL parameter of s3:CreateBucket (ACLs")
    _, message, _ = refused(
        lambda: s3.create_bucket(
            Bucket="b-tags",
            CreateBucketConfiguration={"Tags": [{"Key": "k", "Value": "v"}]},
        )
    )
    assert message.startswith(
        "iamlab does not emulate the CreateBucketConfiguration.Tags parameter of "
        "s3:CreateBucket (bucket tags); supported parameters: Bucket, "
        "CreateBucketConfiguration.LocationConstraint"
    )
    assert s3.list_buckets()["Buckets"] == []
    s3.create_bucket(Bucket="b-ok")
    for call, name in (
        (lambda: s3.put_object(Bucket="b-ok", Key="k", Body=b"x", Tagging="a=b"), "Tagging"),
        (
            lambda: s3.put_object(Bucket="b-ok", Key="k", Body=b"x", StorageClass="GLACIER"),
            "StorageClass",
        ),
        (lambda: s3.get_object(Bucket="b-ok", Key="k", Range="bytes=0-1"), "Range"),
        (lambda: s3.get_object(Bucket="b-ok", Key="k", VersionId="v1"), "VersionId"),
        (lambda: s3.get_object(Bucket="b-ok", Key="k", IfMatch='"x"'), "IfMatch"),
        (lambda: s3.delete_object(Bucket="b-ok", Key="k", VersionId="v1"), "VersionId"),
        (lambda: s3.list_objects_v2(Bucket="b-ok", RequestPayer="requester"), "RequestPayer"),
    ):
        code, message, status = refused(call)
        assert (code, status) == ("NotImplementedInLab", 501)
        assert f"the {name} parameter of s3:" in message
    code, message, status = refused(
        lambda: s3.put_object(Bucket="b-ok", Key="k", Body=b"x", ServerSideEncryption="aws:kms")
    )
    assert (code, status) == ("NotImplementedInLab", 501) and "KMS" in message
    assert s3.list_objects_v2(Bucket="b-ok")["KeyCount"] == 0


def test_ec2_and_dynamodb_parameters(a: boto3.Session) -> None:
    ec2 = a.client("ec2")
    ami = "ami-0abcdef1234567890"
    _, message, _ = refused(
        lambda: ec2.run_instances(
            ImageId=ami,
            MinCount=1,
            MaxCount=1,
            TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "k", "Value": "v"}]}],
        )
    )
    assert message.startswith(
        "iamlab does not emulate the TagSpecifications parameter of ec2:RunInstances (tags); "
        "supported parameters: ImageId, InstanceType, MaxCount, MinCount, DryRun"
    )
    _, message, _ = refused(
        lambda: ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, KeyName="k")
    )
    assert "the KeyName parameter of ec2:RunInstances (launch settings other than" in message
    _, message, _ = refused(lambda: ec2.describe_instances(MaxResults=5))
    assert "the MaxResults parameter of ec2:DescribeInstances (paging)" in message
    assert ec2.describe_instances()["Reservations"] == []
    ddb = a.client("dynamodb")
    table = {
        "TableName": "Books",
        "KeySchema": [{"AttributeName": "title", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "title", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    _, message, _ = refused(lambda: ddb.create_table(**table, Tags=[{"Key": "k", "Value": "v"}]))
    assert "the Tags parameter of dynamodb:CreateTable (tags" in message
    _, message, _ = refused(lambda: ddb.create_table(**table, SSESpecification={"Enabled": True}))
    assert "SSESpecification" in message
    assert ddb.list_tables()["TableNames"] == []
    ddb.create_table(**table)
    _, message, _ = refused(
        lambda: ddb.put_item(
            TableName="Books",
            Item={"title": {"S": "Dune"}},
            ConditionExpression="attribute_not_exists(title)",
        )
    )
    assert (
        "the ConditionExpression parameter of dynamodb:PutItem (condition expressions)" in message
    )
    _, message, _ = refused(
        lambda: ddb.scan(
            TableName="Books",
            FilterExpression="title = :t",
            ExpressionAttributeValues={":t": {"S": "Dune"}},
        )
    )
    assert message.startswith(
        "iamlab does not emulate the FilterExpression and ExpressionAttributeValues parameters "
        "of dynamodb:Scan (filter expressions); "
    )
    code, message, status = refused(
        lambda: ddb.scan(TableName="Books", Select="ALL_PROJECTED_ATTRIBUTES")
    )
    assert (code, status) == ("NotImplementedInLab", 501) and "secondary indexes" in message
    assert ddb.scan(TableName="Books")["Count"] == 0


# ---- parameters the lab now honours ----------------------------------------------------------
def test_minimum_session_token_size(lab: Lab, a: boto3.Session) -> None:
    """STS API Reference, GetSessionToken/AssumeRole: MinimumSessionTokenSize pads the token
    to at least that many bytes; the padded token works."""
    if "MinimumSessionTokenSize" not in model("sts", "GetSessionToken").input_shape.members:
        pytest.skip("this botocore predates MinimumSessionTokenSize (the floor's does)")
    ana = make_user(lab, a, "Ana", {"all": ALLOW_ALL}, mfa=False)
    plain = ana.client("sts").get_session_token()["Credentials"]
    big = ana.client("sts").get_session_token(MinimumSessionTokenSize=4096)["Credentials"]
    assert len(plain["SessionToken"]) < 4096 <= len(big["SessionToken"])
    assert lab.session(big).client("sts").get_caller_identity()["Account"] == A


def test_list_attached_policies_filters_by_the_policies_path(a: boto3.Session) -> None:
    """IAM API Reference, ListAttachedUserPolicies: PathPrefix filters the policies."""
    iam = a.client("iam")
    iam.create_user(UserName="Ana")
    for name, path in (("p1", "/team/"), ("p2", "/")):
        arn = iam.create_policy(PolicyName=name, Path=path, PolicyDocument=ALLOW_ALL)["Policy"][
            "Arn"
        ]
        iam.attach_user_policy(UserName="Ana", PolicyArn=arn)
    got = iam.list_attached_user_policies(UserName="Ana", PathPrefix="/team/")
    assert [p["PolicyName"] for p in got["AttachedPolicies"]] == ["p1"]
    assert len(iam.list_attached_user_policies(UserName="Ana")["AttachedPolicies"]) == 2


def test_list_entities_for_policy_pages(a: boto3.Session) -> None:
    iam = a.client("iam")
    arn = iam.create_policy(PolicyName="p", PolicyDocument=ALLOW_ALL)["Policy"]["Arn"]
    for n in range(3):
        iam.create_user(UserName=f"u{n}")
        iam.attach_user_policy(UserName=f"u{n}", PolicyArn=arn)
    iam.create_group(GroupName="g")
    iam.attach_group_policy(GroupName="g", PolicyArn=arn)
    first = iam.list_entities_for_policy(PolicyArn=arn, MaxItems=2)
    assert first["IsTruncated"] and [u["UserName"] for u in first["PolicyUsers"]] == ["u0", "u1"]
    assert first["PolicyGroups"] == []
    rest = iam.list_entities_for_policy(PolicyArn=arn, Marker=first["Marker"])
    assert [u["UserName"] for u in rest["PolicyUsers"]] == ["u2"]
    assert [g["GroupName"] for g in rest["PolicyGroups"]] == ["g"] and not rest["IsTruncated"]
    with pytest.raises(ClientError) as e:
        iam.list_entities_for_policy(PolicyArn=arn, Marker="invented")
    assert err(e)[0] == "InvalidInput"


def test_list_account_aliases_pages(a: boto3.Session) -> None:
    iam = a.client("iam")
    iam.create_account_alias(AccountAlias="my-alias")
    assert iam.list_account_aliases(MaxItems=1)["AccountAliases"] == ["my-alias"]
    with pytest.raises(ClientError) as e:
        iam.list_account_aliases(Marker="invented")
    assert err(e)[0] == "InvalidInput"


def test_managed_policy_and_oidc_provider_tags_are_stored_and_returned(a: boto3.Session) -> None:
    iam = a.client("iam")
    tags = [{"Key": "team", "Value": "red"}]
    created = iam.create_policy(PolicyName="p", PolicyDocument=ALLOW_ALL, Tags=tags)["Policy"]
    assert created["Tags"] == tags
    assert iam.get_policy(PolicyArn=created["Arn"])["Policy"]["Tags"] == tags
    arn = iam.create_open_id_connect_provider(
        Url="https://id.example.com", ClientIDList=["app"], Tags=tags
    )["OpenIDConnectProviderArn"]
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["Tags"] == tags
    with pytest.raises(ClientError) as e:  # IAM's tag rules apply
        iam.create_policy(
            PolicyName="q", PolicyDocument=ALLOW_ALL, Tags=[{"Key": "aws:x", "Value": ""}]
        )
    assert err(e)[0] == "InvalidInput"


def test_dynamodb_item_collection_metrics_are_accepted(a: boto3.Session) -> None:
    """DynamoDB API Reference, PutItem: item collection metrics exist only for tables with
    local secondary indexes, so a lab table answers without them."""
    ddb = a.client("dynamodb")
    ddb.create_table(
        TableName="Books",
        KeySchema=[{"AttributeName": "title", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "title", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    out = ddb.put_item(
        TableName="Books", Item={"title": {"S": "Dune"}}, ReturnItemCollectionMetrics="SIZE"
    )
    assert "ItemCollectionMetrics" not in out


def test_refusals_are_json_safe_in_the_trail(lab: Lab, a: boto3.Session) -> None:
    with pytest.raises(ClientError):
        a.client("iam").list_policies(PolicyUsageFilter="PermissionsPolicy")
    json.dumps([r.reason for r in lab._trail])
