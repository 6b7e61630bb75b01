"""Whole messages: HDR followed by a chain of payloads, each payload's
first byte naming the type of the next one and 0 ending the chain (RFC 3830
§6.1, Table 6.1.b). SIGN has no Next field, so the chain ends after it.

Decoding is structural: it checks that every byte belongs to a well-formed
payload, not which payloads a message type allows or in what order (the
exchange layer does that); the order is kept in `Message.payloads`.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from ..errors import MikeyError, TrailingData, UnknownPayload
from ._wire import Payload, Reader
from .auth import CHASH, SIGN, V
from .enums import PayloadType
from .exchange import DH, ECCPT, SAKKE
from .extension import GeneralExtension
from .header import Header
from .identity import CERT, ID, IDR
from .keys import KEMAC, PKE
from .policy import SP
from .rand import RAND, RANDR
from .err import ERR
from .ticket import TICKET, TP
from .timestamp import T, TR

# The payload each Next payload value announces. Key data (20) is not here:
# it only occurs inside KEMAC Encr data (decode_key_data).
PAYLOAD_CLASSES: dict[int, type[Payload]] = {
    PayloadType.KEMAC: KEMAC,
    PayloadType.PKE: PKE,
    PayloadType.DH: DH,
    PayloadType.SIGN: SIGN,
    PayloadType.T: T,
    PayloadType.ID: ID,
    PayloadType.CERT: CERT,
    PayloadType.CHASH: CHASH,
    PayloadType.V: V,
    PayloadType.SP: SP,
    PayloadType.RAND: RAND,
    PayloadType.ERR: ERR,
    PayloadType.TR: TR,
    PayloadType.IDR: IDR,
    PayloadType.RANDR: RANDR,
    PayloadType.TP: TP,
    PayloadType.TICKET: TICKET,
    PayloadType.GENERAL_EXT: GeneralExtension,
    PayloadType.ECCPT: ECCPT,
    PayloadType.SAKKE: SAKKE,
}

# Quirk names (docs/profile.md, "Tolerant reader") the codec can report.
TRAILING_ZERO = "trailing-zero"


@dataclass
class Message:
    header: Header
    payloads: list[Payload] = field(default_factory=list)

    def find(self, kind: type[Payload]) -> Payload | None:
        """The first payload of class `kind`, or None."""
        return next((p for p in self.payloads if isinstance(p, kind)), None)

    def find_all(self, kind: type[Payload]) -> list[Payload]:
        return [p for p in self.payloads if isinstance(p, kind)]


class Span(NamedTuple):
    """Where a payload lies in the received bytes: data[start:end]."""
    start: int
    end: int


@dataclass
class Decoded:
    """A decoded message with what the exchange layer needs besides it:
    `spans[0]` is the HDR's, `spans[i + 1]` that of `message.payloads[i]`;
    `tolerated` names the quirks accepted; `data` is the input."""
    message: Message
    spans: list[Span]
    tolerated: list[str] = field(default_factory=list)
    data: bytes = b""

    def auth_field_offset(self) -> int:
        """Offset in `data` of the MAC, Ver data or Signature field of the
        last payload: the MAC or signature covers data[:offset]."""
        return self.spans[-1].end - _auth_field_len(self.message)


def decode_message(data: bytes, *, tolerant: bool = False) -> Decoded:
    """Decode a whole MIKEY message. Raises only MikeyError subclasses:
    Truncated, BadLength, UnknownPayload, TrailingData, BadVersion (Error
    no 13), UnsupportedDataType (11), and the typed error of an algorithm,
    group or TS type whose implied length is unknown. With `tolerant`, one
    0x00 after the last payload is accepted and reported as trailing-zero."""
    data = bytes(data)
    r = Reader(data)
    found = _Found()
    _read_chain(r, found)
    tolerated = []
    if not r.at_end():
        if tolerant and data[r.pos:] == b"\x00":
            tolerated.append(TRAILING_ZERO)
        else:
            raise TrailingData(f"{r.remaining()} bytes after the last payload", offset=r.pos)
    return Decoded(Message(found.header, found.payloads), found.spans, tolerated, data)


def decode_partial(data: bytes) -> Message | None:
    """As much of a message as decodes: its HDR and the payloads before the
    first error, or None when not even the HDR does; an undefined data type
    is kept as an int. For answering a message that failed with an Error
    message carrying its CSB ID, PRF func and T (§5.1.2, docs/profile.md)."""
    found = _Found()
    try:
        _read_chain(Reader(bytes(data)), found, known_data_type=False)
    except MikeyError:
        pass
    return Message(found.header, found.payloads) if found.header is not None else None


@dataclass
class _Found:
    header: Header | None = None
    payloads: list = field(default_factory=list)
    spans: list = field(default_factory=list)


def _read_chain(r: Reader, found: _Found, known_data_type: bool = True) -> None:
    """HDR, then payloads while their Next fields name one; what decoded
    so far stays in `found` when an error is raised."""
    found.header, next_payload = Header.read(r, known_data_type=known_data_type)
    found.spans.append(Span(0, r.pos))
    next_at = 2  # the HDR's Next payload field
    while next_payload != PayloadType.LAST:  # each pass consumes >= 2 bytes
        kind = PAYLOAD_CLASSES.get(next_payload)
        if kind is None:
            raise UnknownPayload(f"Next payload {next_payload} names no payload", offset=next_at)
        start = r.pos
        payload, next_payload = kind.read(r)
        next_at = start  # a payload's Next field is its first byte
        found.payloads.append(payload)
        found.spans.append(Span(start, r.pos))


def encode_message(message: Message) -> bytes:
    """The wire form of `message`; Next payload fields follow the payload
    order. Raises ValueError for a message that cannot be encoded (a field
    out of range, a MAC of the wrong length for its algorithm, SIGN not
    last)."""
    payloads = message.payloads
    kinds = []
    for p in payloads:
        if not isinstance(p, Payload) or PAYLOAD_CLASSES.get(p.payload_type) is None:
            raise ValueError(f"not a MIKEY payload: {p!r}")
        kinds.append(p.payload_type)
    kinds.append(PayloadType.LAST)
    parts = [message.header.write(kinds[0])]
    parts += [p.write(kinds[i + 1]) for i, p in enumerate(payloads)]
    return b"".join(parts)


def _auth_field_len(message: Message) -> int:
    last = message.payloads[-1] if message.payloads else None
    if isinstance(last, KEMAC):
        return len(last.mac)
    if isinstance(last, V):
        return len(last.ver_data)
    if isinstance(last, SIGN):
        return len(last.signature)
    raise ValueError("the last payload is not KEMAC, V or SIGN: there is no MAC, "
                     "Ver data or Signature field to find")


def auth_field_offset(message: Message | bytes) -> int:
    """Offset of the MAC (KEMAC), Ver data (V) or Signature (SIGN) field of
    the last payload in the encoded message. To authenticate: encode with a
    zeroed field, MAC or sign encoded[:offset], put the result at offset."""
    if isinstance(message, Message):
        return len(encode_message(message)) - _auth_field_len(message)
    return decode_message(message).auth_field_offset()
