"""``Call``: everything a service handler sees about the request it answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn

from .. import authz, trail
from ..context import request_context
from ..credentials import Caller
from ..errors import LabError
from ..state import AccountState
from ._catalog import spec

if TYPE_CHECKING:
    from ..lab import Lab


@dataclass
class Authorization:
    """One authorization check made while answering a call (for the trail)."""

    action: str
    resource: str
    decision: Any  # iamlab.policy.Decision, or None when no policy was evaluated
    outcome: str  # allowed | explicitDeny | implicitDeny
    reason: str


@dataclass
class Call:
    """One API request being answered by a handler."""

    lab: Lab
    service: str
    operation: str
    params: dict[str, Any]
    caller: Caller
    region: str
    request_id: str
    checks: list[Authorization] = field(default_factory=list)
    note: str = ""  # one-line reason for the trail when no policy decided
    headers: dict[str, str] = field(default_factory=dict)  # extra response headers

    # ---- state -----------------------------------------------------------------
    @property
    def now(self) -> datetime:
        """The virtual time of this request."""
        return self.lab.clock.now()

    @property
    def account(self) -> str:
        """The caller's account id."""
        return self.caller.account

    def account_state(self, account_id: str | None = None) -> AccountState:
        """State of ``account_id`` (default: the caller's account)."""
        account_id = account_id or self.caller.account
        acct = self.lab.accounts.get(account_id)
        if acct is None:
            self.error("InvalidInput", f"The lab has no account {account_id}.", 400)
        return acct

    def context(self) -> dict[str, str]:
        """The caller's request context (global condition keys) at this instant."""
        return request_context(self.caller, self.now, self.region)

    # ---- outcomes --------------------------------------------------------------
    def error(self, code: str, message: str, status: int = 400) -> NoReturn:
        """Raise a service error; the learner sees a ``ClientError`` with this code."""
        raise LabError(code, message, status)

    def deny(self, action: str, resource: str, because: str, reason: str | None = None) -> NoReturn:
        """Raise this service's access-denied error with a custom ``because ...`` clause.

        ``reason`` (default: ``because``) is what the trail shows.
        """
        self.checks.append(Authorization(action, resource, None, "implicitDeny", reason or because))
        denied = spec(self.service)["denied"]
        message = denied["message"].format(
            principal=self.caller.arn, action=action, resource=resource, because=because
        )
        raise LabError(denied["code"], message.strip(), denied["status"])

    def authorize(
        self,
        action: str,
        resource: str,
        resource_policy: Any = None,
        resource_account: str | None = None,
        context: dict[str, str] | None = None,
    ) -> Any:
        """Evaluate ``action`` on ``resource`` for the caller; raise the service's denial.

        ``resource_policy`` is a parsed policy (or dict/JSON) attached to the resource;
        ``resource_account`` defaults to the account in the ARN, else the caller's;
        ``context`` replaces the caller's request context (add service keys to
        ``call.context()``). Returns the engine's ``Decision`` when allowed.
        """
        if resource_account is None:
            parts = resource.split(":")
            resource_account = parts[4] if len(parts) > 5 and parts[4] else self.caller.account
        ctx = context if context is not None else self.context()
        d = authz.evaluate(
            self.lab, self.caller, action, resource, ctx, resource_policy, resource_account
        )
        trail.record_decision(self, action, resource, ctx, d)
        outcome = d.decision
        self.checks.append(
            Authorization(action, resource, d, outcome, d.because() if not d else "")
        )
        if not d:
            denied = spec(self.service)["denied"]
            message = denied["message"].format(
                principal=self.caller.arn, action=action, resource=resource, because=d.because()
            )
            raise LabError(denied["code"], message.strip(), denied["status"])
        return d
