"""``Lab``: one emulated AWS partition you drive with real boto3.

This module is the facade a learner reads: accounts, sessions, the clock, the MFA
"phone", the trail, explanations and snapshots. How a call is answered is in
:mod:`iamlab.aws.pipeline`; the boto3 plumbing is in :mod:`iamlab.aws.bridge`.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from . import bridge, trail
from .atomic import JournaledDict
from .authn import authenticate
from .clock import DEFAULT_START, Clock
from .context import request_context
from .credentials import RoleSessionMfa, TemporarySession
from .errors import LabUsageError
from .ids import IdGenerator
from .state import AccessKey, AccountState
from .trail import LastDecision, TrailRow

if TYPE_CHECKING:
    import boto3
    import pandas as pd

MfaDeviceRule = Literal["2023", "2022"]


@dataclass(frozen=True)
class LabSnapshot:
    """A copy of a whole lab, made by :meth:`Lab.snapshot` for :meth:`Lab.restore`."""

    options: dict[str, Any]
    clock: Clock
    ids: dict[str, int]
    accounts: dict[str, AccountState]
    key_index: dict[str, str]
    sessions: dict[str, TemporarySession]
    web_tokens: dict[str, dict]
    trail: tuple[TrailRow, ...]
    last: LastDecision | None

    def world(self) -> dict[str, Any]:
        """What calls can change: everything but the record of the calls themselves
        (the trail, the latest decision, the count of request ids handed out)."""
        return {
            "options": self.options,
            "now": self.clock.now(),
            "ids": {k: v for k, v in self.ids.items() if k != "request"},
            "accounts": self.accounts,
            "key_index": self.key_index,
            "sessions": self.sessions,
            "web_tokens": self.web_tokens,
        }


class Lab:
    """A deterministic, offline AWS: accounts, IAM, STS (and more services) behind boto3.

    ``seed`` fixes every generated id, key and MFA seed; ``start`` is the virtual
    clock's start. Two options replay what AWS's texts or history leave open
    (``docs/aws-behaviour.md``, "Lab decisions"):

    * ``role_session_mfa`` (D1), what a role session from AssumeRole with an MFA code
      carries: ``"mfa_page"`` (default, ``aws:MultiFactorAuthPresent`` is ``false``) or
      ``"propagate"`` (``true``, with an age);
    * ``mfa_device_rule`` (D8), whether an IAM user who already has an MFA device and
      signs with long-term access keys may enable or deactivate an MFA device for
      themselves: ``"2023"`` (default) follows AWS since 2023-04-21 (security bulletin
      AWS-2023-001): refused until they sign in with MFA (GetSessionToken with an
      existing device); ``"2022"`` replays 2022-11-16 to 2023-04-21, when it was allowed.

    A lab answers one call at a time (it is safe to use from several threads), and a
    call either completes or changes nothing.
    """

    def __init__(
        self,
        seed: int = 0,
        start: Any = DEFAULT_START,
        role_session_mfa: RoleSessionMfa = "mfa_page",
        region: str = bridge.DEFAULT_REGION,
        mfa_device_rule: MfaDeviceRule = "2023",
    ) -> None:
        if role_session_mfa not in ("mfa_page", "propagate"):
            raise LabUsageError("role_session_mfa must be 'mfa_page' or 'propagate'")
        if mfa_device_rule not in ("2023", "2022"):
            raise LabUsageError(
                "mfa_device_rule must be '2023' (AWS since the AWS-2023-001 fix) or '2022' "
                "(before it)"
            )
        self.seed = seed
        self.role_session_mfa: RoleSessionMfa = role_session_mfa
        self.mfa_device_rule: MfaDeviceRule = mfa_device_rule
        self.region = region
        self._lock = threading.RLock()  # one call at a time; handlers may call back in
        self.clock = Clock(start, lock=self._lock)
        self.ids = IdGenerator(seed)
        self._init_state()

    def _init_state(self) -> None:
        self.accounts: dict[str, AccountState] = {}
        self.key_index: dict[str, str] = JournaledDict()  # long-term access key id -> account
        self.sessions: dict[str, TemporarySession] = JournaledDict()  # ASIA key id -> session
        self.web_tokens: dict[str, dict] = JournaledDict()  # minted OIDC tokens -> claims
        self._trail: list[TrailRow] = []
        self._last: LastDecision | None = None

    # ---- accounts and sessions ------------------------------------------------
    def create_account(self, account_id: str, name: str | None = None) -> boto3.Session:
        """Create an account and return a ``boto3.Session`` signed with its root user's keys."""
        if not (isinstance(account_id, str) and len(account_id) == 12 and account_id.isdigit()):
            raise LabUsageError(f"an account id is 12 digits, got {account_id!r}")
        with self._lock:
            if account_id in self.accounts:
                raise LabUsageError(f"account {account_id} already exists")
            acct = AccountState(account_id, name or account_id, self.clock.now())
            self.accounts[account_id] = acct
            key = self.new_access_key(acct, None)
        return self.session(key.access_key_id, key.secret)

    def new_access_key(self, acct: AccountState, user: str | None) -> AccessKey:
        """Issue a long-term key for a user (its name) or for root (None).

        The key belongs to the user's unique id: it never works for a later user of the
        same name.
        """
        with self._lock:
            owner = acct.user(user) if user is not None else None
            key = AccessKey(
                self.ids.access_key_id(),
                self.ids.secret_access_key(),
                acct.account_id,
                user.lower() if user is not None else None,
                self.clock.now(),
                user_id=owner.unique_id if owner is not None else None,
            )
            acct.access_keys[key.access_key_id] = key
            self.key_index[key.access_key_id] = acct.account_id
            return key

    def root_session(self, account_id: str) -> boto3.Session:
        """A session with the first active root key of ``account_id``."""
        with self._lock:
            keys = [k for k in self.account(account_id).keys_of(None) if k.status == "Active"]
        if not keys:
            raise LabUsageError(f"account {account_id} has no active root access key")
        return self.session(keys[0].access_key_id, keys[0].secret)

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
        key_id: str | None
        if isinstance(access_key_id, dict):
            creds = access_key_id
            try:
                key_id = creds["AccessKeyId"]
                secret_access_key = creds["SecretAccessKey"]
            except KeyError as exc:
                raise LabUsageError(
                    "expected an STS Credentials or IAM AccessKey dict "
                    "(with AccessKeyId and SecretAccessKey)"
                ) from exc
            session_token = creds.get("SessionToken", session_token)
        else:
            key_id = access_key_id
        if key_id is not None and secret_access_key is None:
            raise LabUsageError("a secret access key is needed with an access key id")
        return bridge.make_session(
            self, key_id, secret_access_key, session_token, region or self.region
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
        with self._lock:
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

        with self._lock:
            return mint_assertion(
                self, provider_arn, subject, role_arn, audience, session_name, expires_in, **options
            )

    # ---- MFA: the learner's phone ----------------------------------------------------
    def totp(self, serial: str) -> str:
        """The 6-digit code the learner's phone shows now for the MFA device ``serial``."""
        with self._lock:
            return self._device(serial).phone_code(self.clock.now())

    def set_phone_clock_skew(self, serial: str, seconds: int) -> None:
        """Make the phone's clock run ``seconds`` off (to practise ResyncMFADevice)."""
        with self._lock:
            self._device(serial).phone_skew = int(seconds)

    def _device(self, serial: str) -> Any:
        for acct in self.accounts.values():
            if serial in acct.mfa_devices:
                return acct.mfa_devices[serial]
        raise LabUsageError(f"no MFA device with serial number {serial!r}")

    # ---- trail and explanations -----------------------------------------------
    def trail(self) -> pd.DataFrame:
        """Every call so far, one row each, with its authorization decision.

        A pandas DataFrame (an :class:`iamlab.tables.Table` where pandas is not installed).
        """
        with self._lock:
            rows = list(self._trail)
        return trail.to_frame(rows)

    def explain_last(self) -> str:
        """The full explanation of the latest call's authorization decision.

        When the latest call made no policy decision (a refused MFA code, an
        unknown key, an operation that needs no permission), says so instead of
        repeating an older decision.
        """
        with self._lock:
            return trail.explain(self._trail, self._last)

    def last_decision(self) -> Any:
        """The latest ``Decision`` object (or None)."""
        last = self._last
        return last.decision if last else None

    def call_count(self) -> int:
        """How many calls the lab has answered (the number of trail rows)."""
        return len(self._trail)

    def last_call(self) -> TrailRow | None:
        """The latest trail row (or None)."""
        with self._lock:
            return self._trail[-1] if self._trail else None

    # ---- snapshots ------------------------------------------------------------------
    def snapshot(self) -> LabSnapshot:
        """A copy of the whole world (accounts, sessions, trail, clock, ids) for :meth:`restore`."""
        with self._lock:
            return LabSnapshot(
                options={
                    "seed": self.seed,
                    "role_session_mfa": self.role_session_mfa,
                    "mfa_device_rule": self.mfa_device_rule,
                    "region": self.region,
                },
                clock=copy.deepcopy(self.clock),
                ids=self.ids.counters(),
                accounts=copy.deepcopy(self.accounts),
                key_index=dict(self.key_index),
                sessions=copy.deepcopy(dict(self.sessions)),
                web_tokens=copy.deepcopy(dict(self.web_tokens)),
                trail=tuple(self._trail),
                last=self._last,
            )

    def restore(self, snapshot: LabSnapshot) -> None:
        """Put the world back as it was at :meth:`snapshot`; sessions made since keep working
        only if their credentials existed then."""
        if not isinstance(snapshot, LabSnapshot):
            raise LabUsageError(
                "restore() takes what lab.snapshot() returned, got "
                f"{type(snapshot).__name__}: take one with snap = lab.snapshot(), "
                "then call lab.restore(snap)"
            )
        with self._lock:
            for name, value in snapshot.options.items():
                setattr(self, name, value)
            self.clock.set(snapshot.clock.now(), start=snapshot.clock.start)
            self.ids.seed = self.seed
            self.ids.set_counters(snapshot.ids)
            self.accounts = copy.deepcopy(snapshot.accounts)
            self.key_index = JournaledDict(snapshot.key_index)
            self.sessions = JournaledDict(copy.deepcopy(snapshot.sessions))
            self.web_tokens = JournaledDict(copy.deepcopy(snapshot.web_tokens))
            self._trail = list(snapshot.trail)
            self._last = snapshot.last

    def reset(self) -> None:
        """Forget everything: accounts, sessions, trail, clock and id counters."""
        with self._lock:
            self.clock.reset()
            self.ids.reset()
            self._init_state()
