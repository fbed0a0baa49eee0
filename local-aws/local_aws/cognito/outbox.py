"""The outbox: every code local-aws "sends" by email or SMS lands here instead.

Read it over HTTP with ``GET /__local/outbox?to=<address or username>`` (JSON list,
newest last) and clear it with ``DELETE /__local/outbox`` (see app.py). This is the one
place where codes are meant to be visible; they are never logged.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone


class Outbox:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[dict] = []

    def deliver(self, *, to: str, username: str, channel: str, purpose: str, code: str, user_pool_id: str) -> dict:
        assert channel in ("EMAIL", "SMS") and purpose in ("SIGN_UP", "FORGOT_PASSWORD", "VERIFY_ATTRIBUTE", "MFA", "OTP")
        now = time.time()
        message = {
            "to": to,
            "username": username,
            "channel": channel,
            "purpose": purpose,
            "code": code,
            "at": datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "userPoolId": user_pool_id,
        }
        with self._lock:
            self._messages.append(message)
        return message

    @staticmethod
    def _matches(message: dict, to: str | None) -> bool:
        if to is None:
            return True
        return message["to"].lower() == to.lower() or message["username"] == to

    def list(self, to: str | None = None) -> list[dict]:
        with self._lock:
            return [dict(m) for m in self._messages if self._matches(m, to)]

    def clear(self, to: str | None = None) -> int:
        with self._lock:
            before = len(self._messages)
            self._messages = [m for m in self._messages if not self._matches(m, to)]
            return before - len(self._messages)
