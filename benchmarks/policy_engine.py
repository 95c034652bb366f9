"""Policy engine figures: decisions per second on the user's path, wildcard matching,
parse time, import time.

Three ways of passing policies are measured on the seed cross-account case
(Richard assumes CrossAccountRole with MFA: his one-statement policy and the
role's trust policy):

* pre-parsed: ``parse_policy`` once, then the same :class:`Policy` objects;
* fresh dicts: a new dict for every call (``json.loads`` of the policy text,
  made before the timing starts), the way users and other tools pass them;
* the same with a 10-statement identity policy.

Each figure is the best of several rounds of CPU time of this process
(``time.process_time``): on a machine shared with other work, time spent
waiting for a core does not count; on an idle machine it equals wall time.
A round decides 2,000 requests in chunks of 100 whose inputs are made (untimed)
just before the chunk, as a caller builds a dict just before passing it: inputs
made 2,000 at a time in advance would also time the CPU cache misses of reading
them back from memory.

Two more rows give each request a context of its own (a fresh dict whose
``aws:MultiFactorAuthAge`` differs from call to call), so nothing keyed by the
context's content can be reused: the engine's memo of a request's outcome is
keyed by what its conditions answer, not by the context itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from iamlab import evaluate
from iamlab.data import load_policy
from iamlab.policy import parse_policy
from iamlab.policy.document import _parse_text
from iamlab.policy.glob import Glob

from .harness import Row

ROLE = "arn:aws:iam::111111111111:role/CrossAccountRole"
RICHARD = "arn:aws:iam::222222222222:user/Richard"
MFA = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "120"}
BATCH = 2000
CHUNK = 100
ROUNDS = 15


def _best_rate(make_chunk: Callable[[], list[Any]], decide: Callable[[Any], object]) -> float:
    """Best calls per second over ROUNDS rounds of BATCH calls; each chunk of CHUNK
    inputs is made untimed just before it is timed."""
    best = float("inf")
    for _ in range(ROUNDS):
        spent = 0.0
        for _ in range(BATCH // CHUNK):
            chunk = make_chunk()
            start = time.process_time()
            for item in chunk:
                decide(item)
            spent += time.process_time() - start
        best = min(best, spent)
    return BATCH / best


def _seed_texts() -> tuple[str, str]:
    return json.dumps(load_policy("richard-assume-role")), json.dumps(
        load_policy("cross-account-trust")
    )


def _assume(identity: Any, trust: Any) -> Any:
    return evaluate(
        action="sts:AssumeRole",
        resource=ROLE,
        principal=RICHARD,
        context=MFA,
        identity_policies=[identity],
        resource_policy=trust,
    )


def decisions_preparsed() -> Row:
    """Seed cross-account case, policies parsed once."""
    mine_text, trust_text = _seed_texts()
    mine = parse_policy(mine_text, name="AllowAssume")
    trust = parse_policy(trust_text, "trust", name="trust")
    assert _assume(mine, trust).decision == "allowed"
    rate = _best_rate(lambda: [None] * CHUNK, lambda _: _assume(mine, trust))
    return Row(
        "evaluate: seed cross-account MFA case, pre-parsed", rate, "decisions/s", ">= 250,000/s"
    )


def decisions_fresh_dicts() -> Row:
    """Seed cross-account case, both policies a new dict on every call."""
    mine_text, trust_text = _seed_texts()

    def batch() -> list[tuple[Any, Any]]:
        return [(json.loads(mine_text), json.loads(trust_text)) for _ in range(CHUNK)]

    assert _assume(*batch()[0]).decision == "allowed"
    rate = _best_rate(batch, lambda pair: _assume(*pair))
    return Row(
        "evaluate: seed cross-account MFA case, fresh dicts", rate, "decisions/s", ">= 150,000/s"
    )


def _ages() -> Callable[[], str]:
    """A new MFA age (seconds, under an hour) for every call."""
    counter = iter(range(10**9))
    return lambda: str(next(counter) % 3000)


def decisions_fresh_contexts() -> Row:
    """Seed cross-account case, both policies and the context a new dict on every call,
    the context's MFA age different each time."""
    mine_text, trust_text = _seed_texts()
    age = _ages()

    def chunk() -> list[tuple[Any, Any, dict[str, str]]]:
        return [
            (
                json.loads(mine_text),
                json.loads(trust_text),
                {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": age()},
            )
            for _ in range(CHUNK)
        ]

    def one(item: tuple[Any, Any, dict[str, str]]) -> Any:
        identity, trust, context = item
        return evaluate(
            action="sts:AssumeRole",
            resource=ROLE,
            principal=RICHARD,
            context=context,
            identity_policies=[identity],
            resource_policy=trust,
        )

    assert one(chunk()[0]).decision == "allowed"
    rate = _best_rate(chunk, one)
    return Row(
        "evaluate: seed case, fresh dicts, a new context each call (MFA age varies)",
        rate,
        "decisions/s",
        "(no target)",
    )


def ten_statement_policy() -> dict[str, Any]:
    """An identity policy of ten statements, of the kinds the lab's stories use."""
    mfa = {
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
        "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
    }
    statements: list[dict[str, Any]] = [
        {
            "Sid": "ViewAccount",
            "Effect": "Allow",
            "Action": "iam:ListVirtualMFADevices",
            "Resource": "*",
        },
        {
            "Sid": "OwnMFADevice",
            "Effect": "Allow",
            "Action": ["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"],
            "Resource": "arn:aws:iam::*:mfa/${aws:username}",
        },
        {
            "Sid": "OwnUser",
            "Effect": "Allow",
            "Action": ["iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices"],
            "Resource": "arn:aws:iam::*:user/${aws:username}",
        },
        {
            "Sid": "DescribeEC2",
            "Effect": "Allow",
            "Action": ["ec2:Describe*", "ec2:Get*"],
            "Resource": "*",
        },
        {
            "Sid": "StopWithMFA",
            "Effect": "Allow",
            "Action": ["ec2:StopInstances", "ec2:TerminateInstances"],
            "Resource": "arn:aws:ec2:*:111111111111:instance/*",
            "Condition": mfa,
        },
        {
            "Sid": "ReadBooks",
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"],
            "Resource": "arn:aws:dynamodb:us-east-1:111111111111:table/Books",
        },
        {
            "Sid": "OwnReports",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": "arn:aws:s3:::account-a-bucket/home/${aws:username}/*",
            "Condition": mfa,
        },
        {
            "Sid": "ListOwnPrefix",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": "arn:aws:s3:::account-a-bucket",
            "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}},
        },
        {
            "Sid": "AssumeCrossAccount",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": "arn:aws:iam::222222222222:role/*",
        },
        {
            "Sid": "DenyWithoutMFA",
            "Effect": "Deny",
            "NotAction": ["iam:*", "sts:GetSessionToken"],
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        },
    ]
    return {"Version": "2012-10-17", "Statement": statements}


def decisions_ten_statements() -> Row:
    """A 10-statement identity policy, a new dict on every call."""
    text = json.dumps(ten_statement_policy())
    user = "arn:aws:iam::111111111111:user/Sofia"
    bucket = "arn:aws:s3:::account-a-bucket/home/Sofia/notes.txt"

    def one(doc: Any) -> Any:
        return evaluate(
            action="s3:GetObject",
            resource=bucket,
            principal=user,
            context=MFA,
            identity_policies=[doc],
        )

    assert one(json.loads(text)).decision == "allowed"
    rate = _best_rate(lambda: [json.loads(text) for _ in range(CHUNK)], one)
    return Row("evaluate: 10-statement policy, fresh dicts", rate, "decisions/s", ">= 60,000/s")


def ten_statements_fresh_contexts() -> Row:
    """The 10-statement policy and the context a new dict on every call (MFA age varies)."""
    text = json.dumps(ten_statement_policy())
    age = _ages()

    def chunk() -> list[tuple[Any, dict[str, str]]]:
        return [
            (
                json.loads(text),
                {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": age()},
            )
            for _ in range(CHUNK)
        ]

    def one(item: tuple[Any, dict[str, str]]) -> Any:
        doc, context = item
        return evaluate(
            action="s3:GetObject",
            resource="arn:aws:s3:::account-a-bucket/home/Sofia/notes.txt",
            principal="arn:aws:iam::111111111111:user/Sofia",
            context=context,
            identity_policies=[doc],
        )

    assert one(chunk()[0]).decision == "allowed"
    rate = _best_rate(chunk, one)
    return Row(
        "evaluate: 10-statement policy, fresh dicts, a new context each call",
        rate,
        "decisions/s",
        "(no target)",
    )


def wildcard_cases() -> list[tuple[str, str]]:
    """2,000-character patterns of many `?` and `*` chunks against 10,000-character values."""
    return [
        (("a?c*" * 500), "abc" * 3334),
        ("*" + "a?b*" * 500, "ab" * 5000),
        ("*" + ("?" * 3 + "x*") * 400, "abcx" * 2500),
        ("*" + ("a" * 30 + "?") * 64 + "b*", "a" * 10000),  # one long chunk that almost fits
        ("arn:aws:s3:::" + "?" * 1000 + "*" + "?" * 987, "arn:aws:s3:::" + "k" * 9987),
    ]


def wildcard_ms() -> Row:
    """The slowest of the wildcard cases (best of several runs each)."""
    worst = 0.0
    for pattern, value in wildcard_cases():
        glob = Glob(pattern)
        best = float("inf")
        for _ in range(7):
            start = time.process_time()
            glob.match(value)
            best = min(best, time.process_time() - start)
        worst = max(worst, best * 1000)
    return Row(
        "wildcard match: 2,000-char pattern of ?/* chunks vs 10,000-char value (slowest case)",
        worst,
        "ms",
        "< 5 ms",
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


BENCHMARKS = [
    decisions_preparsed,
    decisions_fresh_dicts,
    decisions_fresh_contexts,
    decisions_ten_statements,
    ten_statements_fresh_contexts,
    wildcard_ms,
    parse_10kb_ms,
    import_time_ms,
]
