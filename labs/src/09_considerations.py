# %% [markdown]
# # 09 · Considerations: where MFA cannot help
#
# **Promise:** you will see, call by call, which credentials can never prove MFA to AWS, and
# why an MFA condition on a cross-account role is only as strong as the other account.
#
# **Estimated time:** 45 minutes (25 teaching, 20 exercises).
#
# ## Objectives
#
# By the end of this notebook you will be able to:
#
# 1. name the credentials that can never satisfy `Bool {"aws:MultiFactorAuthPresent": "true"}`:
#    the root user, federated users from `GetFederationToken`, and roles assumed through an
#    external identity provider (web identity or SAML);
# 2. explain why MFA at your identity provider is invisible to AWS;
# 3. explain how an administrator of a trusted account can create an MFA claim of their own,
#    and narrow a trust policy to specific principals;
# 4. say what can still restrict the root user, which no identity policy can.
#
# ## The story
#
# We reuse the cross-account story. Anaya, administrator of account A, lets account B assume
# **CrossAccountRole** (and read the DynamoDB table `Books`) if MFA is present. Richard of
# account B has an MFA device. The AWS page
# [Secure API access with MFA](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html)
# ends with a list of things to keep in mind; this notebook tries each of them. The last one
# adds a user to the diagram: Mallory, whom account B's administrator creates in the middle of
# the story.

# %%
from iamlab.diagrams import story_diagram
from iamlab.notebook import attempt
from iamlab.scenarios import build_cross_account
from iamlab.scenarios.considerations import mfa_keys

story = build_cross_account()
lab = story.lab
A, B = "111111111111", "222222222222"
contexts = {}  # kind of credentials -> the request context it produces
richard_attempts = story.play("MFA code")
story_diagram(story, richard_attempts)

# %% [markdown]
# Richard assumes the role with his MFA code and reads `Books`: the story works as designed.
# Now let's look for the ways around it, and the ways MFA cannot be used at all.
#
# ## 1. The root user
#
# MFA-protected API access is not available to the root user. Root may call
# `GetSessionToken`, but the session it gets says `false`. (The MFA page says root has no
# MFA-protected API access while the STS reference accepts root's call; letting root call it
# and never giving the session MFA is a lab decision: `docs/aws-behaviour.md`, "Lab decisions"
# D1 and D5.)

# %%
a_root_sts = story.root(A).client("sts")
root_creds = a_root_sts.get_session_token()["Credentials"]
contexts["root user's GetSessionToken"] = lab.request_context(root_creds)
mfa_keys(contexts["root user's GetSessionToken"])

# %% [markdown]
# That does not stop root in its own account. No IAM identity policy can be attached to root,
# so an MFA condition in one cannot restrict it: the root session without MFA reads the table.

# %%
root_ddb = lab.session(root_creds).client("dynamodb")
print(attempt(lambda: root_ddb.get_item(TableName="Books", Key={"title": {"S": "Dune"}})))
print(lab.trail().iloc[-1]["reason"])

# %% [markdown]
# Root is not beyond every policy, though. An explicit `Deny` in a **resource-based** policy
# applies to root too (and, in an AWS Organizations member account, so do service control
# policies). Here account A's root creates a bucket whose policy denies reading without MFA
# to every principal of account A, root included:

# %%
import json

a_root = story.root(A)
s3_root = a_root.client("s3")
s3_root.create_bucket(Bucket="books-exports")
s3_root.put_object(Bucket="books-exports", Key="list.csv", Body=b"Dune\n")
s3_root.put_bucket_policy(Bucket="books-exports", Policy=json.dumps({
    "Version": "2012-10-17", "Statement": {
        "Effect": "Deny", "Principal": {"AWS": A}, "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::books-exports/*",
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}}))
root_s3 = lab.session(root_creds).client("s3")
attempt(lambda: root_s3.get_object(Bucket="books-exports", Key="list.csv"))

# %% [markdown]
# Refused, with an explicit deny from the bucket policy. Root cannot lock itself out, though:
# it can always read, replace and delete its own buckets' policies
# (`docs/aws-behaviour.md`, "Lab decisions" D5).

# %%
print(attempt(lambda: s3_root.delete_bucket_policy(Bucket="books-exports")))
print(attempt(lambda: root_s3.get_object(Bucket="books-exports", Key="list.csv")))

# %% [markdown]
# And root cannot use a role at all, MFA or not:

# %%
attempt(lambda: a_root_sts.assume_role(RoleArn=story.cross_account_role, RoleSessionName="root"))

# %% [markdown]
# The main defence for root is outside policies: protect its sign-in with MFA, do not create
# access keys for it, and use it only for the few tasks that need it. Resource-based policies
# (and SCPs) add guard rails, but none can make root's own API calls carry MFA.
#
# ## 2. Federated users from GetFederationToken
#
# `GetFederationToken` gives temporary credentials to a *federated user* named by the caller
# (here Anaya names him Bob). Look at the parameters STS accepts: only `GetSessionToken` and
# `AssumeRole` take an MFA serial number and code. The list comes from botocore's model of
# STS, the same one real AWS clients use.

# %%
sts_model = story.anaya.client("sts").meta.service_model
{
    name: sorted({"SerialNumber", "TokenCode"} & set(sts_model.operation_model(name).input_shape.members))
    for name in ("GetSessionToken", "AssumeRole", "GetFederationToken",
                 "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML")
}

# %% [markdown]
# So a federated user's requests carry no MFA keys (absent, not `false`: AWS's pages once
# said otherwise, and the lab follows the current text, `docs/aws-behaviour.md`, "Lab
# decisions" D1). They also have no permissions at all unless the call passes a session
# policy, and in STS they may call only `GetCallerIdentity` (D6):

# %%
anaya_sts = story.anaya.client("sts")
bob = anaya_sts.get_federation_token(Name="Bob")["Credentials"]
contexts["GetFederationToken"] = lab.request_context(bob)
print(mfa_keys(contexts["GetFederationToken"]))
print(attempt(lambda: lab.session(bob).client("dynamodb").list_tables()))

# %% [markdown]
# With a session policy, the federated user gets what both the session policy and Anaya's own
# policies allow:

# %%
list_tables = {"Version": "2012-10-17", "Statement": {
    "Effect": "Allow", "Action": "dynamodb:ListTables", "Resource": "*"}}
bob_2 = anaya_sts.get_federation_token(Name="Bob", Policy=json.dumps(list_tables))["Credentials"]
attempt(lambda: lab.session(bob_2).client("dynamodb").list_tables())

# %% [markdown]
# ## 3. Web identity: the identity provider's MFA is invisible
#
# With `AssumeRoleWithWebIdentity`, an app's user signs in at an OpenID Connect provider
# (Google, Amazon Cognito, your company's login page...) and trades the provider's token for
# role credentials. The provider may well have asked for a second factor, but nothing in the
# token or in the call tells AWS.
#
# The lab plays the identity provider. `add_web_identity_role` registers it in account A
# (`iam.create_open_id_connect_provider`) and creates a role whose trust policy accepts the
# provider's user `reader-42`; with `require_mfa=True` the trust policy also asks for
# `Bool {"aws:MultiFactorAuthPresent": "true"}`.

# %%
from iamlab.scenarios.considerations import OIDC_URL, add_web_identity_role

web_role = add_web_identity_role(story, A, "WebReader", subject="reader-42")
web_role_mfa = add_web_identity_role(story, A, "WebReaderMFA", subject="reader-42",
                                     require_mfa=True)
token = lab.web_identity_token(OIDC_URL, subject="reader-42", audience="books-app")
anonymous_sts = lab.session().client("sts")  # the call is not signed with AWS keys
web = anonymous_sts.assume_role_with_web_identity(
    RoleArn=web_role, RoleSessionName="reader-42", WebIdentityToken=token)
contexts["AssumeRoleWithWebIdentity"] = lab.request_context(web["Credentials"])
print(mfa_keys(contexts["AssumeRoleWithWebIdentity"]))
attempt(lambda: anonymous_sts.assume_role_with_web_identity(
    RoleArn=web_role_mfa, RoleSessionName="reader-42", WebIdentityToken=token))

# %% [markdown]
# The session carries no MFA keys, and the role that demands MFA can never be assumed this
# way, whatever happened at the provider.
#
# ## 4. SAML: the same
#
# `AssumeRoleWithSAML` works like web identity with a SAML 2.0 identity provider (your
# company's single sign-on). The lab's SAML provider mints a signed assertion with
# `lab.saml_assertion(...)`; the role trusts the provider.

# %%
from iamlab.scenarios.considerations import add_saml_role

provider, saml_role = add_saml_role(story, A, "SamlReader")
_, saml_role_mfa = add_saml_role(story, A, "SamlReaderMFA", require_mfa=True)
saml = anonymous_sts.assume_role_with_saml(
    RoleArn=saml_role, PrincipalArn=provider,
    SAMLAssertion=lab.saml_assertion(provider, "mary", saml_role))
contexts["AssumeRoleWithSAML"] = lab.request_context(saml["Credentials"])
print(mfa_keys(contexts["AssumeRoleWithSAML"]))
attempt(lambda: anonymous_sts.assume_role_with_saml(
    RoleArn=saml_role_mfa, PrincipalArn=provider,
    SAMLAssertion=lab.saml_assertion(provider, "mary", saml_role_mfa)))

# %% [markdown]
# If you federate your workforce, require MFA **at the identity provider**, and control what
# the roles may do with their permissions; an MFA condition in AWS cannot check it for you.
#
# ## 5. A trusted account can create its own MFA claim
#
# CrossAccountRole trusts **account B** with MFA. Who in account B can produce "MFA present"?
# Anyone whom account B allows to create and enable virtual MFA devices, for any user. Account
# B's administrator (its root user here) creates a new user, Mallory, gives her permission to
# assume the role, and gives her an MFA device whose codes the administrator controls.
# Nothing of this happens in account A.

# %%
from iamlab.scenarios.considerations import add_user_with_mfa

may_assume = {"Version": "2012-10-17", "Statement": {
    "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": story.cross_account_role}}
mallory = add_user_with_mfa(story, B, "Mallory", may_assume, detail="created by B's admin")
print(mallory.arn, mallory.mfa_serial)

# %% [markdown]
# Mallory assumes the role with a code from her new device, and reads account A's table:

# %%
mallory_sts = mallory.client("sts")
assumed = story.attempt(
    "Mallory assumes CrossAccountRole (MFA code)", "Mallory", "sts:AssumeRole",
    story.cross_account_role,
    lambda: mallory_sts.assume_role(
        RoleArn=story.cross_account_role, RoleSessionName="Mallory",
        SerialNumber=mallory.mfa_serial, TokenCode=lab.totp(mallory.mfa_serial)))
mallory_ddb = lab.session(assumed.result["Credentials"]).client("dynamodb")
print(assumed.summary())
attempt(lambda: mallory_ddb.get_item(TableName="Books", Key={"title": {"S": "Kindred"}}))

# %% [markdown]
# A's trust policy cannot tell Mallory's MFA from Richard's: both are "an identity of account
# B that passed a valid code". The diagram now shows Mallory beside Richard:

# %%
story_diagram(story, [richard_attempts[0], assumed])

# %% [markdown]
# Two things reduce this risk, and you need both:
#
# - **In account A**, trust specific principals rather than a whole account: name Richard's
#   user ARN, or a role in B that only a few people may use (Exercise 09.2 does both).
# - **In account B**, let only a few trusted identities manage MFA devices and users. That
#   is B's job, which is why you should know how the other account is run before you trust it.
#
# ## Summary
#
# The table collects the requests of this notebook and two for comparison: Richard's
# `GetSessionToken` with MFA, and Mallory's. The last column is decided by the policy engine
# for a statement with `Bool {"aws:MultiFactorAuthPresent": "true"}`.

# %%
from iamlab.scenarios.considerations import mfa_summary

lab.clock.advance(seconds=30)  # the lab accepts each code once (D2): wait for fresh ones
for actor in (story.richard, mallory):
    gst = actor.client("sts").get_session_token(
        SerialNumber=actor.mfa_serial, TokenCode=lab.totp(actor.mfa_serial))["Credentials"]
    contexts[f"{actor.name}'s GetSessionToken with MFA"] = lab.request_context(gst)
contexts["Richard's long-term access keys"] = lab.request_context(story.richard.session)
mfa_summary(contexts)

# %% [markdown]
# ## Explore
#
# The panel replays Richard's side of the story. **Try this:** send a wrong code, then no
# code, and compare the trust policy's explanation with what Mallory's valid code got her.

# %%
from iamlab.widgets import cross_account_panel

cross_account_panel(build_cross_account())

# %% [markdown]
# ## Exercises
#
# A new hint appears only for a *different* wrong answer; the untouched drafts spend nothing.
#
# **Exercise 09.1 · Predict.** Which of these credentials can **ever** satisfy
# `Bool {"aws:MultiFactorAuthPresent": "true"}` (in this lab's default mode), if the caller
# uses MFA wherever the API lets them? Answer `"can"` or `"never"` for each; the checker asks
# a fresh lab. The first check says only how many predictions are wrong.

# %%
from iamlab.exercises import check

my_predictions = {
    "IAM user's long-term access keys": None,
    "root user's GetSessionToken": None,
    "GetFederationToken": None,
    "AssumeRoleWithWebIdentity": None,
    "AssumeRoleWithSAML": None,
    "IAM user's GetSessionToken with MFA": None,
    "AssumeRole with GetSessionToken(MFA) credentials": None,
}
check("09.1", my_predictions)

# %% [markdown]
# **Exercise 09.2 · Safe from tomorrow's Mallory.** Account B also runs a nightly job that
# copies new titles into `Books`: a program assumes B's role
# **`BooksSync`** (`arn:aws:iam::222222222222:role/BooksSync`) and then CrossAccountRole,
# with no person and no MFA device involved. Rewrite CrossAccountRole's trust policy so that:
#
# - Richard may assume it, only with MFA;
# - the job (any session of `BooksSync`) may assume it;
# - **nobody else** may: not Mallory, not any user or role that B's administrator creates
#   later, whatever MFA device they are given.
#
# The draft below is today's policy. The checker tries Richard, Mallory, the job and other
# identities of accounts A, B and C, with and without MFA.

# %%
from iamlab.data import load_policy

my_trust_policy = load_policy("cross-account-trust")  # today's trust policy: rewrite it
check("09.2", my_trust_policy)

# %% [markdown]
# ## Check your understanding

# %%
from iamlab.exercises import ask

ask("09.why")

# %%
my_choice = None  # one letter, e.g. "a"
check("09.why", my_choice)

# %%
ask("09.quiz")

# %%
my_quiz = {1: None, 2: None, 3: None, 4: None}
check("09.quiz", my_quiz)

# %% [markdown]
# ## Key points
#
# - Only `GetSessionToken` and `AssumeRole` take an MFA code, and only an IAM user's code
#   counts: the root user's sessions carry `false`.
# - No IAM identity policy can be attached to root, so no MFA condition in one restricts it;
#   a resource-based policy's explicit `Deny` (and an SCP) still can, and root can always
#   manage its own bucket's policy.
# - `GetFederationToken`, `AssumeRoleWithWebIdentity` and `AssumeRoleWithSAML` sessions carry
#   no MFA keys. MFA at an external identity provider is invisible to AWS: enforce it there.
#   Federated users from `GetFederationToken` have no permissions without a session policy.
# - A trust policy that trusts a whole account with MFA trusts whoever that account lets
#   create MFA devices. Name specific principals (one statement each when their conditions
#   differ), and trust only accounts whose administrators you trust: they still manage the
#   principals you name.
#
# ## On real AWS (not run by the lab)
#
# In two test accounts of your own (A and B). Nothing below runs here.
#
# ```bash
# # account A: read and replace the role's trust policy (trust.json names the principals)
# aws iam get-role --role-name CrossAccountRole --query Role.AssumeRolePolicyDocument
# aws iam update-assume-role-policy --role-name CrossAccountRole --policy-document file://trust.json
# # account B: who could mint an MFA claim? list the users and their virtual MFA devices
# aws iam list-users --query "Users[].UserName"
# aws iam list-virtual-mfa-devices --assignment-status Assigned
# # a federated user: no MFA parameters exist on this call
# aws sts get-federation-token --name Bob --policy file://list-tables.json
# # web identity: an unsigned call with the provider's token
# aws sts assume-role-with-web-identity --role-arn arn:aws:iam::ACCOUNT-A-ID:role/WebReader \
#     --role-session-name reader-42 --web-identity-token file://token.jwt
# ```
#
# **In the console:** IAM → *Roles* → CrossAccountRole → *Trust relationships* (edit the
# principals there); in account B, IAM → *Users* → a user → *Security credentials* shows the
# user's MFA devices; IAM → *Identity providers* lists OIDC and SAML providers.
#
# **Cost:** IAM, AWS STS and identity providers registered in IAM cost nothing; an S3 bucket
# such as `books-exports` bills storage and requests (a fraction of a cent here).
#
# **Clean up:** in account B delete any test user (`aws iam deactivate-mfa-device`,
# `aws iam delete-virtual-mfa-device`, `aws iam delete-access-key`, `aws iam delete-user`); in
# account A delete test roles and providers (`aws iam delete-role`,
# `aws iam delete-open-id-connect-provider`, `aws iam delete-saml-provider`) and any test
# bucket.
#
# Next: **10 · Capstone**, where you write the policies yourself.
