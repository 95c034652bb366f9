# %% [markdown]
# # 01 · MFA condition keys: present, absent, and how old
#
# **Promise:** in 25 minutes you will know exactly which requests carry
# `aws:MultiFactorAuthPresent` and `aws:MultiFactorAuthAge`, and you will write MFA
# conditions that do not let long-term access keys slip through.
#
# **Estimated time:** 35 minutes (20 teaching, 15 exercises).
#
# ## Objectives
#
# By the end of this notebook you will be able to:
#
# 1. explain the **three states** of `aws:MultiFactorAuthPresent` (absent, `false`, `true`)
#    and say which credentials produce each;
# 2. predict what `Bool`, `BoolIfExists` and `Null` decide when the key is missing, in
#    `Allow` and in `Deny` statements;
# 3. limit an action to a *recent* MFA sign-in with a Numeric operator on
#    `aws:MultiFactorAuthAge`, exactly at the boundary;
# 4. explain why `BoolIfExists` in an `Allow` is a hole, and write a `Deny` without it.
#
# ## The story
#
# Account A runs a few EC2 instances. Sofía (IAM user `Sofia`) belongs to the group
# **EC2-Admins**, whose policy lets its members stop and terminate instances, but only with
# MFA. This is the policy from the AWS page
# [Secure API access with MFA](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html):
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
from iamlab import tables
from iamlab.scenarios.stories import CREDENTIAL_CHOICES

MFA_KEYS = ["aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge", "aws:TokenIssueTime"]
contexts = {kind: lab.request_context(story.sofia_session(kind)) for kind in CREDENTIAL_CHOICES}
tables.by_label(
    {kind: {k: ctx.get(k, "(absent)") for k in MFA_KEYS} for kind, ctx in contexts.items()}
)

# %% [markdown]
# Three different answers to "did Sofía use MFA?":
#
# - **absent**: long-term access keys never carry the key. They never expire, so AWS cannot
#   tie them to a moment when someone typed a code.
# - **`false`**: temporary credentials that were issued without a code.
# - **`true`**, with `aws:MultiFactorAuthAge` counting the seconds since the code was accepted.
#
# MFA-protected API access therefore rests on temporary credentials, and it protects only
# services that accept them: the AWS page sends you to
# [AWS services that work with IAM](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-services-that-work-with-iam.html)
# (column "Temporary credentials") for the list. Every service the lab emulates accepts them.
#
# A policy has to be right for all three. Let's see what the AWS page's `Bool` condition
# does with each of them, with real EC2 calls. `story.play(credentials=...)` gets Sofía's
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
# required", so that programs signing with access keys keep working.
#
# The matrix asks the policy engine about every combination, with the keys each kind of
# credentials carries in the lab. The fourth row is a role session from `AssumeRole` with
# MFA: AWS's own pages disagree on what it carries, and by default the lab follows the page on
# MFA-protected API access, `false` (a lab decision: `docs/aws-behaviour.md`, "Lab decisions"
# D1; notebook 02 sets the texts side by side). The last row is a federated user
# (`GetFederationToken`), whose requests carry no MFA key at all, as
# [AWS global condition context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
# says for federated identities (notebook 09).

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
# Only the rows where the key is **absent** differ: long-term keys and the federated user,
# which `BoolIfExists` lets through although nobody typed an MFA code. Let's check the
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
# Allowed: the key is missing, so `BoolIfExists` counts the condition as met. **This is a
# hole, not a matter of taste.** A statement written to require MFA now grants the same
# permission to requests that prove nothing about MFA, and stolen access keys are exactly
# such requests. In an `Allow` that must require MFA, use `Bool`. If some program really must
# work with access keys, give it its own statement that says so, where a reviewer can see it.
#
# ## Hands-on 3: the missing-key trap in Deny statements
#
# Many accounts keep broad `Allow` policies and add a `Deny` for sensitive actions "when MFA
# is not present". In a `Deny`, the missing-key rule works the other way round. Three ways of writing that `Deny` look alike and behave differently:
#
# | statement | long-term keys (key absent) | `false` | `true` |
# |---|---|---|---|
# | `Deny` if `Bool {MFAPresent: "false"}` | **not denied** (the key is missing, so `Bool` is false) | denied | not denied |
# | `Deny` if `BoolIfExists {MFAPresent: "false"}` | denied | denied | not denied |
# | `Allow` only if `Null {MFAPresent: "false"}` (the key exists) | not allowed | allowed | allowed |
#
# [AWS global condition context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
# calls the first one "not recommended" and recommends the second. The third one (`Null` = "is the key missing?") tells temporary credentials apart
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
# `aws:MultiFactorAuthAge` is the number of seconds since the MFA code was accepted: a
# number, so it is compared with a `Numeric` operator (a `Date` operator would read it as a
# moment in 1970). The AWS page's example limits an action to one hour after the sign-in:
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
# Each exercise ends with a `check(...)` cell. The checker tries your policy on many
# neighbouring requests (other actions, instances, accounts, regions and credentials), so an
# answer broader than the task is reported as firmly as a wrong one. A new hint appears only
# for a *different* wrong answer.
#
# **Exercise 01.1 · Fresh MFA only.** Account A's developers have a broad policy that allows
# every EC2 action. A colleague drafted the `Deny` below to protect `ec2:TerminateInstances`,
# and it has a hole. Change it so that terminating is refused unless the request comes from
# an MFA sign-in **less than 15 minutes old**: long-term access keys and sessions without MFA
# included. Nothing else may change.

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
# **Exercise 01.2 · A short window.** Write an identity policy for Sofía that **allows**
# `ec2:RebootInstances` and `ec2:ModifyInstanceAttribute` on account A's (`111111111111`)
# instances in `us-east-1`, and only within **30 minutes** of an MFA sign-in. Nothing else.

# %%
my_recent_mfa_policy = None  # your policy here
check("01.2", my_recent_mfa_policy)

# %% [markdown]
# **Exercise 01.3 · Predict.** A broad policy allows `ec2:StopInstances`, and a second
# statement says
#
# ```json
# {"Effect": "Deny", "Action": "ec2:StopInstances", "Resource": "*",
#  "Condition": {"Null": {"aws:MultiFactorAuthPresent": "true"}}}
# ```
#
# Predict, without running anything, the decision for each kind of credentials (the role
# session as the lab carries it by default). Answer with IAM's words: `"allowed"`,
# `"explicitDeny"` or `"implicitDeny"`. The first check says only how many are wrong.

# %%
my_predictions = {
    "long-term keys": None,
    "GetSessionToken without MFA": None,
    "GetSessionToken with MFA": None,
    "AssumeRole with MFA (role session)": None,
}
check("01.3", my_predictions)

# %% [markdown]
# ## Check your understanding

# %%
from iamlab.exercises import ask

ask("01.why")

# %%
my_choice = None  # one letter, e.g. "a"
check("01.why", my_choice)

# %%
ask("01.quiz")

# %%
my_quiz = {1: None, 2: None, 3: None, 4: None}
check("01.quiz", my_quiz)

# %% [markdown]
# ## Key points
#
# - `aws:MultiFactorAuthPresent` has three states: **absent** (long-term access keys),
#   **`false`** (temporary credentials issued without a code) and **`true`** (with a code).
# - Every operator except `...IfExists`, `Null` and the negated ones is **false when the key
#   is missing**. In an `Allow`, `Bool true` therefore refuses long-term keys, and
#   `BoolIfExists true` is a hole that lets them in; in a `Deny`, `Bool false` lets them
#   through, so write the `Deny` with `BoolIfExists`.
# - `aws:MultiFactorAuthAge` counts seconds since the MFA code was accepted; compare it with a
#   Numeric operator, mind the boundary (`NumericLessThan 3600` refuses exactly 3600), and
#   remember that the credentials stay valid after the policy stops accepting them.
# - `Null {key: "false"}` means "the key is present": a way to tell any temporary credentials
#   from long-term keys.
# - MFA-protected API access works only with temporary credentials, for services that accept
#   them, and only with devices that show a code (not FIDO/U2F security keys).
#
# ## On real AWS (not run by the lab)
#
# The same setup with the AWS CLI in your own test account. Nothing below runs here.
#
# ```bash
# aws iam create-group --group-name EC2-Admins
# aws iam put-group-policy --group-name EC2-Admins --policy-name EC2-StopTerminate-MFA \
#     --policy-document file://ec2-admins-mfa.json        # the policy of the story above
# aws iam add-user-to-group --group-name EC2-Admins --user-name Sofia
# # as Sofia: temporary credentials with MFA, then a call that checks permissions only
# aws sts get-session-token --serial-number arn:aws:iam::ACCOUNT-ID:mfa/Sofia \
#     --token-code 123456 --duration-seconds 3600
# aws ec2 stop-instances --instance-ids i-0123456789abcdef0 --dry-run
# # test a condition without any instance: the IAM policy simulator
# aws iam simulate-custom-policy --policy-input-list file://ec2-admins-mfa.json \
#     --action-names ec2:StopInstances \
#     --context-entries ContextKeyName=aws:MultiFactorAuthPresent,ContextKeyValues=false,ContextKeyType=boolean
# ```
#
# `--dry-run` answers `DryRunOperation` when the call would be allowed and
# `UnauthorizedOperation` when not, without stopping anything. **In the console:** IAM → *User
# groups* → EC2-Admins → *Permissions*, and the
# [IAM policy simulator](https://policysim.aws.amazon.com/) for trying context keys.
#
# **Cost:** IAM, AWS STS and the policy simulator cost nothing; EC2 instances are billed while
# they run, so test with `--dry-run` or stop them at once.
#
# **Clean up:** `aws iam remove-user-from-group`, `aws iam delete-group-policy`,
# `aws iam delete-group`, and terminate any instance you launched.
#
# Next: **02 · GetSessionToken vs AssumeRole**: which STS call gives credentials that carry
# MFA.
