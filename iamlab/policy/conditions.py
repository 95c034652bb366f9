"""Condition operators: parsing a Condition element and testing it against a request.

The operator families and their comparisons are data (``OPERATORS``); one
:class:`Clause` is one (operator, key, values) triple of a Condition element.
Rules (IAM User Guide, condition operators and multivalued keys):

* several operators, or several keys under one operator, are ANDed;
  several values for one key are ORed (negated operators: the request value
  must match none of them);
* a key missing from the request makes every operator false except negated
  operators (true), ``...IfExists`` (true) and ``Null`` (which tests presence);
* ``ForAllValues:`` is true when every request value matches (and when the key
  is missing or empty); ``ForAnyValue:`` when at least one does (false when
  missing or empty).

Validation follows IAM: an operator block that is empty (``{}``) is accepted
under any operator name and tests nothing; an unknown operator with content is
a syntax error; condition keys need no vendor prefix; an empty list of values is
accepted (no policy value can match it, so a positive operator is never met by a
present key and a negated one always is).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from operator import eq, ge, gt, le, lt
from typing import Any

from .context import RequestContext
from .errors import PolicyError
from .glob import ArnGlob, Glob, arn_glob, glob
from .variables import Template, compile_template

# name -> (value type, comparison, negated)
OPERATORS: dict[str, tuple[str, str, bool]] = {
    "StringEquals": ("string", "eq", False),
    "StringNotEquals": ("string", "eq", True),
    "StringEqualsIgnoreCase": ("string", "eq_ci", False),
    "StringNotEqualsIgnoreCase": ("string", "eq_ci", True),
    "StringLike": ("string", "like", False),
    "StringNotLike": ("string", "like", True),
    "NumericEquals": ("numeric", "eq", False),
    "NumericNotEquals": ("numeric", "eq", True),
    "NumericLessThan": ("numeric", "lt", False),
    "NumericLessThanEquals": ("numeric", "le", False),
    "NumericGreaterThan": ("numeric", "gt", False),
    "NumericGreaterThanEquals": ("numeric", "ge", False),
    "DateEquals": ("date", "eq", False),
    "DateNotEquals": ("date", "eq", True),
    "DateLessThan": ("date", "lt", False),
    "DateLessThanEquals": ("date", "le", False),
    "DateGreaterThan": ("date", "gt", False),
    "DateGreaterThanEquals": ("date", "ge", False),
    "Bool": ("bool", "eq", False),
    "BinaryEquals": ("binary", "eq", False),
    "IpAddress": ("ip", "in", False),
    "NotIpAddress": ("ip", "in", True),
    "ArnEquals": ("arn", "like", False),
    "ArnLike": ("arn", "like", False),
    "ArnNotEquals": ("arn", "like", True),
    "ArnNotLike": ("arn", "like", True),
    "Null": ("null", "null", False),
}

# value types whose policy values may contain ${...} variables
_VARIABLE_TYPES = {"string", "arn", "bool"}

# how a comparison reads in an explanation
_PHRASES = {
    ("numeric", "eq"): "equal to",
    ("numeric", "lt"): "less than",
    ("numeric", "le"): "at most",
    ("numeric", "gt"): "greater than",
    ("numeric", "ge"): "at least",
    ("date", "eq"): "at",
    ("date", "lt"): "before",
    ("date", "le"): "at or before",
    ("date", "gt"): "after",
    ("date", "ge"): "at or after",
    ("string", "eq"): "equal to",
    ("string", "eq_ci"): "equal (ignoring case) to",
    ("string", "like"): "like",
    ("bool", "eq"): "equal to",
    ("binary", "eq"): "equal to",
    ("ip", "in"): "inside",
    ("arn", "like"): "like",
}

_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "eq": eq,
    "lt": lt,
    "le": le,
    "gt": gt,
    "ge": ge,
}


@lru_cache(maxsize=4096)
def parse_number(text: str) -> Decimal | None:
    """A policy or request number, or None when ``text`` is not one."""
    try:
        number = Decimal(text.strip())
    except (InvalidOperation, ValueError, AttributeError):
        return None
    return number if number.is_finite() else None


@lru_cache(maxsize=4096)
def parse_date(text: str) -> float | None:
    """Seconds since the epoch for a W3C ISO 8601 date or an epoch number."""
    text = text.strip()
    number = parse_number(text)
    if number is not None:
        return float(number)
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _parse_binary(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _parse_network(text: str) -> Any:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _parse_address(text: str) -> Any:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        net = _parse_network(text)
        return net


_PARSERS: dict[str, Callable[[str], Any]] = {
    "numeric": parse_number,
    "date": parse_date,
    "binary": _parse_binary,
    "ip": _parse_network,
}
_REQUEST_PARSERS: dict[str, Callable[[str], Any]] = {
    "numeric": parse_number,
    "date": parse_date,
    "binary": _parse_binary,
    "ip": _parse_address,
}


def _policy_scalar(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    raise PolicyError(
        f"Condition values must be strings, numbers or booleans, not {type(value).__name__}",
        where,
    )


@dataclass(frozen=True)
class ClauseResult:
    """The outcome of one clause, for explanations."""

    clause: Clause
    met: bool
    request_values: tuple[str, ...] | None
    note: str

    def describe(self) -> str:
        """One line: operator, key, what was compared and the outcome."""
        verdict = "met" if self.met else "not met"
        return f"{self.clause.operator} {self.clause.key}: {self.note} -> {verdict}"


class Clause:
    """One key under one operator of a Condition element."""

    __slots__ = (
        "comparison",
        "exact",
        "fast",
        "if_exists",
        "key",
        "key_lower",
        "literal_set",
        "negated",
        "operator",
        "order",
        "parsed",
        "set_operator",
        "templates",
        "value_type",
        "values",
    )

    def __init__(self, operator: str, key: str, raw: Any, versioned: bool, where: str) -> None:
        self.operator = operator
        self.key = key
        self.key_lower = key.lower()
        spec = _SPECS.get(operator) or _operator_spec(operator, where)
        set_operator, self.if_exists, vtype, comparison, self.negated = spec
        self.set_operator = set_operator
        self.value_type = vtype
        self.comparison = comparison
        if type(raw) is str:
            values: tuple[str, ...] = (raw,)
        else:
            items = raw if isinstance(raw, list) else [raw]
            values = tuple([_policy_scalar(v, where) for v in items])
        self.values = values
        if vtype == "null":
            for v in values:
                if v.lower() not in ("true", "false"):
                    raise PolicyError(
                        f"Null condition values must be true or false, not {v}", where
                    )
        self._compile(versioned and vtype in _VARIABLE_TYPES, where)

    def _compile(self, variables: bool, where: str) -> None:
        """Split the values into literals and templates (when ``variables`` may be used) and
        precompute what :meth:`test` compares."""
        vtype, comparison, set_operator = self.value_type, self.comparison, self.set_operator
        literals: list[str] = []
        templates: list[Template] = []
        for v in self.values:
            tpl = compile_template(v, where) if variables and "${" in v else None
            if tpl is not None:
                templates.append(tpl)
            else:
                literals.append(v)
        self.templates: tuple[Template, ...] = tuple(templates)
        string_eq = vtype == "string" and comparison == "eq"
        folded = (vtype == "string" and comparison == "eq_ci") or vtype == "bool"
        # fast path of test(): StringEquals / StringEqualsIgnoreCase / Bool without
        # variables or set operators; exact: compared as given, else in lower case
        self.fast = (string_eq or folded) and not templates and set_operator is None
        self.exact = string_eq
        # fast path of test() for Numeric* and Date* without set operators: the order to
        # compare a request value (parsed) with the policy values that parse
        self.order: Callable[[Any, Any], bool] | None = (
            _ORDER[comparison]
            if set_operator is None and (vtype == "numeric" or vtype == "date")
            else None
        )
        self.literal_set: frozenset[str] | None = None
        if string_eq:
            self.literal_set = frozenset(literals)
            self.parsed: tuple[Any, ...] = tuple(literals)
        elif folded:
            self.literal_set = frozenset(map(str.lower, literals))
            self.parsed = tuple(literals)
        elif vtype == "string":  # like
            self.parsed = tuple(map(glob, literals))
        elif vtype == "arn":
            self.parsed = tuple(map(arn_glob, literals))
        elif vtype == "null":
            self.parsed = tuple([v.lower() == "true" for v in literals])
        else:
            self.parsed = tuple(map(_PARSERS[vtype], literals))

    # -- matching -----------------------------------------------------------

    def _resolved(self, context: RequestContext) -> tuple[list[Any], list[str]]:
        """Policy values after variable substitution; also the unresolved texts."""
        resolved: list[Any] = []
        unresolved: list[str] = []
        pattern = self.comparison == "like"
        for tpl in self.templates:
            text = tpl.resolve(context, as_pattern=pattern)
            if text is None:
                unresolved.append(tpl.text)
            elif self.value_type == "arn":
                resolved.append(ArnGlob(text))
            elif pattern:
                resolved.append(Glob(text))
            elif self.comparison == "eq_ci" or self.value_type == "bool":
                resolved.append(text.lower())
            else:
                resolved.append(text)
        return resolved, unresolved

    def _hit(self, value: str, extra: list[Any]) -> bool:
        """Whether one request value matches any policy value (the positive test)."""
        vtype, comparison = self.value_type, self.comparison
        if vtype == "string" or vtype == "bool":
            if comparison == "like":
                return any(g.match(value) for g in self.parsed) or any(
                    g.match(value) for g in extra
                )
            probe = value if comparison == "eq" and vtype == "string" else value.lower()
            return probe in self.literal_set or probe in extra  # type: ignore[operator]
        if vtype == "arn":
            return any(g.match(value) for g in self.parsed) or any(g.match(value) for g in extra)
        parsed = _REQUEST_PARSERS[vtype](value)
        if parsed is None:
            return False
        if vtype == "ip":
            if isinstance(parsed, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
                return any(
                    n is not None and n.version == parsed.version and parsed.subnet_of(n)
                    for n in self.parsed
                )
            return any(n is not None and parsed in n for n in self.parsed)
        if vtype == "binary":
            return any(p is not None and p == parsed for p in self.parsed)
        order = _ORDER[comparison]
        return any(p is not None and order(parsed, p) for p in self.parsed)

    def test(self, context: RequestContext) -> bool:
        """Whether this clause holds for the request."""
        values = context._values.get(self.key_lower)
        if self.fast:
            literal_set: frozenset[str] = self.literal_set  # type: ignore[assignment]
            if not values:
                return self.if_exists or self.negated
            if len(values) == 1:
                hit = (values[0] if self.exact else values[0].lower()) in literal_set
            elif self.exact:
                hit = any(v in literal_set for v in values)
            else:
                hit = any(v.lower() in literal_set for v in values)
            return hit != self.negated
        order = self.order
        if order is not None:
            if not values:
                return self.if_exists or self.negated
            parse = _REQUEST_PARSERS[self.value_type]
            for value in values:
                parsed = parse(value)
                if parsed is not None:
                    for p in self.parsed:
                        if p is not None and order(parsed, p):
                            return not self.negated
            return self.negated
        if self.value_type == "null":
            absent = not values
            return any(want == absent for want in self.parsed)
        extra: list[Any] = []
        if self.templates:
            extra = self._resolved(context)[0]
        if self.set_operator is None:
            if not values:
                return self.if_exists or self.negated
            hit = any(self._hit(v, extra) for v in values)
            return not hit if self.negated else hit
        if not values:
            if self.set_operator == "ForAllValues":
                return True
            return self.if_exists
        if self.set_operator == "ForAllValues":
            if self.negated:
                return not any(self._hit(v, extra) for v in values)
            return all(self._hit(v, extra) for v in values)
        if self.negated:
            return any(not self._hit(v, extra) for v in values)
        return any(self._hit(v, extra) for v in values)

    def explain(self, context: RequestContext) -> ClauseResult:
        """:meth:`test`, with a plain-words note of what was compared."""
        met = self.test(context)
        values = context.get(self.key_lower)
        wanted = ", ".join(f'"{v}"' for v in self.values) or "(none: the policy lists no values)"
        if self.value_type == "null":
            state = "missing" if not values else f"present ({_show(values)})"
            want = " or ".join("missing" if w else "present" for w in self.parsed)
            note = f"the key is {state}; Null {wanted} requires it to be {want}"
            return ClauseResult(self, met, values, note)
        phrase = _PHRASES[(self.value_type, self.comparison)]
        if self.negated:
            phrase = "not " + phrase
        unresolved = self._resolved(context)[1] if self.templates else []
        if not values:
            if self.set_operator == "ForAllValues":
                why = "ForAllValues is true for a missing or empty key"
            elif self.if_exists:
                why = "...IfExists treats a missing key as a match"
            elif self.negated:
                why = "a negated operator is true when the key is missing"
            else:
                why = (
                    f"{self.operator} is false when the key is missing "
                    "(only ...IfExists, Null and negated operators accept a missing key)"
                )
            note = f"the key is not in the request context; {why}"
        else:
            note = f"the request has {_show(values)}; the policy wants a value {phrase} {wanted}"
            if self.set_operator:
                note += f" ({self.set_operator}: " + (
                    "every request value must match)"
                    if self.set_operator == "ForAllValues"
                    else "at least one request value must match)"
                )
        if unresolved:
            note += "; policy variable(s) " + ", ".join(unresolved) + " could not be resolved"
        return ClauseResult(self, met, values, note)


# (set operator, ...IfExists, value type, comparison, negated) of an operator name
Spec = tuple[str | None, bool, str, str, bool]


def _operator_spec(operator: str, where: str) -> Spec:
    """What an operator name means; PolicyError for one IAM does not know."""
    base = operator
    set_operator: str | None = None
    if ":" in base:
        prefix, base = base.split(":", 1)
        if prefix not in ("ForAllValues", "ForAnyValue"):
            raise PolicyError(f"Invalid Condition type : {operator}", where)
        set_operator = prefix
    if_exists = base.endswith("IfExists") and base != "IfExists"
    if if_exists:
        base = base[: -len("IfExists")]
    spec = OPERATORS.get(base)
    if spec is None or (if_exists and base == "Null"):
        raise PolicyError(_invalid_operator(operator), where)
    value_type, comparison, negated = spec
    if set_operator and value_type == "null":
        raise PolicyError(_invalid_operator(operator), where)
    return set_operator, if_exists, value_type, comparison, negated


def _valid_specs() -> dict[str, Spec]:
    """Every valid operator name, with what it means."""
    specs: dict[str, Spec] = {}
    for base in OPERATORS:
        for prefix in ("", "ForAllValues:", "ForAnyValue:"):
            for suffix in ("", "IfExists"):
                name = prefix + base + suffix
                with contextlib.suppress(PolicyError):
                    specs[name] = _operator_spec(name, "")
    return specs


def _invalid_operator(operator: str) -> str:
    return f"Syntax errors in policy. Invalid Condition type : {operator}"


_SPECS = _valid_specs()


def _show(values: tuple[str, ...]) -> str:
    if len(values) == 1:
        return f'"{values[0]}"'
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def parse_condition(element: Any, versioned: bool, where: str) -> tuple[Clause, ...]:
    """Parse a statement's Condition element into clauses (all must hold)."""
    if not isinstance(element, dict):
        raise PolicyError("Condition must be an object of operators", where)
    clauses: list[Clause] = []
    for operator, block in element.items():
        if not isinstance(block, dict):
            raise PolicyError(
                f"Condition operator {operator} must map condition keys to values", where
            )
        # an empty block is accepted under any operator name, even an unknown one
        for key, raw in block.items():
            clauses.append(Clause(operator, key, raw, versioned, f"{where}.{operator}.{key}"))
    return tuple(clauses)
