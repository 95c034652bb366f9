"""DynamoDB: tables and items (PutItem, GetItem, DeleteItem, Scan).

Tables belong to the caller's account and region: a session of account A's role acts
in account A. Every operation is authorized as ``dynamodb:<Operation>`` on
``arn:aws:dynamodb:REGION:ACCOUNT:table/NAME`` (ListTables on ``*``) *before* the
table is looked up, so a caller without permission cannot probe table names.
Denials raise ``AccessDeniedException`` with HTTP 400 (docs/aws-behaviour.md, "Service errors").

Items travel in DynamoDB's AttributeValue wire shape (``{"title": {"S": "Dune"}}``),
which the low-level boto3 client passes through unchanged. Tables are ``ACTIVE`` as
soon as they are created (real DynamoDB shows ``CREATING`` for a few seconds), and
``ItemCount``/``TableSizeBytes`` are live (real DynamoDB refreshes them about every
six hours). Expressions other than a simple ``ProjectionExpression`` (conditions,
filters) and secondary indexes are not emulated: such parameters are refused with
``NotImplementedInLab`` before the handler runs (:mod:`iamlab.aws.parameters`).
"""

from __future__ import annotations

import base64
import copy
import json
import math
import re
import uuid
from decimal import Context, Decimal, InvalidOperation
from typing import Any

from ..errors import LabError
from ..validation import coral_error, violation
from ._call import Call
from ._catalog import spec
from ._registry import operation

Table = dict[str, Any]
Item = dict[str, dict[str, Any]]

INVALID = "One or more parameter values were invalid: "
EXACTLY_ONE = "must contain exactly one of the supported datatypes"
ATTRIBUTE_TYPES = ("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL")
SETS = {"SS": "string", "NS": "number", "BS": "binary"}
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
MAX_NUMBER = Decimal("9.9999999999999999999999999999999999999E+125")
MIN_NUMBER = Decimal("1E-130")
EXACT = Context(prec=60, Emax=999, Emin=-999)  # room for every DynamoDB number, no rounding
TABLE_NAME = re.compile(r"[a-zA-Z0-9_.-]+", re.ASCII)
MAX_ITEM_BYTES = 400 * 1024  # Developer Guide, "Item size"
NOT_FOUND = "Requested resource not found"
KEY_MISMATCH = "The provided key element does not match the schema"


# ---- helpers ------------------------------------------------------------------------
def table_arn(call: Call, name: str) -> str:
    """``arn:aws:dynamodb:REGION:ACCOUNT:table/NAME``."""
    template = spec("dynamodb")["arn"]["table"]
    return template.format(region=call.region, account=call.account, name=name)


def _tables(call: Call) -> dict[str, Table]:
    ext = call.account_state().extension("dynamodb")
    return ext.setdefault("tables", {}).setdefault(call.region, {})


def check_table_name(name: str, allow_arn: bool = True) -> None:
    """Table names are 3 to 255 of ``a-z A-Z 0-9 _ - .`` (DynamoDB Developer Guide, "Naming
    rules"; the model now types ``TableName`` as name-or-ARN, so the service checks it).
    Operations on an existing table also accept its ARN."""
    if allow_arn and name.startswith("arn:"):
        return
    found = []
    if len(name) > 255:
        found.append(
            violation("TableName", name, "Member must have length less than or equal to 255")
        )
    if len(name) < 3:
        found.append(
            violation("TableName", name, "Member must have length greater than or equal to 3")
        )
    if not TABLE_NAME.fullmatch(name):
        found.append(
            violation(
                "TableName", name, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
            )
        )
    if found:
        raise coral_error("ValidationException", found)


def _number(text: Any) -> Decimal:
    """A DynamoDB number: decimal text, at most 38 significant digits, magnitude between
    1E-130 and 9.9999999999999999999999999999999999999E+125 (Developer Guide, "Data types")."""
    if not isinstance(text, str) or not NUMBER.fullmatch(text):
        raise LabError(
            "ValidationException",
            f"The parameter cannot be converted to a numeric value: {text}",
            400,
        )
    value = Decimal(text)
    if value.is_zero():
        return value
    digits = value.normalize(EXACT).as_tuple().digits
    if len(digits) > 38:
        raise LabError(
            "ValidationException",
            "Attempting to store more than 38 significant digits in a Number",
            400,
        )
    if value.copy_abs() > MAX_NUMBER:
        raise LabError(
            "ValidationException",
            "Number overflow. Attempting to store a number with magnitude larger than "
            "supported range",
            400,
        )
    if value.copy_abs() < MIN_NUMBER:
        raise LabError(
            "ValidationException",
            "Number underflow. Attempting to store a number with magnitude smaller than "
            "supported range",
            400,
        )
    return value


def _blob(value: Any) -> bytes:
    """A ``B`` value as bytes (boto3 also accepts str, sent as UTF-8)."""
    return value.encode() if isinstance(value, str) else bytes(value)


def check_value(call: Call, value: Any) -> dict[str, Any]:
    """Validate one AttributeValue; return it with blobs as bytes.

    Exactly one data type; ``N`` is a number; sets are non-empty without duplicates;
    ``NULL`` is true. Each failure is DynamoDB's ``ValidationException`` with its text.
    """
    given = [t for t in ATTRIBUTE_TYPES if isinstance(value, dict) and t in value]
    if not given:
        call.error("ValidationException", f"Supplied AttributeValue is empty, {EXACTLY_ONE}")
    if len(given) > 1:
        call.error(
            "ValidationException",
            f"Supplied AttributeValue has more than one datatypes set, {EXACTLY_ONE}",
        )
    kind = given[0]
    v = value[kind]
    if kind == "N":
        _number(v)
    elif kind == "B":
        v = _blob(v)
    elif kind == "NULL" and v is not True:
        call.error(
            "ValidationException",
            f"{INVALID}Null attribute value types must have the value of true",
        )
    elif kind in SETS:
        if not v:
            call.error("ValidationException", f"{INVALID}An {SETS[kind]} set  may not be empty")
        if kind == "BS":
            v = [_blob(x) for x in v]
        identity = [_number(x).normalize(EXACT) for x in v] if kind == "NS" else list(v)
        if len(set(identity)) != len(identity):
            shown = ", ".join(
                base64.b64encode(x).decode() if isinstance(x, bytes) else str(x) for x in v
            )
            call.error(
                "ValidationException", f"{INVALID}Input collection [{shown}] contains duplicates."
            )
    elif kind == "L":
        v = [check_value(call, x) for x in v]
    elif kind == "M":
        v = {k: check_value(call, x) for k, x in v.items()}
    return {kind: v}


def check_item(call: Call, item: Item) -> Item:
    """Validate every AttributeValue of an item or key (blobs come back as bytes)."""
    return {name: check_value(call, value) for name, value in item.items()}


def _authorized_table(call: Call, params: dict, missing: str = NOT_FOUND) -> Table:
    """Validate the request (table name, every AttributeValue, item size), authorize
    ``dynamodb:<Operation>`` on the table, then find it."""
    name = params["TableName"]
    check_table_name(name)
    for member in ("Item", "Key", "ExclusiveStartKey"):
        if params.get(member) is not None:
            checked = check_item(call, params[member])
            if member == "Item" and _item_size(checked) > MAX_ITEM_BYTES:
                call.error("ValidationException", "Item size has exceeded the maximum allowed size")
    for value in (params.get("ExpressionAttributeValues") or {}).values():
        check_value(call, value)
    call.authorize(f"dynamodb:{call.operation}", table_arn(call, name))
    table = _tables(call).get(name)
    if table is None:
        call.error("ResourceNotFoundException", missing)
    return table


def _size(value: dict[str, Any]) -> int:
    """Approximate stored size of one AttributeValue in bytes (DynamoDB's item-size rules)."""
    ((kind, v),) = value.items()
    sizes = {
        "S": lambda: len(v.encode()),
        "N": lambda: len(v.strip("-").replace(".", "").lstrip("0")) // 2 + 1,
        "B": lambda: len(_blob(v)),
        "SS": lambda: sum(len(x.encode()) for x in v),
        "NS": lambda: sum(_size({"N": x}) for x in v),
        "BS": lambda: sum(len(_blob(x)) for x in v),
        "L": lambda: 3 + sum(1 + _size(x) for x in v),
        "M": lambda: 3 + sum(len(k.encode()) + 1 + _size(x) for k, x in v.items()),
    }
    return sizes[kind]() if kind in sizes else 1  # BOOL, NULL


def _item_size(item: Item) -> int:
    return sum(len(name.encode()) + _size(value) for name, value in item.items())


def _key_part(kind: str, value: Any) -> str:
    if kind == "N":
        return str(Decimal(value).normalize(EXACT))
    if kind == "B":
        return base64.b64encode(_blob(value)).decode()
    return value


def _key_of(call: Call, table: Table, attrs: Item, exact: bool) -> str:
    """The identity of an item's primary key (ValidationException as DynamoDB words it)."""
    types = {d["AttributeName"]: d["AttributeType"] for d in table["attributes"]}
    names = [k["AttributeName"] for k in table["key_schema"]]
    if exact and set(attrs) != set(names):
        call.error("ValidationException", KEY_MISMATCH)
    parts = []
    for name in names:
        if name not in attrs:
            call.error("ValidationException", f"{INVALID}Missing the key {name} in the item")
        (kind, value), *_ = attrs[name].items()
        if kind != types[name]:
            if exact:
                call.error("ValidationException", KEY_MISMATCH)
            call.error(
                "ValidationException",
                f"{INVALID}Type mismatch for key {name} expected: {types[name]} actual: {kind}",
            )
        if kind in ("S", "B") and len(value) == 0:
            call.error(
                "ValidationException",
                "One or more parameter values are not valid. The AttributeValue for a key "
                f"attribute cannot contain an empty {'string' if kind == 'S' else 'binary'} "
                f"value. Key: {name}",
            )
        try:
            parts.append([kind, _key_part(kind, value)])
        except InvalidOperation:
            call.error(
                "ValidationException",
                f"{INVALID}The parameter cannot be converted to a numeric value",
            )
    return json.dumps(parts)


def _copy(item: Item) -> Item:
    return copy.deepcopy(item)


def _projection(call: Call, params: dict) -> list[str] | None:
    """Top-level attribute names from ``ProjectionExpression`` (or ``AttributesToGet``)."""
    if "AttributesToGet" in params:
        return list(params["AttributesToGet"])
    expr = params.get("ProjectionExpression")
    if expr is None:
        return None
    aliases = params.get("ExpressionAttributeNames", {})
    names = []
    for part in (p.strip() for p in expr.split(",")):
        if any(c in part for c in ".[]") or not part:
            raise LabError(
                "NotImplementedInLab",
                "iamlab supports only top-level attribute names in ProjectionExpression",
                501,
            )
        if part.startswith("#"):
            if part not in aliases:
                call.error(
                    "ValidationException",
                    "Invalid ProjectionExpression: An expression attribute name used in the "
                    f"document path is not defined; attribute name: {part}",
                )
            part = aliases[part]
        names.append(part)
    return names


def _project(item: Item, names: list[str] | None) -> Item:
    return _copy(item) if names is None else _copy({n: item[n] for n in names if n in item})


def _consumed(params: dict, table: Table, units: float) -> dict[str, Any]:
    """``ConsumedCapacity`` when asked for (units computed from item sizes)."""
    if params.get("ReturnConsumedCapacity", "NONE") == "NONE":
        return {}
    return {"ConsumedCapacity": {"TableName": table["name"], "CapacityUnits": units}}


def _read_units(params: dict, size: int) -> float:
    units = max(1, math.ceil(size / 4096))
    return float(units if params.get("ConsistentRead") else units / 2)


def _return_values(call: Call, params: dict) -> str:
    value = params.get("ReturnValues", "NONE")
    if value not in ("NONE", "ALL_OLD"):
        call.error("ValidationException", "Return values set to invalid value")
    return value


# ---- tables -----------------------------------------------------------------------
def _check_schema(call: Call, params: dict) -> None:
    keys = params["KeySchema"]
    defined = [d["AttributeName"] for d in params["AttributeDefinitions"]]
    names = [k["AttributeName"] for k in keys]
    if (
        keys[0]["KeyType"] != "HASH"
        or len(keys) > 2
        or [k["KeyType"] for k in keys[1:]]
        not in (
            [],
            ["RANGE"],
        )
    ):
        call.error(
            "ValidationException",
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        )
    if not set(names) <= set(defined):
        call.error(
            "ValidationException",
            f"{INVALID}Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(names)}], AttributeDefinitions: [{', '.join(defined)}]",
        )
    if len(set(defined)) != len(names):
        call.error(
            "ValidationException",
            f"{INVALID}Number of attributes in KeySchema does not exactly match number of "
            "attributes defined in AttributeDefinitions",
        )


def _throughput(call: Call, params: dict) -> tuple[str, dict[str, int]]:
    mode = params.get("BillingMode", "PROVISIONED")
    given = params.get("ProvisionedThroughput")
    if mode == "PROVISIONED" and given is None:
        call.error(
            "ValidationException",
            f"{INVALID}ReadCapacityUnits and WriteCapacityUnits must both be specified when "
            "BillingMode is PROVISIONED",
        )
    if mode == "PAY_PER_REQUEST" and given is not None:
        call.error(
            "ValidationException",
            f"{INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
            "BillingMode is PAY_PER_REQUEST",
        )
    units = given or {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    return mode, {k: units[k] for k in ("ReadCapacityUnits", "WriteCapacityUnits")}


def _description(table: Table, status: str = "ACTIVE") -> dict[str, Any]:
    """A ``TableDescription`` as DynamoDB returns it."""
    out: dict[str, Any] = {
        "AttributeDefinitions": [dict(d) for d in table["attributes"]],
        "TableName": table["name"],
        "KeySchema": [dict(k) for k in table["key_schema"]],
        "TableStatus": status,
        "CreationDateTime": table["created"],
        "ProvisionedThroughput": {"NumberOfDecreasesToday": 0, **table["throughput"]},
        "TableSizeBytes": sum(_item_size(i) for i in table["items"].values()),
        "ItemCount": len(table["items"]),
        "TableArn": table["arn"],
        "TableId": table["id"],
        "DeletionProtectionEnabled": table["protected"],
    }
    if table["mode"] == "PAY_PER_REQUEST":
        out["BillingModeSummary"] = {
            "BillingMode": "PAY_PER_REQUEST",
            "LastUpdateToPayPerRequestDateTime": table["created"],
        }
    return out


@operation("dynamodb", "CreateTable")
def create_table(call: Call, params: dict) -> dict:
    """Create a table in the caller's account (``ACTIVE`` at once)."""
    check_table_name(params["TableName"], allow_arn=False)
    _check_schema(call, params)
    mode, throughput = _throughput(call, params)
    name = params["TableName"]
    arn = table_arn(call, name)
    call.authorize("dynamodb:CreateTable", arn)
    tables = _tables(call)
    if name in tables:
        call.error("ResourceInUseException", f"Table already exists: {name}")
    tables[name] = {
        "name": name,
        "arn": arn,
        "id": str(uuid.UUID(bytes=call.lab.ids._bytes("dynamodb-table", 16), version=4)),
        "key_schema": [dict(k) for k in params["KeySchema"]],
        "attributes": [dict(d) for d in params["AttributeDefinitions"]],
        "mode": mode,
        "throughput": throughput,
        "created": call.now,
        "protected": bool(params.get("DeletionProtectionEnabled", False)),
        "items": {},
    }
    return {"TableDescription": _description(tables[name])}


@operation("dynamodb", "DescribeTable")
def describe_table(call: Call, params: dict) -> dict:
    """A table's description."""
    missing = f"{NOT_FOUND}: Table: {params['TableName']} not found"
    return {"Table": _description(_authorized_table(call, params, missing))}


@operation("dynamodb", "DeleteTable")
def delete_table(call: Call, params: dict) -> dict:
    """Delete a table and its items (``DELETING`` in the response)."""
    missing = f"{NOT_FOUND}: Table: {params['TableName']} not found"
    table = _authorized_table(call, params, missing)
    if table["protected"]:
        call.error(
            "ValidationException",
            "Resource cannot be deleted as it is currently protected against deletion. "
            "Disable deletion protection first.",
        )
    del _tables(call)[table["name"]]
    return {"TableDescription": _description(table, "DELETING")}


@operation("dynamodb", "ListTables")
def list_tables(call: Call, params: dict) -> dict:
    """Table names of the caller's account in this region, sorted, paged by ``Limit``."""
    call.authorize("dynamodb:ListTables", "*")
    start = params.get("ExclusiveStartTableName", "")
    names = [n for n in sorted(_tables(call)) if n > start]
    limit = params.get("Limit", 100)
    out: dict[str, Any] = {"TableNames": names[:limit]}
    if len(names) > limit:
        out["LastEvaluatedTableName"] = names[limit - 1]
    return out


# ---- items ------------------------------------------------------------------------
@operation("dynamodb", "PutItem")
def put_item(call: Call, params: dict) -> dict:
    """Create or replace an item."""
    table = _authorized_table(call, params)
    returns = _return_values(call, params)
    item = _copy(check_item(call, params["Item"]))
    key = _key_of(call, table, item, exact=False)
    old = table["items"].get(key)
    table["items"][key] = item
    out: dict[str, Any] = _consumed(
        params, table, float(max(1, math.ceil(_item_size(item) / 1024)))
    )
    if returns == "ALL_OLD" and old is not None:
        out["Attributes"] = _copy(old)
    return out


@operation("dynamodb", "GetItem")
def get_item(call: Call, params: dict) -> dict:
    """One item by its full primary key (no ``Item`` when there is none)."""
    table = _authorized_table(call, params)
    names = _projection(call, params)
    item = table["items"].get(_key_of(call, table, params["Key"], exact=True))
    out: dict[str, Any] = _consumed(params, table, _read_units(params, _item_size(item or {})))
    if item is not None:
        out["Item"] = _project(item, names)
    return out


@operation("dynamodb", "DeleteItem")
def delete_item(call: Call, params: dict) -> dict:
    """Delete an item by its full primary key (deleting a missing item succeeds)."""
    table = _authorized_table(call, params)
    returns = _return_values(call, params)
    old = table["items"].pop(_key_of(call, table, params["Key"], exact=True), None)
    size = _item_size(old or {})
    out: dict[str, Any] = _consumed(params, table, float(max(1, math.ceil(size / 1024))))
    if returns == "ALL_OLD" and old is not None:
        out["Attributes"] = _copy(old)
    return out


@operation("dynamodb", "Scan")
def scan(call: Call, params: dict) -> dict:
    """Every item, in insertion order, paged by ``Limit``/``ExclusiveStartKey``."""
    if params.get("Select") == "ALL_PROJECTED_ATTRIBUTES":  # an index's projection
        raise LabError(
            "NotImplementedInLab",
            "iamlab does not emulate Select=ALL_PROJECTED_ATTRIBUTES in dynamodb:Scan "
            "(secondary indexes)",
            501,
        )
    table = _authorized_table(call, params)
    names = _projection(call, params)
    keys = list(table["items"])
    if "ExclusiveStartKey" in params:
        start = _key_of(call, table, params["ExclusiveStartKey"], exact=True)
        keys = keys[keys.index(start) + 1 :] if start in keys else []
    limit = params.get("Limit", len(keys))
    page = keys[:limit]
    items = [table["items"][k] for k in page]
    out: dict[str, Any] = {"Count": len(items), "ScannedCount": len(items)}
    if params.get("Select") != "COUNT":
        out["Items"] = [_project(i, names) for i in items]
    if len(keys) > limit and page:
        last = table["items"][page[-1]]
        out["LastEvaluatedKey"] = _copy(
            {k["AttributeName"]: last[k["AttributeName"]] for k in table["key_schema"]}
        )
    size = sum(_item_size(i) for i in items)
    out.update(_consumed(params, table, _read_units(params, size)))
    return out
