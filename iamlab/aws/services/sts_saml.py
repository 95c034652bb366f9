"""SAML 2.0 federation: IAM SAML providers and STS ``AssumeRoleWithSAML``.

The lab plays the identity provider. ``lab.saml_assertion(provider_arn, subject,
role_arn)`` mints a base64 SAML response: a small, deterministic XML document whose
``ds:SignatureValue`` is an **HMAC made with a lab-held key** (derived from the lab's
seed and the IdP's entity ID), not an XML-DSig RSA signature: nothing real is signed
or checked offline. STS accepts only responses that parse, carry that HMAC over their
fields, come from the issuer named in the provider's metadata and are still fresh;
anything else fails with STS's own codes (``InvalidIdentityToken``,
``ExpiredTokenException``, ``AccessDenied``...).

The trust policy sees the provider ARN as principal (``{"Federated": ARN}``) and the
SAML keys ``saml:aud`` (the ``Recipient``), ``saml:sub``, ``saml:sub_type``, ``saml:iss``,
``saml:doc``, ``saml:namequalifier`` and any eduPerson attributes minted.  The role
session carries no MFA keys (``docs/aws-behaviour.md``, D1: federated identities).

Messages marked "observed" were seen in public issue threads (3rd-party, not AWS docs):
"Response signature invalid" (cevoaustralia/aws-google-auth#270), "Issuer not present
in specified provider" (dbeaver/cloudbeaver#3112), "Response has expired"
(Versent/saml2aws#759), "Token must be redeemed within 5 minutes of issuance"
(Nike-Inc/gimme-aws-creds#251), the RoleSessionName pattern message
(MicrosoftDocs/azure-docs#45025), "Not authorized to perform sts:AssumeRoleWithSAML"
(aws/aws-sdk-net#744), "Could not parse metadata" (BELIEVED).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from ..clock import iso
from ..credentials import Caller
from ..errors import LabError, LabUsageError
from ..state import AccountState, IdentityProvider
from ._call import Call
from ._registry import operation
from ._sts_common import federated_role_session, role_session_response

if TYPE_CHECKING:
    from ..lab import Lab

AWS_SAML_ENDPOINT = "https://signin.aws.amazon.com/saml"
AWS_AUDIENCE = "urn:amazon:webservices"
ATTR = "https://aws.amazon.com/SAML/Attributes/"
NAMEID_PREFIX = "urn:oasis:names:tc:SAML:2.0:nameid-format:"
REDEEM_WINDOW = 300  # seconds: a response must be redeemed within 5 minutes of issuance
NS = {
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
}
# SAML attribute names AWS maps to trust-policy keys (eduPerson / X.500 OIDs)
EDU_OIDS = {
    "edupersonaffiliation": "urn:oid:1.3.6.1.4.1.5923.1.1.1.1",
    "edupersonnickname": "urn:oid:1.3.6.1.4.1.5923.1.1.1.2",
    "edupersonorgdn": "urn:oid:1.3.6.1.4.1.5923.1.1.1.3",
    "edupersonorgunitdn": "urn:oid:1.3.6.1.4.1.5923.1.1.1.4",
    "edupersonprimaryaffiliation": "urn:oid:1.3.6.1.4.1.5923.1.1.1.5",
    "edupersonprincipalname": "urn:oid:1.3.6.1.4.1.5923.1.1.1.6",
    "edupersonentitlement": "urn:oid:1.3.6.1.4.1.5923.1.1.1.7",
    "edupersonprimaryorgunitdn": "urn:oid:1.3.6.1.4.1.5923.1.1.1.8",
    "edupersonscopedaffiliation": "urn:oid:1.3.6.1.4.1.5923.1.1.1.9",
    "edupersontargetedid": "urn:oid:1.3.6.1.4.1.5923.1.1.1.10",
    "edupersonassurance": "urn:oid:1.3.6.1.4.1.5923.1.1.1.11",
    "cn": "urn:oid:2.5.4.3",
}
_KEY_OF_OID = {oid: key for key, oid in EDU_OIDS.items()}
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}", re.ASCII)
_PROVIDER_NAME = re.compile(r"[\w._-]+", re.ASCII)
SESSION_NAME_MSG = "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"
NOT_AUTHORIZED = "Not authorized to perform sts:AssumeRoleWithSAML"

for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)


def _q(prefix: str, tag: str) -> str:
    return f"{{{NS[prefix]}}}{tag}"


def _invalid_token(message: str) -> LabError:
    return LabError("InvalidIdentityToken", message, 400)


def _time(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def _safe_xml(text: str) -> ET.Element | None:
    """Parse XML, refusing document type declarations and entities (no XXE, no bombs)."""
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        return None
    try:
        return ET.fromstring(text)
    except ET.ParseError:
        return None


# ---- metadata ------------------------------------------------------------------------------
def saml_metadata(entity_id: str, sso_url: str | None = None) -> str:
    """An IdP metadata document for ``CreateSAMLProvider`` (at least 1,000 characters).

    The certificate is lab filler (deterministic bytes), not a real X.509 certificate:
    the lab's IdP signs with an HMAC, see the module docstring.
    """
    sso_url = sso_url or f"{entity_id.rstrip('/')}/sso"
    filler = b"".join(hashlib.sha256(f"{entity_id}:{n}".encode()).digest() for n in range(24))
    cert = base64.b64encode(filler).decode()
    root = ET.Element(_q("md", "EntityDescriptor"), {"entityID": entity_id})
    idp = ET.SubElement(
        root,
        _q("md", "IDPSSODescriptor"),
        {"protocolSupportEnumeration": "urn:oasis:names:tc:SAML:2.0:protocol"},
    )
    key = ET.SubElement(idp, _q("md", "KeyDescriptor"), {"use": "signing"})
    info = ET.SubElement(key, _q("ds", "KeyInfo"))
    x509 = ET.SubElement(ET.SubElement(info, _q("ds", "X509Data")), _q("ds", "X509Certificate"))
    x509.text = cert
    ET.SubElement(idp, _q("md", "NameIDFormat")).text = NAMEID_PREFIX + "persistent"
    ET.SubElement(
        idp,
        _q("md", "SingleSignOnService"),
        {"Binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect", "Location": sso_url},
    )
    comment = ET.Comment(" iamlab: lab IdP metadata; the certificate above is filler ")
    root.insert(0, comment)
    return ET.tostring(root, encoding="unicode")


def metadata_entity_id(document: str) -> str | None:
    """The ``entityID`` of an ``EntityDescriptor`` document, or None if it does not parse."""
    root = _safe_xml(document)
    if root is None or root.tag != _q("md", "EntityDescriptor"):
        return None
    return root.get("entityID") or None


def _valid_until(document: str) -> datetime | None:
    root = _safe_xml(document)
    return _parse_time(root.get("validUntil")) if root is not None else None


# ---- IAM: SAML providers ---------------------------------------------------------------------
def _extra(acct: AccountState) -> dict[str, dict[str, Any]]:
    """Per-provider data IdentityProvider has no field for: UUID and tags."""
    return acct.extension("iam_saml")


def _check_metadata(document: str) -> str:
    entity_id = metadata_entity_id(document)
    if entity_id is None:
        raise LabError("InvalidInput", "Could not parse metadata", 400)
    return entity_id


@operation("iam", "CreateSAMLProvider")
def create_saml_provider(call: Call, params: dict) -> dict:
    """Register a SAML 2.0 identity provider from its metadata document."""
    acct = call.account_state()
    name = params["Name"]
    if not _PROVIDER_NAME.fullmatch(name):
        raise LabError(
            "ValidationError",
            f"1 validation error detected: Value '{name}' at 'name' failed to satisfy "
            r"constraint: Member must satisfy regular expression pattern: [\w._-]+",
            400,
        )
    arn = f"arn:aws:iam::{acct.account_id}:saml-provider/{name}"
    call.authorize("iam:CreateSAMLProvider", arn)
    _check_metadata(params["SAMLMetadataDocument"])
    if arn in acct.providers:
        raise LabError("EntityAlreadyExists", f"SAMLProvider {name} already exists.", 409)
    acct.providers[arn] = IdentityProvider(
        arn, "saml", name, call.now, metadata=params["SAMLMetadataDocument"]
    )
    digest = hashlib.sha256(f"{call.lab.seed}:{arn}:{call.now.isoformat()}".encode()).digest()
    tags = list(params.get("Tags", []))
    _extra(acct)[arn] = {"uuid": str(uuid.UUID(bytes=digest[:16], version=4)), "tags": tags}
    out: dict[str, Any] = {"SAMLProviderArn": arn}
    if tags:
        out["Tags"] = tags
    return out


def _get(call: Call, arn: str, action: str) -> IdentityProvider:
    call.authorize(action, arn)
    provider = call.account_state().providers.get(arn)
    if provider is None or provider.kind != "saml":
        raise LabError("NoSuchEntity", f"Manifest not found for arn {arn}", 404)
    return provider


@operation("iam", "GetSAMLProvider")
def get_saml_provider(call: Call, params: dict) -> dict:
    """A provider's metadata document, dates, UUID and tags."""
    p = _get(call, params["SAMLProviderArn"], "iam:GetSAMLProvider")
    extra = _extra(call.account_state()).get(p.arn, {})
    out: dict[str, Any] = {"SAMLMetadataDocument": p.metadata, "CreateDate": p.created}
    if extra.get("uuid"):
        out["SAMLProviderUUID"] = extra["uuid"]
    valid_until = _valid_until(p.metadata)
    if valid_until is not None:
        out["ValidUntil"] = valid_until
    if extra.get("tags"):
        out["Tags"] = list(extra["tags"])
    return out


@operation("iam", "ListSAMLProviders")
def list_saml_providers(call: Call, params: dict) -> dict:
    """The account's SAML providers."""
    acct = call.account_state()
    call.authorize("iam:ListSAMLProviders", "*")
    items = []
    for p in acct.providers.values():
        if p.kind == "saml":
            item: dict[str, Any] = {"Arn": p.arn, "CreateDate": p.created}
            valid_until = _valid_until(p.metadata)
            if valid_until is not None:
                item["ValidUntil"] = valid_until
            items.append(item)
    return {"SAMLProviderList": items}


@operation("iam", "UpdateSAMLProvider")
def update_saml_provider(call: Call, params: dict) -> dict:
    """Replace a provider's metadata (its issuer may change: old responses then fail)."""
    p = _get(call, params["SAMLProviderArn"], "iam:UpdateSAMLProvider")
    if params.get("SAMLMetadataDocument") is not None:
        _check_metadata(params["SAMLMetadataDocument"])
        p.metadata = params["SAMLMetadataDocument"]
    return {"SAMLProviderArn": p.arn}


@operation("iam", "DeleteSAMLProvider")
def delete_saml_provider(call: Call, params: dict) -> dict:
    """Remove a provider: its responses stop working at once."""
    p = _get(call, params["SAMLProviderArn"], "iam:DeleteSAMLProvider")
    acct = call.account_state()
    del acct.providers[p.arn]
    _extra(acct).pop(p.arn, None)
    return {}


# ---- the lab's identity provider ----------------------------------------------------------
def _key(seed: int, issuer: str) -> bytes:
    return hashlib.sha256(f"iamlab-saml:{seed}:{issuer}".encode()).digest()


def _signature(seed: int, fields: dict[str, Any]) -> str:
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    digest = hmac.new(_key(seed, fields["iss"]), text.encode(), "sha256").digest()
    return base64.b64encode(digest).decode()


def _fields(
    issuer: str,
    subject: str,
    subject_format: str,
    recipient: str,
    issued: str,
    expires: str,
    attributes: dict[str, list[str]],
) -> dict[str, Any]:
    return {
        "iss": issuer,
        "sub": subject,
        "fmt": subject_format,
        "rcpt": recipient,
        "iat": issued,
        "exp": expires,
        "aud": AWS_AUDIENCE,
        "attrs": attributes,
    }


def mint_assertion(
    lab: Lab,
    provider_arn: str,
    subject: str,
    role_arn: str,
    audience: str = AWS_SAML_ENDPOINT,
    session_name: str | None = None,
    expires_in: int = 300,
    subject_type: str = "persistent",
    issuer: str | None = None,
    source_identity: str | None = None,
    attributes: dict[str, str | list[str]] | None = None,
) -> str:
    """A base64 SAML response from the lab's IdP (see :meth:`Lab.saml_assertion`)."""
    if issuer is None:
        parts = provider_arn.split(":")
        acct = lab.accounts.get(parts[4]) if len(parts) == 6 else None
        provider = acct.providers.get(provider_arn) if acct else None
        if provider is None or provider.kind != "saml":
            raise LabUsageError(
                f"no SAML provider {provider_arn} in the lab: create it first "
                "(iam.create_saml_provider) or pass issuer= explicitly"
            )
        issuer = metadata_entity_id(provider.metadata) or ""
    now = lab.clock.now()
    fmt = subject_type if ":" in subject_type else NAMEID_PREFIX + subject_type
    attrs: dict[str, list[str]] = {
        ATTR + "Role": [f"{role_arn},{provider_arn}"],
        ATTR + "RoleSessionName": [session_name if session_name is not None else subject],
    }
    if source_identity is not None:
        attrs[ATTR + "SourceIdentity"] = [source_identity]
    for key, values in (attributes or {}).items():
        oid = EDU_OIDS.get(key.lower().removeprefix("saml:"))
        if oid is None:
            raise LabUsageError(
                f"unknown SAML attribute {key!r}; the lab maps: {', '.join(sorted(EDU_OIDS))}"
            )
        attrs[oid] = [values] if isinstance(values, str) else list(values)
    fields = _fields(
        issuer, subject, fmt, audience, _time(now), _time(now + timedelta(seconds=expires_in)),
        attrs,
    )  # fmt: skip
    return base64.b64encode(_response_xml(fields, _signature(lab.seed, fields)).encode()).decode()


def _response_xml(f: dict[str, Any], signature: str) -> str:
    rid = "_" + hashlib.sha256(signature.encode()).hexdigest()[:32]
    root = ET.Element(
        _q("samlp", "Response"),
        {"ID": rid, "Version": "2.0", "IssueInstant": f["iat"], "Destination": f["rcpt"]},
    )
    root.append(ET.Comment(" minted by iamlab (lab.saml_assertion); HMAC-signed, not XML-DSig "))
    ET.SubElement(root, _q("saml", "Issuer")).text = f["iss"]
    status = ET.SubElement(root, _q("samlp", "Status"))
    ET.SubElement(
        status, _q("samlp", "StatusCode"), {"Value": "urn:oasis:names:tc:SAML:2.0:status:Success"}
    )
    assertion = ET.SubElement(
        root, _q("saml", "Assertion"), {"ID": rid + "a", "Version": "2.0", "IssueInstant": f["iat"]}
    )
    ET.SubElement(assertion, _q("saml", "Issuer")).text = f["iss"]
    sig = ET.SubElement(assertion, _q("ds", "Signature"))
    ET.SubElement(sig, _q("ds", "SignatureValue")).text = signature
    key_info = ET.SubElement(sig, _q("ds", "KeyInfo"))
    ET.SubElement(key_info, _q("ds", "KeyName")).text = "iamlab-hmac-sha256"
    subject = ET.SubElement(assertion, _q("saml", "Subject"))
    ET.SubElement(subject, _q("saml", "NameID"), {"Format": f["fmt"]}).text = f["sub"]
    confirmation = ET.SubElement(
        subject,
        _q("saml", "SubjectConfirmation"),
        {"Method": "urn:oasis:names:tc:SAML:2.0:cm:bearer"},
    )
    ET.SubElement(
        confirmation,
        _q("saml", "SubjectConfirmationData"),
        {"NotOnOrAfter": f["exp"], "Recipient": f["rcpt"]},
    )
    conditions = ET.SubElement(
        assertion, _q("saml", "Conditions"), {"NotBefore": f["iat"], "NotOnOrAfter": f["exp"]}
    )
    restriction = ET.SubElement(conditions, _q("saml", "AudienceRestriction"))
    ET.SubElement(restriction, _q("saml", "Audience")).text = f["aud"]
    statement = ET.SubElement(assertion, _q("saml", "AttributeStatement"))
    for name, values in f["attrs"].items():
        attribute = ET.SubElement(statement, _q("saml", "Attribute"), {"Name": name})
        for value in values:
            ET.SubElement(attribute, _q("saml", "AttributeValue")).text = value
    return ET.tostring(root, encoding="unicode")


def read_response(seed: int, encoded: str) -> tuple[dict[str, Any], bool] | None:
    """``(fields, signature ok)`` of a SAML response, or None if it is not one the lab can read."""
    try:
        text = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    root = _safe_xml(text)
    if root is None or root.tag != _q("samlp", "Response"):
        return None
    a = root.find("saml:Assertion", NS)
    if a is None:
        return None
    issuer = a.findtext("saml:Issuer", None, NS)
    name_id = a.find("saml:Subject/saml:NameID", NS)
    data = a.find("saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData", NS)
    conditions = a.find("saml:Conditions", NS)
    audience = a.findtext("saml:Conditions/saml:AudienceRestriction/saml:Audience", None, NS)
    signature = a.findtext("ds:Signature/ds:SignatureValue", None, NS)
    if None in (issuer, name_id, data, conditions, audience, signature):
        return None
    attrs: dict[str, list[str]] = {}
    for attribute in a.findall("saml:AttributeStatement/saml:Attribute", NS):
        values = [v.text or "" for v in attribute.findall("saml:AttributeValue", NS)]
        attrs[attribute.get("Name", "")] = values
    fields = _fields(
        issuer or "",
        (name_id.text if name_id is not None else None) or "",
        name_id.get("Format", "") if name_id is not None else "",
        data.get("Recipient", "") if data is not None else "",
        a.get("IssueInstant", ""),
        conditions.get("NotOnOrAfter", "") if conditions is not None else "",
        attrs,
    )
    fields["aud"] = audience
    ok = hmac.compare_digest(_signature(seed, fields), signature or "")
    return fields, ok


# ---- STS: AssumeRoleWithSAML --------------------------------------------------------------------
class SamlCaller(Caller):
    """The anonymous caller of AssumeRoleWithSAML, named after its SAML provider."""

    @property
    def label(self) -> str:
        return "SAML assertion"


def name_qualifier(issuer: str, account: str, provider_name: str) -> str:
    """``BASE64(SHA1(issuer + account + "/" + provider name))`` (STS API reference)."""
    digest = hashlib.sha1(f"{issuer}{account}/{provider_name}".encode()).digest()
    return base64.b64encode(digest).decode()


def _provider(call: Call, arn: str) -> tuple[AccountState, IdentityProvider]:
    parts = arn.split(":")
    acct = call.lab.accounts.get(parts[4]) if len(parts) == 6 else None
    provider = acct.providers.get(arn) if acct else None
    if acct is None or provider is None or provider.kind != "saml":
        # BELIEVED: the exact text AWS uses for an unknown provider was not found
        raise _invalid_token(f"SAML provider {arn} does not exist in this account")
    return acct, provider


def _pairs(values: list[str]) -> set[tuple[str, str]]:
    """(role ARN, provider ARN) pairs of the Role attribute (either order is accepted)."""
    out = set()
    for value in values:
        items = [v.strip() for v in value.split(",")]
        if len(items) == 2:
            role = next((v for v in items if ":role/" in v), None)
            idp = next((v for v in items if ":saml-provider/" in v), None)
            if role and idp:
                out.add((role, idp))
    return out


@operation("sts", "AssumeRoleWithSAML")
def assume_role_with_saml(call: Call, params: dict) -> dict:
    """Role credentials for a user signed in to a SAML IdP (unsigned request)."""
    read = read_response(call.lab.seed, params["SAMLAssertion"])
    if read is None:
        raise _invalid_token(
            "Invalid SAML response: it could not be parsed (iamlab accepts only responses "
            "made by lab.saml_assertion)"
        )
    fields, signed = read
    provider_arn = params["PrincipalArn"]
    acct, provider = _provider(call, provider_arn)
    if fields["iss"] != metadata_entity_id(provider.metadata):
        raise _invalid_token("Issuer not present in specified provider")
    if not signed:
        raise _invalid_token("Response signature invalid")
    now = call.now
    expires, issued = _parse_time(fields["exp"]), _parse_time(fields["iat"])
    if expires is None or issued is None or fields["aud"] != AWS_AUDIENCE:
        raise _invalid_token("Invalid SAML response")
    if now >= expires:
        raise LabError("ExpiredTokenException", "Response has expired", 400)
    if now > issued + timedelta(seconds=REDEEM_WINDOW):
        raise LabError(
            "ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance", 400
        )
    attrs = fields["attrs"]
    session_name = (attrs.get(ATTR + "RoleSessionName") or [""])[0]
    if not _SESSION_NAME.fullmatch(session_name):
        raise _invalid_token(SESSION_NAME_MSG)
    role_arn = params["RoleArn"]
    if (role_arn, provider_arn) not in _pairs(attrs.get(ATTR + "Role", [])):
        raise LabError("AccessDenied", NOT_AUTHORIZED, 403)
    parts = role_arn.split(":", 5)
    role_acct = call.lab.accounts.get(parts[4]) if len(parts) == 6 else None
    role = role_acct.raw("roles").get(parts[5].rsplit("/", 1)[-1].lower()) if role_acct else None
    if role is None or role.arn != role_arn or role_acct is not acct:
        raise LabError("AccessDenied", NOT_AUTHORIZED, 403)

    issuer, subject = fields["iss"], fields["sub"]
    qualifier = name_qualifier(issuer, acct.account_id, provider.name)
    sub_type = fields["fmt"].removeprefix(NAMEID_PREFIX)
    call.caller = SamlCaller(
        account=acct.account_id,
        arn=provider_arn,
        principal_arn=provider_arn,
        principal_type="SAMLUser",
        userid=f"{qualifier}:{subject}",
        kind="anonymous",
    )
    ctx: dict[str, Any] = {
        "aws:CurrentTime": iso(now),
        "aws:EpochTime": str(int(now.timestamp())),
        "aws:SecureTransport": "true",
        "saml:aud": fields["rcpt"],
        "saml:iss": issuer,
        "saml:sub": subject,
        "saml:sub_type": sub_type,
        "saml:doc": f"{acct.account_id}/{provider.name}",
        "saml:namequalifier": qualifier,
    }
    for name, values in attrs.items():
        if name in _KEY_OF_OID:
            ctx[f"saml:{_KEY_OF_OID[name]}"] = values
    source_identity = (attrs.get(ATTR + "SourceIdentity") or [None])[0]
    if source_identity is not None:
        ctx["sts:SourceIdentity"] = source_identity
    for action in ["sts:AssumeRoleWithSAML"] + (
        ["sts:SetSourceIdentity"] if source_identity is not None else []
    ):
        try:
            call.authorize(
                action,
                role.arn,
                resource_policy=role.trust.parsed if role.trust else None,
                resource_account=acct.account_id,
                context=ctx,
            )
        except LabError:
            raise LabError("AccessDenied", NOT_AUTHORIZED, 403) from None
    s, packed = federated_role_session(
        call,
        "AssumeRoleWithSAML",
        role,
        acct.account_id,
        session_name,
        params,
        source_identity=source_identity,
    )
    return role_session_response(
        s,
        role,
        acct.account_id,
        packed,
        Subject=subject,
        SubjectType=sub_type,
        Issuer=issuer,
        Audience=fields["rcpt"],
        NameQualifier=qualifier,
    )
