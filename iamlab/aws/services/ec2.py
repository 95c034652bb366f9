"""EC2: launch, describe, stop, start and terminate instances.

Instances belong to the caller's account and region. Stop/Start/TerminateInstances
are authorized per instance on ``arn:aws:ec2:REGION:ACCOUNT:instance/ID``;
RunInstances on ``instance/*`` (real EC2 also checks the image, subnet, security
group, network interface and volume ARNs; the lab models instances only);
DescribeInstances on ``*``.

Denials raise ``UnauthorizedOperation`` 403 with AWS's text ("You are not authorized
to perform this operation. User: ... because ..."). Real EC2 then appends
" Encoded authorization failure message: <blob>", an opaque blob only
``sts:DecodeAuthorizationMessage`` can read; the lab omits it (it would be noise
without that decoder, and the ``because`` clause already says what it would).

``DryRun=True`` checks permissions and stops: ``DryRunOperation`` 412 when the call
would have succeeded, ``UnauthorizedOperation`` when not.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn

from ._call import Call
from ._catalog import spec
from ._registry import operation

Instance = dict[str, Any]

HEX = "0123456789abcdef"
STATE_CODES = {
    "pending": 0,
    "running": 16,
    "shutting-down": 32,
    "terminated": 48,
    "stopping": 64,
    "stopped": 80,
}
# operation -> (action, state shown in the response, state stored, states it may start from)
TRANSITIONS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "StopInstances": ("ec2:StopInstances", "stopping", "stopped", ("pending", "running")),
    "StartInstances": ("ec2:StartInstances", "pending", "running", ("stopped",)),
    "TerminateInstances": (
        "ec2:TerminateInstances",
        "shutting-down",
        "terminated",
        ("pending", "running", "stopping", "stopped"),
    ),
}
VERB = {"StopInstances": "stopped", "StartInstances": "started"}
FILTERS = {
    "instance-id": "id",
    "instance-state-name": "state",
    "instance-type": "type",
    "image-id": "image",
}
# matched with fullmatch: "i-0123abcd\n" is not an instance id
_INSTANCE_ID = re.compile(r"i-[0-9a-f]{8}([0-9a-f]{9})?")
_AMI_ID = re.compile(r"ami-[0-9a-f]{8}([0-9a-f]{9})?")
DRY_RUN = ("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412)
# The account's running-instance limit per region: a lab decision (docs/aws-behaviour.md,
# "Lab decisions" D10). Real accounts have vCPU-based On-Demand quotas; 20 instances was
# EC2's classic default. RunInstances launches what fits up to MaxCount and fails with
# InstanceLimitExceeded (changing nothing) only when MinCount does not fit; StartInstances
# fails when the instances do not all fit. A huge MaxCount never creates (or waits for)
# thousands of instances.
INSTANCE_LIMIT = 20
ACTIVE_STATES = ("pending", "running")


def instance_limit(call: Call) -> int:
    """The running-instance limit of the caller's account (``INSTANCE_LIMIT`` unless a test or
    scenario sets ``account_state().extension("ec2")["instance_limit"]``)."""
    return int(call.account_state().extension("ec2").get("instance_limit", INSTANCE_LIMIT))


def _running(call: Call) -> int:
    """The caller's pending or running instances in this region."""
    return sum(
        1
        for i in _instances(call).values()
        if i["region"] == call.region and i["state"] in ACTIVE_STATES
    )


def _limit_exceeded(call: Call, requested: int, limit: int) -> NoReturn:
    call.error(
        "InstanceLimitExceeded",
        f"You have requested more instances ({requested}) than your current "
        f"instance limit of {limit} allows for the specified instance type. Please visit "
        "http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this "
        "limit.",
    )


def _check_limit(call: Call, adding: int) -> None:
    """``InstanceLimitExceeded`` when ``adding`` more running instances would pass the limit."""
    limit = instance_limit(call)
    running = _running(call)
    if running + adding > limit:
        _limit_exceeded(call, running + adding, limit)


def launch_count(call: Call, min_count: int, max_count: int) -> int:
    """How many instances RunInstances launches: as many as fit under the running-instance
    limit, up to ``max_count``; ``InstanceLimitExceeded`` when not even ``min_count`` fit.

    EC2 API Reference, RunInstances: if EC2 cannot launch at least ``MinCount`` instances it
    launches none; otherwise it launches the largest number above ``MinCount`` it can, up to
    ``MaxCount``. The count is computed, never looped over, so a huge ``MaxCount`` is
    answered at once.
    """
    limit = instance_limit(call)
    running = _running(call)
    room = max(0, limit - running)
    if min_count > room:
        _limit_exceeded(call, running + min_count, limit)
    return min(max_count, room)


# ---- helpers ------------------------------------------------------------------------
def instance_arn(call: Call, instance_id: str) -> str:
    """``arn:aws:ec2:REGION:ACCOUNT:instance/ID`` (``*`` for any instance)."""
    template = spec("ec2")["arn"]["instance"]
    return template.format(region=call.region, account=call.account, id=instance_id)


def _instances(call: Call) -> dict[str, Instance]:
    return call.account_state().extension("ec2").setdefault("instances", {})


def _hex_id(call: Call, prefix: str, kind: str) -> str:
    """A deterministic id such as ``i-0`` + 16 hex digits."""
    return f"{prefix}-0{call.lab.ids._chars(kind, HEX, 16)}"


def _state(name: str) -> dict[str, Any]:
    return {"Code": STATE_CODES[name], "Name": name}


def _dry_run(call: Call, params: dict) -> None:
    if params.get("DryRun"):
        call.note = "DryRun: permission checked, nothing changed"
        call.error(*DRY_RUN)


def _lookup(call: Call, ids: list[str]) -> list[Instance]:
    """The caller's instances in this region with these ids (or EC2's errors)."""
    for i in ids:
        if not _INSTANCE_ID.fullmatch(i):
            call.error("InvalidInstanceID.Malformed", f'Invalid id: "{i}" (expecting "i-...")')
    mine = _instances(call)
    missing = [i for i in ids if i not in mine or mine[i]["region"] != call.region]
    if len(missing) == 1:
        call.error("InvalidInstanceID.NotFound", f"The instance ID '{missing[0]}' does not exist")
    if missing:
        call.error(
            "InvalidInstanceID.NotFound",
            f"The instance IDs '{', '.join(missing)}' do not exist",
        )
    return [mine[i] for i in dict.fromkeys(ids)]


def _dns_zone(region: str) -> str:
    return "ec2.internal" if region == "us-east-1" else f"{region}.compute.internal"


def _shape(inst: Instance, state: str | None = None) -> dict[str, Any]:
    """An ``Instance`` structure as EC2 returns it."""
    ip = inst["private_ip"]
    return {
        "InstanceId": inst["id"],
        "ImageId": inst["image"],
        "InstanceType": inst["type"],
        "State": _state(state or inst["state"]),
        "LaunchTime": inst["launched"],
        "AmiLaunchIndex": inst["index"],
        "Placement": {"AvailabilityZone": f"{inst['region']}a", "Tenancy": "default"},
        "PrivateIpAddress": ip,
        "PrivateDnsName": f"ip-{ip.replace('.', '-')}.{_dns_zone(inst['region'])}",
        "Monitoring": {"State": "disabled"},
        "Architecture": "x86_64",
        "RootDeviceType": "ebs",
        "VirtualizationType": "hvm",
    }


# ---- operations -------------------------------------------------------------------
@operation("ec2", "RunInstances")
def run_instances(call: Call, params: dict) -> dict:
    """Launch between ``MinCount`` and ``MaxCount`` instances, as many as the running-instance
    limit allows (shown ``pending``; running at once afterwards)."""
    image = params.get("ImageId")
    if image is None:
        call.error("MissingParameter", "The request must contain the parameter ImageId")
    if not _AMI_ID.fullmatch(image):
        call.error("InvalidAMIID.Malformed", f'Invalid id: "{image}" (expecting "ami-...")')
    if params["MinCount"] < 1 or params["MinCount"] > params["MaxCount"]:
        call.error(
            "InvalidParameterValue",
            "MinCount must be at least 1 and at most MaxCount",  # BELIEVED wording
        )
    call.authorize("ec2:RunInstances", instance_arn(call, "*"))
    _dry_run(call, params)
    count = launch_count(call, params["MinCount"], params["MaxCount"])
    reservation = _hex_id(call, "r", "ec2-reservation")
    mine = _instances(call)
    launched = []
    for index in range(count):
        n = len(mine)
        inst = {
            "id": _hex_id(call, "i", "ec2-instance"),
            "image": image,
            "type": params.get("InstanceType", "m1.small"),
            "state": "running",
            "region": call.region,
            "launched": call.now.replace(microsecond=0),
            "reservation": reservation,
            "index": index,
            "private_ip": f"172.31.{16 + n // 250}.{4 + n % 250}",
        }
        mine[inst["id"]] = inst
        launched.append(_shape(inst, "pending"))
    return {
        "ReservationId": reservation,
        "OwnerId": call.account,
        "Groups": [],
        "Instances": launched,
    }


def _matches(inst: Instance, filters: list[dict]) -> bool:
    return all(str(inst[FILTERS[f["Name"]]]) in f.get("Values", []) for f in filters)


@operation("ec2", "DescribeInstances")
def describe_instances(call: Call, params: dict) -> dict:
    """The caller's instances in this region, grouped by reservation."""
    call.authorize("ec2:DescribeInstances", "*")
    _dry_run(call, params)
    filters = params.get("Filters", [])
    for f in filters:
        if f["Name"] not in FILTERS:
            call.error("InvalidParameterValue", f"The filter '{f['Name']}' is invalid")
    if params.get("InstanceIds"):
        chosen = _lookup(call, params["InstanceIds"])
    else:
        chosen = [i for i in _instances(call).values() if i["region"] == call.region]
    reservations: dict[str, list[dict]] = {}
    for inst in chosen:
        if _matches(inst, filters):
            reservations.setdefault(inst["reservation"], []).append(_shape(inst))
    return {
        "Reservations": [
            {"ReservationId": r, "OwnerId": call.account, "Groups": [], "Instances": rows}
            for r, rows in reservations.items()
        ]
    }


def _change_state(call: Call, params: dict, output: str) -> dict:
    """Stop, start or terminate: authorize every instance, then change them all."""
    action, shown, stored, allowed_from = TRANSITIONS[call.operation]
    chosen = _lookup(call, params["InstanceIds"])
    for inst in chosen:
        call.authorize(action, instance_arn(call, inst["id"]))
    _dry_run(call, params)
    for inst in chosen:
        if inst["state"] not in allowed_from and inst["state"] != stored:
            call.error(
                "IncorrectInstanceState",
                f"The instance '{inst['id']}' is not in a state from which it can be "
                f"{VERB[call.operation]}.",
            )
    if call.operation == "StartInstances":
        _check_limit(call, sum(1 for i in chosen if i["state"] not in ACTIVE_STATES))
    rows = []
    for inst in chosen:
        previous = inst["state"]
        current = stored if previous == stored else shown
        inst["state"] = stored
        rows.append(
            {
                "InstanceId": inst["id"],
                "CurrentState": _state(current),
                "PreviousState": _state(previous),
            }
        )
    return {output: rows}


@operation("ec2", "StopInstances")
def stop_instances(call: Call, params: dict) -> dict:
    """Stop instances (``stopping`` in the response, ``stopped`` afterwards)."""
    return _change_state(call, params, "StoppingInstances")


@operation("ec2", "StartInstances")
def start_instances(call: Call, params: dict) -> dict:
    """Start stopped instances (``pending`` in the response, ``running`` afterwards)."""
    return _change_state(call, params, "StartingInstances")


@operation("ec2", "TerminateInstances")
def terminate_instances(call: Call, params: dict) -> dict:
    """Terminate instances (``shutting-down`` in the response, ``terminated`` afterwards)."""
    return _change_state(call, params, "TerminatingInstances")
