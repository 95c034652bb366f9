"""Service rules beyond the botocore models: IAM, S3, DynamoDB, EC2 and policy text.

Each test names the AWS page (or the AWS message observed in a real response) that
decides it; lab decisions cite ``docs/aws-behaviour.md``.
"""

from __future__ import annotations

import base64
import json

import boto3
import pytest
from botocore.exceptions import ClientError

from iamlab.aws import Lab

from .conftest import A, B, doc, make_user

BUCKET = "account-a-bucket"
ALLOW_ALL = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})


def err(excinfo) -> tuple[str, str, int]:
    r = excinfo.value.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


def trust(principal, action="sts:AssumeRole", **extra) -> str:
    return doc({"Effect": "Allow", "Principal": principal, "Action": action, **extra})


# ---- IAM: tags ----------------------------------------------------------------------
def test_iam_tags_at_most_fifty(a: boto3.Session) -> None:
    """IAM User Guide, "Tagging IAM resources": at most 50 tags per resource."""
    iam = a.client("iam")
    iam.create_user(UserName="Ana", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    with pytest.raises(ClientError) as e:
        iam.create_user(UserName="Bo", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)])
    code, message, status = err(e)
    assert (code, status) == ("ValidationError", 400)
    assert message.endswith("at 'tags' failed to satisfy constraint: Member must have length "
                            "less than or equal to 50")  # fmt: skip


@pytest.mark.parametrize("keys", [["Team", "team"], ["cost", "cost"]])
def test_iam_tag_keys_unique_ignoring_case(a: boto3.Session, keys: list[str]) -> None:
    """IAM tag keys are case-insensitive and unique; IAM's message, as seen in real
    responses: "Duplicate tag keys found. Please note that Tag keys are case insensitive."
    (github.com/terraform-aws-modules/terraform-aws-rds-aurora issue 189)."""
    iam = a.client("iam")
    tags = [{"Key": k, "Value": "x"} for k in keys]
    role_trust = trust({"AWS": A})
    for call in (
        lambda: iam.create_user(UserName="Ana", Tags=tags),
        lambda: iam.create_role(RoleName="R", AssumeRolePolicyDocument=role_trust, Tags=tags),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert err(e) == (
            "InvalidInput",
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
            400,
        )
    assert iam.list_users()["Users"] == [] and iam.list_roles()["Roles"] == []


@pytest.mark.parametrize("key", ["aws:team", "AWS:team", "Aws:cost"])
def test_iam_tag_keys_cannot_start_with_aws(a: boto3.Session, key: str) -> None:
    """IAM User Guide, "Tagging IAM resources": the ``aws:`` prefix (any case) is reserved."""
    with pytest.raises(ClientError) as e:
        a.client("iam").create_user(UserName="Ana", Tags=[{"Key": key, "Value": "x"}])
    code, message, status = err(e)
    assert (code, status) == ("InvalidInput", 400) and "aws:" in message


def test_tags_are_stored_and_returned(a: boto3.Session) -> None:
    iam = a.client("iam")
    tags = [{"Key": "Équipe", "Value": "bleu"}, {"Key": "cost", "Value": ""}]
    iam.create_user(UserName="Ana", Tags=tags)
    assert iam.get_user(UserName="Ana")["User"]["Tags"] == tags


# ---- IAM: trust policies ------------------------------------------------------------
def test_trust_policy_naming_a_missing_user_or_role(lab: Lab, a: boto3.Session) -> None:
    """IAM answers ``MalformedPolicyDocument`` "Invalid principal in policy" when a trust
    policy names a user or role ARN that does not exist (docs/aws-behaviour.md, "Lab
    decisions" D9; the message as seen in github.com/hashicorp/terraform-provider-aws
    issue 8905)."""
    iam = a.client("iam")
    for ghost in (f"arn:aws:iam::{A}:user/Ghost", f"arn:aws:iam::{B}:role/Elsewhere"):
        with pytest.raises(ClientError) as e:
            iam.create_role(RoleName="R", AssumeRolePolicyDocument=trust({"AWS": [A, ghost]}))
        assert err(e) == (
            "MalformedPolicyDocument",
            f'Invalid principal in policy: "AWS":"{ghost}"',
            400,
        )
    assert iam.list_roles()["Roles"] == []


def test_trust_policy_user_must_exist_with_that_exact_arn(lab: Lab, a: boto3.Session) -> None:
    """The principal is resolved by its ARN: the user's path is part of it."""
    iam = a.client("iam")
    iam.create_user(UserName="Ana", Path="/ops/")
    with pytest.raises(ClientError) as e:
        iam.create_role(
            RoleName="R", AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{A}:user/Ana"})
        )
    assert err(e)[0] == "MalformedPolicyDocument"
    iam.create_role(
        RoleName="R", AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{A}:user/ops/Ana"})
    )


def test_trust_policy_principals_that_are_not_checked(
    lab: Lab, a: boto3.Session, b: boto3.Session
) -> None:
    """Accounts (also ones the lab does not hold), ``*`` and service principals are not
    checked for existence (docs/aws-behaviour.md, "Lab decisions" D9); existing users and
    roles, here or in another account, are accepted."""
    iam = a.client("iam")
    b.client("iam").create_user(UserName="Bo")
    iam.create_role(RoleName="Helper", AssumeRolePolicyDocument=trust({"AWS": A}))
    accepted = [
        {"AWS": "444455556666"},
        {"AWS": "arn:aws:iam::444455556666:root"},
        {"AWS": "*"},
        "*",
        {"Service": "ec2.amazonaws.com"},
        {"AWS": f"arn:aws:iam::{B}:user/Bo"},
        {"AWS": f"arn:aws:iam::{A}:role/Helper"},
        {"AWS": f"arn:aws:sts::{A}:assumed-role/Helper/s1"},
    ]
    for i, principal in enumerate(accepted):
        iam.create_role(RoleName=f"R{i}", AssumeRolePolicyDocument=trust(principal))


def test_update_trust_policy_naming_a_missing_role_changes_nothing(a: boto3.Session) -> None:
    """UpdateAssumeRolePolicy follows the same rule; the stored trust policy is kept."""
    iam = a.client("iam")
    original = trust({"AWS": A})
    iam.create_role(RoleName="R", AssumeRolePolicyDocument=original)
    with pytest.raises(ClientError) as e:
        iam.update_assume_role_policy(
            RoleName="R", PolicyDocument=trust({"AWS": f"arn:aws:iam::{A}:role/Gone"})
        )
    assert err(e)[0] == "MalformedPolicyDocument"
    stored = iam.get_role(RoleName="R")["Role"]["AssumeRolePolicyDocument"]
    assert stored == json.loads(original)


@pytest.mark.parametrize(
    "action",
    ["s3:GetObject", "*", "sts:GetCallerIdentity", ["sts:AssumeRole", "iam:PassRole"], "iam:*"],
)
def test_trust_policy_may_only_name_sts_assume_role_actions(a: boto3.Session, action) -> None:
    """IAM's message "AssumeRole policy may only specify STS AssumeRole actions." (IAM User
    Guide, "Creating a role using custom trust policies"); ``"*"`` and NotAction are refused
    too (lab reading, docs/aws-behaviour.md, "IAM")."""
    iam = a.client("iam")
    documents = [
        trust({"AWS": A}, action),
        doc({"Effect": "Allow", "Principal": {"AWS": A}, "NotAction": action}),
    ]
    for document in documents:
        with pytest.raises(ClientError) as e:
            iam.create_role(RoleName="R", AssumeRolePolicyDocument=document)
        assert err(e) == (
            "MalformedPolicyDocument",
            "AssumeRole policy may only specify STS AssumeRole actions.",
            400,
        )
    assert iam.list_roles()["Roles"] == []


@pytest.mark.parametrize(
    "action",
    [
        "sts:AssumeRole",
        "STS:assumerole",
        ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        "sts:AssumeRoleWith*",
        "sts:*",
    ],
)
def test_trust_policy_sts_actions_accepted(a: boto3.Session, action) -> None:
    a.client("iam").create_role(RoleName="R", AssumeRolePolicyDocument=trust({"AWS": A}, action))


# ---- IAM: permissions boundaries, paging, quotas ----------------------------------------
def test_policy_used_as_boundary_cannot_be_deleted(a: boto3.Session) -> None:
    """IAM API Reference, DeletePolicy: a policy still in use cannot be deleted
    (DeleteConflict); a permissions boundary is a use, counted by
    ``PermissionsBoundaryUsageCount`` (GetPolicy)."""
    iam = a.client("iam")
    arn = iam.create_policy(PolicyName="Boundary", PolicyDocument=ALLOW_ALL)["Policy"]["Arn"]
    iam.create_user(UserName="Ana", PermissionsBoundary=arn)
    iam.create_role(
        RoleName="R", AssumeRolePolicyDocument=trust({"AWS": A}), PermissionsBoundary=arn
    )
    policy = iam.get_policy(PolicyArn=arn)["Policy"]
    assert (policy["PermissionsBoundaryUsageCount"], policy["AttachmentCount"]) == (2, 0)
    with pytest.raises(ClientError) as e:
        iam.delete_policy(PolicyArn=arn)
    assert err(e)[0::2] == ("DeleteConflict", 409)
    used = iam.list_entities_for_policy(PolicyArn=arn, PolicyUsageFilter="PermissionsBoundary")
    assert [u["UserName"] for u in used["PolicyUsers"]] == ["Ana"]
    assert [r["RoleName"] for r in used["PolicyRoles"]] == ["R"]
    attached = iam.list_entities_for_policy(PolicyArn=arn, PolicyUsageFilter="PermissionsPolicy")
    assert attached["PolicyUsers"] == [] and attached["PolicyRoles"] == []
    iam.delete_user_permissions_boundary(UserName="Ana")
    iam.delete_role_permissions_boundary(RoleName="R")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["PermissionsBoundaryUsageCount"] == 0
    iam.delete_policy(PolicyArn=arn)


def test_missing_boundary_changes_nothing(a: boto3.Session) -> None:
    """A CreateUser whose boundary does not exist fails without creating the user."""
    iam = a.client("iam")
    with pytest.raises(ClientError) as e:
        iam.create_user(UserName="Ana", PermissionsBoundary=f"arn:aws:iam::{A}:policy/Nope")
    assert err(e)[0] == "NoSuchEntity"
    assert iam.list_users()["Users"] == []


@pytest.mark.parametrize("marker", ["1", "2", "Ana", "AAAAAQ=="])
def test_paging_markers_are_opaque(a: boto3.Session, marker: str) -> None:
    """IAM API Reference, ListUsers: Marker is the value a previous response returned; an
    invented one is refused with InvalidInput."""
    iam = a.client("iam")
    for name in ("Ana", "Bo", "Cy"):
        iam.create_user(UserName=name)
    first = iam.list_users(MaxItems=1)
    assert first["IsTruncated"] and first["Marker"] not in ("1", "2")
    with pytest.raises(ClientError) as e:
        iam.list_users(Marker=marker)
    assert err(e) == ("InvalidInput", "Invalid Marker.", 400)


def test_edited_marker_is_refused(a: boto3.Session) -> None:
    iam = a.client("iam")
    for name in ("Ana", "Bo", "Cy"):
        iam.create_user(UserName=name)
    marker = iam.list_users(MaxItems=1)["Marker"]
    raw = bytearray(base64.b64decode(marker))
    raw[3] += 1  # point one item further
    with pytest.raises(ClientError) as e:
        iam.list_users(Marker=base64.b64encode(bytes(raw)).decode())
    assert err(e)[0] == "InvalidInput"
    with pytest.raises(ClientError):
        iam.list_roles(Marker=marker)  # a marker belongs to its listing
    assert [u["UserName"] for u in iam.list_users(Marker=marker)["Users"]] == ["Bo", "Cy"]


def test_managed_policy_size_quota(a: boto3.Session) -> None:
    """IAM quotas: a managed policy is at most 6,144 characters without whitespace; IAM's
    message "Cannot exceed quota for PolicySize: 6144" (github.com/docker/docs issue 5815)."""
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/" + "k" * 6200,
    }
    with pytest.raises(ClientError) as e:
        a.client("iam").create_policy(PolicyName="big", PolicyDocument=doc(statement))
    assert err(e) == ("LimitExceeded", "Cannot exceed quota for PolicySize: 6144", 409)


def test_simulator_caller_arn_matched_in_full(a: boto3.Session) -> None:
    """A CallerArn with a trailing newline is not an IAM user ARN (IAM API Reference,
    SimulateCustomPolicy CallerArn)."""
    with pytest.raises(ClientError) as e:
        a.client("iam").simulate_custom_policy(
            PolicyInputList=[ALLOW_ALL],
            ActionNames=["s3:GetObject"],
            CallerArn=f"arn:aws:iam::{A}:user/Ana\n",
        )
    assert err(e)[0] == "InvalidInput"


# ---- S3 -------------------------------------------------------------------------------
@pytest.fixture
def s3(a: boto3.Session):
    client = a.client("s3")
    client.create_bucket(Bucket=BUCKET)
    return client


def bucket_policy(resource, principal=None, effect="Allow", key="Resource") -> str:
    return doc(
        {
            "Effect": effect,
            "Principal": principal or {"AWS": A},
            "Action": "s3:GetObject",
            key: resource,
        }
    )


@pytest.mark.parametrize(
    "resource",
    [
        "*",
        "arn:aws:s3:::other-bucket/*",
        "arn:aws:s3:::account-a-bucket-2/*",
        "arn:aws:s3:::account-a-bucket*",
        "arn:aws:s3:::*",
        [f"arn:aws:s3:::{BUCKET}/*", "arn:aws:s3:::other-bucket"],
    ],
)
def test_bucket_policy_names_only_its_bucket(s3, resource) -> None:
    """S3 User Guide, "Bucket policies": a policy covers one bucket and its objects; S3's
    answer "Policy has invalid resource" (MalformedPolicy), also for ``"*"`` (as reported
    against real S3 in github.com/noobaa/noobaa-core issue 10058)."""
    for key in ("Resource", "NotResource"):
        with pytest.raises(ClientError) as e:
            s3.put_bucket_policy(Bucket=BUCKET, Policy=bucket_policy(resource, key=key))
        assert err(e) == ("MalformedPolicy", "Policy has invalid resource", 400)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_policy(Bucket=BUCKET)
    assert err(e)[0] == "NoSuchBucketPolicy"


def test_bucket_policy_own_bucket_and_objects(s3) -> None:
    own = [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*", f"arn:aws:s3:::{BUCKET}/a/b.csv"]
    s3.put_bucket_policy(Bucket=BUCKET, Policy=bucket_policy(own))


def test_bucket_policy_principal_must_exist(s3) -> None:
    """A bucket policy naming an IAM user that does not exist is refused (docs/aws-behaviour.md,
    "Lab decisions" D9), with S3's code MalformedPolicy."""
    ghost = f"arn:aws:iam::{A}:user/Ghost"
    policy = bucket_policy(f"arn:aws:s3:::{BUCKET}/*", {"AWS": ghost})
    with pytest.raises(ClientError) as e:
        s3.put_bucket_policy(Bucket=BUCKET, Policy=policy)
    assert err(e) == ("MalformedPolicy", f'Invalid principal in policy: "AWS":"{ghost}"', 400)


def test_bucket_policy_at_most_20_kb(s3) -> None:
    """S3 User Guide, "Adding a bucket policy": bucket policies are limited to 20 KB,
    whitespace not counted (lab decision on the code: docs/aws-behaviour.md, "S3")."""

    def policy_of(size: int) -> str:
        base = bucket_policy(f"arn:aws:s3:::{BUCKET}/")
        pad = size - len(base.replace(" ", ""))
        return bucket_policy(f"arn:aws:s3:::{BUCKET}/" + "k" * pad)

    exactly = policy_of(20480)
    assert len(exactly.replace(" ", "").encode()) == 20480 and " " in exactly
    s3.put_bucket_policy(Bucket=BUCKET, Policy=exactly)
    with pytest.raises(ClientError) as e:
        s3.put_bucket_policy(Bucket=BUCKET, Policy=policy_of(20481))
    assert err(e) == (
        "PolicyTooLarge",
        "Policy exceeds the maximum allowed document size.",
        400,
    )
    assert s3.get_bucket_policy(Bucket=BUCKET)["Policy"] == exactly


def test_get_bucket_policy_without_one(s3) -> None:
    """S3 API Reference, GetBucketPolicy / "Error responses": NoSuchBucketPolicy, 404."""
    with pytest.raises(ClientError) as e:
        s3.get_bucket_policy(Bucket=BUCKET)
    assert err(e) == ("NoSuchBucketPolicy", "The bucket policy does not exist", 404)


def test_owner_root_always_manages_the_policy_even_when_denied(lab: Lab, a, s3) -> None:
    """S3 API Reference, PutBucketPolicy: the bucket owner's root user can always get, put and
    delete the bucket policy, even if the policy denies it; the deny still binds root for
    other calls and binds everyone else in the account, since naming the account's root ARN
    names the whole account (docs/aws-behaviour.md, "Lab decisions" D5)."""
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")
    deny = doc(
        {
            "Effect": "Deny",
            "Principal": {"AWS": f"arn:aws:iam::{A}:root"},
            "Action": ["s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
                       "s3:GetObject"],
            "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
        }
    )  # fmt: skip
    s3.put_bucket_policy(Bucket=BUCKET, Policy=deny)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=BUCKET, Key="k")
    assert err(e)[0] == "AccessDenied"
    admin = make_user(lab, a, "Admin", {"all": ALLOW_ALL}, mfa=False).client("s3")
    with pytest.raises(ClientError) as e:
        admin.get_bucket_policy(Bucket=BUCKET)
    assert err(e)[0] == "AccessDenied" and "explicit deny" in err(e)[1]
    assert s3.get_bucket_policy(Bucket=BUCKET)["Policy"] == deny
    s3.put_bucket_policy(Bucket=BUCKET, Policy=deny)
    s3.delete_bucket_policy(Bucket=BUCKET)
    assert s3.get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"x"


@pytest.mark.parametrize(
    ("key", "ok"),
    [("k" * 1024, True), ("k" * 1025, False), ("é" * 512, True), ("é" * 513, False)],
)
def test_object_keys_at_most_1024_utf8_bytes(s3, key: str, ok: bool) -> None:
    """S3 User Guide, "Naming Amazon S3 objects": a key is at most 1,024 bytes of UTF-8;
    S3's KeyTooLongError "Your key is too long." (S3 API Reference, "Error responses")."""
    if ok:
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"x")
        assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == b"x"
        return
    for call in (
        lambda: s3.put_object(Bucket=BUCKET, Key=key, Body=b"x"),
        lambda: s3.get_object(Bucket=BUCKET, Key=key),
        lambda: s3.delete_object(Bucket=BUCKET, Key=key),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert err(e) == ("KeyTooLongError", "Your key is too long.", 400)
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=BUCKET, Key=key)
    assert err(e)[0::2] == ("400", 400)
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)


# ---- DynamoDB --------------------------------------------------------------------------
@pytest.fixture
def ddb(a: boto3.Session):
    client = a.client("dynamodb")
    client.create_table(
        TableName="Books",
        KeySchema=[{"AttributeName": "title", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "title", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.put_item(TableName="Books", Item={"title": {"S": "Dune"}, "year": {"N": "1965"}})
    return client


EXACTLY_ONE = "must contain exactly one of the supported datatypes"


def put_refused(ddb, value) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName="Books", Item={"title": {"S": "Dune"}, "x": value})
    return err(e)


def test_attribute_value_has_exactly_one_type(ddb) -> None:
    """DynamoDB API Reference, AttributeValue: exactly one data type. DynamoDB's texts
    ("Supplied AttributeValue is empty, must contain exactly one of the supported
    datatypes", github.com/aws/aws-sdk-js issue 381). The stored item is unchanged and
    still readable (the issue's crash)."""
    assert put_refused(ddb, {"S": "a", "N": "1"}) == (
        "ValidationException",
        f"Supplied AttributeValue has more than one datatypes set, {EXACTLY_ONE}",
        400,
    )
    assert put_refused(ddb, {})[1] == f"Supplied AttributeValue is empty, {EXACTLY_ONE}"
    assert put_refused(ddb, {"L": [{"M": {"deep": {"S": "a", "BOOL": True}}}]})[0] == (
        "ValidationException"
    )
    with pytest.raises(ClientError) as e:
        ddb.get_item(TableName="Books", Key={"title": {"S": "Dune", "N": "1"}})
    assert err(e)[0] == "ValidationException"
    item = ddb.get_item(TableName="Books", Key={"title": {"S": "Dune"}})["Item"]
    assert item == {"title": {"S": "Dune"}, "year": {"N": "1965"}}


@pytest.mark.parametrize("number", ["abc", "NaN", "Infinity", "1_000", " 5", "0x1F", "1e", ""])
def test_n_values_are_numbers(ddb, number: str) -> None:
    """DynamoDB Developer Guide, "Data types": numbers are sent as decimal strings; DynamoDB's
    "The parameter cannot be converted to a numeric value: NaN" (github.com/jovotech/
    jovo-framework issue 197)."""
    assert put_refused(ddb, {"N": number}) == (
        "ValidationException",
        f"The parameter cannot be converted to a numeric value: {number}",
        400,
    )
    assert put_refused(ddb, {"NS": ["1", number]})[0] == "ValidationException"


def test_number_range_and_precision(ddb) -> None:
    """Developer Guide, "Data types": 38 significant digits; magnitude 1E-130 to
    9.9999999999999999999999999999999999999E+125."""
    for good in ("-12.5e3", "9.9999999999999999999999999999999999999E+125", "1E-130", "0",
                 "+7", ".5", "1" + "0" * 60):  # fmt: skip
        ddb.put_item(TableName="Books", Item={"title": {"S": "n"}, "x": {"N": good}})
    assert "more than 38 significant digits" in put_refused(ddb, {"N": "1." + "1" * 38})[1]
    assert put_refused(ddb, {"N": "1E+126"})[1].startswith("Number overflow")
    assert put_refused(ddb, {"N": "1E-131"})[1].startswith("Number underflow")


@pytest.mark.parametrize(("kind", "word"), [("SS", "string"), ("NS", "number"), ("BS", "binary")])
def test_sets_are_not_empty(ddb, kind: str, word: str) -> None:
    """DynamoDB's "One or more parameter values were invalid: An number set  may not be
    empty" (two spaces, as DynamoDB writes it; github.com/aws/aws-sdk-net issue 3297)."""
    assert put_refused(ddb, {kind: []}) == (
        "ValidationException",
        f"One or more parameter values were invalid: An {word} set  may not be empty",
        400,
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [({"SS": ["a", "b", "a"]}, "[a, b, a]"), ({"NS": ["1", "1.0"]}, "[1, 1.0]"),
     ({"BS": [b"x", b"x"]}, "[eA==, eA==]")],
)  # fmt: skip
def test_sets_have_no_duplicates(ddb, value: dict, shown: str) -> None:
    """DynamoDB's "One or more parameter values were invalid: Input collection [X, X] contains
    duplicates." (github.com/truora/minidyn issue 50); numbers compare by value."""
    assert put_refused(ddb, value) == (
        "ValidationException",
        f"One or more parameter values were invalid: Input collection {shown} contains duplicates.",
        400,
    )


def test_null_must_be_true(ddb) -> None:
    assert put_refused(ddb, {"NULL": False})[1] == (
        "One or more parameter values were invalid: Null attribute value types must have the "
        "value of true"
    )


def test_item_at_most_400_kb(ddb) -> None:
    """DynamoDB Developer Guide, "Item size": 400 KB including attribute names; DynamoDB's
    "Item size has exceeded the maximum allowed size"."""
    name_and_key = len("title") + len("Dune") + len("x")
    ddb.put_item(
        TableName="Books",
        Item={"title": {"S": "Dune"}, "x": {"S": "a" * (400 * 1024 - name_and_key)}},
    )
    assert put_refused(ddb, {"S": "a" * (400 * 1024 - name_and_key + 1)}) == (
        "ValidationException",
        "Item size has exceeded the maximum allowed size",
        400,
    )
    assert len(ddb.get_item(TableName="Books", Key={"title": {"S": "Dune"}})["Item"]["x"]["S"]) == (
        400 * 1024 - name_and_key
    )


@pytest.mark.parametrize(
    ("name", "constraints"),
    [
        ("ab", ["Member must have length greater than or equal to 3"]),
        ("my table", ["Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"]),
        ("x" * 256, ["Member must have length less than or equal to 255"]),
        ("é", ["Member must have length greater than or equal to 3",
               "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"]),
    ],
)  # fmt: skip
def test_table_names(a: boto3.Session, name: str, constraints: list[str]) -> None:
    """DynamoDB Developer Guide, "Naming rules": 3-255 of ``a-z A-Z 0-9 _ - .``; DynamoDB's
    validator text."""
    with pytest.raises(ClientError) as e:
        a.client("dynamodb").create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    n = len(constraints)
    parts = [
        f"Value '{name}' at 'tableName' failed to satisfy constraint: {c}" for c in constraints
    ]
    head = f"{n} validation error{'s' if n > 1 else ''} detected: "
    assert err(e) == ("ValidationException", head + "; ".join(parts), 400)
    assert a.client("dynamodb").list_tables()["TableNames"] == []


def test_binary_values_come_back_as_bytes(ddb) -> None:
    ddb.put_item(TableName="Books", Item={"title": {"S": "b"}, "x": {"B": "text"}})
    assert ddb.get_item(TableName="Books", Key={"title": {"S": "b"}})["Item"]["x"] == {"B": b"text"}


# ---- EC2 -------------------------------------------------------------------------------
AMI = "ami-0abcdef1234567890"


def test_instance_limit(lab: Lab, a: boto3.Session) -> None:
    """A lab decision (docs/aws-behaviour.md, "EC2"): 20 running instances per account and
    region; past it EC2's InstanceLimitExceeded with its classic text, and nothing launches."""
    ec2 = a.client("ec2")
    ids = [i["InstanceId"] for i in ec2.run_instances(ImageId=AMI, MinCount=20, MaxCount=20)[
        "Instances"]]  # fmt: skip
    with pytest.raises(ClientError) as e:
        ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)
    assert err(e) == (
        "InstanceLimitExceeded",
        "You have requested more instances (21) than your current instance limit of 20 allows "
        "for the specified instance type. Please visit "
        "http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.",
        400,
    )
    ec2.stop_instances(InstanceIds=ids[:2])  # stopped instances do not count
    ec2.run_instances(ImageId=AMI, MinCount=2, MaxCount=2)
    with pytest.raises(ClientError) as e:
        ec2.start_instances(InstanceIds=ids[:1])
    assert err(e)[0] == "InstanceLimitExceeded"
    other = a.client("ec2", region_name="eu-west-1")
    other.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)  # the limit is per region


def test_huge_max_count_never_hangs(lab: Lab, a: boto3.Session) -> None:
    """EC2 API Reference, RunInstances: EC2 launches as many as it can up to MaxCount, so a
    MaxCount far past the limit launches the limit's worth at once (and never hangs); a
    MinCount past it launches nothing (tests/aws/test_ec2_counts.py has the full set)."""
    ec2 = a.client("ec2")
    with pytest.raises(ClientError) as e:
        ec2.run_instances(ImageId=AMI, MinCount=10**9, MaxCount=10**9)
    assert err(e)[0] == "InstanceLimitExceeded" and "(1000000000)" in err(e)[1]
    assert ec2.describe_instances()["Reservations"] == []
    launched = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=10**9)["Instances"]
    assert len(launched) == 20


# ---- policy text with JSON's non-standard literals --------------------------------------
def _documents(literal: str) -> tuple[str, str, str]:
    """An identity, a trust and a bucket policy with ``literal`` as a condition value."""
    condition = f'"Condition":{{"NumericLessThan":{{"aws:MultiFactorAuthAge":{literal}}}}}'
    identity = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",'
        f'"Resource":"*",{condition}}}]}}'
    )
    role_trust = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"'
        f'{A}"}},"Action":"sts:AssumeRole",{condition}}}]}}'
    )
    bucket = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",'
        f'"Action":"s3:GetObject","Resource":"arn:aws:s3:::{BUCKET}/*",{condition}}}]}}'
    )
    return identity, role_trust, bucket


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_json_literals_are_malformed_policies(a: boto3.Session, s3, literal: str) -> None:
    """RFC 8259 JSON has no NaN or Infinity; IAM answers MalformedPolicyDocument and S3
    MalformedPolicy (IAM User Guide, "Grammar of the IAM JSON policy language": policies
    are JSON). The same documents with the number 3600 are accepted."""
    identity, role_trust, bucket = _documents(literal)
    iam = a.client("iam")
    iam.create_user(UserName="Ana")
    calls = [
        lambda: iam.put_user_policy(UserName="Ana", PolicyName="p", PolicyDocument=identity),
        lambda: iam.create_policy(PolicyName="p", PolicyDocument=identity),
        lambda: iam.create_role(RoleName="R", AssumeRolePolicyDocument=role_trust),
    ]
    for call in calls:
        with pytest.raises(ClientError) as e:
            call()
        code, message, status = err(e)
        assert (code, status) == ("MalformedPolicyDocument", 400)
        assert "invalid Json" in message and literal.lstrip("-") in message
    with pytest.raises(ClientError) as e:
        s3.put_bucket_policy(Bucket=BUCKET, Policy=bucket)
    assert err(e)[0::2] == ("MalformedPolicy", 400) and "invalid Json" in err(e)[1]
    assert iam.list_user_policies(UserName="Ana")["PolicyNames"] == []
    identity, role_trust, bucket = _documents("3600")
    iam.put_user_policy(UserName="Ana", PolicyName="p", PolicyDocument=identity)
    iam.create_role(RoleName="R", AssumeRolePolicyDocument=role_trust)
    s3.put_bucket_policy(Bucket=BUCKET, Policy=bucket)


# ---- identifiers are matched in full ------------------------------------------------------
def test_identifiers_with_a_trailing_newline_are_malformed(a: boto3.Session) -> None:
    """EC2 ids and S3 bucket names are matched against the whole value (Python's ``$``
    would accept a trailing newline). EC2 API Reference, "Error codes":
    InvalidAMIID.Malformed, InvalidInstanceID.Malformed; S3 User Guide, "Bucket naming
    rules"."""
    from iamlab.aws.services.s3 import valid_bucket_name

    assert valid_bucket_name(BUCKET) and not valid_bucket_name(BUCKET + "\n")
    ec2 = a.client("ec2")
    with pytest.raises(ClientError) as e:
        ec2.run_instances(ImageId=AMI + "\n", MinCount=1, MaxCount=1)
    assert err(e)[0] == "InvalidAMIID.Malformed"
    (instance,) = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"]
    with pytest.raises(ClientError) as e:
        ec2.stop_instances(InstanceIds=[instance["InstanceId"] + "\n"])
    assert err(e)[0] == "InvalidInstanceID.Malformed"
