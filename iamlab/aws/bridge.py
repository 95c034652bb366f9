"""The boto3 bridge: real boto3 sessions whose calls are answered in-process.

Each lab session is a real ``boto3.Session`` over its own botocore session; the
botocore sessions share one data loader (service models are parsed once per
process) and ignore the learner's environment and ``~/.aws`` files. Two event
handlers are registered (:func:`iamlab.aws.botocore_seam.answer_calls`):

* ``before-parameter-build.*`` (last) keeps the learner's parameters;
* ``before-call.*`` (first) runs after botocore has validated and serialized the
  parameters and answers the call by returning ``(http_response, parsed)``,
  which makes botocore skip signing and sending (botocore's ``Stubber`` works the
  same way). A parsed response with an ``Error`` key and a status >= 300 makes
  botocore raise the same ``ClientError`` (or modeled subclass) a real service would.

No socket is ever opened: endpoint resolution is pure computation and the
HTTP send is never reached. Everything that depends on botocore's inner workings
is in :mod:`iamlab.aws.botocore_seam`.
"""

from __future__ import annotations

from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

import boto3
from botocore.awsrequest import AWSResponse

from . import botocore_seam as seam

if TYPE_CHECKING:
    from .lab import Lab

DEFAULT_REGION = "us-east-1"
_PARAMS_KEY = "iamlab_params"


class _EmptyRaw:
    """The raw body of a lab HTTP response (parsed data is returned directly)."""

    def stream(self, **kwargs: Any) -> Any:
        yield b""


def http_response(url: str, status: int, headers: dict[str, str]) -> AWSResponse:
    """A botocore ``AWSResponse`` with no body."""
    return AWSResponse(url, status, headers, _EmptyRaw())


def http_date(lab: Lab) -> str:
    """The ``Date`` header at virtual time."""
    return format_datetime(lab.clock.now(), usegmt=True)


def _keep_params(params: dict, context: dict, **kwargs: Any) -> None:
    context[_PARAMS_KEY] = params


def _answerer(lab: Lab) -> Any:
    from .pipeline import dispatch

    def answer(
        model: Any, params: dict, request_signer: Any, context: dict, **kwargs: Any
    ) -> tuple[AWSResponse, dict]:
        region = context.get("client_region") or DEFAULT_REGION
        status, parsed, headers = dispatch(
            lab,
            model,
            context.get(_PARAMS_KEY, {}),
            seam.signing_credentials(request_signer, region),
            region,
            signed=seam.is_signed(model, context, request_signer),
        )
        return http_response(params.get("url", ""), status, headers), parsed

    return answer


def make_session(
    lab: Lab,
    access_key_id: str | None,
    secret_access_key: str | None,
    session_token: str | None = None,
    region: str = DEFAULT_REGION,
) -> boto3.Session:
    """A real ``boto3.Session`` whose every call is answered by ``lab``."""

    def make() -> boto3.Session:
        bs = seam.isolated_session()
        seam.answer_calls(bs, _keep_params, _answerer(lab))
        if access_key_id is None:
            seam.set_anonymous(bs)  # never resolve a credential chain
            return boto3.Session(botocore_session=bs, region_name=region)
        return boto3.Session(
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            aws_session_token=session_token,
            region_name=region,
            botocore_session=bs,
        )

    return seam.new_boto3_session(make)
