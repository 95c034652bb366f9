"""Small helpers for the notebooks: try a boto3 call and show what AWS answered."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError


@dataclass
class Outcome:
    """What one boto3 call gave: its response, or the error AWS (the lab) returned."""

    ok: bool
    response: dict[str, Any] | None = field(default=None, repr=False)
    code: str = ""
    message: str = ""
    status: int = 200

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        if self.ok:
            return "OK"
        return f"{self.code} (HTTP {self.status}): {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.ok else "#cf222e"
        return f'<span style="color: {colour}"><b>{html.escape(str(self))}</b></span>'


def attempt(call: Callable[[], Any]) -> Outcome:
    """Run ``call`` (a boto3 call); return an :class:`Outcome` instead of raising ClientError."""
    try:
        response = call()
    except ClientError as exc:
        error = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return Outcome(False, exc.response, error.get("Code", ""), error.get("Message", ""), status)
    return Outcome(True, response)


def show(response: dict[str, Any], *keys: str) -> dict[str, Any]:
    """A response without its ResponseMetadata (or only ``keys``), for tidy cell output."""
    if keys:
        return {k: response[k] for k in keys if k in response}
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}
