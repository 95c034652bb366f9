"""``Lab``: one emulated AWS partition you drive with real boto3."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import boto3
import pandas as pd
from botocore.validate import ParamValidator

from iamlab.policy.errors import PolicyError

from . import bridge
from .authn import authenticate, check_scope
from .clock import DEFAULT_START, Clock, iso
from .context import request_context
from .credentials import Caller, RoleSessionMfa, TemporarySession
from .errors import LabError, LabUsageError
from .ids import IdGenerator
from .services import Call, handler_for, supported
from .state import AccessKey, AccountState
from .trail import TrailRow, to_frame

_QUERY_PROTOCOLS = ("query", "ec2")
_SHARED = frozenset({"_validator"})  # stateless helpers that snapshots need not copy


@dataclass
class _LastDecision:
    principal: str
    credentials: str
    action: str
    resource: str
    context: dict[str, str]
    decision: Any
    call_index: int  # the trail row of the call that made this decision


class Lab:
    """A deterministic, offline AWS: accounts, IAM, STS (and more services) behind boto3.

    ``seed`` fixes every generated id, key and MFA seed; ``start`` is the virtual
    clock's start; ``role_session_mfa`` chooses what a role session from
    AssumeRole+MFA carries (FACTS A.1): ``"mfa_page"`` (default, MultiFactorAuthPresent
    ``false``) or ``"propagate"`` (``true`` with an age).
    """

    def __init__(
        self,
        seed: int = 0,
        start: Any = DEFAULT_START,
        role_session_mfa: RoleSessionMfa = "mfa_page",
        region: str = bridge.DEFAULT_REGION,
    ) -> None:
        if role_session_mfa not in ("mfa_page", "propagate"):
            raise LabUsageError("role_session_mfa must be 'mfa_page' or 'propagate'")
        self.seed = seed
        self.role_session_mfa: RoleSessionMfa = role_session_mfa
        self.region = region
        self.clock = Clock(start)
        self.ids = IdGenerator(seed)
        self._validator = ParamValidator()
        self._init_state()

    def _init_state(self) -> None:
        self.accounts: dict[str, AccountState] = {}
        self.key_index: dict[str, str] = {}  # long-term access key id -> account id
        self.sessions: dict[str, TemporarySession] = {}  # ASIA key id -> session
        self.web_tokens: dict[str, dict] = {}  # minted OIDC tokens -> claims
        self._trail: list[TrailRow] = []
        self._last: _LastDecision | None = None

    # ---- accounts and sessions ------------------------------------------------
    def create_account(self, account_id: str, name: str | None = None) -> boto3.Session:
        """Create an account and return a ``boto3.Session`` signed with its root user's keys."""
        if not (isinstance(account_id, str) and len(account_id) == 12 and account_id.isdigit()):
            raise LabUsageError(f"an account id is 12 digits, got {account_id!r}")
        if account_id in self.accounts:
            raise LabUsageError(f"account {account_id} already exists")
        acct = AccountState(account_id, name or account_id, self.clock.now())
        self.accounts[account_id] = acct
        key = self.new_access_key(acct, None)
        return self.session(key.access_key_id, key.secret)

    def new_access_key(self, acct: AccountState, user: str | None) -> AccessKey:
        """Issue a long-term key for a user (lower-cased name) or for root (None)."""
        key = AccessKey(
            self.ids.access_key_id(),
            self.ids.secret_access_key(),
            acct.account_id,
            user,
            self.clock.now(),
        )
        acct.access_keys[key.access_key_id] = key
        self.key_index[key.access_key_id] = acct.account_id
        return key

    def root_session(self, account_id: str) -> boto3.Session:
        """A session with the first active root key of ``account_id``."""
        acct = self.accounts[account_id]
        for key in acct.keys_of(None):
            if key.status == "Active":
                return self.session(key.access_key_id, key.secret)
        raise LabUsageError(f"account {account_id} has no active root access key")

    def session(
        self,
        access_key_id: str | dict | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
        region: str | None = None,
    ) -> boto3.Session:
        """A real ``boto3.Session`` with these credentials, answered by this lab.

        Accepts the three strings, STS's ``Credentials`` dict or IAM's ``AccessKey``
        dict. With no credentials at all the session is anonymous (only unsigned
        calls such as AssumeRoleWithWebIdentity work).
        """
        if isinstance(access_key_id, dict):
            creds = access_key_id
            try:
                access_key_id = creds["AccessKeyId"]
                secret_access_key = creds["SecretAccessKey"]
            except KeyError as exc:
                raise LabUsageError(
                    "expected an STS Credentials or IAM AccessKey dict "
                    "(with AccessKeyId and SecretAccessKey)"
                ) from exc
            session_token = creds.get("SessionToken", session_token)
        if access_key_id is not None and secret_access_key is None:
            raise LabUsageError("a secret access key is needed with an access key id")
        return bridge.make_session(
            self, access_key_id, secret_access_key, session_token, region or self.region
        )

    def account(self, account_id: str) -> AccountState:
        """The state of one account (for scenarios, widgets and tests)."""
        try:
            return self.accounts[account_id]
        except KeyError:
            raise LabUsageError(f"the lab has no account {account_id}") from None

    def request_context(self, who: boto3.Session | dict) -> dict[str, str]:
        """The global condition keys a request made now with these credentials would carry."""
        if isinstance(who, dict):
            who = self.session(who)
        frozen = who.get_credentials().get_frozen_credentials()
        caller = authenticate(self, "sts", frozen)
        return request_context(caller, self.clock.now(), who.region_name or self.region)

    def web_identity_token(
        self, url: str, subject: str, audience: str, expires_in: int = 3600
    ) -> str:
        """A token from the lab's OIDC identity provider ``url`` for AssumeRoleWithWebIdentity.

        Register the provider first (``iam.create_open_id_connect_provider(Url=url,
        ClientIDList=[audience], ...)``); call AssumeRoleWithWebIdentity from
        ``lab.session()`` (no credentials: the call is unsigned).
        """
        from .federation import mint
        from .services.sts_federation import token_claims

        return mint(self.seed, token_claims(url, subject, audience, self.clock.now(), expires_in))

    def saml_assertion(
        self,
        provider_arn: str,
        subject: str,
        role_arn: str,
        audience: str = "https://signin.aws.amazon.com/saml",
        session_name: str | None = None,
        expires_in: int = 300,
        **options: Any,
    ) -> str:
        """A base64 SAML response from the lab's IdP for AssumeRoleWithSAML.

        Lab-minted and HMAC-signed with a lab-held key (not XML-DSig): only this lab
        accepts it. ``audience`` is the Recipient (``saml:aud``); ``session_name``
        defaults to ``subject``. More ``options`` (``subject_type``, ``issuer``,
        ``source_identity``, ``attributes``): see :mod:`iamlab.aws.services.sts_saml`.
        """
        from .services.sts_saml import mint_assertion

        return mint_assertion(
            self, provider_arn, subject, role_arn, audience, session_name, expires_in, **options
        )

    # ---- MFA ----------------------------------------------------------------------
    def totp(self, serial: str) -> str:
        """The 6-digit code the learner's phone shows now for the MFA device ``serial``."""
        return self._device(serial).phone_code(self.clock.now())

    def set_phone_clock_skew(self, serial: str, seconds: int) -> None:
        """Make the phone's clock run ``seconds`` off (to practise ResyncMFADevice)."""
        self._device(serial).phone_skew = int(seconds)

    def _device(self, serial: str) -> Any:
        for acct in self.accounts.values():
            if serial in acct.mfa_devices:
                return acct.mfa_devices[serial]
        raise LabUsageError(f"no MFA device with serial number {serial!r}")

    # ---- trail and explanations -----------------------------------------------
    def trail(self) -> pd.DataFrame:
        """Every call so far, one row each, with its authorization decision."""
        return to_frame(self._trail)

    def explain_last(self) -> str:
        """The full explanation of the latest call's authorization decision.

        When the latest call made no policy decision (a refused MFA code, an
        unknown key, an operation that needs no permission), says so instead of
        repeating an older decision.
        """
        last = self._last
        if self._trail and (last is None or last.call_index != len(self._trail) - 1):
            row = self._trail[-1]
            what = f"{row.error}: {row.reason}" if row.error else row.reason
            return (
                f"The latest call, {row.service}:{row.operation} by "
                f"{row.principal or 'an unknown caller'} ({row.credentials or 'no credentials'}), "
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

    def last_decision(self) -> Any:
        """The latest ``Decision`` object (or None)."""
        return self._last.decision if self._last else None

    def snapshot(self) -> dict[str, Any]:
        """A copy of the whole world (accounts, sessions, trail, clock, ids) for :meth:`restore`."""
        return copy.deepcopy({k: v for k, v in self.__dict__.items() if k not in _SHARED})

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Put the world back as it was at :meth:`snapshot`; sessions made since keep working
        only if their credentials existed then."""
        self.__dict__.update(copy.deepcopy(snapshot))

    def call_count(self) -> int:
        """How many calls the lab has answered (the number of trail rows)."""
        return len(self._trail)

    def last_call(self) -> TrailRow | None:
        """The latest trail row (or None)."""
        return self._trail[-1] if self._trail else None

    def reset(self) -> None:
        """Forget everything: accounts, sessions, trail, clock and id counters."""
        self.clock.reset()
        self.ids.reset()
        self._init_state()

    def _record_decision(
        self, call: Call, action: str, resource: str, ctx: dict[str, str], d: Any
    ) -> None:
        self._last = _LastDecision(
            call.caller.arn, call.caller.label, action, resource, ctx, d, len(self._trail)
        )

    # ---- the request pipeline ---------------------------------------------------
    def _dispatch(
        self,
        model: Any,
        params: dict[str, Any],
        credentials: Any,
        region: str,
        signed: bool = True,
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Answer one botocore request: ``(status, parsed response, headers)``."""
        service = model.service_model.service_name
        operation = model.name
        now = self.clock.now()
        request_id = self.ids.request_id()
        caller: Caller | None = None
        call: Call | None = None
        try:
            caller = authenticate(self, service, credentials, signed)
            handler = handler_for(service, operation)
            if handler is None:
                ops = supported(service)
                listed = ", ".join(ops) if ops else "none"
                raise LabError(
                    "NotImplementedInLab",
                    f"iamlab does not emulate {service}:{operation} (supported: {listed})",
                    501,
                )
            check_scope(caller, service, operation)
            call = Call(self, service, operation, params, caller, region, request_id)
            body = handler(call, params)
            self._check_output(model, body)
            status = 200
            error: LabError | None = None
        except (LabError, PolicyError) as exc:
            if isinstance(exc, PolicyError):
                exc = LabError("MalformedPolicyDocument", exc.message, 400)
            error, status = exc, exc.status
            body = {"Error": {"Code": exc.code, "Message": exc.message}}
            if model.service_model.protocol in _QUERY_PROTOCOLS:
                body["Error"]["Type"] = "Sender" if exc.status < 500 else "Receiver"
        self._trail.append(self._row(now, service, operation, caller, call, error))
        headers = {
            "x-amzn-requestid": request_id,
            "date": bridge.http_date(self),
            "content-type": "text/xml"
            if model.service_model.protocol != "json"
            else "application/x-amz-json-1.0",
        }
        if call is not None:
            headers.update(call.headers)
        body["ResponseMetadata"] = {
            "RequestId": request_id,
            "HTTPStatusCode": status,
            "HTTPHeaders": headers,
            "RetryAttempts": 0,
        }
        return status, body, headers

    def _check_output(self, model: Any, body: dict[str, Any]) -> None:
        shape = model.output_shape
        if shape is None:
            return
        report = self._validator.validate(body, shape)
        # AWS itself breaks some length constraints in responses (root's UserId is the
        # 12-digit account id), so only structure and types are checked.
        problems = [e for e in report._errors if e[0] not in ("invalid length", "invalid range")]
        if problems:
            report._errors = problems
            raise RuntimeError(
                f"iamlab bug: the {model.name} response does not match botocore's "
                f"output shape:\n{report.generate_report()}"
            )

    def _row(
        self,
        now: Any,
        service: str,
        operation: str,
        caller: Caller | None,
        call: Call | None,
        error: LabError | None,
    ) -> TrailRow:
        if call is not None:
            caller = call.caller  # a handler may have named the real principal (web identity)
        check = call.checks[-1] if call is not None and call.checks else None
        if check is not None:
            decision, action, resource = check.outcome, check.action, check.resource
            if error is not None and check.outcome == "allowed":
                reason = error.message
            elif check.outcome == "allowed":
                reason = _allowed_reason(check.decision)
            else:
                reason = check.reason
        else:
            action, resource = f"{service}:{operation}", ""
            decision = "error" if error is not None else "allowed"
            reason = error.message if error is not None else (call.note if call else "")
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


def _allowed_reason(d: Any) -> str:
    if d is None:
        return "allowed"
    statements = getattr(d, "matched_statements", None) or []
    if not statements:
        return "allowed (root user of the resource's account)"
    m = statements[0]
    sid = f' (Sid "{m.sid}")' if m.sid else ""
    return f"allowed by {m.policy}, statement {m.index + 1}{sid}"
