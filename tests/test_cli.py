"""The `iamlab simulate` command: decision text, --json shape, exit status 0/1/2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from iamlab.cli import main
from iamlab.data import load_policy

ROLE = "arn:aws:iam::111111111111:role/CrossAccountRole"
RICHARD = "arn:aws:iam::222222222222:user/Richard"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    out = {}
    for name in ("cross-account-trust", "richard-assume-role"):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(load_policy(name)))
        out[name] = str(path)
    return out


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def assume_args(files: dict[str, str], *extra: str) -> list[str]:
    return [
        "simulate",
        "--policy",
        files["richard-assume-role"],
        "--resource-policy",
        files["cross-account-trust"],
        "--action",
        "sts:AssumeRole",
        "--resource",
        ROLE,
        "--principal",
        RICHARD,
        *extra,
    ]


def test_allowed_exits_0_and_explains(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        assume_args(
            files,
            "--context",
            "aws:MultiFactorAuthPresent=true",
            "--context",
            "aws:MultiFactorAuthAge=120",
        ),
        capsys,
    )
    assert code == 0
    assert out.startswith("ALLOWED")


def test_denied_exits_1_and_names_the_condition(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(assume_args(files, "--context", "aws:MultiFactorAuthPresent=false"), capsys)
    assert code == 1
    assert "Bool aws:MultiFactorAuthPresent" in out and "not met" in out


def test_json_has_the_simulator_shape(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(assume_args(files, "--json"), capsys)
    result = json.loads(out)["EvaluationResults"][0]
    assert code == 1
    assert result["EvalDecision"] == "implicitDeny"
    assert result["MissingContextValues"] == ["aws:MultiFactorAuthPresent"]
    assert result["EvalResourceName"] == ROLE


def test_repeated_context_key_becomes_a_list(capsys: pytest.CaptureFixture[str]) -> None:
    policy = json.dumps(
        {
            "Statement": {
                "Effect": "Allow",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}},
            }
        }
    )
    base = ["simulate", "--policy", policy, "--action", "s3:GetObject", "--principal", RICHARD]
    assert run([*base, "--context", "aws:TagKeys=a", "--context", "aws:TagKeys=b"], capsys)[0] == 0
    assert run([*base, "--context", "aws:TagKeys=a", "--context", "aws:TagKeys=c"], capsys)[0] == 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            [
                "simulate",
                "--action",
                "s3:GetObject",
                "--principal",
                RICHARD,
                "--policy",
                "/nope.json",
            ],
            "cannot read file",
        ),
        (
            [
                "simulate",
                "--action",
                "s3:GetObject",
                "--principal",
                RICHARD,
                "--policy",
                '{"Statement": {"Effect": "allow"}}',
            ],
            "MalformedPolicyDocument",
        ),
        (
            [
                "simulate",
                "--action",
                "s3:GetObject",
                "--principal",
                RICHARD,
                "--context",
                "novalue",
            ],
            "expected KEY=VALUE",
        ),
        (["simulate", "--action", "s3:GetObject", "--principal", "Richard"], "not an ARN"),
        (["simulate", "--principal", RICHARD], "required: --action"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    args: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(args, capsys)
    assert code == 2
    assert out == ""
    assert needle in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_console_script_runs(files: dict[str, str]) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "iamlab",
            *assume_args(files, "--context", "aws:MultiFactorAuthPresent=true"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ALLOWED" in proc.stdout
