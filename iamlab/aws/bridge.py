"""The boto3 bridge: real boto3 sessions whose calls are answered in-process.

Each lab session is a real ``boto3.Session`` over its own botocore session; the
botocore sessions share one data loader (service models are parsed once per
process) and ignore the learner's environment and ``~/.aws`` files. Two event
handlers are registered:

* ``before-parameter-build.*`` (last) keeps the learner's parameters;
* ``before-call.*`` (first) runs after botocore has validated and serialized the
  parameters and answers the call by returning ``(http_response, parsed)``,
  which makes botocore skip signing and sending (``BaseClient._make_api_call``).
  A parsed response with an ``Error`` key and a status >= 300 makes botocore raise
  the same ``ClientError`` (or modeled subclass) a real service would.

No socket is ever opened: endpoint resolution is pure computation and the
HTTP send is never reached.
"""

from __future__ import annotations

import copy
from email.utils import format_datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
from botocore import configprovider
from botocore.awsrequest import AWSResponse
from botocore.loaders import create_loader

if TYPE_CHECKING:
    from .lab import Lab

DEFAULT_REGION = "us-east-1"
_PARAMS_KEY = "iamlab_params"


class _DedupPaths(list):
    """boto3 appends its data path to the loader on every Session; keep one copy."""

    def append(self, item: Any) -> None:
        if item not in self:
            super().append(item)


@lru_cache(maxsize=1)
def shared_loader() -> Any:
    """One botocore data loader for every lab session in the process (models are immutable)."""
    loader = create_loader()
    loader._search_paths = _DedupPaths(loader.search_paths)
    return loader


@lru_cache(maxsize=1)
def _shared_endpoint_resolver() -> Any:
    loader = shared_loader()
    endpoints, path = loader.load_data_with_path("endpoints")
    from botocore.regions import EndpointResolver

    return EndpointResolver(endpoints, uses_builtin_data=loader.is_builtin_path(path))


@lru_cache(maxsize=1)
def _shared_exceptions_factory() -> Any:
    from botocore.errorfactory import ClientExceptionsFactory

    return ClientExceptionsFactory()


@lru_cache(maxsize=1)
def _builtin_emitter() -> Any:
    """botocore's built-in handlers, registered once; each session gets a copy."""
    return botocore.session.Session()._original_handler


class IsolatedBotocoreSession(botocore.session.Session):
    """A botocore session that reads no environment variables and no ``~/.aws`` files.

    It starts from a copy of a pre-built emitter holding botocore's built-in
    handlers (registering them anew costs ~5 ms per session).
    """

    def __init__(self) -> None:
        super().__init__(event_hooks=copy.copy(_builtin_emitter()), include_builtin_handlers=False)

    def _register_data_loader(self) -> None:
        self._components.register_component("data_loader", shared_loader())

    def _register_endpoint_resolver(self) -> None:
        self._internal_components.register_component(
            "endpoint_resolver", _shared_endpoint_resolver()
        )

    def _register_exceptions_factory(self) -> None:
        self._internal_components.register_component(
            "exceptions_factory", _shared_exceptions_factory()
        )

    def _register_config_store(self) -> None:
        factory = configprovider.ConfigChainFactory(session=self, environ={})
        chain = configprovider._create_config_chain_mapping
        mapping = chain(factory, configprovider.BOTOCORE_DEFAUT_SESSION_VARIABLES)
        mapping["s3"] = configprovider.SectionConfigProvider(
            "s3", self, chain(factory, configprovider.DEFAULT_S3_CONFIG_VARS)
        )
        mapping["proxies_config"] = configprovider.SectionConfigProvider(
            "proxies_config", self, chain(factory, configprovider.DEFAULT_PROXIES_CONFIG_VARS)
        )
        self._session_instance_vars["config_file"] = "/nonexistent/iamlab/config"
        self._session_instance_vars["credentials_file"] = "/nonexistent/iamlab/credentials"
        self._components.register_component(
            "config_store", configprovider.ConfigValueStore(mapping=mapping)
        )


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
    def answer(
        model: Any, params: dict, request_signer: Any, context: dict, **kwargs: Any
    ) -> tuple[AWSResponse, dict]:
        credentials = getattr(request_signer, "_credentials", None)
        frozen = credentials.get_frozen_credentials() if credentials is not None else None
        status, parsed, headers = lab._dispatch(
            model,
            context.get(_PARAMS_KEY, {}),
            frozen,
            context.get("client_region") or DEFAULT_REGION,
            signed=context.get("auth_type") != "none",
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
    bs = IsolatedBotocoreSession()
    events = bs.get_component("event_emitter")
    events.register_last("before-parameter-build", _keep_params)
    events.register_first("before-call", _answerer(lab))
    if access_key_id is None:
        from botocore.credentials import Credentials

        bs._credentials = Credentials("ANONYMOUS", "", None)  # never resolve a credential chain
        return boto3.Session(botocore_session=bs, region_name=region)
    return boto3.Session(
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        aws_session_token=session_token,
        region_name=region,
        botocore_session=bs,
    )
