"""The result of evaluating one request, in IAM's vocabulary, able to explain itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .document import KIND_LABELS

if TYPE_CHECKING:
    from .evaluation import Request

ALLOWED = "allowed"
EXPLICIT_DENY = "explicitDeny"
IMPLICIT_DENY = "implicitDeny"

# SimulateCustomPolicy's SourcePolicyType for each kind of policy
_SOURCE_TYPES = {
    "identity": "user",
    "resource": "resource",
    "trust": "resource",
    "boundary": "none",
    "session": "none",
    "scp": "none",
    "rcp": "none",
}
_DENY_PLACES = {
    "identity": "an identity-based policy",
    "resource": "a resource-based policy",
    "trust": "the role trust policy",
    "boundary": "a permissions boundary",
    "session": "a session policy",
    "scp": "a service control policy",
    "rcp": "a resource control policy",
}


@dataclass(frozen=True)
class MatchedStatement:
    """A statement that decided the outcome."""

    policy: str
    policy_type: str
    sid: str | None
    index: int
    effect: str
    statement: dict[str, Any] = field(repr=False, compare=False)

    def __str__(self) -> str:
        sid = f' (Sid "{self.sid}")' if self.sid else ""
        return f"{self.policy}, statement {self.index + 1}{sid}: {self.effect}"


class Decision:
    """What IAM would decide for one request, and why.

    ``decision`` is ``allowed``, ``explicitDeny`` or ``implicitDeny``;
    ``bool(decision)`` is True only when allowed.  ``matched_statements`` are
    the statements that decided; ``missing_context_values`` the condition keys
    the policies tested that the request did not carry.
    """

    __slots__ = (
        "_hits",
        "_matched",
        "_reason",
        "_request",
        "decision",
        "denied_by",
        "missing_context_values",
    )

    def __init__(
        self,
        decision: str,
        request: Request,
        hits: list[Any],
        reason: str | Callable[[], str],
        denied_by: str | None,
        missing: list[str],
    ) -> None:
        self.decision = decision
        self._request = request
        self._hits = hits
        self._reason = reason
        self._matched: list[MatchedStatement] | None = None
        self.denied_by = denied_by
        self.missing_context_values = missing

    @property
    def action(self) -> str:
        return self._request.action

    @property
    def resource(self) -> str:
        return self._request.resource

    @property
    def principal(self) -> str:
        return self._request.caller.arn

    @property
    def reason(self) -> str:
        """One or two sentences saying why."""
        reason = self._reason
        if not isinstance(reason, str):
            reason = self._reason = str(reason())
        return reason

    @property
    def matched_statements(self) -> list[MatchedStatement]:
        if self._matched is None:
            self._matched = [
                MatchedStatement(
                    policy.name or policy.kind_label,
                    policy.kind,
                    st.sid,
                    st.index,
                    st.effect,
                    st.source,
                )
                for policy, st, _ in self._hits
            ]
        return self._matched

    def __bool__(self) -> bool:
        return self.decision == ALLOWED

    @property
    def allowed(self) -> bool:
        return self.decision == ALLOWED

    def because(self) -> str:
        """The tail of AWS's AccessDenied message: why the request was denied."""
        if self.decision == ALLOWED:
            return ""
        if self.decision == EXPLICIT_DENY:
            return f"with an explicit deny in {_DENY_PLACES[self.denied_by or 'identity']}"
        if self._request.managed_alias:
            return "because the alias belongs to an AWS managed key and cannot be changed"
        label = KIND_LABELS[self.denied_by or "identity"]
        return f"because no {label} allows the {self.action} action"

    def message(self) -> str:
        """AWS's AccessDenied message for this request (empty when allowed)."""
        if self.decision == ALLOWED:
            return ""
        return (
            f"User: {self.principal} is not authorized to perform: {self.action} "
            f"on resource: {self.resource} {self.because()}"
        )

    def explain(self) -> str:
        """A plain-English account of the decision: which statement, which condition, which key."""
        from .explain import explain

        return explain(self)

    def to_simulation_result(self) -> dict[str, Any]:
        """This decision in the shape of one of IAM's ``EvaluationResults`` entries."""
        matched = [
            {
                "SourcePolicyId": m.policy,
                "SourcePolicyType": _SOURCE_TYPES.get(m.policy_type, "none"),
            }
            for m in self.matched_statements
            if m.policy_type not in ("scp", "rcp")
        ]
        result: dict[str, Any] = {
            "EvalActionName": self.action,
            "EvalResourceName": self.resource,
            "EvalDecision": self.decision,
            "MatchedStatements": matched,
            "MissingContextValues": list(self.missing_context_values),
        }
        request = self._request
        if request is not None:
            if request.scps:
                result["OrganizationsDecisionDetail"] = {
                    "AllowedByOrganizations": self.denied_by != "scp"
                }
            if request.boundaries:
                result["PermissionsBoundaryDecisionDetail"] = {
                    "AllowedByPermissionsBoundary": self.denied_by != "boundary"
                }
        return result

    def __repr__(self) -> str:
        return f"<Decision {self.decision}: {self.principal} -> {self.action} on {self.resource}>"
