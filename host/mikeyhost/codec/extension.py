"""General Extension payload (RFC 3830 §6.15) and the types it carries.

    General Extension: Next(1) | Type(1) | Length(2) | Data

Typed here: Vendor ID (0, a vendor-specific byte string), SDP IDs (1, the
";"-joined list of offered key management protocol IDs, RFC 4567 §4.1.4),
Key ID (3, RFC 4563 §4: Key ID Type(1) | Key ID Length(1) | Key ID,
repeated) and CSB_ID (4, RFC 4738 §3.6: the Responder's new 32-bit CSB ID).
Every other type is a `GeneralExtension` whose data is kept as bytes and
written back unchanged.
"""

from dataclasses import dataclass, field

from ..errors import BadLength
from ._wire import Payload, Reader, blob, enum_or_int, u8, u16, u32
from .enums import GenExtType, KeyIdType, PayloadType


def _rest(region: Reader) -> bytes:
    return region.counted(region.remaining(), "General Extension Data")


def _frame(next_payload: int, ext_type: int, data: bytes) -> bytes:
    data = blob(data, 0xFFFF, "General Extension Data")
    return u8(next_payload) + u8(ext_type, "General Extension Type") + u16(len(data)) + data


@dataclass
class GeneralExtension(Payload):
    """A General Extension of a type this codec keeps as raw bytes."""
    ext_type: GenExtType | int
    data: bytes
    payload_type = PayloadType.GENERAL_EXT

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("General Extension Next payload")
        ext_type = r.u8("General Extension Type")
        region = r.region(r.u16("General Extension Length"), "General Extension Data")
        typed = _TYPED.get(ext_type)
        if typed is not None:
            return typed.from_region(region), next_payload
        return cls(enum_or_int(GenExtType, ext_type), _rest(region)), next_payload

    def write(self, next_payload: int) -> bytes:
        return _frame(next_payload, self.ext_type, self.data)


@dataclass
class VendorIdExt(Payload):
    """Vendor ID (type 0): a vendor-specific byte string."""
    data: bytes
    payload_type = PayloadType.GENERAL_EXT
    ext_type = GenExtType.VENDOR_ID

    @classmethod
    def from_region(cls, region: Reader) -> "VendorIdExt":
        return cls(_rest(region))

    def write(self, next_payload: int) -> bytes:
        return _frame(next_payload, self.ext_type, self.data)


@dataclass
class SdpIdsExt(Payload):
    """SDP IDs (type 1): the KMPIDs of every offered key management
    protocol, in SDP order (RFC 4567 §4.1.4), e.g. ["mikey", "keyp1"].
    Read as Latin-1 so any bytes round-trip; KMPIDs are ASCII letters and
    digits, which the receiver compares with its SDP."""
    kmpids: list[str] = field(default_factory=list)
    payload_type = PayloadType.GENERAL_EXT
    ext_type = GenExtType.SDP_IDS

    @property
    def prtcl_list(self) -> str:
        return ";".join(self.kmpids)

    @classmethod
    def from_region(cls, region: Reader) -> "SdpIdsExt":
        data = _rest(region)
        return cls(data.decode("latin-1").split(";") if data else [])

    def write(self, next_payload: int) -> bytes:
        try:
            data = self.prtcl_list.encode("latin-1")
        except UnicodeEncodeError:
            raise ValueError("SDP IDs: KMPIDs must be ASCII letters and digits") from None
        return _frame(next_payload, self.ext_type, data)


@dataclass
class KeyId:
    """One Key ID Type sub-payload (RFC 4563 §4, Figure 2)."""
    key_id_type: KeyIdType | int
    key_id: bytes


@dataclass
class KeyIdExt(Payload):
    """Key ID information (type 3, RFC 4563 §4)."""
    key_ids: list[KeyId] = field(default_factory=list)
    payload_type = PayloadType.GENERAL_EXT
    ext_type = GenExtType.KEY_ID

    @classmethod
    def from_region(cls, r: Reader) -> "KeyIdExt":
        key_ids = []
        while not r.at_end():
            key_id_type = enum_or_int(KeyIdType, r.u8("Key ID Type"))
            key_ids.append(KeyId(key_id_type, r.counted(r.u8("Key ID Length"), "Key ID")))
        return cls(key_ids)

    def write(self, next_payload: int) -> bytes:
        data = b"".join(u8(k.key_id_type, "Key ID Type") + u8(len(blob(k.key_id, 0xFF, "Key ID")))
                        + bytes(k.key_id) for k in self.key_ids)
        return _frame(next_payload, self.ext_type, data)


@dataclass
class CsbIdExt(Payload):
    """CSB_ID (type 4, RFC 4738 §3.6): the CSB ID a group-mode RSA-R
    Responder assigns; 4 bytes like the HDR's."""
    csb_id: int
    payload_type = PayloadType.GENERAL_EXT
    ext_type = GenExtType.CSB_ID

    @classmethod
    def from_region(cls, region: Reader) -> "CsbIdExt":
        if region.remaining() != 4:
            raise BadLength(f"CSB_ID extension has {region.remaining()} bytes, 4 expected",
                            offset=region.pos)
        return cls(region.u32("CSB_ID"))

    def write(self, next_payload: int) -> bytes:
        return _frame(next_payload, self.ext_type, u32(self.csb_id, "CSB_ID"))


_TYPED = {GenExtType.VENDOR_ID: VendorIdExt, GenExtType.SDP_IDS: SdpIdsExt,
          GenExtType.KEY_ID: KeyIdExt, GenExtType.CSB_ID: CsbIdExt}
