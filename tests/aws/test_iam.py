"""IAM operations: entities, policies, boundaries, errors and their HTTP statuses."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .conftest import A, doc, make_user

ALLOW_ALL = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})


def code(excinfo) -> tuple[str, int]:
    r = excinfo.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


def test_users_groups_membership(lab, a) -> None:
    iam = a.client("iam")
    u = iam.create_user(UserName="Sofia", Path="/ops/")["User"]
    assert u["Arn"] == f"arn:aws:iam::{A}:user/ops/Sofia" and u["UserId"].startswith("AIDA")
    g = iam.create_group(GroupName="EC2-Admins")["Group"]
    assert g["GroupId"].startswith("AGPA")
    iam.add_user_to_group(GroupName="EC2-Admins", UserName="Sofia")
    assert [x["UserName"] for x in iam.get_group(GroupName="EC2-Admins")["Users"]] == ["Sofia"]
    assert [x["GroupName"] for x in iam.list_groups_for_user(UserName="Sofia")["Groups"]] == [
        "EC2-Admins"
    ]
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="Sofia")
    assert code(e) == ("DeleteConflict", 409)
    iam.remove_user_from_group(GroupName="EC2-Admins", UserName="Sofia")
    iam.delete_user(UserName="Sofia")
    assert iam.list_users()["Users"] == []


def test_list_users_is_sorted_and_paginates(a) -> None:
    iam = a.client("iam")
    for name in ("carol", "Alice", "bob"):
        iam.create_user(UserName=name)
    first = iam.list_users(MaxItems=2)
    assert [u["UserName"] for u in first["Users"]] == ["Alice", "bob"] and first["IsTruncated"]
    rest = iam.list_users(Marker=first["Marker"])
    assert [u["UserName"] for u in rest["Users"]] == ["carol"] and not rest["IsTruncated"]
    names = [
        u["UserName"] for page in iam.get_paginator("list_users").paginate() for u in page["Users"]
    ]
    assert names == ["Alice", "bob", "carol"]


def test_group_policies_apply_to_members(lab, a) -> None:
    iam = a.client("iam")
    p = make_user(lab, a, "Sofia", mfa=False)
    iam.create_group(GroupName="Readers")
    iam.put_group_policy(
        GroupName="Readers",
        PolicyName="list",
        PolicyDocument=doc({"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}),
    )
    with pytest.raises(ClientError):
        p.client("iam").list_users()
    iam.add_user_to_group(GroupName="Readers", UserName="Sofia")
    p.client("iam").list_users()


def test_inline_policy_round_trip_and_malformed(a) -> None:
    iam = a.client("iam")
    iam.create_user(UserName="Ana")
    document = doc({"Sid": "One", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    iam.put_user_policy(UserName="Ana", PolicyName="p", PolicyDocument=document)
    got = iam.get_user_policy(UserName="Ana", PolicyName="p")
    assert (
        got["PolicyDocument"]["Statement"][0]["Sid"] == "One"
    )  # botocore decodes IAM's URL-encoded JSON
    assert iam.list_user_policies(UserName="Ana")["PolicyNames"] == ["p"]
    with pytest.raises(ClientError) as e:
        iam.put_user_policy(
            UserName="Ana",
            PolicyName="bad",
            PolicyDocument=doc(
                {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}
            ),
        )
    assert code(e) == ("MalformedPolicyDocument", 400)
    assert "Principal" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        iam.create_role(
            RoleName="R",
            AssumeRolePolicyDocument=doc({"Effect": "Allow", "Action": "sts:AssumeRole"}),
        )
    assert code(e) == ("MalformedPolicyDocument", 400)
    iam.delete_user_policy(UserName="Ana", PolicyName="p")
    with pytest.raises(ClientError) as e:
        iam.get_user_policy(UserName="Ana", PolicyName="p")
    assert code(e) == ("NoSuchEntity", 404)


def test_managed_policies_versions_and_attachment(lab, a) -> None:
    iam = a.client("iam")
    p = make_user(lab, a, "Ana", mfa=False)
    v1 = doc({"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"})
    pol = iam.create_policy(PolicyName="Lister", PolicyDocument=v1)["Policy"]
    assert pol["Arn"] == f"arn:aws:iam::{A}:policy/Lister" and pol["PolicyId"].startswith("ANPA")
    iam.attach_user_policy(UserName="Ana", PolicyArn=pol["Arn"])
    assert iam.get_policy(PolicyArn=pol["Arn"])["Policy"]["AttachmentCount"] == 1
    p.client("iam").list_users()
    v2 = doc({"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"})
    assert (
        iam.create_policy_version(PolicyArn=pol["Arn"], PolicyDocument=v2)["PolicyVersion"][
            "VersionId"
        ]
        == "v2"
    )
    p.client("iam").list_users()  # v1 still the default
    iam.set_default_policy_version(PolicyArn=pol["Arn"], VersionId="v2")
    with pytest.raises(ClientError):
        p.client("iam").list_users()
    p.client("iam").list_roles()
    assert (
        iam.get_policy_version(PolicyArn=pol["Arn"], VersionId="v1")["PolicyVersion"]["Document"][
            "Statement"
        ][0]["Action"]
        == "iam:ListUsers"
    )
    assert [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=pol["Arn"])["Versions"]] == [
        "v2",
        "v1",
    ]
    assert iam.list_attached_user_policies(UserName="Ana")["AttachedPolicies"] == [
        {"PolicyName": "Lister", "PolicyArn": pol["Arn"]}
    ]
    with pytest.raises(ClientError) as e:
        iam.delete_policy(PolicyArn=pol["Arn"])
    assert code(e) == ("DeleteConflict", 409)
    iam.detach_user_policy(UserName="Ana", PolicyArn=pol["Arn"])
    for _ in range(3, 6):
        iam.create_policy_version(PolicyArn=pol["Arn"], PolicyDocument=v1)
    with pytest.raises(ClientError) as e:
        iam.create_policy_version(PolicyArn=pol["Arn"], PolicyDocument=v1)
    assert code(e) == ("LimitExceeded", 409)
    with pytest.raises(ClientError) as e:
        iam.attach_user_policy(UserName="Ana", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    assert code(e) == ("NoSuchEntity", 404)


def test_permissions_boundary_limits_user(lab, a) -> None:
    iam = a.client("iam")
    p = make_user(lab, a, "Ana", {"all": ALLOW_ALL}, mfa=False)
    b = iam.create_policy(
        PolicyName="OnlyList",
        PolicyDocument=doc({"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}),
    )["Policy"]["Arn"]
    iam.put_user_permissions_boundary(UserName="Ana", PermissionsBoundary=b)
    assert iam.get_user(UserName="Ana")["User"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
        "PermissionsBoundaryArn": b,
    }
    p.client("iam").list_users()
    with pytest.raises(ClientError) as e:
        p.client("iam").list_roles()
    assert e.value.response["Error"]["Message"].endswith(
        "because no permissions boundary allows the iam:ListRoles action"
    )
    iam.delete_user_permissions_boundary(UserName="Ana")
    p.client("iam").list_roles()


def test_roles(lab, a) -> None:
    iam = a.client("iam")
    trust = doc({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"})
    role = iam.create_role(
        RoleName="R", Path="/svc/", AssumeRolePolicyDocument=trust, MaxSessionDuration=7200
    )["Role"]
    assert role["Arn"] == f"arn:aws:iam::{A}:role/svc/R" and role["RoleId"].startswith("AROA")
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"AWS": A}
    assert iam.get_role(RoleName="R")["Role"]["MaxSessionDuration"] == 7200
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["R"]
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName="Bad", AssumeRolePolicyDocument=trust, MaxSessionDuration=50000)
    assert code(e) == ("ValidationError", 400)
    iam.put_role_policy(RoleName="R", PolicyName="p", PolicyDocument=ALLOW_ALL)
    with pytest.raises(ClientError) as e:
        iam.delete_role(RoleName="R")
    assert code(e) == ("DeleteConflict", 409)
    iam.delete_role_policy(RoleName="R", PolicyName="p")
    iam.delete_role(RoleName="R")


def test_access_keys_quota_and_listing(lab, a) -> None:
    iam = a.client("iam")
    iam.create_user(UserName="Ana")
    k1 = iam.create_access_key(UserName="Ana")["AccessKey"]
    assert (
        k1["AccessKeyId"].startswith("AKIA")
        and len(k1["SecretAccessKey"]) == 40
        and k1["Status"] == "Active"
    )
    iam.create_access_key(UserName="Ana")
    with pytest.raises(ClientError) as e:
        iam.create_access_key(UserName="Ana")
    assert code(e) == ("LimitExceeded", 409)
    listed = iam.list_access_keys(UserName="Ana")["AccessKeyMetadata"]
    assert len(listed) == 2 and "SecretAccessKey" not in listed[0]


def test_account_level_reads(lab, a) -> None:
    iam = a.client("iam")
    with pytest.raises(ClientError) as e:
        iam.get_account_password_policy()
    assert code(e) == ("NoSuchEntity", 404)
    assert iam.list_account_aliases()["AccountAliases"] == []
    iam.create_user(UserName="Ana")
    assert iam.get_account_summary()["SummaryMap"]["Users"] == 1


def test_get_user_defaults_to_caller_and_change_password_scope(lab, a) -> None:
    own = doc(
        {
            "Effect": "Allow",
            "Action": ["iam:GetUser", "iam:ChangePassword"],
            "Resource": "arn:aws:iam::*:user/${aws:username}",
        }
    )
    ana = make_user(lab, a, "Ana", {"own": own}, mfa=False)
    make_user(lab, a, "Bo", mfa=False)
    assert ana.client("iam").get_user()["User"]["UserName"] == "Ana"
    ana.client("iam").change_password(OldPassword="old-password", NewPassword="new-password")
    with pytest.raises(ClientError) as e:
        ana.client("iam").get_user(UserName="Bo")
    assert code(e) == ("AccessDenied", 403)
    assert e.value.response["Error"]["Message"] == (
        f"User: arn:aws:iam::{A}:user/Ana is not authorized to perform: iam:GetUser on resource: "
        f"arn:aws:iam::{A}:user/Bo because no identity-based policy allows the iam:GetUser action"
    )
    assert a.client("iam").get_user()["User"]["Arn"] == f"arn:aws:iam::{A}:root"


def test_name_rules_server_side(a) -> None:
    iam = a.client("iam")
    with pytest.raises(ClientError) as e:
        iam.create_user(UserName="Sofía")  # IAM names are ASCII
    assert code(e) == ("ValidationError", 400)
    with pytest.raises(ClientError) as e:
        iam.create_user(UserName="x" * 65)
    assert code(e) == ("ValidationError", 400)
