"""IoT's data plane on its own 127.0.0.1 port (``iotEndpoint`` in the state file, ``ws://``): a
WebSocket endpoint at ``/mqtt`` (subprotocol ``mqtt``) in front of the broker.

* The upgrade request is verified before the WebSocket opens (auth.py): a missing, tampered or
  expired signature, an unknown or expired key or a wrong session token is answered ``403`` and no
  MQTT byte is read. (AWS documents no status or body for a refused upgrade; clients report 403.
  A browser sees only a failed WebSocket either way.) Another path is ``404``.
* Then every packet the client sends is authorized before it is forwarded to the broker, and every
  PUBLISH the broker delivers before it is passed on (auth.py, mqtt.py). A denied CONNECT,
  SUBSCRIBE or PUBLISH closes the connection, as AWS IoT does (its lifecycle events report such a
  disconnection with ``disconnectReason`` ``AUTHORIZATION_ERROR``,
  https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html); a delivery the
  identity may not receive (``iot:Receive``) is dropped (the front acknowledges it to the broker).
* Also closed, as AWS IoT has no QoS 2 ("AWS IoT differences from MQTT specifications",
  https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html): a PUBLISH with QoS 2; and a
  first packet that is not CONNECT, a second CONNECT, or malformed framing (MQTT 3.1.1 §3.1).
* Only MQTT 3.1.1 (protocol level 4) is read here; an MQTT 5 CONNECT is refused (closed).
* Temporary credentials that expire while connected do not end the connection (AWS IoT keeps a
  WebSocket connection up to 24 hours); a reconnection needs a newly signed URL.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from http import HTTPStatus
from urllib.parse import urlsplit

from websockets.asyncio.server import ServerConnection, serve

from ..credentials import Credential
from ..errors import AuthError
from ..sigv4 import Verifier
from . import mqtt
from .auth import IotAuthorizer, verify_url

log = logging.getLogger("local_aws.iot")
LOOPBACK = "127.0.0.1"


class Session:
    """One client's connection: what it may send and receive."""

    def __init__(self, authz: IotAuthorizer, credential: Credential) -> None:
        self.authz = authz
        self.credential = credential
        self.client_id: str | None = None

    def _allowed(self, action: str, kind: str, name: str) -> bool:
        ok = self.authz.allowed(self.credential, action, self.authz.resource(kind, name), self.client_id or "")
        if not ok:
            log.info("iot: %s on %s/%s denied", action, kind, name)
        return ok

    def inbound(self, packet: mqtt.Packet) -> bool:
        """Whether the client's packet may go to the broker (False: close the connection)."""
        if self.client_id is None:
            if packet.type != mqtt.CONNECT:
                return False
            connect = mqtt.connect(packet)
            if connect.protocol != "MQTT" or connect.level != 4:
                return False
            self.client_id = connect.client_id
            return self._allowed("iot:Connect", "client", connect.client_id)
        if packet.type == mqtt.CONNECT:
            return False
        if packet.type == mqtt.PUBLISH:
            message = mqtt.publish(packet)
            if message.qos > 1:
                return False
            if not self._allowed("iot:Publish", "topic", message.topic):
                return False
            return not message.retain or self._allowed("iot:RetainPublish", "topic", message.topic)
        if packet.type == mqtt.SUBSCRIBE:
            return all(self._allowed("iot:Subscribe", "topicfilter", topic_filter) for topic_filter, _ in mqtt.subscribe(packet))
        return True

    def may_receive(self, message: mqtt.Publish) -> bool:
        return self._allowed("iot:Receive", "topic", message.topic)


class IotListener:
    def __init__(self, verifier: Verifier, authz: IotAuthorizer, broker_port: int) -> None:
        self.verifier = verifier
        self.authz = authz
        self.broker_port = broker_port
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stopped: asyncio.Future | None = None
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="local-aws-iot", daemon=True)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> None:
        self._thread.start()
        if not self._ready.wait(timeout) or self._failure is not None:
            raise RuntimeError(f"the IoT listener did not start: {self._failure}")

    def stop(self) -> None:
        if self._stopped is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(lambda: self._stopped.done() or self._stopped.set_result(None))
            self._thread.join(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        except BaseException as failure:  # reported by start()
            self._failure = failure
            self._ready.set()
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        self._stopped = self._loop.create_future()
        async with serve(
            self._connection, LOOPBACK, 0, process_request=self._check, subprotocols=["mqtt"], max_size=mqtt.MAX_PACKET, compression=None
        ) as server:
            self.port = server.sockets[0].getsockname()[1]
            self._ready.set()
            await self._stopped

    # -- the upgrade -------------------------------------------------------------------------

    def _check(self, connection: ServerConnection, request):
        target = urlsplit(request.path)
        if target.path != "/mqtt":
            return connection.respond(HTTPStatus.NOT_FOUND, "Not Found\n")
        try:
            credential = verify_url(self.verifier, target.path, target.query, request.headers.get("Host", ""))
        except AuthError as failure:
            log.info("iot: upgrade refused: %s", failure.coral.code)
            return connection.respond(HTTPStatus.FORBIDDEN, f"{failure.coral.code}: {failure.coral.message}\n")
        connection.iot_credential = credential  # the handler's, once the upgrade completes
        return None

    # -- the connection ------------------------------------------------------------------------

    async def _connection(self, ws: ServerConnection) -> None:
        credential = getattr(ws, "iot_credential", None)
        if credential is None:  # cannot happen: _check ran and accepted
            return
        session = Session(self.authz, credential)
        try:
            reader, writer = await asyncio.open_connection(LOOPBACK, self.broker_port)
        except OSError:
            await ws.close(1011, "broker unavailable")
            return
        tasks = [asyncio.ensure_future(self._upstream(ws, writer, session)), asyncio.ensure_future(self._downstream(ws, reader, writer, session))]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            writer.close()
            await ws.close()

    async def _upstream(self, ws: ServerConnection, writer: asyncio.StreamWriter, session: Session) -> None:
        """Client to broker: whole packets, each authorized; the first refusal ends the connection."""
        packets = mqtt.PacketReader()
        try:
            async for message in ws:
                if isinstance(message, str):  # MQTT travels in binary frames
                    return
                for packet in packets.feed(message):
                    if not session.inbound(packet):
                        return
                    writer.write(packet.raw)
                await writer.drain()
        except (mqtt.Malformed, ConnectionError):
            return

    async def _downstream(self, ws: ServerConnection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, session: Session) -> None:
        """Broker to client: deliveries the identity may not receive are dropped (and acknowledged)."""
        packets = mqtt.PacketReader()
        try:
            while data := await reader.read(65536):
                out = []
                for packet in packets.feed(data):
                    if packet.type == mqtt.PUBLISH:
                        message = mqtt.publish(packet)
                        if not session.may_receive(message):
                            if message.qos == 1 and message.packet_id is not None:
                                writer.write(mqtt.puback(message.packet_id))
                            continue
                    out.append(packet.raw)
                if out:
                    await ws.send(b"".join(out))
        except (mqtt.Malformed, ConnectionError):
            return
