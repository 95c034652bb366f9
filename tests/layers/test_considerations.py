"""Notebook 09's helpers: federation roles, the MFA summary, the extra user in the diagram."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

import iamlab.scenarios
from iamlab.diagrams import story_diagram, trust_flow
from iamlab.scenarios import build_cross_account
from iamlab.scenarios.considerations import (
    OIDC_URL,
    SAML_ENTITY,
    add_saml_role,
    add_user_with_mfa,
    add_web_identity_role,
    idp_metadata,
    mfa_keys,
    mfa_summary,
    satisfies_mfa,
)

A, B = "111111111111", "222222222222"


@pytest.fixture
def story():
    return build_cross_account()


def test_web_identity_sessions_carry_no_mfa_and_mfa_roles_refuse_them(story) -> None:
    lab = story.lab
    role = add_web_identity_role(story, A, "Web", subject="u1")
    strict = add_web_identity_role(story, A, "WebMFA", subject="u1", require_mfa=True)
    sts = lab.session().client("sts")
    token = lab.web_identity_token(OIDC_URL, "u1", "books-app")
    out = sts.assume_role_with_web_identity(
        RoleArn=role, RoleSessionName="u1", WebIdentityToken=token
    )
    assert mfa_keys(lab.request_context(out["Credentials"])) == {
        "aws:MultiFactorAuthPresent": "(absent)",
        "aws:MultiFactorAuthAge": "(absent)",
    }
    with pytest.raises(ClientError) as e:
        sts.assume_role_with_web_identity(
            RoleArn=strict, RoleSessionName="u1", WebIdentityToken=token
        )
    assert e.value.response["Error"]["Code"] == "AccessDenied"


def test_saml_sessions_carry_no_mfa(story) -> None:
    lab = story.lab
    provider, role = add_saml_role(story, A, "Saml")
    _, strict = add_saml_role(story, A, "SamlMFA", require_mfa=True)  # provider reused
    sts = lab.session().client("sts")
    out = sts.assume_role_with_saml(
        RoleArn=role,
        PrincipalArn=provider,
        SAMLAssertion=lab.saml_assertion(provider, "mary", role),
    )
    assert "aws:MultiFactorAuthPresent" not in lab.request_context(out["Credentials"])
    with pytest.raises(ClientError):
        sts.assume_role_with_saml(
            RoleArn=strict,
            PrincipalArn=provider,
            SAMLAssertion=lab.saml_assertion(provider, "mary", strict),
        )


def test_a_user_made_by_account_b_passes_the_trust_policy(story) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": story.cross_account_role,
        },
    }
    mallory = add_user_with_mfa(story, B, "Mallory", policy, "created by B's admin")
    assert story.actor("Mallory") is mallory
    code = story.lab.totp(mallory.mfa_serial)
    attempt = story.attempt(
        "Mallory assumes (MFA code)",
        "Mallory",
        "sts:AssumeRole",
        story.cross_account_role,
        lambda: mallory.client("sts").assume_role(
            RoleArn=story.cross_account_role,
            RoleSessionName="Mallory",
            SerialNumber=mallory.mfa_serial,
            TokenCode=code,
        ),
    )
    assert attempt.allowed
    # drawn from the lab: Mallory, her phone, the trust she falls under and her call
    flow = trust_flow(story, [attempt])
    mallory_id = "222222222222_user_Mallory"
    assert flow.node(mallory_id).detail == "created by B's admin"
    assert [(n.label, n.detail) for n in flow.nodes if n.kind == "mfa"] == [
        ("MFA device Richard", "enabled for Richard"),
        ("MFA device Mallory", "enabled for Mallory"),
    ]
    edges = {(e.source, e.target, e.kind, e.label, e.decision) for e in flow.edges}
    role = "111111111111_role_CrossAccountRole"
    assert (mallory_id, role, "trust", "may assume if MFA", None) in edges
    assert (mallory_id, role, "call", "AssumeRole (MFA code)", "allowed") in edges
    assert "Mallory" in story_diagram(story, [attempt]).svg()


def test_summary_decides_with_the_engine(story) -> None:
    contexts = {
        "keys": {},
        "false": {"aws:MultiFactorAuthPresent": "false"},
        "true": {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "5"},
    }
    table = mfa_summary(contexts)
    assert list(table["passes Bool MFA true"]) == ["no", "no", "yes"]
    assert table.loc["keys", "aws:MultiFactorAuthPresent"] == "(absent)"
    assert not satisfies_mfa({}) and satisfies_mfa(contexts["true"])
    assert json.dumps(list(table.columns))  # plain, stable columns


def test_the_saml_metadata_is_the_identity_providers_document(story) -> None:
    metadata = idp_metadata(SAML_ENTITY)
    assert f'entityID="{SAML_ENTITY}"' in metadata and len(metadata) >= 1000  # IAM's minimum
    assert idp_metadata(SAML_ENTITY) == metadata  # deterministic
    provider, _ = add_saml_role(story, A, "Saml")
    iam = story.root(A).client("iam")
    assert iam.get_saml_provider(SAMLProviderArn=provider)["SAMLMetadataDocument"] == metadata


def test_scenarios_import_nothing_above_them_nor_the_emulators_internals() -> None:
    """Layers: policy <- aws <- scenarios <- diagrams, widgets <- exercises."""
    folder = Path(iamlab.scenarios.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert not name.startswith(
                    ("iamlab.diagrams", "iamlab.widgets", "iamlab.exercises", "iamlab.aws.services")
                ), f"{path.name} imports {name}"
