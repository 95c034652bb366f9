"""Policy variables: ``${aws:username}``, ``${aws:PrincipalTag/team, 'default'}``, ``${*}``.

Variables are substituted only in policies whose Version is 2012-10-17; in
older policies the text is literal.  A variable whose key is absent from the
request context (and has no default) leaves the value unresolved: the caller
then treats that value as matching nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from .errors import PolicyError
from .glob import LITERAL_QMARK, LITERAL_STAR, escape, unescape

if TYPE_CHECKING:
    from .context import RequestContext

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,\s][^,]*?)\s*,\s*'([^']*)'\s*$")
_SPECIAL = {"*": ("*", LITERAL_STAR), "?": ("?", LITERAL_QMARK), "$": ("$", "$")}


class Template:
    """A string with policy variables, split into literal text and variables."""

    __slots__ = ("keys", "parts", "text")

    def __init__(self, text: str, parts: tuple[tuple[str, str | None, str | None], ...]) -> None:
        # each part: (literal, key_lower or None, default or None)
        self.text = text
        self.parts = parts
        self.keys = tuple(key for _, key, _ in parts if key is not None)

    def resolve(self, context: RequestContext, as_pattern: bool) -> str | None:
        """The text with variables replaced, or None if one cannot be resolved.

        With ``as_pattern`` the result is a wildcard pattern in which the
        substituted values (and ``${*}``/``${?}``) match literally.
        """
        out = []
        for literal, key, default in self.parts:
            out.append(literal)
            if key is None:
                continue
            values = context.get(key)
            if values is not None and len(values) == 1:
                value = values[0]
            elif default is not None:
                value = default
            else:
                return None
            out.append(escape(value) if as_pattern else value)
        text = "".join(out)
        return text if as_pattern else unescape(text)


@lru_cache(maxsize=8192)
def compile_template(text: str, location: str = "") -> Template | None:
    """Split ``text`` into a :class:`Template`, or None when it has no variables."""
    if "${" not in text:
        return None
    parts: list[tuple[str, str | None, str | None]] = []
    pos = 0
    for m in _VARIABLE.finditer(text):
        literal = text[pos : m.start()]
        inner = m.group(1)
        pos = m.end()
        special = _SPECIAL.get(inner.strip())
        if special is not None:
            # kept as a literal part; the sentinel form is used for patterns
            parts.append((literal, None, None))
            parts.append((special[1], None, None))
            continue
        default = None
        match = _DEFAULT.match(inner)
        if match:
            key, default = match.group(1), match.group(2)
        else:
            key = inner.strip()
        if not key or "," in key:
            raise PolicyError(f"Invalid policy variable ${{{inner}}}", location or None)
        parts.append((literal, key.lower(), default))
    parts.append((text[pos:], None, None))
    return Template(text, tuple(parts))
