"""Server side of Cognito's SRP-6a (USER_SRP_AUTH / PASSWORD_VERIFIER).

Cognito uses SRP-6a over the 3072-bit group of RFC 5054 (appendix A; the same prime
as RFC 3526 group 15) with g = 2 and H = SHA-256, in the byte encodings of AWS's own
client (amazon-cognito-identity-js ``AuthenticationHelper``):

* ``pad(n)``: big-endian bytes of ``n`` with a leading 0x00 when the high bit is set
  (Java ``BigInteger.toByteArray()``; "padHex" in AWS's client);
* ``k = H(pad(N) | pad(g))``, ``u = H(pad(A) | pad(B))``;
* ``x = H(pad(salt) | H(poolName | userIdForSrp | ":" | password))`` with poolName the
  part of the user pool id after ``_``; ``v = g^x mod N``;
* server: ``B = k*v + g^b mod N``; ``S = (A * v^u)^b mod N``;
* ``K = HKDF-SHA256(ikm=pad(S), salt=pad(u), info="Caldera Derived Key")[:16]``;
* ``PASSWORD_CLAIM_SIGNATURE = base64(HMAC-SHA256(K, poolName | userIdForSrp |
  base64decode(SECRET_BLOCK) | TIMESTAMP))``.

See https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html
(SRP) and RFC 5054. This module is pure math; no state.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import hashlib
import hmac
import re
import secrets
import time

N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33"
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864"
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(N_HEX, 16)
G = 2
INFO = b"Caldera Derived Key"


def pad(n: int) -> bytes:
    """Cognito's padHex for non-negative integers: minimal big-endian bytes, plus a
    leading 0x00 if the first byte has its high bit set (0 encodes as one 0x00 byte)."""
    if n < 0:
        raise ValueError("pad() is only defined here for non-negative integers")
    raw = n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")
    return b"\x00" + raw if raw[0] & 0x80 else raw


def H(*parts: bytes) -> bytes:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.digest()


def H_int(*parts: bytes) -> int:
    return int.from_bytes(H(*parts), "big")


K_MULTIPLIER = H_int(pad(N), pad(G))


def compute_x(pool_name: str, user_id_for_srp: str, password: str, salt: int) -> int:
    identity = H(f"{pool_name}{user_id_for_srp}:{password}".encode("utf-8"))
    return H_int(pad(salt), identity)


def verifier(pool_name: str, user_id_for_srp: str, password: str, salt: int) -> int:
    return pow(G, compute_x(pool_name, user_id_for_srp, password, salt), N)


def new_salt() -> int:
    """A random 128-bit salt (Cognito sends SALT as hex; clients parse it as an integer)."""
    return int.from_bytes(secrets.token_bytes(16), "big")


def server_ephemeral(v: int) -> tuple[int, int]:
    """(b, B) with B = k*v + g^b mod N, never 0 mod N."""
    while True:
        b = int.from_bytes(secrets.token_bytes(32), "big")
        B = (K_MULTIPLIER * v + pow(G, b, N)) % N
        if B != 0 and b != 0:
            return b, B


def compute_u(A: int, B: int) -> int:
    return H_int(pad(A), pad(B))


def server_secret(A: int, v: int, u: int, b: int) -> int:
    """S = (A * v^u)^b mod N."""
    return pow((A * pow(v, u, N)) % N, b, N)


def hkdf_key(S: int, u: int) -> bytes:
    """HKDF-SHA256 with ikm = pad(S), salt = pad(u), info "Caldera Derived Key", 16 bytes
    (one expand block is enough)."""
    prk = hmac.new(pad(u), pad(S), hashlib.sha256).digest()
    return hmac.new(prk, INFO + b"\x01", hashlib.sha256).digest()[:16]


def claim_signature(key: bytes, pool_name: str, user_id_for_srp: str, secret_block: bytes, timestamp: str) -> bytes:
    message = pool_name.encode("utf-8") + user_id_for_srp.encode("utf-8") + secret_block + timestamp.encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).digest()


def signature_matches(
    *, S: int, u: int, pool_name: str, user_id_for_srp: str, secret_block_b64: str, timestamp: str, claim_b64: str
) -> bool:
    """Checks PASSWORD_CLAIM_SIGNATURE in constant time; False for anything malformed."""
    try:
        secret_block = base64.b64decode(secret_block_b64, validate=True)
        claim = base64.b64decode(claim_b64, validate=True)
    except (binascii.Error, ValueError):
        return False
    expected = claim_signature(hkdf_key(S, u), pool_name, user_id_for_srp, secret_block, timestamp)
    return hmac.compare_digest(expected, claim)


def parse_hex(value: str) -> int | None:
    """SRP_A as sent by clients: hex digits (either case), no prefix; None if it is not that."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-fA-F]{1,2048}", value):
        return None
    return int(value, 16)


# --- TIMESTAMP -----------------------------------------------------------------------
# Clients send e.g. "Tue Feb 1 03:04:05 UTC 2000": English day and month names, the day
# of the month NOT zero-padded (Java's "EEE MMM d HH:mm:ss z yyyy"; AWS's JS client
# builds it by hand the same way). A zero-padded day does not verify against Cognito.

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TIMESTAMP = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"([1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]) UTC ([0-9]{4})"
)


def format_timestamp(epoch: float | None = None) -> str:
    t = time.gmtime(time.time() if epoch is None else epoch)
    return f"{DAYS[t.tm_wday]} {MONTHS[t.tm_mon - 1]} {t.tm_mday} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} UTC {t.tm_year}"


def parse_timestamp(value: str) -> float | None:
    """Epoch seconds of a well-formed TIMESTAMP (weekday must match the date), else None."""
    match = _TIMESTAMP.fullmatch(value or "")
    if not match:
        return None
    day_name, month_name, day, hour, minute, second, year = match.groups()
    try:
        epoch = calendar.timegm((int(year), MONTHS.index(month_name) + 1, int(day), int(hour), int(minute), int(second), 0, 0, 0))
    except (ValueError, OverflowError):
        return None
    t = time.gmtime(epoch)
    if t.tm_mday != int(day) or DAYS[t.tm_wday] != day_name:  # e.g. "Feb 30", or the wrong weekday
        return None
    return float(epoch)
