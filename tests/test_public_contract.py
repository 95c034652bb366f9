"""The public contract (``iamlab.evaluate``), called exactly as it is documented."""

from __future__ import annotations

import subprocess
import sys

import iamlab
from iamlab import evaluate


def test_evaluate_as_in_the_design() -> None:
    d = evaluate(
        action="s3:PutObject",
        resource="arn:aws:s3:::account-a-bucket/report.csv",
        principal="arn:aws:iam::333333333333:user/Nikhil",
        context={"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "120"},
        identity_policies=[
            {
                "Version": "2012-10-17",
                "Statement": {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"},
            }
        ],
        resource_policy={
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Principal": {"AWS": "333333333333"},
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::account-a-bucket/*",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            },
        },
        resource_account="111111111111",
        permission_boundaries=None,
        session_policies=None,
        scps=None,
        rcps=None,
    )
    assert d.decision in ("allowed", "explicitDeny", "implicitDeny")
    assert d.decision == "allowed" and bool(d) is True
    assert all(
        hasattr(m, attr) for m in d.matched_statements for attr in ("policy", "sid", "index")
    )
    assert d.missing_context_values == []
    assert isinstance(d.explain(), str) and "\n" in d.explain()


def test_policies_may_be_json_strings() -> None:
    d = evaluate(
        action="s3:GetObject",
        resource="*",
        principal="arn:aws:iam::1:user/a",
        identity_policies=['{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}'],
    )
    assert d


def test_policy_error_is_exported_and_a_value_error() -> None:
    assert issubclass(iamlab.PolicyError, ValueError)


def test_importing_evaluate_does_not_import_boto3() -> None:
    code = "import sys, iamlab; from iamlab import evaluate; print('boto3' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_principal_none_is_an_anonymous_request() -> None:
    public = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::public/*",
        },
    }
    d = evaluate(
        action="s3:GetObject",
        resource="arn:aws:s3:::public/report.csv",
        principal=None,
        resource_policy=public,
        resource_account="111111111111",
    )
    assert d.decision == "allowed"
    d = evaluate(
        action="s3:GetObject",
        resource="arn:aws:s3:::public/report.csv",
        principal=None,
        identity_policies=[{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}],
    )
    assert d.decision == "implicitDeny"


def test_a_context_value_of_none_means_absent_even_for_derived_keys() -> None:
    own = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "iam:GetUser",
            "Resource": "arn:aws:iam::*:user/${aws:username}",
        },
    }
    kwargs = {
        "action": "iam:GetUser",
        "resource": "arn:aws:iam::111111111111:user/Sofia",
        "principal": "arn:aws:iam::111111111111:user/Sofia",
        "identity_policies": [own],
    }
    assert evaluate(**kwargs).decision == "allowed"
    assert evaluate(**kwargs, context={"aws:username": None}).decision == "implicitDeny"


def test_the_decision_keeps_every_documented_attribute() -> None:
    d = evaluate(action="s3:GetObject", resource="*", principal="arn:aws:iam::1:user/a")
    assert d.decision == "implicitDeny" and not d
    assert d.matched_statements == [] and d.missing_context_values == []
    assert d.explain().startswith("DENIED (implicit deny)")
