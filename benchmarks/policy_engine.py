"""Policy engine figures: decisions per second, parse time, import time."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from iamlab import evaluate
from iamlab.data import load_policy
from iamlab.policy import parse_policy
from iamlab.policy.document import _parse_text

from .harness import Row, per_second


def decisions_per_second() -> Row:
    """Seed cross-account case: Richard assumes CrossAccountRole with MFA (pre-parsed)."""
    trust = parse_policy(load_policy("cross-account-trust"), "trust", name="trust")
    mine = parse_policy(load_policy("richard-assume-role"), name="AllowAssume")
    context = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "120"}

    def one() -> object:
        return evaluate(
            action="sts:AssumeRole",
            resource="arn:aws:iam::111111111111:role/CrossAccountRole",
            principal="arn:aws:iam::222222222222:user/Richard",
            context=context,
            identity_policies=[mine],
            resource_policy=trust,
        )

    assert one().decision == "allowed"
    return Row(
        "evaluate: seed cross-account MFA case",
        per_second(one, 20000),
        "decisions/s",
        ">= 100,000/s",
    )


def big_policy_text() -> str:
    """A valid policy of about 10 KB: many statements with conditions and wildcards."""
    statements = []
    for i in range(40):
        statements.append(
            {
                "Sid": f"S{i}",
                "Effect": "Allow" if i % 3 else "Deny",
                "Action": [f"s3:Get{i}*", f"dynamodb:Query{i}"],
                "Resource": [f"arn:aws:s3:::bucket-{i}/${{aws:username}}/*"],
                "Condition": {
                    "Bool": {"aws:MultiFactorAuthPresent": "true"},
                    "NumericLessThan": {"aws:MultiFactorAuthAge": str(3600 + i)},
                },
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def parse_10kb_ms() -> Row:
    text = big_policy_text()
    rounds = []
    for _ in range(30):
        _parse_text.cache_clear()
        start = time.perf_counter()
        parse_policy(text)
        rounds.append((time.perf_counter() - start) * 1000)
    return Row(f"parse a {len(text) / 1024:.1f} KB policy (uncached)", min(rounds), "ms", "< 1 ms")


def _import_ms(module: str) -> float:
    code = (
        f"import time; t=time.perf_counter(); import {module}; print((time.perf_counter()-t)*1000)"
    )
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(5)
    ]
    return min(runs)


def import_time_ms() -> list[Row]:
    return [
        Row("import iamlab", _import_ms("iamlab"), "ms", "< 1000 ms"),
        Row(
            "import iamlab.widgets (with boto3, pandas, ipywidgets)",
            _import_ms("iamlab.widgets"),
            "ms",
            "< 1000 ms",
        ),
    ]


BENCHMARKS = [decisions_per_second, parse_10kb_ms, import_time_ms]
