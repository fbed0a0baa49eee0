"""S3 through the strict layer: boto3 works, and every way of getting SigV4 wrong fails as S3 fails."""

from __future__ import annotations

import datetime as dt
import hashlib
import urllib.error
import urllib.request
from urllib.parse import quote

import botocore.exceptions
import pytest

from conftest import (
    EXPIRED_KEY,
    TEMP_KEY,
    boto_client,
    frozen_clock,
    s3_error,
    send,
    signed_headers,
    utcnow,
)

AWKWARD_KEYS = [
    "with space/file name.txt",
    "ünïcödé/фото/写真.jpg",
    "plus+bang!quote'paren()star*.txt",
    "double//slash/x.txt",
    "tilde~dash-dot.under_score",
]


@pytest.fixture(scope="module")
def s3(server):
    return boto_client(server, "s3")


def test_boto3_put_get_list_awkward_keys(server, s3):
    bucket = server["bucket"]
    for index, key in enumerate(AWKWARD_KEYS):
        s3.put_object(Bucket=bucket, Key=f"awkward/{key}", Body=f"body {index}".encode())
    for index, key in enumerate(AWKWARD_KEYS):
        body = s3.get_object(Bucket=bucket, Key=f"awkward/{key}")["Body"].read()
        assert body == f"body {index}".encode(), key
    listed = {item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix="awkward/")["Contents"]}
    assert listed == {f"awkward/{key}" for key in AWKWARD_KEYS}


def test_presigned_get_works(server, s3):
    s3.put_object(Bucket=server["bucket"], Key="presigned/a b+c!.txt", Body=b"presigned body")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": server["bucket"], "Key": "presigned/a b+c!.txt"}, ExpiresIn=300)
    assert "X-Amz-Signature=" in url
    with urllib.request.urlopen(url) as resp:
        assert resp.read() == b"presigned body"


def test_presigned_put_works(server, s3):
    url = s3.generate_presigned_url("put_object", Params={"Bucket": server["bucket"], "Key": "presigned/put.txt"}, ExpiresIn=300)
    # (urllib would default to a form Content-Type, whose PUT body moto drops.)
    request = urllib.request.Request(url, data=b"uploaded", method="PUT", headers={"Content-Type": "application/octet-stream"})
    with urllib.request.urlopen(request) as resp:
        assert resp.status == 200
    assert s3.get_object(Bucket=server["bucket"], Key="presigned/put.txt")["Body"].read() == b"uploaded"


def _fetch(url: str) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(url) as resp:
            return resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read(), dict(err.headers)


def test_expired_presigned_url_is_refused(server, s3):
    with frozen_clock(utcnow() - dt.timedelta(hours=2)):
        url = s3.generate_presigned_url("get_object", Params={"Bucket": server["bucket"], "Key": "presigned/a b+c!.txt"}, ExpiresIn=60)
    status, body, _ = _fetch(url)
    error = s3_error(type("R", (), {"body": body})())
    assert status == 403
    assert error["Code"] == "AccessDenied"
    assert error["Message"] == "Request has expired"
    assert error["X-Amz-Expires"] == "60"
    assert error["Expires"].endswith("Z") and error["ServerTime"].endswith("Z")


def test_presign_longer_than_a_week_is_refused(server, s3):
    url = s3.generate_presigned_url("get_object", Params={"Bucket": server["bucket"], "Key": "x"}, ExpiresIn=604801)
    status, body, _ = _fetch(url)
    error = s3_error(type("R", (), {"body": body})())
    assert status == 400
    assert error["Code"] == "AuthorizationQueryParametersError"
    assert error["Message"] == "X-Amz-Expires must be less than a week (in seconds) that is 604800"


def test_presigned_url_with_tampered_query_is_refused(server, s3):
    url = s3.generate_presigned_url("get_object", Params={"Bucket": server["bucket"], "Key": "presigned/a b+c!.txt"}, ExpiresIn=300)
    status, body, _ = _fetch(url.replace("X-Amz-Expires=300", "X-Amz-Expires=301"))
    assert status == 403
    assert s3_error(type("R", (), {"body": body})())["Code"] == "SignatureDoesNotMatch"


def test_wrong_secret_is_signature_does_not_match(server):
    bad = boto_client(server, "s3", key=dict(server["credentials"], secretAccessKey="x" * 40))
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        bad.get_object(Bucket=server["bucket"], Key="awkward/with space/file name.txt")
    error = caught.value.response["Error"]
    assert error["Code"] == "SignatureDoesNotMatch"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    # Raw body, as S3 sends it: the canonical request and string to sign we computed.
    headers = signed_headers(server, "s3", "GET", f"/{server['bucket']}/k", secret="y" * 40)
    resp = send(server, "GET", f"/{server['bucket']}/k", headers)
    fields = s3_error(resp)
    assert resp.status == 403 and fields["Code"] == "SignatureDoesNotMatch"
    assert fields["Message"].startswith("The request signature we calculated does not match the signature you provided.")
    assert fields["AWSAccessKeyId"] == server["credentials"]["accessKeyId"]
    assert fields["CanonicalRequest"].startswith(f"GET\n/{server['bucket']}/k\n")
    assert fields["StringToSign"].startswith("AWS4-HMAC-SHA256\n")
    assert server["credentials"]["secretAccessKey"] not in resp.text()
    assert resp.headers["Content-Type"] == "application/xml"
    assert resp.headers["x-amz-request-id"]


def test_body_changed_after_signing_is_content_sha256_mismatch(server):
    path = f"/{server['bucket']}/tampered.txt"
    headers = signed_headers(server, "s3", "PUT", path, body=b"original body")
    resp = send(server, "PUT", path, headers, body=b"tampered body")
    fields = s3_error(resp)
    assert resp.status == 400
    assert fields["Code"] == "XAmzContentSHA256Mismatch"
    assert fields["ClientComputedContentSHA256"] == hashlib.sha256(b"original body").hexdigest()
    assert fields["S3ComputedContentSHA256"] == hashlib.sha256(b"tampered body").hexdigest()


def test_unsigned_payload_is_accepted(server):
    path = f"/{server['bucket']}/unsigned-payload.txt"
    headers = signed_headers(server, "s3", "PUT", path, body=b"data", unsigned_payload=True)
    assert headers["X-Amz-Content-SHA256"] == "UNSIGNED-PAYLOAD"
    assert send(server, "PUT", path, headers, body=b"data").status == 200
    assert send(server, "GET", path, signed_headers(server, "s3", "GET", path)).body == b"data"


def test_missing_content_sha256_header_is_invalid_request(server):
    path = f"/{server['bucket']}/k"
    headers = signed_headers(server, "s3", "GET", path)
    del headers["X-Amz-Content-SHA256"]
    resp = send(server, "GET", path, headers)
    fields = s3_error(resp)
    assert resp.status == 400 and fields["Code"] == "InvalidRequest"
    assert fields["Message"] == "Missing required header for this request: x-amz-content-sha256"


def test_old_request_is_request_time_too_skewed(server, s3):
    with frozen_clock(utcnow() - dt.timedelta(minutes=20)):
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            s3.head_bucket(Bucket=server["bucket"])
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    path = f"/{server['bucket']}/k"
    headers = signed_headers(server, "s3", "GET", path, when=utcnow() - dt.timedelta(minutes=20))
    resp = send(server, "GET", path, headers)
    fields = s3_error(resp)
    assert resp.status == 403 and fields["Code"] == "RequestTimeTooSkewed"
    assert fields["RequestTime"] == headers["X-Amz-Date"]
    assert fields["MaxAllowedSkewMilliseconds"] == "900000"
    assert fields["ServerTime"].endswith("Z")


def test_future_request_is_request_time_too_skewed(server):
    path = f"/{server['bucket']}/k"
    headers = signed_headers(server, "s3", "GET", path, when=utcnow() + dt.timedelta(minutes=20))
    resp = send(server, "GET", path, headers)
    assert resp.status == 403 and s3_error(resp)["Code"] == "RequestTimeTooSkewed"


def test_small_clock_skew_is_accepted(server):
    path = f"/{server['bucket']}/awkward/tilde~dash-dot.under_score"
    headers = signed_headers(server, "s3", "GET", path, when=utcnow() - dt.timedelta(minutes=10))
    assert send(server, "GET", path, headers).status == 200


def test_unknown_access_key_is_invalid_access_key_id(server):
    stranger = {"accessKeyId": "AKIAUNKNOWN000000000", "secretAccessKey": "s" * 40}
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        boto_client(server, "s3", key=stranger).list_objects_v2(Bucket=server["bucket"])
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidAccessKeyId"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["AWSAccessKeyId"] == "AKIAUNKNOWN000000000"


def test_wrong_region_is_authorization_header_malformed(server):
    path = f"/{server['bucket']}/k"
    resp = send(server, "GET", path, signed_headers(server, "s3", "GET", path, region="eu-west-1"))
    fields = s3_error(resp)
    assert resp.status == 400
    assert fields["Code"] == "AuthorizationHeaderMalformed"
    assert fields["Message"] == "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'"
    assert fields["Region"] == "us-east-1"


def test_wrong_service_in_scope_is_refused(server):
    path = f"/{server['bucket']}/k"
    resp = send(server, "GET", path, signed_headers(server, "s3", "GET", path, scope_service="dynamodb"))
    assert resp.status == 400 and s3_error(resp)["Code"] == "AuthorizationHeaderMalformed"
    assert 'incorrect service "dynamodb"' in s3_error(resp)["Message"]


def test_scope_date_must_match_x_amz_date(server):
    path = f"/{server['bucket']}/k"
    headers = signed_headers(server, "s3", "GET", path)
    yesterday = (utcnow() - dt.timedelta(days=1)).strftime("%Y%m%d")
    headers["Authorization"] = headers["Authorization"].replace(headers["X-Amz-Date"][:8], yesterday, 1)
    resp = send(server, "GET", path, headers)
    assert resp.status == 400 and s3_error(resp)["Code"] == "AuthorizationHeaderMalformed"


def test_malformed_authorization_header(server):
    path = f"/{server['bucket']}/k"
    headers = signed_headers(server, "s3", "GET", path)
    headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIALOCALDEV00000001/20240101/us-east-1/s3/aws4_request"
    resp = send(server, "GET", path, headers)
    assert resp.status == 400 and s3_error(resp)["Code"] == "AuthorizationHeaderMalformed"


def test_missing_x_amz_date_is_access_denied(server):
    path = f"/{server['bucket']}/k"
    headers = signed_headers(server, "s3", "GET", path)
    del headers["X-Amz-Date"]
    resp = send(server, "GET", path, headers)
    fields = s3_error(resp)
    assert resp.status == 403 and fields["Code"] == "AccessDenied"
    assert fields["Message"] == "AWS authentication requires a valid Date or x-amz-date header"


def test_unsigned_requests_are_access_denied(server):
    for method in ("GET", "PUT", "DELETE"):
        resp = send(server, method, f"/{server['bucket']}/awkward/with%20space/file%20name.txt", body=b"x" if method == "PUT" else b"")
        fields = s3_error(resp)
        assert resp.status == 403 and fields["Code"] == "AccessDenied" and fields["Message"] == "Access Denied", method
    resp = send(server, "GET", "/")  # ListBuckets
    assert resp.status == 403
    head = send(server, "HEAD", f"/{server['bucket']}/awkward/with%20space/file%20name.txt")
    assert head.status == 403 and head.body == b""


def test_literal_bang_signed_over_percent_21_is_accepted(server, s3):
    # The client signs the S3-canonical path (%21) but puts a literal "!" on the wire.
    signed_path = f"/{server['bucket']}/bang%21key%27%28%29%2A.txt"
    wire_path = f"/{server['bucket']}/bang!key'()*.txt"
    headers = signed_headers(server, "s3", "PUT", signed_path, body=b"bang")
    resp = send(server, "PUT", wire_path, headers, body=b"bang")
    assert resp.status == 200, resp
    assert s3.get_object(Bucket=server["bucket"], Key="bang!key'()*.txt")["Body"].read() == b"bang"
    # And the other way round: signed over a literal-looking path, sent percent-encoded.
    headers = signed_headers(server, "s3", "GET", signed_path)
    assert send(server, "GET", signed_path, headers).status == 200


def test_path_is_not_normalised_for_s3(server, s3):
    s3.put_object(Bucket=server["bucket"], Key="norm/a/./b/../c.txt", Body=b"dots")
    assert s3.get_object(Bucket=server["bucket"], Key="norm/a/./b/../c.txt")["Body"].read() == b"dots"
    # Signing the normalised path must not match the literal one.
    headers = signed_headers(server, "s3", "GET", f"/{server['bucket']}/norm/a/c.txt")
    resp = send(server, "GET", f"/{server['bucket']}/norm/a/./b/../c.txt", headers)
    assert resp.status == 403 and s3_error(resp)["Code"] == "SignatureDoesNotMatch"


def test_query_string_plus_is_not_a_space(server, s3):
    s3.put_object(Bucket=server["bucket"], Key="q/a+b", Body=b"1")
    s3.put_object(Bucket=server["bucket"], Key="q/a b", Body=b"2")
    listed = s3.list_objects_v2(Bucket=server["bucket"], Prefix="q/a+")["Contents"]
    assert [item["Key"] for item in listed] == ["q/a+b"]
    # Signature-wise a literal "+" on the wire is "%2B" (not a space); how the service
    # then reads the parameter is its own business.
    path = f"/{server['bucket']}?list-type=2&prefix=" + quote("q/a+", safe="")
    headers = signed_headers(server, "s3", "GET", path)
    assert send(server, "GET", f"/{server['bucket']}?list-type=2&prefix=q/a+", headers).status == 200
    resp = send(server, "GET", f"/{server['bucket']}?list-type=2&prefix=q/a%20", headers)
    assert resp.status == 403 and s3_error(resp)["Code"] == "SignatureDoesNotMatch"


def test_temporary_credentials_with_session_token(server):
    s3 = boto_client(server, "s3", key=TEMP_KEY)
    s3.put_object(Bucket=server["bucket"], Key="temp/ok.txt", Body=b"ok")
    path = f"/{server['bucket']}/temp/ok.txt"

    headers = signed_headers(server, "s3", "GET", path, key=TEMP_KEY)
    assert send(server, "GET", path, headers).status == 200

    wrong = dict(headers, **{"X-Amz-Security-Token": "not-the-token"})
    resp = send(server, "GET", path, wrong)
    assert resp.status == 400 and s3_error(resp)["Code"] == "InvalidToken"

    missing = signed_headers(server, "s3", "GET", path, key=dict(TEMP_KEY, sessionToken=None))
    resp = send(server, "GET", path, missing)
    assert resp.status == 400 and s3_error(resp)["Code"] == "InvalidToken"

    resp = send(server, "GET", path, signed_headers(server, "s3", "GET", path, key=EXPIRED_KEY))
    assert resp.status == 400 and s3_error(resp)["Code"] == "ExpiredToken"

    # A long-term key must not carry a session token.
    resp = send(server, "GET", path, signed_headers(server, "s3", "GET", path, key=dict(server["credentials"], sessionToken="t")))
    assert resp.status == 400 and s3_error(resp)["Code"] == "InvalidToken"


def test_presigned_url_with_session_token(server):
    s3 = boto_client(server, "s3", key=TEMP_KEY)
    url = s3.generate_presigned_url("get_object", Params={"Bucket": server["bucket"], "Key": "temp/ok.txt"}, ExpiresIn=60)
    assert "X-Amz-Security-Token=" in url
    status, body, _ = _fetch(url)
    assert (status, body) == (200, b"ok")
    status, body, _ = _fetch(url.replace("X-Amz-Security-Token=", "X-Amz-Security-Token=x"))
    assert status == 400 and s3_error(type("R", (), {"body": body})())["Code"] == "InvalidToken"
