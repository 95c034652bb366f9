"""S3: buckets, bucket policies and objects.

Each operation is authorized with the IAM action S3 uses (``s3:PutObject``...) on
``arn:aws:s3:::BUCKET`` or ``arn:aws:s3:::BUCKET/KEY``, with the bucket's policy as
the resource-based policy and the **bucket owner's account** as the resource's
account: a caller from another account needs both sides to allow (docs/aws-behaviour.md,
"Policy evaluation").

Denials (docs/aws-behaviour.md, "Service errors"): a same-account request gets S3's
enhanced message ``User: ARN is not authorized to perform: ACTION on resource: "ARN" because ...``
(``_catalog``). A cross-account request gets the legacy plain ``Access Denied``:
S3 documents the enhanced context only for requests from the bucket owner's own
account or organization, and the lab has no organizations (BELIEVED; docs/aws-behaviour.md,
"S3"). The trail keeps the full reason either way.

Unsigned (anonymous) requests reach S3 as the anonymous caller: only a bucket policy that
allows ``"*"`` can allow them, and their denials are the plain ``Access Denied``.

State: ``account_state(owner).extension("s3")["buckets"][name]`` is a bucket dict;
bucket names are unique across the whole lab, as in an AWS partition. Finding a bucket
reads every account's S3 state without journaling it (``AccountState.raw``); a handler
that changes a bucket gets it from its owner's journaled state, so a call's undo journal
copies that one account's S3 state and nothing else (:mod:`iamlab.aws.atomic`).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
from datetime import datetime
from typing import Any
from urllib.parse import quote

from ..errors import LabError
from . import streaming_body
from ._call import Call
from ._registry import operation

Bucket = dict[str, Any]
Obj = dict[str, Any]

US_EAST_1 = "us-east-1"
# The resource S3 reports for ListAllMyBuckets (observed in AWS's denial messages);
# both ``"*"`` and ``"arn:aws:s3:::*"`` in a policy match it.
ALL_BUCKETS = "arn:aws:s3:::"

NO_SUCH_BUCKET = ("NoSuchBucket", "The specified bucket does not exist", 404)
NO_SUCH_KEY = ("NoSuchKey", "The specified key does not exist.", 404)
NO_SUCH_POLICY = ("NoSuchBucketPolicy", "The bucket policy does not exist", 404)
BUCKET_EXISTS = (
    "BucketAlreadyExists",
    "The requested bucket name is not available. The bucket namespace is shared by all users "
    "of the system. Please select a different name and try again.",
    409,
)
ALREADY_YOURS = (
    "BucketAlreadyOwnedByYou",
    "Your previous request to create the named bucket succeeded and you already own it.",
    409,
)
NOT_EMPTY = ("BucketNotEmpty", "The bucket you tried to delete is not empty", 409)
INVALID_NAME = ("InvalidBucketName", "The specified bucket is not valid.", 400)
PLAIN_DENIED = ("AccessDenied", "Access Denied", 403)
# S3 API Reference, "Error responses"
METHOD_NOT_ALLOWED = (
    "MethodNotAllowed",
    "The specified method is not allowed against this resource.",
    405,
)
INVALID_DIGEST = ("InvalidDigest", "The Content-MD5 you specified is not valid.", 400)
BAD_DIGEST = ("BadDigest", "The Content-MD5 you specified did not match what we received.", 400)
BAD_TOKEN = ("InvalidArgument", "The continuation token provided is incorrect", 400)
# S3 API reference, "Error responses": KeyTooLongError, "Your key is too long."
KEY_TOO_LONG = ("KeyTooLongError", "Your key is too long.", 400)
MAX_KEY_BYTES = 1024  # S3 User Guide, "Naming Amazon S3 objects": UTF-8 bytes
# S3 User Guide, "Adding a bucket policy": bucket policies are limited to 20 KB. Measured
# without whitespace (as IAM measures policies); the code and message are the lab's
# reading (docs/aws-behaviour.md, "S3").
MAX_POLICY_BYTES = 20 * 1024
POLICY_TOO_LARGE = ("PolicyTooLarge", "Policy exceeds the maximum allowed document size.", 400)
INVALID_RESOURCE = ("MalformedPolicy", "Policy has invalid resource", 400)

# Bucket naming rules for general purpose buckets (S3 User Guide, "Bucket naming rules").
_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")  # fullmatch: no trailing newline
_BAD_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BAD_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


# ---- helpers ------------------------------------------------------------------------
def bucket_arn(name: str) -> str:
    """``arn:aws:s3:::BUCKET``."""
    return f"arn:aws:s3:::{name}"


def object_arn(bucket: str, key: str) -> str:
    """``arn:aws:s3:::BUCKET/KEY``."""
    return f"arn:aws:s3:::{bucket}/{key}"


def valid_bucket_name(name: str) -> bool:
    """True if ``name`` follows S3's naming rules for general purpose buckets."""
    if not _NAME.fullmatch(name) or ".." in name:
        return False
    if name.startswith(_BAD_PREFIXES) or name.endswith(_BAD_SUFFIXES):
        return False
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return True
    return False  # formatted as an IP address


def canonical_id(call: Call, account: str) -> str:
    """A deterministic 64-hex canonical user id for an account (S3's ``Owner.ID``)."""
    return hashlib.sha256(f"{call.lab.seed}:canonical:{account}".encode()).hexdigest()


def _fail(spec: tuple[str, str, int]) -> LabError:
    return LabError(*spec)


def _buckets(call: Call, account: str | None = None) -> dict[str, Bucket]:
    return call.account_state(account).extension("s3").setdefault("buckets", {})


def find_bucket(call: Call, name: str, update: bool = True) -> Bucket | None:
    """The bucket called ``name`` in any account of the lab, or None.

    The search reads each account's S3 state without journaling it. With ``update`` (a
    handler that may change the bucket) the bucket comes from its owner's journaled S3
    state; without, it is the live bucket, which the handler must only read.
    """
    for account_id, acct in call.lab.accounts.items():
        buckets = acct.raw("extra").get("s3", {}).get("buckets", {})
        if name in buckets:
            return _buckets(call, account_id)[name] if update else buckets[name]
    return None


def get_bucket(call: Call, params: dict, update: bool = True) -> Bucket:
    """The bucket named in ``params`` (NoSuchBucket 404 if none; ExpectedBucketOwner checked)."""
    bucket = find_bucket(call, params["Bucket"], update)
    if bucket is None:
        raise _fail(NO_SUCH_BUCKET)
    _check_owner(call, params, bucket)
    return bucket


def _check_owner(call: Call, params: dict, bucket: Bucket, head: bool = False) -> None:
    """``ExpectedBucketOwner`` that is not the bucket's owner: 403 (S3 API reference)."""
    expected = params.get("ExpectedBucketOwner")
    if expected is not None and expected != bucket["owner"]:
        call.note = f"ExpectedBucketOwner {expected} is not the bucket owner"
        raise LabError("403", "Forbidden", 403) if head else _fail(PLAIN_DENIED)


def _plain_denials(call: Call, action: str, resource: str, account: str) -> Any:
    """``call.authorize`` on a resource of the caller's own account (CreateBucket,
    ListBuckets); an anonymous caller's denial is the plain ``Access Denied``."""
    try:
        return call.authorize(action, resource, resource_account=account)
    except LabError as exc:
        if exc.code == "AccessDenied" and call.caller.kind == "anonymous":
            raise _fail(PLAIN_DENIED) from None
        raise


def authorize(
    call: Call, action: str, resource: str, bucket: Bucket, context: dict[str, str] | None = None
) -> Any:
    """``call.authorize`` against the bucket's policy and owner; cross-account denials are plain."""
    policy = bucket["policy"]["parsed"] if bucket["policy"] else None
    try:
        return call.authorize(
            action,
            resource,
            resource_policy=policy,
            resource_account=bucket["owner"],
            context=context,
        )
    except LabError as exc:
        if exc.code == "AccessDenied" and bucket["owner"] != call.account:
            raise _fail(PLAIN_DENIED) from None
        raise


def _allowed(call: Call, action: str, resource: str, bucket: Bucket) -> LabError | None:
    """None if allowed, else the denial ``authorize`` would raise (recorded in the trail)."""
    try:
        authorize(call, action, resource, bucket)
    except LabError as exc:
        return exc
    return None


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if hasattr(body, "seek"):
        body.seek(0)
    data = body.read()
    return data.encode() if isinstance(data, str) else bytes(data)


def _etag(data: bytes) -> str:
    return f'"{hashlib.md5(data, usedforsecurity=False).hexdigest()}"'


# ---- buckets ----------------------------------------------------------------------
def _check_location(call: Call, params: dict) -> str:
    """The bucket's region; the LocationConstraint must match the endpoint's region."""
    lc = (params.get("CreateBucketConfiguration") or {}).get("LocationConstraint")
    if lc is None and call.region != US_EAST_1:
        call.error(
            "IllegalLocationConstraintException",
            "The unspecified location constraint is incompatible for the region specific "
            "endpoint this request was sent to.",
        )
    if lc is not None and lc != call.region:
        call.error(
            "IllegalLocationConstraintException",
            f"The {lc} location constraint is incompatible for the region specific endpoint "
            "this request was sent to.",
        )
    return lc or US_EAST_1


@operation("s3", "CreateBucket")
def create_bucket(call: Call, params: dict) -> dict:
    """Create a bucket owned by the caller's account (names are unique across the lab)."""
    name = params["Bucket"]
    if not valid_bucket_name(name):
        raise _fail(INVALID_NAME)
    region = _check_location(call, params)
    _plain_denials(call, "s3:CreateBucket", bucket_arn(name), call.account)
    existing = find_bucket(call, name, update=False)
    if existing is not None:
        if existing["owner"] != call.account:
            raise _fail(BUCKET_EXISTS)
        if existing["region"] != US_EAST_1:
            raise _fail(ALREADY_YOURS)
        # S3 API reference: for legacy compatibility, re-creating a bucket you own in
        # us-east-1 succeeds (200 OK) and changes nothing.
        call.note = "the bucket exists and you own it: us-east-1 answers 200 OK (legacy)"
    else:
        _buckets(call)[name] = {
            "name": name,
            "owner": call.account,
            "region": region,
            "created": call.now,
            "policy": None,
            "objects": {},
        }
    return {"Location": f"/{name}", "BucketArn": bucket_arn(name)}


@operation("s3", "DeleteBucket")
def delete_bucket(call: Call, params: dict) -> dict:
    """Delete an empty bucket."""
    bucket = get_bucket(call, params)
    authorize(call, "s3:DeleteBucket", bucket_arn(bucket["name"]), bucket)
    if bucket["objects"]:
        raise _fail(NOT_EMPTY)
    del _buckets(call, bucket["owner"])[bucket["name"]]
    return {}


@operation("s3", "ListBuckets")
def list_buckets(call: Call, params: dict) -> dict:
    """The caller's account's buckets, by name (action ``s3:ListAllMyBuckets``), paged with
    ``MaxBuckets`` and an opaque ``ContinuationToken`` (S3 API reference, ListBuckets)."""
    _plain_denials(call, "s3:ListAllMyBuckets", ALL_BUCKETS, call.account)
    prefix = params.get("Prefix", "")
    region = params.get("BucketRegion")
    after = _token_key(call, params["ContinuationToken"]) if "ContinuationToken" in params else ""
    acct = call.account_state()
    mine = acct.raw("extra").get("s3", {}).get("buckets", {})
    rows = [
        {"Name": b["name"], "CreationDate": b["created"], "BucketRegion": b["region"]}
        for b in sorted(mine.values(), key=lambda b: b["name"])
        if b["name"].startswith(prefix) and region in (None, b["region"]) and b["name"] > after
    ]
    size = params.get("MaxBuckets", 10000)
    out: dict[str, Any] = {
        "Buckets": rows[:size],
        "Owner": {"DisplayName": acct.name, "ID": canonical_id(call, call.account)},
    }
    if len(rows) > size:
        out["ContinuationToken"] = _token(rows[size - 1]["Name"])
    if "Prefix" in params:
        out["Prefix"] = prefix
    return out


# ---- bucket policies ----------------------------------------------------------------
def _policy_call(call: Call, action: str, params: dict) -> Bucket:
    """Authorize a bucket-policy operation: only the owner account may make it.

    S3 API reference (PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy): the caller
    must have the permission *and* belong to the bucket owner's account. Without the
    permission S3 answers 403 ``Access Denied``; with it, from another account, 405
    ``MethodNotAllowed``. The owner account's root user may always make these calls, even
    if the bucket policy denies it (so an owner can never lock itself out).
    """
    bucket = get_bucket(call, params, update=action != "s3:GetBucketPolicy")
    arn = bucket_arn(bucket["name"])
    if call.account != bucket["owner"]:
        authorize(call, action, arn, bucket)  # 403 Access Denied without the permission
        call.note = (
            f"{action} is allowed, but only the bucket owner's account may manage its policy"
        )
        raise _fail(METHOD_NOT_ALLOWED)
    if call.caller.is_root:
        call.note = "the bucket owner's root user may always manage the bucket policy"
        return bucket
    authorize(call, action, arn, bucket)
    return bucket


def _parse_bucket_policy(call: Call, text: str, bucket: str) -> Any:
    """Parse and check a bucket policy; S3's ``MalformedPolicy`` (or ``PolicyTooLarge``).

    A bucket policy may name only its own bucket and the objects in it (S3 User Guide,
    "Bucket policies": "Policy has invalid resource" otherwise, ``"*"`` included) and, like
    every resource policy, only IAM users and roles that exist (docs/aws-behaviour.md,
    "Lab decisions" D9).
    """
    from iamlab.policy import PolicyError, parse_policy

    from ._iam_common import invalid_principal, missing_principal

    if sum(len(ch.encode()) for ch in text if not ch.isspace()) > MAX_POLICY_BYTES:
        raise _fail(POLICY_TOO_LARGE)
    try:
        parsed = parse_policy(text, kind="resource", name=f"bucket policy of {bucket}")
    except PolicyError as exc:
        raise LabError("MalformedPolicy", exc.message, 400) from None
    own = bucket_arn(bucket)
    for statement in parsed.statements:
        items = statement.resources.items if statement.resources is not None else ()
        if any(r != own and not r.startswith(own + "/") for r in items):
            raise _fail(INVALID_RESOURCE)
    ghost = missing_principal(call.lab, parsed)
    if ghost is not None:
        raise invalid_principal(ghost, "MalformedPolicy")
    return parsed


@operation("s3", "PutBucketPolicy")
def put_bucket_policy(call: Call, params: dict) -> dict:
    """Attach a bucket policy (validated as a resource-based policy for this bucket)."""
    bucket = _policy_call(call, "s3:PutBucketPolicy", params)
    text = params["Policy"]
    _check_md5(params, text.encode())
    parsed = _parse_bucket_policy(call, text, bucket["name"])
    bucket["policy"] = {"text": text, "parsed": parsed}
    return {}


@operation("s3", "GetBucketPolicy")
def get_bucket_policy(call: Call, params: dict) -> dict:
    """The bucket policy's text, exactly as stored."""
    bucket = _policy_call(call, "s3:GetBucketPolicy", params)
    if bucket["policy"] is None:
        raise _fail(NO_SUCH_POLICY)
    return {"Policy": bucket["policy"]["text"]}


@operation("s3", "DeleteBucketPolicy")
def delete_bucket_policy(call: Call, params: dict) -> dict:
    """Remove the bucket policy (no error if there is none, as in S3)."""
    bucket = _policy_call(call, "s3:DeleteBucketPolicy", params)
    bucket["policy"] = None
    return {}


# ---- objects ----------------------------------------------------------------------
def _object_key(params: dict, head: bool = False) -> str:
    """The request's object key, at most 1,024 bytes of UTF-8 (``KeyTooLongError``)."""
    key = params["Key"]
    if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        raise LabError("400", "Bad Request", 400) if head else _fail(KEY_TOO_LONG)
    return key


def _check_md5(params: dict, data: bytes) -> None:
    """``ContentMD5``: the base64 MD5 of the body, checked as S3 checks it (``InvalidDigest``
    when it is not an MD5 at all, ``BadDigest`` when it is another body's)."""
    given = params.get("ContentMD5")
    if given is None:
        return
    try:
        digest = base64.b64decode(given.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        digest = b""
    if len(digest) != 16:
        raise _fail(INVALID_DIGEST)
    if digest != hashlib.md5(data, usedforsecurity=False).digest():
        raise _fail(BAD_DIGEST)


# Headers PutObject stores and GetObject/HeadObject return unchanged.
STORED_HEADERS = ("CacheControl", "ContentDisposition", "ContentEncoding", "ContentLanguage")
SSE_S3 = "AES256"


@operation("s3", "PutObject")
def put_object(call: Call, params: dict) -> dict:
    """Store an object (replacing any object with the same key).

    Objects are encrypted with S3 managed keys (``AES256``), S3's default; a request for
    KMS encryption is refused as not emulated.
    """
    key = _object_key(params)
    bucket = get_bucket(call, params)
    authorize(call, "s3:PutObject", object_arn(bucket["name"], key), bucket)
    sse = params.get("ServerSideEncryption", SSE_S3)
    if sse != SSE_S3:
        raise LabError(
            "NotImplementedInLab",
            f"iamlab does not emulate ServerSideEncryption={sse} in s3:PutObject "
            f"(server-side encryption with KMS keys); supported: {SSE_S3}",
            501,
        )
    data = _body_bytes(params.get("Body"))
    _check_md5(params, data)
    etag = _etag(data)
    bucket["objects"][key] = {
        "body": data,
        "etag": etag,
        "modified": call.now.replace(microsecond=0),
        "content_type": params.get("ContentType", "binary/octet-stream"),
        "metadata": dict(params.get("Metadata", {})),
        "headers": {h: params[h] for h in STORED_HEADERS if h in params},
    }
    return {"ETag": etag, "ServerSideEncryption": SSE_S3}


def _existing_object(call: Call, bucket: Bucket, key: str, head: bool = False) -> Obj:
    """The object, or the error S3 gives for a missing one.

    S3 answers a missing key with 404 NoSuchKey only if the caller may ``s3:ListBucket``
    the bucket; otherwise with 403 AccessDenied, so that keys cannot be probed (S3 User
    Guide, GetObject permissions; docs/aws-behaviour.md, "Service errors"). The 403 names
    s3:ListBucket (BELIEVED).
    """
    obj = bucket["objects"].get(key)
    if obj is not None:
        return obj
    denied = _allowed(call, "s3:ListBucket", bucket_arn(bucket["name"]), bucket)
    if denied is not None:
        raise LabError("403", "Forbidden", 403) if head else denied
    raise LabError("404", "Not Found", 404) if head else _fail(NO_SUCH_KEY)


def _object_headers(obj: Obj) -> dict[str, Any]:
    return {
        "AcceptRanges": "bytes",
        "LastModified": obj["modified"],
        "ContentLength": len(obj["body"]),
        "ETag": obj["etag"],
        "ContentType": obj["content_type"],
        **obj.get("headers", {}),
        "ServerSideEncryption": SSE_S3,
        "Metadata": dict(obj["metadata"]),
    }


@operation("s3", "GetObject")
def get_object(call: Call, params: dict) -> dict:
    """An object's bytes (``Body`` is a botocore ``StreamingBody``) and headers."""
    key = _object_key(params)
    bucket = get_bucket(call, params, update=False)
    authorize(call, "s3:GetObject", object_arn(bucket["name"], key), bucket)
    obj = _existing_object(call, bucket, key)
    return {"Body": streaming_body(obj["body"]), **_object_headers(obj)}


@operation("s3", "HeadObject")
def head_object(call: Call, params: dict) -> dict:
    """An object's headers (authorized as ``s3:GetObject``).

    A HEAD response has no body, so S3's errors reach boto3 as the bare status:
    codes ``"404"``/``"403"`` with messages ``Not Found``/``Forbidden``.
    """
    key = _object_key(params, head=True)
    bucket = find_bucket(call, params["Bucket"], update=False)
    if bucket is None:
        raise LabError("404", "Not Found", 404)
    _check_owner(call, params, bucket, head=True)
    try:
        authorize(call, "s3:GetObject", object_arn(bucket["name"], key), bucket)
    except LabError as exc:
        if exc.code == "AccessDenied":
            raise LabError("403", "Forbidden", 403) from None
        raise
    return _object_headers(_existing_object(call, bucket, key, head=True))


@operation("s3", "DeleteObject")
def delete_object(call: Call, params: dict) -> dict:
    """Delete an object; deleting a missing key succeeds (S3 deletes are idempotent)."""
    key = _object_key(params)
    bucket = get_bucket(call, params)
    authorize(call, "s3:DeleteObject", object_arn(bucket["name"], key), bucket)
    if bucket["objects"].pop(key, None) is None:
        call.note = "no such key: S3 answers a delete of a missing key with success"
    return {}


# ---- listing ----------------------------------------------------------------------
def _list_context(call: Call, params: dict) -> dict[str, str]:
    """The request context with S3's ListBucket keys (``s3:prefix``, ``s3:delimiter``...)."""
    ctx = call.context()
    for param, key in (("Prefix", "s3:prefix"), ("Delimiter", "s3:delimiter")):
        if param in params:
            ctx[key] = params[param]
    if "MaxKeys" in params:
        ctx["s3:max-keys"] = str(params["MaxKeys"])
    return ctx


def _listing(objects: dict[str, Obj], prefix: str, delimiter: str | None) -> list[tuple[str, Any]]:
    """Sorted ``(key, obj)`` rows and ``(common_prefix, None)`` rows, as S3 groups them."""
    rows: list[tuple[str, Any]] = []
    seen: set[str] = set()
    for key in sorted(objects):
        if not key.startswith(prefix):
            continue
        rest = key[len(prefix) :]
        if delimiter and delimiter in rest:
            common = prefix + rest[: rest.index(delimiter) + len(delimiter)]
            if common not in seen:
                seen.add(common)
                rows.append((common, None))
            continue
        rows.append((key, objects[key]))
    return rows


@operation("s3", "ListObjectsV2")
def list_objects_v2(call: Call, params: dict) -> dict:
    """List keys (action ``s3:ListBucket`` on the bucket, with ``s3:prefix`` in the context).

    With ``FetchOwner`` each key shows its owner: the bucket owner's canonical id (the lab's
    buckets have ACLs disabled, so the bucket owner owns every object, as in S3 today).
    """
    bucket = get_bucket(call, params, update=False)
    authorize(
        call, "s3:ListBucket", bucket_arn(bucket["name"]), bucket, _list_context(call, params)
    )
    prefix = params.get("Prefix", "")
    delimiter = params.get("Delimiter")
    max_keys = params.get("MaxKeys", 1000)
    after = _token_key(call, params["ContinuationToken"]) if "ContinuationToken" in params else ""
    after = max(after, params.get("StartAfter", ""))
    rows = [r for r in _listing(bucket["objects"], prefix, delimiter) if r[0] > after]
    page, more = rows[:max_keys], len(rows) > max_keys
    enc = _encoder(params)
    out: dict[str, Any] = {
        "IsTruncated": more,
        "Name": bucket["name"],
        "Prefix": enc(prefix),
        "MaxKeys": max_keys,
        "KeyCount": len(page),
    }
    contents = [_content(enc(k), o) for k, o in page if o is not None]
    if params.get("FetchOwner"):
        owner = {"ID": canonical_id(call, bucket["owner"])}
        contents = [{**c, "Owner": dict(owner)} for c in contents]
    commons = [{"Prefix": enc(k)} for k, o in page if o is None]
    if contents:
        out["Contents"] = contents
    if commons:
        out["CommonPrefixes"] = commons
    _echo(out, params, enc)
    if more:
        out["NextContinuationToken"] = _token(page[-1][0])
    return out


def _token(last: str) -> str:
    """An opaque continuation token for the page after ``last`` (a key or bucket name)."""
    return base64.b64encode(last.encode()).decode()


def _token_key(call: Call, token: str) -> str:
    """The last key (or bucket name) of the previous page, from a continuation token."""
    try:
        return base64.b64decode(token.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError, UnicodeEncodeError):
        raise _fail(BAD_TOKEN) from None


def _encoder(params: dict) -> Any:
    """With ``EncodingType=url`` S3 URL-encodes keys (botocore decodes them when it asked)."""
    if params.get("EncodingType") == "url":
        return lambda s: quote(s, safe="/")
    return lambda s: s


def _echo(out: dict[str, Any], params: dict, enc: Any) -> None:
    for name in ("Delimiter", "StartAfter"):
        if name in params:
            out[name] = enc(params[name])
    if "ContinuationToken" in params:
        out["ContinuationToken"] = params["ContinuationToken"]
    if params.get("EncodingType") == "url":
        out["EncodingType"] = "url"


def _content(key: str, obj: Obj) -> dict[str, Any]:
    modified: datetime = obj["modified"]
    return {
        "Key": key,
        "LastModified": modified,
        "ETag": obj["etag"],
        "Size": len(obj["body"]),
        "StorageClass": "STANDARD",
    }
