"""Injected faults (/__local/faults) for retry tests."""

from __future__ import annotations

import email.utils
import json
import threading

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from conftest import boto_client, dynamodb_headers, s3_error, send, signed_headers

ORIGIN = "http://127.0.0.1:8123"


@pytest.fixture(autouse=True)
def clean(server):
    send(server, "DELETE", "/__local/faults")
    yield
    send(server, "DELETE", "/__local/faults")


def add(state: dict, **spec):
    resp = send(state, "POST", "/__local/faults", {"Content-Type": "application/json", "Origin": ORIGIN}, json.dumps(spec).encode())
    return resp


def _assert_common(resp) -> None:
    assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "x-amz-request-id" in resp.headers["Access-Control-Expose-Headers"]
    assert email.utils.parsedate_to_datetime(resp.headers["Date"]).tzinfo is not None


def test_s3_fault_counts_down_and_matches_path(server):
    s3 = boto_client(server, "s3")
    s3.put_object(Bucket=server["bucket"], Key="faults/a.txt", Body=b"a")
    queued = add(server, service="s3", status=503, code="SlowDown", count=2, method="get", pathPrefix=f"/{server['bucket']}/faults/")
    assert queued.status == 200, queued
    assert queued.json() == {
        "id": queued.json()["id"],
        "service": "s3",
        "status": 503,
        "code": "SlowDown",
        "message": "Please reduce your request rate.",
        "remaining": 2,
        "method": "GET",
        "pathPrefix": f"/{server['bucket']}/faults/",
    }
    path = f"/{server['bucket']}/faults/a.txt"
    # Another path, and another method, are not affected.
    s3.put_object(Bucket=server["bucket"], Key="other.txt", Body=b"o")
    s3.head_object(Bucket=server["bucket"], Key="faults/a.txt")
    for _ in range(2):
        resp = send(server, "GET", path, dict(signed_headers(server, "s3", "GET", path), Origin=ORIGIN))
        assert resp.status == 503, resp
        assert s3_error(resp)["Code"] == "SlowDown"
        assert s3_error(resp)["Message"] == "Please reduce your request rate."
        assert resp.headers["Content-Type"] == "application/xml"
        assert resp.headers["x-amz-request-id"] and resp.headers["x-amz-id-2"]
        _assert_common(resp)
    assert send(server, "GET", "/__local/faults").json() == []
    resp = send(server, "GET", path, signed_headers(server, "s3", "GET", path))
    assert resp.status == 200 and resp.body == b"a"


def test_fault_comes_before_the_signature_check_and_after_preflight(server):
    add(server, service="s3", status=500, code="InternalError")
    preflight = send(server, "OPTIONS", "/anything", {"Origin": ORIGIN, "Access-Control-Request-Method": "GET"})
    assert preflight.status == 200
    resp = send(server, "GET", f"/{server['bucket']}/unsigned", {"Origin": ORIGIN})  # no signature at all
    assert resp.status == 500
    assert s3_error(resp)["Code"] == "InternalError"
    _assert_common(resp)
    resp = send(server, "GET", f"/{server['bucket']}/unsigned")
    assert resp.status == 403 and s3_error(resp)["Code"] == "AccessDenied"


def test_head_fault_has_no_body(server):
    add(server, service="s3", status=503, code="SlowDown")
    path = f"/{server['bucket']}/x"
    resp = send(server, "HEAD", path, signed_headers(server, "s3", "HEAD", path))
    assert resp.status == 503 and resp.body == b""


def test_boto3_retries_through_queued_faults(server):
    key = server["credentials"]
    s3 = boto3.session.Session(
        aws_access_key_id=key["accessKeyId"], aws_secret_access_key=key["secretAccessKey"], region_name=server["region"]
    ).client(
        "s3",
        endpoint_url=server["endpoint"],
        config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 3, "mode": "standard"}),
    )
    s3.put_object(Bucket=server["bucket"], Key="retry.txt", Body=b"r")
    add(server, service="s3", status=503, code="SlowDown", count=2, pathPrefix=f"/{server['bucket']}/retry.txt")
    assert s3.get_object(Bucket=server["bucket"], Key="retry.txt")["Body"].read() == b"r"
    assert send(server, "GET", "/__local/faults").json() == []


def test_dynamodb_fault_by_target(server):
    add(server, service="dynamodb", status=400, code="ProvisionedThroughputExceededException", target="DynamoDB_20120810.GetItem")
    body = json.dumps({"TableName": server["table"], "Key": {"pk": {"S": "f"}, "sk": {"S": "f"}}}).encode()
    put = json.dumps({"TableName": server["table"], "Item": {"pk": {"S": "f"}, "sk": {"S": "f"}}}).encode()
    resp = send(server, "POST", "/", signed_headers(server, "dynamodb", "POST", "/", headers=dynamodb_headers("PutItem"), body=put), put)
    assert resp.status == 200, resp  # another target: untouched
    headers = signed_headers(server, "dynamodb", "POST", "/", headers=dynamodb_headers("GetItem"), body=body)
    resp = send(server, "POST", "/", dict(headers, Origin=ORIGIN), body)
    assert resp.status == 400
    assert resp.json()["__type"] == "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"
    assert resp.json()["message"].startswith("The level of configured provisioned throughput")
    assert resp.headers["x-amzn-ErrorType"] == "ProvisionedThroughputExceededException"
    assert resp.headers["Content-Type"] == "application/x-amz-json-1.0"
    assert resp.headers["x-amzn-RequestId"]
    _assert_common(resp)
    assert send(server, "POST", "/", headers, body).status == 200


def test_dynamodb_fault_through_boto3_and_explicit_type(server):
    # count covers the test clients' one retry (boto_client: max_attempts=1 retry)
    add(server, service="dynamodb", status=500, code="com.amazon.coral.availability#ThrottlingException", message="Throttled", count=2)
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        boto_client(server, "dynamodb").list_tables()
    assert caught.value.response["Error"]["Code"] == "ThrottlingException"
    assert caught.value.response["Error"]["Message"] == "Throttled"


def test_json_and_query_services(server):
    add(server, service="cognito-idp", status=500, code="InternalErrorException", target="AWSCognitoIdentityProviderService.InitiateAuth")
    body = json.dumps({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": server["clientId"], "AuthParameters": {}}).encode()
    resp = send(
        server,
        "POST",
        "/",
        {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"},
        body,
    )
    assert resp.status == 500
    assert resp.json() == {"__type": "InternalErrorException", "message": "Internal error"}

    add(server, service="cognito-identity", status=429, code="TooManyRequestsException", count=2)
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        boto_client(server, "cognito-identity").list_identity_pools(MaxResults=1)
    assert caught.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429

    add(server, service="sts", status=503, code="ServiceUnavailable")
    resp = send(server, "POST", "/", {"Content-Type": "application/x-www-form-urlencoded"}, b"Action=GetCallerIdentity&Version=2011-06-15")
    assert resp.status == 503
    assert b"<Type>Receiver</Type><Code>ServiceUnavailable</Code>" in resp.body
    assert resp.headers["Content-Type"] == "text/xml"


def test_list_clear_and_order(server):
    add(server, service="s3", status=503, code="SlowDown", count=1)
    add(server, service="s3", status=500, code="InternalError", count=3)
    listed = send(server, "GET", "/__local/faults", {"Origin": ORIGIN})
    assert listed.status == 200
    assert listed.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert [(f["code"], f["remaining"]) for f in listed.json()] == [("SlowDown", 1), ("InternalError", 3)]
    path = f"/{server['bucket']}/o"
    assert send(server, "GET", path).status == 503  # first queued, first used
    assert send(server, "GET", path).status == 500
    assert [(f["code"], f["remaining"]) for f in send(server, "GET", "/__local/faults").json()] == [("InternalError", 2)]
    assert send(server, "DELETE", "/__local/faults").json() == {"deleted": 1}
    assert send(server, "GET", "/__local/faults").json() == []


def test_invalid_faults_are_refused(server):
    for spec, message in (
        ({"service": "ec2", "status": 503, "code": "X"}, "service must be one of"),
        ({"service": "s3", "status": 200, "code": "X"}, "status must be"),
        ({"service": "s3", "status": "503", "code": "X"}, "status must be"),
        ({"service": "s3", "status": 503}, "code must be"),
        ({"service": "s3", "status": 503, "code": "X", "count": 0}, "count must be"),
        ({"service": "s3", "status": 503, "code": "X", "delayMs": 5}, "unknown field"),
        ({"service": "s3", "status": 503, "code": "X", "pathPrefix": "bucket"}, "pathPrefix must start with /"),
    ):
        resp = add(server, **spec)
        assert resp.status == 400, spec
        assert message in resp.json()["message"], resp.json()
    resp = send(server, "POST", "/__local/faults", {"Content-Type": "application/json"}, b"{not json")
    assert resp.status == 400 and "invalid JSON" in resp.json()["message"]
    assert send(server, "PUT", "/__local/faults", body=b"").status == 405
    assert send(server, "GET", "/__local/faults").json() == []


def test_concurrent_requests_consume_exactly_count(server):
    add(server, service="s3", status=503, code="SlowDown", count=5, pathPrefix="/concurrent/")
    statuses = []
    lock = threading.Lock()

    def hit():
        status = send(server, "GET", "/concurrent/x").status
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=hit) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(503) == 5
    assert len(statuses) == 12
