"""Emulated-AWS and widget figures: call latency, client creation, world building, widgets."""

from __future__ import annotations

import time

from iamlab import Lab
from iamlab.scenarios import BUILDERS, build_confused_deputy, build_cross_account
from iamlab.widgets import decision_matrix, mfa_keys
from iamlab.widgets.views import view

from .harness import Row, latencies_ms, median, p95


def call_latency() -> list[Row]:
    """Median latency of boto3 calls answered by the lab, after the client exists."""
    lab = Lab()
    root = lab.create_account("111111111111", name="A")
    sts = root.client("sts")
    iam = root.client("iam")
    iam.create_user(UserName="Sofia")
    iam.put_user_policy(
        UserName="Sofia",
        PolicyName="ddb",
        PolicyDocument='{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*",'
        '"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}}',
    )
    root.client("dynamodb").create_table(
        TableName="Books",
        KeySchema=[{"AttributeName": "title", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "title", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb = root.client("dynamodb")
    item = {"title": {"S": "Dune"}}
    return [
        Row(
            "lab call: sts get_caller_identity (median)",
            median(latencies_ms(sts.get_caller_identity, 2000)),
            "ms",
            "< 1 ms",
        ),
        Row(
            "lab call: dynamodb put_item (median)",
            median(latencies_ms(lambda: ddb.put_item(TableName="Books", Item=item), 2000)),
            "ms",
            "< 1 ms",
        ),
    ]


def client_creation() -> Row:
    lab = Lab()
    root = lab.create_account("111111111111")
    root.client("iam")
    times = latencies_ms(lambda: root.client("iam"), 50)
    return Row(
        "create a client from a lab session (median, after the first)",
        median(times),
        "ms",
        "< 10 ms",
    )


def world_building() -> Row:
    worst = 0.0
    for build in BUILDERS.values():
        start = time.perf_counter()
        build()
        worst = max(worst, (time.perf_counter() - start) * 1000)
    return Row("build the slowest seed story's world", worst, "ms", "< 200 ms")


def widget_update() -> list[Row]:
    rows = []
    for name, build, settings in (
        ("cross-account", build_cross_account, [{"mfa": m} for m in ("MFA code", "no MFA")]),
        (
            "confused deputy",
            build_confused_deputy,
            [{"external_id": e} for e in ("12345", "67890")],
        ),
    ):
        story = build()
        times = []
        for i in range(40):
            x = settings[i % len(settings)]
            start = time.perf_counter()
            view(story, story.play, **x).diagram.svg()
            times.append((time.perf_counter() - start) * 1000)
        rows.append(
            Row(f"widget change -> table + diagram ({name}, p95)", p95(times), "ms", "< 100 ms")
        )
    return rows


def matrix_time() -> Row:
    grid = {
        "credentials": list(mfa_keys.CREDENTIALS),
        "operator": list(mfa_keys.OPERATORS),
        "mfa_age": [0, 600, 1800, 3599, 3600, 7200, 14400, 43200, 86400, 129600, 300, 900, 60],
    }

    def decide(credentials: str, operator: str, mfa_age: int) -> str:
        return mfa_keys.decide(credentials, operator, mfa_age, 3600).decision

    start = time.perf_counter()
    table = decision_matrix(decide, grid)
    ms = (time.perf_counter() - start) * 1000
    return Row(f"decision matrix of {len(table)} combinations", ms, "ms", "< 1000 ms")


BENCHMARKS = [call_latency, client_creation, world_building, widget_update, matrix_time]
