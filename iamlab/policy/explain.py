"""Plain-English explanations of decisions: which statement, which condition, which key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .document import Policy, Statement

if TYPE_CHECKING:
    from .decision import Decision
    from .evaluation import Request

_VERDICTS = {
    "allowed": "ALLOWED",
    "explicitDeny": "DENIED (explicit deny)",
    "implicitDeny": "DENIED (implicit deny)",
}


def _short(items: tuple[str, ...]) -> str:
    shown = ", ".join(items[:4])
    return shown + (f" and {len(items) - 4} more" if len(items) > 4 else "")


def trace_statement(st: Statement, req: Request) -> list[str]:
    """Why ``st`` does or does not apply, as indented lines."""
    head = f"  {st.label}, {st.effect}: "
    listed = st.actions.match(req.action_lower)
    if listed == st.not_action:
        if st.not_action:
            return [head + f"does not apply: {req.action} is excluded by its NotAction"]
        return [
            head + f"does not apply: its Action ({_short(st.actions.items)}) "
            f"does not include {req.action}"
        ]
    if st.resources is not None:
        hit = st.resources.match(req.resource, req.context)
        if hit == st.not_resource:
            element = "NotResource" if st.not_resource else "Resource"
            verb = "excludes" if st.not_resource else "does not cover"
            return [
                head + f"does not apply: its {element} ({_short(st.resources.items)}) "
                f"{verb} {req.resource}"
            ]
    if st.principal is not None and st.principal.match(req.caller) is None:
        return [
            head + f"does not apply: its Principal ({st.principal.describe()}) does not "
            f"name {req.caller.arn}"
        ]
    if st.not_principal is not None and st.not_principal.match(req.caller) is not None:
        return [head + "does not apply: its NotPrincipal excludes this caller"]
    if not st.conditions:
        return [head + "applies (action, resource and principal match; no conditions)"]
    results = [clause.explain(req.context) for clause in st.conditions]
    failed = [r for r in results if not r.met]
    if failed:
        lines = [head + "does not apply: a condition is not met"]
    else:
        lines = [head + "applies (every condition is met)"]
    lines += [f"      - {r.describe()}" for r in results]
    return lines


def _policy_lines(policy: Policy, req: Request, note: str = "") -> list[str]:
    lines = [f"{policy.label()}:{note}"]
    for st in policy.statements:
        lines += trace_statement(st, req)
    return lines


def explain(decision: Decision) -> str:
    """The full explanation of ``decision``."""
    req = decision._request
    lines = [f"{_VERDICTS[decision.decision]} - {decision.reason}"]
    if req is None:
        return lines[0]
    caller = req.caller
    lines.append(f"Request: {caller.kind_words} {caller.arn} calls {req.action} on {req.resource}")
    if req.resource_account is None:
        lines.append("Accounts: the resource ARN names no account.")
    elif req.same_account:
        lines.append(f"Accounts: principal and resource are both in {req.resource_account}.")
    else:
        lines.append(
            f"Accounts: principal in {caller.account}, resource in {req.resource_account} "
            "(cross-account: both sides must allow)."
        )
    items = req.context.items()
    if items:
        shown = "; ".join(
            f"{k}={v[0]}" if len(v) == 1 else f"{k}=[{', '.join(v)}]" for k, v in items
        )
        lines.append(f"Context: {shown}")
    root_note = (
        " (ignored: the root user is not restricted by identity-based policies)"
        if caller.is_root and req.same_account
        else ""
    )
    for n, level in enumerate(req.rcps):
        for policy in level:
            lines += _policy_lines(policy, req, f" (RCP level {n + 1})")
    for n, level in enumerate(req.scps):
        for policy in level:
            lines += _policy_lines(policy, req, f" (SCP level {n + 1})")
    if req.resource_policy is not None:
        lines += _policy_lines(req.resource_policy, req)
    elif req.needs_resource_allow:
        lines.append("role trust policy: none was given, so nothing can allow assuming the role")
    for policy in req.identity:
        lines += _policy_lines(policy, req, root_note)
    if not req.identity and not (caller.is_root and req.same_account):
        lines.append("identity-based policies: none")
    for policy in req.boundaries:
        lines += _policy_lines(policy, req, root_note)
    for policy in req.sessions or []:
        lines += _policy_lines(policy, req, root_note)
    if decision.missing_context_values:
        lines.append(
            "Missing context keys: "
            + ", ".join(decision.missing_context_values)
            + " (the policies test them, but this request does not carry them)"
        )
    return "\n".join(lines)
