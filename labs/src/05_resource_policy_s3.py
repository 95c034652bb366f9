# %% [markdown]
# # 05 · MFA in a bucket policy shared by three accounts
#
# **Promise:** you will protect an S3 bucket that several accounts write to with an MFA
# condition, and find out why only one kind of temporary credentials gets in.
#
# **Estimated time:** 35 minutes.
#
# ## Objectives
#
# By the end of this notebook you will be able to:
#
# 1. read a bucket policy that trusts several accounts with an MFA condition, and explain the
#    two evaluations a cross-account request goes through;
# 2. explain why `GetSessionToken` credentials obtained with MFA pass the bucket's condition
#    while long-term keys and (in the lab's default reading) `AssumeRole` credentials do not;
# 3. recognise S3's two ways of saying "Access Denied";
# 4. tell MFA-protected API access apart from S3's *MFA Delete*.
#
# ## The story
#
# Anaya administers account A (`111111111111`) and owns the bucket **`account-a-bucket`**
# (the seed page writes *Account-A-bucket*, but S3 bucket names are lower case). Users of
# three accounts, A, B (`222222222222`) and C (`333333333333`), may put and delete objects in
# it, **only after signing in with MFA**. She does this without a role: the condition sits in
# the bucket policy itself.
#
# Nikhil is an IAM user in account C. He has a virtual MFA device, an identity policy that
# allows `s3:PutObject` and `s3:DeleteObject` on the bucket, and he may also assume a role of
# his own account, `Uploader`, which has the same S3 permissions.

# %%
import json

import pandas as pd

from iamlab.diagrams import story_diagram
from iamlab.notebook import attempt
from iamlab.scenarios import build_resource_policy_s3

pd.set_option("display.max_colwidth", None)
story = build_resource_policy_s3()
lab = story.lab
story_diagram(story)

# %% [markdown]
# The bottom arrow is the bucket policy (*Account A, Account B, Account C if MFA*); the other
# grey arrows are Nikhil's and the role's identity policies; the dashed arrow says Nikhil may
# assume `Uploader` if he uses MFA. Account B takes no part in this story, but the bucket
# trusts it too.
#
# ## Step 1 · The two sides of a cross-account request
#
# First, the name: S3 refuses the seed page's spelling, because bucket names are lower case.

# %%
s3_a = story.actor("Anaya").client("s3")
attempt(lambda: s3_a.create_bucket(Bucket="Account-A-bucket"))

# %% [markdown]
# Anaya's bucket policy, read back with her own user:

# %%
json.loads(s3_a.get_bucket_policy(Bucket="account-a-bucket")["Policy"])

# %% [markdown]
# A bucket policy is a **resource-based policy**, so it has a `Principal`. Naming the three
# account IDs trusts the three *accounts*: which users inside them may act is up to each
# account's own policies. The resource is `account-a-bucket/*`, the *objects* in the bucket:
# `PutObject` and `DeleteObject` act on objects, not on the bucket itself.
#
# On the other side, account C's administrator gave Nikhil this identity policy:

# %%
iam_c = story.root("333333333333").client("iam")
iam_c.get_user_policy(UserName="Nikhil", PolicyName="AccountABucket")["PolicyDocument"]

# %% [markdown]
# A request from account C to a bucket in account A is evaluated twice: account A's bucket
# policy must allow it **and** account C's identity policies must allow it.
#
# ## Step 2 · `GetSessionToken` with MFA: allowed
#
# Nikhil follows the seed page: he calls `GetSessionToken` with his device's serial number
# and current code, and uses the temporary credentials to upload a file, then delete it.

# %%
nikhil = story.nikhil
sts = nikhil.client("sts")
creds = sts.get_session_token(SerialNumber=nikhil.mfa_serial, TokenCode=lab.totp(nikhil.mfa_serial))
s3_mfa = lab.session(creds["Credentials"]).client("s3")
report = {"Bucket": "account-a-bucket", "Key": "report.csv"}
print("put:   ", attempt(lambda: s3_mfa.put_object(**report, Body=b"q1,42\n")))
print("delete:", attempt(lambda: s3_mfa.delete_object(**report)))

# %%
print(lab.explain_last())

# %% [markdown]
# Both sides said yes: the bucket policy's statement (its `Bool` condition met by
# `aws:MultiFactorAuthPresent = true`) and Nikhil's `AccountABucket` policy.
#
# ## Step 3 · Long-term keys: denied
#
# Nikhil's upload script still signs with his access keys:

# %%
s3_keys = nikhil.client("s3")
attempt(lambda: s3_keys.put_object(**report, Body=b"q1,42\n"))

# %% [markdown]
# Only `Access Denied`, no reason. S3 explains its denials in detail only to callers from the
# bucket owner's own account (or organization); a caller from another account learns nothing
# about the owner's policies. Compare the same call by Mateo, a user of account A that has no
# permissions at all:

# %%
iam_a = story.root("111111111111").client("iam")
iam_a.create_user(UserName="Mateo")
mateo = lab.session(iam_a.create_access_key(UserName="Mateo")["AccessKey"])
attempt(lambda: mateo.client("s3").put_object(Bucket="account-a-bucket", Key="x", Body=b"1"))

# %% [markdown]
# Note the form: the resource ARN is in double quotes, and the reason names the policy type.
# Nikhil's plain message hides the reason, but the lab can still explain his denial:

# %%
attempt(lambda: s3_keys.put_object(**report, Body=b"q1,42\n"))
print(lab.explain_last())

# %% [markdown]
# His identity policy allows the call; the bucket policy does not, because a request signed
# with long-term keys carries no `aws:MultiFactorAuthPresent` key and `Bool` fails on a
# missing key.
#
# ## Step 4 · `AssumeRole` with MFA: denied
#
# Nikhil tries another way: he assumes `Uploader` in his own account, *with* his MFA code.
# The role's trust policy requires MFA, and STS accepts the code:

# %%
lab.clock.advance(seconds=30)  # each code works once: wait for the next one
assumed = sts.assume_role(
    RoleArn=story.role_arn("Uploader"), RoleSessionName="Nikhil",
    SerialNumber=nikhil.mfa_serial, TokenCode=lab.totp(nikhil.mfa_serial),
)
role_session = lab.session(assumed["Credentials"])
s3_role = role_session.client("s3")
attempt(lambda: s3_role.put_object(**report, Body=b"q1,42\n"))

# %% [markdown]
# Denied, although Nikhil used MFA a moment ago and the role's policy allows `PutObject`.
# Look at what requests made with the role session carry:

# %%
{k: v for k, v in lab.request_context(role_session).items() if "MultiFactor" in k}

# %% [markdown]
# The seed page says it plainly: the temporary credentials `AssumeRole` returns do not
# contain the MFA information, and that information is what the bucket policy's condition
# needs. MFA was checked once, by the role's trust policy, when Nikhil assumed the role; the
# role session itself says `false`. This is why the seed page tells you to use
# `GetSessionToken` to protect resources that have resource-based policies.
#
# ### The other reading
#
# AWS's own texts do not all agree on this point: some suggest that a role session assumed with
# MFA does carry the MFA information. Notebook 02 sets the texts side by side. The lab follows
# the seed page by default, and models the other reading with
# `Lab(role_session_mfa="propagate")`. The same story in that mode:

# %%
from iamlab.widgets import attempts_table

propagating = build_resource_policy_s3(role_session_mfa="propagate")
attempts_table(propagating.play(credentials="AssumeRole with MFA"))

# %% [markdown]
# In that reading the role session passes. The design that works under **both** readings is
# the seed's: for resource-based policies with an MFA condition, use `GetSessionToken`.
#
# ## Step 5 · Both sides must allow
#
# The bucket policy trusts all of account C, but that does not let just anyone in C write.
# Account C's administrator removes Nikhil's identity policy; his MFA credentials from Step 2
# are still valid:

# %%
iam_c.delete_user_policy(UserName="Nikhil", PolicyName="AccountABucket")
attempt(lambda: s3_mfa.put_object(**report, Body=b"q1,42\n"))

# %%
print(lab.explain_last())

# %% [markdown]
# Account A's side allows (MFA condition met); account C's side no longer does. Trusting an
# account in a `Principal` means trusting that account's administrators to decide who inside
# it may act. (In the lab the removal is instant; in AWS a policy change can take a few
# minutes to reach every request.)
#
# ## S3 MFA Delete is something else
#
# The seed page points out a feature with a similar name. **MFA Delete** is a setting of a
# *versioned* bucket: when it is on, permanently deleting an object version or changing the
# bucket's versioning state needs an MFA code from the **root user** of the bucket owner's
# account, sent with the request itself. It cannot be set up for IAM users, and it is managed
# separately from the MFA conditions in this notebook. The lab does not emulate it.
#
# ## The whole story at a glance
#
# `story.play(credentials=...)` rewinds the lab to the freshly built story (Nikhil's policy is
# back) and replays his upload and delete with each kind of credentials:

# %%
from iamlab.scenarios.stories import NIKHIL_CHOICES

runs = {c: attempts_table(story.play(credentials=c)) for c in NIKHIL_CHOICES}
pd.concat(runs)[["call", "outcome", "error"]]

# %% [markdown]
# On the diagram, the two ways Nikhil used MFA: directly with `GetSessionToken` (green), and
# through the `Uploader` role (orange).

# %%
attempts = story.play(credentials="GetSessionToken with MFA")
attempts += story.play(credentials="AssumeRole with MFA")
story_diagram(story, attempts)

# %% [markdown]
# ## Explore
#
# **Try this:** pick each kind of credentials in turn and read the explanation under the
# diagram: which policy failed, and which MFA key the request carried.

# %%
from iamlab.widgets import resource_policy_s3_panel

resource_policy_s3_panel(story)

# %% [markdown]
# ## Exercises
#
# **Exercise 05.1 · The bucket policy.** Write `account-a-bucket`'s policy from scratch:
# users of accounts A, B and C may put and delete objects in the bucket, only with MFA.
# Nobody may read objects through this policy, and users of other accounts get nothing. (The
# checker gives each user an identity policy that allows the call, so only your bucket policy
# decides.)

# %%
from iamlab.exercises import check

bucket_policy = None  # your bucket policy (it needs a Principal)
check("05.1", bucket_policy)

# %% [markdown]
# **Exercise 05.2 · Fresh MFA only.** Anaya wants writes to stop one hour after the writer's
# MFA sign-in, whatever any other statement says. Start from the seed's bucket policy below
# and **add a `Deny` statement** for `PutObject` and `DeleteObject` when the MFA sign-in is
# more than an hour old.

# %%
from iamlab.data import load_policy

fresh_only = load_policy("account-a-bucket-policy")
fresh_only["Statement"].append(None)  # replace None with your Deny statement
check("05.2", fresh_only)

# %% [markdown]
# **Exercise 05.3 · Predict.** In the lab's default reading, which of Nikhil's credentials can
# put an object in `account-a-bucket`? Answer `"allowed"` or `"denied"` for each; the checker
# asks a fresh lab.

# %%
prediction = {
    "long-term access keys": None,
    "GetSessionToken without MFA": None,
    "GetSessionToken with MFA": None,
    "AssumeRole (Uploader) with MFA": None,
}
check("05.3", prediction)

# %% [markdown]
# ## Key points
#
# - A cross-account request needs two yeses: the resource's policy in the owner's account and
#   the caller's identity policies in his own account.
# - An MFA condition in a resource-based policy is met by `GetSessionToken` credentials
#   obtained with MFA. Long-term keys carry no MFA key; role sessions carry `false` in the
#   seed page's reading, which the lab follows by default.
# - S3 explains a denial in detail only to callers in the bucket owner's account; others see
#   plain `Access Denied`.
# - S3 MFA Delete (root user, versioned buckets) is a separate feature from MFA conditions in
#   policies.
#
# Next: **06 · Self-managed MFA**, where users set up their own MFA devices.
