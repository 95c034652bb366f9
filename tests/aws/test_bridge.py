"""The boto3 bridge: real clients, botocore validation, real ClientErrors, no network."""

from __future__ import annotations

import socket

import boto3
import botocore.client
import pytest
from botocore.exceptions import ClientError, ParamValidationError

from iamlab.aws import Lab, LabUsageError

from .conftest import A, make_user


def test_sessions_and_clients_are_real_boto3(a) -> None:
    assert isinstance(a, boto3.Session)
    assert a.region_name == "us-east-1"
    assert isinstance(a.client("iam"), botocore.client.BaseClient)


def test_botocore_still_validates_parameters(a) -> None:
    with pytest.raises(ParamValidationError):
        a.client("iam").create_user(UserNam="typo")
    with pytest.raises(ParamValidationError):
        a.client("sts").assume_role(RoleArn="arn:aws:iam::111111111111:role/R", RoleSessionName="x")


def test_errors_are_modeled_client_errors_with_status(a) -> None:
    iam = a.client("iam")
    with pytest.raises(iam.exceptions.NoSuchEntityException) as e:
        iam.get_user(UserName="Nobody")
    r = e.value.response
    assert isinstance(e.value, ClientError)
    assert r["Error"]["Code"] == "NoSuchEntity"
    assert r["Error"]["Message"] == "The user with name Nobody cannot be found."
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 404
    iam.create_user(UserName="Dup")
    with pytest.raises(iam.exceptions.EntityAlreadyExistsException) as e:
        iam.create_user(UserName="dup")  # IAM names are case-insensitive
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_response_shapes(lab, a) -> None:
    r = a.client("iam").create_user(UserName="Shape")
    assert r["User"]["CreateDate"] == lab.clock.now()
    assert r["User"]["CreateDate"].tzinfo is not None
    meta = r["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 200 and meta["RetryAttempts"] == 0
    assert meta["HTTPHeaders"]["date"] == "Thu, 15 Jan 2026 09:00:00 GMT"


def test_unknown_key_wrong_secret_missing_token_expired(lab, a) -> None:
    p = make_user(lab, a, "Ana", mfa=False)
    cases = {
        "InvalidClientTokenId": lab.session("AKIAUNKNOWNUNKNOWN00", "x"),
        "SignatureDoesNotMatch": lab.session(p.key["AccessKeyId"], "wrong-secret"),
    }
    for code, session in cases.items():
        with pytest.raises(ClientError) as e:
            session.client("sts").get_caller_identity()
        assert e.value.response["Error"]["Code"] == code
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(ClientError, match="security token included in the request is invalid"):
        lab.session("AKIAUNKNOWNUNKNOWN00", "x").client("iam").list_users()
    creds = p.client("sts").get_session_token(DurationSeconds=900)["Credentials"]
    no_token = lab.session(creds["AccessKeyId"], creds["SecretAccessKey"])
    with pytest.raises(ClientError) as e:
        no_token.client("sts").get_caller_identity()
    assert e.value.response["Error"]["Code"] == "InvalidClientTokenId"
    temp = lab.session(creds)
    temp.client("sts").get_caller_identity()
    lab.clock.advance(seconds=900)
    with pytest.raises(ClientError) as e:
        temp.client("sts").get_caller_identity()
    assert e.value.response["Error"] == {
        "Code": "ExpiredToken",
        "Message": "The security token included in the request is expired",
        "Type": "Sender",
    }


def test_inactive_and_deleted_keys_stop_working(lab, a) -> None:
    p = make_user(lab, a, "Ana", mfa=False)
    iam = a.client("iam")
    iam.update_access_key(UserName="Ana", AccessKeyId=p.key["AccessKeyId"], Status="Inactive")
    with pytest.raises(ClientError) as e:
        p.client("sts").get_caller_identity()
    assert e.value.response["Error"]["Code"] == "InvalidClientTokenId"
    iam.update_access_key(UserName="Ana", AccessKeyId=p.key["AccessKeyId"], Status="Active")
    p.client("sts").get_caller_identity()
    iam.delete_access_key(UserName="Ana", AccessKeyId=p.key["AccessKeyId"])
    with pytest.raises(ClientError):
        p.client("sts").get_caller_identity()


def test_unimplemented_operation_is_named_never_pretended(a) -> None:
    with pytest.raises(ClientError) as e:
        a.client("iam").create_instance_profile(InstanceProfileName="x")
    err = e.value.response["Error"]
    assert err["Code"] == "NotImplementedInLab"
    assert err["Message"].startswith(
        "iamlab does not emulate iam:CreateInstanceProfile (supported: "
    )
    assert "CreateUser" in err["Message"]
    with pytest.raises(ClientError) as e:
        a.client("sns").list_topics()
    assert (
        e.value.response["Error"]["Message"]
        == "iamlab does not emulate the sns service (sns:ListTopics); "
        "emulated services: dynamodb, ec2, iam, s3, sts"
    )


def test_session_accepts_credentials_dicts(lab, a) -> None:
    key = a.client("iam").create_access_key()["AccessKey"]  # root creates its own second key
    assert (
        lab.session(key).client("sts").get_caller_identity()["Arn"]
        == "arn:aws:iam::111111111111:root"
    )
    with pytest.raises(LabUsageError):
        lab.session({"nope": 1})


def test_environment_and_config_files_are_ignored(lab, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("AWS_PROFILE", "does-not-exist")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "missing"))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-3")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:1")
    s = lab.create_account(A)
    assert s.region_name == "us-east-1"
    assert s.client("sts").get_caller_identity()["Account"] == A


def test_offline_with_socket_connect_patched(monkeypatch) -> None:
    """Explicit guard (the autouse fixture does the same for every test here)."""

    def boom(*args, **kwargs):
        raise AssertionError("socket used")

    monkeypatch.setattr(socket.socket, "connect", boom)
    monkeypatch.setattr(socket, "create_connection", boom)
    lab = Lab()
    s = lab.create_account(A)
    s.client("iam").create_user(UserName="Offline")
    s.client("sts").get_caller_identity()
    s.client("iam").list_users()
    with pytest.raises(ClientError, match="NotImplementedInLab"):
        s.client("sqs").list_queues()


def test_anonymous_session_cannot_sign(lab, a) -> None:
    with pytest.raises(ClientError) as e:
        lab.session().client("sts").get_caller_identity()
    assert e.value.response["Error"]["Code"] == "MissingAuthenticationToken"
