"""The trail: one row per API call, like a tiny CloudTrail with the decision in it.

:func:`row` words a call's row from what the pipeline learned (the caller, the
handler's authorization checks, the error); :func:`to_frame` builds the DataFrame
``Lab.trail()`` returns (pandas is imported only then, if installed); :func:`explain` words
``Lab.explain_last()`` from the latest row and the latest policy decision.

The ``decision`` column holds IAM's three words (``allowed``, ``explicitDeny``,
``implicitDeny``), :data:`REFUSED_BY_RULE` for a call the policies allowed and a rule of the
service then refused (the MFA-device rule of AWS-2023-001, ``docs/aws-behaviour.md``, "Lab
decisions" D8), or ``error`` for a call that made no policy decision and failed.
"""

from __future__ import annotations

import re
from dataclasses import astuple, dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .clock import iso

if TYPE_CHECKING:
    from .credentials import Caller
    from .errors import LabError
    from .services import Call

# the trail's word for a call the policies allowed and a rule of the service then refused
REFUSED_BY_RULE = "refusedByRule"
DECISIONS = ("allowed", "explicitDeny", "implicitDeny", REFUSED_BY_RULE, "error")
# a refusal's reason: "refused by <rule>: <why> The policies allowed it: <what allowed it>"
RULE_REASON = re.compile(
    r"^refused by (?P<rule>[^:]+): (?P<why>.*?)(?: The policies allowed it: (?P<allowed>.*))?$"
)
# the operations whose MFA device is named at the end of their reason ("[MFA device mfa/Bob]"):
# their resource is the user (or nothing), so the trail would not say which device it was
_DEVICE_OPERATIONS = frozenset(
    {"GetSessionToken", "EnableMFADevice", "DeactivateMFADevice", "ResyncMFADevice"}
)
DEVICE_NOTE = re.compile(r"\[MFA device (?P<device>[^\]]+)\]$")


@dataclass
class LastDecision:
    """The latest authorization decision, for ``Lab.explain_last``."""

    principal: str
    credentials: str
    action: str
    resource: str
    context: dict[str, str]
    decision: Any  # iamlab.policy.Decision
    call_index: int  # the trail row of the call that made this decision


def record_decision(
    call: Call, action: str, resource: str, ctx: dict[str, str], decision: Any
) -> None:
    """Remember a decision made while answering ``call`` (which becomes the next row)."""
    lab = call.lab
    lab._last = LastDecision(
        call.caller.arn, call.caller.label, action, resource, ctx, decision, len(lab._trail)
    )


def explain(rows: list[TrailRow], last: LastDecision | None) -> str:
    """The explanation of the latest call: its policy decision, or why it made none, or
    (refused by a service rule) that the policies allowed it and which rule refused it."""
    if rows and (last is None or last.call_index != len(rows) - 1):
        r = rows[-1]
        what = f"{r.error}: {r.reason}" if r.error else r.reason
        return (
            f"The latest call, {r.service}:{r.operation} by "
            f"{r.principal or 'an unknown caller'} ({r.credentials or 'no credentials'}), "
            f"made no policy decision. {what}"
        )
    if last is None:
        return "No authorization decision has been made yet."
    d = last.decision
    latest = rows[-1] if rows else None
    if latest is not None and latest.decision == REFUSED_BY_RULE:
        rule, why, allowed = rule_parts(latest.reason)
        return (
            f"{last.action} on {last.resource}\n"
            f"by {last.principal} ({last.credentials}): refused by a service rule\n\n"
            f"The policies allowed it: {allowed or allowed_reason(d)}.\n"
            f"Then {rule} refused it ({latest.error}): {why}\n"
            "No policy can allow what this rule refuses.\n\n"
            f"{d.explain()}"
        )
    head = (
        f"{last.action} on {last.resource}\n"
        f"by {last.principal} ({last.credentials}): {d.decision}\n"
    )
    return f"{head}\n{d.explain()}"


def rule_parts(reason: str) -> tuple[str, str, str]:
    """(rule, why, what allowed it) of a refused-by-rule reason; the rule is "a service rule"
    when the reason does not name one."""
    found = RULE_REASON.match(DEVICE_NOTE.sub("", reason or "").rstrip())
    if found is None:
        return "a service rule", reason, ""
    return found["rule"], found["why"], found["allowed"] or ""


def rule_reason(rule: str, why: str, allowed: str) -> str:
    """The trail's reason for a call ``allowed`` by the policies and refused by ``rule``."""
    return f"refused by {rule}: {why} The policies allowed it: {allowed}"


@dataclass(frozen=True)
class TrailRow:
    """One call as the trail shows it (field order = DataFrame column order)."""

    time: str
    account: str
    principal: str
    credentials: str
    service: str
    operation: str
    action: str
    resource: str
    decision: str  # allowed | explicitDeny | implicitDeny | refusedByRule | error
    error: str
    reason: str


COLUMNS = [f.name for f in fields(TrailRow)]


def to_frame(rows: list[TrailRow]) -> Any:
    """The rows as a table with the fixed column order: a pandas DataFrame where pandas
    is installed, else an :class:`iamlab.tables.Table` (the browser site has no pandas)."""
    from iamlab.tables import frame

    return frame([astuple(r) for r in rows], columns=COLUMNS)


def row(
    now: datetime,
    service: str,
    operation: str,
    caller: Caller | None,
    call: Call | None,
    error: LabError | None,
) -> TrailRow:
    """The trail row of one answered call.

    The decision is the handler's last authorization check (the one that allowed or
    refused the call); a call that made none shows ``allowed`` with the handler's note,
    or ``error`` with the error's message. The MFA device of GetSessionToken and of the
    IAM calls that enable, deactivate or resync a user's device is named at the end of
    the reason (``[MFA device mfa/Bob]``), as CloudTrail records the request's parameters.
    """
    if call is not None:
        caller = call.caller  # a handler may have named the real principal (web identity)
    check = call.checks[-1] if call is not None and call.checks else None
    if check is not None:
        decision, action, resource = check.outcome, check.action, check.resource
        if error is not None and check.outcome == "allowed":
            reason = error_reason(error)
        elif check.outcome == "allowed":
            reason = allowed_reason(check.decision)
        else:
            reason = check.reason
    else:
        action, resource = f"{service}:{operation}", ""
        decision = "error" if error is not None else "allowed"
        reason = error_reason(error) if error is not None else (call.note if call else "")
    return TrailRow(
        time=iso(now),
        account=caller.account if caller is not None else "",
        principal=caller.arn if caller is not None else "",
        credentials=caller.label if caller is not None else "",
        service=service,
        operation=operation,
        action=action,
        resource=resource,
        decision=decision,
        error=error.code if error is not None else "",
        reason=" ".join(reason.split()) + _device_note(operation, call),
    )


def _device_note(operation: str, call: Call | None) -> str:
    serial = call.params.get("SerialNumber") if call is not None else None
    if operation not in _DEVICE_OPERATIONS or not isinstance(serial, str) or not serial:
        return ""
    # a device of the caller's account is named by its path (mfa/Bob), any other by its ARN
    account = call.caller.account if call is not None else ""
    prefix = f"arn:aws:iam::{account}:"
    shown = serial.removeprefix(prefix) if account else serial
    return f" [MFA device {shown}]"


def device_of(reason: str, account: str) -> str | None:
    """The MFA device's serial number named at the end of a trail ``reason`` (see
    :func:`row`), as an ARN of ``account`` when the reason names it by its path."""
    found = DEVICE_NOTE.search(reason or "")
    if found is None:
        return None
    device = found["device"]
    return device if device.startswith("arn:") else f"arn:aws:iam::{account}:{device}"


def error_reason(error: LabError) -> str:
    """The error's message, followed by the lab's note on it when it has one."""
    note = getattr(error, "note", "")
    return f"{error.message} (lab's trail: {note})" if note else error.message


def allowed_reason(d: Any) -> str:
    """``allowed by <policy>, statement N (Sid "...")`` for an allowing Decision."""
    if d is None:
        return "allowed"
    statements = getattr(d, "matched_statements", None) or []
    if not statements:
        return "allowed (root user of the resource's account)"
    m = statements[0]
    sid = f' (Sid "{m.sid}")' if m.sid else ""
    return f"allowed by {m.policy}, statement {m.index + 1}{sid}"
