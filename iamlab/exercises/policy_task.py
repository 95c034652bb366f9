"""A policy-writing task, and the checker built from it.

A :class:`PolicyTask` says where the learner's policy goes (an identity policy beside others,
or a resource policy in front of callers with their own identity policies), the requests the
task names with the decision each must get, and a grid of neighbouring requests whose
decisions must be the reference answer's. The checker it builds reports, in this order:

1. what IAM (or S3) would reject: JSON, grammar, a bucket policy naming other resources;
2. condition operators of the wrong type for their key (:mod:`iamlab.policy.keys`);
3. named requests decided wrongly ("Nikhil puts an object with MFA: ... should be allowed");
4. neighbours decided differently from the reference answer: "your policy also allows
   s3:PutBucketPolicy on arn:aws:s3:::account-a-bucket to arn:aws:iam::...:user/Nikhil (...)",
   or "no longer allows ..." — a few examples, then how many more.

The learner's policy is parsed once per check; the reference's decisions once per process.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from iamlab.policy import Policy, PolicyError, evaluate, parse_policy
from iamlab.policy.keys import mismatches
from iamlab.scenarios.mfa_context import LONG_TERM

from .checks import as_document
from .core import FORMAT, Attempt, Problem, define
from .grid import (
    Caller,
    Probe,
    caller,
    from_statements,
    principals_named,
    resource_type_of,
)

Extra = Callable[[Mapping[str, Any], list[Problem]], list[Problem]]
SHOWN = 4  # grid differences shown one by one; the rest are counted
TOPIC_ORDER = (
    "action",
    "level",
    "resource",
    "account",
    "region",
    "service",
    "principal",
    "context",
    "boundary",
)
S3_PREFIX = "arn:aws:s3:::"
_WORDS = {
    "allowed": "allowed",
    "explicitDeny": "denied by an explicit Deny",
    "implicitDeny": "denied (nothing allows it)",
}
_SHOULD = {
    "allowed": "allowed",
    "denied": "denied",
    "explicitDeny": "denied by an explicit Deny",
    "implicitDeny": "denied without any Deny (nothing allows it)",
}


def _canonical(statement: Any) -> str:
    """A statement's meaning as text: keys sorted, one-item lists as their item."""

    def norm(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, list):
            items = [norm(v) for v in value]
            return items[0] if len(items) == 1 else sorted(items, key=repr)
        return value

    statement = (
        {k: v for k, v in statement.items() if k != "Sid"}
        if isinstance(statement, Mapping)
        else statement
    )
    return json.dumps(norm(statement), sort_keys=True)


def _statements(doc: Mapping[str, Any]) -> list[Any]:
    raw = doc.get("Statement", [])
    return [raw] if isinstance(raw, Mapping) else list(raw) if isinstance(raw, list) else []


def _new_statements(doc: Mapping[str, Any], reference: Mapping[str, Any]) -> list[Any]:
    """The answer's statements that are not, word for word, one of the reference's."""
    known = {_canonical(st) for st in _statements(reference)}
    return [
        st for st in _statements(doc) if isinstance(st, Mapping) and _canonical(st) not in known
    ]


def _principal_kind(arn: str | None) -> str:
    """``user``, ``assumed-role``, ``federated-user``, ``role``, ``root``... of a caller ARN."""
    if arn is None:
        return "anonymous"
    resource = arn.split(":", 5)[-1]
    return resource.split("/", 1)[0]


def _ok(got: str, expected: str) -> bool:
    return got == expected or (expected == "denied" and got != "allowed")


def _resources(doc: Mapping[str, Any]) -> list[str]:
    statements = doc.get("Statement", [])
    statements = [statements] if isinstance(statements, Mapping) else statements
    found: list[str] = []
    for st in statements if isinstance(statements, list) else []:
        if not isinstance(st, Mapping):
            continue
        for element in ("Resource", "NotResource"):
            value = st.get(element, [])
            found += [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]
    return found


def bucket_problems(doc: Mapping[str, Any], bucket: str) -> tuple[list[Problem], bool]:
    """What is wrong with the Resource elements of ``bucket``'s policy, and whether S3 would
    refuse the policy outright.

    S3 accepts a bucket policy only if every resource is the bucket or inside it; anything
    else (another bucket, ``"*"``) fails with MalformedPolicy "Policy has invalid resource"
    (docs/aws-behaviour.md, "S3"). A wildcard in the bucket name that also matches other
    names is reported as over-broad.
    """
    problems, refused = [], False
    for value in _resources(doc):
        name = value[len(S3_PREFIX) :].split("/", 1)[0] if value.startswith(S3_PREFIX) else None
        if name == bucket:
            continue
        if name and any(c in name for c in "*?") and fnmatch.fnmatchcase(bucket, name):
            problems.append(
                Problem(
                    f'the Resource "{value}" also matches buckets whose names start like '
                    f"{bucket} (such as {bucket}-logs): a bucket policy names its own bucket "
                    "exactly",
                    "resource",
                )
            )
            continue
        refused = True
        problems.append(
            Problem(
                f'S3 would refuse this bucket policy (MalformedPolicy: "Policy has invalid '
                f'resource"): "{value}" is not {bucket} or one of its objects; a bucket '
                "policy may only name its own bucket",
                "bucket",
            )
        )
    return problems, refused


def wildcard_problems(doc: Mapping[str, Any], named: Iterable[str]) -> list[Problem]:
    """Action wildcards that stand for an action the task names one by one.

    The grid finds a wildcard that catches another catalogued action; this finds the rest,
    such as ``ec2:Stop*``, which today matches only ``ec2:StopInstances`` but would also
    match every action of that name the service adds later.
    """
    named = list(named)
    statements = doc.get("Statement", [])
    statements = [statements] if isinstance(statements, Mapping) else statements
    found = []
    for st in statements if isinstance(statements, list) else []:
        value = st.get("Action", []) if isinstance(st, Mapping) else []
        for pattern in [value] if isinstance(value, str) else value:
            if not isinstance(pattern, str) or not any(c in pattern for c in "*?"):
                continue
            caught = [a for a in named if fnmatch.fnmatchcase(a.lower(), pattern.lower())]
            if caught:
                found.append(
                    Problem(
                        f'the Action "{pattern}" is a wildcard where the task names '
                        f"{', '.join(caught)}: it matches every action whose name fits it, "
                        "today's and those the service adds later; name each action in full",
                        "action",
                    )
                )
    return found


def account_problems(doc: Mapping[str, Any]) -> list[Problem]:
    """Allow statements whose Resource ARNs leave the account open (a ``*`` or ``?`` in the
    account field).

    The grid cannot show these: a request for another account's resource is refused unless
    that account's resource policy trusts the caller, and EC2 instances have none. The grant is
    still wider than the task, and would work wherever such a resource policy exists.
    """
    statements = doc.get("Statement", [])
    statements = [statements] if isinstance(statements, Mapping) else statements
    found = []
    for st in statements if isinstance(statements, list) else []:
        if not isinstance(st, Mapping) or st.get("Effect") != "Allow":
            continue
        resources = st.get("Resource", [])
        for arn in [resources] if isinstance(resources, str) else resources:
            parts = arn.split(":") if isinstance(arn, str) else []
            if len(parts) < 6:
                continue
            account = parts[4]
            if any(c in account for c in "*?"):
                found.append(
                    Problem(
                        f'the Resource "{arn}" has "{account}" in its account field: '
                        "it matches that resource in other accounts too, where the task names one",
                        "account",
                    )
                )
    return found


@dataclass
class PolicyTask:
    """A policy the learner writes, where it goes, and the requests that judge it.

    ``kind`` is ``"identity"`` (the learner's policy joins ``beside`` as the caller's
    identity policies, in front of ``resource_policy`` if any), ``"resource"`` (the
    learner's policy is the resource's policy; each caller's identity policies come from
    ``identity``) or ``"trust"`` (a role's trust policy, placed like a resource policy and
    validated as IAM validates trust policies: no Resource element). ``required`` are the
    requests the task names, each with ``expected``; ``grid`` are neighbours whose decisions
    must equal ``reference``'s. On the actions in ``deny_ok`` an explicit Deny may stand where
    the reference denies implicitly (a Deny that restates the task). ``changes`` says the task
    edits an existing set of policies, so a lost permission reads "no longer allows".
    ``bucket``: the policy is that S3 bucket's.
    ``named_actions``: the actions the task names one by one; a wildcard standing for one of
    them is reported even when it catches no other catalogued action.
    """

    kind: str
    reference: Mapping[str, Any]
    required: Sequence[Probe]
    grid: Sequence[Probe]
    beside: Sequence[Any] = ()
    identity: Sequence[Any] | Callable[[Probe], Sequence[Any]] = ()
    resource_policy: Any = None
    owner: str | None = None
    bucket: str | None = None
    deny_ok: Iterable[str] = ()
    changes: bool = False
    named_actions: Iterable[str] = ()
    _parsed: dict[str, Any] = field(default_factory=dict, repr=False)
    _reference: dict[Probe, str] | None = field(default=None, repr=False)

    @property
    def place(self) -> str:
        """How the feedback names the learner's policy."""
        return "bucket policy" if self.bucket else f"{self.kind} policy"

    def _policies(self, docs: Sequence[Any], kind: str) -> list[Policy]:
        return [parse_policy(d, kind, name=f"{kind} policy #{n}") for n, d in enumerate(docs, 1)]

    def _identity_for(self, probe: Probe) -> list[Policy]:
        if callable(self.identity):
            return self._policies(self.identity(probe), "identity")
        if "identity" not in self._parsed:
            self._parsed["identity"] = self._policies(self.identity, "identity")
        return self._parsed["identity"]

    def decide(self, policy: Policy, probe: Probe, alone: bool = False) -> str:
        """The decision for ``probe`` with ``policy`` in the learner's place (``alone``: an
        identity policy without the caller's other policies beside it)."""
        if self.kind in ("resource", "trust"):
            identity, resource_policy = self._identity_for(probe), policy
        else:
            if "beside" not in self._parsed:
                self._parsed["beside"] = self._policies(self.beside, "identity")
                rp = self.resource_policy
                self._parsed["rp"] = None if rp is None else parse_policy(rp, "resource")
            identity = [policy] if alone else [*self._parsed["beside"], policy]
            resource_policy = self._parsed["rp"]
        return evaluate(
            action=probe.action,
            resource=probe.resource,
            principal=probe.caller.principal,
            context=dict(probe.caller.context),
            identity_policies=identity,
            resource_policy=resource_policy,
            resource_account=probe.owner or self.owner,
        ).decision

    def reference_decisions(self) -> dict[Probe, str]:
        """The reference answer's decision for every probe (computed once)."""
        if self._reference is None:
            policy = parse_policy(self.reference, self.kind, name="reference")
            self._reference = {p: self.decide(policy, p) for p in [*self.required, *self.grid]}
        return self._reference

    # ---- the checker -------------------------------------------------------------------------

    def problems(self, answer: Any, extra: Extra | None = None) -> list[Problem]:
        """Everything wrong with ``answer`` for this task (empty when it is right).

        ``extra(document, problems)`` may add explanations of the task's typical slips; they
        come after the named requests and before the neighbours."""
        doc = as_document(answer)
        if doc is None:
            return [
                Problem(
                    "write the policy as a dict (or a JSON string) with Version and Statement",
                    FORMAT,
                )
            ]
        try:
            policy = parse_policy(doc, self.kind, name=f"your {self.place}")
        except PolicyError as exc:
            return [Problem(f"IAM would reject this policy: {exc}", FORMAT)]
        found: list[Problem] = []
        if self.bucket:
            found, refused = bucket_problems(doc, self.bucket)
            if refused:
                return found
        found += [Problem(str(m), "operator-type") for m in mismatches(doc)]
        if self.kind == "identity":
            found += account_problems(doc)
        found += wildcard_problems(doc, self.named_actions)
        found += self.required_problems(policy)
        aimed = self.answer_probes(doc)
        grid = self.grid_problems(policy, aimed) or self.alone_problems(policy, aimed)
        if extra is not None and (found or grid):
            found += extra(doc, found + grid)
        return found + grid

    def required_problems(self, policy: Policy) -> list[Problem]:
        """The named requests ``policy`` decides wrongly."""
        problems = []
        for probe in self.required:
            got = self.decide(policy, probe)
            if not _ok(got, probe.expected or "allowed"):
                problems.append(
                    Problem(
                        f"{probe.label}: your {self.place} gives {_WORDS[got]}, but it should "
                        f"be {_SHOULD[probe.expected or 'allowed']}",
                        probe.topic,
                    )
                )
        return problems

    def answer_probes(self, doc: Mapping[str, Any]) -> list[Probe]:
        """Requests aimed at what the answer's own statements name (its actions, resources
        and, in a resource or trust policy, principals), by the task's callers: an extra grant
        the grid does not foresee is still compared with the reference."""
        first = {(p.caller.principal, p.caller.context): p.caller for p in self.required}
        callers = list(first.values())
        statements = _new_statements(doc, self.reference)
        if not statements:
            return []
        if self.kind in ("resource", "trust"):
            named = [
                arn for st in statements if isinstance(st, Mapping) for arn in principals_named(st)
            ]
            for arn in dict.fromkeys(named):
                # the credentials a principal of that kind can hold, as the task's callers of
                # the same kind hold them (an IAM user: long-term keys, sessions...)
                alike = [c for c in callers if _principal_kind(c.principal) == _principal_kind(arn)]
                contexts = list({c.context: c for c in alike}.values())[:3]
                callers += [Caller(arn, c.how, c.context, "principal") for c in contexts] or [
                    caller(arn, LONG_TERM, topic="principal")
                ]
        resources = list(dict.fromkeys(p.resource for p in self.required))
        probes = from_statements({"Statement": statements}, callers, resources, self._scope())
        known = {p.request for p in [*self.required, *self.grid]}
        return [self._filed(p) for p in probes if p.request not in known]

    def _scope(self) -> dict[str, str]:
        """Names for resources the task does not spell out (the task's account and region)."""
        scope: dict[str, str] = {}
        for probe in self.required:
            parts = probe.resource.split(":")
            if len(parts) > 5 and parts[4]:
                scope.setdefault("account", parts[4])
            if len(parts) > 5 and parts[3]:
                scope.setdefault("region", parts[3])
        if self.owner:
            scope.setdefault("account", self.owner)
        if self.bucket:
            scope.setdefault("bucket", self.bucket)
        return scope

    def _filed(self, probe: Probe) -> Probe:
        """``probe`` under the topic that says what it changes: another service, another
        action, another resource (account, region), or another caller."""
        named = list(self.required)
        services = {p.action.split(":")[0] for p in named}
        if probe.action.split(":")[0] not in services:
            topic = "service"
        elif probe.action not in {p.action for p in named}:
            topic = "action"
        elif probe.resource not in {p.resource for p in named}:
            mine = probe.resource.split(":")
            theirs = [p.resource.split(":") for p in named]
            if len(mine) > 5 and all(len(t) > 5 and t[4] != mine[4] for t in theirs):
                topic = "account"
            elif len(mine) > 5 and all(len(t) > 5 and t[3] != mine[3] for t in theirs):
                topic = "region"
            elif resource_type_of(probe.resource) not in {
                resource_type_of(p.resource) for p in named
            }:
                topic = "level"
            else:
                topic = "resource"
        else:
            topic = probe.caller.topic
        return Probe(probe.action, probe.resource, probe.caller, topic, probe.owner)

    def alone_problems(self, policy: Policy, probes: Sequence[Probe]) -> list[Problem]:
        """Grants of the learner's own statements that the reference's policy, on its own,
        does not make (the caller's other policies may allow them today, so the grid cannot
        see them; the learner's policy should not grant them anyway)."""
        if self.kind != "identity" or not self.beside or not probes:
            return []
        reference = self._parsed.get("reference") or parse_policy(
            self.reference, self.kind, name="reference"
        )
        self._parsed["reference"] = reference
        extra = [
            p
            for p in probes
            if self.decide(policy, p, alone=True) == "allowed"
            and self.decide(reference, p, alone=True) != "allowed"
        ]
        if not extra:
            return []
        first = extra[0]
        text = (
            f"your {self.place} on its own also allows {first.describe()}, which the task does "
            "not ask it to grant (the caller's other policies may allow it today; yours should "
            "not)"
        )
        if len(extra) > 1:
            text += f"; and {len(extra) - 1} more such request{'s' if len(extra) > 2 else ''}"
        return [Problem(text, "extra-grant")]

    def _reference_for(self, probes: Sequence[Probe]) -> dict[Probe, str]:
        decided = self.reference_decisions()
        missing = [p for p in probes if p not in decided]
        if missing:
            policy = self._parsed.get("reference")
            if policy is None:
                policy = self._parsed["reference"] = parse_policy(
                    self.reference, self.kind, name="reference"
                )
            decided.update({p: self.decide(policy, p) for p in missing})
        return decided

    def differences(
        self, policy: Policy, more: Sequence[Probe] = ()
    ) -> list[tuple[Probe, str, str]]:
        """Grid probes (and ``more``) that ``policy`` decides differently from the reference:
        (probe, got, want)."""
        tolerant = {a.lower() for a in self.deny_ok}
        named = {p.request for p in self.required}
        found = []
        probes = [*self.grid, *more]
        reference = self._reference_for(probes)
        for probe in probes:
            if probe.request in named:
                continue  # the named requests are reported with their own words
            got, want = self.decide(policy, probe), reference[probe]
            if got == want:
                continue
            if "allowed" not in (got, want) and probe.action.lower() in tolerant:
                continue
            found.append((probe, got, want))
        return found

    def grid_problems(self, policy: Policy, more: Sequence[Probe] = ()) -> list[Problem]:
        """The differences from the reference, a few named precisely, the rest counted."""
        diffs = self.differences(policy, more)
        order = {topic: n for n, topic in enumerate(TOPIC_ORDER)}
        diffs.sort(key=lambda d: order.get(d[0].topic, len(order)))
        shown: list[Problem] = []
        groups: set[tuple[str, str, str]] = set()
        for probe, got, want in diffs:
            group = (probe.action, probe.topic, got)
            if group in groups:
                continue
            groups.add(group)
            shown.append(Problem(self._difference(probe, got, want), probe.topic))
            if len(shown) == SHOWN:
                break
        rest = len(diffs) - len(shown)
        if rest > 0:
            shown.append(
                Problem(
                    f"... and {rest} more neighbouring request{'s' if rest > 1 else ''} that "
                    "your policy decides differently from what the task asks",
                    shown[0].topic,
                )
            )
        return shown

    def _difference(self, probe: Probe, got: str, want: str) -> str:
        what = probe.describe()
        if got == "allowed":
            if want == "explicitDeny":
                return f"your {self.place} does not deny {what}, which the task denies"
            return f"your {self.place} also allows {what}"
        if want == "allowed":
            if self.changes:
                return f"your {self.place} no longer allows {what}"
            return f"your {self.place} does not allow {what}, which the task allows"
        if got == "explicitDeny":
            return (
                f"your {self.place} also denies {what} with an explicit Deny, which would "
                "override any other policy's Allow; the task asks for no such Deny"
            )
        return f"your {self.place} no longer denies {what} explicitly, as the task asks"


# hints for the kinds of problems every policy task can find; exercises add or replace ladders
GRID_HINTS: dict[str, list[str]] = {
    "extra-grant": [
        "Your policy grants something the task does not ask for. Which of your statements, "
        "actions or resources goes beyond the task?",
        "Keep only what the task names: a policy should grant nothing beyond its job, even "
        "when another policy of the caller happens to allow the same today.",
    ],
    FORMAT: [
        'A policy is a dict with "Version": "2012-10-17" and "Statement" (one statement or a '
        "list); the message above names what IAM rejects.",
        "Check each statement: Effect (Allow or Deny, capitalised), Action, Resource, and for a "
        "resource-based policy a Principal.",
    ],
    "operator-type": [
        "Each condition key has a type (Bool, Numeric, Date, String, IP, ARN) and the operator "
        "must compare values of that type.",
        "A number of seconds is compared with a Numeric operator; a Date operator would read it "
        "as a moment in 1970.",
    ],
    "action": [
        "Your policy changes the decision for actions the task does not name. Which actions "
        "does the task name?",
        "A wildcard such as s3:Get* or s3:Put* also matches actions you did not mean, including "
        "bucket-level ones such as the bucket-policy actions: write each action in full.",
    ],
    "service": [
        "Your policy reaches other services: keep every action within the one the task is about.",
        'Look for "*" in Action (or a NotAction): it matches other services\' actions too.',
    ],
    "level": [
        "S3 has two kinds of resources: a bucket (arn:aws:s3:::NAME) and its objects "
        "(arn:aws:s3:::NAME/KEY). Which kind does each of the task's actions act on?",
        "Object actions need the objects' ARN and bucket actions the bucket's: give each "
        "statement only the kind of resource its actions need.",
    ],
    "resource": [
        "Your Resource matches more than the task's resource: look for a wildcard that also "
        "matches other names that start the same.",
        "Name the bucket, table or instance exactly; put a wildcard only where the task means "
        "many (such as every object after the bucket name and a slash).",
    ],
    "account": [
        'An ARN names an account: "*" (or nothing) in that field matches every account\'s '
        "resources.",
        "Write the task's account id in the ARN's account field.",
    ],
    "region": [
        'An ARN names a region: "*" in that field matches every region.',
        "Write the task's region in the ARN's region field.",
    ],
    "principal": [
        "Your policy lets in callers the task does not: check the Principal, and any condition "
        "on the caller.",
        'Name exactly the accounts the task lists; "*" means everyone, other accounts and '
        "anonymous callers included.",
    ],
    "context": [
        "Check which credentials your condition lets through: long-term keys (no MFA key at "
        'all), sessions without MFA ("false"), MFA sessions ("true", with an age).',
        "Try your condition on each of the three states of aws:MultiFactorAuthPresent, and on "
        "ages just below, at and just above the limit.",
    ],
}


def policy_exercise(
    exercise_id: str,
    title: str,
    reference: Mapping[str, Any],
    task: Callable[[], PolicyTask],
    *,
    hints: Mapping[str, Sequence[str]],
    template: Any = None,
    placeholder: str = "write your policy (a dict) in place of None, then run this cell again",
    secrets: Sequence[str] = (),
    notes: Sequence[str] = (),
    extra: Extra | None = None,
) -> Callable[[], PolicyTask]:
    """Register an exercise whose checker is ``task()``'s; returns the task's getter.

    ``reference`` is the model answer (the solution instructors see); ``task`` builds the
    :class:`PolicyTask` on first use (its grid may need a lab) and must use that reference.
    ``extra(document, problems)`` may add explanations for the task's typical slips (it sees
    the problems found so far; it is called only when there are some).
    """
    built: list[PolicyTask] = []

    def get() -> PolicyTask:
        if not built:
            made = task()
            if dict(made.reference) != dict(reference):
                raise ValueError(f"{exercise_id}: the task's reference is not the solution")
            built.append(made)
        return built[0]

    def checker(answer: Any, attempt: Attempt) -> list[Problem]:
        return get().problems(answer, extra)

    define(
        exercise_id,
        title,
        hints={**GRID_HINTS, **hints},
        solution=dict(reference),
        template=template,
        placeholder=placeholder,
        secrets=secrets,
        notes=notes,
        warm=lambda: get().reference_decisions(),
    )(checker)
    return get
