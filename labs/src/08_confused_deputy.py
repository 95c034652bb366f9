# %% [markdown]
# # 08 · The confused deputy: why a third party gives you an external ID
#
# **Promise:** in 25 minutes you will trick a trusted third party into reading the wrong
# customer's data, then close the hole with one condition in a trust policy, and know who
# should choose its value.
#
# **Estimated time:** 25 minutes.
#
# ## Objectives
#
# By the end of this notebook you will be able to:
#
# 1. explain the confused deputy problem when one third party assumes roles in many
#    customers' accounts;
# 2. write a role trust policy that lets a third party in only with your external ID
#    (`sts:ExternalId`);
# 3. explain why the external ID is not a secret, and why the third party, not you, must
#    generate it (one value per customer);
# 4. write the onboarding test a third party should run before it stores a customer's role.
#
# ## The story
#
# **Example Corp** (account `444455556666`) sells a cost-monitoring service. Every customer
# creates a role called `ExampleRole` that Example Corp's service, the IAM user `monitor`,
# assumes to read the customer's billing reports. **You** are a customer (account
# `111122223333`, called AWS1 on the AWS page); **another customer** has account
# `777788889999` (AWS2). Example Corp gave you the external ID `12345` and the other customer
# `67890`, and each role's trust policy requires its customer's ID. The dashed arrows are the
# trust policies.

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
# nothing more. You (as your account's administrator) replace the trust policy:

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
# the answer is an implicit deny.
#
# `story.play(external_id, role)` replays Example Corp's call to one of the roles with the ID
# you choose. Here are the cases for your role: your ID, the other customer's ID, an ID
# nobody was given, and **no ID at all**. The last one is the test Example Corp should run
# when a customer registers a role: if it works without the ID, the role is not protected.

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
# third party, be unique per customer, and be outside the customers' control. Example Corp
# can use any identifier it already keeps per customer (a customer number, a random GUID),
# as long as no two customers share it.
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
# **Exercise 08.1.** Write the trust policy of your `ExampleRole`: Example Corp's account may
# assume it, but only when it passes your external ID `12345`. The checker tries Example Corp
# with several IDs and without one, and another account's user with your ID.

# %%
from iamlab.exercises import check

my_trust_policy = None  # a trust policy document (dict)
check("08.1", my_trust_policy)

# %% [markdown]
# **Exercise 08.2.** Three facts about the external ID. Who should generate it (`"you"`,
# `"Example Corp"`, `"the other customer"` or `"AWS"`)? Is it a secret (`True`/`False`)? Must it
# be unique per customer (`True`/`False`)?

# %%
my_answer = {"generated by": None, "secret": None, "unique per customer": None}
check("08.2", my_answer)

# %% [markdown]
# **Exercise 08.3.** You work at Example Corp. Write the onboarding test: given monitor's STS
# client, the role ARN a customer registered and the external ID you assigned to that
# customer, return `True` only if it is safe to store the ARN. The draft below only checks
# that the role can be assumed with the ID. The checker runs your function against five
# customers' roles in a fresh lab.

# %%
from botocore.exceptions import ClientError


def safe_to_store(sts, role_arn, external_id):
    """Example Corp's onboarding test: may we store this customer's role ARN?"""
    try:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="onboarding", ExternalId=external_id)
    except ClientError:
        return False
    return True  # ... is that enough?


check("08.3", safe_to_store)

# %% [markdown]
# ## Key points
#
# - A third party that assumes roles for many customers can be tricked into using one
#   customer's role on behalf of another: the confused deputy. Role ARNs are easy to guess.
# - Require `sts:ExternalId` in the role's trust policy (`StringEquals`, your exact value):
#   the third party passes the ID of the customer it is acting for, which the other customers
#   cannot change.
# - The external ID is not a secret (anyone who can read the role sees it). It works because
#   the third party generates it, one unique value per customer.
# - A third party should test every role it is given, with and without the right ID, and
#   refuse a role that it can assume without it.
#
# Next: **09 · Considerations**, where MFA cannot help.
