"""S3 virtual-hosted addressing, S3's default (``<bucket>.s3.localhost:<port>``), beside path-style: the bucket
comes from the Host header, and the signature is verified with the Host the client signed.

Browsers resolve ``*.localhost`` to loopback; Python may not, so these tests connect to 127.0.0.1 and send the
virtual host in the Host header, as a browser would."""

from __future__ import annotations

import urllib.request
from urllib.parse import quote, urlsplit

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from conftest import s3_error, send, signed_headers
from test_iam_server import ME, OTHER, roles  # noqa: F401 (the roles fixture: a server with role credentials)


def virtual_endpoint(state: dict) -> str:
    return f"http://s3.localhost:{urlsplit(state['endpoint']).port}"


def via_loopback(request, **_):
    """botocore's before-send hook: connect to 127.0.0.1 but keep the Host the request was signed with."""
    url = urlsplit(request.url)
    if url.hostname and url.hostname.endswith(".localhost"):
        request.headers["Host"] = url.netloc
        request.url = url._replace(netloc=f"127.0.0.1:{url.port}").geturl()


def virtual_client(server: dict, key: dict):
    """AWS SDK's S3 client with virtual-hosted addressing (no forcePathStyle), endpoint http://s3.localhost:<port>."""
    client = boto3.session.Session(
        aws_access_key_id=key["accessKeyId"], aws_secret_access_key=key["secretAccessKey"],
        aws_session_token=key.get("sessionToken"), region_name=server["region"],
    ).client(
        "s3", endpoint_url=virtual_endpoint(server),
        config=Config(s3={"addressing_style": "virtual"}, signature_version="s3v4", retries={"max_attempts": 1}),
    )
    sent = []
    client.meta.events.register("before-send.s3", lambda request, **kw: sent.append(request.headers["Host"] if "Host" in request.headers else urlsplit(request.url).netloc))
    client.meta.events.register("before-send.s3", via_loopback)
    client.sent_hosts = sent
    return client


@pytest.fixture(scope="module")
def s3v(server):
    return virtual_client(server, server["credentials"])


def test_boto3_virtual_hosted_put_get_list_delete(server, s3v):
    bucket = server["bucket"]
    port = urlsplit(server["endpoint"]).port
    key = "virtual/ü a+b!.txt"
    s3v.put_object(Bucket=bucket, Key=key, Body=b"virtual body")
    assert s3v.get_object(Bucket=bucket, Key=key)["Body"].read() == b"virtual body"
    listed = [item["Key"] for item in s3v.list_objects_v2(Bucket=bucket, Prefix="virtual/")["Contents"]]
    assert listed == [key]
    s3v.delete_object(Bucket=bucket, Key=key)
    with pytest.raises(botocore.exceptions.ClientError) as info:
        s3v.head_object(Bucket=bucket, Key=key)
    assert info.value.response["Error"]["Code"] == "404"
    # Every request went to the bucket's own host name: the SDK really used virtual-hosted addressing.
    assert set(s3v.sent_hosts) == {f"{bucket}.s3.localhost:{port}"}


def test_virtual_and_path_style_name_the_same_object(server, s3v):
    from conftest import boto_client

    bucket = server["bucket"]
    boto_client(server, "s3").put_object(Bucket=bucket, Key="virtual/both.txt", Body=b"path-style")
    assert s3v.get_object(Bucket=bucket, Key="virtual/both.txt")["Body"].read() == b"path-style"


def test_presigned_virtual_hosted_get(server, s3v):
    bucket = server["bucket"]
    s3v.put_object(Bucket=bucket, Key="virtual/presigned.txt", Body=b"presigned virtual")
    url = urlsplit(s3v.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "virtual/presigned.txt"}, ExpiresIn=300))
    assert url.hostname == f"{bucket}.s3.localhost"
    request = urllib.request.Request(url._replace(netloc=f"127.0.0.1:{url.port}").geturl(), headers={"Host": url.netloc})
    with urllib.request.urlopen(request) as resp:
        assert resp.read() == b"presigned virtual"


def test_the_signed_host_is_the_one_verified(server):
    """Signed for one bucket's host and sent to another (or to path-style on 127.0.0.1): SignatureDoesNotMatch."""
    bucket = server["bucket"]
    port = urlsplit(server["endpoint"]).port
    host = f"{bucket}.s3.localhost:{port}"
    path = "/virtual/" + quote("signed host.txt")
    state = dict(server, endpoint=f"http://{host}")
    headers = signed_headers(state, "s3", "PUT", path, body=b"x")
    assert headers["Host"] == host
    assert send(server, "PUT", path, headers, b"x").status == 200

    other = dict(headers, Host=f"other-bucket.s3.localhost:{port}")
    resp = send(server, "PUT", path, other, b"x")
    assert (resp.status, s3_error(resp)["Code"]) == (403, "SignatureDoesNotMatch"), resp

    path_style = dict(headers, Host=f"127.0.0.1:{port}")
    resp = send(server, "PUT", f"/{bucket}{path}", path_style, b"x")
    assert (resp.status, s3_error(resp)["Code"]) == (403, "SignatureDoesNotMatch"), resp


def test_a_bucket_host_answers_s3_only(server):
    """X-Amz-Target on a bucket's host does not reach DynamoDB: S3 answers (and refuses the unsigned request)."""
    port = urlsplit(server["endpoint"]).port
    resp = send(server, "POST", "/", {"Host": f"{server['bucket']}.s3.localhost:{port}", "X-Amz-Target": "DynamoDB_20120810.ListTables",
                                       "Content-Type": "application/x-amz-json-1.0"}, b"{}")
    assert resp.status == 403, resp
    assert resp.body.startswith(b"<?xml") or b"<Error>" in resp.body, resp


def test_iam_policies_see_the_bucket_of_the_host(roles):
    """Role credentials: the policy's resource is arn:aws:s3:::<bucket from the Host>/<key from the path>."""
    s3 = virtual_client(roles, roles["_keys"]["me"])
    bucket = roles["bucket"]
    s3.put_object(Bucket=bucket, Key=f"private/{ME}/virtual.txt", Body=b"mine")
    assert s3.get_object(Bucket=bucket, Key=f"private/{ME}/virtual.txt")["Body"].read() == b"mine"
    with pytest.raises(botocore.exceptions.ClientError) as info:
        s3.get_object(Bucket=bucket, Key=f"private/{OTHER}/virtual.txt")
    error = info.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert f'"arn:aws:s3:::{bucket}/private/{OTHER}/virtual.txt"' in error["Message"]
