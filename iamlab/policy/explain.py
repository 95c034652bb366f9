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
    from .evaluation import ignores_not_principal

    head = f"  {st.label}, {st.effect}: "
    inert = ""
    if st.actions.inert:
        inert = (
            f" ({_short(st.actions.inert)} can match no action: IAM accepts such a name, "
            "but no action is called that)"
        )
    listed = st.actions.match(req.action_lower)
    if listed == st.not_action:
        if st.not_action:
            return [head + f"does not apply: {req.action} is excluded by its NotAction"]
        return [
            head + f"does not apply: its Action ({_short(st.actions.items)}) "
            f"does not include {req.action}{inert}"
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
    caller = req.caller
    if st.principal is not None and st.principal.match(caller) is None:
        return [
            head + f"does not apply: its Principal ({st.principal.describe()}) does not "
            f"name {_who(req)}"
        ]
    note = ""
    if st.not_principal is not None:
        if ignores_not_principal(st, req):
            note = (
                " (its NotPrincipal does not exempt this principal: a Deny with NotPrincipal "
                "applies to every IAM user, role or role session with a permissions boundary)"
            )
        elif st.not_principal.match(caller) is not None:
            return [head + "does not apply: its NotPrincipal excludes this caller"]
        elif caller.type == "Anonymous":
            note = " (NotPrincipal never lists an anonymous caller, so it applies to one)"
    if st.not_action and st.actions.inert:
        note += (
            f" (its NotAction entries {_short(st.actions.inert)} can match no action, "
            "so they exclude nothing)"
        )
    if not st.conditions:
        return [head + "applies (action, resource and principal match; no conditions)" + note]
    results = [clause.explain(req.context) for clause in st.conditions]
    failed = [r for r in results if not r.met]
    if failed:
        lines = [head + "does not apply: a condition is not met" + note]
    else:
        lines = [head + "applies (every condition is met)" + note]
    for r in results:
        line = f"      - {r.describe()}"
        if r.request_values is None and r.clause.key_lower in req.context.absent:
            line += " (the key was set to None: absent on purpose)"
        lines.append(line)
    return lines


def _who(req: Request) -> str:
    caller = req.caller
    if caller.type == "Anonymous":
        return "an anonymous caller"
    return caller.arn


def _policy_lines(policy: Policy, req: Request, note: str = "") -> list[str]:
    lines = [f"{policy.label()}:{note}"]
    for st in policy.statements:
        lines += trace_statement(st, req)
    return lines


def _request_line(req: Request) -> str:
    caller = req.caller
    if caller.type == "Anonymous":
        return f"Request: an anonymous (unsigned) request calls {req.action} on {req.resource}"
    return f"Request: {caller.kind_words} {caller.arn} calls {req.action} on {req.resource}"


def _accounts_line(req: Request) -> str:
    caller = req.caller
    if caller.type == "Anonymous":
        return (
            "Accounts: an anonymous caller belongs to no account; only resource-based "
            "policies and resource control policies apply to it."
        )
    if caller.type in ("Service", "WebIdentity") and not caller.account:
        return (
            f"Accounts: the {caller.kind_words} belongs to no account; only resource-based "
            "(or trust) policies and resource control policies apply to it."
        )
    if req.resource_account is None:
        return "Accounts: the resource ARN names no account."
    if req.same_account:
        return f"Accounts: principal and resource are both in {req.resource_account}."
    return (
        f"Accounts: principal in {caller.account}, resource in {req.resource_account} "
        "(cross-account: both sides must allow)."
    )


def explain(decision: Decision) -> str:
    """The full explanation of ``decision``."""
    from .evaluation import GET_CALLER_IDENTITY, OUTSIDE_ACCOUNTS

    req = decision._request
    lines = [f"{_VERDICTS[decision.decision]} - {decision.reason}"]
    if req is None:
        return lines[0]
    caller = req.caller
    lines.append(_request_line(req))
    lines.append(_accounts_line(req))
    items = req.context.items()
    if items:
        shown = "; ".join(
            f"{k}={v[0]}" if len(v) == 1 else f"{k}=[{', '.join(v)}]" for k, v in items
        )
        lines.append(f"Context: {shown}")
    if req.context.absent:
        names = sorted(req.context.name(k) for k in req.context.absent)
        lines.append(
            "Absent on purpose (given as None, so not derived from the principal either): "
            + ", ".join(names)
        )
    if req.action_lower == GET_CALLER_IDENTITY and caller.type != "Anonymous":
        lines.append("(The policies below are listed for reference; they do not decide.)")
    outside = caller.type in OUTSIDE_ACCOUNTS
    if outside:
        who = "an anonymous request" if caller.type == "Anonymous" else f"the {caller.kind_words}"
        ignored = f" (ignored: it does not apply to {who})"
    elif caller.is_root and req.same_account and not req.needs_resource_allow:
        ignored = " (ignored: the root user is not restricted by identity-based policies)"
    else:
        ignored = ""
    for n, level in enumerate(req.rcps):
        for policy in level:
            lines += _policy_lines(policy, req, f" (RCP level {n + 1})")
    for n, level in enumerate(req.scps):
        for policy in level:
            scp_note = f" (SCP level {n + 1})" + (ignored if outside else "")
            lines += _policy_lines(policy, req, scp_note)
    if req.resource_policy is not None:
        lines += _policy_lines(req.resource_policy, req)
    elif req.kms_key:
        lines.append("key policy: none was given, so nothing can allow using the key")
    elif req.needs_resource_allow:
        lines.append("role trust policy: none was given, so nothing can allow assuming the role")
    for policy in req.identity:
        lines += _policy_lines(policy, req, ignored)
    if not req.identity and not ignored:
        lines.append("identity-based policies: none")
    for policy in req.boundaries:
        lines += _policy_lines(policy, req, ignored)
    for policy in req.sessions or []:
        lines += _policy_lines(policy, req, ignored)
    if decision.missing_context_values:
        lines.append(
            "Missing context keys: "
            + ", ".join(decision.missing_context_values)
            + " (the policies test them, but this request does not carry them)"
        )
    return "\n".join(lines)
