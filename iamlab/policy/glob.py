"""Wildcard matching for actions, resources, ARNs and StringLike values.

``*`` matches any run of characters and ``?`` exactly one.  Patterns are split
on ``*`` into literal chunks that are found left to right, so matching never
backtracks: its cost is bounded by len(pattern) * len(value), whatever the
pattern.  Characters that came from ``${*}``/``${?}`` policy variables (or from
values substituted into a pattern) are carried as the private-use sentinels
below and always match literally.
"""

from __future__ import annotations

from functools import lru_cache

LITERAL_STAR = "\ue000"
LITERAL_QMARK = "\ue001"
_UNESCAPE = str.maketrans({LITERAL_STAR: "*", LITERAL_QMARK: "?"})
_ESCAPE = str.maketrans({"*": LITERAL_STAR, "?": LITERAL_QMARK})


def escape(text: str) -> str:
    """Make every ``*`` and ``?`` in ``text`` match only itself."""
    return text.translate(_ESCAPE)


def unescape(text: str) -> str:
    """Turn escaped wildcard characters back into plain ``*`` and ``?``."""
    return text.translate(_UNESCAPE)


def _chunk_at(chunk: str, value: str, at: int) -> bool:
    """Whether ``chunk`` (which may contain ``?``) matches ``value`` at ``at``."""
    if at < 0 or at + len(chunk) > len(value):
        return False
    if "?" not in chunk:
        return value.startswith(chunk, at)
    for offset, char in enumerate(chunk):
        if char != "?" and value[at + offset] != char:
            return False
    return True


def _find_chunk(chunk: str, value: str, start: int, end: int) -> int:
    """Leftmost index >= start where ``chunk`` fits entirely before ``end``."""
    if "?" not in chunk:
        return value.find(chunk, start, end)
    for at in range(start, end - len(chunk) + 1):
        if _chunk_at(chunk, value, at):
            return at
    return -1


class Glob:
    """A compiled wildcard pattern.  ``Glob("s3:*").match("s3:GetObject")``."""

    __slots__ = ("chunks", "ignore_case", "literal", "pattern", "star")

    def __init__(self, pattern: str, ignore_case: bool = False) -> None:
        self.pattern = pattern
        self.ignore_case = ignore_case
        text = pattern.lower() if ignore_case else pattern
        self.star = text == "*"
        if "*" not in text and "?" not in text:
            self.literal: str | None = unescape(text)
            self.chunks: tuple[str, ...] = ()
        else:
            self.literal = None
            # Sentinels become plain characters inside chunks; a chunk's "?" is
            # only ever a real wildcard because escaped ones became LITERAL_QMARK
            # first and are restored after the split below.
            self.chunks = tuple(c.replace(LITERAL_STAR, "*") for c in text.split("*"))

    @property
    def has_wildcards(self) -> bool:
        return self.literal is None

    def match(self, value: str) -> bool:
        """Whether ``value`` matches the whole pattern."""
        if self.star:
            return True
        if self.ignore_case:
            value = value.lower()
        if self.literal is not None:
            return value == self.literal
        chunks = self.chunks
        if len(chunks) == 1:  # "?" wildcards but no "*"
            chunk = chunks[0]
            return len(chunk) == len(value) and _match_qmarks(chunk, value)
        first, last = chunks[0], chunks[-1]
        if not _match_qmarks_at(first, value, 0):
            return False
        pos = len(first)
        end = len(value) - len(last)
        if end < pos:
            return False
        for chunk in chunks[1:-1]:
            if not chunk:
                continue
            at = _find_qmark_chunk(chunk, value, pos, end)
            if at < 0:
                return False
            pos = at + len(chunk)
        return _match_qmarks_at(last, value, end)

    def __repr__(self) -> str:
        return f"Glob({self.pattern!r})"


def _match_qmarks(chunk: str, value: str) -> bool:
    return _match_qmarks_at(chunk, value, 0)


def _match_qmarks_at(chunk: str, value: str, at: int) -> bool:
    if LITERAL_QMARK in chunk:
        return _literal_q_at(chunk, value, at)
    return _chunk_at(chunk, value, at)


def _find_qmark_chunk(chunk: str, value: str, start: int, end: int) -> int:
    if LITERAL_QMARK in chunk:
        for at in range(start, end - len(chunk) + 1):
            if _literal_q_at(chunk, value, at):
                return at
        return -1
    return _find_chunk(chunk, value, start, end)


def _literal_q_at(chunk: str, value: str, at: int) -> bool:
    """Like :func:`_chunk_at` where LITERAL_QMARK must match a real ``?``."""
    if at < 0 or at + len(chunk) > len(value):
        return False
    for offset, char in enumerate(chunk):
        got = value[at + offset]
        if char == "?":
            continue
        if char == LITERAL_QMARK:
            if got != "?":
                return False
        elif got != char:
            return False
    return True


@lru_cache(maxsize=8192)
def glob(pattern: str, ignore_case: bool = False) -> Glob:
    """A cached :class:`Glob` for ``pattern``."""
    return Glob(pattern, ignore_case)


class ArnGlob:
    """ARN-aware matching: each of the six ARN parts is matched on its own.

    ``*`` and ``?`` never cross the colons between partition, service, region,
    account and resource; inside the resource part (which may contain colons and
    slashes) they match as in :class:`Glob`.  A pattern that is not an ARN (for
    example ``*``) is matched against the whole value; one that starts like an
    ARN but has fewer than six parts matches nothing.
    """

    __slots__ = ("parts", "pattern", "whole")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        pieces = pattern.split(":", 5)
        if pieces[0] == "arn" and len(pieces) > 1:
            # an ARN pattern with fewer than six parts can never match a whole ARN
            self.parts: tuple[Glob, ...] | None = tuple(glob(p) for p in pieces)
            self.whole: Glob | None = None
        else:
            self.parts = None
            self.whole = glob(pattern)

    def match(self, value: str) -> bool:
        """Whether the ARN ``value`` matches this pattern part by part."""
        if self.parts is None:
            return self.whole.match(value)  # type: ignore[union-attr]
        pieces = value.split(":", 5)
        if len(pieces) != 6 or len(self.parts) != 6:
            return False
        return all(g.match(p) for g, p in zip(self.parts, pieces, strict=True))

    def __repr__(self) -> str:
        return f"ArnGlob({self.pattern!r})"


@lru_cache(maxsize=8192)
def arn_glob(pattern: str) -> ArnGlob:
    """A cached :class:`ArnGlob` for ``pattern``."""
    return ArnGlob(pattern)
