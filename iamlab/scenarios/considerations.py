"""Notebook 09 (considerations): where MFA cannot help.

Helpers that add federation to a story's lab (an OIDC provider and a SAML provider, each
with a role), a table of what each kind of credentials tells AWS about MFA, and the extra
user an administrator of account B creates. Every helper makes the same boto3 calls a
learner would type. (Diagrams are drawn from the lab, so users added here appear in the
story's diagram by themselves: ``iamlab.diagrams.story_diagram(story, attempts)``.)
"""

from __future__ import annotations

import base64
import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from iamlab import tables
from iamlab.policy import evaluate

from .base import Actor, Scenario, enable_virtual_mfa

OIDC_URL = "https://login.example.com"
OIDC_HOST = "login.example.com"
SAML_ENTITY = "https://idp.example.com/saml"
REQUIRE_MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def _trust(principal: dict[str, str], action: str, condition: dict[str, Any]) -> str:
    statement = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": statement})


def add_web_identity_role(
    scenario: Scenario,
    account: str,
    role_name: str,
    subject: str,
    audience: str = "books-app",
    require_mfa: bool = False,
) -> str:
    """Register the lab's OIDC provider in ``account`` (once) and create a role that trusts it
    for ``subject`` (and, with ``require_mfa``, only with MFA). Returns the role ARN."""
    iam = scenario.root(account).client("iam")
    provider = f"arn:aws:iam::{account}:oidc-provider/{OIDC_HOST}"
    listed = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    if provider not in {p["Arn"] for p in listed}:
        iam.create_open_id_connect_provider(
            Url=OIDC_URL, ClientIDList=[audience], ThumbprintList=["0" * 40]
        )
    condition: dict[str, Any] = {"StringEquals": {f"{OIDC_HOST}:sub": subject}}
    if require_mfa:
        condition.update(REQUIRE_MFA)
    trust = _trust({"Federated": provider}, "sts:AssumeRoleWithWebIdentity", condition)
    return iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]


def add_saml_role(
    scenario: Scenario, account: str, role_name: str, require_mfa: bool = False
) -> tuple[str, str]:
    """Register the lab's SAML identity provider in ``account`` (once) and create a role that
    trusts it (with ``require_mfa``, only with MFA). Returns (provider ARN, role ARN)."""
    iam = scenario.root(account).client("iam")
    provider = f"arn:aws:iam::{account}:saml-provider/CorpIdP"
    listed = iam.list_saml_providers()["SAMLProviderList"]
    if provider not in {p["Arn"] for p in listed}:
        iam.create_saml_provider(Name="CorpIdP", SAMLMetadataDocument=idp_metadata(SAML_ENTITY))
    condition: dict[str, Any] = {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
    if require_mfa:
        condition.update(REQUIRE_MFA)
    trust = _trust({"Federated": provider}, "sts:AssumeRoleWithSAML", condition)
    role = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    return provider, role


_MD = "urn:oasis:names:tc:SAML:2.0:metadata"
_DS = "http://www.w3.org/2000/09/xmldsig#"


def idp_metadata(entity_id: str) -> str:
    """The metadata document the company's SAML identity provider publishes (what an
    administrator uploads with ``CreateSAMLProvider``). The lab's IdP signs its assertions
    with a lab-held key, so the certificate here is deterministic filler."""
    filler = b"".join(hashlib.sha256(f"{entity_id}:{n}".encode()).digest() for n in range(24))
    root = ET.Element(f"{{{_MD}}}EntityDescriptor", {"entityID": entity_id})
    idp = ET.SubElement(
        root,
        f"{{{_MD}}}IDPSSODescriptor",
        {"protocolSupportEnumeration": "urn:oasis:names:tc:SAML:2.0:protocol"},
    )
    key = ET.SubElement(idp, f"{{{_MD}}}KeyDescriptor", {"use": "signing"})
    data = ET.SubElement(ET.SubElement(key, f"{{{_DS}}}KeyInfo"), f"{{{_DS}}}X509Data")
    ET.SubElement(data, f"{{{_DS}}}X509Certificate").text = base64.b64encode(filler).decode()
    ET.SubElement(
        idp,
        f"{{{_MD}}}SingleSignOnService",
        {
            "Binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
            "Location": f"{entity_id.rstrip('/')}/sso",
        },
    )
    return ET.tostring(root, encoding="unicode")


def mfa_keys(context: Mapping[str, Any]) -> dict[str, Any]:
    """The two MFA keys of a request context, ``(absent)`` when the request lacks them."""
    keys = ("aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge")
    return {k: context.get(k, "(absent)") for k in keys}


def satisfies_mfa(context: Mapping[str, Any]) -> bool:
    """Whether a request with ``context`` passes ``Bool aws:MultiFactorAuthPresent true``."""
    policy = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                      "Condition": REQUIRE_MFA},
    }  # fmt: skip
    return bool(
        evaluate(
            action="s3:GetObject",
            resource="arn:aws:s3:::any-bucket/any-key",
            principal="arn:aws:iam::111111111111:user/anyone",
            context=dict(context),
            identity_policies=[policy],
        )
    )


def mfa_summary(contexts: Mapping[str, Mapping[str, Any]]) -> Any:
    """One row per kind of credentials: its MFA keys, and whether it passes
    ``Bool aws:MultiFactorAuthPresent true`` (decided by the policy engine). A DataFrame where
    pandas is installed, else an :class:`iamlab.tables.Table`."""
    rows = []
    for kind, context in contexts.items():
        passes = "yes" if satisfies_mfa(context) else "no"
        rows.append({"credentials": kind, **mfa_keys(context), "passes Bool MFA true": passes})
    return tables.frame(rows, index="credentials")


def add_user_with_mfa(
    scenario: Scenario, account: str, name: str, policy: Mapping[str, Any], detail: str = ""
) -> Actor:
    """As ``account``'s root: create user ``name`` with an inline policy, access keys and an
    enabled virtual MFA device (two consecutive codes). Adds the actor to the scenario."""
    lab = scenario.lab
    iam = scenario.root(account).client("iam")
    arn = iam.create_user(UserName=name)["User"]["Arn"]
    iam.put_user_policy(UserName=name, PolicyName="Policy", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    serial = enable_virtual_mfa(lab, iam, name)
    lab.clock.advance(seconds=30)  # the codes used to enable the device are spent
    actor = Actor(name, account, arn, lab.session(key), key, serial, detail)
    scenario.actors[name] = actor
    return actor
