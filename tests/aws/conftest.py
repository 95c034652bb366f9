"""Fixtures for the emulated-AWS tests. Every test here runs with sockets disabled."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pyotp
import pytest

from iamlab.aws import Lab

A = "111111111111"
B = "222222222222"
C = "333333333333"


class NetworkUsed(AssertionError):
    """A test tried to open a network connection."""


def _refuse(*args: Any, **kwargs: Any) -> None:
    raise NetworkUsed(f"network access attempted: {args!r}")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail any test that tries to connect anywhere."""
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    yield


@pytest.fixture
def lab() -> Lab:
    return Lab()


@pytest.fixture
def a(lab: Lab) -> boto3.Session:
    return lab.create_account(A, name="A")


@pytest.fixture
def b(lab: Lab) -> boto3.Session:
    return lab.create_account(B, name="B")


def doc(*statements: dict) -> str:
    """A policy document with these statements, as JSON text."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@dataclass
class Person:
    """An IAM user with keys and (optionally) an enabled virtual MFA device."""

    name: str
    key: dict
    serial: str | None
    session: boto3.Session

    def client(self, service: str) -> Any:
        return self.session.client(service)


def make_user(
    lab: Lab,
    root: boto3.Session,
    name: str,
    policies: dict[str, str] | None = None,
    mfa: bool = True,
) -> Person:
    """Create a user with keys, inline policies and an enabled MFA device; advance 30 s."""
    iam = root.client("iam")
    iam.create_user(UserName=name)
    for pname, document in (policies or {}).items():
        iam.put_user_policy(UserName=name, PolicyName=pname, PolicyDocument=document)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    serial = None
    if mfa:
        dev = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
        serial = dev["SerialNumber"]
        totp = pyotp.TOTP(dev["Base32StringSeed"].decode())
        now = lab.clock.now()
        iam.enable_mfa_device(
            UserName=name,
            SerialNumber=serial,
            AuthenticationCode1=totp.at(now, counter_offset=-1),
            AuthenticationCode2=totp.at(now),
        )
        lab.clock.advance(seconds=30)  # the codes used to enable are spent
    return Person(name, key, serial, lab.session(key))
