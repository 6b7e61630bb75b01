"""Security policy: SP (RFC 3830 §6.10) and the SRTP parameter set
(§6.10.1, Table 6.10.1.a; RFC 4771 §4 for types 13-19).

    SP:    Next(1) | Policy no(1) | Prot type(1) | Policy param length(2)
           | Policy param: Type(1) | Length(1) | Value, repeated

An SP keeps its parameters as (type, value bytes) in wire order, so any
SP re-encodes unchanged. `SP.srtp()` reads them as an `SrtpPolicy` of ints;
`SP.from_srtp()` writes one in ascending type order (docs/profile.md).
"""

from dataclasses import dataclass, field

from ..errors import BadPolicyParam, UnsupportedPolicy
from ._wire import Payload, Reader, blob, enum_or_int, u8, u16, uint
from .enums import PayloadType, ProtType, SrtpAuthAlg, SrtpEncrAlg, SrtpParam, SrtpPrf

# SrtpPolicy field, parameter type, and how many value bytes it takes:
# one byte for the algorithm choices, lengths and switches (§6.10.1), 1-4
# for the key derivation rate (docs/profile.md), 2 for R (RFC 4771 Table 2).
_SRTP_FIELDS = (
    ("encr_alg", SrtpParam.ENCR_ALG, (1,)),
    ("encr_key_len", SrtpParam.SESSION_ENCR_KEY_LEN, (1,)),
    ("auth_alg", SrtpParam.AUTH_ALG, (1,)),
    ("auth_key_len", SrtpParam.SESSION_AUTH_KEY_LEN, (1,)),
    ("salt_key_len", SrtpParam.SESSION_SALT_KEY_LEN, (1,)),
    ("prf", SrtpParam.SRTP_PRF, (1,)),
    ("kdr", SrtpParam.KEY_DERIVATION_RATE, (1, 2, 3, 4)),
    ("srtp_encr", SrtpParam.SRTP_ENCR, (1,)),
    ("srtcp_encr", SrtpParam.SRTCP_ENCR, (1,)),
    ("fec_order", SrtpParam.FEC_ORDER, (1,)),
    ("srtp_auth", SrtpParam.SRTP_AUTH, (1,)),
    ("auth_tag_len", SrtpParam.AUTH_TAG_LEN, (1,)),
    ("prefix_len", SrtpParam.SRTP_PREFIX_LEN, (1,)),
    ("roc_rate", SrtpParam.ROC_TRANSMISSION_RATE, (2,)),
    ("srtp_auth_alg", SrtpParam.SRTP_AUTH_ALG, (1,)),
    ("srtcp_auth_alg", SrtpParam.SRTCP_AUTH_ALG, (1,)),
    ("srtp_auth_key_len", SrtpParam.SRTP_SESSION_AUTH_KEY_LEN, (1,)),
    ("srtcp_auth_key_len", SrtpParam.SRTCP_SESSION_AUTH_KEY_LEN, (1,)),
    ("srtp_auth_tag_len", SrtpParam.SRTP_AUTH_TAG_LEN, (1,)),
    ("srtcp_auth_tag_len", SrtpParam.SRTCP_AUTH_TAG_LEN, (1,)),
)
_BY_TYPE = {ptype: (name, sizes) for name, ptype, sizes in _SRTP_FIELDS}


@dataclass
class SrtpPolicy:
    """The SRTP parameters an SP carries, as ints; None where the SP does
    not set the parameter (SRTP then uses its default, RFC 3711 §8.2).
    `extra` holds parameter types SRTP does not define, as (type, bytes)."""
    encr_alg: SrtpEncrAlg | int | None = None
    encr_key_len: int | None = None
    auth_alg: SrtpAuthAlg | int | None = None
    auth_key_len: int | None = None
    salt_key_len: int | None = None
    prf: SrtpPrf | int | None = None
    kdr: int | None = None
    srtp_encr: int | None = None
    srtcp_encr: int | None = None
    fec_order: int | None = None
    srtp_auth: int | None = None
    auth_tag_len: int | None = None
    prefix_len: int | None = None
    roc_rate: int | None = None
    srtp_auth_alg: SrtpAuthAlg | int | None = None
    srtcp_auth_alg: SrtpAuthAlg | int | None = None
    srtp_auth_key_len: int | None = None
    srtcp_auth_key_len: int | None = None
    srtp_auth_tag_len: int | None = None
    srtcp_auth_tag_len: int | None = None
    extra: list[tuple[int, bytes]] = field(default_factory=list)

    @classmethod
    def profile_default(cls) -> "SrtpPolicy":
        """The set sent when the user sets no policy (docs/profile.md, SP):
        AES-CM-128, HMAC-SHA-1 with an 80-bit tag, encryption and
        authentication on."""
        return cls(encr_alg=SrtpEncrAlg.AES_CM, encr_key_len=16, auth_alg=SrtpAuthAlg.HMAC_SHA_1,
                   auth_key_len=20, salt_key_len=14, prf=SrtpPrf.AES_CM, srtp_encr=1,
                   srtcp_encr=1, srtp_auth=1, auth_tag_len=10)

    def params(self) -> list[tuple[int, bytes]]:
        """(type, value) of every parameter set, in ascending type order;
        the key derivation rate in the fewest bytes."""
        out = []
        for name, ptype, sizes in _SRTP_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            if sizes == (1, 2, 3, 4):
                if not isinstance(value, int) or not 0 <= value < 1 << 32:
                    raise ValueError(f"{name}: {value!r} is not a 32-bit unsigned int")
                out.append((ptype, uint(value, max(1, (value.bit_length() + 7) // 8), name)))
            else:
                out.append((ptype, uint(value, sizes[0], name)))
        for ptype, value in self.extra:
            if ptype in _BY_TYPE:
                raise ValueError(f"SRTP parameter {ptype} belongs in its field, not in extra")
            out.append((ptype, bytes(value)))
        return sorted(out, key=lambda p: p[0])


@dataclass
class SP(Payload):
    policy_no: int
    prot_type: ProtType | int = ProtType.SRTP
    params: list[tuple[int, bytes]] = field(default_factory=list)
    payload_type = PayloadType.SP

    def get(self, ptype: int) -> bytes | None:
        """The value of the first parameter of type `ptype`, or None."""
        for t, value in self.params:
            if t == ptype:
                return value
        return None

    def srtp(self) -> SrtpPolicy:
        """The parameters as an SrtpPolicy. Raises UnsupportedPolicy if the
        Prot type is not SRTP, BadPolicyParam for a value of the wrong size
        or a parameter given twice."""
        if self.prot_type != ProtType.SRTP:
            raise UnsupportedPolicy(f"Prot type {self.prot_type} is not SRTP")
        policy = SrtpPolicy()
        seen = set()
        for ptype, value in self.params:
            if ptype not in _BY_TYPE:
                policy.extra.append((ptype, value))
                continue
            name, sizes = _BY_TYPE[ptype]
            if ptype in seen:
                raise BadPolicyParam(f"SRTP parameter {ptype} ({name}) is given twice")
            if len(value) not in sizes:
                raise BadPolicyParam(f"SRTP parameter {ptype} ({name}) has {len(value)} "
                                     f"value bytes, expected {' or '.join(map(str, sizes))}")
            seen.add(ptype)
            number = int.from_bytes(value, "big")
            if name == "encr_alg":
                number = enum_or_int(SrtpEncrAlg, number)
            elif name in ("auth_alg", "srtp_auth_alg", "srtcp_auth_alg"):
                number = enum_or_int(SrtpAuthAlg, number)
            elif name == "prf":
                number = enum_or_int(SrtpPrf, number)
            setattr(policy, name, number)
        return policy

    @classmethod
    def from_srtp(cls, policy: SrtpPolicy, policy_no: int = 0) -> "SP":
        return cls(policy_no, ProtType.SRTP, policy.params())

    @classmethod
    def read(cls, r: Reader):
        next_payload = r.u8("SP Next payload")
        policy_no = r.u8("SP Policy no")
        prot_type = enum_or_int(ProtType, r.u8("SP Prot type"))
        region = r.region(r.u16("SP Policy param length"), "SP Policy param")
        params = []
        while not region.at_end():
            ptype = region.u8("SP parameter Type")
            if prot_type == ProtType.SRTP:
                ptype = enum_or_int(SrtpParam, ptype)
            params.append((ptype, region.counted(region.u8("SP parameter Length"),
                                                 "SP parameter Value")))
        return cls(policy_no, prot_type, params), next_payload

    def write(self, next_payload: int) -> bytes:
        tlvs = b"".join(u8(t, "SP parameter Type") + u8(len(blob(v, 0xFF, "SP parameter Value")))
                        + bytes(v) for t, v in self.params)
        if len(tlvs) > 0xFFFF:
            raise ValueError("SP: Policy param longer than 65535 bytes")
        return b"".join([u8(next_payload), u8(self.policy_no, "SP Policy no"),
                         u8(self.prot_type, "SP Prot type"), u16(len(tlvs)), tlvs])

