# %% [markdown]
# # 02 · GetSessionToken vs AssumeRole: which credentials carry MFA?
#
# **Promise:** in 30 minutes you will measure, credential by credential, what a request tells
# AWS about MFA, and you will know which STS call to use for a role in another account and
# which for a bucket policy that demands MFA.
#
# **Estimated time:** 30 minutes.
#
# ## Objectives
#
# By the end of this notebook you will be able to:
#
# 1. list the MFA context (`aws:MultiFactorAuthPresent`, `aws:MultiFactorAuthAge`,
#    `aws:TokenIssueTime`) of each kind of credentials, from long-term keys to role chaining;
# 2. explain what `GetSessionToken` credentials may and may not call;
# 3. choose `AssumeRole` for cross-account access and `GetSessionToken` for resource policies
#    that check MFA, and say where the AWS documentation itself is unsure.
#
# ## The story
#
# Richard works in account B. Anaya, administrator of account A, created **CrossAccountRole**
# for him: its trust policy trusts account B, but only with MFA
# (`Bool {"aws:MultiFactorAuthPresent": "true"}`), and the role may work on the DynamoDB
# table `Books`. Richard has a virtual MFA device and a policy that lets him call
# `sts:AssumeRole` on that role.
#
# STS has two calls that accept an MFA code (`SerialNumber` + `TokenCode`):
# **GetSessionToken** (temporary credentials for *yourself*) and **AssumeRole** (temporary
# credentials for a *role*). We will ask for credentials in every way Richard can and look at
# what each one carries.

# %%
from iamlab.diagrams import story_diagram
from iamlab.scenarios import build_cross_account

story = build_cross_account()
lab, richard = story.lab, story.richard
story_diagram(story)

# %% [markdown]
# ## Hands-on 1: collect every kind of credentials
#
# We keep each kind in `creds` and look at the three keys that matter here. The first kind
# is Richard's long-term access keys.

# %%
from iamlab.notebook import attempt

MFA_KEYS = ["aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge", "aws:TokenIssueTime"]


def mfa_context(credentials):
    """The three MFA-related keys a request signed with `credentials` carries right now."""
    context = lab.request_context(credentials)
    return {k: context.get(k, "(absent)") for k in MFA_KEYS}


creds = {"long-term keys": richard.session}
sts = richard.client("sts")
mfa_context(richard.session)

# %% [markdown]
# **GetSessionToken with MFA.** Richard passes his device's serial number and the code his
# phone shows (`lab.totp`).

# %%
creds["GetSessionToken with MFA"] = sts.get_session_token(
    SerialNumber=richard.mfa_serial, TokenCode=lab.totp(richard.mfa_serial)
)["Credentials"]
mfa_context(creds["GetSessionToken with MFA"])

# %% [markdown]
# **GetSessionToken without MFA.** The call needs no code and no permission at all; the
# credentials it returns say "no MFA".

# %%
lab.clock.advance(minutes=5)
creds["GetSessionToken without MFA"] = sts.get_session_token()["Credentials"]
mfa_context(creds["GetSessionToken without MFA"])

# %% [markdown]
# **GetSessionToken by the root user.** Account B's root user may call it too, but
# MFA-protected API access is not available to root: its session always says `false`.
# (AWS also caps root's session at one hour.) And the root user cannot assume roles at all:

# %%
b_root_sts = story.root("222222222222").client("sts")
creds["GetSessionToken by root"] = b_root_sts.get_session_token()["Credentials"]
print(mfa_context(creds["GetSessionToken by root"]))
print(creds["GetSessionToken by root"]["Expiration"])
attempt(lambda: b_root_sts.assume_role(RoleArn=story.cross_account_role, RoleSessionName="root"))

# %% [markdown]
# **AssumeRole with MFA.** Richard assumes CrossAccountRole with a fresh code (codes are
# single-use, so we wait 30 seconds for the next one). The trust policy sees
# `MultiFactorAuthPresent = true` *for this call* and lets him in. But look at what the role
# session carries afterwards:

# %%
lab.clock.advance(seconds=30)
creds["AssumeRole with MFA"] = sts.assume_role(
    RoleArn=story.cross_account_role, RoleSessionName="Richard",
    SerialNumber=richard.mfa_serial, TokenCode=lab.totp(richard.mfa_serial),
)["Credentials"]
mfa_context(creds["AssumeRole with MFA"])

# %% [markdown]
# `false`: by default this lab follows the AWS page on MFA-protected API access, which says
# that role credentials from `AssumeRole` carry no MFA information. The code was checked once,
# by the trust policy, when the role was assumed. We come back to this below, because other
# AWS pages say otherwise.
#
# **AssumeRole without MFA.** CrossAccountRole refuses that, so account B's administrator
# creates a second role, **Helper**, in account B. Its trust policy names Richard himself (in
# the same account that is enough: he needs no extra permission) and Helper may in turn
# assume CrossAccountRole.

# %%
import json

b_iam = story.root("222222222222").client("iam")
helper = b_iam.create_role(RoleName="Helper", AssumeRolePolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Principal": {"AWS": richard.arn},
                  "Action": "sts:AssumeRole"}}))["Role"]["Arn"]
b_iam.put_role_policy(RoleName="Helper", PolicyName="AssumeCrossAccountRole",
                      PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": {
                          "Effect": "Allow", "Action": "sts:AssumeRole",
                          "Resource": story.cross_account_role}}))
creds["AssumeRole without MFA"] = sts.assume_role(
    RoleArn=helper, RoleSessionName="Richard")["Credentials"]
mfa_context(creds["AssumeRole without MFA"])

# %% [markdown]
# **AssumeRole called with GetSessionToken(MFA) credentials.** Richard first signs in with
# MFA through `GetSessionToken` (earlier, at 09:00:30), then uses *those* credentials to
# assume the role, without a new code. The trust policy sees `true`, and the role session
# keeps `true`, with the age counted from the original MFA sign-in. There is a price: this
# counts as role chaining, so the session may last at most one hour.

# %%
lab.clock.advance(minutes=10)
gst_sts = lab.session(creds["GetSessionToken with MFA"]).client("sts")
print(attempt(lambda: gst_sts.assume_role(
    RoleArn=story.cross_account_role, RoleSessionName="Richard", DurationSeconds=7200)))
creds["AssumeRole with GetSessionToken(MFA) credentials"] = gst_sts.assume_role(
    RoleArn=story.cross_account_role, RoleSessionName="Richard")["Credentials"]
print(lab.clock.now(), "->", creds["AssumeRole with GetSessionToken(MFA) credentials"]["Expiration"])
mfa_context(creds["AssumeRole with GetSessionToken(MFA) credentials"])

# %% [markdown]
# **Role chaining.** A role session that assumes another role passes on what it carries.
# Helper assumed with the MFA credentials carries `true`, so it may go on to
# CrossAccountRole; Helper assumed with long-term keys carries `false`, and the same step is
# refused by CrossAccountRole's trust policy.

# %%
from_mfa = gst_sts.assume_role(RoleArn=helper, RoleSessionName="Richard")["Credentials"]
chain_sts = lab.session(from_mfa).client("sts")
creds["role chaining (from an MFA session)"] = chain_sts.assume_role(
    RoleArn=story.cross_account_role, RoleSessionName="chained")["Credentials"]
print(mfa_context(creds["role chaining (from an MFA session)"]))
no_mfa_sts = lab.session(creds["AssumeRole without MFA"]).client("sts")
attempt(lambda: no_mfa_sts.assume_role(
    RoleArn=story.cross_account_role, RoleSessionName="chained"))

# %% [markdown]
# ## The table
#
# All the kinds side by side, measured at the same moment:

# %%
import pandas as pd

print("now:", lab.clock.now())
table = pd.DataFrame({kind: mfa_context(c) for kind, c in creds.items()}).T
table

# %% [markdown]
# Read it row by row:
#
# - **Long-term keys** carry none of the three keys.
# - **GetSessionToken** credentials carry `true` and an age only when a code was given, and
#   never for the root user.
# - **AssumeRole with a code** carries `false` in this lab's default mode: the code opened the
#   door (the trust policy), and nothing of it is left on the session.
# - **AssumeRole with GetSessionToken(MFA) credentials**, and role chaining from such a
#   session, keep `true` with the age counted from the *original* sign-in (930 s here).
# - Every kind of temporary credentials carries `aws:TokenIssueTime`.
#
# ## Hands-on 2: what GetSessionToken credentials may call
#
# `GetSessionToken` credentials are for calling services as yourself. They have two limits:
#
# 1. **IAM** accepts them only if MFA was used. Without MFA, IAM does not even evaluate a
#    policy: it rejects the credentials with `InvalidClientTokenId`. With MFA, IAM evaluates
#    Richard's policies as usual (and here none allows the call, so `AccessDenied`).

# %%
no_mfa_iam = lab.session(creds["GetSessionToken without MFA"]).client("iam")
mfa_iam = lab.session(creds["GetSessionToken with MFA"]).client("iam")
print("without MFA:", attempt(lambda: no_mfa_iam.list_mfa_devices()))
print("with MFA:   ", attempt(lambda: mfa_iam.list_mfa_devices()))

# %% [markdown]
# 2. In **STS** they may call only `AssumeRole` (we did) and `GetCallerIdentity`. No
#    temporary credentials may call `GetSessionToken` or `GetFederationToken`.

# %%
print(attempt(lambda: gst_sts.get_caller_identity()))
print(attempt(lambda: gst_sts.get_session_token()))
print(attempt(lambda: gst_sts.get_federation_token(Name="Richard")))

# %% [markdown]
# ## Two AWS texts that disagree
#
# Is a role session from `AssumeRole` with an MFA code "an MFA session"? AWS's own pages
# give two answers:
#
# - The page **"Secure API access with MFA"** (formerly "Configuring MFA-protected API
#   access", the page this lab is built from) says, in its section on choosing between
#   GetSessionToken and AssumeRole, that the temporary credentials returned by `AssumeRole`
#   do not include MFA information, so individual API calls cannot be checked for MFA; MFA is
#   enforced when the role is assumed. It repeats this in the bucket-policy scenario: role
#   credentials will not satisfy the bucket's MFA condition.
# - The page **"AWS global condition context keys"** describes
#   `aws:MultiFactorAuthPresent` as present for temporary credentials from `AssumeRole` or
#   `GetSessionToken` and never says that role sessions lack MFA. The comparison table on
#   **"Requesting temporary security credentials"** adds that MFA information passed to
#   `AssumeRole` ensures the resulting credentials can only be used by MFA-authenticated
#   users, and a CloudTrail example in the IAM guide shows an assumed-role session with
#   `mfaAuthenticated: true`.
#
# Reports from users of real AWS conflict as well. The lab therefore has a switch.
# `Lab()` (the default, `role_session_mfa="mfa_page"`) follows the first page;
# `Lab(role_session_mfa="propagate")` follows the second reading. Here is the same AssumeRole
# call in both:

# %%
def assume_with_mfa(mode):
    """Richard assumes CrossAccountRole with a code in a fresh story of the given mode."""
    s = build_cross_account(role_session_mfa=mode)
    out = s.richard.client("sts").assume_role(
        RoleArn=s.cross_account_role, RoleSessionName="Richard",
        SerialNumber=s.richard.mfa_serial, TokenCode=s.lab.totp(s.richard.mfa_serial))
    s.lab.clock.advance(minutes=5)
    context = s.lab.request_context(out["Credentials"])
    return {k: context.get(k, "(absent)") for k in MFA_KEYS[:2]}


pd.DataFrame({mode: assume_with_mfa(mode) for mode in ("mfa_page", "propagate")}).T

# %% [markdown]
# Which one is right for your account? Test it in a sandbox account before you rely on it.
# The safe design works under both readings, and it is what the first page recommends.
#
# ## Which call for which job
#
# **Cross-account access: AssumeRole.** The role's trust policy checks MFA at the moment the
# role is assumed (the dashed trust arrow in the diagram at the top). The role's permissions need no MFA
# condition.
#
# **A resource policy that checks MFA: GetSessionToken.** A bucket policy tests
# `aws:MultiFactorAuthPresent` on *every* request. In the AWS page's third story, Nikhil of
# account C writes to account A's bucket, whose policy trusts accounts A, B and C with MFA:

# %%
from iamlab.scenarios import build_resource_policy_s3
from iamlab.widgets import attempts_table

bucket_story = build_resource_policy_s3()
pd.concat([attempts_table(bucket_story.play(credentials=kind))
           for kind in ("GetSessionToken with MFA", "AssumeRole with MFA")])

# %% [markdown]
# With `GetSessionToken` credentials Nikhil writes and deletes; with the role session (which
# carries `false` here) the bucket refuses him. Under the `propagate` reading the role session
# would pass:

# %%
attempts_table(build_resource_policy_s3(role_session_mfa="propagate").play(
    credentials="AssumeRole with MFA"))

# %% [markdown]
# Since AWS's own page says it will not, build on `GetSessionToken` for resource policies.
#
# ## Explore
#
# The panel replays Nikhil's story. **Try this:** pick each kind of credentials in turn and
# read, in the explanation, which value of `aws:MultiFactorAuthPresent` the bucket policy saw.

# %%
from iamlab.widgets import resource_policy_s3_panel

resource_policy_s3_panel(bucket_story)

# %% [markdown]
# ## Exercises
#
# **Exercise 02.1.** Account A's bucket policy is the one above (Allow `s3:PutObject` and
# `s3:DeleteObject` to accounts A, B and C if `Bool {"aws:MultiFactorAuthPresent": "true"}`),
# and Nikhil's own policies allow the calls. In this lab's default mode, which credentials
# should Nikhil use? Answer with one of `"long-term keys"`, `"GetSessionToken without MFA"`,
# `"GetSessionToken with MFA"`, `"AssumeRole with MFA"`.

# %%
from iamlab.exercises import check

my_choice = None  # one of the four kinds above
check("02.1", my_choice)

# %% [markdown]
# **Exercise 02.2.** Fill in the `aws:MultiFactorAuthPresent` column of the table for a lab
# built with `Lab(role_session_mfa="propagate")`. Use `"absent"`, `"false"` or `"true"`.

# %%
my_column = {
    "long-term keys": "absent",
    "GetSessionToken with MFA": "true",
    "GetSessionToken without MFA": None,
    "GetSessionToken by root": None,
    "AssumeRole with MFA": None,
    "AssumeRole without MFA": None,
    "AssumeRole with GetSessionToken(MFA) credentials": None,
}
check("02.2", my_column)

# %% [markdown]
# ## Key points
#
# - Long-term access keys never carry MFA keys. `GetSessionToken` with a code gives
#   credentials that carry `aws:MultiFactorAuthPresent = true` and `aws:MultiFactorAuthAge`
#   on every request; without a code, or for root, they carry `false`.
# - `GetSessionToken` credentials may call IAM only if MFA was used, and in STS only
#   `AssumeRole` and `GetCallerIdentity`.
# - `AssumeRole` with a code satisfies the trust policy at that moment. Whether the role
#   session still says "MFA" afterwards is where AWS's pages disagree; the MFA page says no.
# - `AssumeRole` called with `GetSessionToken(MFA)` credentials keeps `true`, but the session
#   is capped at one hour, like role chaining.
# - Use `AssumeRole` for roles in other accounts, and `GetSessionToken` when a resource
#   policy checks MFA.
#
# Next: the notebook on cross-account delegation puts `AssumeRole` with MFA to work.
