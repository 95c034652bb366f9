"""The trail: one row per API call, like a tiny CloudTrail with the decision in it.

:func:`row` words a call's row from what the pipeline learned (the caller, the
handler's authorization checks, the error); :func:`to_frame` builds the DataFrame
``Lab.trail()`` returns (pandas is imported only then, if installed); :func:`explain` words
``Lab.explain_last()`` from the latest row and the latest policy decision.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .clock import iso

if TYPE_CHECKING:
    from .credentials import Caller
    from .errors import LabError
    from .services import Call


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
    """The explanation of the latest call: its policy decision, or why it made none."""
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
    head = (
        f"{last.action} on {last.resource}\n"
        f"by {last.principal} ({last.credentials}): {d.decision}\n"
    )
    return f"{head}\n{d.explain()}"


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
    decision: str  # allowed | explicitDeny | implicitDeny | error
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
    or ``error`` with the error's message.
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
        reason=" ".join(reason.split()),
    )


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
