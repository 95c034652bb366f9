"""IAM OpenID Connect providers (minimal: create, get, list, delete)."""

from __future__ import annotations

from ..errors import LabError
from ..state import IdentityProvider
from ._call import Call
from ._iam_common import check_tags
from ._registry import operation


def provider_name(url: str) -> str:
    """The provider's name in its ARN and condition keys: the URL without ``https://``."""
    return url.split("://", 1)[-1].rstrip("/")


@operation("iam", "CreateOpenIDConnectProvider")
def create_oidc_provider(call: Call, params: dict) -> dict:
    """Register an OIDC provider (thumbprints are stored, not checked: nothing is fetched)."""
    acct = call.account_state()
    name = provider_name(params["Url"])
    arn = f"arn:aws:iam::{acct.account_id}:oidc-provider/{name}"
    call.authorize("iam:CreateOpenIDConnectProvider", arn)
    tags = check_tags(params.get("Tags"))
    if arn in acct.providers:
        raise LabError(
            "EntityAlreadyExists", f"Provider with url {params['Url']} already exists.", 409
        )
    acct.providers[arn] = IdentityProvider(
        arn,
        "oidc",
        name,
        call.now,
        list(params.get("ClientIDList", [])),
        list(params.get("ThumbprintList", [])),
        tags=tags,
    )
    out: dict = {"OpenIDConnectProviderArn": arn}
    if tags:
        out["Tags"] = list(tags)
    return out


def _get(call: Call, arn: str, action: str) -> IdentityProvider:
    call.authorize(action, arn)
    provider = call.account_state().providers.get(arn)
    if provider is None or provider.kind != "oidc":
        raise LabError("NoSuchEntity", f"OpenIDConnect provider {arn} does not exist.", 404)
    return provider


@operation("iam", "GetOpenIDConnectProvider")
def get_oidc_provider(call: Call, params: dict) -> dict:
    """A provider's URL, audiences (client ids) and thumbprints."""
    p = _get(call, params["OpenIDConnectProviderArn"], "iam:GetOpenIDConnectProvider")
    return {
        "Url": p.name,
        "ClientIDList": list(p.client_ids),
        "ThumbprintList": list(p.thumbprints),
        "CreateDate": p.created,
        **({"Tags": list(p.tags)} if p.tags else {}),
    }


@operation("iam", "ListOpenIDConnectProviders")
def list_oidc_providers(call: Call, params: dict) -> dict:
    """Provider ARNs of the account."""
    acct = call.account_state()
    call.authorize("iam:ListOpenIDConnectProviders", "*")
    arns = [p.arn for p in acct.providers.values() if p.kind == "oidc"]
    return {"OpenIDConnectProviderList": [{"Arn": a} for a in arns]}


@operation("iam", "DeleteOpenIDConnectProvider")
def delete_oidc_provider(call: Call, params: dict) -> dict:
    """Remove a provider: its tokens stop working at once."""
    p = _get(call, params["OpenIDConnectProviderArn"], "iam:DeleteOpenIDConnectProvider")
    del call.account_state().providers[p.arn]
    return {}
