"""Authentication: from the access key a client signs with to the :class:`Caller`.

Also applies the credential-scope rules of ``docs/aws-behaviour.md``, "Lab decisions"
D6 (which APIs temporary credentials of each kind may call at all).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .credentials import ANONYMOUS, Caller, root_caller, session_caller, user_caller
from .errors import LabError
from .services._catalog import spec

if TYPE_CHECKING:
    from .lab import Lab


def _fail(service: str, which: str) -> LabError:
    e = spec(service)[which]  # type: ignore[literal-required]
    return LabError(e["code"], e["message"], e["status"])


# Unsigned requests that AWS answers as anonymous: every S3 request (a bucket policy may
# allow "*"), and the STS operations whose caller is in the request itself.
ANONYMOUS_SERVICES = frozenset({"s3"})
UNSIGNED_OPERATIONS = frozenset(
    {("sts", "AssumeRoleWithWebIdentity"), ("sts", "AssumeRoleWithSAML")}
)


def _missing() -> LabError:
    return LabError("MissingAuthenticationToken", "Request is missing Authentication Token", 403)


def authenticate(
    lab: Lab, service: str, credentials: Any, signed: bool = True, operation: str = ""
) -> Caller:
    """The caller behind ``credentials`` (botocore frozen credentials) or a LabError.

    An unsigned request (``Config(signature_version=botocore.UNSIGNED)``, or an operation
    botocore never signs) is the anonymous caller for S3 and for AssumeRoleWithWebIdentity
    and AssumeRoleWithSAML; any other service refuses it (``MissingAuthenticationToken``).

    Credentials belong to the unique id (``AIDA...``, ``AROA...``) of the user or role
    that got them, not to its name: once that user or role is deleted they are refused
    like any unknown key (``InvalidClientTokenId``, "The security token included in the
    request is invalid."), and a new user or role of the same name never revives them
    (``docs/aws-behaviour.md``, "Revoking sessions").
    """
    if not signed:
        if service in ANONYMOUS_SERVICES or (service, operation) in UNSIGNED_OPERATIONS:
            return ANONYMOUS
        raise _missing()
    if credentials is None or credentials.access_key == "ANONYMOUS":
        raise _missing()
    key_id, secret, token = credentials.access_key, credentials.secret_key, credentials.token
    account_id = lab.key_index.get(key_id)
    if account_id is not None:
        acct = lab.accounts[account_id]
        key = acct.raw("access_keys").get(key_id)
        if key is None or key.status != "Active" or token:
            raise _fail(service, "unknown_key")
        if secret != key.secret:
            raise _fail(service, "bad_signature")
        if key.user is None:
            return root_caller(account_id, key_id)
        user = _live_user(acct, key.user, key.user_id)
        if user is None:
            raise _fail(service, "unknown_key")
        return user_caller(account_id, user.name, user.arn, user.unique_id, key_id)
    session = lab.sessions.get(key_id)
    if session is None or not token or token != session.token:
        raise _fail(service, "unknown_key")
    if secret != session.secret:
        raise _fail(service, "bad_signature")
    if lab.clock.now() >= session.expiration:
        raise _fail(service, "expired")
    home = lab.accounts.get(session.account)
    user_arn = None
    if session.kind in ("user", "federated") and session.user is not None:
        user = _live_user(home, session.user, session.user_id) if home else None
        if user is None:  # GetSessionToken / GetFederationToken: they die with their user
            raise _fail(service, "unknown_key")
        user_arn = user.arn
    elif session.kind == "role":
        role = home.raw("roles").get((session.role_name or "").lower()) if home else None
        if role is None or role.unique_id != session.role_id:  # they die with their role
            raise _fail(service, "unknown_key")
    return session_caller(session, user_arn)


def _live_user(acct: Any, name: str, unique_id: str | None) -> Any:
    """The user ``name`` if it is still the one with ``unique_id`` (else None)."""
    user = acct.raw("users").get(name.lower())
    if user is None or (unique_id is not None and user.unique_id != unique_id):
        return None
    return user


_GST_STS = frozenset({"AssumeRole", "GetCallerIdentity"})
_GFT_STS = frozenset({"GetCallerIdentity"})


def check_scope(caller: Caller, service: str, operation: str) -> None:
    """Refuse calls that temporary credentials of this kind can never make
    (``docs/aws-behaviour.md``, "Lab decisions" D6)."""
    s = caller.session
    if s is None:
        return
    if service == "sts" and operation in ("GetSessionToken", "GetFederationToken"):
        raise LabError("AccessDenied", f"Cannot call {operation} with session credentials", 403)
    if s.issued_by == "GetSessionToken":
        if service == "iam" and not s.mfa_present:
            # Observed AWS behaviour (docs/aws-behaviour.md, "STS"): InvalidClientTokenId,
            # not AccessDenied.
            raise _fail(service, "unknown_key")
        if service == "sts" and operation not in _GST_STS:
            raise _denied(caller, service, operation, "GetSessionToken credentials")
    elif s.issued_by == "GetFederationToken" and (
        service == "iam" or (service == "sts" and operation not in _GFT_STS)
    ):
        raise _denied(caller, service, operation, "GetFederationToken credentials")


def _denied(caller: Caller, service: str, operation: str, what: str) -> LabError:
    allowed = {"GetSessionToken credentials": "sts:AssumeRole and sts:GetCallerIdentity"}.get(
        what, "sts:GetCallerIdentity"
    )
    extra = " and cannot call IAM" if "Federation" in what else ""
    message = (
        f"User: {caller.arn} is not authorized to perform: {service}:{operation} "
        f"because {what} can call only {allowed} in STS{extra}"
    )
    return LabError("AccessDenied", message, 403)
