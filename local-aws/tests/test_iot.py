"""AWS IoT's data plane (local_aws/iot): the presigned WebSocket URL verified before any MQTT byte,
then IoT's authorization of CONNECT / SUBSCRIBE / PUBLISH / delivery for guest and signed-in
identities (IAM role policy, plus the IoT policy attached to an authenticated identity).

URLs are presigned here with botocore (SigV4QueryAuth without the token, the token appended after
signing, as AWS IoT documents), and MQTT is spoken by the Eclipse Paho client over WebSocket: the
library under test is not involved.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import uuid
from datetime import datetime, timezone
from unittest import mock
from urllib.parse import quote, urlsplit

import botocore.auth
import paho.mqtt.client as paho
import pytest
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect as ws_connect

from conftest import boto_client
from identity_helpers import provider, sign_in, unsigned

WAIT = 10


def identity_credentials(state: dict, id_token: str | None = None) -> dict:
    ci = unsigned(state, "cognito-identity")
    logins = {provider(state): id_token} if id_token else {}
    identity_id = ci.get_id(IdentityPoolId=state["identityPoolId"], Logins=logins)["IdentityId"]
    creds = ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    return {"id": identity_id, "key": creds["AccessKeyId"], "secret": creds["SecretKey"], "token": creds["SessionToken"]}


def presign(state: dict, creds: dict, *, expires: int = 60, service: str = "iotdevicegateway", sign_token: bool = False, at: datetime | None = None) -> tuple[str, int]:
    """(path and query, port) of a presigned ``/mqtt`` URL for the IoT endpoint."""
    endpoint = urlsplit(state["iotEndpoint"])
    request = AWSRequest(method="GET", url=f"http://{endpoint.netloc}/mqtt")
    signing = Credentials(creds["key"], creds["secret"], creds["token"] if sign_token else None)
    auth = SigV4QueryAuth(signing, service, state["region"], expires=expires)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=(at or datetime.now(timezone.utc)).replace(tzinfo=None)):
        auth.add_auth(request)
    target = request.url.split(endpoint.netloc, 1)[1]
    if not sign_token:
        target += "&X-Amz-Security-Token=" + quote(creds["token"], safe="")
    return target, endpoint.port


def upgrade_status(state: dict, target: str) -> int:
    """101 if the WebSocket opens, else the refusal's HTTP status."""
    try:
        with ws_connect(f"{state['iotEndpoint']}{target}", subprotocols=["mqtt"], open_timeout=WAIT):
            return 101
    except InvalidStatus as refused:
        return refused.response.status_code


class Mqtt:
    """Paho over WebSocket, with events for what the tests wait on."""

    def __init__(self, state: dict, creds: dict, client_id: str) -> None:
        target, port = presign(state, creds)
        self.client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id, transport="websockets", protocol=paho.MQTTv311)
        self.client.ws_set_options(path=target)
        self.connected, self.closed, self.subscribed = threading.Event(), threading.Event(), threading.Event()
        self.messages: queue.Queue = queue.Queue()
        self.client.on_connect = lambda c, u, f, rc, p: rc == 0 and self.connected.set()
        self.client.on_disconnect = lambda c, u, f, rc, p: self.closed.set()
        self.client.on_subscribe = lambda c, u, mid, rcs, p: self.subscribed.set()
        self.client.on_message = lambda c, u, m: self.messages.put((m.topic, m.payload))
        self.client.connect("127.0.0.1", port, keepalive=30)
        self.client.loop_start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.client.loop_stop()
        self.client.disconnect()

    def message(self, topic: str, timeout: float = WAIT) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            got, payload = self.messages.get(timeout=max(0.01, deadline - time.monotonic()))
            if got == topic:
                return json.loads(payload)


def attach_policy(state: dict, identity_id: str) -> None:
    """What an app's backend does for a signed-in user (the dev key, signed for the service iot)."""
    boto_client(state, "iot").attach_policy(policyName=state["iotPolicyName"], target=identity_id)


@pytest.fixture(scope="module")
def thing(server):
    return server["iotThings"][0]


def test_state_names_the_endpoint_and_the_device(server, thing):
    assert server["iotEndpoint"].startswith("ws://127.0.0.1:")
    assert thing == {
        "name": "demo-thermostat",
        "telemetryTopic": "devices/demo-thermostat/telemetry",
        "commandsTopic": "devices/demo-thermostat/commands",
        "acksTopic": "devices/demo-thermostat/acks",
    }


def test_the_url_is_verified_before_the_websocket_opens(server):
    creds = identity_credentials(server)
    good, _ = presign(server, creds)
    assert upgrade_status(server, good) == 101
    assert upgrade_status(server, "/mqtt") == 403  # unsigned
    assert upgrade_status(server, good.replace("X-Amz-Signature=", "X-Amz-Signature=0")) == 403  # tampered
    assert upgrade_status(server, good.replace("/mqtt?", "/other?")) == 404
    signed_token, _ = presign(server, creds, sign_token=True)  # the token inside the signature: not IoT's way
    assert upgrade_status(server, signed_token) == 403
    wrong_service, _ = presign(server, creds, service="iot")
    assert upgrade_status(server, wrong_service) == 403
    without_token = good.split("&X-Amz-Security-Token=")[0]
    assert upgrade_status(server, without_token) == 403
    old, _ = presign(server, creds, expires=60, at=datetime.now(timezone.utc).replace(microsecond=0) - __import__("datetime").timedelta(seconds=120))
    assert upgrade_status(server, old) == 403  # expired
    other = identity_credentials(server)
    mixed = good.split("&X-Amz-Security-Token=")[0] + "&X-Amz-Security-Token=" + quote(other["token"], safe="")
    assert upgrade_status(server, mixed) == 403  # another credential's token


def test_a_guest_receives_telemetry_and_may_not_publish(server, thing):
    guest = identity_credentials(server)
    with Mqtt(server, guest, guest["id"]) as mqtt:
        assert mqtt.connected.wait(WAIT)
        mqtt.client.subscribe(thing["telemetryTopic"], qos=0)
        reading = mqtt.message(thing["telemetryTopic"])
        assert reading["thing"] == "demo-thermostat" and isinstance(reading["temperature"], float)
        mqtt.client.publish(thing["commandsTopic"], json.dumps({"command": "reboot"}), qos=1)
        assert mqtt.closed.wait(WAIT), "a denied PUBLISH closes the connection"


def test_a_guest_may_not_subscribe_to_acks(server, thing):
    guest = identity_credentials(server)
    with Mqtt(server, guest, guest["id"]) as mqtt:
        assert mqtt.connected.wait(WAIT)
        mqtt.client.subscribe(thing["acksTopic"], qos=1)
        assert mqtt.closed.wait(WAIT)


def test_the_client_id_must_be_the_identity_id(server):
    guest = identity_credentials(server)
    with Mqtt(server, guest, "someone-else") as mqtt:
        assert mqtt.closed.wait(WAIT)
        assert not mqtt.connected.is_set()


def test_a_signed_in_identity_needs_the_attached_iot_policy_too(server, thing):
    tokens = sign_in(server, f"iot-{uuid.uuid4().hex[:8]}@example.com")
    user = identity_credentials(server, tokens["IdToken"])
    with Mqtt(server, user, user["id"]) as mqtt:  # the role allows; no IoT policy attached yet
        assert mqtt.closed.wait(WAIT)
        assert not mqtt.connected.is_set()
    attach_policy(server, user["id"])
    listed = boto_client(server, "iot").list_attached_policies(target=user["id"])["policies"]
    assert [p["policyName"] for p in listed] == [server["iotPolicyName"]]
    with Mqtt(server, user, user["id"]) as mqtt:
        assert mqtt.connected.wait(WAIT)
        mqtt.client.subscribe([(thing["acksTopic"], 1), (f"users/{user['id']}/#", 1)])
        assert mqtt.subscribed.wait(WAIT)
        command = {"command": "set", "target": 22, "nonce": uuid.uuid4().hex}
        mqtt.client.publish(thing["commandsTopic"], json.dumps(command), qos=1)
        ack = mqtt.message(thing["acksTopic"])
        while ack["command"] != command:  # acks of other tests' commands
            ack = mqtt.message(thing["acksTopic"])
        assert ack["status"] == "done"
        mqtt.client.publish(f"users/{user['id']}/notes", json.dumps({"n": 1}), qos=1)
        assert mqtt.message(f"users/{user['id']}/notes") == {"n": 1}
        assert not mqtt.closed.is_set()


def test_another_identitys_topic_is_refused(server):
    tokens = sign_in(server, f"iot-{uuid.uuid4().hex[:8]}@example.com")
    user = identity_credentials(server, tokens["IdToken"])
    other = identity_credentials(server)
    attach_policy(server, user["id"])
    with Mqtt(server, user, user["id"]) as mqtt:
        assert mqtt.connected.wait(WAIT)
        mqtt.client.subscribe(f"users/{other['id']}/#", qos=1)
        assert mqtt.closed.wait(WAIT)


def test_attach_policy_is_for_the_dev_key_and_known_identities(server):
    guest = identity_credentials(server)
    role_iot = boto_client(server, "iot", key={"accessKeyId": guest["key"], "secretAccessKey": guest["secret"], "sessionToken": guest["token"]})
    with pytest.raises(Exception) as denied:
        role_iot.attach_policy(policyName=server["iotPolicyName"], target=guest["id"])
    assert "AccessDenied" in str(denied.value)
    with pytest.raises(Exception) as missing:
        boto_client(server, "iot").attach_policy(policyName="no-such-policy", target=guest["id"])
    assert "ResourceNotFoundException" in str(missing.value)
