"""The request pipeline: from one botocore call to its response and its trail row.

For every call, under the lab's lock (one call at a time; re-entrant):

1. **authenticate** the signing credentials (:mod:`iamlab.aws.authn`): unknown key,
   wrong secret, expired or orphaned credentials fail with the service's own codes;
2. find the **handler** (an operation the lab does not emulate is named, never faked);
3. apply the **credential scope** of temporary credentials (``docs/aws-behaviour.md``,
   "Lab decisions" D6);
4. **validate** the input against the operation's shape in botocore's model
   (:mod:`iamlab.aws.validation`), before anything can change;
5. refuse any **parameter the lab does not emulate** for this operation
   (:mod:`iamlab.aws.parameters`: ``NotImplementedInLab``, never silently dropped);
6. run the **handler**, which authorizes (``call.authorize``) and answers;
7. **check the output** against the model (:mod:`iamlab.aws.output_shape`);
8. append the **trail row** (:func:`iamlab.aws.trail.row`).

A call completes or changes nothing (``docs/aws-behaviour.md``, "Lab decisions" D11):
steps 1-7 run inside an undo journal (:mod:`iamlab.aws.atomic`). A service error
undoes whatever the handler had changed; any other exception is a bug in iamlab: it
is undone too and answered with the service's internal error (HTTP 500) naming the
operation, and recorded in the trail (D12).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from iamlab.policy.errors import PolicyError

from . import atomic, bridge, trail
from .authn import authenticate, check_scope
from .errors import LabError
from .output_shape import check_output
from .parameters import check_supported
from .services import Call, handler_for, services, supported
from .validation import validate_input

if TYPE_CHECKING:
    from .credentials import Caller
    from .lab import Lab

logger = logging.getLogger("iamlab")

_QUERY_PROTOCOLS = ("query", "ec2")

# Each service's own error for a failure inside the service (HTTP 500).
INTERNAL_ERRORS = {
    # botocore's IAM model: ServiceFailureException, code ServiceFailure, HTTP 500
    "iam": "ServiceFailure",
    # Amazon S3 API Reference, "Error responses": InternalError, 500 Internal Server Error
    "s3": "InternalError",
    # Amazon EC2 API Reference, "Error codes for the Amazon EC2 API", server errors
    "ec2": "InternalError",
    # botocore's DynamoDB model: InternalServerError (HTTP 500)
    "dynamodb": "InternalServerError",
}
# AWS STS API Reference, "Common Errors": InternalFailure, HTTP 500 (the query APIs' own)
DEFAULT_INTERNAL_ERROR = "InternalFailure"


def internal_error(service: str, operation: str, exc: BaseException) -> LabError:
    """The service's internal error for a bug met while answering ``service:operation``."""
    code = INTERNAL_ERRORS.get(service, DEFAULT_INTERNAL_ERROR)
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return LabError(
        code,
        f"iamlab bug: {service}:{operation} failed inside the lab ({detail}). "
        "The call changed nothing. Please report it to the iamlab maintainers.",
        500,
    )


def dispatch(
    lab: Lab,
    model: Any,
    params: dict[str, Any],
    credentials: Any,
    region: str,
    signed: bool = True,
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Answer one botocore request: ``(status, parsed response, headers)``."""
    with lab._lock:
        return _dispatch(lab, model, params, credentials, region, signed)


def _dispatch(
    lab: Lab,
    model: Any,
    params: dict[str, Any],
    credentials: Any,
    region: str,
    signed: bool,
) -> tuple[int, dict[str, Any], dict[str, str]]:
    service = model.service_model.service_name
    operation = model.name
    now = lab.clock.now()
    request_id = lab.ids.request_id()
    counters = lab.ids.counters()
    caller: Caller | None = None
    call: Call | None = None
    error: LabError | None = None
    body: dict[str, Any]
    with atomic.journal() as journal:
        try:
            caller = authenticate(lab, service, credentials, signed, operation)
            handler = handler_for(service, operation)
            if handler is None:
                raise LabError("NotImplementedInLab", _not_emulated(service, operation), 501)
            check_scope(caller, service, operation)
            validate_input(model, params)
            check_supported(model, params)
            call = Call(lab, service, operation, params, caller, region, request_id)
            body = handler(call, params)
            check_output(model, body)
        except (LabError, PolicyError) as exc:
            error = exc if isinstance(exc, LabError) else _malformed(exc)
        except Exception as exc:
            logger.error("iamlab bug in %s:%s", service, operation, exc_info=exc)
            error = internal_error(service, operation, exc)
        except BaseException:  # KeyboardInterrupt in a notebook: undo, then let it through
            journal.rollback()
            _restore_counters(lab, counters)
            raise
        if error is not None:
            journal.rollback()
            _restore_counters(lab, counters)
    if error is not None:
        body = {"Error": {"Code": error.code, "Message": error.message}}
        if model.service_model.protocol in _QUERY_PROTOCOLS:
            body["Error"]["Type"] = "Sender" if error.status < 500 else "Receiver"
    lab._trail.append(trail.row(now, service, operation, caller, call, error))
    status = error.status if error is not None else 200
    headers = {
        "x-amzn-requestid": request_id,
        "date": bridge.http_date(lab),
        "content-type": "text/xml"
        if model.service_model.protocol != "json"
        else "application/x-amz-json-1.0",
    }
    if call is not None:
        headers.update(call.headers)
    body["ResponseMetadata"] = {
        "RequestId": request_id,
        "HTTPStatusCode": status,
        "HTTPHeaders": headers,
        "RetryAttempts": 0,
    }
    return status, body, headers


def _malformed(exc: PolicyError) -> LabError:
    return LabError("MalformedPolicyDocument", exc.message, 400)


def _restore_counters(lab: Lab, counters: dict[str, int]) -> None:
    """Ids handed out by an undone call are handed out again (the request id stays used)."""
    request = lab.ids.counters().get("request", 0)
    lab.ids.set_counters({**counters, "request": request})


def _not_emulated(service: str, operation: str) -> str:
    """The message for a call the lab has no handler for, naming what it does emulate."""
    ops = supported(service)
    if ops:
        return f"iamlab does not emulate {service}:{operation} (supported: {', '.join(ops)})"
    return (
        f"iamlab does not emulate the {service} service ({service}:{operation}); "
        f"emulated services: {', '.join(services())}"
    )
