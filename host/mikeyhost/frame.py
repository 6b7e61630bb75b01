"""Frames of the serial link between the PC and a device (docs/serial-protocol.md):

    A5 4D | type | id | length (u16 BE) | payload | CRC-16/CCITT-FALSE (u16 BE)

The CRC covers type, id, length and payload. `Parser` is sans-IO: feed it
bytes as they arrive, in any pieces, and take complete frames and link
faults out; it resynchronises on the next sync marker after garbage, a
dropped or corrupted byte, or an oversized header.
"""

import binascii
import struct
from dataclasses import dataclass
from enum import IntEnum

SYNC = b"\xa5\x4d"
HEADER = 6  # sync, type, id, length
OVERHEAD = HEADER + 2
RESPONSE = 0x80  # a response's type is the request's | 0x80
DEFAULT_MAX_PAYLOAD = 1024


class FrameType(IntEnum):
    HELLO = 0x01
    PROVISION = 0x02
    MIKEY = 0x03
    EXCHANGE = 0x04
    KEYS = 0x05
    TIME = 0x06
    BENCH = 0x07
    LOG = 0x08
    REPL = 0x09
    KEYGEN = 0x0A
    ERROR = 0x7F


class LinkError(IntEnum):
    """Kinds carried by an ERROR frame's first payload byte."""
    BAD_CRC = 1
    TOO_LARGE = 2
    UNKNOWN_TYPE = 3
    BAD_PAYLOAD = 4
    MIKEY = 5  # the second byte is the MIKEY Error no
    NOT_PROVISIONED = 6
    STORAGE = 7
    INTERNAL = 8


def crc16(data: bytes, crc: int = 0xFFFF) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection."""
    return binascii.crc_hqx(data, crc)


def encode(ftype: int, fid: int, payload: bytes = b"") -> bytes:
    if not 0 <= fid <= 255 or not 0 <= ftype <= 255:
        raise ValueError("type and id are single bytes")
    if len(payload) > 0xFFFF:
        raise ValueError("payload over 65535 bytes")
    body = struct.pack(">BBH", ftype, fid, len(payload)) + payload
    return SYNC + body + struct.pack(">H", crc16(body))


@dataclass(frozen=True)
class Frame:
    type: int
    id: int
    payload: bytes


@dataclass(frozen=True)
class Fault:
    """Bytes the parser dropped: "garbage" (no sync marker), "bad-crc",
    "too-large" (a header announcing more than the receiver takes) or
    "timeout" (a frame that never completed)."""
    kind: str
    dropped: int


class Parser:
    """Incremental frame reader with resynchronisation."""

    def __init__(self, max_payload: int = DEFAULT_MAX_PAYLOAD):
        self.max_payload = max_payload
        self.buf = bytearray()

    def idle(self) -> list:
        """The line went quiet with a frame still incomplete: a corrupted
        length is waiting for bytes that will never come. Give up on that
        start and look for frames in what is buffered after it."""
        out = []
        while len(self.buf) >= 2 and self.buf[:2] == SYNC:
            out.append(Fault("timeout", 1))
            del self.buf[:1]
            out += self.feed(b"")
        return out

    def feed(self, data: bytes) -> list:
        """Add received bytes; return the Frames and Faults now complete."""
        self.buf += data
        out = []
        while True:
            at = self.buf.find(SYNC)
            if at < 0:
                # Keep a trailing first sync byte: the second may follow.
                at = len(self.buf) - (1 if self.buf[-1:] == SYNC[:1] else 0)
            if at:
                out.append(Fault("garbage", at))
                del self.buf[:at]
            if len(self.buf) < HEADER:
                return out
            ftype, fid, n = struct.unpack_from(">BBH", self.buf, 2)
            if n > self.max_payload:
                out.append(Fault("too-large", 1))
                del self.buf[:1]  # resynchronise after this marker
                continue
            if len(self.buf) < OVERHEAD + n:
                return out
            body = bytes(self.buf[2:HEADER + n])
            (crc,) = struct.unpack_from(">H", self.buf, HEADER + n)
            if crc != crc16(body):
                out.append(Fault("bad-crc", 1))
                del self.buf[:1]
                continue
            del self.buf[:OVERHEAD + n]
            out.append(Frame(ftype, fid, body[4:]))
