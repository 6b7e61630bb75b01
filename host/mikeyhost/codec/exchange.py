"""Key exchange values: DH (RFC 3830 §6.4), ECCPT
(draft-ietf-msec-mikey-ecc-03 §6.1) and SAKKE (RFC 6509 §4.2).

    DH:    Next(1) | DH-Group(1) | DH-value (length implied by the group)
           | Reserv(4 bits) KV(4 bits) | KV data
    ECCPT: Next(1) | ECC curve(1) | ECC point (implied length) | padding
           | Auth alg(1) | TGK len(2) | Reserv(4 bits) KV(4 bits) | KV data
    SAKKE: Next(1) | SAKKE params(1) | ID scheme(1) | SAKKE data length(2)
           | SAKKE data

DH values of the MODP groups are the modulus size, left zero-padded
(Table 6.4). Elliptic-curve values are SEC1 octet strings whose first byte
gives the length: 0x04 uncompressed (1 + 2 × field size), 0x02/0x03
compressed (1 + field size); any other form is an unsupported DH value
(Error no 6). P-256 is DH-Group 10 and ECC curve 7 (docs/profile.md). ECC-03 pads the ECC point "to end on a 32-bit
boundary"; this codec counts from the start of the ECCPT payload, which
puts Auth alg, TGK len and Reserv/KV in one 32-bit row as the draft's
figure draws them. The padding is zero bytes.
"""

from dataclasses import dataclass, field

from ..errors import BadLength, UnsupportedDHGroup
from ._wire import Payload, Reader, blob, check_bits, enum_or_int, u8, u16
from .enums import (DH_GROUP_FIELD_LEN, DH_VALUE_LEN, ECC_FIELD_LEN, DhGroup, EccCurve, MacAlg,
                    PayloadType, SakkeIdScheme, SakkeParams)
from .keys import KeyValidity, KvNull, read_kv_data, write_kv_data


def _point_len(field_len: int, first: int, at: int) -> int:
    if first == 0x04:
        return 1 + 2 * field_len
    if first in (0x02, 0x03):
        return 1 + field_len
    raise UnsupportedDHGroup(f"EC point format 0x{first:02x} is not supported (0x02, 0x03 "
                             "compressed, 0x04 uncompressed)", offset=at)


def _read_point(r: Reader, field_len: int, what: str) -> bytes:
    at = r.pos
    first = r.u8(what)
    r.pos = at
    return r.fixed(_point_len(field_len, first, at), what)


def dh_value_len(group: int, value: bytes) -> int:
    """The length DH-Group `group` implies for `value` (encoding check)."""
    if group in DH_VALUE_LEN:
        return DH_VALUE_LEN[DhGroup(group)]
    if group in DH_GROUP_FIELD_LEN and value:
        return _point_len(DH_GROUP_FIELD_LEN[DhGroup(group)], value[0], 0)
    if group in DH_GROUP_FIELD_LEN:
        raise ValueError("DH: an EC point needs at least its format byte")
    raise ValueError(f"DH-Group {group} is not supported")


@dataclass
class DH(Payload):
    group: DhGroup | int
    value: bytes
    kv: KeyValidity = field(default_factory=KvNull)
    reserved: int = 0
    payload_type = PayloadType.DH

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("DH Next payload")
        at = r.pos
        group = r.u8("DH-Group")
        if group in DH_VALUE_LEN:
            value = r.fixed(DH_VALUE_LEN[DhGroup(group)], "DH-value")
        elif group in DH_GROUP_FIELD_LEN:
            value = _read_point(r, DH_GROUP_FIELD_LEN[DhGroup(group)], "DH-value")
        else:
            raise UnsupportedDHGroup(f"DH-Group {group} is not supported", offset=at)
        kv_at = r.pos
        res_kv = r.u8("DH Reserv/KV")
        kv = read_kv_data(r, res_kv & 0x0F, kv_at)
        return cls(DhGroup(group), value, kv, res_kv >> 4), next_payload

    def write(self, next_payload: int) -> bytes:
        if len(self.value) != dh_value_len(self.group, self.value):
            raise ValueError(f"DH: group {self.group} needs a "
                             f"{dh_value_len(self.group, self.value)}-byte value, "
                             f"got {len(self.value)}")
        return b"".join([u8(next_payload), u8(self.group), bytes(self.value),
                         u8(check_bits(self.reserved, 4, "DH Reserv") << 4 | self.kv.kv_type),
                         write_kv_data(self.kv)])


def _eccpt_padding(point_len: int) -> int:
    return -(2 + point_len) % 4


@dataclass
class ECCPT(Payload):
    """ECC point for MIKEY-ECMQV (ECC-03 §6.1, never registered: payload 22)."""
    curve: EccCurve | int
    point: bytes
    auth_alg: MacAlg | int
    tgk_len: int
    kv: KeyValidity = field(default_factory=KvNull)
    reserved: int = 0
    payload_type = PayloadType.ECCPT

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("ECCPT Next payload")
        at = r.pos
        curve = r.u8("ECCPT ECC curve")
        if curve not in ECC_FIELD_LEN:
            raise UnsupportedDHGroup(f"ECC curve {curve} is not supported", offset=at)
        point = _read_point(r, ECC_FIELD_LEN[EccCurve(curve)], "ECC point")
        pad_at = r.pos
        if any(r.fixed(_eccpt_padding(len(point)), "ECC point padding")):
            raise BadLength("ECC point padding is not zero", offset=pad_at)
        auth_alg = enum_or_int(MacAlg, r.u8("ECCPT Auth alg"))
        tgk_len = r.u16("ECCPT TGK len")
        kv_at = r.pos
        res_kv = r.u8("ECCPT Reserv/KV")
        kv = read_kv_data(r, res_kv & 0x0F, kv_at)
        return cls(EccCurve(curve), point, auth_alg, tgk_len, kv, res_kv >> 4), next_payload

    def write(self, next_payload: int) -> bytes:
        if self.curve not in ECC_FIELD_LEN:
            raise ValueError(f"ECCPT: ECC curve {self.curve} is not supported")
        flen = ECC_FIELD_LEN[EccCurve(self.curve)]
        if not self.point or len(self.point) != _point_len(flen, self.point[0], 0):
            raise ValueError("ECCPT: not a SEC1 point of the curve's size")
        return b"".join([u8(next_payload), u8(self.curve), bytes(self.point),
                         bytes(_eccpt_padding(len(self.point))),
                         u8(self.auth_alg, "ECCPT Auth alg"), u16(self.tgk_len, "ECCPT TGK len"),
                         u8(check_bits(self.reserved, 4, "ECCPT Reserv") << 4 | self.kv.kv_type),
                         write_kv_data(self.kv)])


@dataclass
class SAKKE(Payload):
    """SAKKE Encapsulated Data (RFC 6509 §4.2, RFC 6508 §4)."""
    params: SakkeParams | int
    id_scheme: SakkeIdScheme | int
    data: bytes
    payload_type = PayloadType.SAKKE

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("SAKKE Next payload")
        params = enum_or_int(SakkeParams, r.u8("SAKKE params"))
        id_scheme = enum_or_int(SakkeIdScheme, r.u8("SAKKE ID scheme"))
        data = r.counted(r.u16("SAKKE data length"), "SAKKE data")
        return cls(params, id_scheme, data), next_payload

    def write(self, next_payload: int) -> bytes:
        data = blob(self.data, 0xFFFF, "SAKKE data")
        return b"".join([u8(next_payload), u8(self.params, "SAKKE params"),
                         u8(self.id_scheme, "SAKKE ID scheme"), u16(len(data)), data])
