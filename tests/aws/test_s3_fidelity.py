"""S3: bucket policies from other accounts (405), unsigned requests, object headers and
digests, paging, and what one S3 call costs the undo journal."""

from __future__ import annotations

import base64
import hashlib
import json

import boto3
import botocore
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from iamlab.aws import Lab, state

from .conftest import A, B, doc, make_user

BUCKET = "account-a-bucket"
ALLOW_S3 = doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
UNSIGNED = Config(signature_version=botocore.UNSIGNED)
POLICY_OPS = ("s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy")
METHOD_NOT_ALLOWED = (
    "MethodNotAllowed",
    "The specified method is not allowed against this resource.",
    405,
)


def err(excinfo) -> tuple[str, str, int]:
    r = excinfo.value.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def s3(a: boto3.Session):
    client = a.client("s3")
    client.create_bucket(Bucket=BUCKET)
    return client


def grant(principal: str, actions: list[str] | str, resource: str) -> str:
    return doc({"Effect": "Allow", "Principal": principal, "Action": actions, "Resource": resource})


# ---- bucket policies are managed by the owner's account only ----------------------------------
def test_another_account_with_permission_gets_405(lab: Lab, s3, b: boto3.Session) -> None:
    """S3 API Reference, PutBucketPolicy, GetBucketPolicy and DeleteBucketPolicy: a caller who
    has the permission but does not belong to the bucket owner's account gets 405 Method Not
    Allowed (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html)."""
    policy = grant({"AWS": B}, list(POLICY_OPS), f"arn:aws:s3:::{BUCKET}")
    s3.put_bucket_policy(Bucket=BUCKET, Policy=policy)
    bo = make_user(lab, b, "Bo", {"s3": ALLOW_S3}, mfa=False).client("s3")
    before = lab.snapshot().world()
    for call in (
        lambda: bo.get_bucket_policy(Bucket=BUCKET),
        lambda: bo.put_bucket_policy(Bucket=BUCKET, Policy=policy),
        lambda: bo.delete_bucket_policy(Bucket=BUCKET),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert err(e) == METHOD_NOT_ALLOWED
    assert lab.snapshot().world() == before
    assert json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"]) == json.loads(policy)
    row = lab.trail().iloc[-2]  # bo's DeleteBucketPolicy
    assert (row.decision, row.error) == ("allowed", "MethodNotAllowed")


def test_another_account_without_permission_gets_403(lab: Lab, s3, b: boto3.Session) -> None:
    """Without the permission S3 answers 403 Access Denied (same pages): here the bucket
    policy grants account B nothing, so B's own identity policy is not enough."""
    bo = make_user(lab, b, "Bo", {"s3": ALLOW_S3}, mfa=False).client("s3")
    for call in (
        lambda: bo.get_bucket_policy(Bucket=BUCKET),
        lambda: bo.delete_bucket_policy(Bucket=BUCKET),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert err(e) == ("AccessDenied", "Access Denied", 403)
    # the bucket policy allows B, but B's user has no identity policy: still 403
    s3.put_bucket_policy(
        Bucket=BUCKET, Policy=grant({"AWS": B}, list(POLICY_OPS), f"arn:aws:s3:::{BUCKET}")
    )
    cy = make_user(lab, b, "Cy", mfa=False).client("s3")
    with pytest.raises(ClientError) as e:
        cy.get_bucket_policy(Bucket=BUCKET)
    assert err(e) == ("AccessDenied", "Access Denied", 403)


def test_the_owner_account_still_manages_its_policy(lab: Lab, s3, a: boto3.Session) -> None:
    ana = make_user(lab, a, "Ana", {"s3": ALLOW_S3}, mfa=False).client("s3")
    policy = grant({"AWS": B}, "s3:GetObject", f"arn:aws:s3:::{BUCKET}/*")
    ana.put_bucket_policy(Bucket=BUCKET, Policy=policy)
    assert ana.get_bucket_policy(Bucket=BUCKET)["Policy"] == policy
    ana.delete_bucket_policy(Bucket=BUCKET)


# ---- unsigned (anonymous) requests ----------------------------------------------------------
def public_bucket(s3) -> None:
    s3.put_bucket_policy(
        Bucket=BUCKET, Policy=grant("*", "s3:GetObject", f"arn:aws:s3:::{BUCKET}/public/*")
    )
    s3.put_object(Bucket=BUCKET, Key="public/hello.txt", Body=b"hello")
    s3.put_object(Bucket=BUCKET, Key="private/secret.txt", Body=b"secret")


@pytest.mark.parametrize("keys", ["none", "root"])
def test_unsigned_requests_are_anonymous(lab: Lab, s3, a: boto3.Session, keys: str) -> None:
    """IAM User Guide, "AWS JSON policy elements: Principal": an anonymous request is allowed
    only by a resource-based policy that allows everyone ("*"). An unsigned client is
    anonymous even on a session that holds keys (root here): the keys are never sent."""
    public_bucket(s3)
    session = lab.session() if keys == "none" else a
    anon = session.client("s3", config=UNSIGNED)
    assert anon.get_object(Bucket=BUCKET, Key="public/hello.txt")["Body"].read() == b"hello"
    row = lab.trail().iloc[-1]
    assert (row.principal, row.credentials, row.decision) == ("anonymous", "anonymous", "allowed")
    for call in (
        lambda: anon.get_object(Bucket=BUCKET, Key="private/secret.txt"),
        lambda: anon.put_object(Bucket=BUCKET, Key="public/new.txt", Body=b"x"),
        lambda: anon.list_objects_v2(Bucket=BUCKET),
        lambda: anon.get_bucket_policy(Bucket=BUCKET),
        lambda: anon.list_buckets(),
        lambda: anon.create_bucket(Bucket="anonymous-bucket"),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert err(e) == ("AccessDenied", "Access Denied", 403)
    with pytest.raises(ClientError) as e:
        anon.head_object(Bucket=BUCKET, Key="private/secret.txt")
    assert err(e)[0] == "403"


def test_unsigned_requests_to_other_services_are_refused(a: boto3.Session) -> None:
    """Only S3 answers unsigned requests as anonymous; IAM, STS, EC2 and DynamoDB refuse
    them before any policy (MissingAuthenticationToken)."""
    for service, call in (
        ("iam", lambda c: c.list_users()),
        ("sts", lambda c: c.get_caller_identity()),
        ("ec2", lambda c: c.describe_instances()),
        ("dynamodb", lambda c: c.list_tables()),
    ):
        with pytest.raises(ClientError) as e:
            call(a.client(service, config=UNSIGNED))
        assert err(e)[0] == "MissingAuthenticationToken", service


def test_web_identity_works_signed_or_not(lab: Lab, a: boto3.Session) -> None:
    """AssumeRoleWithWebIdentity is an unsigned operation: it works from a session without
    keys, from an UNSIGNED client and from a client that holds keys."""
    iam = a.client("iam")
    iam.create_open_id_connect_provider(Url="https://id.example.com", ClientIDList=["app"])
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Federated": f"arn:aws:iam::{A}:oidc-provider/id.example.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
        }
    )
    iam.create_role(RoleName="Web", AssumeRolePolicyDocument=trust)
    for client in (
        lab.session().client("sts"),
        lab.session().client("sts", config=UNSIGNED),
        a.client("sts"),
    ):
        token = lab.web_identity_token("https://id.example.com", "alice", "app")
        out = client.assume_role_with_web_identity(
            RoleArn=f"arn:aws:iam::{A}:role/Web", RoleSessionName="alice", WebIdentityToken=token
        )
        assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{A}:assumed-role/Web/alice"


# ---- objects: headers, digests, owners ------------------------------------------------------
def md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def test_put_object_headers_are_stored_and_returned(s3) -> None:
    """S3 API Reference, PutObject and GetObject: these headers are stored with the object
    and returned by GetObject and HeadObject."""
    headers = {
        "CacheControl": "max-age=60",
        "ContentDisposition": 'attachment; filename="r.csv"',
        "ContentEncoding": "identity",
        "ContentLanguage": "en",
    }
    s3.put_object(Bucket=BUCKET, Key="r.csv", Body=b"a", ServerSideEncryption="AES256", **headers)
    got = s3.get_object(Bucket=BUCKET, Key="r.csv")
    head = s3.head_object(Bucket=BUCKET, Key="r.csv")
    for name, value in headers.items():
        assert got[name] == value and head[name] == value
    assert got["ServerSideEncryption"] == "AES256"


def test_content_md5_is_checked(lab: Lab, s3) -> None:
    """S3 API Reference, "Error responses": InvalidDigest for a Content-MD5 that is not an
    MD5, BadDigest for one of another body; nothing is stored."""
    data = b"a,b\n1,2\n"
    s3.put_object(Bucket=BUCKET, Key="good", Body=data, ContentMD5=md5(data))
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=BUCKET, Key="bad", Body=data, ContentMD5=md5(b"other"))
    assert err(e) == (
        "BadDigest",
        "The Content-MD5 you specified did not match what we received.",
        400,
    )
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=BUCKET, Key="bad", Body=data, ContentMD5="not-an-md5")
    assert err(e) == ("InvalidDigest", "The Content-MD5 you specified is not valid.", 400)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["good"]
    policy = grant({"AWS": B}, "s3:GetObject", f"arn:aws:s3:::{BUCKET}/*")
    with pytest.raises(ClientError) as e:
        s3.put_bucket_policy(Bucket=BUCKET, Policy=policy, ContentMD5=md5(b"other"))
    assert err(e)[0] == "BadDigest"
    s3.put_bucket_policy(Bucket=BUCKET, Policy=policy, ContentMD5=md5(policy.encode()))


def test_fetch_owner_shows_the_bucket_owner(lab: Lab, s3) -> None:
    """S3 API Reference, ListObjectsV2: FetchOwner adds each key's owner; with ACLs disabled
    (S3's default) the bucket owner owns every object."""
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")
    plain = s3.list_objects_v2(Bucket=BUCKET)["Contents"][0]
    assert "Owner" not in plain
    owned = s3.list_objects_v2(Bucket=BUCKET, FetchOwner=True)["Contents"][0]
    assert owned["Owner"]["ID"] == s3.list_buckets()["Owner"]["ID"]


def test_head_object_checks_the_expected_owner(s3) -> None:
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")
    assert s3.head_object(Bucket=BUCKET, Key="k", ExpectedBucketOwner=A)["ContentLength"] == 1
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=BUCKET, Key="k", ExpectedBucketOwner=B)
    assert err(e)[0] == "403"


def test_list_buckets_pages(a: boto3.Session) -> None:
    """S3 API Reference, ListBuckets: MaxBuckets and ContinuationToken page the list."""
    s3 = a.client("s3")
    for n in range(5):
        s3.create_bucket(Bucket=f"bucket-{n}")
    first = s3.list_buckets(MaxBuckets=2)
    assert [b["Name"] for b in first["Buckets"]] == ["bucket-0", "bucket-1"]
    rest = s3.list_buckets(MaxBuckets=10, ContinuationToken=first["ContinuationToken"])
    assert [b["Name"] for b in rest["Buckets"]] == ["bucket-2", "bucket-3", "bucket-4"]
    assert "ContinuationToken" not in rest
    pages = s3.get_paginator("list_buckets").paginate(PaginationConfig={"PageSize": 2})
    assert sum(len(p["Buckets"]) for p in pages) == 5
    with pytest.raises(ClientError) as e:
        s3.list_buckets(ContinuationToken="%%%")
    assert err(e) == ("InvalidArgument", "The continuation token provided is incorrect", 400)


# ---- what an S3 call journals -------------------------------------------------------------
def touched_by(lab: Lab, call) -> set[tuple[str, str]]:
    """The (account, area) pairs the undo journal copied while ``call`` ran."""
    seen: set[tuple[str, str]] = set()
    real = state.touch

    def spy(owner, area, value) -> None:
        seen.add((owner.account_id, area))
        real(owner, area, value)

    state.touch = spy
    try:
        call()
    finally:
        state.touch = real
    return seen


def test_an_s3_call_journals_only_the_bucket_owners_s3_state(
    lab: Lab, s3, b: boto3.Session
) -> None:
    """Finding a bucket reads every account without journaling; a write copies its owner's
    S3 state only, and a read copies nothing (iamlab.aws.atomic)."""
    b.client("s3").create_bucket(Bucket="bucket-of-b")
    b.client("dynamodb").create_table(
        TableName="Books",
        KeySchema=[{"AttributeName": "t", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "t", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    put = touched_by(lab, lambda: s3.put_object(Bucket=BUCKET, Key="k", Body=b"x"))
    assert put == {(A, "extra:s3")}
    get = touched_by(lab, lambda: s3.get_object(Bucket=BUCKET, Key="k")["Body"].read())
    assert get == set()
    assert touched_by(lab, lambda: s3.list_objects_v2(Bucket=BUCKET)) == set()
    assert touched_by(lab, lambda: s3.list_buckets()) == set()


def test_a_failed_write_still_changes_nothing(lab: Lab, s3) -> None:
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"old")
    before = lab.snapshot().world()
    with pytest.raises(ClientError):
        s3.put_object(Bucket=BUCKET, Key="k", Body=b"new", ContentMD5=md5(b"other"))
    assert lab.snapshot().world() == before
    assert s3.get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"old"
