"""Contract tests of the one module that relies on how botocore works inside.

If one fails after a botocore upgrade, its message names the assumption that broke;
fix it in ``iamlab/aws/botocore_seam.py`` (and nowhere else).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import boto3
import botocore
import pytest
from botocore.signers import RequestSigner

from iamlab.aws import Lab, botocore_seam

from .conftest import A, make_user

ROOT = Path(__file__).resolve().parents[2]


def test_the_installed_botocore_meets_every_assumption() -> None:
    problems = botocore_seam.check()
    assert not problems, (
        f"iamlab does not work with botocore {botocore.__version__} / boto3 "
        f"{boto3.__version__}:\n  " + "\n  ".join(problems)
    )


def test_check_names_a_broken_assumption(monkeypatch) -> None:
    """The contract check itself can fail, and says which assumption broke."""

    def gone(*args, **kwargs):
        raise AttributeError("get_auth_instance was removed")

    monkeypatch.setattr(RequestSigner, "get_auth_instance", gone)
    problems = botocore_seam.check()
    assert problems and all(p.startswith(f"botocore {botocore.__version__}: ") for p in problems)
    assert any("RequestSigner.get_auth_instance" in p for p in problems)


def test_sessions_do_not_share_event_handlers(lab, a) -> None:
    one, two = lab.session(), lab.session()
    hits: list[str] = []
    one.events.register("before-call.sts.GetCallerIdentity", lambda **kw: hits.append("one"))
    a.client("sts").get_caller_identity()
    two.client("sts")
    assert hits == []


def test_many_sessions_do_not_grow_the_shared_loader() -> None:
    lab = Lab()
    lab.create_account(A)
    for _ in range(20):
        lab.root_session(A)
    paths = botocore_seam.shared_loader().search_paths
    assert len(paths) == len(set(paths))


def test_a_client_signs_with_its_own_credentials(lab, a) -> None:
    """Credentials given to ``client()`` win over the session's, as in botocore."""
    ana = make_user(lab, a, "Ana", mfa=False)
    client = lab.session().client(
        "sts",
        aws_access_key_id=ana.key["AccessKeyId"],
        aws_secret_access_key=ana.key["SecretAccessKey"],
    )
    assert client.get_caller_identity()["Arn"] == f"arn:aws:iam::{A}:user/Ana"


def test_clients_send_the_fixed_user_agent(lab, a) -> None:
    seen: list[str] = []

    def grab(params, **kwargs):
        seen.append(params["headers"]["User-Agent"])

    client = a.client("sts")
    client.meta.events.register_first("before-call.sts.GetCallerIdentity", grab)
    client.get_caller_identity()
    assert seen and seen[0].startswith(botocore_seam.USER_AGENT)


def test_environment_credentials_and_profiles_are_never_read(lab, monkeypatch, tmp_path) -> None:
    config = tmp_path / "config"
    config.write_text("[default]\nregion = eu-west-3\nendpoint_url = http://localhost:1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "missing"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFROMENVIRONMENT0")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://localhost:2")
    anonymous = lab.session()
    assert anonymous.region_name == "us-east-1"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        anonymous.client("sts").get_caller_identity()
    assert e.value.response["Error"]["Code"] == "MissingAuthenticationToken"


def test_importing_the_lab_does_not_import_pandas() -> None:
    """pandas is imported only where a DataFrame is built (``Lab.trail()``)."""
    code = (
        "import sys\n"
        "from iamlab import Lab\n"
        "lab = Lab(); lab.create_account('111111111111').client('sts').get_caller_identity()\n"
        "assert 'pandas' not in sys.modules, 'pandas imported'\n"
        "lab.trail()\n"
        "assert 'pandas' in sys.modules\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=120)
