"""The network guard works, and evaluating policies touches no socket at all."""

from __future__ import annotations

import socket

import pytest

from iamlab import evaluate
from tests.conftest import NetworkAccessError


def test_guard_blocks_outside_connections() -> None:
    with pytest.raises(NetworkAccessError):
        socket.create_connection(("192.0.2.1", 443), timeout=1)


def test_guard_blocks_name_lookups() -> None:
    with pytest.raises(NetworkAccessError):
        socket.getaddrinfo("sts.amazonaws.com", 443)


def test_evaluate_opens_no_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[object] = []
    real = socket.socket.__init__

    def spy(self: socket.socket, *args: object, **kwargs: object) -> None:
        opened.append(args)
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "__init__", spy)
    d = evaluate(
        action="s3:GetObject",
        resource="arn:aws:s3:::b/k",
        principal="arn:aws:iam::111111111111:user/Ana",
        identity_policies=[{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}],
    )
    assert d.decision == "allowed"
    assert opened == []
