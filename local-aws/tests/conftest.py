"""Starts local-aws servers (one for the session, one per Cognito test module) and offers
small request helpers.

The server runs as the real command (``server.py --port 0 --state <tmp>``) with a
config that adds two temporary (ASIA...) credentials, one valid and one expired, to
exercise the session-token checks.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

LOCAL_AWS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(LOCAL_AWS))

TEMP_KEY = {
    "accessKeyId": "ASIALOCALTEMP0000001",
    "secretAccessKey": "TempSecretKeyForTests/0000000000000000001",
    "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLE/local+session+token==",
}
EXPIRED_KEY = {
    "accessKeyId": "ASIALOCALEXPIRED0001",
    "secretAccessKey": "ExpiredSecretKeyForTests/000000000000001",
    "sessionToken": "expired-session-token",
    "expiration": "2020-01-01T00:00:00Z",
}


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """Runs server.py; yields its state dict (plus "_config"). Asserts a clean exit on SIGTERM."""
    config = json.loads((LOCAL_AWS / "config.json").read_text())
    temp = dict(TEMP_KEY, expiration=time.time() + 3600)
    config["extraCredentials"] = [temp, EXPIRED_KEY]
    yield from run_server(tmp_path_factory.mktemp("local-aws"), config)


@pytest.fixture(scope="module")
def cognito_server(request, tmp_path_factory):
    """A server of its own for a test module, with the module's ``COGNITO_SETTINGS``
    merged into config.json's "cognito" section (e.g. short code lifetimes)."""
    config = json.loads((LOCAL_AWS / "config.json").read_text())
    for key, value in getattr(request.module, "COGNITO_SETTINGS", {}).items():
        if isinstance(value, dict):
            config["cognito"].setdefault(key, {}).update(value)
        else:
            config["cognito"][key] = value
    yield from run_server(tmp_path_factory.mktemp("local-aws-cognito"), config)


def run_server(tmp: Path, config: dict):
    """Starts server.py with ``config``; yields the state dict (plus "_config", "_state_path")."""
    config_path = tmp / "config.json"
    config_path.write_text(json.dumps(config))
    state_path = tmp / "state.json"

    proc = subprocess.Popen(
        [sys.executable, str(LOCAL_AWS / "server.py"), "--port", "0", "--config", str(config_path), "--state", str(state_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = _read_line(proc, timeout=90)
        assert line.startswith("local-aws ready on http://127.0.0.1:"), (line, proc.stderr.read() if proc.poll() is not None else "")
        state = json.loads(state_path.read_text())
        assert state["endpoint"] == line.split(" on ", 1)[1].strip()
        state["_config"] = config
        state["_state_path"] = state_path
        yield state
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert code == 0, proc.stderr.read()
    assert not state_path.exists(), "state file should be removed on a clean shutdown"


def _read_line(proc: subprocess.Popen, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.5)
        if ready:
            return proc.stdout.readline()
        if proc.poll() is not None:
            return ""
    return ""


# ------------------------------------------------------------------------------------
# helpers


def boto_client(state: dict, service: str, *, key: dict | None = None, region: str | None = None, **config):
    key = key or state["credentials"]
    return boto3.session.Session(
        aws_access_key_id=key["accessKeyId"],
        aws_secret_access_key=key["secretAccessKey"],
        aws_session_token=key.get("sessionToken"),
        region_name=region or state["region"],
    ).client(
        service,
        endpoint_url=state["endpoint"],
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4" if service == "s3" else None, retries={"max_attempts": 1}, **config),
    )


def frozen_clock(moment: dt.datetime):
    """Makes botocore sign as if it were ``moment`` (in this test process only)."""
    return mock.patch("botocore.auth.get_current_datetime", return_value=moment.replace(tzinfo=None))


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Response:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> dict:
        return json.loads(self.body)

    def text(self) -> str:
        return self.body.decode()

    def __repr__(self) -> str:
        return f"<Response {self.status} {self.body[:400]!r}>"


def send(state: dict, method: str, path: str, headers: dict | None = None, body: bytes = b"") -> Response:
    """Sends exactly this request (path as given, not re-encoded) with http.client."""
    endpoint = urlsplit(state["endpoint"])
    conn = http.client.HTTPConnection(endpoint.hostname, endpoint.port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        headers = dict(headers or {})
        headers.setdefault("Host", endpoint.netloc)
        for name, value in headers.items():
            conn.putheader(name, value)
        if body or method in ("PUT", "POST"):
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body or None)
        resp = conn.getresponse()
        return Response(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


def signed_headers(
    state: dict,
    service: str,
    method: str,
    path: str,
    *,
    headers: dict | None = None,
    body: bytes = b"",
    key: dict | None = None,
    secret: str | None = None,
    region: str | None = None,
    scope_service: str | None = None,
    when: dt.datetime | None = None,
    unsigned_payload: bool = False,
) -> dict:
    """Headers botocore would send for this request (S3 rules for service "s3"), signed at ``when``."""
    key = key or state["credentials"]
    endpoint = urlsplit(state["endpoint"])
    request = AWSRequest(method=method, url=f"{state['endpoint']}{path}", headers=dict(headers or {}), data=body)
    request.headers["Host"] = endpoint.netloc
    if unsigned_payload:  # what S3SigV4Auth does when payload signing is switched off
        request.context["client_config"] = Config(s3={"payload_signing_enabled": False})
    credentials = Credentials(key["accessKeyId"], secret or key["secretAccessKey"], key.get("sessionToken"))
    signer_class = S3SigV4Auth if service == "s3" else SigV4Auth
    signer = signer_class(credentials, scope_service or service, region or state["region"])
    with frozen_clock(when or utcnow()):
        signer.add_auth(request)
    return dict(request.headers.items())


def dynamodb_headers(operation: str) -> dict:
    return {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"DynamoDB_20120810.{operation}"}


def s3_error(resp: Response) -> dict:
    """``{"Code": ..., "Message": ..., <other elements>}`` from an S3 XML error body."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(resp.body)
    assert root.tag == "Error", resp
    return {child.tag: child.text or "" for child in root}
