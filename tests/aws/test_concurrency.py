"""One Lab, many threads (docs/aws-behaviour.md, "Lab decisions" D11).

A lab answers one call at a time; ids come from counters taken under a lock; the
trail, snapshots and the clock can be used while calls run. boto3 clients are
thread-safe, sessions are not (boto3 guide, "Multithreading or multiprocessing with
Resources"/"Clients"): each thread makes its own session here.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from iamlab.aws import Lab
from iamlab.aws.ids import IdGenerator

from .conftest import A, doc, make_user

THREADS = 8
DEADLINE = 240.0  # seconds for everything: a deadlock or a runaway fails, never hangs
INTERNAL = {"InternalFailure", "ServiceFailure", "InternalError", "InternalServerError"}


def run_threads(work: list[Callable[[], None]]) -> list[BaseException]:
    """Run each callable in its own thread, started together; the exceptions they raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(work))

    def wrap(fn: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                start.wait(timeout=30)
                fn()
            except BaseException as exc:
                errors.append(exc)

        return run

    threads = [threading.Thread(target=wrap(fn), daemon=True) for fn in work]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, DEADLINE - (time.monotonic() - began)))
    stuck = [t for t in threads if t.is_alive()]
    assert not stuck, f"{len(stuck)} threads still running after {DEADLINE} s"
    return errors


@contextmanager
def switching_every(seconds: float) -> Iterator[None]:
    """Make the interpreter switch threads this often, so races show up in a short test."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


@pytest.fixture(autouse=True)
def busy_scheduler() -> Iterator[None]:
    with switching_every(1e-5):
        yield


def no_internal_errors(lab: Lab) -> None:
    errors = set(lab.trail()["error"])
    assert not errors & INTERNAL, errors


def test_ids_are_unique_under_threads() -> None:
    ids = IdGenerator(0)
    out: list[list[str]] = [[] for _ in range(THREADS)]

    def work(i: int) -> Callable[[], None]:
        return lambda: out[i].extend(ids.access_key_id(temporary=True) for _ in range(2000))

    with switching_every(1e-6):  # without the counter lock, this shows duplicates
        assert run_threads([work(i) for i in range(THREADS)]) == []
    flat = [k for chunk in out for k in chunk]
    assert len(flat) == len(set(flat)) == THREADS * 2000


def test_assume_role_from_eight_threads_gives_unique_working_credentials() -> None:
    lab = Lab()
    a = lab.create_account(A)
    a.client("iam").create_role(
        RoleName="Worker",
        AssumeRolePolicyDocument=doc(
            {"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"}
        ),
    )
    ana = make_user(
        lab,
        a,
        "Ana",
        {"assume": doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})},
        mfa=False,
    )
    per_thread = 200
    got: list[list[dict]] = [[] for _ in range(THREADS)]

    def work(i: int) -> Callable[[], None]:
        def run() -> None:
            sts = lab.session(ana.key).client("sts")
            for n in range(per_thread):
                r = sts.assume_role(
                    RoleArn=f"arn:aws:iam::{A}:role/Worker", RoleSessionName=f"t{i}-{n}"
                )
                got[i].append(r["Credentials"])

        return run

    assert run_threads([work(i) for i in range(THREADS)]) == []
    creds = [c for chunk in got for c in chunk]
    assert len(creds) == THREADS * per_thread
    assert len({c["AccessKeyId"] for c in creds}) == len(creds)
    assert len({c["SessionToken"] for c in creds}) == len(creds)
    for c in creds[:: len(creds) // 40]:  # a sample still works: no session was overwritten
        assert (
            lab.session(c)
            .client("sts")
            .get_caller_identity()["Arn"]
            .startswith(f"arn:aws:sts::{A}:assumed-role/Worker/")
        )
    no_internal_errors(lab)


def test_reads_snapshots_and_the_clock_while_calls_change_the_world() -> None:
    lab = Lab()
    a = lab.create_account(A)
    a.client("dynamodb").create_table(
        TableName="Books",
        KeySchema=[{"AttributeName": "title", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "title", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    stop = threading.Event()
    rounds = 30
    snapshots: list[object] = []

    def runner() -> None:  # RunInstances and TerminateInstances, never above the limit
        try:
            ec2 = lab.root_session(A).client("ec2")
            for _ in range(rounds):
                r = ec2.run_instances(ImageId="ami-12345678", MinCount=2, MaxCount=2)
                ec2.terminate_instances(InstanceIds=[i["InstanceId"] for i in r["Instances"]])
        finally:
            stop.set()

    def describer() -> None:
        ec2 = lab.root_session(A).client("ec2")
        while not stop.is_set():
            ec2.describe_instances()

    def writer(i: int) -> Callable[[], None]:
        def run() -> None:
            ddb = lab.root_session(A).client("dynamodb")
            n = 0
            while not stop.is_set():
                ddb.put_item(TableName="Books", Item={"title": {"S": f"{i}-{n}"}})
                n += 1

        return run

    def iam_churn() -> None:
        iam = lab.root_session(A).client("iam")
        n = 0
        while not stop.is_set():
            iam.create_user(UserName=f"u{n}")
            iam.delete_user(UserName=f"u{n}")
            n += 1

    def observer() -> None:
        while not stop.is_set():
            snapshots.append(lab.snapshot())
            assert len(lab.trail()) >= 0
            lab.explain_last()
            lab.clock.advance(seconds=1)

    work = [runner, describer, writer(0), writer(1), iam_churn, observer, observer, describer]
    assert len(work) == THREADS
    assert run_threads(work) == []
    assert snapshots
    no_internal_errors(lab)
    lab.restore(snapshots[len(snapshots) // 2])  # any of them is a consistent world
    assert lab.root_session(A).client("dynamodb").scan(TableName="Books")["Count"] >= 0
