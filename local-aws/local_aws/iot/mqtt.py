"""MQTT 3.1.1 packet framing, read (not spoken) by the IoT front: enough to authorize what a client
sends (CONNECT, SUBSCRIBE, PUBLISH) and what the broker delivers (PUBLISH). The broker behind the
front (Mosquitto) speaks MQTT; nothing here answers a client but the PUBACK the front owes the
broker for a message it did not deliver.

Packet layout after the OASIS MQTT Version 3.1.1 standard, section 2 (fixed header: type and flags,
then the remaining length as 1 to 4 base-128 bytes) and section 3 (CONNECT, PUBLISH, SUBSCRIBE).
"""

from __future__ import annotations

from dataclasses import dataclass

CONNECT, CONNACK, PUBLISH, PUBACK, SUBSCRIBE, UNSUBSCRIBE, DISCONNECT = 1, 2, 3, 4, 8, 10, 14
MAX_PACKET = 128 * 1024  # AWS IoT's message size limit (payload) with room for headers


class Malformed(ValueError):
    """Not MQTT 3.1.1 as the standard frames it: the front closes the connection."""


@dataclass(frozen=True)
class Packet:
    type: int
    flags: int
    body: bytes
    raw: bytes  # the whole packet as it arrived, forwarded unchanged


class PacketReader:
    """Splits a byte stream into whole packets (a WebSocket message may hold part of one, or several)."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Packet]:
        self._buffer += data
        packets = []
        while True:
            packet = self._next()
            if packet is None:
                return packets
            packets.append(packet)

    def _next(self) -> Packet | None:
        buf = self._buffer
        if len(buf) < 2:
            return None
        length, multiplier, index = 0, 1, 1
        while True:
            if index >= len(buf):
                return None
            byte = buf[index]
            length += (byte & 0x7F) * multiplier
            index += 1
            if not byte & 0x80:
                break
            multiplier *= 128
            if index > 4:
                raise Malformed("remaining length longer than 4 bytes")
        if length > MAX_PACKET:
            raise Malformed("packet too large")
        if len(buf) < index + length:
            return None
        raw = bytes(buf[: index + length])
        del buf[: index + length]
        return Packet(raw[0] >> 4, raw[0] & 0x0F, raw[index:], raw)


def _string(body: bytes, at: int) -> tuple[str, int]:
    if at + 2 > len(body):
        raise Malformed("truncated string")
    length = int.from_bytes(body[at : at + 2], "big")
    end = at + 2 + length
    if end > len(body):
        raise Malformed("truncated string")
    try:
        return body[at + 2 : end].decode("utf-8"), end
    except UnicodeDecodeError:
        raise Malformed("string is not UTF-8") from None


@dataclass(frozen=True)
class Connect:
    protocol: str
    level: int
    client_id: str


def connect(packet: Packet) -> Connect:
    protocol, at = _string(packet.body, 0)
    if at + 4 > len(packet.body):
        raise Malformed("truncated CONNECT")
    level = packet.body[at]
    client_id, _ = _string(packet.body, at + 4)  # after level, connect flags and keep-alive
    return Connect(protocol, level, client_id)


@dataclass(frozen=True)
class Publish:
    topic: str
    qos: int
    retain: bool
    packet_id: int | None


def publish(packet: Packet) -> Publish:
    qos = (packet.flags >> 1) & 3
    topic, at = _string(packet.body, 0)
    packet_id = None
    if qos:
        if at + 2 > len(packet.body):
            raise Malformed("truncated PUBLISH")
        packet_id = int.from_bytes(packet.body[at : at + 2], "big")
    return Publish(topic, qos, bool(packet.flags & 1), packet_id)


def subscribe(packet: Packet) -> list[tuple[str, int]]:
    """The (topic filter, requested QoS) pairs of a SUBSCRIBE."""
    if packet.flags != 0b0010:
        raise Malformed("SUBSCRIBE flags must be 0010")
    at, filters = 2, []
    while at < len(packet.body):
        topic_filter, at = _string(packet.body, at)
        if at >= len(packet.body):
            raise Malformed("truncated SUBSCRIBE")
        filters.append((topic_filter, packet.body[at] & 3))
        at += 1
    if not filters:
        raise Malformed("SUBSCRIBE without a topic filter")
    return filters


def puback(packet_id: int) -> bytes:
    return bytes([PUBACK << 4, 2]) + packet_id.to_bytes(2, "big")
