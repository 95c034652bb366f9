# %% [markdown]
# # 10 · Capstone: write the policies yourself
#
# **Promise:** you will write four policies from scratch (identity, trust, bucket and
# revocation) and see each one decided by the same engine the whole lab uses.
#
# **Estimated time:** 45 minutes (pairs work well).
#
# ## Objectives
#
# 1. Combine MFA presence and MFA age in one identity policy.
# 2. Write a trust policy that names one principal instead of a whole account.
# 3. Write a bucket policy shared by several accounts that also stops long-term keys.
# 4. Revoke temporary credentials issued before a moment, without touching newer ones.
#
# ## The story
#
# You have just joined the security team of a small bookshop. Account A (`111111111111`) runs
# production: the `Orders` and `Books` DynamoDB tables and the `audit-logs` bucket. Richard
# works in account B (`222222222222`) and audits production; Nikhil's account C
# (`333333333333`) ships logs. A deployment pipeline uses the role `Deployer`, whose
# credentials leaked this morning.
#
# For each task: edit the draft, run `preview(...)` to see what your draft decides for every
# case the checker will try, then run `check(...)`. The drafts below are deliberately wrong.

# %%
from iamlab.exercises import check
from iamlab.exercises.nb10 import preview

# %% [markdown]
# ## Task 10.1 · Deleting `Orders` needs fresh MFA
#
# Operators may delete the `Orders` table only when they signed in with MFA **less than 15
# minutes ago**. Nothing else should follow from this policy: not other tables, not other
# actions. (Which credentials can ever satisfy it? Think back to notebook 02.)

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
# ## Task 10.2 · The `Auditor` role trusts Richard, and only Richard
#
# Write the trust policy of the role `Auditor` in account A. Richard (user `Richard` in
# account B) may assume it with MFA. Remember notebook 09: trusting the whole account lets
# B's administrator create a user and an MFA device of their own.

# %%
auditor_trust = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Principal": {"AWS": "222222222222"},
        "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    },
}
preview("10.2", auditor_trust)

# %%
check("10.2", auditor_trust)

# %% [markdown]
# ## Task 10.3 · The `audit-logs` bucket
#
# Accounts B and C may **add** log files (`s3:PutObject`) under `audit-logs/`, only with MFA.
# **Nobody** may delete a log without MFA, whichever account they come from and whatever
# their own policies say, and that includes requests signed with long-term access keys.

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
# ## Task 10.4 · Revoke the leaked `Deployer` sessions
#
# The leak happened before 12:00 UTC on 15 January 2026. Write the inline policy you would
# attach to the role `Deployer` so that every session issued before then is refused and
# sessions issued afterwards keep working.

# %%
revoke_policy = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"},
}
preview("10.4", revoke_policy)

# %%
check("10.4", revoke_policy)

# %% [markdown]
# ## Try your 10.1 policy for real
#
# `preview` asks the policy engine directly. The lab can also run it end to end: below, an
# operator gets MFA credentials from `GetSessionToken` and tries to delete `Orders` at once
# and again 20 minutes later. With the draft policy both calls succeed; with a correct one the
# second is refused. Run this cell again after fixing `orders_policy`.

# %%
import json

from iamlab import Lab
from iamlab.notebook import attempt
from iamlab.scenarios import enable_virtual_mfa

lab = Lab()
root = lab.create_account("111111111111", name="Production")
iam = root.client("iam")
iam.create_user(UserName="Operator")
iam.put_user_policy(UserName="Operator", PolicyName="Orders",
                    PolicyDocument=json.dumps(orders_policy))
key = iam.create_access_key(UserName="Operator")["AccessKey"]
serial = enable_virtual_mfa(lab, iam, "Operator")  # as in notebook 00, two codes 30 s apart
ddb = root.client("dynamodb")
for name in ("Orders", "Orders2"):
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
lab.clock.advance(seconds=30)
operator = lab.session(key)
creds = operator.client("sts").get_session_token(SerialNumber=serial,
                                                 TokenCode=lab.totp(serial))["Credentials"]
mfa_ddb = lab.session(creds).client("dynamodb")
print("at once:       ", attempt(lambda: mfa_ddb.delete_table(TableName="Orders")))
lab.clock.advance(minutes=20)
print("20 minutes on: ", attempt(lambda: mfa_ddb.describe_table(TableName="Orders2")))

# %% [markdown]
# (The second call asks for `DescribeTable`, which the policy never allowed: a quick way to see
# that 20 minutes later the session itself is still valid. Change it to `delete_table` on a
# table that still exists, e.g. re-create `Orders`, to see the age limit bite.)
#
# ## Key points
#
# - Combine conditions in one statement to require them all: MFA present **and** MFA young.
# - Name a principal, not an account, when you do not control who the account lets in.
# - In bucket policies that test MFA, an **Allow** with `Bool` lets only MFA sessions in, and a
#   **Deny** needs `BoolIfExists` to stop long-term keys too.
# - Temporary credentials cannot be cancelled: deny by `aws:TokenIssueTime` instead.
# - `preview` and `check` use the same engine as every lab call: what they accept, the lab
#   (and, for these rules, AWS) accepts too.
