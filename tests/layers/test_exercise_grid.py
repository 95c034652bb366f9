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
