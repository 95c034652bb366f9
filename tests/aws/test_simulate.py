"""The policy simulator: SimulateCustomPolicy, SimulatePrincipalPolicy (docs/aws-behaviour.md)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
from botocore.exceptions import ClientError

from iamlab.aws.services.iam_simulate import position, statement_spans

from .conftest import A, B, doc, make_user


def seed_text(name: str) -> str:
    """A shipped policy exactly as its file spells it (positions refer to this text)."""
    return (resources.files("iamlab.data") / "policies" / f"{name}.json").read_text()


def mfa(value: str, kind: str = "boolean") -> list[dict[str, Any]]:
    return [
        {
            "ContextKeyName": "aws:MultiFactorAuthPresent",
            "ContextKeyValues": [value],
            "ContextKeyType": kind,
        }
    ]


def code_of(e: pytest.ExceptionInfo) -> str:
    return e.value.response["Error"]["Code"]


def statement_at(text: str, match: dict) -> dict:
    """The statement object a MatchedStatement's positions delimit in ``text``."""
    lines = text.split("\n")
    start, end = match["StartPosition"], match["EndPosition"]
    offset = sum(len(line) + 1 for line in lines[: start["Line"] - 1]) + start["Column"] - 1
    stop = sum(len(line) + 1 for line in lines[: end["Line"] - 1]) + end["Column"] - 1
    assert text[offset] == "{" and text[stop] == "}"
    return json.loads(text[offset : stop + 1])


@pytest.fixture
def iam(a):
    return a.client("iam")


def custom(iam, policies, actions, **kwargs) -> list[dict]:
    r = iam.simulate_custom_policy(PolicyInputList=policies, ActionNames=actions, **kwargs)
    return r["EvaluationResults"]


# ---- the MFA seed policies -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("context", "decision", "missing"),
    [
        (mfa("true"), "allowed", []),
        (mfa("false"), "implicitDeny", []),
        ([], "implicitDeny", ["aws:MultiFactorAuthPresent"]),
    ],
)
def test_ec2_admins_policy_needs_mfa(iam, context, decision, missing) -> None:
    text = seed_text("ec2-admins-mfa")
    (result,) = custom(iam, [text], ["ec2:StopInstances"], ContextEntries=context)
    assert result["EvalActionName"] == "ec2:StopInstances"
    assert result["EvalResourceName"] == "*"
    assert result["EvalDecision"] == decision
    assert result["MissingContextValues"] == missing
    assert "ResourceSpecificResults" not in result  # resource "*": everything at top level
    if decision == "allowed":
        (m,) = result["MatchedStatements"]
        assert (m["SourcePolicyId"], m["SourcePolicyType"]) == ("PolicyInputList.1", "IAM Policy")
        assert statement_at(text, m) == json.loads(text)["Statement"][0]
    else:
        assert result["MatchedStatements"] == []


def test_self_managed_mfa_deny_lists_only_the_deny_statement(iam) -> None:
    text = seed_text("self-managed-mfa")
    caller = f"arn:aws:iam::{A}:user/Bob"
    results = custom(
        iam,
        [text],
        ["s3:ListAllMyBuckets", "iam:ListVirtualMFADevices"],
        ContextEntries=mfa("false"),
        CallerArn=caller,
    )
    deny, listed = results
    assert deny["EvalDecision"] == "explicitDeny"
    (m,) = deny["MatchedStatements"]
    assert statement_at(text, m)["Sid"] == "DenyAllExceptListedIfNoMFA"
    assert listed["EvalDecision"] == "allowed"  # in the NotAction list: only the Allow applies
    (m,) = listed["MatchedStatements"]
    assert statement_at(text, m)["Sid"] == "AllowViewAccountInfo"
    # with MFA the Deny stops applying; nothing allows S3
    (again,) = custom(iam, [text], ["s3:ListAllMyBuckets"], ContextEntries=mfa("true"))
    assert (again["EvalDecision"], again["MatchedStatements"]) == ("implicitDeny", [])


def test_self_managed_mfa_username_comes_from_the_caller(iam) -> None:
    text = seed_text("self-managed-mfa")
    device = f"arn:aws:iam::{A}:mfa/Bob"

    def decide(caller: str) -> str:
        (r,) = custom(
            iam,
            [text],
            ["iam:CreateVirtualMFADevice"],
            ResourceArns=[device],
            ContextEntries=mfa("true"),
            CallerArn=caller,
        )
        return r["ResourceSpecificResults"][0]["EvalResourceDecision"]

    assert decide(f"arn:aws:iam::{A}:user/Bob") == "allowed"
    assert decide(f"arn:aws:iam::{A}:user/Eve") == "implicitDeny"


# ---- statement positions ---------------------------------------------------------------------
def test_positions_in_pretty_printed_text(iam) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "One", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Sid": "Two", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"},
        ],
    }
    text = json.dumps(policy, indent=2)
    (r,) = custom(iam, [text], ["s3:PutObject"])
    (m,) = r["MatchedStatements"]
    # statement two opens on line 10 at column 5 ("    {") and closes on line 15
    assert m["StartPosition"] == {"Line": 10, "Column": 5}
    assert m["EndPosition"] == {"Line": 15, "Column": 5}
    assert statement_at(text, m)["Sid"] == "Two"


def test_positions_with_a_single_statement_object_and_the_aws_cli_example(iam) -> None:
    # AWS CLI reference example for simulate-custom-policy (a DateGreaterThan on
    # aws:CurrentTime); AWS reports Line 1, Column 38..167 for it written with an array.
    body = (
        '{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":'
        '{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}'
    )
    as_array = '{"Version":"2012-10-17","Statement":[' + body + "]}"
    as_object = '{"Version":"2012-10-17","Statement":' + body + "}"
    when = [
        {
            "ContextKeyName": "aws:CurrentTime",
            "ContextKeyValues": ["2019-04-25T11:00:00Z"],
            "ContextKeyType": "date",
        }
    ]
    (r,) = custom(iam, [as_array], ["dynamodb:CreateBackup"], ContextEntries=when)
    assert r["EvalDecision"] == "allowed"
    (m,) = r["MatchedStatements"]
    assert (m["StartPosition"], m["EndPosition"]) == (
        {"Line": 1, "Column": 38},
        {"Line": 1, "Column": 167},
    )
    (r,) = custom(iam, [as_object], ["dynamodb:CreateBackup"], ContextEntries=when)
    assert r["MatchedStatements"][0]["StartPosition"] == {"Line": 1, "Column": 37}
    when[0]["ContextKeyValues"] = ["2014-04-25T11:00:00Z"]
    (r,) = custom(iam, [as_array], ["dynamodb:CreateBackup"], ContextEntries=when)
    assert (r["EvalDecision"], r["MatchedStatements"]) == ("implicitDeny", [])


def test_statement_spans_walks_only_the_statement_array() -> None:
    text = '{ "Id" : "x", "Statement" : [ {"a": "{"} ,\n\t{ "b": [1, {}] } ], "Version": "v" }'
    spans = statement_spans(text)
    assert [text[s : e + 1] for s, e in spans] == ['{"a": "{"}', '{ "b": [1, {}] }']
    assert position(text, spans[1][0]) == {"Line": 2, "Column": 2}
    # the last "Statement" wins, as in json.loads
    twice = '{"Statement": [{"x": 1}], "Statement": {"y": 2}}'
    assert [twice[s : e + 1] for s, e in statement_spans(twice)] == ['{"y": 2}']
    assert statement_spans("[1, 2]") == []
    assert statement_spans('{"Statement": [') == []


# ---- inputs ----------------------------------------------------------------------------------
ALLOW_S3 = doc({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::books/*"})


@pytest.mark.parametrize("action", ["s3:*", "s3:Get*", "s3:GetObjec?", "GetObject", "s3:"])
def test_action_names_take_no_wildcards(iam, action) -> None:
    with pytest.raises(ClientError) as e:
        custom(iam, [ALLOW_S3], [action])
    assert code_of(e) == "InvalidInput"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize(
    "caller",
    [
        f"arn:aws:sts::{A}:assumed-role/R/session",
        f"arn:aws:sts::{A}:federated-user/Bob",
        f"arn:aws:iam::{A}:root",
        "ec2.amazonaws.com",
    ],
)
def test_caller_arn_must_be_a_user_group_or_role(iam, caller) -> None:
    with pytest.raises(ClientError) as e:
        custom(iam, [ALLOW_S3], ["s3:GetObject"], CallerArn=caller)
    assert code_of(e) == "InvalidInput"


@pytest.mark.parametrize("kind", ["user/Bob", "group/Admins", "role/path/Worker"])
def test_user_group_and_role_callers_are_accepted(iam, kind) -> None:
    (r,) = custom(
        iam,
        [ALLOW_S3],
        ["s3:GetObject"],
        ResourceArns=["arn:aws:s3:::books/a"],
        CallerArn=f"arn:aws:iam::{A}:{kind}",
    )
    assert r["EvalDecision"] == "allowed"


def test_malformed_policies_are_rejected(iam) -> None:
    with pytest.raises(ClientError) as e:
        custom(iam, ['{"Statement": [{"Effect": "Allow"}]}'], ["s3:GetObject"])
    assert code_of(e) == "MalformedPolicyDocument"
    with_principal = doc({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"})
    with pytest.raises(ClientError) as e:
        custom(iam, [with_principal], ["s3:GetObject"])
    assert code_of(e) == "MalformedPolicyDocument"


def entry(name: str, values: list[str], kind: str) -> dict[str, Any]:
    return {"ContextKeyName": name, "ContextKeyValues": values, "ContextKeyType": kind}


def test_typed_context_entries(iam) -> None:
    young = doc(
        {
            "Effect": "Allow",
            "Action": "ec2:StopInstances",
            "Resource": "*",
            "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
        }
    )

    def age(value: str) -> str:
        (r,) = custom(
            iam,
            [young],
            ["ec2:StopInstances"],
            ContextEntries=[entry("aws:MultiFactorAuthAge", [value], "numeric")],
        )
        return r["EvalDecision"]

    assert (age("120"), age("7200")) == ("allowed", "implicitDeny")
    # booleans are compared as "true"/"false" whatever their case
    (r,) = custom(
        iam, [seed_text("ec2-admins-mfa")], ["ec2:StopInstances"], ContextEntries=mfa("TRUE")
    )
    assert r["EvalDecision"] == "allowed"
    tags = doc(
        {
            "Effect": "Allow",
            "Action": "ec2:CreateTags",
            "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}},
        }
    )
    (r,) = custom(
        iam,
        [tags],
        ["ec2:CreateTags"],
        ContextEntries=[entry("aws:TagKeys", ["owner", "team"], "stringList")],
    )
    assert r["EvalDecision"] == "allowed"
    net = doc(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        }
    )
    (r,) = custom(
        iam, [net], ["s3:GetObject"], ContextEntries=[entry("aws:SourceIp", ["203.0.113.9"], "ip")]
    )
    assert r["EvalDecision"] == "allowed"


@pytest.mark.parametrize(
    "bad",
    [
        entry("aws:MultiFactorAuthAge", ["soon"], "numeric"),
        entry("aws:MultiFactorAuthPresent", ["yes"], "boolean"),
        entry("aws:CurrentTime", ["next tuesday"], "date"),
        entry("aws:SourceIp", ["300.1.1.1"], "ip"),
        entry("aws:MultiFactorAuthPresent", ["true", "false"], "boolean"),
    ],
)
def test_context_values_must_fit_their_type(iam, bad) -> None:
    with pytest.raises(ClientError) as e:
        custom(iam, [ALLOW_S3], ["s3:GetObject"], ContextEntries=[bad])
    assert code_of(e) == "InvalidInput"


def test_context_key_type_outside_the_model_enum(iam) -> None:
    """ContextKeyType is an enum of IAM's model (IAM API Reference, ContextEntry): an unknown
    type is refused by IAM's request validator (ValidationError), before the simulator."""
    with pytest.raises(ClientError) as e:
        custom(
            iam,
            [ALLOW_S3],
            ["s3:GetObject"],
            ContextEntries=[entry("aws:username", ["Bob"], "text")],
        )
    assert code_of(e) == "ValidationError"
    assert "at 'contextEntries.1.member.contextKeyType'" in e.value.response["Error"]["Message"]


def test_empty_context_values_are_ignored(iam) -> None:
    (r,) = custom(
        iam,
        [seed_text("ec2-admins-mfa")],
        ["ec2:StopInstances"],
        ContextEntries=[entry("aws:MultiFactorAuthPresent", [], "boolean")],
    )
    assert r["MissingContextValues"] == ["aws:MultiFactorAuthPresent"]


# ---- resources -------------------------------------------------------------------------------
def test_resource_arns_give_per_resource_results(iam) -> None:
    deny_secret = {
        "Effect": "Deny",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::books/secret",
    }
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::books/*"},
                deny_secret,
            ],
        }
    )
    arns = ["arn:aws:s3:::books/a", "arn:aws:s3:::books/secret", "arn:aws:s3:::films/a"]
    (r,) = custom(iam, [text], ["s3:GetObject"], ResourceArns=arns)
    per = {x["EvalResourceName"]: x for x in r["ResourceSpecificResults"]}
    assert [x["EvalResourceName"] for x in r["ResourceSpecificResults"]] == arns
    assert {k: v["EvalResourceDecision"] for k, v in per.items()} == {
        arns[0]: "allowed",
        arns[1]: "explicitDeny",
        arns[2]: "implicitDeny",
    }
    assert r["EvalDecision"] == "explicitDeny"  # the most restrictive
    assert [statement_at(text, m) for m in r["MatchedStatements"]] == [deny_secret]
    assert statement_at(text, per[arns[0]]["MatchedStatements"][0])["Effect"] == "Allow"


def test_missing_context_values_are_reported_per_resource(iam) -> None:
    (r,) = custom(
        iam,
        [seed_text("ec2-admins-mfa")],
        ["ec2:StopInstances"],
        ResourceArns=[f"arn:aws:ec2:us-east-1:{A}:instance/i-1"],
    )
    (per,) = r["ResourceSpecificResults"]
    assert per["MissingContextValues"] == ["aws:MultiFactorAuthPresent"]
    assert r["MissingContextValues"] == ["aws:MultiFactorAuthPresent"]  # union at top level


def test_resource_policy_needs_a_caller_and_can_allow_alone(iam) -> None:
    bucket = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{A}:user/Nikhil"},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::books/*",
            }
        ],
    }
    nothing = doc({"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"})
    kwargs: dict[str, Any] = {
        "ResourceArns": ["arn:aws:s3:::books/a"],
        "ResourcePolicy": json.dumps(bucket),
    }
    with pytest.raises(ClientError) as e:
        custom(iam, [nothing], ["s3:GetObject"], **kwargs)
    assert code_of(e) == "InvalidInput"
    (r,) = custom(
        iam, [nothing], ["s3:GetObject"], CallerArn=f"arn:aws:iam::{A}:user/Nikhil", **kwargs
    )
    assert r["EvalDecision"] == "allowed"
    (m,) = r["MatchedStatements"]
    assert (m["SourcePolicyId"], m["SourcePolicyType"]) == ("ResourcePolicy", "resource")
    # another account owns the bucket: the caller's identity policies must allow too
    (r,) = custom(
        iam,
        [nothing],
        ["s3:GetObject"],
        CallerArn=f"arn:aws:iam::{A}:user/Nikhil",
        ResourceOwner=B,
        **kwargs,
    )
    assert r["EvalDecision"] == "implicitDeny"


def test_permissions_boundary(iam) -> None:
    boundary = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    results = custom(
        iam,
        [ALLOW_S3],
        ["s3:GetObject", "s3:PutObject"],
        ResourceArns=["arn:aws:s3:::books/a"],
        PermissionsBoundaryPolicyInputList=[boundary],
    )
    get, put = results
    assert get["EvalDecision"] == "allowed"
    assert get["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}
    assert [m["SourcePolicyId"] for m in get["MatchedStatements"]] == ["PolicyInputList.1"]
    assert put["EvalDecision"] == "implicitDeny"
    assert put["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}
    with pytest.raises(ClientError) as e:
        custom(iam, [ALLOW_S3], ["s3:GetObject"], PermissionsBoundaryPolicyInputList=[boundary] * 2)
    assert code_of(e) == "InvalidInput"


def test_scp_statements_and_keys_are_not_reported(iam) -> None:
    region_guard = doc(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}},
        },
    )
    levels = [{"ServiceControlPolicyInputList": [region_guard]}]
    (r,) = custom(
        iam,
        [seed_text("ec2-admins-mfa"), ALLOW_S3],
        ["s3:GetObject"],
        OrderedOrganizationPolicyInputList=levels,
    )
    assert r["EvalDecision"] == "explicitDeny"  # the key is absent: StringNotEquals matches
    assert r["MatchedStatements"] == []
    assert r["MissingContextValues"] == []  # aws:RequestedRegion is asked only by the SCP
    assert r["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": False}
    region = [entry("aws:RequestedRegion", ["eu-west-1"], "string")]
    (r,) = custom(
        iam,
        [ALLOW_S3],
        ["s3:GetObject"],
        OrderedOrganizationPolicyInputList=levels,
        ContextEntries=region,
        ResourceArns=["arn:aws:s3:::books/a"],
    )
    assert r["EvalDecision"] == "allowed"
    assert r["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": True}


def test_pagination(iam) -> None:
    actions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    first = iam.simulate_custom_policy(PolicyInputList=[ALLOW_S3], ActionNames=actions, MaxItems=2)
    assert first["IsTruncated"] is True
    rest = iam.simulate_custom_policy(
        PolicyInputList=[ALLOW_S3], ActionNames=actions, MaxItems=2, Marker=first["Marker"]
    )
    names = [r["EvalActionName"] for r in first["EvaluationResults"] + rest["EvaluationResults"]]
    assert names == actions and rest["IsTruncated"] is False


# ---- authorization ---------------------------------------------------------------------------
def test_simulating_needs_permission(lab, a) -> None:
    may = doc(
        {
            "Effect": "Allow",
            "Action": ["iam:SimulateCustomPolicy", "iam:SimulatePrincipalPolicy"],
            "Resource": "*",
        }
    )
    bob = make_user(lab, a, "Bob", {"sim": may}, mfa=False)
    eve = make_user(lab, a, "Eve", mfa=False)
    ok = bob.client("iam").simulate_custom_policy(
        PolicyInputList=[ALLOW_S3], ActionNames=["s3:GetObject"]
    )
    assert ok["EvaluationResults"][0]["EvalDecision"] == "implicitDeny"  # resource "*"
    with pytest.raises(ClientError) as e:
        eve.client("iam").simulate_custom_policy(
            PolicyInputList=[ALLOW_S3], ActionNames=["s3:GetObject"]
        )
    assert code_of(e) == "AccessDenied" and "iam:SimulateCustomPolicy" in str(e.value)
    with pytest.raises(ClientError) as e:
        eve.client("iam").simulate_principal_policy(
            PolicySourceArn=f"arn:aws:iam::{A}:user/Bob", ActionNames=["s3:GetObject"]
        )
    assert code_of(e) == "AccessDenied"
    assert f"on resource: arn:aws:iam::{A}:user/Bob" in str(e.value)
    bob.client("iam").simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{A}:user/Eve", ActionNames=["s3:GetObject"]
    )


# ---- SimulatePrincipalPolicy -----------------------------------------------------------------
@pytest.fixture
def sofia(lab, a, iam):
    """Sofia in EC2-Admins (inline MFA policy), with a managed S3 policy and a boundary."""
    text = seed_text("ec2-admins-mfa")
    iam.create_group(GroupName="EC2-Admins")
    iam.put_group_policy(GroupName="EC2-Admins", PolicyName="ec2-mfa", PolicyDocument=text)
    iam.create_user(UserName="Sofia")
    iam.add_user_to_group(GroupName="EC2-Admins", UserName="Sofia")
    arn = iam.create_policy(PolicyName="S3Books", PolicyDocument=ALLOW_S3)["Policy"]["Arn"]
    iam.attach_user_policy(UserName="Sofia", PolicyArn=arn)
    return f"arn:aws:iam::{A}:user/Sofia"


def principal(iam, source: str, actions: list[str], **kwargs) -> list[dict]:
    return iam.simulate_principal_policy(PolicySourceArn=source, ActionNames=actions, **kwargs)[
        "EvaluationResults"
    ]


def test_user_simulation_includes_group_and_managed_policies(iam, sofia) -> None:
    stop, get = principal(
        iam,
        sofia,
        ["ec2:StopInstances", "s3:GetObject"],
        ResourceArns=["arn:aws:s3:::books/a"],
        ContextEntries=mfa("true"),
    )
    assert stop["EvalDecision"] == "allowed"
    (m,) = stop["MatchedStatements"]
    assert (m["SourcePolicyId"], m["SourcePolicyType"]) == ("ec2-mfa", "group")
    assert m["StartPosition"] == {"Line": 1, "Column": 42}
    assert get["EvalDecision"] == "allowed"
    (m,) = get["MatchedStatements"]
    assert (m["SourcePolicyId"], m["SourcePolicyType"]) == ("S3Books", "user-managed")
    (stop,) = principal(iam, sofia, ["ec2:StopInstances"], ContextEntries=mfa("false"))
    assert stop["EvalDecision"] == "implicitDeny"


def test_user_boundary_and_extra_policies(iam, sofia) -> None:
    boundary = doc({"Effect": "Allow", "Action": "ec2:*", "Resource": "*"})
    arn = iam.create_policy(PolicyName="Ec2Only", PolicyDocument=boundary)["Policy"]["Arn"]
    iam.put_user_permissions_boundary(UserName="Sofia", PermissionsBoundary=arn)
    books = ["arn:aws:s3:::books/a"]
    (get,) = principal(iam, sofia, ["s3:GetObject"], ResourceArns=books)
    assert get["EvalDecision"] == "implicitDeny"
    assert get["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}
    # a boundary passed in the request replaces the attached one
    (get,) = principal(
        iam,
        sofia,
        ["s3:GetObject"],
        ResourceArns=books,
        PermissionsBoundaryPolicyInputList=[ALLOW_S3],
    )
    assert get["EvalDecision"] == "allowed"
    extra = doc({"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"})
    (get,) = principal(
        iam,
        sofia,
        ["s3:GetObject"],
        ResourceArns=books,
        PermissionsBoundaryPolicyInputList=[ALLOW_S3],
        PolicyInputList=[extra],
    )
    assert get["EvalDecision"] == "explicitDeny"
    assert [m["SourcePolicyId"] for m in get["MatchedStatements"]] == ["PolicyInputList.1"]


def test_role_and_group_sources(iam) -> None:
    trust = doc({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"})
    iam.create_role(RoleName="Reader", AssumeRolePolicyDocument=trust)
    iam.put_role_policy(RoleName="Reader", PolicyName="read", PolicyDocument=ALLOW_S3)
    (r,) = principal(
        iam,
        f"arn:aws:iam::{A}:role/Reader",
        ["s3:GetObject"],
        ResourceArns=["arn:aws:s3:::books/x"],
    )
    assert r["EvalDecision"] == "allowed"
    assert r["MatchedStatements"][0]["SourcePolicyType"] == "role"
    iam.create_group(GroupName="Empty")
    (r,) = principal(iam, f"arn:aws:iam::{A}:group/Empty", ["s3:GetObject"])
    assert r["EvalDecision"] == "implicitDeny"


@pytest.mark.parametrize(
    ("source", "code", "status"),
    [
        (f"arn:aws:iam::{A}:user/Nobody", "NoSuchEntity", 404),
        (f"arn:aws:iam::{A}:role/Nobody", "NoSuchEntity", 404),
        (f"arn:aws:sts::{A}:assumed-role/Reader/s1", "InvalidInput", 400),
        (f"arn:aws:iam::{A}:policy/S3Books", "InvalidInput", 400),
    ],
)
def test_unknown_or_unsupported_sources(iam, source, code, status) -> None:
    with pytest.raises(ClientError) as e:
        principal(iam, source, ["s3:GetObject"])
    assert code_of(e) == code
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
