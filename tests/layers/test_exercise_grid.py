"""The action catalogue, the grids of neighbouring requests, and the lookups of story
characters that exercises use instead of typed-in ARNs."""

from __future__ import annotations

import pytest

from iamlab.data import account_id, load_actions, principal_arn
from iamlab.exercises.grid import (
    actions,
    anonymous,
    arn_for,
    caller,
    resource_neighbours,
    resource_type,
    role_session,
    unique,
    vary_actions,
    vary_callers,
)
from iamlab.exercises.policy_task import bucket_problems


def test_every_catalogued_action_has_an_arn_template_for_its_resource_type() -> None:
    catalog = load_actions()
    for service, spec in catalog.items():
        if service.startswith("_"):
            continue
        for action, kind in spec["actions"].items():
            assert kind in spec["arn"], f"{service}:{action}"
            arn_for(f"{service}:{action}", {"account": "111111111111"})


def test_the_catalogue_has_what_wildcards_catch_at_both_s3_levels() -> None:
    s3 = actions("s3")
    for prefix in ("s3:Get", "s3:Put", "s3:List", "s3:Delete"):
        kinds = {resource_type(a) for a in s3 if a.startswith(prefix)}
        assert {"bucket", "object"} <= kinds or prefix == "s3:List", prefix
    for action in ("s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"):
        assert resource_type(action) == "bucket"
    assert "sts:GetSessionToken" not in actions("sts")  # policies cannot control it


def test_arns_follow_each_service_s_format() -> None:
    scope = {"bucket": "b", "key": "k", "account": "111111111111", "table": "Books"}
    assert arn_for("s3:PutBucketPolicy", scope) == "arn:aws:s3:::b"
    assert arn_for("s3:GetObject", scope) == "arn:aws:s3:::b/k"
    assert arn_for("s3:ListAllMyBuckets", scope) == "*"
    assert arn_for("dynamodb:GetItem", scope) == (
        "arn:aws:dynamodb:us-east-1:111111111111:table/Books"
    )
    with pytest.raises(KeyError, match="not in the action catalogue"):
        resource_type("s3:NoSuchThing")
    with pytest.raises(KeyError, match="the scope needs 'account'"):
        arn_for("ec2:StopInstances", {})


def test_resource_neighbours() -> None:
    assert resource_neighbours("arn:aws:s3:::account-a-bucket/report.csv") == [
        ("arn:aws:s3:::account-a-bucket-logs/report.csv", "resource", "its name starts the same")
    ]
    table = resource_neighbours(
        "arn:aws:dynamodb:us-east-1:111111111111:table/Books", accounts=["222222222222"]
    )
    assert [arn for arn, _, _ in table] == [
        "arn:aws:dynamodb:us-east-1:111111111111:table/BooksArchive",
        "arn:aws:dynamodb:us-east-1:222222222222:table/Books",
        "arn:aws:dynamodb:eu-west-1:111111111111:table/Books",
    ]
    assert [t for _, t, _ in table] == ["resource", "account", "region"]


def test_planes_and_callers() -> None:
    nikhil = caller("arn:aws:iam::333333333333:user/Nikhil", "GetSessionToken with MFA", 60)
    assert nikhil.describe() == (
        "arn:aws:iam::333333333333:user/Nikhil (GetSessionToken with MFA, MFA 60 s ago)"
    )
    assert dict(nikhil.context)["aws:MultiFactorAuthPresent"] == "true"
    assert anonymous().describe() == "an anonymous caller (an unsigned request)"
    probes = vary_actions({"bucket": "b"}, [nikhil], others=(), types=("bucket",))
    assert {p.action for p in probes} >= {"s3:PutBucketPolicy", "s3:ListBucket"}
    assert all(p.resource == "arn:aws:s3:::b" for p in probes)
    twice = vary_callers(["s3:GetObject"], "arn:aws:s3:::b/k", [nikhil, nikhil.with_topic("x")])
    assert len(unique(twice)) == 1 and unique(twice)[0].topic == "context"


def test_bucket_policies_may_name_only_their_bucket() -> None:
    """S3 refuses a bucket policy naming another bucket or "*" (MalformedPolicy: "Policy has
    invalid resource"), as users of PutBucketPolicy report."""

    def doc(resource: object) -> dict:
        return {"Statement": {"Effect": "Allow", "Resource": resource}}

    assert bucket_problems(doc("arn:aws:s3:::b/*"), "b") == ([], False)
    assert bucket_problems(doc(["arn:aws:s3:::b", "arn:aws:s3:::b/x/*"]), "b") == ([], False)
    for refused in ("*", "arn:aws:s3:::other/*", "arn:aws:dynamodb:us-east-1:1:table/b"):
        problems, is_refused = bucket_problems(doc(refused), "b")
        assert is_refused and "Policy has invalid resource" in problems[0].text
    problems, is_refused = bucket_problems(doc("arn:aws:s3:::b*"), "b")
    assert not is_refused and problems[0].topic == "resource"


def test_story_characters_come_from_the_scenario_data() -> None:
    assert account_id("A") == "111111111111"
    assert account_id("C") == "333333333333"
    assert account_id("Example Corp") == "444455556666"
    assert account_id("AWS1") == "111122223333"
    assert principal_arn("Richard") == "arn:aws:iam::222222222222:user/Richard"
    assert principal_arn("Anaya") == "arn:aws:iam::111111111111:user/Anaya"
    assert principal_arn("CrossAccountRole") == "arn:aws:iam::111111111111:role/CrossAccountRole"
    assert principal_arn("Nikhil", "resource-policy-s3") == "arn:aws:iam::333333333333:user/Nikhil"
    assert role_session(principal_arn("Uploader"), "Nikhil") == (
        "arn:aws:sts::333333333333:assumed-role/Uploader/Nikhil"
    )
    with pytest.raises(KeyError, match="several accounts"):
        principal_arn("Nikhil")  # in account C in one story, in account A in another
    with pytest.raises(KeyError, match="no user or role"):
        principal_arn("Mallory")
    with pytest.raises(KeyError, match="not an account"):
        account_id("Z")


# ---- requests aimed at what an answer names ------------------------------------------------


def test_a_wildcard_arn_is_made_concrete_field_by_field() -> None:
    from iamlab.exercises.grid import STRANGER_ACCOUNT, concrete

    assert concrete("arn:aws:s3:::logs-*/*") == "arn:aws:s3:::logs-x/x"
    assert concrete("arn:aws:dynamodb:*:*:table/Books*") == (
        f"arn:aws:dynamodb:eu-west-1:{STRANGER_ACCOUNT}:table/Booksx"
    )
    assert concrete("*") == "*"
    assert concrete("arn:aws:s3:::bucket/key") == "arn:aws:s3:::bucket/key"


def test_the_resource_type_of_an_arn_comes_from_the_catalogue_templates() -> None:
    from iamlab.exercises.grid import resource_type_of

    assert resource_type_of("arn:aws:s3:::b") == "bucket"
    assert resource_type_of("arn:aws:s3:::b/k/with/slashes") == "object"
    assert resource_type_of("arn:aws:dynamodb:us-east-1:111111111111:table/Books") == "table"
    assert resource_type_of("arn:aws:iam::111111111111:role/R") == "role"
    assert resource_type_of("arn:aws:kinesis:us-east-1:111111111111:stream/s") is None


def test_statements_are_asked_only_on_resources_of_their_actions_type() -> None:
    """GetObject and ListBucket in one statement over a bucket and its objects is a common,
    correct pattern: GetObject is never asked on the bucket, nor ListBucket on an object."""
    from iamlab.exercises.grid import from_statements

    doc = {
        "Statement": {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
        }
    }
    who = caller("arn:aws:iam::111111111111:user/U", "long-term access keys")
    asked = {(p.action, p.resource) for p in from_statements(doc, [who], [], {})}
    assert asked == {("s3:GetObject", "arn:aws:s3:::b/x"), ("s3:ListBucket", "arn:aws:s3:::b")}


def test_a_wildcard_or_notaction_statement_asks_the_catalogued_actions_it_covers() -> None:
    from iamlab.exercises.grid import from_statements

    who = caller("arn:aws:iam::111111111111:user/U", "long-term access keys")
    doc = {"Statement": {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}}
    asked = {p.action for p in from_statements(doc, [who], [], {"account": "111111111111"})}
    assert asked == set(actions("sqs"))
    doc = {"Statement": {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}}
    asked = {p.action for p in from_statements(doc, [who], [], {"account": "111111111111"})}
    assert asked and not any(a.startswith("s3:") for a in asked)


def test_an_account_principal_stands_for_a_user_of_that_account() -> None:
    from iamlab.exercises.grid import STRANGER_ACCOUNT, principals_named

    st = {"Principal": {"AWS": ["222222222222", "arn:aws:iam::333333333333:root", "*"]}}
    assert principals_named(st) == [
        "arn:aws:iam::222222222222:user/Someone",
        "arn:aws:iam::333333333333:user/Someone",
        f"arn:aws:iam::{STRANGER_ACCOUNT}:user/Stranger",
    ]


def _with_extra(ex_id: str, statement: dict) -> dict:
    import json

    from iamlab.exercises import solution

    answer = json.loads(solution(ex_id, instructor=True))
    if isinstance(answer["Statement"], dict):
        answer["Statement"] = [answer["Statement"]]
    answer["Statement"].append(statement)
    return answer


@pytest.mark.parametrize(
    ("ex_id", "statement"),
    [
        # no grid foresees another bucket: the statement itself is asked about
        ("01.1", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*"}),
        ("04.1", {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}),
        # the user's other policy allows everything already: judged on its own, it grants more
        ("10.4", {"Effect": "Allow", "Action": "iam:CreateUser", "Resource": "*"}),
        ("06.2", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*"}),
        # a bucket policy that lets one more account in
        (
            "05.1",
            {
                "Effect": "Allow",
                "Principal": {"AWS": "999988887777"},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::account-b-reports/*",
            },
        ),
    ],
)
def test_an_extra_statement_the_grid_does_not_foresee_is_refused(
    ex_id: str, statement: dict
) -> None:
    from iamlab.exercises import check

    feedback = check(ex_id, _with_extra(ex_id, statement))
    assert not feedback.solved, (ex_id, statement)
    assert any("also allows" in p for p in feedback.problems), feedback.problems


def test_statements_of_the_reference_add_no_requests() -> None:
    import json

    from iamlab.exercises import solution
    from iamlab.exercises.core import _get

    _get("05.1")
    from iamlab.exercises.nb05 import READ_RECENT, _read_recent_task

    task = _read_recent_task()
    assert task.answer_probes(json.loads(json.dumps(READ_RECENT))) == []
    assert json.loads(solution("05.1", instructor=True)) == READ_RECENT
