"""Virtual clock and deterministic ids."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from iamlab.aws import Lab
from iamlab.aws.clock import Clock, iso, parse_instant
from iamlab.aws.ids import IdGenerator


def test_clock_starts_at_fixed_instant_and_is_aware() -> None:
    clock = Clock()
    assert clock.now() == datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)
    assert clock.now().tzinfo is not None
    assert iso(clock.now()) == "2026-01-15T09:00:00Z"


def test_clock_advances_only_when_told() -> None:
    clock = Clock()
    first = clock.now()
    assert clock.now() == first
    clock.advance(seconds=30, minutes=1, hours=1, days=1)
    assert (clock.now() - first).total_seconds() == 30 + 60 + 3600 + 86400
    with pytest.raises(ValueError):
        clock.advance(seconds=-1)


def test_clock_custom_start_from_string() -> None:
    assert Clock("2030-05-01T00:00:00Z").now() == parse_instant("2030-05-01T00:00:00+00:00")
    assert Lab(start="2030-05-01T00:00:00Z").clock.epoch() == 1903824000


@pytest.mark.parametrize(
    ("kind", "prefix"),
    [("user", "AIDA"), ("role", "AROA"), ("group", "AGPA"), ("policy", "ANPA")],
)
def test_unique_id_prefixes(kind: str, prefix: str) -> None:
    uid = IdGenerator(0).unique_id(kind)
    assert re.fullmatch(prefix + "[A-Z2-7]{17}", uid)


def test_keys_tokens_and_seeds_have_aws_shapes() -> None:
    ids = IdGenerator(0)
    assert re.fullmatch("AKIA[A-Z2-7]{16}", ids.access_key_id())
    assert re.fullmatch("ASIA[A-Z2-7]{16}", ids.access_key_id(temporary=True))
    assert re.fullmatch("[A-Za-z0-9+/]{40}", ids.secret_access_key())
    assert re.fullmatch("[A-Z2-7]{32}", ids.mfa_seed())
    assert len(ids.session_token()) > 100
    assert re.fullmatch(
        "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", ids.request_id()
    )


def test_same_seed_same_ids_different_seed_different_ids() -> None:
    one, two, other = IdGenerator(7), IdGenerator(7), IdGenerator(8)
    seq = [one.unique_id("user"), one.access_key_id(), one.mfa_seed()]
    assert seq == [two.unique_id("user"), two.access_key_id(), two.mfa_seed()]
    assert seq[0] != other.unique_id("user")


def test_kinds_have_independent_sequences() -> None:
    one, two = IdGenerator(0), IdGenerator(0)
    one.request_id()
    one.request_id()
    assert one.access_key_id() == two.access_key_id()


def test_ids_are_unique() -> None:
    ids = IdGenerator(0)
    assert len({ids.unique_id("user") for _ in range(500)}) == 500


def test_two_labs_share_nothing() -> None:
    lab1, lab2 = Lab(), Lab()
    s1 = lab1.create_account("111111111111")
    lab2.create_account("111111111111")
    s1.client("iam").create_user(UserName="Only1")
    assert "only1" in lab1.account("111111111111").users
    assert "only1" not in lab2.account("111111111111").users
    lab1.clock.advance(hours=1)
    assert lab2.clock.now() != lab1.clock.now()
    # a key of one lab is unknown to the other
    key = lab1.account("111111111111").keys_of(None)[0]
    assert key.access_key_id in lab1.key_index
    assert lab2.trail().shape[0] == 0
