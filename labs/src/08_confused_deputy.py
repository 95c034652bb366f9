# %% [markdown]
# # 08 · The confused deputy: why a third party gives you an external ID
#
# **Promise:** you will trick a trusted third party into reading the wrong customer's data,
# close the hole with one condition in a trust policy, and know who should choose its value
# and why the third party gets a role rather than an IAM user with access keys.
#
# **Estimated time:** 45 minutes (20 teaching, 25 exercises).
#
# ## Objectives
#
# By the end of this notebook you will be able to:
#
# 1. explain the confused deputy problem when one third party assumes roles in many
#    customers' accounts;
# 2. write a role trust policy that lets each third party in only with the external ID it
#    assigned to you (`sts:ExternalId`);
# 3. explain why the external ID is not a secret, and why the third party, not you, must
#    generate it (one value per customer);
# 4. explain why a third party gets a role and never an IAM user with long-term access keys;
# 5. write the onboarding test a third party should run before it stores a customer's role.
#
# ## The story
#
# This story comes from the AWS page
# [Access to AWS accounts owned by third parties](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html)
# (the page on the external ID). **Example Corp** (account `444455556666`) sells a
# cost-monitoring service. Every customer creates a role called `ExampleRole` that Example
# Corp's service, the IAM user `monitor`, assumes to read the customer's billing reports.
# **You** are a customer (account `111122223333`, called AWS1 on the AWS page); **another
# customer** has account `777788889999` (AWS2). Example Corp gave you the external ID `12345`
# and the other customer `67890`, and each role's trust policy requires its customer's ID. The
# dashed arrows are the trust policies.

# %%
from iamlab.diagrams import story_diagram
from iamlab.scenarios import build_confused_deputy

story = build_confused_deputy()
lab = story.lab
story_diagram(story)

# %% [markdown]
# Example Corp's service keeps a small database: for each customer, the role ARN the customer
# registered and the external ID Example Corp assigned. When a customer asks for a report,
# the service assumes that role, passing that ID, and reads the bucket it finds. This is the
# **deputy**: it acts with its own permissions (it may assume any `ExampleRole`) on behalf of
# whoever asks.

# %%
monitor_sts = story.actor("monitor").client("sts")
registry = {}  # Example Corp's database: customer -> (role ARN, external ID or None)


def example_corp_report(customer):
    """Example Corp's service: assume the customer's role and read this month's report."""
    role_arn, external_id = registry[customer]
    extra = {"ExternalId": external_id} if external_id else {}
    credentials = monitor_sts.assume_role(
        RoleArn=role_arn, RoleSessionName="ExampleCorp", **extra
    )["Credentials"]
    s3 = lab.session(credentials).client("s3")
    bucket = s3.list_buckets()["Buckets"][0]["Name"]
    return bucket, s3.get_object(Bucket=bucket, Key="2026-01.csv")["Body"].read().decode()


print(story.your_role)
print(story.other_role)

# %% [markdown]
# ## Part 1: the attack, without an external ID
#
# Go back to a world without external IDs: your role trusts Example Corp's account and
# nothing more. You (as your account's administrator) replace the trust policy. (In the lab
# the new trust policy applies to the very next call, a lab decision: `docs/aws-behaviour.md`,
# "Lab decisions" D4. AWS can take a few moments to apply a policy change everywhere.)

# %%
import json

your_iam = story.root("111122223333").client("iam")
your_iam.update_assume_role_policy(
    RoleName="ExampleRole",
    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"AWS": "444455556666"}}}),
)
registry["you"] = (story.your_role, None)
example_corp_report("you")

# %% [markdown]
# That is the service working as intended. Now the other customer signs up with Example Corp,
# and when asked for its role ARN, it gives **yours**. Role ARNs are not secret: they follow a
# fixed pattern (`arn:aws:iam::ACCOUNT:role/NAME`), and every Example Corp customer is told to
# name the role `ExampleRole`; knowing your account number is enough.

# %%
registry["other customer"] = (story.your_role, None)
example_corp_report("other customer")

# %% [markdown]
# The other customer just read **your** billing report. Nobody stole a credential and no policy
# was broken: Example Corp was allowed to assume your role, and it did so on behalf of the
# wrong customer. It is a *confused deputy*: a trusted party tricked into using its authority
# for someone who has none.
#
# ## Part 2: the defence, a condition on `sts:ExternalId`
#
# `story.rewind()` puts the story back as it was built: your trust policy requires the
# external ID `12345`, the other customer's requires `67890`. Here is yours, as your account
# sees it:

# %%
story.rewind()
your_iam.get_role(RoleName="ExampleRole")["Role"]["AssumeRolePolicyDocument"]

# %% [markdown]
# Example Corp now stores the ID it assigned to each customer next to the ARN the customer
# registered. Both customers get their own reports:

# %%
registry = {
    "you": (story.your_role, "12345"),
    "other customer": (story.other_role, "67890"),
}
print(example_corp_report("you"))
print(example_corp_report("other customer"))

# %% [markdown]
# The other customer tries the trick again and registers your role ARN. It can change the
# ARN, but not the ID: Example Corp always sends the ID it assigned to the customer who is
# asking, here `67890`.

# %%
from iamlab.notebook import attempt

registry["other customer"] = (story.your_role, "67890")
attempt(lambda: example_corp_report("other customer"))

# %%
print(lab.explain_last())

# %% [markdown]
# The trust policy's only statement does not apply: the request carries `sts:ExternalId`
# = `67890`, the policy wants `12345`. Since a trust policy must explicitly allow the caller,
# the answer is an implicit deny. (The error text follows the form AWS documents for
# access-denied messages: `docs/aws-behaviour.md`, "Lab decisions" D3.)
#
# `story.play(external_id, role)` replays Example Corp's call to one of the roles with the ID
# you choose. Here are the four cases for your role: **your ID**, **the other customer's ID**,
# **an ID nobody was given**, and **no ID at all**. A role is safe only if the first works and
# the other three fail. The AWS page asks the third party to test every role it is given,
# with and without the right ID, before storing it: if the role works without the right ID,
# it is not protected. These four cases are that test, done thoroughly.

# %%
from iamlab.widgets import attempts_table

attempts_table(
    [a for eid in ("12345", "67890", "99999", None) for a in story.play(external_id=eid)]
)

# %% [markdown]
# ## Part 3: not a secret, but not yours to choose
#
# The external ID is not a password. Anyone allowed to read your role (`iam:GetRole`) sees it
# in the trust policy, as you did above. It protects you for another reason: the other
# customer cannot control what Example Corp sends.
#
# That only holds if **Example Corp** generates the IDs and never gives two customers the same
# one. Suppose instead that customers chose their own: you picked `12345`. Nothing stops the
# other customer from "choosing" `12345` too, together with your role ARN:

# %%
registry["other customer"] = (story.your_role, "12345")  # the other customer's own choice
example_corp_report("other customer")

# %% [markdown]
# The condition is met and the deputy is confused again. So the value must come from the
# third party, be unique among its customers, and be outside the customers' control. Example
# Corp can use any identifier it already keeps per customer (a customer number, a random
# GUID), as long as no two of its customers share it. Note the scope: unique among **Example
# Corp's** customers. Another third party numbers its own customers its own way (Exercise
# 08.1 is about exactly that).
#
# ## Part 4: a role, never an IAM user with access keys
#
# Why not skip roles and external IDs altogether, and give Example Corp an IAM user in your
# account with an access key? The AWS page says not to: give a third party a role and its
# temporary credentials, never an IAM user and its long-term credentials. Here is why, in
# the lab. You create the user `example-corp` with the role's permissions and an access key:

# %%
from iamlab.data import load_policy

story.rewind()
your_iam.create_user(UserName="example-corp")
your_iam.put_user_policy(UserName="example-corp", PolicyName="Monitoring",
                         PolicyDocument=json.dumps(load_policy("example-role-permissions")))
key = your_iam.create_access_key(UserName="example-corp")["AccessKey"]
role_creds = monitor_sts.assume_role(RoleArn=story.your_role, RoleSessionName="ExampleCorp",
                                     ExternalId="12345")["Credentials"]
print("access key expires:  ", key.get("Expiration", "never (no Expiration field)"))
print("role session expires:", role_creds["Expiration"])

# %% [markdown]
# Two hours later, someone uses both: the role session has expired, the access key has not.
# Whoever holds the key (Example Corp, or anyone who copied it from Example Corp's database)
# reads your bill, and the request shows only *your own* user as the caller:

# %%
lab.clock.advance(hours=2)
with_key = lab.session(key).client("s3")
with_role = lab.session(role_creds).client("s3")
print("access key:  ", attempt(lambda: with_key.get_object(Bucket="aws1-billing-reports",
                                                         Key="2026-01.csv")))
print("role session:", attempt(lambda: with_role.get_object(Bucket="aws1-billing-reports",
                                                          Key="2026-01.csv")))
print(lab.session(key).client("sts").get_caller_identity()["Arn"])

# %% [markdown]
# What went wrong with the key:
#
# - **It leaks and stays valid.** An access key works for anyone who holds it, from anywhere,
#   until you delete it. A third party keeps many customers' keys in one place, so one breach
#   there leaks them all. The AWS page
#   [Manage access keys for IAM users](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html)
#   warns that handing out access keys can give someone permanent access to your account.
# - **It cannot be scoped per customer.** The external ID is checked only when a role is
#   assumed (`sts:ExternalId` exists only in an `AssumeRole` call). Requests signed with a
#   key carry nothing that says on whose behalf the third party acts, and they come from
#   *your* user, not from Example Corp's account: your trust policy has nothing to check.
# - **It must be rotated.** [Security best practices in IAM](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html)
#   asks you to rotate access keys regularly wherever long-term credentials are unavoidable:
#   with a third party that means coordinating every rotation with it. A role needs none of
#   that: Example Corp uses its own credentials, the session expires by itself (one hour by
#   default), and you cut Example Corp off by editing one trust policy.
#
# ## Explore
#
# The panel replays Example Corp's `AssumeRole` call with the external ID you type.
# **Try this:** type `67890`, then `12345`, then empty the box, first for your role and then
# for the other customer's, and read which condition decided each time.

# %%
from iamlab.widgets import confused_deputy_panel

confused_deputy_panel(story)

# %% [markdown]
# ## Exercises
#
# A new hint appears only for a *different* wrong answer; the untouched draft spends nothing.
#
# **Exercise 08.1 · A second third party.** Your company also hires **Lumen Analytics**
# (account `555544443333`), which scans the security settings of many customers' accounts
# the same way. Lumen's onboarding page asks you to let its account assume a role, passing the
# external ID Lumen assigned to you: **`67890`**. (Lumen numbers its customers its own way;
# that the other customer got the same string from Example Corp is a coincidence.) Rather than
# create a second role, your team adds Lumen to `ExampleRole`. Edit the trust policy below:
# Example Corp must still get in only with `12345`, Lumen only with its ID, nobody else, and
# the attack of Part 1 must still fail. The checker tries both services with every ID of this
# notebook and without one, and other principals of all the accounts.

# %%
from iamlab.exercises import check

trust_policy = load_policy("example-corp-trust")  # your role's trust policy today: edit it
check("08.1", trust_policy)

# %% [markdown]
# **Exercise 08.2 · The onboarding test.** You work at Example Corp. Write the test it runs
# when a customer registers a role: given monitor's STS client, the role ARN, the external ID
# Example Corp assigned to this customer and the IDs it assigned to its **other** customers,
# return `True` only if it is safe to store the ARN. A naive test only checks that the role
# can be assumed with the customer's ID:
#
# ```python
# sts.assume_role(RoleArn=role_arn, RoleSessionName="onboarding", ExternalId=external_id)
# ```
#
# That is not enough: try the cases of Part 2. The checker runs your function in a fresh lab
# against two rounds of eight customers' roles, each round with its own IDs (in each round
# every role's trust policy gets a different thing wrong, except one that is right), and
# watches which calls your function makes. A refused call raises
# `botocore.exceptions.ClientError`.

# %%
from botocore.exceptions import ClientError


def safe_to_store(sts, role_arn, external_id, other_ids):
    """Example Corp's onboarding test: may we store this customer's role ARN?"""
    ...  # your test here: return True or False


check("08.2", safe_to_store)

# %% [markdown]
# ## Check your understanding

# %%
from iamlab.exercises import ask

ask("08.why")

# %%
my_choice = None  # one letter, e.g. "a"
check("08.why", my_choice)

# %%
ask("08.quiz")

# %%
my_quiz = {1: None, 2: None, 3: None, 4: None}
check("08.quiz", my_quiz)

# %% [markdown]
# ## Key points
#
# - A third party that assumes roles for many customers can be tricked into using one
#   customer's role on behalf of another: the confused deputy. Role ARNs are easy to guess.
# - Require `sts:ExternalId` in the role's trust policy (`StringEquals`, the exact value):
#   the third party passes the ID of the customer it is acting for, which the other customers
#   cannot change. With two third parties, give each its own statement: an ID is unique only
#   among one third party's customers.
# - The external ID is not a secret (anyone who can read the role sees it). It works because
#   the third party generates it, one unique value per customer.
# - Give a third party a role, never an IAM user with access keys: keys leak and stay valid,
#   cannot be scoped per customer, and must be rotated.
# - A third party should test every role it is given with the customer's ID, without an ID,
#   with a made-up ID and with other customers' IDs, and store it only if the first alone works.
#
# ## On real AWS (not run by the lab)
#
# Your side, as the customer, with the AWS CLI in a test account. `trust.json` holds the trust
# policy of Part 2 with the third party's real account id and the ID it gave you;
# `permissions.json` the role's permissions. Nothing below runs here.
#
# ```bash
# aws iam create-role --role-name ExampleRole --assume-role-policy-document file://trust.json
# aws iam put-role-policy --role-name ExampleRole --policy-name Monitoring \
#     --policy-document file://permissions.json
# aws iam get-role --role-name ExampleRole --query Role.AssumeRolePolicyDocument
# ```
#
# The third party's side (Example Corp's onboarding test), with its own credentials:
#
# ```bash
# aws sts assume-role --role-arn arn:aws:iam::111122223333:role/ExampleRole \
#     --role-session-name onboarding --external-id 12345          # must succeed
# aws sts assume-role --role-arn arn:aws:iam::111122223333:role/ExampleRole \
#     --role-session-name onboarding                              # must fail: AccessDenied
# aws sts assume-role --role-arn arn:aws:iam::111122223333:role/ExampleRole \
#     --role-session-name onboarding --external-id 67890          # must fail: AccessDenied
# ```
#
# **In the console:** IAM → *Roles* → *Create role* → *AWS account* → *Another AWS account*,
# with the option *Require external ID*; afterwards the role's *Trust relationships* tab shows
# the condition. IAM → *Users* → a user → *Security credentials* lists its access keys, and
# their age: there should be none for a third party.
#
# **Cost:** IAM roles and AWS STS calls cost nothing; the third party's service is billed by
# the third party.
#
# **Clean up:** `aws iam delete-role-policy --role-name ExampleRole --policy-name Monitoring`,
# then `aws iam delete-role --role-name ExampleRole`; delete any IAM user you created for a
# third party (`aws iam delete-access-key`, `aws iam delete-user-policy`, `aws iam delete-user`).
#
# Next: **09 · Considerations**, where MFA cannot help.
