# %% [markdown]
# # 04 · MFA for sensitive EC2 actions in one account
#
# **Promise:** you will protect the destructive EC2 calls of your own account with MFA, and
# find out exactly which credentials get through, and for how long.
#
# **Estimated time:** 40 minutes (20 teaching, 20 exercises).
#
# ## Objectives
#
# By the end of this notebook you will be able to:
#
# 1. explain why a user must call `GetSessionToken` with her MFA device, and then use the
#    temporary credentials it returns, before an MFA-protected call succeeds;
# 2. read `aws:MultiFactorAuthPresent` and `aws:MultiFactorAuthAge` in a request context and
#    predict how they change as time passes;
# 3. limit how long after MFA a call is allowed, with `NumericLessThan` on
#    `aws:MultiFactorAuthAge`;
# 4. tell a policy denial from expired credentials;
# 5. write an EC2 policy that grants exactly the actions and instances asked for.
#
# ## The story
#
# Account A (`111111111111`) has a group of developers who work with EC2 instances: the
# `Developers` group may run, describe and start them. Stopping and terminating are
# destructive, so Anaya, the account's administrator, keeps them for a few trusted users in
# the group **`EC2-Admins`**, and only when they have signed in with MFA.
#
# Sofía is one of those trusted users. IAM user names may contain only ASCII letters, digits
# and `+=,.@_-`, so her IAM user is called **`Sofia`**. She has a virtual MFA device and
# belongs to both groups. This is the second story of the AWS page
# [Secure API access with MFA](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html).

# %%
import json

from iamlab import tables
from iamlab.data import load_policy
from iamlab.diagrams import story_diagram
from iamlab.notebook import attempt
from iamlab.scenarios import build_same_account_ec2

tables.show_full_cells()
story = build_same_account_ec2()
lab = story.lab
story_diagram(story)

# %% [markdown]
# The dotted lines tie Sofía to her MFA device and her two groups; the grey arrows are what
# each group's policy allows (the `EC2-Admins` one says *if MFA*).
#
# First, the name. IAM refuses the accented spelling:

# %%
iam = story.actor("Anaya").client("iam")
attempt(lambda: iam.create_user(UserName="Sofía"))

# %% [markdown]
# ## Step 1 · The policies
#
# Anaya attached this inline policy to `EC2-Admins`. It allows the two actions only when the
# request carries `aws:MultiFactorAuthPresent = true`:

# %%
iam.get_group_policy(GroupName="EC2-Admins", PolicyName="EC2-StopTerminate-MFA")["PolicyDocument"]

# %% [markdown]
# The `Developers` policy has no condition; it is why Sofía can look at the instances at all:

# %%
iam.get_group_policy(GroupName="Developers", PolicyName="EC2-Developers")["PolicyDocument"]

# %% [markdown]
# ## Step 2 · Sofía with her long-term access keys
#
# Her scripts sign requests with her access keys. Describing works; stopping does not:

# %%
sofia = story.sofia
first, second = story.instances
ec2_keys = sofia.client("ec2")
print("describe:", attempt(lambda: ec2_keys.describe_instances()))
print("stop:    ", attempt(lambda: ec2_keys.stop_instances(InstanceIds=[first])))

# %% [markdown]
# EC2 names its denial `UnauthorizedOperation` (HTTP 403). In AWS the message would end with
# an *encoded authorization failure message* that only `sts:DecodeAuthorizationMessage` can
# read; the lab writes the reason in plain words instead (a lab decision:
# `docs/aws-behaviour.md`, "EC2"). The full explanation:

# %%
print(lab.explain_last())

# %% [markdown]
# Requests signed with long-term keys carry **no** MFA key at all, so the `Bool` condition
# fails, whether or not Sofía owns an MFA device. Long-term keys never expire, so they can
# never prove a recent MFA sign-in.
#
# ## Step 3 · `GetSessionToken` without MFA
#
# `GetSessionToken` turns long-term keys into temporary credentials. Called without MFA
# parameters it still works, but the new credentials say so:

# %%
sts = sofia.client("sts")
no_mfa = lab.session(sts.get_session_token()["Credentials"])


def mfa_keys(session):
    """The MFA condition keys a request made now with ``session`` would carry."""
    return {k: v for k, v in lab.request_context(session).items() if "MultiFactor" in k}


mfa_keys(no_mfa)

# %%
attempt(lambda: no_mfa.client("ec2").stop_instances(InstanceIds=[first]))

# %% [markdown]
# Now the key is present, and `false`. Still denied. Temporary credentials obtained without
# MFA cannot call IAM at all, not even to read Sofía's own user; the error is not even an
# `AccessDenied`. (The rule comes from the STS API reference; an older AWS page says these
# credentials cannot call IAM even with MFA, and the error code is the one users report: both
# are lab decisions, `docs/aws-behaviour.md`, "Lab decisions" D6.)

# %%
attempt(lambda: no_mfa.client("iam").get_user(UserName="Sofia"))

# %% [markdown]
# ## Step 4 · `GetSessionToken` with MFA
#
# Sofía passes her device's serial number and the code her phone shows:

# %%
code = lab.totp(sofia.mfa_serial)  # what her phone shows now
response = sts.get_session_token(SerialNumber=sofia.mfa_serial, TokenCode=code)
with_mfa = lab.session(response["Credentials"])
print("expires:", response["Credentials"]["Expiration"])
mfa_keys(with_mfa)

# %% [markdown]
# The credentials last 12 hours, `GetSessionToken`'s default. Requests made with them carry
# `aws:MultiFactorAuthPresent = true` and `aws:MultiFactorAuthAge`, the number of seconds
# since she typed the code. Now the destructive calls go through:

# %%
ec2 = with_mfa.client("ec2")
print("stop:     ", attempt(lambda: ec2.stop_instances(InstanceIds=[first])))
print("terminate:", attempt(lambda: ec2.terminate_instances(InstanceIds=[second])))

# %%
[(i["InstanceId"], i["State"]["Name"])
 for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]

# %% [markdown]
# ## "Sign out and sign in again"
#
# The AWS page warns that after the policy is attached, users must sign out and back in
# before it takes effect. In API terms: whether MFA was used is fixed when credentials are
# **issued**. The credentials Sofía obtained without MFA in Step 3 do not become MFA
# credentials because she has since used her device:

# %%
{"earlier, without MFA": mfa_keys(no_mfa), "new, with MFA": mfa_keys(with_mfa)}

# %% [markdown]
# The policy itself, on the other hand, is read on every request: a change reaches existing
# credentials at once. (In the lab this is instant; in AWS a change can take a few minutes to
# propagate: a lab decision, `docs/aws-behaviour.md`, "Lab decisions" D4.) So it is the
# *credentials* that must be renewed, not the policy.
#
# ## Step 5 · The MFA age grows
#
# The lab's clock only moves when told. Ten minutes later, the same credentials report an
# older MFA sign-in:

# %%
lab.clock.advance(minutes=10)
mfa_keys(with_mfa)

# %% [markdown]
# With the AWS page's policy the age does not matter: the credentials pass the `Bool` test for
# their whole 12 hours. Anaya decides that one hour after typing a code is enough, and adds a
# second condition (both conditions of a statement must hold):

# %%
timed = load_policy("ec2-admins-mfa")
timed["Statement"][0]["Condition"]["NumericLessThan"] = {"aws:MultiFactorAuthAge": "3600"}
iam.put_group_policy(
    GroupName="EC2-Admins", PolicyName="EC2-StopTerminate-MFA", PolicyDocument=json.dumps(timed)
)
timed["Statement"][0]["Condition"]

# %% [markdown]
# Sofía starts the first instance again (the `Developers` policy allows that) and stops it,
# ten minutes after her MFA sign-in:

# %%
print("start:", attempt(lambda: ec2.start_instances(InstanceIds=[first])))
print("stop: ", attempt(lambda: ec2.stop_instances(InstanceIds=[first])))

# %% [markdown]
# Fifty-five minutes later her MFA sign-in is more than an hour old. Her credentials are still
# valid (they last 12 hours), but the new condition no longer holds:

# %%
lab.clock.advance(minutes=55)
print(mfa_keys(with_mfa))
print("start:", attempt(lambda: ec2.start_instances(InstanceIds=[first])))
print("stop: ", attempt(lambda: ec2.stop_instances(InstanceIds=[first])))

# %%
print(lab.explain_last())

# %% [markdown]
# The fix is to sign in with MFA again: new credentials, a new code, the age back at zero.

# %%
again = sts.get_session_token(SerialNumber=sofia.mfa_serial, TokenCode=lab.totp(sofia.mfa_serial))
ec2 = lab.session(again["Credentials"]).client("ec2")
attempt(lambda: ec2.stop_instances(InstanceIds=[first]))

# %% [markdown]
# ## Step 6 · Credentials expire
#
# `DurationSeconds` sets how long `GetSessionToken` credentials live: from 15 minutes up to
# 36 hours for an IAM user, 12 hours by default. Half a minute later, Sofía asks for the
# shortest. (Why wait? In the lab each code is accepted only once per device, so the next call
# needs the next code. Users report the same on AWS, which does not document it: a lab
# decision, `docs/aws-behaviour.md`, "Lab decisions" D2.)

# %%
lab.clock.advance(seconds=30)
short = sts.get_session_token(
    DurationSeconds=900, SerialNumber=sofia.mfa_serial, TokenCode=lab.totp(sofia.mfa_serial)
)["Credentials"]
ec2_short = lab.session(short).client("ec2")
print("expires:", short["Expiration"])
lab.clock.advance(minutes=14)
print("after 14 minutes:", attempt(lambda: ec2_short.describe_instances()))
lab.clock.advance(minutes=1)
print("after 15 minutes:", attempt(lambda: ec2_short.describe_instances()))

# %% [markdown]
# An expired credential fails for **every** call, even ones no policy protects. That is
# not a policy decision (look at the code, `RequestExpired`, not `UnauthorizedOperation`):
# the request is rejected before any policy is read. The only way on is new credentials:
# Sofía calls `GetSessionToken` again, with a new code.
#
# ## The whole story at a glance
#
# `story.play(credentials=..., mfa_age=...)` rewinds the lab to the freshly built story (the
# AWS page's policy again, both instances running) and replays Sofía's three calls. Here are her
# three kinds of credentials, one after the other:

# %%
from iamlab.scenarios.stories import CREDENTIAL_CHOICES
from iamlab.widgets import attempts_table

runs = {c: attempts_table(story.play(credentials=c)) for c in CREDENTIAL_CHOICES}
tables.concat(runs)[["call", "outcome", "error"]]

# %%
story_diagram(story, story.play(credentials="GetSessionToken with MFA"))

# %% [markdown]
# ## Explore
#
# **Try this:** pick each kind of credentials in turn, then with *GetSessionToken with MFA*
# drag the slider all the way right (36 hours, the credentials' lifetime in this panel) and
# watch every call fail at once.

# %%
from iamlab.widgets import same_account_ec2_panel

same_account_ec2_panel(story)

# %% [markdown]
# ## Exercises
#
# Each exercise ends with a `check(...)` cell. The checker tries your policy on many
# neighbouring requests (other EC2 actions and services, other instances, accounts, regions and
# credentials), so an answer broader than the task is reported as firmly as a wrong one. A new
# hint appears only for a *different* wrong answer; running the same answer again changes
# nothing.
#
# **Exercise 04.1 · A shorter leash for terminating.** Write a new policy for `EC2-Admins`,
# for **account A's instances in `us-east-1`** only: stopping an instance needs an MFA sign-in
# (of any age), and **terminating** needs an MFA sign-in younger than **15 minutes**. Requests
# without MFA must fail for both. The policy grants nothing else: the checker judges it on its
# own, without the Developers policy beside it.

# %%
from iamlab.exercises import check

ec2_admins = None  # your policy for the EC2-Admins group
check("04.1", ec2_admins)

# %% [markdown]
# **Exercise 04.2 · Which credentials work?** The AWS page's policy is back (only `Bool`, no
# age limit). For each way Sofía may call `ec2:StopInstances`, predict `"allowed"` or
# `"denied"`. The checker asks a fresh lab; the first check says only how many are wrong.

# %%
prediction = {
    "long-term access keys": None,
    "GetSessionToken without MFA": None,
    "GetSessionToken with MFA, 10 minutes later": None,
    "GetSessionToken with MFA, 11 hours later": None,
    "GetSessionToken with MFA and DurationSeconds=3600, 2 hours later": None,
}
check("04.2", prediction)

# %% [markdown]
# ## Check your understanding

# %%
from iamlab.exercises import ask

ask("04.why")

# %%
my_choice = None  # one letter, e.g. "a"
check("04.why", my_choice)

# %%
ask("04.quiz")

# %%
my_quiz = {1: None, 2: None, 3: None, 4: None}
check("04.quiz", my_quiz)

# %% [markdown]
# ## Key points
#
# - A policy with `Bool aws:MultiFactorAuthPresent "true"` is satisfied only by temporary
#   credentials obtained **with** MFA; for one's own account that means `GetSessionToken`
#   with `SerialNumber` and `TokenCode`.
# - Long-term keys carry no MFA key (the `Bool` test fails); `GetSessionToken` without MFA
#   carries `false`. Credentials never gain MFA later: get new ones.
# - `aws:MultiFactorAuthAge` counts seconds since the code was typed;
#   `NumericLessThan` on it makes an MFA sign-in go stale before the credentials expire.
# - Expired credentials fail every call before any policy is read.
# - Grant exactly what the task names: full action names (no `ec2:*`, `ec2:St*` or
#   `ec2:*Instances`), and the account and region in the instance ARN instead of `"*"`.
#
# ## On real AWS (not run by the lab)
#
# The same story with the AWS CLI in a test account of your own. Nothing below runs here.
#
# ```bash
# # as an administrator (Anaya)
# aws iam create-group --group-name EC2-Admins
# aws iam put-group-policy --group-name EC2-Admins --policy-name EC2-StopTerminate-MFA \
#     --policy-document file://ec2-admins-mfa.json
# aws iam add-user-to-group --group-name EC2-Admins --user-name Sofia
# # as Sofia (her access keys in the default profile): temporary credentials with MFA
# aws sts get-session-token --serial-number arn:aws:iam::ACCOUNT-ID:mfa/Sofia \
#     --token-code 123456 --duration-seconds 900
# export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... AWS_SESSION_TOKEN=...   # from the output
# aws ec2 stop-instances --instance-ids i-0123456789abcdef0 --dry-run
# aws ec2 terminate-instances --instance-ids i-0123456789abcdef0 --dry-run
# ```
#
# `--dry-run` answers `DryRunOperation` when the call would be allowed and
# `UnauthorizedOperation` when not, without touching the instance; the real message ends with
# an encoded authorization message that `aws sts decode-authorization-message` turns into
# text. **In the console:** IAM → *User groups* → EC2-Admins → *Permissions*; IAM → *Users* →
# Sofia → *Security credentials* for her MFA device; EC2 → *Instances* → *Instance state* to
# stop or terminate.
#
# **Cost:** IAM and AWS STS cost nothing. EC2 instances are billed while they run (and their
# volumes while they exist): test with `--dry-run`, or launch the smallest instance type and
# terminate it when done.
#
# **Clean up:** terminate the instances you launched, then `aws iam remove-user-from-group`,
# `aws iam delete-group-policy`, `aws iam delete-group`, and for a test user
# `aws iam deactivate-mfa-device`, `aws iam delete-virtual-mfa-device`, its access keys and
# `aws iam delete-user`.
#
# Next: **05 · Resource policy S3**, where the MFA condition sits in a bucket policy that three
# accounts share.
