"""Notebook 09 (considerations): where MFA cannot help.

Helpers that add federation to a story's lab (an OIDC provider and a SAML provider, each
with a role), a table of what each kind of credentials tells AWS about MFA, and the
cross-account diagram with the extra user an administrator of account B creates.
Every helper makes the same boto3 calls a learner would type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from iamlab.diagrams import Diagram, draw, trust_flow
from iamlab.diagrams.model import Edge, Node
from iamlab.policy import evaluate

from .base import Actor, Attempt, Scenario, enable_virtual_mfa

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
    if provider not in scenario.lab.account(account).providers:
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
    from iamlab.aws.services.sts_saml import saml_metadata

    iam = scenario.root(account).client("iam")
    provider = f"arn:aws:iam::{account}:saml-provider/CorpIdP"
    if provider not in scenario.lab.account(account).providers:
        iam.create_saml_provider(Name="CorpIdP", SAMLMetadataDocument=saml_metadata(SAML_ENTITY))
    condition: dict[str, Any] = {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
    if require_mfa:
        condition.update(REQUIRE_MFA)
    trust = _trust({"Federated": provider}, "sts:AssumeRoleWithSAML", condition)
    role = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    return provider, role


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


def mfa_summary(contexts: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """One row per kind of credentials: its MFA keys, and whether it passes
    ``Bool aws:MultiFactorAuthPresent true`` (decided by the policy engine)."""
    rows = []
    for kind, context in contexts.items():
        passes = "yes" if satisfies_mfa(context) else "no"
        rows.append({"credentials": kind, **mfa_keys(context), "passes Bool MFA true": passes})
    return pd.DataFrame(rows).set_index("credentials")


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


def diagram_with_extra_users(
    scenario: Scenario, attempts: Iterable[Attempt], extra: Iterable[Actor]
) -> Diagram:
    """The story's diagram, plus users created after the story was built (with their MFA
    devices, the trust they fall under and their calls)."""
    attempts = list(attempts)
    flow = trust_flow(scenario, attempts)
    for actor in extra:
        uid = f"{actor.account}_extra_{actor.name}"
        flow.add_node(Node(uid, actor.name, "user", actor.account, actor.detail))
        if actor.mfa_serial:
            flow.add_node(
                Node(uid + "_mfa", f"{actor.name}'s MFA", "mfa", actor.account, actor.mfa_serial)
            )
            flow.add_edge(Edge(uid + "_mfa", uid, "mfa"))
        for trust in [e for e in flow.edges if e.kind == "trust"]:
            source = flow.node(trust.source)
            if source is not None and source.account == actor.account:
                flow.add_edge(Edge(uid, trust.target, "trust", trust.label))
        roles = {n.label: n.id for n in flow.nodes if n.kind == "role"}
        for a in attempts:
            if a.who != actor.name:
                continue
            target = next((rid for name, rid in roles.items() if a.target.endswith(name)), None)
            if target is not None:
                label = a.action.split(":", 1)[-1]
                note = re.search(r"\(([^)]*)\)", a.label)
                if note:
                    label += f" ({note.group(1)})"
                flow.add_edge(Edge(uid, target, "call", label, a.outcome))
    return draw(flow)
