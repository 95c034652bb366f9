# %% [markdown]
# # 06 · Self-managed MFA: set up your own device first, everything else after
#
# **Promise:** in 25 minutes you will understand, statement by statement, the policy AWS
# suggests for users who manage their own MFA device, and you will watch a new user go from
# "allowed almost nothing" to working MFA credentials.
#
# **Estimated time:** 25 minutes.
#
# ## Objectives
#
# By the end of this notebook you will be able to:
#
# 1. explain what each of the four statements of the self-managed MFA policy does, and why
#    the last one combines `Deny`, `NotAction` and `BoolIfExists`;
# 2. use the `${aws:username}` policy variable so that every user manages only his or her
#    own MFA device;
# 3. take a user from no MFA device to `GetSessionToken` credentials with MFA, using boto3;
# 4. change the policy safely (a new action allowed without MFA) without opening a hole.
#
# ## The story
#
# Account A has a group, **Developers**, with two policies. `DeveloperAccess` allows S3,
# DynamoDB and `ec2:Describe*`. `ForceMFA` is the policy from the AWS page on users who
# manage their own MFA device: until a member has signed in with MFA, it shuts every door
# except the ones needed to set MFA up.
#
# Sofía (IAM user `Sofia`) is a member and already has a virtual MFA device. **Nikhil**
# joined today: he is a member too, he has access keys, and no MFA device yet. Anaya is the
# account's administrator. In the diagram, grey dotted lines show group membership and
# Sofía's phone; the arrows are calls Nikhil makes with his access keys.

# %%
from iamlab.diagrams import story_diagram
from iamlab.scenarios import build_self_managed_mfa

story = build_self_managed_mfa()
lab = story.lab
story_diagram(story, story.play(who="Nikhil", mfa=False))

# %% [markdown]
# Nikhil may read his own user and list MFA devices, but not read Anaya's user. Let's see why.
#
# ## The policy, statement by statement

# %%
import json

from iamlab.data import load_policy

force_mfa = load_policy("self-managed-mfa")
for statement in force_mfa["Statement"]:
    print(json.dumps(statement))

# %% [markdown]
# | Sid | Effect | What it does |
# |---|---|---|
# | `AllowViewAccountInfo` | Allow | lists the account's virtual MFA devices. Listing has no resource ARN to aim at, so it needs its own statement with `"Resource": "*"`. |
# | `AllowManageOwnVirtualMFADevice` | Allow | creates and deletes a virtual MFA device, but only the one whose ARN ends in `mfa/${aws:username}`: the device named after the caller. |
# | `AllowManageOwnUserMFA` | Allow | enables, resynchronises, deactivates and lists MFA devices, and reads the user, but only on `user/${aws:username}`: the caller's own user. |
# | `DenyAllExceptListedIfNoMFA` | **Deny** | denies **every action except the seven listed** (that is what `NotAction` means in a `Deny`), but only when the request was not made with MFA. |
#
# The fourth statement does not allow anything: it only refuses. With MFA its condition is
# not met, it steps aside, and the member's other policies decide as usual.
#
# `${aws:username}` is a **policy variable**: when a request is evaluated, IAM replaces it with
# the caller's user name (the `aws:username` condition key). One policy, attached to a whole
# group, therefore means "your own device" for each member.
#
# ## Hands-on 1: Nikhil, with his access keys, before MFA
#
# `story.attempt(...)` makes one call and records what the lab answered; `attempts_table`
# shows a list of them. Nikhil signs every call below with his long-term access keys.

# %%
from iamlab.widgets import attempts_table

nikhil = story.actor("Nikhil")
iam, s3, ec2 = nikhil.client("iam"), nikhil.client("s3"), nikhil.client("ec2")
me = nikhil.arn

attempts_table(
    [
        story.attempt("list virtual MFA devices", "Nikhil", "iam:ListVirtualMFADevices", "*",
                      lambda: iam.list_virtual_mfa_devices()),
        story.attempt("read his own user", "Nikhil", "iam:GetUser", me, lambda: iam.get_user()),
        story.attempt("list his MFA devices", "Nikhil", "iam:ListMFADevices", me,
                      lambda: iam.list_mfa_devices()),
        story.attempt("list the S3 buckets", "Nikhil", "s3:ListAllMyBuckets", "*",
                      lambda: s3.list_buckets()),
        story.attempt("describe EC2 instances", "Nikhil", "ec2:DescribeInstances", "*",
                      lambda: ec2.describe_instances()),
        story.attempt("list the IAM users", "Nikhil", "iam:ListUsers", "*",
                      lambda: iam.list_users()),
    ]
)

# %% [markdown]
# The three MFA-related calls work; S3, EC2 and `ListUsers` are refused with an **explicit**
# deny, even though `DeveloperAccess` allows S3 and `ec2:Describe*`. Here is the full
# explanation of the last S3 refusal:

# %%
from iamlab.notebook import attempt

attempt(lambda: s3.list_buckets())

# %%
print(lab.explain_last())

# %% [markdown]
# Read statement 4: Nikhil's request carries **no** `aws:MultiFactorAuthPresent` key at all,
# because it is signed with long-term access keys. `BoolIfExists` treats a missing key as a
# match, so the Deny applies. `DeveloperAccess` does allow the call (its statement "applies"),
# but an explicit Deny overrides every Allow.
#
# With plain `Bool` instead, a missing key makes the condition false: the Deny would step
# aside and Nikhil's access keys would reach S3 without MFA. Exercise 06.1 lets you see it.
#
# ### GetSessionToken without a code does not help
#
# `sts:GetSessionToken` is on the list of actions the Deny leaves alone. Notice that nothing
# *allows* it either (no statement of either policy names it), yet the call works: AWS does
# not check permissions for `GetSessionToken`. But credentials obtained **without** an MFA code
# carry `aws:MultiFactorAuthPresent = false`, which the Deny also matches; and such
# credentials cannot call IAM at all.

# %%
no_mfa = lab.session(nikhil.client("sts").get_session_token()["Credentials"])
print("S3: ", attempt(lambda: no_mfa.client("s3").list_buckets()))
print("IAM:", attempt(lambda: no_mfa.client("iam").get_user()))

# %% [markdown]
# ## Hands-on 2: `${aws:username}` keeps each user to his own device
#
# Nikhil tries to create a virtual MFA device named after Anaya. The action is on the list,
# so the Deny does not apply; but the only statement that allows it covers `mfa/Nikhil`, not
# `mfa/Anaya`. The request is refused with an **implicit** deny:

# %%
attempt(lambda: iam.create_virtual_mfa_device(VirtualMFADeviceName="Anaya"))

# %%
print(*[line for line in lab.explain_last().splitlines() if "statement 2" in line], sep="\n")

# %% [markdown]
# His own device works. The response holds the secret a phone needs (`Base32StringSeed`, or
# the same secret as a QR code in `QRCodePNG`); the lab keeps its own "phone",
# `lab.totp(serial)`.

# %%
device = iam.create_virtual_mfa_device(VirtualMFADeviceName="Nikhil")["VirtualMFADevice"]
serial = device["SerialNumber"]
print(sorted(device))
serial

# %% [markdown]
# Enabling a device needs two consecutive codes, 30 seconds apart. Could Nikhil attach his
# device to **Anaya's** user, so that his phone becomes her second factor? Statement 3 covers
# only `user/${aws:username}`:

# %%
code1 = lab.totp(serial)
lab.clock.advance(seconds=30)
code2 = lab.totp(serial)
attempt(lambda: iam.enable_mfa_device(
    UserName="Anaya", SerialNumber=serial, AuthenticationCode1=code1, AuthenticationCode2=code2
))

# %% [markdown]
# On his own user it works:

# %%
print(attempt(lambda: iam.enable_mfa_device(
    UserName="Nikhil", SerialNumber=serial, AuthenticationCode1=code1, AuthenticationCode2=code2
)))
[d["SerialNumber"] for d in iam.list_mfa_devices()["MFADevices"]]

# %% [markdown]
# ## Hands-on 3: Nikhil signs in with MFA
#
# The codes used to enable the device are spent; wait for the next one, then ask STS for
# temporary credentials **with** the device's serial number and the current code.

# %%
lab.clock.advance(seconds=30)
creds = nikhil.client("sts").get_session_token(
    SerialNumber=serial, TokenCode=lab.totp(serial)
)["Credentials"]
nikhil_mfa = lab.session(creds)
{k: v for k, v in lab.request_context(nikhil_mfa).items() if "MultiFactor" in k}

# %% [markdown]
# Now `aws:MultiFactorAuthPresent` is `true`, statement 4 steps aside, and Nikhil can do what
# `DeveloperAccess` allows. `iam:ListUsers` is still refused, but now **implicitly**: no
# policy allows it, and the Deny no longer matches.

# %%
iam_mfa, s3_mfa = nikhil_mfa.client("iam"), nikhil_mfa.client("s3")
print("S3 buckets:", [b["Name"] for b in s3_mfa.list_buckets()["Buckets"]])
print("EC2:       ", attempt(lambda: nikhil_mfa.client("ec2").describe_instances()))
print("ListUsers: ", attempt(lambda: iam_mfa.list_users()))
print("decision:  ", lab.last_decision().decision)

# %% [markdown]
# ## Hands-on 4: switching MFA off takes MFA
#
# `iam:DeactivateMFADevice` is allowed by statement 3 but it is **not** on the Deny's list.
# So without MFA it is refused, and only a session with MFA can turn MFA off. Otherwise
# anyone holding Nikhil's access keys could remove his device and add their own.

# %%
mine = {"UserName": "Nikhil", "SerialNumber": serial}
print("access keys:", attempt(lambda: iam.deactivate_mfa_device(**mine)))
print("MFA session:", attempt(lambda: iam_mfa.deactivate_mfa_device(**mine)))

# %% [markdown]
# `iam:DeleteVirtualMFADevice` follows the same rule: statement 2 allows it, the Deny does not
# list it. The AWS page warns you **not** to add it to the list, even though this creates a
# trap. Nikhil's device is now deactivated but still exists. Picture a user who starts setting
# up a device and gives up half-way: the device exists, unassigned. Trying again with his
# access keys, Nikhil can neither create a device with the same name nor delete the old one:

# %%
print("create:", attempt(lambda: iam.create_virtual_mfa_device(VirtualMFADeviceName="Nikhil")))
print("delete:", attempt(lambda: iam.delete_virtual_mfa_device(SerialNumber=serial)))

# %% [markdown]
# The way out is an administrator, not a looser policy. Anaya deletes the device, and Nikhil
# can start again:

# %%
anaya_iam = story.actor("Anaya").client("iam")
print("Anaya deletes: ", attempt(lambda: anaya_iam.delete_virtual_mfa_device(SerialNumber=serial)))
again = attempt(lambda: iam.create_virtual_mfa_device(VirtualMFADeviceName="Nikhil"))
print("Nikhil creates:", again)

# %% [markdown]
# ## Explore
#
# The panel replays the story from its beginning, with long-term keys or with an MFA session.
# At the beginning only Sofía has a device, so only she can sign in with MFA there.
# **Try this:** with Sofía, tick and untick *signed in with MFA*, and watch the S3 row flip
# between an explicit deny and allowed while reading Anaya's user stays refused.

# %%
from iamlab.widgets import self_managed_mfa_panel

self_managed_mfa_panel(story)

# %% [markdown]
# ## Exercises
#
# **Exercise 06.1.** Below is statement 4 written with `Bool` instead of `BoolIfExists`. Run
# the check as it is: it lists the requests that now escape the Deny. Then correct the
# statement so that requests without MFA are denied, whatever credentials they are signed
# with. (You may also answer with a list of statements, or a whole policy.)

# %%
from iamlab.exercises import check

my_statement = {
    "Sid": "DenyAllExceptListedIfNoMFA",
    "Effect": "Deny",
    "NotAction": [
        "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser",
        "iam:ListMFADevices", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice",
        "sts:GetSessionToken",
    ],
    "Resource": "*",
    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
}
check("06.1", my_statement)

# %% [markdown]
# **Exercise 06.2.** The company wants members to change their own console password even
# before they set up MFA (the call is `iam:ChangePassword`, on the caller's own user). Start
# from the seed policy and change it, in Python, so that this works without MFA, for every
# member and only for his or her own user, while everything else stays as it was.

# %%
my_policy = load_policy("self-managed-mfa")  # the seed policy: change it below
# my_policy["Statement"][...] ...
check("06.2", my_policy)

# %% [markdown]
# **Exercise 06.3.** Predict what IAM decides for five requests of Developers members, under
# `ForceMFA` and `DeveloperAccess`. Answer each with `"allowed"`, `"explicitDeny"` or
# `"implicitDeny"`.
#
# | | who | credentials | action | resource |
# |---|---|---|---|---|
# | a | Nikhil | access keys | `iam:DeactivateMFADevice` | his own user |
# | b | Nikhil | access keys | `iam:DeleteVirtualMFADevice` | `mfa/Nikhil` |
# | c | Nikhil | access keys | `iam:EnableMFADevice` | Anaya's user |
# | d | Sofía | MFA session | `iam:ListUsers` | the account's users |
# | e | Sofía | MFA session | `s3:ListAllMyBuckets` | `*` |

# %%
my_answers = {"a": None, "b": None, "c": None, "d": None, "e": None}
check("06.3", my_answers)

# %% [markdown]
# ## Key points
#
# - `Deny` + `NotAction` + a "no MFA" condition turns a policy into a gate: without MFA only
#   the listed actions get through, and only if another statement allows them.
# - Use `BoolIfExists` with `"false"`: requests signed with long-term access keys carry no
#   `aws:MultiFactorAuthPresent` key, and plain `Bool` would let them through.
# - `${aws:username}` in a `Resource` makes one group policy mean "your own user, your own
#   device" for every member.
# - Leave `DeactivateMFADevice` and `DeleteVirtualMFADevice` off the list: removing MFA must
#   itself require MFA. A half-created device is deleted by an administrator.
# - `GetSessionToken` without a code gives credentials with `MultiFactorAuthPresent = false`:
#   still denied, and unable to call IAM.
#
# Next: **07 · Revoking temporary credentials**.
