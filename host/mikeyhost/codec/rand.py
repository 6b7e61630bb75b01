"""Random values: RAND (RFC 3830 §6.11) and RANDR (RFC 6043 §6.8).

    RAND:  Next(1) | RAND len(1) | RAND
    RANDR: Next(1) | RAND Role(1) | RAND length(1) | RAND
"""

from dataclasses import dataclass

from ._wire import Payload, Reader, blob, enum_or_int, u8
from .enums import PayloadType, RandRole


@dataclass
class RAND(Payload):
    rand: bytes
    payload_type = PayloadType.RAND

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("RAND Next payload")
        return cls(r.counted(r.u8("RAND len"), "RAND")), next_payload

    def write(self, next_payload: int) -> bytes:
        rand = blob(self.rand, 0xFF, "RAND")
        return u8(next_payload) + u8(len(rand)) + rand


@dataclass
class RANDR(Payload):
    """RAND with the role of the party that generated it (MIKEY-TICKET)."""
    rand_role: RandRole | int
    rand: bytes
    payload_type = PayloadType.RANDR

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("RANDR Next payload")
        role = enum_or_int(RandRole, r.u8("RAND Role"))
        return cls(role, r.counted(r.u8("RAND length"), "RAND")), next_payload

    def write(self, next_payload: int) -> bytes:
        rand = blob(self.rand, 0xFF, "RAND")
        return u8(next_payload) + u8(self.rand_role, "RAND Role") + u8(len(rand)) + rand
