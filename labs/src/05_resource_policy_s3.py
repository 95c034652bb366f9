# %% [markdown]
# # 05 · MFA in a bucket policy shared by three accounts
#
# **Promise:** you will protect an S3 bucket that several accounts write to with an MFA
# condition, and find out why only one kind of temporary credentials gets in.
#
# **Estimated time:** 45 minutes (25 teaching, 20 exercises).
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
# 4. show that an explicit `Deny` in the caller's identity policy beats the bucket's `Allow`;
# 5. tell MFA-protected API access apart from S3's *MFA Delete*.
#
# ## The story
#
# This story comes from the AWS page
# [Secure API access with MFA](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html).
# Anaya administers account A (`111111111111`) and owns the bucket **`account-a-bucket`**
# (the AWS page writes *Account-A-bucket*, but S3 bucket names are lower case). Users of
# three accounts, A, B (`222222222222`) and C (`333333333333`), may put and delete objects in
# it, **only after signing in with MFA**. She does this without a role: the condition sits in
# the bucket policy itself.
#
# Nikhil is an IAM user in account C. He has a virtual MFA device, an identity policy that
# allows `s3:PutObject` and `s3:DeleteObject` on the bucket, and he may also assume a role of
# his own account, `Uploader`, which has the same S3 permissions.

# %%
import json

from iamlab import tables
from iamlab.diagrams import story_diagram
from iamlab.notebook import attempt
from iamlab.scenarios import build_resource_policy_s3

tables.show_full_cells()
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
# First, the name: S3 refuses the AWS page's spelling, because bucket names are lower case.

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
# Nikhil follows the AWS page: he calls `GetSessionToken` with his device's serial number
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
lab.clock.advance(seconds=30)  # the lab accepts each code once (notebook 00): wait
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
# The AWS page says it plainly: the temporary credentials `AssumeRole` returns do not
# contain the MFA information, and that information is what the bucket policy's condition
# needs. MFA was checked once, by the role's trust policy, when Nikhil assumed the role; the
# role session itself says `false`. This is why the page tells you to use `GetSessionToken`
# to protect resources that have resource-based policies.
#
# ### The other reading
#
# AWS's own texts do not all agree on this point: some suggest that a role session assumed with
# MFA does carry the MFA information. Notebook 02 sets the texts side by side. Following the
# page above by default is the lab's decision (`docs/aws-behaviour.md`, "Lab decisions" D1);
# the lab models the other reading with `Lab(role_session_mfa="propagate")`. The same story
# in that mode:

# %%
from iamlab.widgets import attempts_table

propagating = build_resource_policy_s3(role_session_mfa="propagate")
attempts_table(propagating.play(credentials="AssumeRole with MFA"))

# %% [markdown]
# In that reading the role session passes. The design that works under **both** readings is
# the AWS page's: for resource-based policies with an MFA condition, use `GetSessionToken`.
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
# it may act. (In the lab the removal is instant, a lab decision; in AWS a policy change can
# take a few minutes to reach every request.)
#
# ## Step 6 · A Deny on the caller's side beats the bucket's Allow
#
# Account C's administrator gives Nikhil his policy back, and adds a second one that
# **denies** writes to account A's bucket. The bucket policy still allows him with MFA:

# %%
from iamlab.data import load_policy

iam_c.put_user_policy(
    UserName="Nikhil", PolicyName="AccountABucket",
    PolicyDocument=json.dumps(load_policy("nikhil-bucket-access")),
)
iam_c.put_user_policy(
    UserName="Nikhil", PolicyName="NoWritesToA",
    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": {
        "Effect": "Deny", "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::account-a-bucket/*"}}),
)
attempt(lambda: s3_mfa.put_object(**report, Body=b"q1,42\n"))

# %%
print(lab.explain_last())

# %% [markdown]
# An explicit `Deny` in any policy that applies to a request wins over every `Allow`, in
# whichever account either one lives: a resource-based policy cannot grant what the caller's
# own identity policies deny.
#
# ## Not only S3: queues and topics
#
# The AWS page names three kinds of resources whose policies can require MFA: S3 buckets,
# SQS queues and SNS topics. The lab does not emulate SQS and SNS, but the policy engine
# evaluates their policies the same way. Here are a queue policy and a topic policy of
# account A with the bucket's condition, asked about Nikhil's three kinds of credentials
# (his identity policy allows the call):

# %%
from iamlab.scenarios.mfa_context import decisions


def a_trusts_c_with_mfa(action, arn):
    """A resource policy of account A: account C may call `action` on `arn`, with MFA."""
    return {"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Principal": {"AWS": "333333333333"}, "Action": action,
        "Resource": arn, "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}}


callers = {"long-term access keys": nikhil.arn, "GetSessionToken with MFA": nikhil.arn,
           "AssumeRole with MFA": assumed["AssumedRoleUser"]["Arn"]}
queue = "arn:aws:sqs:us-east-1:111111111111:orders"
topic = "arn:aws:sns:us-east-1:111111111111:alerts"
tables.by_column({
    "SQS SendMessage": decisions("sqs:SendMessage", queue, callers,
                                 a_trusts_c_with_mfa("sqs:SendMessage", queue)),
    "SNS Publish": decisions("sns:Publish", topic, callers,
                             a_trusts_c_with_mfa("sns:Publish", topic)),
})

# %% [markdown]
# The same three answers as the bucket's: only `GetSessionToken` credentials obtained with
# MFA pass (the role session row uses the keys a role session carries in the lab's default
# reading).
#
# ## S3 MFA Delete is something else
#
# The AWS page points out a feature with a similar name. **MFA Delete** is a setting of a
# *versioned* bucket: when it is on, permanently deleting an object version or changing the
# bucket's versioning state needs an MFA code from the **root user** of the bucket owner's
# account, sent with the request itself. It cannot be set up for IAM users, and it is managed
# separately from the MFA conditions in this notebook (see S3's page
# [Configuring MFA delete](https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html)).
# The lab does not emulate it.
#
# ## The whole story at a glance
#
# `story.play(credentials=...)` rewinds the lab to the freshly built story (Nikhil's policy is
# back) and replays his upload and delete with each kind of credentials:

# %%
from iamlab.scenarios.stories import NIKHIL_CHOICES

runs = {c: attempts_table(story.play(credentials=c)) for c in NIKHIL_CHOICES}
tables.concat(runs)[["call", "outcome", "error"]]

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
# The checker gives every caller an identity policy that allows everything, so only your
# bucket policy decides; it then tries your policy on many neighbouring requests (other S3
# actions at the bucket and object level, other callers and credentials). A new hint appears
# only for a *different* wrong answer.
#
# **Exercise 05.1 · Another bucket, another rule.** Account B (`222222222222`) owns the
# bucket **`account-b-reports`**. Write its bucket policy: users of accounts **A and C** may
# **read** its objects, only if they signed in with MFA **less than one hour ago**. Nothing
# else: no writes, nothing at the bucket level, nobody else.

# %%
from iamlab.exercises import check

reports_policy = None  # your bucket policy (it needs a Principal)
check("05.1", reports_policy)

# %% [markdown]
# **Exercise 05.2 · Fresh MFA only.** Back to `account-a-bucket`. Anaya wants writes to stop
# one hour after the writer's MFA sign-in, whatever any other statement says: even Mateo, who
# administers account A, must be refused. Start from the bucket policy of the AWS page below
# and **add a `Deny` statement** for `PutObject` and `DeleteObject` when the MFA sign-in is
# more than an hour old. Nothing else changes: requests without an MFA sign-in are decided as
# before.

# %%
fresh_only = load_policy("account-a-bucket-policy")
fresh_only["Statement"].append(None)  # replace None with your Deny statement
check("05.2", fresh_only)

# %% [markdown]
# **Exercise 05.3 · Predict.** In the lab's default reading, which of Nikhil's credentials can
# put an object in `account-a-bucket`? Answer `"allowed"` or `"denied"` for each; the checker
# asks a fresh lab. The first check says only how many predictions are wrong.

# %%
prediction = {
    "long-term access keys": None,
    "GetSessionToken without MFA": None,
    "GetSessionToken with MFA": None,
    "AssumeRole (Uploader) with MFA": None,
}
check("05.3", prediction)

# %% [markdown]
# ## Check your understanding

# %%
from iamlab.exercises import ask

ask("05.why")

# %%
my_choice = None  # one letter, e.g. "a"
check("05.why", my_choice)

# %%
ask("05.quiz")

# %%
my_quiz = {1: None, 2: None, 3: None, 4: None}
check("05.quiz", my_quiz)

# %% [markdown]
# ## Key points
#
# - A cross-account request needs two yeses: the resource's policy in the owner's account and
#   the caller's identity policies in his own account; an explicit `Deny` on either side wins.
# - An MFA condition in a resource-based policy (bucket, queue, topic) is met by
#   `GetSessionToken` credentials obtained with MFA. Long-term keys carry no MFA key; role
#   sessions carry `false` in the reading of the AWS page, which the lab follows by default.
# - A bucket policy names only its own bucket and its objects; least privilege means the exact
#   actions at the right level (objects, not the bucket) for the exact accounts.
# - S3 explains a denial in detail only to callers in the bucket owner's account; others see
#   plain `Access Denied`.
# - S3 MFA Delete (root user, versioned buckets) is a separate feature from MFA conditions in
#   policies.
#
# ## On real AWS (not run by the lab)
#
# The story with the AWS CLI, across three test accounts of your own. Bucket names are global:
# pick your own instead of `account-a-bucket`. Nothing below runs here.
#
# ```bash
# # account A, as an administrator (Anaya)
# aws s3api create-bucket --bucket account-a-bucket
# aws s3api put-bucket-policy --bucket account-a-bucket --policy file://bucket-policy.json
# # account C, as an administrator: Nikhil's identity policy
# aws iam put-user-policy --user-name Nikhil --policy-name AccountABucket \
#     --policy-document file://nikhil-bucket-access.json
# # account C, as Nikhil: temporary credentials with MFA, then the upload
# aws sts get-session-token --serial-number arn:aws:iam::ACCOUNT-C-ID:mfa/Nikhil --token-code 123456
# export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... AWS_SESSION_TOKEN=...   # from the output
# aws s3api put-object --bucket account-a-bucket --key report.csv --body report.csv
# aws s3api delete-object --bucket account-a-bucket --key report.csv
# ```
#
# **In the console:** S3 → the bucket → *Permissions* → *Bucket policy* (the policy editor
# refuses a policy that names another bucket); IAM → Users → Nikhil → *Security credentials*
# for his MFA device.
#
# **Cost:** IAM and AWS STS cost nothing; S3 bills storage and requests, a fraction of a cent
# for a few small objects.
#
# **Clean up:** delete the objects, `aws s3api delete-bucket-policy`, `aws s3api
# delete-bucket`, and in account C `aws iam delete-user-policy` for Nikhil.
#
# Next: **06 · Self-managed MFA**, where users set up their own MFA devices.
