"""Emulated-AWS and widget figures: call latency (and what the lab's lock and undo
journal cost), memory after import, client creation, world building, widgets."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from pathlib import Path

from iamlab import Lab
from iamlab.scenarios import BUILDERS, build_confused_deputy, build_cross_account
from iamlab.widgets import decision_matrix, mfa_keys
from iamlab.widgets.views import view

from .harness import Row, latencies_ms, median, p95


def _bench_world() -> tuple[Lab, object, object]:
    """One account; Sofia may use DynamoDB with MFA; the table Books (root's clients)."""
    lab = Lab()
    root = lab.create_account("111111111111", name="A")
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
    return lab, root.client("sts"), root.client("dynamodb")


def call_latency() -> list[Row]:
    """Median latency of boto3 calls answered by the lab, after the client exists."""
    _, sts, ddb = _bench_world()
    item = {"title": {"S": "Dune"}}

    def put() -> None:
        ddb.put_item(TableName="Books", Item=item)

    return [
        Row(
            "lab call: sts get_caller_identity (median)",
            median(latencies_ms(sts.get_caller_identity, 2000)),
            "ms",
            "< 0.3 ms",
        ),
        Row(
            "lab call: dynamodb put_item (median)",
            median(latencies_ms(put, 2000)),
            "ms",
            "< 0.5 ms",
        ),
    ]


def _s3_world() -> object:
    """Three accounts, each with a bucket of 200 objects and a DynamoDB table of 200 items;
    returns the root S3 client of the last account (its bucket ``bench-c`` is the last one
    a bucket search reaches)."""
    lab = Lab()
    s3 = None
    for n, account in enumerate(("111111111111", "222222222222", "333333333333")):
        root = lab.create_account(account, name="ABC"[n])
        s3 = root.client("s3")
        bucket = f"bench-{'abc'[n]}"
        s3.create_bucket(Bucket=bucket)
        ddb = root.client("dynamodb")
        ddb.create_table(
            TableName="Books",
            KeySchema=[{"AttributeName": "title", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "title", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        for i in range(200):
            s3.put_object(Bucket=bucket, Key=f"k{i}", Body=b"x" * 256)
            ddb.put_item(TableName="Books", Item={"title": {"S": f"Book {i}"}})
    return s3


def s3_latency() -> list[Row]:
    """p50 of S3 PutObject and GetObject in a lab of three accounts with S3 and DynamoDB
    state, on the bucket a search reaches last (what the undo journal copies shows here:
    the owner's S3 state for a write, nothing for a read)."""
    s3 = _s3_world()

    def put() -> None:
        s3.put_object(Bucket="bench-c", Key="report.csv", Body=b"a,b\n1,2\n")  # type: ignore[attr-defined]

    def get() -> None:
        s3.get_object(Bucket="bench-c", Key="report.csv")["Body"].read()  # type: ignore[attr-defined]

    put()

    def p50(fn: object) -> float:
        return min(median(latencies_ms(fn, 1000)) for _ in range(3))  # type: ignore[arg-type]

    return [
        Row("lab call: s3 put_object, 3 accounts with state (p50)", p50(put), "ms", "< 1 ms"),
        Row("lab call: s3 get_object, 3 accounts with state (p50)", p50(get), "ms", "< 0.5 ms"),
    ]


def lock_and_journal_cost() -> list[Row]:
    """What one call pays for being thread-safe (the lab's lock) and atomic (the journal)."""
    from iamlab.aws import state

    lab, sts, ddb = _bench_world()
    item = {"title": {"S": "Dune"}}

    def put() -> None:
        ddb.put_item(TableName="Books", Item=item)

    def p50(fn: object) -> float:
        return min(median(latencies_ms(fn, 1000)) for _ in range(3))  # type: ignore[arg-type]

    with_lock = p50(sts.get_caller_identity)
    real_lock = lab._lock
    lab._lock = contextlib.nullcontext()  # type: ignore[assignment]
    try:
        without_lock = p50(sts.get_caller_identity)
    finally:
        lab._lock = real_lock
    with_journal = p50(put)
    real_touch = state.touch
    state.touch = lambda owner, area, value: None  # type: ignore[assignment]
    try:
        without_journal = p50(put)
    finally:
        state.touch = real_touch
    uncontended = threading.RLock()
    start = time.perf_counter()
    for _ in range(100_000):
        with uncontended:
            pass
    acquire_us = (time.perf_counter() - start) * 10
    return [
        Row("the lab's lock: acquire + release, uncontended", acquire_us, "µs", "< 1 µs"),
        Row(
            "the lab's lock: get_caller_identity p50, with minus without",
            (with_lock - without_lock) * 1000,
            "µs",
            "< 10 µs",
        ),
        Row(
            "undo journal: put_item p50, with minus without (copies the account's DynamoDB)",
            (with_journal - without_journal) * 1000,
            "µs",
            "< 50 µs",
        ),
    ]


def import_memory() -> Row:
    """Resident memory of a fresh interpreter after `from iamlab import Lab` and one account."""
    code = (
        "from iamlab import Lab\n"
        "Lab().create_account('111111111111')\n"
        "import sys\n"
        "assert 'pandas' not in sys.modules\n"
        "status = open('/proc/self/status').read()\n"
        "print(int(status.split('VmRSS:')[1].split()[0]))\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    return Row(
        "resident memory after `from iamlab import Lab` + one account",
        int(out.stdout.strip()) / 1024,
        "MiB",
        "<= 50 MiB",
    )


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


BENCHMARKS = [
    call_latency,
    s3_latency,
    lock_and_journal_cost,
    import_memory,
    client_creation,
    world_building,
    widget_update,
    matrix_time,
]
