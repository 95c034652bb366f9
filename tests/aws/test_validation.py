"""Input validation from the botocore models (``iamlab.aws.validation``).

botocore's client checks types, required members and minimums; the services check
the rest of the model (maximum lengths, patterns, enums, numeric ranges) and answer
with their own validation error. Sources: each operation's page in the AWS API
references (STS, IAM, DynamoDB, EC2, S3), whose "Length Constraints" and "Pattern"
lines are the botocore model's ``max``/``min``/``pattern``; the message form is AWS's
request validator as seen in real responses, e.g. ``1 validation error detected: Value
'…' at 'tags.6.member.value' failed to satisfy constraint: Member must satisfy regular
expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*`` (IAM, github.com/SWO-GS/auto-tag
issue 90) and ``2 validation errors detected: Value at 'username' failed …; Value at
'username' failed …`` (a sensitive member, github.com/ks888/LambStatus issue 6).
"""

from __future__ import annotations

import string
import unicodedata
from functools import cache

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.session import get_session
from hypothesis import given, settings
from hypothesis import strategies as st

from iamlab.aws import Lab
from iamlab.aws.errors import LabError
from iamlab.aws.validation import java_regex, validate_input, violations

from .conftest import A, doc, make_user

SERVICES = ("iam", "sts", "s3", "ec2", "dynamodb")
ROLE = f"arn:aws:iam::{A}:role/R"
SERIAL = f"arn:aws:iam::{A}:mfa/Ana"
NAME = r"[\w+=,.@-]*"
EXTERNAL_ID = r"[\w+=,.@:\/-]*"


@cache
def model(service: str):
    return get_session().get_service_model(service)


def refusal(service: str, operation: str, params: dict) -> tuple[str, str, int]:
    """(code, message, status) validate_input raises for these parameters."""
    with pytest.raises(LabError) as e:
        validate_input(model(service).operation_model(operation), params)
    return e.value.code, e.value.message, e.value.status


def accepted(service: str, operation: str, params: dict) -> bool:
    validate_input(model(service).operation_model(operation), params)
    return True


def one(value: str, where: str, constraint: str) -> str:
    return (
        f"1 validation error detected: Value '{value}' at '{where}' failed to satisfy "
        f"constraint: {constraint}"
    )


def pattern(p: str) -> str:
    return f"Member must satisfy regular expression pattern: {p}"


def at_most(n: int) -> str:
    return f"Member must have length less than or equal to {n}"


def err(excinfo) -> tuple[str, str, int]:
    r = excinfo.value.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


# ---- STS (AWS STS API Reference: AssumeRole, GetFederationToken, GetSessionToken) -------
@pytest.mark.parametrize("name", ["my session", "ops/alice", "Sofía", "tab\there", "bob\n"])
def test_role_session_name_pattern(name: str) -> None:
    """AssumeRole RoleSessionName: ``[\\w+=,.@-]*``, ASCII word characters only."""
    assert refusal("sts", "AssumeRole", {"RoleArn": ROLE, "RoleSessionName": name}) == (
        "ValidationError",
        one(name, "roleSessionName", pattern(NAME)),
        400,
    )


def test_role_session_name_length_64() -> None:
    """AssumeRole RoleSessionName: at most 64 characters."""
    assert accepted("sts", "AssumeRole", {"RoleArn": ROLE, "RoleSessionName": "s" * 64})
    name = "s" * 65
    assert refusal("sts", "AssumeRole", {"RoleArn": ROLE, "RoleSessionName": name})[1] == one(
        name, "roleSessionName", at_most(64)
    )


def test_federation_token_name_two_errors_counted_and_joined() -> None:
    """GetFederationToken Name: 2-32 characters of ``[\\w+=,.@-]*``; two failures are
    counted ("2 validation errors") and joined with "; "."""
    name = "Bob Smith/" * 4
    code, message, _ = refusal("sts", "GetFederationToken", {"Name": name})
    assert code == "ValidationError"
    assert message == (
        f"2 validation errors detected: Value '{name}' at 'name' failed to satisfy constraint: "
        f"{at_most(32)}; Value '{name}' at 'name' failed to satisfy constraint: {pattern(NAME)}"
    )


@pytest.mark.parametrize("external_id", ["12 345", "ñandú", "id#1", "a\nb"])
def test_external_id_pattern(external_id: str) -> None:
    """AssumeRole ExternalId: ``[\\w+=,.@:\\/-]*`` (STS API Reference, AssumeRole)."""
    params = {"RoleArn": ROLE, "RoleSessionName": "s1", "ExternalId": external_id}
    assert refusal("sts", "AssumeRole", params)[1] == one(
        external_id, "externalId", pattern(EXTERNAL_ID)
    )


def test_external_id_length_1224() -> None:
    """AssumeRole ExternalId: at most 1,224 characters."""
    ok = {"RoleArn": ROLE, "RoleSessionName": "s1", "ExternalId": "x" * 1224}
    assert accepted("sts", "AssumeRole", ok)
    long = {**ok, "ExternalId": "x" * 1225}
    assert refusal("sts", "AssumeRole", long)[1] == one("x" * 1225, "externalId", at_most(1224))


@pytest.mark.parametrize("code", ["12345a", "abcdef", "１２３４５６"])
def test_token_code_is_six_ascii_digits(code: str) -> None:
    """TokenCode ``[\\d]*`` of exactly 6 (Java's ``\\d`` is ASCII: full-width digits fail).
    botocore does not mark TokenCode sensitive, so the value is shown."""
    params = {"SerialNumber": SERIAL, "TokenCode": code}
    assert refusal("sts", "GetSessionToken", params)[1] == one(code, "tokenCode", pattern(r"[\d]*"))


def test_duration_range() -> None:
    """GetSessionToken DurationSeconds 900-129600; AssumeRole 900-43200."""
    assert refusal("sts", "GetSessionToken", {"DurationSeconds": 129601})[1] == one(
        "129601", "durationSeconds", "Member must have value less than or equal to 129600"
    )
    params = {"RoleArn": ROLE, "RoleSessionName": "s1", "DurationSeconds": 43201}
    assert "less than or equal to 43200" in refusal("sts", "AssumeRole", params)[1]
    below = {"RoleArn": ROLE, "RoleSessionName": "s1", "DurationSeconds": 899}
    assert refusal("sts", "AssumeRole", below)[1] == one(
        "899", "durationSeconds", "Member must have value greater than or equal to 900"
    )


# ---- IAM (IAM API Reference; IAM User Guide, "IAM and AWS STS quotas") -------------------
@pytest.mark.parametrize("name", ["Bob\n", "Sofía", "a b", "a/b", ""])
def test_user_names_match_in_full(name: str) -> None:
    """CreateUser UserName ``[\\w+=,.@-]+`` matched against the whole value: a trailing
    newline (which Python's ``$`` would let through) is not a valid name."""
    code, message, _ = refusal("iam", "CreateUser", {"UserName": name})
    assert code == "ValidationError"
    assert f"Value '{name}' at 'userName'" in message
    assert pattern(r"[\w+=,.@-]+") in message


def test_name_lengths() -> None:
    """User and role names at most 64 characters, group and policy names 128."""
    assert refusal("iam", "CreateUser", {"UserName": "u" * 65})[1] == one(
        "u" * 65, "userName", at_most(64)
    )
    assert accepted("iam", "CreateGroup", {"GroupName": "g" * 128})
    assert "at 'groupName'" in refusal("iam", "CreateGroup", {"GroupName": "g" * 129})[1]
    params = {"PolicyName": "p" * 129, "PolicyDocument": "{}"}
    assert "at 'policyName'" in refusal("iam", "CreatePolicy", params)[1]


@pytest.mark.parametrize("status", ["Bogus", "active", ""])
def test_access_key_status_enum(status: str) -> None:
    """UpdateAccessKey Status is one of the model's enum values."""
    params = {"AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": status}
    assert refusal("iam", "UpdateAccessKey", params)[1] == one(
        status, "status", "Member must satisfy enum value set: [Active, Inactive, Expired]"
    )


@pytest.mark.parametrize("version", ["V1", "1", "v0", "v01", "v1 ", "version1"])
def test_policy_version_ids(version: str) -> None:
    """Policy version ids: ``v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?`` (IAM API, GetPolicyVersion)."""
    params = {"PolicyArn": f"arn:aws:iam::{A}:policy/p", "VersionId": version}
    assert refusal("iam", "GetPolicyVersion", params)[1] == one(
        version, "versionId", pattern(r"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?")
    )
    assert accepted("iam", "GetPolicyVersion", {**params, "VersionId": "v12"})


@pytest.mark.parametrize(
    "path", ["ops/", "/ops", "/a b/", "/é/", "//", "/ops/\n", "/" + "a" * 511 + "/"]
)
def test_paths(path: str) -> None:
    """Paths: ``/`` or ``/…/`` of U+0021-U+007E, at most 512 characters (IAM API Reference,
    CreateUser Path)."""
    code, message, _ = refusal("iam", "CreateUser", {"UserName": "u", "Path": path})
    assert code == "ValidationError" and f"Value '{path}' at 'path'" in message
    assert accepted("iam", "CreateUser", {"UserName": "u", "Path": "/" + "a" * 510 + "/"})
    assert accepted("iam", "CreateUser", {"UserName": "u", "Path": "/ops/eu-west/"})


def test_descriptions() -> None:
    """Role descriptions: at most 1,000 characters of ``[\\u0009\\u000A\\u000D\\u0020-\\u007E
    \\u00A1-\\u00FF]*``; managed-policy descriptions at most 1,000."""
    trust = doc({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"})
    base = {"RoleName": "R", "AssumeRolePolicyDocument": trust}
    assert accepted("iam", "CreateRole", {**base, "Description": "d" * 1000})
    assert refusal("iam", "CreateRole", {**base, "Description": "d" * 1001})[1] == one(
        "d" * 1001, "description", at_most(1000)
    )
    assert "at 'description'" in refusal("iam", "CreateRole", {**base, "Description": "€"})[1]
    policy = {"PolicyName": "p", "PolicyDocument": "{}", "Description": "d" * 1001}
    assert "at 'description'" in refusal("iam", "CreatePolicy", policy)[1]


def test_policy_document_characters() -> None:
    """Policy documents allow tab, LF, CR and U+0020-U+00FF (IAM API, PutUserPolicy)."""
    params = {"UserName": "u", "PolicyName": "p", "PolicyDocument": '{"a": "€"}'}
    assert "at 'policyDocument'" in refusal("iam", "PutUserPolicy", params)[1]


def test_tags_nested_path_and_count() -> None:
    """Tags: at most 50; keys ``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+`` of at most 128; the path of
    an item is ``tags.N.member.key`` (1-based)."""
    tags = [{"Key": "Team", "Value": "Blue"}, {"Key": "cost!", "Value": "x"}]
    assert refusal("iam", "CreateUser", {"UserName": "u", "Tags": tags})[1] == one(
        "cost!", "tags.2.member.key", pattern(r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+")
    )
    unicode_tags = [{"Key": "Équipe", "Value": "日本 ٣"}]
    assert accepted("iam", "CreateUser", {"UserName": "u", "Tags": unicode_tags})
    many = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    message = refusal("iam", "CreateUser", {"UserName": "u", "Tags": many})[1]
    assert message.startswith("1 validation error detected: Value '[{Key=k0, Value=v}, ")
    assert message.endswith(f"at 'tags' failed to satisfy constraint: {at_most(50)}")


def test_sensitive_values_are_not_repeated() -> None:
    """botocore marks the password shapes sensitive: AWS's validator then omits the value."""
    params = {"OldPassword": "old", "NewPassword": "p€ssword"}
    assert refusal("iam", "ChangePassword", params)[1] == (
        "1 validation error detected: Value at 'newPassword' failed to satisfy constraint: "
        + pattern(r"[\u0009\u000A\u000D\u0020-\u00FF]+")
    )


def test_list_of_strings_names_every_item_constraint() -> None:
    """A list whose items break their constraints: one error at the list, naming all of the
    item shape's constraints (AWS's form, e.g. CloudFormation's 'capabilities')."""
    actions = ["s3:GetObject", "x" * 129]
    params = {"PolicyInputList": ["{}"], "ActionNames": actions}
    assert refusal("iam", "SimulateCustomPolicy", params)[1] == one(
        f"[s3:GetObject, {'x' * 129}]",
        "actionNames",
        "Member must satisfy constraint: [Member must have length less than or equal to 128, "
        "Member must have length greater than or equal to 3]",
    )


# ---- DynamoDB, EC2, S3 ---------------------------------------------------------------
def test_dynamodb_answers_validation_exception() -> None:
    """DynamoDB: ``ValidationException`` with the same "N validation error(s)" text."""
    assert refusal("dynamodb", "ListTables", {"Limit": 101}) == (
        "ValidationException",
        one("101", "limit", "Member must have value less than or equal to 100"),
        400,
    )
    params = {
        "TableName": "Books",
        "KeySchema": [{"AttributeName": "title", "KeyType": "PARTITION"}],
        "AttributeDefinitions": [{"AttributeName": "title", "AttributeType": "S"}],
    }
    assert refusal("dynamodb", "CreateTable", params)[1] == one(
        "PARTITION",
        "keySchema.1.member.keyType",
        "Member must satisfy enum value set: [HASH, RANGE]",
    )


def test_ec2_answers_invalid_parameter_value() -> None:
    """EC2: ``InvalidParameterValue`` "Invalid value 't3.nano' for InstanceType." (EC2's text
    as quoted in github.com/getmoto/moto issue 1695)."""
    params = {"ImageId": "ami-12345678", "MinCount": 1, "MaxCount": 1, "InstanceType": "t3.bogus"}
    assert refusal("ec2", "RunInstances", params) == (
        "InvalidParameterValue",
        "Invalid value 't3.bogus' for InstanceType.",
        400,
    )


def test_s3_answers_its_own_codes() -> None:
    """S3 API Reference, "Error responses": InvalidStorageClass, InvalidLocationConstraint,
    InvalidArgument."""
    put = {"Bucket": "b", "Key": "k", "StorageClass": "FAST"}
    assert refusal("s3", "PutObject", put) == (
        "InvalidStorageClass",
        "The storage class you specified is not valid",
        400,
    )
    create = {"Bucket": "b", "CreateBucketConfiguration": {"LocationConstraint": "mars-1"}}
    assert refusal("s3", "CreateBucket", create)[0] == "InvalidLocationConstraint"
    code, message, _ = refusal("s3", "CreateBucket", {"Bucket": "b", "ACL": "everyone"})
    assert code == "InvalidArgument" and "x-amz-acl" in message


# ---- no false alarms, Java patterns ---------------------------------------------------
@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        ("sts", "AssumeRole", {"RoleArn": ROLE, "RoleSessionName": "Richard@example.com",
                               "ExternalId": "arn:aws:iam::1:x/y+z=,.@-", "SerialNumber": SERIAL,
                               "TokenCode": "012345", "DurationSeconds": 3600}),
        ("sts", "GetFederationToken", {"Name": "Bob", "DurationSeconds": 129600}),
        ("iam", "CreateUser", {"UserName": "Sofia", "Path": "/ops/", "Tags": [
            {"Key": "team", "Value": ""}]}),
        ("iam", "CreatePolicy", {"PolicyName": "S3Books", "Path": "/lab/", "PolicyDocument":
                                 doc({"Effect": "Allow", "Action": "*", "Resource": "*"})}),
        ("iam", "ListUsers", {"PathPrefix": "/", "MaxItems": 1000}),
        ("dynamodb", "PutItem", {"TableName": "Books", "Item": {"title": {"S": "x" * 70000}}}),
        ("ec2", "RunInstances", {"ImageId": "ami-12345678", "MinCount": 1, "MaxCount": 1,
                                 "InstanceType": "t3.micro"}),
        ("s3", "PutObject", {"Bucket": "b", "Key": "k" * 2000, "StorageClass": "STANDARD"}),
    ],
)  # fmt: skip
def test_valid_requests_pass(service: str, operation: str, params: dict) -> None:
    assert violations(model(service).operation_model(operation).input_shape, params) == []


def test_every_model_pattern_translates() -> None:
    """Every pattern of the five emulated services compiles (none is silently skipped)."""
    failed = []
    for service in SERVICES:
        m = model(service)
        for name in m.shape_names:
            p = m.shape_for(name).metadata.get("pattern")
            if p and java_regex(p) is None:
                failed.append((service, name, p))
    assert failed == []


def test_java_regex_details() -> None:
    """Java semantics: ``\\w`` is ASCII, ``.`` stops at every line terminator, a surrogate
    pair is one code point, ``\\p{Print}`` is ASCII, the whole value must match."""
    assert java_regex(r"[\w]+").fullmatch("é") is None
    assert java_regex(r"a.c").fullmatch("a\u2028c") is None
    assert java_regex(r"a.c").fullmatch("a-c")
    pair = java_regex(r"[\uD800\uDC00-\uDBFF\uDFFF]+")
    assert pair.fullmatch("😀") and not pair.fullmatch("a")
    assert java_regex(r"\p{Print}+").fullmatch("ab ~") and not java_regex(r"\p{Print}+").fullmatch(
        "é"
    )
    assert java_regex(r"^[a-z]+$").fullmatch("abc\n") is None


_ASCII_WORD = set(string.ascii_letters + string.digits + "_")


@settings(max_examples=300)
@given(st.text(max_size=12))
def test_name_pattern_property(value: str) -> None:
    """``[\\w+=,.@-]+`` accepts exactly non-empty ASCII word characters and ``+=,.@-``."""
    expected = bool(value) and all(c in _ASCII_WORD or c in "+=,.@-" for c in value)
    assert bool(java_regex(r"[\w+=,.@-]+").fullmatch(value)) == expected


@settings(max_examples=300)
@given(st.text(max_size=12))
def test_tag_pattern_property(value: str) -> None:
    """``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*`` accepts letters, separators and numbers of any
    script plus ``_.:/=+-@``, by Unicode category."""
    expected = all(unicodedata.category(c)[0] in "LZN" or c in "_.:/=+-@" for c in value)
    assert bool(java_regex(r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*").fullmatch(value)) == expected


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(max_codepoint=0x2100), max_size=10))
def test_path_pattern_property(value: str) -> None:
    """``(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)``: "/" alone, or printable ASCII
    without spaces between two slashes."""
    expected = value == "/" or (
        len(value) >= 3
        and value[0] == "/"
        and value[-1] == "/"
        and all("\u0021" <= c <= "\u007e" for c in value)
    )
    p = java_regex(r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)")
    assert bool(p.fullmatch(value)) == expected


# ---- through real boto3 clients ----------------------------------------------------------
@pytest.fixture
def ana(lab: Lab, a: boto3.Session):
    allow = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
    return make_user(lab, a, "Ana", {"all": allow})


def test_sts_refuses_before_any_policy_decision(lab: Lab, a: boto3.Session, ana) -> None:
    """The issue's examples: each is a ValidationError (not AccessDenied), recorded in the
    trail, and no session is issued."""
    sts = ana.client("sts")
    sessions = len(lab.sessions)
    calls = [
        lambda: sts.assume_role(RoleArn=ROLE, RoleSessionName="my session"),
        lambda: sts.assume_role(RoleArn=ROLE, RoleSessionName="s1", ExternalId="12 345"),
        lambda: sts.assume_role(RoleArn=ROLE, RoleSessionName="s1", ExternalId="x" * 1225),
        lambda: sts.get_session_token(SerialNumber=ana.serial, TokenCode="abcdef"),
        lambda: sts.get_federation_token(Name="ops/bob"),
        lambda: sts.get_federation_token(Name="Zoë"),
    ]
    for call in calls:
        with pytest.raises(ClientError) as e:
            call()
        code, message, status = err(e)
        assert (code, status) == ("ValidationError", 400), message
        assert message.startswith("1 validation error detected: Value '")
        assert lab.trail().iloc[-1]["error"] == "ValidationError"
    assert len(lab.sessions) == sessions


def test_iam_refusals_through_boto3(lab: Lab, a: boto3.Session) -> None:
    """IAM's examples through a real client; nothing is created."""
    iam = a.client("iam")
    key = iam.create_access_key()["AccessKey"]["AccessKeyId"]
    iam.create_policy(PolicyName="p", PolicyDocument=doc({"Effect": "Allow", "Action": "*",
                                                           "Resource": "*"}))  # fmt: skip
    calls = [
        lambda: iam.create_user(UserName="Bob\n"),
        lambda: iam.create_user(UserName="u", Path="/" + "p" * 511 + "/"),
        lambda: iam.update_access_key(AccessKeyId=key, Status="Disabled"),
        lambda: iam.get_policy_version(PolicyArn=f"arn:aws:iam::{A}:policy/p", VersionId="1"),
        lambda: iam.create_role(
            RoleName="R",
            AssumeRolePolicyDocument=doc(
                {"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"}
            ),
            Description="x" * 1001,
        ),
    ]
    for call in calls:
        with pytest.raises(ClientError) as e:
            call()
        assert err(e)[0::2] == ("ValidationError", 400), err(e)
    assert iam.list_users()["Users"] == [] and iam.list_roles()["Roles"] == []


def test_expired_is_not_a_status_a_caller_sets(a: boto3.Session) -> None:
    """The model's status enum lists Expired (a state IAM reports); UpdateAccessKey accepts
    only Active and Inactive (lab decision: the enum message of the settable values)."""
    iam = a.client("iam")
    key = iam.create_access_key()["AccessKey"]["AccessKeyId"]
    with pytest.raises(ClientError) as e:
        iam.update_access_key(AccessKeyId=key, Status="Expired")
    assert err(e) == (
        "ValidationError",
        one("Expired", "status", "Member must satisfy enum value set: [Active, Inactive]"),
        400,
    )
    iam.update_access_key(AccessKeyId=key, Status="Inactive")
    listed = {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys()["AccessKeyMetadata"]}
    assert listed[key] == "Inactive"
