# %% [markdown]
# # 10 · Capstone: write the policies yourself
#
# **Promise:** you will write four policies from scratch (identity, trust, bucket and
# revocation), each checked by the strictest checkers of the lab, and run one of them end to
# end.
#
# **Estimated time:** 60 minutes (10 teaching, 50 exercises; pairs work well).
#
# ## Objectives
#
# By the end of this notebook you will be able to:
#
# 1. combine MFA presence and MFA age in one identity policy, for one action on one table in
#    one region;
# 2. write a trust policy for a third party's service: one named role, the external ID its
#    company assigned to you, and no MFA condition (a program has no device);
# 3. write a bucket policy shared by several accounts that also stops long-term keys from
#    deleting;
# 4. revoke temporary credentials issued before a moment, without touching newer sessions
#    or long-term access keys.
#
# ## The story
#
# You have just joined the security team of a small bookshop. Account A (`111111111111`) runs
# production: the `Orders` and `Books` DynamoDB tables (in `us-east-1`) and the `audit-logs`
# bucket. Richard works in account B (`222222222222`) and audits production. Nikhil's company
# (account C, `333333333333`) runs a log-shipping service for many companies, the bookshop
# among them. The deployment pipeline signs in as the IAM user `deployer` of account A, and
# one of its sessions leaked this morning.
#
# Every task comes from the earlier notebooks: 01 and 04 (MFA age), 08 (external IDs), 09
# (naming principals), 05 (bucket policies across accounts), 07 (revoking sessions), and from
# the AWS pages behind them:
# [Secure API access with MFA](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html)
# (10.1, 10.3),
# [Access to AWS accounts owned by third parties](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html)
# (10.2) and
# [Disable permissions for temporary security credentials](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_disable-perms.html)
# (10.4).
#
# ## How the checks work
#
# Each checker tries the requests the task names, **and** several hundred neighbouring
# requests that your policy must decide exactly as the task does: every action of every
# service the lab knows, other tables, buckets, regions and accounts, every kind of
# credentials at MFA ages around each limit, other principals of every account, other
# external IDs, issue times around the cut-off. A wildcard, an extra action or statement, an
# `...IfExists` in the wrong place or an operator of the wrong type is refused as firmly as a
# wrong answer.
#
# For each task: edit the draft, run `preview(...)` to see what your draft decides for the
# requests the task names (and how many neighbours it still decides differently), then run
# `check(...)`. `preview` spends no hint; `check` unlocks a new hint only for a *different*
# wrong answer, and the untouched draft spends nothing. The drafts below are deliberately
# wrong.

# %%
from iamlab.exercises import check
from iamlab.exercises.nb10 import preview

# %% [markdown]
# ## Exercises
#
# ### Task 10.1 · Deleting `Orders` needs fresh MFA
#
# The operators (IAM user `Operator` of account A) may delete the `Orders` table in
# `us-east-1` only when they signed in with MFA **less than 15 minutes ago**. Write the
# `Operator`'s identity policy. Nothing else should follow from it: not other tables, not
# other regions, not other actions. (Which credentials can ever satisfy it? Think back to
# notebook 02.)

# %%
orders_policy = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Action": "dynamodb:DeleteTable",
        "Resource": "arn:aws:dynamodb:*:111111111111:table/Orders",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    },
}
preview("10.1", orders_policy)

# %%
check("10.1", orders_policy)

# %% [markdown]
# ### Try your 10.1 policy for real
#
# `preview` asks the policy engine directly. The lab can also run the policy end to end: the
# next cells create the `Operator` with your `orders_policy` and a virtual MFA device, then
# the operator gets MFA credentials from `GetSessionToken` and deletes `Orders` at once; the
# administrator puts the table back, and 20 minutes later the operator, with the same
# credentials, tries again. **With the draft policy both deletions succeed; with a correct
# one the second is refused** (the credentials themselves are still valid: only the MFA age
# has grown). Run these cells again after fixing `orders_policy`.

# %%
import json

from iamlab import Lab
from iamlab.notebook import attempt
from iamlab.scenarios import enable_virtual_mfa

lab = Lab()
root = lab.create_account("111111111111", name="Production")
iam, ddb = root.client("iam"), root.client("dynamodb")
iam.create_user(UserName="Operator")
iam.put_user_policy(UserName="Operator", PolicyName="Orders",
                    PolicyDocument=json.dumps(orders_policy))
key = iam.create_access_key(UserName="Operator")["AccessKey"]
serial = enable_virtual_mfa(lab, iam, "Operator")  # as in notebook 00, two codes 30 s apart


def create_orders():
    """The administrator creates (or re-creates) the Orders table."""
    ddb.create_table(TableName="Orders", BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])


create_orders()

# %%
lab.clock.advance(seconds=30)  # the lab accepts each code once (docs/aws-behaviour.md D2)
creds = lab.session(key).client("sts").get_session_token(
    SerialNumber=serial, TokenCode=lab.totp(serial))["Credentials"]
mfa_ddb = lab.session(creds).client("dynamodb")
print("at once:      ", attempt(lambda: mfa_ddb.delete_table(TableName="Orders")))
create_orders()  # the administrator puts the table back
lab.clock.advance(minutes=20)
print("20 minutes on:", attempt(lambda: mfa_ddb.delete_table(TableName="Orders")))
print("MFA age now:  ", lab.request_context(creds)["aws:MultiFactorAuthAge"], "seconds")

# %% [markdown]
# ### Task 10.2 · The log shipper's role
#
# Nikhil's company ships the bookshop's logs with a program that runs as the role
# **`shipper`** of account C (`arn:aws:iam::333333333333:role/shipper`). It writes into
# account A through the role **`LogWriter`**, and since it works for many companies, it
# passes the external ID its company assigned to the bookshop: **`bookshop-7731`**. Write
# `LogWriter`'s trust policy: only that role of account C, only with the bookshop's ID.
# Nikhil himself, other roles and users of account C, and everyone else are refused, with or
# without the ID. (Naming a role in a trust policy needs the role to exist when you save the
# policy: IAM refuses a principal it cannot find, `docs/aws-behaviour.md`, "Lab decisions"
# D9.)

# %%
shipper_trust = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Principal": {"AWS": "333333333333"},
        "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    },
}
preview("10.2", shipper_trust)

# %%
check("10.2", shipper_trust)

# %% [markdown]
# ### Task 10.3 · The `audit-logs` bucket
#
# Accounts B and C may **add** log files (`s3:PutObject`) under `audit-logs/`, only with MFA,
# and nothing else. **Nobody** may delete a log (`s3:DeleteObject`) or a version of one
# (`s3:DeleteObjectVersion`) without MFA, whichever account they come from and whatever their
# own policies say, and that includes requests signed with long-term access keys. Account A's
# own users keep what their identity policies give them otherwise.

# %%
logs_policy = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": ["222222222222", "333333333333"]},
            "Action": ["s3:PutObject", "s3:DeleteObject"],
            "Resource": "arn:aws:s3:::audit-logs/*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        }
    ],
}
preview("10.3", logs_policy)

# %%
check("10.3", logs_policy)

# %% [markdown]
# ### Task 10.4 · Revoke the leaked `deployer` sessions
#
# The pipeline's IAM user `deployer` works with `GetSessionToken` sessions (some obtained
# with MFA). One of them leaked before 12:00 UTC on 15 January 2026; at 12:05 you replaced
# the user's access key. Write the inline policy you attach to `deployer` (beside its
# existing policy, which allows everything it needs) so that every session issued before
# 12:00 is refused everything, while sessions issued from 12:00 on and the **new access key**
# keep working.

# %%
revoke_policy = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"},
}
preview("10.4", revoke_policy)

# %%
check("10.4", revoke_policy)

# %% [markdown]
# ## Check your understanding

# %%
from iamlab.exercises import ask

ask("10.why")

# %%
my_choice = None  # one letter, e.g. "a"
check("10.why", my_choice)

# %%
ask("10.quiz")

# %%
my_quiz = {1: None, 2: None, 3: None, 4: None}
check("10.quiz", my_quiz)

# %% [markdown]
# ## Key points
#
# - Combine conditions in one statement to require them all: MFA present **and** MFA young;
#   name one action on one resource, in one region.
# - For a third party's service, name its role (not its account) and require the external ID
#   its company assigned to you; an MFA condition would lock a program out for good.
# - In bucket policies that test MFA, an **Allow** with `Bool` lets only MFA sessions in, and
#   a **Deny** needs `BoolIfExists` to stop long-term keys too.
# - Temporary credentials cannot be cancelled: deny by `aws:TokenIssueTime` instead, with
#   `DateLessThan`, which leaves long-term keys (they carry no issue time) alone.
# - `preview` and `check` use the same engine as every lab call; least privilege means your
#   policy decides every neighbouring request as the task does, not only the named ones.
#
# ## On real AWS (not run by the lab)
#
# In a test account (and, for 10.2 and 10.3, two more). The JSON files hold your answers.
# Nothing below runs here.
#
# ```bash
# # check a policy before attaching it: grammar, security warnings, suggestions
# aws accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document file://orders.json
# aws iam simulate-custom-policy --policy-input-list file://orders.json \
#     --action-names dynamodb:DeleteTable \
#     --resource-arns arn:aws:dynamodb:us-east-1:111111111111:table/Orders \
#     --context-entries ContextKeyName=aws:MultiFactorAuthAge,ContextKeyValues=1200,ContextKeyType=numeric
# # attach them
# aws iam put-user-policy --user-name Operator --policy-name Orders --policy-document file://orders.json
# aws iam create-role --role-name LogWriter --assume-role-policy-document file://logwriter-trust.json
# aws s3api put-bucket-policy --bucket audit-logs --policy file://audit-logs.json
# aws iam put-user-policy --user-name deployer --policy-name RevokeOlderSessions \
#     --policy-document file://revoke.json
# ```
#
# **In the console:** the IAM policy editor runs the same validation as Access Analyzer while
# you type; S3 → the bucket → *Permissions* → *Bucket policy*; IAM → *Roles* → LogWriter →
# *Trust relationships*; IAM → *Users* → deployer → *Permissions*.
#
# **Cost:** IAM, AWS STS, Access Analyzer's policy validation and the policy simulator cost
# nothing; an on-demand DynamoDB table and an S3 bucket bill only storage and requests (a
# fraction of a cent for a test).
#
# **Clean up:** `aws iam delete-user-policy` (Operator, deployer), `aws iam delete-role` for
# LogWriter (after `delete-role-policy` for any permissions policy), `aws s3api
# delete-bucket-policy` and `delete-bucket` for `audit-logs`, `aws dynamodb delete-table` for
# test tables.
#
# That is the end of the lab. `docs/solutions.md` (for instructors) has the model answers.
