"""Grids of neighbouring requests: what a checker asks besides the requests a task names.

A :class:`Probe` is one request (action, resource, caller with its request context). The
``vary_*`` functions build planes of probes around the requests a task is about: other actions
of the same service (every action of the catalogue, so ``Get*``, ``Put*``, ``List*`` and
``Delete*`` wildcards are caught at the bucket level and the object level), other services,
neighbouring resources (the bucket itself for an object, a bucket or table whose name starts
the same, another account, another region) and other callers (other principals, and the same
principal with other credentials: MFA absent, ``false``, ``true`` at several ages).

The action catalogue is data: ``iamlab/data/actions.json``. The MFA keys of each kind of
credentials come from :mod:`iamlab.scenarios.mfa_context`, which reads them from a real lab.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from iamlab.data import load_actions
from iamlab.scenarios.mfa_context import AGE_KEY, LONG_TERM, request_keys

# other services a grid asks about, one catalogue each
OTHER_SERVICES = ("s3", "ec2", "dynamodb", "iam", "sts", "sqs", "sns")
OTHER_REGION = "eu-west-1"


@dataclass(frozen=True)
class Caller:
    """Who signs a request and with what: a principal ARN (None: anonymous) and the request
    context its credentials give."""

    principal: str | None
    how: str  # "GetSessionToken with MFA, MFA 60 s ago"
    context: tuple[tuple[str, str], ...] = ()
    topic: str = "principal"

    def describe(self) -> str:
        who = self.principal or "an anonymous caller"
        return f"{who} ({self.how})" if self.how else who

    def with_topic(self, topic: str) -> Caller:
        """The same caller, filed under another topic."""
        return Caller(self.principal, self.how, self.context, topic)


def caller(
    principal: str, kind: str, age: int = 60, topic: str = "context", mode: str = "mfa_page"
) -> Caller:
    """``principal`` signing with credentials of ``kind`` (one of
    :data:`iamlab.scenarios.mfa_context.KINDS`), ``age`` seconds after they were issued."""
    keys = request_keys(kind, age, mode)
    how = f"{kind}, MFA {keys[AGE_KEY]} s ago" if AGE_KEY in keys else kind
    return Caller(principal, how, tuple(sorted(keys.items())), topic)


def anonymous(topic: str = "principal") -> Caller:
    """An unsigned request: no principal and no MFA key (only the time, TLS and region)."""
    keys = request_keys(LONG_TERM)
    return Caller(None, "an unsigned request", tuple(sorted(keys.items())), topic)


@dataclass(frozen=True)
class Probe:
    """One request of a grid, with the topic its hints are filed under.

    ``label`` and ``expected`` are set for the requests a task names ("Nikhil puts an
    object with MFA" must be ``allowed``); grid probes leave them empty and are compared
    with the reference answer's decision.
    """

    action: str
    resource: str
    caller: Caller
    topic: str = "action"
    owner: str | None = None  # the account owning the resource, when its ARN names none
    note: str = ""  # what the resource is, e.g. "the bucket itself"
    label: str = ""
    expected: str | None = None  # allowed | denied | explicitDeny | implicitDeny

    @property
    def request(self) -> tuple[str, str, str | None, tuple[tuple[str, str], ...], str | None]:
        """What is asked, whatever the topic or label: two probes with the same request are
        the same request."""
        return (self.action, self.resource, self.caller.principal, self.caller.context, self.owner)

    def describe(self) -> str:
        """ "s3:PutObject on arn:...:report.csv to arn:...:user/Nikhil (long-term access keys)"."""
        where = f"{self.resource} ({self.note})" if self.note else self.resource
        return f"{self.action} on {where} to {self.caller.describe()}"

    def named(self, label: str, expected: str, topic: str | None = None) -> Probe:
        """This request as one a task names, with its expected decision."""
        return Probe(
            self.action,
            self.resource,
            self.caller,
            topic or self.topic,
            self.owner,
            self.note,
            label,
            expected,
        )


# ---- the action catalogue ----------------------------------------------------------------


@lru_cache(maxsize=1)
def _catalog() -> dict[str, Any]:
    return load_actions()


def actions(service: str) -> list[str]:
    """Every catalogued action of ``service``, e.g. ``["s3:ListAllMyBuckets", ...]``."""
    try:
        names = _catalog()[service]["actions"]
    except KeyError:
        raise KeyError(f"no service {service!r} in the action catalogue") from None
    return [f"{service}:{name}" for name in names]


def resource_type(action: str) -> str:
    """The resource type ``action`` acts on (``"object"``, ``"bucket"``, ``"*"``...)."""
    service, _, name = action.partition(":")
    try:
        return _catalog()[service]["actions"][name]
    except KeyError:
        raise KeyError(f"{action!r} is not in the action catalogue") from None


def arn_for(action: str, scope: Mapping[str, str]) -> str:
    """The ARN ``action`` would act on, named from ``scope`` (bucket, key, account, table...)."""
    service = action.partition(":")[0]
    template = _catalog()[service]["arn"][resource_type(action)]
    try:
        return template.format(**{**_catalog()["_defaults"], **scope})
    except KeyError as exc:
        raise KeyError(
            f"the scope needs {exc.args[0]!r} to name the resource of {action}"
        ) from None


# ---- planes of probes ------------------------------------------------------------------------


def vary_actions(
    scope: Mapping[str, str],
    callers: Iterable[Caller],
    services: Sequence[str] = ("s3",),
    others: Sequence[str] = OTHER_SERVICES,
    owner: str | None = None,
    types: Sequence[str] | None = None,
) -> list[Probe]:
    """Every catalogued action of ``services`` (topic ``action``) and of ``others`` (topic
    ``service``), each on the resource of its own type named from ``scope``, by each caller.
    ``types`` keeps only actions on those resource types (a bucket policy is asked only about
    its bucket and objects: ``("bucket", "object")``)."""
    probes = []
    callers = list(callers)
    for service in dict.fromkeys([*services, *others]):
        topic = "action" if service in services else "service"
        for action in actions(service):
            if types is not None and resource_type(action) not in types:
                continue
            resource = arn_for(action, scope)
            for who in callers:
                probes.append(Probe(action, resource, who, topic, owner))
    return probes


def vary_resources(
    actions_: Iterable[str],
    resources: Iterable[tuple[str, str, str]],
    callers: Iterable[Caller],
    owner: str | None = None,
) -> list[Probe]:
    """Each action on each neighbouring resource ``(arn, topic, note)``, by each caller."""
    callers = list(callers)
    resources = list(resources)
    return [
        Probe(action, arn, who, topic, owner, note)
        for action in actions_
        for arn, topic, note in resources
        for who in callers
    ]


def vary_callers(
    actions_: Iterable[str], resource: str, callers: Iterable[Caller], owner: str | None = None
) -> list[Probe]:
    """Each action on ``resource`` by each caller (topic: the caller's)."""
    callers = list(callers)
    return [
        Probe(action, resource, who, who.topic, owner) for action in actions_ for who in callers
    ]


_ID = re.compile(r"^[a-z]+-[0-9a-f]{8,}$")


def _other_name(name: str) -> tuple[str, str]:
    """A neighbouring name: another id for ids, else a name that starts the same."""
    if _ID.match(name):
        return name[:-1] + ("1" if name[-1] != "1" else "2"), "another one"
    suffix = "Archive" if name[:1].isupper() else "-logs"
    return name + suffix, "its name starts the same"


def resource_neighbours(
    arn: str, accounts: Sequence[str] = (), regions: Sequence[str] = (OTHER_REGION,)
) -> list[tuple[str, str, str]]:
    """Neighbours of ``arn`` as ``(arn, topic, note)``: a resource whose name starts the same
    (an S3 bucket ``NAME-logs`` with the same key, a table ``BooksArchive``) or, for ids,
    another one (topic ``resource``); the same name in other ``accounts`` (``account``) and
    ``regions`` (``region``) when the ARN has those fields.

    Bucket-level against object-level requests are not neighbours of one ARN: they come from
    :func:`vary_actions`, which asks each action on the kind of resource it acts on.
    """
    if arn.startswith("arn:aws:s3:::"):
        bucket, slash, key = arn[len("arn:aws:s3:::") :].partition("/")
        other, note = _other_name(bucket)
        return [(f"arn:aws:s3:::{other}{slash}{key}", "resource", note)]
    parts = arn.split(":", 5)
    if len(parts) != 6:
        return []
    prefix, service, region, account, resource = parts[0], parts[2], parts[3], parts[4], parts[5]
    head, sep, name = resource.rpartition("/") if "/" in resource else ("", "", resource)
    other, note = _other_name(name)
    found = [(f"{prefix}:aws:{service}:{region}:{account}:{head}{sep}{other}", "resource", note)]
    found += [
        (f"{prefix}:aws:{service}:{region}:{acct}:{resource}", "account", f"in account {acct}")
        for acct in accounts
        if acct != account
    ]
    if region:
        found += [
            (f"{prefix}:aws:{service}:{r}:{account}:{resource}", "region", f"in {r}")
            for r in regions
            if r != region
        ]
    return found


def role_session(role_arn: str, session_name: str) -> str:
    """The ARN of a session of ``role_arn``: ``arn:aws:sts::ACCT:assumed-role/ROLE/SESSION``."""
    account = role_arn.split(":")[4]
    return f"arn:aws:sts::{account}:assumed-role/{role_arn.rsplit('/', 1)[1]}/{session_name}"


def unique(probes: Iterable[Probe]) -> list[Probe]:
    """``probes`` without repeated requests (the first one's topic is kept)."""
    seen: dict[Any, Probe] = {}
    for probe in probes:
        seen.setdefault(probe.request, probe)
    return list(seen.values())


# ---- probes aimed at what an answer names ------------------------------------------------

STRANGER_ACCOUNT = "999988887777"  # an account no story trusts
_FIELD_STAND_INS = {3: OTHER_REGION, 4: STRANGER_ACCOUNT}  # region, account
_ACCOUNT_ID = re.compile(r"[0-9]{12}", re.ASCII)


@lru_cache(maxsize=1)
def _type_patterns() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """``(service, type, regex)`` for every catalogued ARN template."""
    found = []
    for service, entry in _catalog().items():
        if service.startswith("_"):
            continue
        for kind, template in entry["arn"].items():
            if kind == "*":
                continue
            pattern = re.escape(template)
            for name in re.findall(r"\\\{(\w+)\\\}", pattern):
                part = ".+" if name == "key" else "[^:/]+" if name == "bucket" else "[^:]+"
                pattern = pattern.replace(f"\\{{{name}\\}}", part)
            found.append((service, kind, re.compile(pattern)))
    return tuple(found)


def resource_type_of(arn: str) -> str | None:
    """The catalogue's resource type of a concrete ARN (``"object"``, ``"table"``...), or
    None when no catalogued template matches it."""
    if arn == "*":
        return "*"
    for _, kind, pattern in _type_patterns():
        if pattern.fullmatch(arn):
            return kind
    return None


def concrete(arn: str) -> str:
    """A resource a wildcard ARN matches: ``*`` in the region or account field becomes
    another region or account, elsewhere a name (``arn:aws:s3:::logs-*/*`` becomes
    ``arn:aws:s3:::logs-x/x``)."""
    if arn == "*" or ("*" not in arn and "?" not in arn):
        return arn
    parts = arn.split(":", 5)
    if len(parts) != 6:
        return arn.replace("*", "x").replace("?", "x")
    for i, part in enumerate(parts):
        if i in _FIELD_STAND_INS and part in ("*", "?"):
            parts[i] = _FIELD_STAND_INS[i]
        else:
            parts[i] = part.replace("*", "x").replace("?", "x")
    return ":".join(parts)


def _listed(statement: Mapping[str, Any], key: str) -> list[str]:
    value = statement.get(key, [])
    return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]


def _all_actions() -> list[str]:
    return [a for service in _catalog() if not service.startswith("_") for a in actions(service)]


def _actions_named(statement: Mapping[str, Any]) -> list[str]:
    """The catalogued actions a statement covers, the ones it lists by name first."""
    everything = _all_actions()
    if "NotAction" in statement:
        excluded = [p.lower() for p in _listed(statement, "NotAction")]
        return [a for a in everything if not any(_glob_match(a.lower(), p) for p in excluded)]
    named: list[str] = []
    for item in _listed(statement, "Action"):
        if "*" not in item and "?" not in item:
            named.append(item)
        else:
            named += [a for a in everything if _glob_match(a.lower(), item.lower())]
    return list(dict.fromkeys(named))


def _glob_match(value: str, pattern: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


def principals_named(statement: Mapping[str, Any]) -> list[str]:
    """The AWS principals a statement names, as caller ARNs: an account id becomes a user of
    that account, ``"*"`` a user of an account nobody trusts."""
    principal = statement.get("Principal")
    if principal is None:
        return []
    if principal == "*":
        return [f"arn:aws:iam::{STRANGER_ACCOUNT}:user/Stranger"]
    values = principal.get("AWS", []) if isinstance(principal, Mapping) else []
    found = []
    for value in [values] if isinstance(values, str) else values:
        if not isinstance(value, str):
            continue
        if value == "*":
            found.append(f"arn:aws:iam::{STRANGER_ACCOUNT}:user/Stranger")
        elif _ACCOUNT_ID.fullmatch(value) or value.endswith(":root"):
            account = value if _ACCOUNT_ID.fullmatch(value) else value.split(":")[4]
            found.append(f"arn:aws:iam::{account}:user/Someone")
        else:
            found.append(value)
    return found


def from_statements(
    document: Mapping[str, Any],
    callers: Sequence[Caller],
    task_resources: Sequence[str],
    scope: Mapping[str, str],
    limit: int = 200,
) -> list[Probe]:
    """Requests aimed at what ``document``'s own statements name, by ``callers``.

    Each statement's actions (a wildcard or a NotAction: the catalogued actions it covers)
    are asked on each resource the statement names that is of the action's type (a wildcard
    ARN made :func:`concrete`). ``"*"`` or a NotResource stands for the task's own resources
    of that type (``task_resources``), else the action's resource named from ``scope``. So an
    extra grant that no grid foresaw, say a statement for another bucket, is still compared
    with the reference. At most ``limit`` probes, listed names before wildcards. Resources
    with policy variables are left to the grid (they resolve per caller).
    """
    raw = document.get("Statement", [])
    statements = [raw] if isinstance(raw, Mapping) else [s for s in raw if isinstance(s, Mapping)]
    typed = [(resource_type_of(r), r) for r in task_resources]
    probes: list[Probe] = []
    for statement in statements:
        listed = [r for r in _listed(statement, "Resource") if "${" not in r]
        resources = [concrete(r) for r in listed if r != "*"]
        broad = not listed or "*" in listed or "NotResource" in statement
        for action in _actions_named(statement):
            try:
                kind: str | None = resource_type(action)
            except KeyError:
                kind = None  # not catalogued: asked on every resource the statement names
            targets = [r for r in resources if kind is None or resource_type_of(r) == kind]
            if broad and kind is not None:
                own = [r for t, r in typed if t == kind]
                if not own:
                    with contextlib.suppress(KeyError):
                        own = [arn_for(action, scope)]
                targets += own
            for arn in dict.fromkeys(targets):
                for who in callers:
                    probes.append(Probe(action, arn, who, "action"))
    return unique(probes)[:limit]
