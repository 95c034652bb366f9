"""Wildcard matching for actions, resources, ARNs and StringLike values.

``*`` matches any run of characters and ``?`` exactly one.  A pattern is split
on ``*`` into chunks; the first chunk must match at the start of the value, the
last at its end, and each chunk in between is placed at its leftmost possible
position after the previous one (leftmost placement is always the best choice,
so the matcher never backtracks).  Finding a chunk is linear in the value:

* a chunk without ``?`` is found with ``str.find``;
* a short chunk with ``?`` is found with a regular expression that has no
  repetition at all (only literal characters and ``.``), so it cannot backtrack
  and costs at most len(value) * 32 steps in C;
* a longer chunk with ``?`` is found with bit sets over the value (one bit per
  position of the value for each character the chunk needs, ANDed once per
  chunk character), or, for a value that is not ASCII, with a bit-parallel scan
  (one bit per chunk character, "shift-and") that skips ahead with ``str.find``
  on its longest literal piece whenever no partial match is alive.

So a match costs a few passes over the value plus one big-integer operation per
pattern character, whatever the pattern; usually it is a few ``str.find`` calls.
Characters that came from ``${*}``/``${?}`` policy variables (or from values
substituted into a pattern) are carried as the private-use sentinels below and
always match literally.
"""

from __future__ import annotations

import re
from functools import lru_cache

LITERAL_STAR = "\ue000"
LITERAL_QMARK = "\ue001"
_UNESCAPE = str.maketrans({LITERAL_STAR: "*", LITERAL_QMARK: "?"})
_ESCAPE = str.maketrans({"*": LITERAL_STAR, "?": LITERAL_QMARK})
# a "?" chunk up to this length is searched with a repetition-free regular expression
_SHORT_CHUNK = 32


def escape(text: str) -> str:
    """Make every ``*`` and ``?`` in ``text`` match only itself."""
    return text.translate(_ESCAPE)


def unescape(text: str) -> str:
    """Turn escaped wildcard characters back into plain ``*`` and ``?``."""
    return text.translate(_UNESCAPE)


class _Chunk:
    """One ``*``-free piece of a pattern; ``?`` (if any) matches one character."""

    __slots__ = (
        "accept",
        "anchor",
        "anchor_at",
        "length",
        "literal",
        "masks",
        "positions",
        "regex",
        "wild",
    )

    def __init__(self, text: str) -> None:
        # ``text`` may hold real "?" wildcards and LITERAL_QMARK (a literal "?")
        self.length = len(text)
        if "?" not in text:
            self.literal: str | None = text.replace(LITERAL_QMARK, "?")
            self.regex: re.Pattern[str] | None = None
            return
        self.literal = None
        source = "".join("." if c == "?" else re.escape(_plain(c)) for c in text)
        self.regex = re.compile(source, re.DOTALL)
        # bit-parallel tables: bit i is set for the characters chunk[i] accepts
        wild = 0
        masks: dict[str, int] = {}
        for i, c in enumerate(text):
            if c == "?":
                wild |= 1 << i
            else:
                char = _plain(c)
                masks[char] = masks.get(char, 0) | (1 << i)
        self.wild = wild
        self.masks = {c: m | wild for c, m in masks.items()}
        self.accept = 1 << (len(text) - 1)
        # the offsets of each literal character, for the bit-set search
        offsets: dict[str, list[int]] = {}
        for i, c in enumerate(text):
            if c != "?":
                offsets.setdefault(_plain(c), []).append(i)
        self.positions = tuple((c, tuple(at)) for c, at in offsets.items())
        # the longest literal piece and its offset, to skip ahead with str.find
        pieces = [(len(p), -at, p) for at, p in _pieces(text)]
        if pieces:
            _, neg_at, piece = max(pieces)
            self.anchor: str = piece
            self.anchor_at: int = -neg_at
        else:
            self.anchor, self.anchor_at = "", 0

    def at(self, value: str, pos: int) -> bool:
        """Whether the chunk matches ``value`` starting exactly at ``pos``."""
        if self.literal is not None:
            return value.startswith(self.literal, pos)
        if pos + self.length > len(value):
            return False
        return self.regex.match(value, pos) is not None  # type: ignore[union-attr]

    def find(self, value: str, start: int, end: int, bits: _Bits | None = None) -> int:
        """The leftmost index >= ``start`` where the chunk fits entirely before ``end``.

        ``bits`` caches the value's per-character bit sets across the chunks of one match.
        """
        if self.literal is not None:
            return value.find(self.literal, start, end)
        if end - start < self.length:
            return -1
        if self.length <= _SHORT_CHUNK:
            found = self.regex.search(value, start, end)  # type: ignore[union-attr]
            return found.start() if found is not None else -1
        if bits is None:
            bits = _Bits(value)
        if bits.ascii:
            return self._intersect(bits, start, end)
        return self._scan(value, start, end)

    def _intersect(self, bits: _Bits, start: int, end: int) -> int:
        """Bit p of the result is set when the chunk fits at p: one AND per chunk character."""
        last = end - self.length  # the last start position that fits
        valid = ((1 << (last - start + 1)) - 1) << start
        # rarest characters first, so that a chunk that cannot fit fails at once
        groups = sorted((bits.count(c), c, at) for c, at in self.positions)
        for _, char, offsets in groups:
            ones = bits.of(char)
            for offset in offsets:
                valid &= ones >> offset
                if not valid:
                    return -1
        return (valid & -valid).bit_length() - 1

    def _scan(self, value: str, start: int, end: int) -> int:
        """Shift-and over ``value[start:end]``: linear in the value, no backtracking."""
        masks, wild, accept, length = self.masks, self.wild, self.accept, self.length
        anchor, anchor_at = self.anchor, self.anchor_at
        state = 0
        i = start
        while i < end:
            if not state and anchor:
                # no partial match alive: jump to the next place the longest piece fits
                found = value.find(anchor, i + anchor_at, end)
                if found < 0:
                    return -1
                i = found - anchor_at
            state = ((state << 1) | 1) & masks.get(value[i], wild)
            if state & accept:
                return i - length + 1
            i += 1
        return -1


class _Bits:
    """Per-character bit sets of one value: bit p of ``of(c)`` is set when value[p] == c."""

    __slots__ = ("ascii", "cache", "raw", "text")

    def __init__(self, value: str) -> None:
        self.text = value
        self.ascii = value.isascii()
        self.raw = value.encode("ascii") if self.ascii else b""
        self.cache: dict[str, int] = {}

    def count(self, char: str) -> int:
        """How often ``char`` occurs in the value."""
        return self.text.count(char)

    def of(self, char: str) -> int:
        found = self.cache.get(char)
        if found is None:
            if len(char) != 1 or ord(char) > 127:
                found = 0
            else:
                ones = self.raw.translate(_table(char))
                found = int(ones[::-1], 2) if ones else 0
            self.cache[char] = found
        return found


@lru_cache(maxsize=256)
def _table(char: str) -> bytes:
    """A bytes.translate table turning ``char`` into b"1" and every other byte into b"0"."""
    table = bytearray(b"0" * 256)
    table[ord(char)] = ord("1")
    return bytes(table)


def _plain(char: str) -> str:
    return "?" if char == LITERAL_QMARK else char


def _pieces(text: str) -> list[tuple[int, str]]:
    """(offset, text) of each maximal run of non-wildcard characters in a chunk."""
    out: list[tuple[int, str]] = []
    start = -1
    for i, c in enumerate(text + "?"):
        if c == "?":
            if start >= 0:
                out.append((start, "".join(_plain(ch) for ch in text[start:i])))
                start = -1
        elif start < 0:
            start = i
    return out


class Glob:
    """A compiled wildcard pattern.  ``Glob("s3:*").match("s3:GetObject")``."""

    __slots__ = ("chunks", "ignore_case", "literal", "min_length", "pattern", "star")

    def __init__(self, pattern: str, ignore_case: bool = False) -> None:
        self.pattern = pattern
        self.ignore_case = ignore_case
        text = pattern.lower() if ignore_case else pattern
        self.star = text == "*"
        self.chunks: tuple[_Chunk, ...] = ()
        if "*" not in text and "?" not in text:
            self.literal: str | None = unescape(text)
            self.min_length = len(text)
            return
        self.literal = None
        # An escaped "*" (LITERAL_STAR) becomes a plain character inside its chunk;
        # an escaped "?" stays LITERAL_QMARK, which _Chunk treats as a literal "?".
        self.chunks = tuple(_Chunk(c.replace(LITERAL_STAR, "*")) for c in text.split("*"))
        self.min_length = sum(c.length for c in self.chunks)

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
        if len(value) < self.min_length:
            return False
        if len(chunks) == 1:  # "?" wildcards but no "*"
            return len(value) == chunks[0].length and chunks[0].at(value, 0)
        first, last = chunks[0], chunks[-1]
        if not first.at(value, 0):
            return False
        pos = first.length
        end = len(value) - last.length
        if end < pos or not last.at(value, end):
            return False
        bits: _Bits | None = None
        for chunk in chunks[1:-1]:
            if not chunk.length:
                continue
            if bits is None and chunk.length > _SHORT_CHUNK:
                bits = _Bits(value)
            found = chunk.find(value, pos, end, bits)
            if found < 0:
                return False
            pos = found + chunk.length
        return True

    def __repr__(self) -> str:
        return f"Glob({self.pattern!r})"


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

    __slots__ = ("memo", "parts", "pattern", "whole")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.memo: dict[str, bool] = {}  # value -> match (values repeat: ARNs of one lab)
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
        found = self.memo.get(value)
        if found is None:
            found = self._match(value)
            if len(self.memo) >= 256:
                self.memo.clear()
            self.memo[value] = found
        return found

    def _match(self, value: str) -> bool:
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
