# %% [markdown]
# # 02 · GetSessionToken vs AssumeRole: which credentials carry MFA?
#
# **Promise:** you will measure, credential by credential, what a request tells AWS about MFA,
# and you will know which STS call to use for a role in another account and which for a
# resource policy that demands MFA.
#
# **Estimated time:** 45 minutes (25 teaching, 20 exercises).
#
# ## Objectives
#
# By the end of this notebook you will be able to:
#
# 1. list the MFA context (`aws:MultiFactorAuthPresent`, `aws:MultiFactorAuthAge`,
#    `aws:TokenIssueTime`) of each kind of credentials, from long-term keys to role chaining;
# 2. explain what `GetSessionToken` credentials may and may not call;
# 3. choose `AssumeRole` for cross-account access and `GetSessionToken` for resource policies
#    that check MFA, and say where the AWS documentation itself is unsure;
# 4. tell which of these rules AWS documents and which are the lab's own decisions.
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
# what each one carries. Both calls come from the AWS page
# [Secure API access with MFA](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html).

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
# **AssumeRole with MFA.** Richard assumes CrossAccountRole with a fresh code. (In the lab a
# code is accepted only once per device, so we wait 30 seconds for the next one; users report
# the same on AWS, which does not document it: a lab decision, `docs/aws-behaviour.md`, "Lab
# decisions" D2.) The trust policy sees
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
# by the trust policy, when the role was assumed. Other AWS pages say otherwise, so this is a
# lab decision (`docs/aws-behaviour.md`, "Lab decisions" D1); we come back to it below.
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
# **Role chaining.** In the lab a role session that assumes another role passes on what it
# carries. AWS documents no rule for MFA along a chain, so this too is a lab decision
# (`docs/aws-behaviour.md`, "Lab decisions" D1). Helper assumed with the MFA credentials
# carries `true`, so it may go on to CrossAccountRole; Helper assumed with long-term keys
# carries `false`, and the same step is refused by CrossAccountRole's trust policy.

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
# The lab keeps one table of what each kind of credentials carries, in
# `iamlab.scenarios.mfa_context`. It is not typed in: it is measured, with the same boto3 calls
# you just made, in a fresh lab (Sofía of account A, with a role she may assume and a second
# role for chaining), right after each kind of credentials is issued. The other notebooks and
# the exercise checkers read the same table.

# %%
from iamlab import tables
from iamlab.scenarios import mfa_context as m

tables.show_full_cells()
tables.frame(m.rows(), index="credentials")

# %% [markdown]
# Richard's measurements above agree with it. Side by side, `aws:MultiFactorAuthPresent` as
# measured for Richard and as the lab's table has it:

# %%
SAME_KIND = {
    "long-term keys": m.LONG_TERM,
    "GetSessionToken with MFA": m.GST_MFA,
    "GetSessionToken without MFA": m.GST,
    "GetSessionToken by root": m.ROOT_GST,
    "AssumeRole with MFA": m.AR_MFA,
    "AssumeRole without MFA": m.AR,
    "AssumeRole with GetSessionToken(MFA) credentials": m.GST_MFA_AR,
}
PRESENT = "aws:MultiFactorAuthPresent"
tables.by_label({
    kind: {"measured for Richard": mfa_context(creds[kind])[PRESENT],
           "the lab's table": m.mfa_keys(row).get(PRESENT, "(absent)")}
    for kind, row in SAME_KIND.items()
})

# %% [markdown]
# Read the table row by row:
#
# - **Long-term keys** (an IAM user's or root's) carry none of the three keys.
# - **GetSessionToken** credentials carry `true` and an age only when a code was given, and
#   never for the root user.
# - **AssumeRole with a code** carries `false` in this lab's default reading: the code opened
#   the door (the trust policy), and nothing of it is left on the session.
# - **AssumeRole with GetSessionToken(MFA) credentials** keeps `true`, with the age counted from
#   the *original* sign-in (Richard's measured 930 s above).
# - **Role chaining** carries what the calling session carries: `false` after a role session
#   from AssumeRole with a code (the table's row), `true` after one that carried MFA
#   (Richard's chain above).
# - **GetFederationToken** carries no MFA key at all: AWS has no MFA for federated users.
# - Every kind of temporary credentials carries `aws:TokenIssueTime`.
#
# ## Hands-on 2: what GetSessionToken credentials may call
#
# `GetSessionToken` credentials are for calling services as yourself. They have two limits,
# from the STS API reference. An older AWS page says they cannot call IAM or STS at all, so
# both limits, and the `InvalidClientTokenId` error code (which users report), are lab
# decisions (`docs/aws-behaviour.md`, "Lab decisions" D6):
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
# give two answers (`docs/aws-behaviour.md`, "Where AWS's own pages disagree"):
#
# - [Secure API access with MFA](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html)
#   (formerly "Configuring MFA-protected API access", the page this lab is built from) says, in
#   its section on choosing between GetSessionToken and AssumeRole, that the temporary
#   credentials returned by `AssumeRole` do not include MFA information, so individual API
#   calls cannot be checked for MFA; MFA is enforced when the role is assumed. It repeats this
#   in the bucket-policy story: role credentials will not satisfy the bucket's MFA condition.
# - [AWS global condition context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
#   describes `aws:MultiFactorAuthPresent` as present for temporary credentials from
#   `AssumeRole` or `GetSessionToken` and never says that role sessions lack MFA.
#   [Compare AWS STS credentials](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_request.html)
#   adds that MFA information passed to `AssumeRole` limits the resulting credentials to
#   MFA-authenticated users, and an example record on
#   [Logging IAM and AWS STS API calls with AWS CloudTrail](https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html)
#   shows an assumed-role session with `mfaAuthenticated` `true`.
#
# Reports from users of real AWS differ as well. The lab therefore has a switch, and both
# settings are lab decisions (`docs/aws-behaviour.md`, "Lab decisions" D1): `Lab()` (the
# default, `role_session_mfa="mfa_page"`) follows the first page;
# `Lab(role_session_mfa="propagate")` follows the second reading. Here is the same AssumeRole
# call in both, five minutes after it:

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


tables.by_label({mode: assume_with_mfa(mode) for mode in ("mfa_page", "propagate")})

# %% [markdown]
# Which one is right for your account? Test it in a sandbox account before you rely on it
# (the last section shows where to look). The safe design works under both readings, and it is
# what the first page recommends: check MFA in the trust policy, and use GetSessionToken where
# every request must carry MFA.
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
tables.concat([attempts_table(bucket_story.play(credentials=kind))
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
# Both exercises are predictions: the first check of an answer says only how many items are
# wrong; a *different* answer then names them, with a question to ask yourself.
#
# **Exercise 02.1 · A queue in account A.** Account A has an SQS queue, `orders`, whose policy
# lets account B send messages only with MFA, and only within an hour of the MFA sign-in:
#
# ```json
# {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "sqs:SendMessage",
#  "Resource": "arn:aws:sqs:us-east-1:111111111111:orders",
#  "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"},
#                "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}
# ```
#
# Account B's own policies allow everything. For each way Richard may send (the Helper role is
# the one of Hands-on 1, in account B), predict `"allowed"` or `"denied"` in the lab's default
# reading.

# %%
from iamlab.exercises import check

my_queue = {
    "long-term keys": None,
    "GetSessionToken without MFA": None,
    "GetSessionToken with MFA, 10 minutes later": None,
    "GetSessionToken with MFA, 2 hours later": None,
    "AssumeRole (Helper) with an MFA code, 10 minutes later": None,
    "AssumeRole (Helper) with GetSessionToken(MFA) credentials, 10 minutes later": None,
}
check("02.1", my_queue)

# %% [markdown]
# **Exercise 02.2 · The other reading.** The table above is the lab's default reading. Fill in
# the `aws:MultiFactorAuthPresent` column for a lab built with
# `Lab(role_session_mfa="propagate")`: `"absent"`, `"false"` or `"true"` for each row.

# %%
my_column = {
    "long-term access keys": None,
    "GetSessionToken without MFA": None,
    "GetSessionToken with MFA": None,
    "AssumeRole without MFA": None,
    "GetSessionToken with MFA, then AssumeRole": None,
    "role chaining (after AssumeRole with MFA)": None,
    "GetFederationToken": None,
    "root user's GetSessionToken": None,
}
check("02.2", my_column)

# %% [markdown]
# ## Check your understanding

# %%
from iamlab.exercises import ask

ask("02.why")

# %%
my_choice = None  # one letter, e.g. "a"
check("02.why", my_choice)

# %%
ask("02.quiz")

# %%
my_quiz = {1: None, 2: None, 3: None, 4: None}
check("02.quiz", my_quiz)

# %% [markdown]
# ## Key points
#
# - Long-term access keys never carry MFA keys. `GetSessionToken` with a code gives
#   credentials that carry `aws:MultiFactorAuthPresent = true` and `aws:MultiFactorAuthAge`
#   on every request; without a code, or for root, they carry `false`.
# - `GetSessionToken` credentials may call IAM only if MFA was used, and in STS only
#   `AssumeRole` and `GetCallerIdentity` (the STS reference; an older page says less: a lab
#   decision, D6).
# - `AssumeRole` with a code satisfies the trust policy at that moment. Whether the role
#   session still says "MFA" afterwards is where AWS's pages disagree; the MFA page says no,
#   and the lab follows it by default (D1).
# - `AssumeRole` called with `GetSessionToken(MFA)` credentials keeps `true`, but the session
#   is capped at one hour, like role chaining.
# - Use `AssumeRole` for roles in other accounts, and `GetSessionToken` when a resource
#   policy checks MFA.
#
# ## On real AWS (not run by the lab)
#
# The same calls with the AWS CLI, as an IAM user with a virtual MFA device in a test account.
# Nothing below runs here.
#
# ```bash
# # GetSessionToken with and without MFA (long-term keys in the default profile)
# aws sts get-session-token --serial-number arn:aws:iam::ACCOUNT-B-ID:mfa/Richard \
#     --token-code 123456
# aws sts get-session-token --duration-seconds 900
# # AssumeRole with MFA
# aws sts assume-role --role-arn arn:aws:iam::ACCOUNT-A-ID:role/CrossAccountRole \
#     --role-session-name Richard \
#     --serial-number arn:aws:iam::ACCOUNT-B-ID:mfa/Richard --token-code 654321
# # with the credentials of either call exported as AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
# # and AWS_SESSION_TOKEN:
# aws sts get-caller-identity
# aws iam list-mfa-devices          # GetSessionToken credentials without MFA are refused here
# ```
#
# **Where to see what a session carries:** CloudTrail records, for every call made with
# temporary credentials, whether the session was MFA-authenticated
# (`userIdentity.sessionContext.attributes.mfaAuthenticated`). In the console: CloudTrail →
# *Event history*, open an event made with the role session and read that field. That is how
# you find out which reading your account shows.
#
# **Cost:** IAM and AWS STS cost nothing; CloudTrail's event history (90 days of management
# events) is free.
#
# **Clean up:** temporary credentials cannot be revoked and simply expire (delete the
# exported variables); delete any test role (`aws iam delete-role-policy`,
# `aws iam delete-role`) you created.
#
# Next: **03 · Cross-account delegation**, which puts `AssumeRole` with MFA to work.
