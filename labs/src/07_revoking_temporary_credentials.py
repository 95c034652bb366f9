# %% [markdown]
# # 07 · Revoking temporary credentials: take the permissions away
#
# **Promise:** you will stop leaked temporary credentials without waiting for them to expire,
# with the narrowest tool that does the job, and you will know what still restricts the root
# user when no IAM policy can be attached to it.
#
# **Estimated time:** 50 minutes (30 teaching, 20 exercises).
#
# ## Objectives
#
# By the end of this notebook you will be able to:
#
# 1. explain why temporary credentials cannot be revoked, and what you change instead;
# 2. revoke a role's active sessions with an `AWSRevokeOlderSessions` policy on
#    `aws:TokenIssueTime`, and say what happens when you do it again;
# 3. deny one role session, one federated user or a whole role in a bucket policy, covering
#    both the bucket and its objects;
# 4. say why no IAM policy reaches the root user's credentials, and show what still restricts
#    them (a bucket policy's Deny, SCPs).
#
# ## The story
#
# This story comes from the AWS pages
# [Disable permissions for temporary security credentials](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_disable-perms.html)
# and [Revoke IAM role temporary security credentials](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html).
#
# Account A keeps its ledgers in the S3 bucket `example-bucket`. **Mary** (an IAM user) works
# through sessions of the role **Accounting-Role**, which may list the bucket and read and
# write its objects. **token-app** is an IAM user that a web application uses to hand out
# **federated-user** credentials (`GetFederationToken`) to people such as Bob. **Anaya** is the
# administrator. At 09:00 everybody gets credentials; a few minutes later Anaya learns that
# some of them have leaked.

# %%
from iamlab.diagrams import story_diagram
from iamlab.scenarios import build_revoking

story = build_revoking()
lab = story.lab
story_diagram(story)

# %% [markdown]
# ## Hands-on 1: credentials that live on their own
#
# Four sets of temporary credentials, issued at 09:00. Two are **role sessions** of
# Accounting-Role: Mary's, and a nightly `report` job that token-app runs. Two are
# **federated users**, Bob and Carol, that token-app creates with a session policy allowing S3.

# %%
import json

role_arn = story.roles["111111111111/Accounting-Role"]
mary_sts = story.actor("Mary").client("sts")
app_sts = story.actor("token-app").client("sts")
s3_policy = json.dumps(
    {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}
)
issued = {
    "Mary": mary_sts.assume_role(RoleArn=role_arn, RoleSessionName="Mary"),
    "report": app_sts.assume_role(RoleArn=role_arn, RoleSessionName="report"),
    "Bob": app_sts.get_federation_token(Name="Bob", Policy=s3_policy),
    "Carol": app_sts.get_federation_token(Name="Carol", Policy=s3_policy),
}
for name, response in issued.items():
    user = response.get("AssumedRoleUser") or response["FederatedUser"]
    print(f"{name:7} {user['Arn']:60} expires {response['Credentials']['Expiration']}")

# %% [markdown]
# Each set is valid until its `Expiration`: one hour for the role sessions, twelve for the
# federated users. STS issues credentials; it has no operation to call them back. The
# service model that boto3 uses says so: two STS operations accept an MFA code when they issue
# credentials, and no operation revokes any.

# %%
sts_model = mary_sts.meta.service_model


def takes(operation, *parameters):
    """Whether the request of an STS operation has all of these parameters."""
    shape = sts_model.operation_model(operation).input_shape
    return shape is not None and set(parameters) <= set(shape.members)


print("accept an MFA code:", [op for op in sts_model.operation_names
                              if takes(op, "SerialNumber", "TokenCode")])
print("revoke credentials:", [op for op in sts_model.operation_names if "Revoke" in op])

# %% [markdown]
# What you *can* change is permissions. AWS evaluates the permissions of temporary credentials
# on **every request**, so a change made now applies to credentials issued before it. Let's
# check that all four sessions (and token-app's own access keys) can list the bucket now.

# %%
from iamlab.notebook import attempt

sessions = {name: lab.session(r["Credentials"]) for name, r in issued.items()}
sessions["token-app keys"] = story.actor("token-app").session


def lists_bucket(session):
    """Try to list example-bucket; return the outcome (OK or the error)."""
    return attempt(lambda: session.client("s3").list_objects_v2(Bucket="example-bucket"))


for name, session in sessions.items():
    print(f"{name:14} {lists_bucket(session)}")

# %% [markdown]
# ## Mechanism 1: change the role's permissions policy
#
# Role sessions never have more permissions than the role's permissions policy, and that
# policy is read at every request. Anaya replaces the role's inline policy `ExampleBucket`
# with one that no longer lists the bucket (objects can still be read):

# %%
admin_iam = story.actor("Anaya").client("iam")
admin_iam.put_role_policy(
    RoleName="Accounting-Role",
    PolicyName="ExampleBucket",
    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
        "Resource": "arn:aws:s3:::example-bucket/*"}}),
)
for name in ("Mary", "report", "Bob"):
    print(f"{name:7} {lists_bucket(sessions[name])}")

# %% [markdown]
# Both role sessions lost `ListBucket` at once, even though they were issued before the change
# (in the lab the change is instant; in AWS a policy change can take a few minutes to reach
# every request: `docs/aws-behaviour.md`, "Lab decisions" D4). Bob is not a session of the
# role and is untouched. The catch: this also changes what *every future* session of the role
# may do. Anaya puts the original policy back.

# %%
from iamlab.data import load_policy

admin_iam.put_role_policy(
    RoleName="Accounting-Role",
    PolicyName="ExampleBucket",
    PolicyDocument=json.dumps(load_policy("accounting-role-permissions")),
)
print("Mary   ", lists_bucket(sessions["Mary"]))

# %% [markdown]
# ## Mechanism 2: "Revoke active sessions" (`AWSRevokeOlderSessions`)
#
# The IAM console has a button for this on the role's *Revoke sessions* tab. It attaches an
# inline policy named `AWSRevokeOlderSessions` to the role: deny everything to credentials
# whose `aws:TokenIssueTime` (when they were issued) is **earlier than now**. Sessions issued
# after the click are not affected. Here is the same thing with boto3, at 09:05:

# %%
def revoke_older_sessions():
    """What the console's "Revoke active sessions" button does, as of the lab's clock now."""
    cutoff = lab.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    admin_iam.put_role_policy(
        RoleName="Accounting-Role",
        PolicyName="AWSRevokeOlderSessions",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Action": ["*"], "Resource": ["*"],
            "Condition": {"DateLessThan": {"aws:TokenIssueTime": cutoff}}}]}),
    )
    return cutoff


lab.clock.advance(minutes=5)
revoke_older_sessions()

# %% [markdown]
# Mary's 09:00 session is now refused with an **explicit** deny; a session she asks for after
# the click works.

# %%
lab.clock.advance(seconds=1)
sessions["Mary 09:05"] = lab.session(
    mary_sts.assume_role(RoleArn=role_arn, RoleSessionName="Mary")["Credentials"]
)
for name in ("Mary", "report", "Mary 09:05"):
    issued_at = lab.request_context(sessions[name])["aws:TokenIssueTime"]
    print(f"{name:11} issued {issued_at}  {lists_bucket(sessions[name])}")

# %% [markdown]
# Clicking again later simply **moves the cut-off**: `PutRolePolicy` with the same name replaces
# the document, so the role still has one `AWSRevokeOlderSessions` policy, now with a later
# time. At 09:15 Anaya clicks again: the 09:05 session is now refused too.

# %%
lab.clock.advance(minutes=10)
print("new cut-off:", revoke_older_sessions())
print("role policies:", admin_iam.list_role_policies(RoleName="Accounting-Role")["PolicyNames"])
print("Mary 09:05 ", lists_bucket(sessions["Mary 09:05"]))
print(*[line for line in lab.explain_last().splitlines() if "TokenIssueTime:" in line], sep="\n")

# %% [markdown]
# There is no need to delete the policy afterwards: it only ever matches credentials issued
# before the cut-off, and those expire by themselves.
# Bob, Carol and token-app are not sessions of the role, so this policy never touches them.
#
# **The AWS CLI's cache.** A person who uses the role through an AWS CLI profile
# (`role_arn = ...` in `~/.aws/config`) does not call `AssumeRole` each time: the CLI keeps the
# role's temporary credentials in `~/.aws/cli/cache` and keeps sending them until they
# expire. After a revocation those cached credentials are still tried on every command, and
# refused. Everyone whose sessions you revoked should delete the cache
# (`rm -r ~/.aws/cli/cache` on Linux and macOS, `del /s /q %UserProfile%\.aws\cli\cache` on
# Windows): the next command assumes the role again and gets a session issued after the
# cut-off. The lab has no CLI and no cache.
#
# ## Mechanism 3: deny a principal in the bucket's policy
#
# To stop *some* credentials without changing the role or the user that created them, name
# them in the `Principal` of a `Deny` in a **resource-based policy**: here, the bucket policy.
# The AWS page gives four such policies (`revoke-*.json` in the lab), one per kind of
# principal. We start again from 09:00 with fresh credentials (`story.sessions()` makes the
# same calls as above) and try each bucket policy on each of them.

# %%
story.rewind()
at_nine = story.sessions()  # Mary's role session and Bob's federated user, at 09:00
report = app_sts.assume_role(RoleArn=role_arn, RoleSessionName="report")["Credentials"]
carol = app_sts.get_federation_token(Name="Carol", Policy=s3_policy)["Credentials"]
lab.clock.advance(minutes=5)
mary_later = mary_sts.assume_role(RoleArn=role_arn, RoleSessionName="Mary")["Credentials"]
sessions = {
    "Mary": at_nine["Mary"],
    "Mary 09:05": lab.session(mary_later),
    "report": lab.session(report),
    "Bob": at_nine["Bob"],
    "Carol": lab.session(carol),
    "token-app keys": story.actor("token-app").session,
}
print(json.dumps(load_policy("revoke-deny-role-session")))

# %%
from iamlab.widgets import decision_matrix, style_matrix
from iamlab.widgets.views import OUTCOME_WORDS

admin_s3 = story.actor("Anaya").client("s3")
BUCKET_POLICIES = {
    "Mary's session": "revoke-deny-role-session",
    "the role": "revoke-deny-role",
    "federated Bob": "revoke-deny-federated-user",
    "user token-app": "revoke-deny-iam-user",
}


def outcome(deny, who):
    """Put the bucket policy that denies ``deny``, then let ``who`` list the bucket."""
    policy = json.dumps(load_policy(BUCKET_POLICIES[deny]))
    admin_s3.put_bucket_policy(Bucket="example-bucket", Policy=policy)
    return OUTCOME_WORDS["allowed" if lists_bucket(sessions[who]) else lab.last_decision().decision]


matrix = decision_matrix(outcome, {"who": list(sessions), "deny": list(BUCKET_POLICIES)}, "deny")
style_matrix(matrix)

# %% [markdown]
# Read the columns:
#
# - **Mary's session** (`arn:aws:sts::111111111111:assumed-role/Accounting-Role/Mary`) stops
#   exactly that session. The ARN holds the *session name*, so a later session named `Mary`
#   (the 09:05 row) is refused too; the `report` session of the same role is not.
# - **the role** (`arn:aws:iam::111111111111:role/Accounting-Role`) stops every session of the
#   role, whenever it was issued.
# - **federated Bob** (`arn:aws:sts::111111111111:federated-user/Bob`) stops Bob only.
# - **user token-app** (`arn:aws:iam::111111111111:user/token-app`) stops token-app's own
#   access keys **and every federated user it created**: Bob and Carol are refused too,
#   because a principal that names the IAM user who called `GetFederationToken` covers the
#   federated users that call made. That is broader than you may want: it cuts off all of the
#   application's users at once.
#
# All four are explicit denies, so they win over any Allow, and none of them changes the
# role or token-app's policies.
#
# ### The bucket, but not its objects
#
# Look at the `Resource` of the AWS page's policies: `arn:aws:s3:::example-bucket`. That is
# the **bucket**, and it matches bucket-level actions such as `ListBucket`. Objects have their
# own ARNs (`arn:aws:s3:::example-bucket/ledger.csv`), which it does not cover. With the
# "deny Mary's session" policy in place, Mary cannot list the bucket but can still read and
# overwrite the ledger:

# %%
admin_s3.put_bucket_policy(
    Bucket="example-bucket", Policy=json.dumps(load_policy("revoke-deny-role-session"))
)
mary_s3 = sessions["Mary"].client("s3")
print("list: ", lists_bucket(sessions["Mary"]))
print("read: ", attempt(lambda: mary_s3.get_object(Bucket="example-bucket", Key="ledger.csv")))
print("write:", attempt(lambda: mary_s3.put_object(Bucket="example-bucket", Key="ledger.csv",
                                                   Body=b"date,amount\n")))

# %% [markdown]
# The fix is to name the objects too, with `example-bucket/*`:

# %%
deny_mary = load_policy("revoke-deny-role-session")
deny_mary["Statement"]["Resource"] = [
    "arn:aws:s3:::example-bucket",
    "arn:aws:s3:::example-bucket/*",
]
admin_s3.put_bucket_policy(Bucket="example-bucket", Policy=json.dumps(deny_mary))
print("read: ", attempt(lambda: mary_s3.get_object(Bucket="example-bucket", Key="ledger.csv")))

# %% [markdown]
# ## Mechanism 4: `aws:TokenIssueTime` on an IAM user
#
# IAM users have no "Revoke sessions" button, but the same policy works when you attach it to
# the **user** who created the credentials. It then stops the `GetSessionToken` and
# `GetFederationToken` credentials that user obtained before the cut-off. The user's own
# long-term access keys carry no `aws:TokenIssueTime` key at all, so the condition is not met
# for them and they keep working. Anaya attaches it to token-app at 09:05:

# %%
story.rewind()
sessions = story.sessions()  # Bob's federated user, issued at 09:00
lab.clock.advance(minutes=5)
cutoff = lab.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
admin_iam.put_user_policy(
    UserName="token-app",
    PolicyName="RevokeOlderSessions",
    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": {
        "Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"DateLessThan": {"aws:TokenIssueTime": cutoff}}}}),
)
lab.clock.advance(seconds=1)
sessions["Bob 09:05"] = lab.session(
    app_sts.get_federation_token(Name="Bob", Policy=s3_policy)["Credentials"]
)
sessions["token-app keys"] = story.actor("token-app").session
for name in ("Bob", "Bob 09:05", "token-app keys"):
    print(f"{name:15} {lists_bucket(sessions[name])}")

# %% [markdown]
# The explanation of the last call (token-app's own access keys) shows why the Deny left it
# alone:

# %%
print(*[line for line in lab.explain_last().splitlines() if "TokenIssueTime:" in line], sep="\n")

# %% [markdown]
# Attached to a **role** instead (mechanism 2), the same policy affects only sessions of that
# role.
#
# ## What still restricts the root user
#
# Everything above changes the permissions of the *creator* of the credentials: a role or an
# IAM user. The root user of the account is neither. No IAM policy can be attached to it, nor
# to the temporary credentials root obtains with `GetSessionToken` or `GetFederationToken`:
# there is no user whose policy you could edit. The AWS page says it as "you cannot change the
# permissions of the root user". Root gets temporary credentials, and Anaya tries to attach a
# revocation policy to "the root user":

# %%
root = story.root("111111111111")
root_session = lab.session(root.client("sts").get_session_token()["Credentials"])
print("root's session:", lists_bucket(root_session))
print("attach to root:", attempt(lambda: admin_iam.put_user_policy(
    UserName="root", PolicyName="RevokeOlderSessions",
    PolicyDocument=json.dumps(load_policy("revoke-older-sessions")),
)))

# %% [markdown]
# That sentence is about IAM policies only. Root is still refused by an explicit `Deny` in a
# **resource-based policy** that names it: a bucket policy that denies the whole account
# (`"111111111111"` covers every principal of the account, root included) stops root's keys
# and root's session alike. It stops Anaya too, even from reading the policy back.

# %%
lockout = {"Version": "2012-10-17", "Statement": {
    "Effect": "Deny", "Principal": {"AWS": "111111111111"}, "Action": "s3:*",
    "Resource": ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"]}}
admin_s3.put_bucket_policy(Bucket="example-bucket", Policy=json.dumps(lockout))
root_s3 = root.client("s3")
print("root's keys:       ", attempt(lambda: root_s3.list_objects_v2(Bucket="example-bucket")))
print("root's session:    ", lists_bucket(root_session))
print("Anaya reads policy:", attempt(lambda: admin_s3.get_bucket_policy(Bucket="example-bucket")))

# %% [markdown]
# The root user of the bucket owner's account can always read, replace and delete its own
# bucket's policy, even one that denies it everything, so a bucket can never be locked for
# good ([S3 API Reference, PutBucketPolicy](https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html)):

# %%
bucket = {"Bucket": "example-bucket"}
print("root reads the policy:  ", attempt(lambda: root_s3.get_bucket_policy(**bucket)))
print("root deletes the policy:", attempt(lambda: root_s3.delete_bucket_policy(**bucket)))
print("root lists the bucket:  ", attempt(lambda: root_s3.list_objects_v2(**bucket)))

# %% [markdown]
# In an organization, **service control policies** (SCPs) restrict the root user of a member
# account too (never the organization's management account). The lab's emulator has no AWS
# Organizations, but its policy engine evaluates SCPs you give it, one list per level from the
# organization's root down to the account. An SCP that denies S3 refuses root's request:

# %%
from iamlab import evaluate

allow_all = {"Version": "2012-10-17",
             "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
no_s3 = {"Version": "2012-10-17",
         "Statement": {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}}
for scps in ([[allow_all]], [[allow_all], [no_s3]]):
    decision = evaluate(action="s3:ListBucket", resource="arn:aws:s3:::example-bucket",
                        principal="arn:aws:iam::111111111111:root", scps=scps)
    print(f"SCP levels {len(scps)}: {decision.decision}")

# %% [markdown]
# So "no policy can restrict root" is wrong; "no IAM policy can be attached to root" is right
# (`docs/aws-behaviour.md`, "Lab decisions" D5). Nothing you attach stops root's temporary
# credentials, which is one more reason not to work as root, and not to create temporary
# credentials with it.
#
# ## Explore
#
# The panel issues Mary's and Bob's sessions at 09:00, lets the administrator act at 09:05,
# then has everybody list the bucket, including a new session of Mary's made afterwards.
# **Try this:** go through the choices one by one and, for each, say beforehand which calls
# will be refused; the last choice reaches every federated user token-app created.

# %%
from iamlab.widgets import revoking_panel

revoking_panel(story)

# %% [markdown]
# ## Exercises
#
# Each policy exercise is a bucket policy of `example-bucket`. The checker gives every caller
# an identity policy that allows everything, so only your bucket policy decides, and tries it
# at 10:05 on many requests: every S3 action on the bucket and its objects, role sessions and
# federated users issued at different times, token-app's keys, Anaya, the root user. A new
# hint appears only for a *different* wrong answer.
#
# **Exercise 07.1 · Revoke by time, at the bucket.** At exactly 10:00:00 UTC on 15 January
# 2026 you learn that credentials of Accounting-Role leaked. The role belongs to another team:
# you may change only the policy of `example-bucket`. Write a bucket policy so that every
# session of the role issued **before 10:00:00** can do nothing at all in the bucket (the
# bucket and its objects), while the role's sessions issued from 10:00:00 on, and everyone who
# is not a session of the role, are not affected.

# %%
from iamlab.exercises import check

my_bucket_policy = None  # a bucket policy document (dict)
check("07.1", my_bucket_policy)

# %% [markdown]
# **Exercise 07.2 · The narrowest revocation.** For each situation, choose the narrowest of
# the panel's revocations (the strings in `REVOCATION_CHOICES`, printed below) that does what
# the situation asks. The checker replays every choice in a fresh lab; the first check says
# only how many of your choices are wrong.
#
# - **a.** A session of Accounting-Role was copied from a shared laptop; you do not know
#   whose. Stop every session of the role that exists now; anyone who assumes the role
#   afterwards must work normally.
# - **b.** Bob's federated credentials were pasted in a public chat. Stop Bob at the bucket;
#   the other federated users of token-app and the role sessions must keep working.
# - **c.** Accounting-Role must lose access to the bucket, for its current sessions and any
#   later ones. The role belongs to another team: you may change only the bucket.

# %%
from iamlab.scenarios.stories import REVOCATION_CHOICES

print(*REVOCATION_CHOICES, sep="\n")
my_choices = {"a": None, "b": None, "c": None}
check("07.2", my_choices)

# %% [markdown]
# **Exercise 07.3 · The application's users, not the application.** The list of federated
# users that token-app hands out has leaked. Write a bucket policy for `example-bucket` that
# stops **every federated user token-app has created or will create** (Bob, Carol, and
# tomorrow's), at the bucket and its objects. token-app itself keeps listing, reading and
# writing the bucket with its own access keys, and nobody else is affected: not Mary's role
# session, not federated users that another IAM user creates.

# %%
my_federated_policy = None  # a bucket policy document (dict)
check("07.3", my_federated_policy)

# %% [markdown]
# ## Check your understanding

# %%
from iamlab.exercises import ask

ask("07.why")

# %%
my_choice = None  # one letter, e.g. "a"
check("07.why", my_choice)

# %%
ask("07.quiz")

# %%
my_quiz = {1: None, 2: None, 3: None, 4: None}
check("07.quiz", my_quiz)

# %% [markdown]
# ## Key points
#
# - Temporary credentials stay valid until they expire; you stop them by changing the
#   permissions that AWS evaluates on every request.
# - Editing the role's permissions policy hits every session of the role at once, old and new.
#   `AWSRevokeOlderSessions` (deny everything if `aws:TokenIssueTime` is before the cut-off)
#   hits only sessions issued before the click; clicking again moves the cut-off. Cached CLI
#   credentials keep being refused until they expire: delete `~/.aws/cli/cache`.
# - A `Deny` naming a role session, a federated user, an IAM user or a role in a resource
#   policy stops just those principals, and only at that resource. Name the objects
#   (`bucket/*`) as well as the bucket.
# - The same `aws:TokenIssueTime` policy on an IAM user stops the user's `GetSessionToken` and
#   `GetFederationToken` credentials, not the user's access keys, which carry no issue time.
# - No IAM policy can be attached to the root user or to the temporary credentials it
#   creates; a resource policy's `Deny` and SCPs still restrict it, and root can always
#   manage its own bucket's policy.
#
# ## On real AWS (not run by the lab)
#
# The same steps with the AWS CLI in your own test account. Nothing below runs here. Bucket
# names are global: pick your own instead of `example-bucket`.
#
# ```bash
# # what the console's "Revoke active sessions" button does, with a cut-off of your choice
# aws iam put-role-policy --role-name Accounting-Role --policy-name AWSRevokeOlderSessions \
#     --policy-document file://revoke-older-sessions.json
# # the same Deny on an IAM user: stops its GetSessionToken and GetFederationToken credentials
# aws iam put-user-policy --user-name token-app --policy-name RevokeOlderSessions \
#     --policy-document file://revoke-older-sessions.json
# # deny one principal at a bucket (and its objects)
# aws s3api put-bucket-policy --bucket example-bucket --policy file://deny-mary.json
# # on every machine whose role credentials were revoked: drop the cached session
# rm -r ~/.aws/cli/cache
# # if a bucket policy locks everyone out: as the root user of the bucket owner's account
# aws s3api delete-bucket-policy --bucket example-bucket
# ```
#
# **In the console:** IAM → *Roles* → Accounting-Role → *Revoke sessions* tab → *Revoke
# active sessions* (it needs `iam:PutRolePolicy`, and service-linked roles cannot be revoked
# this way); S3 → the bucket → *Permissions* → *Bucket policy*.
#
# **Cost:** IAM and AWS STS cost nothing; S3 bills storage and requests, a fraction of a cent
# for a few small objects.
#
# **Clean up:** `aws iam delete-role-policy --policy-name AWSRevokeOlderSessions` once every
# revoked session has expired (it matches nothing newer), `aws iam delete-user-policy` for
# token-app, `aws s3api delete-bucket-policy`, then delete the test objects, bucket, role and
# users.
#
# Next: **08 · The confused deputy**.
