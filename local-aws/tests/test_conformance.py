"""The verifier against published SigV4 answers (shared/conformance/sigv4), without a server.

* AWS's SigV4 test suite: our canonical request and signature must equal the suite's
  for each signed request, and the full verification must accept it at its timestamp.
  ``"normalize": false`` cases use the S3 path rule, the others the rule of every
  other service.
* The S3 API Reference examples and the browser cases (S3 keys with special
  characters, ``//`` and dot segments, presigned PUT with a session token, DynamoDB
  with a session token) must verify; a one-character change of the signature must not.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from conftest import LOCAL_AWS
from local_aws.credentials import Credential, CredentialStore
from local_aws.errors import AuthError
from local_aws.sigv4 import IncomingRequest, Verifier, compute_signature


def _conformance_dir() -> Path | None:
    candidates = [
        os.environ.get("LOCAL_AWS_CONFORMANCE"),
        LOCAL_AWS.parent.parent / "shared" / "conformance",  # CI: shared/ beside the checkout
        "/work/shared/conformance",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "sigv4").is_dir():
            return Path(candidate)
    return None


CONFORMANCE = _conformance_dir()
pytestmark = pytest.mark.skipif(CONFORMANCE is None, reason="shared/conformance not found")
SUITE = CONFORMANCE / "sigv4" / "aws-signing-test-suite-v4" if CONFORMANCE else Path("/nonexistent")
SUITE_CASES = sorted(p.name for p in SUITE.iterdir() if p.is_dir()) if SUITE.is_dir() else []


def _parse_http(text: str) -> IncomingRequest:
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    method, *target = lines[0].split(" ")
    if target and target[-1].startswith("HTTP/"):
        target = target[:-1]
    target = " ".join(target)
    headers: dict[str, str] = {}
    last = None
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and last:  # obsolete line folding
            headers[last] += " " + line.strip()
            continue
        name, _, value = line.partition(":")
        last = name.lower()
        headers[last] = f"{headers[last]},{value}" if last in headers else value
    path, _, query = target.partition("?")
    return IncomingRequest(method, path, query, headers, body.encode())


def _read(case: Path, name: str) -> str | None:
    path = case / name
    return path.read_text() if path.exists() else None


@pytest.mark.parametrize("case_name", SUITE_CASES)
@pytest.mark.parametrize("where", ["header", "query"])
def test_aws_signing_test_suite(case_name: str, where: str):
    case = SUITE / case_name
    signed = _read(case, f"{where}-signed-request.txt")
    if signed is None:
        pytest.skip(f"{case_name} has no {where} form")
    # The two migrated old-format cases have no context.json (and only their canonical URI
    # is consistent with the signed request): they show the non-S3 double encoding.
    context = json.loads(_read(case, "context.json") or "null") or {
        "credentials": {"access_key_id": "AKIDEXAMPLE", "secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
        "normalize": True,
        "uri_only": True,
    }
    if where == "query" and context.get("omit_session_token"):
        # The client appends X-Amz-Security-Token after signing (an IoT convention); a
        # server, like AWS, signs every query parameter it receives.
        pytest.skip("token added to the query after signing")
    credentials = context["credentials"]
    store = CredentialStore(
        [Credential(credentials["access_key_id"], credentials["secret_access_key"], credentials.get("token"))]
    )
    request = _parse_http(signed)
    parts = Verifier(store, "us-east-1").parse(request)
    s3_rules = not context["normalize"]

    computed = compute_signature(
        request, parts, credentials["secret_access_key"], s3_rules=s3_rules, payload_hash=hashlib.sha256(request.body).hexdigest()
    )
    expected_canonical = _read(case, f"{where}-canonical-request.txt")
    if context.get("uri_only"):
        assert computed.canonical_request.split("\n")[1] == expected_canonical.split("\n")[1]
        return
    assert computed.canonical_request == expected_canonical
    expected_signature = _read(case, f"{where}-signature.txt")
    if expected_signature is not None:
        assert computed.signature == expected_signature.strip()

    if "timestamp" in context and not s3_rules:
        moment = datetime.fromisoformat(context["timestamp"].replace("Z", "+00:00"))
        Verifier(store, context["region"], clock=lambda: moment).verify(request, context["service"])


# ----------------------------------------------------------------------------------------

S3_DDB = json.loads((CONFORMANCE / "sigv4" / "s3-and-dynamodb-cases.json").read_text())["cases"] if CONFORMANCE else []


def _case_request(case: dict, path_override: str | None = None) -> IncomingRequest:
    url = urlsplit(case.get("presigned_url") or case["url"])
    headers = {name.lower(): value for name, value in case["headers"].items()}
    headers["host"] = url.netloc
    if "authorization" in case:
        headers["x-amz-date"] = case["timestamp"]
        headers["authorization"] = case["authorization"]
        if case.get("session_token"):
            headers["x-amz-security-token"] = case["session_token"]
    return IncomingRequest(case["method"], path_override or url.path, url.query, headers, case.get("body", "").encode())


def _verifier(case: dict) -> Verifier:
    store = CredentialStore([Credential(case["access_key_id"], case["secret_access_key"], case.get("session_token"))])
    moment = datetime.strptime(case["timestamp"], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    return Verifier(store, case["region"], clock=lambda: moment)


@pytest.mark.parametrize("case", S3_DDB, ids=[c["name"] for c in S3_DDB])
def test_s3_and_dynamodb_cases_verify(case: dict):
    request = _case_request(case)
    _verifier(case).verify(request, case["service"])

    tampered = _case_request(case)
    signature = case["expected_signature"]
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    if "authorization" in case:
        tampered.headers["authorization"] = case["authorization"].replace(signature, flipped)
    else:
        tampered.raw_query = tampered.raw_query.replace(signature, flipped)
    with pytest.raises(AuthError) as caught:
        _verifier(case).verify(tampered, case["service"])
    assert caught.value.s3.code == "SignatureDoesNotMatch"
    assert caught.value.coral.code == "InvalidSignatureException"


@pytest.mark.parametrize("case", [c for c in S3_DDB if c.get("raw_key")], ids=lambda c: c["name"])
def test_s3_key_sent_with_fewer_escapes_still_verifies(case: dict):
    # A browser may leave !'()*+ unescaped on the wire; S3 re-encodes before comparing.
    request = _case_request(case, path_override="/" + quote(case["raw_key"], safe="/!'()*+~"))
    assert request.raw_path != urlsplit(case.get("presigned_url") or case["url"]).path or "!" not in case["raw_key"]
    _verifier(case).verify(request, "s3")
