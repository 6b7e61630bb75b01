"""Authentication payloads: SIGN (RFC 3830 §6.5), V (§6.9) and CHASH (§6.8).

    SIGN:  S type(4 bits) Signature len(12 bits) | Signature
    V:     Next(1) | Auth alg(1) | Ver data (length implied by Auth alg)
    CHASH: Next(1) | Hash func(1) | Hash (length implied by Hash func)

SIGN has no Next payload field, so it can only be the last payload.
"""

from dataclasses import dataclass

from ..errors import UnsupportedHash
from ._wire import Payload, Reader, blob, check_bits, enum_or_int, u8, u16
from .enums import HASH_LEN, MAC_LEN, HashFunc, MacAlg, PayloadType, SType
from .keys import mac_len


@dataclass
class SIGN(Payload):
    s_type: SType | int
    signature: bytes
    payload_type = PayloadType.SIGN

    @classmethod
    def read(cls, r: Reader):
        s_len = r.u16("SIGN S type/Signature len")
        signature = r.counted(s_len & 0x0FFF, "Signature")
        return cls(enum_or_int(SType, s_len >> 12), signature), PayloadType.LAST

    def write(self, next_payload: int) -> bytes:
        if next_payload != PayloadType.LAST:
            raise ValueError("SIGN has no Next payload field: it must be the last payload")
        signature = blob(self.signature, 0x0FFF, "Signature")
        return u16(check_bits(self.s_type, 4, "S type") << 12 | len(signature)) + signature


@dataclass
class V(Payload):
    """Verification message; Ver data length follows Auth alg (§6.2 table)."""
    auth_alg: MacAlg | int
    ver_data: bytes = b""
    payload_type = PayloadType.V

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("V Next payload")
        at = r.pos
        auth_alg = r.u8("V Auth alg")
        ver_data = r.fixed(mac_len(auth_alg, at), "Ver data")
        return cls(MacAlg(auth_alg), ver_data), next_payload

    def write(self, next_payload: int) -> bytes:
        if len(self.ver_data) != MAC_LEN.get(self.auth_alg):
            raise ValueError(f"V: Auth alg {self.auth_alg} needs "
                             f"{MAC_LEN.get(self.auth_alg)} bytes of Ver data, "
                             f"got {len(self.ver_data)}")
        return u8(next_payload) + u8(self.auth_alg) + bytes(self.ver_data)


@dataclass
class CHASH(Payload):
    hash_func: HashFunc | int
    hash: bytes
    payload_type = PayloadType.CHASH

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("CHASH Next payload")
        at = r.pos
        hash_func = r.u8("CHASH Hash func")
        try:
            hash_func = HashFunc(hash_func)
        except ValueError:
            raise UnsupportedHash(f"hash function {hash_func} is not supported",
                                  offset=at) from None
        return cls(hash_func, r.fixed(HASH_LEN[hash_func], "CHASH Hash")), next_payload

    def write(self, next_payload: int) -> bytes:
        if len(self.hash) != HASH_LEN.get(self.hash_func):
            raise ValueError(f"CHASH: Hash func {self.hash_func} needs a "
                             f"{HASH_LEN.get(self.hash_func)}-byte hash, got {len(self.hash)}")
        return u8(next_payload) + u8(self.hash_func) + bytes(self.hash)
