"""DynamoDB (JSON 1.0) through the strict layer."""

from __future__ import annotations

import datetime as dt
import json
import re

import botocore.exceptions
import pytest

from conftest import EXPIRED_KEY, TEMP_KEY, boto_client, dynamodb_headers, frozen_clock, send, signed_headers, utcnow

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)


def _get_item_body(state: dict) -> bytes:
    return json.dumps({"TableName": state["table"], "Key": {"pk": {"S": "user#1"}, "sk": {"S": "profile"}}}).encode()


def _signed_post(state: dict, operation: str, body: bytes, **kwargs) -> tuple[dict, bytes]:
    return signed_headers(state, "dynamodb", "POST", "/", headers=dynamodb_headers(operation), body=body, **kwargs), body


def _assert_error(resp, code: str, message: str | None = None) -> dict:
    assert resp.status == 400, resp
    payload = resp.json()
    assert payload["__type"].split("#")[-1] == code, payload
    assert "#" in payload["__type"], "DynamoDB namespaces __type"
    assert resp.headers["x-amzn-ErrorType"] == code
    assert resp.headers["x-amzn-RequestId"]
    assert resp.headers["Content-Type"] == "application/x-amz-json-1.0"
    if message is not None:
        assert payload["message"] == message, payload
    return payload


def test_boto3_put_get_query(server):
    ddb = boto_client(server, "dynamodb")
    item = {"pk": {"S": "user#1"}, "sk": {"S": "profile"}, "name": {"S": "Zoë + \"quotes\" / ü"}, "n": {"N": "42"}}
    ddb.put_item(TableName=server["table"], Item=item)
    got = ddb.get_item(TableName=server["table"], Key={"pk": item["pk"], "sk": item["sk"]}, ConsistentRead=True)["Item"]
    assert got == item
    queried = ddb.query(
        TableName=server["table"],
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "user#1"}},
    )["Items"]
    assert queried == [item]
    table = ddb.describe_table(TableName=server["table"])["Table"]
    assert {k["AttributeName"]: k["KeyType"] for k in table["KeySchema"]} == {"pk": "HASH", "sk": "RANGE"}
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_raw_signed_request_works(server):
    headers, body = _signed_post(server, "GetItem", _get_item_body(server))
    resp = send(server, "POST", "/", headers, body)
    assert resp.status == 200, resp
    assert "Item" in resp.json()


def test_wrong_secret_is_invalid_signature(server):
    bad = boto_client(server, "dynamodb", key=dict(server["credentials"], secretAccessKey="x" * 40))
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        bad.list_tables()
    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"
    headers, body = _signed_post(server, "ListTables", b"{}", secret="y" * 40)
    _assert_error(send(server, "POST", "/", headers, body), "InvalidSignatureException", SIGNATURE_MISMATCH)


def test_body_changed_after_signing_is_invalid_signature(server):
    headers, body = _signed_post(server, "GetItem", _get_item_body(server))
    tampered = body.replace(b"user#1", b"user#2")
    assert tampered != body
    _assert_error(send(server, "POST", "/", headers, tampered), "InvalidSignatureException", SIGNATURE_MISMATCH)


def test_signed_content_sha256_header_cannot_skip_the_body_check(server):
    body = _get_item_body(server)
    headers = dict(dynamodb_headers("GetItem"), **{"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    signed = signed_headers(server, "dynamodb", "POST", "/", headers=headers, body=b"different body")
    _assert_error(send(server, "POST", "/", signed, body), "InvalidSignatureException")


def test_old_request_is_signature_expired(server):
    ddb = boto_client(server, "dynamodb")
    with frozen_clock(utcnow() - dt.timedelta(minutes=20)):
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            ddb.list_tables()
    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"
    message = caught.value.response["Error"]["Message"]
    match = re.fullmatch(r"Signature expired: (\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) - 15 min\.\)", message)
    assert match, message
    earliest = dt.datetime.strptime(match[2], "%Y%m%dT%H%M%SZ")
    now = dt.datetime.strptime(match[3], "%Y%m%dT%H%M%SZ")
    assert now - earliest == dt.timedelta(minutes=15)


def test_future_request_is_signature_not_yet_current(server):
    headers, body = _signed_post(server, "ListTables", b"{}", when=utcnow() + dt.timedelta(minutes=20))
    payload = _assert_error(send(server, "POST", "/", headers, body), "InvalidSignatureException")
    assert re.fullmatch(
        r"Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)", payload["message"]
    ), payload


def test_unknown_key_is_unrecognized_client(server):
    stranger = {"accessKeyId": "AKIAUNKNOWN000000000", "secretAccessKey": "s" * 40}
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        boto_client(server, "dynamodb", key=stranger).list_tables()
    assert caught.value.response["Error"]["Code"] == "UnrecognizedClientException"
    headers, body = _signed_post(server, "ListTables", b"{}", key=stranger)
    _assert_error(
        send(server, "POST", "/", headers, body),
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )


def test_wrong_region_is_invalid_signature(server):
    headers, body = _signed_post(server, "ListTables", b"{}", region="eu-west-1")
    _assert_error(send(server, "POST", "/", headers, body), "InvalidSignatureException", "Credential should be scoped to a valid region.")


def test_wrong_service_is_invalid_signature(server):
    headers, body = _signed_post(server, "ListTables", b"{}", scope_service="s3")
    _assert_error(
        send(server, "POST", "/", headers, body),
        "InvalidSignatureException",
        "Credential should be scoped to correct service: 'dynamodb'.",
    )


def test_scope_date_must_match_x_amz_date(server):
    headers, body = _signed_post(server, "ListTables", b"{}")
    amz_date = headers["X-Amz-Date"]
    other_day = (dt.datetime.strptime(amz_date[:8], "%Y%m%d") - dt.timedelta(days=1)).strftime("%Y%m%d")
    headers["Authorization"] = headers["Authorization"].replace(f"/{amz_date[:8]}/", f"/{other_day}/")
    _assert_error(
        send(server, "POST", "/", headers, body),
        "InvalidSignatureException",
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
        f"'{other_day}' != '{amz_date[:8]}', from '{amz_date}'.",
    )


def test_missing_date_is_incomplete_signature(server):
    headers, body = _signed_post(server, "ListTables", b"{}")
    del headers["X-Amz-Date"]
    _assert_error(send(server, "POST", "/", headers, body), "IncompleteSignatureException")


def test_malformed_authorization_is_incomplete_signature(server):
    headers, body = _signed_post(server, "ListTables", b"{}")
    headers["Authorization"] = headers["Authorization"].split(", Signature=")[0]
    payload = _assert_error(send(server, "POST", "/", headers, body), "IncompleteSignatureException")
    assert "Signature" in payload["message"]


def test_unsigned_is_missing_authentication_token(server):
    resp = send(server, "POST", "/", dynamodb_headers("ListTables"), b"{}")
    _assert_error(resp, "MissingAuthenticationTokenException", "Request is missing Authentication Token")


def test_temporary_credentials(server):
    assert "TableNames" in boto_client(server, "dynamodb", key=TEMP_KEY).list_tables()

    headers, body = _signed_post(server, "ListTables", b"{}", key=TEMP_KEY)
    headers["X-Amz-Security-Token"] = "wrong"
    _assert_error(send(server, "POST", "/", headers, body), "UnrecognizedClientException")

    headers, body = _signed_post(server, "ListTables", b"{}", key=EXPIRED_KEY)
    _assert_error(
        send(server, "POST", "/", headers, body),
        "ExpiredTokenException",
        "The security token included in the request is expired",
    )
