"""Key transport: KEMAC (RFC 3830 §6.2), the Key data sub-payloads it
carries (§6.13; RFC 6043 §6.2.1), key validity data (§6.14) and PKE (§6.3).

    KEMAC:    Next(1) | Encr alg(1) | Encr data len(2) | Encr data
              | MAC alg(1) | MAC (length implied by MAC alg)
    Key data: Next(1) | Type(4 bits) KV(4 bits) | Key data len(2) | Key data
              | [Salt len(2) | Salt data]   (+SALT types only)
              | [KV data]                   (KV ≠ Null)
    KV data:  SPI:      SPI len(1) | SPI
              Interval: VF len(1) | Valid From | VT len(1) | Valid To
    PKE:      Next(1) | C(2 bits) Data len(14 bits) | Data

Key data sub-payloads chain with Next = 20 (Key data) and end with Next = 0.
In the public-key modes (§3.2; RFC 4738 §3.6) an ID payload precedes them.
"""

from dataclasses import dataclass, field

from ..errors import TrailingData, UnknownPayload, UnsupportedMAC
from ._wire import Payload, Reader, blob, check_bits, enum_or_int, u8, u16
from .enums import (MAC_LEN, SALTED_KEY_TYPES, EncrAlg, KeyDataType, KvType, MacAlg,
                    PayloadType, PkeCache)
from .identity import ID


# -- key validity data (§6.14) ---------------------------------------------

@dataclass
class KvNull:
    """No specific usage rule: valid for any SPI or index (Table 6.13.b)."""
    kv_type = KvType.NULL


@dataclass
class KvSpi:
    """The key belongs to this SPI; for SRTP the SPI is the MKI."""
    spi: bytes
    kv_type = KvType.SPI


@dataclass
class KvInterval:
    """The key is valid from `valid_from` to `valid_to` (for SRTP, 6-byte
    packet indexes ROC||SEQ)."""
    valid_from: bytes
    valid_to: bytes
    kv_type = KvType.INTERVAL


KeyValidity = KvNull | KvSpi | KvInterval


def read_kv_data(r: Reader, kv: int, at: int) -> KeyValidity:
    """KV data for KV type `kv` (read from the nibble at offset `at`)."""
    if kv == KvType.NULL:
        return KvNull()
    if kv == KvType.SPI:
        return KvSpi(r.counted(r.u8("SPI Length"), "SPI"))
    if kv == KvType.INTERVAL:
        valid_from = r.counted(r.u8("VF Length"), "Valid From")
        return KvInterval(valid_from, r.counted(r.u8("VT Length"), "Valid To"))
    raise UnknownPayload(f"KV type {kv} is not defined", offset=at)


def write_kv_data(kv: KeyValidity) -> bytes:
    if isinstance(kv, KvNull):
        return b""
    if isinstance(kv, KvSpi):
        spi = blob(kv.spi, 0xFF, "SPI")
        return u8(len(spi)) + spi
    if isinstance(kv, KvInterval):
        vf = blob(kv.valid_from, 0xFF, "Valid From")
        vt = blob(kv.valid_to, 0xFF, "Valid To")
        return u8(len(vf)) + vf + u8(len(vt)) + vt
    raise ValueError(f"not a key validity: {kv!r}")


# -- Key data sub-payload (§6.13) ------------------------------------------

@dataclass
class KeyData:
    """One Key data sub-payload: a TGK or TEK (optionally with its salt)
    and its validity. `salt` is carried only by the +SALT types."""
    key_type: KeyDataType | int
    key: bytes
    salt: bytes = b""
    kv: KeyValidity = field(default_factory=KvNull)

    @property
    def has_salt(self) -> bool:
        return self.key_type in SALTED_KEY_TYPES

    @property
    def spi(self) -> bytes | None:
        """The SPI (for SRTP the MKI) when KV is SPI, else None."""
        return self.kv.spi if isinstance(self.kv, KvSpi) else None

    @classmethod
    def read(cls, r: Reader):
        """Decode one sub-payload; returns (key data, next payload value)."""
        next_payload = r.u8("Key data Next payload")
        at = r.pos
        type_kv = r.u8("Key data Type/KV")
        key_type = type_kv >> 4
        try:
            key_type = KeyDataType(key_type)
        except ValueError:
            raise UnknownPayload(f"Key data type {key_type} is not defined", offset=at) from None
        key = r.counted(r.u16("Key data len"), "Key data")
        salt = b""
        if key_type in SALTED_KEY_TYPES:
            salt = r.counted(r.u16("Salt len"), "Salt data")
        kv = read_kv_data(r, type_kv & 0x0F, at)
        return cls(key_type, key, salt, kv), next_payload

    def write(self, next_payload: int) -> bytes:
        kt = check_bits(self.key_type, 4, "Key data Type")
        key = blob(self.key, 0xFFFF, "Key data")
        out = [u8(next_payload), u8(kt << 4 | self.kv.kv_type), u16(len(key)), key]
        if self.has_salt:
            salt = blob(self.salt, 0xFFFF, "Salt data")
            out += [u16(len(salt)), salt]
        elif self.salt:
            raise ValueError(f"Key data type {kt} carries no salt")
        out.append(write_kv_data(self.kv))
        return b"".join(out)


def _read_key_chain(r: Reader, next_payload: int, next_at: int, padded: bool = False) -> list[KeyData]:
    """Key data sub-payloads until Next = 0; `next_at` is the offset of the
    Next field that announced the first one. `padded`: zero bytes may follow
    the last one (AES-KW padding, docs/profile.md)."""
    keys = []
    while next_payload != PayloadType.LAST:
        if next_payload != PayloadType.KEY_DATA:
            raise UnknownPayload(f"Next payload {next_payload} inside KEMAC Encr data "
                                 "(only 20, Key data, or 0)", offset=next_at)
        next_at = r.pos
        key_data, next_payload = KeyData.read(r)
        keys.append(key_data)
    if padded and r.remaining() < AES_KW_MAX_PAD and not any(r.data[r.pos:r.end]):
        return keys
    if not r.at_end():
        raise TrailingData(f"{r.remaining()} bytes after the last Key data sub-payload",
                           offset=r.pos)
    return keys


# AES-KW pads to a multiple of 8 bytes and to at least 16 (docs/profile.md).
AES_KW_MAX_PAD = 16


def decode_key_data(plaintext: bytes, *, padded: bool = False) -> list[KeyData]:
    """The Key data sub-payloads of a KEMAC's (decrypted) Encr data. Empty
    Encr data (an update without keys, §6.2) gives an empty list. With
    `padded` (AES-KW), fewer than 16 zero bytes after the last one are
    padding; anything else after it is TrailingData."""
    r = Reader(plaintext)
    if r.at_end():
        return []
    return _read_key_chain(r, PayloadType.KEY_DATA, 0, padded)


def encode_key_data(keys: list[KeyData]) -> bytes:
    """Key data sub-payloads chained with Next 20, the last with Next 0."""
    return b"".join(k.write(PayloadType.KEY_DATA if i + 1 < len(keys) else PayloadType.LAST)
                    for i, k in enumerate(keys))


def decode_id_and_key_data(plaintext: bytes) -> tuple[ID, list[KeyData]]:
    """The Encr data of the public-key modes: an ID payload, then Key data
    sub-payloads (§3.2, §6.2; RFC 4738 §3.6). Returns (ID, [KeyData])."""
    r = Reader(plaintext)
    ident, next_payload = ID.read(r)
    return ident, _read_key_chain(r, next_payload, 0)


def encode_id_and_key_data(ident: ID, keys: list[KeyData]) -> bytes:
    return ident.write(PayloadType.KEY_DATA if keys else PayloadType.LAST) + encode_key_data(keys)


# -- KEMAC (§6.2) ----------------------------------------------------------

def mac_len(alg: int, at: int | None = None) -> int:
    """Length of the MAC (KEMAC) or Ver data (V) that `alg` implies."""
    try:
        return MAC_LEN[MacAlg(alg)]
    except ValueError:
        raise UnsupportedMAC(f"MAC algorithm {alg} is not supported", offset=at) from None


@dataclass
class KEMAC(Payload):
    """Key data transport. With Encr alg NULL, `encr_data` is the plaintext
    Key data sub-payloads (decode_key_data); otherwise their ciphertext."""
    encr_alg: EncrAlg | int
    encr_data: bytes
    mac_alg: MacAlg | int
    mac: bytes = b""
    payload_type = PayloadType.KEMAC

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("KEMAC Next payload")
        encr_alg = enum_or_int(EncrAlg, r.u8("KEMAC Encr alg"))
        encr_data = r.counted(r.u16("KEMAC Encr data len"), "KEMAC Encr data")
        at = r.pos
        mac_alg = r.u8("KEMAC MAC alg")
        mac = r.fixed(mac_len(mac_alg, at), "KEMAC MAC")
        return cls(encr_alg, encr_data, MacAlg(mac_alg), mac), next_payload

    def write(self, next_payload: int) -> bytes:
        encr_data = blob(self.encr_data, 0xFFFF, "KEMAC Encr data")
        if len(self.mac) != MAC_LEN.get(self.mac_alg):
            raise ValueError(f"KEMAC: MAC alg {self.mac_alg} needs a "
                             f"{MAC_LEN.get(self.mac_alg)}-byte MAC, got {len(self.mac)}")
        return b"".join([u8(next_payload), u8(self.encr_alg, "KEMAC Encr alg"),
                         u16(len(encr_data)), encr_data, u8(self.mac_alg), bytes(self.mac)])


# -- PKE (§6.3) ------------------------------------------------------------

@dataclass
class PKE(Payload):
    """Envelope data: the envelope key encrypted to the peer's public key."""
    c: PkeCache | int
    data: bytes
    payload_type = PayloadType.PKE

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("PKE Next payload")
        c_len = r.u16("PKE C/Data len")
        data = r.counted(c_len & 0x3FFF, "PKE Data")
        return cls(enum_or_int(PkeCache, c_len >> 14), data), next_payload

    def write(self, next_payload: int) -> bytes:
        data = blob(self.data, 0x3FFF, "PKE Data")
        return u8(next_payload) + u16(check_bits(self.c, 2, "PKE C") << 14 | len(data)) + data
