# %% [markdown]
# # 06 · Self-managed MFA: set up your own device first, everything else after
#
# **Promise:** you will understand, statement by statement, the policy AWS suggests for users
# who manage their own MFA device, watch a new user go from "allowed almost nothing" to
# working MFA credentials, and then break the policy the way it was broken in 2023.
#
# **Estimated time:** 55 minutes (35 teaching, 20 exercises).
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
# 4. explain how a stolen access key reached MFA-protected actions in early 2023 (security
#    bulletin AWS-2023-001), why the policy alone could not stop it, and what AWS changed;
# 5. change the policy (a new action before MFA, a stricter gate) without re-opening a gap.
#
# ## The story
#
# This story comes from the AWS page
# [AWS: Allows MFA-authenticated IAM users to manage their own MFA device on the Security credentials page](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage-mfa-only.html).
# Account A has a group, **Developers**, with two policies. `DeveloperAccess` allows S3,
# DynamoDB and `ec2:Describe*`. `ForceMFA` is the page's policy: until a member has signed in
# with MFA, it shuts every door except the ones needed to set MFA up.
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
# **The console's Users page.** The AWS page points out a limit: with this policy, members
# cannot open the IAM console's *Users* page, which is how a person reaches his own user and
# its *Security credentials* tab. That page lists the account's users with `iam:ListUsers`.
# To allow it, the page says, add `iam:ListUsers` in two places: to `AllowViewAccountInfo`,
# because listing users acts on no single user and so cannot be limited with
# `${aws:username}`; and to the Deny's list, because members open that page *before* they
# have MFA, to set up their device. The price: every member, MFA or not, can read the names
# of all users. Hands-on 1 shows the call refused; exercise 06.2 makes the change.
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
# aside and Nikhil's access keys would reach S3 without MFA.
#
# ### GetSessionToken without a code does not help
#
# `sts:GetSessionToken` is on the list of actions the Deny leaves alone. Notice that nothing
# *allows* it either (no statement of either policy names it), yet the call works: AWS does
# not check permissions for `GetSessionToken`. But credentials obtained **without** an MFA code
# carry `aws:MultiFactorAuthPresent = false`, which the Deny also matches. In the lab such
# credentials cannot call IAM at all and get `InvalidClientTokenId`: AWS's pages disagree on
# what these credentials may call, and that answer is one users report, not one AWS documents
# (`docs/aws-behaviour.md`, "Lab decisions" D6).

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
print("the phone's secret begins:", device["Base32StringSeed"].decode()[:4])
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
# The codes used to enable the device are spent: the lab accepts each code of a device only
# once, a rule AWS applies in practice but does not document (`docs/aws-behaviour.md`, "Lab
# decisions" D2). Wait for the next code, then ask STS for temporary credentials **with** the
# device's serial number and the current code.

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
# So without MFA it is refused, and only a session with MFA can turn MFA off.

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
# ## Break it, then fix it: a stolen access key and a second MFA device
#
# Meet **Bob**, another member of Developers. On his first day Anaya set up the virtual MFA
# device on his phone, `Bob-phone`. Yesterday Bob pushed a script with his **access keys** to
# a public repository. You are the person who found them: you hold Bob's access key and
# secret, nothing else. No password, no phone. ForceMFA should make the keys nearly useless.
#
# One fact matters: since **16 November 2022** an IAM user may have up to **eight** MFA
# devices. And the policy lets a member, without MFA, create a virtual device named after
# himself and enable it: that is how new users set up their first device.
#
# ### Early 2023: the keys alone are enough
#
# `build_self_managed_mfa(mfa_device_rule="2022")` builds the same story in a lab that replays
# IAM as it behaved between 16 November 2022 and 21 April 2023 (`docs/aws-behaviour.md`, "Lab
# decisions" D8). `add_bob` makes Anaya's calls: Bob joins Developers, gets access keys, and
# `Bob-phone` is enabled for him. From then on, every call is signed with Bob's keys only.

# %%
from iamlab.exercises.nb06 import add_bob

old = build_self_managed_mfa(mfa_device_rule="2022")
bob_keys = add_bob(old)
start = old.lab.call_count()  # the trail rows from here on are the thief's
thief_iam, thief_sts = bob_keys.client("iam"), bob_keys.client("sts")
print("S3 with the keys:", attempt(lambda: bob_keys.client("s3").list_buckets()))

# %% [markdown]
# Refused, as ForceMFA intends. Now create a virtual MFA device named `Bob` (statement 2
# allows the device named after the caller, and the caller *is* Bob as far as AWS knows). Had
# Bob's phone been registered under the name `Bob`, that name would be taken; but a hardware
# token, a device an administrator named, or the current version of the AWS page (whose
# policy lets users create devices of any name, `mfa/*`) leaves the way open. The response
# holds the device's secret: you scan it into your own authenticator app. In the lab,
# `old.lab.totp(serial)` plays your app.

# %%
made = thief_iam.create_virtual_mfa_device(VirtualMFADeviceName="Bob")["VirtualMFADevice"]
thief_device = made["SerialNumber"]
thief_device

# %% [markdown]
# Enable it for Bob with two consecutive codes from your app. EnableMFADevice is on the Deny's
# list and statement 3 allows it on Bob's own user:

# %%
code1 = old.lab.totp(thief_device)
old.lab.clock.advance(seconds=30)
code2 = old.lab.totp(thief_device)
print(attempt(lambda: thief_iam.enable_mfa_device(
    UserName="Bob", SerialNumber=thief_device, AuthenticationCode1=code1, AuthenticationCode2=code2
)))
[d["SerialNumber"] for d in thief_iam.list_mfa_devices()["MFADevices"]]

# %% [markdown]
# Bob now has two devices: his phone and yours. Ask STS for MFA credentials with **your**
# device, and use them:

# %%
old.lab.clock.advance(seconds=30)
stolen = old.lab.session(thief_sts.get_session_token(
    SerialNumber=thief_device, TokenCode=old.lab.totp(thief_device)
)["Credentials"])
print({k: v for k, v in old.lab.request_context(stolen).items() if "MultiFactor" in k})
buckets = stolen.client("s3").list_buckets()["Buckets"]
print("S3 with the MFA credentials:", [b["Name"] for b in buckets])

# %% [markdown]
# The keys alone became keys **and** MFA. The trail shows each of your calls, and which
# statement let it through:

# %%
from iamlab import tables

tables.show_full_cells()
old.lab.trail()[["time", "principal", "operation", "decision", "reason"]].iloc[start:]

# %% [markdown]
# The same calls on the story's diagram: Bob's user with his two devices, and your calls as
# coloured arrows.

# %%
from iamlab.diagrams import lab_diagram, trail_calls

lab_diagram(old.lab, "Early 2023: Bob's keys alone reach S3", trail_calls(old.lab, since=start))

# %% [markdown]
# ### Today: IAM refuses the second device
#
# A security researcher reported this to AWS. AWS fixed it on **21 April 2023** and published
# security bulletin [AWS-2023-001](https://aws.amazon.com/security/security-bulletins/AWS-2023-001/)
# on 25 April 2023. The fix is a rule of IAM, not a change to the policy: a user who
# **already has** an MFA device and signs with long-term access keys can no longer enable or
# deactivate an MFA device for himself; he must first sign in with an existing device
# (`GetSessionToken` with MFA) and make the call with those credentials. A user without any
# device (Nikhil this morning) can still enable his first one with his keys, and an
# administrator acting on another user is not concerned.
#
# The lab follows today's rule by default. `attack` makes the calls above, one after the
# other, and stops at the first refusal. AWS does not document the error it returns here: the
# lab answers `AccessDenied` with a message that names the rule (D8).

# %%
from iamlab.exercises.nb06 import attack

today = build_self_managed_mfa()  # IAM as it is since 21 April 2023
bob = add_bob(today)
tried = attack(today, bob)
attempts_table(tried)

# %% [markdown]
# Creating the device still works (it is only an unassigned device); enabling it is refused,
# so STS rejects its codes and the keys stay where ForceMFA puts them. On the diagram:

# %%
story_diagram(today, tried)

# %% [markdown]
# Bob himself is not blocked. Signed in with his phone, he may add a second device. He also
# finds the device you left behind: an unassigned virtual device that nobody in the team
# created is a sign that keys have leaked. He deletes it; Anaya should also deactivate his
# leaked keys at once.

# %%
today.lab.clock.advance(seconds=30)
bob_mfa = today.lab.session(bob.client("sts").get_session_token(
    SerialNumber=bob.mfa_serial, TokenCode=today.lab.totp(bob.mfa_serial)
)["Credentials"])
bob_iam = bob_mfa.client("iam")
left = bob_iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]
print("unassigned:", [d["SerialNumber"] for d in left])
found = left[0]["SerialNumber"]
print("delete it: ", attempt(lambda: bob_iam.delete_virtual_mfa_device(SerialNumber=found)))

# %% [markdown]
# Why could the policy not stop you in 2023? Answer the question below before reading on.

# %%
from iamlab.exercises import ask, check

ask("06.gap")

# %%
my_gap_answer = None  # one letter, e.g. "a"
check("06.gap", my_gap_answer)

# %% [markdown]
# ### Why `DeactivateMFADevice` is not on the list: the older gap
#
# Before November 2022 a user had at most one device, so a thief holding keys had to remove
# the owner's device before enrolling his own. A review of this sample policy by Duo's
# engineers ("Potential gaps in suggested AWS security policies for MFA") found that an older
# version let long-term keys call `DeactivateMFADevice`. Here is that mistake replayed: Anaya
# puts a copy of ForceMFA with `iam:DeactivateMFADevice` added to the list into the early-2023
# lab (in the lab a policy change applies to the very next call; AWS may take a few minutes,
# `docs/aws-behaviour.md`, "Lab decisions" D4).

# %%
leaky = load_policy("self-managed-mfa")
leaky["Statement"][3]["NotAction"].append("iam:DeactivateMFADevice")
old.actor("Anaya").client("iam").put_group_policy(
    GroupName="Developers", PolicyName="ForceMFA", PolicyDocument=json.dumps(leaky)
)
phone = {"UserName": "Bob", "SerialNumber": bob_keys.mfa_serial}
print("deactivate Bob-phone:", attempt(lambda: thief_iam.deactivate_mfa_device(**phone)))
devices = thief_iam.list_mfa_devices()["MFADevices"]
print("Bob's devices now:   ", [d["SerialNumber"] for d in devices])

# %% [markdown]
# Only your device is left: Bob's phone no longer gets him MFA credentials, and yours does. With
# the AWS page's policy, the same call is refused by the Deny (Hands-on 4). Today IAM's rule
# refuses it too, even under the leaky policy:

# %%
today_admin = today.actor("Anaya").client("iam")
today_admin.put_group_policy(
    GroupName="Developers", PolicyName="ForceMFA", PolicyDocument=json.dumps(leaky)
)
mine = {"UserName": "Bob", "SerialNumber": bob.mfa_serial}
attempt(lambda: bob.client("iam").deactivate_mfa_device(**mine))

# %% [markdown]
# So why keep `DeactivateMFADevice` off the list at all? Because AWS's page says so, and
# because the rule of 2023 guards only a user's changes to **his own** devices. The policy is
# what guards everybody else's. Suppose someone "simplifies" statement 3 to every user
# (`user/*`). With today's rule, and your stolen keys only, you create a device and enable it
# on **Sofía's** user, who already has one: IAM's rule does not apply, because Bob is acting
# on another user, as an administrator would.

# %%
wide = load_policy("self-managed-mfa")
wide["Statement"][2]["Resource"] = "arn:aws:iam::*:user/*"
today_admin.put_group_policy(
    GroupName="Developers", PolicyName="ForceMFA", PolicyDocument=json.dumps(wide)
)
keys_iam = bob.client("iam")
planted = keys_iam.create_virtual_mfa_device(VirtualMFADeviceName="Bob")["VirtualMFADevice"]
code1 = today.lab.totp(planted["SerialNumber"])
today.lab.clock.advance(seconds=30)
code2 = today.lab.totp(planted["SerialNumber"])
print(attempt(lambda: keys_iam.enable_mfa_device(
    UserName="Sofia", SerialNumber=planted["SerialNumber"],
    AuthenticationCode1=code1, AuthenticationCode2=code2,
)))

# %% [markdown]
# Sofía now has a device you hold: with her password (phished, say), the console would accept
# your codes as her second factor. Keep `${aws:username}` in every statement that manages
# devices. Exercise 06.2 asks you to change the policy and checks that neither gap re-opens.
#
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
# The checker puts your ForceMFA beside `DeveloperAccess` and tries it on many neighbouring
# requests (every IAM, STS, S3, EC2 and DynamoDB action it knows, other members' users and
# devices, long-term keys, sessions without MFA, MFA sessions of several ages), so an answer
# that changes more than the task asks is reported as firmly as a wrong one. A new hint
# appears only for a *different* wrong answer.
#
# **Exercise 06.1 · A working-day gate.** The company wants an MFA sign-in to last a working
# day. A member whose MFA sign-in is **more than 8 hours old** must be treated like one with
# no MFA at all: only the MFA set-up actions, exactly as with long-term keys and sessions
# issued without a code. An MFA sign-in of 8 hours or less keeps everything. Change
# statement 4 below (as AWS wrote it) to do this; keep its list of actions. You may answer
# with one statement, a list of statements, or a whole policy.

# %%
my_statement = {
    "Sid": "DenyAllExceptListedIfNoMFA",
    "Effect": "Deny",
    "NotAction": [
        "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser",
        "iam:ListMFADevices", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice",
        "sts:GetSessionToken",
    ],
    "Resource": "*",
    "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
}
check("06.1", my_statement)

# %% [markdown]
# **Exercise 06.2 · The Users page, without re-opening a gap.** Change the AWS page's policy,
# in Python, so that members can use the IAM console's *Users* page before and after they
# sign in with MFA, as the page explains. Nothing else changes. The checker also replays both
# gaps of this notebook: a stolen key that turns off the owner's device, and a stolen key that
# adds a device to a user who already has one.

# %%
my_policy = load_policy("self-managed-mfa")  # the AWS page's policy: change it below
# my_policy["Statement"][...] ...
check("06.2", my_policy)

# %% [markdown]
# **Exercise 06.3 · Predict.** What does IAM decide for these five requests of Developers
# members, under the AWS page's `ForceMFA` and `DeveloperAccess`? Answer each with
# `"allowed"`, `"explicitDeny"` or `"implicitDeny"`. The first check says only how many are
# wrong.
#
# | | who | credentials | action | resource |
# |---|---|---|---|---|
# | a | Sofía | MFA session | `iam:DeactivateMFADevice` | Nikhil's user |
# | b | Nikhil | access keys | `iam:ResyncMFADevice` | his own user |
# | c | Nikhil | `GetSessionToken` without a code | `dynamodb:GetItem` | the table `Books` |
# | d | Nikhil | access keys | `iam:ChangePassword` | his own user |
# | e | Sofía | MFA session | `iam:DeleteVirtualMFADevice` | `mfa/Nikhil` |

# %%
my_answers = {"a": None, "b": None, "c": None, "d": None, "e": None}
check("06.3", my_answers)

# %% [markdown]
# ## Check your understanding

# %%
ask("06.why")

# %%
my_choice = None  # one letter, e.g. "a"
check("06.why", my_choice)

# %%
ask("06.quiz")

# %%
my_quiz = {1: None, 2: None, 3: None, 4: None}
check("06.quiz", my_quiz)

# %% [markdown]
# ## Key points
#
# - `Deny` + `NotAction` + `BoolIfExists {"aws:MultiFactorAuthPresent": "false"}` turns a
#   policy into a gate: without MFA (long-term keys carry no MFA key at all) only the listed
#   actions get through, and only if another statement allows them.
# - `${aws:username}` in a `Resource` makes one group policy mean "your own user, your own
#   device" for every member; it is also what guards other members' devices, which AWS's 2023
#   rule does not cover.
# - Keep `DeactivateMFADevice` and `DeleteVirtualMFADevice` off the list: removing MFA must
#   itself require MFA. A half-created device is deleted by an administrator.
# - A policy cannot tell a user's first MFA device from an extra one. Since 21 April 2023 IAM
#   itself refuses a user who has a device and signs with long-term keys when he enables or
#   deactivates one of his own (AWS-2023-001).
# - The console's Users page needs `iam:ListUsers`, both allowed and on the Deny's list.
#
# ## On real AWS (not run by the lab)
#
# The same setup with the AWS CLI in your own test account. Nothing below runs here; replace
# `ACCOUNT-ID` and the codes with your own.
#
# ```bash
# # as an administrator: the group and its policies
# aws iam create-group --group-name Developers
# aws iam put-group-policy --group-name Developers --policy-name ForceMFA \
#     --policy-document file://force-mfa.json          # the AWS page's policy
# aws iam add-user-to-group --group-name Developers --user-name Nikhil
# # as Nikhil, with his access keys: his first device, then MFA credentials
# aws iam create-virtual-mfa-device --virtual-mfa-device-name Nikhil \
#     --outfile nikhil-qr.png --bootstrap-method QRCodePNG
# aws iam enable-mfa-device --user-name Nikhil \
#     --serial-number arn:aws:iam::ACCOUNT-ID:mfa/Nikhil \
#     --authentication-code1 123456 --authentication-code2 789012
# aws sts get-session-token --serial-number arn:aws:iam::ACCOUNT-ID:mfa/Nikhil --token-code 123456
# # a second device with his access keys alone is refused since April 2023;
# # with the credentials from get-session-token it works
# # as an administrator: devices nobody finished setting up, or nobody remembers creating
# aws iam list-virtual-mfa-devices --assignment-status Unassigned
# ```
#
# **In the console:** IAM → *Users* → a user → *Security credentials* → *Assign MFA device*
# (up to eight per user); IAM → *User groups* → Developers → *Permissions* for ForceMFA. The
# fix of 2023 is described in security bulletin
# [AWS-2023-001](https://aws.amazon.com/security/security-bulletins/AWS-2023-001/).
#
# **Cost:** IAM, AWS STS and virtual MFA devices cost nothing.
#
# **Clean up:** `aws iam deactivate-mfa-device` and `aws iam delete-virtual-mfa-device` for
# each test device (and remove it from your authenticator app), `aws iam
# remove-user-from-group`, `aws iam delete-group-policy`, `aws iam delete-group`.
#
# Next: **07 · Revoking temporary credentials**.
