"""A simulated device, connected to the broker directly (as a device with its own certificate would
be, not through the page-facing front) with the Eclipse Paho MQTT client:

* publishes telemetry to ``devices/<thing>/telemetry`` every ``telemetrySeconds``:
  ``{"thing", "seq", "temperature", "at"}`` (QoS 0);
* subscribes to ``devices/<thing>/commands``; each command (JSON, or any text) is acknowledged on
  ``devices/<thing>/acks`` with ``{"thing", "command": <the JSON or text received>, "status": "done", "at"}`` (QoS 1).
"""

from __future__ import annotations

import json
import math
import threading
from datetime import datetime, timezone

import paho.mqtt.client as paho


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class SimulatedDevice:
    def __init__(self, thing: str, broker_port: int, telemetry_seconds: float = 2.0) -> None:
        self.thing = thing
        self.telemetry_topic = f"devices/{thing}/telemetry"
        self.commands_topic = f"devices/{thing}/commands"
        self.acks_topic = f"devices/{thing}/acks"
        self.seconds = telemetry_seconds
        self._stop = threading.Event()
        self._client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"local-aws-device-{thing}")
        self._client.on_connect = self._on_connect
        self._client.on_message = self._on_message
        self._port = broker_port
        self._thread = threading.Thread(target=self._publish_loop, name=f"device-{thing}", daemon=True)

    def start(self) -> None:
        self._client.connect("127.0.0.1", self._port, keepalive=30)
        self._client.loop_start()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._client.disconnect()
        self._client.loop_stop()

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        client.subscribe(self.commands_topic, qos=1)  # again after a reconnection

    def _on_message(self, client, userdata, message) -> None:
        text = message.payload.decode("utf-8", "replace")
        try:
            command = json.loads(text)
        except ValueError:
            command = text
        ack = {"thing": self.thing, "command": command, "status": "done", "at": _now()}
        client.publish(self.acks_topic, json.dumps(ack), qos=1)

    def _publish_loop(self) -> None:
        seq = 0
        while not self._stop.wait(self.seconds):
            seq += 1
            reading = {"thing": self.thing, "seq": seq, "temperature": round(21.5 + 2 * math.sin(seq / 5), 2), "at": _now()}
            self._client.publish(self.telemetry_topic, json.dumps(reading), qos=0)
