"""Identities: ID and CERT (RFC 3830 §6.7), IDR (RFC 6043 §6.6).

    ID, CERT: Next(1) | ID/Cert type(1) | ID/Cert len(2) | ID/Certificate data
    IDR:      Next(1) | ID Role(1) | ID Type(1) | ID len(2) | ID Data

ID data is kept as bytes: NAI and URI are text by convention, the byte
string type (RFC 6043 §6.5) has no encoding at all. `text` decodes it for
display without failing.
"""

from dataclasses import dataclass

from ._wire import Payload, Reader, blob, enum_or_int, u8, u16
from .enums import CertType, IdRole, IdType, PayloadType


@dataclass
class ID(Payload):
    id_type: IdType | int
    data: bytes
    payload_type = PayloadType.ID

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("ID Next payload")
        id_type = enum_or_int(IdType, r.u8("ID Type"))
        return cls(id_type, r.counted(r.u16("ID len"), "ID data")), next_payload

    def write(self, next_payload: int) -> bytes:
        data = blob(self.data, 0xFFFF, "ID data")
        return u8(next_payload) + u8(self.id_type, "ID Type") + u16(len(data)) + data


@dataclass
class CERT(Payload):
    """One certificate (each certificate of a chain has its own CERT)."""
    cert_type: CertType | int
    data: bytes
    payload_type = PayloadType.CERT

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("CERT Next payload")
        cert_type = enum_or_int(CertType, r.u8("Cert Type"))
        return cls(cert_type, r.counted(r.u16("Cert len"), "Certificate")), next_payload

    def write(self, next_payload: int) -> bytes:
        data = blob(self.data, 0xFFFF, "Certificate")
        return u8(next_payload) + u8(self.cert_type, "Cert Type") + u16(len(data)) + data


@dataclass
class IDR(Payload):
    """ID with a role (MIKEY-TICKET, MIKEY-SAKKE)."""
    id_role: IdRole | int
    id_type: IdType | int
    data: bytes
    payload_type = PayloadType.IDR

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("IDR Next payload")
        id_role = enum_or_int(IdRole, r.u8("IDR ID Role"))
        id_type = enum_or_int(IdType, r.u8("IDR ID Type"))
        return cls(id_role, id_type, r.counted(r.u16("IDR ID len"), "IDR ID Data")), next_payload

    def write(self, next_payload: int) -> bytes:
        data = blob(self.data, 0xFFFF, "IDR ID Data")
        return b"".join([u8(next_payload), u8(self.id_role, "IDR ID Role"),
                         u8(self.id_type, "IDR ID Type"), u16(len(data)), data])
