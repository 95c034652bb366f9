"""SAML providers and AssumeRoleWithSAML with lab-minted SAML responses."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from botocore.exceptions import ClientError

from iamlab.aws import Lab
from iamlab.aws.errors import LabUsageError
from iamlab.aws.services.sts_saml import saml_metadata

from .conftest import A

ENTITY = "https://idp.example.com/saml"
PROVIDER = f"arn:aws:iam::{A}:saml-provider/Corp"
ROLE = f"arn:aws:iam::{A}:role/Fed"
AWS_AUD = "https://signin.aws.amazon.com/saml"


def trust(*conditions: dict, provider: str = PROVIDER, actions: list[str] | None = None) -> str:
    statement: dict = {
        "Effect": "Allow",
        "Principal": {"Federated": provider},
        "Action": actions or "sts:AssumeRoleWithSAML",
    }
    if conditions:
        statement["Condition"] = {k: v for c in conditions for k, v in c.items()}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


AUD_CONDITION = {"StringEquals": {"SAML:aud": AWS_AUD}}


@pytest.fixture
def iam(a):
    iam = a.client("iam")
    arn = iam.create_saml_provider(Name="Corp", SAMLMetadataDocument=saml_metadata(ENTITY))
    assert arn["SAMLProviderArn"] == PROVIDER
    iam.create_role(RoleName="Fed", AssumeRolePolicyDocument=trust(AUD_CONDITION))
    return iam


@pytest.fixture
def sts(lab, iam):
    return lab.session().client("sts")  # unsigned call: no credentials needed


def assume(sts, assertion: str, role: str = ROLE, provider: str = PROVIDER, **kwargs):
    return sts.assume_role_with_saml(
        RoleArn=role, PrincipalArn=provider, SAMLAssertion=assertion, **kwargs
    )


def code_and_message(e: pytest.ExceptionInfo) -> tuple[str, str]:
    err = e.value.response["Error"]
    return err["Code"], err["Message"]


def test_success_path_and_response_shape(lab, sts) -> None:
    r = assume(sts, lab.saml_assertion(PROVIDER, "alice@example.com", ROLE))
    assert r["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{A}:assumed-role/Fed/alice@example.com"
    assert r["AssumedRoleUser"]["AssumedRoleId"].endswith(":alice@example.com")
    assert (r["Subject"], r["SubjectType"]) == ("alice@example.com", "persistent")
    assert (r["Issuer"], r["Audience"]) == (ENTITY, AWS_AUD)
    # STS API reference: BASE64(SHA1(issuer + account id + "/" + provider name))
    expected = base64.b64encode(hashlib.sha1(f"{ENTITY}{A}/Corp".encode()).digest()).decode()
    assert r["NameQualifier"] == expected
    assert "PackedPolicySize" not in r and "SourceIdentity" not in r
    assert r["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert (r["Credentials"]["Expiration"] - lab.clock.now()).total_seconds() == 3600
    row = lab.trail().iloc[-1]
    assert (row["principal"], row["credentials"], row["decision"]) == (
        PROVIDER,
        "SAML assertion",
        "allowed",
    )
    who = lab.session(r["Credentials"]).client("sts").get_caller_identity()
    assert who["Arn"] == r["AssumedRoleUser"]["Arn"]
    assert lab.trail().iloc[-1]["credentials"] == "AssumeRoleWithSAML"


@pytest.mark.parametrize("mode", ["mfa_page", "propagate"])
def test_federated_sessions_carry_no_mfa_keys(mode) -> None:
    lab = Lab(role_session_mfa=mode)
    iam = lab.create_account(A).client("iam")
    iam.create_saml_provider(Name="Corp", SAMLMetadataDocument=saml_metadata(ENTITY))
    iam.create_role(RoleName="Fed", AssumeRolePolicyDocument=trust())
    creds = assume(lab.session().client("sts"), lab.saml_assertion(PROVIDER, "alice", ROLE))[
        "Credentials"
    ]
    ctx = lab.request_context(creds)
    assert "aws:MultiFactorAuthPresent" not in ctx and "aws:MultiFactorAuthAge" not in ctx
    assert ctx["aws:PrincipalType"] == "AssumedRole"
    assert ctx["aws:PrincipalArn"] == ROLE
    assert "aws:TokenIssueTime" in ctx


def test_wrong_audience_fails_the_trust_policy(lab, iam, sts) -> None:
    bad = lab.saml_assertion(PROVIDER, "alice", ROLE, audience="https://evil.example.com/saml")
    with pytest.raises(ClientError) as e:
        assume(sts, bad)
    assert code_and_message(e) == (
        "AccessDenied",
        "Not authorized to perform sts:AssumeRoleWithSAML",
    )
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    # the Recipient is what saml:aud holds: without the condition the same response works
    iam.update_assume_role_policy(RoleName="Fed", PolicyDocument=trust())
    assert assume(sts, bad)["Audience"] == "https://evil.example.com/saml"


def test_unknown_and_deleted_providers(lab, iam, sts) -> None:
    assertion = lab.saml_assertion(PROVIDER, "alice", ROLE)
    with pytest.raises(ClientError) as e:
        assume(sts, assertion, provider=f"arn:aws:iam::{A}:saml-provider/Nobody")
    assert code_and_message(e)[0] == "InvalidIdentityToken"
    iam.delete_saml_provider(SAMLProviderArn=PROVIDER)
    with pytest.raises(ClientError) as e:
        assume(sts, assertion)
    assert code_and_message(e)[0] == "InvalidIdentityToken"
    with pytest.raises(LabUsageError):
        lab.saml_assertion(PROVIDER, "alice", ROLE)  # nothing to mint for


def test_issuer_must_be_the_providers(lab, iam, sts) -> None:
    other = iam.create_saml_provider(
        Name="Other", SAMLMetadataDocument=saml_metadata("https://other.example.org")
    )["SAMLProviderArn"]
    forged = lab.saml_assertion(PROVIDER, "alice", ROLE, issuer="https://other.example.org")
    with pytest.raises(ClientError) as e:
        assume(sts, forged)
    assert code_and_message(e) == (
        "InvalidIdentityToken",
        "Issuer not present in specified provider",
    )
    with pytest.raises(ClientError) as e:
        assume(sts, lab.saml_assertion(PROVIDER, "alice", ROLE), provider=other)
    assert code_and_message(e)[1] == "Issuer not present in specified provider"


def test_expired_assertions(lab, sts) -> None:
    short = lab.saml_assertion(PROVIDER, "alice", ROLE, expires_in=60)
    long = lab.saml_assertion(PROVIDER, "alice", ROLE, expires_in=3600)
    lab.clock.advance(seconds=59)
    assume(sts, short)  # still in time
    lab.clock.advance(seconds=1)
    with pytest.raises(ClientError) as e:
        assume(sts, short)
    assert code_and_message(e) == ("ExpiredTokenException", "Response has expired")
    lab.clock.advance(seconds=240)
    assume(sts, long)  # exactly 5 minutes after issuance
    lab.clock.advance(seconds=1)
    with pytest.raises(ClientError) as e:
        assume(sts, long)
    assert code_and_message(e) == (
        "ExpiredTokenException",
        "Token must be redeemed within 5 minutes of issuance",
    )


def _edit(assertion: str, old: str, new: str) -> str:
    xml = base64.b64decode(assertion).decode()
    assert old in xml
    return base64.b64encode(xml.replace(old, new).encode()).decode()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda x: _edit(x, ">alice<", ">mallory<"), "Response signature invalid"),
        (lambda x: _edit(x, "Fed,", "Admin,"), "Response signature invalid"),
        (lambda x: base64.b64encode(b"<html/>").decode(), None),
        (lambda x: "not base64 at all!", None),
        (
            lambda x: base64.b64encode(
                b'<!DOCTYPE r [<!ENTITY e "x">]>' + base64.b64decode(x)
            ).decode(),
            None,
        ),
    ],
)
def test_altered_or_foreign_responses_are_refused(lab, sts, mutate, message) -> None:
    with pytest.raises(ClientError) as e:
        assume(sts, mutate(lab.saml_assertion(PROVIDER, "alice", ROLE)))
    code, text = code_and_message(e)
    assert code == "InvalidIdentityToken"
    if message:
        assert text == message


def test_another_labs_assertion_does_not_verify(sts) -> None:
    other = Lab(seed=7)
    other.create_account(A).client("iam").create_saml_provider(
        Name="Corp", SAMLMetadataDocument=saml_metadata(ENTITY)
    )
    with pytest.raises(ClientError) as e:
        assume(sts, other.saml_assertion(PROVIDER, "alice", ROLE))
    assert code_and_message(e) == ("InvalidIdentityToken", "Response signature invalid")


def test_role_must_trust_the_provider_and_be_in_the_response(lab, iam, sts) -> None:
    iam.create_role(
        RoleName="Other",
        AssumeRolePolicyDocument=trust(provider=f"arn:aws:iam::{A}:saml-provider/Elsewhere"),
    )
    other_role = f"arn:aws:iam::{A}:role/Other"
    with pytest.raises(ClientError) as e:
        assume(sts, lab.saml_assertion(PROVIDER, "alice", other_role), role=other_role)
    assert code_and_message(e)[0] == "AccessDenied"
    # a role the IdP did not name in the Role attribute
    with pytest.raises(ClientError) as e:
        assume(sts, lab.saml_assertion(PROVIDER, "alice", ROLE), role=other_role)
    assert code_and_message(e)[0] == "AccessDenied"
    # a role trusting only an account, not the provider
    account_only = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRoleWithSAML"}
            ],
        }
    )
    iam.update_assume_role_policy(RoleName="Fed", PolicyDocument=account_only)
    with pytest.raises(ClientError) as e:
        assume(sts, lab.saml_assertion(PROVIDER, "alice", ROLE))
    assert code_and_message(e)[0] == "AccessDenied"


@pytest.mark.parametrize(
    ("condition", "ok"),
    [
        ({"StringEquals": {"saml:sub": "alice"}}, True),
        ({"StringEquals": {"saml:sub": "bob"}}, False),
        ({"StringEquals": {"saml:iss": ENTITY}}, True),
        ({"StringEquals": {"saml:doc": f"{A}/Corp"}}, True),
        ({"StringEquals": {"saml:sub_type": "persistent"}}, True),
        ({"StringEquals": {"saml:sub_type": "transient"}}, False),
        ({"ForAnyValue:StringEquals": {"saml:edupersonaffiliation": "staff"}}, True),
        ({"ForAnyValue:StringEquals": {"saml:edupersonaffiliation": "student"}}, False),
        ({"Bool": {"aws:MultiFactorAuthPresent": "true"}}, False),
    ],
)
def test_saml_keys_in_the_trust_policy(lab, iam, sts, condition, ok) -> None:
    iam.update_assume_role_policy(RoleName="Fed", PolicyDocument=trust(condition))
    assertion = lab.saml_assertion(
        PROVIDER, "alice", ROLE, attributes={"edupersonaffiliation": ["member", "staff"]}
    )
    if ok:
        assume(sts, assertion)
    else:
        with pytest.raises(ClientError):
            assume(sts, assertion)


def test_name_qualifier_key(lab, iam, sts) -> None:
    qualifier = assume(sts, lab.saml_assertion(PROVIDER, "alice", ROLE))["NameQualifier"]
    iam.update_assume_role_policy(
        RoleName="Fed", PolicyDocument=trust({"StringEquals": {"saml:namequalifier": qualifier}})
    )
    assume(sts, lab.saml_assertion(PROVIDER, "alice", ROLE))


def test_role_session_name_must_match_the_pattern(lab, sts) -> None:
    with pytest.raises(ClientError) as e:
        assume(sts, lab.saml_assertion(PROVIDER, "Alice Smith", ROLE))
    assert code_and_message(e) == (
        "InvalidIdentityToken",
        "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}",
    )
    r = assume(sts, lab.saml_assertion(PROVIDER, "Alice Smith", ROLE, session_name="alice"))
    assert r["Subject"] == "Alice Smith"
    assert r["AssumedRoleUser"]["Arn"].endswith("/Fed/alice")


def test_source_identity_needs_set_source_identity(lab, iam, sts) -> None:
    assertion = lab.saml_assertion(PROVIDER, "alice", ROLE, source_identity="alice")
    with pytest.raises(ClientError) as e:
        assume(sts, assertion)
    assert code_and_message(e)[0] == "AccessDenied"
    iam.update_assume_role_policy(
        RoleName="Fed",
        PolicyDocument=trust(actions=["sts:AssumeRoleWithSAML", "sts:SetSourceIdentity"]),
    )
    r = assume(sts, lab.saml_assertion(PROVIDER, "alice", ROLE, source_identity="alice"))
    assert r["SourceIdentity"] == "alice"
    assert lab.request_context(r["Credentials"])["aws:SourceIdentity"] == "alice"


def test_duration_and_session_policy(lab, sts) -> None:
    with pytest.raises(ClientError) as e:
        assume(sts, lab.saml_assertion(PROVIDER, "alice", ROLE), DurationSeconds=7200)
    assert code_and_message(e)[0] == "ValidationError"
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
        }
    )
    r = assume(sts, lab.saml_assertion(PROVIDER, "alice", ROLE), Policy=policy, DurationSeconds=900)
    assert 0 < r["PackedPolicySize"] <= 100
    assert (r["Credentials"]["Expiration"] - lab.clock.now()).total_seconds() == 900


# ---- IAM SAML providers ---------------------------------------------------------------------
def test_provider_lifecycle(lab, a) -> None:
    iam = a.client("iam")
    metadata = saml_metadata(ENTITY).replace(
        "<md:EntityDescriptor ", '<md:EntityDescriptor validUntil="2030-01-01T00:00:00Z" ', 1
    )
    arn = iam.create_saml_provider(
        Name="Corp", SAMLMetadataDocument=metadata, Tags=[{"Key": "team", "Value": "id"}]
    )["SAMLProviderArn"]
    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["SAMLMetadataDocument"] == metadata
    assert got["ValidUntil"].year == 2030 and got["Tags"] == [{"Key": "team", "Value": "id"}]
    assert len(got["SAMLProviderUUID"]) == 36
    listed = iam.list_saml_providers()["SAMLProviderList"]
    assert [p["Arn"] for p in listed] == [arn]
    with pytest.raises(ClientError) as e:
        iam.create_saml_provider(Name="Corp", SAMLMetadataDocument=metadata)
    assert code_and_message(e)[0] == "EntityAlreadyExists"
    with pytest.raises(ClientError) as e:
        iam.create_saml_provider(Name="Bad", SAMLMetadataDocument="<x>" + "y" * 1000 + "</x>")
    assert code_and_message(e) == ("InvalidInput", "Could not parse metadata")
    iam.delete_saml_provider(SAMLProviderArn=arn)
    assert iam.list_saml_providers()["SAMLProviderList"] == []
    with pytest.raises(ClientError) as e:
        iam.get_saml_provider(SAMLProviderArn=arn)
    assert code_and_message(e)[0] == "NoSuchEntity"


def test_updating_metadata_changes_the_trusted_issuer(lab, iam, sts) -> None:
    old = lab.saml_assertion(PROVIDER, "alice", ROLE)
    iam.update_saml_provider(
        SAMLProviderArn=PROVIDER, SAMLMetadataDocument=saml_metadata("https://new.example.com")
    )
    with pytest.raises(ClientError) as e:
        assume(sts, old)
    assert code_and_message(e)[1] == "Issuer not present in specified provider"
    assert assume(sts, lab.saml_assertion(PROVIDER, "alice", ROLE))["Issuer"] == (
        "https://new.example.com"
    )


def test_provider_operations_need_permission(lab, a) -> None:
    from .conftest import make_user

    eve = make_user(lab, a, "Eve", mfa=False)
    with pytest.raises(ClientError) as e:
        eve.client("iam").create_saml_provider(
            Name="Corp", SAMLMetadataDocument=saml_metadata(ENTITY)
        )
    assert code_and_message(e)[0] == "AccessDenied"
    assert PROVIDER in code_and_message(e)[1]


def test_minting_is_deterministic(iam) -> None:
    def mint() -> str:
        lab = Lab()
        lab.create_account(A).client("iam").create_saml_provider(
            Name="Corp", SAMLMetadataDocument=saml_metadata(ENTITY)
        )
        return lab.saml_assertion(PROVIDER, "alice", ROLE)

    assert mint() == mint()
    with pytest.raises(LabUsageError):
        Lab().saml_assertion(PROVIDER, "alice", ROLE, issuer=ENTITY, attributes={"shoe": "42"})
