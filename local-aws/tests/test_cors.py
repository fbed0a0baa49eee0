"""CORS for a page on another 127.0.0.1 port, and the Date header."""

from __future__ import annotations

import email.utils

from conftest import EXPIRED_KEY, boto_client, dynamodb_headers, send, signed_headers

ORIGIN = "http://127.0.0.1:8123"
EXPOSED = {
    "etag",
    "x-amz-request-id",
    "x-amzn-requestid",
    "x-amzn-errortype",
    "date",
    "x-amz-version-id",
    "content-range",
    "content-length",
    "content-type",
    "last-modified",
    "x-amz-id-2",
}


def _exposed(resp) -> set[str]:
    values = resp.headers.get_all("Access-Control-Expose-Headers") or []
    assert len(values) == 1, values
    return {name.strip().lower() for name in values[0].split(",")}


def _assert_cors(resp, origin: str = ORIGIN) -> None:
    assert resp.headers.get_all("Access-Control-Allow-Origin") == [origin], resp.headers.items()
    assert EXPOSED <= _exposed(resp)


def _assert_date(resp) -> None:
    dates = resp.headers.get_all("Date") or []
    assert len(dates) == 1, dates
    assert email.utils.parsedate_to_datetime(dates[0]).tzinfo is not None


def test_preflight_for_existing_private_object(server):
    s3 = boto_client(server, "s3")
    s3.put_object(Bucket=server["bucket"], Key="private/photo 1.jpg", Body=b"jpeg")
    resp = send(
        server,
        "OPTIONS",
        f"/{server['bucket']}/private/photo%201.jpg",
        {
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization,x-amz-content-sha256,x-amz-date,x-amz-security-token,range",
        },
    )
    assert resp.status == 200
    assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Origin" in resp.headers["Vary"]
    methods = {m.strip() for m in resp.headers["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "PUT", "POST", "DELETE", "HEAD"} <= methods
    assert resp.headers["Access-Control-Allow-Headers"] == "authorization,x-amz-content-sha256,x-amz-date,x-amz-security-token,range"
    assert int(resp.headers["Access-Control-Max-Age"]) > 0
    assert len(resp.headers.get_all("Access-Control-Allow-Origin")) == 1
    _assert_date(resp)


def test_preflight_for_dynamodb_and_cognito(server):
    for headers in ("content-type,x-amz-target,x-amz-date,authorization", "content-type,x-amz-target,x-amz-user-agent"):
        resp = send(server, "OPTIONS", "/", {"Origin": ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": headers})
        assert resp.status == 200
        assert resp.headers["Access-Control-Allow-Headers"] == headers


def test_signed_get_exposes_headers(server):
    s3 = boto_client(server, "s3")
    s3.put_object(Bucket=server["bucket"], Key="cors/get.txt", Body=b"hello cors")
    path = f"/{server['bucket']}/cors/get.txt"
    headers = signed_headers(server, "s3", "GET", path, headers={"Origin": ORIGIN, "Range": "bytes=0-4"})
    resp = send(server, "GET", path, headers)
    assert resp.status == 206, resp
    assert resp.body == b"hello"
    _assert_cors(resp)
    assert resp.headers["ETag"]
    assert resp.headers["Content-Range"].startswith("bytes 0-4/")
    _assert_date(resp)


def test_no_origin_gets_wildcard(server):
    path = f"/{server['bucket']}/cors/get.txt"
    resp = send(server, "GET", path, signed_headers(server, "s3", "GET", path))
    assert resp.status == 200
    _assert_cors(resp, origin="*")


def test_error_responses_carry_cors_and_date(server):
    resp = send(server, "GET", f"/{server['bucket']}/cors/get.txt", {"Origin": ORIGIN})  # unsigned
    assert resp.status == 403
    _assert_cors(resp)
    _assert_date(resp)

    headers = signed_headers(server, "dynamodb", "POST", "/", headers=dict(dynamodb_headers("ListTables"), Origin=ORIGIN), body=b"{}", key=EXPIRED_KEY)
    resp = send(server, "POST", "/", headers, b"{}")
    assert resp.status == 400
    _assert_cors(resp)
    _assert_date(resp)

    # A moto error (no such key) after a good signature.
    path = f"/{server['bucket']}/cors/missing.txt"
    resp = send(server, "GET", path, signed_headers(server, "s3", "GET", path, headers={"Origin": ORIGIN}))
    assert resp.status == 404
    _assert_cors(resp)
    _assert_date(resp)


def test_dynamodb_success_carries_cors(server):
    headers = signed_headers(server, "dynamodb", "POST", "/", headers=dict(dynamodb_headers("ListTables"), Origin=ORIGIN), body=b"{}")
    resp = send(server, "POST", "/", headers, b"{}")
    assert resp.status == 200
    _assert_cors(resp)
    _assert_date(resp)


def test_preflight_allows_sdk_headers_and_methods(server):
    requested = "content-type,range,x-amz-date,x-amz-security-token,x-amz-content-sha256,x-amz-target,x-amz-user-agent,x-amz-meta-note"
    for method in ("PUT", "DELETE", "HEAD", "POST"):
        resp = send(
            server,
            "OPTIONS",
            f"/{server['bucket']}/public/x.txt",
            {"Origin": ORIGIN, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": requested},
        )
        assert resp.status == 200
        assert method in {m.strip() for m in resp.headers["Access-Control-Allow-Methods"].split(",")}
        assert resp.headers["Access-Control-Allow-Headers"] == requested
        assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_object_responses_expose_what_sdks_read(server):
    s3 = boto_client(server, "s3")
    s3.put_object(Bucket=server["bucket"], Key="cors/exposed.txt", Body=b"0123456789", ContentType="text/plain")
    path = f"/{server['bucket']}/cors/exposed.txt"
    resp = send(server, "GET", path, dict(signed_headers(server, "s3", "GET", path, headers={"Range": "bytes=0-3"}), Origin=ORIGIN))
    assert resp.status == 206, resp
    _assert_cors(resp)
    for name in ("ETag", "Content-Range", "Content-Length", "Content-Type", "Last-Modified", "Date"):
        assert resp.headers[name], name
