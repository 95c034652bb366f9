# %% [markdown]
# # 01 · MFA condition keys: present, absent, and how old
#
# **Promise:** in 25 minutes you will know exactly which requests carry
# `aws:MultiFactorAuthPresent` and `aws:MultiFactorAuthAge`, and you will write MFA
# conditions that do not let long-term access keys slip through.
#
# **Estimated time:** 25 minutes.
#
# ## Objectives
#
# By the end of this notebook you will be able to:
#
# 1. explain the **three states** of `aws:MultiFactorAuthPresent` (absent, `false`, `true`)
#    and say which credentials produce each;
# 2. predict what `Bool`, `BoolIfExists` and `Null` decide when the key is missing, in
#    `Allow` and in `Deny` statements;
# 3. limit an action to a *recent* MFA sign-in with `NumericLessThan` on
#    `aws:MultiFactorAuthAge`.
#
# ## The story
#
# Account A runs a few EC2 instances. Sofía (IAM user `Sofia`) belongs to the group
# **EC2-Admins**, whose policy lets its members stop and terminate instances, but only with
# MFA. This is the policy from the AWS page on MFA-protected API access:
#
# ```json
# {"Effect": "Allow", "Action": ["ec2:StopInstances", "ec2:TerminateInstances"],
#  "Resource": ["*"], "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
# ```
#
# Sofía has a virtual MFA device. To prove she used it, she asks STS for temporary
# credentials with `GetSessionToken`, passing her device's serial number and the current code.
# In the diagram, grey arrows are permissions: EC2-Admins' arrows carry the condition
# "if MFA". Sofía is also in Developers, which may run, describe and start instances.

# %%
from iamlab.diagrams import story_diagram
from iamlab.scenarios import build_same_account_ec2

story = build_same_account_ec2()
lab = story.lab
story_diagram(story)

# %% [markdown]
# ## Hands-on 1: three kinds of credentials, three states
#
# Sofía can sign her requests with three kinds of credentials: her **long-term access keys**,
# temporary credentials from `GetSessionToken` **without** an MFA code, and temporary
# credentials from `GetSessionToken` **with** a code. `lab.request_context(session)` shows the
# condition keys a request signed with a session would carry right now.

# %%
import pandas as pd

from iamlab.scenarios.stories import CREDENTIAL_CHOICES

MFA_KEYS = ["aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge", "aws:TokenIssueTime"]
contexts = {kind: lab.request_context(story.sofia_session(kind)) for kind in CREDENTIAL_CHOICES}
pd.DataFrame(
    {kind: {k: ctx.get(k, "(absent)") for k in MFA_KEYS} for kind, ctx in contexts.items()}
).T

# %% [markdown]
# Three different answers to "did Sofía use MFA?":
#
# - **absent**: long-term access keys never carry the key. They never expire, so AWS cannot
#   tie them to a moment when someone typed a code.
# - **`false`**: temporary credentials that were issued without a code.
# - **`true`**, with `aws:MultiFactorAuthAge` counting the seconds since the code was accepted.
#
# A policy has to be right for all three. Let's see what the seed's `Bool` condition does
# with each of them, with real EC2 calls. `story.play(credentials=...)` gets Sofía's
# credentials of that kind and tries three EC2 actions.

# %%
from iamlab.widgets import attempts_table

attempts_table(story.play(credentials="GetSessionToken with MFA"))

# %%
attempts = story.play(credentials="long-term keys")
attempts_table(attempts)

# %% [markdown]
# With her long-term keys Sofía is refused. The reason is worth reading slowly:

# %%
print(attempts[1].explanation)

# %% [markdown]
# `Bool` is **false when the key is missing**. For an `Allow` statement that is what we want:
# no MFA information, no permission. Long-term keys are denied, and so are credentials that
# carry `false`:

# %%
attempts_table(story.play(credentials="GetSessionToken without MFA"))

# %% [markdown]
# ## Hands-on 2: `Bool` or `BoolIfExists` in an Allow statement
#
# `...IfExists` changes only one thing: when the key is **absent**, the condition counts as
# met. So `BoolIfExists {"aws:MultiFactorAuthPresent": "true"}` in an `Allow` lets long-term
# keys through. The IAM console's visual editor writes exactly this when you tick "MFA
# required", because it keeps working for programs that sign with access keys.
#
# The matrix asks the policy engine about every combination. The fourth row is a role
# session from `AssumeRole` with MFA, which carries `false` in this lab by default (notebook
# 02 explains why). The last two rows are federated identities (`GetFederationToken` and
# `AssumeRoleWithWebIdentity`), whose requests carry no MFA key at all (notebook 09).

# %%
from iamlab.widgets import decision_matrix, style_matrix
from iamlab.widgets.mfa_keys import CREDENTIALS, OPERATORS, decide
from iamlab.widgets.views import OUTCOME_WORDS

matrix = decision_matrix(
    lambda credentials, operator: OUTCOME_WORDS[decide(credentials, operator).decision],
    {"credentials": CREDENTIALS, "operator": OPERATORS},
    columns="operator",
).reindex(CREDENTIALS)
style_matrix(matrix).set_uuid("operators")

# %% [markdown]
# Only the rows where the key is **absent** differ: long-term keys and the two federated
# kinds, which `BoolIfExists` lets through although nobody typed an MFA code. Let's check the
# long-term keys against the lab. Anaya, the
# administrator, switches the group's policy to `BoolIfExists`, and Sofía tries again with
# her access keys. (`story.play` would rewind the lab, so from here on we make the calls
# ourselves.)

# %%
import json

from iamlab.notebook import attempt
from iamlab.widgets.mfa_keys import mfa_policy

story.rewind()
admin_iam = story.root("111111111111").client("iam")
admin_iam.put_group_policy(
    GroupName="EC2-Admins", PolicyName="EC2-StopTerminate-MFA",
    PolicyDocument=json.dumps(mfa_policy("BoolIfExists")),
)
first, second = story.instances
sofia_ec2 = story.sofia.client("ec2")
attempt(lambda: sofia_ec2.stop_instances(InstanceIds=[first]))

# %% [markdown]
# Allowed: the key is missing, so `BoolIfExists` counts the condition as met. Whether that is
# acceptable is your decision; the seed's `Bool` version is the stricter one.
#
# ## Hands-on 3: the missing-key trap in Deny statements
#
# Many accounts keep broad `Allow` policies and add a `Deny` for sensitive actions "when MFA
# is not present". Three ways of writing that `Deny` look alike and behave differently:
#
# | statement | long-term keys (key absent) | `false` | `true` |
# |---|---|---|---|
# | `Deny` if `Bool {MFAPresent: "false"}` | **not denied** (the key is missing, so `Bool` is false) | denied | not denied |
# | `Deny` if `BoolIfExists {MFAPresent: "false"}` | denied | denied | not denied |
# | `Allow` only if `Null {MFAPresent: "false"}` (the key exists) | not allowed | allowed | allowed |
#
# AWS's page on global condition keys calls the first one "not recommended" and recommends
# the second. The third one (`Null` = "is the key missing?") tells temporary credentials apart
# from long-term keys, whatever their MFA state.
#
# We check the table with the request contexts of Sofía's real sessions, saved in Hands-on 1. Each policy
# below sits next to an `Allow` for `ec2:StopInstances`, as a broad policy would.

# %%
from iamlab import evaluate

ALLOW_STOP = {"Effect": "Allow", "Action": "ec2:StopInstances", "Resource": "*"}
PATTERNS = {
    "Deny if Bool false": {"Effect": "Deny", "Action": "ec2:StopInstances", "Resource": "*",
                           "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}},
    "Deny if BoolIfExists false": {"Effect": "Deny", "Action": "ec2:StopInstances",
                                   "Resource": "*", "Condition": {
                                       "BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
    "Allow only if Null false": {"Effect": "Allow", "Action": "ec2:StopInstances",
                                 "Resource": "*", "Condition": {
                                     "Null": {"aws:MultiFactorAuthPresent": "false"}}},
}


def stop_decision(credentials, pattern):
    """Sofía stops an instance with the context of `credentials` under `pattern`."""
    statements = [PATTERNS[pattern]] + ([ALLOW_STOP] if pattern.startswith("Deny") else [])
    return evaluate(
        action="ec2:StopInstances", resource=story.resources[first], principal=story.sofia.arn,
        context=contexts[credentials],
        identity_policies=[{"Version": "2012-10-17", "Statement": statements}],
    )


deny_matrix = decision_matrix(
    lambda credentials, pattern: OUTCOME_WORDS[stop_decision(credentials, pattern).decision],
    {"credentials": CREDENTIAL_CHOICES, "pattern": list(PATTERNS)},
    columns="pattern",
).reindex(CREDENTIAL_CHOICES)
style_matrix(deny_matrix).set_uuid("trap")

# %% [markdown]
# The first column is the trap: a `Deny` that was meant to stop everyone without MFA lets
# long-term keys through. The engine says why:

# %%
print(stop_decision("long-term keys", "Deny if Bool false").explain())

# %% [markdown]
# ## Hands-on 4: how old is the MFA sign-in?
#
# `aws:MultiFactorAuthAge` is the number of seconds since the MFA code was accepted. The AWS
# page's example limits an action to one hour after the sign-in:
# `NumericLessThan {"aws:MultiFactorAuthAge": "3600"}`. Anaya adds that condition to the
# group's policy (next to `Bool`), and Sofía gets MFA credentials from `GetSessionToken`.
# The credentials themselves stay valid for many hours; the policy accepts them for one.

# %%
admin_iam.put_group_policy(
    GroupName="EC2-Admins", PolicyName="EC2-StopTerminate-MFA",
    PolicyDocument=json.dumps(mfa_policy("Bool", max_age=3600)),
)
mfa_ec2 = story.sofia_session("GetSessionToken with MFA").client("ec2")
lab.clock.advance(minutes=59)
print(lab.clock.now(), attempt(lambda: mfa_ec2.stop_instances(InstanceIds=[first])))
lab.clock.advance(minutes=2)
print(lab.clock.now(), attempt(lambda: mfa_ec2.stop_instances(InstanceIds=[first])))

# %% [markdown]
# After 59 minutes the age is 3540 seconds and the call is allowed; two minutes later it is
# 3660 and the same credentials are refused, although they have not expired:

# %%
print(lab.explain_last())

# %% [markdown]
# The way out is to sign in with MFA again: new `GetSessionToken` credentials with a fresh
# code start a new age at zero.

# %%
fresh_ec2 = story.sofia_session("GetSessionToken with MFA").client("ec2")
attempt(lambda: fresh_ec2.stop_instances(InstanceIds=[first]))

# %% [markdown]
# The second matrix shows the age limit over time: MFA credentials of different ages (rows)
# against different limits in `NumericLessThan` (columns). `NumericLessThan` is strict: an
# age equal to the limit is refused.

# %%
age_matrix = decision_matrix(
    lambda mfa_age, max_age: OUTCOME_WORDS[
        decide("GetSessionToken with MFA", "Bool", mfa_age, max_age).decision],
    {"mfa_age": [0, 900, 3599, 3600, 43200], "max_age": [900, 3600, 43200]},
    columns="max_age",
)
style_matrix(age_matrix).set_uuid("age")

# %% [markdown]
# ## Explore
#
# The panel decides whether Sofía may stop an instance under the EC2-Admins policy.
# **Try this:** pick *long-term access keys* and switch `Bool` to `BoolIfExists`; then pick
# *GetSessionToken with MFA*, tick the one-hour limit and drag the age past 3600.

# %%
from iamlab.widgets import mfa_keys_panel

mfa_keys_panel()

# %% [markdown]
# ## Exercises
#
# Each exercise ends with a `check(...)` cell: run it, read what is still wrong, and run it
# again after each change. Hints get more specific on every try.
#
# **Exercise 01.1.** Account A's developers have a broad policy that allows every EC2
# action. Write a policy with a **`Deny`** statement so that `ec2:TerminateInstances` is
# refused to long-term access keys *and* to temporary credentials without MFA, while MFA
# sessions can still terminate and nothing else changes.

# %%
from iamlab.exercises import check

my_deny_policy = {
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Deny",
        "Action": "ec2:TerminateInstances",
        "Resource": "*",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
    }],
}
check("01.1", my_deny_policy)

# %% [markdown]
# **Exercise 01.2.** Write an identity policy that **allows** `ec2:StopInstances` and
# `ec2:TerminateInstances` only when Sofía signed in with MFA **less than one hour ago**.

# %%
my_recent_mfa_policy = None  # your policy here
check("01.2", my_recent_mfa_policy)

# %% [markdown]
# **Exercise 01.3.** A broad policy allows `ec2:StopInstances`, and a second statement says
#
# ```json
# {"Effect": "Deny", "Action": "ec2:StopInstances", "Resource": "*",
#  "Condition": {"Null": {"aws:MultiFactorAuthPresent": "true"}}}
# ```
#
# Predict, without running anything, the decision for each kind of Sofía's credentials.
# Answer with IAM's words: `"allowed"`, `"explicitDeny"` or `"implicitDeny"`.

# %%
my_predictions = {
    "long-term keys": None,
    "GetSessionToken without MFA": None,
    "GetSessionToken with MFA": None,
}
check("01.3", my_predictions)

# %% [markdown]
# ## Key points
#
# - `aws:MultiFactorAuthPresent` has three states: **absent** (long-term access keys),
#   **`false`** (temporary credentials issued without a code) and **`true`** (with a code).
# - Every operator except `...IfExists`, `Null` and the negated ones is **false when the key
#   is missing**. In an `Allow`, `Bool true` therefore refuses long-term keys; in a `Deny`,
#   `Bool false` lets them through. Write the `Deny` with `BoolIfExists`.
# - `aws:MultiFactorAuthAge` counts seconds since the MFA code was accepted;
#   `NumericLessThan 3600` refuses credentials from an MFA sign-in more than an hour old, even
#   though the credentials themselves are still valid. Sign in again to reset it.
# - `Null {key: "false"}` means "the key is present": a way to tell any temporary credentials
#   from long-term keys.
#
# Next: **02 · GetSessionToken vs AssumeRole**: which STS call gives credentials that carry
# MFA.
