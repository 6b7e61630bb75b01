"""Error payload: ERR (RFC 3830 §6.12; Error nos of RFC 4738 §3.9.2 and
RFC 6043 §6.9 in mikeyhost.errors.ErrorNo).

    ERR: Next(1) | Error no(1) | Reserved(2)
"""

from dataclasses import dataclass

from ..errors import ErrorNo
from ._wire import Payload, Reader, enum_or_int, u8, u16
from .enums import PayloadType


@dataclass
class ERR(Payload):
    error_no: ErrorNo | int
    reserved: int = 0
    payload_type = PayloadType.ERR

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("ERR Next payload")
        error_no = enum_or_int(ErrorNo, r.u8("Error no"))
        return cls(error_no, r.u16("ERR Reserved")), next_payload

    def write(self, next_payload: int) -> bytes:
        return u8(next_payload) + u8(self.error_no, "Error no") + u16(self.reserved, "ERR Reserved")
