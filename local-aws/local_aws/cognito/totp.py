"""RFC 6238 TOTP as Cognito's software-token MFA uses it: HMAC-SHA1, 6 digits, 30-second
steps, and a 160-bit secret handed out as 32 base32 characters without padding.
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import struct
import time

STEP = 30
DIGITS = 6


def new_secret() -> str:
    """20 random bytes -> 32 base32 characters (no '=' padding needed: 160 bits = 32 * 5)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def code_at(secret_b32: str, counter: int) -> str:
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10 ** DIGITS:0{DIGITS}d}"


def verify(secret_b32: str, code: str, *, now: float | None = None, window: int = 1) -> int | None:
    """The matching time-step counter (current step +-window), or None. Callers refuse a
    counter they have already accepted once (no replay within the window)."""
    if not isinstance(code, str) or not re.fullmatch(r"[0-9]{6}", code):
        return None
    counter = int((time.time() if now is None else now) // STEP)
    for candidate in range(counter - window, counter + window + 1):
        if hmac.compare_digest(code_at(secret_b32, candidate), code):
            return candidate
    return None
