"""S3: buckets, bucket policies, objects, and the resource-policy story of seeds 000/001."""

from __future__ import annotations

import hashlib
import json
import re

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.response import StreamingBody

from iamlab.aws import Lab
from iamlab.aws.services.s3 import valid_bucket_name
from iamlab.data import load_policy

from .conftest import A, B, C, doc, make_user

BUCKET = "account-a-bucket"
ALLOW_S3 = doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})


def err(excinfo) -> tuple[str, str, int]:
    r = excinfo.value.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


def bucket_policy(principal: str, actions: list[str], resource: str, **extra) -> str:
    st = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": actions}
    return doc({**st, "Resource": resource, **extra})


@pytest.fixture
def s3(a: boto3.Session):
    """Account A's root S3 client with one bucket."""
    client = a.client("s3")
    client.create_bucket(Bucket=BUCKET)
    return client


# ---- buckets ----------------------------------------------------------------------
def test_object_round_trip(lab: Lab, s3) -> None:
    data = b"a,b\n1,2\n"
    put = s3.put_object(Bucket=BUCKET, Key="report.csv", Body=data)
    etag = '"' + hashlib.md5(data).hexdigest() + '"'
    assert put["ETag"] == etag
    got = s3.get_object(Bucket=BUCKET, Key="report.csv")
    assert isinstance(got["Body"], StreamingBody)
    assert got["Body"].read() == data
    assert got["ContentLength"] == 8 and got["ETag"] == etag
    assert got["LastModified"] == lab.clock.now().replace(microsecond=0)
    assert got["ContentType"] == "binary/octet-stream"
    head = s3.head_object(Bucket=BUCKET, Key="report.csv")
    assert head["ContentLength"] == 8 and "Body" not in head
    s3.delete_object(Bucket=BUCKET, Key="report.csv")
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=BUCKET, Key="report.csv")
    assert err(e) == ("NoSuchKey", "The specified key does not exist.", 404)


def test_put_object_accepts_str_and_file_bodies_and_metadata(s3) -> None:
    import io

    s3.put_object(Bucket=BUCKET, Key="s", Body="text", ContentType="text/plain")
    s3.put_object(Bucket=BUCKET, Key="f", Body=io.BytesIO(b"file"), Metadata={"who": "anaya"})
    s = s3.get_object(Bucket=BUCKET, Key="s")
    assert s["Body"].read() == b"text" and s["ContentType"] == "text/plain"
    assert s3.get_object(Bucket=BUCKET, Key="f")["Metadata"] == {"who": "anaya"}


def test_delete_of_missing_key_succeeds(s3) -> None:
    assert (
        s3.delete_object(Bucket=BUCKET, Key="never-was")["ResponseMetadata"]["HTTPStatusCode"]
        == 200
    )


@pytest.mark.parametrize(
    "name",
    [
        "ab",
        "a" * 64,
        "Bucket",
        "my_bucket",
        "-abc",
        "abc-",
        "my..bucket",
        "192.168.5.4",
        "xn--abc",
        "sthree-abc",
        "abc-s3alias",
        "abc--ol-s3",
    ],
)
def test_invalid_bucket_names(a: boto3.Session, name: str) -> None:
    assert not valid_bucket_name(name)
    with pytest.raises(ClientError) as e:
        a.client("s3").create_bucket(Bucket=name)
    assert err(e) == ("InvalidBucketName", "The specified bucket is not valid.", 400)


@pytest.mark.parametrize("name", ["abc", "a" * 63, "my.bucket-1", "1bucket", "192.168.5"])
def test_valid_bucket_names(name: str) -> None:
    assert valid_bucket_name(name)


def test_bucket_names_are_global(lab: Lab, s3, b: boto3.Session) -> None:
    with pytest.raises(ClientError) as e:
        b.client("s3").create_bucket(Bucket=BUCKET)
    code, message, status = err(e)
    assert (code, status) == ("BucketAlreadyExists", 409)
    assert "bucket namespace is shared" in message
    # us-east-1 legacy: re-creating your own bucket is a 200 no-op
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")
    assert s3.create_bucket(Bucket=BUCKET)["Location"] == f"/{BUCKET}"
    assert s3.get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"x"


def test_bucket_already_owned_by_you_outside_us_east_1(a: boto3.Session) -> None:
    eu = a.client("s3", region_name="eu-west-1")
    config = {"LocationConstraint": "eu-west-1"}
    eu.create_bucket(Bucket="eu-bucket", CreateBucketConfiguration=config)
    with pytest.raises(ClientError) as e:
        eu.create_bucket(Bucket="eu-bucket", CreateBucketConfiguration=config)
    assert err(e)[0] == "BucketAlreadyOwnedByYou" and err(e)[2] == 409
    assert a.client("s3").list_buckets()["Buckets"][0]["BucketRegion"] == "eu-west-1"


def test_location_constraint_must_match_the_endpoint(a: boto3.Session) -> None:
    with pytest.raises(ClientError) as e:
        a.client("s3", region_name="eu-west-1").create_bucket(Bucket="no-constraint")
    assert err(e)[0] == "IllegalLocationConstraintException" and err(e)[2] == 400
    with pytest.raises(ClientError) as e:
        a.client("s3").create_bucket(
            Bucket="wrong-constraint", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
    assert "eu-west-1 location constraint is incompatible" in err(e)[1]


def test_list_buckets_shows_only_the_callers_account(lab: Lab, s3, b: boto3.Session) -> None:
    b.client("s3").create_bucket(Bucket="bbb-bucket")
    s3.create_bucket(Bucket="aaa-bucket")
    out = s3.list_buckets()
    assert [x["Name"] for x in out["Buckets"]] == ["aaa-bucket", BUCKET]
    assert re.fullmatch(r"[0-9a-f]{64}", out["Owner"]["ID"])
    assert out["Owner"]["ID"] != b.client("s3").list_buckets()["Owner"]["ID"]
    assert [x["Name"] for x in s3.list_buckets(Prefix="acc")["Buckets"]] == [BUCKET]


def test_list_buckets_is_s3_list_all_my_buckets(lab: Lab, s3, a: boto3.Session) -> None:
    ana = make_user(lab, a, "Ana", mfa=False)
    with pytest.raises(ClientError) as e:
        ana.client("s3").list_buckets()
    assert err(e) == (
        "AccessDenied",
        f"User: arn:aws:iam::{A}:user/Ana is not authorized to perform: s3:ListAllMyBuckets on "
        'resource: "arn:aws:s3:::" because no identity-based policy allows the '
        "s3:ListAllMyBuckets action",
        403,
    )
    allow = doc({"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "arn:aws:s3:::*"})
    a.client("iam").put_user_policy(UserName="Ana", PolicyName="list", PolicyDocument=allow)
    assert [x["Name"] for x in ana.client("s3").list_buckets()["Buckets"]] == [BUCKET]


def test_no_such_bucket(a: boto3.Session) -> None:
    s3 = a.client("s3")
    calls = [
        lambda: s3.get_object(Bucket="missing-bucket", Key="k"),
        lambda: s3.put_object(Bucket="missing-bucket", Key="k", Body=b""),
        lambda: s3.delete_bucket(Bucket="missing-bucket"),
        lambda: s3.list_objects_v2(Bucket="missing-bucket"),
        lambda: s3.get_bucket_policy(Bucket="missing-bucket"),
    ]
    for call in calls:
        with pytest.raises(ClientError) as e:
            call()
        assert err(e) == ("NoSuchBucket", "The specified bucket does not exist", 404)
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket="missing-bucket", Key="k")
    assert err(e) == ("404", "Not Found", 404)


def test_delete_bucket_must_be_empty(s3, b: boto3.Session) -> None:
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=BUCKET)
    assert err(e) == ("BucketNotEmpty", "The bucket you tried to delete is not empty", 409)
    s3.delete_object(Bucket=BUCKET, Key="k")
    s3.delete_bucket(Bucket=BUCKET)
    assert s3.list_buckets()["Buckets"] == []
    b.client("s3").create_bucket(Bucket=BUCKET)  # the name is free again


def test_expected_bucket_owner(s3) -> None:
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"x", ExpectedBucketOwner=A)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=BUCKET, Key="k", ExpectedBucketOwner=B)
    assert err(e) == ("AccessDenied", "Access Denied", 403)


# ---- missing keys: 404 only with s3:ListBucket --------------------------------------
def test_missing_key_is_403_without_list_bucket(lab: Lab, s3, a: boto3.Session) -> None:
    get_only = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    ana = make_user(lab, a, "Ana", {"get": get_only}, mfa=False).client("s3")
    with pytest.raises(ClientError) as e:
        ana.get_object(Bucket=BUCKET, Key="nope")
    code, message, status = err(e)
    assert (code, status) == ("AccessDenied", 403)
    assert "s3:ListBucket" in message and f'"arn:aws:s3:::{BUCKET}"' in message
    with pytest.raises(ClientError) as e:
        ana.head_object(Bucket=BUCKET, Key="nope")
    assert err(e) == ("403", "Forbidden", 403)
    list_too = doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"})
    a.client("iam").put_user_policy(UserName="Ana", PolicyName="list", PolicyDocument=list_too)
    with pytest.raises(ClientError) as e:
        ana.get_object(Bucket=BUCKET, Key="nope")
    assert err(e)[0] == "NoSuchKey" and err(e)[2] == 404
    with pytest.raises(ClientError) as e:
        ana.head_object(Bucket=BUCKET, Key="nope")
    assert err(e) == ("404", "Not Found", 404)


def test_head_object_denied_is_bare_403(lab: Lab, s3, a: boto3.Session) -> None:
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")
    ana = make_user(lab, a, "Ana", mfa=False).client("s3")
    with pytest.raises(ClientError) as e:
        ana.head_object(Bucket=BUCKET, Key="k")
    assert err(e) == ("403", "Forbidden", 403)


# ---- listing ----------------------------------------------------------------------
def test_list_objects_v2_prefix_delimiter_and_pages(s3) -> None:
    for key in ["a.txt", "docs/1.txt", "docs/2.txt", "docs/sub/3.txt", "z.txt"]:
        s3.put_object(Bucket=BUCKET, Key=key, Body=key.encode())
    everything = s3.list_objects_v2(Bucket=BUCKET)
    assert [c["Key"] for c in everything["Contents"]] == [
        "a.txt",
        "docs/1.txt",
        "docs/2.txt",
        "docs/sub/3.txt",
        "z.txt",
    ]
    assert everything["KeyCount"] == 5 and not everything["IsTruncated"]
    assert everything["Contents"][0]["Size"] == 5
    top = s3.list_objects_v2(Bucket=BUCKET, Delimiter="/")
    assert [c["Key"] for c in top["Contents"]] == ["a.txt", "z.txt"]
    assert top["CommonPrefixes"] == [{"Prefix": "docs/"}]
    docs = s3.list_objects_v2(Bucket=BUCKET, Prefix="docs/", Delimiter="/")
    assert [c["Key"] for c in docs["Contents"]] == ["docs/1.txt", "docs/2.txt"]
    assert docs["CommonPrefixes"] == [{"Prefix": "docs/sub/"}] and docs["Prefix"] == "docs/"
    page1 = s3.list_objects_v2(Bucket=BUCKET, MaxKeys=2)
    assert page1["IsTruncated"] and page1["KeyCount"] == 2
    page2 = s3.list_objects_v2(
        Bucket=BUCKET, MaxKeys=2, ContinuationToken=page1["NextContinuationToken"]
    )
    assert [c["Key"] for c in page2["Contents"]] == ["docs/2.txt", "docs/sub/3.txt"]
    after = s3.list_objects_v2(Bucket=BUCKET, StartAfter="docs/2.txt")
    assert [c["Key"] for c in after["Contents"]] == ["docs/sub/3.txt", "z.txt"]
    paginated = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, MaxKeys=2)
    assert sum(len(p.get("Contents", [])) for p in paginated) == 5


def test_list_objects_v2_keys_with_special_characters(s3) -> None:
    s3.put_object(Bucket=BUCKET, Key="año 2024/ü+1.txt", Body=b"x")
    assert s3.list_objects_v2(Bucket=BUCKET)["Contents"][0]["Key"] == "año 2024/ü+1.txt"


def test_list_objects_v2_uses_the_s3_prefix_condition_key(lab: Lab, s3, a: boto3.Session) -> None:
    home = doc(
        {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": f"arn:aws:s3:::{BUCKET}",
            "Condition": {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
        }
    )
    ana = make_user(lab, a, "Ana", {"home": home}, mfa=False).client("s3")
    s3.put_object(Bucket=BUCKET, Key="home/Ana/notes.txt", Body=b"x")
    s3.put_object(Bucket=BUCKET, Key="home/Bo/notes.txt", Body=b"x")
    mine = ana.list_objects_v2(Bucket=BUCKET, Prefix="home/Ana/")
    assert [c["Key"] for c in mine["Contents"]] == ["home/Ana/notes.txt"]
    for kwargs in ({}, {"Prefix": "home/Bo/"}):
        with pytest.raises(ClientError) as e:
            ana.list_objects_v2(Bucket=BUCKET, **kwargs)
        code, message, status = err(e)
        assert (code, status) == ("AccessDenied", 403)
        assert f's3:ListBucket on resource: "arn:aws:s3:::{BUCKET}"' in message


# ---- bucket policies --------------------------------------------------------------
def test_bucket_policy_round_trip(s3) -> None:
    with pytest.raises(ClientError) as e:
        s3.get_bucket_policy(Bucket=BUCKET)
    assert err(e) == ("NoSuchBucketPolicy", "The bucket policy does not exist", 404)
    text = json.dumps(load_policy("account-a-bucket-policy"), indent=1)
    s3.put_bucket_policy(Bucket=BUCKET, Policy=text)
    assert s3.get_bucket_policy(Bucket=BUCKET)["Policy"] == text
    s3.delete_bucket_policy(Bucket=BUCKET)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_policy(Bucket=BUCKET)
    assert err(e)[0] == "NoSuchBucketPolicy"
    s3.delete_bucket_policy(Bucket=BUCKET)  # deleting a missing policy is not an error


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        (ALLOW_S3, "Missing required field Principal"),
        ("{not json", "This policy contains invalid Json"),
    ],
)
def test_malformed_bucket_policy(s3, policy: str, message: str) -> None:
    with pytest.raises(ClientError) as e:
        s3.put_bucket_policy(Bucket=BUCKET, Policy=policy)
    code, text, status = err(e)
    assert (code, status) == ("MalformedPolicy", 400)
    assert text.startswith(message)
    with pytest.raises(ClientError):
        s3.get_bucket_policy(Bucket=BUCKET)  # nothing was stored


def test_bucket_policy_naming_a_same_account_user_needs_no_identity_policy(
    lab: Lab, s3, a: boto3.Session
) -> None:
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")
    ana = make_user(lab, a, "Ana", mfa=False).client("s3")
    with pytest.raises(ClientError) as e:
        ana.get_object(Bucket=BUCKET, Key="k")
    assert err(e) == (
        "AccessDenied",
        f"User: arn:aws:iam::{A}:user/Ana is not authorized to perform: s3:GetObject on "
        f'resource: "arn:aws:s3:::{BUCKET}/k" because no identity-based policy allows the '
        "s3:GetObject action",
        403,
    )
    policy = bucket_policy(
        f"arn:aws:iam::{A}:user/Ana", ["s3:GetObject"], f"arn:aws:s3:::{BUCKET}/*"
    )
    s3.put_bucket_policy(Bucket=BUCKET, Policy=policy)
    assert ana.get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"x"


def test_explicit_deny_in_bucket_policy_beats_identity_allow(
    lab: Lab, s3, a: boto3.Session
) -> None:
    ana = make_user(lab, a, "Ana", {"s3": ALLOW_S3}, mfa=False).client("s3")
    deny = doc(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
        }
    )
    s3.put_bucket_policy(Bucket=BUCKET, Policy=deny)
    with pytest.raises(ClientError) as e:
        ana.put_object(Bucket=BUCKET, Key="k", Body=b"x")
    code, message, status = err(e)
    assert (code, status) == ("AccessDenied", 403)
    assert message.endswith("with an explicit deny in a resource-based policy")


def test_cross_account_needs_both_sides_and_is_plain_access_denied(
    lab: Lab, s3, b: boto3.Session
) -> None:
    """docs/aws-behaviour.md (S3): cross-account S3 denials stay a plain "Access Denied"."""
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")
    bo = make_user(lab, b, "Bo", mfa=False)
    # identity policy alone: the bucket's account has not allowed it
    b.client("iam").put_user_policy(UserName="Bo", PolicyName="s3", PolicyDocument=ALLOW_S3)
    with pytest.raises(ClientError) as e:
        bo.client("s3").get_object(Bucket=BUCKET, Key="k")
    assert err(e) == ("AccessDenied", "Access Denied", 403)
    row = lab.trail().iloc[-1]
    assert row["decision"] == "implicitDeny" and "resource-based policy" in row["reason"]
    # bucket policy alone: Bo's own account has not allowed it
    policy = bucket_policy(
        f"arn:aws:iam::{B}:user/Bo", ["s3:GetObject"], f"arn:aws:s3:::{BUCKET}/*"
    )
    s3.put_bucket_policy(Bucket=BUCKET, Policy=policy)
    b.client("iam").delete_user_policy(UserName="Bo", PolicyName="s3")
    with pytest.raises(ClientError) as e:
        bo.client("s3").get_object(Bucket=BUCKET, Key="k")
    assert err(e) == ("AccessDenied", "Access Denied", 403)
    assert "identity-based policy" in lab.trail().iloc[-1]["reason"]
    # both sides
    b.client("iam").put_user_policy(UserName="Bo", PolicyName="s3", PolicyDocument=ALLOW_S3)
    assert bo.client("s3").get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"x"


def test_only_the_owner_account_manages_the_bucket_policy(lab: Lab, s3, b: boto3.Session) -> None:
    """S3 API Reference, GetBucketPolicy: a caller with the permission who does not belong to
    the bucket owner's account gets 405 Method Not Allowed (tests/aws/test_s3_fidelity.py
    has the full set)."""
    grant = bucket_policy(B, ["s3:GetBucketPolicy", "s3:PutBucketPolicy"], f"arn:aws:s3:::{BUCKET}")
    s3.put_bucket_policy(Bucket=BUCKET, Policy=grant)
    bo = make_user(lab, b, "Bo", {"s3": ALLOW_S3}, mfa=False).client("s3")
    with pytest.raises(ClientError) as e:
        bo.get_bucket_policy(Bucket=BUCKET)
    assert err(e) == (
        "MethodNotAllowed",
        "The specified method is not allowed against this resource.",
        405,
    )


def test_owner_root_can_always_manage_the_bucket_policy(s3) -> None:
    lockout = doc(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
        }
    )
    s3.put_bucket_policy(Bucket=BUCKET, Policy=lockout)
    assert (
        json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])["Statement"][0]["Effect"]
        == "Deny"
    )
    s3.delete_bucket_policy(Bucket=BUCKET)


def test_same_account_user_needs_put_bucket_policy(lab: Lab, s3, a: boto3.Session) -> None:
    ana = make_user(lab, a, "Ana", mfa=False).client("s3")
    with pytest.raises(ClientError) as e:
        ana.put_bucket_policy(Bucket=BUCKET, Policy=load_policy_text())
    assert err(e)[0] == "AccessDenied" and "s3:PutBucketPolicy" in err(e)[1]


def load_policy_text() -> str:
    return json.dumps(load_policy("account-a-bucket-policy"))


# ---- seed 000/001: MFA in a bucket policy shared by three accounts -------------------
@pytest.fixture
def nikhil_lab() -> tuple[Lab, object]:
    """Account A's bucket with the seed policy; Nikhil (C) with MFA and the Uploader role."""
    lab = Lab()
    a = lab.create_account(A, name="A")
    lab.create_account(B, name="B")
    c = lab.create_account(C, name="C")
    a.client("s3").create_bucket(Bucket=BUCKET)
    a.client("s3").put_bucket_policy(Bucket=BUCKET, Policy=load_policy_text())
    access = json.dumps(load_policy("nikhil-bucket-access"))
    assume = json.dumps(load_policy("nikhil-assume-uploader"))
    nikhil = make_user(lab, c, "Nikhil", {"AccountABucket": access, "AssumeUploader": assume})
    iam = c.client("iam")
    iam.create_role(
        RoleName="Uploader", AssumeRolePolicyDocument=json.dumps(load_policy("uploader-trust"))
    )
    iam.put_role_policy(RoleName="Uploader", PolicyName="AccountABucket", PolicyDocument=access)
    return lab, nikhil


def test_seed_nikhil_with_get_session_token_mfa_succeeds(nikhil_lab) -> None:
    lab, nikhil = nikhil_lab
    creds = nikhil.client("sts").get_session_token(
        SerialNumber=nikhil.serial, TokenCode=lab.totp(nikhil.serial)
    )["Credentials"]
    s3 = lab.session(creds).client("s3")
    s3.put_object(Bucket=BUCKET, Key="report.csv", Body=b"x")
    s3.delete_object(Bucket=BUCKET, Key="report.csv")
    row = lab.trail().iloc[-1]
    assert row["decision"] == "allowed" and row["credentials"] == "GetSessionToken+MFA"
    # the bucket policy grants only Put/Delete
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=BUCKET, Key="report.csv")
    assert err(e) == ("AccessDenied", "Access Denied", 403)


def test_seed_nikhil_with_long_term_keys_fails(nikhil_lab) -> None:
    lab, nikhil = nikhil_lab
    with pytest.raises(ClientError) as e:
        nikhil.client("s3").put_object(Bucket=BUCKET, Key="report.csv", Body=b"x")
    assert err(e) == ("AccessDenied", "Access Denied", 403)
    assert "aws:MultiFactorAuthPresent" in lab.explain_last()


def test_seed_nikhil_with_get_session_token_without_mfa_fails(nikhil_lab) -> None:
    lab, nikhil = nikhil_lab
    creds = nikhil.client("sts").get_session_token()["Credentials"]
    with pytest.raises(ClientError) as e:
        lab.session(creds).client("s3").put_object(Bucket=BUCKET, Key="r", Body=b"x")
    assert err(e) == ("AccessDenied", "Access Denied", 403)


def test_seed_nikhil_with_assume_role_mfa_credentials_fails(nikhil_lab) -> None:
    lab, nikhil = nikhil_lab
    creds = nikhil.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{C}:role/Uploader",
        RoleSessionName="nikhil",
        SerialNumber=nikhil.serial,
        TokenCode=lab.totp(nikhil.serial),
    )["Credentials"]
    with pytest.raises(ClientError) as e:
        lab.session(creds).client("s3").put_object(Bucket=BUCKET, Key="r", Body=b"x")
    assert err(e) == ("AccessDenied", "Access Denied", 403)
    explanation = lab.explain_last()
    assert "Bool aws:MultiFactorAuthPresent" in explanation
    assert '"false"' in explanation and "assumed-role/Uploader/nikhil" in explanation


def test_seed_nikhil_assume_role_succeeds_when_role_sessions_propagate_mfa() -> None:
    """The other reading of AWS's texts (docs/aws-behaviour.md, D1): role sessions carry MFA."""
    lab = Lab(role_session_mfa="propagate")
    a = lab.create_account(A)
    c = lab.create_account(C)
    a.client("s3").create_bucket(Bucket=BUCKET)
    a.client("s3").put_bucket_policy(Bucket=BUCKET, Policy=load_policy_text())
    access = json.dumps(load_policy("nikhil-bucket-access"))
    nikhil = make_user(
        lab, c, "Nikhil", {"a": access, "b": json.dumps(load_policy("nikhil-assume-uploader"))}
    )
    c.client("iam").create_role(
        RoleName="Uploader", AssumeRolePolicyDocument=json.dumps(load_policy("uploader-trust"))
    )
    c.client("iam").put_role_policy(RoleName="Uploader", PolicyName="a", PolicyDocument=access)
    creds = nikhil.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{C}:role/Uploader",
        RoleSessionName="nikhil",
        SerialNumber=nikhil.serial,
        TokenCode=lab.totp(nikhil.serial),
    )["Credentials"]
    lab.session(creds).client("s3").put_object(Bucket=BUCKET, Key="r", Body=b"x")


def test_account_a_own_users_also_need_mfa(lab: Lab) -> None:
    """Account A is named in the policy too: its users are same-account, so the
    account principal hands the decision to their identity policies."""
    a = lab.create_account(A)
    a.client("s3").create_bucket(Bucket=BUCKET)
    a.client("s3").put_bucket_policy(Bucket=BUCKET, Policy=load_policy_text())
    ana = make_user(lab, a, "Ana", mfa=False)
    with pytest.raises(ClientError) as e:
        ana.client("s3").put_object(Bucket=BUCKET, Key="r", Body=b"x")
    code, message, _ = err(e)
    assert code == "AccessDenied" and message.startswith(f"User: arn:aws:iam::{A}:user/Ana")
