"""Ticket payloads of MIKEY-TICKET: TP and TICKET (RFC 6043 §6.10).

    TP:     Next(1) | Ticket Type(2) | Subtype(1) | Version(1)
            | PRF Func(7 bits) D E F G H I J K L M N O(12 bits) Res(5 bits)
            | TP Data length(2) | TP Data
    TICKET: as TP, then Ticket Data length(2) | Ticket Data
            | Initiator Data length(2) | Initiator Data

TP Data and Initiator Data hold nested MIKEY payloads ("the first 8 bits
identify the first payload"); they are kept as bytes here.
"""

from dataclasses import dataclass

from ._wire import Payload, Reader, blob, check_bits, enum_or_int, u8, u16
from .enums import PayloadType, PrfFunc, TicketFlags, TicketType


class _TicketPolicy(Payload):
    """The fields TP and TICKET share, and their wire format."""

    ticket_type: int
    subtype: int
    version: int
    prf_func: int
    flags: TicketFlags
    tp_data: bytes
    res: int

    @staticmethod
    def _read_policy(r: Reader, name: str) -> tuple:
        ticket_type = enum_or_int(TicketType, r.u16(f"{name} Ticket Type"))
        subtype = r.u8(f"{name} Subtype")
        version = r.u8(f"{name} Version")
        bits = int.from_bytes(r.fixed(3, f"{name} PRF Func/flags"), "big")
        prf_func = enum_or_int(PrfFunc, bits >> 17)
        flags = TicketFlags((bits >> 5) & 0xFFF)
        tp_data = r.counted(r.u16(f"{name} TP Data length"), f"{name} TP Data")
        return ticket_type, subtype, version, prf_func, flags, tp_data, bits & 0x1F

    def _write_policy(self, name: str) -> bytes:
        bits = (check_bits(self.prf_func, 7, f"{name} PRF Func") << 17
                | check_bits(int(self.flags), 12, f"{name} flags") << 5
                | check_bits(self.res, 5, f"{name} Res"))
        tp_data = blob(self.tp_data, 0xFFFF, f"{name} TP Data")
        return b"".join([u16(self.ticket_type, f"{name} Ticket Type"),
                         u8(self.subtype, f"{name} Subtype"), u8(self.version, f"{name} Version"),
                         bits.to_bytes(3, "big"), u16(len(tp_data)), tp_data])


@dataclass
class TP(_TicketPolicy):
    """Ticket Policy: the desired policy. `flags` are the D..O bits."""
    ticket_type: TicketType | int
    subtype: int
    version: int
    prf_func: PrfFunc | int
    flags: TicketFlags
    tp_data: bytes = b""
    res: int = 0
    payload_type = PayloadType.TP

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("TP Next payload")
        return cls(*cls._read_policy(r, "TP")), next_payload

    def write(self, next_payload: int) -> bytes:
        return u8(next_payload) + self._write_policy("TP")


@dataclass
class TICKET(_TicketPolicy):
    """A granted Ticket Policy with its Ticket Data and Initiator Data."""
    ticket_type: TicketType | int
    subtype: int
    version: int
    prf_func: PrfFunc | int
    flags: TicketFlags
    tp_data: bytes = b""
    res: int = 0
    ticket_data: bytes = b""
    initiator_data: bytes = b""
    payload_type = PayloadType.TICKET

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("TICKET Next payload")
        policy = cls._read_policy(r, "TICKET")
        ticket_data = r.counted(r.u16("Ticket Data length"), "Ticket Data")
        initiator_data = r.counted(r.u16("Initiator Data length"), "Initiator Data")
        return cls(*policy, ticket_data, initiator_data), next_payload

    def write(self, next_payload: int) -> bytes:
        ticket_data = blob(self.ticket_data, 0xFFFF, "Ticket Data")
        initiator_data = blob(self.initiator_data, 0xFFFF, "Initiator Data")
        return b"".join([u8(next_payload), self._write_policy("TICKET"), u16(len(ticket_data)),
                         ticket_data, u16(len(initiator_data)), initiator_data])
