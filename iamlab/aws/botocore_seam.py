"""The one place iamlab relies on how botocore works inside.

Every assumption the lab makes about botocore (beyond calling clients) lives here,
each through a public mechanism:

* ``isolated_session``: a ``botocore.session.Session`` that reads no environment
  variable and no ``~/.aws`` file (the config store is rebuilt with public
  ``ConfigChainFactory(environ={})`` chains for ``Session.SESSION_VARIABLES``);
  that shares one data loader (``Session.register_component``) and one copy of
  botocore's built-in event handlers (``copy.copy`` of the ``event_emitter``
  component) across the process, because building them costs milliseconds; whose
  clients use a fixed user agent (``set_default_client_config``), which skips
  botocore's per-call user-agent assembly.
* ``answer_calls``: handlers on the public ``before-parameter-build`` and
  ``before-call`` events; a ``before-call`` handler that returns
  ``(http_response, parsed)`` answers the call, which botocore's own ``Stubber``
  relies on.
* ``signing_credentials``: the credentials a client would sign with, from the public
  ``RequestSigner.get_auth_instance`` (the signer's ``.credentials``).
* ``is_signed``: whether botocore would sign the call at all: not for a client made with
  ``Config(signature_version=botocore.UNSIGNED)`` (the public ``RequestSigner.signature_version``),
  nor for AssumeRoleWithWebIdentity and AssumeRoleWithSAML (the request context's
  ``auth_type`` in recent botocore, and the answer of botocore's own ``choose-signer``
  event handlers, once per operation, in any).
* ``dedupe_search_paths``: boto3 appends its data directory to the loader's public
  ``search_paths`` list on every ``boto3.Session``; with a shared loader the list
  would grow without end.

:func:`check` verifies each assumption against the installed botocore and returns a
list of plain-language problems; ``tests/aws/test_botocore_seam.py`` fails with them.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

import botocore
import botocore.session
from botocore import configprovider
from botocore.config import Config
from botocore.loaders import create_loader

USER_AGENT = "iamlab"
_NOWHERE = "/nonexistent/iamlab/"
_lock = threading.Lock()


@lru_cache(maxsize=1)
def shared_loader() -> Any:
    """One botocore data loader for every lab session (service models are parsed once)."""
    return create_loader()


@lru_cache(maxsize=1)
def _builtin_emitter() -> Any:
    """botocore's built-in event handlers, registered once; each session gets a copy."""
    return botocore.session.Session().get_component("event_emitter")


def _config_store(session: botocore.session.Session) -> Any:
    """botocore's configuration chains, with an empty environment and no config files."""
    factory = configprovider.ConfigChainFactory(session=session, environ={})
    mapping: dict[str, Any] = {}
    for name, (config_names, env_names, default, convert) in session.SESSION_VARIABLES.items():
        if name in ("config_file", "credentials_file"):
            default = _NOWHERE + name
        if name == "ignore_configured_endpoint_urls":
            default = True
        mapping[name] = factory.create_config_chain(
            instance_name=name,
            env_var_names=env_names,
            config_property_names=config_names,
            default=default,
            conversion_func=convert,
        )
    return configprovider.ConfigValueStore(mapping=mapping)


def isolated_session() -> botocore.session.Session:
    """A botocore session cut off from the learner's environment and ``~/.aws`` files."""
    bs = botocore.session.Session(
        event_hooks=copy.copy(_builtin_emitter()), include_builtin_handlers=False
    )
    bs.register_component("config_store", _config_store(bs))
    bs.register_component("data_loader", shared_loader())
    bs.set_default_client_config(Config(user_agent=USER_AGENT))
    return bs


def set_anonymous(bs: botocore.session.Session) -> None:
    """Give a session placeholder credentials so botocore never runs its credential chain
    (the lab answers such calls as unsigned or ``MissingAuthenticationToken``)."""
    bs.set_credentials("ANONYMOUS", "")


def answer_calls(
    bs: botocore.session.Session,
    keep_params: Callable[..., None],
    answer: Callable[..., Any],
) -> None:
    """Register the two handlers that let the lab answer every call of ``bs``'s clients.

    ``keep_params(params, context)`` runs last on ``before-parameter-build`` (the
    learner's parameters after botocore's customisations); ``answer(model, params,
    request_signer, context)`` runs first on ``before-call`` and returns
    ``(AWSResponse, parsed)``, so nothing is signed or sent.
    """
    events = bs.get_component("event_emitter")
    events.register_last("before-parameter-build", keep_params)
    events.register_first("before-call", answer)


def signing_credentials(request_signer: Any, region: str) -> Any:
    """The frozen credentials ``request_signer`` would sign with (None when it has none)."""
    auth = request_signer.get_auth_instance("sts", region, "v4")
    return getattr(auth, "credentials", None)


@cache
def _unsigned_operation(service_id: str, operation: str, signing_name: str) -> bool:
    """Whether botocore's built-in ``choose-signer`` handlers disable signing for it."""
    _, response = _builtin_emitter().emit_until_response(
        f"choose-signer.{service_id}.{operation}",
        signing_name=signing_name,
        region_name="us-east-1",
        signature_version="v4",
        context={},
    )
    return response is botocore.UNSIGNED


def is_signed(model: Any, context: dict, request_signer: Any = None) -> bool:
    """Whether botocore would sign this call (``model``: the operation model; the
    ``request_signer`` of the client, whose configuration may turn signing off)."""
    if getattr(request_signer, "signature_version", None) is botocore.UNSIGNED:
        return False  # Config(signature_version=botocore.UNSIGNED)
    if context.get("auth_type") == "none":  # recent botocore resolves it from the model
        return False
    service = model.service_model
    return not _unsigned_operation(service.service_id.hyphenize(), model.name, service.signing_name)


def dedupe_search_paths(loader: Any) -> None:
    """Remove the duplicate data directories boto3 appends on every ``boto3.Session``."""
    paths = loader.search_paths
    unique = list(dict.fromkeys(paths))
    if len(unique) != len(paths):
        paths[:] = unique


def new_boto3_session(make: Callable[[], Any]) -> Any:
    """Run ``make()`` (which builds a ``boto3.Session`` over a shared-loader botocore session)
    under a lock, then tidy the shared loader's search paths."""
    with _lock:
        session = make()
        dedupe_search_paths(shared_loader())
    return session


# ---- contract ------------------------------------------------------------------------
def check() -> list[str]:
    """Every assumption above, tried against the installed botocore: the problems found.

    An empty list means this botocore works with iamlab; each entry names the
    assumption that failed and what to change in this module.
    """
    problems: list[str] = []
    version = f"botocore {botocore.__version__}"

    def fail(what: str, exc: BaseException | None = None) -> None:
        detail = f" ({type(exc).__name__}: {exc})" if exc is not None else ""
        problems.append(f"{version}: {what}{detail}")

    try:
        bs = isolated_session()
    except Exception as exc:
        fail("isolated_session() cannot build a botocore session", exc)
        return problems

    # 1. the session variables keep botocore's (config, env, default, convert) shape
    for name, spec in bs.SESSION_VARIABLES.items():
        if not (isinstance(spec, tuple) and len(spec) == 4):
            fail(f"Session.SESSION_VARIABLES[{name!r}] is not a 4-tuple")
            break
    try:
        if bs.get_config_variable("config_file") != _NOWHERE + "config_file":
            fail("the config store ignores the config_file default set by _config_store()")
    except Exception as exc:
        fail("get_config_variable('config_file') failed on the rebuilt config store", exc)

    # 2. the emitter copy is independent of the shared built-in one
    probe_hits: list[str] = []

    def probe(**kwargs: Any) -> None:
        probe_hits.append("hit")

    try:
        bs.get_component("event_emitter").register("iamlab-probe", probe)
        _builtin_emitter().emit("iamlab-probe")
        if probe_hits:
            fail(
                "copy.copy(event_emitter) shares handlers with the original: registering "
                "on one session would affect every session"
            )
    except Exception as exc:
        fail("the event_emitter component cannot be copied and used", exc)

    # 3. the data loader component is the shared one, and search_paths is a mutable list
    try:
        if bs.get_component("data_loader") is not shared_loader():
            fail("register_component('data_loader', ...) did not replace the loader")
        if not isinstance(shared_loader().search_paths, list):
            fail("Loader.search_paths is no longer a list that boto3 appends to")
    except Exception as exc:
        fail("the data_loader component is not usable", exc)

    # 4. signing credentials are reachable through the public signer API
    try:
        from botocore.credentials import Credentials
        from botocore.signers import RequestSigner

        creds = Credentials("AKIAPROBE", "secret", "token")
        signer = RequestSigner(
            "sts", "us-east-1", "sts", "v4", creds, bs.get_component("event_emitter")
        )
        got = signing_credentials(signer, "us-east-1")
        if got is None or (got.access_key, got.secret_key, got.token) != (
            "AKIAPROBE",
            "secret",
            "token",
        ):
            fail("RequestSigner.get_auth_instance(...).credentials does not return the keys")
    except Exception as exc:
        fail("RequestSigner.get_auth_instance cannot give the signing credentials", exc)

    # 5. unsigned operations are recognised
    try:
        sts = bs.get_service_model("sts")
        for name, signed in (("AssumeRoleWithWebIdentity", False), ("GetCallerIdentity", True)):
            model = sts.operation_model(name)
            resolved = getattr(model, "resolved_auth_type", model.auth_type)
            contexts: tuple[dict, ...] = ({"auth_type": resolved}, {"auth_type": "v4"}, {})
            if any(is_signed(model, context) is not signed for context in contexts):
                would = "sign" if signed else "not sign"
                fail(f"is_signed() gets sts:{name} wrong (botocore would {would} it)")
    except Exception as exc:
        fail("is_signed() cannot tell unsigned operations", exc)

    # 5b. a client configured with signature_version=UNSIGNED is recognised
    try:
        from botocore.credentials import Credentials
        from botocore.signers import RequestSigner

        creds = Credentials("AKIAPROBE", "secret")
        events = bs.get_component("event_emitter")
        unsigned = RequestSigner("sts", "us-east-1", "sts", botocore.UNSIGNED, creds, events)
        signed = RequestSigner("sts", "us-east-1", "sts", "v4", creds, events)
        model = bs.get_service_model("sts").operation_model("GetCallerIdentity")
        if is_signed(model, {}, unsigned) or not is_signed(model, {}, signed):
            fail("is_signed() does not see Config(signature_version=UNSIGNED) on the signer")
    except Exception as exc:
        fail("RequestSigner.signature_version cannot tell an unsigned client", exc)

    # 6. a before-call answer is what the client returns, with the kept parameters and
    #    the signing credentials available to it
    seen: dict[str, Any] = {}

    def keep(params: dict, context: dict, **kwargs: Any) -> None:
        context["iamlab_probe_params"] = params

    def answer(model: Any, params: dict, request_signer: Any, context: dict, **kwargs: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        seen["params"] = context.get("iamlab_probe_params")
        seen["credentials"] = signing_credentials(request_signer, "us-east-1")
        seen["operation"] = model.name
        parsed = {"UserId": "u", "Account": "111111111111", "Arn": "a"}
        return AWSResponse("https://probe", 200, {}, None), parsed

    try:
        answer_calls(bs, keep, answer)
        client = bs.create_client(
            "sts", region_name="us-east-1", aws_access_key_id="AKIAPROBE", aws_secret_access_key="b"
        )
        result = client.get_caller_identity()
        if result.get("Account") != "111111111111":
            fail("the parsed response of a before-call handler is not returned to the caller")
        if seen.get("operation") != "GetCallerIdentity" or seen.get("params") != {}:
            fail("before-parameter-build did not hand the parameters to before-call")
        creds = seen.get("credentials")
        if creds is None or creds.access_key != "AKIAPROBE":
            fail("the before-call handler cannot see the client's signing credentials")
    except Exception as exc:
        fail("answering a call from a before-call handler does not work", exc)
    return problems
