"""IAM virtual MFA devices: create, enable (two consecutive codes), resync, deactivate,
delete, list.

Codes follow ``docs/aws-behaviour.md``, "Lab decisions" D2 (see :mod:`iamlab.aws.mfa`).
Enabling or deactivating a device for oneself follows the fix of security bulletin
AWS-2023-001 (D8): see :func:`check_own_device_change`.
"""

from __future__ import annotations

from ..errors import LabError
from ..mfa import MfaDevice, otpauth_uri, qr_png
from ..state import AccountState, User
from ..trail import REFUSED_BY_RULE, allowed_reason, rule_reason
from ._call import Authorization, Call
from ._catalog import spec
from ._iam_common import (
    check_name,
    check_path,
    get_user,
    page,
    target_user_name,
    user_arn,
    user_shape,
)
from ._registry import operation

MAX_DEVICES = 8  # per user (IAM quotas)
INVALID_CODE = "Authentication code for device is not valid."

# AWS's exact code and text for this refusal are not documented (docs/aws-behaviour.md,
# "Lab decisions" D8): the lab answers AccessDenied with a message naming the rule.
OWN_DEVICE_BECAUSE = (
    "because the user already has an MFA device and the request was not authenticated "
    "with MFA: call GetSessionToken with an existing MFA device first "
    "(AWS security bulletin AWS-2023-001)"
)
OWN_DEVICE_RULE = "IAM's MFA-device rule (AWS-2023-001)"


def refuse_by_rule(
    call: Call, action: str, resource: str, rule: str, because: str, why: str
) -> None:
    """Refuse ``action``, which the policies allowed, because of a rule of the service.

    The trail records it as ``refusedByRule`` (not a policy decision: the check before this
    one allowed it), with ``why``, the ``rule``'s name and what allowed it; the learner gets
    the service's access-denied error with ``because``.
    """
    allowed = call.checks[-1].decision if call.checks else None
    reason = rule_reason(rule, why, allowed_reason(allowed))
    call.checks.append(Authorization(action, resource, allowed, REFUSED_BY_RULE, reason))
    denied = spec(call.service)["denied"]
    message = denied["message"].format(
        principal=call.caller.arn, action=action, resource=resource, because=because
    )
    raise LabError(denied["code"], message.strip(), denied["status"])


def check_own_device_change(call: Call, acct: AccountState, user: User, action: str) -> None:
    """Refuse ``action`` (EnableMFADevice, DeactivateMFADevice) by an IAM user on their own
    MFA devices with long-term keys once they have a device (AWS-2023-001, fixed 2023-04-21).

    They must first get MFA-authenticated credentials with GetSessionToken and an
    existing device. The first device can be enabled with long-term keys; other
    principals (an administrator, root) are not concerned; policies apply as always
    (this check runs after ``call.authorize``), and the trail records the refusal as
    ``refusedByRule`` (:func:`refuse_by_rule`). ``Lab(mfa_device_rule="2022")`` replays
    2022-11-16 to 2023-04-21, when AWS allowed it.
    """
    c = call.caller
    if call.lab.mfa_device_rule == "2022" or c.kind != "user":
        return
    if c.account != acct.account_id or c.userid != user.unique_id:
        return  # acting on another user
    if c.session is not None and c.session.mfa_present:
        return  # GetSessionToken credentials with MFA
    if not acct.devices_of(user.name):
        return  # the first device
    refuse_by_rule(
        call,
        action,
        user.arn,
        OWN_DEVICE_RULE,
        OWN_DEVICE_BECAUSE,
        f"{user.name} already has an MFA device, so changing their own devices needs "
        "MFA-authenticated credentials (GetSessionToken with an existing device).",
    )


def _device(call: Call, serial: str) -> MfaDevice:
    device = call.account_state().mfa_devices.get(serial)
    if device is None:
        raise LabError("NoSuchEntity", f"MFA device with serial number {serial} not found.", 404)
    return device


@operation("iam", "CreateVirtualMFADevice")
def create_virtual_mfa_device(call: Call, params: dict) -> dict:
    """A new, unassigned virtual device: its seed and a real QR code PNG."""
    acct = call.account_state()
    name = params["VirtualMFADeviceName"]
    check_name(name, "virtualMFADeviceName", 226)
    path = check_path(params.get("Path"))
    serial = acct.arn("mfa", path, name)
    call.authorize("iam:CreateVirtualMFADevice", serial)
    if serial in acct.mfa_devices:
        raise LabError(
            "EntityAlreadyExists", "MFADevice entity at the same path and name already exists.", 409
        )
    seed = call.lab.ids.mfa_seed()
    device = MfaDevice(serial, name, path, acct.account_id, seed, call.now)
    acct.mfa_devices[serial] = device
    account_name = call.caller.username or acct.account_id
    out = {"SerialNumber": serial, "Base32StringSeed": seed.encode()}
    png = qr_png(otpauth_uri(name, account_name, seed))
    if png is not None:  # segno (the ``lab`` extra) draws it
        out["QRCodePNG"] = png
    return {"VirtualMFADevice": out}


@operation("iam", "EnableMFADevice")
def enable_mfa_device(call: Call, params: dict) -> dict:
    """Associate a device with a user after two consecutive codes."""
    acct = call.account_state()
    name = params["UserName"]
    call.authorize("iam:EnableMFADevice", user_arn(acct, name))
    user = get_user(acct, name)
    check_own_device_change(call, acct, user, "iam:EnableMFADevice")
    device = _device(call, params["SerialNumber"])
    if device.assigned:
        raise LabError("EntityAlreadyExists", "MFA device is already in use.", 409)
    if len(acct.devices_of(user.name)) >= MAX_DEVICES:
        raise LabError(
            "LimitExceeded", f"Cannot exceed quota for MFADevicesPerUser: {MAX_DEVICES}", 409
        )
    if not device.accept_pair(
        params["AuthenticationCode1"], params["AuthenticationCode2"], call.now
    ):
        raise LabError("InvalidAuthenticationCode", INVALID_CODE, 403)
    device.user = user.name.lower()
    device.enable_date = call.now
    return {}


@operation("iam", "ResyncMFADevice")
def resync_mfa_device(call: Call, params: dict) -> dict:
    """Re-learn a drifting device's clock from two consecutive codes."""
    acct = call.account_state()
    name = params["UserName"]
    call.authorize("iam:ResyncMFADevice", user_arn(acct, name))
    user = get_user(acct, name)
    device = _device(call, params["SerialNumber"])
    if device.user != user.name.lower():
        raise LabError(
            "NoSuchEntity", f"MFA device {device.serial} is not enabled for user {user.name}.", 404
        )
    if not device.accept_pair(
        params["AuthenticationCode1"], params["AuthenticationCode2"], call.now, resync=True
    ):
        raise LabError("InvalidAuthenticationCode", INVALID_CODE, 403)
    return {}


@operation("iam", "DeactivateMFADevice")
def deactivate_mfa_device(call: Call, params: dict) -> dict:
    """Remove a device from its user (it stays in the account until deleted)."""
    acct = call.account_state()
    name = target_user_name(call, params)
    call.authorize("iam:DeactivateMFADevice", user_arn(acct, name))
    user = get_user(acct, name)
    check_own_device_change(call, acct, user, "iam:DeactivateMFADevice")
    device = _device(call, params["SerialNumber"])
    if device.user != user.name.lower():
        raise LabError(
            "NoSuchEntity", f"MFA device {device.serial} is not enabled for user {user.name}.", 404
        )
    device.user = None
    device.enable_date = None
    return {}


@operation("iam", "DeleteVirtualMFADevice")
def delete_virtual_mfa_device(call: Call, params: dict) -> dict:
    """Delete an unassigned virtual device."""
    serial = params["SerialNumber"]
    call.authorize("iam:DeleteVirtualMFADevice", serial)
    device = _device(call, serial)
    if device.assigned:
        raise LabError("DeleteConflict", "MFA device is still in use. Deactivate it first.", 409)
    del call.account_state().mfa_devices[serial]
    return {}


@operation("iam", "ListMFADevices")
def list_mfa_devices(call: Call, params: dict) -> dict:
    """Devices enabled for a user (default: the caller)."""
    acct = call.account_state()
    name = target_user_name(call, params)
    if not name:  # root: root MFA cannot be managed through the API
        call.authorize("iam:ListMFADevices", acct.root_arn)
        return page([], params, "MFADevices")
    call.authorize("iam:ListMFADevices", user_arn(acct, name))
    user = get_user(acct, name)
    items = [
        {"UserName": user.name, "SerialNumber": d.serial, "EnableDate": d.enable_date}
        for d in acct.devices_of(user.name)
    ]
    return page(items, params, "MFADevices")


@operation("iam", "ListVirtualMFADevices")
def list_virtual_mfa_devices(call: Call, params: dict) -> dict:
    """Virtual devices of the account, filtered by assignment status."""
    acct = call.account_state()
    call.authorize("iam:ListVirtualMFADevices", "*")
    status = params.get("AssignmentStatus", "Any")
    items = []
    for d in acct.mfa_devices.values():
        if (status == "Assigned" and not d.assigned) or (status == "Unassigned" and d.assigned):
            continue
        item: dict = {"SerialNumber": d.serial}
        if d.assigned and d.user in acct.users:
            item["User"] = user_shape(acct.users[d.user])
            item["EnableDate"] = d.enable_date
        items.append(item)
    return page(items, params, "VirtualMFADevices")
