"""CORS for pages served from another 127.0.0.1 port.

We answer every preflight ourselves (moto's own CORS refuses some, e.g. a preflight
for an existing private S3 object, and exposes no headers) and decorate every other
response, replacing whatever CORS headers moto added.
"""

from __future__ import annotations

ALLOW_METHODS = "GET, PUT, POST, DELETE, HEAD"
EXPOSE_HEADERS = (
    "ETag, x-amz-request-id, x-amzn-RequestId, x-amzn-ErrorType, Date, "
    "x-amz-version-id, Content-Range, Content-Length, Content-Type, Last-Modified, x-amz-id-2"
)
MAX_AGE = "600"


def preflight_headers(environ: dict) -> list[tuple[str, str]]:
    """Headers for our 200 answer to an OPTIONS preflight (no signature required)."""
    headers = [
        ("Access-Control-Allow-Origin", environ.get("HTTP_ORIGIN") or "*"),
        ("Vary", "Origin"),
        ("Access-Control-Allow-Methods", ALLOW_METHODS),
        ("Access-Control-Max-Age", MAX_AGE),
    ]
    requested = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")
    if requested:
        headers.append(("Access-Control-Allow-Headers", requested))
    if environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK", "").lower() == "true":
        headers.append(("Access-Control-Allow-Private-Network", "true"))
    return headers


def response_headers(environ: dict) -> list[tuple[str, str]]:
    """CORS headers added to every non-preflight response."""
    origin = environ.get("HTTP_ORIGIN")
    headers = [
        ("Access-Control-Allow-Origin", origin or "*"),
        ("Access-Control-Expose-Headers", EXPOSE_HEADERS),
    ]
    if origin:
        headers.append(("Vary", "Origin"))
    return headers


def strip_cors(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drops CORS headers (and a bare ``Vary: Origin``) that another layer added."""
    return [
        (name, value)
        for name, value in headers
        if not name.lower().startswith("access-control-")
        and not (name.lower() == "vary" and value.strip().lower() == "origin")
    ]
