"""STS AssumeRoleWithWebIdentity against an OIDC provider registered in the lab.

The lab is the identity provider: ``lab.web_identity_token(url, subject, audience)``
mints a token; a token the lab did not mint, or one that was altered, fails with
``InvalidIdentityToken``. The trust policy is evaluated with the provider ARN as
principal and the provider's condition keys (``<provider>:aud``, ``<provider>:sub``,
``aws:FederatedProvider``). Resulting sessions carry no MFA keys (``docs/aws-behaviour.md``, D1).
AssumeRoleWithSAML is in ``sts_saml``.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ..clock import iso
from ..credentials import Caller
from ..errors import LabError
from ..federation import verify
from ._call import Call
from ._registry import operation
from ._sts_common import federated_role_session, role_session_response
from .iam_providers import provider_name


@operation("sts", "AssumeRoleWithWebIdentity")
def assume_role_with_web_identity(call: Call, params: dict) -> dict:
    """Role credentials for a user signed in to an OIDC provider (unsigned request)."""
    claims = verify(call.lab.seed, params["WebIdentityToken"])
    if claims is None:
        raise LabError(
            "InvalidIdentityToken",
            "The web identity token could not be verified (iamlab accepts only tokens made "
            "by lab.web_identity_token).",
            400,
        )
    if call.now.timestamp() >= claims.get("exp", 0):
        raise LabError("ExpiredTokenException", "Token is expired", 400)
    role_arn = params["RoleArn"]
    parts = role_arn.split(":", 5)
    acct = call.lab.accounts.get(parts[4]) if len(parts) == 6 else None
    role = acct.raw("roles").get(parts[5].rsplit("/", 1)[-1].lower()) if acct else None
    if acct is None or role is None or role.arn != role_arn:
        raise LabError(
            "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403
        )
    name = provider_name(claims["iss"])
    provider_arn = f"arn:aws:iam::{acct.account_id}:oidc-provider/{name}"
    provider = acct.raw("providers").get(provider_arn)
    if provider is None:
        raise LabError(
            "InvalidIdentityToken",
            f"No OpenIDConnect provider found in your account for {claims['iss']}",
            400,
        )
    if claims.get("aud") not in provider.client_ids:
        raise LabError("InvalidIdentityToken", "Incorrect token audience", 400)
    session_name = params["RoleSessionName"]
    call.caller = Caller(
        account=acct.account_id,
        arn=provider_arn,
        principal_arn=provider_arn,
        principal_type="WebIdentityUser",
        userid=f"{name}:{claims['sub']}",
        kind="anonymous",
    )
    ctx = {
        "aws:CurrentTime": iso(call.now),
        "aws:EpochTime": str(int(call.now.timestamp())),
        "aws:SecureTransport": "true",
        "aws:FederatedProvider": provider_arn,
        f"{name}:aud": claims["aud"],
        f"{name}:sub": claims["sub"],
        "sts:RoleSessionName": session_name,
    }
    try:
        call.authorize(
            "sts:AssumeRoleWithWebIdentity",
            role.arn,
            resource_policy=role.trust.parsed,
            resource_account=acct.account_id,
            context=ctx,
        )
    except LabError:
        raise LabError(
            "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403
        ) from None
    s, packed = federated_role_session(
        call,
        "AssumeRoleWithWebIdentity",
        role,
        acct.account_id,
        session_name,
        params,
    )
    return role_session_response(
        s,
        role,
        acct.account_id,
        packed,
        SubjectFromWebIdentityToken=claims["sub"],
        Provider=claims["iss"],
        Audience=claims["aud"],
    )


def token_claims(url: str, subject: str, audience: str, now: datetime, ttl: int) -> dict:
    """The claims of a lab-minted token."""
    iat = int(now.astimezone(timezone.utc).timestamp())
    return {"iss": url, "sub": subject, "aud": audience, "iat": iat, "exp": iat + ttl}
