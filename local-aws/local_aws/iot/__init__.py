"""AWS IoT Core's data plane for pages: MQTT over WebSocket, presigned with identity-pool credentials.

* ``broker.Mosquitto``: the real MQTT broker (Debian's mosquitto) on a private loopback port;
* ``listener.IotListener``: the page-facing WebSocket endpoint (``iotEndpoint``): SigV4 URL
  verification, then per-packet authorization (``auth.py``, ``mqtt.py``) in front of the broker;
* ``device.SimulatedDevice``: a seeded device publishing telemetry and answering commands;
* ``auth.control``: AttachPolicy / DetachPolicy / ListAttachedPolicies for Cognito identity ids
  on the main port (requests signed for the service ``iot``; other IoT operations go to moto).

``config.json``'s ``iot``: ``{"policy": {"name", "document"}, "things": [{"name", "telemetrySeconds"}]}``.
"""

from __future__ import annotations

from ..authorize import Authorizer
from ..sigv4 import Verifier
from .auth import IotAuthorizer, IotPolicies, control
from .broker import Mosquitto
from .device import SimulatedDevice
from .listener import IotListener

__all__ = ["IotCore"]


class IotCore:
    def __init__(self, config: dict, verifier: Verifier, authorizer: Authorizer, identity) -> None:
        self.config = config.get("iot") or {}
        self.identity = identity  # identity.IdentityLayer: which ids exist, which roles are guests'
        self.policies = IotPolicies(authorizer.region, authorizer.account)
        self.authz = IotAuthorizer(authorizer, self.policies, self._guest_roles)
        self.verifier = verifier
        self.broker = Mosquitto()
        self.listener: IotListener | None = None
        self.devices: list[SimulatedDevice] = []

    @property
    def enabled(self) -> bool:
        return bool(self.config)

    def _guest_roles(self) -> set[str]:
        return {roles.get("unauthenticated") for roles in self.identity.pools.roles.values()} - {None}

    def identity_exists(self, identity_id: str) -> bool:
        return identity_id in self.identity.pools.identities

    def control(self, method: str, path: str, body: bytes) -> dict | None:
        return control(self.policies, self.identity_exists, method, path, body)

    def start(self) -> str:
        """Starts the broker and the WebSocket listener; returns ``iotEndpoint``."""
        self.broker.start()
        self.listener = IotListener(self.verifier, self.authz, self.broker.port)
        self.listener.start()
        return f"ws://127.0.0.1:{self.listener.port}"

    def start_devices(self) -> list[dict]:
        for thing in self.config.get("things", []):
            device = SimulatedDevice(thing["name"], self.broker.port, float(thing.get("telemetrySeconds", 2)))
            device.start()
            self.devices.append(device)
        return [
            {"name": d.thing, "telemetryTopic": d.telemetry_topic, "commandsTopic": d.commands_topic, "acksTopic": d.acks_topic}
            for d in self.devices
        ]

    def stop(self) -> None:
        for device in self.devices:
            device.stop()
        if self.listener is not None:
            self.listener.stop()
        self.broker.stop()
