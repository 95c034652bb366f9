"""A call completes or changes nothing (docs/aws-behaviour.md, "Lab decisions" D11, D12).

A refused call (any service error) and a call that meets a bug in the lab leave the lab
exactly as it was, apart from the record of the call itself (its trail row and request
id). A bug is answered with the service's own internal error, HTTP 500:

* IAM ``ServiceFailure`` (botocore's IAM model, ServiceFailureException);
* STS ``InternalFailure`` (AWS STS API Reference, "Common Errors");
* S3 ``InternalError`` (Amazon S3 API Reference, "Error responses");
* EC2 ``InternalError`` (Amazon EC2 API Reference, "Error codes", server errors);
* DynamoDB ``InternalServerError`` (botocore's DynamoDB model).
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamlab.aws import Lab, LabError, LabUsageError
from iamlab.aws.atomic import JournaledDict, copy_state, journal
from iamlab.aws.lab import LabSnapshot
from iamlab.aws.services import _registry
from iamlab.aws.state import AccountState

from .conftest import A, doc, make_user

BOOKS = {
    "TableName": "Books",
    "KeySchema": [{"AttributeName": "title", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "title", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


def failing(monkeypatch, service: str, operation: str, exc: BaseException, after: bool = True):
    """Make ``service:operation`` raise ``exc`` after (or before) the real handler ran."""
    _registry.load_all()
    real = _registry.handler_for(service, operation)

    def handler(call, params):
        if after:
            real(call, params)
        raise exc

    monkeypatch.setitem(_registry._HANDLERS, (service, operation), handler)


def world(lab: Lab) -> dict:
    return lab.snapshot().world()


def test_dynamodb_item_with_two_types_changes_nothing(lab, a) -> None:
    """The reported bug: PutItem with an AttributeValue of two types overwrote the item,
    left no trail row, and a later GetItem crashed."""
    ddb = a.client("dynamodb")
    ddb.create_table(**BOOKS)
    ddb.put_item(TableName="Books", Item={"title": {"S": "Dune"}, "year": {"N": "1965"}})
    before, rows = world(lab), lab.call_count()
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName="Books", Item={"title": {"S": "Dune"}, "year": {"N": "1", "S": "x"}})
    code = e.value.response["Error"]["Code"]
    assert code in ("ValidationException", "InternalServerError")
    assert world(lab) == before
    assert lab.call_count() == rows + 1
    assert lab.last_call().error == code
    item = ddb.get_item(TableName="Books", Key={"title": {"S": "Dune"}})["Item"]
    assert item == {"title": {"S": "Dune"}, "year": {"N": "1965"}}


def test_a_bug_in_a_handler_is_a_500_naming_the_operation_and_undoes_everything(
    lab, a, monkeypatch
) -> None:
    failing(monkeypatch, "iam", "CreateUser", ValueError("boom"))
    iam = a.client("iam")
    before = world(lab)
    with pytest.raises(iam.exceptions.ServiceFailureException) as e:
        iam.create_user(UserName="Ghost")
    r = e.value.response
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert r["Error"]["Type"] == "Receiver"
    assert r["Error"]["Message"].startswith("iamlab bug: iam:CreateUser failed inside the lab")
    assert "ValueError: boom" in r["Error"]["Message"]
    assert "changed nothing" in r["Error"]["Message"]
    assert world(lab) == before
    assert lab.account(A).user("Ghost") is None
    row = lab.last_call()
    assert (row.operation, row.error) == ("CreateUser", "ServiceFailure")
    assert "iamlab bug" in row.reason


@pytest.mark.parametrize(
    ("service", "operation", "call", "code"),
    [
        (
            "sts",
            "GetCallerIdentity",
            lambda s: s.client("sts").get_caller_identity(),
            "InternalFailure",
        ),
        ("iam", "ListUsers", lambda s: s.client("iam").list_users(), "ServiceFailure"),
        ("s3", "ListBuckets", lambda s: s.client("s3").list_buckets(), "InternalError"),
        (
            "ec2",
            "DescribeInstances",
            lambda s: s.client("ec2").describe_instances(),
            "InternalError",
        ),
        (
            "dynamodb",
            "ListTables",
            lambda s: s.client("dynamodb").list_tables(),
            "InternalServerError",
        ),
    ],
)
def test_each_service_answers_a_bug_with_its_own_internal_error(
    lab, a, monkeypatch, service, operation, call, code
) -> None:
    failing(monkeypatch, service, operation, RuntimeError("kaput"), after=False)
    with pytest.raises(ClientError) as e:
        call(a)
    assert e.value.response["Error"]["Code"] == code
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert f"{service}:{operation}" in e.value.response["Error"]["Message"]


def test_a_service_error_after_a_change_undoes_the_change(lab, a, monkeypatch) -> None:
    failing(monkeypatch, "iam", "CreateUser", LabError("LimitExceeded", "too many", 409))
    before = world(lab)
    with pytest.raises(ClientError) as e:
        a.client("iam").create_user(UserName="Half")
    assert e.value.response["Error"]["Code"] == "LimitExceeded"
    assert world(lab) == before


def test_undone_sessions_and_keys_are_forgotten(lab, a, monkeypatch) -> None:
    ana = make_user(lab, a, "Ana", mfa=False)
    failing(monkeypatch, "sts", "GetSessionToken", RuntimeError("late"))
    failing(monkeypatch, "iam", "CreateAccessKey", RuntimeError("late"))
    before = world(lab)
    with pytest.raises(ClientError):
        ana.client("sts").get_session_token()
    with pytest.raises(ClientError):
        a.client("iam").create_access_key(UserName="Ana")
    assert world(lab) == before
    assert not lab.sessions


def test_ids_of_an_undone_call_are_handed_out_again(monkeypatch) -> None:
    """Determinism: a failed call does not shift the ids of later calls (only request ids)."""
    plain, failed = Lab(), Lab()
    for lab in (plain, failed):
        lab.create_account(A).client("iam").create_user(UserName="Ana")
    failing(monkeypatch, "iam", "CreateAccessKey", RuntimeError("late"))
    with pytest.raises(ClientError):
        failed.root_session(A).client("iam").create_access_key(UserName="Ana")
    monkeypatch.undo()
    keys = [
        lab.root_session(A).client("iam").create_access_key(UserName="Ana")["AccessKey"]
        for lab in (plain, failed)
    ]
    assert keys[0]["AccessKeyId"] == keys[1]["AccessKeyId"]
    assert failed.ids.counters()["request"] > plain.ids.counters()["request"]


def test_a_response_that_breaks_the_output_shape_is_a_bug_too(lab, a, monkeypatch) -> None:
    _registry.load_all()
    monkeypatch.setitem(
        _registry._HANDLERS, ("sts", "GetCallerIdentity"), lambda call, params: {"Arn": 7}
    )
    with pytest.raises(ClientError) as e:
        a.client("sts").get_caller_identity()
    msg = e.value.response["Error"]["Message"]
    assert e.value.response["Error"]["Code"] == "InternalFailure"
    assert "does not match botocore's output shape" in msg and "Arn: expected string" in msg


def test_keyboard_interrupt_undoes_and_goes_through(lab, a, monkeypatch) -> None:
    failing(monkeypatch, "iam", "CreateUser", KeyboardInterrupt())
    before = world(lab)
    with pytest.raises(KeyboardInterrupt):
        a.client("iam").create_user(UserName="Interrupted")
    assert world(lab) == before


def test_a_refused_call_does_not_spend_the_mfa_code(lab, a) -> None:
    """Changing nothing includes the device's record of used codes: a code presented in a
    call that was refused (here by the trust policy) can be presented again."""
    bob = make_user(lab, a, "Bob", mfa=True)
    iam = a.client("iam")
    iam.create_role(
        RoleName="R",
        AssumeRolePolicyDocument=doc(
            {"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"}
        ),
    )
    code = lab.totp(bob.serial)
    kwargs = {"RoleArn": f"arn:aws:iam::{A}:role/R", "RoleSessionName": "bob"}
    with pytest.raises(ClientError):  # Bob has no identity policy allowing sts:AssumeRole
        bob.client("sts").assume_role(SerialNumber=bob.serial, TokenCode=code, **kwargs)
    iam.put_user_policy(
        UserName="Bob",
        PolicyName="assume",
        PolicyDocument=doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}),
    )
    bob.client("sts").assume_role(SerialNumber=bob.serial, TokenCode=code, **kwargs)
    with pytest.raises(ClientError) as e:  # now it is spent
        bob.client("sts").assume_role(SerialNumber=bob.serial, TokenCode=code, **kwargs)
    assert "invalid MFA one time pass code" in e.value.response["Error"]["Message"]


# ---- the journal itself ---------------------------------------------------------------
def test_journal_restores_areas_and_keys_newest_first() -> None:
    acct = AccountState(A, "A", None)  # type: ignore[arg-type]
    reg = JournaledDict(k=1)
    with journal() as j:
        ext = acct.extension("s3")
        ext["buckets"] = {"b": 1}
        acct.extra["dynamodb"] = {"t": 1}  # the whole extra area, after s3 changed
        acct.users["x"] = "user"
        reg["k"] = 2
        reg["new"] = 3
        del reg["k"]
        j.rollback()
    assert acct.raw("extra") == {} and acct.raw("users") == {}
    assert dict(reg) == {"k": 1}


def test_a_nested_call_joins_the_outer_journal() -> None:
    acct = AccountState(A, "A", None)  # type: ignore[arg-type]
    with journal() as outer:
        with journal():
            acct.users["inner"] = 1  # the inner call succeeds
        acct.roles["outer"] = 1
        outer.rollback()
    assert acct.raw("users") == {} and acct.raw("roles") == {}


def test_nothing_is_journaled_outside_a_call() -> None:
    acct = AccountState(A, "A", None)  # type: ignore[arg-type]
    acct.users["x"] = 1
    with journal() as j:
        j.rollback()
    assert acct.raw("users") == {"x": 1}


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text() | st.binary(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=30,
    )
)
def test_copy_state_is_a_deep_copy(value) -> None:
    copied = copy_state(value)
    assert copied == value
    if isinstance(value, (dict, list)):
        assert copied is not value


def test_copy_state_keeps_shared_references_shared() -> None:
    shared: list = [1]
    out = copy_state({"a": shared, "b": shared})
    assert out["a"] is out["b"] and out["a"] is not shared


# ---- restore() -------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [None, {}, "snapshot", [], 42])
def test_restore_refuses_what_is_not_a_snapshot(lab, bad) -> None:
    with pytest.raises(LabUsageError, match=r"restore\(\) takes what lab.snapshot\(\) returned"):
        lab.restore(bad)


def test_restore_twice_and_the_clock_object_stays(lab, a) -> None:
    clock = lab.clock
    snap = lab.snapshot()
    assert isinstance(snap, LabSnapshot)
    for _ in range(2):
        a.client("iam").create_user(UserName="Temp")
        lab.clock.advance(hours=1)
        lab.restore(snap)
        assert lab.account(A).user("Temp") is None
        assert lab.clock is clock and clock.now() == snap.clock.now()


# ---- property: a refused call changes nothing -------------------------------------------
def _world_for_properties() -> tuple[Lab, dict]:
    lab = Lab()
    a = lab.create_account(A)
    b = lab.create_account("222222222222")
    bob = make_user(
        lab, a, "Bob", {"read": doc({"Effect": "Allow", "Action": "iam:Get*", "Resource": "*"})}
    )
    a.client("dynamodb").create_table(**BOOKS)
    a.client("s3").create_bucket(Bucket="lab-bucket")
    a.client("iam").create_role(
        RoleName="R",
        AssumeRolePolicyDocument=doc(
            {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "sts:AssumeRole"}
        ),
    )
    return lab, {"root": a, "bob": bob.session, "other": b, "serial": bob.serial}


_NAMES = st.sampled_from(["Bob", "bob", "Nobody", "R", "Books", "lab-bucket", "x y", "a" * 70])


@st.composite
def _requests(draw):
    who = draw(st.sampled_from(["root", "bob", "other"]))
    name = draw(_NAMES)
    code = draw(st.sampled_from(["000000", "123456", "abcdef", "1"]))
    calls = [
        ("iam", "create_user", {"UserName": name}),
        ("iam", "delete_user", {"UserName": name}),
        ("iam", "delete_role", {"RoleName": name}),
        ("iam", "put_user_policy", {"UserName": name, "PolicyName": "p", "PolicyDocument": "{"}),
        ("iam", "create_access_key", {"UserName": name}),
        (
            "iam",
            "enable_mfa_device",
            {
                "UserName": name,
                "SerialNumber": f"arn:aws:iam::{A}:mfa/{name}",
                "AuthenticationCode1": code,
                "AuthenticationCode2": code,
            },
        ),
        (
            "sts",
            "get_session_token",
            {"SerialNumber": f"arn:aws:iam::{A}:mfa/Bob", "TokenCode": code},
        ),
        (
            "sts",
            "assume_role",
            {"RoleArn": f"arn:aws:iam::{A}:role/{name}", "RoleSessionName": "s-1"},
        ),
        ("dynamodb", "put_item", {"TableName": name, "Item": {"title": {"S": name, "N": "1"}}}),
        ("dynamodb", "delete_table", {"TableName": name}),
        ("s3", "put_object", {"Bucket": name, "Key": "k", "Body": b"x"}),
        ("s3", "delete_bucket", {"Bucket": name}),
        ("ec2", "terminate_instances", {"InstanceIds": ["i-0123456789abcdef0"]}),
    ]
    return who, draw(st.sampled_from(calls))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_requests(), min_size=1, max_size=6))
def test_refused_calls_change_nothing(requests) -> None:
    lab, people = _world_for_properties()
    for who, (service, method, params) in requests:
        before = world(lab)
        try:
            getattr(people[who].client(service), method)(**params)
        except ClientError as e:
            assert world(lab) == before, (
                f"{service}.{method} by {who} was refused but changed the lab"
            )
            assert e.response["ResponseMetadata"]["HTTPStatusCode"] < 500, e.response["Error"]
        except Exception:  # botocore's own parameter validation: nothing reached the lab
            assert world(lab) == before
