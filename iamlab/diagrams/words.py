"""Short words for the diagrams: conditions, lists of actions, and wrapped labels."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import Any

# friendly words for the condition keys the stories use
KEY_WORDS = {
    "aws:multifactorauthpresent": "MFA",
    "aws:multifactorauthage": "MFA age",
    "sts:externalid": "external ID",
    "aws:tokenissuetime": "token issued",
    "aws:principalarn": "principal",
    "aws:sourceip": "source IP",
}
_SYMBOLS = (
    ("NumericLessThanEquals", "<="),
    ("NumericLessThan", "<"),
    ("NumericGreaterThanEquals", ">="),
    ("NumericGreaterThan", ">"),
    ("NumericNotEquals", "!="),
    ("NumericEquals", "="),
    ("DateLessThanEquals", "at or before"),
    ("DateLessThan", "before"),
    ("DateGreaterThanEquals", "at or after"),
    ("DateGreaterThan", "after"),
    ("StringNotEqualsIgnoreCase", "!="),
    ("StringNotEquals", "!="),
    ("StringNotLike", "not like"),
    ("StringEqualsIgnoreCase", "="),
    ("StringEquals", "="),
    ("StringLike", "like"),
    ("ArnNotEquals", "!="),
    ("ArnNotLike", "not like"),
    ("ArnEquals", "="),
    ("ArnLike", "like"),
    ("NotIpAddress", "not in"),
    ("IpAddress", "in"),
)
WIDTH = 24  # characters per line of an edge label


def _phrase(operator: str, key: str, values: list[Any]) -> str:
    words = KEY_WORDS.get(key.lower(), key)
    shown = ", ".join(str(v) for v in values)
    bare = operator.removeprefix("ForAllValues:").removeprefix("ForAnyValue:")
    if bare.startswith("Bool"):
        wanted = str(values[0]).lower() == "true" if values else True
        return words if wanted else f"no {words}"
    if bare.startswith("Null"):
        absent = str(values[0]).lower() == "true" if values else True
        return f"no {words}" if absent else f"{words} present"
    base = bare.removesuffix("IfExists")
    for name, symbol in _SYMBOLS:
        if base == name:
            unit = " s" if key.lower() == "aws:multifactorauthage" else ""
            return f"{words} {symbol} {shown}{unit}"
    return f"{operator} {words} {shown}"


def condition_words(statement: dict[str, Any]) -> str:
    """A short phrase for a statement's conditions: ``if MFA``, ``if external ID = 12345``."""
    phrases = []
    for operator, block in (statement.get("Condition") or {}).items():
        for key, value in block.items():
            phrases.append(_phrase(operator, key, value if isinstance(value, list) else [value]))
    return ("if " + " and ".join(phrases)) if phrases else ""


def short_actions(actions: Iterable[str], most: int = 3) -> str:
    """``dynamodb:GetItem, Query +2``: the service once, then the first few action names."""
    items = list(actions)
    if not items:
        return ""
    services = {a.split(":", 1)[0] for a in items if ":" in a}
    if len(services) == 1:
        service = services.pop() + ":"
        names = [a.split(":", 1)[1] for a in items]
    else:
        service, names = "", items
    more = f" +{len(names) - most}" if len(names) > most else ""
    return f"{service}{', '.join(names[:most])}{more}"


LONGEST_WORD = 30  # a longer word (an ARN, a value a learner typed) is cut into pieces
LONGEST = 120  # characters of one part of a label (a call's note, the qualifier of its words)


def wrap(text: str, width: int = WIDTH, break_long: bool = False) -> str:
    """``text`` broken into lines of at most ``width`` characters (long words kept whole,
    unless ``break_long``: then a word longer than :data:`LONGEST_WORD` is cut into pieces)."""
    lines = []
    for paragraph in text.splitlines() or [""]:
        if break_long:
            paragraph = " ".join(
                " ".join(word[i : i + LONGEST_WORD] for i in range(0, len(word), LONGEST_WORD))
                for word in paragraph.split(" ")
            )
        lines += textwrap.wrap(
            paragraph, width, break_long_words=False, break_on_hyphens=False
        ) or [""]
    return "\n".join(lines)


def clip(text: str, most: int = LONGEST) -> str:
    """``text`` cut to ``most`` characters, ending in an ellipsis when cut (what a learner
    typed can be 1,224 characters long; the table and the explanation keep all of it)."""
    text = " ".join(text.split())
    if len(text) <= most:
        return text
    cut = text[: most - 1]
    space = cut.rfind(" ")
    if space > most * 2 // 3:  # end on a whole word when one ends near the limit
        cut = cut[:space]
    return cut.rstrip() + "\u2026"
