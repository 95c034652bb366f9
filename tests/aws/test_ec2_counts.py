"""RunInstances' MinCount and MaxCount against the running-instance limit.

EC2 API Reference, RunInstances: EC2 launches the largest number of instances it can up to
MaxCount; if it cannot launch at least MinCount it launches none. The limit itself is the
lab's decision (docs/aws-behaviour.md, "Lab decisions" D10): 20 pending or running instances
per account and region.
"""

from __future__ import annotations

import time

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st

from iamlab.aws import Lab

from .conftest import A

AMI = "ami-0abcdef1234567890"


def err(excinfo) -> tuple[str, str, int]:
    r = excinfo.value.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


def run(ec2, lo: int, hi: int) -> list[dict]:
    return ec2.run_instances(ImageId=AMI, MinCount=lo, MaxCount=hi)["Instances"]


def running(ec2) -> int:
    states = [
        i["State"]["Name"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]
    ]
    return sum(s in ("pending", "running") for s in states)


def test_launches_as_many_as_fit_up_to_max_count(lab: Lab, a: boto3.Session) -> None:
    ec2 = a.client("ec2")
    assert len(run(ec2, 15, 15)) == 15
    launched = run(ec2, 1, 10)  # 5 fit
    assert len(launched) == 5
    assert [i["AmiLaunchIndex"] for i in launched] == [0, 1, 2, 3, 4]
    assert len({i["InstanceId"] for i in launched}) == 5
    assert running(ec2) == 20


def test_refuses_only_when_min_count_does_not_fit(lab: Lab, a: boto3.Session) -> None:
    ec2 = a.client("ec2")
    run(ec2, 18, 18)
    before = lab.snapshot().world()
    with pytest.raises(ClientError) as e:
        run(ec2, 3, 5)
    assert err(e) == (
        "InstanceLimitExceeded",
        "You have requested more instances (21) than your current instance limit of 20 allows "
        "for the specified instance type. Please visit "
        "http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.",
        400,
    )
    assert lab.snapshot().world() == before
    assert len(run(ec2, 2, 5)) == 2  # exactly MinCount fits


def test_max_count_within_the_limit_launches_max_count(a: boto3.Session) -> None:
    ec2 = a.client("ec2")
    assert len(run(ec2, 1, 7)) == 7


def test_a_huge_max_count_is_answered_at_once(a: boto3.Session) -> None:
    """Never a loop over MaxCount: 2**31 - 1 (the model's largest integer) takes no time."""
    ec2 = a.client("ec2")
    start = time.perf_counter()
    assert len(run(ec2, 1, 2**31 - 1)) == 20
    with pytest.raises(ClientError) as e:
        run(ec2, 2**31 - 1, 2**31 - 1)
    assert err(e)[0] == "InstanceLimitExceeded"
    assert time.perf_counter() - start < 5


def test_dry_run_launches_nothing(a: boto3.Session) -> None:
    ec2 = a.client("ec2")
    with pytest.raises(ClientError) as e:
        ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=100, DryRun=True)
    assert err(e)[0] == "DryRunOperation"
    assert running(ec2) == 0


def test_stopped_instances_do_not_count_and_start_needs_room(a: boto3.Session) -> None:
    ec2 = a.client("ec2")
    ids = [i["InstanceId"] for i in run(ec2, 20, 20)]
    ec2.stop_instances(InstanceIds=ids[:3])
    assert len(run(ec2, 1, 50)) == 3
    with pytest.raises(ClientError) as e:
        ec2.start_instances(InstanceIds=ids[:1])
    assert err(e)[0] == "InstanceLimitExceeded"


@settings(max_examples=40, deadline=None)
@given(
    running_before=st.integers(0, 20),
    lo=st.integers(1, 30),
    extra=st.integers(0, 30),
)
def test_counts_property(running_before: int, lo: int, extra: int) -> None:
    """Launched = min(MaxCount, room) when MinCount <= room, else nothing and the error."""
    lab = Lab()
    ec2 = lab.create_account(A).client("ec2")
    if running_before:
        run(ec2, running_before, running_before)
    hi = lo + extra
    room = 20 - running_before
    if lo > room:
        with pytest.raises(ClientError) as e:
            run(ec2, lo, hi)
        assert err(e)[0] == "InstanceLimitExceeded"
        assert running(ec2) == running_before
    else:
        assert len(run(ec2, lo, hi)) == min(hi, room)
        assert running(ec2) == running_before + min(hi, room)
