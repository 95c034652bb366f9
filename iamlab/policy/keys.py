"""Condition keys and their data types, as data, and a check that each operator fits its key.

A condition operator compares values of one type: ``NumericLessThan`` numbers, ``DateLessThan``
dates, ``Bool`` booleans. A key has a type too (``aws:MultiFactorAuthAge`` is a number of
seconds), and an operator of another type is a mistake IAM's policy validator reports even when
the policy is accepted (a ``DateGreaterThan`` on ``aws:MultiFactorAuthAge`` reads the seconds as
a date in 1970).

Sources for the types:

* global keys: IAM User Guide, "AWS global condition context keys",
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
  (each key's "Data type");
* ``sts:`` keys: IAM User Guide, "Available keys for IAM and AWS STS",
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html;
* ``s3:``, ``ec2:``, ``dynamodb:``, ``iam:`` keys: Service Authorization Reference, each
  service's "Condition keys" table, https://docs.aws.amazon.com/service-authorization/latest/reference/;
* operator types: IAM User Guide, "IAM JSON policy elements: Condition operators",
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .conditions import OPERATORS

# key -> (data types, multivalued). Types: String, Numeric, Date, Bool, IP, ARN, Binary.
KEY_TYPES: dict[str, tuple[tuple[str, ...], bool]] = {
    # MFA and sessions
    "aws:MultiFactorAuthPresent": (("Bool",), False),
    "aws:MultiFactorAuthAge": (("Numeric",), False),
    "aws:TokenIssueTime": (("Date",), False),
    "aws:SourceIdentity": (("String",), False),
    "aws:FederatedProvider": (("String",), False),
    "aws:AssumedRoot": (("Bool",), False),
    # time and transport
    "aws:CurrentTime": (("Date",), False),
    "aws:EpochTime": (("Date", "Numeric"), False),
    "aws:SecureTransport": (("Bool",), False),
    # network
    "aws:SourceIp": (("IP",), False),
    "aws:VpcSourceIp": (("IP",), False),
    "aws:SourceVpc": (("String",), False),
    "aws:SourceVpce": (("String",), False),
    "aws:Ec2InstanceSourceVpc": (("String",), False),
    "aws:Ec2InstanceSourcePrivateIPv4": (("IP",), False),
    "aws:Referer": (("String",), False),
    "aws:UserAgent": (("String",), False),
    "aws:RequestedRegion": (("String",), False),
    # the principal
    "aws:PrincipalArn": (("ARN", "String"), False),
    "aws:PrincipalAccount": (("String",), False),
    "aws:PrincipalOrgID": (("String",), False),
    "aws:PrincipalOrgPaths": (("String",), True),
    "aws:PrincipalType": (("String",), False),
    "aws:PrincipalIsAWSService": (("Bool",), False),
    "aws:PrincipalServiceName": (("String",), False),
    "aws:PrincipalServiceNamesList": (("String",), True),
    "aws:username": (("String",), False),
    "aws:userid": (("String",), False),
    # the resource and the calling service
    "aws:ResourceAccount": (("String",), False),
    "aws:ResourceOrgID": (("String",), False),
    "aws:ResourceOrgPaths": (("String",), True),
    "aws:SourceArn": (("ARN", "String"), False),
    "aws:SourceAccount": (("String",), False),
    "aws:SourceOrgID": (("String",), False),
    "aws:SourceOrgPaths": (("String",), True),
    "aws:CalledVia": (("String",), True),
    "aws:CalledViaFirst": (("String",), False),
    "aws:CalledViaLast": (("String",), False),
    "aws:ViaAWSService": (("Bool",), False),
    "aws:TagKeys": (("String",), True),
    # STS (trust policies)
    "sts:ExternalId": (("String",), False),
    "sts:RoleSessionName": (("String",), False),
    "sts:SourceIdentity": (("String",), False),
    "sts:TransitiveTagKeys": (("String",), True),
    "sts:AWSServiceName": (("String",), True),
    # IAM
    "iam:PassedToService": (("String",), False),
    "iam:PolicyARN": (("ARN", "String"), False),
    "iam:PermissionsBoundary": (("String",), False),
    "iam:AWSServiceName": (("String",), False),
    "iam:OrganizationsPolicyId": (("String",), False),
    # S3
    "s3:prefix": (("String",), False),
    "s3:delimiter": (("String",), False),
    "s3:max-keys": (("Numeric",), False),
    "s3:x-amz-acl": (("String",), False),
    "s3:x-amz-server-side-encryption": (("String",), False),
    "s3:x-amz-content-sha256": (("String",), False),
    "s3:signatureAge": (("Numeric",), False),
    "s3:signatureversion": (("String",), False),
    "s3:authType": (("String",), False),
    "s3:TlsVersion": (("Numeric",), False),
    "s3:ResourceAccount": (("String",), False),
    "s3:VersionId": (("String",), False),
    "s3:locationconstraint": (("String",), False),
    "s3:object-lock-remaining-retention-days": (("Numeric",), False),
    # EC2 and DynamoDB
    "ec2:Region": (("String",), False),
    "ec2:InstanceType": (("String",), False),
    "dynamodb:LeadingKeys": (("String",), True),
    "dynamodb:Attributes": (("String",), True),
    "dynamodb:Select": (("String",), False),
    "dynamodb:ReturnValues": (("String",), False),
}

# key name prefixes whose keys are all strings (the tag keys)
PREFIX_TYPES: dict[str, tuple[str, ...]] = {
    "aws:PrincipalTag/": ("String",),
    "aws:RequestTag/": ("String",),
    "aws:ResourceTag/": ("String",),
    "iam:ResourceTag/": ("String",),
    "ec2:ResourceTag/": ("String",),
    "s3:ExistingObjectTag/": ("String",),
    "s3:RequestObjectTag/": ("String",),
}

# the engine's operator value types, in the words of the key catalogue
_OPERATOR_TYPES = {
    "string": "String",
    "numeric": "Numeric",
    "date": "Date",
    "bool": "Bool",
    "ip": "IP",
    "arn": "ARN",
    "binary": "Binary",
}
# an operator family a learner can use for each key type, for the feedback
FAMILY_EXAMPLES = {
    "String": "a String operator (StringEquals, StringLike...)",
    "Numeric": "a Numeric operator (NumericLessThan, NumericGreaterThan...)",
    "Date": "a Date operator (DateLessThan, DateGreaterThan...)",
    "Bool": "the Bool operator",
    "IP": "IpAddress or NotIpAddress",
    "ARN": "an ARN operator (ArnEquals, ArnLike...)",
    "Binary": "BinaryEquals",
}
_LOWER = {key.lower(): key for key in KEY_TYPES}


def key_types(key: str) -> tuple[str, ...] | None:
    """The data types of condition key ``key`` (case-insensitive), or None when unknown."""
    name = _LOWER.get(key.lower())
    if name is not None:
        return KEY_TYPES[name][0]
    for prefix, types in PREFIX_TYPES.items():
        if key.lower().startswith(prefix.lower()):
            return types
    return None


def operator_type(operator: str) -> str | None:
    """The value type an operator compares (``"Numeric"`` for ``NumericLessThanIfExists``);
    None for ``Null`` (any key) and for unknown operators."""
    base = operator.split(":", 1)[1] if ":" in operator else operator
    if base.endswith("IfExists"):
        base = base[: -len("IfExists")]
    spec = OPERATORS.get(base)
    if spec is None:
        return None
    return _OPERATOR_TYPES.get(spec[0])


@dataclass(frozen=True)
class Mismatch:
    """An operator whose type does not fit the key it compares."""

    statement: str  # "statement 2" or the statement's Sid
    operator: str
    key: str
    key_types: tuple[str, ...]
    operator_type: str

    def __str__(self) -> str:
        wanted = " or ".join(FAMILY_EXAMPLES[t] for t in self.key_types)
        return (
            f"{self.statement}: {self.operator} compares {self.operator_type} values, but "
            f"{self.key} is a {'/'.join(self.key_types)} key: use {wanted}"
        )


def _statements(document: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if hasattr(document, "document"):  # a parsed Policy
        document = document.document
    if isinstance(document, (str, bytes)):
        try:
            document = json.loads(document)
        except ValueError:
            return
    if not isinstance(document, Mapping):
        return
    statements = document.get("Statement")
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list):
        return
    for n, st in enumerate(statements, 1):
        if isinstance(st, Mapping):
            sid = st.get("Sid")
            yield (f'statement "{sid}"' if isinstance(sid, str) and sid else f"statement {n}"), st


def mismatches(document: Any) -> list[Mismatch]:
    """Every (operator, key) pair of a policy whose operator type does not fit the key's type.

    ``document`` is a dict, JSON text or parsed policy; unknown keys and operators, ``Null``
    and anything malformed are skipped (validation is :func:`~iamlab.policy.parse_policy`'s
    job). ARN keys accept String operators too, as AWS allows (it recommends ARN operators).
    """
    found = []
    for label, st in _statements(document):
        condition = st.get("Condition")
        if not isinstance(condition, Mapping):
            continue
        for operator, block in condition.items():
            op_type = operator_type(str(operator))
            if op_type is None or not isinstance(block, Mapping):
                continue
            for key in block:
                types = key_types(str(key))
                if types is not None and op_type not in types:
                    found.append(Mismatch(label, str(operator), str(key), types, op_type))
    return found
