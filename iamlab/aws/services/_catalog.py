"""Service metadata as data: error codes, messages and ARN formats per service.

Everything a handler needs to sound like the real service lives here, so a new
service module only adds a row. Message templates use ``str.format`` fields:
``{principal}``, ``{action}``, ``{resource}``, ``{because}``.

Sources: docs/aws-behaviour.md, "STS" and "Service errors" (denials), botocore models
(codes), and the services' documented authentication errors. Entries marked BELIEVED in comments
were not found in a source.
"""

from __future__ import annotations

from typing import TypedDict


class ErrorSpec(TypedDict):
    """An error code with its HTTP status and message template."""

    code: str
    status: int
    message: str


class ServiceSpec(TypedDict):
    """What a service module needs to know about its service."""

    denied: ErrorSpec  # authorization failure
    unknown_key: ErrorSpec  # access key id not found (or inactive)
    bad_signature: ErrorSpec  # right key id, wrong secret
    expired: ErrorSpec  # temporary credentials past their expiration
    invalid: str  # code of the input-validation error (iamlab.aws.validation)
    arn: dict[str, str]  # resource type -> ARN template


_TOKEN_INVALID = "The security token included in the request is invalid."
_SIG = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
_DENIED = (
    "User: {principal} is not authorized to perform: {action} on resource: {resource} {because}"
)

SERVICES: dict[str, ServiceSpec] = {
    "sts": {
        "denied": {"code": "AccessDenied", "status": 403, "message": _DENIED},
        "unknown_key": {"code": "InvalidClientTokenId", "status": 403, "message": _TOKEN_INVALID},
        "bad_signature": {"code": "SignatureDoesNotMatch", "status": 403, "message": _SIG},
        "expired": {
            "code": "ExpiredToken",
            "status": 403,
            "message": "The security token included in the request is expired",
        },
        "invalid": "ValidationError",
        "arn": {
            "assumed-role": "arn:aws:sts::{account}:assumed-role/{role}/{session}",
            "federated-user": "arn:aws:sts::{account}:federated-user/{name}",
        },
    },
    "iam": {
        "denied": {"code": "AccessDenied", "status": 403, "message": _DENIED},
        "unknown_key": {"code": "InvalidClientTokenId", "status": 403, "message": _TOKEN_INVALID},
        "bad_signature": {"code": "SignatureDoesNotMatch", "status": 403, "message": _SIG},
        "expired": {
            "code": "ExpiredToken",
            "status": 403,
            "message": "The security token included in the request is expired",
        },
        "invalid": "ValidationError",
        "arn": {
            "root": "arn:aws:iam::{account}:root",
            "user": "arn:aws:iam::{account}:user{path}{name}",
            "group": "arn:aws:iam::{account}:group{path}{name}",
            "role": "arn:aws:iam::{account}:role{path}{name}",
            "policy": "arn:aws:iam::{account}:policy{path}{name}",
            "mfa": "arn:aws:iam::{account}:mfa{path}{name}",
            "oidc-provider": "arn:aws:iam::{account}:oidc-provider/{name}",
            "saml-provider": "arn:aws:iam::{account}:saml-provider/{name}",
        },
    },
    "s3": {
        # Same-account form (docs/aws-behaviour.md, "Service errors"): resource ARN in
        # double quotes. Observed messages keep "on resource:"
        # ('... s3:PutObject on resource: "arn:aws:s3:::b/k" because ...').
        "denied": {
            "code": "AccessDenied",
            "status": 403,
            "message": "User: {principal} is not authorized to perform: {action} "
            'on resource: "{resource}" {because}',
        },
        "unknown_key": {
            "code": "InvalidAccessKeyId",
            "status": 403,
            "message": "The AWS Access Key Id you provided does not exist in our records.",
        },
        "bad_signature": {
            "code": "SignatureDoesNotMatch",
            "status": 403,
            "message": "The request signature we calculated does not match the signature you "
            "provided. Check your key and signing method.",
        },
        "expired": {
            "code": "ExpiredToken",
            "status": 400,
            "message": "The provided token has expired.",
        },
        "invalid": "InvalidArgument",
        "arn": {
            "bucket": "arn:aws:s3:::{bucket}",
            "object": "arn:aws:s3:::{bucket}/{key}",
        },
    },
    "ec2": {
        "denied": {
            "code": "UnauthorizedOperation",
            "status": 403,
            "message": "You are not authorized to perform this operation. " + _DENIED,
        },
        # BELIEVED: EC2 answers unknown keys and bad signatures with AuthFailure.
        "unknown_key": {
            "code": "AuthFailure",
            "status": 401,
            "message": "AWS was not able to validate the provided access credentials",
        },
        "bad_signature": {
            "code": "AuthFailure",
            "status": 401,
            "message": "AWS was not able to validate the provided access credentials",
        },
        "expired": {
            "code": "RequestExpired",
            "status": 400,
            "message": "Request has expired.",
        },
        "invalid": "InvalidParameterValue",
        "arn": {"instance": "arn:aws:ec2:{region}:{account}:instance/{id}"},
    },
    "dynamodb": {
        "denied": {"code": "AccessDeniedException", "status": 400, "message": _DENIED},
        "unknown_key": {
            "code": "UnrecognizedClientException",
            "status": 400,
            "message": _TOKEN_INVALID,
        },
        "bad_signature": {"code": "InvalidSignatureException", "status": 400, "message": _SIG},
        "expired": {
            "code": "ExpiredTokenException",
            "status": 400,
            "message": "The security token included in the request is expired",
        },
        "invalid": "ValidationException",
        "arn": {"table": "arn:aws:dynamodb:{region}:{account}:table/{name}"},
    },
}

# Services whose resources and endpoints are global (region is not part of ARNs).
GLOBAL_SERVICES = frozenset({"iam", "sts"})


def spec(service: str) -> ServiceSpec:
    """The metadata of ``service``; unknown services borrow IAM's generic errors."""
    return SERVICES.get(service, SERVICES["iam"])
