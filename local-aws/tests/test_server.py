"""The command line, the state file and /__local/state."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from conftest import LOCAL_AWS, send

STATE_KEYS = {
    "endpoint",
    "region",
    "credentials",
    "userPoolId",
    "clientId",
    "identityPoolId",
    "bucket",
    "table",
    "tableKey",
}


def test_state_file_format(server):
    state = json.loads(server["_state_path"].read_text())
    assert STATE_KEYS <= set(state)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", state["endpoint"])
    assert state["region"] == "us-east-1"
    key = state["credentials"]
    assert re.fullmatch(r"AKIA[A-Z0-9]{16}", key["accessKeyId"])
    assert len(key["secretAccessKey"]) == 40
    assert set(key) == {"accessKeyId", "secretAccessKey"}
    assert state["userPoolId"].startswith("us-east-1_")
    assert state["identityPoolId"].startswith("us-east-1:")
    assert state["tableKey"] == {"partitionKey": "pk", "sortKey": "sk"}


def test_state_endpoint_matches_file_and_has_cors(server):
    resp = send(server, "GET", "/__local/state", {"Origin": "http://127.0.0.1:9999"})
    assert resp.status == 200
    assert resp.json() == json.loads(server["_state_path"].read_text())
    assert resp.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:9999"


def test_help():
    result = subprocess.run([sys.executable, str(LOCAL_AWS / "server.py"), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for flag in ("--host", "--port", "--config", "--state", "--verbose"):
        assert flag in result.stdout


def test_refuses_other_hosts():
    result = subprocess.run(
        [sys.executable, str(LOCAL_AWS / "server.py"), "--host", "0.0.0.0", "--port", "0"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "127.0.0.1" in result.stderr
    assert result.stdout == ""
