"""ARN parsing: the six colon-separated parts of an Amazon Resource Name."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple


class Arn(NamedTuple):
    """An ARN split into its parts; ``resource`` keeps any further colons."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


@lru_cache(maxsize=4096)
def parse_arn(text: str) -> Arn | None:
    """Split ``text`` into an :class:`Arn`, or return None when it is not an ARN."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return Arn(*parts[1:])


def account_of(text: str) -> str | None:
    """The account id in an ARN (None for ARNs without one, such as S3 buckets)."""
    arn = parse_arn(text)
    return arn.account if arn is not None and arn.account else None
