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


# ---- issue 13, section 6: pipes, arrays, file names, resources, unknown options ----------

ALLOW_GET = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
}
ALLOW_PUT = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"},
}
GET = ["simulate", "--action", "s3:GetObject", "--principal", RICHARD]


def test_a_closed_pipe_is_not_an_error(files: dict[str, str]) -> None:
    """`iamlab simulate ... | head`: the reader goes away before we write."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "iamlab", *assume_args(files)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `head` exiting at once
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 1  # the decision (denied without MFA), not a crash
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_an_inline_json_array_gives_several_policies(capsys: pytest.CaptureFixture[str]) -> None:
    both = json.dumps([ALLOW_PUT, ALLOW_GET])
    code, out, _ = run([*GET, "--policy", both], capsys)
    assert code == 0 and out.startswith("ALLOWED")
    assert "identity-based policy #2" in out
    code, _, _ = run([*GET, "--policy", json.dumps([ALLOW_PUT])], capsys)
    assert code == 1


def test_a_file_holding_a_json_array_gives_several_policies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "policies.json"
    path.write_text(json.dumps([ALLOW_PUT, ALLOW_GET]))
    code, out, _ = run([*GET, "--policy", str(path)], capsys)
    assert code == 0
    assert f'identity-based policy "{path}[1]"' in out  # named after its file and position


def test_an_array_level_of_scps(capsys: pytest.CaptureFixture[str]) -> None:
    full = {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
    deny = {"Statement": {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}}
    base = [*GET, "--policy", json.dumps(ALLOW_GET)]
    assert run([*base, "--scp", json.dumps([full])], capsys)[0] == 0
    code, out, _ = run([*base, "--scp", json.dumps([full, deny])], capsys)
    assert code == 1 and "DENIED (explicit deny)" in out


def test_a_resource_policy_is_one_document_not_an_array(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run([*GET, "--resource-policy", "[]"], capsys)
    assert code == 2 and out == ""
    assert "--resource-policy (inline JSON): takes one policy document" in err


def test_a_file_that_is_not_json_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"Version": "2012-10-17",\n "Statement": [}')
    code, _, err = run([*GET, "--policy", str(path)], capsys)
    assert code == 2
    assert f"--policy {path}: MalformedPolicyDocument: This policy contains invalid Json" in err
    assert "line 2" in err and err.count("\n") == 1


def test_a_file_that_is_not_utf8_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"Sid": "caf\u00e9"}'.encode("latin-1"))
    code, _, err = run([*GET, "--boundary", str(path)], capsys)
    assert code == 2
    assert f"--boundary {path}: cannot read file: not UTF-8" in err and "Traceback" not in err


def test_a_malformed_policy_in_a_file_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "trust.json"
    path.write_text(json.dumps({"Statement": {"Effect": "Allow", "Action": "s3:*"}}))
    code, _, err = run([*GET, "--policy", str(path)], capsys)
    assert code == 2
    assert (
        f"--policy {path}: MalformedPolicyDocument: Policy statement must contain resources" in err
    )


def test_nan_in_a_policy_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "nan.json"
    path.write_text(
        json.dumps(ALLOW_GET)[:-2] + ', "Condition": {"NumericLessThan": '
        '{"aws:MultiFactorAuthAge": NaN}}}}'
    )
    code, _, err = run([*GET, "--policy", str(path)], capsys)
    assert code == 2 and "NaN is not a JSON number" in err


@pytest.mark.parametrize("resource", ["my-bucket/report.csv", "arn:aws:s3", "arn::s3:::b"])
def test_the_resource_is_validated_like_evaluate(
    resource: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run([*GET, "--policy", json.dumps(ALLOW_GET), "--resource", resource], capsys)
    assert code == 2 and out == ""
    assert "is not an ARN" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "extra",
    [
        ["--polcy", "x.json"],
        ["--resource-polic", "x.json"],  # a prefix of --resource-policy is not taken for it
        ["--jso"],
        ["--bogus"],
    ],
)
def test_unknown_options_are_reported_as_unknown(
    extra: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run([*GET, *extra], capsys)
    assert code == 2 and out == ""
    assert f"unrecognized arguments: {' '.join(extra)}" in err


def test_an_abbreviated_required_option_is_not_accepted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(["simulate", "--act", "s3:GetObject", "--principal", RICHARD], capsys)
    assert code == 2 and "--action" in err


def test_an_anonymous_request(capsys: pytest.CaptureFixture[str]) -> None:
    public = {
        "Statement": {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::public/*",
        }
    }
    args = [
        "simulate",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::public/x",
        "--principal",
        "anonymous",
        "--resource-policy",
        json.dumps(public),
    ]
    code, out, _ = run(args, capsys)
    assert code == 0 and "anonymous (unsigned) request" in out
