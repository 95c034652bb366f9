"""Service handlers: how the lab answers each AWS API operation.

Adding a service (S3, EC2, DynamoDB, ...) means adding one module here and one row
per operation to ``_parameters.HONOURED`` (the parameters the handler honours);
nothing else needs to change. Every module in this package whose name does not
start with ``_`` is imported on first use, and its ``@operation`` functions are
registered.

Writing a handler
-----------------

.. code-block:: python

    # iamlab/aws/services/s3.py
    from iamlab.aws.services import Call, operation

    @operation("s3", "PutObject")          # botocore service name, model operation name
    def put_object(call: Call, params: dict) -> dict:
        bucket = call.lab.find_bucket(...)  # your own state, see "State" below
        arn = f"arn:aws:s3:::{params['Bucket']}/{params['Key']}"
        call.authorize("s3:PutObject", arn, resource_policy=bucket_policy,
                       resource_account=owner_account)
        ...
        return {"ETag": '"..."'}            # the parsed output shape, as boto3 returns it

What the lab does around your handler
-------------------------------------

* ``params`` are the learner's keyword arguments, after botocore's own
  ``before-parameter-build`` customisations. The botocore client has checked only
  that required members are present, that types are right and that values are not
  below their minimum.
* The caller is **authenticated** before your handler runs (unknown key, wrong
  secret, expired token, credentials of a deleted user or role all fail with the
  service's own codes from ``_catalog``; an unsigned request is the anonymous caller
  for S3 and refused elsewhere), and the credential-scope rules of
  ``docs/aws-behaviour.md`` (D6) are applied (GetSessionToken credentials without
  MFA cannot call IAM, and so on).
* The input is **validated** against every constraint of the operation's model
  (maximum lengths, patterns, enums, numeric ranges, list lengths) by
  :mod:`iamlab.aws.validation`, with the service's own validation error; keep only
  the service's rules that the model does not state.
* A parameter your handler does **not honour is refused** before it runs
  (:mod:`iamlab.aws.parameters`: ``NotImplementedInLab``, HTTP 501, naming the
  parameter, the operation and the supported ones). The list is data,
  ``_parameters.HONOURED``: list a member only if your handler's answer or state
  depends on it the way AWS's does (``Path``, ``MaxItems``/``Marker``, ``Tags`` that
  are stored and returned...). Members botocore fills in by itself (idempotency
  tokens, S3 checksum members) are always accepted.
* The call is **atomic**: raise ``call.error(...)`` (or let any exception escape) at
  any point and whatever the handler changed is undone (:mod:`iamlab.aws.atomic`).
  An exception that is not a ``LabError`` is a bug: the learner gets the service's
  internal error (HTTP 500, "iamlab bug: ...") and the trail records it. Validate
  before you change state anyway: it keeps handlers easy to read.
* The lab answers **one call at a time** (a lock around the pipeline), so a handler
  never sees another call's half-made changes.
* Your return value is **checked against the operation's output shape** (types,
  required members); a mismatch is a bug in the handler (an internal error).
  Return timestamps as aware ``datetime`` (``call.now``), blobs as ``bytes``,
  streaming bodies as ``botocore.response.StreamingBody`` (see ``streaming_body``).
  Do not add ``ResponseMetadata``: the bridge does.
* Every call becomes one row of ``lab.trail()``; ``call.authorize`` records the
  decision, ``call.note = "..."`` sets the reason when no policy decides.
* Operations without a handler raise ``NotImplementedInLab`` naming the service,
  the operation and the supported ones: the lab never pretends.

The ``Call`` object
-------------------

``call.lab``            the :class:`~iamlab.aws.lab.Lab` (clock, ids, accounts)
``call.caller``         :class:`~iamlab.aws.credentials.Caller`: ``.arn`` (session ARN
                        for roles), ``.principal_arn``, ``.account``, ``.kind``
                        (root/user/role/federated/anonymous), ``.label`` (how it
                        authenticated: "long-term", "GetSessionToken+MFA", ...)
``call.params``         the request parameters (also passed as the 2nd argument)
``call.region``         the client's region (``us-east-1`` by default)
``call.now``            virtual time (aware UTC datetime)
``call.account_state(account_id=None)``  an :class:`~iamlab.aws.state.AccountState`
                        (default: the caller's account)
``call.context()``      the caller's request context (global condition keys);
                        copy it and add service keys (``s3:prefix``...) then pass
                        it as ``context=`` to ``authorize``
``call.authorize(action, resource_arn, resource_policy=None, resource_account=None,
                 context=None)``
                        evaluates with the caller's identity policies, permissions
                        boundary and session policies plus ``resource_policy``
                        (pass a parsed ``Policy``: parse once when it is stored, with
                        :func:`iamlab.aws.authz.parse` and ``kind="resource"``).
                        ``resource_account`` defaults to the ARN's account, else the
                        caller's (give it for S3, whose ARNs have no account).
                        Denied -> raises the service's denial from ``_catalog``
                        (iam/sts/s3 ``AccessDenied`` 403, ec2 ``UnauthorizedOperation``
                        403, dynamodb ``AccessDeniedException`` 400) with the message
                        "User: <caller> is not authorized to perform: <action> on
                        resource: <arn> because ...".  Allowed -> returns the Decision.
``call.deny(action, resource, because)``  the same denial without a policy decision
``call.error(code, message, status=400)``  raise any service error, e.g.
                        ``call.error("NoSuchBucket", "The specified bucket does not exist", 404)``
``call.headers``        extra HTTP response headers (dict) if the service needs them

State
-----

Keep per-account service state in ``call.account_state(acct).extension("s3")``,
a dict created on first use and cleared by ``lab.reset()``. Use ``call.lab.ids``
for deterministic ids and ``call.now`` for times; never wall time or ``random``.
Reach state only through the account (``acct.users``, ``acct.extension(...)``, ...)
during the call, never through references kept from an earlier call: that is how
the undo journal knows what to save. Code that only reads may use
``acct.raw("roles")`` and saves the journal a copy.

Metadata
--------

``_catalog.SERVICES[service]`` holds, as data, the service's denial and
authentication error codes/messages and its ARN templates. Add a row for a new
service rather than writing codes into handlers.
"""

from __future__ import annotations

import io

from botocore.response import StreamingBody

from ._call import Authorization, Call
from ._catalog import SERVICES, spec
from ._registry import handler_for, load_all, operation, services, supported

__all__ = [
    "SERVICES",
    "Authorization",
    "Call",
    "handler_for",
    "load_all",
    "operation",
    "services",
    "spec",
    "streaming_body",
    "supported",
]


def streaming_body(data: bytes) -> StreamingBody:
    """A botocore ``StreamingBody`` over ``data`` (for outputs such as S3 ``Body``)."""
    return StreamingBody(io.BytesIO(data), len(data))
