"""Test-wide guard: any network connection outside this machine fails the test.

Loopback stays open because the browser test serves JupyterLab on localhost;
``tests/test_offline.py`` proves the lab itself opens no connection at all.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest


class NetworkAccessError(RuntimeError):
    """Raised when code under test tries to reach the network."""


def _is_local(address: object) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) and address else ""
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _is_local(address):
        raise NetworkAccessError(f"test tried to connect to {address!r}; iamlab is offline")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not _is_local(address):
        raise NetworkAccessError(f"test tried to connect to {address!r}; iamlab is offline")
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
    if host not in (None, "localhost", b"localhost") and not _is_local((host,)):
        raise NetworkAccessError(f"test tried to resolve {host!r}; iamlab is offline")
    return _real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(autouse=True, scope="session")
def no_network() -> object:
    """Block every non-loopback connection and name lookup for the whole run."""
    mp = pytest.MonkeyPatch()
    mp.setattr(socket.socket, "connect", _guarded_connect)
    mp.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    mp.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)
    yield
    mp.undo()
