"""EC2: instances, UnauthorizedOperation, DryRun, and the same-account MFA story (seeds 000/001)."""

from __future__ import annotations

import json
import re

import boto3
import pytest
from botocore.exceptions import ClientError

from iamlab.aws import Lab
from iamlab.data import load_policy

from .conftest import A, Person, doc, make_user

AMI = "ami-0abcdef1234567890"
ALLOW_EC2 = doc({"Effect": "Allow", "Action": "ec2:*", "Resource": "*"})
DRY_RUN = ("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412)


def err(excinfo) -> tuple[str, str, int]:
    r = excinfo.value.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


def launch(client, count: int = 1) -> list[str]:
    r = client.run_instances(ImageId=AMI, MinCount=count, MaxCount=count, InstanceType="t3.micro")
    return [i["InstanceId"] for i in r["Instances"]]


def states(client, ids: list[str]) -> list[str]:
    r = client.describe_instances(InstanceIds=ids)
    by_id = {
        i["InstanceId"]: i["State"]["Name"] for res in r["Reservations"] for i in res["Instances"]
    }
    return [by_id[i] for i in ids]


# ---- instances --------------------------------------------------------------------
def test_run_instances_shape_and_ids(lab: Lab, a: boto3.Session) -> None:
    ec2 = a.client("ec2")
    r = ec2.run_instances(ImageId=AMI, MinCount=2, MaxCount=2, InstanceType="t3.micro")
    assert r["OwnerId"] == A and re.fullmatch(r"r-0[0-9a-f]{16}", r["ReservationId"])
    assert len(r["Instances"]) == 2
    first = r["Instances"][0]
    assert re.fullmatch(r"i-0[0-9a-f]{16}", first["InstanceId"])
    assert first["State"] == {"Code": 0, "Name": "pending"}
    assert first["ImageId"] == AMI and first["InstanceType"] == "t3.micro"
    assert first["LaunchTime"] == lab.clock.now().replace(microsecond=0)
    assert [i["AmiLaunchIndex"] for i in r["Instances"]] == [0, 1]
    described = ec2.describe_instances()["Reservations"]
    assert len(described) == 1 and described[0]["ReservationId"] == r["ReservationId"]
    assert [i["State"] for i in described[0]["Instances"]] == [{"Code": 16, "Name": "running"}] * 2


def test_ids_are_deterministic() -> None:
    def ids() -> list[str]:
        lab = Lab()
        return launch(lab.create_account(A).client("ec2"), 3)

    first = ids()
    assert first == ids() and len(set(first)) == 3


def test_stop_start_terminate(a: boto3.Session) -> None:
    ec2 = a.client("ec2")
    ids = launch(ec2, 2)
    stop = ec2.stop_instances(InstanceIds=[ids[0]])["StoppingInstances"]
    assert stop == [
        {
            "InstanceId": ids[0],
            "CurrentState": {"Code": 64, "Name": "stopping"},
            "PreviousState": {"Code": 16, "Name": "running"},
        }
    ]
    assert states(ec2, ids) == ["stopped", "running"]
    again = ec2.stop_instances(InstanceIds=[ids[0]])["StoppingInstances"][0]
    assert again["CurrentState"]["Name"] == again["PreviousState"]["Name"] == "stopped"
    start = ec2.start_instances(InstanceIds=[ids[0]])["StartingInstances"][0]
    assert start["CurrentState"] == {"Code": 0, "Name": "pending"}
    assert start["PreviousState"] == {"Code": 80, "Name": "stopped"}
    assert states(ec2, ids) == ["running", "running"]
    term = ec2.terminate_instances(InstanceIds=ids)["TerminatingInstances"]
    assert [t["CurrentState"] for t in term] == [{"Code": 32, "Name": "shutting-down"}] * 2
    assert states(ec2, ids) == ["terminated", "terminated"]
    again = ec2.terminate_instances(InstanceIds=[ids[0]])["TerminatingInstances"][0]
    assert again["CurrentState"] == again["PreviousState"] == {"Code": 48, "Name": "terminated"}


@pytest.mark.parametrize(
    ("op", "verb"), [("stop_instances", "stopped"), ("start_instances", "started")]
)
def test_terminated_instances_cannot_stop_or_start(a: boto3.Session, op: str, verb: str) -> None:
    ec2 = a.client("ec2")
    ids = launch(ec2)
    ec2.terminate_instances(InstanceIds=ids)
    with pytest.raises(ClientError) as e:
        getattr(ec2, op)(InstanceIds=ids)
    assert err(e) == (
        "IncorrectInstanceState",
        f"The instance '{ids[0]}' is not in a state from which it can be {verb}.",
        400,
    )


def test_unknown_and_malformed_instance_ids(a: boto3.Session) -> None:
    ec2 = a.client("ec2")
    ids = launch(ec2)
    with pytest.raises(ClientError) as e:
        ec2.stop_instances(InstanceIds=["i-0123456789abcdef0"])
    assert err(e) == (
        "InvalidInstanceID.NotFound",
        "The instance ID 'i-0123456789abcdef0' does not exist",
        400,
    )
    with pytest.raises(ClientError) as e:
        ec2.terminate_instances(InstanceIds=["i-0123456789abcdef0", "i-0123456789abcdef1", *ids])
    assert err(e)[1] == "The instance IDs 'i-0123456789abcdef0, i-0123456789abcdef1' do not exist"
    with pytest.raises(ClientError) as e:
        ec2.describe_instances(InstanceIds=["i-0123456789abcdef0"])
    assert err(e)[0] == "InvalidInstanceID.NotFound"
    with pytest.raises(ClientError) as e:
        ec2.stop_instances(InstanceIds=["web-server"])
    assert err(e) == (
        "InvalidInstanceID.Malformed",
        'Invalid id: "web-server" (expecting "i-...")',
        400,
    )
    assert states(ec2, ids) == ["running"]  # nothing changed


def test_malformed_image_id(a: boto3.Session) -> None:
    with pytest.raises(ClientError) as e:
        a.client("ec2").run_instances(ImageId="ubuntu", MinCount=1, MaxCount=1)
    assert err(e)[0] == "InvalidAMIID.Malformed" and err(e)[2] == 400


def test_instances_belong_to_an_account_and_a_region(a: boto3.Session, b: boto3.Session) -> None:
    ids = launch(a.client("ec2"))
    assert b.client("ec2").describe_instances()["Reservations"] == []
    with pytest.raises(ClientError) as e:
        b.client("ec2").stop_instances(InstanceIds=ids)
    assert err(e)[0] == "InvalidInstanceID.NotFound"
    eu = a.client("ec2", region_name="eu-west-1")
    assert eu.describe_instances()["Reservations"] == []
    eu_id = launch(eu)[0]
    assert eu.describe_instances()["Reservations"][0]["Instances"][0]["Placement"] == {
        "AvailabilityZone": "eu-west-1a",
        "Tenancy": "default",
    }
    assert len(a.client("ec2").describe_instances()["Reservations"]) == 1
    assert eu_id not in ids


def test_describe_filters(a: boto3.Session) -> None:
    ec2 = a.client("ec2")
    ids = launch(ec2, 3)
    ec2.stop_instances(InstanceIds=ids[:1])
    stopped = ec2.describe_instances(
        Filters=[{"Name": "instance-state-name", "Values": ["stopped"]}]
    )
    assert [i["InstanceId"] for r in stopped["Reservations"] for i in r["Instances"]] == ids[:1]
    by_id = ec2.describe_instances(Filters=[{"Name": "instance-id", "Values": ids[1:]}])
    assert [i["InstanceId"] for r in by_id["Reservations"] for i in r["Instances"]] == ids[1:]
    with pytest.raises(ClientError) as e:
        ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": ["x"]}])
    assert err(e) == ("InvalidParameterValue", "The filter 'tag:Name' is invalid", 400)


# ---- authorization ----------------------------------------------------------------
def test_denied_is_unauthorized_operation_with_the_instance_arn(lab: Lab, a: boto3.Session) -> None:
    ids = launch(a.client("ec2"))
    dev = make_user(lab, a, "Dev", {"d": json.dumps(load_policy("ec2-developers"))}, mfa=False)
    with pytest.raises(ClientError) as e:
        dev.client("ec2").stop_instances(InstanceIds=ids)
    assert err(e) == (
        "UnauthorizedOperation",
        "You are not authorized to perform this operation. "
        f"User: arn:aws:iam::{A}:user/Dev is not authorized to perform: ec2:StopInstances on "
        f"resource: arn:aws:ec2:us-east-1:{A}:instance/{ids[0]} because no identity-based "
        "policy allows the ec2:StopInstances action",
        403,
    )
    row = lab.trail().iloc[-1]
    assert (row["action"], row["decision"]) == ("ec2:StopInstances", "implicitDeny")


def test_run_instances_is_authorized_on_instance_wildcard(lab: Lab, a: boto3.Session) -> None:
    nobody = make_user(lab, a, "Nobody", mfa=False)
    with pytest.raises(ClientError) as e:
        launch(nobody.client("ec2"))
    code, message, status = err(e)
    assert (code, status) == ("UnauthorizedOperation", 403)
    assert f"ec2:RunInstances on resource: arn:aws:ec2:us-east-1:{A}:instance/* because" in message
    with pytest.raises(ClientError) as e:
        nobody.client("ec2").describe_instances()
    assert "ec2:DescribeInstances on resource: * because" in err(e)[1]


def test_resource_level_permission_on_one_instance(lab: Lab, a: boto3.Session) -> None:
    ids = launch(a.client("ec2"), 2)
    only_first = doc(
        {
            "Effect": "Allow",
            "Action": "ec2:StopInstances",
            "Resource": f"arn:aws:ec2:*:{A}:instance/{ids[0]}",
        }
    )
    ops = make_user(lab, a, "Ops", {"one": only_first}, mfa=False).client("ec2")
    ops.stop_instances(InstanceIds=[ids[0]])
    with pytest.raises(ClientError) as e:
        ops.stop_instances(InstanceIds=ids)  # every instance is checked; none changes
    assert err(e)[0] == "UnauthorizedOperation" and ids[1] in err(e)[1]
    assert states(a.client("ec2"), ids) == ["stopped", "running"]


def test_dry_run(lab: Lab, a: boto3.Session) -> None:
    ec2 = a.client("ec2")
    ids = launch(ec2)
    for call in (
        lambda c: c.stop_instances(InstanceIds=ids, DryRun=True),
        lambda c: c.terminate_instances(InstanceIds=ids, DryRun=True),
        lambda c: c.describe_instances(DryRun=True),
        lambda c: c.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, DryRun=True),
    ):
        with pytest.raises(ClientError) as e:
            call(ec2)
        assert err(e) == DRY_RUN
    assert states(ec2, ids) == ["running"] and len(ec2.describe_instances()["Reservations"]) == 1
    nobody = make_user(lab, a, "Nobody", mfa=False).client("ec2")
    with pytest.raises(ClientError) as e:
        nobody.stop_instances(InstanceIds=ids, DryRun=True)
    assert err(e)[0] == "UnauthorizedOperation" and err(e)[2] == 403


# ---- seed 000/001: Sofia in EC2-Admins, Stop/Terminate only with MFA ----------------
@pytest.fixture
def sofia(lab: Lab, a: boto3.Session) -> Person:
    iam = a.client("iam")
    iam.create_group(GroupName="EC2-Admins")
    iam.put_group_policy(
        GroupName="EC2-Admins",
        PolicyName="EC2-StopTerminate-MFA",
        PolicyDocument=json.dumps(load_policy("ec2-admins-mfa")),
    )
    iam.create_group(GroupName="Developers")
    iam.put_group_policy(
        GroupName="Developers",
        PolicyName="EC2-Developers",
        PolicyDocument=json.dumps(load_policy("ec2-developers")),
    )
    person = make_user(lab, a, "Sofia")
    iam.add_user_to_group(GroupName="EC2-Admins", UserName="Sofia")
    iam.add_user_to_group(GroupName="Developers", UserName="Sofia")
    return person


def test_seed_sofia_long_term_keys_cannot_stop(lab: Lab, sofia: Person) -> None:
    ec2 = sofia.client("ec2")
    ids = launch(ec2, 2)
    assert states(ec2, ids) == ["running", "running"]
    for op in ("stop_instances", "terminate_instances"):
        with pytest.raises(ClientError) as e:
            getattr(ec2, op)(InstanceIds=ids)
        code, message, status = err(e)
        assert (code, status) == ("UnauthorizedOperation", 403)
        assert message.startswith(
            f"You are not authorized to perform this operation. User: arn:aws:iam::{A}:user/Sofia"
        )
    assert "Bool aws:MultiFactorAuthPresent" in lab.explain_last()


def test_seed_sofia_get_session_token_without_mfa_cannot_stop(lab: Lab, sofia: Person) -> None:
    ids = launch(sofia.client("ec2"))
    temp = lab.session(sofia.client("sts").get_session_token()["Credentials"])
    with pytest.raises(ClientError) as e:
        temp.client("ec2").stop_instances(InstanceIds=ids)
    assert err(e)[0] == "UnauthorizedOperation"


def test_seed_sofia_get_session_token_with_mfa_stops_and_terminates(
    lab: Lab, sofia: Person
) -> None:
    ids = launch(sofia.client("ec2"), 2)
    creds = sofia.client("sts").get_session_token(
        SerialNumber=sofia.serial, TokenCode=lab.totp(sofia.serial)
    )["Credentials"]
    ec2 = lab.session(creds).client("ec2")
    ec2.stop_instances(InstanceIds=ids[:1])
    ec2.terminate_instances(InstanceIds=ids[1:])
    assert states(ec2, ids) == ["stopped", "terminated"]
    ec2.start_instances(InstanceIds=ids[:1])  # Developers may start without MFA anyway
    row = lab.trail().iloc[-1]
    assert row["credentials"] == "GetSessionToken+MFA" and row["decision"] == "allowed"


def test_seed_other_account_cannot_touch_sofias_instances(lab: Lab, sofia: Person, b) -> None:
    ids = launch(sofia.client("ec2"))
    outsider = make_user(lab, b, "Admin", {"all": ALLOW_EC2}, mfa=False).client("ec2")
    with pytest.raises(ClientError) as e:
        outsider.terminate_instances(InstanceIds=ids)
    assert err(e)[0] == "InvalidInstanceID.NotFound"
