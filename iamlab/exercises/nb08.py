"""Exercises of notebook 08 (the confused deputy and the external ID).

08.1 adds a second third party to ``ExampleRole``'s trust policy; 08.2 is Example Corp's
onboarding test, a function run against roles whose trust policies each miss a different
case. The questions of the notebook (08.why, 08.quiz) are data: ``iamlab/data/questions/08.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from iamlab.data import account_id, load_policy, principal_arn
from iamlab.scenarios.mfa_context import LONG_TERM, request_keys

from .core import FORMAT, Attempt, Problem, define
from .grid import Caller, Probe, anonymous, role_session, unique, vary_actions, vary_callers
from .policy_task import PolicyTask, policy_exercise

YOU = account_id("AWS1")  # 111122223333
EXAMPLE_CORP = account_id("Example Corp")  # 444455556666
OTHER = account_id("AWS2")  # 777788889999, the other customer
YOUR_ROLE = f"arn:aws:iam::{YOU}:role/ExampleRole"
MONITOR = principal_arn("monitor")  # Example Corp's service
# not story characters: the second third party of 08.1, and strangers
LUMEN = "555544443333"  # Lumen Analytics
SCANNER = f"arn:aws:iam::{LUMEN}:user/scanner"  # Lumen's service
STRANGER = "arn:aws:iam::999988887777:user/Dana"
YOUR_ID, OTHER_ID = "12345", "67890"  # the IDs Example Corp assigned (the AWS page's values)
LUMEN_ID = "67890"  # Lumen's ID for you: the same string as Example Corp's for the other customer
ASSUME = "sts:AssumeRole"
ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"},
}


def assuming(
    principal: str | None,
    external_id: str | None,
    topic: str = "principal",
    name: str = "s",
    kind: str = LONG_TERM,
) -> Caller:
    """``principal`` calling AssumeRole with credentials of ``kind`` (long-term keys unless
    said), passing ``external_id`` (None: no ExternalId parameter), as the trust policy sees
    it."""
    keys = dict(request_keys(kind))
    keys["sts:RoleSessionName"] = name
    if external_id is not None:
        keys["sts:ExternalId"] = external_id
    how = f"external ID {external_id}" if external_id is not None else "no external ID"
    if kind != LONG_TERM:
        how = f"{kind}, {how}"
    if principal is None:
        return Caller(None, f"an unsigned request, {how}", tuple(sorted(keys.items())), topic)
    return Caller(principal, how, tuple(sorted(keys.items())), topic)


def _everyone_may_assume(probe: Probe) -> list[Any]:
    """Each caller's own account lets it call anything: only the trust policy decides."""
    return [] if probe.caller.principal is None else [ALLOW_ALL]


def _statements(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    statements = doc.get("Statement", [])
    statements = [statements] if isinstance(statements, Mapping) else statements
    return [s for s in statements if isinstance(s, Mapping)] if isinstance(statements, list) else []


# ---- 08.1 ------------------------------------------------------------------------------------


def _trusts(account: str, external_id: str, sid: str) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": account},
        "Action": ASSUME,
        "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
    }


TWO_THIRD_PARTIES = {
    "Version": "2012-10-17",
    "Statement": [
        _trusts(EXAMPLE_CORP, YOUR_ID, "ExampleCorp"),
        _trusts(LUMEN, LUMEN_ID, "LumenAnalytics"),
    ],
}


def _id_topic(external_id: str | None) -> str:
    if external_id is None:
        return "missing-id"
    return "pairing" if external_id in (YOUR_ID, OTHER_ID) else "exact"


def _two_third_parties_task() -> PolicyTask:
    corp_support = f"arn:aws:iam::{EXAMPLE_CORP}:user/support"
    lumen_role = role_session(f"arn:aws:iam::{LUMEN}:role/collector", "nightly")
    required = [
        Probe(ASSUME, YOUR_ROLE, assuming(MONITOR, YOUR_ID, "grant")).named(
            "Example Corp's service passes your ID 12345", "allowed", "grant"
        ),
        Probe(ASSUME, YOUR_ROLE, assuming(SCANNER, LUMEN_ID, "grant")).named(
            "Lumen's service passes the ID Lumen gave you, 67890", "allowed", "grant"
        ),
        Probe(ASSUME, YOUR_ROLE, assuming(MONITOR, OTHER_ID, "pairing")).named(
            "Example Corp's service passes 67890 because the other customer registered your "
            "role ARN (the attack of Part 1)",
            "denied",
            "pairing",
        ),
        Probe(ASSUME, YOUR_ROLE, assuming(SCANNER, YOUR_ID, "pairing")).named(
            "Lumen's service passes 12345, the ID of another of Lumen's customers",
            "denied",
            "pairing",
        ),
        Probe(ASSUME, YOUR_ROLE, assuming(MONITOR, None, "missing-id")).named(
            "Example Corp's service passes no external ID", "denied", "missing-id"
        ),
        Probe(ASSUME, YOUR_ROLE, assuming(SCANNER, None, "missing-id")).named(
            "Lumen's service passes no external ID", "denied", "missing-id"
        ),
        Probe(ASSUME, YOUR_ROLE, assuming(f"arn:aws:iam::{OTHER}:user/admin", YOUR_ID)).named(
            "the other customer's administrator passes your ID 12345", "denied", "principal"
        ),
    ]
    ids = (YOUR_ID, OTHER_ID, None, "99999", "123456", "1234", "678901", "6789", "24680")
    callers = [
        *(assuming(MONITOR, i, _id_topic(i)) for i in ids),
        *(assuming(SCANNER, i, _id_topic(i)) for i in ids),
        *(assuming(corp_support, i) for i in (YOUR_ID, OTHER_ID, None)),
        *(assuming(lumen_role, i) for i in (YOUR_ID, LUMEN_ID, None)),
        *(assuming(f"arn:aws:iam::{OTHER}:user/admin", i) for i in (YOUR_ID, OTHER_ID, None)),
        *(assuming(f"arn:aws:iam::{YOU}:user/admin", i) for i in (YOUR_ID, OTHER_ID)),
        *(assuming(STRANGER, i) for i in (YOUR_ID, LUMEN_ID)),
        assuming(None, YOUR_ID),
        anonymous(),
    ]
    scope = {"account": YOU, "role": "ExampleRole"}
    grid = unique(
        vary_actions(
            scope,
            [assuming(MONITOR, YOUR_ID), assuming(SCANNER, LUMEN_ID)],
            services=("sts",),
            others=(),
            types=("role",),
        )
        + vary_callers([ASSUME], YOUR_ROLE, callers)
    )
    return PolicyTask(
        "trust",
        TWO_THIRD_PARTIES,
        required,
        grid,
        identity=_everyone_may_assume,
        owner=YOU,
        deny_ok=[ASSUME],
        named_actions=[ASSUME],
    )


def _merged(doc: Mapping[str, Any]) -> bool:
    """One statement that names both third parties and both IDs."""
    text = [json.dumps(st) for st in _statements(doc)]
    return any(
        all(piece in t for piece in (EXAMPLE_CORP, LUMEN, f'"{YOUR_ID}"', f'"{LUMEN_ID}"'))
        for t in text
    )


def _two_third_parties_extra(doc: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    said = " ".join(p.text for p in problems)
    if "(the attack of Part 1): your trust policy gives allowed" in said and _merged(doc):
        return [
            Problem(
                "one statement that names both third parties and both IDs accepts every pair: "
                "Example Corp with Lumen's ID as well. An external ID is unique only among one "
                "third party's customers, and 67890 is also Example Corp's ID for the other "
                "customer",
                "pairing",
            )
        ]
    return []


policy_exercise(
    "08.1",
    "Two third parties in one trust policy, each with its own external ID",
    TWO_THIRD_PARTIES,
    _two_third_parties_task,
    hints={
        "grant": [
            "Each third party names its own account as the principal and passes the ID it "
            "assigned to you. Which account and which ID belong to Lumen?",
            "The trust policy needs a way in for Example Corp with its ID and a way in for "
            "Lumen with its ID; keep Example Corp's way in as it was.",
        ],
        "pairing": [
            "Who else was given the value 67890, and by whom? Think of the attack of Part 1.",
            "Conditions apply to the whole statement they are in: a statement that names two "
            "principals and two IDs accepts any of the principals with any of the IDs. Give "
            "each third party a statement of its own.",
        ],
        "missing-id": [
            "A call without ExternalId carries no sts:ExternalId key. What does your condition "
            "do with a missing key?",
            "An ...IfExists operator accepts a request that lacks the key: a third party that "
            "forgets the ID (or is tricked into leaving it out) gets in.",
        ],
        "exact": [
            "Your condition accepts IDs that are not exactly one a third party assigned to you. "
            "Which operator compares a whole string, character by character?",
            "Wildcards (StringLike with * or ?) and extra values in the list accept more IDs "
            "than the one each third party sends for you: compare with the single exact value.",
        ],
        "principal": [
            "Who does your Principal let in? Only the two third parties' accounts should match.",
            'Name the accounts by their ids in {"AWS": ...}; "*" lets in every account, the '
            "other customer's included.",
        ],
        "action": [
            "The third parties only assume the role: which single action is that?",
            "Leave out sts:* and the session-tagging actions: the task asks for none of them.",
        ],
    },
    template=load_policy("example-corp-trust"),
    placeholder="edit the trust policy (add Lumen), then run this cell again",
    secrets=(f'"Principal": {{"AWS": "{LUMEN}"}}',),
    extra=_two_third_parties_extra,
)

# ---- 08.2 ------------------------------------------------------------------------------------

ONBOARDED_ID = YOUR_ID  # the ID Example Corp assigned to the customer being onboarded
OTHER_IDS = (OTHER_ID, "24680")  # the IDs Example Corp assigned to its other customers


def _trust(condition: dict[str, Any] | None = None, principal: str = EXAMPLE_CORP) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": ASSUME,
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": statement})


def _roles(customer: str, others: tuple[str, ...]) -> list[tuple[str, str, bool, str]]:
    """The roles the checker onboards for a customer whose ID is ``customer``: (what it is,
    trust policy, safe to store?, the kind of try that finds it out)."""
    return [
        (
            "a role that requires exactly the customer's ID",
            _trust({"StringEquals": {"sts:ExternalId": customer}}),
            True,
            "with",
        ),
        (
            "a role that trusts Example Corp with no condition at all",
            _trust(),
            False,
            "without",
        ),
        (
            "a role that requires a different ID (the customer typed it wrong)",
            _trust({"StringEquals": {"sts:ExternalId": "99999"}}),
            False,
            "with",
        ),
        (
            "a role that accepts the customer's ID, or no ID at all (StringEqualsIfExists)",
            _trust({"StringEqualsIfExists": {"sts:ExternalId": customer}}),
            False,
            "without",
        ),
        (
            "a role that does not trust Example Corp at all",
            _trust({"StringEquals": {"sts:ExternalId": customer}}, principal="999988887777"),
            False,
            "with",
        ),
        (
            "a role that accepts the customer's ID and also another customer's ID",
            _trust({"StringEquals": {"sts:ExternalId": [customer, others[0]]}}),
            False,
            "other",
        ),
        (
            "a role that accepts any ID except the ones Example Corp gave its other customers "
            "(a deny-list)",
            _trust(
                {
                    "Null": {"sts:ExternalId": "false"},
                    "StringNotEquals": {"sts:ExternalId": list(others)},
                }
            ),
            False,
            "wrong",
        ),
        (
            "a role that accepts any external ID (StringLike *)",
            _trust({"StringLike": {"sts:ExternalId": "*"}}),
            False,
            "wrong",
        ),
    ]


# two rounds of customers, so that no answer can be known in advance: (the customer's ID, the
# other customers' IDs, the accounts of the roles, in the order of _roles)
ROUNDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ONBOARDED_ID,
        OTHER_IDS,
        (
            "111122223333",
            "222233334444",
            "333344445555",
            "555566667777",
            "666677778888",
            "121212121212",
            "131313131313",
            "141414141414",
        ),
    ),
    (
        "ec-cust-0042",
        ("ec-cust-0007", "ec-cust-0099"),
        (
            "232323232323",
            "343434343434",
            "454545454545",
            "565656565656",
            "676767676767",
            "787878787878",
            "898989898989",
            "909090909090",
        ),
    ),
)
# account -> (what it is, trust policy, safe to store?) of the first round
ONBOARDING: dict[str, tuple[str, str, bool]] = {
    account: (what, trust, safe)
    for account, (what, trust, safe, _) in zip(
        ROUNDS[0][2], _roles(ROUNDS[0][0], ROUNDS[0][1]), strict=True
    )
}


def _build_onboarding() -> tuple[Any, Any]:
    from iamlab.aws import Lab

    lab = Lab()
    corp = lab.create_account(EXAMPLE_CORP, name="Example Corp").client("iam")
    corp.create_user(UserName="monitor")
    corp.put_user_policy(
        UserName="monitor",
        PolicyName="AssumeCustomerRoles",
        PolicyDocument=json.dumps(load_policy("example-corp-assume-any")),
    )
    key = corp.create_access_key(UserName="monitor")["AccessKey"]
    lab.create_account("999988887777", name="Someone else")
    for customer, others, accounts in ROUNDS:
        for account, (_, trust, _, _) in zip(accounts, _roles(customer, others), strict=True):
            iam = lab.create_account(account).client("iam")
            iam.create_role(RoleName="ExampleRole", AssumeRolePolicyDocument=trust)
    return lab, lab.session(key).client("sts")


@lru_cache(maxsize=1)
def _onboarding_world() -> tuple[Any, Any, Any]:
    lab, sts = _build_onboarding()
    return lab, lab.snapshot(), sts


def onboarding_lab() -> tuple[Any, Any]:
    """The lab with Example Corp's ``monitor`` and the customers' roles of ``ROUNDS``, as
    built.

    Returns ``(lab, sts)``: ``sts`` is monitor's STS client. Each call puts the lab back as it
    was built, so a learner's function always starts from the same world.
    """
    lab, snapshot, sts = _onboarding_world()
    lab.restore(snapshot)
    return lab, sts


def _run(
    fn: Callable[..., Any], role: str, customer: str, others: tuple[str, ...]
) -> tuple[Any, list[dict[str, Any]]]:
    """Call ``fn`` on ``role`` in a fresh onboarding lab; return what it returned (or the
    exception it raised) and the AssumeRole calls it made (their parameters)."""
    _, sts = onboarding_lab()
    calls: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        calls.append(dict(params))

    event = "provide-client-params.sts.AssumeRole"
    sts.meta.events.register(event, record, unique_id="iamlab-08.2")
    try:
        got: Any = fn(sts, role, customer, others)
    except Exception as exc:  # any error is feedback for the learner
        got = exc
    finally:
        sts.meta.events.unregister(event, unique_id="iamlab-08.2")
    return got, calls


def _tries(customer: str, others: tuple[str, ...]) -> list[tuple[str, str, Any]]:
    """The cases the lesson says a test must try: (topic, what the feedback calls it, test)."""
    return [
        ("with", "with the customer's own ID", lambda c: c.get("ExternalId") == customer),
        ("without", "without any ExternalId", lambda c: "ExternalId" not in c),
        (
            "wrong",
            "with an ID that nobody was given",
            lambda c: "ExternalId" in c and c["ExternalId"] not in (customer, *others),
        ),
        *(
            (
                "other",
                f"with the ID of another customer, {other}",
                lambda c, other=other: c.get("ExternalId") == other,
            )
            for other in others
        ),
    ]


def _function(answer: Any) -> Callable[..., Any] | str | None:
    """The learner's function: the answer itself, or the function ``safe_to_store`` that a
    code text defines; a text that does not run gives the error's description."""
    if isinstance(answer, str):
        from botocore.exceptions import ClientError

        namespace: dict[str, Any] = {"ClientError": ClientError}
        try:
            exec(answer, namespace)  # the learner's own code, run in the learner's own kernel
        except Exception as exc:  # a text that is not Python code: say why
            return f"{type(exc).__name__}: {exc}"
        found = namespace.get("safe_to_store")
        return found if callable(found) else None
    return answer if callable(answer) else None


def _onboarding_problems(answer: Any, attempt: Attempt) -> list[Problem]:
    fn = _function(answer)
    if isinstance(fn, str):
        return [Problem(f"your code does not run ({fn}): pass the function itself", FORMAT)]
    if fn is None:
        return [
            Problem(
                "answer with a function: safe_to_store(sts, role_arn, external_id, other_ids) "
                "that returns True or False",
                FORMAT,
            )
        ]
    problems: list[Problem] = []
    for customer, others, accounts in ROUNDS:
        for account, (what, _, safe, topic) in zip(accounts, _roles(customer, others), strict=True):
            got, calls = _run(fn, f"arn:aws:iam::{account}:role/ExampleRole", customer, others)
            if safe:  # a function that judges roles right without trying every case guessed
                for topic_, words, test in _tries(customer, others):
                    if not any(test(c) for c in calls):
                        problem = (
                            f"on the role that is safe, your function never assumed it {words}"
                        )
                        if all(p.text != problem for p in problems):
                            problems.append(Problem(problem, topic_))
            if isinstance(got, Exception):
                name = type(got).__name__
                tip = " (a refused call raises it: catch it)" if name == "ClientError" else ""
                text, topic = f"{what}: your function raised {name}{tip}: {got}", "errors"
            elif not isinstance(got, bool):
                text, topic = f"{what}: your function returned {got!r}, not True or False", "return"
            elif got != safe:
                says = "safe to store" if got else "not safe"
                text = (
                    f"{what}: your function says {says}, but it is {'safe' if safe else 'not safe'}"
                )
            else:
                continue
            if all(p.text != text for p in problems):
                problems.append(Problem(text, topic))
    # the misjudged roles first (the evidence), then the tries that would have found them
    return sorted(problems, key=lambda p: p.text.startswith("on the role that is safe"))


ONBOARDING_SOLUTION = """def safe_to_store(sts, role_arn, external_id, other_ids):
    def works(**extra):
        try:
            sts.assume_role(RoleArn=role_arn, RoleSessionName="onboarding", **extra)
        except ClientError:
            return False
        return True

    made_up = "not-" + external_id  # an ID that nobody was given
    return (
        works(ExternalId=external_id)
        and not works()
        and not works(ExternalId=made_up)
        and not any(works(ExternalId=other) for other in other_ids)
    )"""

define(
    "08.2",
    "Example Corp's onboarding test",
    hints={
        "with": [
            "A role Example Corp cannot assume with the customer's own ID is of no use: does "
            "your function check that this call works?",
            "Catch botocore.exceptions.ClientError around each call: a refused call raises it.",
        ],
        "without": [
            "The AWS page asks the third party to test the role without the external ID too. "
            "Does your function make a call with no ExternalId parameter at all?",
            "If the role can be assumed without any ExternalId, the other customer's trick "
            "works through a third party that forgets the ID: the role is not safe.",
        ],
        "wrong": [
            "Some roles accept IDs they should not: does your function try an ID that nobody "
            "was given?",
            "Make one up from the customer's ID, so that it cannot be another customer's, and "
            "expect that call to fail.",
        ],
        "other": [
            "The attack of Part 1 sends another customer's ID: does your function try the IDs "
            "in other_ids?",
            "Try each of other_ids, not only the first one, and expect every call to fail.",
        ],
        "errors": [
            "A refused AssumeRole raises botocore.exceptions.ClientError: catch it and treat "
            "it as 'that call did not work'.",
        ],
        "return": ["Return exactly True or False (a bool), not a string or None."],
        FORMAT: [
            "Define a function with four parameters (sts, role_arn, external_id, other_ids) "
            "and pass the function itself, without calling it, to check().",
        ],
    },
    solution=ONBOARDING_SOLUTION,
    placeholder="write your test in the body of safe_to_store, then run this cell again",
    secrets=('"not-" + external_id',),
    notes=[
        "The checker runs the function on two rounds of eight roles (other accounts and IDs in "
        "the second round), one safe per round; four of the unsafe ones are each found out by "
        "only one kind of try (with the ID, without any ID, a made-up ID, another customer's "
        "ID). It also records the AssumeRole calls made on the safe roles, so a function that "
        "judges the roles right without making every try is refused.",
    ],
    warm=onboarding_lab,
)(_onboarding_problems)
