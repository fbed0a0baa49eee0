"""The MQTT broker behind IoT's front: Debian's Mosquitto (installed by scripts/setup.sh), started
on a free 127.0.0.1 port with its own throw-away configuration and stopped with local-aws.
Only the front (listener.py) and the simulated device connect to it; it never faces a page."""

from __future__ import annotations

import ctypes
import getpass
import signal
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

LOOPBACK = "127.0.0.1"


def _die_with_parent() -> None:
    """Runs in the child before exec: Linux sends it SIGTERM when local-aws dies, even by SIGKILL."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


class Mosquitto:
    def __init__(self) -> None:
        self.port = 0
        self._process: subprocess.Popen | None = None
        self._dir: tempfile.TemporaryDirectory | None = None

    def start(self, timeout: float = 10.0) -> None:
        binary = shutil.which("mosquitto") or next((p for p in ("/usr/sbin/mosquitto",) if Path(p).exists()), None)
        if binary is None:
            raise RuntimeError("mosquitto is not installed (scripts/setup.sh installs Debian's mosquitto)")
        self._dir = tempfile.TemporaryDirectory(prefix="local-aws-mosquitto-")
        self.port = _free_port()
        config = Path(self._dir.name) / "mosquitto.conf"
        # Anonymous: the front has authenticated and authorizes every packet; the broker is on loopback only.
        config.write_text(
            f"listener {self.port} {LOOPBACK}\nallow_anonymous true\npersistence false\n"
            "log_dest stderr\nlog_type error\nlog_type warning\n"
            # Stay the user local-aws runs as: a change of user (mosquitto drops root to "mosquitto") would
            # clear the parent-death signal that stops it with local-aws.
            f"user {getpass.getuser()}\n"
        )
        self._process = subprocess.Popen(
            [binary, "-c", str(config)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, preexec_fn=_die_with_parent
        )
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"mosquitto exited at start-up (code {self._process.returncode})")
            try:
                with socket.create_connection((LOOPBACK, self.port), timeout=0.5):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"mosquitto did not listen on {LOOPBACK}:{self.port} within {timeout} s") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None
