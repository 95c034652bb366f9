# %% [markdown]
# # Start here: an AWS of your own, inside this notebook
#
# **Promise:** in 25 minutes you will make real `boto3` calls against an emulated AWS,
# read why each one was allowed or denied, use a virtual MFA "phone", and write your first
# least-privilege policy.
#
# **Estimated time:** 25 minutes (15 teaching, 10 exercises).
#
# ## Objectives
#
# By the end of this notebook you will be able to:
#
# 1. create accounts, users and access keys in the lab with ordinary `boto3` calls;
# 2. read a decision: the outcome (`allowed`, `explicitDeny`, `implicitDeny`), the error AWS
#    returns, and the explanation of which statement or condition decided;
# 3. move the lab's clock and read codes from a virtual MFA device;
# 4. write a policy that allows one action on one bucket's objects, and nothing else.
#
# ## How this lab works
#
# Everything runs inside this Jupyter kernel: there is no AWS account, no network and no cost.
# `iamlab.Lab` is an emulated AWS partition. The sessions it hands out are real
# `boto3.Session` objects and their clients are real botocore clients, so botocore checks every
# parameter exactly as it would against AWS. The code you write here will run unchanged against
# real AWS later; only the session you start from is different.
#
# The lab is deterministic: it starts at a fixed time (15 January 2026, 09:00 UTC), it makes the
# same ids, keys and MFA secrets on every run, and its clock only moves when you tell it to.
# Run the cells from top to bottom with **Shift+Enter**.
#
# The stories come from pages of the AWS IAM User Guide; the first one is
# [Secure API access with MFA](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html).
# Where the lab has to decide something AWS does not document, the notebook says so.

# %%
from iamlab import Lab
from iamlab.notebook import attempt, show

lab = Lab()
a = lab.create_account("111111111111", name="Account A")
show(a.client("sts").get_caller_identity())

# %% [markdown]
# `create_account` returned a session signed with the **root user's** access keys of account
# `111111111111`. The root user may do anything in its own account, which is exactly why you
# should not use it for daily work. Let's create an IAM user, Anaya, with her own access keys.

# %%
iam = a.client("iam")
iam.create_user(UserName="Anaya")
key = iam.create_access_key(UserName="Anaya")["AccessKey"]
anaya = lab.session(key)
show(anaya.client("sts").get_caller_identity())

# %% [markdown]
# ## Your first denial
#
# Anaya has no policy yet, so AWS denies everything she asks for. `attempt(...)` runs one call
# and shows the error AWS returns instead of a long traceback.

# %%
attempt(lambda: anaya.client("s3").list_buckets())

# %% [markdown]
# Read the message from left to right: **who** (`User: ...Anaya`), **what** (`s3:ListAllMyBuckets`),
# **on which resource**, and **why**: *no identity-based policy allows* it. That is an
# **implicit deny**: nothing said yes. The lab can explain any decision in more detail:

# %%
print(lab.explain_last())

# %% [markdown]
# The explanation lists the request context too: the condition keys AWS attaches to every
# request (`aws:username`, `aws:PrincipalArn`, the time...). Notice what is *not* there:
# Anaya signed this request with long-term access keys, so it carries no
# `aws:MultiFactorAuthPresent` key at all. Keep that in mind: it is the heart of the next
# notebooks.
#
# Now let's give Anaya a policy and try again.

# %%
iam.put_user_policy(
    UserName="Anaya",
    PolicyName="ListBuckets",
    PolicyDocument="""{
      "Version": "2012-10-17",
      "Statement": {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}
    }""",
)
attempt(lambda: anaya.client("s3").list_buckets())

# %% [markdown]
# In the lab a policy change takes effect at once (a lab decision). In real AWS it can take a
# few minutes to propagate, because IAM is eventually consistent.
#
# A statement's `Resource` names what its actions may act on: `"*"` (anything), an S3 bucket
# (`arn:aws:s3:::NAME`) or objects in it (`arn:aws:s3:::NAME/KEY`, where a `*` in the key
# stands for any characters). `ListAllMyBuckets` acts on no particular bucket, so its
# resource is `"*"`; you will need the other forms in the exercise.
#
# ## The trail: every call and its decision
#
# `lab.trail()` is the lab's CloudTrail: one row per call, with the decision and the reason.

# %%
lab.trail()[["time", "principal", "operation", "decision", "error", "reason"]]

# %% [markdown]
# ## The clock and the MFA phone
#
# Time matters in IAM: temporary credentials expire and MFA codes change every 30 seconds.
# The lab's clock only moves when you say so.

# %%
print(lab.clock.now())
lab.clock.advance(minutes=5)
print(lab.clock.now())

# %% [markdown]
# A virtual MFA device is a secret shared between AWS and an authenticator app on your phone.
# The lab creates real ones (RFC 6238 TOTP, 6 digits, 30 seconds) and `lab.totp(serial)` shows
# the code your phone would show right now. To enable a device AWS asks for **two consecutive
# codes**, as you would type them 30 seconds apart.

# %%
device = iam.create_virtual_mfa_device(VirtualMFADeviceName="Anaya")["VirtualMFADevice"]
serial = device["SerialNumber"]
first_code = lab.totp(serial)
lab.clock.advance(seconds=30)
second_code = lab.totp(serial)
iam.enable_mfa_device(
    UserName="Anaya", SerialNumber=serial,
    AuthenticationCode1=first_code, AuthenticationCode2=second_code,
)
print(serial, first_code, second_code)

# %% [markdown]
# Each code is accepted once. That is the lab's rule: AWS refuses a code it has just accepted
# in practice, but does not document the exact rule (`docs/aws-behaviour.md`, "Lab
# decisions" D2). Wait for the next code, then ask STS for temporary credentials *with* MFA,
# and look at the condition keys a request made with them carries:

# %%
lab.clock.advance(seconds=30)
creds = anaya.client("sts").get_session_token(
    SerialNumber=serial, TokenCode=lab.totp(serial)
)["Credentials"]
mfa_session = lab.session(creds)
{k: v for k, v in lab.request_context(mfa_session).items() if "MultiFactor" in k}

# %% [markdown]
# Now `aws:MultiFactorAuthPresent` is `true`, and `aws:MultiFactorAuthAge` counts the seconds
# since Anaya typed her code. Compare with her long-term keys, whose requests carry neither key:

# %%
{k: v for k, v in lab.request_context(anaya).items() if "MultiFactor" in k}

# %% [markdown]
# The code must come from a device that belongs to the caller. STS refuses a serial number
# that is not Anaya's device (here, a typo in the device name), whatever the code:

# %%
lab.clock.advance(seconds=30)
typo = serial.replace("mfa/Anaya", "mfa/Anya")
attempt(lambda: anaya.client("sts").get_session_token(
    SerialNumber=typo, TokenCode=lab.totp(serial)))

# %% [markdown]
# What can be an MFA device for API calls? Only one that shows a code to type: STS's
# `TokenCode` parameter is exactly six digits, as botocore's copy of the STS API model says.
# A FIDO/U2F security key has no code to type (it answers a challenge from the browser), so
# the AWS page says it cannot be used for MFA-protected API access; it protects console
# sign-in only.

# %%
sts_model = anaya.client("sts").meta.service_model
sts_model.operation_model("GetSessionToken").input_shape.members["TokenCode"].metadata

# %% [markdown]
# ## Explore
#
# The panel below decides whether Sofía may stop an EC2 instance under the MFA policy of the
# AWS page. **Try this:** switch the credentials to *long-term access keys*, then flip the
# operator between `Bool` and `BoolIfExists`, and watch the decision and the explanation.

# %%
from iamlab.widgets import mfa_keys_panel

mfa_keys_panel()

# %% [markdown]
# ## What is ahead
#
# Each story of the AWS pages this lab is built from has a trust-flow diagram. Accounts are
# boxes; dashed arrows show who may assume a role and under which condition; grey arrows show
# what a policy allows; thick arrows are calls, green when allowed and orange or red when
# denied. Here is the first one: Richard in account B assumes a role in account A with MFA.

# %%
from iamlab.diagrams import draw
from iamlab.diagrams.from_scenario import trust_flow
from iamlab.scenarios import build_cross_account

story = build_cross_account()
draw(trust_flow(story, story.play("MFA code")))

# %% [markdown]
# ## Exercises
#
# Each exercise ends with a `check(...)` cell. Run it: it tells you what is still wrong. A new
# hint appears only when you try a *different* wrong answer; running the cell again with the
# same answer, or with the `None` still in place, changes nothing.
#
# **Exercise 00.1 · Least privilege.** Account A has a bucket, `team-notes`. Anaya should be
# able to **read the objects** in it, and nothing else: not write them, not list or
# configure the bucket, not read any other bucket. Replace `None` with a policy document (a
# dict) for her. The checker tries your policy on many neighbouring requests, so anything
# broader than the task is reported.

# %%
from iamlab.exercises import check

my_policy = None  # your policy here, e.g. {"Version": "2012-10-17", "Statement": [...]}
check("00.1", my_policy)

# %% [markdown]
# **Exercise 00.2 · Predict.** Another user of account A has this policy:
#
# ```json
# {"Version": "2012-10-17", "Statement": [
#   {"Sid": "ReadNotes", "Effect": "Allow", "Action": "s3:Get*",
#    "Resource": "arn:aws:s3:::team-notes/*"},
#   {"Sid": "NotThePrivateFolder", "Effect": "Deny", "Action": "s3:GetObject",
#    "Resource": "arn:aws:s3:::team-notes/private/*"}]}
# ```
#
# Predict IAM's decision for each request, without running anything: `"allowed"`,
# `"explicitDeny"` or `"implicitDeny"`. The first time you check, you learn only how many
# predictions are wrong.

# %%
my_predictions = {
    "GetObject todo.txt": None,
    "GetObject private/salaries.csv": None,
    "GetObjectTagging private/salaries.csv": None,
    "GetBucketPolicy of team-notes": None,
    "DeleteObject todo.txt": None,
}
check("00.2", my_predictions)

# %% [markdown]
# ## Check your understanding
#
# Each question names the misconception behind every wrong option. Read the question, then
# answer in the cell below it.

# %%
from iamlab.exercises import ask

ask("00.why")

# %%
my_choice = None  # one letter, e.g. "a"
check("00.why", my_choice)

# %%
ask("00.quiz")

# %%
my_quiz = {1: None, 2: None, 3: None}
check("00.quiz", my_quiz)

# %% [markdown]
# ## Key points
#
# - The lab is a real `boto3` target: same calls, same parameters, same error codes as AWS.
# - A denial is **implicit** when nothing allows the request and **explicit** when a `Deny`
#   statement matches; `lab.explain_last()` says which.
# - Requests signed with long-term access keys carry **no** MFA condition keys at all;
#   `GetSessionToken` with an MFA code gives credentials whose requests carry
#   `aws:MultiFactorAuthPresent = true` and `aws:MultiFactorAuthAge`.
# - Least privilege means the exact actions on the exact resources: a wildcard such as
#   `s3:Get*` or `team-notes*` grants more than it seems to.
# - The lab's clock moves only when you advance it; in the lab each MFA code is accepted once.
#
# ## On real AWS (not run by the lab)
#
# The same steps with the AWS CLI, as an administrator of your own test account (never with
# the root user's access keys). Nothing below runs in this notebook.
#
# ```bash
# aws iam create-user --user-name Anaya
# aws iam create-access-key --user-name Anaya
# aws iam put-user-policy --user-name Anaya --policy-name ListBuckets \
#     --policy-document '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}}'
# aws iam create-virtual-mfa-device --virtual-mfa-device-name Anaya \
#     --outfile Anaya-qr.png --bootstrap-method QRCodePNG      # scan it with your phone
# aws iam enable-mfa-device --user-name Anaya \
#     --serial-number arn:aws:iam::ACCOUNT-ID:mfa/Anaya \
#     --authentication-code1 123456 --authentication-code2 789012
# # as Anaya (her access keys in a CLI profile):
# aws sts get-session-token --serial-number arn:aws:iam::ACCOUNT-ID:mfa/Anaya --token-code 123456
# aws sts get-caller-identity
# ```
#
# **In the console:** IAM → Users → Anaya → *Security credentials* → *Assign MFA device*; every
# call shows up in CloudTrail → *Event history* (the real trail, a few minutes late).
#
# **Cost:** IAM, AWS STS and virtual MFA devices cost nothing.
#
# **Clean up:** `aws iam deactivate-mfa-device`, `aws iam delete-virtual-mfa-device`,
# `aws iam delete-access-key`, `aws iam delete-user-policy`, then `aws iam delete-user`.
#
# Next: **01 · MFA condition keys**.
