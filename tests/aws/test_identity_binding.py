"""Credentials belong to the unique id of the user or role that got them, not to its name.

IAM gives every user and role a unique id (``AIDA...``, ``AROA...``; IAM User Guide,
"IAM identifiers": "If you delete a user and then create a new user with the same name,
the new user has a different unique ID"). Policies and credentials refer to that id, so
recreating a name never revives what belonged to the deleted identity. Once the user or
role is deleted its credentials are refused like any unknown key: InvalidClientTokenId,
"The security token included in the request is invalid." (the lab's choice where AWS
does not document the error: docs/aws-behaviour.md, "Revoking sessions").
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from iamlab.aws import Lab

from .conftest import A, doc, make_user

ALLOW_ALL = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
TRUST_A = doc({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"})
INVALID = ("InvalidClientTokenId", "The security token included in the request is invalid.")


def refused(session, service: str = "sts") -> tuple[str, str]:
    with pytest.raises(ClientError) as e:
        if service == "sts":
            session.client("sts").get_caller_identity()
        elif service == "s3":
            session.client("s3").list_buckets()
        else:
            session.client("dynamodb").list_tables()
    err = e.value.response["Error"]
    return err["Code"], err["Message"]


def make_role(iam) -> str:
    iam.create_role(RoleName="Worker", AssumeRolePolicyDocument=TRUST_A)
    iam.put_role_policy(RoleName="Worker", PolicyName="all", PolicyDocument=ALLOW_ALL)
    return f"arn:aws:iam::{A}:role/Worker"


def delete_role(iam) -> None:
    iam.delete_role_policy(RoleName="Worker", PolicyName="all")
    iam.delete_role(RoleName="Worker")


@pytest.fixture
def ana(lab: Lab, a):
    return make_user(lab, a, "Ana", {"all": ALLOW_ALL}, mfa=False)


def test_a_deleted_roles_sessions_never_work_again(lab, a, ana) -> None:
    iam = a.client("iam")
    role_arn = make_role(iam)
    creds = ana.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="s1")["Credentials"]
    old = lab.session(creds)
    assert old.client("iam").list_users()["Users"]
    delete_role(iam)
    assert refused(old) == INVALID
    make_role(iam)  # same name, new unique id
    assert refused(old) == INVALID
    assert refused(old, "s3")[0] == "InvalidAccessKeyId"  # each service's own code
    assert refused(old, "dynamodb")[0] == "UnrecognizedClientException"
    fresh = ana.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="s1")["Credentials"]
    assert lab.session(fresh).client("iam").list_users()["Users"]


def test_a_federation_token_session_dies_with_its_user(lab, a, ana) -> None:
    creds = ana.client("sts").get_federation_token(Name="ana-app", Policy=ALLOW_ALL)
    fed = lab.session(creds["Credentials"])
    assert fed.client("s3").list_buckets()["Buckets"] == []
    iam = a.client("iam")
    iam.delete_access_key(UserName="Ana", AccessKeyId=ana.key["AccessKeyId"])
    assert fed.client("s3").list_buckets()["Buckets"] == []  # keys gone, user still there
    iam.delete_user_policy(UserName="Ana", PolicyName="all")
    iam.delete_user(UserName="Ana")
    assert refused(fed) == INVALID
    iam.create_user(UserName="Ana")
    iam.put_user_policy(UserName="Ana", PolicyName="all", PolicyDocument=ALLOW_ALL)
    assert refused(fed) == INVALID  # not revived by a namesake
    assert refused(fed, "s3")[0] == "InvalidAccessKeyId"


def test_a_session_token_session_dies_with_its_user(lab, a, ana) -> None:
    creds = ana.client("sts").get_session_token()["Credentials"]
    gst = lab.session(creds)
    assert gst.client("sts").get_caller_identity()["Arn"].endswith(":user/Ana")
    iam = a.client("iam")
    iam.delete_access_key(UserName="Ana", AccessKeyId=ana.key["AccessKeyId"])
    iam.delete_user_policy(UserName="Ana", PolicyName="all")
    iam.delete_user(UserName="Ana")
    assert refused(gst) == INVALID
    iam.create_user(UserName="Ana")
    assert refused(gst) == INVALID


def test_a_deleted_users_access_keys_never_work_again(lab, a, ana) -> None:
    """DeleteUser needs the keys deleted first (IAM API Reference, DeleteUser), so the keys
    of a deleted user are unknown keys; recreating the name brings none back."""
    iam = a.client("iam")
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="Ana")
    assert e.value.response["Error"]["Code"] == "DeleteConflict"
    iam.delete_access_key(UserName="Ana", AccessKeyId=ana.key["AccessKeyId"])
    iam.delete_user_policy(UserName="Ana", PolicyName="all")
    iam.delete_user(UserName="Ana")
    iam.create_user(UserName="Ana")
    assert refused(ana.session) == INVALID


def test_a_key_is_bound_to_its_owners_unique_id(lab, a, ana) -> None:
    """Even a key record that survived its user (put back by hand here) works for no
    namesake: the key stores the user's AIDA id, not only the name."""
    acct = lab.account(A)
    key = acct.access_keys[ana.key["AccessKeyId"]]
    assert key.user_id == acct.user("Ana").unique_id and key.user_id.startswith("AIDA")
    iam = a.client("iam")
    iam.delete_access_key(UserName="Ana", AccessKeyId=key.access_key_id)
    iam.delete_user_policy(UserName="Ana", PolicyName="all")
    iam.delete_user(UserName="Ana")
    iam.create_user(UserName="ana")  # IAM names ignore case
    acct.access_keys[key.access_key_id] = key
    lab.key_index[key.access_key_id] = A
    assert refused(ana.session) == INVALID


def test_root_sessions_are_bound_to_the_account(lab, a) -> None:
    creds = a.client("sts").get_session_token()["Credentials"]
    assert lab.session(creds).client("sts").get_caller_identity()["Arn"].endswith(":root")
