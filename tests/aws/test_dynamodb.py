"""DynamoDB: tables, items, AccessDeniedException, and the cross-account story of seeds 000/001."""

from __future__ import annotations

import json
import re

import boto3
import pytest
from botocore.exceptions import ClientError

from iamlab.aws import Lab
from iamlab.data import load_policy

from .conftest import A, B, Person, doc, make_user

BOOKS_ARN = f"arn:aws:dynamodb:us-east-1:{A}:table/Books"
ROLE_ARN = f"arn:aws:iam::{A}:role/CrossAccountRole"
DUNE = {"title": {"S": "Dune"}, "author": {"S": "Frank Herbert"}, "year": {"N": "1965"}}
KINDRED = {"title": {"S": "Kindred"}, "author": {"S": "Octavia E. Butler"}}


def err(excinfo) -> tuple[str, str, int]:
    r = excinfo.value.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


def create_books(client, **kwargs) -> dict:
    return client.create_table(
        TableName="Books",
        KeySchema=[{"AttributeName": "title", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "title", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **kwargs,
    )["TableDescription"]


@pytest.fixture
def ddb(a: boto3.Session):
    """Account A's root DynamoDB client with an empty Books table."""
    client = a.client("dynamodb")
    create_books(client)
    return client


# ---- tables -----------------------------------------------------------------------
def test_create_table_description(lab: Lab, a: boto3.Session) -> None:
    t = create_books(a.client("dynamodb"))
    assert t["TableName"] == "Books" and t["TableStatus"] == "ACTIVE"
    assert t["TableArn"] == BOOKS_ARN
    assert t["KeySchema"] == [{"AttributeName": "title", "KeyType": "HASH"}]
    assert t["AttributeDefinitions"] == [{"AttributeName": "title", "AttributeType": "S"}]
    assert t["CreationDateTime"] == lab.clock.now()
    assert t["ItemCount"] == 0 and t["TableSizeBytes"] == 0
    assert t["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert re.fullmatch(r"[0-9a-f-]{36}", t["TableId"])


def test_provisioned_table_needs_throughput(a: boto3.Session) -> None:
    client = a.client("dynamodb")
    schema = {
        "TableName": "Orders",
        "KeySchema": [
            {"AttributeName": "customer", "KeyType": "HASH"},
            {"AttributeName": "order", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": "customer", "AttributeType": "S"},
            {"AttributeName": "order", "AttributeType": "N"},
        ],
    }
    with pytest.raises(ClientError) as e:
        client.create_table(**schema)
    assert err(e) == (
        "ValidationException",
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits "
        "must both be specified when BillingMode is PROVISIONED",
        400,
    )
    units = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 2}
    t = client.create_table(**schema, ProvisionedThroughput=units)["TableDescription"]
    assert t["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, **units}
    assert "BillingModeSummary" not in t


def test_key_schema_must_be_defined(a: boto3.Session) -> None:
    with pytest.raises(ClientError) as e:
        a.client("dynamodb").create_table(
            TableName="Bad",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "title", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    code, message, status = err(e)
    assert (code, status) == ("ValidationException", 400)
    assert "Some index key attributes are not defined in AttributeDefinitions" in message


def test_resource_in_use_and_not_found(ddb) -> None:
    with pytest.raises(ClientError) as e:
        create_books(ddb)
    assert err(e) == ("ResourceInUseException", "Table already exists: Books", 400)
    with pytest.raises(ClientError) as e:
        ddb.describe_table(TableName="Films")
    assert err(e) == (
        "ResourceNotFoundException",
        "Requested resource not found: Table: Films not found",
        400,
    )
    for call in (
        lambda: ddb.get_item(TableName="Films", Key={"title": {"S": "x"}}),
        lambda: ddb.put_item(TableName="Films", Item={"title": {"S": "x"}}),
        lambda: ddb.delete_item(TableName="Films", Key={"title": {"S": "x"}}),
        lambda: ddb.scan(TableName="Films"),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert err(e) == ("ResourceNotFoundException", "Requested resource not found", 400)


def test_list_and_delete_tables(ddb, a: boto3.Session, b: boto3.Session) -> None:
    create_books(b.client("dynamodb"))  # same name, other account: another table
    for name in ("Authors", "Shelves"):
        ddb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    assert ddb.list_tables()["TableNames"] == ["Authors", "Books", "Shelves"]
    page = ddb.list_tables(Limit=2)
    assert page == {**page, "TableNames": ["Authors", "Books"], "LastEvaluatedTableName": "Books"}
    assert ddb.list_tables(ExclusiveStartTableName="Books")["TableNames"] == ["Shelves"]
    assert a.client("dynamodb", region_name="eu-west-1").list_tables()["TableNames"] == []
    gone = ddb.delete_table(TableName="Books")["TableDescription"]
    assert gone["TableStatus"] == "DELETING"
    assert ddb.list_tables()["TableNames"] == ["Authors", "Shelves"]
    assert b.client("dynamodb").list_tables()["TableNames"] == ["Books"]


def test_deletion_protection(a: boto3.Session) -> None:
    client = a.client("dynamodb")
    create_books(client, DeletionProtectionEnabled=True)
    with pytest.raises(ClientError) as e:
        client.delete_table(TableName="Books")
    assert err(e)[0] == "ValidationException" and "protected against deletion" in err(e)[1]


# ---- items ------------------------------------------------------------------------
def test_item_round_trip_in_wire_shape(ddb) -> None:
    ddb.put_item(TableName="Books", Item=DUNE)
    assert ddb.get_item(TableName="Books", Key={"title": {"S": "Dune"}})["Item"] == DUNE
    assert "Item" not in ddb.get_item(TableName="Books", Key={"title": {"S": "Emma"}})
    t = ddb.describe_table(TableName="Books")["Table"]
    assert t["ItemCount"] == 1 and t["TableSizeBytes"] > 0
    old = ddb.put_item(
        TableName="Books", Item={**DUNE, "year": {"N": "1966"}}, ReturnValues="ALL_OLD"
    )
    assert old["Attributes"] == DUNE
    gone = ddb.delete_item(TableName="Books", Key={"title": {"S": "Dune"}}, ReturnValues="ALL_OLD")
    assert gone["Attributes"]["year"] == {"N": "1966"}
    assert ddb.scan(TableName="Books")["Items"] == []
    ddb.delete_item(TableName="Books", Key={"title": {"S": "Dune"}})  # missing: no error


def test_all_attribute_types_survive(ddb) -> None:
    item = {
        "title": {"S": "All"},
        "bin": {"B": b"\x00\x01"},
        "flag": {"BOOL": True},
        "none": {"NULL": True},
        "tags": {"SS": ["a", "b"]},
        "nums": {"NS": ["1", "2.5"]},
        "list": {"L": [{"S": "x"}, {"N": "1"}]},
        "map": {"M": {"k": {"S": "v"}}},
    }
    ddb.put_item(TableName="Books", Item=item)
    assert ddb.get_item(TableName="Books", Key={"title": {"S": "All"}})["Item"] == item


def test_number_keys_compare_as_numbers(a: boto3.Session) -> None:
    client = a.client("dynamodb")
    client.create_table(
        TableName="Nums",
        KeySchema=[{"AttributeName": "n", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "n", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.put_item(TableName="Nums", Item={"n": {"N": "1.50"}, "v": {"S": "x"}})
    assert client.get_item(TableName="Nums", Key={"n": {"N": "1.5"}})["Item"]["v"] == {"S": "x"}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda d: d.put_item(TableName="Books", Item={"author": {"S": "x"}}),
            "One or more parameter values were invalid: Missing the key title in the item",
        ),
        (
            lambda d: d.put_item(TableName="Books", Item={"title": {"N": "1"}}),
            "One or more parameter values were invalid: Type mismatch for key title "
            "expected: S actual: N",
        ),
        (
            lambda d: d.get_item(TableName="Books", Key={"title": {"S": "x"}, "y": {"S": "z"}}),
            "The provided key element does not match the schema",
        ),
        (
            lambda d: d.get_item(TableName="Books", Key={"title": {"N": "1"}}),
            "The provided key element does not match the schema",
        ),
        (
            lambda d: d.put_item(TableName="Books", Item={"title": {"S": ""}}),
            "One or more parameter values are not valid. The AttributeValue for a key attribute "
            "cannot contain an empty string value. Key: title",
        ),
        (
            lambda d: d.put_item(TableName="Books", Item=DUNE, ReturnValues="ALL_NEW"),
            "Return values set to invalid value",
        ),
    ],
)
def test_item_validation(ddb, call, message: str) -> None:
    with pytest.raises(ClientError) as e:
        call(ddb)
    assert err(e) == ("ValidationException", message, 400)


def test_scan_pages_counts_and_projections(ddb) -> None:
    for item in (DUNE, KINDRED, {"title": {"S": "Emma"}}):
        ddb.put_item(TableName="Books", Item=item)
    everything = ddb.scan(TableName="Books")
    assert everything["Count"] == everything["ScannedCount"] == 3
    assert [i["title"]["S"] for i in everything["Items"]] == ["Dune", "Kindred", "Emma"]
    page = ddb.scan(TableName="Books", Limit=2)
    assert page["LastEvaluatedKey"] == {"title": {"S": "Kindred"}}
    rest = ddb.scan(TableName="Books", ExclusiveStartKey=page["LastEvaluatedKey"])
    assert [i["title"]["S"] for i in rest["Items"]] == ["Emma"] and "LastEvaluatedKey" not in rest
    assert "Items" not in ddb.scan(TableName="Books", Select="COUNT")
    proj = ddb.scan(
        TableName="Books",
        ProjectionExpression="#t, author",
        ExpressionAttributeNames={"#t": "title"},
    )
    assert proj["Items"][0] == {"title": {"S": "Dune"}, "author": {"S": "Frank Herbert"}}
    got = ddb.get_item(
        TableName="Books",
        Key={"title": {"S": "Dune"}},
        ProjectionExpression="#y",
        ExpressionAttributeNames={"#y": "year"},
        ReturnConsumedCapacity="TOTAL",
    )
    assert got["Item"] == {"year": {"N": "1965"}}
    assert got["ConsumedCapacity"] == {"TableName": "Books", "CapacityUnits": 0.5}


def test_scan_paginator(ddb) -> None:
    for n in range(5):
        ddb.put_item(TableName="Books", Item={"title": {"S": f"Book {n}"}})
    pages = ddb.get_paginator("scan").paginate(TableName="Books", PaginationConfig={"PageSize": 2})
    assert sum(p["Count"] for p in pages) == 5


def test_unsupported_expressions_say_so(ddb) -> None:
    with pytest.raises(ClientError) as e:
        ddb.scan(
            TableName="Books",
            FilterExpression="author = :a",
            ExpressionAttributeValues={":a": {"S": "x"}},
        )
    code, message, status = err(e)
    assert (code, status) == ("NotImplementedInLab", 501)
    assert "FilterExpression" in message


# ---- authorization ----------------------------------------------------------------
def test_denied_is_access_denied_exception_400(lab: Lab, ddb, a: boto3.Session) -> None:
    ana = make_user(lab, a, "Ana", mfa=False).client("dynamodb")
    with pytest.raises(ClientError) as e:
        ana.get_item(TableName="Books", Key={"title": {"S": "Dune"}})
    assert err(e) == (
        "AccessDeniedException",
        f"User: arn:aws:iam::{A}:user/Ana is not authorized to perform: dynamodb:GetItem on "
        f"resource: {BOOKS_ARN} because no identity-based policy allows the dynamodb:GetItem "
        "action",
        400,
    )
    with pytest.raises(ClientError) as e:
        ana.list_tables()
    assert err(e)[0] == "AccessDeniedException"
    assert "dynamodb:ListTables on resource: * because" in err(e)[1]


def test_authorization_comes_before_the_table_lookup(lab: Lab, a: boto3.Session) -> None:
    ana = make_user(lab, a, "Ana", mfa=False).client("dynamodb")
    with pytest.raises(ClientError) as e:
        ana.describe_table(TableName="NoSuchTable")
    assert err(e)[0] == "AccessDeniedException"  # not ResourceNotFoundException


def test_per_table_permissions(lab: Lab, ddb, a: boto3.Session) -> None:
    read_books = doc(
        {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Scan"], "Resource": BOOKS_ARN}
    )
    ana = make_user(lab, a, "Ana", {"read": read_books}, mfa=False).client("dynamodb")
    ddb.put_item(TableName="Books", Item=DUNE)
    assert ana.scan(TableName="Books")["Count"] == 1
    with pytest.raises(ClientError) as e:
        ana.put_item(TableName="Books", Item=KINDRED)
    assert "dynamodb:PutItem" in err(e)[1]


# ---- seed 000/001: Richard (B) assumes CrossAccountRole in A with MFA ---------------
def setup_cross_account(lab: Lab, permissions: str = "cross-account-role-permissions") -> Person:
    """Anaya's account A (role + Books table) and Richard of account B (with MFA)."""
    a = lab.create_account(A, name="A")
    b = lab.create_account(B, name="B")
    iam = a.client("iam")
    iam.create_role(
        RoleName="CrossAccountRole",
        AssumeRolePolicyDocument=json.dumps(load_policy("cross-account-trust")),
    )
    iam.put_role_policy(
        RoleName="CrossAccountRole",
        PolicyName="BooksAccess",
        PolicyDocument=json.dumps(load_policy(permissions)),
    )
    books = a.client("dynamodb")
    create_books(books)
    books.put_item(TableName="Books", Item=KINDRED)
    assume = json.dumps(load_policy("richard-assume-role"))
    return make_user(lab, b, "Richard", {"AssumeCrossAccountRole": assume})


def role_session(lab: Lab, richard: Person) -> boto3.Session:
    creds = richard.client("sts").assume_role(
        RoleArn=ROLE_ARN,
        RoleSessionName="richard",
        SerialNumber=richard.serial,
        TokenCode=lab.totp(richard.serial),
    )["Credentials"]
    return lab.session(creds)


def test_seed_richard_works_on_books_in_account_a(lab: Lab) -> None:
    richard = setup_cross_account(lab)
    ddb = role_session(lab, richard).client("dynamodb")
    assert ddb.list_tables()["TableNames"] == ["Books"]
    ddb.put_item(TableName="Books", Item=DUNE)
    assert ddb.get_item(TableName="Books", Key={"title": {"S": "Dune"}})["Item"] == DUNE
    assert [i["title"]["S"] for i in ddb.scan(TableName="Books")["Items"]] == ["Kindred", "Dune"]
    row = lab.trail().iloc[-1]
    assert row["account"] == A and row["resource"] == BOOKS_ARN
    assert row["principal"] == f"arn:aws:sts::{A}:assumed-role/CrossAccountRole/richard"
    # Richard's own account has no Books table: the table lives in A
    with pytest.raises(ClientError):
        richard.client("dynamodb").scan(TableName="Books")


def test_seed_richard_without_mfa_cannot_assume_the_role(lab: Lab) -> None:
    richard = setup_cross_account(lab)
    with pytest.raises(ClientError) as e:
        richard.client("sts").assume_role(RoleArn=ROLE_ARN, RoleSessionName="richard")
    assert err(e)[0] == "AccessDenied"


def test_seed_printed_policy_denies_get_item(lab: Lab) -> None:
    """The seed pages print account 222222222222 in the table ARN and "ListTable"."""
    richard = setup_cross_account(lab, "cross-account-role-permissions.seed")
    ddb = role_session(lab, richard).client("dynamodb")
    with pytest.raises(ClientError) as e:
        ddb.get_item(TableName="Books", Key={"title": {"S": "Kindred"}})
    assert err(e) == (
        "AccessDeniedException",
        f"User: arn:aws:sts::{A}:assumed-role/CrossAccountRole/richard is not authorized to "
        f"perform: dynamodb:GetItem on resource: {BOOKS_ARN} because no identity-based policy "
        "allows the dynamodb:GetItem action",
        400,
    )
    with pytest.raises(ClientError) as e:
        ddb.list_tables()
    assert err(e)[0] == "AccessDeniedException"
