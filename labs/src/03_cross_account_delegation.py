# %% [markdown]
# # 03 · Cross-account delegation with MFA
#
# **Promise:** you will let a user of another AWS account into your account through a role,
# only after he proves he holds his MFA device, and you will read every refusal on the way.
#
# **Estimated time:** 50 minutes (25 teaching, 25 exercises).
#
# ## Objectives
#
# By the end of this notebook you will be able to:
#
# 1. name the two policies a cross-account role needs (the **trust policy** in the account that
#    owns the role, an **identity policy** in the caller's account) and say where the MFA
#    condition belongs;
# 2. call `AssumeRole` with `SerialNumber` and `TokenCode` from boto3 and work with the
#    temporary credentials it returns;
# 3. tell apart STS's refusals: no MFA at all, a wrong code, a code used twice, a wrong serial
#    number, and say which of them AWS words alike;
# 4. spot slips in a policy copied from documentation before they cost you an afternoon;
# 5. write a trust policy for exactly the callers, and the MFA sign-in, a role should accept.
#
# ## The story
#
# Anaya administers **account A** (`111111111111`), which holds a DynamoDB table called
# `Books`. Richard works in **account B** (`222222222222`) and needs to read and update that
# table. Anaya does not create a user for Richard in her account. Instead:
#
# 1. in account A she creates the role **`CrossAccountRole`**. Its trust policy names account
#    B as the principal and requires MFA; its permissions policy lets the role work on `Books`;
# 2. in account B, B's administrator gives Richard an identity policy that allows
#    `sts:AssumeRole` on that role, and makes sure Richard has an MFA device;
# 3. Richard calls `AssumeRole` with his device's serial number and the current code, and
#    uses the role's temporary credentials to work on `Books`.
#
# This is the first story of the AWS page
# [Secure API access with MFA](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html).
#
# The lab has already built all of this with the same boto3 calls an administrator would type.
# Here is the diagram before anyone has made a call:

# %%
from iamlab import tables
from iamlab.diagrams import story_diagram
from iamlab.notebook import attempt, show
from iamlab.scenarios import build_cross_account

tables.show_full_cells()  # show the trail's reasons in full

story = build_cross_account()
lab = story.lab
story_diagram(story)

# %% [markdown]
# Accounts are the grey boxes. The dashed arrow is the trust policy: *Richard's account may
# assume the role if MFA was used*. The grey arrow is what the role's permissions policy
# allows. The dotted line ties Richard to his phone, his virtual MFA device.
#
# ## Step 1 · The role in account A
#
# Anaya reads her role back with her own IAM user. First its **trust policy**, which IAM calls
# the `AssumeRolePolicyDocument`:

# %%
iam_a = story.anaya.client("iam")
role = iam_a.get_role(RoleName="CrossAccountRole")["Role"]
role["AssumeRolePolicyDocument"]

# %% [markdown]
# `"Principal": {"AWS": "222222222222"}` trusts the whole of account B, not only B's root
# user. Account A hands the decision about *who in B* to B's own policies. The condition says
# the request to assume the role must carry `aws:MultiFactorAuthPresent = true`.
#
# Next, the **permissions policy**: what anyone who assumes the role may do.

# %%
iam_a.get_role_policy(RoleName="CrossAccountRole", PolicyName="BooksAccess")["PolicyDocument"]

# %% [markdown]
# Notice what is missing: there is **no MFA condition** here. MFA is checked once, when
# Richard assumes the role, and never again for the calls he makes as the role. You will see
# below why adding one here would even lock Richard out.
#
# ## Step 2 · Richard's side, in account B
#
# Account A's trust policy is not enough for a cross-account call: account B must also let
# Richard ask. B's administrator gave him this identity policy (it has no MFA condition
# either):

# %%
iam_b = story.root("222222222222").client("iam")
richard = story.richard
iam_b.get_user_policy(UserName="Richard", PolicyName="AssumeCrossAccountRole")["PolicyDocument"]

# %% [markdown]
# Richard also has a virtual MFA device. Its serial number is an ARN in account B; it is
# what he passes to STS as `SerialNumber`.

# %%
iam_b.list_mfa_devices(UserName="Richard")["MFADevices"]

# %% [markdown]
# ## Step 3 · Richard asks without MFA
#
# Richard first calls `AssumeRole` with his long-term access keys and no MFA parameters:

# %%
sts = richard.client("sts")
role_arn = story.cross_account_role
attempt(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="Richard"))

# %% [markdown]
# `AccessDenied`, and the message says which policy failed: *no role trust policy allows*
# the call. The explanation shows why the trust policy's only statement did not apply:

# %%
print(lab.explain_last())

# %% [markdown]
# A request signed with long-term access keys carries **no** `aws:MultiFactorAuthPresent` key
# at all, and the `Bool` operator is false when its key is missing. Richard's own identity
# policy did allow the call; account B said yes, account A said no, so the answer is no.
#
# ## Step 4 · A wrong code
#
# Now Richard passes his device's serial number but mistypes the code.
# `lab.totp(serial)` shows the code his phone displays right now.

# %%
code = lab.totp(richard.mfa_serial)
wrong = f"{(int(code) + 1) % 1_000_000:06d}"
attempt(
    lambda: sts.assume_role(
        RoleArn=role_arn, RoleSessionName="Richard",
        SerialNumber=richard.mfa_serial, TokenCode=wrong,
    )
)

# %% [markdown]
# This refusal is different: STS rejects the code itself, before it reads any policy, so
# there is no policy decision to explain:

# %%
print(lab.explain_last())

# %% [markdown]
# ## Step 5 · The right code
#
# With the serial number and the code his phone shows, STS evaluates the trust policy with
# `aws:MultiFactorAuthPresent = true` and returns temporary credentials for the role:

# %%
response = sts.assume_role(
    RoleArn=role_arn, RoleSessionName="Richard",
    SerialNumber=richard.mfa_serial, TokenCode=code,
)
{"AssumedRoleUser": response["AssumedRoleUser"],
 "Expiration": response["Credentials"]["Expiration"]}

# %% [markdown]
# The session is named after the `RoleSessionName` Richard chose, and it lives in
# **account A**. It expires in one hour, `AssumeRole`'s default duration.
# The decision needed both accounts to agree:

# %%
print(lab.explain_last())

# %% [markdown]
# **A code used twice.** If a script retries with the same code, STS refuses it; the next code
# appears on the phone 30 seconds later. (AWS does not document that a code works only once;
# users report it, and the lab does the same: a lab decision, `docs/aws-behaviour.md`, "Lab
# decisions" D2.)

# %%
attempt(
    lambda: sts.assume_role(
        RoleArn=role_arn, RoleSessionName="Richard",
        SerialNumber=richard.mfa_serial, TokenCode=code,
    )
)

# %% [markdown]
# **A wrong serial number.** The AWS page says a request is refused when the MFA device's
# identifier is not valid. Richard passes a serial number that is not his device's:

# %%
not_his = richard.mfa_serial.replace("Richard", "Maria")
attempt(
    lambda: sts.assume_role(
        RoleArn=role_arn, RoleSessionName="Richard",
        SerialNumber=not_his, TokenCode=lab.totp(richard.mfa_serial),
    )
)

# %% [markdown]
# Compare the four answers. The wrong serial number has its own message, but **the wrong code
# and the code used twice get exactly the same error**: AWS words them alike, so a script (or
# a person reading its log) cannot tell them apart from the response. The lab's trail can: for
# a code that was right but already used, it adds a note of its own after AWS's message (the
# note is the lab's, not AWS's).

# %%
lab.trail()[["operation", "decision", "error", "reason"]].tail(4)

# %% [markdown]
# ## Step 6 · Working on `Books` as the role
#
# `lab.session(credentials)` turns the three values STS returned into a `boto3.Session`,
# exactly as `boto3.Session(aws_access_key_id=..., aws_secret_access_key=...,
# aws_session_token=...)` would against AWS.

# %%
role_session = lab.session(response["Credentials"])
show(role_session.client("sts").get_caller_identity())

# %%
books = role_session.client("dynamodb")
books.get_item(TableName="Books", Key={"title": {"S": "Dune"}})["Item"]

# %%
beloved = {"title": {"S": "Beloved"}, "author": {"S": "Toni Morrison"}}
books.put_item(TableName="Books", Item=beloved)
sorted(item["title"]["S"] for item in books.scan(TableName="Books")["Items"])

# %%
books.list_tables()["TableNames"]

# %% [markdown]
# `GetItem`, `PutItem` and `Scan` are allowed by the `TableActions` statement
# (`dynamodb:*` on the `Books` table); `ListTables` is not about one table, so it needs its own
# statement with `"Resource": "*"`. The AWS page adds it because the DynamoDB console needs
# it.
#
# ## Why the permissions policy has no MFA condition
#
# Look at the MFA keys that requests made with the role session carry:

# %%
{k: v for k, v in lab.request_context(role_session).items() if "MultiFactor" in k}

# %% [markdown]
# `false`, although Richard did use MFA to get this session. The AWS page this story comes
# from says that the temporary credentials `AssumeRole` returns do not include MFA
# information, so individual calls cannot be checked for MFA; the lab follows that page by
# default. Other AWS texts suggest the information is carried into the session, so this is a
# lab decision (`docs/aws-behaviour.md`, "Lab decisions" D1); notebook 02 shows both readings,
# and `Lab(role_session_mfa="propagate")` gives you the other one.
#
# Either way, the safe design is the AWS page's: check MFA in the **trust policy**. Watch what
# happens if Anaya adds the MFA condition to the permissions policy as well:

# %%
import json

from iamlab.data import load_policy

strict = load_policy("cross-account-role-permissions")
for statement in strict["Statement"]:
    statement["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
iam_a.put_role_policy(
    RoleName="CrossAccountRole", PolicyName="BooksAccess", PolicyDocument=json.dumps(strict)
)
attempt(lambda: books.get_item(TableName="Books", Key={"title": {"S": "Dune"}}))

# %% [markdown]
# DynamoDB's denial is `AccessDeniedException` with HTTP **400** (STS said `AccessDenied`
# with 403). Richard's MFA was checked when he assumed the role, and the
# session he got back does not pass a second check. The policy change reached his existing
# session at once: permissions are evaluated on every request, not copied into the
# credentials. (In the lab a policy change is instant; in AWS it can take a few minutes: a lab
# decision, `docs/aws-behaviour.md`, "Lab decisions" D4.)
#
# Anaya puts the policy back. The session keeps working without any further MFA code until it
# expires, one hour after it was issued:

# %%
iam_a.put_role_policy(
    RoleName="CrossAccountRole", PolicyName="BooksAccess",
    PolicyDocument=json.dumps(load_policy("cross-account-role-permissions")),
)
lab.clock.advance(minutes=59)
print("after 59 minutes:", attempt(lambda: books.list_tables()))
lab.clock.advance(minutes=2)
print("after 61 minutes:", attempt(lambda: books.list_tables()))

# %% [markdown]
# ## The policy as the Spanish edition of the AWS page prints it
#
# The AWS page exists in several languages. Its Spanish edition,
# [Configuración del acceso a una API protegido por MFA](https://docs.aws.amazon.com/es_es/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html),
# prints the permissions policy for this story slightly differently (here with its
# placeholders filled in). Read it carefully before running anything: can you find two slips?

# %%
from iamlab.exercises.nb03 import spanish_edition_policy

printed_policy = spanish_edition_policy()
printed_policy

# %% [markdown]
# Let's find out the way an administrator usually does: apply it and try. Richard first gets
# a fresh role session (his old one has expired; the code is a new one too).

# %%
iam_a.put_role_policy(
    RoleName="CrossAccountRole", PolicyName="BooksAccess", PolicyDocument=json.dumps(printed_policy)
)
fresh = sts.assume_role(
    RoleArn=role_arn, RoleSessionName="Richard",
    SerialNumber=richard.mfa_serial, TokenCode=lab.totp(richard.mfa_serial),
)
books = lab.session(fresh["Credentials"]).client("dynamodb")
attempt(lambda: books.get_item(TableName="Books", Key={"title": {"S": "Dune"}}))

# %%
print(lab.explain_last())

# %% [markdown]
# The explanation names both slips:
#
# - **The wrong account in the ARN.** `TableActions` covers
#   `arn:aws:dynamodb:*:222222222222:table/Books`, a `Books` table in account **B**. The table
#   Richard works on lives in account **A**. A table ARN contains the account that *owns*
#   the table, not the account the caller comes from.
# - **An action that does not exist.** The operation is `ListTables`; `dynamodb:ListTable`
#   names no action at all. IAM stored the policy without complaint (the `put_role_policy`
#   above returned normally), so the slip only shows when someone is denied.
#
# Both slips are in the Spanish edition only (its text even says the table is in account B).
# The Italian edition,
# [Configurazione dell'accesso alle API protetto da MFA](https://docs.aws.amazon.com/it_it/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html),
# prints `ACCOUNT-A-ID` in the table ARN and `dynamodb:ListTables`, which is the policy the
# story uses. The listing, with the Spanish edition's policy still in place:

# %%
attempt(lambda: books.list_tables())

# %% [markdown]
# With the corrected policy, the same session works at once:

# %%
iam_a.put_role_policy(
    RoleName="CrossAccountRole", PolicyName="BooksAccess",
    PolicyDocument=json.dumps(load_policy("cross-account-role-permissions")),
)
get_book = attempt(lambda: books.get_item(TableName="Books", Key={"title": {"S": "Dune"}}))
list_tables = attempt(lambda: books.list_tables())
get_book, list_tables

# %% [markdown]
# Habits that catch slips like these: check that every account ID in a `Resource` is the
# account that owns the resource; copy action names from the service's list of actions rather
# than typing them; and test a new policy with the credentials that will use it, reading the
# explanation of each denial.
#
# ## The whole story at a glance
#
# `story.play(mfa=...)` rewinds the lab to the freshly built story (so the changes above are
# undone) and replays Richard's attempt. Here are the three ways he can call `AssumeRole`,
# drawn on one diagram:

# %%
from iamlab.widgets import attempts_table

attempts = story.play(mfa="no MFA") + story.play(mfa="wrong code") + story.play(mfa="MFA code")
attempts_table(attempts)

# %%
story_diagram(story, attempts)

# %% [markdown]
# The orange arrows are refusals: one by the trust policy (no MFA key), one by STS before
# any policy (a wrong code). The green arrows show the role at work once MFA succeeded.
#
# ## Explore
#
# **Try this:** switch between *no MFA* and *wrong code* and compare the explanations: one
# names the trust policy's condition, the other only STS's message about the code.

# %%
from iamlab.widgets import cross_account_panel

cross_account_panel(story)

# %% [markdown]
# ## Exercises
#
# Each exercise ends with a `check(...)` cell. The checker tries your policy on many
# neighbouring requests (other actions and services, other tables, accounts and regions, other
# callers and credentials), so an answer broader than the task is reported as firmly as a wrong
# one. A new hint appears only for a *different* wrong answer.
#
# **Exercise 03.1 · A read-only role.** Anaya decides Richard should only *read* `Books`:
# `GetItem`, `Query` and `Scan` on the `Books` table of account A in `us-east-1` (where it
# lives), plus `ListTables` so the console works. He must not write to it, and he must not read
# any other table. Write the role's permissions policy (a dict). Mind the two slips above!

# %%
from iamlab.exercises import check

read_only = None  # your permissions policy for CrossAccountRole
check("03.1", read_only)

# %% [markdown]
# **Exercise 03.2 · A role for auditors.** Anaya creates a second role, **`BooksAuditor`**,
# for the auditors of account **C** (`333333333333`). Write its trust policy: any user of
# account C whose own policies allow it may assume the role, but only with an MFA sign-in
# **less than one hour old**, whether the code comes with the `AssumeRole` call itself or
# with earlier `GetSessionToken` credentials. Nobody of account B (or anyone else) may assume
# it. The checker tries callers of several accounts, with each kind of credentials, and the
# other STS actions a trust policy can allow.

# %%
auditor_trust = None  # the trust policy of BooksAuditor (it needs a Principal)
check("03.2", auditor_trust)

# %% [markdown]
# **Exercise 03.3 · Only Richard.** Trusting all of account B means trusting anyone in B who
# can get an `sts:AssumeRole` permission (and anyone there who may create MFA devices can give
# themselves an MFA claim). Tighten `CrossAccountRole`'s trust policy so that **only Richard**
# may assume the role, still only with MFA.

# %%
only_richard = None  # your trust policy
check("03.3", only_richard)

# %% [markdown]
# ## Check your understanding

# %%
from iamlab.exercises import ask

ask("03.why")

# %%
my_choice = None  # one letter, e.g. "a"
check("03.why", my_choice)

# %%
ask("03.quiz")

# %%
my_quiz = {1: None, 2: None, 3: None, 4: None}
check("03.quiz", my_quiz)

# %% [markdown]
# ## Key points
#
# - A cross-account role needs **both** sides: the role's trust policy in the owning account
#   and an identity policy allowing `sts:AssumeRole` in the caller's account.
# - Put the MFA condition in the **trust policy**: `AssumeRole` with `SerialNumber` and
#   `TokenCode` is when MFA is checked; the role's permissions policy needs none (and, in the
#   lab's default reading, would fail with one).
# - STS refuses a wrong code, a reused code or a wrong serial number before any policy is read;
#   AWS words a wrong code and a reused one alike. Without MFA parameters the trust policy's
#   `Bool` condition fails because the key is missing.
# - Resource ARNs name the account that **owns** the resource, and action names must be
#   exact (`dynamodb:ListTables`): IAM accepts a misspelled action without complaint.
# - Trust exactly who needs the role: one user's ARN rather than a whole account where you can.
#
# ## On real AWS (not run by the lab)
#
# The story with the AWS CLI, in two test accounts of your own. Nothing below runs here.
#
# ```bash
# # account A, as an administrator (Anaya)
# aws dynamodb create-table --table-name Books --billing-mode PAY_PER_REQUEST \
#     --attribute-definitions AttributeName=title,AttributeType=S \
#     --key-schema AttributeName=title,KeyType=HASH
# aws iam create-role --role-name CrossAccountRole \
#     --assume-role-policy-document file://trust-account-b-with-mfa.json
# aws iam put-role-policy --role-name CrossAccountRole --policy-name BooksAccess \
#     --policy-document file://books-access.json
# # account B, as an administrator
# aws iam put-user-policy --user-name Richard --policy-name AssumeCrossAccountRole \
#     --policy-document file://assume-cross-account-role.json
# # account B, as Richard: assume the role with his MFA device and the code it shows now
# aws sts assume-role --role-arn arn:aws:iam::ACCOUNT-A-ID:role/CrossAccountRole \
#     --role-session-name Richard \
#     --serial-number arn:aws:iam::ACCOUNT-B-ID:mfa/Richard --token-code 123456
# export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... AWS_SESSION_TOKEN=...   # from the output
# aws dynamodb get-item --table-name Books --key '{"title": {"S": "Dune"}}'
# ```
#
# A CLI profile does the same for every command: in `~/.aws/config`, a profile with
# `role_arn`, `source_profile` and `mfa_serial` makes the CLI ask for the code and keep the
# role's credentials in `~/.aws/cli/cache` until they expire. **In the console:** IAM →
# *Roles* → CrossAccountRole → *Trust relationships* and *Permissions*; in account B, the
# console's *Switch role* uses the same role.
#
# **Cost:** IAM and AWS STS cost nothing; an on-demand DynamoDB table with a few items costs a
# fraction of a cent.
#
# **Clean up:** in account A `aws iam delete-role-policy`, `aws iam delete-role` and
# `aws dynamodb delete-table --table-name Books`; in account B `aws iam delete-user-policy`
# for Richard.
#
# Next: **04 · Same-account EC2**, where MFA protects single API calls instead of a role.
