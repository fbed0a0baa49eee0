"""Starts and stops the upstream OpenID provider (``local-aws/idp/server.mjs``, npm ``oidc-provider``)
that the user pools federate to. server.py owns the process: it is started before seeding and
stopped on exit; if local-aws dies, the provider sees its stdin close and exits too.
"""

from __future__ import annotations

import json
import select
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

SERVER = Path(__file__).resolve().parent.parent / "idp" / "server.mjs"
READY = "idp ready on "
# oidc-provider's notice that its in-memory store is for development: exactly what this is.
_QUIET = ("oidc-provider WARNING: a quick start development-only in-memory adapter is used",)


class IdpProcess:
    def __init__(self, clients: list[dict], users: list[dict]) -> None:
        self._config = {"clients": clients, "users": users}
        self._proc: subprocess.Popen | None = None
        self.issuer = ""

    def start(self, timeout: float = 30) -> str:
        """Runs the provider on a free 127.0.0.1 port; returns its issuer (``http://localhost:PORT``)."""
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is not on PATH: the local OpenID provider (local-aws/idp/server.mjs) needs it")
        self._proc = subprocess.Popen(
            [node, str(SERVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=str(SERVER.parent),
        )
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(json.dumps(self._config) + "\n")
        self._proc.stdin.flush()
        threading.Thread(target=self._forward_stderr, name="idp-stderr", daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self._proc.stdout], [], [], 0.2)
            if ready:
                line = self._proc.stdout.readline()
                if line.startswith(READY):
                    self.issuer = line[len(READY):].strip()
                    return self.issuer
                if not line:
                    break
            if self._proc.poll() is not None:
                break
        self.stop()
        raise RuntimeError("the local OpenID provider (local-aws/idp/server.mjs) did not start; see stderr above")

    def _forward_stderr(self) -> None:
        proc = self._proc
        if proc is None or proc.stderr is None:
            return
        for line in proc.stderr:
            if not line.startswith(_QUIET):
                sys.stderr.write(f"[idp] {line}")

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
        except OSError:
            pass
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
