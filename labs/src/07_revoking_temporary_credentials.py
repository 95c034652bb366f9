# %% [markdown]
# # 07 · Revoking temporary credentials: take the permissions away
#
# **Promise:** in 30 minutes you will stop leaked temporary credentials without waiting for
# them to expire, with the narrowest tool that does the job, and you will know which
# credentials no policy can stop.
#
# **Estimated time:** 30 minutes.
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
# 4. say why credentials of the root user cannot be restricted this way.
#
# ## The story
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
# federated users. STS has no operation to call them back. Here is every operation in
# botocore's STS model; none of them revokes anything:

# %%
mary_sts.meta.service_model.operation_names

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
# every request). Bob is not a session of the role and is untouched. The catch: this also
# changes what *every future* session of the role may do. Anaya puts the original policy back.

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
style_matrix(matrix.reindex(list(sessions))).set_uuid("revoke_by_principal")

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
# ## What you cannot restrict: the root user
#
# All of the above changes the permissions of the *creator* of the credentials: a role or an
# IAM user. The root user of the account is neither, and you cannot attach a policy to it. The
# same holds for temporary credentials that root obtains with `GetSessionToken` or
# `GetFederationToken`: there is no user whose policy you could edit. Root gets temporary
# credentials, and Anaya tries to attach a revocation policy to "the root user":

# %%
root = story.root("111111111111")
root_session = lab.session(root.client("sts").get_session_token()["Credentials"])
print("root's session:", lists_bucket(root_session))
print("attach to root:", attempt(lambda: admin_iam.put_user_policy(
    UserName="root", PolicyName="RevokeOlderSessions",
    PolicyDocument=json.dumps(load_policy("revoke-older-sessions")),
)))

# %% [markdown]
# That is one more reason not to use the root user for daily work, and not to create
# temporary credentials with it.
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
# **Exercise 07.1.** At exactly 10:00:00 UTC on 15 January 2026 you learn that credentials of
# Accounting-Role leaked. Write the policy you would attach to the role (what the console
# button would write) so that sessions issued before 10:00:00 can do nothing at all, and
# sessions issued afterwards are not affected.

# %%
from iamlab.exercises import check

my_policy = None  # a policy document (dict)
check("07.1", my_policy)

# %% [markdown]
# **Exercise 07.2.** For each situation, choose the narrowest of the panel's revocations
# (the strings in `REVOCATION_CHOICES`, printed below) that does what the situation asks. The
# checker replays each of your choices in a fresh lab.
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
# **Exercise 07.3.** Write a bucket policy for `example-bucket` that stops Mary's role session
# (`arn:aws:sts::111111111111:assumed-role/Accounting-Role/Mary`) from listing the bucket
# **and** from reading or writing its objects, without touching anyone else.

# %%
my_bucket_policy = load_policy("revoke-deny-role-session")  # the AWS page's version: fix it
check("07.3", my_bucket_policy)

# %% [markdown]
# ## Key points
#
# - Temporary credentials stay valid until they expire; you stop them by changing the
#   permissions that AWS evaluates on every request.
# - Editing the role's permissions policy hits every session of the role at once, old and new.
#   `AWSRevokeOlderSessions` (deny everything if `aws:TokenIssueTime` is before the cut-off)
#   hits only sessions issued before the click; clicking again moves the cut-off.
# - A `Deny` naming a role session, a federated user, an IAM user or a role in a resource
#   policy stops just those principals, and only at that resource. Name the objects
#   (`bucket/*`) as well as the bucket.
# - The same `aws:TokenIssueTime` policy on an IAM user stops the user's `GetSessionToken` and
#   `GetFederationToken` credentials, not the user's access keys.
# - No permissions policy can restrict the root user, or the temporary credentials it
#   creates with `GetSessionToken` or `GetFederationToken`.
#
# Next: **08 · The confused deputy**.
