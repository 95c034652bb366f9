"""Which request parameters each emulated operation honours, as data.

``HONOURED[service][Operation]`` lists the input members (botocore model spelling) whose
effect the handler reproduces the way AWS would: the handler's answer or the lab's state
depends on them. ``Member.Sub`` names one member of a structure when the lab honours only
part of it (``CreateBucketConfiguration.LocationConstraint``). A request that carries any
other member is refused with ``NotImplementedInLab`` (HTTP 501) naming the parameter, the
operation and the supported ones (:mod:`iamlab.aws.parameters`): the lab never accepts a
parameter and quietly drops it.

Members that botocore fills in by itself on a plain call are accepted without being
listed; the lab reads them from the operation's model (idempotency tokens such as EC2's
``ClientToken``, and the checksum members of S3 operations, ``ChecksumAlgorithm`` and
``ChecksumMode``). They protect a retried or transferred request, and the lab neither
retries nor transfers (docs/aws-behaviour.md, "Service errors").

``NOTES`` names the AWS feature behind a refused parameter, shown in the error: keys are
``service:Member`` or ``service:Operation.Member`` (the more specific wins) and may use
``*`` as a wildcard.

When you add a handler, add its row: ``tests/aws/test_parameters.py`` fails for any
emulated operation without one, and for any listed name that is not in the model.
"""

from __future__ import annotations

_KINDS = ("User", "Group", "Role")

HONOURED: dict[str, dict[str, tuple[str, ...]]] = {
    "sts": {
        "AssumeRole": (
            "RoleArn",
            "RoleSessionName",
            "PolicyArns",
            "Policy",
            "DurationSeconds",
            "ExternalId",
            "SerialNumber",
            "TokenCode",
            "SourceIdentity",
            "MinimumSessionTokenSize",
        ),
        "AssumeRoleWithSAML": (
            "RoleArn",
            "PrincipalArn",
            "SAMLAssertion",
            "PolicyArns",
            "Policy",
            "DurationSeconds",
            "MinimumSessionTokenSize",
        ),
        "AssumeRoleWithWebIdentity": (
            "RoleArn",
            "RoleSessionName",
            "WebIdentityToken",
            "PolicyArns",
            "Policy",
            "DurationSeconds",
            "MinimumSessionTokenSize",
        ),
        "GetCallerIdentity": (),
        "GetFederationToken": (
            "Name",
            "Policy",
            "PolicyArns",
            "DurationSeconds",
            "MinimumSessionTokenSize",
        ),
        "GetSessionToken": (
            "DurationSeconds",
            "SerialNumber",
            "TokenCode",
            "MinimumSessionTokenSize",
        ),
    },
    "iam": {
        # users, groups, access keys, account
        "CreateUser": ("Path", "UserName", "PermissionsBoundary", "Tags"),
        "GetUser": ("UserName",),
        "ListUsers": ("PathPrefix", "Marker", "MaxItems"),
        "DeleteUser": ("UserName",),
        # The lab keeps no console passwords: it records that the user set one.
        # (docs/aws-behaviour.md, "Not emulated": console sign-in.)
        "ChangePassword": ("OldPassword", "NewPassword"),
        "CreateGroup": ("Path", "GroupName"),
        "GetGroup": ("GroupName", "Marker", "MaxItems"),
        "ListGroups": ("PathPrefix", "Marker", "MaxItems"),
        "DeleteGroup": ("GroupName",),
        "AddUserToGroup": ("GroupName", "UserName"),
        "RemoveUserFromGroup": ("GroupName", "UserName"),
        "ListGroupsForUser": ("UserName", "Marker", "MaxItems"),
        "CreateAccessKey": ("UserName",),
        "ListAccessKeys": ("UserName", "Marker", "MaxItems"),
        "UpdateAccessKey": ("UserName", "AccessKeyId", "Status"),
        "DeleteAccessKey": ("UserName", "AccessKeyId"),
        "ListAccountAliases": ("Marker", "MaxItems"),
        "CreateAccountAlias": ("AccountAlias",),
        "GetAccountPasswordPolicy": (),
        # stored and returned by GetAccountPasswordPolicy (not enforced: no console)
        "UpdateAccountPasswordPolicy": (
            "MinimumPasswordLength",
            "RequireSymbols",
            "RequireNumbers",
            "RequireUppercaseCharacters",
            "RequireLowercaseCharacters",
            "AllowUsersToChangePassword",
            "MaxPasswordAge",
            "PasswordReusePrevention",
            "HardExpiry",
        ),
        "GetAccountSummary": (),
        # roles
        "CreateRole": (
            "Path",
            "RoleName",
            "AssumeRolePolicyDocument",
            "Description",
            "MaxSessionDuration",
            "PermissionsBoundary",
            "Tags",
        ),
        "GetRole": ("RoleName",),
        "ListRoles": ("PathPrefix", "Marker", "MaxItems"),
        "UpdateAssumeRolePolicy": ("RoleName", "PolicyDocument"),
        "UpdateRole": ("RoleName", "Description", "MaxSessionDuration"),
        "DeleteRole": ("RoleName",),
        # inline and attached policies, boundaries
        **{f"Put{kind}Policy": (f"{kind}Name", "PolicyName", "PolicyDocument") for kind in _KINDS},
        **{
            f"{verb}{kind}Policy": (f"{kind}Name", "PolicyName")
            for kind in _KINDS
            for verb in ("Get", "Delete")
        },
        **{f"List{kind}Policies": (f"{kind}Name", "Marker", "MaxItems") for kind in _KINDS},
        **{
            f"{verb}{kind}Policy": (f"{kind}Name", "PolicyArn")
            for kind in _KINDS
            for verb in ("Attach", "Detach")
        },
        **{
            f"ListAttached{kind}Policies": (f"{kind}Name", "PathPrefix", "Marker", "MaxItems")
            for kind in _KINDS
        },
        **{
            f"Put{kind}PermissionsBoundary": (f"{kind}Name", "PermissionsBoundary")
            for kind in ("User", "Role")
        },
        **{f"Delete{kind}PermissionsBoundary": (f"{kind}Name",) for kind in ("User", "Role")},
        # managed policies
        "CreatePolicy": ("PolicyName", "Path", "PolicyDocument", "Description", "Tags"),
        "GetPolicy": ("PolicyArn",),
        "ListPolicies": ("Scope", "OnlyAttached", "PathPrefix", "Marker", "MaxItems"),
        "GetPolicyVersion": ("PolicyArn", "VersionId"),
        "ListPolicyVersions": ("PolicyArn", "Marker", "MaxItems"),
        "CreatePolicyVersion": ("PolicyArn", "PolicyDocument", "SetAsDefault"),
        "SetDefaultPolicyVersion": ("PolicyArn", "VersionId"),
        "DeletePolicyVersion": ("PolicyArn", "VersionId"),
        "DeletePolicy": ("PolicyArn",),
        "ListEntitiesForPolicy": (
            "PolicyArn",
            "EntityFilter",
            "PathPrefix",
            "PolicyUsageFilter",
            "Marker",
            "MaxItems",
        ),
        # MFA devices
        "CreateVirtualMFADevice": ("Path", "VirtualMFADeviceName"),
        "EnableMFADevice": (
            "UserName",
            "SerialNumber",
            "AuthenticationCode1",
            "AuthenticationCode2",
        ),
        "ResyncMFADevice": (
            "UserName",
            "SerialNumber",
            "AuthenticationCode1",
            "AuthenticationCode2",
        ),
        "DeactivateMFADevice": ("UserName", "SerialNumber"),
        "DeleteVirtualMFADevice": ("SerialNumber",),
        "ListMFADevices": ("UserName", "Marker", "MaxItems"),
        "ListVirtualMFADevices": ("AssignmentStatus", "Marker", "MaxItems"),
        # identity providers
        "CreateOpenIDConnectProvider": ("Url", "ClientIDList", "ThumbprintList", "Tags"),
        "GetOpenIDConnectProvider": ("OpenIDConnectProviderArn",),
        "ListOpenIDConnectProviders": (),
        "DeleteOpenIDConnectProvider": ("OpenIDConnectProviderArn",),
        "CreateSAMLProvider": ("SAMLMetadataDocument", "Name", "Tags"),
        "GetSAMLProvider": ("SAMLProviderArn",),
        "ListSAMLProviders": (),
        "UpdateSAMLProvider": ("SAMLMetadataDocument", "SAMLProviderArn"),
        "DeleteSAMLProvider": ("SAMLProviderArn",),
        # the policy simulator
        "SimulateCustomPolicy": (
            "PolicyInputList",
            "PermissionsBoundaryPolicyInputList",
            "OrderedOrganizationPolicyInputList",
            "ActionNames",
            "ResourceArns",
            "ResourcePolicy",
            "ResourceOwner",
            "CallerArn",
            "ContextEntries",
            "MaxItems",
            "Marker",
        ),
        "SimulatePrincipalPolicy": (
            "PolicySourceArn",
            "PolicyInputList",
            "PermissionsBoundaryPolicyInputList",
            "ActionNames",
            "ResourceArns",
            "ResourcePolicy",
            "ResourceOwner",
            "CallerArn",
            "ContextEntries",
            "MaxItems",
            "Marker",
        ),
    },
    "s3": {
        "CreateBucket": ("Bucket", "CreateBucketConfiguration.LocationConstraint"),
        "DeleteBucket": ("Bucket", "ExpectedBucketOwner"),
        "ListBuckets": ("MaxBuckets", "ContinuationToken", "Prefix", "BucketRegion"),
        "PutBucketPolicy": ("Bucket", "ContentMD5", "Policy", "ExpectedBucketOwner"),
        "GetBucketPolicy": ("Bucket", "ExpectedBucketOwner"),
        "DeleteBucketPolicy": ("Bucket", "ExpectedBucketOwner"),
        "PutObject": (
            "Body",
            "Bucket",
            "CacheControl",
            "ContentDisposition",
            "ContentEncoding",
            "ContentLanguage",
            "ContentMD5",
            "ContentType",
            "Key",
            "Metadata",
            "ServerSideEncryption",  # AES256 only; the KMS kinds are refused by the handler
            "ExpectedBucketOwner",
        ),
        "GetObject": ("Bucket", "Key", "ExpectedBucketOwner"),
        "HeadObject": ("Bucket", "Key", "ExpectedBucketOwner"),
        "DeleteObject": ("Bucket", "Key", "ExpectedBucketOwner"),
        "ListObjectsV2": (
            "Bucket",
            "Delimiter",
            "EncodingType",
            "MaxKeys",
            "Prefix",
            "ContinuationToken",
            "FetchOwner",
            "StartAfter",
            "ExpectedBucketOwner",
        ),
    },
    "ec2": {
        "RunInstances": ("ImageId", "InstanceType", "MaxCount", "MinCount", "DryRun"),
        "DescribeInstances": ("InstanceIds", "DryRun", "Filters"),
        "StartInstances": ("InstanceIds", "DryRun"),
        "StopInstances": ("InstanceIds", "DryRun"),
        "TerminateInstances": ("InstanceIds", "DryRun"),
    },
    "dynamodb": {
        "CreateTable": (
            "AttributeDefinitions",
            "TableName",
            "KeySchema",
            "BillingMode",
            "ProvisionedThroughput",
            "DeletionProtectionEnabled",
        ),
        "DescribeTable": ("TableName",),
        "DeleteTable": ("TableName",),
        "ListTables": ("ExclusiveStartTableName", "Limit"),
        # ReturnItemCollectionMetrics: DynamoDB returns item collection metrics only for
        # tables with local secondary indexes, which the lab's tables never have, so the
        # answer without them is DynamoDB's own.
        "PutItem": (
            "TableName",
            "Item",
            "ReturnValues",
            "ReturnConsumedCapacity",
            "ReturnItemCollectionMetrics",
        ),
        "GetItem": (
            "TableName",
            "Key",
            "AttributesToGet",
            "ConsistentRead",
            "ReturnConsumedCapacity",
            "ProjectionExpression",
            "ExpressionAttributeNames",
        ),
        "DeleteItem": (
            "TableName",
            "Key",
            "ReturnValues",
            "ReturnConsumedCapacity",
            "ReturnItemCollectionMetrics",
        ),
        "Scan": (
            "TableName",
            "AttributesToGet",
            "Limit",
            "Select",
            "ExclusiveStartKey",
            "ReturnConsumedCapacity",
            "ProjectionExpression",
            "ExpressionAttributeNames",
            "ConsistentRead",
        ),
    },
}

NOTES: dict[str, str] = {
    # STS
    "sts:Tags": "session tags",
    "sts:TransitiveTagKeys": "session tags",
    "sts:ProvidedContexts": "trusted identity propagation",
    "sts:ProviderId": "OAuth 2.0 identity providers; the lab's providers are OpenID Connect",
    # IAM
    "iam:CreateVirtualMFADevice.Tags": "tags on MFA devices",
    "iam:AssertionEncryptionMode": "encrypted SAML assertions",
    "iam:AddPrivateKey": "encrypted SAML assertions",
    "iam:RemovePrivateKey": "encrypted SAML assertions",
    "iam:ListPolicies.PolicyUsageFilter": "filtering policies by how they are used",
    "iam:ResourceHandlingOption": "EC2 resource-handling scenarios",
    "iam:PolicyExclusionList": (
        "excluding policies from a simulation; detach the policy in a lab snapshot instead"
    ),
    # S3
    "s3:ACL": "ACLs; the lab's buckets have ACLs disabled, as new S3 buckets do",
    "s3:Grant*": "ACLs; the lab's buckets have ACLs disabled, as new S3 buckets do",
    "s3:ObjectOwnership": "Object Ownership settings",
    "s3:ObjectLock*": "Object Lock",
    "s3:BypassGovernanceRetention": "Object Lock",
    "s3:BucketNamespace": "account regional namespaces",
    "s3:CreateBucket.CreateBucketConfiguration.Location": "directory buckets",
    "s3:CreateBucket.CreateBucketConfiguration.Bucket": "directory buckets",
    "s3:CreateBucket.CreateBucketConfiguration.Tags": "bucket tags",
    "s3:ConfirmRemoveSelfBucketAccess": "bucket policies that lock out their own account",
    "s3:VersionId": "versioning",
    "s3:MFA": "MFA Delete",
    "s3:RequestPayer": "Requester Pays buckets",
    "s3:SSECustomer*": "server-side encryption with customer keys (SSE-C)",
    "s3:SSEKMS*": "server-side encryption with KMS keys",
    "s3:BucketKeyEnabled": "server-side encryption with KMS keys",
    "s3:If*": "conditional requests",
    "s3:Range": "byte-range reads",
    "s3:Response*": "response header overrides",
    "s3:PartNumber": "multipart uploads",
    "s3:Tagging": "object tags",
    "s3:StorageClass": "storage classes",
    "s3:Checksum*": "checksums given by the caller",
    "s3:Expires": "the Expires header",
    "s3:ContentLength": "an explicit Content-Length (botocore computes it from the body)",
    "s3:WebsiteRedirectLocation": "static website hosting",
    "s3:WriteOffsetBytes": "appending to objects (directory buckets)",
    "s3:OptionalObjectAttributes": "archived objects' restore status",
    # EC2
    "ec2:TagSpecifications": "tags",
    "ec2:NextToken": "paging",
    "ec2:MaxResults": "paging",
    "ec2:RunInstances.*": "launch settings other than the image, type and count",
    # DynamoDB
    "dynamodb:ConditionExpression": "condition expressions",
    "dynamodb:Expected": "conditions",
    "dynamodb:ConditionalOperator": "conditions",
    "dynamodb:ReturnValuesOnConditionCheckFailure": "condition expressions",
    "dynamodb:PutItem.ExpressionAttribute*": "condition expressions",
    "dynamodb:DeleteItem.ExpressionAttribute*": "condition expressions",
    "dynamodb:GetItem.ExpressionAttributeValues": "expressions with values",
    "dynamodb:Scan.ExpressionAttributeValues": "filter expressions",
    "dynamodb:FilterExpression": "filter expressions",
    "dynamodb:ScanFilter": "filters",
    "dynamodb:IndexName": "secondary indexes",
    "dynamodb:*SecondaryIndexes": "secondary indexes",
    "dynamodb:Segment": "parallel scans",
    "dynamodb:TotalSegments": "parallel scans",
    "dynamodb:StreamSpecification": "streams",
    "dynamodb:Tags": "tags (tagging at creation also needs dynamodb:TagResource)",
    "dynamodb:ResourcePolicy": "resource policies",
    "dynamodb:SSESpecification": "encryption settings",
    "dynamodb:TableClass": "table classes",
}
