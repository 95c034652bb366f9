"""Input validation driven by the botocore service models.

botocore's client checks that required parameters are present, that types are
right and that strings, lists and numbers are not *below* their minimum. The
service itself then checks the rest of the model's constraints: maximum lengths,
regular-expression patterns, enum values and numeric ranges. :func:`validate_input`
does that second pass for the emulator, before any handler runs, and raises the
service's own validation error:

The error codes are data (``invalid`` in :mod:`iamlab.aws.services._catalog`).

* IAM and STS (``query``) answer ``ValidationError`` (400) and DynamoDB (``json``)
  ``ValidationException`` (400) with the text of AWS's request validator, e.g.
  ``1 validation error detected: Value 'a b' at 'roleSessionName' failed to satisfy
  constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*``;
  several violations are counted and joined with ``"; "``. Member paths are the
  model's member names with a lower-case first letter; list items read
  ``tags.2.member.key`` (1-based). A value whose shape botocore marks ``sensitive``
  is not repeated (``Value at 'newPassword' failed ...``). A list or map whose
  items break their own constraints gets one violation naming all the item
  shape's constraints (``Member must satisfy constraint: [...]``,
  ``Map value must satisfy constraint: [...]``).
* EC2 answers the first violation as ``InvalidParameterValue``
  (``Invalid value 't3.bogus' for InstanceType.``).
* S3 answers the first violation with the code S3 uses for that header or
  parameter (``InvalidStorageClass``, ``InvalidLocationConstraint``, otherwise
  ``InvalidArgument``).

Model patterns are Java regular expressions. :func:`java_regex` translates them:
``\\w``, ``\\d`` and ``\\s`` are ASCII classes (Java's default), ``\\p{L}`` and the
other Unicode categories become explicit ranges, surrogate pairs written as two
``\\uXXXX`` escapes become one code point, ``.`` excludes every Java line terminator,
and a pattern must match the whole value (``fullmatch``: a trailing newline is not
accepted the way Python's ``$`` would accept it).

Lengths count characters (Unicode code points), as the services do.
"""

from __future__ import annotations

import base64
import re
import unicodedata
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from typing import Any

from .errors import LabError
from .services._catalog import SERVICES

# ---- violations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    """One broken constraint: where, which value, and the validator's sentence for it.

    ``path`` holds member names (model spelling), list indexes (0-based ints) and
    map keys (``("key", k)`` tuples); ``shape`` is the botocore shape whose
    constraint failed (None for service rules given as text).
    """

    path: tuple[Any, ...]
    value: Any
    constraint: str
    sensitive: bool = False
    shape: Any = None


def coral_path(path: Sequence[Any]) -> str:
    """``('Tags', 1, 'Key')`` -> ``tags.2.member.key`` (AWS's request-validator form)."""
    parts: list[str] = []
    for seg in path:
        if isinstance(seg, int):
            parts.append(f"{seg + 1}.member")
        elif isinstance(seg, tuple):
            parts.append(f"{seg[1]}.member")
        else:
            parts.append(seg[:1].lower() + seg[1:])
    return ".".join(parts)


def render(value: Any) -> str:
    """A value the way AWS's (Java) validator prints it in a message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(render(v) for v in value) + "]"
    return str(value)


def coral_message(violations: Sequence[Violation]) -> str:
    """``N validation error(s) detected: ...; ...`` (IAM, STS, DynamoDB and most services)."""
    n = len(violations)
    head = f"{n} validation error{'s' if n != 1 else ''} detected: "
    items = []
    for v in violations:
        where = coral_path(v.path)
        shown = "" if v.sensitive else f" '{render(v.value)}'"
        items.append(f"Value{shown} at '{where}' failed to satisfy constraint: {v.constraint}")
    return head + "; ".join(items)


def coral_error(code: str, violations: Sequence[Violation]) -> LabError:
    """The service's validation error (HTTP 400) for these violations."""
    return LabError(code, coral_message(violations), 400)


def violation(path: str | Sequence[Any], value: Any, constraint: str) -> Violation:
    """A violation of a service rule beyond the model (``path`` in model spelling)."""
    return Violation(
        tuple(path.split(".")) if isinstance(path, str) else tuple(path), value, constraint
    )


# ---- Java regular expressions -------------------------------------------------------------


class _Untranslatable(ValueError):
    """A Java regex construct with no faithful Python equivalent."""


# Java's line terminators, which ``.`` does not match (no DOTALL)
_DOT = "[^\\n\\r\\u0085\\u2028\\u2029]"
# POSIX classes: ASCII-only in Java unless UNICODE_CHARACTER_CLASS is set
_POSIX = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": "\\x00-\\x7f",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": "!-/:-@\\[-`{-~",
    "Graph": "!-~",
    "Print": " -~",
    "Blank": " \\t",
    "Cntrl": "\\x00-\\x1f\\x7f",
    "XDigit": "0-9a-fA-F",
    "Space": " \\t\\n\\x0b\\f\\r",
}
_PYTHON_ESCAPES = set("wWdDsSbBtnrfvaA0123456789")
_JAVA_ONLY = {
    "e": "\\x1b",
    "z": "\\Z",
    "h": "[ \\t\\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000]",
    "Z": "(?=(?:\\r\\n|[\\n\\r\\u0085\\u2028\\u2029])?\\Z)",
}


def _cp(code: int) -> str:
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


@lru_cache(maxsize=1)
def _category_ranges() -> dict[str, list[tuple[int, int]]]:
    """Code point ranges per two-letter Unicode general category.

    Planes 4 to 13 are unassigned and planes 15 and 16 are private use in every Unicode
    version, so only planes 0 to 3 and 14 are scanned.
    """
    out: dict[str, list[tuple[int, int]]] = {
        "Co": [(0xF0000, 0xFFFFD), (0x100000, 0x10FFFD)],
        "Cn": [(0x40000, 0xDFFFF)],
    }
    for low, high in ((0, 0x40000), (0xE0000, 0xE1000)):
        code = low
        for cat, run in groupby(map(unicodedata.category, map(chr, range(low, high)))):
            size = sum(1 for _ in run)
            out.setdefault(cat, []).append((code, code + size - 1))
            code += size
    return out


@lru_cache(maxsize=64)
def _category_class(name: str) -> str:
    """The inside of a character class for ``\\p{name}`` (category or POSIX class)."""
    if name.startswith("Is") and len(name) in (3, 4):
        name = name[2:]
    if name in _POSIX:
        return _POSIX[name]
    if name.startswith("Is") and name[2:] in _POSIX:
        return _POSIX[name[2:]]
    ranges = _category_ranges()
    cats = [c for c in ranges if c == name or (len(name) == 1 and c.startswith(name))]
    if not cats:
        raise _Untranslatable(f"\\p{{{name}}}")
    merged: list[list[int]] = []
    for a, b in sorted(span for c in cats for span in ranges[c]):
        if merged and a <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return "".join(_cp(a) if a == b else f"{_cp(a)}-{_cp(b)}" for a, b in merged)


def _hex(pattern: str, i: int, width: int) -> int:
    digits = pattern[i : i + width]
    if len(digits) != width or any(c not in "0123456789abcdefABCDEF" for c in digits):
        raise _Untranslatable(f"bad escape at {i}")
    return int(digits, 16)


def _translate(pattern: str) -> str:
    out: list[str] = []
    in_class = False
    class_start = False
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                raise _Untranslatable("trailing backslash")
            e = pattern[i + 1]
            if e == "u":
                code = _hex(pattern, i + 2, 4)
                i += 6
                if 0xD800 <= code <= 0xDBFF and pattern[i : i + 2] == "\\u":
                    low = _hex(pattern, i + 2, 4)
                    if 0xDC00 <= low <= 0xDFFF:
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                out.append(_cp(code))
            elif e == "x":
                if pattern[i + 2 : i + 3] == "{":
                    end = pattern.index("}", i)
                    out.append(_cp(int(pattern[i + 3 : end], 16)))
                    i = end + 1
                else:
                    out.append(_cp(_hex(pattern, i + 2, 2)))
                    i += 4
            elif e in "pP":
                if pattern[i + 2 : i + 3] == "{":
                    end = pattern.index("}", i)
                    name = pattern[i + 3 : end]
                    i = end + 1
                else:
                    name = pattern[i + 2 : i + 3]
                    i += 3
                body = _category_class(name)
                if in_class:
                    if e == "P":
                        raise _Untranslatable("\\P inside a class")
                    out.append(body)
                else:
                    out.append(f"[{'^' if e == 'P' else ''}{body}]")
            elif e == "Q":
                end = pattern.find("\\E", i + 2)
                end = n if end < 0 else end
                out.append(re.escape(pattern[i + 2 : end]))
                i = end + 2
            elif e in _JAVA_ONLY and (not in_class or e == "e"):
                out.append(_JAVA_ONLY[e])
                i += 2
            elif e.isalnum() and e not in _PYTHON_ESCAPES:
                raise _Untranslatable(f"\\{e}")
            else:
                out.append(pattern[i : i + 2])
                i += 2
            class_start = False
            continue
        if in_class:
            if c == "[" or pattern.startswith("&&", i):
                raise _Untranslatable("nested class or intersection")
            if c == "]" and not class_start:
                in_class = False
            out.append(c)
            class_start = class_start and c == "^"
        elif c == "[":
            in_class, class_start = True, True
            out.append(c)
        elif c == ".":
            out.append(_DOT)
        elif pattern.startswith("(?<", i) and pattern[i + 3 : i + 4] not in ("=", "!"):
            out.append("(?P<")
            i += 3
            continue
        elif pattern.startswith(("*+", "++", "?+", "}+"), i) or pattern.startswith("(?>", i):
            raise _Untranslatable("possessive quantifier or atomic group")
        else:
            out.append(c)
        i += 1
    if in_class:
        raise _Untranslatable("unterminated class")
    return "".join(out)


@lru_cache(maxsize=512)
def java_regex(pattern: str) -> re.Pattern[str] | None:
    """The Python regex equivalent to a Java model pattern (None if it has no faithful
    equivalent; callers then skip the check). Use ``.fullmatch``: Java's ``matches``."""
    try:
        return re.compile(_translate(pattern), re.ASCII)
    except (_Untranslatable, re.error, ValueError):
        return None


def matches(pattern: str, value: str) -> bool:
    """True if ``value`` matches the Java ``pattern`` in full (untranslatable: True)."""
    compiled = java_regex(pattern)
    return compiled is None or compiled.fullmatch(value) is not None


# ---- walking the input shape --------------------------------------------------------------

_NUMBERS = ("integer", "long", "float", "double", "bigdecimal", "biginteger")


def _sensitive(shape: Any) -> bool:
    return bool(shape.metadata.get("sensitive"))


def _length(value: Any) -> int | None:
    if isinstance(value, (str, bytes, bytearray, list, tuple, dict)):
        return len(value)
    return None


_RULES: weakref.WeakKeyDictionary[Any, tuple[tuple[str, Any, str], ...]] = (
    weakref.WeakKeyDictionary()
)


def _rules(shape: Any) -> tuple[tuple[str, Any, str], ...]:
    """``(check, limit, sentence)`` for each constraint of a shape, in the order AWS's
    validator lists them: maximum, minimum, pattern, enum (computed once per shape)."""
    try:
        return _RULES[shape]
    except KeyError:
        pass
    meta = shape.metadata
    rules: list[tuple[str, Any, str]] = []
    if shape.type_name in _NUMBERS:
        if "max" in meta:
            sentence = f"Member must have value less than or equal to {meta['max']}"
            rules.append(("max_value", meta["max"], sentence))
        if "min" in meta:
            sentence = f"Member must have value greater than or equal to {meta['min']}"
            rules.append(("min_value", meta["min"], sentence))
    else:
        if "max" in meta:
            sentence = f"Member must have length less than or equal to {meta['max']}"
            rules.append(("max_length", meta["max"], sentence))
        if "min" in meta:
            sentence = f"Member must have length greater than or equal to {meta['min']}"
            rules.append(("min_length", meta["min"], sentence))
        if shape.type_name == "string":
            if "pattern" in meta:
                sentence = f"Member must satisfy regular expression pattern: {meta['pattern']}"
                rules.append(("pattern", meta["pattern"], sentence))
            enum = getattr(shape, "enum", None) or []
            if enum:
                sentence = f"Member must satisfy enum value set: [{', '.join(enum)}]"
                rules.append(("enum", frozenset(enum), sentence))
    _RULES[shape] = found = tuple(rules)
    return found


def _breaks(check: str, limit: Any, value: Any) -> bool:
    if check in ("max_value", "min_value"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return value > limit if check == "max_value" else value < limit
    if check in ("max_length", "min_length"):
        size = _length(value)
        if size is None:
            return False
        return size > limit if check == "max_length" else size < limit
    if not isinstance(value, str):
        return False
    if check == "pattern":
        return not matches(limit, value)
    return value not in limit


def constraints(shape: Any, value: Any) -> list[tuple[str, bool]]:
    """``(sentence, broken)`` for each constraint of a scalar or collection shape, in the
    order AWS's validator lists them: maximum, minimum, pattern, enum."""
    return [(sentence, _breaks(check, limit, value)) for check, limit, sentence in _rules(shape)]


def _broken(shape: Any, value: Any) -> list[str]:
    return [s for check, limit, s in _rules(shape) if _breaks(check, limit, value)]


def _scalar(shape: Any) -> bool:
    return shape.type_name not in ("structure", "list", "map")


def _item_failures(shape: Any, values: Iterable[Any]) -> bool:
    rules = _rules(shape)
    return bool(rules) and any(_breaks(c, limit, v) for v in values for c, limit, _ in rules)


def _listed(shape: Any) -> str:
    return ", ".join(sentence for _, _, sentence in _rules(shape))


def _walk(
    shape: Any, value: Any, path: tuple[Any, ...], hidden: bool, out: list[Violation]
) -> None:
    hidden = hidden or _sensitive(shape)
    for sentence in _broken(shape, value):
        out.append(Violation(path, value, sentence, hidden, shape))
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value and value[name] is not None:
                _walk(member, value[name], (*path, name), hidden, out)
    elif kind == "list" and isinstance(value, (list, tuple)):
        item = shape.member
        if _scalar(item):
            if _item_failures(item, value):
                out.append(
                    Violation(
                        path,
                        value,
                        f"Member must satisfy constraint: [{_listed(item)}]",
                        hidden or _sensitive(item),
                        item,
                    )
                )
        else:
            for index, element in enumerate(value):
                _walk(item, element, (*path, index), hidden, out)
    elif kind == "map" and isinstance(value, dict):
        if _item_failures(shape.key, value.keys()):
            listed = _listed(shape.key)
            out.append(
                Violation(path, value, f"Map keys must satisfy constraint: [{listed}]", hidden)
            )
        item = shape.value
        if _scalar(item):
            if _item_failures(item, value.values()):
                out.append(
                    Violation(
                        path,
                        value,
                        f"Map value must satisfy constraint: [{_listed(item)}]",
                        hidden or _sensitive(item),
                        item,
                    )
                )
        else:
            for key, element in value.items():
                _walk(item, element, (*path, ("key", key)), hidden, out)


def violations(shape: Any, params: dict[str, Any]) -> list[Violation]:
    """Every model constraint ``params`` break, in member order (empty when valid)."""
    out: list[Violation] = []
    if shape is not None:
        _walk(shape, params, (), False, out)
    return out


# ---- the services' answers ----------------------------------------------------------------

# services the lab does not emulate: the usual code of their protocol
_PROTOCOL_CODES = {
    "query": "ValidationError",
    "json": "ValidationException",
    "rest-json": "ValidationException",
    "ec2": "InvalidParameterValue",
    "rest-xml": "InvalidArgument",
}

# S3 (S3 API reference, "Error responses"; also the Error shape of botocore's s3 model)
_S3_BY_SHAPE = {
    "StorageClass": ("InvalidStorageClass", "The storage class you specified is not valid"),
    "BucketLocationConstraint": (
        "InvalidLocationConstraint",
        "The specified location-constraint is not valid",
    ),
    "EncodingType": ("InvalidArgument", "Invalid Encoding Method specified in Request"),
    "ServerSideEncryption": ("InvalidArgument", "The encryption method specified is not supported"),
}


def _wire_name(operation_model: Any, path: Sequence[Any]) -> str:
    """The header, query-string or element name of the top-level member on the wire."""
    top = path[0] if path else ""
    members = operation_model.input_shape.members if operation_model.input_shape else {}
    member = members.get(top) if isinstance(top, str) else None
    if member is not None:
        return member.serialization.get("name", top)
    return str(top)


def _ec2_path(path: Sequence[Any]) -> str:
    parts = []
    for seg in path:
        if isinstance(seg, int):
            parts.append(str(seg + 1))
        elif isinstance(seg, tuple):
            parts.append(str(seg[1]))
        else:
            parts.append(seg)
    return ".".join(parts)


def service_error(operation_model: Any, found: Sequence[Violation]) -> LabError:
    """The error the operation's service returns for these violations."""
    service = operation_model.service_model.service_name
    protocol = operation_model.service_model.protocol
    if service in SERVICES:
        code = SERVICES[service]["invalid"]
    else:
        code = _PROTOCOL_CODES.get(protocol, "ValidationException")
    first = found[0]
    if protocol == "ec2":
        shown = "" if first.sensitive else f" '{render(first.value)}'"
        return LabError(code, f"Invalid value{shown} for {_ec2_path(first.path)}.", 400)
    if protocol == "rest-xml":
        shape_name = getattr(first.shape, "name", "")
        top = first.path[0] if first.path else ""
        specific = _S3_BY_SHAPE.get(shape_name) or _S3_BY_SHAPE.get(str(top))
        if specific:
            return LabError(*specific, 400)
        shown = "" if first.sensitive else f"'{render(first.value)}' "
        where = _wire_name(operation_model, first.path)
        return LabError(code, f"The value {shown}of {where} is not valid", 400)
    return coral_error(code, found)


def validate_input(operation_model: Any, params: dict[str, Any]) -> None:
    """Raise the service's validation error if ``params`` break the operation's input model.

    ``operation_model`` is botocore's ``OperationModel``; ``params`` are the request
    parameters as the learner passed them (botocore has already checked types,
    required members and minimums).
    """
    found = violations(operation_model.input_shape, params)
    if found:
        raise service_error(operation_model, found)
